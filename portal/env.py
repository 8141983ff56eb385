"""Small helpers that read settings from the environment.

A wrong value stops the process with one clear line instead of a traceback, so an
operator sees at once which variable to fix.
"""

import datetime
import os
import sys

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
# gunicorn stops its master (instead of respawning workers forever) when a worker exits
# with this code: its WORKER_BOOT_ERROR.
EXIT_CONFIGURATION_ERROR = 3


class ConfigurationError(SystemExit):
    def __init__(self, message: str) -> None:
        print(f"Tawasul configuration error: {message}", file=sys.stderr)
        super().__init__(EXIT_CONFIGURATION_ERROR)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigurationError(
        f"{name} must be one of 1/0, true/false, yes/no, on/off (got {raw!r})."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number (got {raw!r}).") from None


def env_time(name: str, default: str) -> datetime.time:
    """A time of day written HH:MM (24-hour clock)."""
    raw = env_str(name, default)
    try:
        return datetime.time.fromisoformat(raw if len(raw) == 5 else "invalid")
    except ValueError:
        raise ConfigurationError(f"{name} must be a time such as 07:30 (got {raw!r}).") from None


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ConfigurationError(
            f"{name} must be one of {', '.join(sorted(choices))} (got {value!r})."
        )
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_required(name: str, reason: str) -> str:
    value = env_str(name)
    if not value:
        raise ConfigurationError(f"{name} must be set {reason}.")
    return value


def env_database(name: str, default: str, **options) -> dict:
    import dj_database_url

    url = env_str(name) or default
    try:
        return dj_database_url.parse(url, **options)
    except Exception as error:
        raise ConfigurationError(f"{name} is not a usable database URL ({error}).") from None


def env_time_zone(name: str, default: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"{name} must be a time zone such as Asia/Muscat (got {value!r})."
        ) from None
    return value
