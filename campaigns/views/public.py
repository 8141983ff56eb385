"""Public endpoints: the short link ``/c/<code>`` and the "was this page useful?" answer.
Neither sets a cookie, and neither writes the database: they count in this process's
memory, sent to the shared cache in batches (``campaigns.counters``)."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from campaigns import counters, humans, registry, useful
from campaigns.models import DailyCount
from portal import attribution
from portal.http import client_address


def follow(request: HttpRequest, code: str) -> HttpResponse:
    """Redirect to the link's page, counting the click of a person; an unknown or ended
    code goes to the home page (302), never an error. Answered by
    ``campaigns.middleware`` before sessions and the page cache (no cookie can be set)."""
    live = registry.link(code) if attribution.clean(code) else None
    if live is None:
        response = HttpResponseRedirect("/")
    else:
        if humans.is_person(request):
            counters.count(DailyCount.Kind.CLICK, str(live.pk))
        response = HttpResponseRedirect(live.redirect_to)
    # Every click must reach the server to be counted; nothing here is for a cache.
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # posted from cached pages, which carry no token: see docs/security.md
@require_http_methods(["GET", "POST"])
@never_cache
def answer_useful(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":  # e.g. the language switch of the answer page
        return redirect("portal:home")
    page = request.POST.get("page", "")
    answer = request.POST.get("answer", "")
    if answer not in ("yes", "no") or not useful.is_question_page(page):
        return render(request, "campaigns/useful_answer.html", {"state": "invalid"}, status=400)
    address = client_address(request)
    context = {"page_url": f"/{get_language()}{page}"}
    if not useful.address_may_answer(address):
        return render(
            request, "campaigns/useful_answer.html", {**context, "state": "limit"}, status=429
        )
    if not useful.first_answer_today(address, page):
        return render(request, "campaigns/useful_answer.html", {**context, "state": "already"})
    kind = DailyCount.Kind.USEFUL_YES if answer == "yes" else DailyCount.Kind.USEFUL_NO
    counters.count(kind, page)
    return render(
        request, "campaigns/useful_answer.html", {**context, "state": "thanks", "answer": answer}
    )
