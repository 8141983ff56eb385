from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from portal.models import Ministry


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def about(request: HttpRequest) -> HttpResponse:
    ministries = Ministry.objects.active()
    return render(request, "portal/about.html", {"ministries": ministries})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/privacy.html",
        {"retention_days": settings.PERSONAL_DATA_RETENTION_DAYS},
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever the page links to."""
    return redirect(static("icons/favicon.svg"), permanent=True)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches no database, so a database outage does not
    make the orchestrator restart every app server at once."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: this server can do useful work (database and cache answer)."""
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    status = 200 if all(checks.values()) else 503
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
