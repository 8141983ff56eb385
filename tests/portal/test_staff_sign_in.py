"""Staff sign-in protection: lockouts, the second factor, idle sessions."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.db.models import F
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import enrolment, roles
from portal.models import EnrolmentCode

PASSWORD = "a-long-staff-passphrase-2026"


def current_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.fixture
def staff_user(db) -> User:
    return User.objects.create_user(
        "salim", "salim@staff.example", PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("root", "root@staff.example", PASSWORD)


@pytest.fixture
def second_factor_required(settings):
    settings.STAFF_2FA_REQUIRED = True


# --- Lockout -------------------------------------------------------------------------------


def test_a_correct_password_signs_in(client, staff_user):
    response = sign_in(client, "salim", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/en/account/start/"  # each role's landing


def go_back_in_time(delta: timedelta) -> None:
    """As if every recorded sign-in attempt had happened ``delta`` earlier."""
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.update(attempt_time=F("attempt_time") - delta)


def test_five_failures_pause_only_that_account_at_that_address(client, staff_user):
    for _ in range(5):
        sign_in(Client(), "salim", "wrong", address="203.0.113.66")  # a stranger
    paused = sign_in(Client(), "salim", PASSWORD, address="203.0.113.66")
    assert paused.status_code == 429
    content = paused.content.decode()
    assert "Sign-in paused" in content
    assert "Try again in 15 minutes." in content
    assert PASSWORD not in content
    # The moderator, at their own address, is not locked out by the stranger.
    assert sign_in(client, "salim", PASSWORD, address="10.0.2.1").status_code == 302


def test_failures_from_five_addresses_lock_nobody(client, staff_user):
    for attempt in range(5):
        sign_in(Client(), "salim", "wrong", address=f"10.0.1.{attempt}")
    assert sign_in(client, "salim", PASSWORD, address="10.0.1.0").status_code == 302


def test_an_account_is_paused_after_fifty_failures_in_an_hour_from_anywhere(client, staff_user):
    for attempt in range(50):
        sign_in(Client(), "salim", "wrong", address=f"198.51.100.{attempt}")
    paused = sign_in(Client(), "salim", PASSWORD, address="10.0.2.1")
    assert paused.status_code == 429
    assert "There were 50 failed sign-in attempts" in paused.content.decode()
    assert sign_in(Client(), "other", "x", address="10.0.2.1").status_code == 200  # not paused
    go_back_in_time(timedelta(minutes=61))
    assert sign_in(client, "salim", PASSWORD, address="10.0.2.1").status_code == 302


def test_an_address_is_paused_after_fifty_failures_in_an_hour_on_any_accounts(client, staff_user):
    for attempt in range(50):
        sign_in(Client(), f"guess{attempt}", "wrong", address="10.9.9.9")
    assert sign_in(Client(), "salim", PASSWORD, address="10.9.9.9").status_code == 429
    assert sign_in(Client(), "salim", PASSWORD, address="10.9.9.8").status_code == 302


def test_the_pause_of_an_account_at_an_address_doubles_with_each_further_failure(staff_user):
    for _ in range(5):
        sign_in(Client(), "salim", "wrong", address="203.0.113.66")
    go_back_in_time(timedelta(minutes=16))
    sixth = sign_in(Client(), "salim", "wrong", address="203.0.113.66")
    assert "Try again in 30 minutes." in sixth.content.decode()
    go_back_in_time(timedelta(minutes=29))
    assert sign_in(Client(), "salim", PASSWORD, address="203.0.113.66").status_code == 429
    go_back_in_time(timedelta(minutes=2))
    seventh = sign_in(Client(), "salim", "wrong", address="203.0.113.66")
    assert "Try again in 60 minutes." in seventh.content.decode()
    go_back_in_time(timedelta(minutes=61))
    # The right password after the pause; then the count starts again from zero.
    assert sign_in(Client(), "salim", PASSWORD, address="203.0.113.66").status_code == 302
    assert sign_in(Client(), "salim", "wrong", address="203.0.113.66").status_code == 200
    assert sign_in(Client(), "salim", PASSWORD, address="203.0.113.66").status_code == 302


def test_attempts_refused_during_a_pause_count_for_nothing(client, staff_user):
    for _ in range(5):
        sign_in(Client(), "salim", "wrong", address="203.0.113.66")
    for _ in range(60):  # hammering the paused pair checks no password
        assert sign_in(Client(), "salim", "wrong", address="203.0.113.66").status_code == 429
    assert AccessFailureLog.objects.count() == 5
    assert sign_in(client, "salim", PASSWORD, address="10.0.2.1").status_code == 302


def test_lockout_page_is_translated(staff_user):
    for _ in range(5):
        sign_in(Client(), "salim", "wrong")
    response = Client().post(
        "/admin/login/",
        {"username": "salim", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert response.status_code == 429
    assert "إيقاف تسجيل الدخول مؤقتًا" in response.content.decode()


def test_the_address_behind_the_proxy_is_the_one_that_counts(client, staff_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            "/admin/login/",
            {"username": "x", "password": "wrong"},
            REMOTE_ADDR="10.0.0.254",
            HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.7",
        )
    # Same proxy, another citizen-facing address: not locked.
    response = Client().post(
        "/admin/login/?next=/admin/",
        {"username": "salim", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert response.status_code == 302


# --- Second factor --------------------------------------------------------------------------


SETUP = "/en/account/two-factor/setup/"


def type_enrolment_code(client: Client, code: str, next_url: str = "/admin/"):
    return client.post(f"{SETUP}?next={next_url}", {"code": code, "next": next_url})


@pytest.mark.usefixtures("second_factor_required")
def test_staff_without_an_authenticator_are_sent_to_enrol(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/admin/portal/ministry/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == (
        "/en/account/two-factor/setup/?next=%2Fadmin%2Fportal%2Fministry%2F"
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()  # the enrolment code comes first


@pytest.mark.usefixtures("second_factor_required")
def test_the_password_alone_never_shows_the_qr_code(client, staff_user):
    """Not trust on first use: whoever has the password (leaked, guessed) sees no secret."""
    enrolment.issue(staff_user)
    client.force_login(staff_user)
    page = client.get(SETUP).content.decode()
    assert "<svg" not in page
    assert "Enrolment code" in page
    assert not TOTPDevice.objects.filter(user=staff_user).exists()  # no secret made yet
    # Posting a TOTP code straight away enrols nothing either.
    client.post(SETUP, {"token": "123456", "next": "/admin/"})
    assert not TOTPDevice.objects.filter(user=staff_user).exists()
    assert client.get("/admin/").status_code == 302


@pytest.mark.usefixtures("second_factor_required")
def test_enrolment_needs_the_enrolment_code_then_a_right_code_and_opens_the_admin(
    client, staff_user
):
    code = enrolment.issue(staff_user)
    client.force_login(staff_user)
    wrong = type_enrolment_code(client, "ABCD-EFGH-JKLM")
    assert wrong.status_code == 200
    assert "That enrolment code is not right." in wrong.content.decode()
    # Small letters and no dashes are fine.
    accepted = type_enrolment_code(client, code.lower().replace("-", " "))
    assert accepted.status_code == 302
    page = client.get(accepted["Location"])
    content = page.content.decode()
    assert "<svg" in content  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=staff_user, confirmed=False)
    assert device.config_url.split("secret=")[1].split("&")[0] in content
    wrong_totp = client.post(SETUP, {"token": "000000", "next": "/admin/"})
    assert "That code is not right." in wrong_totp.content.decode()
    assert client.get("/admin/").status_code == 302
    device.throttle_reset()
    right = client.post(SETUP, {"token": current_code(device), "next": "/admin/"})
    assert right.status_code == 302
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert not EnrolmentCode.objects.filter(user=staff_user).exists()  # spent


@pytest.mark.usefixtures("second_factor_required")
def test_an_enrolment_code_is_stored_hashed_and_expires(client, staff_user):
    code = enrolment.issue(staff_user)
    stored = EnrolmentCode.objects.get(user=staff_user)
    assert code not in stored.code_hash and code.replace("-", "") not in stored.code_hash
    assert timedelta(hours=71) < stored.expires_at - timezone.now() <= timedelta(hours=72)
    EnrolmentCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(staff_user)
    response = type_enrolment_code(client, code)
    assert "This enrolment code has expired." in response.content.decode()


@pytest.mark.usefixtures("second_factor_required")
def test_five_wrong_enrolment_codes_spend_it(client, staff_user):
    code = enrolment.issue(staff_user)
    client.force_login(staff_user)
    for _ in range(5):
        type_enrolment_code(client, "ABCD-EFGH-JKLM")
    response = type_enrolment_code(client, code)
    assert response.status_code == 200
    assert "Too many wrong enrolment codes." in response.content.decode()
    arabic = Client()
    arabic.force_login(staff_user)
    page = arabic.post("/ar/account/two-factor/setup/", {"code": code, "next": "/admin/"})
    assert "رموز تسجيل خاطئة كثيرة" in page.content.decode()


@pytest.mark.usefixtures("second_factor_required")
def test_an_account_without_a_code_cannot_enrol(client, staff_user):
    client.force_login(staff_user)
    response = type_enrolment_code(client, "ABCD-EFGH-JKLM")
    assert "There is no enrolment code for your account." in response.content.decode()


@pytest.mark.usefixtures("second_factor_required")
def test_an_administrator_issues_a_new_code_which_is_recorded(client, staff_user, admin_user):
    lost = TOTPDevice.objects.create(user=staff_user, name="lost phone", confirmed=True)
    old_code = enrolment.issue(staff_user)
    client.force_login(admin_user)
    TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    admin_session = client.session
    admin_session["otp_device_id"] = TOTPDevice.objects.get(user=admin_user).persistent_id
    admin_session.save()
    response = client.post(
        "/admin/auth/user/",
        {"action": "issue_enrolment_codes", "_selected_action": [staff_user.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    new_code = re.search(r"<code dir=\"ltr\">([A-Z0-9-]+)</code>", response.content.decode())[1]
    assert new_code != old_code
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()  # the lost phone stops working
    entry = LogEntry.objects.get(object_id=str(staff_user.pk))
    assert entry.user == admin_user
    assert "enrolment code" in entry.get_change_message()
    member = Client()
    member.force_login(staff_user)
    assert "not right" in type_enrolment_code(member, old_code).content.decode()
    assert type_enrolment_code(member, new_code).status_code == 302


def test_only_those_who_may_change_users_can_issue_codes(client, staff_user):
    from tests.conftest import make_staff

    outsider = make_staff("officer_b", roles.MINISTRY_OFFICERS)
    client.force_login(outsider)
    response = client.post(
        "/admin/auth/user/",
        {"action": "issue_enrolment_codes", "_selected_action": [staff_user.pk]},
    )
    assert response.status_code == 403
    assert not EnrolmentCode.objects.exists()


@pytest.mark.usefixtures("second_factor_required")
def test_an_enrolled_member_types_a_code_at_each_sign_in(staff_user):
    device = TOTPDevice.objects.create(user=staff_user, name="phone", confirmed=True)
    client = Client()
    client.force_login(staff_user)
    response = client.get("/admin/")
    assert response["Location"].startswith("/ar/account/two-factor/?next=")
    # Arabic-Indic digits typed on an Arabic keyboard are accepted.
    code = current_code(device).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    verified = client.post("/ar/account/two-factor/", {"token": code, "next": "/admin/"})
    assert verified["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.usefixtures("second_factor_required")
def test_a_stolen_password_cannot_enrol_a_second_authenticator(client, staff_user):
    TOTPDevice.objects.create(user=staff_user, name="phone", confirmed=True)
    client.force_login(staff_user)
    response = client.get("/en/account/two-factor/setup/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/account/two-factor/?next=")
    assert TOTPDevice.objects.filter(user=staff_user).count() == 1


@pytest.mark.usefixtures("second_factor_required")
def test_the_next_address_cannot_lead_off_site(client, staff_user):
    device = TOTPDevice.objects.create(user=staff_user, name="phone", confirmed=True)
    client.force_login(staff_user)
    response = client.post(
        "/en/account/two-factor/", {"token": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/en/account/start/"


@pytest.mark.usefixtures("second_factor_required")
def test_citizen_pages_never_ask_for_a_code(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/ar/").status_code == 200


def test_second_factor_pages_are_for_staff_only(client, db):
    citizen = User.objects.create_user("citizen")
    client.force_login(citizen)
    assert client.get("/en/account/two-factor/setup/").status_code == 404
    assert Client().get("/en/account/two-factor/").status_code == 302  # to sign in


def test_second_factor_is_required_in_production_by_default():
    import portal.settings as production
    from tests.settings import DEBUG

    assert DEBUG is False
    assert production.STAFF_2FA_REQUIRED is True


# --- Sessions -------------------------------------------------------------------------------


def test_staff_sessions_end_after_thirty_idle_minutes(client, staff_user):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    response = sign_in(client, "salim", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["max-age"] == ""  # gone when the browser closes
    session = Session.objects.get(session_key=cookie.value)
    assert abs((session.expire_date - timezone.now()) - timedelta(minutes=30)) < timedelta(
        seconds=30
    )
    # Activity pushes the end forward...
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get("/admin/").status_code == 200
    session.refresh_from_db()
    assert session.expire_date > timezone.now() + timedelta(minutes=29)
    # ...and thirty idle minutes end it.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_page_views_write_the_session_at_most_once_a_minute(client, staff_user):
    """The idle expiry slides without a commit on every page view (issue 12)."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    cookie = sign_in(client, "salim", PASSWORD).cookies["sessionid"]
    client.get("/admin/")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get("/admin/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    # A minute and a half later the next view pushes the end forward again.
    Session.objects.filter(session_key=cookie.value).update(
        expire_date=timezone.now() + timedelta(minutes=28, seconds=30)
    )
    client.get("/admin/")
    session = Session.objects.get(session_key=cookie.value)
    assert session.expire_date > timezone.now() + timedelta(minutes=29, seconds=50)


def test_a_made_up_session_cookie_stores_no_session(client, db):
    from django.contrib.sessions.models import Session

    client.cookies["sessionid"] = "madeupmadeupmadeupmadeupmadeup12"
    client.get("/admin/login/")
    client.get("/en/staff/")
    assert not Session.objects.exists()
