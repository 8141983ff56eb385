"""Editors and managers register campaigns here (both languages, tabs), with their KPIs,
tracked links and official posts inline. Every admin list goes through
``Campaign.objects.visible_to``; the codes are made by the site and never typed."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from campaigns.models import Campaign, Kpi, Link, Post
from portal.admin_choices import BlankChoiceWords


class KpiInline(BlankChoiceWords, admin.TabularInline):
    model = Kpi
    extra = 1
    fields = ("metric", "channel", "target")


class LinkInline(BlankChoiceWords, admin.TabularInline):
    model = Link
    extra = 2
    fields = ("channel", "target", "short_link")
    readonly_fields = ("short_link",)

    @admin.display(description=_("short link"))
    def short_link(self, link: Link) -> str:
        if not link.pk:
            return "–"
        return format_html('<code dir="ltr">{}</code>', link.get_absolute_url())


class PostInline(BlankChoiceWords, admin.TabularInline):
    model = Post
    extra = 1
    fields = ("channel", "posted_on", "url", "text")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"  # a post's link typed without https:// gets it
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Campaign)
class CampaignAdmin(BlankChoiceWords, TabbedTranslationAdmin):
    list_display = ("name", "ministry", "starts_on", "ends_on", "dashboard_link")
    list_filter = ("ministry",)
    search_fields = ("name_ar", "name_en")
    filter_horizontal = ()
    fields = ("name", "objective", "audience", "ministry", "channels", "starts_on", "ends_on")
    inlines = [KpiInline, LinkInline, PostInline]

    def get_queryset(self, request):
        return Campaign.objects.visible_to(request.user).select_related("ministry")

    @admin.display(description=_("dashboard"))
    def dashboard_link(self, campaign: Campaign) -> str:
        return format_html('<a href="{}">{}</a>', campaign.get_absolute_url(), _("Open"))
