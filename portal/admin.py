from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from portal import enrolment
from portal.admin_a11y import LabelledListEditableMixin
from portal.admin_choices import BlankChoiceWords
from portal.models import ContactDetails, Ministry, OfficialChannel, StaffProfile

admin.site.site_header = _("Tawasul administration")
admin.site.site_title = _("Tawasul")
admin.site.index_title = _("Portal administration")
# The sign-in page in the site's look, like the second-factor and password reset pages.
admin.site.login_template = "portal/sign_in.html"


@admin.register(Ministry)
class MinistryAdmin(BlankChoiceWords, LabelledListEditableMixin, TabbedTranslationAdmin):
    list_display = ["name", "slug", "contact_email", "is_active", "order"]
    list_editable = ["is_active", "order"]
    list_filter = ["is_active"]
    search_fields = ["name_ar", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(OfficialChannel)
class OfficialChannelAdmin(BlankChoiceWords, LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["platform", "handle", "url", "ministry", "is_active", "order"]
    list_editable = ["is_active", "order"]
    list_filter = ["ministry"]
    list_select_related = ["ministry"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"  # a channel's address typed without https://
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(ContactDetails)
class ContactDetailsAdmin(BlankChoiceWords, TabbedTranslationAdmin):
    """One row (the contact page): added once, then only edited, never deleted."""

    fields = ["address", "phone", "email", "opening_hours", "opening_hours_spec", "map_url"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "map_url":
            kwargs["assume_scheme"] = "https"  # a map link typed without https:// gets it
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not ContactDetails.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class StaffProfileInline(BlankChoiceWords, admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fk_name = "user"


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(BlankChoiceWords, UserAdmin):
    inlines = [StaffProfileInline]
    actions = ["issue_enrolment_codes"]

    @admin.action(
        description=_("Issue a new enrolment code (removes their authenticator)"),
        permissions=["change"],
    )
    def issue_enrolment_codes(self, request, queryset) -> TemplateResponse:
        """For a new member whose code expired, or one who lost their phone: the old
        authenticator stops working and the page shows each new code once."""
        issued = []
        for user in queryset.filter(is_staff=True).order_by("username"):
            code = enrolment.reset(user, by=request.user)
            # The admin's history of the user ("Change history") records who did it.
            self.log_change(request, user, "Issued a new enrolment code; authenticators removed.")
            issued.append((user, code))
        context = {
            **self.admin_site.each_context(request),
            "title": _("New enrolment codes"),
            "opts": self.model._meta,
            "issued": issued,
            "hours": settings.STAFF_ENROLMENT_CODE_HOURS,
        }
        return TemplateResponse(request, "admin/portal/enrolment_codes.html", context)
