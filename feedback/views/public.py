"""Public pages of the feedback app (send, confirmation, tracking). Views parse input,
call ``workflow``/querysets, and render."""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from feedback import ratelimit, workflow
from feedback.forms.public import ErasureRequestForm, RatingForm, SubmissionForm, TrackForm
from feedback.models import Kind, Submission
from feedback.tracking import make_token, read_token, tracking_path
from portal.http import client_address

logger = logging.getLogger(__name__)

SENT_SESSION_KEY = "feedback_sent"
# Seconds a citizen is asked to wait after a temporary failure (full disk, database).
RETRY_AFTER_SECONDS = 60


# The form's text alone (5,000 characters of details, even percent-encoded Arabic) stays
# well under this: a larger body carries files.
FORM_TEXT_BYTES = 64 * 1024


@ratelimit.refuse_large_bodies_over_the_limit("submit_address", larger_than=FORM_TEXT_BYTES)
@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not ratelimit.hit("submit_address", client_address(request)):
            # The files are not even read; the text comes back so nothing typed is lost.
            return _too_many(request, SubmissionForm(request.POST), "submit_address")
        form = SubmissionForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            if data["email"] and not ratelimit.hit(
                "submit_email", ratelimit.mailbox(data["email"])
            ):
                return _too_many(request, form, "submit_email")
            try:
                submission = workflow.submit(
                    kind=data["kind"],
                    topic=data["topic"],
                    subject=data["subject"],
                    body=data["body"],
                    language=translation.get_language(),
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    files=data["attachments"],
                )
            except Exception as error:
                # workflow.submit is all or nothing: no row and no file is left behind.
                logger.exception("feedback could not be saved")
                form.add_error(
                    None,
                    _(
                        "We could not save your request, and nothing was sent. Your text is still below: please try again in a few minutes."
                    ),
                )
                # A full disk or an unreachable database is temporary: 503, try again later.
                temporary = isinstance(error, (OSError, DatabaseError))
                response = _render_form(request, form, status=503 if temporary else 500)
                if temporary:
                    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
                return response
            request.session[SENT_SESSION_KEY] = submission.reference
            return redirect("feedback:sent")
        if form.is_bot:
            # Say nothing useful to a bot; a person never sees the hidden field.
            return redirect("feedback:new")
        return _render_form(request, form, status=200)
    initial = {}
    if request.GET.get("kind") in Kind.values:
        initial["kind"] = request.GET["kind"]
    return _render_form(request, SubmissionForm(initial=initial))


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


def _render_form(request: HttpRequest, form: SubmissionForm, status: int = 200) -> HttpResponse:
    topics = list(form.fields["topic"].queryset)
    return render(
        request,
        "feedback/submit.html",
        {"form": form, "topics": topics, "kinds": Kind},
        status=status,
    )


@never_cache
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    """The confirmation. The private link is shown once: the session entry is consumed."""
    reference = request.session.pop(SENT_SESSION_KEY, None)
    if not reference:
        return redirect("feedback:track")
    submission = get_object_or_404(Submission.objects.select_related("topic"), reference=reference)
    response = render(
        request,
        "feedback/sent.html",
        {"submission": submission, "tracking_path": tracking_path(submission.reference)},
    )
    response["Referrer-Policy"] = "no-referrer"
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
    return (
        Submission.objects.select_related("topic", "ministry")
        .exclude(email="")
        .filter(reference=reference, email__iexact=email)
        .first()
    )


def _submission_for_token(token: str) -> Submission:
    """The item a private tracking link names; 404 for a forged or tampered link."""
    reference = read_token(token)
    submission = (
        Submission.objects.select_related("topic", "ministry").filter(reference=reference).first()
        if reference
        else None
    )
    if submission is None:
        raise Http404
    return submission


@never_cache
@require_GET
def track_link(request: HttpRequest, token: str) -> HttpResponse:
    submission = _submission_for_token(token)
    return _render_tracking(request, submission)


def _render_tracking(
    request: HttpRequest,
    submission: Submission,
    rating_form: RatingForm | None = None,
    status: int = 200,
    erasure_form: ErasureRequestForm | None = None,
) -> HttpResponse:
    if rating_form is None and submission.can_be_rated:
        rating_form = RatingForm()
    response = render(
        request,
        "feedback/track_detail.html",
        {
            "submission": submission,
            "events": list(submission.public_events),
            # The rating posts to the private link's address: whoever sees this page
            # (by link, or by reference and e-mail) may rate the answer.
            "token": make_token(submission.reference),
            "rating_form": rating_form if submission.can_be_rated else None,
            "erasure_form": erasure_form or ErasureRequestForm(),
            "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
        },
        status=status,
    )
    # The private link is in the address bar: never send it to another site. same-origin,
    # not no-referrer: under no-referrer browsers post "Origin: null", and Django's CSRF
    # check then refuses the rating form on this page.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen rates the answer once (1-5, optional comment); the request is closed."""
    submission = _submission_for_token(token)
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
    return redirect("feedback:track_link", token=token)


@never_cache
@require_http_methods(["POST"])
def request_erasure(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen asks for their personal data to be deleted; moderators do it."""
    submission = _submission_for_token(token)
    form = ErasureRequestForm(request.POST)
    if not form.is_valid():
        return _render_tracking(request, submission, erasure_form=form, status=400)
    workflow.request_erasure(submission)
    return redirect("feedback:track_link", token=token)
