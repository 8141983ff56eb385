"""Saving is all or nothing; references are unique, also under concurrent inserts."""

import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from feedback import references, workflow
from feedback.models import Attachment, Submission, SubmissionEvent
from tests.factories import make_submission, make_topic
from tests.feedback import files


def stored_files() -> list[Path]:
    return [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_failure_after_the_first_attachment_leaves_nothing_behind(client, form_data, monkeypatch):
    real_store = workflow.store_attachment
    calls = []

    def store_then_fail(submission, clean):
        calls.append(clean.name)
        if len(calls) == 2:
            raise OSError("disk full")  # injected after the first file was written
        return real_store(submission, clean)

    monkeypatch.setattr(workflow, "store_attachment", store_then_fail)
    body = "The lift at the clinic has been broken for two weeks. كبار السن لا يستطيعون الصعود."
    response = client.post(
        "/en/feedback/new/",
        {
            **form_data(body=body),
            "attachments": [
                files.upload("one.jpg", files.jpeg_bytes()),
                files.upload("two.png", files.png_bytes()),
            ],
        },
    )

    assert calls == ["one.jpg", "two.png"]
    assert response.status_code == 503  # a full disk is temporary: try again later
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "We could not save your request, and nothing was sent." in page
    assert body in page  # the citizen's text is still there
    assert 'value="Long waiting time"' in page
    assert Submission.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert SubmissionEvent.objects.count() == 0
    # No attachment is left behind; the two cleaned files are kept for the next try.
    kept = Path(settings.PRIVATE_MEDIA_ROOT).resolve() / "kept"
    assert all(path.resolve().parent == kept for path in stored_files())
    assert len(stored_files()) == 2
    assert "“one.jpg” is kept" in page and "“two.png” is kept" in page


@pytest.mark.django_db
def test_failure_of_the_event_rolls_back_files_too(topic, monkeypatch):
    from feedback.uploads import CleanFile

    def broken_create(**kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(SubmissionEvent.objects, "create", broken_create)
    clean = CleanFile(
        content=files.png_bytes(), name="a.png", content_type="image/png", sha256="0" * 64
    )
    with pytest.raises(RuntimeError):
        make_submission(topic=topic, files=[clean])
    assert Submission.objects.count() == 0
    assert stored_files() == []


@pytest.mark.django_db
def test_reference_collision_is_retried(topic, monkeypatch):
    first = make_submission(topic=topic)
    fresh = references.generate_reference()
    queue = [first.reference, first.reference, fresh]
    monkeypatch.setattr(workflow, "generate_reference", lambda: queue.pop(0))
    second = make_submission(topic=topic)
    assert second.reference == fresh
    assert Submission.objects.count() == 2


def test_references_are_readable_and_unambiguous():
    seen = {references.generate_reference() for _ in range(2000)}
    assert len(seen) == 2000
    for reference in seen:
        assert len(reference) == 12 and reference.startswith("TW-")
        assert not set(reference[3:].replace("-", "")) & set("01OIL")
    assert references.normalize_reference(" tw 7k3q 9m2x ") == "TW-7K3Q-9M2X"
    assert references.normalize_reference("7K3Q9M2X") == "TW-7K3Q-9M2X"
    assert references.normalize_reference("TW-7K3Q-9M2O") == ""  # O is never used
    assert references.normalize_reference("x" * 500) == ""


@pytest.mark.django_db
def test_events_are_immutable(topic):
    event = make_submission(topic=topic).events.get()
    event.public_message = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


@pytest.mark.django_db(transaction=True)
def test_references_unique_under_concurrent_inserts(monkeypatch, caplog):
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite serialises all writers with one database lock, so concurrent inserts "
            "cannot race; this test needs PostgreSQL (CI's second run)."
        )
    topic = make_topic()
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    # Every thread's first draw is the same reference: all but one must collide and retry.
    first_draw = threading.local()
    real = references.generate_reference

    def colliding():
        if not getattr(first_draw, "done", False):
            first_draw.done = True
            return "TW-2222-2222"
        return real()

    monkeypatch.setattr(workflow, "generate_reference", colliding)
    made, errors = [], []

    def worker(n):
        try:
            barrier.wait(timeout=10)
            made.append(make_submission(topic=topic, subject=f"thread {n}").reference)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(made) == threads_count
    assert len(set(made)) == threads_count
    assert "TW-2222-2222" in made
    # The collisions really happened and were retried (one winner, the rest retried).
    collisions = [r for r in caplog.records if "reference collision" in r.getMessage()]
    assert len(collisions) == threads_count - 1
    assert Submission.objects.count() == threads_count
