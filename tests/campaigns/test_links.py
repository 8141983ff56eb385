"""The short links /c/<code>: redirect, count a person's click per day and channel on the
server, set no cookie, store nothing about whoever followed them."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from campaigns import codes, humans, registry
from campaigns.models import DailyCount, Link
from portal.attribution import CODE_ALPHABET
from tests.campaigns.conftest import BROWSER, make_campaign, make_link

pytestmark = pytest.mark.django_db


def clicks(link: Link) -> int:
    call_command("flush_campaign_counters", verbosity=0)
    row = DailyCount.objects.filter(
        kind=DailyCount.Kind.CLICK, subject=str(link.pk), day=timezone.localdate()
    ).first()
    return row.count if row else 0


def test_a_link_redirects_to_its_page_and_counts_each_click(person, x_link, article):
    for _ in range(3):
        response = person.get(f"/c/{x_link.code}")
        assert response.status_code == 302
        assert response["Location"] == f"/ar/news/{article.slug}/"
        assert "Set-Cookie" not in response, "a short link sets no cookie"
        assert "no-store" in response["Cache-Control"]
    assert clicks(x_link) == 3
    assert person.get(response["Location"]).status_code == 200


def stored_in_cache() -> bytes:
    """Every key and value this run holds in the cache, raw."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client()
        keys = list(client.scan_iter(match=f"{backend.key_prefix}:*"))
        return b"|".join(keys + [client.get(key) or b"" for key in keys])
    return b"|".join([key.encode() for key in backend._cache] + list(backend._cache.values()))


def test_nothing_about_the_visitor_is_stored(x_link):
    visitor = Client(
        HTTP_USER_AGENT=BROWSER + " marker-agent",
        HTTP_REFERER="https://t.co/marker-referrer",
        REMOTE_ADDR="203.0.113.77",
    )
    visitor.get(f"/c/{x_link.code}")
    stored = stored_in_cache()
    call_command("flush_campaign_counters", verbosity=0)
    rows = repr(list(DailyCount.objects.values()))
    for marker in ("marker-agent", "marker-referrer", "203.0.113.77"):
        assert marker.encode() not in stored
        assert marker not in rows
    assert list(DailyCount.objects.values_list("kind", "count")) == [("click", 1)]


def test_the_code_of_a_form_target_travels_in_its_address(person, campaign, channel_x):
    link = make_link(campaign, channel_x, "/en/feedback/new/?kind=suggestion")
    response = person.get(f"/c/{link.code}")
    assert response["Location"] == f"/en/feedback/new/?kind=suggestion&c={link.code}"


NOT_A_PERSON = [
    ("HEAD", {}),
    ("GET", {"HTTP_SEC_PURPOSE": "prefetch"}),
    ("GET", {"HTTP_SEC_PURPOSE": "prefetch;prerender"}),
    ("GET", {"HTTP_PURPOSE": "prefetch"}),
    ("GET", {"HTTP_X_MOZ": "prefetch"}),
    ("GET", {"HTTP_X_PURPOSE": "preview"}),
    ("GET", {"HTTP_USER_AGENT": "Twitterbot/1.0"}),
    (
        "GET",
        {
            "HTTP_USER_AGENT": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
        },
    ),
    ("GET", {"HTTP_USER_AGENT": "WhatsApp/2.23.20.0 A"}),
    ("GET", {"HTTP_USER_AGENT": "TelegramBot (like TwitterBot)"}),
    ("GET", {"HTTP_USER_AGENT": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"}),
    (
        "GET",
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"},
    ),
    (
        "GET",
        {
            "HTTP_USER_AGENT": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
        },
    ),
    (
        "GET",
        {
            "HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
        },
    ),
    (
        "GET",
        {
            "HTTP_USER_AGENT": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
        },
    ),
    ("GET", {"HTTP_USER_AGENT": "curl/8.5.0"}),
    ("GET", {"HTTP_USER_AGENT": ""}),
]


@pytest.mark.parametrize(("method", "headers"), NOT_A_PERSON)
def test_requests_that_are_not_a_person_following_the_link_are_not_counted(
    method, headers, x_link, article
):
    client = Client()
    headers = {"HTTP_USER_AGENT": BROWSER, **headers}
    response = getattr(client, method.lower())(f"/c/{x_link.code}", **headers)
    # They still get where the link goes (a preview shows the page's title and picture).
    assert response.status_code == 302
    assert response["Location"] == f"/ar/news/{article.slug}/"
    assert clicks(x_link) == 0


def test_the_documented_list_is_the_one_that_is_applied():
    from django.test import RequestFactory

    for agent in humans.BOT_AGENTS:
        request = RequestFactory().get("/c/x", HTTP_USER_AGENT=f"Something {agent.title()} 1.0")
        assert not humans.is_person(request), agent
    assert humans.is_person(RequestFactory().get("/c/x", HTTP_USER_AGENT=BROWSER))


@pytest.mark.parametrize(
    "code",
    [
        "AAAAAAAAAA",
        "abc",
        "x" * 200,
        "%FF%FE",
        "..%2F..%2Fadmin",
        "كود",
        "DROP TABLE",
        "a b c d e f g h",
    ],
)
def test_an_unknown_code_goes_to_the_home_page_never_an_error(person, x_link, code):
    response = person.get(f"/c/{code}")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_link_of_a_campaign_long_over_goes_home(person, channel_x, article):
    old = make_campaign(days_before=90, days_after=-60)
    link = make_link(old, channel_x, f"/ar/news/{article.slug}/")
    response = person.get(f"/c/{link.code}")
    assert response["Location"] == "/"
    assert clicks(link) == 0


def test_a_new_link_works_at_once_in_every_process(person, campaign, channel_x, article):
    """Another process has not read the new link yet: its first click reloads."""
    link = Link.objects.create(campaign=campaign, channel=channel_x, target="/en/news/")
    registry.forget()
    response = person.get(f"/c/{link.code}")
    assert response["Location"] == "/en/news/"


def test_codes_are_unguessable():
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    assert all(len(code) == codes.LENGTH >= 8 for code in made)
    assert set("".join(made)) <= set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) ** codes.LENGTH > 10**17


def test_following_a_link_queries_no_database(person, x_link, django_assert_num_queries):
    person.get(f"/c/{x_link.code}")  # this process reads the shared list once
    with django_assert_num_queries(0):
        for _ in range(20):
            assert person.get(f"/c/{x_link.code}").status_code == 302


def test_guessing_codes_costs_one_query_every_few_seconds(
    person, x_link, django_assert_max_num_queries
):
    person.get(f"/c/{x_link.code}")
    with django_assert_max_num_queries(1):
        for n in range(30):
            person.get(f"/c/Guess{n:05d}x".replace("0", "2").replace("1", "3"))


def test_clicks_are_counted_per_day_and_channel(
    person, campaign, channel_x, channel_instagram, article
):
    on_x = make_link(campaign, channel_x, f"/ar/news/{article.slug}/")
    on_instagram = make_link(campaign, channel_instagram, f"/ar/news/{article.slug}/")
    person.get(f"/c/{on_x.code}")
    person.get(f"/c/{on_instagram.code}")
    person.get(f"/c/{on_instagram.code}")
    assert clicks(on_x) == 1
    assert clicks(on_instagram) == 2
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert not DailyCount.objects.filter(day=yesterday).exists()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/ar/news/",
        "javascript:alert(1)",
        "/ar/no-such-page/",
        "/news/",
        "ar/news/",
        "/ar/news/\x00/",
        "",
    ],
)
def test_a_link_targets_only_pages_of_this_site(campaign, channel_x, target):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Link(campaign=campaign, channel=channel_x, target=target).full_clean()


@pytest.mark.parametrize(
    "target", ["/ar/news/", "/en/feedback/new/?kind=idea", "/ar/news/%D8%AE%D8%A8%D8%B1/"]
)
def test_pages_of_this_site_in_either_language_are_good_targets(campaign, channel_x, target):
    Link(campaign=campaign, channel=channel_x, target=target).full_clean()
