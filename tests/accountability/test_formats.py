"""The formats the public statistics added to portal/formatting.py."""

import datetime

from django.utils import translation

from portal.formatting import iso_month, local_axis_month, local_percent


def test_percent_in_both_languages():
    for language in ("ar", "en"):
        with translation.override(language):
            assert local_percent(0.8) == "80%"
            assert local_percent(2 / 3) == "67%"
            assert local_percent(0.125, 1) == "12.5%"
            assert local_percent(12.5) == "1,250%"
            assert local_percent(None) == ""


def test_month_for_machines_and_for_an_axis():
    april = datetime.date(2026, 4, 1)
    assert iso_month(april) == "2026-04"
    with translation.override("en"):
        assert local_axis_month(april) == "Apr"
    with translation.override("ar"):
        assert local_axis_month(april) == "أبريل"
