"""Settings for Tawasul: one module, every deployment difference comes from the environment.

The defaults give a newcomer a working site with nothing else installed (SQLite, local
memory cache, immediate background tasks, console e-mail). Production sets
``DJANGO_DEBUG=0`` and the variables documented in README.md and ``.env.example``.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from portal.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_required,
    env_str,
    env_time,
    env_time_zone,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# Off unless asked for: a forgotten variable must never expose debug pages in production.
DEBUG = env_bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY") or "insecure-development-key-never-use-in-production"
else:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY", "when DJANGO_DEBUG is off")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ConfigurationError("DJANGO_SECRET_KEY must be at least 50 random characters.")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ConfigurationError("DJANGO_ALLOWED_HOSTS must list the site's host names.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before django.contrib.admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "portal",
    "news",
    "feedback",
    "campaigns",
    "accountability",
    "crisis",
    # "You said, we did": the public pages of published suggestions (issue 17).
    "outcomes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Security: the header middlewares sit outermost (their responses are processed last),
    # so the redirects and error pages made by the middlewares below carry the headers too.
    "portal.middleware.ContentSecurityPolicyMiddleware",  # django-csp's, see there
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    # NUL bytes in the address: 400 before any query (PostgreSQL would make it a 500).
    "portal.middleware.RejectNullBytesMiddleware",
    # TRACE, PUT, OPTIONS and made-up methods: 405, whatever the view.
    "portal.middleware.RejectUnknownMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The crisis banner goes into every page here, stored copies included (crisis/banner.py).
    "crisis.banner.BannerMiddleware",
    # Stored anonymous public pages are answered here, with the security headers above and
    # without the work below (sessions, locale, CSRF, auth, messages): see news/http.py.
    # Campaign short links and views of campaign pages, counted before the page cache
    # answers (campaigns/middleware.py).
    "campaigns.middleware.CampaignMiddleware",
    # A citizen's stored tracking page, likewise before sessions and authentication, its
    # forms' CSRF token and cookie put in as Django's would be (feedback/tracking_page.py).
    "feedback.tracking_page.StoredTrackingPageMiddleware",
    "news.http.CachedPageMiddleware",
    # Django's, with the idle expiry pushed forward at most once a minute (portal/sessions.py).
    "portal.sessions.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which parses the body: oversized bodies are a 413 from their headers,
    # and views' pre-body checks (the feedback form's rate limit) run on headers alone.
    "portal.middleware.RequestBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a lockout into the friendly page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "portal.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Trigram search on Arabic text needs a UTF-8 ctype (see docs/decisions.md).
    DATABASES["default"].setdefault("TEST", {}).update({"TEMPLATE": "template0", "CHARSET": "UTF8"})
    # A database host that does not answer (down, or packets dropped) must fail in seconds
    # with the 503 page, not hold a gunicorn worker until its timeout (docs/resilience.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 3)
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is the single-user development default; it must not block on a second writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis (required in production), else this process's memory ---------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "tawasul"),
            # A Redis that stops answering must fail fast, not hang every request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # Per process: production refuses this while rate limits are in force (see the
    # rate limits below).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks -----------------------------------------------------------------
TASK_BACKENDS = {
    # Runs the task at once, in the request: development and tests.
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    # Stores the task; `manage.py db_worker` runs it: production.
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ConfigurationError("TASKS_BACKEND must be 'immediate' or 'database'.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# --- Languages --------------------------------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
# Ours first (it wins); then the Arabic of Django's own strings (admin screens, its
# widgets' JavaScript, auth, forms) that Django's catalogue lacks, kept apart because
# `make messages` would drop them from ours as unused.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "django"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_time_zone("DJANGO_TIME_ZONE", "Asia/Muscat")
# One date and number style per language (docs/decisions.md, "Dates and numbers"), used
# through portal.formatting. Thousands are grouped only where a person reads the number
# (|local_number): a plain {{ n }} stays machine-readable in URLs and attributes.
FORMAT_MODULE_PATH = ["portal.formats"]
USE_THOUSAND_SEPARATOR = False
MODELTRANSLATION_DEFAULT_LANGUAGE = "ar"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ar", "en"), "ar": ("en",), "en": ("ar",)}
# The tabbed admin's jQuery UI is vendored: no CDN, and it passes the CSP.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
# A stuck mail server must not hold a task worker forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tawasul <no-reply@tawasul.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The public address used in links inside e-mails and feeds (no request is at hand there).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Security -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# After sign-in without a (safe) destination: the landing of each role (portal.views).
LOGIN_REDIRECT_URL = "portal:staff_start"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Only staff have sessions (citizens need no account). A staff session ends after this many
# idle minutes: every request pushes the expiry forward.
SESSION_COOKIE_AGE = env_int("STAFF_SESSION_IDLE_MINUTES", 30) * 60
# Activity pushes the expiry forward, with one write a minute at most (portal/sessions.py)
# instead of Django's SESSION_SAVE_EVERY_REQUEST, a commit on every staff request.
SESSION_ENGINE = "portal.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    # Behind a TLS-terminating reverse proxy that sets (and never passes on) X-Forwarded-Proto.
    if env_bool("DJANGO_BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)

# How many reverse proxies in front of the app append to X-Forwarded-For. 0 = use the
# connection's address. Decides the "client address" for lockouts and rate limits.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0 if DEBUG else 1)

# Staff sign-in protection (django-axes, django-otp).
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", default=not DEBUG)
AXES_FAILURE_LIMIT = env_int("STAFF_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("STAFF_LOGIN_COOLOFF_MINUTES", 15))
# Per account *and* address (a stranger cannot lock a moderator out), plus an hourly
# bound per account and per address an order higher, with pauses that grow: the rules
# are in portal/lockout.py, on the records django-axes keeps.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
STAFF_LOGIN_FAILURES_PER_HOUR = env_int("STAFF_LOGIN_FAILURES_PER_HOUR", 50)
AXES_HANDLER = "portal.lockout.StaffLockoutHandler"
AXES_LOCKOUT_CALLABLE = "portal.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# A refused attempt during a pause checks no password: it must not count, or lengthen it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "portal.http.client_address"
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Ministry networks behind one shared address can be exempted from lockouts (they still
# need the password and the one-time code).
AXES_IP_WHITELIST = env_list("STAFF_LOGIN_TRUSTED_ADDRESSES") or None
AXES_NEVER_LOCKOUT_WHITELIST = AXES_IP_WHITELIST is not None
OTP_TOTP_ISSUER = env_str("OTP_ISSUER", "Tawasul")
# Hours the one-time enrolment code of a new staff account (add_staff, the admin) is valid.
STAFF_ENROLMENT_CODE_HOURS = env_int("STAFF_ENROLMENT_CODE_HOURS", 72)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- Product settings -----------------------------------------------------------------
# How long contact details of closed items are kept (days); the privacy page states it.
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{levelname} {name} {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "DJANGO_LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
        ),
    },
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Lockouts are logged as warnings; its start-up banner and successes are noise.
        "axes": {"level": "WARNING"},
    },
}

# --- Feedback ---------------------------------------------------------------------------
# Attachments of citizens' feedback: a folder that is NEVER served by the web server or
# whitenoise (MEDIA_ROOT is public, for news photos). Only a permission-checked view reads it.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT") or BASE_DIR / "private")
if any(
    PRIVATE_MEDIA_ROOT.resolve().is_relative_to(public.resolve())
    for public in (MEDIA_ROOT, STATIC_ROOT, BASE_DIR / "static")
):
    raise ConfigurationError(
        "PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT or the static folders (they are public)."
    )
FEEDBACK_MAX_ATTACHMENTS = env_int("FEEDBACK_MAX_ATTACHMENTS", 3)
FEEDBACK_MAX_ATTACHMENT_BYTES = env_int("FEEDBACK_MAX_ATTACHMENT_BYTES", 5 * 1024 * 1024)
# Bounds on the work of decoding images (portal/images.py), checked from the header before
# any pixel is decoded: pixels a side and an image after reduction (a larger JPEG is decoded
# at 1/2, 1/4 or 1/8 of its size; other formats above the bound are refused), and the pixels
# all the images of one submission may decode together. 24 MP is a 6000×4000 photo.
FEEDBACK_MAX_IMAGE_SIDE = env_int("FEEDBACK_MAX_IMAGE_SIDE", 10_000)
FEEDBACK_MAX_IMAGE_PIXELS = env_int("FEEDBACK_MAX_IMAGE_PIXELS", 24_000_000)
FEEDBACK_MAX_REQUEST_PIXELS = env_int("FEEDBACK_MAX_REQUEST_PIXELS", 50_000_000)
# PDFs are parsed (qpdf) in a child process with these bounds: seconds for all the PDFs of
# one submission together, memory for each; a PDF over them is refused as damaged. A scan
# takes about 60 ms there, most of it starting the child.
FEEDBACK_PDF_CHECK_SECONDS = env_int("FEEDBACK_PDF_CHECK_SECONDS", 3)
FEEDBACK_PDF_CHECK_MEMORY_MB = env_int("FEEDBACK_PDF_CHECK_MEMORY_MB", 256)
# Files of a form that came back with an error are kept (cleaned, private) this long for
# the citizen to send it again; then the token refuses them and purge_kept_uploads deletes
# them (feedback/kept_uploads.py).
FEEDBACK_KEPT_UPLOADS_SECONDS = env_int("FEEDBACK_KEPT_UPLOADS_SECONDS", 60 * 60)
if FEEDBACK_KEPT_UPLOADS_SECONDS < 60:
    raise ConfigurationError("FEEDBACK_KEPT_UPLOADS_SECONDS must be at least 60.")
# The privacy notice the citizen consents to; recorded with every submission.
FEEDBACK_PRIVACY_NOTICE_VERSION = env_str("FEEDBACK_PRIVACY_NOTICE_VERSION", "2026-1")
# --- Request bodies ---
# The largest body a request may announce, refused with a 413 page before it is read.
# Every form but two carries a few kilobytes of text (nginx's default, 1 MB, is plenty).
REQUEST_MAX_BODY_BYTES = env_int("REQUEST_MAX_BODY_BYTES", 1024 * 1024)
REQUEST_MAX_BODY_BYTES_BY_VIEW = {
    # The feedback form: every attachment at its largest, plus 1 MB for text and the
    # multipart framing.
    "feedback:new": FEEDBACK_MAX_ATTACHMENTS * FEEDBACK_MAX_ATTACHMENT_BYTES + 1024 * 1024,
    # The "is this true?" form: one screenshot at its largest, plus the text.
    "feedback:ask": FEEDBACK_MAX_ATTACHMENT_BYTES + 1024 * 1024,
    # The admin (URL namespace): an article's photo of up to 10 MB (news/images.py).
    "admin": env_int("ADMIN_MAX_BODY_BYTES", 11 * 1024 * 1024),
}
# Rate limits: (requests, seconds). Counted in the cache (Redis when configured), keyed by
# a salted hash of the client address or e-mail: raw addresses are never stored.
FEEDBACK_RATE_LIMITS = {
    # Every POST of the form, valid or not, per client address.
    "submit_address": (env_int("FEEDBACK_SUBMIT_LIMIT_PER_ADDRESS", 20), 60 * 60),
    # Accepted submissions per contact e-mail.
    "submit_email": (env_int("FEEDBACK_SUBMIT_LIMIT_PER_EMAIL", 5), 60 * 60),
    # Tracking look-ups (reference + e-mail), per client address: stops enumeration.
    "track_address": (env_int("FEEDBACK_TRACK_LIMIT_PER_ADDRESS", 20), 10 * 60),
}
# "Was this page useful?" (campaigns/useful.py): one answer per page per address a day,
# and this many answers a day per address in all. Not one of the limits above: a
# single-process install counts them in its own memory, which bounds the same thing.
CAMPAIGNS_USEFUL_LIMITS = {
    "useful_page": (1, 24 * 60 * 60),
    "useful_address": (env_int("CAMPAIGNS_USEFUL_LIMIT_PER_ADDRESS", 100), 24 * 60 * 60),
}
# Campaign counts (clicks, page views, usefulness answers) are kept in each process's
# memory and sent to the shared cache at most this often, in one batch: a counted page
# costs no round trip to Redis. 0 sends every count at once. An outage or a killed
# process loses at most this many seconds of counts more (campaigns/counters.py).
CAMPAIGN_COUNT_BATCH_SECONDS = env_int("CAMPAIGN_COUNT_BATCH_SECONDS", 1)
if CAMPAIGN_COUNT_BATCH_SECONDS < 0:
    raise ConfigurationError("CAMPAIGN_COUNT_BATCH_SECONDS must be 0 or more (0: no batches).")
# The staff password reset: requests per client address, and e-mails sent per address typed.
STAFF_PASSWORD_RESET_LIMITS = {
    "reset_address": (env_int("STAFF_PASSWORD_RESET_LIMIT_PER_ADDRESS", 5), 60 * 60),
    "reset_email": (env_int("STAFF_PASSWORD_RESET_LIMIT_PER_EMAIL", 3), 60 * 60),
}
# Without the shared cache each process counts the limits above on its own: with 4 workers
# a form limit of 20 an hour becomes 80. Production therefore needs REDIS_URL, unless the
# operator says the site runs as one process, or it is a load test: every public limit
# (FEEDBACK_RATE_LIMITS, the only ones anonymous traffic reaches) set to
# UNREACHABLE_RATE_LIMIT or more per window, as `.ci/bench` and the peer comparison do.
# Then nothing the test sends is counted, and the staff password-reset limits, which no
# load test touches, count per process.
UNREACHABLE_RATE_LIMIT = 1_000_000
if (
    not REDIS_URL
    and not DEBUG
    and not env_bool("TAWASUL_ALLOW_LOCAL_CACHE", default=False)
    and any(limit < UNREACHABLE_RATE_LIMIT for limit, _ in FEEDBACK_RATE_LIMITS.values())
):
    raise ConfigurationError(
        "REDIS_URL must be set when DJANGO_DEBUG is off (rate limits must be shared by "
        "every worker); a single-process install may set TAWASUL_ALLOW_LOCAL_CACHE=1."
    )
# Weekdays without work (Monday is 0): Friday and Saturday in Oman.
FEEDBACK_WEEKEND = (4, 5)
# Working hours of working days (local time), for the kinds whose response target is in
# hours: response times of those are measured in working hours (feedback.calendar).
FEEDBACK_WORKING_HOURS = (
    env_time("FEEDBACK_WORKING_DAY_START", "07:30"),
    env_time("FEEDBACK_WORKING_DAY_END", "14:30"),
)
if FEEDBACK_WORKING_HOURS[0] >= FEEDBACK_WORKING_HOURS[1]:
    raise ConfigurationError("FEEDBACK_WORKING_DAY_START must be before FEEDBACK_WORKING_DAY_END.")
# Inquiries about claims ("is this true?"): the answer is due this many working hours
# after the inquiry arrives; a claim is at most this many characters in the citizen's words.
FEEDBACK_INQUIRY_RESPONSE_HOURS = env_int("FEEDBACK_INQUIRY_RESPONSE_HOURS", 8)
if FEEDBACK_INQUIRY_RESPONSE_HOURS < 1:
    raise ConfigurationError("FEEDBACK_INQUIRY_RESPONSE_HOURS must be at least 1.")

# --- Feedback workflow ---
# Notification mails: tries per mail (the task retries a failing server before giving up)
# and the pause between tries, growing with each try.
# One try when tasks run inside the request (immediate backend): a dead mail server must
# not hold a citizen's or a moderator's page for the retries.
# With the database worker each try is its own task, run after a pause doubling from
# RETRY_SECONDS up to RETRY_MAX_SECONDS: 16 tries span about 6 hours of mail-server outage.
FEEDBACK_MAIL_ATTEMPTS = env_int("FEEDBACK_MAIL_ATTEMPTS", 16 if TASKS_BACKEND == "database" else 1)
FEEDBACK_MAIL_RETRY_SECONDS = env_int("FEEDBACK_MAIL_RETRY_SECONDS", 5)
FEEDBACK_MAIL_RETRY_MAX_SECONDS = env_int("FEEDBACK_MAIL_RETRY_MAX_SECONDS", 60 * 60)

# --- "Not resolved" (issue 17) ---
# Days (calendar days, from the latest answer) in which the citizen may say the answer did
# not resolve the request; after them an answer nobody confirmed is closed by
# ``close_unconfirmed_answers``. How often one request may be reopened that way.
FEEDBACK_REOPEN_DAYS = env_int("FEEDBACK_REOPEN_DAYS", 14)
FEEDBACK_REOPEN_LIMIT = env_int("FEEDBACK_REOPEN_LIMIT", 1)
if FEEDBACK_REOPEN_DAYS < 1 or FEEDBACK_REOPEN_LIMIT < 0:
    raise ConfigurationError(
        "FEEDBACK_REOPEN_DAYS must be at least 1 and FEEDBACK_REOPEN_LIMIT at least 0."
    )

# --- Feedback staff dashboard ---
# Seconds the dashboard's numbers are shared by everyone of the same scope (all ministries,
# or one ministry). 0 (the default) reads them on every visit: they come from the daily
# aggregates (feedback.stats), a few milliseconds whatever the number of items.
FEEDBACK_DASHBOARD_CACHE_SECONDS = env_int("FEEDBACK_DASHBOARD_CACHE_SECONDS", 0)

# --- Public statistics and open data (accountability, issue 17) ---
# A figure resting on fewer requests or ratings than this is shown as "fewer than N", and
# a ministry with fewer requests in a period is not ranked.
PUBLIC_STATS_MIN_COUNT = env_int("PUBLIC_STATS_MIN_COUNT", 10)
if PUBLIC_STATS_MIN_COUNT < 2:
    raise ConfigurationError("PUBLIC_STATS_MIN_COUNT must be at least 2.")
OPEN_DATA_LICENCE_NAME = env_str("OPEN_DATA_LICENCE_NAME", "CC BY 4.0")
OPEN_DATA_LICENCE_URL = env_str(
    "OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)

# --- Performance (make bench, issue 6) --------------------------------------------------
# Django's Redis backend with one client per connection pool (see portal/cache.py).
if REDIS_URL:
    CACHES["default"]["BACKEND"] = "portal.cache.RedisCache"
# Seconds each process may answer a stored public page from its own copy without asking
# the shared cache (news/cache.py): a change made elsewhere reaches it this much later.
NEWS_PAGE_LOCAL_SECONDS = env_int("NEWS_PAGE_LOCAL_SECONDS", 1)
if NEWS_PAGE_LOCAL_SECONDS < 0 or NEWS_PAGE_LOCAL_SECONDS > 10:
    raise ConfigurationError("NEWS_PAGE_LOCAL_SECONDS must be between 0 and 10.")

# --- Crisis communication (crisis app, issue 15) ----------------------------------------
# Seconds the shared banner state (the current alerts, rendered) is reused before it is
# read again from the database, and seconds each process reuses it without asking the
# cache; publishing replaces it at once. With the browsers' max-age below, a published,
# cancelled or expired alert reaches every page within their sum (10 s, docs/decisions.md).
CRISIS_BANNER_REFRESH_SECONDS = env_int("CRISIS_BANNER_REFRESH_SECONDS", 4)
CRISIS_BANNER_LOCAL_SECONDS = env_int("CRISIS_BANNER_LOCAL_SECONDS", 1)
CRISIS_PAGE_MAX_AGE = env_int("CRISIS_PAGE_MAX_AGE", 5)
if CRISIS_BANNER_REFRESH_SECONDS + CRISIS_BANNER_LOCAL_SECONDS + CRISIS_PAGE_MAX_AGE > 10:
    raise ConfigurationError(
        "CRISIS_BANNER_REFRESH_SECONDS + CRISIS_BANNER_LOCAL_SECONDS + CRISIS_PAGE_MAX_AGE "
        "must be at most 10 (the banner's promise)."
    )
# Minutes the banner says "this emergency is over" after a Cancel is published.
CRISIS_ENDED_NOTICE_MINUTES = env_int("CRISIS_ENDED_NOTICE_MINUTES", 60)
# Exercise and Test messages in the CAP documents and feed (drills with partners); never
# on the banner nor mailed, whatever this says.
CRISIS_CAP_INCLUDE_DRILLS = env_bool("CRISIS_CAP_INCLUDE_DRILLS", default=False)
# CAP <sender>: the originator's identifier (no spaces, commas, < or &).
CRISIS_CAP_SENDER = env_str("CRISIS_CAP_SENDER", "alerts@tawasul.example")
# Subscribers mailed by one task; each batch is a task of its own for the worker.
CRISIS_MAIL_BATCH_SIZE = env_int("CRISIS_MAIL_BATCH_SIZE", 200)
# Hours an unconfirmed subscription (and its confirmation link) is kept, then purged.
CRISIS_UNCONFIRMED_HOURS = env_int("CRISIS_UNCONFIRMED_HOURS", 48)
# The subscription form: POSTs per client address, confirmation mails per address typed.
# Not in FEEDBACK_RATE_LIMITS: the check above decides from those alone whether production
# may start without Redis; without it these count per process (docs/security.md).
CRISIS_SUBSCRIBE_LIMITS = {
    "subscribe_address": (env_int("CRISIS_SUBSCRIBE_LIMIT_PER_ADDRESS", 10), 60 * 60),
    "subscribe_email": (env_int("CRISIS_SUBSCRIBE_LIMIT_PER_EMAIL", 3), 24 * 60 * 60),
}
