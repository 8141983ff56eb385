"""Staff roles. Each role is a Django group created by a migration of this app; every app
grants its own model permissions to these groups in a data migration of its own."""

from django.utils.translation import gettext_lazy as _

MODERATORS = "Moderators"
MINISTRY_OFFICERS = "Ministry officers"
EDITORS = "Editors"
MANAGERS = "Managers"

ROLE_LABELS = {
    MODERATORS: _("Moderators"),
    MINISTRY_OFFICERS: _("Ministry officers"),
    EDITORS: _("Editors"),
    MANAGERS: _("Managers"),
}


def has_role(user, group_name: str) -> bool:
    """True for active staff in the group. Cached per user object: one query a request."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not hasattr(user, "_tawasul_roles"):
        user._tawasul_roles = set(user.groups.values_list("name", flat=True))
    return group_name in user._tawasul_roles
