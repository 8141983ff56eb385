"""Demo content of the feedback app: topics for the demo ministries, canned replies, and
requests in every state of the workflow (sent back, re-routed, merged, rated, overdue
too), each with a history that matches its state and names the demo staff who acted.
Safe to run again: topics are updated by their order, demo requests are created once (by
their fixed reference)."""

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from feedback import calendar, dailystats, demo_history, workflow
from feedback.models import (
    CannedReply,
    Kind,
    PublicHoliday,
    PublicOutcome,
    Submission,
    SubmissionEvent,
    Topic,
)
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
# story: the actions after "submitted", each a name of ``workflow.TRANSITIONS`` or
# (name, public message); the table gives each step's event, states and actor role.
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
        ["route"],
    ),
    (
        "TW-DEMQ-CCCC",
        1,
        Kind.IDEA,
        "نادٍ للبرمجة في كل مدرسة",
        "أقترح إنشاء نادٍ للبرمجة في كل مدرسة ثانوية.",
        "ar",
        "citizen2@example.com",
        ["route", "acknowledge"],
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
            "route",
            "acknowledge",
            ("answer", "شكراً لملاحظتك. تم إصلاح الخلل في الإصدار الجديد من التطبيق."),
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
            "route",
            "acknowledge",
            ("answer", "Thank you. Online renewal opens next quarter."),
            "close",
            "publish",
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
        [("reject", "لم نتمكن من فهم الطلب. يرجى إرسال طلب جديد بتفاصيل أكثر.")],
    ),
]

REQUESTS += [
    (
        "TW-DEMQ-GGGG",
        0,
        Kind.COMPLAINT,
        "رسوم التأشيرات",
        "طلب تخفيض رسوم تأشيرات العمال المنزليين.",
        "ar",
        "citizen5@example.com",
        ["route", "send_back"],
    ),
    (
        "TW-DEMQ-HHHH",
        4,
        Kind.COMPLAINT,
        "Housing loan for a job seeker",
        "My housing loan application was refused because I am looking for work.",
        "en",
        "citizen6@example.com",
        [
            "route",
            (
                "reroute",
                "Housing loans are decided by the Ministry of Housing, which now has your request.",
            ),
        ],
    ),
    (
        "TW-DEMQ-JJJJ",
        0,
        Kind.COMPLAINT,
        "الانتظار في المركز الصحي",
        "المواعيد في المركز الصحي تتأخر كثيراً.",
        "ar",
        "",
        ["merge"],
    ),
    (
        "TW-DEMQ-KKKK",
        4,
        Kind.IDEA,
        "منصة للتدريب المهني",
        "أقترح منصة إلكترونية تجمع فرص التدريب المهني للباحثين عن عمل.",
        "ar",
        "citizen7@example.com",
        [
            "route",
            "acknowledge",
            ("answer", "شكراً لفكرتك. أُحيلت إلى فريق التدريب."),
            "confirm_resolved",
            "rate",
            "publish",
        ],
    ),
    (
        "TW-DEMQ-MMMM",
        0,
        Kind.COMPLAINT,
        "Medicine out of stock",
        "The clinic has had no insulin for two weeks.",
        "en",
        "citizen8@example.com",
        ["route"],
    ),
    # "Not resolved" (issue 17): answered, then sent back by the citizen with a reason.
    (
        "TW-DEMQ-NNNN",
        1,
        Kind.COMPLAINT,
        "النقل المدرسي لا يصل إلى الحي",
        "حافلة المدرسة لا تمر بحي الخوض السادس منذ بداية الفصل.",
        "ar",
        "citizen9@example.com",
        [
            "route",
            "acknowledge",
            ("answer", "تمت إضافة الحي إلى مسار الحافلة رقم ٤."),
            "reopen",
        ],
    ),
]

# What a story alone does not say: the final ministry after a re-route, the original of
# a duplicate, the citizen's rating, an answer date already past (an overdue item).
EXTRAS = {
    "TW-DEMQ-HHHH": {"ministry": "housing"},
    "TW-DEMQ-JJJJ": {"duplicate_of": "TW-DEMQ-AAAA"},
    "TW-DEMQ-KKKK": {"rating": (5, "رد سريع وواضح، شكراً.")},
    "TW-DEMQ-MMMM": {"overdue_days": 4},
    "TW-DEMQ-NNNN": {
        "reopen_reason": "الحافلة رقم ٤ ما زالت لا تمر بالحي؛ انتظر الأطفال صباح الأحد ولم تأتِ."
    },
}

# "You said, we did": the published version of two answered requests whose citizens agreed.
# (reference, Arabic title, English title, public text, decision, Arabic reason, English reason)
OUTCOMES = [
    (
        "TW-DEMQ-EEEE",
        "تجديد عقود العمل إلكترونياً بالكامل",
        "Online contract renewal",
        "Please allow renewing employment contracts fully online.",
        "adopted",
        "ستتاح خدمة التجديد الإلكتروني الكامل لعقود العمل في الربع القادم عبر بوابة الوزارة.",
        "Full online renewal of employment contracts opens next quarter on the ministry's portal.",
    ),
    (
        "TW-DEMQ-KKKK",
        "منصة للتدريب المهني",
        "A vocational training platform",
        "أقترح منصة إلكترونية تجمع فرص التدريب المهني للباحثين عن عمل.",
        "under_study",
        "أُحيلت الفكرة إلى فريق التدريب لدراسة ربطها بمنصة التوظيف الحالية.",
        "The idea is with the training team, who are studying how to link it to the jobs platform.",
    ),
]

# (ministry slug or None for every ministry, Arabic title, English title, Arabic, English)
CANNED_REPLIES = [
    (
        None,
        "شكر واستلام",
        "Thanks and receipt",
        "شكراً لتواصلك. استلمنا طلبك وسنرد عليك قبل الموعد المحدد.",
        "Thank you for writing. We have your request and will answer before the due date.",
    ),
    (
        "health",
        "تمديد ساعات العمل",
        "Longer opening hours",
        "شكراً لملاحظتك. مُددت ساعات العمل في المراكز الصحية حتى الساعة العاشرة مساءً.",
        "Thank you. Health centres now stay open until 10 pm.",
    ),
    (
        "labour",
        "تجديد العقود إلكترونياً",
        "Online contract renewal",
        "يمكن تجديد عقود العمل إلكترونياً عبر بوابة الوزارة.",
        "Employment contracts can be renewed online on the ministry's portal.",
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
    for slug, title_ar, title_en, body_ar, body_en in CANNED_REPLIES:
        CannedReply.objects.update_or_create(
            title_en=title_en,
            defaults={
                "ministry": ministries.get(slug) if slug else None,
                "title_ar": title_ar,
                "body_ar": body_ar,
                "body_en": body_en,
            },
        )
    staff = {user.username: user for user in User.objects.filter(is_staff=True)}
    created = 0
    now = timezone.now()
    for age, (reference, topic_index, kind, subject, body, language, email, story) in enumerate(
        REQUESTS
    ):
        if Submission.objects.filter(reference=reference).exists():
            continue
        topic = topics[topic_index]
        extras = EXTRAS.get(reference, {})
        sent_at = now - datetime.timedelta(days=3 * (len(REQUESTS) - age))
        steps = [(step, "") if isinstance(step, str) else step for step in story]
        path = workflow.replay([action for action, _message in steps])
        status = path[-1][2] if path else S.SUBMITTED
        routed = any(rule.event == E.ROUTED for rule, *_ in path) and status != S.SUBMITTED
        ministry = ministries.get(extras["ministry"]) if "ministry" in extras else topic.ministry
        rating = extras.get("rating")
        due_at = calendar.due_date(topic.response_days, sent_at)
        actions = [action for action, _message in steps]
        answered_steps = [n for n, action in enumerate(actions, 1) if action == "answer"]
        reopenings = actions.count("reopen")
        if reopenings:
            # A new due date from the reopening (the story's last step).
            due_at = calendar.due_date(
                topic.response_days, sent_at + datetime.timedelta(hours=20 * len(steps))
            )
        if "overdue_days" in extras:
            due_at = timezone.localdate() - datetime.timedelta(days=extras["overdue_days"])
        submission = Submission.objects.create(
            reference=reference,
            kind=kind,
            topic=topic,
            suggested_ministry=topic.ministry,
            ministry=ministry if routed else None,
            routing_reason=routing_reason(topic),
            subject=subject,
            body=body,
            language=language,
            email=email,
            consent_at=sent_at,
            privacy_notice_version="demo",
            status=status,
            created_at=sent_at,
            due_at=due_at,
            duplicate_of=Submission.objects.filter(reference=extras.get("duplicate_of")).first(),
            rating=rating[0] if rating else None,
            rating_comment=rating[1] if rating else "",
            rated_at=sent_at + datetime.timedelta(hours=20 * len(story)) if rating else None,
            last_answered_at=(
                sent_at + datetime.timedelta(hours=20 * answered_steps[-1])
                if answered_steps
                else None
            ),
            reopen_count=reopenings,
            reopen_reason=extras.get("reopen_reason", ""),
            publication_consent=reference in {outcome[0] for outcome in OUTCOMES},
        )
        SubmissionEvent.objects.create(
            submission=submission, kind=E.SUBMITTED, created_at=sent_at, to_status=S.SUBMITTED
        )
        officer = staff.get(f"officer-{topic.ministry.slug}") if topic.ministry else None
        actors = {workflow.MODERATOR: staff.get("moderator"), workflow.OFFICER: officer}
        for step, ((rule, from_status, to_status), (_action, message)) in enumerate(
            zip(path, steps, strict=True), 1
        ):
            actor = actors.get(rule.actor_role)  # the citizen's steps have none
            SubmissionEvent.objects.create(
                submission=submission,
                kind=rule.event,
                actor=actor,
                created_at=sent_at + datetime.timedelta(hours=20 * step),
                from_status=from_status,
                to_status=to_status,
                public_message=message,
                internal_note="" if actor is None else "Demo: checked by the moderation team.",
                is_public=rule.is_public,
            )
        created += 1
    history = demo_history.load(topics, staff)
    claims = _load_claims(staff, ministries)
    published = _load_outcomes()
    # The demo's rows are written directly, with past times: the statistics the dashboard
    # and the public pages read are recomputed from them (idempotent), when rows were
    # written (a rebuild reads every request: minutes on a benchmark's million; claims
    # and outcomes go through the workflow, which counts them itself).
    if created or history:
        dailystats.rebuild()
    if stdout:
        stdout.write(
            f"feedback: {len(TOPICS)} topics, {created} new demo requests, "
            f"{history} new requests of the past year, {claims} new claims, "
            f"{published} “You said, we did” items"
        )


# Claims under review ("is this true?"): (claim as staff word it, ministry slug or None,
# how far it went, facts, sources, inquiries: (language, claim in the citizen's words,
# where seen, link, e-mail, tell me about corrections)). Created once, by their wording.
CLAIMS = [
    (
        "المدارس ستغلق طوال الأسبوع القادم بسبب الأحوال الجوية",
        "education",
        "facts_supplied",
        "لم يصدر أي قرار بتعليق الدراسة. تستمر الدراسة في جميع المحافظات، وأي تعليق يُعلن "
        "عبر القنوات الرسمية للوزارة فقط.",
        "بيان وزارة التربية والتعليم\nhttps://moe.example/statements/2026-12",
        [
            (
                "ar",
                "رسالة على واتساب تقول إن المدارس ستغلق أسبوعاً كاملاً بسبب المنخفض الجوي",
                "whatsapp",
                "",
                "parent1@example.com",
                True,
            ),
            (
                "ar",
                "شاهدت منشوراً يقول إن الدراسة معلقة الأسبوع القادم، هل هذا صحيح؟",
                "x",
                "https://x.com/example/status/1234567890",
                "parent2@example.com",
                False,
            ),
            (
                "en",
                "A TikTok video says all schools close next week because of the weather.",
                "tiktok",
                "https://www.tiktok.com/@example/video/987654321",
                "parent3@example.com",
                False,
            ),
        ],
    ),
    (
        "توزيع مبالغ نقدية على كل من يسجل بياناته في رابط يتداول على واتساب",
        None,
        "open",
        "",
        "",
        [
            (
                "ar",
                "رابط على واتساب يطلب رقم البطاقة المدنية مقابل منحة نقدية من الحكومة",
                "whatsapp",
                "https://grant-oman.example/register",
                "",
                False,
            ),
            (
                "en",
                "Is the government giving cash to everyone who registers on this WhatsApp link?",
                "whatsapp",
                "",
                "resident@example.com",
                True,
            ),
        ],
    ),
]


def _load_claims(staff: dict, ministries: dict) -> int:
    """The demo claims, through the workflow (each inquiry sent, attached, the claim routed
    and its facts supplied as far as its story goes); once each, by its wording."""
    from feedback.models import Claim, Inquiry

    moderator = staff.get("moderator")
    if moderator is None:
        return 0  # the demo accounts come with the portal's demo (debug only)
    created = 0
    for summary, slug, reached, facts, sources, inquiries in CLAIMS:
        if Claim.objects.filter(summary=summary).exists():
            continue
        claim = None
        for language, text, where, link, email, corrections in inquiries:

            def details(item, where=where, link=link, corrections=corrections) -> None:
                Inquiry.objects.create(
                    submission=item, where_seen=where, link=link, notify_corrections=corrections
                )

            item = workflow.submit(
                kind=Kind.INQUIRY,
                topic=Topic.inquiry_topic(),
                subject=text[:120],
                body=text,
                language=language,
                email=email,
                due_hours=8,
                then=details,
            )
            workflow.attach(item, actor=moderator, claim=claim, summary=summary)
            claim = claim or Claim.objects.get(summary=summary)
        officer = staff.get(f"officer-{slug}") if slug else None
        if slug and reached in ("routed", "facts_supplied"):
            workflow.route_claim(claim, actor=moderator, ministry=ministries[slug])
            if reached == "facts_supplied" and officer is not None:
                workflow.supply_facts(claim, actor=officer, facts=facts, sources=sources)
        created += 1
    # One more inquiry waits in the moderators' queue, not attached yet.
    waiting = "هل صحيح أن رسوم تجديد رخصة القيادة ستتضاعف من الشهر القادم؟"
    if not Submission.objects.filter(kind=Kind.INQUIRY, body=waiting).exists():
        workflow.submit(
            kind=Kind.INQUIRY,
            topic=Topic.inquiry_topic(),
            subject=waiting,
            body=waiting,
            language="ar",
            due_hours=8,
            then=lambda item: Inquiry.objects.create(submission=item, where_seen="instagram"),
        )
    return created


def _load_outcomes() -> int:
    """The published items of OUTCOMES, updated in place (their requests' stories hold the
    "publish" step; an older demo database gets the consent it now needs)."""
    count = 0
    for reference, title_ar, title_en, text, decision, reason_ar, reason_en in OUTCOMES:
        item = Submission.objects.filter(reference=reference).first()
        if item is None or item.ministry is None:
            continue
        if not item.publication_consent:
            Submission.objects.filter(pk=item.pk).update(publication_consent=True)
        PublicOutcome.objects.update_or_create(
            submission=item,
            defaults={
                "ministry": item.ministry,
                "topic": item.topic,
                "kind": item.kind,
                "language": item.language,
                "title_ar": title_ar,
                "title_en": title_en,
                "text": text,
                "decision": decision,
                "reason_ar": reason_ar,
                "reason_en": reason_en,
                "published_at": item.updated_at,
            },
        )
        count += 1
    return count
