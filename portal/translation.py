from modeltranslation.translator import TranslationOptions, register

from portal.models import ContactDetails, Ministry


@register(Ministry)
class MinistryTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("ar",)


@register(ContactDetails)
class ContactDetailsTranslationOptions(TranslationOptions):
    fields = ("address", "opening_hours")
    required_languages = ("ar",)
