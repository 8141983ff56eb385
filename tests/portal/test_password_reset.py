"""The staff sign-in page and the password reset by e-mail (issue 18, point 6)."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.portal.test_staff_sign_in import current_code

PASSWORD = "a-long-staff-passphrase-2026"
NEW_PASSWORD = "another-long-passphrase-2027"


@pytest.fixture
def member(db) -> User:
    return User.objects.create_user(
        "salma", "salma@staff.example", PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.mark.parametrize(
    ("lang", "title", "switch"),
    [
        ("ar", "دخول الموظفين", 'value="en" lang="en"'),
        ("en", "Staff sign-in", 'value="ar" lang="ar"'),
    ],
)
def test_the_sign_in_page_is_branded_translated_and_switches_language(db, lang, title, switch):
    page = Client().get("/admin/login/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert f"<h1>{title}</h1>" in page
    assert 'class="brand"' in page  # the site's header
    assert '<form class="language-switch" action="/i18n/setlang/" method="post"' in page
    assert switch in page
    assert f'href="/{lang}/account/password-reset/"' in page
    assert 'name="next" value="/' + lang + '/account/start/"' in page


def test_switching_the_language_keeps_the_sign_in_page(db):
    client = Client()
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/admin/login/?next=/ar/staff/inbox/"}
    )
    assert response["Location"] == "/admin/login/?next=/ar/staff/inbox/"
    page = client.get(response["Location"]).content.decode()
    assert "<h1>Staff sign-in</h1>" in page
    assert 'name="next" value="/ar/staff/inbox/"' in page


def reset_link(message) -> str:
    return re.search(r"http://testserver(/\S+/)", message.body).group(1)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_answer_never_says_whether_an_account_exists(member, settings, lang):
    settings.SITE_URL = "http://testserver"
    client = Client()
    url = f"/{lang}/account/password-reset/"
    known = client.post(url, {"email": "SALMA@staff.example"})
    unknown = client.post(url, {"email": "nobody@staff.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == f"/{lang}/account/password-reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["salma@staff.example"]
    subject = "Tawasul: choose a new password" if lang == "en" else "تواصل: اختر كلمة مرور جديدة"
    assert mail.outbox[0].subject == subject
    assert reset_link(mail.outbox[0]).startswith(f"/{lang}/account/password-reset/")


def test_a_citizen_or_inactive_account_gets_no_mail(member, db):
    User.objects.create_user("someone", "someone@example.com", PASSWORD)  # not staff
    User.objects.create_user("gone", "gone@staff.example", PASSWORD, is_staff=True, is_active=False)
    client = Client()
    for email in ("someone@example.com", "gone@staff.example"):
        assert client.post("/en/account/password-reset/", {"email": email}).status_code == 302
    assert mail.outbox == []


def test_a_reset_never_removes_or_bypasses_the_second_factor(member, settings):
    settings.STAFF_2FA_REQUIRED = True
    settings.SITE_URL = "http://testserver"
    device = TOTPDevice.objects.create(user=member, name="phone", confirmed=True)
    client = Client()
    client.post("/en/account/password-reset/", {"email": "salma@staff.example"})
    form_page = client.get(reset_link(mail.outbox[0]), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.request["PATH_INFO"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == "/en/account/password-reset/done/"
    assert not client.session.get("_auth_user_id")  # the reset signs nobody in
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    # The new password, then still the phone's code.
    signed_in = client.post(
        "/admin/login/",
        {"username": "salma", "password": NEW_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert signed_in.request["PATH_INFO"] == "/en/account/two-factor/"
    assert client.get("/en/staff/queue/").status_code == 302  # no way round the code
    verified = client.post(
        "/en/account/two-factor/", {"token": current_code(device), "next": "/en/staff/queue/"}
    )
    assert verified["Location"] == "/en/staff/queue/"
    # The link works once.
    again = client.get(reset_link(mail.outbox[0]), follow=True).content.decode()
    assert "This link does not work any more" in again


def test_password_reset_is_rate_limited_per_address_and_per_e_mail(member, settings):
    settings.STAFF_PASSWORD_RESET_LIMITS = {"reset_address": (3, 3600), "reset_email": (1, 3600)}
    client = Client()
    for _ in range(2):
        response = client.post("/en/account/password-reset/", {"email": "salma@staff.example"})
        assert response.status_code == 302  # the same answer, but one mail only
    assert len(mail.outbox) == 1
    client.post("/en/account/password-reset/", {"email": "other@staff.example"})
    refused = client.post("/en/account/password-reset/", {"email": "salma@staff.example"})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    other_address = Client(REMOTE_ADDR="10.9.9.9")
    other_address.post("/en/account/password-reset/", {"email": "salma@staff.example"})
    assert len(mail.outbox) == 1  # still one mail to that inbox this hour


def test_the_reset_limit_holds_while_the_shared_cache_is_down(member, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.STAFF_PASSWORD_RESET_LIMITS = {"reset_address": (1, 3600), "reset_email": (1, 3600)}
    client = Client(REMOTE_ADDR="10.7.7.7")
    assert (
        client.post("/en/account/password-reset/", {"email": "x@staff.example"}).status_code == 302
    )
    assert (
        client.post("/en/account/password-reset/", {"email": "x@staff.example"}).status_code == 429
    )
