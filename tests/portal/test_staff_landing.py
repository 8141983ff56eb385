"""After sign-in each member of staff lands on their work (issue 18, point 6)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.staff import save_staff_account
from tests.factories import make_ministry, make_topic
from tests.feedback.workflow_helpers import in_state
from tests.portal.test_staff_sign_in import current_code

PASSWORD = "a-long-staff-passphrase-2026"

LANDINGS = {
    "moderator": "/{lang}/staff/queue/",
    "officer": "/{lang}/staff/inbox/",
    "manager": "/{lang}/staff/",
    "editor": "/admin/news/article/",
}


@pytest.fixture
def staff(db) -> dict[str, User]:
    make_ministry(slug="health", name_en="Ministry of Health")
    make_ministry(slug="labour", name_en="Ministry of Labour")
    accounts = {
        role: save_staff_account(
            role,
            role=role,
            ministry_slug="health" if role == "officer" else None,
            password=PASSWORD,
        )[0]
        for role in LANDINGS
    }
    accounts["outsider"] = save_staff_account(
        "outsider", role="officer", ministry_slug="labour", password=PASSWORD
    )[0]
    return accounts


def sign_in(client: Client, username: str, query: str = "", lang: str = "en"):
    return client.post(
        f"/admin/login/{query}",
        {"username": username, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE=lang,
        follow=True,
    )


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("query", ["", "?next=/admin/"])
@pytest.mark.parametrize("role", list(LANDINGS))
def test_each_role_lands_on_its_work(staff, role, query, lang):
    response = sign_in(Client(), role, query, lang)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == LANDINGS[role].format(lang=lang)


def test_an_officer_of_another_ministry_lands_on_their_own_inbox(staff):
    ministry = staff["officer"].staff_profile.ministry
    item = in_state("routed", make_topic(ministry=ministry), ministry=ministry)
    response = sign_in(Client(), "outsider")
    assert response.request["PATH_INFO"] == "/en/staff/inbox/"
    assert item.reference not in response.content.decode()


def test_a_destination_asked_for_still_wins(staff):
    ministry = staff["officer"].staff_profile.ministry
    item = in_state("routed", make_topic(ministry=ministry), ministry=ministry)
    target = f"/en/staff/items/{item.reference}/"
    response = sign_in(Client(), "officer", f"?next={target}")
    assert response.request["PATH_INFO"] == target
    # The outsider asked for the same page: it is not theirs (404), whatever the sign-in.
    outsider = Client()
    assert sign_in(outsider, "outsider", f"?next={target}").status_code == 404


def test_an_address_off_the_site_lands_on_the_work_instead(staff):
    response = sign_in(Client(), "moderator", "?next=https://evil.example/")
    assert response.request["PATH_INFO"] == "/en/staff/queue/"
    assert all("evil" not in url for url, _status in response.redirect_chain)


@pytest.mark.parametrize(
    ("role", "landing"), [("moderator", "/ar/staff/queue/"), ("editor", "/admin/news/article/")]
)
def test_the_second_factor_keeps_the_landing(staff, settings, role, landing):
    settings.STAFF_2FA_REQUIRED = True
    device = TOTPDevice.objects.create(user=staff[role], name="phone", confirmed=True)
    client = Client()
    response = sign_in(client, role, lang="ar")
    assert response.request["PATH_INFO"] == "/ar/account/two-factor/"
    assert (
        response.redirect_chain[-1][0]
        == f"/ar/account/two-factor/?next={landing.replace('/', '%2F')}"
    )
    verified = client.post(
        response.redirect_chain[-1][0], {"token": current_code(device), "next": landing}
    )
    assert verified["Location"] == landing
    assert client.get(landing).status_code == 200


def test_the_landing_needs_a_signed_in_member_of_staff(client, db):
    assert client.get("/en/account/start/")["Location"].startswith("/admin/login/")
    citizen = User.objects.create_user("citizen", password=PASSWORD)
    client.force_login(citizen)
    assert client.get("/en/account/start/").status_code == 404


@pytest.mark.parametrize(
    ("role", "link"),
    [
        ("moderator", "/en/staff/queue/"),
        ("officer", "/en/staff/inbox/"),
        ("manager", "/en/staff/"),
        ("outsider", "/en/staff/inbox/"),
    ],
)
def test_the_admin_header_links_to_the_staff_pages(staff, role, link):
    client = Client()
    client.force_login(staff[role])
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<a href="{link}">Staff pages</a>' in page


def test_editors_get_no_staff_pages_link(staff):
    client = Client()
    client.force_login(staff["editor"])
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Staff pages" not in page
