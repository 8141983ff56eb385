"""Open data: the public statistics per month of receipt, ministry, topic and kind, as CSV
and JSON, with the JSON Schema that describes them (docs/open-data.md).

The same cells and the same small-number rule as the pages (``accountability.records``):
a figure resting on fewer requests or ratings than ``PUBLIC_STATS_MIN_COUNT`` is withheld
(``null`` in JSON, ``<10`` in CSV) and named in the row's ``suppressed`` list; so is a
figure of the last 12 months withheld by complementary suppression (``withheld`` in CSV,
named in ``suppressed_complementary`` too), the same cells as on the pages. Machine
values only: Latin digits, ISO 8601 months and moments, codes rather than labels (with
both languages' names beside them).
"""

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability import records
from feedback.models import Kind, Topic
from portal.formatting import iso_date, iso_datetime, iso_month
from portal.models import Ministry

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class Field:
    name: str
    json_type: object  # a JSON Schema type (or list of types)
    description: str
    measure: str | None = None  # the records.Record figure it holds
    decimals: int | None = None
    extra: tuple = ()


FIELDS = [
    Field(
        "month",
        "string",
        gettext_lazy("Month of receipt of the requests, ISO 8601 (YYYY-MM), Oman time."),
        extra=(("pattern", r"^[0-9]{4}-(0[1-9]|1[0-2])$"),),
    ),
    Field(
        "ministry",
        ["string", "null"],
        gettext_lazy(
            "The ministry's code (the last part of its page's address); empty when the "
            "requests are not with a ministry (not routed yet, or turned down by the centre)."
        ),
    ),
    Field("ministry_name_ar", ["string", "null"], gettext_lazy("The ministry's name in Arabic.")),
    Field("ministry_name_en", ["string", "null"], gettext_lazy("The ministry's name in English.")),
    Field("topic", "integer", gettext_lazy("The topic's number.")),
    Field("topic_name_ar", "string", gettext_lazy("The topic's name in Arabic.")),
    Field("topic_name_en", "string", gettext_lazy("The topic's name in English.")),
    Field(
        "kind",
        "string",
        gettext_lazy("complaint, suggestion or idea."),
        extra=(("enum", list(Kind.values)),),
    ),
    Field(
        "target_working_days",
        "integer",
        gettext_lazy(
            "The topic's response time, in working days (weekends and public holidays left out)."
        ),
    ),
    Field(
        "received",
        ["integer", "null"],
        gettext_lazy("Requests received."),
        measure="received",
    ),
    Field(
        "answered",
        ["integer", "null"],
        gettext_lazy("Of those, requests answered."),
        measure="answered",
    ),
    Field(
        "share_answered_within_target",
        ["number", "null"],
        gettext_lazy(
            "Of the answered requests, the share answered in less than the target's working "
            "days after receipt (0 to 1)."
        ),
        measure="within_target",
        decimals=4,
        extra=(("minimum", 0), ("maximum", 1)),
    ),
    Field(
        "median_working_days_to_first_response",
        ["number", "null"],
        gettext_lazy(
            "Median working days from receipt to the first response (acknowledged, answered "
            "or turned down), to a quarter of a day."
        ),
        measure="first_response",
        decimals=2,
        extra=(("minimum", 0),),
    ),
    Field(
        "median_working_days_to_answer",
        ["number", "null"],
        gettext_lazy("Median working days from receipt to the answer, to a quarter of a day."),
        measure="answer",
        decimals=2,
        extra=(("minimum", 0),),
    ),
    Field(
        "ratings",
        ["integer", "null"],
        gettext_lazy("Citizens' ratings of the answers."),
        measure="ratings",
    ),
    Field(
        "average_rating",
        ["number", "null"],
        gettext_lazy("Average rating, from 1 (poor) to 5 (very good)."),
        measure="rating",
        decimals=2,
        extra=(("minimum", 1), ("maximum", 5)),
    ),
    Field(
        "share_reopened",
        ["number", "null"],
        gettext_lazy("Reopenings as “not resolved” per answered request."),
        measure="reopened",
        decimals=4,
        extra=(("minimum", 0),),
    ),
    Field(
        "suppressed",
        "array",
        gettext_lazy(
            "The fields of this row withheld: under the small-number rule (they rest on fewer "
            "requests or ratings than the threshold) or to protect another withheld figure."
        ),
    ),
    Field(
        "suppressed_complementary",
        "array",
        gettext_lazy(
            "Of those, the fields withheld although they rest on enough requests or ratings: "
            "shown, they would let a withheld figure be worked out by subtraction from a "
            "published total."
        ),
    ),
]
LIST_FIELDS = {"suppressed", "suppressed_complementary"}
# How a complementary withheld figure is written in CSV ("<10" would be untrue of it).
COMPLEMENTARY_CSV = "withheld"
FIELD_NAMES = [f.name for f in FIELDS]
MEASURE_FIELDS = [f for f in FIELDS if f.measure]


def licence() -> dict:
    return {"name": settings.OPEN_DATA_LICENCE_NAME, "url": settings.OPEN_DATA_LICENCE_URL}


def _value(shown: records.Shown, decimals: int | None):
    if shown.withheld or shown.value is None:
        return None
    if decimals is None:
        return int(shown.value)
    return round(float(shown.value), decimals)


def rows(today=None) -> list[dict]:
    """Every (month, ministry, topic, kind) with requests, oldest month first: the
    snapshot the pages show (``records.snapshot``: the cells, withheld as on the pages)
    and the names (two queries)."""
    taken = records.snapshot(today or timezone.localdate())
    found, targets, window = taken.found, taken.targets, taken.window
    published = taken.publication
    ministries = {
        m.pk: m
        for m in Ministry.objects.filter(pk__in={key[1] for key in found if key[1]}).only(
            "slug", "name_ar", "name_en"
        )
    }
    topics = {t.pk: t for t in Topic.objects.only("name_ar", "name_en", "response_days")}
    minimum = published.minimum
    result = []
    for key in sorted(found, key=lambda k: (k[0], k[1] or 0, k[2], k[3])):
        month, ministry_id, topic_id, kind = key
        record = records.Record()
        record.add(found[key], targets.get(topic_id))
        if record.figures.received <= 0:
            continue
        if window.contains(month):
            shown = published.shown(month, (ministry_id, topic_id, kind))
        else:  # no published sum covers it: the small-number rule suffices
            shown = record.shown(minimum)
        ministry = ministries.get(ministry_id)
        topic = topics[topic_id]
        row = {
            "month": iso_month(month),
            "ministry": ministry.slug if ministry else None,
            "ministry_name_ar": ministry.name_ar if ministry else None,
            "ministry_name_en": (ministry.name_en or None) if ministry else None,
            "topic": topic_id,
            "topic_name_ar": topic.name_ar or "",
            "topic_name_en": topic.name_en or "",
            "kind": kind,
            "target_working_days": targets.get(topic_id),
        }
        for f in MEASURE_FIELDS:
            row[f.name] = _value(shown[f.measure], f.decimals)
        row["suppressed"] = [f.name for f in MEASURE_FIELDS if shown[f.measure].withheld]
        row["suppressed_complementary"] = [
            f.name for f in MEASURE_FIELDS if shown[f.measure].complementary
        ]
        result.append(row)
    return result


def document(schema_url: str, today=None) -> dict:
    today = today or timezone.localdate()
    data = rows(today)
    return {
        "$schema": schema_url,
        "title": str(_("Tawasul: requests received and answered by the ministries")),
        "licence": licence(),
        "generated_at": iso_datetime(timezone.now()),
        "data_until": iso_date(today),
        "small_number_threshold": records.threshold(),
        "rows": data,
    }


def csv_text(today=None) -> str:
    """The rows as CSV (UTF-8 with a byte order mark, so spreadsheets read the Arabic);
    a withheld figure is written ``<10`` (``withheld`` when it is withheld to protect
    another), the lists of withheld fields space-separated."""
    withheld = f"<{records.threshold()}"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELD_NAMES)
    for row in rows(today):
        cells = []
        for f in FIELDS:
            value = row[f.name]
            if f.name in LIST_FIELDS:
                cells.append(" ".join(value))
            elif f.name in row["suppressed_complementary"]:
                cells.append(COMPLEMENTARY_CSV)
            elif f.name in row["suppressed"]:
                cells.append(withheld)
            else:
                cells.append("" if value is None else str(value))
        writer.writerow(cells)
    return "\ufeff" + buffer.getvalue()


def json_schema(schema_url: str) -> dict:
    """The JSON Schema (draft 2020-12) of ``document``, built from ``FIELDS`` so the file
    and its description cannot drift apart."""
    properties = {}
    for f in FIELDS:
        prop: dict = {"type": f.json_type, "description": str(f.description)}
        if f.name in LIST_FIELDS:
            prop["items"] = {"enum": [m.name for m in MEASURE_FIELDS]}
            prop["uniqueItems"] = True
        prop.update(dict(f.extra))
        properties[f.name] = prop
    return {
        "$schema": SCHEMA_DRAFT,
        "$id": schema_url,
        "title": str(_("Tawasul open data: requests per month, ministry, topic and kind")),
        "type": "object",
        "additionalProperties": False,
        "required": [
            "title",
            "licence",
            "generated_at",
            "data_until",
            "small_number_threshold",
            "rows",
        ],
        "properties": {
            "$schema": {"type": "string"},
            "title": {"type": "string"},
            "licence": {
                "type": "object",
                "required": ["name", "url"],
                "properties": {"name": {"type": "string"}, "url": {"type": "string"}},
            },
            "generated_at": {"type": "string", "format": "date-time"},
            "data_until": {"type": "string", "format": "date"},
            "small_number_threshold": {"type": "integer", "minimum": 2},
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": FIELD_NAMES,
                    "properties": properties,
                },
            },
        },
    }
