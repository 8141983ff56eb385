import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.models import Decision, PublicOutcome, Topic
from portal.models import Ministry


class OutcomeFilter(django_filters.FilterSet):
    """The public list's filters, all in the query string (a GET form: shareable, cached)."""

    q = django_filters.CharFilter(
        label=_("Words"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": 200}),
    )
    ministry = django_filters.ModelChoiceFilter(
        label=_("Ministry"),
        queryset=Ministry.objects.active(),
        to_field_name="slug",
        empty_label=_("All ministries"),
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"), queryset=Topic.objects.filter(is_active=True), empty_label=_("All topics")
    )
    decision = django_filters.ChoiceFilter(
        label=_("Decision"), choices=Decision.choices, empty_label=_("Any decision")
    )

    class Meta:
        model = PublicOutcome
        fields = ["q", "ministry", "topic", "decision"]

    def search(self, queryset, name: str, value: str):
        return queryset.search(value)
