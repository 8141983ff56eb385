"""Fixtures of the security suites: one item of ministry A with an attachment and a
public answer, and one published article, so every page type has something to show."""

import pytest
from django.contrib.auth.models import User

from feedback import workflow
from feedback.models import Submission
from feedback.tracking import tracking_path
from feedback.uploads import CleanFile
from tests.factories import make_article, make_submission, make_topic
from tests.feedback import files


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def topic(ministry_a):
    return make_topic(name_ar="الخدمات الصحية", name_en="Health services", ministry=ministry_a)


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("root", "root@staff.example", "x")


def answered_item(topic, ministry, moderator, officer, **fields) -> Submission:
    """An item taken through the real workflow: routed, answered, with a photo."""
    photo = CleanFile(files.jpeg_bytes(), "photo.jpg", "image/jpeg", "0" * 64)
    item = make_submission(topic=topic, files=[photo], **fields)
    workflow.route(item, actor=moderator, ministry=ministry, public_message="Routed.")
    workflow.answer(item, actor=officer, public_message="Answered.")
    item.refresh_from_db()
    return item


@pytest.fixture
def item(topic, ministry_a, moderator, officer_a) -> Submission:
    return answered_item(topic, ministry_a, moderator, officer_a)


@pytest.fixture
def article(db):
    return make_article(slug="security-news")


def track_url(item: Submission, lang: str = "en") -> str:
    return tracking_path(item.reference, lang)
