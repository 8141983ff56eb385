import pytest

from tests.factories import make_topic


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Each test gets an empty private folder, so leftovers of another test never count."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def topic(ministry_a):
    return make_topic(
        name_ar="الخدمات الصحية",
        name_en="Health services",
        ministry=ministry_a,
        response_days=5,
    )


@pytest.fixture
def form_data(topic):
    """A valid submission, as the browser posts it."""

    def build(**overrides) -> dict:
        data = {
            "kind": "complaint",
            "topic": str(topic.pk),
            "subject": "Long waiting time",
            "body": "I waited three hours at the health centre for a booked appointment.",
            "name": "Aisha",
            "email": "aisha@example.com",
            "phone": "+968 9123 4567",
            "consent": "on",
            "website": "",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return build
