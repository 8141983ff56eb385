"""The gate of every crisis staff page: signed-in crisis publishers (and superusers).

The anonymous go to the staff sign-in page; anyone else signed in gets 404, as for a page
that does not exist (the feedback staff pages' policy). Who is a publisher is
``portal.roles.is_crisis_publisher``'s."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from portal import roles


def publisher_page(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not roles.is_crisis_publisher(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return never_cache(wrapper)
