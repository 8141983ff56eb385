from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from portal.models import Ministry, OfficialChannel, StaffProfile

admin.site.site_header = _("Tawasul administration")
admin.site.site_title = _("Tawasul")
admin.site.index_title = _("Portal administration")


@admin.register(Ministry)
class MinistryAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug", "contact_email", "is_active", "order"]
    list_editable = ["is_active", "order"]
    list_filter = ["is_active"]
    search_fields = ["name_ar", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(OfficialChannel)
class OfficialChannelAdmin(admin.ModelAdmin):
    list_display = ["platform", "handle", "url", "is_active", "order"]
    list_editable = ["is_active", "order"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fk_name = "user"


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
