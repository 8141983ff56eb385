"""Submissions, tracking and staff pages while a neighbour is broken: Redis unreachable
(a real Redis client pointed at a port where nothing listens) and a full disk."""

import errno
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from feedback import workflow
from feedback.models import Attachment, Submission
from portal import ratelimit as counters
from tests.factories import make_submission
from tests.feedback import files

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "portal.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = UNREACHABLE_REDIS
    counters._fallback.clear()
    counters._last_warning = 0.0
    yield
    counters._fallback.clear()


@pytest.mark.django_db
def test_submitting_and_tracking_work_without_redis(client, form_data, redis_down):
    response = client.post("/en/feedback/new/", form_data(), follow=True)
    assert response.status_code == 200
    submission = Submission.objects.get()
    assert submission.reference in response.content.decode()
    tracked = client.post(
        "/en/feedback/track/", {"reference": submission.reference, "email": "aisha@example.com"}
    )
    assert tracked.status_code == 200
    assert "Long waiting time" in tracked.content.decode()
    assert client.get("/ar/news/").status_code == 200
    assert client.get("/ar/").status_code == 200


@pytest.mark.django_db
def test_rate_limits_hold_per_process_without_redis(
    client, form_data, redis_down, settings, caplog
):
    settings.FEEDBACK_RATE_LIMITS = {**settings.FEEDBACK_RATE_LIMITS, "submit_address": (2, 3600)}
    with caplog.at_level(logging.WARNING, logger="portal.ratelimit"):
        for i in range(2):
            ok = client.post("/en/feedback/new/", form_data(email=f"p{i}@example.com"))
            assert ok.status_code == 302
        refused = client.post("/en/feedback/new/", form_data(email="p9@example.com"))
    assert refused.status_code == 429
    assert "Long waiting time" in refused.content.decode()  # the text is kept
    assert Submission.objects.count() == 2
    warnings = [r for r in caplog.records if "counted per process" in r.getMessage()]
    assert len(warnings) == 1  # logged once, not on every request


@pytest.mark.django_db
def test_staff_dashboard_works_without_redis(client_as, manager, officer_b, topic, redis_down):
    item = make_submission(topic=topic, subject="Health item")
    page = client_as(manager).get("/en/staff/")
    assert page.status_code == 200
    outsider = client_as(officer_b).get("/en/staff/")
    assert outsider.status_code == 200
    assert item.reference not in outsider.content.decode()


class FullDiskContent(ContentFile):
    """File content whose writing fails half-way with ENOSPC, as on a full disk."""

    def chunks(self, chunk_size=None):
        yield self.read(100)
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.django_db
def test_a_full_disk_keeps_the_text_and_leaves_neither_row_nor_file(client, form_data, monkeypatch):
    monkeypatch.setattr(workflow, "ContentFile", FullDiskContent)
    response = client.post(
        "/ar/feedback/new/",
        {
            **form_data(subject="عنوان محفوظ"),
            "attachments": [files.upload("scan.jpg", files.jpeg_bytes(size=(400, 300)))],
        },
    )
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "تعذّر حفظ طلبك ولم يُرسل أي شيء" in page  # clear and translated
    assert 'value="عنوان محفوظ"' in page and "I waited three hours" in page
    assert Submission.objects.count() == 0
    assert Attachment.objects.count() == 0
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    stored = [p.relative_to(root) for p in root.rglob("*") if p.is_file()]
    # Only the cleaned copy kept for the form's next try (feedback.kept_uploads, claimed
    # by the token in the page, purged when it expires): never a truncated attachment.
    assert all(path.parts[0] == "kept" for path in stored), stored


class FullDisk(ContentFile):
    """Content that cannot be written at all: the disk has no space left."""

    def chunks(self, chunk_size=None):
        raise OSError(errno.ENOSPC, "No space left on device")
        yield b""


@pytest.mark.django_db
def test_a_disk_too_full_to_keep_the_files_still_returns_the_form(client, form_data, monkeypatch):
    from feedback import kept_uploads

    monkeypatch.setattr(workflow, "ContentFile", FullDisk)
    monkeypatch.setattr(kept_uploads, "ContentFile", FullDisk)
    response = client.post(
        "/en/feedback/new/",
        {**form_data(), "attachments": [files.upload("scan.jpg", files.jpeg_bytes())]},
    )
    assert response.status_code == 503
    page = response.content.decode()
    assert "We could not save your request, and nothing was sent." in page
    assert "I waited three hours" in page
    assert "is kept: you do not need to choose it again" not in page  # it was not
    assert Submission.objects.count() == 0
    assert [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()] == []
