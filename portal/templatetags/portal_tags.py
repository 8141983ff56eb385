from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info

from portal import attribution, pagecache, roles

register = template.Library()


def page_in_language(full_path: str, current: str, code: str) -> str:
    """``full_path`` (still percent-encoded, with its query) in language ``code``.

    ``translate_url`` resolves the path, so it also translates translated slugs; a path
    that does not resolve (a 404 page) keeps its rest and only swaps the language prefix.
    Anything else (a 404 at ``//evil.example/``, which a browser reads as another host)
    links to the language's home page: the switch only ever points inside the site.
    """
    translated = translate_url(full_path, code)
    prefix = f"/{current}/"
    if translated == full_path and code != current and full_path.startswith(prefix):
        translated = f"/{code}/{full_path[len(prefix) :]}"
    if not translated.startswith(f"/{code}/"):
        return f"/{code}/"
    return translated


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in every language, for the switcher and hreflang alternates.

    Links, not a form: they work without JavaScript, set no cookie, and keep the visitor
    on the same page (with its query string, so filters survive the switch).
    """
    request = context["request"]
    current = get_language()
    # Without a campaign code: a stored form page is the same for every code
    # (portal.attribution), so its links must not carry the first visitor's.
    full_path = _without_code(request)
    links = []
    for code, _name in settings.LANGUAGES:
        url = page_in_language(full_path, current, code)
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(urlsplit(url).path),
                "is_current": code == current,
                "bidi": info["bidi"],
            }
        )
    return links


@register.simple_tag(takes_context=True)
def staff_pages_url(context) -> str:
    """The admin header's link to the staff pages (the user's landing), for those who
    work on feedback; empty for everyone else (editors work in the admin itself)."""
    request = context.get("request")
    if request is None or roles.feedback_scope(request.user) is None:
        return ""
    from portal.views import landing_url  # portal.views loads the news app's caching

    return landing_url(request.user)


def _without_code(request) -> str:
    full_path, _mark, query = request.get_full_path().partition("?")
    query = attribution.without_code(query)
    return f"{full_path}?{query}" if query else full_path


@register.simple_tag(takes_context=True)
def absolute_url_without_code(context) -> str:
    """This page's absolute address without a campaign code (a stored form page's
    canonical link must be the same for every code)."""
    request = context["request"]
    return request.build_absolute_uri(_without_code(request))


@register.simple_tag(takes_context=True)
def attribution_field(context) -> str:
    """The hidden field carrying a campaign code in a form that accepts one
    (``portal.attribution``). In a page rendered to be stored (its CSRF token is the
    slot) the value is a slot too, filled for each visitor when the copy is answered."""
    token = context.get("csrf_token")
    if isinstance(token, str) and token == pagecache.CSRF_SLOT:
        value = attribution.SLOT
    else:
        value = attribution.code_of(context["request"])
    return format_html('<input type="hidden" name="{}" value="{}">', attribution.PARAM, value)
