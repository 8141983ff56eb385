"""One gate and one policy for every staff page (docs/decisions.md, isolation matrix):
the anonymous go to the sign-in page; signed-in people without a feedback scope (editors,
officers without a ministry) get 404 on every staff page alike; managers open the lists
and the dashboard but no item; the moderators' pages are 404 for everyone else."""

import pytest

from feedback.models import Submission
from portal import roles
from tests.conftest import make_staff
from tests.factories import make_submission

STAFF_PAGES = [
    "/en/staff/",
    "/en/staff/export.csv",
    "/en/staff/inbox/",
    "/en/staff/queue/",
]
MODERATORS_ONLY = {"/en/staff/queue/"}


@pytest.fixture
def officer_without_ministry(db):
    return make_staff("officer_nowhere", roles.MINISTRY_OFFICERS)


@pytest.fixture
def routed_item(topic, ministry_a):
    item = make_submission(topic=topic)
    Submission.objects.filter(pk=item.pk).update(ministry=ministry_a, status="routed")
    return item


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["editor", "officer_without_ministry"])
def test_users_without_a_scope_get_404_on_every_staff_page(
    request, client_as, routed_item, persona
):
    user_client = client_as(request.getfixturevalue(persona))
    for url in [*STAFF_PAGES, f"/en/staff/items/{routed_item.reference}/"]:
        assert user_client.get(url).status_code == 404, (persona, url)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["moderator", "officer_a", "officer_b", "manager"])
def test_users_with_a_scope_open_the_staff_pages_of_their_role(request, client_as, persona):
    user_client = client_as(request.getfixturevalue(persona))
    for url in STAFF_PAGES:
        expected = 200 if persona == "moderator" or url not in MODERATORS_ONLY else 404
        assert user_client.get(url).status_code == expected, (persona, url)


@pytest.mark.django_db
def test_a_manager_counts_but_opens_no_item(client_as, manager, routed_item):
    manager_client = client_as(manager)
    assert manager_client.get(f"/en/staff/items/{routed_item.reference}/").status_code == 404
    inbox = manager_client.get("/en/staff/inbox/?status=")
    assert inbox.status_code == 200 and inbox.context["page"].paginator.count == 0


@pytest.mark.django_db
def test_the_anonymous_go_to_the_sign_in_page_and_come_back(client, routed_item):
    for url in [*STAFF_PAGES, f"/en/staff/items/{routed_item.reference}/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/?next=/en/staff/"), url


@pytest.mark.django_db
def test_staff_pages_are_never_cached(client_as, moderator):
    for url in STAFF_PAGES:
        response = client_as(moderator).get(url)
        assert "no-store" in response.get("Cache-Control", ""), url
