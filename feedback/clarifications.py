"""What feedback reads of ``news.Clarification``: only through its public queryset and
its page's address (the news app owns the clarifications, their search and pages).

The inquiry form offers the published clarifications that match what the citizen types;
a claim under review is linked to the clarification written from its facts.
"""

from django.apps import apps
from django.utils import timezone, translation

MATCHES_SHOWN = 5
# Shorter text matches too much to help (and costs a search per keystroke for nothing).
MATCH_MIN_CHARS = 3
MATCH_MAX_CHARS = 300
# The links of a claim's inquiries offered as the clarification's appearances, at most.
PREFILLED_LINKS = 10


def model():
    return apps.get_model("news", "Clarification")


def published():
    return model().objects.published()


def matching(text: str, limit: int = MATCHES_SHOWN) -> list:
    """The published clarifications that look like what the citizen typed (Arabic-aware:
    ``news`` compares the normalised text, so diacritics, hamza and alef forms do not
    matter), best first, at most ``limit``. One query."""
    text = (text or "")[:MATCH_MAX_CHARS]
    if len(text.strip()) < MATCH_MIN_CHARS:
        return []
    return published().suggest(text, limit=limit)


def is_published(clarification) -> bool:
    return published().filter(pk=clarification.pk).exists()


def path(clarification, language: str) -> str:
    with translation.override(language):
        return clarification.get_absolute_url()


def linkable():
    """The clarifications an editor may link a claim to: published or draft, newest first."""
    return model().objects.order_by("-pk")


def on_published(sender=None, *, clarification, correction: bool = False, **kwargs) -> None:
    """``news.signals.clarification_published``: the first publication answers every
    inquiry of the claims linked to it; a correction tells those who asked for that. Each
    asker's mail goes through the task queue after the commit (``feedback.workflow``)."""
    from feedback import workflow
    from feedback.models import Claim

    for claim in Claim.objects.filter(clarification=clarification).order_by("pk"):
        try:
            if correction and claim.status == Claim.Status.PUBLISHED:
                workflow.record_correction(claim)
            elif not correction or claim.status != Claim.Status.PUBLISHED:
                # A correction of a clarification the claim was not yet published with
                # is, for its askers, the first publication.
                workflow.publish_claim(claim)
        except workflow.NotAllowed:
            continue  # published already (a second signal), or its facts are not in yet


def connect() -> None:
    from news import signals

    signal = getattr(signals, "clarification_published", None)
    if signal is not None:
        signal.connect(on_published, dispatch_uid="feedback.clarification_published")


def summary(clarification) -> dict:
    """What the form's script shows of a match: public data only, in the page's language."""
    return {
        "title": clarification.claim,
        "verdict": str(clarification.get_verdict_display()),
        "url": clarification.get_absolute_url(),
    }


def prefill(claim) -> dict:
    """The news admin's add page, prefilled from a claim (GET parameters of its fields):
    the claim as staff worded it, the facts, the ministry, when it was first asked about,
    where the askers saw it (in both languages) and the links they gave (the addresses
    where it appeared: text there too). The sources are on the claim page, for the editor
    to add as the clarification's own."""
    from feedback.models import Inquiry, WhereSeen

    inquiries = Inquiry.objects.filter(claim=claim)
    channels = sorted(set(inquiries.values_list("where_seen", flat=True)))
    links = list(
        dict.fromkeys(inquiries.exclude(link="").order_by("pk").values_list("link", flat=True))
    )[:PREFILLED_LINKS]
    values = {
        "claim_ar": claim.summary,
        "facts_ar": claim.facts,
        "ministry": claim.ministry_id or "",
        "first_seen_on": timezone.localdate(claim.first_asked_at).isoformat(),
        "appearance_urls": "\n".join(links),
    }
    for language in ("ar", "en"):
        with translation.override(language):
            names = [str(WhereSeen(channel).label) for channel in channels]
            values[f"circulated_on_{language}"] = (
                "، ".join(names) if language == "ar" else ", ".join(names)
            )
    return {key: value for key, value in values.items() if value}
