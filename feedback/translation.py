from modeltranslation.translator import TranslationOptions, register

from feedback.models import CannedReply, PublicHoliday, PublicOutcome, Topic


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


@register(PublicOutcome)
class PublicOutcomeTranslationOptions(TranslationOptions):
    # The staff's words, in one language or both; the citizen's text stays in its own.
    fields = ("title", "reason")
    required_languages = ()
