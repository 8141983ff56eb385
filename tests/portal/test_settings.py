"""The operator's view: the environment decides, and a wrong value stops the start with
one clear line."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "p" + "rodUction-k3y-" * 5,
    "DJANGO_ALLOWED_HOSTS": "tawasul.example",
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    # Only named, never connected to, by the commands below.
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_")
        and k not in {"DATABASE_URL", "REDIS_URL", "TAWASUL_ALLOW_LOCAL_CACHE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


# Exit code 3 is gunicorn's "worker failed to boot": the master stops instead of respawning.
CONFIGURATION_ERROR = 3


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode == CONFIGURATION_ERROR
    assert result.stderr.strip() == (
        "Tawasul configuration error: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", "short", "at least 50 random characters"),
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be one of"),
        ("DATABASE_URL", "mysqlx://nowhere", "DATABASE_URL is not a usable database URL"),
        ("DJANGO_TIME_ZONE", "Mars/Base", "DJANGO_TIME_ZONE must be a time zone"),
        ("DJANGO_LOG_LEVEL", "verbose", "DJANGO_LOG_LEVEL must be one of"),
        ("DATABASE_CONN_MAX_AGE", "a minute", "DATABASE_CONN_MAX_AGE must be a whole number"),
        ("TASKS_BACKEND", "celery", "TASKS_BACKEND must be"),
        # The crisis banner's 10 seconds: a browser max-age that breaks the promise.
        ("CRISIS_PAGE_MAX_AGE", "60", "must be at most 10 (the banner's promise)"),
        ("CAMPAIGN_COUNT_BATCH_SECONDS", "-1", "CAMPAIGN_COUNT_BATCH_SECONDS must be 0 or more"),
        ("NEWS_PAGE_LOCAL_SECONDS", "30", "NEWS_PAGE_LOCAL_SECONDS must be between 0 and 10"),
    ],
)
def test_a_wrong_value_stops_the_start_with_one_line_naming_it(variable, value, message):
    result = manage("check", **{**PRODUCTION_ENV, variable: value})
    assert result.returncode == CONFIGURATION_ERROR
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_production_refuses_to_start_without_a_shared_cache():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    result = manage("check", **env)
    assert result.returncode == CONFIGURATION_ERROR
    assert result.stderr.strip() == (
        "Tawasul configuration error: REDIS_URL must be set when DJANGO_DEBUG is off (rate "
        "limits must be shared by every worker); a single-process install may set "
        "TAWASUL_ALLOW_LOCAL_CACHE=1."
    )
    # A single-process install says so explicitly; a typo in the word is refused too.
    assert manage("check", **env, TAWASUL_ALLOW_LOCAL_CACHE="1").returncode == 0
    wrong = manage("check", **env, TAWASUL_ALLOW_LOCAL_CACHE="sure")
    assert "TAWASUL_ALLOW_LOCAL_CACHE must be one of" in wrong.stderr
    # A load test: every public limit out of reach, exactly what the peer comparison sets
    # (it starts gunicorn without Redis); one public limit still in force is refused.
    load_test = {
        "FEEDBACK_SUBMIT_LIMIT_PER_ADDRESS": "100000000",
        "FEEDBACK_SUBMIT_LIMIT_PER_EMAIL": "100000000",
        "FEEDBACK_TRACK_LIMIT_PER_ADDRESS": "100000000",
    }
    assert manage("check", **env, **load_test).returncode == 0
    one_in_force = {**load_test, "FEEDBACK_TRACK_LIMIT_PER_ADDRESS": "20"}
    assert manage("check", **env, **one_in_force).returncode == CONFIGURATION_ERROR


def test_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_development_needs_no_configuration_at_all():
    result = manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_collectstatic_writes_hashed_compressed_files(tmp_path):
    """What a release runs: whitenoise's manifest storage must resolve every url() in CSS."""
    result = manage("collectstatic", "--no-input", **PRODUCTION_ENV, STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stderr
    hashed_css = [p.name for p in (tmp_path / "css").glob("site.*.css")]
    assert hashed_css, "no hashed site.css"
    assert (tmp_path / "css" / f"{hashed_css[0]}.gz").exists()
    assert (tmp_path / "css" / f"{hashed_css[0]}.br").exists()
    assert (tmp_path / "staticfiles.json").exists()
