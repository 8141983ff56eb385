"""Forms of the staff pages: one per workflow action, plus the moderators' bulk form."""

from datetime import timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from feedback import redaction
from feedback.models import CannedReply, Claim, Decision, Submission
from feedback.references import normalize_reference
from portal.forms import CitizenTextField, ErrorSummaryMixin, OneLineField
from portal.models import Ministry

NOTE_MAX = 2000
MESSAGE_MAX = 5000


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ActionForm(ErrorSummaryMixin, forms.Form):
    """Fields every action has; subclasses add theirs and say which are required."""

    public_message_required = False
    internal_note_required = False
    public_message_label = _("Public message (the citizen sees it)")
    public_message_missing = _("Give the reason the citizen will see.")
    internal_note_missing = _("Say why the request is not for your ministry.")

    expected_status = forms.CharField(widget=forms.HiddenInput)
    internal_note = forms.CharField(
        label=_("Internal note (staff only)"),
        required=False,
        max_length=NOTE_MAX,
        widget=_textarea(2),
    )
    public_message = forms.CharField(required=False, max_length=MESSAGE_MAX, widget=_textarea())

    def __init__(self, *args, action: str, submission: Submission, user, **kwargs) -> None:
        kwargs.setdefault("initial", {})["expected_status"] = submission.status
        # Each action's form on one page: prefixes keep their ids apart.
        super().__init__(*args, prefix=action, **kwargs)
        self.action, self.submission, self.user = action, submission, user
        self.fields["public_message"].label = self.public_message_label
        self.fields["public_message"].required = self.public_message_required
        self.fields["internal_note"].required = self.internal_note_required
        self.fields["internal_note"].error_messages["required"] = self.internal_note_missing
        self.fields["public_message"].error_messages["required"] = self.public_message_missing
        if not self.has_public_message:
            del self.fields["public_message"]

    has_public_message = True
    field_order = ["public_message", "internal_note"]

    def workflow_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        if self.has_public_message:
            data.setdefault("public_message", "")
        return data


class RouteForm(ActionForm):
    ministry = forms.ModelChoiceField(
        label=_("Ministry"), queryset=Ministry.objects.active(), empty_label=_("Choose a ministry")
    )

    # Routing away from the topic's ministry is confirmed with a tick: without JavaScript
    # the box shows after a first try (a second step); static/js/staff.js shows it as soon
    # as another ministry is chosen.
    confirm_other_ministry = forms.BooleanField(required=False)
    field_order = ["ministry", "confirm_other_ministry", "public_message", "internal_note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.suggested = self.submission.suggested_ministry
        self.needs_confirmation = False
        if self.suggested is None:
            del self.fields["confirm_other_ministry"]
            return
        self.fields["confirm_other_ministry"].label = _(
            "I confirm the route differs from the topic's ministry (%(ministry)s)."
        ) % {"ministry": self.suggested.name}
        if not self.is_bound:
            self.initial["ministry"] = self.suggested.pk

    def clean(self):
        data = super().clean()
        chosen = data.get("ministry")
        if (
            self.suggested is not None
            and chosen is not None
            and chosen != self.suggested
            and not data.get("confirm_other_ministry")
        ):
            self.needs_confirmation = True
            self.add_error(
                "confirm_other_ministry",
                _(
                    "The topic's ministry is %(suggested)s. Tick the box to send the request "
                    "to %(chosen)s instead."
                )
                % {"suggested": self.suggested.name, "chosen": chosen.name},
            )
        return data

    def workflow_arguments(self) -> dict:
        data = super().workflow_arguments()
        data.pop("confirm_other_ministry", None)
        return data


class RerouteForm(RouteForm):
    public_message_required = True
    public_message_label = _("Reason for the change (the citizen sees it)")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ministry"].queryset = Ministry.objects.active().exclude(
            pk=self.submission.ministry_id
        )
        self.initial.pop("ministry", None)


class RejectForm(ActionForm):
    public_message_required = True
    public_message_label = _("Reason (the citizen sees it)")


class MergeForm(ActionForm):
    original = forms.CharField(
        label=_("Reference of the original request"),
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    field_order = ["original", "public_message", "internal_note"]

    def clean_original(self) -> Submission:
        reference = normalize_reference(self.cleaned_data["original"])
        # Looked up inside what the user may see: another ministry's item is "not found".
        original = (
            Submission.objects.visible_to(self.user).filter(reference=reference).first()
            if reference
            else None
        )
        if original is None:
            raise forms.ValidationError(_("No request with this reference."))
        return original


class RedactForm(ActionForm):
    has_public_message = False
    # The citizen's text, rewritten: the same rules as on the public form (one-line subject).
    subject = OneLineField(label=_("Subject"), max_length=150)
    body = CitizenTextField(label=_("Details"), widget=_textarea(8))
    field_order = ["subject", "body", "internal_note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(subject=self.submission.subject, body=self.submission.body)


class AcknowledgeForm(ActionForm):
    pass


class AnswerForm(ActionForm):
    public_message_required = True
    public_message_label = _("Answer (the citizen sees it)")
    public_message_missing = _("Write the answer the citizen will see.")
    canned_reply = forms.ModelChoiceField(
        label=_("Start from a prepared reply"),
        queryset=CannedReply.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    field_order = ["canned_reply", "public_message", "internal_note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["canned_reply"]
        field.queryset = CannedReply.objects.for_ministry(self.submission.ministry_id)
        # The reply in the citizen's language; the option carries it for static/js/staff.js.
        with translation.override(self.submission.language):
            self.canned_texts = {reply.pk: reply.body for reply in field.queryset}
        field.widget.attrs["data-canned-target"] = f"id_{self.prefix}-public_message"

    def full_clean(self) -> None:
        # Without JavaScript: a chosen reply and an empty answer mean "send the reply".
        if self.is_bound and not self.data.get(self.add_prefix("public_message"), "").strip():
            reply_id = self.data.get(self.add_prefix("canned_reply"))
            if reply_id and reply_id.isdigit() and int(reply_id) in self.canned_texts:
                self.data = self.data.copy()
                self.data[self.add_prefix("public_message")] = self.canned_texts[int(reply_id)]
        super().full_clean()

    # The first button shows the answer as the citizen will read it (no change is made);
    # the page then offers to publish it.
    PREVIEW = "preview"

    @property
    def previewing(self) -> bool:
        return self.is_bound and self.PREVIEW in self.data and not self.errors

    def workflow_arguments(self) -> dict:
        data = super().workflow_arguments()
        data.pop("canned_reply", None)
        return data


class SendBackForm(ActionForm):
    has_public_message = False
    internal_note_required = True


class CloseForm(ActionForm):
    pass


class NoteForm(ActionForm):
    has_public_message = False
    internal_note_required = True
    internal_note_missing = _("Write the note.")

    def workflow_arguments(self) -> dict:
        # A note fits whatever the status became meanwhile: never "already handled".
        data = super().workflow_arguments()
        data.pop("expected_status", None)
        return data


class EraseForm(ActionForm):
    """Erase the citizen's personal data (their deletion request, or the moderator's call)."""

    has_public_message = False
    confirm = forms.BooleanField(
        label=_(
            "Erase the name, e-mail, phone, rating comment and attachments now, for good "
            "(this cannot be undone)."
        ),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )
    field_order = ["confirm", "internal_note"]

    def workflow_arguments(self) -> dict:
        data = super().workflow_arguments()
        data.pop("confirm", None)
        return data


class AttachForm(ActionForm):
    """Attach an inquiry to the claim under review it is about, or open a new claim."""

    has_public_message = False
    claim = forms.ModelChoiceField(
        label=_("Claim under review"),
        queryset=Claim.objects.none(),
        required=False,
        empty_label=_("A new claim (write it below)"),
    )
    summary = OneLineField(
        label=_("New claim, in one sentence"),
        required=False,
        max_length=300,
        help_text=_("As it circulates, without the citizen's personal details."),
    )
    field_order = ["claim", "summary", "internal_note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Claims still under review, and those published in the last 30 days (a late asker
        # is answered at once); the most asked about first.
        recent = timezone.now() - timedelta(days=30)
        self.fields["claim"].queryset = (
            Claim.objects.visible_to(self.user)
            .filter(Q(status__in=Claim.OPEN_STATUSES) | Q(published_at__gte=recent))
            .with_askers()
        )

    def clean(self):
        data = super().clean()
        if not data.get("claim") and not data.get("summary", "").strip():
            self.add_error("summary", _("Choose a claim under review, or write the new claim."))


class PublishForm(ActionForm):
    """ "You said, we did": the public version of an answered suggestion or idea.

    The title and text start as the citizen's, masked by ``feedback.redaction`` (in the
    citizen's language); the highlighted original shows the moderator what was found. The
    staff write the decision's reason, in Arabic, English or both (and may add a title in
    the other language). ``workflow.publish`` refuses a text still holding a finding.
    """

    has_public_message = False
    title_ar = OneLineField(label=_("Public title in Arabic"), required=False, max_length=150)
    title_en = OneLineField(label=_("Public title in English"), required=False, max_length=150)
    text = CitizenTextField(
        label=_("Public text (the citizen's words, without their name)"),
        max_length=5000,
        widget=_textarea(8),
        error_messages={"required": _("The public text cannot be empty.")},
    )
    decision = forms.ChoiceField(
        label=_("The ministry's decision"),
        choices=[("", _("Choose the decision")), *Decision.choices],
        error_messages={"required": _("Choose the ministry's decision.")},
    )
    reason_ar = CitizenTextField(
        label=_("Reason of the decision, in Arabic"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=_textarea(3),
    )
    reason_en = CitizenTextField(
        label=_("Reason of the decision, in English"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=_textarea(3),
    )
    checked = forms.BooleanField(
        label=_(
            "I read the public text: it names no one and holds no contact details, "
            "civil ID, plate or other personal data."
        ),
        error_messages={"required": _("Tick the box to confirm you checked the text.")},
    )
    field_order = [
        "title_ar",
        "title_en",
        "text",
        "decision",
        "reason_ar",
        "reason_en",
        "checked",
        "internal_note",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        item = self.submission
        language = item.language if item.language in ("ar", "en") else "ar"
        self.initial.setdefault(f"title_{language}", redaction.mask(item.subject, language))
        self.initial.setdefault("text", redaction.mask(item.body, language))
        self.findings = redaction.find(item.subject) + redaction.find(item.body)
        self.highlighted_subject = redaction.highlight(item.subject)
        self.highlighted_body = redaction.highlight(item.body)
        for name in ("title_ar", "reason_ar"):
            self.fields[name].widget.attrs.update({"lang": "ar", "dir": "rtl"})
        for name in ("title_en", "reason_en"):
            self.fields[name].widget.attrs.update({"lang": "en", "dir": "ltr"})
        self.fields["text"].widget.attrs.update({"lang": item.language, "dir": "auto"})

    def clean(self):
        data = super().clean()
        if not (data.get("title_ar") or data.get("title_en")) and "title_ar" not in self.errors:
            self.add_error("title_ar", _("Give the public title, in Arabic or English or both."))
        if not (data.get("reason_ar") or data.get("reason_en")) and "reason_ar" not in self.errors:
            self.add_error(
                "reason_ar", _("Give the reason of the decision, in Arabic or English or both.")
            )
        for name in ("title_ar", "title_en", "text", "reason_ar", "reason_en"):
            found = redaction.find(data.get(name) or "")
            if found and name not in self.errors:
                self.add_error(
                    name,
                    _(
                        "The text still holds what looks like a %(what)s: mask it (or remove "
                        "it) before publishing."
                    )
                    % {"what": found[0].label},
                )
        return data

    def workflow_arguments(self) -> dict:
        data = super().workflow_arguments()
        data.pop("checked", None)
        return data


# The form of each staff action of ``workflow.TRANSITIONS`` (a test keeps the two equal).
FORMS: dict[str, type[ActionForm]] = {
    "route": RouteForm,
    "reroute": RerouteForm,
    "reject": RejectForm,
    "merge": MergeForm,
    "redact": RedactForm,
    "acknowledge": AcknowledgeForm,
    "answer": AnswerForm,
    "send_back": SendBackForm,
    "close": CloseForm,
    "note": NoteForm,
    "erase": EraseForm,
    "attach": AttachForm,
    "publish": PublishForm,
}


class BulkForm(ErrorSummaryMixin, forms.Form):
    """The moderators' queue: route or reject the ticked requests at once."""

    ACTIONS = [("route", _("Send to the ministry")), ("reject", _("Reject"))]

    items = forms.ModelMultipleChoiceField(
        label=_("Requests"),
        queryset=Submission.objects.none(),
        to_field_name="reference",
        error_messages={"required": _("Tick at least one request.")},
    )
    bulk_action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    ministry = forms.ModelChoiceField(
        label=_("Ministry"),
        queryset=Ministry.objects.active(),
        required=False,
        empty_label=_("Each request's suggested ministry"),
    )
    # As on a single request's route form: one ministry for requests whose topics suggest
    # another is confirmed with a tick. Without JavaScript the box shows after a first try
    # (nothing ticked or typed is lost); static/js/staff.js shows it as soon as it applies.
    confirm_other_ministry = forms.BooleanField(
        label=_(
            "I confirm: send the selected requests to the chosen ministry, even those whose "
            "topic suggests another one."
        ),
        required=False,
    )
    public_message = forms.CharField(
        label=_("Public message or reason (the citizen sees it)"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=_textarea(2),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        # Its own ids: the queue's filters above it have a "ministry" too.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        # Only what the user may see can be ticked: anything else is "not a valid choice".
        self.fields["items"].queryset = Submission.objects.visible_to(user)
        self.needs_confirmation = False

    def ticked(self) -> set[str]:
        """The references ticked in the data sent, to tick them again on the page."""
        return set(self.data.getlist("items")) if self.is_bound else set()

    def clean(self):
        data = super().clean()
        if data.get("bulk_action") == "reject" and not data.get("public_message", "").strip():
            self.add_error("public_message", _("Give the reason the citizens will see."))
        chosen = data.get("ministry")
        if data.get("bulk_action") == "route" and chosen is not None and data.get("items"):
            elsewhere = [
                item
                for item in data["items"]
                .select_related("suggested_ministry")
                .order_by("created_at", "pk")
                if item.suggested_ministry_id not in (None, chosen.pk)
            ]
            if elsewhere and not data.get("confirm_other_ministry"):
                self.needs_confirmation = True
                self.add_error("confirm_other_ministry", self._elsewhere_message(elsewhere, chosen))
        return data

    @staticmethod
    def _elsewhere_message(elsewhere: list[Submission], chosen: Ministry) -> str:
        listed = translation.gettext(", ").join(
            translation.gettext("%(reference)s (%(ministry)s)")
            % {"reference": item.reference, "ministry": item.suggested_ministry.name}
            for item in elsewhere
        )
        return translation.ngettext(
            "The topic of %(items)s suggests another ministry. Tick the box to send it to the "
            "%(chosen)s all the same.",
            "The topics of %(items)s suggest other ministries. Tick the box to send them to the "
            "%(chosen)s all the same.",
            len(elsewhere),
        ) % {"items": listed, "chosen": chosen.name}


# --- Claims under review -------------------------------------------------------------------


class ClaimActionForm(ErrorSummaryMixin, forms.Form):
    """Fields every claim action has (the status the user saw, an internal note)."""

    expected_status = forms.CharField(widget=forms.HiddenInput)
    internal_note = forms.CharField(
        label=_("Internal note (staff only)"),
        required=False,
        max_length=NOTE_MAX,
        widget=_textarea(2),
    )

    def __init__(self, *args, action: str, claim: Claim, user, **kwargs) -> None:
        kwargs.setdefault("initial", {})["expected_status"] = claim.status
        super().__init__(*args, prefix=action, **kwargs)
        self.action, self.claim, self.user = action, claim, user

    def workflow_arguments(self) -> dict:
        return dict(self.cleaned_data)


class RouteClaimForm(ClaimActionForm):
    ministry = forms.ModelChoiceField(
        label=_("Ministry that holds the facts"),
        queryset=Ministry.objects.active(),
        empty_label=_("Choose a ministry"),
    )
    field_order = ["ministry", "internal_note"]


class SupplyFactsForm(ClaimActionForm):
    facts = forms.CharField(
        label=_("Official facts"),
        max_length=MESSAGE_MAX,
        widget=_textarea(6),
        help_text=_("What is true, as the ministry can state it publicly."),
        error_messages={"required": _("Write the official facts.")},
    )
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=_textarea(3),
        help_text=_("One per line: an official statement, a decision, a link."),
    )
    field_order = ["facts", "sources", "internal_note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(facts=self.claim.facts, sources=self.claim.sources)


class LinkClarificationForm(ClaimActionForm):
    clarification = forms.ModelChoiceField(
        label=_("Clarification"),
        queryset=None,
        empty_label=_("Choose the clarification"),
        help_text=_(
            "Published already: every asker is answered now. A draft: they are answered "
            "when it is published."
        ),
    )
    field_order = ["clarification", "internal_note"]

    def __init__(self, *args, **kwargs) -> None:
        from feedback import clarifications

        super().__init__(*args, **kwargs)
        self.fields["clarification"].queryset = clarifications.linkable()


CLAIM_FORMS: dict[str, type[ClaimActionForm]] = {
    "route_claim": RouteClaimForm,
    "supply_facts": SupplyFactsForm,
    "link_clarification": LinkClarificationForm,
}
