"""Demo news of the government communication forum: a dozen bilingual articles in several
categories, with photos drawn here by Pillow (abstract shapes, no third-party images or
text). ``load_demo`` calls ``load()``; running it again updates, never duplicates."""

import datetime
import io
import math
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from news.models import Article, Category
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
    if stdout:
        stdout.write(f"news: {len(CATEGORIES)} categories, {len(ARTICLES)} articles")
