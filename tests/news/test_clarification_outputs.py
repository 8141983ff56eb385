"""What machines read of a clarification: schema.org ClaimReview (read back by extruct),
the RSS and Atom feeds (feedparser), the sitemap (an XML parser), Open Graph tags and the
share links, parsed rather than compared with strings we wrote."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import extruct
import feedparser
import pytest

from news.models import Clarification
from tests.factories import make_clarification

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


@pytest.fixture
def clarification(ministry_a):
    return make_clarification(
        ministry=ministry_a,
        claim_ar="إغلاق جميع المدارس أسبوعًا",
        claim_en="All schools are closed for a week",
        verdict=Clarification.Verdict.FALSE,
        circulated_on_en="WhatsApp messages",
        appearance_urls="https://rumours.example/a\nhttps://rumours.example/b",
        slug="schools-closed",
    )


def _claim_review(response) -> dict:
    data = extruct.extract(
        response.content.decode(), base_url="http://testserver/", syntaxes=["json-ld"]
    )
    (review,) = [item for item in data["json-ld"] if item.get("@type") == "ClaimReview"]
    return review


@pytest.mark.parametrize(
    ("language", "claim", "verdict", "author"),
    [
        ("en", "All schools are closed for a week", "False", "Government Communication Centre"),
        ("ar", "إغلاق جميع المدارس أسبوعًا", "غير صحيح", "مركز التواصل الحكومي"),
    ],
)
def test_claim_review_is_read_back_by_an_extractor(
    client, clarification, language, claim, verdict, author
):
    response = client.get(f"/{language}/clarifications/schools-closed/")
    review = _claim_review(response)
    assert review["@context"].rstrip("/") == "https://schema.org"
    assert review["url"] == f"http://testserver/{language}/clarifications/schools-closed/"
    assert review["claimReviewed"] == claim
    assert review["reviewRating"]["@type"] == "Rating"
    assert review["reviewRating"]["alternateName"] == verdict
    assert review["reviewRating"]["ratingValue"] == 1
    assert (review["reviewRating"]["worstRating"], review["reviewRating"]["bestRating"]) == (1, 5)
    assert review["itemReviewed"]["@type"] == "Claim"
    assert review["itemReviewed"]["datePublished"] == "2026-11-01"
    assert [a["url"] for a in review["itemReviewed"]["appearance"]] == [
        "https://rumours.example/a",
        "https://rumours.example/b",
    ]
    assert review["author"]["@type"] == "Organization"
    assert review["author"]["name"] == author
    assert review["datePublished"].startswith(f"{clarification.published_at:%Y-%m-%d}")
    assert review["image"].endswith(f"-{language}-wide.png")


def test_under_verification_has_a_rating_name_but_no_value(client, ministry_a):
    pending = make_clarification(ministry=ministry_a, verdict="under_verification")
    review = _claim_review(client.get(f"/en/clarifications/{pending.slug}/"))
    assert review["reviewRating"]["alternateName"] == "Under verification"
    assert "ratingValue" not in review["reviewRating"]


def test_claim_review_escapes_markup_in_the_claim(client, ministry_a):
    hostile = make_clarification(ministry=ministry_a, claim_en="</script><script>alert(1)</script>")
    response = client.get(f"/en/clarifications/{hostile.slug}/")
    assert "<script>alert(1)" not in response.content.decode()
    assert _claim_review(response)["claimReviewed"] == "</script><script>alert(1)</script>"


def test_rss_feed_parses_with_verdicts_links_and_share_images(client, clarification):
    make_clarification(claim_en="A draft", status="draft")
    response = client.get("/en/clarifications/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    assert feed.feed.language == "en"
    (entry,) = feed.entries
    assert entry.title == "False: All schools are closed for a week"
    assert entry.link == "http://testserver/en/clarifications/schools-closed/"
    assert {tag.term for tag in entry.tags} == {"False", "Ministry of Health"}
    (enclosure,) = entry.enclosures
    assert enclosure.type == "image/png"
    assert enclosure.href.startswith("http://testserver/media/news/clarifications/")
    assert int(enclosure.length) == clarification.share_images["en"]["wide"]["bytes"]


def test_atom_feed_parses_in_arabic(client, clarification):
    feed = feedparser.parse(client.get("/ar/clarifications/feed/atom/").content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.entries[0].title == "غير صحيح: إغلاق جميع المدارس أسبوعًا"
    assert feed.entries[0].link == "http://testserver/ar/clarifications/schools-closed/"


def test_pages_advertise_the_feeds(client, clarification):
    for url in ("/en/clarifications/", "/en/clarifications/schools-closed/"):
        content = client.get(url).content.decode()
        assert 'type="application/rss+xml"' in content and "/en/clarifications/feed/" in content
        assert "/en/clarifications/feed/atom/" in content


def test_sitemap_lists_clarifications_in_both_languages_with_hreflang(client, clarification):
    draft = make_clarification(status="draft")
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 -- our own output
    entries = {url.findtext("sm:loc", namespaces=SITEMAP_NS): url for url in root}
    for language in ("ar", "en"):
        url = entries[f"http://testserver/{language}/clarifications/schools-closed/"]
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("xhtml:link", namespaces=SITEMAP_NS)
        }
        assert alternates["ar"] == "http://testserver/ar/clarifications/schools-closed/"
        assert alternates["en"] == "http://testserver/en/clarifications/schools-closed/"
        assert "x-default" in alternates
        assert url.findtext("sm:lastmod", namespaces=SITEMAP_NS).startswith(
            f"{clarification.updated_at:%Y-%m-%d}"
        )
        assert f"http://testserver/{language}/clarifications/" in entries
    assert not any(draft.slug in loc for loc in entries)


class _Head(HTMLParser):
    """The page's meta tags and links, as a parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "property" in attrs:
            self.meta.append((attrs["property"], attrs["content"]))
        if tag == "a":
            self.links.append(attrs)


def _head(response) -> _Head:
    parser = _Head()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("language", ["ar", "en"])
def test_open_graph_image_is_the_share_image_with_its_size(client, clarification, language):
    head = _head(client.get(f"/{language}/clarifications/schools-closed/"))
    images = [value for name, value in head.meta if name == "og:image"]
    widths = [value for name, value in head.meta if name == "og:image:width"]
    heights = [value for name, value in head.meta if name == "og:image:height"]
    assert images[0].endswith(f"-{language}-wide.png")
    assert images[0].startswith("http://testserver/media/news/clarifications/")
    assert (widths, heights) == (["1200", "1080"], ["630", "1080"])


def test_share_links_are_plain_links_without_tracking(client, clarification):
    response = client.get("/en/clarifications/schools-closed/")
    page_url = "http://testserver/en/clarifications/schools-closed/"
    links = {
        link.get("class", "").split("--")[-1]: link["href"]
        for link in _head(response).links
        if "share__link" in link.get("class", "")
    }
    assert set(links) == {"x", "whatsapp", "facebook", "telegram", "email"}
    assert parse_qs(urlsplit(links["x"]).query)["url"] == [page_url]
    assert page_url in parse_qs(urlsplit(links["whatsapp"]).query)["text"][0]
    assert parse_qs(urlsplit(links["facebook"]).query)["u"] == [page_url]
    assert parse_qs(urlsplit(links["telegram"]).query)["url"] == [page_url]
    mail = urlsplit(links["email"])
    assert mail.scheme == "mailto"
    assert page_url in parse_qs(mail.query)["body"][0]
    assert "+" not in mail.query  # spaces are %20: mail programs show a + as it is
    for href in links.values():
        assert "utm_" not in href
    content = response.content.decode()
    # No network's script or pixel: the page's only scripts are the site's own.
    assert "connect.facebook" not in content and "platform.twitter" not in content
    assert 'id="share-url"' in content  # the copy field works without JavaScript
