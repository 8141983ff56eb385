import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from news.models import Article
from portal.text import normalize_search_text, search_terms
from tests.factories import make_article, make_ministry

HARAKAT = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0670", "\u0640"]
ARABIC_LETTERS = st.characters(min_codepoint=0x0621, max_codepoint=0x064A)
ARABIC_WORD = st.text(ARABIC_LETTERS, min_size=1, max_size=8)


@given(st.text())
def test_normaliser_is_idempotent(text):
    once = normalize_search_text(text)
    assert normalize_search_text(once) == once


@given(st.lists(ARABIC_WORD, min_size=1, max_size=5), st.data())
def test_diacritics_and_tatweel_never_matter(words, data):
    plain = " ".join(words)
    decorated = "".join(letter + data.draw(st.sampled_from(["", *HARAKAT])) for letter in plain)
    assert normalize_search_text(decorated) == normalize_search_text(plain)


@given(st.text())
def test_normalised_text_has_no_diacritics_variant_letters_or_indic_digits(text):
    result = normalize_search_text(text)
    assert not set(result) & set(HARAKAT)
    assert not set(result) & set("أإآٱىةؤئ")
    assert not set(result) & {chr(0x0660 + d) for d in range(10)}
    assert "  " not in result
    assert result == result.strip()


@given(st.integers(min_value=0, max_value=10**9))
def test_arabic_indic_digits_become_ascii(number):
    indic = str(number).translate({ord(str(d)): chr(0x0660 + d) for d in range(10)})
    assert normalize_search_text(indic) == str(number)


def test_letter_forms_are_folded():
    assert normalize_search_text("أحمد إلى آمنة مدرسة مستشفى") == "احمد الي امنه مدرسه مستشفي"


@given(st.text(max_size=200))
def test_search_terms_are_distinct_normalised_and_bounded(query):
    terms = search_terms(query)
    assert len(terms) == len(set(terms)) <= 8
    assert all(term == normalize_search_text(term) and " " not in term for term in terms)


@pytest.mark.django_db
def test_query_without_diacritics_finds_text_with_them_and_the_reverse():
    with_marks = make_article(title_ar="مُنْتَدَى التَّوَاصُلِ الحُكُومِيِّ")
    without = make_article(title_ar="ورشة الاعلام الرقمي")
    assert list(Article.objects.search("منتدى التواصل")) == [with_marks]
    assert list(Article.objects.search("وَرْشَةُ الإِعْلَامِ")) == [without]


@pytest.mark.django_db
def test_every_word_must_match():
    both = make_article(title_ar="منتدى الشباب", summary_ar="مسقط")
    make_article(title_ar="منتدى الإعلام", summary_ar="صلالة")
    assert list(Article.objects.search("منتدى مسقط")) == [both]
    assert list(Article.objects.search("منتدى نزوى")) == []


@pytest.mark.django_db
def test_title_matches_rank_before_newer_body_matches():
    body_match = make_article(title_ar="خبر جديد", body_ar="عن الابتكار", slug="newer")
    title_match = make_article(title_ar="الابتكار في الخدمات", slug="older")
    assert body_match.publish_at > title_match.publish_at
    assert list(Article.objects.search("ابتكار")) == [title_match, body_match]


@pytest.mark.django_db
def test_english_search_is_case_insensitive_and_finds_arabic_only_rows_too():
    english = make_article(title_en="Forum Opens Today")
    arabic = make_article(title_ar="جلسة مفتوحة", title_en="")
    assert list(Article.objects.search("forum opens")) == [english]
    assert list(Article.objects.search("جلسه")) == [arabic]


@pytest.mark.django_db
def test_search_page_finds_in_both_languages_with_indic_digits(client):
    article = make_article(title_ar="الخطة ٢٠٣٠ للتواصل", title_en="The 2030 plan")
    for url in ("/ar/news/?q=2030", "/en/news/?q=٢٠٣٠", "/en/news/?q=الخطه"):
        assert article.get_absolute_url().split("/", 2)[2] in client.get(url).content.decode()


@pytest.mark.django_db
def test_arabic_trigram_search_uses_the_index_on_postgresql(expected_database_vendor):
    if connection.vendor != "postgresql":
        if expected_database_vendor == "postgresql":
            pytest.fail("expected PostgreSQL")
        pytest.skip("PostgreSQL only: SQLite scans the normalised column")
    make_article(title_ar="مُنْتَدَى التَّوَاصُلِ الحُكُومِيِّ")
    for _ in range(30):
        make_article()
    with connection.cursor() as cursor:
        # The trigram operators work on Arabic (they return nothing under a C ctype).
        cursor.execute(
            "SELECT word_similarity(%s, search_text) FROM news_article WHERE %s <%% search_text",
            ["منتدي التواصل", "منتدي التواصل"],
        )
        assert [round(row[0], 2) for row in cursor.fetchall()] == [1.0]
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Article.objects.search("منتدى").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "news_article_search_trgm" in plan
    assert len(Article.objects.search("منتدى")) == 1


@pytest.mark.django_db
def test_a_word_in_very_many_articles_lists_the_newest_matches_title_first(client, monkeypatch):
    """A search lists the newest SEARCH_RESULTS_MAX matches (issue 12: a word in every
    article made each search read and sort the whole table), title matches first, and
    says that there are more."""
    from news import models, views

    monkeypatch.setattr(models, "SEARCH_RESULTS_MAX", 3)
    monkeypatch.setattr(views, "SEARCH_RESULTS_MAX", 3)
    now = timezone.now()
    old_title = make_article(
        title_en="Muscat forum", slug="old", publish_at=now - datetime.timedelta(days=9)
    )
    newest = [
        make_article(
            title_en=f"Item {n}", summary_en="In Muscat", slug=f"new-{n}",
            publish_at=now - datetime.timedelta(days=n),
        )
        for n in range(1, 5)
    ]  # fmt: skip
    newer_title = make_article(
        title_en="Muscat days", slug="title", publish_at=now - datetime.timedelta(days=2, hours=1)
    )
    # The three newest matches: item 1, item 2, "Muscat days"; the title match first.
    assert list(Article.objects.search("muscat")) == [newer_title, newest[0], newest[1]]
    assert old_title not in Article.objects.search("muscat")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/en/news/?q=muscat").content.decode()
    # The matches are found once (their keys, at most the newest 3), not once to count the
    # pages and again for the page shown.
    searches = [q["sql"] for q in queries if "search_text" in q["sql"].split("FROM", 1)[-1]]
    assert len(searches) == 1, searches
    assert "LIMIT 3" in searches[0], searches
    assert "More than 3 articles found: the newest 3 are listed." in page
    # Listed in the search's order: the title match first, then the newest.
    assert page.index("title/") < page.index("new-1/") < page.index("new-2/")
    assert "new-3/" not in page
    narrow = client.get("/en/news/?q=muscat+forum").content.decode()
    assert "1 article found" in narrow
    assert "old/" in narrow


@pytest.mark.django_db
def test_searches_share_the_archive_months_until_the_news_change(
    client, django_capture_on_commit_callbacks
):
    article = make_article(title_en="Forum opens")
    client.get("/en/news/?q=forum")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/en/news/?q=opens")
    assert not [q for q in queries if "trunc" in q["sql"].lower()]
    assert "Archive" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.publish_at -= datetime.timedelta(days=400)
        article.save()
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/news/?q=forum")
    assert [q for q in queries if "trunc" in q["sql"].lower()]


@pytest.mark.django_db
def test_search_pages_after_the_first_list_the_next_matches_in_order(client):
    now = timezone.now()
    for n in range(14):
        make_article(
            title_en=f"Dam {n:02d}",
            slug=f"dam-{n:02d}",
            publish_at=now - datetime.timedelta(days=n),
        )
    first = client.get("/en/news/?q=dam").content.decode()
    second = client.get("/en/news/?q=dam&page=2").content.decode()
    assert "14 articles found" in first and "14 articles found" in second
    assert "dam-00/" in first and "dam-11/" in first and "dam-12/" not in first
    assert second.index("dam-12/") < second.index("dam-13/")
    assert "dam-11/" not in second


@pytest.mark.django_db
def test_filter_choices_come_from_the_cache_and_follow_a_renamed_ministry(
    client, django_capture_on_commit_callbacks
):
    ministry = make_ministry()
    make_article(title_en="Harbour works")
    client.get("/en/news/?q=harbour")
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/news/?q=works")
    tables = " ".join(q["sql"] for q in queries)
    assert 'FROM "news_category"' not in tables and 'FROM "portal_ministry"' not in tables
    with django_capture_on_commit_callbacks(execute=True):
        ministry.name_en = "Ministry of Ports"
        ministry.save()
    page = client.get("/en/news/?q=harbour+works").content.decode()
    assert f'<option value="{ministry.slug}">Ministry of Ports</option>' in page
