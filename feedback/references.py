"""Submission references such as ``TW-7K3Q-9M2X``.

Short enough to read over the phone, unguessable (8 symbols from 31: about 8.5 × 10¹¹
possibilities, drawn with ``secrets``), and without the look-alikes 0/O and 1/I/L.
Uniqueness is the database's job (a unique constraint); ``workflow.submit`` retries on a
collision.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PREFIX = "TW"
_GROUPS = 2
_GROUP_LENGTH = 4
_SHAPE = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def generate_reference() -> str:
    groups = (
        "".join(secrets.choice(ALPHABET) for _ in range(_GROUP_LENGTH)) for _ in range(_GROUPS)
    )
    return "-".join([PREFIX, *groups])


def normalize_reference(text: str) -> str:
    """What a citizen typed (lower case, spaces, no dashes, Arabic digits) in canonical form.

    Returns "" when it cannot be a reference, so a look-up never touches the database.
    """
    digits = str.maketrans({chr(0x0660 + d): str(d) for d in range(10)})
    compact = re.sub(r"[\s\-–_]", "", (text or "").translate(digits)).upper()
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    if len(compact) != _GROUPS * _GROUP_LENGTH:
        return ""
    reference = f"{PREFIX}-{compact[:4]}-{compact[4:]}"
    return reference if _SHAPE.match(reference) else ""
