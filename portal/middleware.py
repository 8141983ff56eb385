import re
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp import user_has_device


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
