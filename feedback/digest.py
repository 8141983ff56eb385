"""The overdue digest: each ministry gets its own overdue items, the moderators all of
them (unrouted ones included). Two queries whatever the number of items."""

import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.utils import timezone, translation

from feedback.models import Submission
from portal import roles

logger = logging.getLogger(__name__)


def send_overdue_digests(today=None) -> int:
    """Mail the digests; returns how many mails were sent."""
    from feedback.tasks import send_with_retries

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
        User.objects.filter(groups__name=roles.MODERATORS, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    sent = 0
    mails = [(ministry.contact_email, ministry, rows) for ministry, rows in by_ministry.items()]
    if moderators:
        mails.append((moderators, None, items))
    for recipients, ministry, rows in mails:
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "ministry": ministry,
                "items": rows,
                "today": today,
                "site_url": settings.SITE_URL,
            }
            subject = render_to_string("feedback/email/overdue_digest_subject.txt", context)
            body = render_to_string("feedback/email/overdue_digest.txt", context)
        try:
            send_with_retries(
                subject, body, recipients if isinstance(recipients, list) else [recipients]
            )
            sent += 1
        except Exception:
            # One unreachable ministry must not stop the others' digests.
            logger.exception("overdue digest not sent to %s", ministry or "moderators")
    return sent
