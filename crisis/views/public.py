"""The public crisis pages (``/<lang>/alerts/``, namespace ``crisis``), the CAP documents
and index feed (``/cap/``, namespace ``crisis_cap``) and the subscription pages."""

from datetime import timedelta

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from crisis import cap, pages, subscriptions
from crisis.forms import SubscribeForm
from crisis.models import Alert, Incident
from portal.http import client_address

FEED_SIZE = 30


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """What is in force now, and the incident pages. Not stored: it changes with the clock
    (an expiry), and its two queries cost less than the bookkeeping would."""
    now = timezone.now()
    current = list(Alert.objects.actual().current(now).select_related("incident").order_by("-sent"))
    incidents = list(
        Incident.objects.filter(
            Q(alerts__state=Alert.State.PUBLISHED) | Q(updates__isnull=False)
        ).distinct()[:20]
    )
    response = render(request, "crisis/index.html", {"current": current, "incidents": incidents})
    patch_cache_control(response, public=True, max_age=settings.CRISIS_PAGE_MAX_AGE)
    return response


def _timeline(incident: Incident) -> list[dict]:
    """Updates and published Actual alert messages, newest first."""
    entries = [
        {"kind": "update", "at": update.published_at, "update": update}
        for update in incident.updates.all()
    ]
    for alert in incident.alerts.published().actual().prefetch_related("governorates"):
        entries.append({"kind": "alert", "at": alert.sent, "alert": alert})
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return entries


def _published_incident(slug: str) -> Incident:
    return get_object_or_404(Incident, slug=slug)


@require_GET
def incident(request: HttpRequest, slug: str) -> HttpResponse:
    def render_page() -> HttpResponse:
        item = _published_incident(slug)
        return render(
            request,
            "crisis/incident.html",
            {"incident": item, "timeline": _timeline(item)},
        )

    return pages.stored(request, "crisis-incident", render_page)


class IncidentFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        self.request = request
        return _published_incident(slug)

    def title(self, obj: Incident) -> str:
        return obj.title

    def subtitle(self, obj: Incident) -> str:
        return _("Updates and alerts of this incident, newest first.")

    def link(self, obj: Incident) -> str:
        return obj.get_absolute_url()

    def feed_url(self, obj: Incident) -> str:
        return reverse("crisis:incident-feed", args=[obj.slug])

    def items(self, obj: Incident) -> list[dict]:
        return _timeline(obj)[:FEED_SIZE]

    def item_title(self, item: dict) -> str:
        if item["kind"] == "alert":
            alert = item["alert"]
            return f"{alert.get_level_display()}: {alert.headline}"
        return _("Update")

    def item_description(self, item: dict) -> str:
        return item["alert"].summary if item["kind"] == "alert" else item["update"].body

    def item_link(self, item: dict) -> str:
        if item["kind"] == "alert" and not item["alert"].is_drill:
            return reverse("crisis_cap:alert", args=[item["alert"].identifier])
        update = item["update"]
        return f"{update.incident.get_absolute_url()}#update-{update.pk}"

    def item_guid(self, item: dict) -> str:
        if item["kind"] == "alert":
            return f"urn:tawasul:cap:{item['alert'].identifier}"
        return f"urn:tawasul:incident-update:{item['update'].pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: dict):
        return item["at"]

    def item_updateddate(self, item: dict):
        return item["at"]


@require_GET
def incident_feed(request: HttpRequest, slug: str) -> HttpResponse:
    return pages.stored(
        request,
        "crisis-incident-feed",
        lambda: IncidentFeed()(request, slug=slug),
        content_type="application/atom+xml; charset=utf-8",
    )


# --- CAP ----------------------------------------------------------------------------------


def _cap_response(content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    patch_cache_control(response, public=True, max_age=settings.CRISIS_PAGE_MAX_AGE)
    return response


@require_GET
def cap_document(request: HttpRequest, identifier: str) -> HttpResponse:
    alert = get_object_or_404(
        Alert.objects.in_cap_feed().select_related("incident", "follows"), identifier=identifier
    )
    return _cap_response(cap.document(alert), f"{cap.CAP_CONTENT_TYPE}; charset=utf-8")


@require_GET
def cap_index(request: HttpRequest) -> HttpResponse:
    """The CAP index feed: messages in force, and Cancels of the last notice period (so
    a receiver that polls learns of the end)."""
    now = timezone.now()
    notice = timedelta(minutes=settings.CRISIS_ENDED_NOTICE_MINUTES)
    shown = Alert.objects.in_cap_feed()
    alerts = list(shown.current(now).order_by("-sent")) + list(
        shown.filter(msg_type=Alert.MsgType.CANCEL, sent__gt=now - notice).order_by("-sent")
    )
    alerts.sort(key=lambda alert: alert.sent, reverse=True)
    updated = alerts[0].sent if alerts else now
    language = request.GET.get("lang") if request.GET.get("lang") in ("ar", "en") else "ar"
    feed_url = settings.SITE_URL + reverse("crisis_cap:index")
    return _cap_response(
        cap.index_feed(alerts, language=language, feed_url=feed_url, updated=updated),
        "application/atom+xml; charset=utf-8",
    )


# --- Subscriptions -----------------------------------------------------------------------


def _too_many(request: HttpRequest, form: SubscribeForm) -> HttpResponse:
    form.add_error(None, _("Too many subscription requests from here. Try again in an hour."))
    return render(request, "crisis/subscribe.html", {"form": form}, status=429)


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = SubscribeForm(initial={"language": get_language()[:2], "scope": "all"})
        return render(request, "crisis/subscribe.html", {"form": form})
    form = SubscribeForm(request.POST)
    if not subscriptions.limit_hit("subscribe_address", client_address(request)):
        return _too_many(request, form)
    if not form.is_valid():
        return render(request, "crisis/subscribe.html", {"form": form}, status=400)
    email = form.cleaned_data["email"]
    # Over the mailbox's limit the page says the same as a success: it tells nothing.
    if subscriptions.limit_hit("subscribe_email", email.lower()):
        subscriptions.subscribe(email, form.cleaned_data["language"], form.chosen_governorates())
    return redirect("crisis:subscribe-sent")


@require_GET
def subscribe_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "crisis/subscribe_sent.html", {"hours": settings.CRISIS_UNCONFIRMED_HOURS}
    )


def _link_not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "crisis/link_not_found.html", status=404)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links; only a person presses it)."""
    if request.method == "POST":
        subscription = subscriptions.confirm(token)
        if subscription is None:
            return _link_not_found(request)
        return render(request, "crisis/confirmed.html", {"subscription": subscription})
    if subscriptions.pending_confirmation(token) is None:
        return _link_not_found(request)
    return render(request, "crisis/confirm.html", {"token": token})


@csrf_exempt  # RFC 8058: the mail program posts with no session or token; the link is the secret
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        if not subscriptions.unsubscribe(token):
            return _link_not_found(request)
        return render(request, "crisis/unsubscribed.html")
    if subscriptions.subscription_for_unsubscribe(token) is None:
        return _link_not_found(request)
    return render(request, "crisis/unsubscribe.html", {"token": token})
