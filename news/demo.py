"""Demo news of the government communication forum: a dozen bilingual articles in several
categories, with photos drawn here by Pillow (abstract shapes, no third-party images or
text), and four official clarifications of invented rumours, one per verdict, with their
share images. ``load_demo`` calls ``load()``; running it again updates, never duplicates."""

import datetime
import io
import math
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from news.models import (
    Article,
    Category,
    Clarification,
    ClarificationCorrection,
    ClarificationSource,
)
from portal.models import Ministry

CATEGORIES = [
    ("forum", "المنتدى", "The forum"),
    ("initiatives", "مبادرات", "Initiatives"),
    ("announcements", "إعلانات", "Announcements"),
    ("media", "الإعلام والتواصل", "Media and communication"),
]

PALETTES = [
    ((11, 93, 75), (7, 63, 51), (255, 191, 71)),
    ((184, 35, 47), (120, 20, 30), (243, 246, 245)),
    ((22, 78, 140), (10, 40, 80), (255, 191, 71)),
    ((90, 60, 130), (45, 30, 70), (160, 220, 200)),
]

# (slug, category, ministries, days ago, featured, title ar/en, summary ar/en, location ar/en, body ar/en)
ARTICLES = [
    (
        "forum-opens-third-session",
        "forum",
        ["information"],
        2,
        True,
        "مُنْتَدَى التَّوَاصُلِ الحُكُومِيِّ يَفْتَتِحُ دَوْرَتَهُ الثَّالِثَة",
        "The Government Communication Forum opens its third session",
        "انطلقت أعمال الدورة الثالثة لمنتدى التواصل الحكومي بمشاركة واسعة من المؤسسات الحكومية والإعلاميين.",
        "The third session of the Government Communication Forum opened with wide participation from government bodies and journalists.",
        "مسقط",
        "Muscat",
        "ناقشت الجلسة الافتتاحية دور التواصل الحكومي في بناء الثقة مع المواطنين.\n\nوتستمر أعمال المنتدى يومين تتضمن ورش عمل وجلسات حوارية.",
        "The opening session discussed the role of government communication in building trust with citizens.\n\nThe forum runs for two days of workshops and panel discussions.",
    ),
    (
        "tawasul-platform-launch",
        "initiatives",
        ["information", "transport"],
        5,
        False,
        "إطلاق منصة تواصل لاستقبال ملاحظات المواطنين",
        "Tawasul platform launched to receive citizens' feedback",
        "أطلق المركز منصة تواصل التي تتيح للمواطنين إرسال الشكاوى والمقترحات والأفكار إلى الوزارات المختصة.",
        "The centre launched Tawasul, where citizens send complaints, suggestions and ideas to the responsible ministries.",
        "مسقط",
        "Muscat",
        "تمنح المنصة كل طلب رقمًا مرجعيًا يتابع به المواطن طلبه حتى الرد عليه.\n\nولا يلزم إنشاء حساب لاستخدام المنصة.",
        "Each request gets a reference number that the citizen uses to follow it until it is answered.\n\nNo account is needed to use the platform.",
    ),
    (
        "workshop-crisis-communication",
        "forum",
        ["health"],
        9,
        False,
        "ورشة عمل حول التواصل في أوقات الأزمات",
        "Workshop on communication in times of crisis",
        "نظم المنتدى ورشة عمل تناولت أفضل الممارسات في إيصال المعلومات الموثوقة خلال الأزمات.",
        "The forum held a workshop on best practices for sharing reliable information during crises.",
        "صلالة",
        "Salalah",
        "شارك في الورشة متحدثون من الجهات الصحية والإعلامية.\n\nوأكد المشاركون أهمية السرعة والدقة والوضوح.",
        "Speakers from health and media bodies took part in the workshop.\n\nParticipants stressed speed, accuracy and clarity.",
    ),
    (
        "youth-ideas-competition",
        "initiatives",
        ["culture-sports-youth"],
        14,
        False,
        "مسابقة أفكار الشباب لتحسين الخدمات الحكومية",
        "Youth ideas competition to improve government services",
        "دعا المركز الشباب إلى تقديم أفكارهم لتحسين الخدمات الحكومية عبر منصة تواصل.",
        "The centre invited young people to send ideas for better government services through Tawasul.",
        "مسقط",
        "Muscat",
        "تُقيَّم الأفكار وفق معايير الأثر وقابلية التطبيق.\n\nوتُعلن النتائج في ختام الدورة.",
        "Ideas are judged on impact and feasibility.\n\nResults are announced at the end of the session.",
    ),
    (
        "annual-report-2025",
        "announcements",
        ["economy"],
        21,
        False,
        "صدور التقرير السنوي للتواصل الحكومي",
        "Annual government communication report published",
        "أصدر المركز تقريره السنوي الذي يرصد مؤشرات التواصل بين الجهات الحكومية والمواطنين.",
        "The centre published its annual report on communication between government bodies and citizens.",
        "مسقط",
        "Muscat",
        "يعرض التقرير أعداد الطلبات الواردة ومتوسط مدد الرد لكل وزارة.",
        "The report shows the number of requests received and the average response time per ministry.",
    ),
    (
        "spokespersons-training",
        "media",
        ["information"],
        30,
        False,
        "برنامج تدريبي للمتحدثين الرسميين",
        "Training programme for official spokespersons",
        "بدأ برنامج تدريبي يهدف إلى تطوير مهارات المتحدثين الرسميين في الجهات الحكومية.",
        "A training programme for the official spokespersons of government bodies has begun.",
        "نزوى",
        "Nizwa",
        "يتناول البرنامج كتابة البيانات الصحفية وإدارة المؤتمرات الإعلامية.",
        "The programme covers writing press releases and running press conferences.",
    ),
    (
        "digital-services-survey",
        "initiatives",
        ["transport"],
        38,
        False,
        "استبيان رضا المواطنين عن الخدمات الرقمية",
        "Survey of citizens' satisfaction with digital services",
        "يدعو المركز المواطنين إلى المشاركة في استبيان لقياس رضاهم عن الخدمات الرقمية.",
        "The centre invites citizens to take part in a survey on their satisfaction with digital services.",
        "مسقط",
        "Muscat",
        "تستغرق المشاركة خمس دقائق، وتُستخدم النتائج في تحسين الخدمات.",
        "Taking part takes five minutes; the results are used to improve the services.",
    ),
    (
        "forum-second-day-panels",
        "forum",
        ["education", "higher-education"],
        47,
        True,
        "جلسات اليوم الثاني تناقش التعليم والتواصل",
        "Second-day panels discuss education and communication",
        "ناقشت جلسات اليوم الثاني من المنتدى دور المؤسسات التعليمية في التواصل مع المجتمع.",
        "Panels on the forum's second day discussed how schools and universities communicate with society.",
        "مسقط",
        "Muscat",
        "استعرض المتحدثون تجارب ناجحة في إشراك أولياء الأمور والطلبة.",
        "Speakers presented successful ways of involving parents and students.",
    ),
    (
        "health-awareness-campaign",
        "media",
        ["health"],
        60,
        False,
        "حملة توعوية صحية عبر القنوات الرسمية",
        "Health awareness campaign on the official channels",
        "أطلقت الجهات المختصة حملة توعوية صحية تُبث عبر القنوات الرسمية للمركز.",
        "A health awareness campaign is running on the centre's official channels.",
        "صحار",
        "Sohar",
        "تتضمن الحملة رسائل قصيرة ومقاطع مرئية باللغتين العربية والإنجليزية.",
        "The campaign includes short messages and videos in Arabic and English.",
    ),
    (
        "ministries-response-times",
        "announcements",
        ["labour", "housing"],
        75,
        False,
        "تحسن ملحوظ في مدد الرد على ملاحظات المواطنين",
        "Marked improvement in response times to citizens' feedback",
        "أظهرت بيانات المنصة تحسنًا في متوسط مدة رد الوزارات على الطلبات.",
        "Platform figures show that ministries answer requests faster on average.",
        "مسقط",
        "Muscat",
        "انخفض متوسط مدة الرد إلى أقل من عشرة أيام عمل.",
        "The average response time fell below ten working days.",
    ),
    (
        "open-day-for-citizens",
        "announcements",
        [],
        95,
        False,
        "يوم مفتوح للمواطنين في مركز التواصل الحكومي",
        "Open day for citizens at the Government Communication Centre",
        "يستقبل المركز المواطنين في يوم مفتوح للتعرف على خدماته وطرح الأسئلة.",
        "The centre welcomes citizens to an open day to learn about its services and ask questions.",
        "مسقط",
        "Muscat",
        "يتضمن البرنامج جولات تعريفية وجلسات أسئلة وأجوبة.",
        "The programme includes guided tours and question-and-answer sessions.",
    ),
    (
        "forum-closing-recommendations",
        "forum",
        ["information", "economy"],
        110,
        False,
        "توصيات ختامية لمنتدى التواصل الحكومي",
        "Closing recommendations of the Government Communication Forum",
        "خرج المنتدى بتوصيات أبرزها توحيد قنوات التواصل وتسريع الرد على المواطنين.",
        "The forum closed with recommendations, above all one set of channels and faster answers to citizens.",
        "مسقط",
        "Muscat",
        "- توحيد قنوات التواصل الرسمية\n- نشر مؤشرات الأداء دوريًا\n- تدريب الكوادر الإعلامية",
        "- One set of official channels\n- Regular publication of performance figures\n- Training for media staff",
    ),
]


# Invented rumours (no real event): slug, ministry, verdict, days since first seen, days
# since published, claim ar/en, where ar/en, facts ar/en, sources [(title ar, title en,
# url or article slug)], corrections [(days ago, note ar, note en)].
CLARIFICATIONS = [
    (
        "schools-closed-all-week",
        "education",
        Clarification.Verdict.FALSE,
        3,
        2,
        "إغلاق جميع المدارس أسبوعًا كاملًا بسبب موجة الغبار",
        "All schools are closed for a whole week because of the dust storm",
        "رسائل على واتساب ومنشورات على إكس",
        "WhatsApp messages and posts on X",
        "لم تصدر وزارة التربية والتعليم أي قرار بإغلاق المدارس.\n\n"
        "يستمر الدوام المدرسي كالمعتاد، وتُعلَن أي تعليمات بشأن الأحوال الجوية عبر القنوات الرسمية للوزارة فقط.",
        "The Ministry of Education has not decided to close schools.\n\n"
        "School continues as usual; any instructions about the weather are announced on the ministry's official channels only.",
        [
            (
                "بيان وزارة التربية والتعليم",
                "Statement of the Ministry of Education",
                "https://education.ministries.tawasul.example/statements/schools-open",
            ),
        ],
        [],
    ),
    (
        "free-5g-phones-for-students",
        "transport",
        Clarification.Verdict.MISLEADING,
        9,
        7,
        "الحكومة توزع هواتف 5G مجانية على كل الطلبة عبر رابط التسجيل",
        "The government gives every student a free 5G phone through a registration link",
        "رابط يُتداول على إنستغرام وتيك توك",
        "A link shared on Instagram and TikTok",
        "توجد مبادرة لدعم الأجهزة اللوحية لطلبة الأسر المستحقة، لكنها لا تشمل جميع الطلبة ولا تُطلب عبر روابط خارجية.\n\n"
        "الرابط المتداول ليس حكوميًا وقد يُستخدم لجمع البيانات الشخصية: **لا تُدخل بياناتك فيه**.",
        "There is an initiative supporting tablets for students of eligible families, but it does not cover every student and is never applied for through outside links.\n\n"
        "The link going round is not a government one and may be used to collect personal data: **do not enter your details in it**.",
        [
            (
                "تنبيه وزارة النقل والاتصالات وتقنية المعلومات",
                "Warning of the Ministry of Transport, Communications and IT",
                "https://transport.ministries.tawasul.example/warnings/phone-link",
            ),
            ("", "", "tawasul-platform-launch"),
        ],
        [
            (
                5,
                "أُضيف رابط تنبيه الوزارة إلى المصادر.",
                "The ministry's warning was added to the sources.",
            ),
        ],
    ),
    (
        "clinic-hours-extended",
        "health",
        Clarification.Verdict.PARTLY_TRUE,
        12,
        10,
        "المراكز الصحية تعمل على مدار 24 ساعة ابتداءً من هذا الشهر",
        "Health centres are open 24 hours a day from this month",
        "منشور على فيسبوك",
        "A Facebook post",
        "مُدِّدت ساعات العمل في **ستة** مراكز صحية في المحافظات حتى منتصف الليل، وليس على مدار الساعة.\n\n"
        "أقسام الطوارئ في المستشفيات تعمل على مدار الساعة كما كانت دائمًا.",
        "Opening hours of **six** health centres in the governorates were extended until midnight, not around the clock.\n\n"
        "Hospital emergency departments are open around the clock, as always.",
        [
            (
                "تعميم وزارة الصحة بشأن ساعات العمل",
                "Ministry of Health circular on opening hours",
                "",
            ),
            ("", "", "workshop-crisis-communication"),
        ],
        [
            (
                8,
                "صُحِّح عدد المراكز من خمسة إلى ستة.",
                "The number of centres was corrected from five to six.",
            ),
        ],
    ),
    (
        "housing-applications-online",
        "housing",
        Clarification.Verdict.TRUE,
        20,
        18,
        "طلبات الأراضي السكنية تُقدَّم إلكترونيًا فقط ابتداءً من يناير",
        "Applications for residential plots are made online only from January",
        "رسائل على واتساب",
        "WhatsApp messages",
        "صحيح: تُقدَّم طلبات الأراضي السكنية عبر الموقع الإلكتروني للوزارة فقط ابتداءً من الأول من يناير.\n\n"
        "يساعد موظفو مراكز الخدمة من لا يستطيع التقديم بنفسه.",
        "True: applications for residential plots are made on the ministry's website only from 1 January.\n\n"
        "Staff at the service centres help anyone who cannot apply on their own.",
        [
            (
                "إعلان وزارة الإسكان والتخطيط العمراني",
                "Announcement of the Ministry of Housing and Urban Planning",
                "https://housing.ministries.tawasul.example/announcements/online-applications",
            ),
        ],
        [],
    ),
]


def draw_photo(seed: int, size: tuple[int, int] = (1600, 1000)) -> bytes:
    """An abstract, brand-coloured picture: a gradient with soft circles and arcs."""
    rng = random.Random(seed)  # noqa: S311 -- repeatable drawings, not secrets
    base, dark, accent = PALETTES[seed % len(PALETTES)]
    width, height = size
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        colour = tuple(round(base[i] * (1 - t) + dark[i] * t) for i in range(3))
        draw.line([(0, y), (width, y)], fill=colour)
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    for _ in range(7):
        r = rng.randint(height // 8, height // 2)
        x, y = rng.randint(0, width), rng.randint(0, height)
        shapes.ellipse([x - r, y - r, x + r, y + r], fill=(*accent, rng.randint(30, 80)))
    for i in range(5):
        r = height // 3 + i * 60
        cx, cy = width * 0.8, height * 0.9
        shapes.arc([cx - r, cy - r, cx + r, cy + r], 180, 300, fill=(255, 255, 255, 90), width=6)
    for i in range(12):  # a row of dots, like a timeline
        angle = i / 12 * math.pi
        x = width * 0.15 + i * width * 0.05
        y = height * 0.25 + math.sin(angle) * 60
        shapes.ellipse([x - 10, y - 10, x + 10, y + 10], fill=(255, 255, 255, 160))
    overlay = overlay.filter(ImageFilter.GaussianBlur(2))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@transaction.atomic
def load(stdout=None) -> None:
    categories = {}
    for order, (slug, name_ar, name_en) in enumerate(CATEGORIES, start=1):
        categories[slug], _created = Category.objects.update_or_create(
            slug=slug, defaults={"name_ar": name_ar, "name_en": name_en, "order": order}
        )
    now = timezone.now()
    ministries = {m.slug: m for m in Ministry.objects.all()}
    for seed, row in enumerate(ARTICLES):
        (slug, category, ministry_slugs, days_ago, featured, title_ar, title_en, summary_ar,
         summary_en, location_ar, location_en, body_ar, body_en) = row  # fmt: skip
        article, _created = Article.objects.update_or_create(
            slug=slug,
            defaults={
                "category": categories[category],
                "title_ar": title_ar,
                "title_en": title_en,
                "summary_ar": summary_ar,
                "summary_en": summary_en,
                "location_ar": location_ar,
                "location_en": location_en,
                "body_ar": body_ar,
                "body_en": body_en,
                "image_alt_ar": "رسم تجريدي بألوان المركز: دوائر وأقواس متداخلة",
                "image_alt_en": "Abstract drawing in the centre's colours: overlapping circles and arcs",
                "status": Article.Status.PUBLISHED,
                "publish_at": now - datetime.timedelta(days=days_ago, hours=seed),
                "is_featured": featured,
            },
        )
        if not article.image or not article.image.storage.exists(article.image.name):
            article.image.save(f"{slug}.jpg", ContentFile(draw_photo(seed)), save=True)
        article.ministries.set([ministries[s] for s in ministry_slugs if s in ministries])
    load_clarifications(now, ministries)
    if stdout:
        stdout.write(
            f"news: {len(CATEGORIES)} categories, {len(ARTICLES)} articles, "
            f"{len(CLARIFICATIONS)} clarifications"
        )


# Where a rumour appeared (shown as text; invented addresses).
APPEARANCES = {"free-5g-phones-for-students": "https://free-5g-phones.example/register"}


def load_clarifications(now, ministries) -> None:
    for row in CLARIFICATIONS:
        (slug, ministry, verdict, seen_days, published_days, claim_ar, claim_en, where_ar,
         where_en, facts_ar, facts_en, sources, corrections) = row  # fmt: skip
        if ministry not in ministries:
            continue
        published_at = now - datetime.timedelta(days=published_days, hours=3)
        clarification = Clarification.objects.filter(slug=slug).first() or Clarification(slug=slug)
        for field, value in {
            "ministry": ministries[ministry],
            "verdict": verdict,
            "claim_ar": claim_ar,
            "claim_en": claim_en,
            "circulated_on_ar": where_ar,
            "circulated_on_en": where_en,
            "facts_ar": facts_ar,
            "facts_en": facts_en,
            "appearance_urls": APPEARANCES.get(slug, ""),
            "first_seen_on": (now - datetime.timedelta(days=seen_days)).date(),
            "status": Clarification.Status.PUBLISHED,
            # The demo's dates: published some days ago (save() keeps a date once set).
            "published_at": published_at,
        }.items():
            setattr(clarification, field, value)
        clarification.save()  # makes the share images
        clarification.sources.all().delete()
        for order, (title_ar, title_en, target) in enumerate(sources):
            article = (
                None
                if target.startswith("https://") or not target
                else (Article.objects.filter(slug=target).first())
            )
            ClarificationSource.objects.create(
                clarification=clarification,
                title_ar=title_ar,
                title_en=title_en,
                url=target if target.startswith("https://") else "",
                article=article,
                order=order,
            )
        for days_ago, note_ar, note_en in corrections:
            ClarificationCorrection.objects.update_or_create(
                clarification=clarification,
                note_ar=note_ar,
                defaults={
                    "note_en": note_en,
                    "corrected_at": now - datetime.timedelta(days=days_ago),
                },
            )
