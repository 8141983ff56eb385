"""Staff pages of the moderation workflow, in the site's look (/<lang>/staff/...).

Every view starts from ``Submission.objects.visible_to(request.user)``: an item outside
the user's scope is a 404, exactly like an item that does not exist. Actions are POST
views that call ``feedback.workflow``; nothing here writes ``status``.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from feedback import workflow
from feedback.filters import SubmissionFilter
from feedback.forms.staff import FORMS, BulkForm
from feedback.models import Attachment, Submission, SubmissionEvent
from feedback.references import normalize_reference
from feedback.views.access import staff_page
from portal import roles
from portal.formatting import local_number

PAGE_SIZE = 25

# What each staff action did, said after it (the item's state afterwards fills the blanks);
# a test keeps the keys equal to the staff actions of ``workflow.TRANSITIONS``.
OUTCOMES = {
    "route": gettext_lazy("%(reference)s was sent to the %(ministry)s."),
    "reroute": gettext_lazy(
        "%(reference)s was sent to the %(ministry)s instead; the citizen sees the reason."
    ),
    "reject": gettext_lazy("%(reference)s was not accepted; the citizen sees the reason."),
    "merge": gettext_lazy("%(reference)s was merged into %(original)s."),
    "redact": gettext_lazy("The text of %(reference)s was edited; the old text is not kept."),
    "acknowledge": gettext_lazy("%(reference)s is now being handled by your ministry."),
    "answer": gettext_lazy(
        "%(reference)s was answered; the citizen can read the answer on the tracking page."
    ),
    "send_back": gettext_lazy(
        "%(reference)s was sent back to the moderators and left your ministry's inbox."
    ),
    "close": gettext_lazy("%(reference)s was closed."),
    "note": gettext_lazy("Your internal note on %(reference)s was added (staff only)."),
    "erase": gettext_lazy("The personal data of the citizen of %(reference)s was erased."),
    "attach": gettext_lazy("%(reference)s was attached to its claim under review."),
    "publish": gettext_lazy(
        "%(reference)s was published in “You said, we did”, without the citizen's name."
    ),
}


def _visible(request: HttpRequest):
    return Submission.objects.visible_to(request.user)


@staff_page(moderators_only=True)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The moderators' queue: new requests, oldest first, with bulk route and reject."""
    return _list(request, _queue_items(request), "queue", BulkForm(user=request.user))


def _queue_items(request: HttpRequest):
    return _visible(request).filter(status=Submission.Status.SUBMITTED)


@staff_page
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Every request the user may see (an officer: their ministry's), with filters.

    Without any filter it shows what still waits for an answer; "Any status" shows all.
    """
    return _list(request, _visible(request), "inbox", None, default=QueryDict("status=open"))


def _list(
    request: HttpRequest,
    items,
    mode: str,
    bulk_form: BulkForm | None,
    default: QueryDict | None = None,
    status: int = 200,
) -> HttpResponse:
    filterset = SubmissionFilter(request.GET or default, queryset=items, request=request)
    if filterset.is_bound and filterset.is_valid():
        items = filterset.qs
    items = items.select_related("topic", "ministry").order_by("created_at", "pk")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/staff/list.html",
        {
            "mode": mode,
            "filter": filterset,
            "page": page,
            "bulk_form": bulk_form,
            "is_moderator": roles.is_moderator(request.user),
            # "More filters" stays open while one of them is in use (or refused).
            "filters_open": bool(filterset.errors)
            or any(value for key, value in request.GET.items() if key not in ("q", "page")),
            # The list's own address: the bulk form's errors are shown at the bulk URL,
            # whose filters and pages must still lead back to the list.
            "list_url": reverse(f"feedback_staff:{mode}"),
        },
        status=status,
    )


@staff_page
@require_GET
def item(request: HttpRequest, reference: str) -> HttpResponse:
    submission = _get(request, reference)
    return _render_item(request, submission)


def _get(request: HttpRequest, reference: str) -> Submission:
    return get_object_or_404(
        _visible(request)
        .select_related("topic", "ministry", "suggested_ministry", "duplicate_of", "inquiry__claim")
        .prefetch_related(
            "attachments",
            Prefetch("events", SubmissionEvent.objects.select_related("actor__staff_profile")),
            Prefetch(
                "duplicates",
                Submission.objects.visible_to(request.user).only("reference", "duplicate_of"),
            ),
        ),
        # A reference typed by hand (lower case, no dashes) finds its item too.
        reference=normalize_reference(reference) or reference,
    )


def _render_item(
    request: HttpRequest, submission: Submission, bound=None, status: int = 200, error=""
) -> HttpResponse:
    forms = []
    for action in workflow.allowed_actions(request.user, submission):
        if bound is not None and bound.action == action:
            form = bound
        else:
            form = FORMS[action](action=action, submission=submission, user=request.user)
        forms.append((action, workflow.TRANSITIONS[action].label, form))
    return render(
        request,
        "feedback/staff/item.html",
        {
            "submission": submission,
            "events": [
                (event, event.internals_visible_to(request.user))
                for event in submission.events.all()
            ],
            "attachments": list(submission.attachments.all()),
            "duplicates": list(submission.duplicates.all()),
            "action_forms": forms,
            "inquiry": getattr(submission, "inquiry", None)
            if submission.kind == Submission.Kind.INQUIRY
            else None,
            "error": error,
            "is_moderator": roles.is_moderator(request.user),
        },
        status=status,
    )


@staff_page
@require_POST
def act(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    if action not in FORMS:
        raise Http404
    submission = _get(request, reference)
    form = FORMS[action](request.POST, action=action, submission=submission, user=request.user)
    if not form.is_valid():
        return _render_item(request, submission, bound=form, status=400)
    if getattr(form, "previewing", False):
        # The answer as the citizen will read it; nothing is sent or written yet.
        return _render_item(request, submission, bound=form)
    try:
        workflow.ACTIONS[action](submission, actor=request.user, **form.workflow_arguments())
    except Submission.DoesNotExist:
        raise Http404 from None
    except workflow.AlreadyHandled as error:
        return _render_item(request, _get(request, reference), status=409, error=str(error))
    except workflow.WorkflowError as error:
        return _render_item(request, submission, bound=form, status=400, error=str(error))
    after = _visible(request).select_related("ministry", "duplicate_of").filter(pk=submission.pk)
    after = after.first()
    messages.success(request, _outcome(request, action, after or submission))
    if after is None:
        # Sent back by an officer: the item has left their ministry.
        return redirect("feedback_staff:inbox")
    return redirect("feedback_staff:item", reference=reference)


def _outcome(request: HttpRequest, action: str, item: Submission) -> str:
    """The outcome of ``action``, then a link to the next request waiting for the user."""
    said = OUTCOMES[action] % {
        "reference": item.reference,
        "ministry": item.ministry.name if item.ministry else "",
        "original": item.duplicate_of.reference if item.duplicate_of else "",
    }
    following = next_request(request.user, item)
    if following is None:
        return format_html("{} {}", said, _("Nothing else is waiting in your list."))
    return format_html(
        '{} <a href="{}">{}</a>',
        said,
        reverse("feedback_staff:item", kwargs={"reference": following.reference}),
        _("Next request: %(reference)s") % {"reference": following.reference},
    )


def work_list(user):
    """What waits for the user, in the order of their list: the moderation queue for
    moderators, their ministry's open requests for officers."""
    items = Submission.objects.visible_to(user)
    if roles.is_moderator(user):
        items = items.filter(status=Submission.Status.SUBMITTED)
    else:
        items = items.filter(status__in=Submission.OPEN_STATUSES)
    return items.order_by("created_at", "pk")


def next_request(user, current: Submission) -> Submission | None:
    """The request after ``current`` in the user's list, or else the first one (the
    current one has often just left the list): never ``current`` itself."""
    items = work_list(user).exclude(pk=current.pk).only("reference", "created_at")
    after = items.filter(
        Q(created_at__gt=current.created_at) | Q(created_at=current.created_at, pk__gt=current.pk)
    ).first()
    return after or items.first()


@staff_page(moderators_only=True)
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Route or reject several new requests; each goes through ``workflow`` on its own.

    The form posts to this address with the queue's filters and page in its query string:
    an error (a missing reason, a route to be confirmed) shows the same list again with
    the ticks, the choices and the text kept; after the work, the same list is shown."""
    form = BulkForm(request.POST, user=request.user)
    if not form.is_valid():
        return _list(request, _queue_items(request), "queue", form, status=400)
    data = form.cleaned_data
    done, skipped = 0, 0
    for submission in data["items"]:
        try:
            if data["bulk_action"] == "route":
                ministry = data["ministry"] or submission.suggested_ministry
                workflow.route(
                    submission,
                    actor=request.user,
                    ministry=ministry,
                    public_message=data["public_message"],
                    expected_status=Submission.Status.SUBMITTED,
                )
            else:
                workflow.reject(
                    submission,
                    actor=request.user,
                    public_message=data["public_message"],
                    expected_status=Submission.Status.SUBMITTED,
                )
            done += 1
        except (workflow.WorkflowError, Submission.DoesNotExist):
            skipped += 1
    if done:
        messages.success(
            request,
            ngettext("%(count)s request handled.", "%(count)s requests handled.", done)
            % {"count": local_number(done)},
        )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)s request was skipped: already handled, or no ministry to send it to.",
                "%(count)s requests were skipped: already handled, or no ministry to send them to.",
                skipped,
            )
            % {"count": local_number(skipped)},
        )
    back = reverse("feedback_staff:queue")
    return redirect(f"{back}?{request.GET.urlencode()}" if request.GET else back)


@staff_page
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Staff download of an attachment, for those who may see its submission only."""
    visible = Submission.objects.visible_to(request.user)
    item = get_object_or_404(Attachment, pk=pk, submission__in=visible)
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
