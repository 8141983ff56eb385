"""The incident page and its Atom feed: updates newest first in the page's language,
"last updated", the alerts' history, and a new update showing at once on stored copies."""

import datetime

import feedparser
import pytest
from django.utils import timezone

from crisis import workflow
from crisis.models import Alert

pytestmark = pytest.mark.django_db

URL = "/{language}/alerts/incidents/muscat-flood/"


def _post(publisher, incident, n, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return workflow.post_update(
            publisher, incident, body_ar=f"تحديث رقم {n}", body_en=f"Update number {n}"
        )


def test_updates_newest_first_with_last_updated_in_each_language(
    client, publisher, incident, django_capture_on_commit_callbacks
):
    for n in (1, 2, 3):
        _post(publisher, incident, n, django_capture_on_commit_callbacks)
    english = client.get(URL.format(language="en")).content.decode()
    assert (
        english.index("Update number 3")
        < english.index("Update number 2")
        < english.index("Update number 1")
    )
    assert "تحديث رقم" not in english
    assert "Last updated:" in english
    arabic = client.get(URL.format(language="ar")).content.decode()
    assert arabic.index("تحديث رقم 3") < arabic.index("تحديث رقم 1")
    assert "آخر تحديث:" in arabic


def test_a_new_update_shows_at_once_on_the_stored_page_and_feed(
    client, publisher, incident, django_capture_on_commit_callbacks
):
    _post(publisher, incident, 1, django_capture_on_commit_callbacks)
    page = URL.format(language="en")
    feed = page + "feed/"
    assert "Update number 1" in client.get(page).content.decode()
    assert len(feedparser.parse(client.get(feed).content).entries) == 1
    _post(publisher, incident, 2, django_capture_on_commit_callbacks)
    assert "Update number 2" in client.get(page).content.decode()
    parsed = feedparser.parse(client.get(feed).content)
    assert not parsed.bozo, parsed.bozo_exception
    assert [entry.summary for entry in parsed.entries] == ["Update number 2", "Update number 1"]


def test_the_feed_lists_updates_and_alert_messages(
    client, publisher, incident, published, draft, django_capture_on_commit_callbacks
):
    _post(publisher, incident, 1, django_capture_on_commit_callbacks)
    first = published(level=Alert.Level.WARNING)
    with django_capture_on_commit_callbacks(execute=True):
        update = draft(
            msg_type=Alert.MsgType.UPDATE,
            follows=first,
            level=Alert.Level.WARNING,
            headline_en="Roads closed",
        )
        workflow.transition(publisher, update, "publish")
    published(status=Alert.Status.EXERCISE, headline_en="Drill only")
    response = client.get(URL.format(language="en") + "feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "Flood in Muscat"
    titles = [entry.title for entry in parsed.entries]
    assert titles[0] == "Warning: Roads closed"
    assert "Warning: Flood danger in Wadi Adai" in titles and "Update" in titles
    assert not any("Drill only" in title for title in titles)  # drills stay off the page
    cap_links = [entry.link for entry in parsed.entries if entry.link.endswith(".xml")]
    assert cap_links and all(client.get(link).status_code == 200 for link in cap_links)
    page = client.get(URL.format(language="en")).content.decode()
    assert page.index("Roads closed") < page.index("Flood danger in Wadi Adai")
    assert "Drill only" not in page


def test_the_stored_page_runs_no_query(
    client, publisher, incident, django_capture_on_commit_callbacks, django_assert_num_queries
):
    for n in range(5):
        _post(publisher, incident, n, django_capture_on_commit_callbacks)
    client.get(URL.format(language="en"))
    with django_assert_num_queries(0):
        client.get(URL.format(language="en"))


def test_the_page_renders_in_a_fixed_number_of_queries(
    client,
    publisher,
    incident,
    published,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    _post(publisher, incident, 0, django_capture_on_commit_callbacks)
    published(level=Alert.Level.WARNING)
    with django_assert_max_num_queries(8) as few:
        client.get(URL.format(language="ar"))
    for n in range(5):
        _post(publisher, incident, n, django_capture_on_commit_callbacks)
        published(
            level=Alert.Level.INFORMATION, expires=timezone.now() + datetime.timedelta(hours=1)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL.format(language="ar"))


def test_an_unknown_incident_is_404(client, db):
    assert client.get("/en/alerts/incidents/nothing-here/").status_code == 404
    assert client.get("/en/alerts/incidents/nothing-here/feed/").status_code == 404


def test_the_alerts_page_lists_what_is_in_force(client, published):
    published(level=Alert.Level.WARNING, headline_en="Wind warning")
    published(status=Alert.Status.TEST, headline_en="Test message")
    page = client.get("/en/alerts/").content.decode()
    assert "Wind warning" in page and "Test message" not in page
