"""Tracking: by reference + e-mail or by the private link; only public history; one
"not found" answer for every wrong combination; rate limited."""

import pytest
from django.urls import reverse
from django.utils import translation

from feedback.models import Submission, SubmissionEvent
from feedback.tracking import make_token, tracking_path
from tests.factories import make_submission

NOT_FOUND = "We could not find a request with this reference and e-mail address."


@pytest.fixture
def answered(topic, ministry_a, officer_a):
    """A request with public and internal history, answered by a named officer."""
    submission = make_submission(topic=topic, email="Aisha@Example.com", name="Aisha Al-Harthy")
    Submission.objects.filter(pk=submission.pk).update(ministry=ministry_a, status="answered")
    for kind, from_status, to_status, public, note in [
        ("routed", "submitted", "routed", "", "Moderator: clearly health"),
        ("note", "", "", "", "SECRET internal note about the citizen"),
        (
            "answered",
            "routed",
            "answered",
            "The centre now opens at 7 am.",
            "Checked with director",
        ),
    ]:
        SubmissionEvent.objects.create(
            submission=submission,
            kind=kind,
            actor=officer_a,
            from_status=from_status,
            to_status=to_status,
            public_message=public,
            internal_note=note,
            is_public=kind != "note",
        )
    submission.refresh_from_db()
    return submission


def assert_no_leak(page: str, contact: bool = True) -> None:
    for secret in ("SECRET", "internal note", "Moderator:", "Checked with director", "officer_a"):
        assert secret not in page
    assert "Aisha Al-Harthy" not in page  # contact details stay private
    assert "+968" not in page
    if contact:
        assert "aisha@example.com" not in page.lower()


@pytest.mark.django_db
def test_reference_and_email_show_status_timeline_and_answer(client, answered):
    response = client.post(
        "/en/feedback/track/",
        {"reference": answered.reference.lower().replace("-", " "), "email": "aisha@example.COM"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert answered.reference in page
    assert "Answered" in page
    assert "Request received" in page
    assert "Sent to the ministry" in page
    assert "The centre now opens at 7 am." in page
    assert "Ministry of Health" in page
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert_no_leak(page)


@pytest.mark.django_db
def test_private_link_works_without_email_and_shows_the_due_date(client, topic):
    submission = make_submission(topic=topic, email="", language="ar")
    page = client.get(tracking_path(submission.reference, "ar")).content.decode()
    assert submission.reference in page
    assert "تاريخ الرد المتوقع" in page
    assert "تم استلام الطلب" in page


@pytest.mark.django_db
def test_tampered_or_foreign_tokens_are_not_found(client, answered):
    token = make_token(answered.reference)
    assert client.get(f"/en/feedback/track/{token[:-2]}xx/").status_code == 404
    assert client.get("/en/feedback/track/TW-AAAA-AAAA/").status_code == 404
    from django.core import signing

    other_salt = signing.Signer(salt="another-purpose").sign(answered.reference)
    assert client.get(f"/en/feedback/track/{other_salt}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case",
    ["wrong e-mail", "wrong reference", "both wrong", "malformed reference", "no e-mail given"],
)
def test_every_wrong_combination_gets_the_same_answer(client, answered, topic, case):
    anonymous = make_submission(topic=topic, email="")
    reference, email = {
        "wrong e-mail": (answered.reference, "someone@example.com"),
        "wrong reference": ("TW-2345-6789", "aisha@example.com"),
        "both wrong": ("TW-2345-6789", "someone@example.com"),
        "malformed reference": ("'; DROP TABLE --", "aisha@example.com"),
        "no e-mail given": (anonymous.reference, "aisha@example.com"),
    }[case]
    response = client.post("/en/feedback/track/", {"reference": reference, "email": email})
    page = response.content.decode()
    assert response.status_code == 200
    assert NOT_FOUND in page
    # Only the form comes back (with what was typed): no status, history or answer.
    assert "History" not in page and "Answered" not in page
    assert "The centre now opens" not in page
    assert_no_leak(page, contact=False)
    # The answer does not depend on which part was wrong: same page apart from the token.
    baseline = client.post("/en/feedback/track/", {"reference": "TW-2345-6789", "email": "x@y.z"})
    strip = lambda html: html.split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert strip(page).replace(reference, "").replace(email, "") == strip(
        baseline.content.decode()
    ).replace("TW-2345-6789", "").replace("x@y.z", "")


@pytest.mark.django_db
def test_not_found_in_arabic(client, answered):
    response = client.post(
        "/ar/feedback/track/", {"reference": answered.reference, "email": "x@y.z"}
    )
    assert (
        "لم نعثر على طلب بهذا الرقم المرجعي وعنوان البريد الإلكتروني" in response.content.decode()
    )


@pytest.mark.django_db
def test_tracking_lookups_are_rate_limited(client, answered, settings):
    settings.FEEDBACK_RATE_LIMITS = {**settings.FEEDBACK_RATE_LIMITS, "track_address": (3, 600)}
    for _ in range(3):
        response = client.post(
            "/en/feedback/track/", {"reference": "TW-2345-6789", "email": "a@b.c"}
        )
        assert response.status_code == 200
    # Even the right answer is refused once the address is over the limit.
    response = client.post(
        "/en/feedback/track/", {"reference": answered.reference, "email": "aisha@example.com"}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()  # the friendly 429 page
    assert answered.reference not in response.content.decode()
    # Another address is not affected.
    other = client.post(
        "/en/feedback/track/",
        {"reference": answered.reference, "email": "aisha@example.com"},
        REMOTE_ADDR="198.51.100.9",
    )
    assert other.status_code == 200


@pytest.mark.django_db
def test_tracking_page_query_count_does_not_grow_with_history(
    client, answered, django_assert_max_num_queries
):
    path = tracking_path(answered.reference, "en")
    # The stored-page check (the item's version), the item, its history, its files.
    with django_assert_max_num_queries(4):
        client.get(path)
    for _ in range(20):
        SubmissionEvent.objects.create(submission=answered, kind="routed", public_message="more")
    with django_assert_max_num_queries(4):
        assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_tracking_form_page_in_both_languages(client):
    for lang, heading in [("en", "Track your request"), ("ar", "تابع طلبك")]:
        with translation.override(lang):
            url = reverse("feedback:track")
        assert heading in client.get(url).content.decode()
