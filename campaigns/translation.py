from modeltranslation.translator import TranslationOptions, register

from campaigns.models import Campaign


@register(Campaign)
class CampaignTranslationOptions(TranslationOptions):
    fields = ("name", "objective", "audience")
    # Arabic first; empty English falls back to it.
    required_languages = {"ar": ("name", "objective", "audience")}
