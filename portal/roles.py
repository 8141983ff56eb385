"""Staff roles, and the one place that answers "what may this user do with feedback".

Each role is a Django group created by a migration of this app; every app grants its own
model permissions to these groups in a data migration of its own. The feedback app asks
only the functions below (``Submission.objects.visible_to`` / ``countable_by``, the
workflow's actor checks, the staff pages' gate, the navigation, the dashboard's cache key):
"superuser or moderator" and "the officer's ministry" are written here and nowhere else.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

MODERATORS = "Moderators"
MINISTRY_OFFICERS = "Ministry officers"
EDITORS = "Editors"
MANAGERS = "Managers"
# Write and publish crisis alerts and incident updates (crisis app); a real emergency needs
# a second one's approval.
CRISIS_PUBLISHERS = "Crisis publishers"

ROLE_LABELS = {
    MODERATORS: _("Moderators"),
    MINISTRY_OFFICERS: _("Ministry officers"),
    EDITORS: _("Editors"),
    MANAGERS: _("Managers"),
    CRISIS_PUBLISHERS: _("Crisis publishers"),
}


def has_role(user, group_name: str) -> bool:
    """True for active staff in the group. Cached per user object: one query a request."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not hasattr(user, "_tawasul_roles"):
        user._tawasul_roles = set(user.groups.values_list("name", flat=True))
    return group_name in user._tawasul_roles


def is_moderator(user) -> bool:
    """Moderators and superusers: every item of every ministry, and the moderation actions."""
    return (user.is_authenticated and user.is_active and user.is_superuser) or has_role(
        user, MODERATORS
    )


def is_editor(user) -> bool:
    """News editors: they also read the claims under review whose facts are in, to write
    the clarification (``feedback.models.Claim.objects.visible_to``)."""
    return has_role(user, EDITORS)


def reads_claims(user) -> bool:
    """Who may open the claims pages at all: moderators, officers of a ministry, editors."""
    return is_moderator(user) or officer_ministry_id(user) is not None or is_editor(user)


def moderator_accounts():
    """The active moderators' accounts (the overdue digest mails them)."""
    return User.objects.filter(groups__name=MODERATORS, is_active=True)


def officer_ministry_id(user) -> int | None:
    """The ministry an active ministry officer works for; None for anyone else, including
    an officer whose account has no ministry yet (they see nothing until one is set)."""
    if not has_role(user, MINISTRY_OFFICERS):
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.ministry_id if profile is not None else None


@dataclass(frozen=True)
class FeedbackScope:
    """The part of the feedback a user works on."""

    ministry_id: int | None  # None: every ministry
    opens_items: bool  # False: counts them only (managers)

    @property
    def key(self) -> str:
        """What the user's numbers depend on (the dashboard's cache key): equal keys, equal
        numbers. Managers and moderators count the same rows."""
        return "all" if self.ministry_id is None else f"ministry-{self.ministry_id}"


def feedback_scope(user) -> FeedbackScope | None:
    """Moderators and superusers: every item. Officers: their ministry's items (the officer
    role wins if someone also holds another). Managers: every item, counted, never opened.
    None (no staff page at all): the anonymous, editors, officers without a ministry."""
    if is_moderator(user):
        return FeedbackScope(ministry_id=None, opens_items=True)
    if has_role(user, MINISTRY_OFFICERS):
        ministry_id = officer_ministry_id(user)
        return FeedbackScope(ministry_id, opens_items=True) if ministry_id else None
    if has_role(user, MANAGERS):
        return FeedbackScope(ministry_id=None, opens_items=False)
    return None


@dataclass(frozen=True)
class CampaignScope:
    """The campaigns a user works on (the campaigns app asks only this)."""

    ministry_id: int | None  # None: every campaign (the centre's and every ministry's)
    manages: bool  # registers and edits campaigns (in the admin); False: reads dashboards


def campaign_scope(user) -> CampaignScope | None:
    """Editors, managers and superusers manage every campaign. Moderators read every
    campaign's dashboard. Officers read the campaigns of their ministry only (the officer
    role wins, as for feedback). None for everyone else (and an officer without a
    ministry)."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return CampaignScope(ministry_id=None, manages=True)
    if has_role(user, MINISTRY_OFFICERS):
        ministry_id = officer_ministry_id(user)
        return CampaignScope(ministry_id, manages=False) if ministry_id else None
    if has_role(user, EDITORS) or has_role(user, MANAGERS):
        return CampaignScope(ministry_id=None, manages=True)
    if has_role(user, MODERATORS):
        return CampaignScope(ministry_id=None, manages=False)
    return None


def is_crisis_publisher(user) -> bool:
    """Crisis publishers and superusers: draft, publish and approve alerts, post incident
    updates (the crisis staff pages and ``crisis.workflow``)."""
    return (user.is_authenticated and user.is_active and user.is_superuser) or has_role(
        user, CRISIS_PUBLISHERS
    )


def crisis_publisher_accounts():
    """The active crisis publishers' accounts (asked by mail to approve an emergency)."""
    return User.objects.filter(groups__name=CRISIS_PUBLISHERS, is_active=True)
