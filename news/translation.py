from modeltranslation.translator import TranslationOptions, register

from news.models import Article, Category


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("ar",)


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body", "location", "image_alt", "image_caption")
    # Arabic title and summary are required; empty English falls back to Arabic.
    required_languages = {"ar": ("title", "summary")}
