import re
from collections.abc import Callable
from urllib.parse import unquote, urlencode

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django_otp import user_has_device

from portal.http import content_length


class SecurityHeadersMiddleware:
    """Headers Django has no setting for: Permissions-Policy.

    (CSP comes from django-csp, the rest from SecurityMiddleware.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# What a view or decorator of django-csp sets on a response to change its policy.
_CSP_OVERRIDES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_plain_policies: dict[bool, str] = {}


@receiver(setting_changed)
def _forget_plain_policies(*, setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _plain_policies.clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy of a response that changes nothing built
    once per process instead of on every response.

    A page that used no nonce and no per-view policy (every cached public page, every
    redirect, ``/healthz``) gets the same header every time, but django-csp rebuilds it
    from the settings on each response, twice (enforced and report-only): that was 30 %
    of the CPU of a cached page. Anything else (a nonce, a decorator's override) goes
    through django-csp unchanged, so the header is always the one django-csp would write.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if isinstance(getattr(request, "_csp_nonce", None), str) or any(
            hasattr(response, name) for name in _CSP_OVERRIDES
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for header, report_only, exempt in (
            (HEADER, False, "_csp_exempt"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro"),
        ):
            if report_only not in _plain_policies:
                _plain_policies[report_only] = build_policy(report_only=report_only)
            policy = _plain_policies[report_only]
            setting = (
                "CONTENT_SECURITY_POLICY_REPORT_ONLY"
                if report_only
                else ("CONTENT_SECURITY_POLICY")
            )
            excluded = tuple(
                (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            )
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


# The staff area: the admin, the staff pages, and the other pages only staff may open
# (feedback attachments, news previews). Signing in and out stays reachable.
STAFF_AREA = re.compile(r"^/(admin/|(ar|en)/(staff/|feedback/attachments/|news/preview/))")
OPEN_IN_STAFF_AREA = {"/admin/login/", "/admin/logout/"}


class StaffTwoFactorMiddleware:
    """With STAFF_2FA_REQUIRED, staff reach the staff area only after a one-time code.

    A staff member without an authenticator is sent to enrol one; with one, to type its
    current code. (django-otp's OTPMiddleware, before this one, sets user.is_verified.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if (
            settings.STAFF_2FA_REQUIRED
            and STAFF_AREA.match(path)
            and path not in OPEN_IN_STAFF_AREA
            and request.user.is_authenticated
            and request.user.is_staff
            and not request.user.is_verified()
        ):
            step = "verify" if user_has_device(request.user) else "setup"
            target = reverse(f"portal:two_factor_{step}")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


# --- Security: odd input ---
class RejectNullBytesMiddleware:
    """A NUL byte in the address, or in the admin's query string, is a 400 before any view.

    PostgreSQL refuses NUL in text ("cannot contain NUL (0x00) bytes"), so a made-up
    ``/staff/items/%00/`` or an admin filter ``?status__exact=%00`` would otherwise be a
    500. Our own lists read GET parameters through forms and filter sets, which refuse NUL
    with a message on the page (Django's ProhibitNullCharactersValidator); the admin's
    list filters go to the database unchecked, hence the admin's query string here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise BadRequest("NUL byte in the request address")
        if request.path.startswith(self.admin_prefix) and "\x00" in unquote(
            request.META.get("QUERY_STRING", "")
        ):
            raise BadRequest("NUL byte in the admin's query string")
        return self.get_response(request)


# Every page of the site (the admin included) is read with GET/HEAD and sent with POST.
KNOWN_METHODS = ("GET", "HEAD", "POST")


class RejectUnknownMethodsMiddleware:
    """``TRACE``, ``PUT``, ``OPTIONS``, ``FOO``...: 405 before any view.

    A function view without ``require_http_methods`` answers any method as if it were a
    GET, so ``TRACE /ar/`` was a 200 page: harmless today, but the kind of answer scanners
    report and proxies cache. One rule here instead of a decorator on every view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in KNOWN_METHODS:
            return HttpResponseNotAllowed(KNOWN_METHODS)
        return self.get_response(request)


# --- Security: request bodies ---
class RequestBodyMiddleware:
    """Bodies are bounded before anything parses them.

    In ``process_view``, which Django calls for every middleware in order once the URL is
    resolved, so this runs before ``CsrfViewMiddleware.process_view`` reads ``request.POST``
    (and with it writes a multipart body's files to temporary files):

    1. A body announced larger than the view's limit (``REQUEST_MAX_BODY_BYTES``, or the
       view's or URL namespace's entry in ``REQUEST_MAX_BODY_BYTES_BY_VIEW``) is a 413
       page, from the ``Content-Length`` header alone. Django's WSGI request reads at most
       ``Content-Length`` bytes, so a body cannot stream past what it announced.
    2. A body without a length (``Transfer-Encoding: chunked``) is a 411: browsers always
       send one with a form, and Django would read such a body as empty.
    3. The view's own ``check_before_body`` (see ``portal.http``), e.g. a rate limit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args, view_kwargs):
        limit = self.limit_for(request)
        length = content_length(request)
        if length is None and "HTTP_TRANSFER_ENCODING" in request.META:
            return self.refuse(request, limit, status=411)
        if length is not None and length > limit:
            return self.refuse(request, limit, status=413)
        check = getattr(view_func, "check_before_body", None)
        if check is not None:
            return check(request)
        return None

    @staticmethod
    def limit_for(request: HttpRequest) -> int:
        limits = settings.REQUEST_MAX_BODY_BYTES_BY_VIEW
        match = request.resolver_match
        for name in (match.view_name, *match.namespaces[:1]):
            if name in limits:
                return limits[name]
        return settings.REQUEST_MAX_BODY_BYTES

    @staticmethod
    def refuse(request: HttpRequest, limit: int, status: int) -> HttpResponse:
        context = {
            "limit": limit,
            "max_files": settings.FEEDBACK_MAX_ATTACHMENTS,
            "max_file_size": settings.FEEDBACK_MAX_ATTACHMENT_BYTES,
        }
        response = render(request, "413.html", context, status=status)
        # The client may still be sending: tell it the connection will not read the rest.
        response["Connection"] = "close"
        return response
