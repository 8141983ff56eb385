""" "Was this page useful?" on article pages: works without JavaScript, a session or a CSRF
token (the page is cached for everyone), one answer per page per address a day, counts
only."""

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from campaigns.models import DailyCount

pytestmark = pytest.mark.django_db


def answers(page: str) -> dict[str, int]:
    call_command("flush_campaign_counters", verbosity=0)
    return dict(
        DailyCount.objects.filter(subject=page, kind__startswith="useful").values_list(
            "kind", "count"
        )
    )


def visitor(address: str) -> Client:
    # Forms are checked as browsers send them: with CSRF checks on.
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=address)


@pytest.mark.parametrize(
    ("language", "question"), [("ar", "هل كانت هذه الصفحة مفيدة؟"), ("en", "Was this page useful?")]
)
def test_article_pages_ask_with_a_plain_form(language, question, article):
    response = Client().get(f"/{language}/news/{article.slug}/")
    html = response.content.decode()
    assert question in html
    assert f'action="/{language}/useful/"' in html
    assert f'name="page" value="/news/{article.slug}/"' in html
    assert "csrfmiddlewaretoken" not in html  # the stored page is the same for everyone
    assert "Set-Cookie" not in response


def test_an_answer_needs_no_session_or_token_and_is_counted(article):
    page = f"/news/{article.slug}/"
    response = visitor("198.51.100.1").post("/en/useful/", {"page": page, "answer": "yes"})
    assert response.status_code == 200
    assert "Thank you for your answer" in response.content.decode()
    assert "Set-Cookie" not in response
    visitor("198.51.100.2").post("/ar/useful/", {"page": page, "answer": "no"})
    visitor("198.51.100.3").post("/ar/useful/", {"page": page, "answer": "yes"})
    assert answers(page) == {"useful_yes": 2, "useful_no": 1}


def test_one_answer_per_page_per_address_a_day(article):
    page = f"/news/{article.slug}/"
    client = visitor("198.51.100.9")
    client.post("/en/useful/", {"page": page, "answer": "yes"})
    again = client.post("/en/useful/", {"page": page, "answer": "no"})
    assert again.status_code == 200
    assert "already counted" in again.content.decode()
    client.post("/en/useful/", {"page": page, "answer": "yes"})
    assert answers(page) == {"useful_yes": 1}


@override_settings(
    CAMPAIGNS_USEFUL_LIMITS={"useful_page": (1, 86400), "useful_address": (3, 86400)}
)
def test_an_address_has_a_daily_number_of_answers_in_all(db):
    from tests.factories import make_article

    pages = [f"/news/{make_article().slug}/" for _ in range(5)]
    client = visitor("198.51.100.20")
    statuses = [client.post("/ar/useful/", {"page": p, "answer": "yes"}).status_code for p in pages]
    assert statuses == [200, 200, 200, 429, 429]
    call_command("flush_campaign_counters", verbosity=0)
    assert sum(DailyCount.objects.values_list("count", flat=True)) == 3


@pytest.mark.parametrize(
    "fields",
    [
        {"page": "/news/", "answer": "yes"},  # a list, which does not ask
        {"page": "/news/preview/1/", "answer": "yes"},
        {"page": "https://evil.example/", "answer": "yes"},
        {"page": "//evil.example/news/x/", "answer": "yes"},
        {"page": "/news/x/\x00", "answer": "yes"},
        {"page": "/news/" + "x" * 5000 + "/", "answer": "yes"},
        {"page": "/news/x/", "answer": "maybe"},
        {"answer": "yes"},
        {},
    ],
)
def test_odd_answers_get_a_clear_page_and_count_nothing(fields):
    response = visitor("198.51.100.30").post("/ar/useful/", fields)
    assert response.status_code == 400
    assert "تعذّر احتساب هذه الإجابة" in response.content.decode()
    call_command("flush_campaign_counters", verbosity=0)
    assert not DailyCount.objects.exists()


def test_the_answer_address_opened_without_an_answer_goes_home():
    response = Client().get("/en/useful/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_a_preview_does_not_ask(editor, client_as):
    from tests.factories import make_article

    draft = make_article(status="draft")
    html = client_as(editor).get(f"/ar/news/preview/{draft.pk}/").content.decode()
    assert 'action="/ar/useful/"' not in html


@pytest.mark.parametrize("language", ["ar", "en"])
def test_clarification_pages_ask_too_and_their_answers_count(language):
    from tests.factories import make_clarification

    clarification = make_clarification()
    page = f"/clarifications/{clarification.slug}/"
    html = Client().get(f"/{language}{page}").content.decode()
    assert f'name="page" value="{page}"' in html
    visitor("198.51.100.7").post(f"/{language}/useful/", {"page": page, "answer": "yes"})
    assert answers(page) == {"useful_yes": 1}
