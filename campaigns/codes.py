"""Codes of the short links ``/c/<code>``.

10 characters drawn with ``secrets`` from 55 letters and digits (no 0/O, 1/l/I look-alikes,
so a code read aloud or copied by hand survives): 55^10 ≈ 2.5 × 10^17 codes. With a
thousand live links a guess hits one with a chance of 4 in 10^15, and a hit only shows a
public page of the site (every target is public) and adds one click: enumeration finds
nothing worth finding. Unknown codes cost no database write (docs/decisions.md).
"""

import secrets

from portal.attribution import CODE_ALPHABET

LENGTH = 10


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(LENGTH))
