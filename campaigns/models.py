"""Campaigns of the centre or of one ministry, their tracked links, KPIs and posts, and
the counts that measure them (only counts: nothing about any visitor).

``DailyCount`` is written only by the flush (``campaigns.counters.flush``), never by a
request; ``Outcome`` links a stored form (a feedback submission, later an inquiry) to the
campaign link it came from, in this app's own table, so the forms' apps know nothing of
campaigns (``portal.attribution``).
"""

import datetime
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import Resolver404, ResolverMatch, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from campaigns import codes
from portal import roles
from portal.models import Ministry, OfficialChannel


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CampaignQuerySet":
        """The one rule: managers, editors, moderators and superusers every campaign;
        officers their ministry's only; everyone else none (``portal.roles``)."""
        scope = roles.campaign_scope(user)
        if scope is None:
            return self.none()
        if scope.ministry_id is None:
            return self
        return self.filter(ministry_id=scope.ministry_id)

    def counting_on(self, day: datetime.date) -> "CampaignQuerySet":
        """Campaigns whose pages' views are counted on ``day``: running, or ended at most
        ``AFTER_END_DAYS`` before (late visits of a campaign's posts still show)."""
        return self.filter(
            starts_on__lte=day, ends_on__gte=day - datetime.timedelta(days=AFTER_END_DAYS)
        )


# Links keep redirecting (and counting) this many days after the campaign's end; then
# they go to the home page.
AFTER_END_DAYS = 30


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=200)
    objective = models.TextField(_("objective"))
    audience = models.CharField(_("audience"), max_length=300)
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("ministry"),
        help_text=_("Empty: a campaign of the communication centre."),
    )
    channels = models.ManyToManyField(
        OfficialChannel, related_name="campaigns", verbose_name=_("channels")
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns_staff:dashboard", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date must not be before the start.")})

    def days_left(self, today: datetime.date | None = None) -> int:
        """Days of the campaign still to come, today included (all of them before it
        starts, 0 once it has ended)."""
        first = max(today or timezone.localdate(), self.starts_on)
        return max(0, (self.ends_on - first).days + 1)

    def is_running(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class Metric(models.TextChoices):
    """The fixed list of what a KPI can measure (docs/decisions.md, "Campaigns")."""

    CLICKS = "clicks", _("Link clicks (all channels)")
    CHANNEL_CLICKS = "channel_clicks", _("Link clicks from one channel")
    PAGE_VIEWS = "page_views", _("Views of the campaign's pages")
    USEFUL_ANSWERS = "useful_answers", _("“Useful: yes” answers")
    USEFUL_SHARE = "useful_share", _("Share of “useful” answers (%)")
    SUBMISSIONS = "submissions", _("Submissions sent from campaign links")
    SATISFACTION = "satisfaction", _("Average satisfaction rating (1–5)")


class Kpi(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("campaign")
    )
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    channel = models.ForeignKey(
        OfficialChannel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
        help_text=_("Only for clicks from one channel."),
    )
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=1)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.target}"

    def clean(self) -> None:
        super().clean()
        if self.metric == Metric.CHANNEL_CLICKS and self.channel_id is None:
            raise ValidationError({"channel": _("Choose the channel whose clicks count.")})
        if self.metric != Metric.CHANNEL_CLICKS and self.channel_id is not None:
            raise ValidationError({"channel": _("A channel is only for clicks from one channel.")})
        if self.target is not None and self.target <= 0:
            raise ValidationError({"target": _("The target must be more than zero.")})


def language_of(path: str) -> str | None:
    """The language prefix of ``path`` (``/ar/...`` → "ar"), or None."""
    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/"):
            return code
    return None


def resolve_page(path: str) -> ResolverMatch:
    """``resolve`` in the path's own language (a prefix matches only while active)."""
    language = language_of(path)
    if language is None:
        raise Resolver404(path)
    with translation.override(language):
        return resolve(path)


def validate_target(value: str) -> None:
    """A page of this site: a path (never another host), in a language, that resolves."""
    parts = urlsplit(value)
    bad = parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//")
    if bad or language_of(parts.path) is None or any(ord(c) < 32 for c in value):
        raise ValidationError(_("Give a page of this site, starting with /ar/ or /en/."))
    try:
        resolve_page(unquote(parts.path))
    except Resolver404:
        raise ValidationError(_("No page of this site has this address.")) from None


class Link(models.Model):
    """A short link ``/c/<code>`` for one channel and target page of a campaign."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="links", verbose_name=_("campaign")
    )
    channel = models.ForeignKey(
        OfficialChannel, on_delete=models.PROTECT, related_name="+", verbose_name=_("channel")
    )
    target = models.CharField(
        _("target page"),
        max_length=300,
        validators=[validate_target],
        help_text=_("A page of this site, e.g. /ar/news/… or /ar/feedback/new/."),
    )
    code = models.CharField(_("code"), max_length=16, unique=True, default=codes.new_code)

    class Meta:
        verbose_name = _("tracked link")
        verbose_name_plural = _("tracked links")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"/c/{self.code}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:follow", kwargs={"code": self.code})

    @property
    def page(self) -> str:
        """The target page without its language: views and answers are counted per page."""
        return page_of_target(self.target)


def page_of(path: str) -> str:
    """``/ar/news/x/`` → ``/news/x/``: one page in every language."""
    language = language_of(path)
    return path[len(language) + 1 :] if language else path


def page_of_target(target: str) -> str:
    """The page of a link's target as requests name it (decoded, as ``path_info``)."""
    return page_of(unquote(urlsplit(target).path))


class Post(models.Model):
    """An official post of the campaign, as published on a channel."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="posts", verbose_name=_("campaign")
    )
    channel = models.ForeignKey(
        OfficialChannel, on_delete=models.PROTECT, related_name="+", verbose_name=_("channel")
    )
    posted_on = models.DateField(_("date"))
    url = models.URLField(_("link"), blank=True)
    text = models.TextField(_("text"), max_length=2000)

    class Meta:
        verbose_name = _("official post")
        verbose_name_plural = _("official posts")
        ordering = ["posted_on", "pk"]

    def __str__(self) -> str:
        return f"{self.channel} {self.posted_on}"


class DailyCount(models.Model):
    """How many of one kind of event happened on one day: a link's clicks (subject: the
    link's id), a page's views or its usefulness answers (subject: the page without its
    language). Written by the flush only."""

    class Kind(models.TextChoices):
        CLICK = "click", _("click")
        VIEW = "view", _("page view")
        USEFUL_YES = "useful_yes", _("useful: yes")
        USEFUL_NO = "useful_no", _("useful: no")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    subject = models.CharField(max_length=300)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject", "day"], name="daily_count_once")
        ]
        indexes = [models.Index(fields=["kind", "day"], name="daily_count_kind_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} {self.day}: {self.count}"


class Outcome(models.Model):
    """A form sent from a campaign link (a feedback submission; later an inquiry)."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="outcomes")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="outcome_once")
        ]

    def __str__(self) -> str:
        return f"{self.link} → {self.content_type.model} {self.object_id}"
