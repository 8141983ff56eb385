"""A task whose worker was killed mid-run goes back to the queue, and only such a task."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def task_row(status: str, started_minutes_ago: int | None) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status,
        started_at=now - timedelta(minutes=started_minutes_ago)
        if started_minutes_ago is not None
        else None,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="feedback.tasks.send_confirmation",
        backend_name="database",
        run_after=now - timedelta(hours=1),
        worker_ids=["killed-worker"],
    )


@pytest.mark.django_db
def test_only_tasks_running_past_the_bound_are_requeued():
    abandoned = task_row(TaskResultStatus.RUNNING, 30)
    busy = task_row(TaskResultStatus.RUNNING, 2)
    done = task_row(TaskResultStatus.SUCCESSFUL, 60)
    out = StringIO()
    call_command("requeue_stale_tasks", "--seconds", "600", stdout=out)
    assert "1 stale task(s) requeued" in out.getvalue()
    for row in (abandoned, busy, done):
        row.refresh_from_db()
    assert abandoned.status == TaskResultStatus.READY
    assert abandoned.started_at is None
    assert DBTaskResult.objects.ready().filter(pk=abandoned.pk).exists()  # a worker takes it
    assert busy.status == TaskResultStatus.RUNNING
    assert done.status == TaskResultStatus.SUCCESSFUL
