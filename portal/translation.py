from modeltranslation.translator import TranslationOptions, register

from portal.models import Ministry


@register(Ministry)
class MinistryTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("ar",)
