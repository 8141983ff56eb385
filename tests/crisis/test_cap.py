"""CAP 1.2: every document parsed by an independent library (cap-tools: bindings generated
from the OASIS schema with xsdata; its parser refuses unknown elements, missing required
ones and values outside the schema's enumerations) and checked rule by rule; the Atom
index feed read with feedparser. (cap-tools does not ship the XSD itself, so there is no
separate schema validation.)"""

import datetime
import re

import feedparser
import pytest
from cap_tools.models import Alert as CapAlert
from xsdata.formats.dataclass.parsers import XmlParser
from xsdata.formats.dataclass.parsers.config import ParserConfig

from crisis import workflow
from crisis.governorates import GOVERNORATES
from crisis.models import Alert

pytestmark = pytest.mark.django_db

CAP_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
NAMES = {code: (ar, en) for code, ar, en in GOVERNORATES}
PARSER = XmlParser(config=ParserConfig(fail_on_unknown_properties=True))


def fetch(client, alert: Alert) -> tuple[CapAlert, bytes]:
    response = client.get(f"/cap/alerts/{alert.identifier}.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/cap+xml")
    return PARSER.from_bytes(response.content, CapAlert), response.content


def _value(field) -> str:
    """xsdata gives enumerations and wrapped strings: the text."""
    while hasattr(field, "value"):
        field = field.value
    return str(field)


def _raw(xml: bytes, tag: str) -> list[str]:
    """The text of every ``tag`` as written (xsdata parses dates into its own type)."""
    return re.findall(rf"<{tag}>([^<]*)</{tag}>".encode(), xml)


def check_document(client, alert: Alert, references: list[Alert]) -> CapAlert:
    parsed, xml = fetch(client, alert)
    assert parsed.identifier == alert.identifier
    assert parsed.sender == "alerts@tawasul.example"
    assert _value(parsed.status) == alert.status
    assert _value(parsed.msg_type) == alert.msg_type
    assert _value(parsed.scope) == "Public"
    sent = _raw(xml, "sent")[0].decode()
    assert CAP_TIME.match(sent), sent  # seconds and an offset, never Z
    if references:
        expected = " ".join(
            f"alerts@tawasul.example,{earlier.identifier},{_raw(fetch(client, earlier)[1], 'sent')[0].decode()}"
            for earlier in references
        )
        assert parsed.references == expected
        # The library reads them back as (sender, identifier, sent) triples.
        assert [ref.identifier for ref in parsed.references_to_list()] == [
            e.identifier for e in references
        ]
    else:
        assert parsed.references is None
    infos = parsed.infos
    assert [_value(info.language) for info in infos] == ["ar-OM", "en"]
    codes = sorted(alert.governorates.values_list("code", flat=True))
    for info in infos:
        language = "ar" if _value(info.language) == "ar-OM" else "en"
        assert _value(info.urgency) == alert.urgency != "Unknown"
        assert _value(info.severity) == alert.severity != "Unknown"
        assert _value(info.certainty) == alert.certainty != "Unknown"
        assert [_value(c) for c in info.categories] == [alert.category]
        assert info.headline == alert.text_in("headline", language)
        assert info.description == alert.text_in("summary", language)
        assert info.event == alert.text_in("event", language)
        (area,) = info.areas
        geocodes = sorted(_value(g.value) for g in area.geocodes)
        assert geocodes == codes
        assert {_value(g.value_name) for g in area.geocodes} == {"ISO3166-2"}
        if len(codes) < 11:
            for code in codes:
                assert NAMES[code][0 if language == "ar" else 1] in area.area_desc
        assert info.web.endswith(f"/{language}/alerts/incidents/{alert.incident.slug}/")
    for moment in _raw(xml, "effective") + _raw(xml, "expires"):
        assert CAP_TIME.match(moment.decode())
    return parsed


def test_alert_update_and_cancel_documents(
    client, published, draft, publisher, approver, django_capture_on_commit_callbacks
):
    first = published(level=Alert.Level.WARNING)
    with django_capture_on_commit_callbacks(execute=True):
        update = workflow.transition(
            publisher,
            draft(
                msg_type=Alert.MsgType.UPDATE,
                follows=first,
                level=Alert.Level.WARNING,
                areas=("OM-MA", "OM-ZU"),
            ),
            "publish",
        )
        cancel = workflow.transition(
            publisher,
            draft(
                msg_type=Alert.MsgType.CANCEL,
                follows=update,
                level=Alert.Level.WARNING,
                urgency=Alert.Urgency.PAST,
            ),
            "publish",
        )
    check_document(client, first, [])
    check_document(client, update, [first])
    check_document(client, cancel, [first, update])
    identifiers = {first.identifier, update.identifier, cancel.identifier}
    assert len(identifiers) == 3


def test_all_governorates_and_every_code(client, published):
    alert = published(areas=[code for code, _ar, _en in GOVERNORATES])
    parsed = check_document(client, alert, [])
    arabic, english = parsed.infos
    assert arabic.areas[0].area_desc == "جميع محافظات سلطنة عُمان"
    assert english.areas[0].area_desc == "All governorates of the Sultanate of Oman"
    assert sorted(_value(g.value) for g in english.areas[0].geocodes) == sorted(
        [
            "OM-MA",
            "OM-DA",
            "OM-BU",
            "OM-BJ",
            "OM-BS",
            "OM-WU",
            "OM-SJ",
            "OM-SS",
            "OM-ZA",
            "OM-ZU",
            "OM-MU",
        ]
    )


def test_drills_only_with_the_setting(client, published, settings):
    exercise = published(status=Alert.Status.EXERCISE)
    test = published(status=Alert.Status.TEST)
    for drill in (exercise, test):
        assert client.get(f"/cap/alerts/{drill.identifier}.xml").status_code == 404
    assert feedparser.parse(client.get("/cap/alerts.atom").content).entries == []
    settings.CRISIS_CAP_INCLUDE_DRILLS = True
    check_document(client, exercise, [])
    check_document(client, test, [])
    statuses = {
        entry.tags[0].term
        for entry in feedparser.parse(client.get("/cap/alerts.atom").content).entries
    }
    assert statuses == {"Exercise", "Test"}


def test_drafts_and_pending_approvals_have_no_document(client, draft, publisher):
    alert = draft()
    assert client.get(f"/cap/alerts/{alert.identifier}.xml").status_code == 404
    workflow.transition(publisher, alert, "request_approval")
    assert client.get(f"/cap/alerts/{alert.identifier}.xml").status_code == 404


def test_the_index_feed_lists_current_alerts_with_cap_links(
    client, published, draft, publisher, django_capture_on_commit_callbacks
):
    expired = published(level=Alert.Level.WARNING, headline_en="Old wind warning")
    # It was in force yesterday (the clock moved, nothing was written by the site).
    Alert.objects.filter(pk=expired.pk).update(
        effective=expired.effective - datetime.timedelta(days=2),
        expires=expired.effective - datetime.timedelta(days=1),
    )
    current = published(
        level=Alert.Level.WARNING, headline_en="Wind warning", headline_ar="تحذير من الرياح"
    )
    replaced = published(level=Alert.Level.INFORMATION, headline_en="Water cut")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(
            publisher,
            draft(
                msg_type=Alert.MsgType.UPDATE,
                follows=replaced,
                level=Alert.Level.INFORMATION,
                headline_en="Water cut extended",
            ),
            "publish",
        )
    english = feedparser.parse(client.get("/cap/alerts.atom?lang=en").content)
    assert not english.bozo, english.bozo_exception
    titles = [entry.title for entry in english.entries]
    assert sorted(titles) == ["Water cut extended", "Wind warning"]
    for entry in english.entries:
        (link,) = [link for link in entry.links if link.rel == "alternate"]
        assert link.type == "application/cap+xml"
        path = "/" + link.href.split("://", 1)[1].split("/", 1)[1]
        parsed, _xml = fetch(client, Alert.objects.get(identifier=path.rsplit("/", 1)[1][:-4]))
        assert parsed.infos[1].headline == entry.title
    arabic = feedparser.parse(client.get("/cap/alerts.atom").content)
    assert "تحذير من الرياح" in [entry.title for entry in arabic.entries]
    assert current.identifier in client.get("/cap/alerts.atom").content.decode()


def test_hostile_text_is_escaped_in_the_xml(client, published):
    alert = published(
        level=Alert.Level.WARNING,
        headline_en='<script>alert(1)</script> & "quotes" ]]>',
        summary_ar="نص & <b>\x01\x0b مكتوب",
    )
    parsed, _xml = fetch(client, alert)
    assert parsed.infos[1].headline == '<script>alert(1)</script> & "quotes" ]]>'
    assert parsed.infos[0].description == "نص & <b> مكتوب"


def test_the_form_removes_invisible_controls_and_bidi_overrides(client_as, publisher, incident):
    from tests.crisis.test_workflow import _post_data

    data = _post_data(
        incident, headline_en="Flood\u202e danger\n now", summary_en="Keep\x07 away.\r\nNow."
    )
    assert client_as(publisher).post("/en/staff/crisis/alerts/new/", data).status_code == 302
    alert = Alert.objects.get()
    assert alert.headline_en == "Flood danger now"
    assert alert.summary_en == "Keep away.\nNow."
