import json

import pytest

from tests.factories import make_ministry


@pytest.mark.django_db
def test_ministry_admin_edits_both_languages_in_tabs_without_a_cdn(client, admin_user):
    client.force_login(admin_user)
    ministry = make_ministry()
    content = client.get(f"/admin/portal/ministry/{ministry.pk}/change/").content.decode()
    assert 'name="name_ar"' in content
    assert 'name="name_en"' in content
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in content
    assert "googleapis" not in content


@pytest.mark.django_db
def test_admin_header_is_translated(client, admin_user):
    client.force_login(admin_user)
    content = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "إدارة تواصل" in content


@pytest.mark.django_db
def test_staff_without_permission_cannot_edit_ministries(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get("/admin/portal/ministry/").status_code == 403


@pytest.mark.django_db
def test_roles_exist_as_groups_from_the_migration():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Moderators",
        "Ministry officers",
        "Editors",
        "Managers",
    }


def test_an_officer_persona_belongs_to_one_ministry(officer_a, officer_b, ministry_a):
    assert officer_a.staff_profile.ministry == ministry_a
    assert officer_b.staff_profile.ministry != ministry_a


def _in_javascript(text: str, content: str) -> bool:
    """The catalogue is JSON inside JavaScript: the text raw or \\u-escaped."""
    return text in content or json.dumps(text)[1:-1] in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("english", "arabic"),
    [("Choose all %s", "اختيار كل %s"), ("Remove all %s", "إزالة كل %s"), ("Tue", "ثلاثاء")],
)
def test_admin_javascript_catalogue_has_the_arabic_django_lacks(
    client, admin_user, english, arabic
):
    """The admin's widgets (the ministries picker, the calendar) read this catalogue."""
    client.force_login(admin_user)
    arabic_catalogue = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="ar")
    assert arabic_catalogue.status_code == 200
    assert _in_javascript(english, arabic_catalogue.content.decode())
    assert _in_javascript(arabic, arabic_catalogue.content.decode())
    english_catalogue = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="en")
    assert not _in_javascript(arabic, english_catalogue.content.decode())


@pytest.mark.django_db
def test_admin_user_page_speaks_arabic_where_django_does_not(client, admin_user):
    client.force_login(admin_user)
    content = client.get(
        f"/admin/auth/user/{admin_user.pk}/change/", HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()
    # Django's Arabic lacks "Raw passwords are not stored..." and "Reset password".
    assert "لا تُحفظ كلمات المرور كما هي" in content
    assert "إعادة تعيين كلمة المرور" in content
