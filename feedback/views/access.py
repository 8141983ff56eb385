"""The gate of the staff pages: who may open /<lang>/staff/ at all. Which items each user
then sees is the QuerySets' business (``visible_to``, ``countable_by``)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from feedback import stats
from portal import roles

STAFF_ROLES = (roles.MODERATORS, roles.MINISTRY_OFFICERS, roles.MANAGERS)


def staff_member(view: Callable) -> Callable:
    """Signed-in staff with a feedback role. Everyone else gets 404, as for an item
    outside their scope: the staff pages do not even confirm what exists."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (user.is_superuser or any(roles.has_role(user, role) for role in STAFF_ROLES)):
            raise Http404
        return view(request, *args, **kwargs)

    return never_cache(login_required(login_url="admin:login")(wrapper))


def is_moderator(user) -> bool:
    return user.is_superuser or roles.has_role(user, roles.MODERATORS)


def staff_page(view: Callable) -> Callable:
    """Signed-in moderators, officers, managers and superusers only.

    The anonymous go to the staff sign-in; anyone else signed in (editors, citizens with
    an account, officers without a ministry) gets 404, as if the page did not exist.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if stats.scope_key(request.user) is None:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
