"""Run the fault suite and write its report.

The full run writes docs/resilience.md and docs/resilience.json (committed); --quick (CI)
runs a burst of 200, the database restart, Redis stopped and the mail server down, and
writes to var/resilience/. Exit status 1 when a scenario misses its pass rule."""

import argparse
import json
import os
import platform
import signal
import sys
import time
import traceback

from bench.resilience import scenarios
from bench.resilience.services import ROOT, VAR, Stack, log


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the CI subset (under 5 minutes)")
    parser.add_argument("--only", default="", help="comma-separated scenario names (debugging)")
    parser.add_argument("--soak-seconds", type=int, default=600)
    parser.add_argument(
        "--render",
        action="store_true",
        help="only write docs/resilience.md again from docs/resilience.json",
    )
    args = parser.parse_args()
    if args.render:
        report = json.loads((ROOT / "docs" / "resilience.json").read_text())
        (ROOT / "docs" / "resilience.md").write_text(markdown(report))
        return 0
    # Ctrl-C and SIGTERM unwind through `finally`, which stops every service started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.time()
    stack = Stack(quick=args.quick)
    plan = [
        ("burst", lambda: scenarios.burst(stack, 200 if args.quick else 1000)),
        ("database", lambda: scenarios.database_restart(stack)),
        ("redis", lambda: scenarios.redis_stop(stack)),
        ("mail", lambda: scenarios.mail_outage(stack, 8 if args.quick else 10)),
    ]
    if not args.quick:
        measured = {}
        plan += [
            ("worker", lambda: scenarios.worker_killed(stack)),
            ("disk", lambda: scenarios.disk_full(stack)),
            (
                "soak",
                lambda: scenarios.soak(
                    stack,
                    measured.setdefault("capacity", scenarios.capacity(stack)),
                    args.soak_seconds,
                ),
            ),
            ("deploy", lambda: scenarios.deploy(stack)),
            ("restore", lambda: scenarios.restore_drill(stack)),
        ]
    if args.only:
        wanted = set(args.only.split(","))
        plan = [step for step in plan if step[0] in wanted]
    rows = []
    try:
        stack.up()
        for name, run in plan:
            try:
                result = run()
            except Exception as error:
                traceback.print_exc()
                result = scenarios.row(
                    name,
                    "-",
                    "-",
                    "-",
                    "-",
                    False,
                    {"exception": f"{type(error).__name__}: {error}"},
                )
            # Other work on the machine shows in the figures: record how busy it was.
            result["figures"]["load_average_after"] = [round(x, 1) for x in os.getloadavg()]
            log(f"{result['scenario']}: {'PASS' if result['passed'] else 'FAIL'}")
            rows.append(result)
            write(rows, args, started, partial=True)
    finally:
        stack.close()
    write(rows, args, started, partial=False)
    failed = [r["scenario"] for r in rows if not r["passed"]]
    log(
        f"done in {time.time() - started:.0f} s: "
        f"{len(rows) - len(failed)} passed, {len(failed)} failed {failed or ''}"
    )
    return 1 if failed or len(rows) < len(plan) else 0


def write(rows: list[dict], args, started: float, partial: bool) -> None:
    folder = VAR if args.quick or args.only else ROOT / "docs"
    report = {
        "mode": "quick" if args.quick else "full",
        "finished": not partial,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
        "seconds": round(time.time() - started),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "scenarios": rows,
    }
    (folder / "resilience.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (folder / "resilience.md").write_text(markdown(report))


def cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(report: dict) -> str:
    lines = [
        "# Resilience: what users saw under load and faults",
        "",
        f"Written by `make resilience` ({report['mode']} run, {report['date']}, "
        f"{report['seconds']} s, {report['machine']['cpus']} CPUs shared with other work). "
        "The suite starts its own PostgreSQL 15 (port 5442), Redis (6390), SMTP server "
        "(aiosmtpd, 8026), gunicorn with production settings (`--preload`, 4 workers, 8025) "
        "and `manage.py db_worker`, drives them from a separate load process on 127.0.0.1, "
        "injects each fault and checks each pass rule itself. Figures are in "
        "`docs/resilience.json`; what the faults look like to an operator is in "
        "`docs/operations.md`.",
        "",
        "| Scenario | Load | Fault | What users saw | What was lost | Result |",
        "|---|---|---|---|---|---|",
    ]
    for r in report["scenarios"]:
        lines.append(
            f"| {cell(r['scenario'])} | {cell(r['load'])} | {cell(r['fault'])} | "
            f"{cell(r['users_saw'])} | {cell(r['lost'])} | "
            f"{'pass' if r['passed'] else '**FAIL**'} |"
        )
    notes = [(r["scenario"], note) for r in report["scenarios"] if (note := explain(r))]
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- **{name}**: {note}" for name, note in notes]
    lines += ["", "## Pass rules", "", RULES.strip(), ""]
    return "\n".join(lines)


def explain(r: dict) -> str:
    """What the table cannot say, from the scenario's figures."""
    f = r["figures"]
    parts = [r.get("notes", "")]
    if "load_average_after" in f:
        parts.append(
            f"Load average afterwards {f['load_average_after'][0]} on "
            f"{os.cpu_count()} CPUs (other work shared the machine)."
        )
    if r["scenario"] == "Burst" and "latency" in f:
        parts.append(
            f"{f['submissions_per_s']} submissions/s; the latency is the three "
            "requests of one submission (form page, POST, confirmation page)."
        )
    if r["scenario"] == "Database restart" and "worker_restarts_by_supervisor" in f:
        parts.append(
            f"The task worker exits when the database goes away (django-tasks-db "
            f"raises out of its loop); the suite's supervisor restarted it "
            f"{f['worker_restarts_by_supervisor']} times, as systemd's "
            "Restart=always does in production. Recovery is counted from the moment "
            "PostgreSQL accepts connections again; "
            f"{f['stored_without_acknowledgement']} submissions were stored whose "
            "confirmation page failed (the citizen got the mail with the reference)."
        )
    if r["scenario"].startswith("Mail server") and "queue_while_failing" in f:
        parts.append(
            f"Queue just before the server came back: {f['queue_while_failing']}. "
            "Each try is a deferred task; a hanging relay costs the worker one "
            "EMAIL_TIMEOUT (5 s here) per try."
        )
    if r["scenario"] == "Soak" and "capacity" in f:
        parts.append(
            f"Capacity measured in the same run: {f['capacity']['operations_per_s']} "
            f"operations/s flat out with 16 clients (p99 {f['capacity']['latency']['p99_s']} s); "
            "gunicorn ran without --max-requests, so a leak would show." + minutes_note(f)
        )
    return " ".join(p for p in parts if p)


def minutes_note(f: dict) -> str:
    rows = f.get("per_minute") or []
    if not rows:
        return ""
    cells = ", ".join(
        f"{r['minute']}: p99 {r['p99_s']} s, load {r['load_average']}, gunicorn "
        f"{r['gunicorn_share_of_busy_cpu_pct']} % of the busy CPU"
        for r in rows
    )
    return f" Per minute: {cells}."


RULES = """
- **Burst**: every submission gets a distinct reference, 0 errors, each has its audit row
  (the `submitted` event) and exactly one confirmation mail reaches the SMTP server.
- **Database restart**: while PostgreSQL is down every answer is a cached page or the
  translated 503 page within 5 s (no traceback, no hang), `/readyz` says
  `"database": "failing"`; within 10 s of its return requests succeed again with the same
  gunicorn master; every acknowledged reference is stored exactly once.
- **Redis stopped**: no server error; submissions, tracking and a signed-in moderator keep
  working; the per-process rate-limit fallback is logged; after Redis returns, page cache
  and rate-limit keys are written to it again.
- **Mail server down, then hanging**: every submission acknowledged, none slower than one
  SMTP timeout (5 s here), every confirmation delivered exactly once after the server returns.
- **Task worker killed**: every citizen gets the mail after `requeue_stale_tasks`; at most the
  one mail the relay already had when the worker died arrives twice, with the same Message-ID.
- **Disk full**: translated 503 with the text kept, no row without its files, no file without
  its row; submissions work again once space is freed.
- **Soak**: 10 minutes at 80 % of the capacity measured in the same run: 0 server errors,
  worst gunicorn worker memory growth under 10 % (from minute 1 to the end), p99 of the last
  minute within 1.5× of the first.
- **Deploy under load**: docs/deployment.md's release procedure (USR2, WINCH, QUIT): 0 failed
  requests, and `/healthz` of the new code answers afterwards.
- **Restore drill**: docs/operations.md's backup restored into an empty database and folders
  gives the same counts, references, attachments (checksums) and audit trail.
"""


if __name__ == "__main__":
    sys.exit(main())
