"""Test settings: production settings (DEBUG off) with fast, isolated pieces swapped in.

DATABASE_URL and REDIS_URL still come from the environment, so CI runs the same suite
on SQLite + local memory and on PostgreSQL + Redis.
"""

import os
import tempfile

# Forced, not defaulted: the Makefile exports DJANGO_DEBUG=1 for local commands, and the
# suite must test production behaviour whatever the shell says.
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-" + "x1y2z3" * 10)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# The suite is one process: its local-memory cache is shared by everything it runs (the
# first CI run tests exactly that, without Redis).
os.environ.setdefault("TAWASUL_ALLOW_LOCAL_CACHE", "1")
# pytest-django's live_server runs sync Playwright next to Django's ORM in one thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from portal.settings import *  # noqa: F403
from portal.settings import CACHES, INSTALLED_APPS, STORAGES

# The benchmark harness's commands are tested too (tests/bench/); production never installs it.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="tawasul-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Hashed names need collectstatic; tests read the source files through the finders.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests of the second factor switch it on themselves; other staff tests sign in with
# force_login (django-axes refuses Client.login without a request).
STAFF_2FA_REQUIRED = False
# Tests over plain http: secure cookies would never come back from the browser.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
if "KEY_PREFIX" in CACHES["default"]:
    # Several runs may share one Redis: each run gets its own keys, and tests/conftest.py
    # deletes only those.
    CACHES["default"]["KEY_PREFIX"] = f"tawasul-test-{os.getpid()}"
# --- Feedback ---
# Attachments are private files: a temporary folder of their own, apart from MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="tawasul-test-private-")
# --- Feedback workflow ---
FEEDBACK_MAIL_RETRY_SECONDS = 0
