import re

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import enrolment
from tests.factories import make_ministry

STRONG = "correct-horse-battery-staple-42"


@pytest.fixture(autouse=True)
def _password(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", STRONG)


@pytest.mark.django_db
def test_creates_an_officer_of_one_ministry_who_can_sign_in():
    ministry = make_ministry(slug="health")
    call_command("add_staff", "amal", role="officer", ministry="health", email="amal@moh.example")
    user = User.objects.get(username="amal")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Ministry officers"]
    assert user.staff_profile.ministry == ministry
    assert user.email == "amal@moh.example"
    assert user.check_password(STRONG)


@pytest.mark.django_db
def test_running_again_changes_the_role_instead_of_adding_one():
    make_ministry(slug="health")
    call_command("add_staff", "amal", role="officer", ministry="health")
    call_command("add_staff", "amal", role="moderator")
    user = User.objects.get(username="amal")
    assert list(user.groups.values_list("name", flat=True)) == ["Moderators"]
    assert user.staff_profile.ministry is None
    assert User.objects.filter(username="amal").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"role": "officer"}, "needs --ministry"),
        ({"role": "officer", "ministry": "nowhere"}, "No ministry with the slug 'nowhere'"),
    ],
)
def test_refuses_an_incomplete_officer_and_saves_nothing(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("add_staff", "amal", **options)
    assert not User.objects.filter(username="amal").exists()


@pytest.mark.django_db
def test_refuses_a_weak_password_and_saves_nothing(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", "12345678")
    # In English whatever test ran before (a command speaks the active language).
    with (
        translation.override("en"),
        pytest.raises(CommandError, match=r"too short|too common|entirely numeric"),
    ):
        call_command("add_staff", "amal", role="editor")
    assert not User.objects.filter(username="amal").exists()


@pytest.mark.django_db
def test_a_new_account_without_a_password_is_refused(monkeypatch):
    monkeypatch.delenv("STAFF_PASSWORD")
    with pytest.raises(CommandError, match="needs a password"):
        call_command("add_staff", "amal", role="editor", interactive=False)


@pytest.mark.django_db
def test_a_new_account_gets_an_enrolment_code_printed_once(capsys):
    call_command("add_staff", "amal", role="editor")
    out = capsys.readouterr().out
    code = re.search(r"Enrolment code for amal: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", out)[1]
    assert "72 hours" in out
    user = User.objects.get(username="amal")
    assert code not in user.enrolment_code.code_hash  # stored hashed
    assert enrolment.check(user, code) is enrolment.Check.ACCEPTED
    # Running it again (a role change) keeps the code the person already has.
    call_command("add_staff", "amal", role="moderator")
    assert "Enrolment code" not in capsys.readouterr().out
    assert enrolment.check(user, code) is enrolment.Check.ACCEPTED


@pytest.mark.django_db
def test_a_new_enrolment_code_replaces_the_old_one_and_the_authenticator(capsys):
    call_command("add_staff", "amal", role="editor")
    first = re.search(r"Enrolment code for amal: (\S+)", capsys.readouterr().out)[1]
    user = User.objects.get(username="amal")
    TOTPDevice.objects.create(user=user, name="lost phone", confirmed=True)
    call_command("add_staff", "amal", role="editor", new_enrolment_code=True)
    second = re.search(r"Enrolment code for amal: (\S+)", capsys.readouterr().out)[1]
    assert second != first
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert enrolment.check(user, first) is enrolment.Check.WRONG
    assert enrolment.check(user, second) is enrolment.Check.ACCEPTED
