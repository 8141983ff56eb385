import json
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from news.models import Article
from portal.formatting import iso_datetime

register = template.Library()

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.inclusion_tag("news/_latest.html")
def latest_news(count: int = 4, skip_featured: int = 1) -> dict:
    """The home page's latest-news slot (the news app owns what goes in it): one query.

    The ``skip_featured`` stories the featured slot shows above it are left out, so the
    first card never repeats the featured story."""
    articles = Article.objects.published().for_cards()
    if skip_featured:
        featured = Article.objects.published().featured().values("pk")[:skip_featured]
        articles = articles.exclude(pk__in=featured)
    return {"articles": list(articles[:count])}


@register.inclusion_tag("news/_featured.html")
def featured_news(count: int = 1) -> dict:
    """The home page's featured stories, newest first: one query."""
    articles = Article.objects.published().for_cards().featured()[:count]
    return {"articles": list(articles)}


@register.inclusion_tag("news/_picture.html")
def picture(article: Article, sizes: str, eager: bool = False, decorative: bool = False) -> dict:
    """A responsive <picture>: WebP with a JPEG fallback, width and height against layout
    shift, lazy loading unless the photo is the first thing on screen.

    ``decorative``: the photo of a card or teaser, beside a link that already carries the
    title, gets ``alt=""`` (a screen reader would otherwise read each card twice); the
    article page shows it with its description."""
    return {
        "article": article,
        "photo": article.photo,
        "sizes": sizes,
        "eager": eager,
        "decorative": decorative,
    }


@register.simple_tag(takes_context=True)
def absolute_url(context, url: str) -> str:
    return context["request"].build_absolute_uri(url)


@register.simple_tag(takes_context=True)
def share_links(context, article: Article) -> list[dict]:
    """Plain links to each network's share page: they work without JavaScript."""
    url = context["request"].build_absolute_uri(article.get_absolute_url())
    title = article.title
    return [
        {
            "network": "x",
            "label": _("Share on X"),
            "url": "https://x.com/intent/post?" + urlencode({"text": title, "url": url}),
        },
        {
            "network": "whatsapp",
            "label": _("Share on WhatsApp"),
            "url": "https://wa.me/?" + urlencode({"text": f"{title} {url}"}),
        },
        {
            "network": "facebook",
            "label": _("Share on Facebook"),
            "url": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        },
    ]


@register.simple_tag(takes_context=True)
def article_json_ld(context, article: Article) -> SafeString:
    """schema.org NewsArticle as a JSON-LD data block (never executed, so the CSP, which
    governs scripts, does not apply to it); <, > and & are escaped inside the JSON."""
    request = context["request"]
    publisher = {"@type": "GovernmentOrganization", "name": _("Government Communication Centre")}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.summary,
        "inLanguage": get_language(),
        "datePublished": iso_datetime(article.publish_at),
        "dateModified": iso_datetime(article.updated_at),
        "mainEntityOfPage": request.build_absolute_uri(article.get_absolute_url()),
        "articleSection": article.category.name,
        "publisher": publisher,
        "author": publisher,
    }
    if article.location:
        data["locationCreated"] = {"@type": "Place", "name": article.location}
    if article.photo:
        data["image"] = [request.build_absolute_uri(article.photo.share_url)]
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
