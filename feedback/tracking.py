"""The private tracking link: the reference with a signature, so a citizen without an
e-mail address (or without wanting to type it) can follow their request without an account.

The signature uses SECRET_KEY with its own salt; changing the key invalidates every link.
The reference is visible in the link, which is fine: alone it opens nothing.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

SALT = "feedback.tracking-link"


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, algorithm="sha256")


def make_token(reference: str) -> str:
    return _signer().sign(reference)


def read_token(token: str) -> str | None:
    try:
        return _signer().unsign(token)
    except signing.BadSignature:
        return None


def tracking_path(reference: str, language: str | None = None) -> str:
    with translation.override(language or translation.get_language()):
        return reverse("feedback:track_link", kwargs={"token": make_token(reference)})


def tracking_url(reference: str, language: str) -> str:
    return settings.SITE_URL + tracking_path(reference, language)
