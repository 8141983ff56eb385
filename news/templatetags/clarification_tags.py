"""Template tags of the clarification pages: schema.org ClaimReview, share links, the
share images of the page's language."""

from urllib.parse import quote, urlencode

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from news.models import Clarification
from news.share_images import share_image
from portal.formatting import iso_date, iso_datetime
from portal.structured_data import json_ld_script

register = template.Library()

# schema.org Rating on a scale of 1 (false) to 5 (true). "Under verification" is no
# rating yet: it gets the name of the verdict only (docs/decisions.md).
RATING_VALUES = {
    Clarification.Verdict.FALSE: 1,
    Clarification.Verdict.MISLEADING: 2,
    Clarification.Verdict.PARTLY_TRUE: 3,
    Clarification.Verdict.TRUE: 5,
}


@register.simple_tag(takes_context=True)
def clarification_json_ld(context, clarification: Clarification) -> SafeString:
    """schema.org ClaimReview of the page, as a JSON-LD data block."""
    request = context["request"]
    url = request.build_absolute_uri(clarification.get_absolute_url())
    rating = {
        "@type": "Rating",
        "alternateName": clarification.get_verdict_display(),
        "bestRating": 5,
        "worstRating": 1,
    }
    if clarification.verdict in RATING_VALUES:
        rating["ratingValue"] = RATING_VALUES[clarification.verdict]
    appearances = [
        {"@type": "CreativeWork", "url": link} for link in clarification.appearance_url_list
    ]
    if clarification.circulated_on and not appearances:
        appearances = [{"@type": "CreativeWork", "name": clarification.circulated_on}]
    claim = {
        "@type": "Claim",
        "name": clarification.claim,
        "datePublished": iso_date(clarification.first_seen_on),
        "appearance": appearances,
    }
    if appearances:
        claim["firstAppearance"] = appearances[0]
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "inLanguage": get_language(),
        "claimReviewed": clarification.claim,
        "reviewRating": rating,
        "itemReviewed": claim,
        "author": {
            "@type": "Organization",
            "name": _("Government Communication Centre"),
            "url": request.build_absolute_uri(reverse("portal:home")),
        },
        "datePublished": iso_datetime(clarification.published_at),
        "dateModified": iso_datetime(clarification.updated_at),
        "reviewBody": _("The facts, from %(ministry)s.")
        % {"ministry": clarification.ministry.name},
    }
    image = share_image(clarification, "wide")
    if image is not None:
        data["image"] = request.build_absolute_uri(image.url)
    return json_ld_script(data)


@register.simple_tag(takes_context=True)
def clarification_share_links(context, clarification: Clarification) -> list[dict]:
    """Plain links to each network's share page and to a mail: no script, no tracking."""
    url = context["request"].build_absolute_uri(clarification.get_absolute_url())
    text = _("%(verdict)s: %(claim)s") % {
        "verdict": clarification.get_verdict_display(),
        "claim": clarification.claim,
    }
    subject = _("Official clarification: %(verdict)s") % {
        "verdict": clarification.get_verdict_display()
    }
    body = f"{text}\n\n{url}"
    return [
        {
            "network": "x",
            "label": _("Share on X"),
            "url": "https://x.com/intent/post?" + urlencode({"text": text, "url": url}),
        },
        {
            "network": "whatsapp",
            "label": _("Share on WhatsApp"),
            "url": "https://wa.me/?" + urlencode({"text": f"{text} {url}"}),
        },
        {
            "network": "facebook",
            "label": _("Share on Facebook"),
            "url": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        },
        {
            "network": "telegram",
            "label": _("Share on Telegram"),
            "url": "https://t.me/share/url?" + urlencode({"url": url, "text": text}),
        },
        {
            "network": "email",
            "label": _("Send by e-mail"),
            # %20, not +: mail programs show a + as it is.
            "url": f"mailto:?subject={quote(subject)}&body={quote(body)}",
        },
    ]


@register.simple_tag
def clarification_share_images(clarification: Clarification) -> list:
    """The share images in the page's language (wide first), or an empty list."""
    return [
        image
        for image in (share_image(clarification, kind) for kind in ("wide", "square"))
        if image is not None
    ]
