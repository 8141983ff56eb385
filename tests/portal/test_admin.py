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
