import pytest
from django.core.cache import cache

from feedback import ratelimit
from feedback.models import Submission


@pytest.fixture
def tight_limits(settings):
    settings.FEEDBACK_RATE_LIMITS = {
        **settings.FEEDBACK_RATE_LIMITS,
        "submit_address": (3, 3600),
        "submit_email": (2, 3600),
    }


@pytest.mark.django_db
def test_form_posts_are_limited_per_client_address(client, form_data, tight_limits):
    for i in range(3):
        assert (
            client.post("/en/feedback/new/", form_data(email=f"p{i}@example.com")).status_code
            == 302
        )
    response = client.post(
        "/ar/feedback/new/", form_data(email="p9@example.com", subject="عنوان محفوظ")
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "أُرسل عدد كبير من الطلبات في وقت قصير" in page  # friendly, translated
    assert 'dir="rtl"' in page
    assert 'value="عنوان محفوظ"' in page  # nothing typed is lost
    assert Submission.objects.count() == 3
    # A different address still gets through.
    ok = client.post(
        "/en/feedback/new/", form_data(email="q@example.com"), REMOTE_ADDR="192.0.2.50"
    )
    assert ok.status_code == 302


@pytest.mark.django_db
def test_submissions_are_limited_per_email(client, form_data, tight_limits):
    for i in range(2):
        client.post("/en/feedback/new/", form_data(), REMOTE_ADDR=f"192.0.2.{i}")
    response = client.post(
        "/en/feedback/new/", form_data(email="AISHA@example.com"), REMOTE_ADDR="192.0.2.9"
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many requests were sent in a short time." in page
    assert "I waited three hours at the health centre" in page
    assert Submission.objects.count() == 2


def test_limiter_keys_hold_no_raw_address(settings):
    settings.FEEDBACK_RATE_LIMITS = {"submit_address": (5, 60)}
    assert ratelimit.hit("submit_address", "203.0.113.5")
    if hasattr(cache._cache, "get_client"):  # Redis
        keys = [key.decode() for key in cache._cache.get_client().keys("*feedback:rl:*")]
    else:  # local memory
        keys = [key for key in cache._cache if "feedback:rl:" in key]
    assert keys
    assert all("203.0.113.5" not in key for key in keys)
    settings.FEEDBACK_RATE_LIMITS["track_address"] = (5, 60)
    # Each scope has its own salt: the same address gives unrelated keys.
    same, other = (
        ratelimit._key(scope, "203.0.113.5") for scope in ("submit_address", "track_address")
    )
    assert same.split(":")[3] != other.split(":")[3]
