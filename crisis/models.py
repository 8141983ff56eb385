"""Crisis communication: incidents and their updates, alerts (one row per CAP message),
the audit trail, and e-mail subscriptions.

Every write of an alert's ``state``, of an incident update and of the audit trail goes
through ``crisis.workflow`` (its ``TRANSITIONS`` table); the QuerySets below say which
rows the public sees.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import AppendOnlyModel

# Length limits of what publishers write (the form and the CAP document both keep them).
HEADLINE_MAX = 120
SUMMARY_MAX = 400
EVENT_MAX = 80
UPDATE_MAX = 2000


def _in_language(obj, field: str, language: str | None = None) -> str:
    language = (language or get_language() or "ar")[:2]
    return getattr(obj, f"{field}_{'en' if language == 'en' else 'ar'}")


class GovernorateQuerySet(models.QuerySet):
    def ensure_all(self) -> None:
        """The eleven rows, made or corrected from ``crisis.governorates`` (the data
        migration, the demo; tests whose tables were emptied)."""
        from crisis.governorates import GOVERNORATES

        for code, name_ar, name_en in GOVERNORATES:
            self.update_or_create(code=code, defaults={"name_ar": name_ar, "name_en": name_en})


class Governorate(models.Model):
    """One of the eleven governorates; the primary key is its ISO 3166-2:OM code."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=6, primary_key=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)

    objects = GovernorateQuerySet.as_manager()

    class Meta:
        verbose_name = _("governorate")
        verbose_name_plural = _("governorates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self, "name")

    def name_in(self, language: str) -> str:
        return _in_language(self, "name", language)


class Incident(models.Model):
    """What is happening (a flood, an outbreak, an outage): one public page with its
    updates and the history of its alerts."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=HEADLINE_MAX)
    title_en = models.CharField(_("title (English)"), max_length=HEADLINE_MAX)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # The newest update or alert message published for it ("last updated").
    updated_at = models.DateTimeField(_("last updated"), default=timezone.now)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-updated_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("crisis:incident", args=[self.slug])

    @property
    def title(self) -> str:
        return _in_language(self, "title")


class IncidentUpdate(models.Model):
    """A timestamped update on an incident page, in both languages. Published at once
    (``crisis.workflow.post_update``); never edited: a correction is a new update."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="updates", verbose_name=_("incident")
    )
    body_ar = models.TextField(_("update (Arabic)"), max_length=UPDATE_MAX)
    body_en = models.TextField(_("update (English)"), max_length=UPDATE_MAX)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )

    class Meta:
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["incident", "-published_at"], name="update_incident_time")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.published_at:%Y-%m-%d %H:%M}"

    @property
    def body(self) -> str:
        return _in_language(self, "body")


class AlertQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=Alert.State.PUBLISHED)

    def actual(self):
        return self.filter(status=Alert.Status.ACTUAL)

    def in_cap_feed(self):
        """Published messages the CAP documents and feed show: Actual ones, and Exercise
        and Test ones only with CRISIS_CAP_INCLUDE_DRILLS (drills with partners)."""
        published = self.published()
        if settings.CRISIS_CAP_INCLUDE_DRILLS:
            return published
        return published.filter(status=Alert.Status.ACTUAL)

    def current(self, now=None):
        """Published, in force now and not replaced by a later Update or Cancel: what the
        banner and the CAP index feed show. A Cancel is never current (it ends an alert)."""
        now = now or timezone.now()
        return self.published().filter(
            Q(effective__lte=now),
            Q(expires__gt=now),
            replaced_at__isnull=True,
            msg_type__in=(Alert.MsgType.ALERT, Alert.MsgType.UPDATE),
        )


def new_identifier() -> str:
    # CAP: unique for the sender, no spaces, commas or < &.
    return f"tawasul-{uuid.uuid4().hex}"


class Alert(models.Model):
    """One CAP message: an Alert, an Update of an earlier message or its Cancel.

    An Update or a Cancel names the message it follows (``follows``); its CAP
    ``references`` are every earlier published message of that chain. Publishing one marks
    the message it follows as replaced (``replaced_at``): only the newest message of a
    chain is current.
    """

    class Level(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency")
        WARNING = "warning", _("Warning")
        INFORMATION = "information", _("Information")

    class Status(models.TextChoices):
        # The CAP <status> values a publisher may choose (System and Draft are not ours).
        ACTUAL = "Actual", _("Actual")
        EXERCISE = "Exercise", _("Exercise")
        TEST = "Test", _("Test")

    class MsgType(models.TextChoices):
        ALERT = "Alert", _("Alert")
        UPDATE = "Update", _("Update")
        CANCEL = "Cancel", _("Cancel")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_APPROVAL = "awaiting_approval", _("Waiting for a second publisher")
        PUBLISHED = "published", _("Published")

    class Category(models.TextChoices):
        GEO = "Geo", _("Geophysical (e.g. earthquake)")
        MET = "Met", _("Weather (e.g. flood, cyclone)")
        SAFETY = "Safety", _("General safety")
        SECURITY = "Security", _("Security")
        RESCUE = "Rescue", _("Rescue and recovery")
        FIRE = "Fire", _("Fire")
        HEALTH = "Health", _("Health (e.g. outbreak)")
        ENV = "Env", _("Environment (e.g. pollution)")
        TRANSPORT = "Transport", _("Transport")
        INFRA = "Infra", _("Infrastructure (e.g. power, water, telecommunications)")
        CBRNE = "CBRNE", _("Chemical, biological, radiological, nuclear or explosive")
        OTHER = "Other", _("Other")

    # CAP's lists without "Unknown": a publisher always says what they know.
    class Urgency(models.TextChoices):
        IMMEDIATE = "Immediate", _("Immediate: act now")
        EXPECTED = "Expected", _("Expected: act within the next hour")
        FUTURE = "Future", _("Future: act in the near future")
        PAST = "Past", _("Past: no action needed any more")

    class Severity(models.TextChoices):
        EXTREME = "Extreme", _("Extreme: extraordinary threat to life or property")
        SEVERE = "Severe", _("Severe: significant threat to life or property")
        MODERATE = "Moderate", _("Moderate: possible threat to life or property")
        MINOR = "Minor", _("Minor: minimal to no known threat")

    class Certainty(models.TextChoices):
        OBSERVED = "Observed", _("Observed: it has happened or is happening")
        LIKELY = "Likely", _("Likely: more likely than not")
        POSSIBLE = "Possible", _("Possible: possible but not likely")
        UNLIKELY = "Unlikely", _("Unlikely: not expected to happen")

    identifier = models.CharField(
        _("identifier"), max_length=64, unique=True, default=new_identifier, editable=False
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("incident")
    )
    msg_type = models.CharField(
        _("message type"), max_length=8, choices=MsgType.choices, default=MsgType.ALERT
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name=_("updates or cancels"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTUAL
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    headline_ar = models.CharField(_("headline (Arabic)"), max_length=HEADLINE_MAX)
    headline_en = models.CharField(_("headline (English)"), max_length=HEADLINE_MAX)
    summary_ar = models.TextField(_("summary (Arabic)"), max_length=SUMMARY_MAX)
    summary_en = models.TextField(_("summary (English)"), max_length=SUMMARY_MAX)
    event_ar = models.CharField(_("event (Arabic)"), max_length=EVENT_MAX)
    event_en = models.CharField(_("event (English)"), max_length=EVENT_MAX)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    certainty = models.CharField(_("certainty"), max_length=10, choices=Certainty.choices)
    effective = models.DateTimeField(_("effective from"))
    expires = models.DateTimeField(_("expires"))
    governorates = models.ManyToManyField(
        Governorate, related_name="alerts", verbose_name=_("governorates")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    # Who asked for publication and who approved (four eyes): never the same account.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publication requested by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # CAP <sent>: the moment of publication.
    sent = models.DateTimeField(_("sent"), null=True, blank=True)
    # When a later Update or Cancel of this message was published.
    replaced_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "expires"], name="alert_state_expires"),
            models.Index(fields=["incident", "state"], name="alert_incident_state"),
        ]

    def __str__(self) -> str:
        return self.headline

    @property
    def headline(self) -> str:
        return _in_language(self, "headline")

    @property
    def summary(self) -> str:
        return _in_language(self, "summary")

    @property
    def event(self) -> str:
        return _in_language(self, "event")

    def text_in(self, field: str, language: str) -> str:
        return _in_language(self, field, language)

    @property
    def needs_approval(self) -> bool:
        """Four eyes: a real emergency (status Actual, level emergency), whatever its
        message type, is published only when a second publisher approves it."""
        return self.status == self.Status.ACTUAL and self.level == self.Level.EMERGENCY

    @property
    def is_drill(self) -> bool:
        return self.status != self.Status.ACTUAL

    def chain(self) -> list["Alert"]:
        """The earlier messages this one follows, oldest first (its CAP references)."""
        earlier = []
        current = self.follows
        while current is not None:
            earlier.append(current)
            current = current.follows
        return earlier[::-1]


class CrisisEvent(AppendOnlyModel):
    """One immutable line of the crisis audit trail, written by ``crisis.workflow``: who
    did what to which alert or incident, and when."""

    class Kind(models.TextChoices):
        DRAFTED = "drafted", _("Alert drafted")
        EDITED = "edited", _("Draft edited")
        APPROVAL_REQUESTED = "approval_requested", _("Approval requested")
        APPROVED = "approved", _("Approved by a second publisher")
        APPROVAL_REFUSED = "approval_refused", _("Approval refused")
        PUBLISHED = "published", _("Published")
        INCIDENT_OPENED = "incident_opened", _("Incident page opened")
        UPDATE_POSTED = "update_posted", _("Incident update posted")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now, editable=False)
    alert = models.ForeignKey(
        Alert,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("alert"),
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="events", verbose_name=_("incident")
    )
    note = models.TextField(_("note"), blank=True)

    trail_name = "Crisis events"

    class Meta:
        verbose_name = _("crisis event")
        verbose_name_plural = _("crisis events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def for_alert(self, alert: Alert):
        """Confirmed subscribers of all governorates or of one the alert names."""
        codes = list(alert.governorates.values_list("code", flat=True))
        return self.confirmed().filter(
            Q(all_governorates=True)
            | Q(
                pk__in=Subscription.governorates.through.objects.filter(
                    governorate_id__in=codes
                ).values("subscription_id")
            )
        )

    def unconfirmed_before(self, moment):
        return self.filter(confirmed_at__isnull=True, created_at__lt=moment)


class Subscription(models.Model):
    """An e-mail address that receives alerts, with no account. Confirmed by the link of
    the confirmation mail (double opt-in); unsubscribing deletes the row (erasure)."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    all_governorates = models.BooleanField(_("all governorates"), default=True)
    governorates = models.ManyToManyField(
        Governorate, blank=True, related_name="+", verbose_name=_("governorates")
    )
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        indexes = [models.Index(fields=["confirmed_at", "created_at"], name="subscription_state")]

    def __str__(self) -> str:
        return self.email


class Delivery(models.Model):
    """One alert mailed to one subscriber: written with the sending, so a retried batch
    never mails anyone twice. Deleted with the subscription."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["alert", "subscription"], name="one_delivery_each")
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.subscription_id}"
