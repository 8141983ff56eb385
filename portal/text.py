"""Arabic-aware text normalisation for search.

Stored text (a ``search_text`` column) and the visitor's query go through the same
function, so a query typed without diacritics finds text written with them and the
reverse. PostgreSQL's ``arabic`` text-search configuration stems inconsistently (``وزارة``
and ``الوزارة`` do not match) and ``unaccent`` does not strip Arabic diacritics, so both
databases search the normalised column.
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
