"""The stored tracking page, answered before sessions, CSRF's view checks, authentication,
messages and django-axes.

A citizen's private tracking link (``/<lang>/feedback/track/<token>/``) is the same page for
every anonymous visitor of that link until the item changes, but for the CSRF token of its
forms: the view stores it with ``portal.pagecache.page_with_csrf_token``, keyed by the
address and valid while the item's *version* is current (``version`` below: the item's
``updated_at`` and status, and for an inquiry its claim's ``updated_at``; every change of
either goes through the workflow, which sets ``updated_at``).

``StoredTrackingPageMiddleware`` answers such a stored copy near the top of the stack, like
``news.http.CachedPageMiddleware`` answers public pages: it reads the link's signature,
the item's version in one query whose SQL is compiled once per process (compiling the ORM
query was most of the page's cost: 0.6 ms of a 1.8 ms page), looks the copy up and puts
the visitor's CSRF token in, setting the CSRF cookie exactly as Django's middleware would.
Anything else (no copy yet, a page that is never stored, a forged link, a logged-in visitor,
a query string) goes on unchanged to the view, which decides with the same functions.
"""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from feedback.tracking import read_token
from portal import pagecache
from portal.http import is_anonymous

PAGE_NAME = "feedback-tracking"
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)
_SENTINEL = "\x00reference\x00"


def _instant(value: datetime.datetime | None) -> str:
    """A moment as microseconds since the epoch: the same text whether the ORM (aware) or
    the raw cursor (naive UTC on SQLite, aware on PostgreSQL) read it."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return str((value - _EPOCH) // _MICROSECOND)


def version(
    updated_at: datetime.datetime, status: str, claim_updated_at: datetime.datetime | None
) -> str:
    """The version of an item's stored tracking page: it changes with the item and with
    the claim an inquiry is attached to."""
    return f"{_instant(updated_at)}|{status}|{_instant(claim_updated_at)}"


def is_storable(has_attachments: bool, personal_data_erased_at) -> bool:
    """A page that lists the citizen's files (their names are personal data) is never put
    in the shared cache: a copy there would outlive an erasure by its lifetime."""
    return not (has_attachments and personal_data_erased_at is None)


def link_headers(response: HttpResponse) -> HttpResponse:
    # The private link is in the address bar: never send it to another site. same-origin,
    # not no-referrer: under no-referrer browsers post "Origin: null", and Django's CSRF
    # check then refuses the rating form on this page.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _version_queryset(reference: str):
    from feedback.models import Attachment, Inquiry, Submission

    return (
        Submission.objects.filter(reference=reference)
        .order_by()
        .annotate(
            has_attachments=Exists(Attachment.objects.filter(submission=OuterRef("pk"))),
            claim_updated_at=Subquery(
                Inquiry.objects.filter(submission=OuterRef("pk")).values("claim__updated_at")[:1]
            ),
        )
        .values_list(
            "updated_at", "status", "claim_updated_at", "has_attachments", "personal_data_erased_at"
        )[:1]
    )


class _CompiledVersionQuery:
    """The version query's SQL, compiled once per process from the ORM query (so it follows
    the models), then run with the reference as its one changing parameter."""

    def __init__(self) -> None:
        self._sql: str | None = None
        self._params: tuple = ()
        self._slot = -1

    def __call__(self, reference: str) -> tuple | None:
        if self._sql is None:
            sql, params = _version_queryset(_SENTINEL).query.sql_with_params()
            self._slot = params.index(_SENTINEL)
            self._params, self._sql = tuple(params), sql
        params = list(self._params)
        params[self._slot] = reference
        with connection.cursor() as cursor:
            cursor.execute(self._sql, params)
            return cursor.fetchone()


read_version = _CompiledVersionQuery()


class StoredTrackingPageMiddleware:
    """Answer an anonymous GET of a private tracking link from its stored copy.

    Placed after the security and crisis-banner middlewares (the copy gets every header and
    the current banner) and before sessions, locale, CSRF, authentication, messages and
    django-axes. The CSRF cookie is read and set by Django's own ``CsrfViewMiddleware``
    methods, so the forms on the page post exactly as from a rendered page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)
        self.prefixes: dict[str, str] = {}
        marker = "TOKEN"
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                path = reverse("feedback:track_link", kwargs={"token": marker})
            self.prefixes[language] = path[: path.index(marker)]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and not request.META.get("QUERY_STRING"):
            response = self.stored(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _token(self, path: str) -> tuple[str, str] | None:
        if not path.endswith("/"):
            return None
        for language, prefix in self.prefixes.items():
            if path.startswith(prefix):
                token = path[len(prefix) : -1]
                return (language, token) if token and "/" not in token else None
        return None

    def stored(self, request: HttpRequest) -> HttpResponse | None:
        found = self._token(request.path_info)
        if found is None or not is_anonymous(request):
            return None
        language, token = found
        reference = read_token(token)
        if reference is None:
            return None  # the view answers a forged link
        row = read_version(reference)
        if row is None:
            return None
        updated_at, status, claim_updated_at, has_attachments, erased_at = row
        if not is_storable(bool(has_attachments), erased_at):
            return None
        key = pagecache.stored_key(request, PAGE_NAME, language)
        try:
            parts = pagecache.stored_parts(key, version(updated_at, status, claim_updated_at))
        except Exception:
            return None  # the view handles (and logs) a cache that is down
        if parts is None:
            return None
        self.csrf.process_request(request)
        response = pagecache.answer_with_token(request, parts)
        add_never_cache_headers(response)
        link_headers(response)
        # What LocaleMiddleware and CommonMiddleware would have added.
        response["Content-Language"] = language
        response["Content-Length"] = str(len(response.content))
        return self.csrf.process_response(request, response)
