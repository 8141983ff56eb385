from modeltranslation.translator import TranslationOptions, register

from feedback.models import CannedReply, PublicHoliday, Topic


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name", "help_text")
    required_languages = ("ar",)


@register(PublicHoliday)
class PublicHolidayTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("ar",)


@register(CannedReply)
class CannedReplyTranslationOptions(TranslationOptions):
    fields = ("title", "body")
    required_languages = ("ar",)
