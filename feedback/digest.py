"""The overdue digest: each ministry gets its own overdue items, the moderators all of
them (unrouted ones included). Two queries whatever the number of items."""

import logging
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from feedback.mail import send_notification
from feedback.models import Submission
from portal import roles
from portal.tasks import task

logger = logging.getLogger(__name__)


def send_overdue_digests(today=None) -> int:
    """Mail the digests; returns how many mails were sent."""
    today = today or timezone.localdate()
    items = list(
        Submission.objects.overdue(today)
        .select_related("ministry", "topic")
        .order_by("due_at", "pk")
    )
    if not items:
        return 0
    by_ministry = defaultdict(list)
    for item in items:
        if item.ministry is not None and item.ministry.contact_email:
            by_ministry[item.ministry].append(item)
    moderators = list(
        roles.moderator_accounts().exclude(email="").values_list("email", flat=True).distinct()
    )
    sent = 0
    mails = [(ministry.contact_email, ministry, rows) for ministry, rows in by_ministry.items()]
    if moderators:
        mails.append((moderators, None, items))
    for recipients, ministry, rows in mails:
        try:
            send_notification(
                "overdue_digest",
                {"ministry": ministry, "items": rows, "today": today},
                recipients if isinstance(recipients, list) else [recipients],
                language=settings.LANGUAGE_CODE,
            )
            sent += 1
        except Exception:
            # One unreachable ministry must not stop the others' digests.
            logger.exception("overdue digest not sent to %s", ministry or "moderators")
    return sent


@task()
def send_overdue_digests_task() -> int:
    """The overdue digest (``manage.py send_overdue_digest``): returns the mails sent."""
    return send_overdue_digests()
