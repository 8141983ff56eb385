"""Forms of the crisis pages: the publishers' (alert, incident, update, actions) and the
citizen's subscription form."""

from django import forms
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

from crisis.models import (
    EVENT_MAX,
    HEADLINE_MAX,
    SUMMARY_MAX,
    UPDATE_MAX,
    Alert,
    Governorate,
    Incident,
)
from portal.formatting import local_number
from portal.forms import CitizenForm, ErrorSummaryMixin, OneLineField
from portal.text import clean_citizen_text, one_line

EMAIL_MAX = 254


def _limit(value: str, limit: int, message) -> str:
    if len(value) > limit:
        raise forms.ValidationError(
            message,
            code="max_length",
            params={"limit": local_number(limit), "count": local_number(len(value))},
        )
    return value


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs={"dir": "ltr", **(attrs or {})}, format="%Y-%m-%dT%H:%M")


class GovernorateChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Governorate) -> str:
        return obj.name


# (field, limit, message): each text a publisher writes, with its own translated error.
TEXT_LIMITS = {
    "headline_ar": (
        HEADLINE_MAX,
        _("The Arabic headline must be %(limit)s characters or fewer (you entered %(count)s)."),
    ),
    "headline_en": (
        HEADLINE_MAX,
        _("The English headline must be %(limit)s characters or fewer (you entered %(count)s)."),
    ),
    "summary_ar": (
        SUMMARY_MAX,
        _("The Arabic summary must be %(limit)s characters or fewer (you entered %(count)s)."),
    ),
    "summary_en": (
        SUMMARY_MAX,
        _("The English summary must be %(limit)s characters or fewer (you entered %(count)s)."),
    ),
    "event_ar": (
        EVENT_MAX,
        _("The Arabic event name must be %(limit)s characters or fewer (you entered %(count)s)."),
    ),
    "event_en": (
        EVENT_MAX,
        _("The English event name must be %(limit)s characters or fewer (you entered %(count)s)."),
    ),
}


class AlertForm(ErrorSummaryMixin, forms.Form):
    """A draft alert, its Update or its Cancel. The rules across fields (an Update names
    the alert it follows, the expiry is after the start) are ``crisis.workflow``'s: the
    view shows its refusal on the field it names."""

    incident = forms.ModelChoiceField(
        label=_("Incident"),
        queryset=Incident.objects.all(),
        empty_label=_("Choose an incident"),
        help_text=_("The alert links to this incident's page of updates."),
        error_messages={"required": _("Choose the incident this alert is about.")},
    )
    msg_type = forms.ChoiceField(
        label=_("Message type"),
        choices=Alert.MsgType.choices,
        widget=forms.RadioSelect,
        help_text=_("Alert: a new alert. Update: replaces a published alert. Cancel: ends it."),
    )
    follows = forms.ModelChoiceField(
        label=_("Alert it updates or cancels"),
        queryset=Alert.objects.none(),
        required=False,
        empty_label=_("None (a new alert)"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Alert.Status.choices,
        widget=forms.RadioSelect,
        help_text=_("Exercise and Test alerts are never shown on the site's pages nor mailed."),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=Alert.Level.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Emergency: immediate risk to life (a second publisher must approve it). Warning: a risk to prepare for. Information: no risk, but people need to know."
        ),
        error_messages={"required": _("Choose the level of the alert.")},
    )
    headline_ar = forms.CharField(
        label=_("Headline in Arabic"), error_messages={"required": _("Enter the Arabic headline.")}
    )
    headline_en = forms.CharField(
        label=_("Headline in English"),
        error_messages={"required": _("Enter the English headline.")},
    )
    summary_ar = forms.CharField(
        label=_("Summary in Arabic"),
        help_text=_("Two sentences: what is happening and what to do."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the Arabic summary.")},
    )
    summary_en = forms.CharField(
        label=_("Summary in English"),
        help_text=_("Two sentences: what is happening and what to do."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        error_messages={"required": _("Enter the English summary.")},
    )
    event_ar = forms.CharField(
        label=_("Event in Arabic"),
        help_text=_("A few words, for example: flood."),
        error_messages={"required": _("Enter the Arabic event name.")},
    )
    event_en = forms.CharField(
        label=_("Event in English"),
        help_text=_("A few words, for example: flood."),
        error_messages={"required": _("Enter the English event name.")},
    )
    category = forms.ChoiceField(label=_("Category"), choices=Alert.Category.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Alert.Urgency.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Alert.Severity.choices)
    certainty = forms.ChoiceField(label=_("Certainty"), choices=Alert.Certainty.choices)
    effective = forms.DateTimeField(
        label=_("In force from"),
        widget=DateTimeLocalInput(),
        help_text=_("Local time (Muscat)."),
        error_messages={
            "required": _("Enter when the alert starts."),
            "invalid": _("Enter a date and time, like 2026-12-03 14:05."),
        },
    )
    expires = forms.DateTimeField(
        label=_("Expires"),
        widget=DateTimeLocalInput(),
        help_text=_("Local time (Muscat). The banner disappears then."),
        error_messages={
            "required": _("Enter when the alert expires."),
            "invalid": _("Enter a date and time, like 2026-12-03 14:05."),
        },
    )
    all_governorates = forms.BooleanField(label=_("All governorates"), required=False)
    governorates = GovernorateChoiceField(
        label=_("Governorates"),
        queryset=Governorate.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose governorates from the list.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["follows"].queryset = (
            Alert.objects.published()
            .filter(replaced_at__isnull=True)
            .exclude(msg_type=Alert.MsgType.CANCEL)
            .select_related("incident")
        )
        for name in ("headline_en", "event_en"):
            self.fields[name].widget.attrs["dir"] = "ltr"

    def clean(self):
        cleaned = super().clean()
        for name, (limit, message) in TEXT_LIMITS.items():
            # Headlines and events are one line; no invisible control or bidi override
            # reaches the banner, the mails or the CAP document.
            tidy = clean_citizen_text if name.startswith("summary") else one_line
            value = tidy(cleaned.get(name) or "").strip()
            if name in cleaned:
                try:
                    cleaned[name] = _limit(value, limit, message)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        if cleaned.get("all_governorates"):
            cleaned["governorates"] = list(Governorate.objects.all())
        return cleaned

    def alert_fields(self) -> dict:
        from crisis.workflow import ALERT_FIELDS

        return {name: self.cleaned_data[name] for name in ALERT_FIELDS}

    @classmethod
    def initial_from(cls, alert: Alert, **overrides) -> dict:
        from crisis.workflow import ALERT_FIELDS

        initial = {name: getattr(alert, name) for name in ALERT_FIELDS}
        initial["governorates"] = list(alert.governorates.all())
        initial.update(overrides)
        return initial


class ActionForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note (optional, kept in the history)"),
        required=False,
        max_length=500,
        widget=forms.TextInput,
    )


class IncidentForm(ErrorSummaryMixin, forms.Form):
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        help_text=_(
            "Latin letters, digits and hyphens, e.g. muscat-flood-2026: the page's address."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
        error_messages={
            "required": _("Enter the page's address."),
            "invalid": _("Use only Latin letters, digits and hyphens."),
        },
    )
    title_ar = forms.CharField(
        label=_("Title in Arabic"), error_messages={"required": _("Enter the Arabic title.")}
    )
    title_en = forms.CharField(
        label=_("Title in English"),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
        error_messages={"required": _("Enter the English title.")},
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("title_ar", "title_en"):
            if name in cleaned:
                try:
                    cleaned[name] = _limit(
                        one_line(cleaned[name]),
                        HEADLINE_MAX,
                        _(
                            "The title must be %(limit)s characters or fewer (you entered %(count)s)."
                        ),
                    )
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class UpdateForm(ErrorSummaryMixin, forms.Form):
    body_ar = forms.CharField(
        label=_("Update in Arabic"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the update in Arabic.")},
    )
    body_en = forms.CharField(
        label=_("Update in English"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
        error_messages={"required": _("Enter the update in English.")},
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("body_ar", "body_en"):
            if name in cleaned:
                try:
                    cleaned[name] = _limit(
                        clean_citizen_text(cleaned[name]).strip(),
                        UPDATE_MAX,
                        _(
                            "An update must be %(limit)s characters or fewer (you entered %(count)s)."
                        ),
                    )
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned


EMAIL_FORMAT = _("Enter an e-mail address in the correct format, like name@example.com.")


class SubscribeForm(CitizenForm):
    email = OneLineField(
        label=_("E-mail address"),
        error_messages={"required": _("Enter your e-mail address."), "one_line": EMAIL_FORMAT},
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "dir": "ltr"}
        ),
    )
    scope = forms.ChoiceField(
        label=_("Which alerts?"),
        choices=[
            ("all", _("Alerts for all of Oman")),
            ("chosen", _("Only alerts for the governorates I choose")),
        ],
        widget=forms.RadioSelect,
        initial="all",
        error_messages={"required": _("Choose all of Oman or your governorates.")},
    )
    governorates = GovernorateChoiceField(
        label=_("Your governorates"),
        queryset=Governorate.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose governorates from the list.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mails"),
        choices=[("ar", "العربية"), ("en", "English")],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the language of the e-mails.")},
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if len(email) > EMAIL_MAX:
            raise forms.ValidationError(EMAIL_FORMAT, code="invalid")
        try:
            EmailValidator()(email)
        except forms.ValidationError:
            raise forms.ValidationError(EMAIL_FORMAT, code="invalid") from None
        local, _at, domain = email.rpartition("@")
        return f"{local}@{domain.lower()}"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == "chosen" and not cleaned.get("governorates"):
            self.add_error("governorates", _("Choose at least one governorate, or all of Oman."))
        return cleaned

    def chosen_governorates(self) -> list[Governorate] | None:
        if self.cleaned_data["scope"] == "all":
            return None
        return list(self.cleaned_data["governorates"])
