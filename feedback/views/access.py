"""The gate of every staff page, and its one policy.

- Not signed in: to the staff sign-in page (the admin's), coming back afterwards.
- Signed in without a feedback scope (editors, officers without a ministry, accounts
  without a role): 404, as for a page that does not exist.
- A moderators' page (the queue, bulk actions) for anyone else: 404 as well.

Which items each user then sees is the QuerySets' business (``visible_to``,
``countable_by``); who has which scope is ``portal.roles``'.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from portal import roles


def staff_page(view: Callable | None = None, *, moderators_only: bool = False) -> Callable:
    """``@staff_page`` or ``@staff_page(moderators_only=True)``; never cached."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if roles.feedback_scope(user) is None:
                raise Http404
            if moderators_only and not roles.is_moderator(user):
                raise Http404
            return view(request, *args, **kwargs)

        return never_cache(wrapper)

    return decorate if view is None else decorate(view)


def claims_page(view: Callable) -> Callable:
    """The claims under review: moderators, officers of a ministry and news editors
    (``roles.reads_claims``); which claims each sees is ``Claim.objects.visible_to``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not roles.reads_claims(user):
            raise Http404
        return view(request, *args, **kwargs)

    return never_cache(wrapper)
