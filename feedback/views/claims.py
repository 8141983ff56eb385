"""Staff pages of the claims under review (/<lang>/staff/claims/): the list, most asked
about first, and a claim with its inquiries, its facts and a form per action.

Every view starts from ``Claim.objects.visible_to(request.user)``: a claim outside the
user's scope (another ministry's) is a 404 like one that does not exist. Actions call
``feedback.workflow``; nothing here writes ``status``.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from feedback import workflow
from feedback.forms.staff import CLAIM_FORMS
from feedback.models import Claim, Submission
from feedback.views.access import claims_page
from portal import roles

PAGE_SIZE = 25

CLAIM_ACTIONS = {
    "route_claim": workflow.route_claim,
    "supply_facts": workflow.supply_facts,
    "link_clarification": workflow.link_clarification,
}
CLAIM_OUTCOMES = {
    "route_claim": gettext_lazy("The %(ministry)s was asked for the facts of this claim."),
    "supply_facts": gettext_lazy(
        "The facts and sources were recorded; editors can write the clarification."
    ),
    "link_clarification": gettext_lazy("The clarification was linked to this claim."),
}


@claims_page
@require_GET
def claims(request: HttpRequest) -> HttpResponse:
    """The claims the user may see, the most asked about first; open ones by default."""
    show_all = request.GET.get("status") == "all"
    items = Claim.objects.visible_to(request.user).with_askers().select_related("ministry")
    if not show_all:
        items = items.open() if not roles.is_editor(request.user) else items
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/staff/claims.html",
        {"page": page, "show_all": show_all, "is_moderator": roles.is_moderator(request.user)},
    )


def _get(request: HttpRequest, pk: int) -> Claim:
    return get_object_or_404(
        Claim.objects.visible_to(request.user).with_askers().select_related("ministry"), pk=pk
    )


@claims_page
@require_GET
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _get(request, pk))


def _render(request, claim: Claim, bound=None, status: int = 200, error: str = "") -> HttpResponse:
    user = request.user
    forms = []
    for action in workflow.allowed_claim_actions(user, claim):
        if action not in CLAIM_FORMS:
            continue
        form = (
            bound
            if bound is not None and bound.action == action
            else CLAIM_FORMS[action](action=action, claim=claim, user=user)
        )
        forms.append((action, workflow.CLAIM_TRANSITIONS[action].label, form))
    inquiries = (
        Submission.objects.filter(inquiry__claim=claim)
        .select_related("inquiry")
        .order_by("created_at", "pk")
    )
    # Moderators open the inquiries themselves; the others see what was seen where, never
    # who asked (the citizens' requests are not routed to the ministry).
    moderator = roles.is_moderator(user)
    return render(
        request,
        "feedback/staff/claim.html",
        {
            "claim": claim,
            "inquiries": list(
                inquiries.only(
                    "reference",
                    "created_at",
                    "language",
                    "status",
                    "inquiry__where_seen",
                    "inquiry__link",
                    "inquiry__notify_corrections",
                    *(("body",) if moderator else ()),
                )
            ),
            "events": list(claim.events.select_related("actor")),
            "action_forms": forms,
            "error": error,
            "is_moderator": moderator,
            "write_url": _write_url(user, claim),
        },
        status=status,
    )


def _write_url(user, claim: Claim) -> str:
    """The news admin's page to write the clarification, prefilled from the claim."""
    from feedback import clarifications

    if claim.status != Claim.Status.FACTS_SUPPLIED or not (
        roles.is_editor(user) or roles.is_moderator(user)
    ):
        return ""
    try:
        base = reverse("admin:news_clarification_add")
    except NoReverseMatch:
        return ""
    return f"{base}?{urlencode(clarifications.prefill(claim))}"


@claims_page
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in CLAIM_FORMS:
        raise Http404
    claim = _get(request, pk)
    form = CLAIM_FORMS[action](request.POST, action=action, claim=claim, user=request.user)
    if not form.is_valid():
        return _render(request, claim, bound=form, status=400)
    try:
        CLAIM_ACTIONS[action](claim, actor=request.user, **form.workflow_arguments())
    except Claim.DoesNotExist:
        raise Http404 from None
    except workflow.AlreadyHandled as error:
        return _render(request, _get(request, pk), status=409, error=str(error))
    except workflow.WorkflowError as error:
        return _render(request, claim, bound=form, status=400, error=str(error))
    after = Claim.objects.visible_to(request.user).select_related("ministry").filter(pk=pk).first()
    messages.success(
        request,
        CLAIM_OUTCOMES[action]
        % {"ministry": after.ministry.name if after and after.ministry else ""},
    )
    if after is None:
        return redirect("feedback_staff:claims")
    return redirect("feedback_staff:claim", pk=pk)
