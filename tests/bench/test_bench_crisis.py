"""The crisis scenario of the benchmark (``bench_crisis``): its seed and its mail sink."""

import json

import pytest
from django.core.mail import EmailMessage

from bench.mailsink import EmailBackend
from bench.management.commands.bench_crisis import Command, crisis_markdown
from crisis.models import Alert, Delivery, Subscription

pytestmark = pytest.mark.django_db


def test_the_seed_makes_the_subscribers_and_an_emergency_in_force_once(
    django_capture_on_commit_callbacks,
):
    command = Command()
    with django_capture_on_commit_callbacks(execute=False):
        _author, _approver, alert = command.seed(300)
        again = command.seed(300)[2]
    assert again == alert  # a second run reuses it
    assert Subscription.objects.confirmed().count() == 300
    assert alert.status == "Actual" and alert.level == "emergency"
    assert Alert.objects.current().filter(pk=alert.pk).exists()
    # Its own mail is not what is measured: marked as sent to everyone.
    assert Delivery.objects.filter(alert=alert).count() == 300
    recipients = Subscription.objects.for_alert(alert).count()
    assert 0 < recipients <= 300
    command.seed(120)  # a smaller run after a larger one
    assert Subscription.objects.filter(email__endswith="@bench.invalid").count() == 120


def test_the_mail_sink_builds_each_message_and_writes_one_line(tmp_path, monkeypatch):
    log = tmp_path / "mails.jsonl"
    monkeypatch.setenv("BENCH_MAIL_LOG", str(log))
    messages = [
        EmailMessage(
            "s", "b", "a@example.com", [f"r{n}@example.com"], headers={"Message-ID": f"<m{n}@x>"}
        )
        for n in range(3)
    ]
    assert EmailBackend().send_messages(messages) == 3
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["to"] for line in lines] == [
        ["r0@example.com"],
        ["r1@example.com"],
        ["r2@example.com"],
    ]
    assert lines[0]["message_id"] == "<m0@x>"


def test_the_report_says_what_was_met():
    page = {"rps": 100.0, "p50_ms": 1.0, "p99_ms": 10.0, "max_ms": 12.0, "errors": 0, "requests": 1}
    report = {
        "mode": "quick",
        "date": "2026-12-01T12:00:00+00:00",
        "settings": {
            "gunicorn_workers": 4,
            "database": "postgresql",
            "cache": "RedisCache",
            "mail_workers": 1,
            "batch_size": 200,
            "wrk_connections": 4,
            "seconds_per_page": 3,
            "load_average_before": [3.0, 3.0, 3.0],
            "load_average_after": [4.0, 3.0, 3.0],
        },
        "subscribers": 10,
        "mails_received": 10,
        "distinct_recipients": 10,
        "deliveries": 10,
        "send_seconds": 1.0,
        "pages": [
            {
                "key": "healthz",
                "label": "/healthz (floor)",
                "path": "/healthz",
                "before": page,
                "during": [],
            },
            {
                "key": "home",
                "label": "Home (ar), with the banner",
                "path": "/ar/",
                "before": {**page, "rps": 90.0},
                "during": [{**page, "p99_ms": 25.0}],
            },
        ],
    }
    report["budgets"] = Command().crisis_budgets(report)
    met = {budget["name"]: budget["met"] for budget in report["budgets"]}
    assert met["every subscriber gets the message exactly once"]
    assert met["Home (ar) with the banner, stored"]  # 0.9 × /healthz
    assert not met["Home (ar), with the banner: p99 during the send"]  # 25 ms ≥ 2 × 10 ms
    assert "**no**" in crisis_markdown(report)
