from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from news.models import Article, Category
from portal.text import search_terms


@admin.register(Category)
class CategoryAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name_ar", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Article)
class ArticleAdmin(TabbedTranslationAdmin):
    list_display = ["title", "category", "status", "publish_at", "is_featured", "preview_link"]
    list_filter = ["status", "category", "ministries", "is_featured", "publish_at"]
    search_fields = ["search_text", "slug"]  # see get_search_results
    date_hierarchy = "publish_at"
    list_select_related = ["category"]
    autocomplete_fields = []
    filter_horizontal = ["ministries"]
    prepopulated_fields = {"slug": ["title_en"]}
    readonly_fields = ["author", "created_at", "updated_at", "preview_link"]
    actions = ["publish_now", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "summary", "body", "location"]}),
        (_("Photo"), {"fields": ["image", "image_alt", "image_caption"]}),
        (
            _("Publication"),
            {"fields": ["slug", "category", "ministries", "status", "publish_at", "is_featured"]},
        ),
        (_("Record"), {"fields": ["author", "created_at", "updated_at", "preview_link"]}),
    ]

    @admin.display(description=_("preview"))
    def preview_link(self, obj: Article) -> str:
        if not obj.pk:
            return "–"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("news:preview", kwargs={"pk": obj.pk}),
            _("Preview"),
        )

    def get_search_results(self, request, queryset, search_term: str):
        """Arabic-aware like the public search (diacritics and letter forms do not matter),
        plus the slug."""
        terms = search_terms(search_term)
        if not terms:
            return queryset, False
        words = Q()
        for term in terms:
            words &= Q(search_text__contains=term)
        return queryset.filter(words | Q(slug__icontains=search_term.strip())), False

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset) -> None:
        count = self._set_status(queryset, Article.Status.PUBLISHED, publish_now=True)
        self.message_user(
            request,
            ngettext("%(count)d article published.", "%(count)d articles published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset) -> None:
        count = self._set_status(queryset, Article.Status.DRAFT)
        self.message_user(
            request,
            ngettext("%(count)d article unpublished.", "%(count)d articles unpublished.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @staticmethod
    def _set_status(queryset, status: str, publish_now: bool = False) -> int:
        # Saved one by one so signals run: the public pages show the change at once.
        count = 0
        for article in queryset:
            article.status = status
            fields = ["status", "updated_at"]
            if publish_now and not article.is_public:
                # Only what is not out yet gets today's date: published news keeps its
                # place in the lists and archives.
                article.publish_at = timezone.now()
                fields.append("publish_at")
            article.save(update_fields=fields)
            count += 1
        return count
