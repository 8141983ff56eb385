"""The fault scenarios of `make resilience`. Each one drives load from a separate process
(bench/resilience/load.py), injects its fault, checks its pass rule itself and returns one
row of the report: scenario, load, fault, what users saw, what was lost, pass or fail."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.resilience.services import BASE_URL, ROOT, VAR, Stack, http_get, log, wait_until


# --- load and measurements ---------------------------------------------------------------
class Load:
    def __init__(self, name: str, **options) -> None:
        self.out = VAR / f"load-{name}.jsonl"
        command = [
            sys.executable,
            "-m",
            "bench.resilience.load",
            "--base",
            BASE_URL,
            "--out",
            str(self.out),
            "--tag",
            name,
        ]
        for key, value in options.items():
            command += [f"--{key.replace('_', '-')}", str(value)]
        self.started = time.time()
        self.proc = subprocess.Popen(command, cwd=ROOT, start_new_session=True)

    def wait(self, seconds: float = 900) -> list[dict]:
        try:
            self.proc.wait(seconds)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        return [json.loads(line) for line in self.out.read_text().splitlines() if line]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def failed(record: dict) -> bool:
    return record["status"] == 0 or record["status"] >= 500


def summary(records: list[dict]) -> dict:
    seconds = [r["s"] for r in records]
    return {
        "requests": len(records),
        "by_status": {
            str(k): sum(1 for r in records if r["status"] == k)
            for k in sorted({r["status"] for r in records})
        },
        "p50_s": round(percentile(seconds, 0.5), 3),
        "p95_s": round(percentile(seconds, 0.95), 3),
        "p99_s": round(percentile(seconds, 0.99), 3),
        "max_s": round(max(seconds, default=0), 3),
    }


def stored(stack: Stack, emails: list[str]) -> dict:
    """Per e-mail: the stored submissions (reference, audit rows, attachments)."""
    path = VAR / "emails.json"
    path.write_text(json.dumps(emails))
    return stack.django(f"""
import json
from feedback.models import Submission
emails = json.load(open({str(path)!r}))
rows = {{e: [] for e in emails}}
for s in Submission.objects.filter(email__in=emails).prefetch_related("events", "attachments"):
    rows[s.email].append({{"reference": s.reference,
        "submitted_events": sum(1 for e in s.events.all() if e.kind == "submitted"),
        "attachments": [a.file.name for a in s.attachments.all()]}})
print(json.dumps(rows))
""")


def queue(stack: Stack) -> dict:
    return stack.django("""
import json
from django_tasks_db.models import DBTaskResult
from django.db.models import Count
print(json.dumps({r["status"]: r["n"] for r in
      DBTaskResult.objects.values("status").annotate(n=Count("pk"))}))
""")


def wait_for_mail(stack: Stack, emails: list[str], seconds: float) -> dict[str, int]:
    wanted = set(emails)

    def counts() -> dict[str, int]:
        found = dict.fromkeys(wanted, 0)
        for mail in stack.mail.recorder.snapshot():
            for to in mail["to"]:
                if to in found:
                    found[to] += 1
        return found

    wait_until(lambda: all(counts().values()), seconds, step=1)
    time.sleep(2)  # a duplicate would arrive right after the first copy
    return counts()


def check_submissions(stack: Stack, subs: list[dict]) -> dict:
    """Acknowledged (reference shown) submissions are stored once with their audit row;
    none is stored twice; what was stored without the citizen seeing a reference is counted."""
    rows = stored(stack, [r["email"] for r in subs])
    acknowledged = [r for r in subs if r["reference"]]
    lost = [
        r["reference"]
        for r in acknowledged
        if [x["reference"] for x in rows[r["email"]]] != [r["reference"]]
    ]
    doubled = [e for e, found in rows.items() if len(found) > 1]
    no_audit = [
        x["reference"] for found in rows.values() for x in found if x["submitted_events"] != 1
    ]
    unacknowledged_stored = sum(1 for r in subs if not r["reference"] and rows[r["email"]])
    return {
        "acknowledged": len(acknowledged),
        "lost": lost,
        "doubled": doubled,
        "without_audit_row": no_audit,
        "stored_without_acknowledgement": unacknowledged_stored,
        "rows": rows,
    }


def row(name, load, fault, saw, lost, passed, figures, notes="") -> dict:
    return {
        "scenario": name,
        "load": load,
        "fault": fault,
        "users_saw": saw,
        "lost": lost,
        "passed": bool(passed),
        "figures": figures,
        "notes": notes,
    }


# --- scenarios -----------------------------------------------------------------------------
def burst(stack: Stack, count: int, clients: int = 50) -> dict:
    log(f"burst: {count} submissions from {clients} clients")
    started = time.monotonic()
    records = Load(
        "burst", clients=clients, mix="submit=1", max_submissions=count, duration=600, timeout=60
    ).wait()
    elapsed = time.monotonic() - started
    subs = [r for r in records if r["kind"] == "submit"]
    refs = [r["reference"] for r in subs if r["reference"]]
    check = check_submissions(stack, subs)
    mails = wait_for_mail(stack, [r["email"] for r in subs], 120 + count * 0.3)
    not_once = {e: n for e, n in mails.items() if n != 1}
    figures = {
        "submissions": len(subs),
        "distinct_references": len(set(refs)),
        "errors": len(subs) - len(refs),
        "seconds": round(elapsed, 1),
        "submissions_per_s": round(len(subs) / elapsed, 1),
        "latency": summary(subs),
        "lost": len(check["lost"]),
        "doubled": len(check["doubled"]),
        "without_audit_row": len(check["without_audit_row"]),
        "mails_exactly_once": sum(1 for n in mails.values() if n == 1),
        "mails_missing": sum(1 for n in mails.values() if n == 0),
        "mails_duplicated": sum(1 for n in mails.values() if n > 1),
        "queue": queue(stack),
    }
    passed = (
        len(set(refs)) == count == len(subs)
        and not check["lost"]
        and not check["doubled"]
        and not check["without_audit_row"]
        and not not_once
    )
    stack.baseline_p95 = figures["latency"]["p95_s"]  # compared in mail_outage
    return row(
        "Burst",
        f"{count} submissions, {clients} concurrent clients",
        "none",
        f"{len(refs)} references, {figures['errors']} errors, p95 {figures['latency']['p95_s']} s",
        f"{len(check['lost'])} lost, {figures['mails_missing']} mails missing, "
        f"{figures['mails_duplicated']} sent twice",
        passed,
        figures,
    )


def database_restart(stack: Stack, down_seconds: float = 10) -> dict:
    log(f"database restart: PostgreSQL down {down_seconds} s under reads and submissions")
    master = stack.web.proc.pid
    load = Load(
        "db-restart",
        clients=12,
        rate=25,
        duration=down_seconds + 30,
        mix="read=60,submit=30,track=10",
        timeout=30,
    )
    time.sleep(10)
    down_at = time.time()
    stack.pg.stop("fast")
    probes = []
    while time.time() - down_at < down_seconds:
        status, body = http_get("/readyz", 6)
        probes.append({"t": time.time(), "status": status, "body": body[:200]})
        time.sleep(1)
    stack.pg.start()
    up_at = time.time()
    records = load.wait()
    during = [r for r in records if down_at + 1 <= r["t"] < up_at - 0.5]
    bad_during = [
        r
        for r in during
        if not (
            r["status"] in (200, 302, 503)
            and (r["status"] != 503 or "unavailable" in r["marks"])
            and r["s"] <= 5
        )
    ]
    after = [r for r in records if r["t"] >= up_at]
    failing_after = [r for r in after if r["status"] not in (200, 302)]
    recovery = max((r["t"] + r["s"] - up_at for r in failing_after), default=0.0)
    subs = [r for r in records if r["kind"] == "submit"]
    check = check_submissions(stack, subs)
    readyz_named = any(p["status"] == 503 and '"database": "failing"' in p["body"] for p in probes)
    tracebacks = sum(1 for r in records if "traceback" in r["marks"])
    figures = {
        "down_seconds": round(up_at - down_at, 1),
        "requests": summary(records),
        "during_outage": summary(during),
        "during_outage_translated_503": sum(
            1 for r in during if r["status"] == 503 and "unavailable" in r["marks"]
        ),
        "during_outage_bad": len(bad_during),
        "bad_examples": bad_during[:5],
        "readyz_named_database": readyz_named,
        "readyz_probes": probes[:3],
        "recovery_seconds": round(recovery, 1),
        "tracebacks": tracebacks,
        "gunicorn_master_unchanged": stack.web.proc.pid == master and stack.web.alive(),
        "worker_restarts_by_supervisor": stack.worker.restarts,
        "acknowledged": check["acknowledged"],
        "lost": check["lost"],
        "doubled": check["doubled"],
        "stored_without_acknowledgement": check["stored_without_acknowledgement"],
    }
    passed = (
        not bad_during
        and readyz_named
        and recovery <= 10
        and not tracebacks
        and figures["gunicorn_master_unchanged"]
        and not check["lost"]
        and not check["doubled"]
        and not check["without_audit_row"]
    )
    return row(
        "Database restart",
        "25 operations/s, 12 clients (60 % reads, 30 % submissions, 10 % tracking)",
        f"PostgreSQL stopped (fast) for {figures['down_seconds']} s",
        f"{figures['during_outage_translated_503']} translated 503 pages (max "
        f"{figures['during_outage']['max_s']} s), /readyz named the database: {readyz_named}; "
        f"back {figures['recovery_seconds']} s after the database",
        f"{len(check['lost'])} acknowledged lost, {len(check['doubled'])} doubled "
        f"({check['stored_without_acknowledgement']} stored whose confirmation page failed)",
        passed,
        figures,
    )


def staff_cookie(stack: Stack) -> str:
    return stack.django("""
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth.models import Group
from portal import roles
user, _ = User.objects.get_or_create(username="resilience-moderator", defaults={"is_staff": True})
user.groups.add(Group.objects.get(name=roles.MODERATORS))
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(json.dumps({"cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}"}))
""")["cookie"]


def redis_stop(stack: Stack, down_seconds: float = 12) -> dict:
    log(f"redis stopped for {down_seconds} s under mixed load with a signed-in moderator")
    cookie = staff_cookie(stack)
    load = Load(
        "redis-stop",
        clients=10,
        rate=25,
        duration=down_seconds + 22,
        mix="read=55,track=20,submit=20,staff=5",
        staff_cookie=cookie,
        timeout=30,
    )
    time.sleep(8)
    down_at = time.time()
    stack.redis.stop(signal.SIGKILL)
    time.sleep(2)
    status, body = http_get("/readyz", 6)
    time.sleep(max(0, down_seconds - 2))
    stack.start_redis()
    up_at = time.time()
    time.sleep(3)
    # Keys written after the restart (this Redis keeps nothing across restarts).
    page_keys_soon = stack.redis_keys("tawasul:*")
    records = load.wait()
    limit_keys = stack.redis_keys("*feedback:rl*")
    page_keys = stack.redis_keys("tawasul:*")
    during = [r for r in records if down_at + 0.5 <= r["t"] < up_at]
    errors = [r for r in records if failed(r)]
    subs = [r for r in records if r["kind"] == "submit"]
    check = check_submissions(stack, subs)
    tracks = [r for r in during if r["kind"] == "track"]
    staff = [r for r in during if r["kind"] == "staff"]
    fallback_logged = "rate limits counted per process" in (VAR / "gunicorn.log").read_text()
    figures = {
        "down_seconds": round(up_at - down_at, 1),
        "requests": summary(records),
        "during_outage": summary(during),
        "server_errors": len(errors),
        "error_examples": errors[:5],
        "submissions_during": sum(1 for r in during if r["kind"] == "submit"),
        "submissions_acknowledged_during": sum(
            1 for r in during if r["kind"] == "submit" and r["reference"]
        ),
        "tracking_found_during": f"{sum(1 for r in tracks if r['found'])}/{len(tracks)}",
        "staff_signed_in_during": f"{sum(1 for r in staff if r.get('signed_in'))}/{len(staff)}",
        "readyz_during": {"status": status, "body": body[:120]},
        "fallback_logged": fallback_logged,
        "redis_keys_after_return": {
            "cache": page_keys,
            "soon_after": page_keys_soon,
            "rate_limits": limit_keys,
        },
        "lost": check["lost"],
        "doubled": check["doubled"],
    }
    passed = (
        not errors
        and fallback_logged
        and limit_keys > 0
        and page_keys > 0
        and all(r["found"] for r in tracks)
        and all(r.get("signed_in") for r in staff)
        and not check["lost"]
        and not check["doubled"]
        and figures["submissions_acknowledged_during"] > 0
    )
    return row(
        "Redis stopped",
        "25 operations/s, 10 clients (reads, tracking, submissions, a signed-in moderator)",
        f"Redis killed for {figures['down_seconds']} s, restarted empty",
        f"{len(errors)} errors; pages rendered uncached, tracking "
        f"{figures['tracking_found_during']}, moderator signed in "
        f"{figures['staff_signed_in_during']}; /readyz said cache failing",
        f"{len(check['lost'])} lost; rate limits per process while down, shared again after",
        passed,
        figures,
    )


def mail_outage(stack: Stack, seconds: float = 10) -> dict:
    log(f"mail server down {seconds} s, then hanging {seconds} s, under submissions")
    stack.mail.set("down")
    down = Load("mail-down", clients=4, rate=3, duration=seconds, mix="submit=1").wait()
    stack.mail.set("hanging")
    hanging = Load("mail-hanging", clients=4, rate=3, duration=seconds, mix="submit=1").wait()
    queued = queue(stack)
    stack.mail.set("up")
    back_at = time.time()
    subs = down + hanging
    check = check_submissions(stack, subs)
    mails = wait_for_mail(stack, [r["email"] for r in subs], 240)
    delivered_at = max(
        (m["t"] for m in stack.mail.recorder.snapshot() if any(t in mails for t in m["to"])),
        default=back_at,
    )
    figures = {
        "submissions": len(subs),
        "acknowledged": check["acknowledged"],
        "latency_down": summary(down),
        "latency_hanging": summary(hanging),
        "baseline_p95_s": stack.baseline_p95,
        "queue_while_failing": queued,
        "mails_delivered_once": sum(1 for n in mails.values() if n == 1),
        "mails_missing": sum(1 for n in mails.values() if n == 0),
        "mails_duplicated": sum(1 for n in mails.values() if n > 1),
        "all_delivered_seconds_after_return": round(delivered_at - back_at, 1),
        "lost": check["lost"],
    }
    slowest = max(figures["latency_down"]["max_s"], figures["latency_hanging"]["max_s"])
    # No request waits on SMTP: none as slow as one SMTP timeout (EMAIL_TIMEOUT=5 here).
    passed = (
        check["acknowledged"] == len(subs)
        and slowest < 5
        and not figures["mails_missing"]
        and not figures["mails_duplicated"]
        and not check["lost"]
    )
    return row(
        "Mail server down, then hanging",
        "3 submissions/s, 4 clients",
        f"SMTP refused for {seconds} s, then accepted connections without answering for {seconds} s",
        f"{check['acknowledged']}/{len(subs)} acknowledged, p95 {figures['latency_down']['p95_s']} s "
        f"(down) and {figures['latency_hanging']['p95_s']} s (hanging), slowest {slowest} s",
        f"{figures['mails_missing']} mails missing, {figures['mails_duplicated']} sent twice; "
        f"all delivered {figures['all_delivered_seconds_after_return']} s after the server returned",
        passed,
        figures,
    )


def worker_killed(stack: Stack) -> dict:
    log("task worker killed with SIGKILL in the middle of a mail")
    stack.mail.recorder.data_delay = 3.0
    subs = Load("worker-kill", clients=2, rate=2, duration=4, mix="submit=1").wait()
    emails = [r["email"] for r in subs]

    def running() -> bool:
        return queue(stack).get("RUNNING", 0) > 0

    caught = wait_until(running, 30, step=0.3)
    time.sleep(1)  # inside DATA: the relay has the message but has not answered yet
    killed_pid = stack.worker.proc.pid
    os.kill(killed_pid, signal.SIGKILL)
    killed_at = time.time()
    stack.mail.recorder.data_delay = 0.0
    time.sleep(6)
    before = queue(stack)
    out = stack.manage("requeue_stale_tasks", "--seconds", "5")
    mails = wait_for_mail(stack, emails, 120)
    copies: dict[str, list[str]] = {}
    for mail in stack.mail.recorder.snapshot():
        for to in mail["to"]:
            if to in mails:
                copies.setdefault(to, []).append(mail["message_id"])
    duplicates = {to: ids for to, ids in copies.items() if len(ids) > 1}
    same_id = all(len(set(ids)) == 1 for ids in duplicates.values())
    figures = {
        "submissions": len(subs),
        "task_running_when_killed": caught,
        "queue_before_requeue": before,
        "requeue_output": out.strip(),
        "mails_delivered": sum(1 for n in mails.values() if n >= 1),
        "mails_missing": sum(1 for n in mails.values() if n == 0),
        "second_copies": sum(len(ids) - 1 for ids in duplicates.values()),
        "second_copies_share_message_id": same_id,
        "worker_restarts_by_supervisor": stack.worker.restarts,
        "killed_at": killed_at,
    }
    passed = caught and not figures["mails_missing"] and figures["second_copies"] <= 1 and same_id
    return row(
        "Task worker killed mid-mail",
        f"{len(subs)} submissions, relay slowed to 3 s per mail",
        "db_worker killed (SIGKILL) while sending; requeue_stale_tasks --seconds 5",
        f"confirmation delivered to {figures['mails_delivered']} of {len(subs)} citizens",
        f"{figures['mails_missing']} missing; {figures['second_copies']} second copies"
        + (
            " (the relay had the message when the worker died), same Message-ID"
            if figures["second_copies"]
            else " (the kill came before the relay accepted)"
        ),
        passed,
        figures,
    )


def disk_full(stack: Stack) -> dict:
    log("disk full for attachments")
    from PIL import Image

    image = VAR / "attachment.png"
    Image.effect_noise((360, 360), 90).convert("RGB").save(image)
    if not stack.mounted:
        return row(
            "Disk full",
            "-",
            "skipped: tmpfs could not be mounted (not root)",
            "-",
            "-",
            False,
            {"skipped": True},
        )
    filler = stack.private / "filler.bin"
    subprocess.run(
        ["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True, check=False
    )
    free = shutil.disk_usage(stack.private).free
    full = Load(
        "disk-full", clients=1, duration=15, mix="submit=1", max_submissions=4, attachment=image
    ).wait()
    filler.unlink()
    after = Load(
        "disk-freed", clients=1, duration=15, mix="submit=1", max_submissions=2, attachment=image
    ).wait()
    rows = stored(stack, [r["email"] for r in full + after])
    # Copies kept for the form's next try (feedback.kept_uploads) are claimed by the token in
    # the page and purged on expiry: counted apart, they are not attachments without rows.
    on_disk = [p.relative_to(stack.private) for p in stack.private.rglob("*") if p.is_file()]
    kept = [p for p in on_disk if p.parts[0] == "kept"]
    files = {str(p) for p in on_disk if p.parts[0] != "kept"}
    referenced = set(
        stack.django("""
import json
from feedback.models import Attachment
# Each image attachment has two files: the cleaned image and its preview.
names = Attachment.objects.values_list("file", "preview")
print(json.dumps([name for pair in names for name in pair if name]))
""")
    )
    figures = {
        "free_bytes_when_full": free,
        "while_full": [
            {
                "status": r["status"],
                "translated_error": "not_saved" in r["marks"],
                "text_kept": r["kept_text"],
            }
            for r in full
        ],
        "stored_while_full": sum(len(rows[r["email"]]) for r in full),
        "after_freeing": [{"status": r["status"], "reference": r["reference"]} for r in after],
        "kept_for_the_next_try": len(kept),
        "files_without_row": sorted(files - referenced),
        "rows_without_file": sorted(referenced - files),
    }
    passed = (
        all(r["status"] == 503 and "not_saved" in r["marks"] and r["kept_text"] for r in full)
        and figures["stored_while_full"] == 0
        and all(r["reference"] for r in after)
        and not figures["files_without_row"]
        and not figures["rows_without_file"]
    )
    return row(
        "Disk full",
        "submissions with a 300 KB photo, one at a time",
        f"attachment filesystem full ({free} bytes free)",
        "503 with the translated “could not save” message and the text kept"
        if passed
        else "see figures",
        f"{len(figures['files_without_row'])} files without row, "
        f"{len(figures['rows_without_file'])} rows without file",
        passed,
        figures,
    )


def rss_kib(pids: list[int]) -> dict[int, int]:
    sizes = {}
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[pid] = int(line.split()[1])
        except OSError:
            pass
    return sizes


def cpu_jiffies(pids: list[int]) -> dict:
    """The machine's busy CPU time and that of the gunicorn workers, in clock ticks."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    values = [int(v) for v in fields]
    busy = sum(values) - values[3] - values[4]  # all but idle and iowait
    ours = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ours += int(stat[11]) + int(stat[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return {"busy": busy, "gunicorn": ours}


def per_minute(records: list[dict], started: float, samples: list[dict]) -> list[dict]:
    rows = []
    for minute in range(int(max((r["t"] - started for r in records), default=0) // 60) + 1):
        window = [r["s"] for r in records if minute * 60 <= r["t"] - started < minute * 60 + 60]
        inside = [s for s in samples if minute * 60 <= s["t"] < minute * 60 + 75]
        share = None
        if len(inside) >= 2:
            busy = inside[-1]["cpu"]["busy"] - inside[0]["cpu"]["busy"]
            ours = inside[-1]["cpu"]["gunicorn"] - inside[0]["cpu"]["gunicorn"]
            share = round(100 * ours / busy) if busy > 0 else None
        rows.append(
            {
                "minute": minute + 1,
                "requests": len(window),
                "p50_s": round(percentile(window, 0.5), 3),
                "p99_s": round(percentile(window, 0.99), 3),
                "load_average": max((s["load"] for s in inside), default=None),
                "gunicorn_share_of_busy_cpu_pct": share,
            }
        )
    return rows


def capacity(stack: Stack, seconds: float = 30) -> dict:
    log(f"capacity: mixed traffic flat out for {seconds} s")
    records = Load(
        "capacity", clients=16, duration=seconds, mix="read=70,track=20,submit=10", timeout=60
    ).wait()
    ops = len(records) / seconds
    return {
        "operations_per_s": round(ops, 1),
        "latency": summary(records),
        "server_errors": sum(1 for r in records if failed(r)),
    }


def soak(stack: Stack, measured: dict, seconds: float = 600) -> dict:
    rate = round(0.8 * measured["operations_per_s"], 1)
    log(f"soak: {seconds} s of mixed traffic at {rate} operations/s (80 % of capacity)")
    # Twice the clients of the capacity run: each client paces its requests, and one that
    # waits on a slow answer must not pull the total below the target.
    load = Load(
        "soak",
        clients=32,
        rate=rate,
        duration=seconds,
        mix="read=70,track=20,submit=10",
        timeout=60,
    )
    samples = []
    started = time.time()
    while load.proc.poll() is None and time.time() - started < seconds + 120:
        pids = stack.worker_pids()
        samples.append(
            {
                "t": round(time.time() - started),
                "rss_kib": rss_kib(pids),
                "cpu": cpu_jiffies(pids),
                "load": round(os.getloadavg()[0], 1),
            }
        )
        time.sleep(15)
    records = load.wait()
    first = [r for r in records if r["t"] < started + 60]
    last = [r for r in records if r["t"] >= started + seconds - 60]
    errors = [r for r in records if failed(r)]
    warm = next((s for s in samples if s["t"] >= 60), samples[0])
    end = samples[-1]
    common = set(warm["rss_kib"]) & set(end["rss_kib"])
    growth = max(
        ((end["rss_kib"][p] - warm["rss_kib"][p]) / warm["rss_kib"][p] for p in common), default=0.0
    )
    p99_first, p99_last = (
        percentile([r["s"] for r in first], 0.99),
        percentile([r["s"] for r in last], 0.99),
    )
    figures = {
        "rate_ops_per_s": rate,
        "capacity": measured,
        "requests": summary(records),
        "achieved_ops_per_s": round(len(records) / seconds, 1),
        "server_errors": len(errors),
        "error_examples": errors[:5],
        "rss_kib_after_1_min": warm["rss_kib"],
        "rss_kib_at_end": end["rss_kib"],
        "worst_worker_growth_pct": round(100 * growth, 1),
        "workers_same_pids": len(common) == len(end["rss_kib"]),
        "p99_first_minute_s": round(p99_first, 3),
        "p99_last_minute_s": round(p99_last, 3),
        # What else the machine did: a slower minute with the portal's share of the CPU
        # shrinking is other work, not the portal slowing down.
        "per_minute": per_minute(records, started, samples),
    }
    achieved = figures["achieved_ops_per_s"]
    passed = (
        not errors
        and growth < 0.10
        and p99_last <= 1.5 * max(p99_first, 0.001)
        and common
        and achieved >= 0.9 * rate  # the load really was about 80 % of capacity
    )
    return row(
        "Soak",
        f"{seconds / 60:.0f} min mixed (70 % news, 20 % tracking, 10 % submitting) at "
        f"{rate} ops/s = 80 % of the measured {measured['operations_per_s']} "
        f"(achieved {achieved})",
        "none",
        f"{len(errors)} server errors, p99 {figures['p99_first_minute_s']} s "
        f"(first minute) → {figures['p99_last_minute_s']} s (last)",
        f"worker memory growth {figures['worst_worker_growth_pct']} % (worst worker)",
        passed,
        figures,
    )


def deploy(stack: Stack) -> dict:
    """docs/deployment.md's new release with --preload: USR2 (a new master with the new code),
    WINCH (old workers finish and stop), QUIT (the old master goes)."""
    log("deploy under load: USR2, WINCH, QUIT to a gunicorn started with --preload")
    release = Path(tempfile.mkdtemp(prefix="release-", dir=VAR))
    ignore = shutil.ignore_patterns(
        ".venv",
        "var",
        ".git",
        "tests",
        "media",
        "private",
        "staticfiles",
        "node_modules",
        "*.sqlite3",
    )
    shutil.copytree(ROOT, release / "app", ignore=ignore, symlinks=True)
    app = release / "app"
    stack.web.stop()
    stack.start_web(stack.gunicorn_command(), cwd=app)
    pidfile = VAR / "gunicorn.pid"
    old_master = int(pidfile.read_text())
    load = Load("deploy", clients=8, rate=25, duration=40, mix="read=70,track=20,submit=10")
    time.sleep(8)
    views = app / "portal" / "views.py"
    views.write_text(
        views.read_text().replace(
            'HttpResponse("ok", content_type', 'HttpResponse("ok release-2", content_type'
        )
    )
    os.kill(old_master, signal.SIGUSR2)

    def new_pid() -> int | None:
        # The new master writes "<pidfile>.2" until the old one exits, then renames it.
        for path in (VAR / "gunicorn.pid.2", pidfile):
            with contextlib.suppress(OSError, ValueError):
                pid = int(path.read_text())
                if pid != old_master:
                    return pid
        return None

    wait_until(lambda: new_pid() is not None, 30)
    new_master = new_pid()
    if new_master:
        stack.extra_masters.append(new_master)  # stopped by Stack.close whatever happens
    new_answers = wait_until(lambda: "release-2" in http_get("/healthz", 2)[1], 40, step=0.3)
    os.kill(old_master, signal.SIGWINCH)
    time.sleep(5)
    os.kill(old_master, signal.SIGQUIT)
    wait_until(lambda: stack.web.proc.poll() is not None, 30)
    records = load.wait()
    after = [http_get("/healthz", 5)[1] for _ in range(20)]
    failures = [r for r in records if failed(r)]
    figures = {
        "requests": summary(records),
        "failed": len(failures),
        "failure_examples": failures[:5],
        "old_master": old_master,
        "new_master": new_master,
        "new_code_seen_during_switch": new_answers,
        "healthz_after": sorted(set(after)),
        "old_master_exited": stack.web.proc.poll() is not None,
    }
    passed = not failures and after == ["ok release-2"] * 20 and figures["old_master_exited"]
    # Back to the checkout's own code for what follows.
    stack.stop_extra_masters()
    wait_until(lambda: http_get("/healthz", 1)[0] == 0, 30)
    pidfile.unlink(missing_ok=True)
    stack.start_web()
    shutil.rmtree(release, ignore_errors=True)
    return row(
        "Deploy under load",
        "25 operations/s, 8 clients, mixed",
        "new release: USR2 → new master (new code), WINCH → old workers stop, QUIT → old master exits",
        f"{len(failures)} failed of {len(records)}; afterwards /healthz answered "
        f"{', '.join(sorted(set(after)))}",
        "nothing",
        passed,
        figures,
    )


DIGEST = """
import hashlib, json
from pathlib import Path
from django.conf import settings
from feedback.models import Attachment, Submission, SubmissionEvent
from news.models import Article
def h(rows):
    return hashlib.sha256(json.dumps(list(rows), default=str).encode()).hexdigest()
root = Path(settings.PRIVATE_MEDIA_ROOT)
ok = sum(1 for a in Attachment.objects.all()
         if (root / a.file.name).is_file()
         and hashlib.sha256((root / a.file.name).read_bytes()).hexdigest() == a.sha256)
print(json.dumps({
  "submissions": Submission.objects.count(), "events": SubmissionEvent.objects.count(),
  "attachments": Attachment.objects.count(), "attachments_intact": ok,
  "articles": Article.objects.count(),
  "references": h(Submission.objects.order_by("reference").values_list("reference", "status")),
  "audit_trail": h(SubmissionEvent.objects.order_by("pk").values_list(
      "pk", "submission__reference", "kind", "to_status", "created_at", "actor_id")),
}))
"""


def restore_drill(stack: Stack) -> dict:
    """docs/operations.md's backup and restore, into an empty database and folder."""
    log("restore drill: pg_dump + tar, restored into an empty database and folder")
    backup = VAR / "backup"
    shutil.rmtree(backup, ignore_errors=True)
    backup.mkdir()
    shutil.chown(backup, "postgres", "postgres") if os.geteuid() == 0 else None
    pg = ["-h", "127.0.0.1", "-p", "5442", "-U", "postgres"]
    from bench.resilience.services import PG_BIN, as_postgres

    as_postgres(str(PG_BIN / "pg_dump"), *pg, "-Fc", "-d", "tawasul", "-f", str(backup / "db.dump"))
    subprocess.run(
        [
            "tar",
            "-C",
            str(stack.private),
            "--exclude=./filler.bin",
            "-czf",
            str(backup / "private.tar.gz"),
            ".",
        ],
        check=True,
    )
    media = VAR / "media"
    media.mkdir(exist_ok=True)
    subprocess.run(["tar", "-C", str(media), "-czf", str(backup / "media.tar.gz"), "."], check=True)
    original = stack.django(DIGEST)
    stack.pg.recreate("tawasul_restore")
    as_postgres(
        str(PG_BIN / "pg_restore"),
        *pg,
        "--no-owner",
        "--exit-on-error",
        "-d",
        "tawasul_restore",
        str(backup / "db.dump"),
    )
    restored_root = VAR / "restored"
    shutil.rmtree(restored_root, ignore_errors=True)
    (restored_root / "private").mkdir(parents=True)
    (restored_root / "media").mkdir()
    subprocess.run(
        ["tar", "-C", str(restored_root / "private"), "-xzf", str(backup / "private.tar.gz")],
        check=True,
    )
    subprocess.run(
        ["tar", "-C", str(restored_root / "media"), "-xzf", str(backup / "media.tar.gz")],
        check=True,
    )
    env = {
        **stack.env,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5442/tawasul_restore",
        "PRIVATE_MEDIA_ROOT": str(restored_root / "private"),
        "MEDIA_ROOT": str(restored_root / "media"),
    }
    restored = stack.django(DIGEST, env=env)
    sizes = {p.name: p.stat().st_size for p in backup.iterdir()}
    passed = original == restored and restored["attachments_intact"] == restored["attachments"]
    return row(
        "Restore drill",
        "the database after all scenarios",
        "backup (pg_dump -Fc, tar of the attachment and media folders), restore into an empty "
        "database and folders",
        f"same counts ({restored['submissions']} submissions, {restored['events']} audit rows, "
        f"{restored['attachments']} attachments, {restored['attachments_intact']} intact), same "
        "references and audit trail"
        if passed
        else "differences, see figures",
        "nothing" if passed else "see figures",
        passed,
        {"original": original, "restored": restored, "backup_bytes": sizes},
    )
