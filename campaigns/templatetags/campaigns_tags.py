from django import template

from campaigns import useful
from campaigns.models import page_of

register = template.Library()


@register.simple_tag(takes_context=True)
def useful_question_page(context) -> str:
    """The page asking "was this page useful?" (its path without the language), or ""
    when this page does not ask (a preview, a page not in ``useful.QUESTION_PAGES``)."""
    request = context.get("request")
    if request is None or context.get("is_preview"):
        return ""
    page = page_of(request.path)
    return page if useful.is_question_page(page) else ""
