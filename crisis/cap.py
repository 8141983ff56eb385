"""OASIS CAP 1.2 documents of alerts, and the Atom index feed of the current ones.

Written with ElementTree, element by element in the schema's order. One ``info`` block per
language (``ar-OM`` and ``en``), each with its own ``area`` whose ``areaDesc`` is in the
block's language and whose ``geocode``s are the ISO 3166-2:OM codes of the governorates.
``references`` names every earlier message of the alert's chain as ``sender,identifier,
sent``. Times are CAP's ``2026-12-03T14:05:00+04:00``: seconds, an offset, never "Z".

The index feed follows the CAP feeds convention (Atom, one entry per current alert, its
link of type ``application/cap+xml`` pointing to the document).
"""

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from crisis.governorates import CODES, GEOCODE_SCHEME
from crisis.models import Alert

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_CONTENT_TYPE = "application/cap+xml"
# CAP <language> of each block (RFC 3066 codes): the portal's language → the block's.
CAP_LANGUAGES = {"ar": "ar-OM", "en": "en"}


def cap_time(moment: datetime) -> str:
    """CAP's dateTime: local time with its offset, whole seconds."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def document_url(alert: Alert) -> str:
    return settings.SITE_URL + reverse("crisis_cap:alert", args=[alert.identifier])


def reference(alert: Alert) -> str:
    return f"{settings.CRISIS_CAP_SENDER},{alert.identifier},{cap_time(alert.sent)}"


# Characters XML 1.0 cannot carry at all (the forms remove them already: a safety net).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def alert_element(alert: Alert) -> ET.Element:
    root = ET.Element(f"{{{CAP_NS}}}alert")
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", settings.CRISIS_CAP_SENDER)
    _sub(root, "sent", cap_time(alert.sent))
    _sub(root, "status", alert.status)
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "source", "Tawasul")
    _sub(root, "scope", "Public")
    earlier = [message for message in alert.chain() if message.sent is not None]
    if earlier:
        _sub(root, "references", " ".join(reference(message) for message in earlier))
    _sub(root, "incidents", alert.incident.slug)
    governorates = list(alert.governorates.all())
    incident_url = settings.SITE_URL
    for language, cap_language in CAP_LANGUAGES.items():
        with translation.override(language):
            incident_url = settings.SITE_URL + alert.incident.get_absolute_url()
            info = _sub(root, "info")
            _sub(info, "language", cap_language)
            _sub(info, "category", alert.category)
            _sub(info, "event", alert.text_in("event", language))
            _sub(info, "urgency", alert.urgency)
            _sub(info, "severity", alert.severity)
            _sub(info, "certainty", alert.certainty)
            _sub(info, "effective", cap_time(alert.effective))
            _sub(info, "expires", cap_time(alert.expires))
            _sub(info, "senderName", translation.gettext("Government Communication Centre"))
            _sub(info, "headline", alert.text_in("headline", language))
            _sub(info, "description", alert.text_in("summary", language))
            _sub(info, "web", incident_url)
            parameter = _sub(info, "parameter")
            _sub(parameter, "valueName", "level")
            _sub(parameter, "value", alert.level)
            area = _sub(info, "area")
            _sub(area, "areaDesc", area_description(governorates, language))
            for governorate in governorates:
                geocode = _sub(area, "geocode")
                _sub(geocode, "valueName", GEOCODE_SCHEME)
                _sub(geocode, "value", governorate.code)
    return root


def area_description(governorates, language: str) -> str:
    with translation.override(language):
        if len(governorates) == len(CODES):
            return translation.gettext("All governorates of the Sultanate of Oman")
        separator = "، " if language == "ar" else ", "
        return separator.join(governorate.name_in(language) for governorate in governorates)


def document(alert: Alert) -> bytes:
    ET.register_namespace("", CAP_NS)
    return ET.tostring(alert_element(alert), encoding="utf-8", xml_declaration=True)


def index_feed(alerts: list[Alert], *, language: str, feed_url: str, updated: datetime) -> bytes:
    """The Atom index of ``alerts`` (the current ones), titles in ``language``."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent, tag, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
        if text is not None:
            element.text = _NOT_XML.sub("", text)
        return element

    with translation.override(language):
        feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": language})
        sub(feed, "id", feed_url)
        sub(feed, "title", translation.gettext("Tawasul: current alerts (CAP)"))
        sub(feed, "updated", cap_time(updated))
        author = sub(feed, "author")
        sub(author, "name", translation.gettext("Government Communication Centre"))
        sub(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
        for alert in alerts:
            url = document_url(alert)
            entry = sub(feed, "entry")
            sub(entry, "id", f"urn:tawasul:cap:{alert.identifier}")
            sub(entry, "title", alert.text_in("headline", language))
            sub(entry, "updated", cap_time(alert.sent))
            sub(entry, "published", cap_time(alert.sent))
            sub(entry, "summary", alert.text_in("summary", language))
            sub(entry, "link", rel="alternate", href=url, type=CAP_CONTENT_TYPE)
            sub(entry, "category", term=alert.status, label=alert.get_status_display())
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
