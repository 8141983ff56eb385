"""``bench_run``: serve the site with gunicorn on 127.0.0.1 and drive it with ``wrk``.

Run by ``make bench`` (``.ci/bench`` sets the production-like environment first). For each
page: requests/s, p50/p99 latency, errors, the ratio of its throughput to ``/healthz``
(measured in the same run), the queries the page runs and its size; then the memory of the
gunicorn workers. Writes ``docs/benchmarks.md`` and ``docs/benchmarks.json`` (or, with
``--quick``, the files under ``var/`` so a CI run does not overwrite the committed figures).
"""

import datetime
import itertools
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.management.commands.bench_attack import attack_section
from bench.management.commands.bench_seed import (
    ARTICLE_WORDS,
    BENCH_MANAGER,
    BENCH_MODERATOR,
    BENCH_OFFICER,
)
from campaigns import registry as campaign_registry
from feedback.models import Submission, SubmissionEvent, Topic
from feedback.tracking import make_token
from news.models import Article
from portal.models import OfficialChannel

STAFF_ACCOUNTS = {"moderator": BENCH_MODERATOR, "officer": BENCH_OFFICER, "manager": BENCH_MANAGER}
LUA = Path(settings.BASE_DIR) / ".ci" / "wrk" / "report.lua"
# Sent by wrk with every request: campaign counting counts what looks like a person.
BROWSER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
HOST = "127.0.0.1"


@dataclass
class Page:
    key: str
    label: str
    path: str
    user: str | None = None  # "moderator", "officer" or "manager": a signed-in session
    method: str = "GET"
    expect: int = 200
    budget: str = ""
    # Paths sent in turn instead of ``path`` (each request the next one).
    paths: list[str] = field(default_factory=list)
    result: dict = field(default_factory=dict)


@dataclass
class Budget:
    name: str
    limit: str
    measured: str
    met: bool


class Command(BaseCommand):
    help = "Benchmark the portal with gunicorn and wrk on 127.0.0.1 (see docs/benchmarks.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quick", action="store_true", help="A few seconds per page.")
        parser.add_argument("--port", type=int, default=8005)
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--connections", type=int, default=4)
        parser.add_argument("--duration", type=int, default=None, help="Seconds per page.")
        parser.add_argument("--output", default=None, help="Folder of the .md and .json.")
        parser.add_argument("--seed-seconds", type=float, default=None)
        parser.add_argument(
            "--only",
            default="",
            help="Comma-separated page keys (e.g. news_search_many,home): those and /healthz "
            "only, written to var/bench unless --output says otherwise.",
        )

    def handle(self, *args, **options) -> None:
        if not shutil.which("wrk"):
            raise CommandError("wrk is missing: run `make bench`, which installs it.")
        quick = options["quick"]
        duration = options["duration"] or (3 if quick else 20)
        base_url = f"http://{HOST}:{options['port']}"
        only = {key for key in options["only"].split(",") if key}
        partial = quick or bool(only)
        output = Path(
            options["output"] or (settings.BASE_DIR / ("var/bench" if partial else "docs"))
        )
        output.mkdir(parents=True, exist_ok=True)

        pages = self.pages()
        if only:
            unknown = only - {page.key for page in pages}
            if unknown:
                raise CommandError(f"No such page: {', '.join(sorted(unknown))}")
            pages = [page for page in pages if page.key == "healthz" or page.key in only]
        cookies = {role: self.session(role) for role in STAFF_ACCOUNTS}
        # From a cold cache: the first request of each page shows what filling it costs.
        cache.clear()
        campaign_registry.publish()  # the live campaign links, as every flush stores them
        load_before = os.getloadavg()
        server = self.start_gunicorn(options["port"], options["workers"], base_url)
        try:
            csrf_cookie, csrf_token = self.csrf(base_url + "/ar/feedback/new/")
            for page in pages:
                env = {
                    "BENCH_METHOD": page.method,
                    "BENCH_EXPECT": str(page.expect),
                    "BENCH_COOKIE": cookies[page.user] if page.user else "",
                    "BENCH_BODY": "",
                    "BENCH_AGENT": BROWSER_AGENT,
                }
                if page.method == "POST":
                    env["BENCH_COOKIE"] = f"csrftoken={csrf_cookie}"
                    env["BENCH_BODY"] = self.feedback_body(csrf_token)
                if page.paths:
                    paths_file = Path(settings.BASE_DIR) / "var" / f"bench-{page.key}-paths.txt"
                    paths_file.write_text("\n".join(page.paths) + "\n")
                    env["BENCH_PATHS"] = str(paths_file)
                # The first request fills caches (the news pages, the dashboard): its time is
                # reported as "cold"; wrk then measures the steady state.
                page.result["cold_ms"] = self.cold(base_url + page.path, env)
                page.result.update(
                    self.wrk(base_url + page.path, env, duration, options["connections"])
                )
                if page.paths:
                    # Each path once per run while the list lasts (see .ci/wrk/report.lua).
                    page.result["distinct_paths"] = min(page.result["requests"], len(page.paths))
                    page.label += f", {page.result['distinct_paths']:,} distinct"
                self.stdout.write(
                    f"  {page.label:38} {page.result['rps']:8.1f} req/s  "
                    f"p50 {page.result['p50_ms']:6.1f} ms  p99 {page.result['p99_ms']:6.1f} ms  "
                    f"errors {page.result['errors']}"
                )
            memory = self.worker_memory(server.pid)
            load_after = os.getloadavg()
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        self.stdout.write("Counting queries and page sizes in-process ...")
        for page in pages:
            page.result.update(self.profile(page))
        floor = pages[0].result["rps"] or 1
        for page in pages:
            page.result["ratio_to_healthz"] = round(page.result["rps"] / floor, 3)
        budgets = self.budgets(pages, memory)
        report = {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "mode": "quick" if quick else "full",
            "machine": self.machine(),
            "settings": {
                "gunicorn_workers": options["workers"],
                "wrk_threads": 2,
                "wrk_connections": options["connections"],
                "seconds_per_page": duration,
                "database": connection.vendor,
                "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
                "debug": settings.DEBUG,
                "staff_2fa_required": settings.STAFF_2FA_REQUIRED,
                "seed_seconds": options["seed_seconds"],
                # Anything else running on the machine shows here (1, 5, 15 minutes).
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in load_after],
            },
            "dataset": {
                "submissions": Submission.objects.count(),
                "submission_events": SubmissionEvent.objects.count(),
                "articles": Article.objects.count(),
            },
            "pages": [asdict(page) for page in pages],
            "worker_memory_mb": memory,
            "budgets": [asdict(budget) for budget in budgets],
        }
        (output / "benchmarks.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
        (output / "benchmarks.md").write_text(self.markdown(report, pages, budgets))
        self.stdout.write(f"Wrote {output / 'benchmarks.md'} and {output / 'benchmarks.json'}")
        failed = [p.label for p in pages if p.result["requests"] == 0 or p.result["errors"]]
        if failed:
            raise CommandError(f"Pages with errors or no answers: {', '.join(failed)}")
        missed = [b.name for b in budgets if not b.met]
        if missed:
            self.stdout.write(self.style.WARNING(f"Budgets missed: {', '.join(missed)}"))

    # --- what is measured ---------------------------------------------------------------
    def pages(self) -> list[Page]:
        article = Article.objects.published().order_by("-publish_at", "-pk").first()
        if article is None:
            raise CommandError("No published article: run bench_seed first.")
        tracked = (
            Submission.objects.filter(status=Submission.Status.IN_PROGRESS)
            .order_by("pk")
            .values_list("reference", flat=True)
            .first()
        ) or Submission.objects.values_list("reference", flat=True).first()
        if tracked is None:
            raise CommandError("No submission: run bench_seed first.")
        search = urllib.parse.quote("مشروع الصحة")
        short_link = self.campaign_link(article)
        return [
            Page("healthz", "/healthz (floor)", "/healthz"),
            # Issue 16: the redirect counts a click in Redis; the article below is the
            # campaign's target, so its views are counted too (counting on).
            Page("short_link", "Campaign short link /c/<code>", short_link.get_absolute_url(),
                 expect=302, budget="ratio:0.8"),
            Page("home", "Home (ar)", "/ar/", budget="ratio:0.8"),
            Page("news_list", "News list (ar)", "/ar/news/", budget="ratio:0.8"),
            Page("article", "Article detail (ar)", article.get_absolute_url(), budget="ratio:0.8"),
            # One query string, served from the page cache after the first request.
            Page("news_search", "News search, one query (ar)", f"/ar/news/?q={search}"),
            # Cache misses: every request another query string over every article.
            Page("news_search_many", "News search, many queries (ar, en)",
                 self.search_paths()[0], budget="p99:150", paths=self.search_paths()),
            Page("feedback_form", "Feedback form (ar)", "/ar/feedback/new/", budget="ratio:0.3"),
            Page(
                "feedback_post",
                "Feedback POST (no attachment)",
                "/ar/feedback/new/",
                method="POST",
                expect=302,
                budget="rps:150",
            ),
            Page(
                "tracking",
                "Tracking lookup (private link)",
                f"/ar/feedback/track/{make_token(tracked)}/",
                budget="p99:50",
            ),
            Page("dashboard_mod", "Staff dashboard (moderator)", "/ar/staff/", "moderator",
                 budget="p99:300"),
            Page("dashboard_off", "Staff dashboard (officer)", "/ar/staff/", "officer",
                 budget="p99:300"),
            Page("dashboard_man", "Staff dashboard (manager)", "/ar/staff/", "manager",
                 budget="p99:300"),
            Page("admin_mod", "Admin submissions (moderator)", "/admin/feedback/submission/",
                 "moderator", budget="p99:300"),
            Page("admin_off", "Admin submissions (officer)", "/admin/feedback/submission/",
                 "officer", budget="p99:300"),
        ]  # fmt: skip

    def campaign_link(self, article):
        """A running campaign whose X link targets ``article`` (made once, then reused)."""
        from campaigns.models import Campaign, Link

        today = timezone.localdate()
        campaign, _created = Campaign.objects.update_or_create(
            name_en="Benchmark campaign",
            defaults={
                "name_ar": "حملة القياس",
                "objective_ar": "قياس كلفة العد",
                "audience_ar": "الجميع",
                "starts_on": today - datetime.timedelta(days=1),
                "ends_on": today + datetime.timedelta(days=30),
            },
        )
        channel = OfficialChannel.objects.order_by("pk").first() or OfficialChannel.objects.create(
            platform=OfficialChannel.Platform.X, handle="@bench", url="https://x.com/bench"
        )
        link, _created = Link.objects.get_or_create(
            campaign=campaign, channel=channel, target=article.get_absolute_url()
        )
        return link

    def search_paths(self) -> list[str]:
        """Search addresses of words the seeded articles use, alone and in twos and threes,
        in Arabic and English: 2,928 query strings, shuffled (the same order every run)."""
        paths = []
        for index, language in enumerate(("ar", "en")):
            words = [pair[index] for pair in ARTICLE_WORDS]
            for size in (1, 2, 3):
                for combination in itertools.permutations(words, size):
                    query = urllib.parse.urlencode({"q": " ".join(combination)})
                    paths.append(f"/{language}/news/?{query}")
        random.Random(12).shuffle(paths)  # noqa: S311 - a fixed order, not a secret
        return paths

    def staff_user(self, role: str) -> User:
        username = STAFF_ACCOUNTS[role]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No {username} account: run bench_seed first.")
        return user

    def session(self, role: str) -> str:
        """A signed-in session cookie, made directly (no password, axes or OTP involved)."""
        user = self.staff_user(role)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.set_expiry(60 * 60 * 4)
        store.create()
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"

    def profile(self, page: Page) -> dict:
        """Queries and size of one answer, through Django's test client (a warm process)."""
        client = Client()
        if page.user:
            client.force_login(self.staff_user(page.user))
        if page.method == "POST":
            return {"queries": None, "size_bytes": None}
        client.get(page.path)  # warm: the first answer may fill caches
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path)
        if response.status_code != page.expect:
            raise CommandError(f"{page.path} answered {response.status_code}")
        return {"queries": len(queries), "size_bytes": len(response.content)}

    def feedback_body(self, token: str) -> str:
        topic = Topic.objects.filter(is_active=True, accepts_complaints=True).first()
        return urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "kind": "complaint",
                "topic": topic.pk,
                "subject": "تأخر إصدار بطاقة العمل",
                "body": "تقدّمتُ بالطلب منذ أسابيع ولم أتلقَّ أيَّ ردٍّ حتى الآن.",
                "consent": "on",
            }
        )

    def csrf(self, url: str) -> tuple[str, str]:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - 127.0.0.1
            cookie = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie.load(header)
            html = response.read().decode()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if "csrftoken" not in cookie or not match:
            raise CommandError("The feedback form gave no CSRF cookie or token.")
        return cookie["csrftoken"].value, match.group(1)

    def cold(self, url: str, env: dict) -> float:
        data = env["BENCH_BODY"].encode() if env["BENCH_METHOD"] == "POST" else None
        request = urllib.request.Request(url, data=data, method=env["BENCH_METHOD"])  # noqa: S310
        if env["BENCH_COOKIE"]:
            request.add_header("Cookie", env["BENCH_COOKIE"])
        if data:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        started = time.perf_counter()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=120) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != int(env["BENCH_EXPECT"]):
            raise CommandError(f"{url} answered {status}, not {env['BENCH_EXPECT']}")
        return round((time.perf_counter() - started) * 1000, 1)

    def wrk(self, url: str, env: dict, duration: int, connections: int) -> dict:
        command = [
            "wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
            "-s", str(LUA), url,
        ]  # fmt: skip
        run = subprocess.run(  # noqa: S603 - our own arguments
            command,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=duration + 60,
        )
        line = next((x for x in run.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
        if run.returncode != 0 or line is None:
            raise CommandError(f"wrk failed on {url}: {run.stdout}{run.stderr}")
        raw = json.loads(line.removeprefix("BENCH_JSON "))
        seconds = raw["duration_us"] / 1_000_000
        return {
            "requests": raw["requests"],
            "rps": round(raw["requests"] / seconds, 1),
            "p50_ms": round(raw["p50_us"] / 1000, 1),
            "p99_ms": round(raw["p99_us"] / 1000, 1),
            "max_ms": round(raw["max_us"] / 1000, 1),
            "errors": raw["socket_errors"] + raw["non_2xx_3xx"] + raw["unexpected_status"],
        }

    # --- the server ---------------------------------------------------------------------
    def start_gunicorn(self, port: int, workers: int, base_url: str) -> subprocess.Popen:
        gunicorn = Path(settings.BASE_DIR) / ".venv" / "bin" / "gunicorn"
        command = [
            str(gunicorn if gunicorn.exists() else "gunicorn"), "portal.wsgi:application",
            "--preload", "--bind", f"{HOST}:{port}", "--workers", str(workers),
            "--max-requests", "0", "--log-level", "warning",
        ]  # fmt: skip
        log = open(Path(settings.BASE_DIR) / "var" / "bench-gunicorn.log", "w")  # noqa: SIM115
        server = subprocess.Popen(  # noqa: S603 - our own arguments
            command, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT
        )
        for _ in range(120):
            try:
                with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return server
            except OSError:
                time.sleep(0.5)
            if server.poll() is not None:
                raise CommandError("gunicorn stopped: see var/bench-gunicorn.log")
        server.kill()
        raise CommandError("gunicorn did not answer /healthz within a minute.")

    def worker_memory(self, master: int) -> list[float]:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        sizes = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            kb = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
            sizes.append(round(kb / 1024, 1))
        return sizes

    # --- the report ---------------------------------------------------------------------
    def budgets(self, pages: list[Page], memory: list[float]) -> list[Budget]:
        result = []
        for page in pages:
            r = page.result
            if page.budget.startswith("ratio:"):
                limit = float(page.budget.split(":")[1])
                result.append(
                    Budget(
                        page.label,
                        f"≥ {limit} × /healthz req/s",
                        f"{r['ratio_to_healthz']:.2f} ×",
                        r["ratio_to_healthz"] >= limit,
                    )
                )
            elif page.budget.startswith("p99:"):
                limit = float(page.budget.split(":")[1])
                result.append(
                    Budget(
                        page.label,
                        f"p99 < {limit:.0f} ms",
                        f"{r['p99_ms']} ms",
                        r["p99_ms"] < limit,
                    )
                )
            elif page.budget.startswith("rps:"):
                limit = float(page.budget.split(":")[1])
                result.append(
                    Budget(
                        page.label,
                        f"≥ {limit:.0f} req/s, no errors",
                        f"{r['rps']} req/s, {r['errors']} errors",
                        r["rps"] >= limit and not r["errors"],
                    )
                )
        highest = max(memory, default=0)
        result.append(
            Budget(
                "gunicorn worker memory after the run",
                "< 150 MB RSS",
                f"{highest} MB",
                0 < highest < 150,
            )
        )
        return result  # fmt: skip

    def machine(self) -> dict:
        cpu = ""
        cpuinfo = Path("/proc/cpuinfo")
        if cpuinfo.exists():
            cpu = next(
                (x.split(":", 1)[1].strip() for x in cpuinfo.read_text().splitlines()
                 if x.startswith("model name")), "")  # fmt: skip
        memory = ""
        meminfo = Path("/proc/meminfo")
        if meminfo.exists():
            kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
            memory = f"{kb / 1024 / 1024:.1f} GB"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW server_version")
                database = "PostgreSQL " + cursor.fetchone()[0]
            else:
                database = connection.vendor
        wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout  # noqa: S607
        return {
            "cpu": cpu,
            "cores": os.cpu_count(),
            "memory": memory,
            "os": platform.platform(),
            "python": platform.python_version(),
            "django": version("django"),
            "gunicorn": version("gunicorn"),
            "database": database,
            "wrk": (wrk_version.split("\n")[0] or "").strip(),
        }

    def markdown(self, report: dict, pages: list[Page], budgets: list[Budget]) -> str:
        m, s, d = report["machine"], report["settings"], report["dataset"]
        lines = [
            "# Benchmarks",
            "",
            f"Measured by `make bench{' ARGS=--quick' if report['mode'] == 'quick' else ''}` "
            f"on {report['date']} ({report['mode']} run). How to run it and what the figures "
            "mean: the end of this file.",
            "",
            "## Machine and settings",
            "",
            f"- {m['cpu']}, {m['cores']} cores, {m['memory']} RAM; {m['os']}",
            f"- Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']} "
            f"({s['gunicorn_workers']} sync workers, `--preload`), {m['database']}, "
            f"cache: {s['cache']}",
            f"- {m['wrk']}: {s['wrk_threads']} threads, {s['wrk_connections']} connections, "
            f"{s['seconds_per_page']} s per page, on the same machine (it competes for the "
            "2 cores with gunicorn and PostgreSQL)",
            f"- DEBUG {s['debug']}, STAFF_2FA_REQUIRED {s['staff_2fa_required']}; the seeding "
            f"step of this run took {s['seed_seconds'] or '?'} s (a few seconds when the data "
            "is already there)",
            f"- Load average before the run {s['load_average_before']}, after "
            f"{s['load_average_after']} (other work on the machine lowers every figure)",
            f"- Dataset: {d['submissions']:,} submissions, {d['submission_events']:,} audit "
            f"rows, {d['articles']:,} articles",
            "",
            "## Pages",
            "",
            "| page | req/s | × /healthz | p50 ms | p99 ms | max ms | errors | cold ms "
            "| queries | KB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for page in pages:
            r = page.result
            size = "" if r.get("size_bytes") is None else f"{r['size_bytes'] / 1024:.1f}"
            queries = "" if r.get("queries") is None else str(r["queries"])
            lines.append(
                f"| {page.label} `{page.method} {page.path[:60]}` | {r['rps']} | "
                f"{r['ratio_to_healthz']:.2f} | {r['p50_ms']} | {r['p99_ms']} | {r['max_ms']} | "
                f"{r['errors']} | {r['cold_ms']} | {queries} | {size} |"
            )
        lines += [
            "",
            f"Memory (RSS) of each gunicorn worker after the run: "
            f"{', '.join(f'{x} MB' for x in report['worker_memory_mb'])}.",
            "",
            "## Budgets",
            "",
            "| budget | limit | measured | met |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {b.name} | {b.limit} | {b.measured} | {'yes' if b.met else '**no**'} |"
            for b in budgets
        ]
        # The upload attack is measured by its own command (make bench-attack): keep its section.
        attack = attack_section(Path(settings.BASE_DIR) / "docs")
        # So is the crisis mail scenario (make bench-crisis; it builds on this command).
        from bench.management.commands.bench_crisis import crisis_section

        crisis = crisis_section(Path(settings.BASE_DIR) / "docs")
        lines += [
            "",
            *([attack] if attack else []),
            *([crisis] if crisis else []),
            (Path(settings.BASE_DIR) / ".ci" / "bench-notes.md").read_text(),
        ]
        return "\n".join(lines)
