import django_filters
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from news import cache as news_cache
from news.models import Article, Category, Clarification
from portal.models import Ministry

# The choice lists the form shows, read from the news cache (categories and ministries
# replace its version when they change): two queries less on every uncached list page.
CACHED_CHOICES = ("category", "ministry")


class MoreFiltersMixin:
    """A list whose filters other than the words fold into "More filters"
    (``includes/filter_form.html``): the panel opens when one of them is used or the form
    has an error, so nobody misses what narrowed the list."""

    @property
    def more_filters_open(self) -> bool:
        return bool(self.form.errors) or any(
            self.data.get(name) for name in self.filters if name != "q"
        )


class ArticleFilterForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields = [self.fields[name] for name in CACHED_CHOICES]
        # Both lists in one entry: one round trip to the cache, not one per list.
        lists = news_cache.remembered(
            f"choices:{get_language()}", lambda: [_choices(field) for field in fields]
        )
        for field, choices in zip(fields, lists, strict=True):
            field.widget.choices = choices

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("This date is before the start date."))
        return cleaned


def _choices(field: forms.ModelChoiceField) -> list[tuple[str, str]]:
    """What the field's select lists: its empty label, then each object by its slug."""
    return [
        ("", str(field.empty_label)),
        *((obj.slug, field.label_from_instance(obj)) for obj in field.queryset),
    ]


class ArticleFilter(MoreFiltersMixin, django_filters.FilterSet):
    """The public list's filters. Every value travels in the query string (a GET form: no
    CSRF token, no cookie), so a filtered page can be shared, cached and paginated.

    One way to choose dates: a range (from, until). The month archive (/news/2026/3/) and
    old links with ``?year=&month=`` (news.views.article_list redirects them) give the
    same articles as the range of that month."""

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
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="publish_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        label=_("Until"),
        field_name="publish_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Article
        form = ArticleFilterForm
        fields = ["q", "category", "ministry", "date_from", "date_to"]

    def search(self, queryset, name: str, value: str):
        return queryset.search(value)


class ClarificationFilterForm(forms.Form):
    """The same date-range check as the news list's form (which carries the news list's
    own choices, so it is not shared)."""

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("This date is before the start date."))
        return cleaned


class ClarificationFilter(MoreFiltersMixin, django_filters.FilterSet):
    """The clarifications list's filters, in the query string like the news list's."""

    q = django_filters.CharFilter(
        label=_("Words"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": 200}),
    )
    verdict = django_filters.ChoiceFilter(
        label=_("Verdict"),
        choices=Clarification.Verdict.choices,
        empty_label=_("All verdicts"),
    )
    ministry = django_filters.ModelChoiceFilter(
        label=_("Ministry"),
        queryset=Ministry.objects.active(),
        to_field_name="slug",
        empty_label=_("All ministries"),
    )
    date_from = django_filters.DateFilter(
        label=_("Published from"),
        field_name="published_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        label=_("Until"),
        field_name="published_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Clarification
        form = ClarificationFilterForm
        fields = ["q", "verdict", "ministry", "date_from", "date_to"]

    def search(self, queryset, name: str, value: str):
        return queryset.search(value)
