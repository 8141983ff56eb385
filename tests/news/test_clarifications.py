"""Official clarifications: what the public sees, how it finds them, when the askers are
told (the signal the feedback app listens to), and the page cache."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news.models import Clarification, ClarificationCorrection
from news.signals import clarification_published
from tests.factories import make_article, make_clarification

pytestmark = pytest.mark.django_db


@pytest.fixture
def announcements():
    """Every clarification_published signal sent, as (slug, correction)."""
    sent = []

    def receiver(sender, clarification, correction, **kwargs):
        sent.append((clarification.slug, correction))

    clarification_published.connect(receiver)
    yield sent
    clarification_published.disconnect(receiver)


# --- What the public sees ---------------------------------------------------------------


def test_published_holds_only_published_clarifications(ministry_a):
    public = make_clarification(ministry=ministry_a)
    make_clarification(ministry=ministry_a, status=Clarification.Status.DRAFT)
    assert list(Clarification.objects.published()) == [public]


def test_detail_shows_claim_verdict_facts_ministry_sources_dates_and_change_log(client, ministry_a):
    article = make_article(title_en="Roads open again")
    clarification = make_clarification(
        ministry=ministry_a,
        claim_en="Every road to the city is closed",
        facts_en="**All roads are open**; one lane of the ring road is repaired.",
        verdict=Clarification.Verdict.MISLEADING,
        circulated_on_en="WhatsApp messages",
        appearance_urls="https://rumours.example/post/1",
        sources=[
            {"title_en": "Police statement", "url": "https://police.example/statement"},
            {"article": article},
        ],
        corrections=[
            {
                "note_ar": "صُحِّح اسم الطريق.",
                "note_en": "The road's name was corrected.",
                "corrected_at": timezone.now() - datetime.timedelta(hours=1),
            },
        ],
    )
    response = client.get(f"/en/clarifications/{clarification.slug}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Every road to the city is closed" in content
    # The verdict in words, not only a colour.
    assert "Verdict:" in content and '<strong class="verdict__value">Misleading</strong>' in content
    assert "<strong>All roads are open</strong>" in content
    assert "Ministry of Health" in content
    assert "WhatsApp messages" in content
    assert 'href="https://police.example/statement"' in content
    assert f'href="/en/news/{article.slug}/"' in content
    assert "The road&#x27;s name was corrected." in content
    assert "First seen" in content and 'datetime="2026-11-01"' in content
    assert "Published on" in content and "Last corrected" in content
    # Where the rumour appeared is text, never a link that would spread it.
    assert "https://rumours.example/post/1" in content
    assert 'href="https://rumours.example' not in content
    arabic = client.get(f"/ar/clarifications/{clarification.slug}/").content.decode()
    assert "مضلل" in arabic and "صُحِّح اسم الطريق." in arabic and "وزارة الصحة" in arabic


def test_a_clarification_without_corrections_says_so(client, ministry_a):
    clarification = make_clarification(ministry=ministry_a)
    content = client.get(f"/en/clarifications/{clarification.slug}/").content.decode()
    assert "No correction since publication." in content


def test_drafts_are_404_and_only_editors_preview_them(client, client_as, editor, officer_b):
    draft = make_clarification(status=Clarification.Status.DRAFT)
    assert client.get(f"/en/clarifications/{draft.slug}/").status_code == 404
    preview = f"/en/clarifications/preview/{draft.pk}/"
    assert client.get(preview).status_code == 404
    assert client_as(officer_b).get(preview).status_code == 404  # another role, no preview
    response = client_as(editor).get(preview)
    assert response.status_code == 200
    assert "not public" in response.content.decode()
    assert 'content="noindex, nofollow"' in response.content.decode()


def test_list_shows_published_in_both_languages_newest_first(client, ministry_a):
    older = make_clarification(ministry=ministry_a, claim_en="Older claim")
    newer = make_clarification(
        ministry=ministry_a,
        claim_en="Newer claim",
        published_at=timezone.now(),
    )
    make_clarification(ministry=ministry_a, claim_en="Draft claim", status="draft")
    content = client.get("/en/clarifications/").content.decode()
    assert content.index(newer.claim_en) < content.index(older.claim_en)
    assert "Draft claim" not in content
    assert older.claim_ar in client.get("/ar/clarifications/").content.decode()


def test_list_filters_by_verdict_ministry_and_date(client, ministry_a, ministry_b):
    true = make_clarification(ministry=ministry_a, verdict="true", claim_en="True one")
    false = make_clarification(ministry=ministry_b, verdict="false", claim_en="False one")
    old = make_clarification(
        ministry=ministry_b,
        claim_en="Old one",
        published_at=timezone.now() - datetime.timedelta(days=60),
    )

    def listed(query: str) -> set[str]:
        response = client.get(f"/en/clarifications/?{query}")
        assert response.status_code == 200
        return {c.claim_en for c in response.context["page_obj"].object_list}

    assert listed("verdict=true") == {true.claim_en}
    assert listed("ministry=labour") == {false.claim_en, old.claim_en}
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert listed(f"date_from={since}") == {true.claim_en, false.claim_en}
    assert listed(f"ministry=labour&date_from={since}") == {false.claim_en}
    # A bad choice is an error on the form, not every clarification.
    response = client.get("/en/clarifications/?verdict=maybe")
    assert response.context["page_obj"].paginator.count == 0
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "اغلاق المدارس",  # without hamza
        "إغلاق المدارس",  # with hamza below
        "إغْلَاق",  # with diacritics
        "المدرسه",  # taa marbuta typed as haa
        "مدارس",
    ],
)
def test_arabic_search_ignores_hamza_alef_forms_diacritics_and_taa_marbuta(client, query):
    found = make_clarification(claim_ar="إغلاق المدارس والمدرسة الكبرى أسبوعًا كاملًا")
    make_clarification(claim_ar="ارتفاع أسعار الوقود")
    response = client.get("/ar/clarifications/", {"q": query})
    assert [c.pk for c in response.context["page_obj"].object_list] == [found.pk]


def test_search_finds_words_of_the_facts_too_and_claims_first(client):
    in_facts = make_clarification(claim_en="Petrol prices", facts_en="Schools stay open.")
    in_claim = make_clarification(
        claim_en="Schools closed", published_at=timezone.now() - datetime.timedelta(days=9)
    )
    response = client.get("/en/clarifications/", {"q": "schools"})
    assert [c.pk for c in response.context["page_obj"].object_list] == [in_claim.pk, in_facts.pk]


def test_suggestions_match_a_citizens_own_words_in_arabic():
    schools = make_clarification(claim_ar="إغلاق جميع المدارس أسبوعًا بسبب الغبار")
    make_clarification(claim_ar="ارتفاع أسعار الوقود الشهر القادم")
    make_clarification(claim_ar="إغلاق المدارس", status="draft")
    # The asker's sentence: other words, hamza left out, an extra stop word.
    typed = "سمعت ان المدارس راح تغلق اسبوع كامل بسبب الغبار هل هذا صحيح"
    assert Clarification.objects.published().suggest(typed) == [schools]
    assert Clarification.objects.published().suggest("في من على") == []
    assert Clarification.objects.published().suggest("") == []


def test_suggestions_take_one_query_with_hostile_input(ministry_a):
    make_clarification(ministry=ministry_a, claim_en="Schools closed for a week")
    text = "schools\x00 closed " + "ب" * 5000 + " week \u202e"
    with CaptureQueriesContext(connection) as captured:
        found = Clarification.objects.published().suggest(text)
    assert len(captured) == 1
    assert [c.claim_en for c in found] == ["Schools closed for a week"]


def test_slug_is_made_from_the_english_claim_else_the_arabic_and_kept_unique(ministry_a):
    first = Clarification(
        ministry=ministry_a, claim_ar="إغلاق المدارس", claim_en="Schools closed", facts_ar="."
    )
    first.full_clean()
    first.save()
    second = Clarification(
        ministry=ministry_a, claim_ar="إغلاق المدارس", claim_en="Schools closed", facts_ar="."
    )
    second.full_clean()
    arabic = Clarification(ministry=ministry_a, claim_ar="إغلاق المدارس", facts_ar=".")
    arabic.full_clean()
    assert (first.slug, second.slug, arabic.slug) == (
        "schools-closed",
        "schools-closed-2",
        "إغلاق-المدارس",
    )


def test_appearance_addresses_must_be_web_addresses(ministry_a):
    from django.core.exceptions import ValidationError

    clarification = Clarification(
        ministry=ministry_a,
        claim_ar="ادعاء",
        facts_ar="حقائق",
        appearance_urls="https://ok.example/a\njavascript:alert(1)",
    )
    with pytest.raises(ValidationError) as error:
        clarification.full_clean()
    assert "appearance_urls" in error.value.message_dict


# --- Telling the askers: news.signals.clarification_published ----------------------------


def test_first_publication_is_announced_once_after_the_commit(
    announcements, ministry_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        clarification = make_clarification(ministry=ministry_a, status="draft", slug="c1")
    assert announcements == []  # a draft is not announced
    clarification.status = Clarification.Status.PUBLISHED
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        clarification.save()
    assert announcements == []  # not before the commit
    for callback in callbacks:
        callback()
    assert announcements == [("c1", False)]
    assert clarification.published_at is not None
    published_at = clarification.published_at
    with django_capture_on_commit_callbacks(execute=True):
        clarification.facts_en = "More facts."
        clarification.save()
    assert announcements == [("c1", False)]  # an edit is not a publication
    assert Clarification.objects.get(pk=clarification.pk).published_at == published_at


def test_each_correction_of_a_public_clarification_is_announced(
    announcements, ministry_a, django_capture_on_commit_callbacks
):
    clarification = make_clarification(ministry=ministry_a, slug="c2")
    for note in ("First fix.", "Second fix."):
        with django_capture_on_commit_callbacks(execute=True):
            ClarificationCorrection.objects.create(
                clarification=Clarification.objects.get(pk=clarification.pk), note_ar=note
            )
    assert announcements == [("c2", True), ("c2", True)]


def test_corrections_of_a_draft_are_not_announced(
    announcements, ministry_a, django_capture_on_commit_callbacks
):
    draft = make_clarification(ministry=ministry_a, status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        ClarificationCorrection.objects.create(clarification=draft, note_ar="تصحيح")
    assert announcements == []


def test_publishing_with_corrections_in_one_save_is_one_announcement(
    announcements, ministry_a, django_capture_on_commit_callbacks
):
    clarification = make_clarification(ministry=ministry_a, status="draft", slug="c3")
    with django_capture_on_commit_callbacks(execute=True):
        clarification.status = Clarification.Status.PUBLISHED
        clarification.save()
        ClarificationCorrection.objects.create(clarification=clarification, note_ar="أ")
        ClarificationCorrection.objects.create(clarification=clarification, note_ar="ب")
    assert announcements == [("c3", False)]


# --- The page cache ----------------------------------------------------------------------


def test_pages_are_cached_and_a_change_shows_at_once(
    client, ministry_a, django_capture_on_commit_callbacks
):
    clarification = make_clarification(ministry=ministry_a, claim_en="Cached claim")
    detail = f"/en/clarifications/{clarification.slug}/"
    for url in ("/en/clarifications/", detail, "/en/clarifications/feed/"):
        assert client.get(url)["X-News-Cache"] == "miss"
        assert client.get(url)["X-News-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        ClarificationCorrection.objects.create(
            clarification=clarification, note_ar="تصحيح", note_en="A fix was made."
        )
    response = client.get(detail)
    assert response["X-News-Cache"] == "miss"
    assert "A fix was made." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        clarification.claim_en = "Changed claim"
        clarification.save()
    assert "Changed claim" in client.get("/en/clarifications/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        clarification.status = Clarification.Status.DRAFT
        clarification.save()
    assert client.get(detail).status_code == 404


def test_junk_parameters_are_redirected_not_cached(client):
    response = client.get("/en/clarifications/?utm_source=x&verdict=false")
    assert response.status_code == 302
    assert response["Location"] == "/en/clarifications/?verdict=false"


# --- Query counts ------------------------------------------------------------------------

BUDGET = {"list": 6, "search": 7, "filtered": 6, "detail": 6, "feed": 2, "atom-ar": 2}


def _add(count: int, ministry, article) -> None:
    """Rows written in bulk (save() would also draw share images, made once per
    publication and not what is counted here), with their normalised search text."""
    from news.models import ClarificationSource
    from portal.text import normalize_search_text

    start = Clarification.objects.count()
    rows = Clarification.objects.bulk_create(
        Clarification(
            ministry=ministry,
            claim_ar="إغلاق المدارس",
            claim_en="Schools closed",
            facts_ar="حقائق",
            facts_en="Facts",
            verdict="false",
            slug=f"bulk-{start + n}",
            status="published",
            published_at=timezone.now() - datetime.timedelta(minutes=start + n),
            search_title=normalize_search_text("إغلاق المدارس Schools closed"),
            search_text=normalize_search_text("إغلاق المدارس Schools closed حقائق Facts"),
        )
        for n in range(count)
    )
    ClarificationSource.objects.bulk_create(
        source
        for row in rows
        for source in (
            ClarificationSource(clarification=row, title_en="Statement", url="https://x.example/"),
            ClarificationSource(clarification=row, article=article),
        )
    )
    ClarificationCorrection.objects.bulk_create(
        ClarificationCorrection(clarification=row, note_ar="تصحيح") for row in rows
    )


@pytest.mark.parametrize("page", sorted(BUDGET))
def test_query_count_does_not_grow_with_rows(page, query_count, ministry_a):
    article = make_article()
    _add(3, ministry_a, article)
    first = Clarification.objects.order_by("pk").first()
    url = {
        "list": "/ar/clarifications/",
        "search": "/ar/clarifications/?q=المدارس",
        "filtered": "/en/clarifications/?verdict=false&ministry=health",
        "detail": f"/ar/clarifications/{first.slug}/",
        "feed": "/en/clarifications/feed/",
        "atom-ar": "/ar/clarifications/feed/atom/",
    }[page]
    few = query_count(url)
    _add(27, ministry_a, article)
    # And more corrections on the page's own clarification.
    ClarificationCorrection.objects.bulk_create(
        ClarificationCorrection(clarification=first, note_ar=f"تصحيح {n}") for n in range(10)
    )
    many = query_count(url)
    assert few == many, f"{page}: {few} queries with 3 clarifications, {many} with 30"
    assert many <= BUDGET[page], f"{page}: {many} queries"


def test_a_new_verdict_of_a_public_clarification_is_logged_and_announced(
    client, announcements, ministry_a, django_capture_on_commit_callbacks
):
    clarification = make_clarification(ministry=ministry_a, verdict="under_verification", slug="c4")
    with django_capture_on_commit_callbacks(execute=True):
        stored = Clarification.objects.get(pk=clarification.pk)
        stored.verdict = Clarification.Verdict.FALSE
        stored.save()
    (entry,) = stored.corrections.all()
    assert entry.note_en == "The verdict changed from “Under verification” to “False”."
    assert entry.note_ar == "تغيّر الحكم من «قيد التحقق» إلى «غير صحيح»."
    assert announcements == [("c4", True)]
    content = client.get("/en/clarifications/c4/").content.decode()
    assert "Under verification" in content and "Last corrected" in content
    # A draft's verdict may change freely: nothing is public yet.
    draft = make_clarification(ministry=ministry_a, status="draft")
    draft = Clarification.objects.get(pk=draft.pk)
    draft.verdict = Clarification.Verdict.TRUE
    draft.save()
    assert not draft.corrections.exists()


def test_suggestions_never_offer_drafts_whatever_they_are_called_on():
    make_clarification(claim_ar="إغلاق المدارس بسبب الغبار", status="draft")
    assert Clarification.objects.suggest("إغلاق المدارس بسبب الغبار") == []
    assert Clarification.objects.all().suggest("إغلاق المدارس بسبب الغبار") == []


def test_hostile_queries_get_a_page_not_an_error(client):
    make_clarification(claim_en="Schools closed")
    for query in ("a\x00b", "x" * 10_000, "\u202eschools", "%_%", "' OR 1=1 --"):
        response = client.get("/en/clarifications/", {"q": query})
        assert response.status_code == 200, query
    response = client.get("/en/clarifications/", {"date_from": "2026-13-45"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0


def test_an_end_date_before_the_start_date_is_a_field_error(client):
    make_clarification()
    response = client.get(
        "/en/clarifications/", {"date_from": "2026-11-10", "date_to": "2026-11-01"}
    )
    assert response.context["filter"].form.errors["date_to"] == [
        "This date is before the start date."
    ]
    assert response.context["page_obj"].paginator.count == 0


def test_clarification_search_uses_the_trigram_index_on_postgresql(expected_database_vendor):
    if connection.vendor != "postgresql":
        if expected_database_vendor == "postgresql":
            pytest.fail("expected PostgreSQL")
        pytest.skip("PostgreSQL only: SQLite scans the normalised column")
    make_clarification(claim_ar="إغلاق المدارس")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Clarification.objects.search("المدارس").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "news_clarification_search_trgm" in plan
    assert len(Clarification.objects.search("المدارس")) == 1
