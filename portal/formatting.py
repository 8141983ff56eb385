"""The one way to write a date or a number: for a person, or for a machine.

People get the active language's pattern from ``portal/formats/<lang>/formats.py``
(docs/decisions.md, "Dates and numbers"): "3 ديسمبر 2026", "3 ديسمبر 2026، 14:05",
4,921 and 1.7 in Arabic; "3 December 2026", "3 December 2026, 14:05", 4,921 and 1.7 in
English. Machines (``<time datetime>``, CSV, JSON-LD, feeds) get ISO 8601 with Latin
digits, whatever the language. Templates use the same functions as filters
(``{% load portal_format %}``); Python code (messages, e-mail bodies) calls them here.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, timezone, translation
from django.utils.dates import MONTHS_ALT

# The weekly chart's axis has about 60 px per bar: day/month, the date of the table row
# beside it. The only shortened date, and only where the full one is one glance away.
AXIS_DATE_FORMAT = "j/n"
AXIS_MONTH_FORMAT = "M"
# Month names as the dates write them (the "E" form of the format modules), for a month
# picker: Arabic أبريل, not the إبريل of Django's plain month names.
MONTH_NAMES = MONTHS_ALT


def _local(value: datetime.date) -> datetime.date:
    """A moment in the site's time zone; a plain date as it is."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def local_date(value: datetime.date | None) -> str:
    """The day, for a person: "3 ديسمبر 2026" / "3 December 2026"."""
    if value is None or value == "":
        return ""
    return formats.date_format(_local(value), "DATE_FORMAT", use_l10n=True)


def local_datetime(value: datetime.datetime | None) -> str:
    """The day and time, for a person: "3 ديسمبر 2026، 14:05" / "3 December 2026, 14:05"."""
    if value is None or value == "":
        return ""
    return formats.date_format(_local(value), "DATETIME_FORMAT", use_l10n=True)


def local_month(value: datetime.date | None) -> str:
    """A month of a year, for a person: "ديسمبر 2026" / "December 2026"."""
    if value is None or value == "":
        return ""
    return formats.date_format(_local(value), "YEAR_MONTH_FORMAT", use_l10n=True)


def local_axis_date(value: datetime.date | None) -> str:
    """Day/month for a chart axis only ("3/12"): see ``AXIS_DATE_FORMAT``."""
    if value is None or value == "":
        return ""
    return formats.date_format(_local(value), AXIS_DATE_FORMAT, use_l10n=True)


def local_axis_month(value: datetime.date | None) -> str:
    """A month's name for a chart axis only, the full month and year in the table beside
    the chart: English abbreviates ("Dec"); Arabic names are short, and written as the
    dates write them (أبريل, where Django's abbreviation gives إبريل)."""
    if value is None or value == "":
        return ""
    if (translation.get_language() or "").startswith("ar"):
        return str(MONTH_NAMES[value.month])
    return formats.date_format(_local(value), AXIS_MONTH_FORMAT, use_l10n=True)


def local_number(value: int | float | Decimal | None, decimals: int | None = None) -> str:
    """A number for a person: thousands grouped, the language's decimal mark.

    ``decimals`` rounds half up to that many places (``local_number(1.75, 1)`` is "1.8",
    as ``floatformat`` does); without it an integer stays whole and a fraction keeps its
    digits. ``None`` and text that is not a number give "" (so ``|default:"–"`` works).
    """
    if value is None or value == "" or isinstance(value, bool):
        return ""
    try:
        number = value if isinstance(value, int) else Decimal(str(value))
        if decimals is not None:
            number = Decimal(number).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return ""
    return formats.number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def local_percent(value: float | Decimal | None, decimals: int = 0) -> str:
    """A share (0.85) as a percentage for a person: "85%" (Latin digits, the sign after
    the number in both languages, as Gulf government sites write it)."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    number = local_number(Decimal(str(value)) * 100, decimals)
    return f"{number}%" if number else ""


def iso_month(value: datetime.date | None) -> str:
    """A month in ISO 8601 (2026-12), for machines (open data)."""
    if value is None or value == "":
        return ""
    return iso_date(value)[:7]


def iso_date(value: datetime.date | None) -> str:
    """The day in ISO 8601 (2026-12-03), the site's time zone for a moment."""
    if value is None or value == "":
        return ""
    local = _local(value)
    if isinstance(local, datetime.datetime):
        local = local.date()
    return local.isoformat()


def iso_datetime(value: datetime.datetime | None) -> str:
    """A moment in ISO 8601 with its offset (2026-12-03T14:05:00+04:00), site time zone."""
    if value is None or value == "":
        return ""
    return _local(value).isoformat(timespec="seconds")
