from django import forms
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import enrolment
from portal.text import clean_citizen_text, is_one_line, normalize_search_text


class ErrorSummaryMixin:
    """``error_links()`` for templates/includes/error_summary.html (GOV.UK pattern): one
    (anchor, message) per error, in field order, each linking to its input."""

    # Fields never named in the summary (a honeypot must not reveal itself).
    error_summary_exclude: tuple[str, ...] = ()

    def error_links(self) -> list[tuple[str, str]]:
        links = [("", str(message)) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            if name not in self.errors or name in self.error_summary_exclude:
                continue
            anchor = self[name].auto_id
            if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                anchor += "_0"  # the first choice: a group has no element of its own
            links.extend((anchor, str(message)) for message in self.errors[name])
        return links

    def error_summary_notes(self) -> list[str]:
        """Reassurances shown under the errors, not as errors (e.g. which files are kept)."""
        return []


class CitizenTextField(forms.CharField):
    """Text a citizen writes on a public page (details, a comment, a reason): before any
    check or storage, line breaks become ``\\n`` and invisible controls and bidi
    overrides are removed (``portal.text.clean_citizen_text``)."""

    def to_python(self, value):
        if value not in self.empty_values:
            value = clean_citizen_text(str(value))
        return super().to_python(value)


class OneLineField(CitizenTextField):
    """A name, a subject, an address: one line of plain text. A line break, an invisible
    control or a bidi override is refused (error ``one_line``), not silently removed: the
    citizen sees what the portal would have stored. A tab counts as a space."""

    default_error_messages = {
        "one_line": _(
            "This must be one line of plain text. It contains a line break or an invisible "
            "formatting character, often left by copying and pasting: type it again."
        ),
    }

    def to_python(self, value):
        if value not in self.empty_values:
            value = str(value).replace("\t", " ")
        return forms.CharField.to_python(self, value)

    def validate(self, value) -> None:
        super().validate(value)
        if value and not is_one_line(value):
            raise forms.ValidationError(self.error_messages["one_line"], code="one_line")


class CitizenForm(ErrorSummaryMixin, forms.Form):
    """A form of the public pages. Its text fields are ``CitizenTextField`` or
    ``OneLineField``: a subclass that declares a plain ``CharField`` (or an ``EmailField``,
    ...) is refused when it is defined, so a new citizen form cannot forget the rule."""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        for name, field in cls.__dict__.get("declared_fields", {}).items():
            if isinstance(field, forms.CharField) and not isinstance(field, CitizenTextField):
                raise TypeError(
                    f"{cls.__qualname__}.{name}: a citizen form's text field must be a "
                    "CitizenTextField or a OneLineField (portal.forms)."
                )


class OneTimeCodeForm(ErrorSummaryMixin, forms.Form):
    """The six-digit code of an authenticator app, checked against the user's devices."""

    token = forms.CharField(
        label=_("Six-digit code"),
        help_text=_("Open your authenticator app and type the code it shows for Tawasul."),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr"}
        ),
    )

    def __init__(self, *args, devices: list[TOTPDevice], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.devices = devices
        self.device: TOTPDevice | None = None

    def clean_token(self) -> str:
        # Arabic-Indic digits and spaces are fine: "١٢٣ ٤٥٦" is read as 123456.
        token = normalize_search_text(self.cleaned_data["token"]).replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the six digits shown in your app."))
        for device in self.devices:
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                raise forms.ValidationError(
                    _("Too many wrong codes. Wait a minute, then try the newest code.")
                )
            if device.verify_token(token):
                self.device = device
                return token
        raise forms.ValidationError(
            _("That code is not right. Check that your phone's clock is correct and try again.")
        )


class EnrolmentCodeForm(ErrorSummaryMixin, forms.Form):
    """The one-time enrolment code an administrator gave with the account."""

    code = forms.CharField(
        label=_("Enrolment code"),
        help_text=_(
            "The code you were given with your account, for example ABCD-EFGH-JKLM. "
            "Capital or small letters, with or without dashes."
        ),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "dir": "ltr"}
        ),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_code(self) -> str:
        result = enrolment.check(self.user, self.cleaned_data["code"])
        if result is enrolment.Check.ACCEPTED:
            return self.cleaned_data["code"]
        messages = {
            enrolment.Check.WRONG: _("That enrolment code is not right. Check it and try again."),
            enrolment.Check.EXPIRED: _(
                "This enrolment code has expired. Ask an administrator for a new one."
            ),
            enrolment.Check.SPENT: _(
                "Too many wrong enrolment codes. Ask an administrator for a new one."
            ),
            enrolment.Check.MISSING: _(
                "There is no enrolment code for your account. Ask an administrator for one."
            ),
        }
        raise forms.ValidationError(messages[result], code=result.value)
