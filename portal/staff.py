"""Creating and updating staff accounts (used by ``manage.py add_staff``)."""

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from portal import roles
from portal.models import Ministry, StaffProfile

ROLE_GROUPS = {
    "moderator": roles.MODERATORS,
    "officer": roles.MINISTRY_OFFICERS,
    "editor": roles.EDITORS,
    "manager": roles.MANAGERS,
    "crisis-publisher": roles.CRISIS_PUBLISHERS,
}


@transaction.atomic
def save_staff_account(
    username: str,
    *,
    role: str,
    ministry_slug: str | None = None,
    email: str | None = None,
    password: str | None = None,
) -> tuple[User, bool]:
    """Create or update a staff account with exactly one role. Returns (user, created).

    Raises ValidationError with a message an operator can act on; nothing is saved then.
    """
    if role not in ROLE_GROUPS:
        raise ValidationError(f"Unknown role {role!r}: use one of {', '.join(ROLE_GROUPS)}.")
    ministry = None
    if role == "officer" and not ministry_slug:
        raise ValidationError("A ministry officer needs --ministry SLUG.")
    if ministry_slug:
        ministry = Ministry.objects.filter(slug=ministry_slug).first()
        if ministry is None:
            raise ValidationError(f"No ministry with the slug {ministry_slug!r}.")

    user, created = User.objects.get_or_create(username=username)
    if created and not password:
        raise ValidationError("A new account needs a password (prompt or STAFF_PASSWORD).")
    if email:
        user.email = email
    if password:
        validate_password(password, user)
        user.set_password(password)
    user.is_staff = True
    if created:
        user.is_active = True  # an existing account someone disabled stays disabled
    user.save()

    role_groups = Group.objects.filter(name__in=ROLE_GROUPS.values())
    user.groups.remove(*role_groups)
    user.groups.add(role_groups.get(name=ROLE_GROUPS[role]))
    StaffProfile.objects.update_or_create(user=user, defaults={"ministry": ministry})
    return user, created
