"""Plain factory functions: each makes one valid object, overrides by keyword."""

import itertools

from portal.models import Ministry, OfficialChannel

_seq = itertools.count(1)


def make_ministry(**fields) -> Ministry:
    n = next(_seq)
    values = {
        "name_ar": f"وزارة الاختبار {n}",
        "name_en": f"Ministry of Testing {n}",
        "slug": f"ministry-{n}",
        "contact_email": f"ministry{n}@example.test",
    }
    values.update(fields)
    return Ministry.objects.create(**values)


def make_channel(**fields) -> OfficialChannel:
    n = next(_seq)
    values = {
        "platform": OfficialChannel.Platform.X,
        "handle": f"@channel{n}",
        "url": f"https://x.com/channel{n}",
    }
    values.update(fields)
    return OfficialChannel.objects.create(**values)


# --- Feedback ---
def make_topic(**fields):
    from feedback.models import Topic

    n = next(_seq)
    values = {
        "name_ar": f"موضوع {n}",
        "name_en": f"Topic {n}",
        "help_text_ar": "مساعدة",
        "help_text_en": "Help",
        "response_days": 10,
    }
    values.update(fields)
    return Topic.objects.create(**values)


def make_submission(**fields):
    """A submission made through the workflow (reference, due date and first event)."""
    from feedback import workflow

    values = {
        "kind": "complaint",
        "subject": "Broken street light",
        "body": "The street light in front of the school has been off for a week.",
        "language": "en",
        "email": "citizen@example.com",
    }
    values.update(fields)
    if "topic" not in values:
        values["topic"] = make_topic()
    return workflow.submit(**values)


def make_inquiry(*, where_seen="whatsapp", link="", notify_corrections=False, **fields):
    """An inquiry about a claim ("is this true?"), made through the workflow like the form."""
    from feedback import workflow
    from feedback.models import Inquiry, Kind, Topic

    values = {
        "kind": Kind.INQUIRY,
        "subject": "Schools closed next week?",
        "body": "A message says that every school closes next week because of the rain.",
        "language": "en",
        "email": "asker@example.com",
        "due_hours": 8,
    }
    values.update(fields)
    values.setdefault("topic", Topic.inquiry_topic())

    def details(submission) -> None:
        Inquiry.objects.create(
            submission=submission,
            where_seen=where_seen,
            link=link,
            notify_corrections=notify_corrections,
        )

    return workflow.submit(**values, then=details)


# --- News ---
def make_category(**fields):
    from news.models import Category

    n = next(_seq)
    values = {"name_ar": f"تصنيف {n}", "name_en": f"Category {n}", "slug": f"category-{n}"}
    values.update(fields)
    return Category.objects.create(**values)


def make_article(**fields):
    """A published, due article with Arabic and English text (no photo unless given)."""
    import datetime

    from django.utils import timezone

    from news.models import Article

    n = next(_seq)
    ministries = fields.pop("ministries", [])
    values = {
        "title_ar": f"خبر رقم {n}",
        "title_en": f"News item {n}",
        "summary_ar": f"ملخص الخبر رقم {n}",
        "summary_en": f"Summary of news item {n}",
        "body_ar": "نص الخبر.",
        "body_en": "The body of the news.",
        "slug": f"news-{n}",
        "status": Article.Status.PUBLISHED,
        # Each new article a second older than the one before: a stable order in lists.
        "publish_at": timezone.now() - datetime.timedelta(seconds=n),
    }
    values.update(fields)
    if "category" not in values:
        values["category"] = make_category()
    article = Article.objects.create(**values)
    if ministries:
        article.ministries.set(ministries)
    return article


def make_photo(size=(1600, 1000), fmt="JPEG", name="photo.jpg", color=(11, 93, 75)):
    """An in-memory upload of a real image."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}.get(fmt, "")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def make_clarification(**fields):
    """A published clarification with Arabic and English text, of a new ministry unless
    given; sources and corrections by keyword (lists of dicts)."""
    import datetime

    from django.utils import timezone

    from news.models import Clarification, ClarificationCorrection, ClarificationSource

    n = next(_seq)
    sources = fields.pop("sources", [])
    corrections = fields.pop("corrections", [])
    values = {
        "claim_ar": f"شائعة رقم {n} عن إغلاق الطرق",
        "claim_en": f"Rumour number {n} about closed roads",
        "facts_ar": "الطرق مفتوحة.",
        "facts_en": "The roads are open.",
        "verdict": Clarification.Verdict.FALSE,
        "slug": f"clarification-{n}",
        "status": Clarification.Status.PUBLISHED,
        "first_seen_on": datetime.date(2026, 11, 1),
        # Each new one a second older than the one before: a stable order in lists.
        "published_at": timezone.now() - datetime.timedelta(seconds=n),
    }
    values.update(fields)
    if values["status"] != Clarification.Status.PUBLISHED and "published_at" not in fields:
        values["published_at"] = None
    if "ministry" not in values:
        values["ministry"] = make_ministry()
    clarification = Clarification.objects.create(**values)
    for source in sources:
        ClarificationSource.objects.create(clarification=clarification, **source)
    for correction in corrections:
        ClarificationCorrection.objects.create(clarification=clarification, **correction)
    return clarification
