"""Staff list filters: one FilterSet for every filtered list of submissions (export, lists).

The FilterSet only narrows a queryset it is given: who may see which rows is decided
before, by ``Submission.objects.visible_to`` / ``countable_by``, never here.
"""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import Submission, Topic
from feedback.references import normalize_reference
from portal.models import Ministry
from portal.text import search_terms

# Statuses after which nothing is owed to the citizen: such items are never overdue.
DONE_STATUSES = (
    Submission.Status.ANSWERED,
    Submission.Status.CLOSED,
    Submission.Status.REJECTED,
    Submission.Status.DUPLICATE,
)


def overdue_q(today=None) -> Q:
    """Items whose answer date has passed (local date) and that still wait for an answer."""
    today = today or timezone.localdate()
    return Q(due_at__lt=today) & ~Q(status__in=DONE_STATUSES)


def _has_field(name: str) -> bool:
    return name in {field.name for field in Submission._meta.get_fields()}


class SubmissionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Reference or words"), method="filter_search", max_length=200
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Submission.Status.choices, empty_label=_("Any status")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Submission.Kind.choices, empty_label=_("Any kind")
    )
    ministry = django_filters.ModelChoiceFilter(
        label=_("Ministry"), queryset=Ministry.objects.all(), empty_label=_("Any ministry")
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"), queryset=Topic.objects.all(), empty_label=_("Any topic")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"),
        method="filter_overdue",
        widget=django_filters.widgets.forms.CheckboxInput,
    )
    received_from = django_filters.DateFilter(
        label=_("Received from"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label=_("Received until"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Submission
        fields = ["q", "status", "kind", "ministry", "topic", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset

    def filter_search(self, queryset, name, value):
        """A reference finds its item; otherwise every word must appear in the text.

        Words are normalised (Arabic letter forms, diacritics, digits). When the model has
        a stored normalised ``search_text`` column it is searched; until then subject and
        details are searched with ``icontains``.
        """
        reference = normalize_reference(value)
        if reference:
            return queryset.filter(reference=reference)
        if _has_field("search_text"):
            for term in search_terms(value):
                queryset = queryset.filter(search_text__icontains=term)
            return queryset
        # Raw text: a word matches as typed or in its normalised form.
        for word in value.split()[:8]:
            forms = {word, *search_terms(word)}
            match = Q()
            for form in forms:
                match |= Q(subject__icontains=form) | Q(body__icontains=form)
            queryset = queryset.filter(match)
        return queryset
