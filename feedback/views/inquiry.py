"""The citizen's "is this true?" pages: the form, its "check first" step without
JavaScript, and the matches offered while typing. The inquiry is then a request like any
other (reference, confirmation, private tracking link)."""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from feedback import clarifications, formpage, ratelimit, workflow
from feedback.forms.inquiry import CLAIM_MAX, InquiryForm
from feedback.models import Inquiry, Kind, Topic
from feedback.views.public import FORM_TEXT_BYTES, save_then_confirm
from portal import attribution, pagecache
from portal.http import client_address, is_anonymous
from portal.text import one_line

logger = logging.getLogger(__name__)

SUBJECT_LENGTH = 120
# Fields whose error the "check first" step does not show yet: nobody has been asked to
# fill them in at that point.
NOT_ASKED_BEFORE_SENDING = ("where_seen", "consent")


@attribution.accepts  # a campaign link may open it (portal/attribution.py)
@ratelimit.refuse_large_bodies_over_the_limit("submit_address", larger_than=FORM_TEXT_BYTES)
@never_cache
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        query = attribution.without_code(request.META.get("QUERY_STRING", ""))
        if is_anonymous(request) and not query:
            # The blank form is the same for every anonymous visitor but for the CSRF
            # token: stored once per language, like the feedback form (feedback.formpage).
            return pagecache.page_with_csrf_token(
                request,
                "feedback-ask",
                lambda csrf_token: _render(request, InquiryForm(), csrf_token=csrf_token),
                timeout=formpage.TIMEOUT,
                version_key=formpage.VERSION_KEY,
            )
        return _render(request, InquiryForm())
    if not ratelimit.hit("submit_address", client_address(request)):
        form = InquiryForm(request.POST)
        form.add_error(None, _too_many_message("submit_address"))
        return _render(request, form, status=429, retry="submit_address")
    form = InquiryForm(request.POST, request.FILES)
    valid = form.is_valid()
    if form.is_bot:
        return redirect("feedback:ask")
    if "check" in request.POST:
        # The step before sending: the matches for what was typed, the form as it was.
        for name in NOT_ASKED_BEFORE_SENDING:
            form.errors.pop(name, None)
        claim = form.cleaned_data.get("claim") or form.data.get("claim", "")
        found = [clarifications.summary(item) for item in clarifications.matching(claim)]
        return _render(request, form, matches=found, checked=True)
    if not valid:
        return _render(request, form, status=200)
    data = form.cleaned_data
    if data["email"] and not ratelimit.hit("submit_email", ratelimit.mailbox(data["email"])):
        form.add_error(None, _too_many_message("submit_email"))
        return _render(request, form, status=429, retry="submit_email")
    return save_then_confirm(
        request,
        form,
        lambda: submit_inquiry(data, form),
        render=_render,
        failure_message=_(
            "We could not save your question, and nothing was sent. Your text is still below: please try again in a few minutes."
        ),
        log=logger,
        what="inquiry",
    )


def submit_inquiry(data: dict, form: InquiryForm):
    """The inquiry as a request (``workflow.submit``) with its details, in one transaction."""
    claim = data["claim"]
    subject = one_line(claim)
    if len(subject) > SUBJECT_LENGTH:
        # Only the list's title is shortened; the claim itself is kept whole in the details.
        subject = subject[: SUBJECT_LENGTH - 1].rstrip() + "…"

    def details(submission) -> None:
        Inquiry.objects.create(
            submission=submission,
            where_seen=data["where_seen"],
            link=data["link"],
            notify_corrections=data["notify_corrections"],
        )

    return workflow.submit(
        kind=Kind.INQUIRY,
        topic=Topic.inquiry_topic(),
        subject=subject,
        body=claim,
        language=translation.get_language(),
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        files=data["screenshot"],
        kept=form.kept_uploads,
        due_hours=settings.FEEDBACK_INQUIRY_RESPONSE_HOURS,
        then=details,
    )


def _too_many_message(scope: str) -> str:
    minutes = max(1, (ratelimit.retry_after(scope) + 59) // 60)
    return _(
        "Too many questions were sent in a short time. Your text is kept below: please send it again in %(minutes)s minutes."
    ) % {"minutes": minutes}


def _render(
    request: HttpRequest,
    form: InquiryForm,
    status: int = 200,
    matches=None,
    checked: bool = False,
    retry: str | None = None,
    csrf_token: str | None = None,
) -> HttpResponse:
    if form.is_bound:
        form.keep_uploads()  # whatever the error, the screenshot already cleaned comes back
    context = {
        "form": form,
        "matches": matches or [],
        "checked": checked,
        "claim_max": CLAIM_MAX,
        "response_hours": settings.FEEDBACK_INQUIRY_RESPONSE_HOURS,
    }
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    response = render(request, "feedback/ask.html", context, status=status)
    if retry:
        response["Retry-After"] = str(ratelimit.retry_after(retry))
    return response


@require_GET
def matches(request: HttpRequest) -> JsonResponse:
    """The published clarifications matching ``q`` (the form's script asks while the
    citizen types): titles, verdicts and addresses of public pages, nothing else."""
    found = clarifications.matching(request.GET.get("q", ""))
    response = JsonResponse({"results": [clarifications.summary(item) for item in found]})
    # Public data, the same for everyone: a minute in any cache is fine.
    response["Cache-Control"] = "public, max-age=60"
    return response
