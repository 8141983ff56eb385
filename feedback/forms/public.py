import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from feedback.forms.kept import KeptUploadsMixin
from feedback.models import FORM_KINDS, Kind, Topic
from feedback.references import normalize_reference
from feedback.uploads import CleanFile, judge_uploads
from portal.formatting import local_number
from portal.forms import CitizenForm, CitizenTextField, OneLineField

SUBJECT_MAX = 150
BODY_MIN = 10
BODY_MAX = 5000
NAME_MAX = 100
EMAIL_MAX = 254
PHONE_PATTERN = re.compile(r"^\+?[0-9]{7,15}$")
_DIGITS = str.maketrans(
    {**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}}
)


KIND_NOT_ACCEPTED = {
    Kind.COMPLAINT: _("The topic “%(topic)s” does not take complaints. Choose another topic."),
    Kind.SUGGESTION: _("The topic “%(topic)s” does not take suggestions. Choose another topic."),
    Kind.IDEA: _("The topic “%(topic)s” does not take ideas. Choose another topic."),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to FEEDBACK_MAX_ATTACHMENTS files, checked together by ``judge_uploads``.

    Files kept from an earlier try (``KeptUploadsMixin`` sets ``kept_count`` and
    ``kept_pixels``) count against the limit and the request's pixel budget; ``accepted``
    holds the files cleaned in this request even when another file was refused, so they
    can be kept for the next try.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.webp,.pdf"})
        )
        super().__init__(**kwargs)
        self.kept_count = 0
        self.kept_pixels = 0
        self.accepted: list[CleanFile] = []

    def clean(self, data, initial=None) -> list[CleanFile]:
        self.accepted = []
        files = [f for f in (data or []) if f]
        if len(files) + self.kept_count > settings.FEEDBACK_MAX_ATTACHMENTS:
            # Refused before any decoding: the work of a request stays bounded.
            if self.kept_count:
                raise ValidationError(
                    _(
                        "Choose at most %(count)s files in all: %(kept)s are kept from before. "
                        "Remove a kept file to choose another."
                    ),
                    code="too_many",
                    params={"count": settings.FEEDBACK_MAX_ATTACHMENTS, "kept": self.kept_count},
                )
            raise ValidationError(
                _("Choose at most %(count)s files."),
                code="too_many",
                params={"count": settings.FEEDBACK_MAX_ATTACHMENTS},
            )
        self.accepted, refusals = judge_uploads(files, pixels_taken=self.kept_pixels)
        if refusals:
            raise ValidationError(refusals)
        return self.accepted


EMAIL_FORMAT = _("Enter an e-mail address in the correct format, like name@example.com.")
PHONE_FORMAT = _("Enter a phone number with 7 to 15 digits, like +968 9123 4567.")


class SubmissionForm(KeptUploadsMixin, CitizenForm):
    error_summary_exclude = ("website",)
    kept_uploads_scope = "submission"

    kind = forms.ChoiceField(
        label=_("What would you like to send?"),
        choices=[(kind.value, kind.label) for kind in FORM_KINDS],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose complaint, suggestion or idea."),
            "invalid_choice": _("Choose complaint, suggestion or idea."),
        },
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        empty_label=_("Choose a topic"),
        help_text=_("The topic decides which ministry receives your request."),
        error_messages={
            "required": _("Choose a topic."),
            "invalid_choice": _("Choose a topic from the list."),
        },
    )
    subject = OneLineField(
        label=_("Subject"),
        help_text=_("A short title, for example the service or place concerned."),
        error_messages={
            "required": _("Enter a subject."),
            "one_line": _(
                "The subject must be one line of plain text. It contains a line break or an "
                "invisible formatting character, often left by copying and pasting: type it again."
            ),
        },
    )
    body = CitizenTextField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What happened or what you propose, where and when. Do not include other people's personal details."
        ),
        error_messages={"required": _("Enter the details of your request.")},
    )
    name = OneLineField(
        label=_("Your name (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "one_line": _(
                "Your name must be one line of plain text. It contains a line break or an "
                "invisible formatting character, often left by copying and pasting: type it again."
            ),
        },
    )
    email = OneLineField(
        label=_("E-mail address (optional)"),
        required=False,
        error_messages={"one_line": EMAIL_FORMAT},
        help_text=_("We send your reference and the answer to this address."),
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "dir": "ltr"}
        ),
    )
    phone = OneLineField(
        label=_("Phone number (optional)"),
        required=False,
        error_messages={"one_line": PHONE_FORMAT},
        help_text=_(
            "Only if you agree to be called about your request, for example +968 9123 4567."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )
    attachments = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_(
            "Up to 3 files: JPEG, PNG or WebP photos, or PDF documents, 5 MB each. Location data is removed from photos."
        ),
    )
    publication_consent = forms.BooleanField(
        label=_(
            "If this is a suggestion or an idea: I agree that, once answered, it may be "
            "published on the portal in “You said, we did” with the ministry's decision, "
            "without my name or contact details."
        ),
        help_text=_(
            "Optional. Moderators remove anything that could identify you before publishing. "
            "Complaints are never published."
        ),
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my request and the details I gave are processed as described in the privacy notice."
        ),
        error_messages={"required": _("Agree to the privacy notice to send your request.")},
    )
    # Honeypot: hidden from people (and from assistive technology), filled in by bots.
    # (One line: a bot that fills it with control characters only is still caught.)
    website = OneLineField(required=False, label=pgettext_lazy("honeypot field", "Website"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = (
            Topic.objects.filter(is_active=True)
            .exclude(accepts_complaints=False, accepts_suggestions=False, accepts_ideas=False)
            .select_related("ministry")
        )
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def _limit(self, value: str, limit: int, message) -> str:
        if len(value) > limit:
            raise ValidationError(
                message,
                code="max_length",
                params={"limit": local_number(limit), "count": local_number(len(value))},
            )
        return value

    def clean_subject(self) -> str:
        return self._limit(
            self.cleaned_data["subject"],
            SUBJECT_MAX,
            _("Subject must be %(limit)s characters or fewer (you entered %(count)s)."),
        )

    def clean_body(self) -> str:
        body = self._limit(
            self.cleaned_data["body"],
            BODY_MAX,
            _("Details must be %(limit)s characters or fewer (you entered %(count)s)."),
        )
        if len(body) < BODY_MIN:
            raise ValidationError(
                _("Details must be at least %(limit)s characters."),
                code="min_length",
                params={"limit": BODY_MIN},
            )
        return body

    def clean_name(self) -> str:
        return self._limit(
            self.cleaned_data["name"],
            NAME_MAX,
            _("Name must be %(limit)s characters or fewer (you entered %(count)s)."),
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if not email:
            return ""
        if len(email) > EMAIL_MAX:
            raise ValidationError(_("E-mail address is too long."), code="max_length")
        try:
            EmailValidator()(email)
        except ValidationError:
            raise ValidationError(EMAIL_FORMAT, code="invalid") from None
        local, _at, domain = email.rpartition("@")
        return f"{local}@{domain.lower()}"

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].translate(_DIGITS)
        phone = re.sub(r"[\s\-().]", "", raw)
        if phone.startswith("00"):
            phone = "+" + phone[2:]
        if phone and not PHONE_PATTERN.match(phone):
            raise ValidationError(PHONE_FORMAT, code="invalid")
        return phone

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise ValidationError(_("Leave this field empty."), code="honeypot")
        return ""

    def clean(self) -> dict:
        cleaned = super().clean()
        topic, kind = cleaned.get("topic"), cleaned.get("kind")
        if topic and kind and not topic.accepts(kind):
            self.add_error(
                "topic",
                ValidationError(KIND_NOT_ACCEPTED[kind], code="kind", params={"topic": topic.name}),
            )
        return cleaned

    @property
    def is_bot(self) -> bool:
        return "website" in self.errors


class TrackForm(CitizenForm):
    reference = OneLineField(
        label=_("Reference"),
        max_length=30,
        help_text=_("For example TW-7K3Q-9M2X. It is in your confirmation e-mail."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"}),
        error_messages={"required": _("Enter your reference.")},
    )
    email = OneLineField(
        label=_("E-mail address"),
        max_length=EMAIL_MAX,
        help_text=_("The address you gave when you sent your request."),
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "dir": "ltr"}
        ),
        error_messages={"required": _("Enter the e-mail address you gave.")},
    )

    def clean_reference(self) -> str:
        # An impossible reference is simply "not found" later, like a wrong one.
        return normalize_reference(self.cleaned_data["reference"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()


class RatingForm(CitizenForm):
    """The citizen's close-out: how good was the answer (1-5), and optionally why."""

    rating = forms.TypedChoiceField(
        label=_("How useful was the answer?"),
        choices=[
            (5, _("5 – Very useful")),
            (4, _("4 – Useful")),
            (3, _("3 – Acceptable")),
            (2, _("2 – Not very useful")),
            (1, _("1 – Not useful at all")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = CitizenTextField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ErasureRequestForm(CitizenForm):
    """The citizen asks for their personal data to be deleted (tracking page)."""

    confirm = forms.BooleanField(
        label=_(
            "I ask for my name, contact details and attachments to be deleted. I understand "
            "that the ministry can then no longer contact me about this request."
        ),
        error_messages={"required": _("Tick the box to confirm that you want this.")},
    )


REOPEN_REASON_MAX = 1000  # the same bound as ``workflow.REOPEN_REASON_MAX``


class ResolvedForm(CitizenForm):
    """ "Resolved": nothing to fill in; the button says what it does."""


class ReopenForm(CitizenForm):
    """ "Not resolved": why, in the citizen's words (required, bounded)."""

    reason = CitizenTextField(
        label=_("Why did the answer not resolve your request?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The ministry reads this. Do not include other people's personal details."),
        error_messages={"required": _("Say why the answer did not resolve your request.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(
                _("Say why the answer did not resolve your request."), code="required"
            )
        if len(reason) > REOPEN_REASON_MAX:
            raise ValidationError(
                _("The reason must be %(limit)s characters or fewer (you entered %(count)s)."),
                code="max_length",
                params={
                    "limit": local_number(REOPEN_REASON_MAX),
                    "count": local_number(len(reason)),
                },
            )
        return reason
