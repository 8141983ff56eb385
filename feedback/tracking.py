"""The private tracking link: a signed reference, so a citizen without an e-mail address
(or without wanting to type it) can follow their request without an account.

The signature uses SECRET_KEY with its own salt; changing the key invalidates every link.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

SALT = "feedback.tracking-link"


def make_token(reference: str) -> str:
    return signing.dumps(reference, salt=SALT, compress=False)


def read_token(token: str) -> str | None:
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None


def tracking_path(reference: str, language: str | None = None) -> str:
    with translation.override(language or translation.get_language()):
        return reverse("feedback:track_link", kwargs={"token": make_token(reference)})


def tracking_url(reference: str, language: str) -> str:
    return settings.SITE_URL + tracking_path(reference, language)
