"""Judging a PDF by its decoded object graph, in a child process bounded in time and memory.

A byte search misses hex-escaped names (``/J#61vaScript``) and everything inside compressed
object streams; qpdf (through pikepdf) decodes both. Every object of the file is visited
(``pdf.objects``: the latest revision of each, objects of object streams and of incremental
updates included), with the direct dictionaries and arrays nested in it, and the file is
refused when it names JavaScript, an automatic action (``/OpenAction``, ``/AA``), a
``/Launch`` action, embedded files, rich media or an XFA form.

Parsing a hostile file is work a citizen controls, so it runs in a child Python process
(this file, run by path with ``-I``: no Django, no environment) that sets its own address
space and CPU limits before importing pikepdf; the parent also kills it after a wall-clock
timeout. Whatever goes wrong there (limit reached, crash, encrypted or unparseable file)
reads as "damaged".
"""

import io
import math
import resource
import subprocess
import sys
from pathlib import Path

CLEAN, ACTIVE, DAMAGED = "clean", "active", "damaged"

# Keys whose presence means code, an automatic action or a carried file.
ACTIVE_KEYS = frozenset(
    {
        "/JS",  # JavaScript action
        "/JavaScript",  # the document's JavaScript names tree
        "/OpenAction",  # runs when the document opens
        "/AA",  # additional actions: on page open, field focus, ...
        "/Launch",
        "/EmbeddedFiles",  # names tree of attached files
        "/EF",  # a file specification that carries the file
        "/RichMedia",
        "/RichMediaContent",
        "/XFA",  # XML forms with their own scripting
    }
)
# Names that mean the same as values: /S /JavaScript, /Type /EmbeddedFile, /Subtype /RichMedia.
ACTIVE_VALUES = frozenset({"/JavaScript", "/Launch", "/EmbeddedFile", "/RichMedia"})


def check(data: bytes, *, seconds: float, memory_mb: int) -> str:
    """CLEAN, ACTIVE or DAMAGED for the PDF in ``data``, decided in a bounded child."""
    try:
        run = subprocess.run(  # noqa: S603 - our own interpreter and file
            [sys.executable, "-I", str(Path(__file__).resolve()), str(seconds), str(memory_mb)],
            input=data,
            env={},  # nothing of the portal's environment (secrets) reaches the parser
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        return DAMAGED
    verdict = run.stdout.decode(errors="replace").strip()
    return verdict if run.returncode == 0 and verdict in (CLEAN, ACTIVE) else DAMAGED


def judge(data: bytes) -> str:
    """The verdict, in this process (the child calls it; tests may too)."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as pdf:
            if pdf.is_encrypted:
                return DAMAGED
            objects = [pdf.trailer, *pdf.objects]
            if any(_is_active(obj) for obj in objects):
                return ACTIVE
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RecursionError):
        return DAMAGED
    return CLEAN


def _is_active(obj, depth: int = 0) -> bool:
    """Whether ``obj`` or a direct object inside it is active content. Indirect objects
    met inside are not followed: each is visited on its own as one of ``pdf.objects``."""
    import pikepdf

    if not isinstance(obj, pikepdf.Object):  # numbers and booleans come as Python values
        return False
    if depth > 0 and obj.is_indirect:
        return False
    if depth > 100:  # a direct object nested that deep is no scan
        return True
    if isinstance(obj, pikepdf.Stream | pikepdf.Dictionary):
        for key in obj.keys():  # noqa: SIM118 - pikepdf objects need keys()
            if key in ACTIVE_KEYS:
                return True
            if _is_active(obj[key], depth + 1):
                return True
        return False
    if isinstance(obj, pikepdf.Array):
        return any(_is_active(item, depth + 1) for item in obj)
    if isinstance(obj, pikepdf.Name):
        return str(obj) in ACTIVE_VALUES
    return False


def _child(seconds: float, memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = max(1, math.ceil(seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    try:
        verdict = judge(sys.stdin.buffer.read())
    except MemoryError:
        verdict = DAMAGED
    sys.stdout.write(verdict)


if __name__ == "__main__":
    _child(float(sys.argv[1]), int(sys.argv[2]))
