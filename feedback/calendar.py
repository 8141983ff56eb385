"""Working days: when an answer is due.

Friday and Saturday are the weekend (``settings.FEEDBACK_WEEKEND``); public holidays are
rows of ``PublicHoliday`` edited in the admin. ``add_working_days`` is pure so the
workflow (due dates, overdue digests) and the tests use the same arithmetic.
"""

import bisect
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


def due_moment(hours: int, start: datetime.datetime | None = None) -> datetime.datetime:
    """The due moment of an item with a target of ``hours`` working hours (inquiries),
    received at ``start`` (now by default): Sunday to Thursday, between
    ``FEEDBACK_WORKING_HOURS``, public holidays skipped."""
    from feedback.models import PublicHoliday

    start = start or timezone.now()
    start_day = timezone.localdate(start)
    horizon = start_day + datetime.timedelta(days=hours + 60)
    holidays = PublicHoliday.objects.filter(date__gte=start_day, date__lte=horizon).values_list(
        "date", flat=True
    )
    return WorkingClock(holidays).add_working_hours(start, hours)


class WorkingClock:
    """Elapsed working time between two moments, in working days or working hours.

    A *working day* is a local calendar day that is neither in the weekend nor a public
    holiday; it counts in full (24 hours = 1 working day), so a request received on
    Thursday at 18:00 and answered on Sunday at 06:00 took 0.5 working day. *Working hours*
    are the hours between ``settings.FEEDBACK_WORKING_HOURS`` (start, end) of working days
    only. Both are differences of a position on a line that skips the time off, so
    ``elapsed`` costs two bisections whatever the distance (the rebuild of the statistics
    runs it a million times).
    """

    def __init__(
        self,
        holidays: Collection[datetime.date] = (),
        weekend: Collection[int] | None = None,
        hours: tuple[datetime.time, datetime.time] | None = None,
    ) -> None:
        self.weekend = frozenset(settings.FEEDBACK_WEEKEND if weekend is None else weekend)
        # Only holidays on working weekdays remove a day; a holiday on a Friday changes nothing.
        self.holidays = sorted(d for d in set(holidays) if d.weekday() not in self.weekend)
        start, end = hours or settings.FEEDBACK_WORKING_HOURS
        self.day_start = start.hour * 3600 + start.minute * 60
        self.day_end = end.hour * 3600 + end.minute * 60
        # Working weekdays before each weekday of a week that starts on Monday.
        self._before = [sum(1 for w in range(i) if w not in self.weekend) for i in range(8)]

    def working_days_before(self, day: datetime.date) -> int:
        """Working days from an arbitrary epoch (a Monday) to ``day``, ``day`` excluded."""
        ordinal = day.toordinal() - 1  # 0001-01-01 is a Monday: ordinal 0
        weeks, weekday = divmod(ordinal, 7)
        plain = weeks * self._before[7] + self._before[weekday]
        return plain - bisect.bisect_left(self.holidays, day)

    def is_working_day(self, day: datetime.date) -> bool:
        if day.weekday() in self.weekend:
            return False
        index = bisect.bisect_left(self.holidays, day)
        return index == len(self.holidays) or self.holidays[index] != day

    def _split(self, moment: datetime.datetime) -> tuple[datetime.date, int]:
        local = timezone.localtime(moment)
        return local.date(), local.hour * 3600 + local.minute * 60 + local.second

    def day_position(self, moment: datetime.datetime) -> float:
        day, second = self._split(moment)
        position = float(self.working_days_before(day))
        if self.is_working_day(day):
            position += second / 86400
        return position

    def hour_position(self, moment: datetime.datetime) -> float:
        day, second = self._split(moment)
        length = self.day_end - self.day_start
        position = self.working_days_before(day) * length
        if self.is_working_day(day):
            position += min(max(second - self.day_start, 0), length)
        return position / 3600

    def add_working_hours(self, start: datetime.datetime, hours: float) -> datetime.datetime:
        """The moment ``hours`` working hours after ``start`` (aware, local time): the
        inverse of ``working_hours``. Received on Thursday at 13:30 with 8 working hours
        (07:30-14:30) it is due on Sunday at 14:30."""
        local = timezone.localtime(start)
        day = local.date()
        length = self.day_end - self.day_start
        remaining = hours * 3600
        second = local.hour * 3600 + local.minute * 60 + local.second
        if self.is_working_day(day):
            used = min(max(second - self.day_start, 0), length)
            if remaining <= length - used:
                return self._moment(day, self.day_start + used + remaining)
            remaining -= length - used
        while True:
            day += datetime.timedelta(days=1)
            if not self.is_working_day(day):
                continue
            if remaining <= length:
                return self._moment(day, self.day_start + remaining)
            remaining -= length

    @staticmethod
    def _moment(day: datetime.date, seconds: float) -> datetime.datetime:
        midnight = datetime.datetime.combine(day, datetime.time())
        return timezone.make_aware(midnight + datetime.timedelta(seconds=round(seconds)))

    def working_days(self, start: datetime.datetime, end: datetime.datetime) -> float:
        return max(0.0, self.day_position(end) - self.day_position(start))

    def working_hours(self, start: datetime.datetime, end: datetime.datetime) -> float:
        return max(0.0, self.hour_position(end) - self.hour_position(start))


def working_clock(start: datetime.date | None = None) -> WorkingClock:
    """A clock with the ``PublicHoliday`` rows from ``start`` on (all when None)."""
    from feedback.models import PublicHoliday

    rows = PublicHoliday.objects.all()
    if start is not None:
        rows = rows.filter(date__gte=start)
    return WorkingClock(rows.values_list("date", flat=True))
