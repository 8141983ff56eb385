import datetime

import pytest

from feedback.calendar import add_working_days, due_date
from feedback.models import PublicHoliday

THURSDAY = datetime.date(2026, 11, 26)


def test_friday_and_saturday_are_not_working_days():
    assert THURSDAY.weekday() == 3
    assert add_working_days(THURSDAY, 1) == datetime.date(2026, 11, 29)  # Sunday
    assert add_working_days(THURSDAY, 5) == datetime.date(2026, 12, 3)  # the next Thursday
    assert add_working_days(THURSDAY, 0) == THURSDAY


def test_holidays_are_skipped():
    holidays = {datetime.date(2026, 11, 29), datetime.date(2026, 11, 30)}
    assert add_working_days(THURSDAY, 1, holidays) == datetime.date(2026, 12, 1)


@pytest.mark.django_db
def test_due_date_reads_holidays_from_the_database():
    PublicHoliday.objects.create(
        date=datetime.date(2026, 11, 29), name_ar="عطلة", name_en="Holiday"
    )
    start = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)
    assert due_date(1, start) == datetime.date(2026, 11, 30)
