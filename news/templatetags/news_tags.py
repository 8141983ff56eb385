from django import template

register = template.Library()


@register.inclusion_tag("news/_latest.html")
def latest_news(count: int = 4) -> dict:
    """The home page's latest-news slot (the news app owns what goes in it)."""
    return {"articles": []}
