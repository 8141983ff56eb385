"""Open data: the JSON validates against the schema we serve (jsonschema), the CSV parses
(csv) to the same rows, both hold the hand-computed figures of the fixed dataset with the
small-number rule, in Latin digits and ISO months, under the configured licence."""

import csv
import io
import json
import re

import jsonschema
import pytest
from lxml import html

from tests.accountability.dataset import TODAY, clock

pytestmark = pytest.mark.django_db
BASE = "/en/ministries/open-data/"
MEASURES = [
    "received",
    "answered",
    "share_answered_within_target",
    "median_working_days_to_first_response",
    "median_working_days_to_answer",
    "ratings",
    "average_rating",
    "share_reopened",
]


def get(client, url):
    with clock(TODAY):
        return client.get(url)


def load_json(client, lang="en"):
    response = get(client, f"/{lang}/ministries/open-data/statistics.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    schema = json.loads(get(client, f"/{lang}/ministries/open-data/schema.json").content)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)
    return document


def by_key(rows):
    return {(row["month"], row["ministry"], row["kind"]): row for row in rows}


def test_json_holds_the_hand_computed_figures(client, small_threshold, data):
    document = load_json(client)
    assert document["small_number_threshold"] == 3
    assert document["data_until"] == "2026-12-10"
    assert document["licence"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    rows = by_key(document["rows"])
    health = rows[("2026-10", "health", "complaint")]
    assert health["ministry_name_en"] == "Ministry of Health"
    assert health["ministry_name_ar"] == "وزارة الصحة"
    assert health["topic_name_en"] == "Health services"
    assert health["target_working_days"] == 5
    # Health's only cell of October is its fourth quarter, which would give the third
    # away (tests/accountability/test_suppression.py): withheld but the median to the
    # first response.
    assert {name: health[name] for name in MEASURES} == {
        name: 1.75 if name == "median_working_days_to_first_response" else None for name in MEASURES
    }
    withheld_too = [name for name in MEASURES if name != "median_working_days_to_first_response"]
    assert health["suppressed"] == withheld_too
    assert health["suppressed_complementary"] == withheld_too
    labour = rows[("2026-10", "labour", "complaint")]
    assert labour["share_answered_within_target"] == pytest.approx(0.6667)
    assert labour["median_working_days_to_answer"] == 9.25
    assert labour["ratings"] is None and labour["average_rating"] is None
    assert labour["suppressed"] == ["ratings", "average_rating"]
    assert labour["suppressed_complementary"] == []
    september = rows[("2026-09", "health", "complaint")]
    assert all(september[name] is None for name in MEASURES)
    assert september["suppressed"] == MEASURES
    not_routed = rows[("2026-10", None, "complaint")]
    assert not_routed["ministry_name_en"] is None
    assert set(rows) == {
        ("2026-09", "health", "complaint"),
        ("2026-10", "health", "complaint"),
        ("2026-10", "labour", "complaint"),
        ("2026-10", "transport", "complaint"),
        ("2026-10", None, "complaint"),
    }


def test_csv_has_the_same_rows(client, small_threshold, data):
    response = get(client, BASE + "statistics.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    from_json = by_key(load_json(client)["rows"])
    assert len(rows) == len(from_json)
    for row in rows:
        expected = from_json[(row["month"], row["ministry"] or None, row["kind"])]
        for name in MEASURES:
            if name in expected["suppressed_complementary"]:
                assert row[name] == "withheld"  # 3 or more: "<3" would be untrue
            elif name in expected["suppressed"]:
                assert row[name] == "<3"
            elif expected[name] is None:
                assert row[name] == ""
            else:
                assert float(row[name]) == expected[name]
        assert row["suppressed"].split() == expected["suppressed"]
        assert row["suppressed_complementary"].split() == expected["suppressed_complementary"]


def test_the_rule_at_its_default_and_latin_digits_in_arabic(client, data):
    document = load_json(client, "ar")
    assert all(row["received"] is None for row in document["rows"])  # every cell < 10
    for url in ("statistics.csv", "statistics.json", "schema.json"):
        text = get(client, f"/ar/ministries/open-data/{url}").content.decode()
        assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", text), url
    csv_text = get(client, "/ar/ministries/open-data/statistics.csv").content.decode()
    assert "<10" in csv_text


def test_the_licence_comes_from_the_settings(client, settings, data):
    settings.OPEN_DATA_LICENCE_NAME = "Open Government Licence"
    settings.OPEN_DATA_LICENCE_URL = "https://example.org/licence"
    assert load_json(client)["licence"]["name"] == "Open Government Licence"
    page = html.fromstring(get(client, BASE).content.decode())
    assert page.xpath("//a[@rel='license']/@href") == ["https://example.org/licence"]


def test_linked_from_the_statistics_page_and_cached(client, data):
    page = html.fromstring(get(client, "/en/ministries/").content.decode())
    links = set(page.xpath("//a/@href"))
    assert {BASE, BASE + "statistics.csv", BASE + "statistics.json"} <= links
    assert get(client, BASE + "statistics.json")["X-News-Cache"] == "miss"
    assert get(client, BASE + "statistics.json")["X-News-Cache"] == "hit"


def test_the_documentation_page_lists_every_field(client):
    page = html.fromstring(get(client, BASE).content.decode())
    documented = [code.text for code in page.xpath("//table//th/code")]
    schema = json.loads(get(client, BASE + "schema.json").content)
    assert documented == list(schema["properties"]["rows"]["items"]["properties"])
