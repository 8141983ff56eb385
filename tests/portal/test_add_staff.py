import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

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
    with pytest.raises(CommandError, match=r"too short|too common|entirely numeric"):
        call_command("add_staff", "amal", role="editor")
    assert not User.objects.filter(username="amal").exists()


@pytest.mark.django_db
def test_a_new_account_without_a_password_is_refused(monkeypatch):
    monkeypatch.delenv("STAFF_PASSWORD")
    with pytest.raises(CommandError, match="needs a password"):
        call_command("add_staff", "amal", role="editor", interactive=False)
