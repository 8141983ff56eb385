from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk writes would bypass ``save``/``delete``: refused too. (Deleting the row an
    event belongs to may still remove its history through a cascade, which does not go
    through here.)"""

    def update(self, **kwargs):
        raise ValueError(f"{self.model.trail_name} are an audit trail and cannot be changed.")

    def delete(self):
        raise ValueError(f"{self.model.trail_name} are an audit trail and cannot be deleted.")


class AppendOnlyModel(models.Model):
    """An audit trail's line: written once, never changed, never deleted one by one.

    Subclasses name themselves in ``trail_name`` (for the error). No fields here, so
    inheriting it changes no table.
    """

    trail_name = "Events"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError(f"{self.trail_name} are an audit trail and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self.trail_name} are an audit trail and cannot be deleted.")


class MinistryQuerySet(models.QuerySet):
    def active(self) -> "MinistryQuerySet":
        return self.filter(is_active=True)


class Ministry(models.Model):
    """A ministry that feedback is routed to and news can be tagged with."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Where notifications about feedback routed to this ministry are sent."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = MinistryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ministry")
        verbose_name_plural = _("ministries")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class OfficialChannel(models.Model):
    """An official social media account: the centre's (no ministry), listed in the footer,
    or a ministry's, listed on that ministry's public page."""

    class Platform(models.TextChoices):
        X = "x", _("X (Twitter)")
        INSTAGRAM = "instagram", _("Instagram")
        YOUTUBE = "youtube", _("YouTube")
        FACEBOOK = "facebook", _("Facebook")
        WHATSAPP = "whatsapp", _("WhatsApp")
        LINKEDIN = "linkedin", _("LinkedIn")
        TIKTOK = "tiktok", _("TikTok")
        TELEGRAM = "telegram", _("Telegram")

    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=100, help_text=_("For example @tawasul_om"))
    url = models.URLField(_("address"))
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("ministry"),
        help_text=_("Empty: a channel of the centre, shown in the footer of every page."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("official channel")
        verbose_name_plural = _("official channels")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "handle"], name="channel_unique_handle"),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.handle}"

    def get_absolute_url(self) -> str:
        return self.url


OPENING_HOURS_SPEC = RegexValidator(
    r"^(Mo|Tu|We|Th|Fr|Sa|Su)(-(Mo|Tu|We|Th|Fr|Sa|Su))? ([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d"
    r"(, (Mo|Tu|We|Th|Fr|Sa|Su)(-(Mo|Tu|We|Th|Fr|Sa|Su))? ([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)*$",
    _("Write the days and hours as schema.org does, e.g. Su-Th 07:30-14:30."),
)


class ContactDetails(models.Model):
    """The centre's address, phone and opening hours on the contact page: one row, edited
    by staff in the admin (the official channels are OfficialChannel rows)."""

    SINGLETON = 1

    address = models.TextField(
        _("address"), help_text=_("As a visitor or a letter would need it, one part per line.")
    )
    phone = models.CharField(
        _("phone"), max_length=30, help_text=_("With the country code, e.g. +968 2400 0000.")
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        help_text=_("As people read it, e.g. Sunday to Thursday, 7:30 to 14:30."),
    )
    opening_hours_spec = models.CharField(
        _("opening hours for search engines"),
        max_length=100,
        validators=[OPENING_HOURS_SPEC],
        help_text=_("The same hours for search engines, e.g. Su-Th 07:30-14:30."),
    )
    map_url = models.URLField(_("map link"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")

    def __str__(self) -> str:
        return str(_("Contact details"))

    def save(self, *args, **kwargs) -> None:
        self.pk = self.SINGLETON  # one row: a second "add" edits the same one
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "ContactDetails | None":
        return cls.objects.filter(pk=cls.SINGLETON).first()


class StaffProfile(models.Model):
    """What the auth user lacks: the ministry a ministry officer works for."""

    user = models.OneToOneField(
        "auth.User",
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("ministry"),
        help_text=_("Required for ministry officers: they see only this ministry's items."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)


class EnrolmentCode(models.Model):
    """The one-time code a staff member types before enrolling their first authenticator.

    Without it, whoever signs in first with the password (a leaked or guessed one) would
    enrol their own phone. Only a hash is stored; the code is shown once, to whoever issues
    it (``manage.py add_staff`` or the admin's action on users), see ``portal.enrolment``.
    """

    user = models.OneToOneField(
        "auth.User",
        on_delete=models.CASCADE,
        related_name="enrolment_code",
        verbose_name=_("user"),
    )
    code_hash = models.CharField(max_length=128)
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("enrolment code")
        verbose_name_plural = _("enrolment codes")

    def __str__(self) -> str:
        return str(self.user)
