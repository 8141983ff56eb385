"""Admin: topics and holidays are edited by moderators; submissions are listed read-only
through ``Submission.objects.visible_to``; the workflow has its own staff pages
(``feedback.views.staff``) and only ``feedback.workflow`` writes ``status``."""

import functools

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from feedback import redaction
from feedback.models import (
    Attachment,
    CannedReply,
    PublicHoliday,
    PublicOutcome,
    Submission,
    SubmissionEvent,
    Topic,
)
from portal.admin_a11y import LabelledListEditableMixin
from portal.admin_choices import BlankChoiceWords
from portal.paginators import EstimatedCountPaginator
from portal.roles import feedback_scope


@admin.register(Topic)
class TopicAdmin(BlankChoiceWords, LabelledListEditableMixin, TabbedTranslationAdmin):
    list_display = [
        "name",
        "ministry",
        "response_days",
        "accepts_complaints",
        "accepts_suggestions",
        "accepts_ideas",
        "is_active",
        "order",
    ]
    list_editable = ["is_active", "order"]
    list_filter = ["is_active", "ministry"]
    list_select_related = ["ministry"]
    search_fields = ["name_ar", "name_en"]


@admin.register(PublicHoliday)
class PublicHolidayAdmin(BlankChoiceWords, TabbedTranslationAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


class ReadOnlyInline(BlankChoiceWords, admin.TabularInline):
    # A plain table: Django's tabular inline has empty header cells (for the row's id and
    # the delete box, neither shown here) and a sideways scroll no keyboard can reach.
    template = "admin/edit_inline/read_only_table.html"
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["download", "content_type", "size", "sha256"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        url = reverse("feedback:attachment", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class SubmissionEventInline(ReadOnlyInline):
    model = SubmissionEvent
    fields = [
        "created_at",
        "kind",
        "from_status",
        "to_status",
        "actor",
        "public_message",
        "internal_note",
    ]
    readonly_fields = fields


@functools.cache
def _staff_item_url_around_reference(language: str) -> tuple[str, str]:
    """The staff page's address of an item as the parts before and after its reference."""
    marker = "TW-MARK-MARK"
    with override(language):
        url = reverse("feedback_staff:item", kwargs={"reference": marker})
    before, after = url.split(marker)
    return before, after


@admin.register(Submission)
class SubmissionAdmin(BlankChoiceWords, admin.ModelAdmin):
    list_display = [
        "reference",
        "workflow_link",
        "kind",
        "subject",
        "topic",
        "ministry",
        "status",
        "created_at",
        "due_at",
    ]
    # A date filter that needs no query: ``date_hierarchy`` ran SELECT DISTINCT over every
    # row in scope (a million) on each page view to draw its year links.
    list_filter = ["status", "kind", "topic", ("created_at", admin.DateFieldListFilter)]
    # Rendering a row costs about 0.8 ms of CPU (admin display helpers): 50 rows, not 100,
    # keep the list under its 300 ms p99 budget under load (docs/benchmarks.md).
    list_per_page = 50
    list_select_related = ["topic", "ministry"]
    search_fields = ["=reference", "search_text"]
    # No exact COUNT(*) over a million rows per page view (see portal/paginators.py).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    inlines = [AttachmentInline, SubmissionEventInline]
    readonly_fields = [
        "reference",
        "kind",
        "topic",
        "suggested_ministry",
        "routing_reason",
        "ministry",
        "status",
        "subject",
        "body",
        "language",
        "name",
        "email",
        "phone",
        "consent_at",
        "privacy_notice_version",
        "duplicate_of",
        "created_at",
        "updated_at",
        "due_at",
        "rating",
        "rating_comment",
        "rated_at",
        # Privacy: the citizen's deletion request and the erasure (staff pages do both).
        "erasure_requested_at",
        "personal_data_erased_at",
    ]
    fields = readonly_fields

    def get_list_display(self, request):
        # An officer's list holds one ministry's items only: the same name on every row.
        scope = feedback_scope(request.user)
        if scope is not None and scope.ministry_id is not None:
            return [name for name in self.list_display if name != "ministry"]
        return self.list_display

    @admin.display(description=_("staff page"))
    def workflow_link(self, obj: Submission) -> str:
        # Actions (route, answer, ...) live on the staff pages, never in this read-only admin.
        # One reverse() per language, not per row: the reference is the only thing that varies.
        before, after = _staff_item_url_around_reference(get_language())
        return format_html('<a href="{}{}{}">{}</a>', before, obj.reference, after, _("Open"))

    def get_search_results(self, request, queryset, search_term):
        # The same Arabic-aware search as the staff pages (feedback.filters).
        from feedback.filters import SubmissionFilter

        if not search_term.strip():
            return queryset, False
        return SubmissionFilter().search(queryset, "q", search_term), False

    def get_queryset(self, request):
        # The one visibility rule: an officer of another ministry never sees the row.
        return Submission.objects.visible_to(request.user)

    def has_add_permission(self, request) -> bool:
        return False  # citizens submit through the public form

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # state changes go through feedback.workflow (moderation issue)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CannedReply)
class CannedReplyAdmin(BlankChoiceWords, TabbedTranslationAdmin):
    list_display = ["title", "ministry", "is_active"]
    list_filter = ["is_active", "ministry"]
    list_select_related = ["ministry"]
    search_fields = ["title_ar", "title_en"]


class PublicOutcomeForm(forms.ModelForm):
    """A correction after publishing goes through the same check as publishing: nothing
    ``feedback.redaction`` finds may be saved into the public text."""

    class Meta:
        model = PublicOutcome
        fields = ["title_ar", "title_en", "text", "decision", "reason_ar", "reason_en"]

    def clean(self):
        data = super().clean()
        for name in self.Meta.fields:
            found = redaction.find(data.get(name) or "") if name != "decision" else []
            if found:
                self.add_error(
                    name,
                    _(
                        "The text still holds what looks like a %(what)s: mask it (or remove "
                        "it) before publishing."
                    )
                    % {"what": found[0].label},
                )
        return data


@admin.register(PublicOutcome)
class PublicOutcomeAdmin(BlankChoiceWords, TabbedTranslationAdmin):
    """ "You said, we did": moderators correct or withdraw (delete) a published item; new
    ones come only from the staff item page (``workflow.publish``, audited)."""

    form = PublicOutcomeForm
    list_display = ["title", "ministry", "topic", "decision", "published_at"]
    list_filter = ["decision", "ministry"]
    list_select_related = ["ministry", "topic"]
    search_fields = ["search_text"]
    readonly_fields = ["ministry", "topic", "kind", "language", "published_at"]
    fields = [
        "title",
        "text",
        "decision",
        "reason",
        "ministry",
        "topic",
        "kind",
        "language",
        "published_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
