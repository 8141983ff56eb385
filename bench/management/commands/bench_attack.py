"""``bench_attack``: the upload exhaustion attack of issue 10, measured on gunicorn.

Run by ``make bench-attack`` (``.ci/bench-attack`` sets the production environment first).
Four anonymous clients POST the feedback form again and again, each time with three small
files of huge dimensions (a flat 16383×2435 WebP and a flat 7800×5100 PNG: a few tens of KB
each, ~40 MP decoded), while a fifth client polls ``/healthz`` and the RSS of every gunicorn
worker is sampled. Pass rules: ``/healthz`` p99 under 500 ms, no worker over 400 MB, and
every attacking request ends with a reference (302) or an Arabic error naming its files.
Records the run in ``docs/benchmarks-attack.json`` (one entry per ``--record`` name, so a
run before a fix and runs after it sit side by side); ``docs/benchmarks.md`` gets (and keeps,
across ``make bench`` runs) the section "Upload exhaustion attack", a column per run.
"""

import datetime
import http.client
import io
import json
import os
import re
import signal
import statistics
import subprocess
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from PIL import Image

from feedback.models import Topic

HOST = "127.0.0.1"
FORM = "/ar/feedback/new/"
HEALTHZ_P99_MS = 500
WORKER_RSS_MB = 400
SECTION = "## Upload exhaustion attack"


def flat_image(fmt: str, size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 200, 200)).save(buffer, fmt)
    return buffer.getvalue()


def huge_dimensions() -> list[tuple[str, bytes]]:
    webp = flat_image("WEBP", (16383, 2435))  # 71 KB, 39.9 MP
    png = flat_image("PNG", (7800, 5100))  # 125 KB, 39.8 MP
    return [("wide-1.webp", webp), ("plan.png", png), ("wide-2.webp", webp)]


def within_bounds() -> list[tuple[str, bytes]]:
    # The most a request may still decode: 24 MP of PNG and 12 MP of WebP (a WebP pixel
    # counts twice), 48 MP of the 50 MP a request may decode.
    return [
        ("plan.png", flat_image("PNG", (6_000, 4_000))),
        ("wide.webp", flat_image("WEBP", (9_999, 1_200))),
        ("note.webp", flat_image("WEBP", (64, 64))),
    ]


ATTACKS = {"huge": huge_dimensions, "bounds": within_bounds}


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Upload exhaustion attack on gunicorn: /healthz latency and worker memory."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8015)
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--clients", type=int, default=4)
        parser.add_argument("--duration", type=int, default=20, help="Seconds of attack.")
        parser.add_argument(
            "--files",
            choices=sorted(ATTACKS),
            default="huge",
            help="huge: the attack of issue 10 (huge dimensions, refused since the fix); "
            "bounds: the most an attacker can still get accepted (two 24 MP WebPs).",
        )
        parser.add_argument(
            "--record",
            default=None,
            help="Name of the run in docs/benchmarks-attack.json (default: the --files value); "
            "e.g. `before` for a run on the code before a fix.",
        )
        parser.add_argument("--label", default="", help="A note kept with the figures.")
        parser.add_argument("--output", default=None, help="Folder of the .md and .json.")

    def handle(self, *args, **options) -> None:
        if settings.DEBUG:
            raise CommandError("Run with DJANGO_DEBUG=0 (make bench-attack does).")
        output = Path(options["output"] or settings.BASE_DIR / "docs")
        self.stdout.write("Generating the attack files ...")
        files = ATTACKS[options["files"]]()
        load_before = os.getloadavg()
        server = self.start_gunicorn(options["port"], options["workers"])
        try:
            workers = self.worker_pids(server.pid)
            cookie, token = self.csrf(options["port"])
            body, content_type = self.multipart(token, files)
            result = self.attack(
                options["port"], options["clients"], options["duration"], workers,
                body, content_type, cookie, [name for name, _data in files],
            )  # fmt: skip
            for pid in workers:  # the high-water mark: peaks between two samples count too
                result["worker_hwm_mb"][str(pid)] = self.memory(pid, "VmHWM")
            load_after = os.getloadavg()
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        report = {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "record": options["record"] or options["files"],
            "label": options["label"],
            "files": options["files"],
            "settings": {
                "gunicorn_workers": options["workers"],
                "attacking_clients": options["clients"],
                "attack_seconds": options["duration"],
                "files_per_request": [{"name": name, "bytes": len(data)} for name, data in files],
                "database": connection.vendor,
                "debug": settings.DEBUG,
                "max_image_side": getattr(settings, "FEEDBACK_MAX_IMAGE_SIDE", None),
                "max_image_pixels": getattr(settings, "FEEDBACK_MAX_IMAGE_PIXELS", None),
                "max_request_pixels": getattr(settings, "FEEDBACK_MAX_REQUEST_PIXELS", None),
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in load_after],
            },
            **result,
        }
        report["rules"] = self.rules(report)
        output.mkdir(parents=True, exist_ok=True)
        path = output / "benchmarks-attack.json"
        runs = json.loads(path.read_text())["runs"] if path.exists() else {}
        runs[options["record"] or options["files"]] = report
        path.write_text(json.dumps({"runs": runs}, indent=2) + "\n")
        self.write_section(output / "benchmarks.md", markdown_section(runs))
        for rule in report["rules"]:
            mark = self.style.SUCCESS("pass") if rule["met"] else self.style.ERROR("FAIL")
            self.stdout.write(f"  {mark}  {rule['rule']}: {rule['measured']}")
        self.stdout.write(f"Wrote {output / 'benchmarks-attack.json'} and the section in "
                          f"{output / 'benchmarks.md'}")  # fmt: skip
        if not all(rule["met"] for rule in report["rules"]):
            raise CommandError("The portal did not hold under the upload attack.")

    # --- the attack ---------------------------------------------------------------------
    def attack(self, port, clients, duration, workers, body, content_type, cookie, names):
        deadline = time.monotonic() + duration
        outcomes: list[dict] = []
        healthz: list[float] = []
        healthz_failures: list[str] = []
        rss: dict[str, float] = {str(pid): 0.0 for pid in workers}
        lock = threading.Lock()
        done = threading.Event()

        def attacker() -> None:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                status, page = self.request(
                    port, "POST", FORM, body,
                    {"Content-Type": content_type, "Cookie": f"csrftoken={cookie}"},
                )  # fmt: skip
                seconds = time.perf_counter() - started
                with lock:
                    outcomes.append(
                        {
                            "status": status,
                            "seconds": seconds,
                            "kind": classify(status, page, names),
                        }
                    )

        def probe() -> None:
            started = time.perf_counter()
            status, _page = self.request(port, "GET", "/healthz", None, {})
            with lock:
                healthz.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    healthz_failures.append(str(status))

        def poller() -> None:
            # Open loop: a probe leaves every 50 ms whether or not the last one came back,
            # so a stall of the workers shows in every probe sent during it (a probe that
            # waits for the previous one would record a 20 s stall as a single sample).
            probes = []
            while not done.is_set():
                probes.append(threading.Thread(target=probe))
                probes[-1].start()
                time.sleep(0.05)
            for thread in probes:
                thread.join()

        def sampler() -> None:
            while not done.is_set():
                for pid in workers:
                    rss[str(pid)] = max(rss[str(pid)], self.memory(pid, "VmRSS"))
                time.sleep(0.05)

        started = time.monotonic()
        helpers = [threading.Thread(target=poller), threading.Thread(target=sampler)]
        attackers = [threading.Thread(target=attacker) for _ in range(clients)]
        for thread in helpers + attackers:
            thread.start()
        for thread in attackers:
            thread.join()
        done.set()
        for thread in helpers:
            thread.join()
        seconds = time.monotonic() - started
        statuses = {"2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, "no answer": 0}
        for outcome in outcomes:
            status = outcome["status"]
            statuses[f"{status // 100}xx" if status else "no answer"] += 1
        kinds = {"reference": 0, "translated error": 0, "other": 0}
        for outcome in outcomes:
            kinds[outcome["kind"]] += 1
        times = [outcome["seconds"] * 1000 for outcome in outcomes]
        return {
            "seconds": round(seconds, 1),
            "attacking_requests": len(outcomes),
            "statuses": statuses,
            "outcomes": kinds,
            "attack_p50_ms": round(percentile(times, 0.5), 1),
            "attack_max_ms": round(max(times, default=0), 1),
            "healthz_requests": len(healthz),
            "healthz_failures": len(healthz_failures),
            "healthz_p50_ms": round(percentile(healthz, 0.5), 1),
            "healthz_p99_ms": round(percentile(healthz, 0.99), 1),
            "healthz_max_ms": round(max(healthz, default=0), 1),
            "healthz_mean_ms": round(statistics.fmean(healthz), 1) if healthz else 0,
            "worker_rss_max_mb": rss,
            "worker_hwm_mb": {},
        }

    def rules(self, report: dict) -> list[dict]:
        highest = highest_rss(report)
        outcomes = report["outcomes"]
        return [
            {
                "rule": f"/healthz p99 under {HEALTHZ_P99_MS} ms during the attack",
                "measured": f"{report['healthz_p99_ms']} ms ({report['healthz_requests']} polls, "
                f"{report['healthz_failures']} failed)",
                "met": report["healthz_p99_ms"] < HEALTHZ_P99_MS and not report["healthz_failures"],
            },
            {
                "rule": f"no gunicorn worker over {WORKER_RSS_MB} MB RSS",
                "measured": f"{highest} MB at most (VmRSS sampled every 50 ms, and VmHWM)",
                "met": 0 < highest < WORKER_RSS_MB,
            },
            {
                "rule": "every attacking request ends with a reference or a translated error",
                "measured": f"{outcomes['reference']} references, {outcomes['translated error']} "
                f"translated errors, {outcomes['other']} other, of "
                f"{report['attacking_requests']}",
                "met": report["attacking_requests"] > 0 and not outcomes["other"],
            },
        ]

    # --- HTTP ---------------------------------------------------------------------------
    def request(self, port, method, path, body, headers) -> tuple[int, str]:
        connection = http.client.HTTPConnection(HOST, port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read().decode(errors="replace")
        except OSError:
            return 0, ""
        finally:
            connection.close()

    def csrf(self, port: int) -> tuple[str, str]:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        connection.request("GET", FORM)
        response = connection.getresponse()
        html = response.read().decode()
        cookies = " ".join(response.headers.get_all("Set-Cookie") or [])
        cookie = re.search(r"csrftoken=([^;]+)", cookies)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not cookie or not token:
            raise CommandError("The feedback form gave no CSRF cookie or token.")
        return cookie.group(1), token.group(1)

    def multipart(self, token: str, files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
        topic = Topic.objects.filter(is_active=True, accepts_complaints=True).first()
        if topic is None:
            raise CommandError("No topic takes complaints: run load_demo first.")
        fields = {
            "csrfmiddlewaretoken": token,
            "kind": "complaint",
            "topic": str(topic.pk),
            "subject": "صور الحادث",
            "body": "أرفقتُ صور الحادث الذي وقع أمام المبنى صباح اليوم.",
            "consent": "on",
        }
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for filename, data in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + data
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return b"".join(parts), f"multipart/form-data; boundary={boundary}"

    # --- the server ---------------------------------------------------------------------
    def start_gunicorn(self, port: int, workers: int) -> subprocess.Popen:
        gunicorn = Path(settings.BASE_DIR) / ".venv" / "bin" / "gunicorn"
        command = [
            str(gunicorn if gunicorn.exists() else "gunicorn"), "portal.wsgi:application",
            "--preload", "--bind", f"{HOST}:{port}", "--workers", str(workers),
            "--worker-class", "sync", "--timeout", "120", "--max-requests", "0",
            "--log-level", "warning",
        ]  # fmt: skip
        (Path(settings.BASE_DIR) / "var").mkdir(exist_ok=True)
        log = open(Path(settings.BASE_DIR) / "var" / "bench-attack-gunicorn.log", "w")  # noqa: SIM115
        server = subprocess.Popen(  # noqa: S603 - our own arguments
            command, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT
        )
        for _ in range(120):
            status, _page = self.request(port, "GET", "/healthz", None, {})
            if status == 200 and len(self.worker_pids(server.pid)) == workers:
                return server
            if server.poll() is not None:
                raise CommandError("gunicorn stopped: see var/bench-attack-gunicorn.log")
            time.sleep(0.5)
        server.kill()
        raise CommandError(f"gunicorn did not answer on port {port} within a minute.")

    def worker_pids(self, master: int) -> list[int]:
        children = Path(f"/proc/{master}/task/{master}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def memory(self, pid: int, field: str) -> float:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return 0.0
        match = re.search(rf"{field}:\s+(\d+) kB", status)
        return round(int(match.group(1)) / 1024, 1) if match else 0.0

    def write_section(self, path: Path, section: str) -> None:
        """Replace (or add) this section of benchmarks.md, leaving the rest as it is."""
        text = path.read_text() if path.exists() else "# Benchmarks\n"
        start = text.find(SECTION)
        if start == -1:  # before the notes on how to run the benchmarks, when they are there
            notes = text.find("\n## How to run it")
            if notes == -1:
                text = text.rstrip("\n") + "\n\n" + section
            else:
                text = text[: notes + 1] + section + "\n" + text[notes + 1 :]
        else:
            following = text.find("\n## ", start + len(SECTION))
            rest = text[following + 1 :] if following != -1 else ""
            text = text[:start] + section + ("\n" + rest if rest else "")
        path.write_text(text)


def classify(status: int, page: str, names: list[str]) -> str:
    if status == 302:
        return "reference"
    # Refused files: the form again, with an Arabic error that names each file (in «»).
    if status == 200 and 'lang="ar"' in page and all(f"«{name}»" in page for name in names):
        return "translated error"
    return "other"


RUN_ORDER = ("before", "huge", "bounds")


def markdown_section(runs: dict[str, dict]) -> str:
    """One table, a column per recorded run (before the fix, the attack, within the bounds)."""
    reports = sorted(
        runs.values(),
        key=lambda r: RUN_ORDER.index(r["record"]) if r.get("record") in RUN_ORDER else 99,
    )
    first = reports[0]["settings"]
    lines = [
        SECTION,
        "",
        f"Measured by `make bench-attack`: gunicorn with {first['gunicorn_workers']} sync "
        "workers, production settings (DEBUG off), "
        f"{first['database']}, rate limits out of the way; {first['attacking_clients']} "
        "anonymous clients POST the feedback form again and again for "
        f"{first['attack_seconds']} s, each time with three files, while a fifth client sends "
        "a `/healthz` probe every 50 ms (open loop: a stall shows in every probe sent during "
        "it) and every worker's VmRSS is sampled every 50 ms (VmHWM read at the end). `huge`: "
        "the attack of issue 10 (small files of huge dimensions); `bounds`: the most a "
        "request may still decode (`--files bounds`); `before`: the attack on the code before "
        "the fix. The 2 cores are shared with other work: see the load averages.",
        "",
        "| | "
        + " | ".join(f"{r.get('record', '')}: {r['label'] or r['date']}" for r in reports)
        + " |",
        "|---|" + "---|" * len(reports),
    ]

    def row(name: str, value) -> None:
        lines.append(f"| {name} | " + " | ".join(str(value(r)) for r in reports) + " |")

    row("date", lambda r: r["date"])
    row(
        "files of each request",
        lambda r: ", ".join(
            f"`{f['name']}` {f['bytes'] / 1024:.0f} KB" for f in r["settings"]["files_per_request"]
        ),
    )
    row("image bounds", lambda r: bounds(r["settings"]))
    row(
        "load average before / after",
        lambda r: (
            f"{r['settings']['load_average_before'][0]} / {r['settings']['load_average_after'][0]}"
        ),
    )
    row("attacking requests", lambda r: f"{r['attacking_requests']} in {r['seconds']} s")
    row("statuses", lambda r: ", ".join(f"{k}: {v}" for k, v in r["statuses"].items() if v))
    row("outcomes", lambda r: ", ".join(f"{k}: {v}" for k, v in r["outcomes"].items() if v))
    row("attacking request p50 / max", lambda r: f"{r['attack_p50_ms']} / {r['attack_max_ms']} ms")
    row(
        "`/healthz` p50 / p99 / max",
        lambda r: (
            f"{r['healthz_p50_ms']} / "
            f"{r['healthz_p99_ms']} / {r['healthz_max_ms']} ms ({r['healthz_requests']} probes)"
        ),
    )
    row("highest worker RSS", lambda r: f"{highest_rss(r)} MB")
    for index, rule in enumerate(reports[0]["rules"]):
        row(rule["rule"], lambda r, i=index: "met" if r["rules"][i]["met"] else "**not met**")
    lines += [
        "",
        "Refused from their headers, the huge images cost a request tens of milliseconds and "
        "no memory. Within the bounds, each accepted request decodes and re-encodes 48 MP "
        "(about 0.75 s of one idle core, ~200 MB at the peak): four clients repeating it keep "
        "the four workers busy and `/healthz` waits its turn. What bounds that is the "
        "per-address limit on form posts (`FEEDBACK_SUBMIT_LIMIT_PER_ADDRESS`, 20 an hour), "
        "switched off for this measurement.",
    ]
    return "\n".join(lines) + "\n"


def highest_rss(report: dict) -> float:
    return max([*report["worker_rss_max_mb"].values(), *report["worker_hwm_mb"].values()])


def bounds(s: dict) -> str:
    if not s["max_image_side"]:  # the code before issue 10: one bound, from the header
        return f"{s['max_image_pixels'] / 1e6:g} MP an image (from the header), none a side or a request"
    return (
        f"{s['max_image_side']:,} px a side, {s['max_image_pixels'] / 1e6:g} MP an image, "
        f"{s['max_request_pixels'] / 1e6:g} MP a request"
    )


def attack_section(folder: Path) -> str:
    """The section as last measured, for ``bench_run`` to keep when it rewrites the file."""
    path = Path(folder) / "benchmarks-attack.json"
    if not path.exists():
        return ""
    return markdown_section(json.loads(path.read_text())["runs"])
