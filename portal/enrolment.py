"""One-time enrolment codes for the first authenticator of a staff account.

``issue`` makes a code (12 letters and digits, about 60 bits), stores only its hash with an
expiry (``STAFF_ENROLMENT_CODE_HOURS``, 72) and returns it to be shown once. The two-factor
setup page asks for it before it shows the QR code; five wrong tries spend it.
"""

import logging
import secrets
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import EnrolmentCode

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L: the code is read aloud or copied from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LENGTH = 3, 4
MAX_FAILED_ATTEMPTS = 5


class Check(Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    EXPIRED = "expired"
    SPENT = "spent"  # too many wrong tries
    MISSING = "missing"  # never issued, or already used


def _normalize(typed: str) -> str:
    return "".join(char for char in typed.upper() if char.isalnum())


def issue(user: User, *, by: User | None = None) -> str:
    """A new code for ``user`` (any earlier one stops working). Shown once: not stored."""
    code = "-".join(
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )
    EnrolmentCode.objects.update_or_create(
        user=user,
        defaults={
            "code_hash": make_password(_normalize(code)),
            "expires_at": timezone.now() + timedelta(hours=settings.STAFF_ENROLMENT_CODE_HOURS),
            "failed_attempts": 0,
        },
    )
    logger.warning(
        "enrolment code issued for staff account %s by %s",
        user.username,
        by.username if by else "the command line",
    )
    return code


@transaction.atomic
def check(user: User, typed: str) -> Check:
    entry = EnrolmentCode.objects.select_for_update().filter(user=user).first()
    if entry is None:
        return Check.MISSING
    if entry.failed_attempts >= MAX_FAILED_ATTEMPTS:
        return Check.SPENT
    if entry.expires_at <= timezone.now():
        return Check.EXPIRED
    if check_password(_normalize(typed), entry.code_hash):
        return Check.ACCEPTED
    entry.failed_attempts += 1
    entry.save(update_fields=["failed_attempts"])
    logger.warning("wrong enrolment code for staff account %s", user.username)
    return Check.SPENT if entry.failed_attempts >= MAX_FAILED_ATTEMPTS else Check.WRONG


def reset(user: User, *, by: User | None = None) -> str:
    """A lost phone, or an expired first code: the authenticators go, a new code comes."""
    TOTPDevice.objects.filter(user=user).delete()
    return issue(user, by=by)


def spend(user: User) -> None:
    """The authenticator is enrolled: the code can never be used again."""
    EnrolmentCode.objects.filter(user=user).delete()
