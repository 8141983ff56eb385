"""schema.org JSON-LD of the portal's own pages (the news app writes its NewsArticle)."""

import json

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.models import ContactDetails

# Inside <script> the JSON must not close the element: <, > and & become \\u escapes.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> SafeString:
    """A JSON-LD data block: browsers never execute it, so the CSP does not apply."""
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


def government_organization(
    request: HttpRequest, details: ContactDetails | None, channel_urls: list[str]
) -> dict:
    """The centre as a GovernmentOrganization with its contact point and opening hours."""
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": _("Government Communication Centre"),
        "alternateName": _("Tawasul"),
        "url": request.build_absolute_uri(reverse("portal:home")),
        "inLanguage": get_language(),
        "sameAs": channel_urls,
    }
    if details is None:
        return data
    address_lines = [line.strip() for line in details.address.splitlines() if line.strip()]
    contact_point = {
        "@type": "ContactPoint",
        "contactType": _("public enquiries"),
        "telephone": details.phone,
        "availableLanguage": ["ar", "en"],
        "areaServed": "OM",
    }
    if details.email:
        contact_point["email"] = details.email
    data.update(
        {
            "address": {
                "@type": "PostalAddress",
                "streetAddress": ", ".join(address_lines),
                "addressCountry": "OM",
            },
            "telephone": details.phone,
            "openingHours": details.opening_hours_spec,
            "contactPoint": [contact_point],
        }
    )
    if details.email:
        data["email"] = details.email
    if details.map_url:
        data["hasMap"] = details.map_url
    return data
