import pytest
from django.core.management import call_command

from portal.models import Ministry, OfficialChannel
from tests.factories import make_channel, make_ministry


@pytest.mark.django_db
def test_home_invites_every_kind_of_feedback(client):
    content = client.get("/en/").content.decode()
    for kind in ("complaint", "suggestion", "idea"):
        assert f'href="/en/feedback/new/?kind={kind}"' in content
    assert 'href="/en/feedback/track/"' in content


@pytest.mark.django_db
def test_footer_lists_active_official_channels_in_order(client):
    make_channel(platform="youtube", handle="@second", url="https://youtube.com/@second", order=2)
    make_channel(platform="x", handle="@first", url="https://x.com/first", order=1)
    make_channel(
        platform="instagram", handle="@hidden", url="https://instagram.com/h", is_active=False
    )
    content = client.get("/en/").content.decode()
    assert content.index("@first") < content.index("@second")
    assert 'href="https://x.com/first"' in content
    assert "@hidden" not in content


@pytest.mark.django_db
def test_footer_follows_channel_changes_at_once(client, django_capture_on_commit_callbacks):
    channel = make_channel(handle="@before")
    assert "@before" in client.get("/en/").content.decode()
    channel.handle = "@after"
    with django_capture_on_commit_callbacks(execute=True):
        channel.save()
    content = client.get("/en/").content.decode()
    assert "@after" in content
    assert "@before" not in content


@pytest.mark.django_db
def test_about_lists_active_ministries_with_english_falling_back_to_arabic(client):
    make_ministry(name_ar="وزارة الصحة", name_en="Ministry of Health", order=1)
    make_ministry(name_ar="وزارة بلا اسم إنجليزي", name_en="", order=2)
    make_ministry(name_ar="وزارة ملغاة", name_en="Abolished ministry", is_active=False)
    content = client.get("/en/about/").content.decode()
    assert "Ministry of Health" in content
    assert "وزارة بلا اسم إنجليزي" in content
    assert "Abolished ministry" not in content
    assert "وزارة الصحة" in client.get("/ar/about/").content.decode()


@pytest.mark.django_db
def test_privacy_page_states_the_configured_retention(client, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    assert "deleted 90 days after your request is closed" in (
        client.get("/en/privacy/").content.decode()
    )


@pytest.mark.django_db
def test_unknown_page_gets_a_translated_404(client):
    response = client.get("/ar/no-such-page/")
    assert response.status_code == 404
    assert "الصفحة غير موجودة" in response.content.decode()


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_content(client, django_assert_max_num_queries):
    for _ in range(10):
        make_channel()
    # Cold cache: 4 (the page is shared-cached like the news pages, see test_bench.py).
    with django_assert_max_num_queries(4):
        client.get("/ar/")


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    call_command("load_demo")
    counts = (Ministry.objects.count(), OfficialChannel.objects.count())
    call_command("load_demo")
    assert (Ministry.objects.count(), OfficialChannel.objects.count()) == counts
    assert counts[0] >= 15
    health = Ministry.objects.get(slug="health")
    assert (health.name_ar, health.name_en) == ("وزارة الصحة", "Ministry of Health")


@pytest.mark.django_db
def test_demo_staff_accounts_exist_only_in_debug(settings):
    from django.contrib.auth.models import User

    call_command("load_demo")
    assert not User.objects.exists()
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    officer = User.objects.get(username="officer-health")
    assert officer.staff_profile.ministry.slug == "health"
    assert officer.check_password("tawasul-demo-2026")
    assert User.objects.get(username="admin").is_superuser
    # admin, moderator, editor, manager, 6 officers, 2 crisis publishers
    assert User.objects.count() == 12
    # An account someone already changed keeps its password.
    officer.set_password("changed-by-its-owner-2026")
    officer.save()
    call_command("load_demo")
    officer.refresh_from_db()
    assert officer.check_password("changed-by-its-owner-2026")


@pytest.mark.django_db
def test_pages_still_render_when_the_cache_is_down(client, settings):
    make_channel(handle="@still_here")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.get("/en/")
    assert response.status_code == 200
    assert "@still_here" in response.content.decode()


@pytest.mark.django_db
def test_an_expired_form_gets_a_translated_page_in_the_site_layout():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/ar/account/two-factor/", {"token": "1"}, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 403
    content = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in content
    assert "انتهت صلاحية النموذج" in content


@pytest.mark.django_db
def test_demo_accounts_get_printed_enrolment_codes_when_the_second_factor_is_on(settings):
    import io
    import re

    from django.contrib.auth.models import User

    from portal import enrolment

    settings.DEBUG = True
    settings.STAFF_2FA_REQUIRED = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    code = re.search(r"  moderator: (\S+)", out.getvalue())[1]
    moderator = User.objects.get(username="moderator")
    assert enrolment.check(moderator, code) is enrolment.Check.ACCEPTED
