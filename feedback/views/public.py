"""Public pages of the feedback app (send, confirmation, tracking). Views parse input,
call ``workflow``/querysets, and render."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from feedback import (
    clarifications,
    confirmation,
    formpage,
    ratelimit,
    thumbnails,
    tracking_page,
    workflow,
)
from feedback.forms.public import (
    ErasureRequestForm,
    RatingForm,
    ReopenForm,
    ResolvedForm,
    SubmissionForm,
    TrackForm,
)
from feedback.models import FORM_KINDS, Attachment, Inquiry, Kind, Submission
from feedback.tracking import make_token, read_token, tracking_path
from portal import attribution, pagecache
from portal.formatting import local_date
from portal.http import client_address, is_anonymous

logger = logging.getLogger(__name__)

# The addresses of the blank form (``?kind=`` chooses the kind): stored once each. Any
# other query string is rendered, so junk ones store nothing.
BLANK_FORM_QUERIES = frozenset(["", *(f"kind={kind}" for kind in FORM_KINDS)])
# Seconds a citizen is asked to wait after a temporary failure (full disk, database).
RETRY_AFTER_SECONDS = 60

# Seconds a tracking page is kept; a change of the item makes it stale at once.
TRACKING_PAGE_SECONDS = 300

# The form's text alone (5,000 characters of details, even percent-encoded Arabic) stays
# well under this: a larger body carries files.
FORM_TEXT_BYTES = 64 * 1024


@attribution.accepts  # a campaign link may open it (portal/attribution.py)
@ratelimit.refuse_large_bodies_over_the_limit("submit_address", larger_than=FORM_TEXT_BYTES)
@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not ratelimit.hit("submit_address", client_address(request)):
            # New files are not even read; the text and the files kept from an earlier
            # try come back, so nothing typed or already sent is lost.
            return _too_many(request, SubmissionForm(request.POST), "submit_address")
        form = SubmissionForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            if data["email"] and not ratelimit.hit(
                "submit_email", ratelimit.mailbox(data["email"])
            ):
                return _too_many(request, form, "submit_email")
            return save_then_confirm(
                request,
                form,
                lambda: workflow.submit(
                    kind=data["kind"],
                    topic=data["topic"],
                    subject=data["subject"],
                    body=data["body"],
                    language=translation.get_language(),
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    files=data["attachments"],
                    kept=form.kept_uploads,
                    publication_consent=data["publication_consent"],
                ),
                render=_render_form,
                failure_message=_(
                    "We could not save your request, and nothing was sent. Your text is still below: please try again in a few minutes."
                ),
                log=logger,
                what="feedback",
            )
        if form.is_bot:
            # Say nothing useful to a bot; a person never sees the hidden field.
            return redirect("feedback:new")
        return _render_form(request, form, status=200)
    initial = {}
    if request.GET.get("kind") in FORM_KINDS:
        initial["kind"] = request.GET["kind"]
    if request.GET.get("topic", "").isdigit():  # a campaign's form for one topic (rendered)
        initial["topic"] = int(request.GET["topic"])
    query = attribution.without_code(request.META.get("QUERY_STRING", ""))
    if is_anonymous(request) and query in BLANK_FORM_QUERIES:
        # The same page for every anonymous visitor but the CSRF token: stored once.
        return formpage.blank_form(
            request,
            lambda csrf_token: _render_form(
                request, SubmissionForm(initial=initial), csrf_token=csrf_token
            ),
        )
    return _render_form(request, SubmissionForm(initial=initial))


def save_then_confirm(
    request: HttpRequest,
    form,
    save: Callable[[], Submission],
    *,
    render: Callable[..., HttpResponse],
    failure_message: str,
    log: logging.Logger,
    what: str,
) -> HttpResponse:
    """The end of every citizen form: ``save`` (a ``workflow.submit``), then the
    confirmation page; if saving fails, the form again with the text as typed and
    ``failure_message``, rendered by ``render(request, form, status=...)``."""
    try:
        submission = save()
    except Exception as error:
        # workflow.submit is all or nothing: no row and no file is left behind.
        log.exception("%s could not be saved", what)
        form.add_error(None, failure_message)
        # A full disk or an unreachable database is temporary: 503, try again later.
        temporary = isinstance(error, (OSError, DatabaseError))
        response = render(request, form, status=503 if temporary else 500)
        if temporary:
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    attribution.record(request, submission)
    response = redirect("feedback:sent")
    confirmation.remember(response, submission.reference)
    return response


def _too_many(request: HttpRequest, form: SubmissionForm, scope: str) -> HttpResponse:
    seconds = ratelimit.retry_after(scope)
    minutes = max(1, (seconds + 59) // 60)
    form.add_error(
        None,
        ngettext(
            "Too many requests were sent in a short time. Your text is kept below: please send it again in %(minutes)s minute.",
            "Too many requests were sent in a short time. Your text is kept below: please send it again in %(minutes)s minutes.",
            minutes,
        )
        % {"minutes": minutes},
    )
    response = _render_form(request, form, status=429)
    response["Retry-After"] = str(seconds)
    return response


def _render_form(
    request: HttpRequest, form: SubmissionForm, status: int = 200, csrf_token: str | None = None
) -> HttpResponse:
    if form.is_bound:
        form.keep_uploads()  # whatever the error, the files already cleaned come back
    topics = list(form.fields["topic"].queryset)
    context = {"form": form, "topics": topics, "kinds": Kind}
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    return render(request, "feedback/submit.html", context, status=status)


@never_cache
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    """The confirmation. The private link is shown once: the cookie is consumed."""
    reference = confirmation.read_once(request)
    submission = (
        Submission.objects.select_related("topic").filter(reference=reference).first()
        if reference
        else None
    )
    if submission is None:
        response = redirect("feedback:track")
    else:
        response = render(
            request,
            "feedback/sent.html",
            {"submission": submission, "tracking_path": tracking_path(submission.reference)},
        )
        response["Referrer-Policy"] = "no-referrer"
    if confirmation.COOKIE in request.COOKIES:
        confirmation.forget(response)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.hit("track_address", client_address(request)):
            return ratelimit.too_many_requests(request, "track_address")
        if form.is_valid():
            submission = _find(form.cleaned_data["reference"], form.cleaned_data["email"])
            if submission is not None:
                return _render_tracking(request, submission)
            # One answer for a wrong reference and a wrong e-mail: nothing to enumerate.
            form.add_error(
                None,
                _(
                    "We could not find a request with this reference and e-mail address. Check both and try again."
                ),
            )
    return render(request, "feedback/track.html", {"form": form})


def _find(reference: str, email: str) -> Submission | None:
    if not reference or not email:
        return None
    return _tracked().exclude(email="").filter(reference=reference, email__iexact=email).first()


def _tracked():
    # Whether it has files comes with the item: the stored page's one query stays one.
    # (An inquiry's claim is read by ``_claim_of``, for inquiries only: three more joins
    # on every tracking page cost a third of its CPU.)
    return Submission.objects.select_related("topic", "ministry").annotate(
        has_attachments=Exists(Attachment.objects.filter(submission=OuterRef("pk")))
    )


def _submission_for_token(token: str) -> Submission | None:
    """The item a private tracking link names; None for a forged or mistyped link."""
    reference = read_token(token)
    return _tracked().filter(reference=reference).first() if reference else None


def _link_not_found(request: HttpRequest) -> HttpResponse:
    """A mistyped, cut or forged private link: the same page whatever the link holds, so it
    tells nothing about which references exist; it points to tracking by reference."""
    response = render(request, "feedback/track_not_found.html", status=404)
    return tracking_page.link_headers(response)


@never_cache
@require_GET
def track_link(request: HttpRequest, token: str) -> HttpResponse:
    submission = _submission_for_token(token)
    if submission is None:
        return _link_not_found(request)
    if _is_storable(request, submission):
        # The same page until the item changes (every change of it goes through
        # workflow.transition(), which sets updated_at); the forms' tokens are per visitor.
        response = pagecache.page_with_csrf_token(
            request,
            tracking_page.PAGE_NAME,
            lambda csrf_token: _render_tracking(request, submission, csrf_token=csrf_token),
            timeout=TRACKING_PAGE_SECONDS,
            version=tracking_page.version(
                submission.updated_at, submission.status, _claim_updated_at(submission)
            ),
        )
        return tracking_page.link_headers(response)
    return _render_tracking(request, submission)


def _inquiry_of(submission: Submission):
    """An inquiry's details with its claim and clarification, in one query (read once)."""
    if submission.kind != Kind.INQUIRY:
        return None
    if not hasattr(submission, "_tracked_inquiry"):
        submission._tracked_inquiry = (
            Inquiry.objects.select_related("claim__clarification")
            .filter(submission=submission)
            .first()
        )
    return submission._tracked_inquiry


def _claim_of(submission: Submission):
    """The claim under review an inquiry was attached to (its tracking page follows it)."""
    inquiry = _inquiry_of(submission)
    return inquiry.claim if inquiry is not None else None


def _claim_updated_at(submission: Submission):
    claim = _claim_of(submission)
    return claim.updated_at if claim is not None else None


def _is_storable(request: HttpRequest, submission: Submission) -> bool:
    return (
        is_anonymous(request)
        and not request.META.get("QUERY_STRING")
        and tracking_page.is_storable(
            submission.has_attachments, submission.personal_data_erased_at
        )
    )


def _render_tracking(
    request: HttpRequest,
    submission: Submission,
    rating_form: RatingForm | None = None,
    status: int = 200,
    csrf_token: str | None = None,
    reopen_form: ReopenForm | None = None,
    choice_error: str = "",
    refused_reason: str = "",
) -> HttpResponse:
    if rating_form is None and submission.can_be_rated:
        rating_form = RatingForm()
    if reopen_form is None and submission.may_reopen:
        reopen_form = ReopenForm()
    events = list(submission.public_events)
    token = make_token(submission.reference)
    context = {
        "submission": submission,
        "answer": Submission.answer_in(events),
        # Newest first: the latest step is what the citizen comes back for.
        "events": events[::-1],
        "attachments": (
            list(Attachment.objects.shown_to_citizen(submission.reference))
            if submission.has_attachments
            else []
        ),
        # The forms post to the private link's address: whoever sees this page (by link,
        # or by reference and e-mail) may rate the answer or ask for the erasure.
        "token": token,
        "private_link": request.build_absolute_uri(tracking_path(submission.reference)),
        "rating_form": rating_form if submission.can_be_rated else None,
        **_claim_context(submission),
        # "Resolved" / "not resolved" after an answer (issue 17): the rating form shows
        # once the citizen chose "resolved", or when "not resolved" is no longer possible.
        "awaits_confirmation": submission.awaits_confirmation,
        "resolved_form": ResolvedForm() if submission.awaits_confirmation else None,
        "reopen_form": reopen_form if submission.may_reopen else None,
        "choice_error": choice_error,
        # What the citizen typed when "not resolved" was refused: shown back, not lost.
        "refused_reason": refused_reason if choice_error else "",
        "rating_now": submission.can_be_rated
        and (not submission.awaits_confirmation or not submission.may_reopen),
        "reopen_days": settings.FEEDBACK_REOPEN_DAYS,
    }
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    response = render(request, "feedback/track_detail.html", context, status=status)
    return tracking_page.link_headers(response)


def _claim_context(submission: Submission) -> dict:
    inquiry = _inquiry_of(submission)
    claim = _claim_of(submission)
    if claim is None:
        return {"inquiry": inquiry}
    url = ""
    if claim.status == claim.Status.PUBLISHED and claim.clarification_id:
        url = clarifications.path(claim.clarification, translation.get_language())
    return {"inquiry": inquiry, "claim": claim, "clarification_url": url}


@never_cache
@require_http_methods(["POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen rates the answer once (1-5, optional comment); the request is closed."""
    submission = _submission_for_token(token)
    if submission is None:
        return _link_not_found(request)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _render_tracking(request, submission, rating_form=form, status=400)
    try:
        workflow.rate(
            submission, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
        )
    except workflow.InvalidInput as error:
        # A comment after the erasure (from a page opened before it): said on the form.
        form.add_error("comment", str(error))
        return _render_tracking(request, submission, rating_form=form, status=400)
    except workflow.AlreadyRated:
        pass  # a second tab, a double click: the page shows the first rating
    else:
        messages.success(request, _("Thank you for your rating. The ministry will see it."))
    return redirect("feedback:track_link", token=token)


@never_cache
@require_http_methods(["POST"])
def resolved(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen says the answer resolved the request: it is closed; they may rate it."""
    submission = _submission_for_token(token)
    if submission is None:
        return _link_not_found(request)
    try:
        workflow.confirm_resolved(submission)
    except workflow.InvalidInput:
        pass  # a second tab, a double click: the page shows the state it is in
    else:
        messages.success(
            request,
            _("Thank you. Your request is closed as resolved. You can rate the answer below."),
        )
    return redirect("feedback:track_link", token=token)


@never_cache
@require_http_methods(["POST"])
def reopen(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen says the answer did not resolve the request, and why: it goes back to
    the same ministry. Every refusal is said on the page, with the reason kept."""
    submission = _submission_for_token(token)
    if submission is None:
        return _link_not_found(request)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render_tracking(
            request,
            submission,
            reopen_form=form,
            status=400,
            # (A page opened before the days ran out: the form is no longer shown.)
            choice_error="" if submission.may_reopen else " ".join(form.errors.get("reason", [])),
            refused_reason=request.POST.get("reason", ""),
        )
    reason = form.cleaned_data["reason"]
    try:
        reopened = workflow.reopen(submission, reason=reason)
    except workflow.InvalidInput as error:
        form.add_error("reason", str(error))
        # Past the days or the times allowed the form is no longer offered: the error and
        # the text typed are shown above the choices instead.
        return _render_tracking(
            request,
            submission,
            reopen_form=form,
            status=400,
            choice_error=str(error) if not submission.may_reopen else "",
            refused_reason=reason,
        )
    messages.success(
        request,
        _(
            "Your request was sent back to the %(ministry)s with your reason. The new answer "
            "is expected by %(date)s."
        )
        % {
            "ministry": submission.ministry.name if submission.ministry else "",
            "date": local_date(reopened.due_at),
        },
    )
    return redirect("feedback:track_link", token=token)


@never_cache
@require_http_methods(["GET", "POST"])
def request_erasure(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen's own page to ask for their personal data to be deleted (moderators do
    it): what is deleted and what stays, then a confirmation."""
    submission = _submission_for_token(token)
    if submission is None:
        return _link_not_found(request)
    form = ErasureRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not submission.erasure_requested and submission.personal_data_erased_at is None:
            workflow.request_erasure(submission)
            messages.success(
                request,
                _(
                    "Your request to delete your personal data was sent. The centre's moderators will delete it shortly."
                ),
            )
        return redirect("feedback:track_link", token=token)
    context = {
        "submission": submission,
        "form": form,
        "tracking_path": tracking_path(submission.reference),
        "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
    }
    response = render(
        request,
        "feedback/erasure_request.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
    return tracking_page.link_headers(response)


@never_cache
@require_GET
def citizen_attachment(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """The citizen's own file, by the private link's token: an image shown, a PDF saved."""
    item = _citizen_file(token, pk)
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=not item.is_image,
        filename=item.original_name,
        content_type=item.content_type,
    )
    return _file_headers(response)


@never_cache
@require_GET
def citizen_thumbnail(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """The small preview of the citizen's own image, stored with it: served as it is, no
    image decoded here (``feedback.thumbnails``)."""
    item = _citizen_file(token, pk)
    if not item.preview:
        raise Http404  # a PDF, or an image stored before previews were: the page shows a tile
    with item.preview.open("rb") as stored:
        content = stored.read()
    return _file_headers(HttpResponse(content, content_type=thumbnails.THUMBNAIL_CONTENT_TYPE))


def _citizen_file(token: str, pk: int) -> Attachment:
    attachment = Attachment.objects.shown_to_citizen(read_token(token)).filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


def _file_headers(response: HttpResponse) -> HttpResponse:
    # A file is never a page: no script, no plug-in, no sniffing; its address holds the
    # private link's token, so it is sent to no one (not even this site) as a referrer.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
