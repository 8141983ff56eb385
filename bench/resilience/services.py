"""The services of `make resilience`, all private to it: a PostgreSQL 15 cluster on port
5442, a Redis on 6390, the mail server on 8026, gunicorn on 8025 and the task worker.

Nothing here touches the machine's shared PostgreSQL (5432) or Redis (6379). ``Stack``
remembers everything it started and ``Stack.close`` stops it, also after a failure or
Ctrl-C (``__main__`` calls it from ``finally``)."""

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.resilience.smtp import MailServer

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "resilience"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT, REDIS_PORT, SMTP_PORT, WEB_PORT = 5442, 6390, 8026, 8025
DB_NAME = "tawasul"
PG_SOCKET_DIR = VAR / "pg-socket"
BASE_URL = f"http://127.0.0.1:{WEB_PORT}"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def as_postgres(*command: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """PostgreSQL refuses to run as root: run its tools as the postgres user."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, *command], check=check, capture_output=True, text=True, timeout=120, **kwargs
    )


def wait_until(predicate, seconds: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def http_get(path: str, timeout: float = 5) -> tuple[int, str]:
    request = urllib.request.Request(BASE_URL + path, headers={"Host": "127.0.0.1"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except OSError as error:
        return 0, str(error)


class Postgres:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.logfile = VAR / "postgres.log"

    def init(self) -> None:
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.data, ignore_errors=True)
            self.data.mkdir(parents=True)
            shutil.chown(self.data, "postgres", "postgres") if os.geteuid() == 0 else None
            as_postgres(
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "-A",
                "trust",
                "-U",
                "postgres",
            )
        PG_SOCKET_DIR.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(PG_SOCKET_DIR, "postgres", "postgres")
            self.logfile.touch()
            shutil.chown(self.logfile, "postgres", "postgres")

    def start(self) -> None:
        as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.logfile),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {PG_PORT} -k {PG_SOCKET_DIR} -c listen_addresses=127.0.0.1 -c max_connections=200",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        if self.running():
            as_postgres(
                str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False
            )

    def running(self) -> bool:
        result = as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status", check=False)
        return result.returncode == 0

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = as_postgres(
            str(PG_BIN / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(PG_PORT),
            "-U",
            "postgres",
            "-d",
            database,
            "-At",
            "-c",
            sql,
        )
        return result.stdout.strip()

    def recreate(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.psql(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )


class Process:
    """A child process with its output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict, cwd: Path = ROOT) -> None:
        self.name, self.command, self.env, self.cwd = name, command, env, cwd
        self.logfile = VAR / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        handle = open(self.logfile, "a", encoding="utf-8")  # noqa: SIM115 (child keeps it)
        self.proc = subprocess.Popen(
            self.command,
            env=self.env,
            cwd=self.cwd,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGTERM, wait: float = 20) -> None:
        if not self.alive():
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(wait)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


class Supervised(Process):
    """Restarted when it exits, as systemd's Restart=always does in production
    (docs/deployment.md): django-tasks-db's worker exits when the database goes away."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.restarts = 0
        self.wanted = False
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        with self.lock:
            self.wanted = True
            super().start()
        if not self.thread.is_alive():
            self.thread.start()

    def _watch(self) -> None:
        while True:
            time.sleep(1)
            with self.lock:
                if self.wanted and not self.alive():
                    self.restarts += 1
                    Process.start(self)

    def stop(self, sig: int = signal.SIGTERM, wait: float = 20) -> None:
        with self.lock:
            self.wanted = False
            super().stop(sig, wait)


class Stack:
    def __init__(self, quick: bool) -> None:
        VAR.mkdir(parents=True, exist_ok=True)
        for old in VAR.glob("*.log"):
            old.unlink()
        self.quick = quick
        self.pg = Postgres(VAR / "pg")
        self.redis: Process | None = None
        self.mail = MailServer(SMTP_PORT)
        self.web: Process | None = None
        self.worker: Supervised | None = None
        self.private = VAR / "private"
        self.mounted = False
        self.baseline_p95: float | None = None  # the burst's, for the mail scenario
        self.extra_masters: list[int] = []  # gunicorn masters started by a USR2 (deploy)
        self.secret = secrets.token_urlsafe(48)
        self.env = self._environment()

    def _environment(self) -> dict:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "FEEDBACK_", "EMAIL_", "TASKS_"))
        }
        env.update(
            {
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": self.secret,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_BEHIND_TLS_PROXY": "0",
                "DJANGO_TRUSTED_PROXY_COUNT": "0",
                "DJANGO_LOG_LEVEL": "WARNING",
                "STAFF_2FA_REQUIRED": "0",
                # One client address sends everything: limits out of the way, as in make bench.
                "FEEDBACK_SUBMIT_LIMIT_PER_ADDRESS": "100000000",
                "FEEDBACK_SUBMIT_LIMIT_PER_EMAIL": "100000000",
                "FEEDBACK_TRACK_LIMIT_PER_ADDRESS": "100000000",
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/{DB_NAME}",
                "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
                "TASKS_BACKEND": "database",
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(SMTP_PORT),
                "EMAIL_TIMEOUT": "5",
                "FEEDBACK_MAIL_RETRY_SECONDS": "1",
                "FEEDBACK_MAIL_RETRY_MAX_SECONDS": "8",
                "SITE_URL": BASE_URL,
                "STATIC_ROOT": str(VAR / "static"),
                "MEDIA_ROOT": str(VAR / "media"),
                "PRIVATE_MEDIA_ROOT": str(self.private),
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        return env

    # --- set-up -------------------------------------------------------------------------
    def up(self) -> None:
        log("starting PostgreSQL 15 on 5442, Redis on 6390, the mail server on 8026")
        self.pg.init()
        self.pg.stop()
        self.pg.start()
        self.pg.recreate(DB_NAME)
        self.start_redis()
        self.mail.set("up")
        self.mount_private()
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")
        self.manage("load_demo", "-v", "0")
        self.start_web()
        self.start_worker()

    def mount_private(self) -> None:
        """A small filesystem of its own for attachments, so the disk-full scenario can fill
        it without touching anything else (tmpfs, mounted as root)."""
        if self.private.is_mount():
            subprocess.run(["umount", str(self.private)], check=False)
        shutil.rmtree(self.private, ignore_errors=True)
        self.private.mkdir(parents=True)
        if os.geteuid() == 0:
            result = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=32m,mode=0755", "tmpfs", str(self.private)],
                capture_output=True,
                text=True,
            )
            self.mounted = result.returncode == 0
        log(f"attachments on {'a 32 MB tmpfs' if self.mounted else 'the ordinary disk'}")

    def manage(self, *args: str, env: dict | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def django(self, code: str, env: dict | None = None) -> dict:
        """Run Python in the portal's settings; the code prints one JSON document."""
        return json.loads(
            self.manage("shell", "--verbosity=0", "-c", code, env=env).strip().splitlines()[-1]
        )

    def start_redis(self) -> None:
        self.redis = Process(
            "redis",
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            self.env,
        )
        self.redis.start()
        wait_until(self.redis_ping, 10)

    def redis_ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), "ping"],
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout.strip() == "PONG"

    def redis_keys(self, pattern: str) -> int:
        result = subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), "--scan", "--pattern", pattern],
            capture_output=True,
            text=True,
            check=False,
        )
        return len(result.stdout.split())

    def gunicorn_command(self, workers: int = 4) -> list[str]:
        return [
            str(ROOT / ".venv/bin/gunicorn"),
            "portal.wsgi:application",
            "--preload",
            "--bind",
            f"127.0.0.1:{WEB_PORT}",
            "--workers",
            str(workers),
            "--timeout",
            "30",
            "--graceful-timeout",
            "20",
            "--pid",
            str(VAR / "gunicorn.pid"),
        ]

    def start_web(self, command: list[str] | None = None, cwd: Path = ROOT) -> None:
        self.web = Process("gunicorn", command or self.gunicorn_command(), self.env, cwd)
        self.web.start()
        if not wait_until(lambda: http_get("/healthz", 2)[0] == 200 and self.web.alive(), 60):
            raise RuntimeError(
                "gunicorn did not answer /healthz within 60 s (var/resilience/gunicorn.log)"
            )

    def start_worker(self) -> None:
        self.worker = Supervised(
            "worker",
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            self.env,
        )
        self.worker.start()

    def worker_pids(self) -> list[int]:
        """gunicorn's worker processes (the children of the master)."""
        master = self.web.proc.pid if self.web and self.web.proc else None
        if master is None:
            return []
        children = Path(f"/proc/{master}/task/{master}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def close(self) -> None:
        """Stop everything this run started; restores nothing shared (it stopped nothing)."""
        for step in (
            lambda: self.worker and self.worker.stop(),
            lambda: self.web and self.web.stop(signal.SIGTERM),
            lambda: self.stop_extra_masters(),
            lambda: self.mail.stop(),
            lambda: self.redis and self.redis.stop(),
            lambda: self.pg.stop(),
            lambda: self.unmount(),
        ):
            try:
                step()
            except Exception as error:  # keep stopping the rest
                log(f"clean-up step failed: {error}")

    def stop_extra_masters(self) -> None:
        for pid in self.extra_masters:
            with contextlib.suppress(OSError):
                # Only a gunicorn of this suite, by the pid it recorded.
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
                if b"gunicorn" in command and f"127.0.0.1:{WEB_PORT}".encode() in command:
                    os.kill(pid, signal.SIGTERM)
        self.extra_masters.clear()

    def unmount(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.private)], check=False)
            self.mounted = False
