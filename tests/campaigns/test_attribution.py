"""A submission sent from a campaign link records the campaign: the code travels in the
form's address and hidden field, never in a cookie and never in the stored page's key."""

import re

import pytest
from django.test import Client

from campaigns.models import Outcome
from feedback.models import Submission
from tests.campaigns.conftest import BROWSER, make_link
from tests.factories import make_topic

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE_FIELD = re.compile(r'<input type="hidden" name="c" value="([^"]*)">')


@pytest.fixture
def topic(ministry_a):
    return make_topic(name_ar="عقود العمل", name_en="Employment contracts", ministry=ministry_a)


def form_data(topic, **extra) -> dict:
    return {
        "kind": "suggestion",
        "topic": str(topic.pk),
        "subject": "Clearer contracts",
        "body": "Please publish a model employment contract in plain Arabic and English.",
        "consent": "on",
        "website": "",
        **extra,
    }


@pytest.fixture
def form_link(campaign, channel_x):
    return make_link(campaign, channel_x, "/en/feedback/new/")


def test_a_submission_from_a_campaign_link_records_its_campaign(topic, form_link):
    browser = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER)
    form_url = browser.get(f"/c/{form_link.code}")["Location"]
    assert form_url == f"/en/feedback/new/?c={form_link.code}"
    page = browser.get(form_url)
    html = page.content.decode()
    assert CODE_FIELD.findall(html) == [form_link.code]
    assert not any(form_link.code in cookie.value for cookie in browser.cookies.values())
    token = TOKEN.search(html).group(1)
    sent = browser.post(
        form_url, {**form_data(topic), "csrfmiddlewaretoken": token, "c": form_link.code}
    )
    assert sent.status_code == 302
    submission = Submission.objects.get()
    outcome = Outcome.objects.get()
    assert outcome.link == form_link
    assert outcome.item == submission


def test_every_code_shares_one_stored_form(
    topic, campaign, channel_x, channel_instagram, django_assert_num_queries
):
    first = make_link(campaign, channel_x, "/ar/feedback/new/")
    second = make_link(campaign, channel_instagram, "/ar/feedback/new/")
    Client().get(f"/ar/feedback/new/?c={first.code}")  # rendered and stored
    with django_assert_num_queries(0):  # the others come from the store
        other = Client().get(f"/ar/feedback/new/?c={second.code}")
        plain = Client().get("/ar/feedback/new/")
    assert CODE_FIELD.findall(other.content.decode()) == [second.code]
    assert CODE_FIELD.findall(plain.content.decode()) == [""]
    # The first visitor's code is nowhere in the stored copy (its language links included).
    assert first.code not in other.content.decode()
    assert first.code not in plain.content.decode()


def test_a_form_with_errors_keeps_the_code(topic, form_link):
    browser = Client(HTTP_USER_AGENT=BROWSER)
    response = browser.post(
        f"/en/feedback/new/?c={form_link.code}",
        {**form_data(topic, subject=""), "c": form_link.code},
    )
    assert response.status_code == 200
    assert CODE_FIELD.findall(response.content.decode()) == [form_link.code]
    assert not Outcome.objects.exists()


@pytest.mark.parametrize("code", ["", "NotARealCode22", "<script>", "x" * 300, "a\x00b"])
def test_a_submission_without_a_real_code_records_nothing(topic, form_link, code):
    response = Client().post("/en/feedback/new/", {**form_data(topic), "c": code})
    assert response.status_code == 302
    assert Submission.objects.count() == 1
    assert not Outcome.objects.exists()


def test_a_link_to_the_form_for_a_topic_opens_it_with_the_topic_chosen(topic, campaign, channel_x):
    link = make_link(campaign, channel_x, f"/ar/feedback/new/?topic={topic.pk}")
    browser = Client(HTTP_USER_AGENT=BROWSER)
    form_url = browser.get(f"/c/{link.code}")["Location"]
    assert form_url == f"/ar/feedback/new/?topic={topic.pk}&c={link.code}"
    html = browser.get(form_url).content.decode()
    assert re.search(rf'<option value="{topic.pk}"[^>]*selected', html)
    assert CODE_FIELD.findall(html) == [link.code]


def test_an_inquiry_from_a_campaign_link_records_its_campaign(campaign, channel_x):
    """The "is this true?" form takes the same code: a campaign against a rumour counts the
    questions its links brought."""
    link = make_link(campaign, channel_x, "/ar/feedback/ask/")
    browser = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER)
    form_url = browser.get(f"/c/{link.code}")["Location"]
    html = browser.get(form_url).content.decode()
    assert CODE_FIELD.findall(html) == [link.code]
    # The stored blank form is shared: a visitor without a code gets an empty field.
    assert CODE_FIELD.findall(Client().get("/ar/feedback/ask/").content.decode()) == [""]
    sent = browser.post(
        form_url,
        {
            "claim": "رسالة تقول إن الدراسة معلقة الأسبوع القادم",
            "where_seen": "whatsapp",
            "consent": "on",
            "website": "",
            "csrfmiddlewaretoken": TOKEN.search(html).group(1),
            "c": link.code,
        },
    )
    assert sent.status_code == 302
    assert Outcome.objects.get().item == Submission.objects.get(kind="inquiry")
