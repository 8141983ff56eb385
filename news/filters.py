import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from news.models import Article, Category
from portal.formatting import MONTH_NAMES
from portal.models import Ministry


class YearFilter(django_filters.NumberFilter):
    """Whole years in a sane range: a year lookup outside datetime's range would fail."""

    field_class = forms.IntegerField


class ArticleFilter(django_filters.FilterSet):
    """The public list's filters. Every value travels in the query string (a GET form: no
    CSRF token, no cookie), so a filtered page can be shared, cached and paginated."""

    q = django_filters.CharFilter(
        label=_("Words"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": 200}),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        empty_label=_("All categories"),
    )
    ministry = django_filters.ModelChoiceFilter(
        label=_("Ministry"),
        field_name="ministries",
        queryset=Ministry.objects.active(),
        to_field_name="slug",
        empty_label=_("All ministries"),
    )
    year = YearFilter(
        label=_("Year"),
        field_name="publish_at",
        lookup_expr="year",
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    month = django_filters.ChoiceFilter(
        label=_("Month"),
        field_name="publish_at",
        lookup_expr="month",
        choices=list(MONTH_NAMES.items()),
        empty_label=_("Any month"),
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="publish_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="publish_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Article
        fields = ["q", "category", "ministry", "year", "month", "date_from", "date_to"]

    def search(self, queryset, name: str, value: str):
        return queryset.search(value)
