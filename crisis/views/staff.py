"""The crisis publishers' pages (``/<lang>/staff/crisis/``, namespace ``crisis_staff``):
alerts to approve, drafts, what is in force; a form per alert; incidents and their
updates. Thin: every write is ``crisis.workflow``'s."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crisis import workflow
from crisis.forms import ActionForm, AlertForm, IncidentForm, UpdateForm
from crisis.models import Alert, CrisisEvent, Incident
from crisis.views.access import publisher_page


@publisher_page
def index(request: HttpRequest) -> HttpResponse:
    alerts = Alert.objects.select_related("incident", "author", "requested_by")
    now = timezone.now()
    context = {
        "awaiting": list(alerts.filter(state=Alert.State.AWAITING_APPROVAL)),
        "drafts": list(alerts.filter(state=Alert.State.DRAFT)),
        "current": list(alerts.current(now)),
        "recent": list(alerts.published().order_by("-sent")[:20]),
        "incidents": list(Incident.objects.all()[:50]),
    }
    return render(request, "crisis/staff/index.html", context)


def _form_page(request, form, *, alert=None, follows=None, status=200) -> HttpResponse:
    return render(
        request,
        "crisis/staff/alert_form.html",
        {"form": form, "alert": alert, "follows": follows},
        status=status,
    )


def _save(request: HttpRequest, form: AlertForm, alert: Alert | None) -> Alert | None:
    """The workflow's refusal goes on the field it names; nothing is saved then."""
    if not form.is_valid():
        return None
    try:
        if alert is None:
            return workflow.draft_alert(
                request.user, form.cleaned_data["governorates"], **form.alert_fields()
            )
        return workflow.edit_draft(
            request.user, alert, form.cleaned_data["governorates"], **form.alert_fields()
        )
    except workflow.InvalidAction as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


@publisher_page
def alert_new(request: HttpRequest) -> HttpResponse:
    follows = None
    if request.method == "POST":
        form = AlertForm(request.POST)
        saved = _save(request, form, None)
        if saved is not None:
            messages.success(
                request, _("Draft saved. Check it, then publish it or ask for approval.")
            )
            return redirect("crisis_staff:alert", pk=saved.pk)
        return _form_page(request, form, status=400)
    follows_id = request.GET.get("follows", "")
    if follows_id.isdigit():
        follows = Alert.objects.published().filter(pk=int(follows_id)).first()
    if follows is not None:
        msg_type = Alert.MsgType.CANCEL if request.GET.get("cancel") else Alert.MsgType.UPDATE
        overrides = {"msg_type": msg_type, "follows": follows}
        if msg_type == Alert.MsgType.CANCEL:
            overrides.update(
                urgency=Alert.Urgency.PAST,
                headline_ar=f"انتهت حالة الطوارئ: {follows.headline_ar}"[:120],
                headline_en=f"Over: {follows.headline_en}"[:120],
                summary_ar="انتهى الخطر. تابعوا صفحة الحدث لمعرفة ما تبقى من إجراءات.",
                summary_en="The danger has passed. See the incident page for what remains to be done.",
            )
        form = AlertForm(initial=AlertForm.initial_from(follows, **overrides))
    else:
        start = timezone.localtime().replace(second=0, microsecond=0)
        initial = {
            "msg_type": Alert.MsgType.ALERT,
            "status": Alert.Status.ACTUAL,
            "effective": start,
            "expires": start + timedelta(hours=6),
        }
        slug = request.GET.get("incident", "")
        incident = Incident.objects.filter(slug=slug).first() if slug else None
        if incident is not None:
            initial["incident"] = incident
        form = AlertForm(initial=initial)
    return _form_page(request, form, follows=follows)


@publisher_page
def alert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    if alert.state != Alert.State.DRAFT:
        raise Http404
    if request.method == "POST":
        form = AlertForm(request.POST)
        saved = _save(request, form, alert)
        if saved is not None:
            messages.success(request, _("Draft saved."))
            return redirect("crisis_staff:alert", pk=saved.pk)
        return _form_page(request, form, alert=alert, status=400)
    form = AlertForm(initial=AlertForm.initial_from(alert))
    return _form_page(request, form, alert=alert)


def _alert_page(request, alert: Alert, errors=None, status=200) -> HttpResponse:
    actions = [
        (name, workflow.TRANSITIONS[name].label)
        for name in workflow.allowed_actions(request.user, alert)
    ]
    context = {
        "alert": alert,
        "actions": actions,
        "action_form": ActionForm(initial={"expected_state": alert.state}),
        "events": list(
            CrisisEvent.objects.filter(alert=alert)
            .select_related("actor")
            .order_by("-created_at", "-pk")
        ),
        "governorates": list(alert.governorates.all()),
        "can_follow": alert.state == Alert.State.PUBLISHED
        and alert.replaced_at is None
        and alert.msg_type != Alert.MsgType.CANCEL,
        "waiting_for_other": alert.state == Alert.State.AWAITING_APPROVAL
        and request.user.pk in (alert.author_id, alert.requested_by_id),
        "errors": errors or [],
    }
    return render(request, "crisis/staff/alert.html", context, status=status)


@publisher_page
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(
        Alert.objects.select_related(
            "incident", "author", "requested_by", "approved_by", "follows"
        ),
        pk=pk,
    )
    return _alert_page(request, alert)


@require_POST
@publisher_page
def alert_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    if action not in workflow.TRANSITIONS:
        raise Http404
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _alert_page(request, alert, [_("The form was incomplete: try again.")], status=400)
    try:
        done = workflow.transition(
            request.user,
            alert,
            action,
            expected_state=form.cleaned_data["expected_state"],
            note=form.cleaned_data["note"],
        )
    except workflow.InvalidAction as error:
        alert.refresh_from_db()
        return _alert_page(request, alert, [error.message], status=400)
    if done.state == Alert.State.PUBLISHED:
        messages.success(
            request, _("Published: the banner, the incident page and the CAP feed show it now.")
        )
    elif done.state == Alert.State.AWAITING_APPROVAL:
        messages.success(request, _("Sent for approval: another crisis publisher must approve it."))
    else:
        messages.success(request, _("Sent back to draft."))
    return redirect("crisis_staff:alert", pk=done.pk)


@publisher_page
def incident_new(request: HttpRequest) -> HttpResponse:
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = workflow.open_incident(request.user, **form.cleaned_data)
        except workflow.InvalidAction as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Incident page opened."))
            return redirect("crisis_staff:incident", slug=incident.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "crisis/staff/incident_form.html", {"form": form}, status=status)


@publisher_page
def incident_detail(request: HttpRequest, slug: str) -> HttpResponse:
    incident = get_object_or_404(Incident, slug=slug)
    form = UpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workflow.post_update(request.user, incident, **form.cleaned_data)
        messages.success(request, _("Update published on the incident page."))
        return redirect("crisis_staff:incident", slug=incident.slug)
    context = {
        "incident": incident,
        "form": form,
        "updates": list(incident.updates.select_related("author")[:50]),
        "alerts": list(incident.alerts.select_related("author").order_by("-created_at")[:50]),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "crisis/staff/incident.html", context, status=status)
