"""Password reset by e-mail for staff: Django's auth views, in the site's look, limited.

The answer never says whether an account exists (the same "sent" page either way). A
reset changes the password only: it signs nobody in, and the authenticator stays, so the
next sign-in still asks for the code of the member's phone.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy

from portal import ratelimit
from portal.http import client_address

LIMITS = "STAFF_PASSWORD_RESET_LIMITS"


def _over_limit(scope: str, identity: str) -> bool:
    limit, window = getattr(settings, LIMITS)[scope]
    return ratelimit.count(ratelimit.window_key("staff", scope, identity, window), window) > limit


class StaffPasswordResetForm(PasswordResetForm):
    def get_users(self, email: str):
        """Staff accounts only: the site has no other accounts, and must not grow any."""
        return (user for user in super().get_users(email) if user.is_staff)


class StaffPasswordResetView(auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    template_name = "portal/password_reset_form.html"
    subject_template_name = "portal/email/password_reset_subject.txt"
    email_template_name = "portal/email/password_reset.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if _over_limit("reset_address", client_address(request)):
            _limit, window = getattr(settings, LIMITS)["reset_address"]
            seconds = ratelimit.seconds_left(window)
            response = render(
                request, "429.html", {"retry_minutes": max(1, (seconds + 59) // 60)}, status=429
            )
            response["Retry-After"] = str(seconds)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        if _over_limit("reset_email", form.cleaned_data["email"]):
            # The same answer as always, and no further mail to that inbox.
            return HttpResponseRedirect(self.get_success_url())
        # Links in mails use the configured address, never the request's Host header.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class StaffPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"


class StaffPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")
    post_reset_login = False  # the new password still needs the second factor


class StaffPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"
