"""A year of demo requests, so the public statistics (/<lang>/ministries/) show figures.

Generated from a fixed seed: the same requests (fixed references ``TW-DEMH-....``) every
time, created once. Some ministries get enough requests in the last 12 months to be
ranked, others too few (their figures show "fewer than 10"). Like the demo's stories
(``feedback/demo.py``) each history is a list of actions replayed through
``workflow.TRANSITIONS``, so it only holds paths the site itself could take; the caller
rebuilds the statistics afterwards (the rows are written directly, with past times).
"""

import datetime
import random

from django.utils import timezone

from feedback import calendar, workflow
from feedback.models import Kind, Submission, SubmissionEvent
from feedback.references import ALPHABET
from feedback.workflow import routing_reason

S = Submission.Status
E = SubmissionEvent.Kind
SEED = 17
DAYS_BACK = 380
# (topic index in demo.TOPICS, how many requests over the last DAYS_BACK days)
VOLUMES = [(0, 40), (1, 24), (2, 9), (3, 7), (4, 13), (5, 6), (6, 3)]
SUBJECTS = {
    "ar": ["طلب متابعة", "ملاحظة على الخدمة", "تأخر في الإجراءات", "اقتراح للتحسين"],
    "en": ["Follow-up request", "A remark on the service", "Slow procedures", "An improvement"],
}
BODIES = {
    "ar": "طلب تجريبي ضمن سجل العام الماضي لعرض الإحصاءات العامة.",
    "en": "A demo request in last year's history, so the public statistics have figures.",
}

MESSAGES = {
    E.ANSWERED: {
        "ar": "شكراً لتواصلك. عالجنا طلبك وأبلغنا الجهة المختصة.",
        "en": "Thank you for writing. We have dealt with your request.",
    },
    E.REJECTED: {
        "ar": "لم نتمكن من فهم الطلب. يرجى إرسال طلب جديد بتفاصيل أكثر.",
        "en": "We could not understand the request. Please send a new one with more details.",
    },
}


def reference(number: int) -> str:
    base = len(ALPHABET)
    code = ""
    for _position in range(4):
        number, digit = divmod(number, base)
        code = ALPHABET[digit] + code
    return f"TW-DEMH-{code}"


def _story(rng: random.Random, age_days: float) -> list[tuple[str, float]]:
    """Actions and the hours after receipt at which they happen (all in the past)."""
    age_hours = age_days * 24
    if rng.random() < 0.05:
        return [("reject", rng.uniform(2, 30))]
    route = rng.uniform(1, 20)
    acknowledge = route + rng.uniform(4, 70)
    answer = acknowledge + rng.choice([1, 2, 3, 5, 8]) * rng.uniform(12, 60)
    steps = [("route", route), ("acknowledge", acknowledge), ("answer", answer)]
    if rng.random() < 0.45:
        steps.append(("rate", answer + rng.uniform(2, 100)))
    elif rng.random() < 0.5:
        steps.append(("close", answer + rng.uniform(24, 120)))
    if rng.random() < 0.12 and len(steps) >= 3:
        steps = steps[:2]  # still being worked on
    return [(action, hours) for action, hours in steps if hours < age_hours - 1]


def load(topics, staff: dict) -> int:
    """Create the missing history requests; returns how many were created."""
    rng = random.Random(SEED)  # noqa: S311 (demo content, not a secret)
    now = timezone.now()
    existing = set(
        Submission.objects.filter(reference__startswith="TW-DEMH-").values_list(
            "reference", flat=True
        )
    )
    created = 0
    number = 0
    for topic_index, volume in VOLUMES:
        topic = topics[topic_index]
        kinds = [
            kind
            for kind, accepted in (
                (Kind.COMPLAINT, topic.accepts_complaints),
                (Kind.SUGGESTION, topic.accepts_suggestions),
                (Kind.IDEA, topic.accepts_ideas),
            )
            if accepted
        ]
        for _n in range(volume):
            number += 1
            age_days = rng.uniform(0.5, DAYS_BACK)
            story = _story(rng, age_days)
            kind = rng.choice(kinds)
            language = rng.choice(["ar", "ar", "en"])
            rating = rng.choice([2, 3, 4, 4, 5, 5])
            ref = reference(number)
            if ref in existing:
                continue
            sent_at = now - datetime.timedelta(days=age_days)
            path = workflow.replay([action for action, _hours in story])
            status = path[-1][2] if path else S.SUBMITTED
            routed = any(rule.event == E.ROUTED for rule, *_ in path)
            rated = any(rule.event == E.RATED for rule, *_ in path)
            submission = Submission.objects.create(
                reference=ref,
                kind=kind,
                topic=topic,
                suggested_ministry=topic.ministry,
                ministry=topic.ministry if routed else None,
                routing_reason=routing_reason(topic),
                subject=rng.choice(SUBJECTS[language]),
                body=BODIES[language],
                language=language,
                consent_at=sent_at,
                privacy_notice_version="demo",
                status=status,
                created_at=sent_at,
                due_at=calendar.due_date(topic.response_days, sent_at),
                rating=rating if rated else None,
                rated_at=sent_at + datetime.timedelta(hours=story[-1][1]) if rated else None,
            )
            SubmissionEvent.objects.create(
                submission=submission, kind=E.SUBMITTED, created_at=sent_at, to_status=S.SUBMITTED
            )
            officer = staff.get(f"officer-{topic.ministry.slug}") if topic.ministry else None
            actors = {workflow.MODERATOR: staff.get("moderator"), workflow.OFFICER: officer}
            for (rule, from_status, to_status), (_action, hours) in zip(path, story, strict=True):
                SubmissionEvent.objects.create(
                    submission=submission,
                    kind=rule.event,
                    actor=actors.get(rule.actor_role),
                    created_at=sent_at + datetime.timedelta(hours=hours),
                    from_status=from_status,
                    to_status=to_status,
                    public_message=MESSAGES.get(rule.event, {}).get(language, ""),
                    is_public=rule.is_public,
                )
            created += 1
    return created
