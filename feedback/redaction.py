"""Redaction help: what in a citizen's text looks like personal data, before it is published.

``find(text)`` lists the spans that look like an Omani civil ID, a phone number (+968 or
00968 and the local 8-digit forms starting with 9, 7 or 2, with spaces or dashes), an
e-mail address or a vehicle plate (1 to 5 digits and 1 or 2 Arabic or capital Latin
letters, either order), in Latin, Arabic-Indic or Persian digits. ``mask(text, language)``
replaces each with a label in the text's language ("[phone number removed]");
``highlight(text)`` marks them for the moderator (``<mark>``, everything else escaped).
Publishing refuses a text in which ``find`` still finds something (``workflow.publish``).

What is deliberately *not* found (tests/feedback/test_redaction.py has the table): dates
(2026-03-15, 15/03/2026), money (1,500.250 OMR, ٢٥٠٠٠٠٠ ريال, 12.500 ر.ع), the portal's
references (TW-7K3Q-9M2X), times and units (10 AM, 5 KM, ٢٠٢٦ م). A false alarm is
rephrased by the moderator: the detector errs on the side of masking.
"""

import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

# Arabic-Indic and Persian digits read as Latin ones: one character for one, so the spans
# found in the translated text are the spans of the original.
_DIGITS = str.maketrans(
    {**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}}
)
_SEP = r"[ \u00a0\-]"  # a space, a no-break space or a dash between digit groups
# Not inside a longer number, an amount (1,500 / 12.500), a date (15/03) or a word.
_BEFORE = r"(?<![\w.,/+\-])"
_AFTER = r"(?![\w]|[.,/]\d)"
_AR_LETTER = "\u0621-\u064a"
# Money: an amount next to its currency is never a number to hide.
_CURRENCY = r"(?:ريال|ر\.\s?ع|بيسة|بيسه|درهم|omr|r\.?o\.?|rial|rials|baisa|baiza)"

# What a finding is, as the mask and the moderator's highlight name it.
LABELS = {
    "civil_id": pgettext_lazy("redaction", "civil ID number"),
    "phone": pgettext_lazy("redaction", "phone number"),
    "email": pgettext_lazy("redaction", "e-mail address"),
    "plate": pgettext_lazy("redaction", "vehicle plate"),
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_REFERENCE = re.compile(r"\bTW-[0-9A-Z]{4}-[0-9A-Z]{4}\b", re.IGNORECASE)
_PHONE = re.compile(
    _BEFORE
    + r"(?:"
    # +968 / 00968, then 8 digits as one group or 4 and 4.
    + rf"(?:(?:\+|00){_SEP}?)?968{_SEP}?(?:\d{{8}}|\d{{4}}{_SEP}?\d{{4}})"
    # Local: 9xxx xxxx, 7xxx xxxx (mobile), 2xxx xxxx (land lines).
    + rf"|[279]\d{{7}}|[279]\d{{3}}{_SEP}\d{{4}}"
    + r")"
    + _AFTER
)
# A civil number: 7 to 10 digits standing alone (an 8-digit one starting with 9, 7 or 2 is
# taken as a phone number first: masked either way).
_CIVIL_ID = re.compile(_BEFORE + r"\d{7,10}" + _AFTER)
_CURRENCY_AFTER = re.compile(r"^\s?" + _CURRENCY + r"(?![\w])", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(r"(?<![\w])" + _CURRENCY + r"\s?$", re.IGNORECASE)

# Plates: digits then letters, or letters then digits. Latin letters in capitals (lower
# case would take "5 am", "2 pm"); units and times are not plates.
_NOT_PLATE_LATIN = {
    *("AM", "PM", "KM", "KG", "CM", "MM", "ML", "GB", "MB", "KB", "RO", "OR", "AD", "BC"),
    *("ID", "NO", "PO", "TV", "UK", "US", "OK", "H", "M", "S", "G", "L", "X"),
}
# A lone م or ص after a number is a year (٢٠٢٦ م), metres or a time (٥ م, ٧ ص), a lone و
# is "and" (٣ و ٤): not plates.
_NOT_PLATE_ARABIC = {"م", "ص", "ه", "و"}
# Arabic plate letters stand apart ("أ ب"): two letters together are a word ("في").
_AR_PLATE_LETTERS = rf"[{_AR_LETTER}](?![{_AR_LETTER}])(?:{_SEP}[{_AR_LETTER}](?![{_AR_LETTER}]))?"
_LATIN_PLATE_LETTERS = rf"[A-Z](?:{_SEP}?[A-Z])?"
_PLATE = re.compile(
    r"(?<![\w/.,\-])"
    + r"(?:"
    + rf"(?P<d1>\d{{1,5}}){_SEP}?[/\\]?{_SEP}?(?P<l1>{_AR_PLATE_LETTERS}|{_LATIN_PLATE_LETTERS})"
    + rf"|(?P<l2>{_AR_PLATE_LETTERS}|{_LATIN_PLATE_LETTERS}){_SEP}?[/\\]?{_SEP}?(?P<d2>\d{{1,5}})"
    + r")"
    + rf"(?![\w{_AR_LETTER}\u0640]|[./]\w)"
)


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of LABELS
    start: int
    end: int

    @property
    def label(self) -> str:
        return str(LABELS[self.kind])


def _is_amount(plain: str, start: int, end: int) -> bool:
    return bool(_CURRENCY_AFTER.match(plain[end:]) or _CURRENCY_BEFORE.search(plain[:start]))


def _plate_letters(match: re.Match) -> str:
    return re.sub(_SEP, "", match.group("l1") or match.group("l2"))


def _is_plate(match: re.Match) -> bool:
    letters = _plate_letters(match)
    if letters.isascii():
        return letters not in _NOT_PLATE_LATIN
    # Arabic letters stand apart (the pattern); a lone م, ص, ه or و is a year, a unit, a
    # time or "and".
    return letters not in _NOT_PLATE_ARABIC


def find(text: str) -> list[Finding]:
    """The spans of ``text`` that look like personal data, in order, never overlapping."""
    plain = (text or "").translate(_DIGITS)
    taken: list[tuple[int, int]] = []
    found: list[Finding] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(kind: str, start: int, end: int) -> None:
        taken.append((start, end))
        found.append(Finding(kind, start, end))

    for match in _REFERENCE.finditer(plain):
        taken.append(match.span())  # the portal's own references are public
    for match in _EMAIL.finditer(plain):
        if free(*match.span()):
            add("email", *match.span())
    for match in _PHONE.finditer(plain):
        if free(*match.span()) and not _is_amount(plain, *match.span()):
            add("phone", *match.span())
    for match in _CIVIL_ID.finditer(plain):
        if free(*match.span()) and not _is_amount(plain, *match.span()):
            add("civil_id", *match.span())
    for match in _PLATE.finditer(plain):
        start, end = match.span()
        # The letters may be the first of a word: "12 AB" in "12 ABC" is not matched.
        if free(start, end) and _is_plate(match) and not _is_amount(plain, start, end):
            add("plate", start, end)
    return sorted(found, key=lambda f: f.start)


def mask(text: str, language: str | None = None) -> str:
    """``text`` with every finding replaced by a label in ``language`` (the text's own)."""
    findings = find(text)
    if not findings:
        return text
    with translation.override(language or translation.get_language()):
        parts, at = [], 0
        for finding in findings:
            parts += [text[at : finding.start], _("[%(what)s removed]") % {"what": finding.label}]
            at = finding.end
        parts.append(text[at:])
    return "".join(parts)


def highlight(text: str) -> SafeString:
    """``text`` escaped, each finding in a ``<mark>`` naming what it looks like (the
    moderator's view of the original before publishing)."""
    parts, at = [], 0
    for finding in find(text):
        parts += [
            escape(text[at : finding.start]),
            f'<mark class="redaction" title="{escape(finding.label)}">',
            escape(text[finding.start : finding.end]),
            f'<span class="visually-hidden"> ({escape(finding.label)})</span></mark>',
        ]
        at = finding.end
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts))
