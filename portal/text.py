"""Text rules of the whole portal: Arabic-aware normalisation for search, and the
characters a citizen's text may not carry.

Search: stored text (a ``search_text`` column) and the visitor's query go through the
same function, so a query typed without diacritics finds text written with them and the
reverse. PostgreSQL's ``arabic`` text-search configuration stems inconsistently (``وزارة``
and ``الوزارة`` do not match) and ``unaccent`` does not strip Arabic diacritics, so both
databases search the normalised column.

Citizen text (``clean_citizen_text``, ``is_one_line``, ``one_line``; the fields of
``portal.forms.CitizenForm`` use them): line breaks and invisible controls are what turn
a name into a second mail header, a log line or a CSV row, and bidi embeddings,
overrides and isolates make a moderator read text in another order than it is stored
(the "Trojan Source" trick). The directional *marks* (LRM U+200E, RLM U+200F, ALM U+061C)
are kept: Arabic text uses them to place punctuation next to Latin words and numbers, and
a mark is only an invisible letter of one direction: it cannot reorder a run of text.
"""

import re
import unicodedata

# Harakat, Quranic marks, superscript alef and tatweel: dropped.
_DROP = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ی": "ي",  # Persian yeh
        "ک": "ك",  # Persian kaf
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
    }
)
_SPACES = re.compile(r"\s+")

# Every character that ends a line somewhere: LF, CR, VT, FF, the file/group/record
# separators (Python's ``splitlines`` breaks on them), NEL, LINE and PARAGRAPH SEPARATOR.
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Invisible controls that have no place in a citizen's text: the other C0 controls (but
# tab), DEL, the other C1 controls, bidi embeddings/overrides (U+202A-U+202E) and
# isolates (U+2066-U+2069).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")


def normalize_search_text(text: str) -> str:
    """Fold ``text`` to the form in which it is stored and searched."""
    # NFKC first (presentation forms, ligatures), again after casefold, whose output
    # is not always NFKC-normal.
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text or "").casefold())
    text = _DROP.sub("", text).translate(_FOLD)
    return _SPACES.sub(" ", text).strip()


def search_terms(query: str, limit: int = 8) -> list[str]:
    """The distinct normalised words of a query (at most ``limit``, to bound the SQL)."""
    seen: dict[str, None] = {}
    for word in normalize_search_text(query).split(" "):
        if word:
            seen.setdefault(word, None)
    return list(seen)[:limit]


def clean_citizen_text(text: str) -> str:
    """A citizen's free text as it is stored: every line break becomes ``\\n``, tabs
    stay, and the invisible controls are removed."""
    return _CONTROL.sub("", _LINE_BREAK.sub("\n", text))


def is_one_line(text: str) -> bool:
    """Whether ``text`` can be a name or a subject: no line break, no invisible control
    (a tab is a space here)."""
    return not (_LINE_BREAK.search(text) or _CONTROL.search(text))


def one_line(text: str) -> str:
    """``text`` made one line of plain text (a mail subject, whatever was put into it):
    controls removed, every run of white space or line breaks one space."""
    return _SPACES.sub(" ", _CONTROL.sub("", _LINE_BREAK.sub(" ", text))).strip()
