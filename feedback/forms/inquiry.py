"""The citizen's "is this true?" form: a claim seen outside, asked about (issue 14)."""

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from feedback.forms.kept import KeptUploadsMixin
from feedback.forms.public import MultipleFileField, SubmissionForm
from feedback.models import WhereSeen
from portal.formatting import local_number
from portal.forms import CitizenForm, CitizenTextField, OneLineField

CLAIM_MIN = 5
CLAIM_MAX = 2000
LINK_MAX = 2000
SCREENSHOT_TYPES = ".jpg,.jpeg,.png,.webp"
LINK_FORMAT = _(
    "Enter the link as it appears in the address bar, starting with https:// or http://, "
    "for example https://x.com/account/status/123."
)


class ScreenshotField(MultipleFileField):
    """One image, through the attachments' checks (``feedback.uploads``: size, type, pixel
    bounds, re-encoding without location data); kept across errors like attachments."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": SCREENSHOT_TYPES}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if data and not isinstance(data, (list, tuple)):
            data = [data]
        files = [f for f in (data or []) if f]
        if len(files) + self.kept_count > 1:
            self.accepted = []
            raise ValidationError(
                _("Choose one screenshot. Remove the kept one to choose another."),
                code="too_many",
            )
        cleaned = super().clean(files, initial)
        images = [clean for clean in cleaned if clean.content_type.startswith("image/")]
        if len(images) != len(cleaned):
            self.accepted = images
            raise ValidationError(
                _("A screenshot must be a JPEG, PNG or WebP image."), code="not_an_image"
            )
        return cleaned


class InquiryForm(KeptUploadsMixin, CitizenForm):
    error_summary_exclude = ("website",)
    kept_uploads_scope = "inquiry"
    kept_uploads_field = "screenshot"

    claim = CitizenTextField(
        label=_("What did you see or hear?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "The claim in your own words, as it circulates. For example: “Schools will be "
            "closed all next week.”"
        ),
        error_messages={"required": _("Write the claim you want us to check.")},
    )
    where_seen = forms.ChoiceField(
        label=_("Where did you see it?"),
        choices=WhereSeen.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose where you saw it."),
            "invalid_choice": _("Choose where you saw it."),
        },
    )
    link = OneLineField(
        label=_("Link to the post or page (optional)"),
        required=False,
        help_text=_("We store the link as text and never open it from our servers."),
        error_messages={"one_line": LINK_FORMAT},
        widget=forms.TextInput(
            attrs={"inputmode": "url", "spellcheck": "false", "dir": "ltr", "autocomplete": "off"}
        ),
    )
    screenshot = ScreenshotField(
        label=_("Screenshot (optional)"),
        required=False,
        help_text=_("One JPEG, PNG or WebP image, up to 5 MB. Location data is removed."),
    )
    name = SubmissionForm.base_fields["name"]
    email = OneLineField(
        label=_("E-mail address (optional)"),
        required=False,
        error_messages={"one_line": SubmissionForm.base_fields["email"].error_messages["one_line"]},
        help_text=_("We write to you when the official clarification is published."),
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "dir": "ltr"}
        ),
    )
    phone = SubmissionForm.base_fields["phone"]
    notify_corrections = forms.BooleanField(
        label=_("Tell me about corrections too"),
        required=False,
        help_text=_("If the clarification is corrected later, we write to you again."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my question and the details I gave are processed as described in the privacy notice."
        ),
        error_messages={"required": _("Agree to the privacy notice to send your question.")},
    )
    website = OneLineField(required=False, label=pgettext_lazy("honeypot field", "Website"))

    _limit = SubmissionForm._limit
    clean_name = SubmissionForm.clean_name
    clean_email = SubmissionForm.clean_email
    clean_phone = SubmissionForm.clean_phone
    clean_website = SubmissionForm.clean_website

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_claim(self) -> str:
        claim = self._limit(
            self.cleaned_data["claim"].strip(),
            CLAIM_MAX,
            _(
                "The claim must be %(limit)s characters or fewer (you entered %(count)s). "
                "Shorten it: nothing was cut."
            ),
        )
        if len(claim) < CLAIM_MIN:
            raise ValidationError(
                _("Write the claim in a few words (at least %(limit)s characters)."),
                code="min_length",
                params={"limit": local_number(CLAIM_MIN)},
            )
        return claim

    def clean_link(self) -> str:
        link = self.cleaned_data["link"].strip()
        if not link:
            return ""
        if len(link) > LINK_MAX:
            raise ValidationError(
                _("The link must be %(limit)s characters or fewer."),
                code="max_length",
                params={"limit": local_number(LINK_MAX)},
            )
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise ValidationError(LINK_FORMAT, code="invalid") from None
        if not urlsplit(link).hostname:
            raise ValidationError(LINK_FORMAT, code="invalid")
        return link

    @property
    def is_bot(self) -> bool:
        return "website" in self.errors
