import re

from django import template
from django.utils.translation import get_language_info

register = template.Library()

_TRANSLATED = re.compile(r"^(?P<name>.*) \[(?P<code>[a-z]{2}(?:[-_][a-z]+)?)\]$")


@register.filter
def field_name(label: str) -> str:
    """A field's label for the error list: modeltranslation's "title [ar]" becomes
    "title (العربية)", the language in its own name, as the tabs say it."""
    match = _TRANSLATED.match(str(label))
    if not match:
        return str(label)
    try:
        language = get_language_info(match["code"].replace("_", "-"))["name_translated"]
    except KeyError:
        return str(label)
    return f"{match['name']} ({language})"
