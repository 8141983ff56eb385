import io
import logging
import sys
from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from news.http import public_page
from portal import enrolment, roles
from portal.context_processors import official_channels
from portal.forms import EnrolmentCodeForm, OneTimeCodeForm
from portal.models import ContactDetails, Ministry
from portal.structured_data import government_organization, json_ld_script

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait when the database is unreachable: a restart or a
# fail-over takes about this long (docs/resilience.md).
DATABASE_RETRY_AFTER_SECONDS = 30


@public_page
def home(request: HttpRequest) -> HttpResponse:
    # Shared-cached like the news pages: what changes on it is the news (featured and
    # latest), and any change to articles, categories or ministries replaces the cache
    # version (news/cache.py). Without the cache it ran at a tenth of /healthz.
    return render(request, "portal/home.html")


@public_page
def contact(request: HttpRequest) -> HttpResponse:
    """Address, phone, opening hours and official channels, edited by staff in the admin
    (ContactDetails, OfficialChannel); shared-cached like the home page, and any change to
    either replaces the cache version (news.signals)."""
    details = ContactDetails.current()
    channels = official_channels()
    structured = government_organization(request, details, [channel.url for channel in channels])
    return render(
        request,
        "portal/contact.html",
        {"details": details, "channels": channels, "json_ld": json_ld_script(structured)},
    )


def about(request: HttpRequest) -> HttpResponse:
    ministries = Ministry.objects.active()
    return render(request, "portal/about.html", {"ministries": ministries})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/privacy.html",
        {
            "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
            "stats_minimum": settings.PUBLIC_STATS_MIN_COUNT,
            "subscription_hours": settings.CRISIS_UNCONFIRMED_HOURS,
        },
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever the page links to.

    A temporary redirect: the target's hashed name changes with the icon, and browsers
    remember permanent redirects."""
    return redirect(static("icons/favicon.svg"))


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches no database, so a database outage does not
    make the orchestrator restart every app server at once."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: this server can do useful work. Names each dependency that fails.

    Only the database makes it 503: without Redis the site still serves every page
    (uncached, rate limits per process), and a load balancer that took every server out of
    rotation when the cache stops would turn a slowdown into an outage."""
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    status = 200 if checks["database"] else 503
    return JsonResponse(
        {name: "ok" if ok else "failing" for name, ok in checks.items()}, status=status
    )


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _cache_ok() -> bool:
    try:
        cache.set("portal:readyz", "1", 10)
        return cache.get("portal:readyz") == "1"
    except Exception:
        return False


# --- Staff sign-in and landing -----------------------------------------------------------


def staff_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in page, landing each role on its work afterwards.

    A destination the visitor asked for (``?next=``, a safe local address) still wins;
    the admin's own default, its index, counts as none, since that is where anyone who
    opens /admin/ is sent back to. An unsafe address falls back to LOGIN_REDIRECT_URL,
    the same landing.
    """
    # The sign-in page has no language prefix: its language switch is a form.
    extra_context = {"language_switch_form": True}
    asked = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if asked in ("", reverse("admin:index")):
        for name in ("GET", "POST"):
            params = getattr(request, name).copy()
            params.pop(REDIRECT_FIELD_NAME, None)
            setattr(request, name, params)
        extra_context[REDIRECT_FIELD_NAME] = reverse("portal:staff_start")
    return admin.site.login(request, extra_context=extra_context)


def landing_url(user) -> str:
    """Where each role's work is: the queue, the inbox, the dashboard, the news admin, the
    crisis alerts."""
    if roles.is_moderator(user):
        return reverse("feedback_staff:queue")
    if roles.officer_ministry_id(user) is not None:
        return reverse("feedback_staff:inbox")
    if roles.has_role(user, roles.MANAGERS):
        return reverse("feedback_staff:dashboard")
    if roles.has_role(user, roles.EDITORS):
        return reverse("admin:news_article_changelist")
    if roles.has_role(user, roles.CRISIS_PUBLISHERS):
        return reverse("crisis_staff:index")
    return reverse("admin:index")


@never_cache
@login_required(login_url="admin:login")
def staff_start(request: HttpRequest) -> HttpResponse:
    """The landing after sign-in (and after the second factor, when no page was asked
    for). Outside the staff area itself: the page it sends to asks for the code."""
    _staff_only(request)
    return redirect(landing_url(request.user))


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that cannot be reached is a temporary outage, not a bug.

    The citizen gets the translated 503 page with ``Retry-After`` instead of the 500 page;
    any other error keeps the static 500 page (it needs neither database nor context)."""
    error = sys.exc_info()[1]
    if not isinstance(error, (OperationalError, InterfaceError)):
        return HttpResponse(render_to_string("500.html"), status=500)
    logger.warning("database unavailable: answered 503 (%s)", type(error).__name__)
    try:
        # The footer's channels and the messages would query the database again.
        body = render_to_string(
            "503.html",
            {
                "official_channels": [],
                "messages": [],
                "retry_seconds": DATABASE_RETRY_AFTER_SECONDS,
            },
            request=request,
        )
    except Exception:
        logger.exception("the 503 page could not be rendered; answering the static 500 page")
        body = render_to_string("500.html")
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


# --- Staff second factor ------------------------------------------------------------------
# Staff sign in with their password on the admin's login page; StaffTwoFactorMiddleware
# then sends them here before anything else in the staff area.


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise Http404


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("portal:staff_start")


def _with_next(view_name: str, request: HttpRequest) -> str:
    return f"{resolve_url(view_name)}?{urlencode({'next': _next_url(request)})}"


# The session's user id once its enrolment code was accepted (the QR code comes next).
ENROLMENT_CODE_ACCEPTED = "portal_enrolment_code_accepted"


@never_cache
@login_required(login_url="admin:login")
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: type the enrolment code, then scan the QR code (or type
    the key) and confirm a code from the app."""
    _staff_only(request)
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        # A second device needs the first one: a stolen password alone must not enrol one.
        return redirect(_with_next("portal:two_factor_verify", request))
    if request.session.get(ENROLMENT_CODE_ACCEPTED) != request.user.pk:
        # Not trust on first use: the password alone shows no QR code (no secret).
        code_form = EnrolmentCodeForm(request.POST or None, user=request.user)
        if request.method == "POST" and code_form.is_valid():
            request.session[ENROLMENT_CODE_ACCEPTED] = request.user.pk
            return redirect(_with_next("portal:two_factor_setup", request))
        return render(
            request,
            "portal/two_factor_enrolment_code.html",
            {"form": code_form, "next": _next_url(request)},
        )
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = OneTimeCodeForm(request.POST or None, devices=[device])
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        enrolment.spend(request.user)
        request.session.pop(ENROLMENT_CODE_ACCEPTED, None)
        otp_login(request, device)
        return redirect(_next_url(request))
    qr_svg = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        qr_svg, kind="svg", xmldecl=False, scale=5, border=2, title=None
    )
    return render(
        request,
        "portal/two_factor_setup.html",
        {
            "form": form,
            "next": _next_url(request),
            # segno's own SVG output from our own data: nothing a user typed is in it.
            "qr_svg": mark_safe(qr_svg.getvalue().decode()),
            "secret": b32encode(device.bin_key).decode(),
        },
    )


@never_cache
@login_required(login_url="admin:login")
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    if not devices:
        return redirect(_with_next("portal:two_factor_setup", request))
    form = OneTimeCodeForm(request.POST or None, devices=devices)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(_next_url(request))
    return render(
        request, "portal/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )
