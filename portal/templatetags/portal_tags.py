from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in every language, for the switcher and hreflang alternates.

    Links, not a form: they work without JavaScript, set no cookie, and keep the visitor
    on the same page (with its query string, so filters survive the switch).
    """
    request = context["request"]
    query = request.META.get("QUERY_STRING", "")
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        path = translate_url(request.path, code)
        url = f"{path}?{query}" if query else path
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(path),
                "is_current": code == current,
                "bidi": info["bidi"],
            }
        )
    return links
