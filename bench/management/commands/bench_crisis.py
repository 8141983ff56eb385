"""``bench_crisis``: 10,000 subscribers mailed while the public pages are measured (issue 15).

Run by ``make bench-crisis`` (``.ci/bench-crisis`` sets the environment: production
settings, the database task backend, mail to a local SMTP server). Steps:

1. Seed (idempotent): the governorates, two crisis publishers, an incident, the
   subscribers (confirmed, a mix of languages and governorates) and an Actual emergency
   alert in force, so every page carries the banner.
2. gunicorn on 127.0.0.1 (``--port``); the workers' mail goes to ``bench.mailsink`` (each
   message built as for SMTP, one line a message in a file): no second server to run.
3. *Before*: wrk on ``/healthz`` and the stored public pages (home, news, an article, the
   feedback form), each with the banner: req/s, p50, p99.
4. An Update of the alert is approved (four eyes) and published; ``--mail-workers``
   ``db_worker`` processes send its mail in batches while wrk measures the same pages
   again, round after round, until every subscriber has it (*during*).
5. Checks: every subscriber got the message exactly once (the SMTP server's count, the
   distinct recipients and the ``Delivery`` rows), each page's p99 during the send under
   2 × its p99 before, and the stored home page with the banner at ≥ 0.8 × ``/healthz``.

Writes ``docs/benchmarks-crisis.json`` (or ``var/bench/`` with ``--quick``); ``bench_run``
keeps the section in ``docs/benchmarks.md`` (``crisis_section``).
"""

import datetime
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from bench.management.commands import bench_run
from crisis import workflow
from crisis.models import Alert, Delivery, Governorate, Incident, Subscription
from portal import roles
from portal.staff import save_staff_account

HOST = bench_run.HOST
PUBLISHERS = ("bench-crisis-author", "bench-crisis-approver")
PASSWORD = "wadi-adai-load-test-2026!"  # noqa: S105 (local load test only)
INCIDENT = "bench-flood"


class Command(bench_run.Command):
    help = "Mail 10,000 alert subscribers while measuring the public pages (docs/benchmarks.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quick", action="store_true", help="2,000 subscribers, 3 s a page.")
        parser.add_argument("--subscribers", type=int, default=None)
        parser.add_argument("--port", type=int, default=8006)
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--mail-workers", type=int, default=1)
        parser.add_argument(
            "--mail-nice", type=int, default=10, help="niceness of the db_worker processes"
        )
        parser.add_argument("--connections", type=int, default=4)
        parser.add_argument("--duration", type=int, default=None, help="Seconds per page.")
        parser.add_argument("--output", default=None)

    def handle(self, *args, **options) -> None:
        if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
            raise CommandError("Run it through `make bench-crisis` (TASKS_BACKEND=database).")
        quick = options["quick"]
        subscribers = options["subscribers"] or (2_000 if quick else 10_000)
        duration = options["duration"] or (3 if quick else 10)
        base_url = f"http://{HOST}:{options['port']}"
        output = Path(options["output"] or (settings.BASE_DIR / ("var/bench" if quick else "docs")))
        output.mkdir(parents=True, exist_ok=True)

        author, approver, alert = self.seed(subscribers)
        mail_log = Path(settings.BASE_DIR) / "var" / "bench-crisis-mails.jsonl"
        mail_log.unlink(missing_ok=True)
        cache.clear()
        load_before = os.getloadavg()
        server = self.start_gunicorn(options["port"], options["workers"], base_url)
        mailers: list[subprocess.Popen] = []
        try:
            pages = self.crisis_pages()
            env = {
                "BENCH_METHOD": "GET",
                "BENCH_EXPECT": "200",
                "BENCH_COOKIE": "",
                "BENCH_BODY": "",
            }
            for page in pages:  # fill the page cache, check the banner is there
                self.cold(base_url + page.path, env)
            self.check_banner(base_url, pages)
            before = {}
            for page in pages:
                before[page.key] = self.wrk(
                    base_url + page.path, env, duration, options["connections"]
                )
                self.say("before", page, before[page.key])

            update = self.publish_update(author, approver, alert)
            published = time.monotonic()
            mailers = [
                self.start_mailer(mail_log, options["mail_nice"])
                for _ in range(options["mail_workers"])
            ]
            during: dict[str, list[dict]] = {page.key: [] for page in pages}
            rounds = 0
            while Delivery.objects.filter(alert=update).count() < subscribers:
                if time.monotonic() - published > 900:
                    raise CommandError("The mail was not sent within 15 minutes.")
                for page in pages[1:]:
                    result = self.wrk(base_url + page.path, env, duration, options["connections"])
                    during[page.key].append(result)
                    self.say(f"during ({self.sent(update)}/{subscribers})", page, result)
                rounds += 1
            send_seconds = time.monotonic() - published
            load_after = os.getloadavg()
        finally:
            for mailer in mailers:
                mailer.send_signal(signal.SIGTERM)
            server.send_signal(signal.SIGTERM)
            for process in [*mailers, server]:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()

        mails = (
            [json.loads(line) for line in mail_log.read_text().splitlines()]
            if mail_log.exists()
            else []
        )
        alert_mails = [m for m in mails if f".alert.{update.pk}." in m["message_id"]]
        recipients = [to for mail in alert_mails for to in mail["to"]]
        report = {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "mode": "quick" if quick else "full",
            "machine": self.machine(),
            "settings": {
                "gunicorn_workers": options["workers"],
                "mail_workers": options["mail_workers"],
                "mail_worker_niceness": options["mail_nice"],
                "batch_size": settings.CRISIS_MAIL_BATCH_SIZE,
                "wrk_connections": options["connections"],
                "seconds_per_page": duration,
                "database": connection.vendor,
                "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in load_after],
            },
            "subscribers": subscribers,
            "mails_received": len(alert_mails),
            "distinct_recipients": len(set(recipients)),
            "deliveries": Delivery.objects.filter(alert=update).count(),
            "send_seconds": round(send_seconds, 1),
            "rounds_during_send": rounds,
            "pages": [
                {
                    "key": page.key,
                    "label": page.label,
                    "path": page.path,
                    "before": before[page.key],
                    "during": during.get(page.key, []),
                }
                for page in pages
            ],
        }
        report["budgets"] = self.crisis_budgets(report)
        path = output / "benchmarks-crisis.json"
        runs = json.loads(path.read_text()).get("runs", []) if path.exists() else []
        runs = [*runs, report][-3:]  # the last three runs: the machine is shared, they vary
        path.write_text(json.dumps({"runs": runs}, indent=2) + "\n")
        self.stdout.write(crisis_markdown(report))
        self.stdout.write(f"Wrote {output / 'benchmarks-crisis.json'}")
        missed = [budget["name"] for budget in report["budgets"] if not budget["met"]]
        if missed:
            raise CommandError(f"Budgets missed: {', '.join(missed)}")

    # --- setting the scene ------------------------------------------------------------------
    def seed(self, subscribers: int) -> tuple:
        Governorate.objects.ensure_all()
        Group.objects.get_or_create(name=roles.CRISIS_PUBLISHERS)
        users = [
            save_staff_account(name, role="crisis-publisher", password=PASSWORD)[0]
            for name in PUBLISHERS
        ]
        codes = list(Governorate.objects.values_list("code", flat=True))
        existing = Subscription.objects.filter(email__endswith="@bench.invalid").count()
        now = timezone.now()
        rows = []
        for n in range(existing, subscribers):
            rows.append(
                Subscription(
                    email=f"subscriber-{n}@bench.invalid",
                    language="ar" if n % 5 else "en",
                    all_governorates=n % 3 != 0,
                    confirmed_at=now,
                )
            )
        created = Subscription.objects.bulk_create(rows, batch_size=2000)
        through = Subscription.governorates.through
        through.objects.bulk_create(
            [
                through(subscription_id=row.pk, governorate_id=codes[n % len(codes)])
                for n, row in enumerate(created)
                if not row.all_governorates
            ]
            + [
                through(subscription_id=row.pk, governorate_id="OM-MA")
                for row in created
                if not row.all_governorates
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        extra = Subscription.objects.filter(email__endswith="@bench.invalid").count() - subscribers
        if extra > 0:  # a smaller run after a larger one
            keep = Subscription.objects.filter(email__endswith="@bench.invalid").order_by("pk")
            Subscription.objects.filter(pk__in=keep.values("pk")[subscribers:]).delete()
        incident = Incident.objects.filter(slug=INCIDENT).first() or workflow.open_incident(
            users[0], slug=INCIDENT, title_ar="فيضان تجريبي", title_en="Benchmark flood"
        )
        alert = (
            Alert.objects.current()
            .filter(incident=incident, status=Alert.Status.ACTUAL, level=Alert.Level.EMERGENCY)
            .order_by("-sent")
            .first()
        )
        if alert is None or alert.expires < now + datetime.timedelta(hours=1):
            draft = workflow.draft_alert(
                users[0],
                Governorate.objects.filter(code__in=["OM-MA", "OM-BS"]),
                incident=incident,
                msg_type=Alert.MsgType.UPDATE if alert else Alert.MsgType.ALERT,
                follows=alert,
                status=Alert.Status.ACTUAL,
                level=Alert.Level.EMERGENCY,
                headline_ar="خطر فيضان في وادي عدي (قياس الأداء)",
                headline_en="Flood danger in Wadi Adai (benchmark)",
                summary_ar="ارتفع منسوب المياه. ابتعدوا عن مجرى الوادي فورًا.",
                summary_en="The water is rising. Keep away from the wadi bed now.",
                event_ar="فيضان",
                event_en="Flood",
                category=Alert.Category.MET,
                urgency=Alert.Urgency.IMMEDIATE,
                severity=Alert.Severity.SEVERE,
                certainty=Alert.Certainty.OBSERVED,
                effective=now,
                expires=now + datetime.timedelta(days=2),
            )
            workflow.transition(users[0], draft, "request_approval")
            alert = workflow.transition(users[1], draft, "approve")
            # Its own mail is not what is measured: mark it sent to everyone.
            Delivery.objects.bulk_create(
                [
                    Delivery(alert=alert, subscription_id=pk)
                    for pk in Subscription.objects.values_list("pk", flat=True)
                ],
                batch_size=5000,
                ignore_conflicts=True,
            )
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.filter(status="READY").delete()
        return users[0], users[1], alert

    def publish_update(self, author, approver, alert: Alert) -> Alert:
        fields = {name: getattr(alert, name) for name in workflow.ALERT_FIELDS}
        fields.update(
            msg_type=Alert.MsgType.UPDATE,
            follows=alert,
            headline_en="Water still rising in Wadi Adai (benchmark)",
            headline_ar="المياه ما زالت ترتفع في وادي عدي (قياس الأداء)",
        )
        draft = workflow.draft_alert(author, alert.governorates.all(), **fields)
        workflow.transition(author, draft, "request_approval")
        return workflow.transition(approver, draft, "approve")

    def start_mailer(self, mail_log: Path, niceness: int) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "EMAIL_BACKEND": "bench.mailsink.EmailBackend",
            "BENCH_MAIL_LOG": str(mail_log),
        }
        log = open(Path(settings.BASE_DIR) / "var" / "bench-crisis-worker.log", "a")  # noqa: SIM115
        # As docs/deployment.md runs it: below the web workers, which serve the pages.
        return subprocess.Popen(  # noqa: S603 - our own arguments
            [
                "/usr/bin/nice",
                "-n",
                str(niceness),
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def crisis_pages(self) -> list:
        from news.models import Article

        article = Article.objects.published().order_by("-publish_at", "-pk").first()
        pages = [
            bench_run.Page("healthz", "/healthz (floor)", "/healthz"),
            bench_run.Page("home", "Home (ar), with the banner", "/ar/"),
            bench_run.Page("news_list", "News list (ar), with the banner", "/ar/news/"),
            bench_run.Page(
                "feedback_form", "Feedback form (ar), with the banner", "/ar/feedback/new/"
            ),
        ]
        if article is not None:
            pages.insert(
                3,
                bench_run.Page(
                    "article", "Article (ar), with the banner", article.get_absolute_url()
                ),
            )
        return pages

    def check_banner(self, base_url: str, pages) -> None:
        import urllib.request

        for page in pages[1:]:
            with urllib.request.urlopen(base_url + page.path, timeout=10) as response:  # noqa: S310
                if b"crisis-banner--emergency" not in response.read():
                    raise CommandError(f"{page.path}: no banner")

    def sent(self, alert: Alert) -> int:
        return Delivery.objects.filter(alert=alert).count()

    def say(self, phase: str, page, result: dict) -> None:
        self.stdout.write(
            f"  {phase:22} {page.label:40} {result['rps']:8.1f} req/s  "
            f"p99 {result['p99_ms']:6.1f} ms  errors {result['errors']}"
        )

    def crisis_budgets(self, report: dict) -> list[dict]:
        pages = {page["key"]: page for page in report["pages"]}
        floor = pages["healthz"]["before"]["rps"] or 1
        budgets = [
            {
                "name": "every subscriber gets the message exactly once",
                "limit": f"{report['subscribers']:,} mails, {report['subscribers']:,} recipients",
                "measured": f"{report['mails_received']:,} mails, {report['distinct_recipients']:,} recipients, {report['deliveries']:,} delivery rows",
                "met": report["mails_received"]
                == report["distinct_recipients"]
                == report["deliveries"]
                == report["subscribers"],
            },
            {
                "name": "Home (ar) with the banner, stored",
                "limit": "≥ 0.8 × /healthz req/s",
                "measured": f"{pages['home']['before']['rps'] / floor:.2f} ×",
                "met": pages["home"]["before"]["rps"] / floor >= 0.8,
            },
        ]
        for key, page in pages.items():
            if key == "healthz" or not page["during"]:
                continue
            worst = max(result["p99_ms"] for result in page["during"])
            before = page["before"]["p99_ms"]
            budgets.append(
                {
                    "name": f"{page['label']}: p99 during the send",
                    "limit": f"< 2 × {before} ms",
                    "measured": f"{worst} ms (worst of {len(page['during'])} rounds)",
                    "met": worst < 2 * before,
                }
            )
        return budgets


def crisis_markdown(report: dict, heading: str = "## Crisis alert mail (issue 15)") -> str:
    s = report["settings"]
    lines = [
        heading,
        "",
        f"Measured by `make bench-crisis` ({report['mode']}, {report['date']}): gunicorn with "
        f"{s['gunicorn_workers']} workers, production settings, {s['database']}, "
        f"{s['cache']}; an Actual emergency alert in force (every page carries the banner); "
        f"an Update of it approved and published, and its mail sent to "
        f"{report['subscribers']:,} subscribers by {s['mail_workers']} `db_worker` process(es) "
        f"(`nice -n {s.get('mail_worker_niceness', 0)}`) "
        f"in batches of {s['batch_size']} (each message built as for SMTP, `bench.mailsink`) while wrk "
        f"({s['wrk_connections']} connections, {s['seconds_per_page']} s a page) measures the "
        f"stored public pages again and again. The machine is shared (2 cores): load average "
        f"{s['load_average_before'][0]} before, {s['load_average_after'][0]} after.",
        "",
        f"The mail: {report['mails_received']:,} messages to {report['distinct_recipients']:,} "
        f"recipients in {report['send_seconds']} s from the approval.",
        "",
        "| page | req/s before | p99 before | p99 during the send (worst round) |",
        "|---|---|---|---|",
    ]
    for page in report["pages"]:
        during = max((r["p99_ms"] for r in page["during"]), default=None)
        lines.append(
            f"| {page['label']} | {page['before']['rps']} | {page['before']['p99_ms']} ms | "
            f"{f'{during} ms' if during is not None else '—'} |"
        )
    lines += ["", "| budget | limit | measured | met |", "|---|---|---|---|"]
    lines += [
        f"| {b['name']} | {b['limit']} | {b['measured']} | {'yes' if b['met'] else '**no**'} |"
        for b in report["budgets"]
    ]
    return "\n".join(lines) + "\n"


def crisis_section(folder: Path) -> str:
    """The section as last measured, for ``bench_run`` to keep when it rewrites the file."""
    path = Path(folder) / "benchmarks-crisis.json"
    if not path.exists():
        return ""
    runs = json.loads(path.read_text()).get("runs", [])
    parts = ["## Crisis alert mail (issue 15)", "", CRISIS_NOTES]
    parts += [crisis_markdown(run, f"### Run of {run['date']}") for run in reversed(runs)]
    return "\n".join(parts)


CRISIS_NOTES = (
    "`make bench-crisis` (`bench_crisis`): the banner's cost on stored pages, and the public "
    "pages while an alert is mailed to every subscriber through the task worker. Budgets: each "
    "subscriber gets the message exactly once; the stored home page with the banner at ≥ 0.8 × "
    "`/healthz`; each page's p99 during the send under 2 × its p99 before it (the worst "
    "round of wrk during the send counts). The development machine is shared by several "
    "people (2 cores): runs with a load average far above 2 measure the other work as much as "
    "this, so the last three runs are kept, each with its load average.\n"
)
