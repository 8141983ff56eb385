"""A PDF corpus generated in the tests: a harmless scan, and active content hidden the ways a
byte search misses (hex-escaped names, compressed object streams, an appended revision),
encrypted, truncated and bomb files. pikepdf writes what it can; the rest is written by hand."""

import io
import re
import zlib

import pikepdf
from PIL import Image

from tests.feedback.files import raw_pdf


def _save(pdf: pikepdf.Pdf, **options) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, **options)
    return buffer.getvalue()


def scan(pages: int = 2) -> bytes:
    """What a scanner or a phone's "save as PDF" makes: a JPEG per page, compressed objects."""
    pdf = pikepdf.new()
    for number in range(pages):
        buffer = io.BytesIO()
        Image.new("RGB", (620, 877), (240, 240, 235 - number)).save(buffer, "JPEG", quality=60)
        image = pikepdf.Stream(pdf, buffer.getvalue())
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height, image.BitsPerComponent = 620, 877, 8
        image.ColorSpace, image.Filter = pikepdf.Name.DeviceRGB, pikepdf.Name.DCTDecode
        page = pikepdf.Page(pdf.add_blank_page(page_size=(595, 842)))
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    pdf.docinfo["/Producer"] = "Scanner 2.1"
    return _save(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def _with(change) -> bytes:
    """The scan with ``change(pdf)`` applied, every object compressed into object streams:
    none of the names it adds is left in the file's bytes."""
    pdf = pikepdf.open(io.BytesIO(scan(pages=1)))
    change(pdf)
    return _save(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)


def _javascript(pdf: pikepdf.Pdf):
    return pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )


def open_action_javascript() -> bytes:
    return _with(lambda pdf: setattr(pdf.Root, "OpenAction", _javascript(pdf)))


def javascript_names_tree() -> bytes:
    def change(pdf):
        tree = pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), _javascript(pdf)]))
        pdf.Root.Names = pikepdf.Dictionary(JavaScript=pdf.make_indirect(tree))

    return _with(change)


def page_additional_action() -> bytes:
    def change(pdf):
        pdf.pages[0].obj.AA = pikepdf.Dictionary(O=_javascript(pdf))

    return _with(change)


def launch_action() -> bytes:
    action = {"/S": pikepdf.Name.Launch, "/F": pikepdf.String("cmd.exe")}
    return _with(lambda pdf: setattr(pdf.Root, "OpenAction", pikepdf.Dictionary(action)))


def embedded_file() -> bytes:
    def change(pdf):
        pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 not a scan")

    return _with(change)


def rich_media() -> bytes:
    def change(pdf):
        annotation = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.RichMedia,
            Rect=pikepdf.Array([0, 0, 100, 100]),
        )
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([annotation]))

    return _with(change)


def xfa_form() -> bytes:
    def change(pdf):
        xfa = pdf.make_stream(b"<xdp:xdp><script>app.alert(1)</script></xdp:xdp>")
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=xfa)

    return _with(change)


def escaped_names() -> bytes:
    """/OpenAction, /JavaScript and /JS written with #xx escapes: the same names to a reader."""
    return raw_pdf(
        catalog=b"<< /Type /Catalog /Pages 2 0 R "
        b"/Open#41ction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>"
    )


def incremental_update() -> bytes:
    """A harmless file with a second revision appended that gives the catalogue a script."""
    base = raw_pdf()
    previous = int(re.search(rb"startxref\s+(\d+)", base).group(1))
    out = io.BytesIO(base)
    out.seek(0, io.SEEK_END)
    offset = out.tell()
    out.write(
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Names << /J#61vaScript "
        b"<< /Names [(x) << /S /J#61vaScript /J#53 (app.alert(1)) >>] >> >> >>\nendobj\n"
    )
    xref = out.tell()
    out.write(b"xref\n1 1\n%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size 4 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (previous, xref)
    )
    return out.getvalue()


def encrypted(user_password: str = "") -> bytes:
    pdf = pikepdf.open(io.BytesIO(scan(pages=1)))
    return _save(pdf, encryption=pikepdf.Encryption(owner="owner-secret", user=user_password))


def truncated() -> bytes:
    data = scan()
    return data[: len(data) // 2]


def _object_stream_pdf(extra: int = 0, blank_megabytes: int = 0) -> bytes:
    """A valid PDF whose catalogue (and ``extra`` small objects) sit in one compressed object
    stream, followed by ``blank_megabytes`` of blanks that a reader inflates with it."""
    members = [(1, b"<< /Type /Catalog /Pages 2 0 R >>")]
    members += [(6 + n, b"<< /K [1 2 [3]] /N /X >>") for n in range(extra)]
    header, bodies, position = [], [], 0
    for number, body in members:
        header.append(b"%d %d" % (number, position))
        bodies.append(body)
        position += len(body) + 1
    head = b" ".join(header) + b"\n"
    squeeze = zlib.compressobj(9)
    packed = [squeeze.compress(head + b"\n".join(bodies) + b"\n")]
    blanks = b" " * (1024 * 1024)
    packed += [squeeze.compress(blanks) for _ in range(blank_megabytes)]
    packed.append(squeeze.flush())
    stream = b"".join(packed)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = {}
    for number, body in (
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"),
        (
            4,
            b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (len(members), len(head), len(stream))
            + stream
            + b"\nendstream",
        ),
    ):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    offsets[5] = out.tell()
    # A cross-reference stream (/W [1 4 4]): type 2 rows point into object stream 4.
    rows = [(0, 0, 65535), (2, 4, 0)] + [(1, offsets[n], 0) for n in (2, 3, 4, 5)]
    rows += [(2, 4, index) for index in range(1, len(members))]
    table = zlib.compress(
        b"".join(
            kind.to_bytes(1, "big") + field.to_bytes(4, "big") + gen.to_bytes(4, "big")
            for kind, field, gen in rows
        )
    )
    out.write(
        b"5 0 obj\n<< /Type /XRef /Size %d /W [1 4 4] /Root 1 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n"
        % (len(rows), len(table))
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[5]
    )
    return out.getvalue()


def object_stream_bomb(megabytes: int = 300) -> bytes:
    """The catalogue inside an object stream that inflates to hundreds of MB of blanks (a few
    hundred KB sent): a reader must decode it all to find the catalogue."""
    return _object_stream_pdf(blank_megabytes=megabytes)


def object_flood(count: int = 150_000) -> bytes:
    """Hundreds of thousands of small objects, compressed: seconds of parsing."""
    return _object_stream_pdf(extra=count)
