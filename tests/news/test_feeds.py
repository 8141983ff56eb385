import xml.etree.ElementTree as ET

import feedparser
import pytest

from news.models import Article
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


@pytest.fixture
def articles(db):
    with_photo = make_article(
        title_ar="خبر بصورة", title_en="With a photo", image=make_photo(), image_alt_ar="صورة"
    )
    plain = make_article(title_ar="خبر بلا صورة", title_en="Without a photo")
    make_article(title_en="Draft", status=Article.Status.DRAFT)
    return with_photo, plain


def test_rss_feed_parses_with_absolute_links_and_image_enclosures(client, articles):
    with_photo, _plain = articles
    response = client.get("/en/news/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    assert feed.feed.language == "en"
    assert [entry.title for entry in feed.entries] == ["With a photo", "Without a photo"]
    first = feed.entries[0]
    assert first.link == f"http://testserver/en/news/{with_photo.slug}/"
    enclosure = first.enclosures[0]
    assert enclosure.href.startswith("http://testserver/media/news/renditions/")
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == with_photo.renditions["share_bytes"]
    assert not feed.entries[1].enclosures


def test_atom_feed_parses_in_arabic(client, articles):
    response = client.get("/ar/news/feed/atom/")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.entries[0].title == "خبر بصورة"
    assert feed.entries[0].link.startswith("http://testserver/ar/news/")
    assert feed.feed.links[0].href.startswith("http://testserver/")
    assert "Draft" not in response.content.decode()


def test_sitemap_lists_both_languages_with_lastmod(client, articles):
    with_photo, _plain = articles
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)  # noqa: S314 -- our own output
    locations = [url.findtext("sm:loc", namespaces=SITEMAP_NS) for url in root]
    assert f"http://testserver/ar/news/{with_photo.slug}/" in locations
    assert f"http://testserver/en/news/{with_photo.slug}/" in locations
    assert "http://testserver/en/news/" in locations
    assert not any("news-" in loc and "Draft" in loc for loc in locations)
    article_urls = [
        u for u in root if with_photo.slug in u.findtext("sm:loc", namespaces=SITEMAP_NS)
    ]
    for url in article_urls:
        assert url.findtext("sm:lastmod", namespaces=SITEMAP_NS).startswith(
            f"{with_photo.updated_at:%Y-%m-%d}"
        )
        hreflangs = {
            link.get("hreflang") for link in url.findall("xhtml:link", namespaces=SITEMAP_NS)
        }
        assert {"ar", "en"} <= hreflangs
    assert len([loc for loc in locations if "/news/news-" in loc]) == 4  # 2 articles x 2


def test_list_pages_advertise_the_feeds(client, articles):
    content = client.get("/en/news/").content.decode()
    assert 'type="application/rss+xml"' in content
    assert 'href="/en/news/feed/atom/"' in content
