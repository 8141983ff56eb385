"""Issue 10, item 5: erased means erased. Once a request's personal data is deleted, no
citizen POST stores text on it again, and the erasure (a moderator's or the retention
purge's) runs again whenever a personal field holds anything."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern

from feedback import workflow
from feedback.models import Submission
from feedback.privacy import purge_personal_data
from feedback.urls import public as public_urls
from tests.security.conftest import track_url

MARKER = "zq7erasedmarker"

# Every citizen page under /<lang>/feedback/, by URL name: how a citizen POSTs to it, or
# None when it takes no POST. A new page fails the completeness check until it is listed.
CITIZEN_POSTS = {
    "new": lambda item: "/en/feedback/new/",
    "ask": lambda item: "/en/feedback/ask/",  # an inquiry about a claim: a new request too
    "ask_matches": None,  # GET, public clarifications only
    "sent": None,
    "track": lambda item: "/en/feedback/track/",
    "track_link": None,
    "rate": lambda item: track_url(item) + "rate/",
    "reopen": lambda item: track_url(item) + "not-resolved/",  # the reason: refused once erased
    "resolved": lambda item: track_url(item) + "resolved/",
    "request_erasure": lambda item: track_url(item) + "erase/",  # GET shows the form
    "citizen_attachment": None,  # GET, and nothing once erased
    "citizen_thumbnail": None,
    "attachment": None,  # staff only, GET
}


def every_field(item, topic) -> dict:
    """The fields of every citizen form at once, each text one carrying the marker."""
    text = f"{MARKER} Aisha Al-Harthy, +968 9123 4567, call me back"
    return {
        "kind": "complaint",
        "topic": str(topic.pk),
        "subject": f"{MARKER} subject",
        "body": text,
        "name": f"{MARKER} name",
        "email": item.reference.lower() + "@example.com",
        "phone": "+968 9123 4567",
        "consent": "on",
        "website": "",
        "reference": item.reference,
        "rating": "4",
        "comment": text,
        "reason": text,
        "confirm": "on",
        "claim": text,
        "where_seen": "whatsapp",
    }


def rows_holding(marker: str) -> list[tuple[str, int, str]]:
    """Every stored text cell of every model that contains ``marker``."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                rows = model._default_manager.filter(**{f"{field.name}__icontains": marker})
                found += [
                    (model._meta.label, pk, field.name) for pk in rows.values_list("pk", flat=True)
                ]
    return found


def erased_item(item, moderator, django_capture_on_commit_callbacks) -> Submission:
    with django_capture_on_commit_callbacks(execute=True):
        workflow.erase(item, actor=moderator)
    item.refresh_from_db()
    assert item.personal_data_erased_at is not None
    return item


def test_the_table_lists_every_citizen_page():
    names = {p.name for p in public_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(CITIZEN_POSTS)


@pytest.mark.django_db
def test_no_citizen_post_stores_text_on_an_erased_request(
    client, topic, item, moderator, django_capture_on_commit_callbacks
):
    erased = erased_item(item, moderator, django_capture_on_commit_callbacks)
    data = every_field(erased, topic)
    for name, url in CITIZEN_POSTS.items():
        if url is None:
            continue
        response = client.post(url(erased), data)
        assert response.status_code in (200, 302, 400), (name, response.status_code)
    erased.refresh_from_db()
    assert (erased.name, erased.email, erased.phone, erased.rating_comment) == ("", "", "", "")
    assert not erased.attachments.exists()
    # The only rows that hold the marker are the new requests the forms created: nothing on
    # the erased request, its history, or anywhere else.
    new = set(Submission.objects.exclude(pk=erased.pk).values_list("pk", flat=True))
    assert len(new) == 2  # the feedback form's request and the inquiry form's
    holding = rows_holding(MARKER)
    assert holding and all(
        label == "feedback.Submission" and pk in new for label, pk, _ in holding
    ), holding


@pytest.mark.django_db
def test_a_rating_after_the_erasure_keeps_the_score_and_refuses_a_comment(
    client, item, moderator, django_capture_on_commit_callbacks
):
    """The page offers no comment box any more; a comment sent from a page opened before
    the erasure is refused with a translated message, and kept on the form."""
    link = track_url(item)
    client.post(link + "resolved/")  # "resolved" first: then the rating is offered (issue 17)
    assert 'name="comment"' in client.get(link).content.decode()
    erased = erased_item(item, moderator, django_capture_on_commit_callbacks)
    page = client.get(link).content.decode()
    assert "Rate the answer" in page and 'name="comment"' not in page
    assert "you can still rate the answer, without a comment" in page

    response = client.post(link + "rate/", {"rating": "2", "comment": f"{MARKER} late"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "so it takes no comment any more" in page and f"{MARKER} late" in page
    assert 'href="#id_comment"' in page  # the error summary points at the comment
    arabic = client.post(track_url(erased, "ar") + "rate/", {"rating": "2", "comment": "تعليق"})
    assert "لم يعد يقبل أي تعليق" in arabic.content.decode()
    erased.refresh_from_db()
    assert (erased.rating, erased.rating_comment) == (None, "")

    assert client.post(link + "rate/", {"rating": "2"}).status_code == 302
    erased.refresh_from_db()
    assert (erased.rating, erased.rating_comment, erased.status) == (2, "", "closed")


@pytest.mark.django_db
def test_the_workflow_itself_refuses_a_comment_on_an_erased_request(
    item, moderator, django_capture_on_commit_callbacks
):
    erased = erased_item(item, moderator, django_capture_on_commit_callbacks)
    with pytest.raises(workflow.InvalidInput):
        workflow.rate(erased, rating=3, comment="Late words")
    erased.refresh_from_db()
    assert (erased.rating, erased.rating_comment) == (None, "")


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["name", "email", "phone", "rating_comment"])
def test_erasure_runs_again_whenever_a_personal_field_holds_data(
    item, moderator, field, django_capture_on_commit_callbacks
):
    """Rows written before this rule (a comment stored after the erasure) are not stuck:
    the moderator's erase and the retention purge both take them again."""
    erased = erased_item(item, moderator, django_capture_on_commit_callbacks)
    value = "+96891234567" if field == "phone" else "late@example.com"
    Submission.objects.filter(pk=erased.pk).update(**{field: value})
    erased.refresh_from_db()
    assert workflow.can_act(moderator, "erase", erased)
    workflow.erase(erased, actor=moderator)
    erased.refresh_from_db()
    assert getattr(erased, field) == ""
    assert erased.events.filter(kind="erased").count() == 2

    Submission.objects.filter(pk=erased.pk).update(**{field: value})
    assert purge_personal_data() == 1  # erased once already: due at once, not in a year
    erased.refresh_from_db()
    assert getattr(erased, field) == ""
    assert "بعد حذف سابق" in erased.events.last().internal_note  # "after an earlier deletion"
    assert purge_personal_data() == 0
    # An erased request with nothing left is not erased again.
    assert not workflow.can_act(moderator, "erase", erased)
