"""Issue 17, "You said, we did": the citizen's consent on the form, the moderator's
redacted publication through the workflow (audited, moderators only), the public list
(filters, Arabic-aware search, page cache, fixed queries), the feeds and the count per
ministry."""

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback import workflow
from feedback.models import PublicOutcome, Submission, SubmissionEvent
from portal import roles
from tests.conftest import clear_test_cache, make_staff
from tests.factories import make_ministry, make_submission, make_topic

S = Submission.Status
BODY_AR = "أقترح إضافة مسار للدراجات على الكورنيش. للتواصل هاتفي ٩١٢٣ ٤٥٦٧ وبريدي ali@example.om"


@pytest.fixture
def topic(ministry_a):
    return make_topic(name_ar="الطرق", name_en="Roads", ministry=ministry_a, response_days=5)


def suggestion(topic, moderator, officer, consent=True, **fields) -> Submission:
    values = {"kind": "suggestion", "subject": "مسار للدراجات", "body": BODY_AR, "language": "ar"}
    values.update(fields)
    item = make_submission(topic=topic, publication_consent=consent, **values)
    workflow.route(item, actor=moderator, ministry=topic.ministry)
    workflow.answer(item, actor=officer, public_message="سندرس إضافة المسار في الميزانية القادمة.")
    item.refresh_from_db()
    return item


def publish_form(item, **overrides) -> dict:
    data = {
        "publish-expected_status": item.status,
        "publish-title_ar": "مسار للدراجات على الكورنيش",
        "publish-title_en": "A cycle lane on the corniche",
        "publish-text": "أقترح إضافة مسار للدراجات على الكورنيش.",
        "publish-decision": "under_study",
        "publish-reason_ar": "تدرس الوزارة المسار ضمن ميزانية العام القادم.",
        "publish-reason_en": "The ministry is studying the lane for next year's budget.",
        "publish-checked": "on",
    }
    data.update({f"publish-{k}": v for k, v in overrides.items()})
    return {k: v for k, v in data.items() if v is not None}


def publish(item, moderator, **overrides) -> PublicOutcome:
    fields = {
        "title_ar": "مسار للدراجات",
        "title_en": "A cycle lane",
        "text": "أقترح إضافة مسار للدراجات على الكورنيش.",
        "decision": "adopted",
        "reason_ar": "اعتمد المسار.",
        "reason_en": "The lane was adopted.",
    }
    fields.update(overrides)
    workflow.publish(item, actor=moderator, **fields)
    return PublicOutcome.objects.get(submission=item)


# --- The citizen's consent ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_asks_for_consent_off_by_default_and_records_it(client, topic):
    page = client.get("/en/feedback/new/").content.decode()
    assert "published on the portal in “You said, we did”" in page
    assert 'name="publication_consent"' in page
    assert 'name="publication_consent" checked' not in page
    data = {
        "kind": "suggestion",
        "topic": str(topic.pk),
        "subject": "Cycle lane",
        "body": "Please add a cycle lane on the corniche road.",
        "consent": "on",
        "website": "",
    }
    client.post("/en/feedback/new/", {**data, "publication_consent": "on"})
    client.post("/en/feedback/new/", data)
    client.post("/en/feedback/new/", {**data, "kind": "complaint", "publication_consent": "on"})
    assert list(Submission.objects.order_by("pk").values_list("kind", "publication_consent")) == [
        ("suggestion", True),
        ("suggestion", False),
        ("complaint", False),  # a complaint is never published
    ]


# --- Publishing: redaction, audit, who may ------------------------------------------------


@pytest.mark.django_db
def test_a_moderator_publishes_a_redacted_suggestion(client_as, topic, moderator, officer_a):
    item = suggestion(topic, moderator, officer_a)
    staff = client_as(moderator)
    page = staff.get(f"/en/staff/items/{item.reference}/").content.decode()
    # The findings are highlighted in the original and masked in the prefilled text.
    assert '<mark class="redaction" title="phone number">٩١٢٣ ٤٥٦٧' in page
    assert '<mark class="redaction" title="e-mail address">ali@example.om' in page
    assert "[رقم هاتف محذوف]" in page and "[عنوان بريد إلكتروني محذوف]" in page

    response = staff.post(f"/en/staff/items/{item.reference}/publish/", publish_form(item))
    assert response.status_code == 302
    outcome = PublicOutcome.objects.get(submission=item)
    assert (outcome.ministry, outcome.topic, outcome.decision, outcome.language) == (
        topic.ministry,
        topic,
        "under_study",
        "ar",
    )
    assert (outcome.title_ar, outcome.title_en) == (
        "مسار للدراجات على الكورنيش",
        "A cycle lane on the corniche",
    )
    event = item.events.get(kind=SubmissionEvent.Kind.PUBLISHED)
    assert (event.actor, event.is_public, event.to_status) == (moderator, True, S.ANSWERED)
    # Once only: the action is no longer offered, and a second post is refused.
    page = staff.get(f"/en/staff/items/{item.reference}/").content.decode()
    assert f"/staff/items/{item.reference}/publish/" not in page
    again = staff.post(f"/en/staff/items/{item.reference}/publish/", publish_form(item))
    assert again.status_code == 400
    assert PublicOutcome.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", "أقترح مساراً. هاتفي ٩١٢٣ ٤٥٦٧"),
        ("text", "write to ali@example.om"),
        ("title_en", "Cycle lane for 12345678"),
        ("reason_en", "We called the citizen on +968 9123 4567."),
        ("text", "السيارة ١٢٣٤٥ أ ب تقف على المسار"),
    ],
)
def test_publishing_a_text_with_an_unmasked_number_is_refused(
    client_as, topic, moderator, officer_a, field, value
):
    item = suggestion(topic, moderator, officer_a)
    url = f"/ar/staff/items/{item.reference}/publish/"
    response = client_as(moderator).post(url, publish_form(item, **{field: value}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "ما زال النص يحتوي على ما يشبه" in page  # translated
    assert value.split(" ")[-1] in page  # nothing typed is lost
    assert not PublicOutcome.objects.exists()
    # The workflow refuses it too, whatever the form.
    with pytest.raises(workflow.InvalidInput):
        publish(item, moderator, **{field: value})
    assert not item.events.filter(kind=SubmissionEvent.Kind.PUBLISHED).exists()


@pytest.mark.django_db
def test_publishing_needs_a_title_a_decision_and_its_reason(client_as, topic, moderator, officer_a):
    item = suggestion(topic, moderator, officer_a)
    url = f"/en/staff/items/{item.reference}/publish/"
    bad = publish_form(item, title_ar="", title_en="", decision="", reason_ar="", reason_en="")
    response = client_as(moderator).post(url, bad)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Give the public title, in Arabic or English or both." in page
    assert "Choose the ministry&#x27;s decision." in page
    assert "Give the reason of the decision, in Arabic or English or both." in page
    assert not PublicOutcome.objects.exists()


@pytest.mark.django_db
def test_only_moderators_publish_and_only_with_consent(
    client_as, topic, moderator, officer_a, officer_b
):
    item = suggestion(topic, moderator, officer_a)
    url = f"/en/staff/items/{item.reference}/publish/"
    # The item's own officer may not publish; another ministry's cannot even see it.
    assert client_as(officer_a).post(url, publish_form(item)).status_code == 400
    assert client_as(officer_b).post(url, publish_form(item)).status_code == 404
    with pytest.raises(workflow.NotAllowed):
        publish(item, officer_a)
    with pytest.raises(Submission.DoesNotExist):
        publish(item, officer_b)
    # Without the citizen's consent, or for a complaint, the action is not offered.
    no_consent = suggestion(topic, moderator, officer_a, consent=False)
    complaint = suggestion(topic, moderator, officer_a, kind="complaint")
    for other in (no_consent, complaint):
        page = client_as(moderator).get(f"/en/staff/items/{other.reference}/").content.decode()
        assert f"/staff/items/{other.reference}/publish/" not in page
        with pytest.raises(workflow.NotAllowed):
            publish(other, moderator)
    assert not PublicOutcome.objects.exists()


# --- The public pages ---------------------------------------------------------------------


@pytest.fixture
def published(topic, moderator, officer_a, ministry_b):
    other_topic = make_topic(name_ar="العمل", name_en="Work", ministry=ministry_b)
    officer_b_ = make_staff_officer(ministry_b)
    first = publish(
        suggestion(topic, moderator, officer_a),
        moderator,
        title_ar="مسار للدراجات على الكورنيش",
        title_en="",
        text="أقترح إضافة مسار للدراجات على الكورنيش.",
        decision="adopted",
    )
    second = publish(
        suggestion(
            other_topic,
            moderator,
            officer_b_,
            kind="idea",
            subject="Online renewals",
            body="Allow renewing contracts fully online.",
            language="en",
        ),
        moderator,
        title_ar="",
        title_en="Online contract renewal",
        text="Allow renewing contracts fully online.",
        decision="not_adopted",
        reason_ar="",
        reason_en="The law requires a signature in person until 2027.",
    )
    return first, second


def make_staff_officer(ministry):
    return make_staff(f"officer-{ministry.slug}", roles.MINISTRY_OFFICERS, ministry)


@pytest.mark.django_db
def test_the_public_list_filters_by_ministry_topic_and_decision(client, published, ministry_a):
    first, second = published
    page = client.get("/en/you-said-we-did/").content.decode()
    assert "مسار للدراجات على الكورنيش" in page and "Online contract renewal" in page
    # No name, no contact detail, never the request's reference.
    assert first.submission.reference not in page and "citizen@example.com" not in page
    assert 'lang="ar"' in page  # the Arabic title on the English page says its language
    by_ministry = client.get(f"/en/you-said-we-did/?ministry={ministry_a.slug}").content.decode()
    assert "مسار للدراجات" in by_ministry and "Online contract renewal" not in by_ministry
    by_topic = client.get(f"/en/you-said-we-did/?topic={second.topic.pk}").content.decode()
    assert "Online contract renewal" in by_topic and "مسار للدراجات" not in by_topic
    by_decision = client.get("/en/you-said-we-did/?decision=not_adopted").content.decode()
    assert "Online contract renewal" in by_decision and "مسار للدراجات" not in by_decision
    assert "The law requires a signature in person" in by_decision
    # Empty fields of the GET form go away; junk parameters too (the page cache's rule).
    assert client.get("/en/you-said-we-did/?q=&ministry=")["Location"] == "/en/you-said-we-did/"
    assert client.get("/en/you-said-we-did/?utm=x").status_code == 302
    detail = client.get(f"/ar/you-said-we-did/{second.pk}/").content.decode()
    assert "Allow renewing contracts fully online." in detail and 'lang="en"' in detail
    assert client.get("/en/you-said-we-did/999999/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "finds_arabic", "finds_english"),
    [
        ("مسار للدراجات", True, False),
        ("الكورنِيش", True, False),  # with a kasra
        ("كورنيش للدراجات", True, False),  # words in any order, without the article
        ("ONLINE renewal", False, True),  # any case
        ("signature", False, True),  # the reason is searched too
        ("قطار", False, False),
    ],
)
def test_the_search_is_arabic_aware(client, published, query, finds_arabic, finds_english):
    page = client.get("/ar/you-said-we-did/", {"q": query}).content.decode()
    assert ("مسار للدراجات على الكورنيش" in page, "Online contract renewal" in page) == (
        finds_arabic,
        finds_english,
    )


@pytest.mark.django_db
def test_the_search_folds_hamza_and_diacritics(client, published):
    # "اقترح" without hamza and "الكُورنيش" with a damma find "أقترح ... الكورنيش".
    page = client.get("/ar/you-said-we-did/", {"q": "اقترح الكُورنيش"}).content.decode()
    assert "مسار للدراجات على الكورنيش" in page


@pytest.mark.django_db
def test_public_pages_are_cached_like_the_news_and_change_at_once(
    django_capture_on_commit_callbacks, client, published, topic, moderator, officer_a
):
    assert client.get("/ar/you-said-we-did/")["X-News-Cache"] == "miss"
    assert client.get("/ar/you-said-we-did/")["X-News-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        publish(suggestion(topic, moderator, officer_a), moderator, title_ar="فكرة جديدة تماماً")
    response = client.get("/ar/you-said-we-did/")
    assert response["X-News-Cache"] == "miss"
    assert "فكرة جديدة تماماً" in response.content.decode()


@pytest.mark.django_db
def test_the_list_reads_a_fixed_number_of_queries(client, published, topic, moderator, officer_a):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/you-said-we-did/?decision=adopted").status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        publish(suggestion(topic, moderator, officer_a), moderator, title_ar=f"فكرة {n}")
    assert PublicOutcome.objects.count() == 7
    clear_test_cache()
    assert count() == before


@pytest.mark.django_db
def test_the_count_per_ministry(published, ministry_a, ministry_b):
    empty = make_ministry()
    counts = PublicOutcome.objects.count_by_ministry()
    assert counts == {ministry_a.pk: 1, ministry_b.pk: 1}
    assert counts.get(empty.pk, 0) == 0
    assert PublicOutcome.objects.for_ministry(ministry_a).count() == 1


@pytest.mark.django_db
def test_the_feeds_parse(client, published):
    first, second = published
    rss = feedparser.parse(client.get("/en/you-said-we-did/feed/").content)
    assert not rss.bozo, rss.bozo_exception
    assert rss.version == "rss20"
    assert [entry.title for entry in rss.entries] == [
        "Online contract renewal",
        "مسار للدراجات على الكورنيش",  # no English title: the Arabic one
    ]
    assert rss.entries[0].link == f"http://testserver/en/you-said-we-did/{second.pk}/"
    assert "Not adopted by the Ministry of Labour" in rss.entries[0].summary
    atom = feedparser.parse(client.get("/ar/you-said-we-did/feed/atom/").content)
    assert not atom.bozo, atom.bozo_exception
    assert atom.version == "atom10"
    assert atom.entries[1].title == "مسار للدراجات على الكورنيش"
    assert atom.entries[1].link == f"http://testserver/ar/you-said-we-did/{first.pk}/"
    assert {tag.term for tag in atom.entries[1].tags} >= {"معتمد"}


# --- Corrections and withdrawal (admin) ---------------------------------------------------


@pytest.mark.django_db
def test_moderators_correct_or_withdraw_a_published_item_in_the_admin(
    client_as, published, officer_a, moderator
):
    first, _second = published
    url = f"/admin/feedback/publicoutcome/{first.pk}/change/"
    assert client_as(officer_a).get(url).status_code in (302, 403)
    assert client_as(moderator).get("/admin/feedback/publicoutcome/add/").status_code == 403
    staff = client_as(moderator)
    data = {
        "title_ar": first.title_ar,
        "title_en": "",
        "text": "أقترح مساراً. هاتفي 91234567",
        "decision": "adopted",
        "reason_ar": first.reason_ar,
        "reason_en": "",
    }
    response = staff.post(url, data)
    assert response.status_code == 200  # refused: the text holds a phone number
    assert "ما زال النص يحتوي على ما يشبه رقم هاتف" in response.content.decode()  # (Arabic admin)
    first.refresh_from_db()
    assert "91234567" not in first.text
    data["text"] = "أقترح مساراً للدراجات."
    assert staff.post(url, data).status_code == 302
    first.refresh_from_db()
    assert first.text == "أقترح مساراً للدراجات."
    response = staff.post(f"/admin/feedback/publicoutcome/{first.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not PublicOutcome.objects.filter(pk=first.pk).exists()
