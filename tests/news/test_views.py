import datetime
import json
import re

import pytest
from django.utils import timezone

from news.models import Article
from tests.factories import make_article, make_category, make_clarification, make_photo

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_list_shows_published_articles_in_both_languages(client):
    make_article(title_ar="خبر منشور", title_en="Published item")
    make_article(title_ar="مسودة", title_en="A draft", status=Article.Status.DRAFT)
    make_article(
        title_ar="مجدول",
        title_en="Scheduled",
        publish_at=timezone.now() + datetime.timedelta(days=1),
    )
    arabic, english = _text(client.get("/ar/news/")), _text(client.get("/en/news/"))
    assert "خبر منشور" in arabic and "Published item" in english
    for hidden in ("مسودة", "A draft", "مجدول", "Scheduled"):
        assert hidden not in arabic + english


def test_times_are_machine_readable_for_html(client):
    make_article()
    content = _text(client.get("/ar/news/"))
    stamps = re.findall(r'<time datetime="([^"]+)"', content)
    assert stamps
    # ISO 8601 with the offset (RFC 3339), as HTML's <time datetime> accepts it.
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", s) for s in stamps)


def test_english_list_shows_arabic_only_articles_with_arabic_title(client):
    make_article(title_ar="خبر بالعربية فقط", title_en="", summary_en="")
    assert "خبر بالعربية فقط" in _text(client.get("/en/news/"))


def test_drafts_and_scheduled_articles_are_404(client):
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(publish_at=timezone.now() + datetime.timedelta(hours=2))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_editor_previews_a_draft_and_others_cannot(client, client_as, editor, officer_b):
    draft = make_article(title_ar="مسودة للمعاينة", status=Article.Status.DRAFT)
    url = f"/ar/news/preview/{draft.pk}/"
    response = client_as(editor).get(url)
    content = _text(response)
    assert "مسودة للمعاينة" in content
    assert 'name="robots" content="noindex, nofollow"' in content
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client_as(officer_b).get(url).status_code == 404
    assert client.get(url).status_code == 404


def test_filters_by_category_ministry_and_date(client, ministry_a, ministry_b):
    sport = make_category(slug="sport", name_en="Sport")
    now = timezone.now()
    in_sport = make_article(title_en="Sport A", category=sport, ministries=[ministry_a])
    make_article(title_en="Other B", ministries=[ministry_b])
    old = make_article(title_en="Old one", publish_at=now - datetime.timedelta(days=400))
    assert "Sport A" in _text(client.get("/en/news/?category=sport"))
    assert "Other B" not in _text(client.get("/en/news/?category=sport"))
    by_ministry = _text(client.get(f"/en/news/?ministry={ministry_a.slug}"))
    assert "Sport A" in by_ministry and "Other B" not in by_ministry
    local = timezone.localtime(old.publish_at)
    by_month = _text(client.get(f"/en/news/?year={local.year}&month={local.month}", follow=True))
    assert "Old one" in by_month and "Sport A" not in by_month
    since = (now - datetime.timedelta(days=30)).date().isoformat()
    ranged = _text(client.get(f"/en/news/?date_from={since}"))
    assert "Sport A" in ranged and "Old one" not in ranged
    until = _text(client.get(f"/en/news/?date_to={since}"))
    assert "Old one" in until and in_sport.title_en not in until


def test_invalid_filter_shows_an_error_not_everything(client):
    make_article(title_en="Visible")
    content = _text(client.get("/en/news/?date_from=not-a-date"))
    assert "Enter a valid date" in content
    assert "Visible" not in content


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("date_from=2026-13-01", "Enter a valid date"),
        ("date_from=2026-03-10&date_to=2026-03-01", "This date is before the start date."),
        ("ministry=unknown", "Select a valid choice"),
    ],
)
def test_out_of_range_filters_get_a_form_error(client, query, error):
    make_article(title_en="Visible")
    content = _text(client.get(f"/en/news/?{query}"))
    assert error in content
    assert "Visible" not in content.split("</form>")[1]


def test_control_characters_in_the_query_do_not_break_the_search(client):
    make_article(title_en="Forum news")
    assert "Null characters are not allowed" in _text(client.get("/en/news/", {"q": "forum\x00"}))
    assert "Forum news" in _text(client.get("/en/news/", {"q": "forum\x01news"}))
    assert list(Article.objects.search("forum\x00")) == list(Article.objects.search("forum"))


def test_pagination_keeps_the_filters(client):
    category = make_category(slug="many")
    for _ in range(14):
        make_article(category=category, title_ar="منتدى الأخبار")
    content = _text(client.get("/ar/news/?q=منتدى&category=many"))
    next_link = re.search(r'href="([^"]+)" rel="next"', content).group(1)
    assert "q=" in next_link and "category=many" in next_link and "page=2" in next_link
    assert next_link.startswith("?")
    second = _text(client.get("/ar/news/" + next_link.replace("&amp;", "&")))
    assert second.count('<article class="news-card') == 2


def test_search_results_count_and_order(client):
    make_article(title_en="Unrelated", body_en="about the forum")
    make_article(title_en="Forum news")
    content = _text(client.get("/en/news/?q=forum"))
    assert "2 articles found" in content
    assert content.index("Forum news") < content.index("Unrelated")


def test_category_page_lists_only_its_articles(client):
    category = make_category(slug="forum", name_ar="المنتدى", name_en="The forum")
    make_article(category=category, title_en="In the forum")
    make_article(title_en="Elsewhere")
    content = _text(client.get("/en/news/category/forum/"))
    assert "<h1>The forum</h1>" in content
    assert "In the forum" in content and "Elsewhere" not in content
    assert client.get("/en/news/category/missing/").status_code == 404


def test_month_archive(client):
    article = make_article(
        title_en="March story", publish_at=datetime.datetime(2025, 3, 10, tzinfo=datetime.UTC)
    )
    make_article(
        title_en="Other month", publish_at=datetime.datetime(2025, 4, 10, tzinfo=datetime.UTC)
    )
    content = _text(client.get("/en/news/2025/3/"))
    assert "March story" in content and "Other month" not in content
    assert "March 2025" in content
    assert "مارس 2025" in _text(client.get("/ar/news/2025/3/"))
    assert client.get("/en/news/2025/13/").status_code == 404
    assert f"/ar/news/{article.slug}/" in _text(client.get("/ar/news/2025/3/"))
    assert 'href="/en/news/2025/3/"' in _text(client.get("/en/news/"))


def test_detail_has_canonical_hreflang_open_graph_and_twitter_card(client):
    article = make_article(
        title_en="Forum opens", image=make_photo(), image_alt_ar="صورة", image_alt_en="A photo"
    )
    content = _text(client.get(f"/en/news/{article.slug}/"))
    url = f"http://testserver/en/news/{article.slug}/"
    assert f'<link rel="canonical" href="{url}">' in content
    assert f'hreflang="ar" href="http://testserver/ar/news/{article.slug}/"' in content
    assert f'<meta property="og:url" content="{url}">' in content
    assert '<meta property="og:title" content="Forum opens">' in content
    share = re.search(r'<meta property="og:image" content="([^"]+)">', content).group(1)
    assert share.startswith("http://testserver/media/news/") and share.endswith("-share.jpeg")
    assert '<meta name="twitter:card" content="summary_large_image">' in content
    assert '<meta property="og:image:alt" content="A photo">' in content


def test_detail_has_json_ld_news_article(client):
    article = make_article(title_en='Forum </script><b> "opens"', location_en="Muscat")
    content = _text(client.get(f"/en/news/{article.slug}/"))
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == 'Forum </script><b> "opens"'
    assert data["locationCreated"]["name"] == "Muscat"
    assert data["mainEntityOfPage"] == f"http://testserver/en/news/{article.slug}/"


def test_share_links_work_without_javascript(client):
    article = make_article(title_ar="منتدى")
    content = _text(client.get(article.get_absolute_url()))
    assert 'href="https://x.com/intent/post?text=' in content
    assert 'href="https://wa.me/?text=' in content
    assert 'href="https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver' in content
    assert f'readonly value="http://testserver{article.get_absolute_url()}"' in content


def test_home_shows_latest_and_featured_news(client):
    # make_article: each article is a second older than the one before.
    make_article(title_en="Featured story", is_featured=True)
    for n in range(2):
        make_article(title_en=f"Latest {n}")
    make_article(title_en="Older featured", is_featured=True)
    for n in range(2, 5):
        make_article(title_en=f"Latest {n}")
    make_article(title_en="Hidden draft", is_featured=True, status=Article.Status.DRAFT)
    content = _text(client.get("/en/"))
    featured, latest = content.split('id="latest-news-title"')
    assert "Featured story" in featured
    # The featured story is not repeated as the first latest card; the older featured
    # one, not in the featured slot, is an ordinary latest story.
    assert "Featured story" not in latest
    assert latest.count('<article class="news-card') == 4
    for title in ("Latest 0", "Latest 1", "Older featured", "Latest 2"):
        assert title in latest
    assert "Latest 3" not in latest
    assert "Hidden draft" not in content


def test_home_without_news_says_so(client):
    assert "No news has been published yet." in _text(client.get("/en/"))


@pytest.mark.parametrize(
    ("query", "clean"),
    [
        ("q=&category=&ministry=&date_from=&date_to=", "/en/news/"),
        ("q=forum&category=&date_from=", "/en/news/?q=forum"),
        ("q=+&page=", "/en/news/"),
        ("year=2026&month=2&q=", "/en/news/?date_from=2026-02-01&date_to=2026-02-28"),
        ("year=2024&month=12", "/en/news/?date_from=2024-12-01&date_to=2024-12-31"),
        ("year=2026", "/en/news/?date_from=2026-01-01&date_to=2026-12-31"),
        ("year=99999&month=13", "/en/news/"),
    ],
)
def test_empty_fields_and_old_month_choices_redirect_to_a_clean_address(client, query, clean):
    response = client.get(f"/en/news/?{query}")
    assert response.status_code == 302
    assert response["Location"] == clean
    assert client.get(clean).status_code == 200


def test_filtered_list_offers_to_clear_the_filters_and_says_what_to_try(client):
    make_article(title_en="Forum news")
    content = _text(client.get("/en/news/?q=nothing-like-this"))
    assert "0 articles found" in content
    assert 'class="news-results__clear" href="/en/news/">Clear filters</a>' in content
    assert "Try fewer or other words, a wider date range" in content
    unfiltered = _text(client.get("/en/news/"))
    assert "Clear filters" not in unfiltered and "Forum news" in unfiltered


def test_card_photos_are_decorative_and_the_article_photo_is_described(client):
    article = make_article(
        title_en="With a photo",
        image=make_photo(),
        image_alt_ar="وصف",
        image_alt_en="The forum hall",
    )
    cards = _text(client.get("/en/news/"))
    assert re.search(r'<img [^>]*alt=""', cards)
    assert "The forum hall" not in cards
    detail = _text(client.get(f"/en/news/{article.slug}/"))
    assert 'alt="The forum hall"' in detail


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, opens",
    [
        ("/en/news/", False),
        ("/ar/news/?q=ملخص", False),  # the words are outside the panel: it stays shut
        ("/en/news/?category=open-cat", True),
        ("/en/news/?ministry=no-such-ministry", True),  # its error shows
        ("/ar/news/?date_from=2026-11-10&date_to=2026-11-01", True),  # its error shows
        ("/en/clarifications/?q=roads", False),
        ("/en/clarifications/?verdict=false", True),
        ("/ar/clarifications/?date_to=2026-11-01", True),
    ],
)
def test_more_filters_opens_when_one_of_them_is_used(client, path, opens):
    """A citizen who followed a filtered link sees what narrows the list."""
    make_article(category=make_category(slug="open-cat"))
    make_clarification()
    page = client.get(path).content.decode()
    assert page.count('class="news-filters__more"') == 1
    assert ('class="news-filters__more" open>' in page) == opens
