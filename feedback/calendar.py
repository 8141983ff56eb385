"""Working days: when an answer is due.

Friday and Saturday are the weekend (``settings.FEEDBACK_WEEKEND``); public holidays are
rows of ``PublicHoliday`` edited in the admin. ``add_working_days`` is pure so the
workflow (due dates, overdue digests) and the tests use the same arithmetic.
"""

import datetime
from collections.abc import Collection

from django.conf import settings
from django.utils import timezone


def is_working_day(day: datetime.date, holidays: Collection[datetime.date], weekend=None) -> bool:
    weekend = settings.FEEDBACK_WEEKEND if weekend is None else weekend
    return day.weekday() not in weekend and day not in holidays


def add_working_days(
    start: datetime.date,
    days: int,
    holidays: Collection[datetime.date] = (),
    weekend: Collection[int] | None = None,
) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself never counts).

    A request sent on Thursday with a response time of 1 working day is due on Sunday.
    """
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays, weekend):
            remaining -= 1
    return day


def due_date(days: int, start: datetime.datetime | None = None) -> datetime.date:
    """The due date of an item received at ``start`` (now by default), local time."""
    from feedback.models import PublicHoliday

    start_day = timezone.localdate(start or timezone.now())
    # Bounded look-ahead: a response time is weeks, not years.
    horizon = start_day + datetime.timedelta(days=days * 3 + 60)
    holidays = set(
        PublicHoliday.objects.filter(date__gt=start_day, date__lte=horizon).values_list(
            "date", flat=True
        )
    )
    return add_working_days(start_day, days, holidays)
