"""An upload corpus generated in the tests: real images (one with GPS EXIF), a
decompression bomb, a truncated JPEG, disguised SVG/HTML/script, real and fake PDFs."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg_bytes(size=(64, 48), exif=None, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(buffer, "JPEG", exif=exif)
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (23.0, 35.0, 15.0), 3: "E", 4: (58.0, 24.0, 30.0)}  # Muscat
    exif[0x8825] = gps  # GPSInfo IFD
    return exif


def jpeg_with_gps() -> bytes:
    return jpeg_bytes(exif=gps_exif())


def png_bytes(size=(32, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def webp_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 0, 200)).save(buffer, "WEBP")
    return buffer.getvalue()


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (10, 10)).save(buffer, "GIF")
    return buffer.getvalue()


def png_bomb(width=30_000, height=30_000) -> bytes:
    """A tiny PNG whose header declares 900 megapixels (the IDAT is a stub)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    data = jpeg_bytes(size=(400, 300))
    return data[: len(data) // 2]


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SCRIPT = b"#!/bin/sh\nrm -rf /\n"


def raw_pdf(catalog: bytes = b"<< /Type /Catalog /Pages 2 0 R >>", extra=()) -> bytes:
    """A PDF written byte by byte (what pikepdf would not write: escaped names, ...)."""
    objects = [
        catalog,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *extra,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def minimal_pdf() -> bytes:
    return raw_pdf()


def pdf_with_javascript() -> bytes:
    return raw_pdf(
        catalog=b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"
    )


FAKE_PDF = b"%PDF-1.4\n<html><script>alert(1)</script></html>"  # no body, no %%EOF


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_with_script_comment() -> bytes:
    """A real JPEG carrying HTML in a comment segment (a "polyglot")."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (9, 9, 9)).save(buffer, "JPEG", comment=b"<script>alert(1)</script>")
    return buffer.getvalue()


def png_with_text_chunk() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    info.add_text("GPS", "23.5880,58.3829")
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_with_xmp_location() -> bytes:
    buffer = io.BytesIO()
    xmp = b"<x:xmpmeta><exif:GPSLatitude>23.5880</exif:GPSLatitude><script>x</script></x:xmpmeta>"
    Image.new("RGB", (16, 16)).save(buffer, "JPEG", xmp=xmp)
    return buffer.getvalue()


def flat_image(fmt: str, size: tuple[int, int], **options) -> bytes:
    """One colour over a huge area: a few KB on the wire, megapixels once decoded."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 200, 200)).save(buffer, fmt, **options)
    return buffer.getvalue()
