"""Demo content of the feedback app: topics for the demo ministries and a few requests in
several states, each with a history that matches its state. Safe to run again: topics
are updated by their order, demo requests are created once (by their fixed reference)."""

import datetime

from django.db import transaction
from django.utils import timezone

from feedback import calendar
from feedback.models import Kind, PublicHoliday, Submission, SubmissionEvent, Topic
from feedback.workflow import routing_reason
from portal.models import Ministry

# (Arabic name, English name, Arabic help, English help, ministry slug or None, days, kinds)
TOPICS = [
    (
        "الخدمات الصحية",
        "Health services",
        "المستشفيات والمراكز الصحية والمواعيد والأدوية.",
        "Hospitals, health centres, appointments and medicines.",
        "health",
        10,
        None,
    ),
    (
        "المدارس والتعليم",
        "Schools and education",
        "المدارس والمناهج والنقل المدرسي.",
        "Schools, curricula and school transport.",
        "education",
        10,
        None,
    ),
    (
        "الطرق والنقل",
        "Roads and transport",
        "الطرق والإنارة والنقل العام.",
        "Roads, street lighting and public transport.",
        "transport",
        15,
        None,
    ),
    (
        "الخدمات الحكومية الإلكترونية",
        "Digital government services",
        "المواقع والتطبيقات الحكومية.",
        "Government websites and apps.",
        "transport",
        5,
        None,
    ),
    (
        "العمل والتوظيف",
        "Work and employment",
        "الباحثون عن عمل وعقود العمل.",
        "Job seekers and employment contracts.",
        "labour",
        10,
        None,
    ),
    (
        "الإسكان",
        "Housing",
        "الأراضي السكنية والقروض الإسكانية.",
        "Residential land and housing loans.",
        "housing",
        15,
        None,
    ),
    (
        "السياحة والتراث",
        "Tourism and heritage",
        "المواقع السياحية والتراثية.",
        "Tourist and heritage sites.",
        "heritage-tourism",
        10,
        (Kind.SUGGESTION, Kind.IDEA),
    ),
    (
        "موضوع آخر",
        "Something else",
        "إذا لم تجد موضوعك؛ سيحدد المركز الوزارة المختصة.",
        "If your topic is not listed; the centre will choose the ministry.",
        None,
        10,
        None,
    ),
]

S = Submission.Status
E = SubmissionEvent.Kind
# (reference, topic index, kind, subject, body, language, email, story)
# story: list of (event kind, from, to, public message) after "submitted"
REQUESTS = [
    (
        "TW-DEMQ-AAAA",
        0,
        Kind.COMPLAINT,
        "تأخر المواعيد في المركز الصحي",
        "انتظرت أكثر من ثلاث ساعات لموعد محدد مسبقاً في المركز الصحي.",
        "ar",
        "citizen1@example.com",
        [],
    ),
    (
        "TW-DEMQ-BBBB",
        2,
        Kind.SUGGESTION,
        "Street lights on the coastal road",
        "Several street lights on the coastal road have been off for a month.",
        "en",
        "",
        [(E.ROUTED, S.SUBMITTED, S.ROUTED, "")],
    ),
    (
        "TW-DEMQ-CCCC",
        1,
        Kind.IDEA,
        "نادٍ للبرمجة في كل مدرسة",
        "أقترح إنشاء نادٍ للبرمجة في كل مدرسة ثانوية.",
        "ar",
        "citizen2@example.com",
        [(E.ROUTED, S.SUBMITTED, S.ROUTED, ""), (E.ACKNOWLEDGED, S.ROUTED, S.IN_PROGRESS, "")],
    ),
    (
        "TW-DEMQ-DDDD",
        3,
        Kind.COMPLAINT,
        "تعطل تطبيق الخدمات",
        "يتوقف التطبيق عند رفع المستندات.",
        "ar",
        "citizen3@example.com",
        [
            (E.ROUTED, S.SUBMITTED, S.ROUTED, ""),
            (E.ACKNOWLEDGED, S.ROUTED, S.IN_PROGRESS, ""),
            (
                E.ANSWERED,
                S.IN_PROGRESS,
                S.ANSWERED,
                "شكراً لملاحظتك. تم إصلاح الخلل في الإصدار الجديد من التطبيق.",
            ),
        ],
    ),
    (
        "TW-DEMQ-EEEE",
        4,
        Kind.SUGGESTION,
        "Online contract renewal",
        "Please allow renewing employment contracts fully online.",
        "en",
        "citizen4@example.com",
        [
            (E.ROUTED, S.SUBMITTED, S.ROUTED, ""),
            (E.ACKNOWLEDGED, S.ROUTED, S.IN_PROGRESS, ""),
            (
                E.ANSWERED,
                S.IN_PROGRESS,
                S.ANSWERED,
                "Thank you. Online renewal opens next quarter.",
            ),
            (E.CLOSED, S.ANSWERED, S.CLOSED, ""),
        ],
    ),
    (
        "TW-DEMQ-FFFF",
        7,
        Kind.COMPLAINT,
        "رسالة غير واضحة",
        "...........",
        "ar",
        "",
        [
            (
                E.REJECTED,
                S.SUBMITTED,
                S.REJECTED,
                "لم نتمكن من فهم الطلب. يرجى إرسال طلب جديد بتفاصيل أكثر.",
            )
        ],
    ),
]

HOLIDAYS = [
    (datetime.date(2026, 11, 18), "العيد الوطني", "National Day"),
    (datetime.date(2026, 11, 19), "العيد الوطني", "National Day"),
]


@transaction.atomic
def load(stdout=None) -> None:
    ministries = {m.slug: m for m in Ministry.objects.all()}
    topics = []
    for order, (name_ar, name_en, help_ar, help_en, slug, days, kinds) in enumerate(TOPICS, 1):
        kinds = kinds or Kind.values
        topic, _created = Topic.objects.update_or_create(
            name_en=name_en,
            defaults={
                "name_ar": name_ar,
                "help_text_ar": help_ar,
                "help_text_en": help_en,
                "ministry": ministries.get(slug) if slug else None,
                "response_days": days,
                "accepts_complaints": Kind.COMPLAINT in kinds,
                "accepts_suggestions": Kind.SUGGESTION in kinds,
                "accepts_ideas": Kind.IDEA in kinds,
                "order": order,
            },
        )
        topics.append(topic)
    for day, name_ar, name_en in HOLIDAYS:
        PublicHoliday.objects.update_or_create(
            date=day, defaults={"name_ar": name_ar, "name_en": name_en}
        )
    created = 0
    now = timezone.now()
    for age, (reference, topic_index, kind, subject, body, language, email, story) in enumerate(
        REQUESTS
    ):
        if Submission.objects.filter(reference=reference).exists():
            continue
        topic = topics[topic_index]
        sent_at = now - datetime.timedelta(days=3 * (len(REQUESTS) - age))
        routed = any(step[0] == E.ROUTED for step in story)
        submission = Submission.objects.create(
            reference=reference,
            kind=kind,
            topic=topic,
            suggested_ministry=topic.ministry,
            ministry=topic.ministry if routed else None,
            routing_reason=routing_reason(topic),
            subject=subject,
            body=body,
            language=language,
            email=email,
            consent_at=sent_at,
            privacy_notice_version="demo",
            status=story[-1][2] if story else S.SUBMITTED,
            created_at=sent_at,
            due_at=calendar.due_date(topic.response_days, sent_at),
        )
        SubmissionEvent.objects.create(
            submission=submission, kind=E.SUBMITTED, created_at=sent_at, to_status=S.SUBMITTED
        )
        for step, (event_kind, from_status, to_status, message) in enumerate(story, 1):
            SubmissionEvent.objects.create(
                submission=submission,
                kind=event_kind,
                created_at=sent_at + datetime.timedelta(hours=20 * step),
                from_status=from_status,
                to_status=to_status,
                public_message=message,
                internal_note="Demo: checked by the moderation team.",
            )
        created += 1
    if stdout:
        stdout.write(f"feedback: {len(TOPICS)} topics, {created} new demo requests")
