"""The operator's view: the environment decides, and a wrong value stops the start with
one clear line."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "p" + "rodUction-k3y-" * 5,
    "DJANGO_ALLOWED_HOSTS": "tawasul.example",
    "DJANGO_SETTINGS_MODULE": "portal.settings",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Tawasul configuration error: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
    )


def test_production_refuses_a_short_secret_key():
    result = manage("check", **{**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode == 1
    assert "at least 50 random characters" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_misspelt_boolean_is_refused_with_its_name():
    result = manage("check", **{**PRODUCTION_ENV, "DJANGO_DEBUG": "maybe"})
    assert result.returncode == 1
    assert "DJANGO_DEBUG must be one of" in result.stderr
    assert "Traceback" not in result.stderr


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
