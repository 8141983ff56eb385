"""``bench_seed``: the benchmark's dataset (``make bench``), written fast.

By default one million submissions received over two years, spread across ministries,
topics, kinds and states, each with its audit rows (``SubmissionEvent``), and 20,000
bilingual articles. On PostgreSQL rows go in with ``COPY``; elsewhere (SQLite, quick
runs only) with batched ``INSERT``. The demo content (ministries, topics, categories,
staff accounts) is loaded first, so the generated rows point at real ones.

Texts come from a small pool normalised once (``portal.text``), so the stored
``search_text`` is exactly what ``save()`` would have written.
"""

import datetime
import random
import secrets
import time
from collections.abc import Iterable, Iterator, Sequence

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from feedback import dailystats
from feedback.models import Submission, SubmissionEvent, Topic
from feedback.references import ALPHABET, PREFIX
from feedback.workflow import replay
from news.models import Article, Category
from portal.models import Ministry
from portal.staff import save_staff_account
from portal.text import normalize_search_text

DAYS = 730
BENCH_MODERATOR = "bench-moderator"
BENCH_OFFICER = "bench-officer"
BENCH_MANAGER = "bench-manager"
BATCH = 5000
# Multiplying the row number by a number prime to 31**8 spreads references over the whole
# space (unique, and not sequential) without a collision check.
REFERENCE_SPACE = len(ALPHABET) ** 8
REFERENCE_STEP = 387_420_489  # 3**18: no factor of 31

SUBJECTS = [
    ("تأخر إصدار بطاقة العمل", "Delay in issuing a labour card"),
    ("انقطاع المياه في الحي منذ ثلاثة أيام", "Water cut in the neighbourhood for three days"),
    ("اقتراح لتحسين مواعيد العيادات", "Suggestion to improve clinic appointments"),
    ("فكرة لتطبيق يجمع خدمات البلدية", "Idea: one app for municipal services"),
    ("ازدحام المراجعين في مركز الخدمات", "Crowding at the service centre"),
    ("طلب إنارة للطريق الداخلي", "Request for lighting on the inner road"),
    ("تأخر صرف مستحقات الضمان الاجتماعي", "Late social security payment"),
    ("اقتراح بتمديد ساعات عمل المكتبة العامة", "Extend the public library's opening hours"),
]
BODIES = [
    "تقدّمتُ بالطلب منذ أسابيع ولم أتلقَّ أيَّ ردٍّ حتى الآن، وأرجو المتابعة. "
    "I applied weeks ago and have had no answer yet; please follow up.",
    "المشكلة تتكرر كل أسبوع في الولاية نفسها وتؤثر على كبار السن والأطفال. "
    "The problem recurs every week in the same wilayat and affects the elderly and children.",
    "أقترح نشر المواعيد على الموقع وإرسال تذكير برسالة نصية قبل يوم. "
    "I suggest publishing the times online and sending a text reminder the day before.",
]
ARTICLE_WORDS = [
    ("افتتاح", "opening"),
    ("مشروع", "project"),
    ("الطرق", "roads"),
    ("الصحة", "health"),
    ("التعليم", "education"),
    ("منتدى", "forum"),
    ("الشباب", "youth"),
    ("الاستثمار", "investment"),
    ("المياه", "water"),
    ("السياحة", "tourism"),
    ("مسقط", "Muscat"),
    ("صلالة", "Salalah"),
]

# Status of an item older than the open window, and of a recent one (weights in percent).
OLD_STATUSES = [
    ("closed", 62),
    ("answered", 25),
    ("rejected", 8),
    ("duplicate", 3),
    ("in_progress", 2),
]
RECENT_STATUSES = [
    ("submitted", 12),
    ("routed", 22),
    ("in_progress", 30),
    ("answered", 22),
    ("closed", 10),
    ("rejected", 4),
]
RECENT_DAYS = 45
# The actions that bring an item to each final status; the workflow's table gives their
# events, states and visibility, so the generated histories are ones the site could write.
ACTIONS_TO = {
    "submitted": [],
    "routed": ["route"],
    "in_progress": ["route", "acknowledge"],
    "answered": ["route", "acknowledge", "answer"],
    "closed": ["route", "acknowledge", "answer", "close"],
    "rejected": ["reject"],
    "duplicate": ["merge"],
}
# The events each final status implies, in order (kind, from_status, to_status, is_public).
PATHS = {
    status: [
        ("submitted", "", "submitted", True),
        *((rule.event, source, target, rule.is_public) for rule, source, target in replay(actions)),
    ]
    for status, actions in ACTIONS_TO.items()
}


def bench_reference(number: int) -> str:
    """The ``number``-th benchmark reference, shaped like ``generate_reference``'s."""
    value = (number * REFERENCE_STEP) % REFERENCE_SPACE
    symbols = []
    for _ in range(8):
        value, digit = divmod(value, len(ALPHABET))
        symbols.append(ALPHABET[digit])
    return f"{PREFIX}-{''.join(symbols[:4])}-{''.join(symbols[4:])}"


def _weighted(choices: Sequence[tuple[str, int]]) -> list[str]:
    return [value for value, weight in choices for _ in range(weight)]


def write_rows(table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Append ``rows`` to ``table``: COPY on PostgreSQL, batched INSERT elsewhere."""
    count = 0
    quote = connection.ops.quote_name
    column_sql = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = (
            f"INSERT INTO {quote(table)} ({column_sql}) "  # noqa: S608 - our own names
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


class Command(BaseCommand):
    help = "Top the database up to the benchmark's dataset (default: 1,000,000 submissions)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--submissions", type=int, default=1_000_000)
        parser.add_argument("--articles", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options) -> None:
        rng = random.Random(options["seed"])  # noqa: S311 - test data, not secrets
        started = time.monotonic()
        self.first_created = None
        call_command("load_demo", verbosity=0)
        self.staff()
        # Tops up: a database that already holds the dataset is left as it is.
        wanted_articles = max(0, options["articles"] - Article.objects.count())
        wanted_submissions = max(0, options["submissions"] - Submission.objects.count())
        with transaction.atomic():
            articles = self.articles(wanted_articles, rng)
            submissions, events = self.submissions(wanted_submissions, rng)
            self.reset_sequences()
        if submissions:
            # COPY bypasses the workflow: the daily statistics come from the raw rows, as
            # ``rebuild_stats`` makes them (only the days the new rows were received on).
            stats_started = time.monotonic()
            first_day = timezone.localdate(self.first_created) if self.first_created else None
            dailystats.rebuild(first_day)
            self.stdout.write(f"  statistics rebuilt in {time.monotonic() - stats_started:.1f} s")
        if connection.vendor == "postgresql" and submissions + articles:
            with connection.cursor() as cursor:
                # VACUUM sets the visibility map: counts run as index-only scans.
                cursor.execute("VACUUM ANALYZE")
        seconds = time.monotonic() - started
        self.stdout.write(
            f"bench_seed: {submissions} submissions, {events} events, {articles} articles "
            f"in {seconds:.1f} s ({connection.vendor})"
        )

    def staff(self) -> None:
        """The signed-in personas of the benchmark (demo accounts exist only with DEBUG): a
        moderator, an officer of the ministry that receives the first topic's items, and a
        manager (every ministry, counted only)."""
        ministry = Topic.objects.filter(ministry__isnull=False).values_list(
            "ministry__slug", flat=True
        )[:1]
        password = secrets.token_urlsafe(24)  # never used: bench_run makes sessions directly
        save_staff_account(BENCH_MODERATOR, role="moderator", password=password)
        save_staff_account(
            BENCH_OFFICER, role="officer", ministry_slug=ministry[0], password=password
        )
        save_staff_account(BENCH_MANAGER, role="manager", password=password)

    def reset_sequences(self) -> None:
        sql = connection.ops.sequence_reset_sql(no_style(), [Submission, SubmissionEvent, Article])
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)

    def articles(self, count: int, rng: random.Random) -> int:
        if count <= 0:
            return 0
        categories = list(Category.objects.values_list("pk", flat=True))
        now = timezone.now()
        first = _next_id(Article)
        columns = [
            "id",
            "title", "title_ar", "title_en",
            "summary", "summary_ar", "summary_en",
            "body", "body_ar", "body_en",
            "location", "location_ar", "location_en",
            "slug", "category_id", "image", "image_alt", "image_alt_ar", "image_alt_en",
            "image_caption", "image_caption_ar", "image_caption_en",
            "renditions", "status", "publish_at", "is_featured", "author_id",
            "created_at", "updated_at", "search_title", "search_text",
        ]  # fmt: skip
        present = {f.column for f in Article._meta.concrete_fields}
        columns = [c for c in columns if c in present]

        def rows() -> Iterator[tuple]:
            for offset in range(count):
                pk = first + offset
                words = rng.sample(ARTICLE_WORDS, 3)
                title_ar = " ".join(w[0] for w in words) + f" {pk}"
                title_en = " ".join(w[1] for w in words).capitalize() + f" {pk}"
                summary_ar = f"خبر عن {words[0][0]} و{words[1][0]} في {words[2][0]}."
                summary_en = f"News about {words[0][1]} and {words[1][1]} in {words[2][1]}."
                body_ar = (summary_ar + " ") * 8
                body_en = (summary_en + " ") * 8
                published = now - datetime.timedelta(minutes=rng.randint(60, DAYS * 24 * 60))
                search_title = normalize_search_text(f"{title_ar} {title_en}")
                search_text = normalize_search_text(
                    f"{search_title} {summary_ar} {summary_en} {body_ar} {body_en} مسقط Muscat"
                )
                values = {
                    "id": pk,
                    "title": title_ar, "title_ar": title_ar, "title_en": title_en,
                    "summary": summary_ar, "summary_ar": summary_ar, "summary_en": summary_en,
                    "body": body_ar, "body_ar": body_ar, "body_en": body_en,
                    "location": "مسقط", "location_ar": "مسقط", "location_en": "Muscat",
                    "slug": f"bench-{pk}", "category_id": rng.choice(categories), "image": "",
                    "image_alt": "", "image_alt_ar": "", "image_alt_en": "",
                    "image_caption": "", "image_caption_ar": "", "image_caption_en": "",
                    "renditions": "{}",
                    "status": "published" if rng.random() < 0.95 else "draft",
                    "publish_at": published, "is_featured": rng.random() < 0.01,
                    "author_id": None, "created_at": published, "updated_at": published,
                    "search_title": search_title, "search_text": search_text,
                }  # fmt: skip
                yield tuple(values[c] for c in columns)

        return write_rows(Article._meta.db_table, columns, rows())

    def submissions(self, count: int, rng: random.Random) -> tuple[int, int]:
        if count <= 0:
            return 0, 0
        topics = list(Topic.objects.values_list("pk", "ministry_id", "response_days"))
        ministries = list(Ministry.objects.values_list("pk", flat=True))
        texts = [
            (subject_ar, subject_en, body, normalize_search_text(f"{subject_ar} {body}"),
             normalize_search_text(f"{subject_en} {body}"))
            for subject_ar, subject_en in SUBJECTS
            for body in BODIES
        ]  # fmt: skip
        old_statuses = _weighted(OLD_STATUSES)
        recent_statuses = _weighted(RECENT_STATUSES)
        kinds = ["complaint"] * 6 + ["suggestion"] * 3 + ["idea"]
        now = timezone.now()
        first = _next_id(Submission)
        first_event = _next_id(SubmissionEvent)
        notice = settings.FEEDBACK_PRIVACY_NOTICE_VERSION
        events: list[tuple] = []
        event_id = first_event
        columns = [
            "id", "reference", "kind", "topic_id", "ministry_id", "suggested_ministry_id",
            "routing_reason", "subject", "body", "language", "name", "email", "phone",
            "consent_at", "privacy_notice_version", "status", "duplicate_of_id", "created_at",
            "updated_at", "due_at", "search_text", "rating", "rating_comment", "rated_at",
        ]  # fmt: skip
        event_columns = [
            "id", "submission_id", "kind", "actor_id", "created_at", "from_status", "to_status",
            "internal_note", "public_message", "is_public",
        ]  # fmt: skip
        event_count = 0

        def rows() -> Iterator[tuple]:
            nonlocal event_id
            for offset in range(count):
                pk = first + offset
                # Oldest first, so ids grow with time as in real life.
                age = datetime.timedelta(seconds=int((count - offset) / count * DAYS * 86400))
                created = now - age - datetime.timedelta(seconds=rng.randint(0, 600))
                if offset == 0:
                    self.first_created = created
                topic_id, topic_ministry, response_days = rng.choice(topics)
                recent = age.days < RECENT_DAYS
                status = rng.choice(recent_statuses if recent else old_statuses)
                if status == "duplicate" and offset == 0:
                    status = "closed"
                routed = status not in ("submitted", "rejected", "duplicate")
                ministry = (topic_ministry or rng.choice(ministries)) if routed else None
                subject_ar, subject_en, body, search_ar, search_en = rng.choice(texts)
                arabic = rng.random() < 0.8
                reference = bench_reference(pk)
                search_text = f"{reference.lower()} {search_ar if arabic else search_en}"
                with_contact = rng.random() < 0.7
                rating = rng.randint(1, 5) if status == "closed" and rng.random() < 0.4 else None
                step = datetime.timedelta(hours=rng.randint(2, 72))
                path = PATHS[status]
                last_at = created + step * (len(path) - 1)
                yield (
                    pk, reference, rng.choice(kinds), topic_id, ministry, topic_ministry, "",
                    subject_ar if arabic else subject_en, body, "ar" if arabic else "en",
                    "مواطن" if with_contact else "",
                    f"citizen{pk}@example.com" if with_contact else "",
                    "", created, notice, status, pk - 1 if status == "duplicate" else None,
                    created, min(last_at, now), (created + datetime.timedelta(days=response_days * 7 // 5)).date(),
                    search_text, rating, "", last_at if rating else None,
                )  # fmt: skip
                for index, (kind, from_status, to_status, is_public) in enumerate(path):
                    events.append(
                        (event_id, pk, kind, None, min(created + step * index, now), from_status,
                         to_status, "", "", is_public)
                    )  # fmt: skip
                    event_id += 1

        # Submissions in chunks, each chunk's events right after it: memory stays bounded.
        written = 0
        generator = rows()
        while written < count:
            chunk = []
            for row in generator:
                chunk.append(row)
                if len(chunk) >= 50_000:
                    break
            if not chunk:
                break
            written += write_rows(Submission._meta.db_table, columns, chunk)
            event_count += write_rows(SubmissionEvent._meta.db_table, event_columns, events)
            events.clear()
            self.stdout.write(f"  {written} submissions", ending="\r")
        return written, event_count
