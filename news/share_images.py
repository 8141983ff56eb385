"""Share images of clarifications: a card for the centre's official accounts, made with
Pillow when a clarification is published or changed (never per request).

Two sizes per language: ``wide`` 1200x630 (the page's Open Graph image, X and Facebook
posts) and ``square`` 1080x1080 (Instagram, WhatsApp status). Each card shows the verdict
(in words, with its colour and a drawn mark), the claim, the ministry that gave the facts,
the publication date and the centre's name.

Arabic is shaped and joined by Pillow's raqm layout (HarfBuzz for shaping, FriBiDi for
direction): without raqm Pillow draws isolated letters in the wrong order, so nothing is
drawn at all then (``RaqmUnavailable``; tests/news/test_share_images.py fails, not skips).
The project's IBM Plex Sans Arabic comes in two files per weight, an Arabic and a Latin
subset (static/fonts, as the site's CSS loads them), so a line is laid out here word by
word: each word is cut into runs of one file, each run shaped by raqm in the word's
direction, and runs of the other direction inside a line (an English name or a number in
Arabic text) are kept in their own order, as the Unicode bidi algorithm would for such
simple text.

Files go to the public media storage under ``news/clarifications/<pk>/`` with a digest
of what they show in their names: a change gives new addresses (no stale copy in a
network's cache) and the old files are deleted after the commit.
"""

import hashlib
import io
import json
import logging
import unicodedata
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, features

from portal.formatting import local_date

logger = logging.getLogger(__name__)

# Bumped when the drawing changes: every card is made again (manage.py
# make_share_images, or the next save of each clarification).
LAYOUT_VERSION = 1
SIZES = {"wide": (1200, 630), "square": (1080, 1080)}
ROOT = "news/clarifications"
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_FILES = {
    ("arabic", 400): "ibm-plex-sans-arabic-arabic-400-normal.woff2",
    ("arabic", 700): "ibm-plex-sans-arabic-arabic-700-normal.woff2",
    ("latin", 400): "ibm-plex-sans-arabic-latin-400-normal.woff2",
    ("latin", 700): "ibm-plex-sans-arabic-latin-700-normal.woff2",
}
# The code points of the Arabic file (the unicode-range of its @font-face in site.css).
ARABIC_RANGES = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x08FF),
    (0x200C, 0x200E),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFC),
)
LATIN_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x0131, 0x0131),
    (0x0152, 0x0153),
    (0x02BB, 0x02BC),
    (0x02C6, 0x02C6),
    (0x02DA, 0x02DA),
    (0x02DC, 0x02DC),
    (0x2000, 0x206F),
    (0x20AC, 0x20AC),
    (0x2122, 0x2122),
    (0x2212, 0x2212),
)

# The site's colours (static/css/site.css).
GREEN = (11, 93, 75)
GREEN_DARK = (7, 63, 51)
GOLD = (255, 191, 71)
RED = (184, 35, 47)
TEXT = (29, 35, 39)
MUTED = (79, 90, 96)
SURFACE = (243, 246, 245)
BORDER = (201, 209, 212)
WHITE = (255, 255, 255)
VERDICT_COLOURS = {
    "false": (179, 38, 30),
    "misleading": (154, 74, 0),
    "partly_true": (107, 83, 0),
    "true": (11, 107, 47),
    "under_verification": (55, 71, 79),
}


class RaqmUnavailable(RuntimeError):
    """Pillow cannot shape Arabic here (libraqm, or the FriBiDi it loads, is missing)."""


def raqm_available() -> bool:
    return bool(features.check("raqm"))


@cache
def _font(script: str, weight: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        str(FONT_DIR / FONT_FILES[(script, weight)]), size, layout_engine=ImageFont.Layout.RAQM
    )


def _in(ranges, code: int) -> bool:
    return any(low <= code <= high for low, high in ranges)


def drawable(text: str) -> str:
    """``text`` without what neither file can draw (emoji, other scripts, controls), one
    space between words."""
    kept = [
        ch
        for ch in unicodedata.normalize("NFC", text or "")
        if ch.isspace() or _in(ARABIC_RANGES, ord(ch)) or _in(LATIN_RANGES, ord(ch))
    ]
    return " ".join("".join(kept).split())


def _script(ch: str) -> str:
    return "arabic" if _in(ARABIC_RANGES, ord(ch)) and ch not in "\u200c\u200d\u200e" else "latin"


def _direction(word: str) -> str | None:
    """A word's own direction: rtl with an Arabic letter, ltr with a Latin letter, "num"
    for a number (it takes the direction of the text before it), None for punctuation
    alone (it takes the direction around it)."""
    classes = {unicodedata.bidirectional(ch) for ch in word}
    if classes & {"AL", "R"}:
        return "rtl"
    if "L" in classes:
        return "ltr"
    if classes & {"EN", "AN"}:
        return "num"
    return None


@dataclass
class Style:
    weight: int
    size: int
    colour: tuple

    def font(self, script: str) -> ImageFont.FreeTypeFont:
        return _font(script, self.weight, self.size)


def _runs(word: str) -> list[tuple[str, str]]:
    """The word cut into (script, text) runs of one font file each, in logical order."""
    runs: list[tuple[str, str]] = []
    for ch in word:
        script = _script(ch)
        if runs and runs[-1][0] == script:
            runs[-1] = (script, runs[-1][1] + ch)
        else:
            runs.append((script, ch))
    return runs


def _language(direction: str) -> str:
    return "ar" if direction == "rtl" else "en"


class Line:
    """One line of words, laid out in a paragraph of direction ``base``."""

    def __init__(self, words: list[str], style: Style, base: str) -> None:
        self.words, self.style, self.base = words, style, base

    @staticmethod
    def word_width(word: str, style: Style, direction: str) -> float:
        return sum(
            style.font(script).getlength(text, direction=direction, language=_language(direction))
            for script, text in _runs(word)
        )

    def space(self) -> float:
        return self.style.font("latin").getlength(" ")

    def _groups(self) -> list[tuple[str, list[str]]]:
        """Consecutive words of one direction, as the bidi algorithm resolves them for
        text of words: a number takes the direction of the last letter before it (the
        line's at the start), punctuation between two words of one direction joins them,
        elsewhere it takes the line's."""
        directions = [_direction(word) for word in self.words]
        strong = self.base
        for index, direction in enumerate(directions):
            if direction == "num":
                directions[index] = strong
            elif direction is not None:
                strong = direction
        for index, direction in enumerate(directions):
            if direction is None:
                before = next((d for d in reversed(directions[:index]) if d), self.base)
                after = next((d for d in directions[index + 1 :] if d), self.base)
                directions[index] = before if before == after else self.base
        groups: list[tuple[str, list[str]]] = []
        for word, direction in zip(self.words, directions, strict=True):
            if groups and groups[-1][0] == direction:
                groups[-1][1].append(word)
            else:
                groups.append((direction, [word]))
        return groups

    def width(self) -> float:
        widths = [
            self.word_width(word, self.style, direction)
            for direction, words in self._groups()
            for word in words
        ]
        return sum(widths) + self.space() * max(0, len(widths) - 1)

    def visual(self) -> list[tuple[str, str]]:
        """Every word as (direction, word) in the order seen, left to right."""
        groups = self._groups()
        if self.base == "rtl":
            groups = groups[::-1]
        pieces: list[tuple[str, str]] = []
        for direction, words in groups:
            ordered = words[::-1] if direction == "rtl" else words
            pieces += [(direction, word) for word in ordered]
        return pieces

    def draw(self, draw: ImageDraw.ImageDraw, start: float, baseline: float) -> None:
        """Draw from ``start`` (the right edge in rtl, the left edge in ltr)."""
        space = self.space()
        pieces = self.visual()
        x = start - self.width() if self.base == "rtl" else start
        for index, (direction, word) in enumerate(pieces):
            runs = _runs(word)
            if direction == "rtl":
                runs = runs[::-1]
            for script, text in runs:
                font = self.style.font(script)
                draw.text(
                    (x, baseline),
                    text,
                    font=font,
                    fill=self.style.colour,
                    anchor="ls",
                    direction=direction,
                    language=_language(direction),
                )
                x += font.getlength(text, direction=direction, language=_language(direction))
            if index < len(pieces) - 1:
                x += space


def wrap(text: str, style: Style, base: str, max_width: float) -> list[Line]:
    """The words of ``text`` in lines no wider than ``max_width`` (a word wider than a
    line, such as a long address, is cut with an ellipsis)."""
    lines: list[list[str]] = [[]]
    for word in text.split():
        candidate = [*lines[-1], word]
        if not lines[-1] or Line(candidate, style, base).width() <= max_width:
            lines[-1] = candidate
        else:
            lines.append([word])
    fitted = []
    for words in lines:
        line = Line(words, style, base)
        while line.width() > max_width and len(words) == 1 and len(words[0]) > 1:
            words = [words[0][:-2] + "…"]
            line = Line(words, style, base)
        fitted.append(line)
    return fitted


def fit(text: str, weight: int, sizes: range, colour, base: str, max_width: float, max_lines: int):
    """The largest size at which ``text`` fits in ``max_lines``; at the smallest, the
    text is cut after the last line that fits, with an ellipsis."""
    for size in sizes:
        style = Style(weight, size, colour)
        lines = wrap(text, style, base, max_width)
        if len(lines) <= max_lines:
            return style, lines
    kept = lines[:max_lines]
    last = kept[-1]
    words = [*last.words, "…"]
    while len(words) > 1 and Line(words, style, base).width() > max_width:
        words = [*words[:-2], "…"]
    kept[-1] = Line(words, style, base)
    return style, kept


def _line_height(style: Style, base: str) -> float:
    return style.size * (1.55 if base == "rtl" else 1.35)


def _draw_logo(draw: ImageDraw.ImageDraw, x: float, y: float, size: float) -> None:
    """The site's mark (static/icons/logo.svg) drawn with shapes: a speech bubble with
    three dots on the centre's green."""
    unit = size / 40
    draw.rounded_rectangle([x, y, x + size, y + size], radius=9 * unit, fill=WHITE)
    draw.rounded_rectangle(
        [x + 2 * unit, y + 2 * unit, x + size - 2 * unit, y + size - 2 * unit],
        radius=8 * unit,
        fill=GREEN,
    )
    draw.rounded_rectangle(
        [x + 9 * unit, y + 9 * unit, x + 31 * unit, y + 26 * unit], radius=4 * unit, fill=WHITE
    )
    draw.polygon(
        [(x + 13 * unit, y + 25 * unit), (x + 19 * unit, y + 25 * unit), (x + 13 * unit, y + 31 * unit)],
        fill=WHITE,
    )
    for cx, colour in ((15, RED), (20, GREEN), (25, RED)):
        r = 1.9 * unit
        draw.ellipse(
            [x + cx * unit - r, y + 17.5 * unit - r, x + cx * unit + r, y + 17.5 * unit + r],
            fill=colour,
        )


def _draw_mark(draw: ImageDraw.ImageDraw, verdict: str, cx: float, cy: float, r: float) -> None:
    """The verdict's mark in a white disc: a cross, a tick, an exclamation mark, half a
    disc, a ring (the same marks as the page's, static/css/site.css)."""
    colour = VERDICT_COLOURS[verdict]
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=WHITE)
    w = max(3, round(r * 0.28))
    if verdict == "false":
        d = r * 0.45
        draw.line([(cx - d, cy - d), (cx + d, cy + d)], fill=colour, width=w)
        draw.line([(cx - d, cy + d), (cx + d, cy - d)], fill=colour, width=w)
    elif verdict == "true":
        draw.line(
            [(cx - r * 0.5, cy + r * 0.02), (cx - r * 0.12, cy + r * 0.4), (cx + r * 0.52, cy - r * 0.38)],
            fill=colour,
            width=w,
            joint="curve",
        )
    elif verdict == "misleading":
        draw.rounded_rectangle(
            [cx - w / 2, cy - r * 0.6, cx + w / 2, cy + r * 0.15], radius=w / 2, fill=colour
        )
        draw.ellipse([cx - w / 2, cy + r * 0.35, cx + w / 2, cy + r * 0.35 + w], fill=colour)
    elif verdict == "partly_true":
        d = r * 0.62
        draw.pieslice([cx - d, cy - d, cx + d, cy + d], 270, 90, fill=colour)
        draw.arc([cx - d, cy - d, cx + d, cy + d], 0, 360, fill=colour, width=max(2, w // 2))
    else:
        d = r * 0.55
        draw.arc([cx - d, cy - d, cx + d, cy + d], 0, 360, fill=colour, width=w)


@dataclass
class Card:
    """What a card shows, in one language."""

    language: str
    verdict: str
    verdict_text: str  # "Verdict: False"
    kicker: str  # "The claim that circulated"
    claim: str
    heading: str  # "Official clarification"
    centre: str
    brand: str
    source: str  # "The facts: Ministry of Health"
    date: str
    host: str


def card_for(clarification, language: str) -> Card:
    with translation.override(language):
        claim = getattr(clarification, f"claim_{language}") or clarification.claim_ar or ""
        ministry = clarification.ministry
        ministry_name = getattr(ministry, f"name_{language}", None) or ministry.name
        return Card(
            language=language,
            verdict=clarification.verdict,
            verdict_text=_("Verdict: %(verdict)s")
            % {"verdict": clarification.Verdict(clarification.verdict).label},
            kicker=_("The claim that circulated"),
            claim=drawable(claim),
            heading=_("Official clarification"),
            centre=_("Government Communication Centre"),
            brand=_("Tawasul"),
            source=_("The facts: %(ministry)s") % {"ministry": drawable(ministry_name)},
            date=local_date(clarification.published_at or clarification.updated_at),
            host=urlsplit(settings.SITE_URL).netloc,
        )


def render(card: Card, kind: str) -> Image.Image:
    """The card as an RGB image of the size of ``kind``."""
    if not raqm_available():
        raise RaqmUnavailable("Pillow has no raqm layout: install libfribidi0 (make system-deps).")
    base = "rtl" if translation.get_language_info(card.language)["bidi"] else "ltr"
    width, height = SIZES[kind]
    square = kind == "square"
    image = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(image)
    margin = 64 if not square else 72
    inner = width - 2 * margin
    start = width - margin if base == "rtl" else margin  # where lines begin

    # Header band: the mark, the centre's name, "Official clarification" at the far side.
    band = 120 if not square else 150
    draw.rectangle([0, 0, width, band], fill=GREEN)
    draw.rectangle([0, band, width, band + 8], fill=GOLD)
    logo = band - 44
    logo_x = width - margin - logo if base == "rtl" else margin
    _draw_logo(draw, logo_x, (band - logo) / 2, logo)
    name_start = logo_x - 20 if base == "rtl" else margin + logo + 20
    centre = Style(700, 34 if not square else 40, WHITE)
    brand = Style(400, 24 if not square else 28, (210, 232, 226))
    Line(card.centre.split(), centre, base).draw(draw, name_start, band / 2 - 4)
    Line(card.brand.split(), brand, base).draw(draw, name_start, band / 2 + 34)
    heading = Style(700, 26 if not square else 30, GOLD)
    heading_line = Line(card.heading.split(), heading, base)
    heading_start = margin + heading_line.width() if base == "rtl" else width - margin - heading_line.width()
    heading_line.draw(draw, heading_start, band / 2 + 10)

    # Footer band: the ministry that gave the facts, the date, the site's address.
    footer = 84 if not square else 110
    draw.rectangle([0, height - footer, width, height], fill=SURFACE)
    draw.rectangle([0, height - footer, width, height - footer + 2], fill=BORDER)
    small = Style(700, 24 if not square else 28, TEXT)
    muted = Style(400, 22 if not square else 26, MUTED)
    source_line, _rest = fit(card.source, 700, range(small.size, 17, -1), TEXT, base, inner * 0.62, 1)
    source_line[0].draw(draw, start, height - footer / 2 + 8)
    tail = Line(f"{card.date} · {card.host}".split(), muted, base) if card.host else Line(
        card.date.split(), muted, base
    )
    tail_start = margin + tail.width() if base == "rtl" else width - margin - tail.width()
    tail.draw(draw, tail_start, height - footer / 2 + 8)

    # The verdict: a pill in its colour with its mark and its name.
    top = band + 8 + (40 if not square else 64)
    pill_style = Style(700, 36 if not square else 44, WHITE)
    pill_text = Line(card.verdict_text.split(), pill_style, base)
    pill_h = round(pill_style.size * 1.9)
    mark_r = pill_h * 0.3
    pill_w = pill_text.width() + mark_r * 2 + 28 + 56
    colour = VERDICT_COLOURS[card.verdict]
    if base == "rtl":
        x1, x0 = start, start - pill_w
        mark_cx = x1 - 28 - mark_r
        text_start = mark_cx - mark_r - 18
    else:
        x0, x1 = start, start + pill_w
        mark_cx = x0 + 28 + mark_r
        text_start = mark_cx + mark_r + 18
    draw.rounded_rectangle([x0, top, x1, top + pill_h], radius=pill_h / 2, fill=colour)
    _draw_mark(draw, card.verdict, mark_cx, top + pill_h / 2, mark_r)
    pill_text.draw(draw, text_start, top + pill_h / 2 + pill_style.size * 0.36)

    # The claim, as large as it fits between the verdict and the footer, in quotes.
    y = top + pill_h + (34 if not square else 56)
    kicker = Style(400, 26 if not square else 32, MUTED)
    Line(card.kicker.split(), kicker, base).draw(draw, start, y + kicker.size)
    y += _line_height(kicker, base) + 6
    quoted = f"«{card.claim}»" if base == "rtl" else f"\u201c{card.claim}\u201d"
    room = height - footer - 28 - y
    sizes = range(48, 25, -2) if not square else range(64, 33, -2)
    for size in sizes:
        probe = Style(700, size, TEXT)
        lines_allowed = max(1, int(room // _line_height(probe, base)))
        style, lines = fit(quoted, 700, range(size, size - 1, -1), TEXT, base, inner, lines_allowed)
        if len(lines) <= lines_allowed and not lines[-1].words[-1].endswith("…"):
            break
    # A rule at the start edge beside the claim, like a quotation in print.
    line_h = _line_height(style, base)
    block_h = line_h * len(lines)
    rule_x = width - margin + 20 if base == "rtl" else margin - 20
    draw.rectangle([rule_x - 3, y + 6, rule_x + 3, y + block_h - 6], fill=GOLD)
    for index, line in enumerate(lines):
        line.draw(draw, start, y + style.size * 1.05 + index * line_h)
    return image


def digest(clarification) -> str:
    """What the cards show, in every language: a change of any of it (the claim, the
    verdict, the ministry's name, a translation, the site's address) makes new cards."""
    shown = {
        "layout": LAYOUT_VERSION,
        **{code: asdict(card_for(clarification, code)) for code, _name in settings.LANGUAGES},
    }
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()[:16]


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def make(clarification) -> dict:
    """Draw and store every card; the names and sizes, keyed by language and kind."""
    stamp = digest(clarification)
    made: dict = {"digest": stamp}
    for code, _name in settings.LANGUAGES:
        card = card_for(clarification, code)
        made[code] = {}
        for kind, (width, height) in SIZES.items():
            name = f"{ROOT}/{clarification.pk}/{stamp}-{code}-{kind}.png"
            # The name follows from what is drawn: a file of that name is this card
            # already (left by a rolled-back save), so it is not drawn twice.
            if not default_storage.exists(name):
                name = default_storage.save(name, ContentFile(_encode(render(card, kind))))
            size = default_storage.size(name)
            made[code][kind] = {"name": name, "bytes": size, "width": width, "height": height}
    return made


def names(images: dict) -> list[str]:
    return [
        entry["name"]
        for code, _name in settings.LANGUAGES
        for entry in (images or {}).get(code, {}).values()
    ]


def delete(stale: list[str]) -> None:
    for name in stale:
        try:
            default_storage.delete(name)
        except OSError:
            pass  # already gone: nothing to do


def sync(clarification) -> bool:
    """The cards follow the clarification: made when it is public and what they show
    changed, deleted when it is no longer public. Old files go after the commit (a
    rollback keeps the old row and its files). Whether anything changed.

    A card that cannot be made (no raqm, a full disk) does not stop the publication:
    the error is logged and the page goes out without a share image until the next
    save or ``manage.py make_share_images``."""
    current = clarification.share_images or {}
    if clarification.is_public:
        try:
            if current.get("digest") == digest(clarification):
                return False
            images = make(clarification)
        except Exception:
            logger.exception("share images of clarification %s not made", clarification.pk)
            return False
    else:
        if not current:
            return False
        images = {}
    stale = names(current)
    clarification.share_images = images
    # One column: post_save fires again, so the page cache is bumped after the commit
    # with the new images in place.
    models.Model.save(clarification, update_fields=["share_images"])
    transaction.on_commit(lambda: delete(stale))
    return True


@dataclass(frozen=True)
class ShareImage:
    name: str
    width: int
    height: int
    size: int
    alt: str

    @property
    def url(self) -> str:
        return default_storage.url(self.name)


def share_image(clarification, kind: str, language: str | None = None) -> ShareImage | None:
    """The stored card of ``kind`` in ``language`` (the page's by default), or None."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    entry = (clarification.share_images or {}).get(language, {}).get(kind)
    if not entry:
        return None
    with translation.override(language):
        alt = _("Card of the official clarification: %(verdict)s. The claim: %(claim)s") % {
            "verdict": clarification.Verdict(clarification.verdict).label,
            "claim": getattr(clarification, f"claim_{language}") or clarification.claim,
        }
    return ShareImage(entry["name"], entry["width"], entry["height"], entry["bytes"], alt)
