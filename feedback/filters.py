"""Filters of the staff lists. The queryset they filter is always
``Submission.objects.visible_to(user)``: a filter can narrow what a user sees, never widen it."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from feedback.models import Kind, Submission, Topic
from feedback.references import normalize_reference
from portal.models import Ministry
from portal.text import search_terms

OPEN = "open"


class SubmissionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Reference or words"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (waiting for an answer)")), *Submission.Status.choices],
        empty_label=_("Any status"),
        method="filter_status",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Kind.choices, empty_label=_("Any kind")
    )
    ministry = django_filters.ModelChoiceFilter(
        label=_("Ministry"), queryset=Ministry.objects.active(), empty_label=_("Any ministry")
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"), queryset=Topic.objects.all(), empty_label=_("Any topic")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )
    erasure_requested = django_filters.BooleanFilter(
        label=_("Deletion of personal data requested"),
        method="filter_erasure_requested",
        widget=forms.CheckboxInput,
    )
    received_from = django_filters.DateFilter(
        label=_("Received from"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label=_("Received until"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Submission
        fields = ["q", "status", "kind", "ministry", "topic", "overdue", "erasure_requested"]

    def search(self, queryset, name, value):
        """Every word must appear in the normalised text; input shaped like a reference
        also finds that item (an 8-letter word or phone number may look like one)."""
        words = Q()
        for term in search_terms(value):
            words &= Q(search_text__contains=term)
        reference = normalize_reference(value)
        if reference:
            return queryset.filter(Q(reference=reference) | words)
        return queryset.filter(words)

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=Submission.OPEN_STATUSES)
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset

    def filter_erasure_requested(self, queryset, name, value):
        # The moderators' queue of citizens' deletion requests (privacy).
        return queryset.erasure_requested() if value else queryset
