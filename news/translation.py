from modeltranslation.translator import TranslationOptions, register

from news.models import (
    Article,
    Category,
    Clarification,
    ClarificationCorrection,
    ClarificationSource,
)


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("ar",)


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body", "location", "image_alt", "image_caption")
    # Arabic title and summary are required; empty English falls back to Arabic.
    required_languages = {"ar": ("title", "summary")}


@register(Clarification)
class ClarificationTranslationOptions(TranslationOptions):
    fields = ("claim", "facts", "circulated_on")
    # The Arabic claim and facts are required; empty English falls back to Arabic.
    required_languages = {"ar": ("claim", "facts")}


@register(ClarificationSource)
class ClarificationSourceTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(ClarificationCorrection)
class ClarificationCorrectionTranslationOptions(TranslationOptions):
    fields = ("note",)
    required_languages = {"ar": ("note",)}
