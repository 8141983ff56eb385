from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from news import kept_photo
from news.models import (
    Article,
    Category,
    Clarification,
    ClarificationCorrection,
    ClarificationSource,
)
from portal.admin_a11y import LabelledListEditableMixin, LabelledSplitDateTime
from portal.admin_choices import BlankChoiceWords
from portal.text import search_terms


@admin.register(Category)
class CategoryAdmin(BlankChoiceWords, LabelledListEditableMixin, TabbedTranslationAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name_ar", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class KeptPhotoWidget(AdminFileWidget):
    """The photo input, plus the photo kept from a save that failed (news.kept_photo):
    a hidden token, the file's name and a box to drop it."""

    def __init__(self, *args, user_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id = user_id
        self.lost = False
        self.kept: kept_photo.KeptPhoto | None = None
        self._claims: dict[str, kept_photo.Claim] = {}

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        # Remembered for render(): a file input is always drawn empty (FileField.bound_data).
        self.kept = value if isinstance(value, kept_photo.KeptPhoto) else None
        if value is not None or data.get(f"{name}_kept_remove"):
            return value  # a new file (or the one kept just now), "clear", or the kept one dropped
        token = data.get(f"{name}_kept", "")
        if token not in self._claims:  # asked for again when the form is rendered
            self._claims[token] = kept_photo.claim(token, self.user_id)
        claim = self._claims[token]
        self.lost = claim.lost
        self.kept = claim.photo
        return claim.photo

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        html = super().render(name, value, attrs, renderer)
        if self.kept is None:
            return html
        return html + format_html(
            '<input type="hidden" name="{}_kept" value="{}">'
            '<p class="kept-photo"><strong>{}</strong> {}<br>'
            '<label><input type="checkbox" name="{}_kept_remove"> {}</label></p>',
            name,
            self.kept.token,
            self.kept.name,
            _("is kept: it is saved with the article unless you choose another photo."),
            name,
            _("Do not use this photo"),
        )


class ArticleAdminForm(forms.ModelForm):
    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        widget = self.fields["image"].widget
        if widget.lost and "image" not in self.errors:
            self.add_error(
                "image",
                _(
                    "The photo chosen before could not be kept (after an hour it is deleted). "
                    "Please choose it again."
                ),
            )
        photo = self.cleaned_data.get("image")
        if self.errors and isinstance(photo, UploadedFile):
            # The photo passed its checks but the article did not: keep it for the next try.
            kept = kept_photo.keep(photo, widget.user_id)
            self.files = self.files.copy()
            self.files[self.add_prefix("image")] = kept
            self.cleaned_data["image"] = kept


@admin.register(Article)
class ArticleAdmin(BlankChoiceWords, TabbedTranslationAdmin):
    list_display = ["title", "category", "status", "publish_at", "is_featured", "preview_link"]
    list_filter = ["status", "category", "ministries", "is_featured", "publish_at"]
    search_fields = ["search_text", "slug"]  # see get_search_results
    date_hierarchy = "publish_at"
    list_select_related = ["category"]
    formfield_overrides = {
        models.DateTimeField: {"widget": LabelledSplitDateTime},
        # Checkboxes rather than the two-list picker (filter_horizontal): about twenty
        # ministries fit on one screen, every one is a labelled control that works without
        # JavaScript, and the picker's help icons broke axe (aria-label on a bare span).
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    prepopulated_fields = {"slug": ["title_en"]}
    form = ArticleAdminForm
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "image":
            kwargs["widget"] = KeptPhotoWidget(user_id=request.user.pk)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
        photo = form.cleaned_data.get("image")
        if isinstance(photo, kept_photo.KeptPhoto):
            # Saved under news/ now: the kept copy goes once the article is committed.
            transaction.on_commit(lambda: kept_photo.discard(photo.token))

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


class ClarificationSourceInline(BlankChoiceWords, TranslationStackedInline):
    model = ClarificationSource
    extra = 1
    fields = ["title", "url", "article", "order"]
    # A search box (the news admin's Arabic-aware search) rather than a list of every article.
    autocomplete_fields = ["article"]
    # A statement's address typed without https:// gets it.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ClarificationCorrectionInline(BlankChoiceWords, TranslationStackedInline):
    model = ClarificationCorrection
    extra = 0
    fields = ["corrected_at", "note"]
    formfield_overrides = {models.DateTimeField: {"widget": LabelledSplitDateTime}}
    verbose_name = _("correction (public change log)")
    verbose_name_plural = _("corrections (public change log)")


@admin.register(Clarification)
class ClarificationAdmin(BlankChoiceWords, TabbedTranslationAdmin):
    """Editors write and publish clarifications; publishing (status "published") is done
    once: a later change of a public clarification is told in a correction entry."""

    list_display = ["claim_short", "verdict", "ministry", "status", "published_at", "preview_link"]
    list_filter = ["status", "verdict", "ministry", "published_at"]
    search_fields = ["search_text", "slug"]  # see get_search_results
    date_hierarchy = "first_seen_on"
    list_select_related = ["ministry"]
    readonly_fields = ["published_at", "author", "created_at", "updated_at", "preview_link"]
    inlines = [ClarificationSourceInline, ClarificationCorrectionInline]
    actions = ["publish_now", "unpublish"]
    fieldsets = [
        (None, {"fields": ["claim", "circulated_on", "appearance_urls", "first_seen_on"]}),
        (_("Verdict and facts"), {"fields": ["verdict", "facts", "ministry"]}),
        (_("Publication"), {"fields": ["slug", "status", "published_at"]}),
        (_("Record"), {"fields": ["author", "created_at", "updated_at", "preview_link"]}),
    ]

    @admin.display(description=_("claim"), ordering="claim")
    def claim_short(self, obj: Clarification) -> str:
        return obj.claim if len(obj.claim) <= 90 else obj.claim[:89] + "…"

    @admin.display(description=_("preview"))
    def preview_link(self, obj: Clarification) -> str:
        if not obj.pk:
            return "–"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("clarifications:preview", kwargs={"pk": obj.pk}),
            _("Preview"),
        )

    def get_search_results(self, request, queryset, search_term: str):
        """Arabic-aware like the public search, plus the slug."""
        terms = search_terms(search_term)
        if not terms:
            return queryset, False
        words = Q()
        for term in terms:
            words &= Q(search_text__contains=term)
        return queryset.filter(words | Q(slug__icontains=search_term.strip())), False

    def save_model(self, request, obj: Clarification, form, change: bool) -> None:
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset) -> None:
        count = self._set_status(queryset, Clarification.Status.PUBLISHED)
        self.message_user(
            request,
            ngettext(
                "%(count)d clarification published.", "%(count)d clarifications published.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset) -> None:
        count = self._set_status(queryset, Clarification.Status.DRAFT)
        self.message_user(
            request,
            ngettext(
                "%(count)d clarification unpublished.",
                "%(count)d clarifications unpublished.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @staticmethod
    def _set_status(queryset, status: str) -> int:
        # One by one so the signals run (page cache, share images, the announcement).
        count = 0
        for clarification in queryset:
            if clarification.status == status:
                continue
            clarification.status = status
            clarification.save(update_fields=["status", "updated_at"])
            count += 1
        return count
