"""The citizen's close-out: rate the answer once from the tracking page."""

import pytest

from feedback.models import Submission
from feedback.tracking import tracking_path
from tests.feedback.workflow_helpers import in_state

S = Submission.Status


@pytest.mark.django_db
def test_citizen_rates_the_answer_once_and_staff_see_it(
    client, client_as, topic, ministry_a, officer_a, officer_b
):
    answered = in_state(S.ANSWERED, topic, ministry_a)
    link = tracking_path(answered.reference, "en")
    page = client.get(link).content.decode()
    assert "Rate the answer" in page
    response = client.post(f"{link}rate/", {"rating": "4", "comment": "Quick and clear."})
    assert response.status_code == 302 and response["Location"] == link
    answered.refresh_from_db()
    # The rating changes no status (issue 17: "resolved" or "not resolved" does).
    assert (answered.rating, answered.rating_comment, answered.status) == (
        4,
        "Quick and clear.",
        S.ANSWERED,
    )
    assert answered.rated_at is not None
    page = client.get(link).content.decode()
    assert "Rate the answer" not in page
    assert "4 out of 5" in page
    # A second rating changes nothing.
    client.post(f"{link}rate/", {"rating": "1"})
    answered.refresh_from_db()
    assert answered.rating == 4
    assert answered.events.filter(kind="rated").count() == 1
    staff_page = client_as(officer_a).get(f"/en/staff/items/{answered.reference}/")
    assert "4 out of 5" in staff_page.content.decode()
    assert "Quick and clear." in staff_page.content.decode()
    assert client_as(officer_b).get(f"/en/staff/items/{answered.reference}/").status_code == 404


@pytest.mark.django_db
def test_rating_is_offered_only_after_an_answer(client, topic, ministry_a):
    routed = in_state(S.ROUTED, topic, ministry_a)
    link = tracking_path(routed.reference, "en")
    assert "Rate the answer" not in client.get(link).content.decode()
    client.post(f"{link}rate/", {"rating": "5"})
    routed.refresh_from_db()
    assert routed.rating is None and routed.status == S.ROUTED


@pytest.mark.django_db
def test_rating_errors_are_shown_in_arabic(client, topic, ministry_a):
    answered = in_state(S.ANSWERED, topic, ministry_a)
    link = tracking_path(answered.reference, "ar")
    response = client.post(f"{link}rate/", {"rating": "9"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_rating_0"' in page
    assert "قيّم الرد" in page
    answered.refresh_from_db()
    assert answered.rating is None


@pytest.mark.django_db
def test_a_forged_link_cannot_rate(client, topic, ministry_a):
    answered = in_state(S.ANSWERED, topic, ministry_a)
    response = client.post(f"/en/feedback/track/{answered.reference}:forged/rate/", {"rating": "1"})
    assert response.status_code == 404
    answered.refresh_from_db()
    assert answered.rating is None
