"""Issue 7, item 3: script and HTML injection. Each payload of the table goes into every
field a citizen, an officer or an editor writes, through the real forms and workflow, and
is then looked for in every place that field shows up: public pages, the tracking page,
staff screens, the admin, e-mails, feeds and the CSV export. It must come out escaped
(or, for the Markdown body, filtered), never as live markup."""

import csv
import io
import re

import pytest
from django.core import mail
from django.utils.html import escape

from feedback import workflow
from feedback.models import Submission
from tests.factories import make_article, make_category
from tests.security.conftest import track_url

# The markup each payload tries to smuggle in; none may appear unescaped anywhere.
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "'><iframe src=https://evil.example></iframe>",
    "</textarea><script>alert(2)</script>",
    "</title><script>alert(3)</script>",
    '<a href="javascript:alert(4)">x</a>',
    "<div style=\"background:url('https://evil.example')\">x</div>",
    "]]></description><script>alert(5)</script><![CDATA[",
    "<body onload=alert(6)>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<<script>alert(7);//<</script>",
]
LIVE_MARKUP = re.compile(
    r"<(script|img|svg|iframe|body|meta http-equiv|div style)[\s/>]"
    r"|\son(error|load)\s*=|href=\"javascript:",
    re.I,
)


JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
ARTICLE_BODY = re.compile(r'<div class="prose article__body">(.*?)</div>', re.S)


def marked(n: int, payload: str) -> str:
    """A payload with a marker, to prove the place did show the field at all."""
    return f"MARK{n}Q {payload}"


def assert_inert(text: str, marked_text: str, where: str) -> None:
    """Every place the marker shows, what follows for the payload's length is no markup.

    Unescaped, the payload would sit right after the marker; escaped, it is longer and
    its first characters hold no ``<``, ``>`` or ``"`` that could open an element or leave
    an attribute.
    """
    marker = marked_text.split(" ", 1)[0]
    assert marker in text, f"{where}: the field is not shown here, the test proves nothing"
    for match in re.finditer(marker, text):
        around = text[match.start() : match.start() + len(marked_text)]
        assert not re.search(r"[<>\"]", around), f"{where}: live markup {around!r}"


def submit_through_the_form(client, topic, payload: str) -> Submission:
    response = client.post(
        "/en/feedback/new/",
        {
            "kind": "complaint",
            "topic": topic.pk,
            "subject": payload[:150],
            "body": payload,
            "name": payload[:100],
            "email": "citizen@example.com",
            "phone": "",
            "consent": "on",
            "website": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Submission.objects.latest("pk")


CITIZEN_CASES = [(n, p) for n, p in enumerate(PAYLOADS)]


@pytest.mark.django_db
@pytest.mark.parametrize(("n", "payload"), CITIZEN_CASES, ids=[str(n) for n, _ in CITIZEN_CASES])
def test_citizen_text_is_escaped_everywhere_it_shows(
    client,
    client_as,
    topic,
    ministry_a,
    moderator,
    officer_a,
    admin_user,
    n,
    payload,
    django_capture_on_commit_callbacks,
):
    text = marked(n, payload)
    with django_capture_on_commit_callbacks(execute=True):
        item = submit_through_the_form(client, topic, text)
        workflow.route(item, actor=moderator, ministry=ministry_a)
        workflow.answer(item, actor=officer_a, public_message="Done.")
    workflow.rate(item, rating=3, comment=text)
    marker = f"MARK{n}Q"
    places = {
        "tracking page": client.get(track_url(item)),
        "staff item": client_as(officer_a).get(f"/en/staff/items/{item.reference}/"),
        "staff inbox": client_as(moderator).get("/en/staff/inbox/?status="),
        "staff search": client_as(moderator).get(f"/en/staff/inbox/?status=&q={item.reference}"),
        "admin list": client_as(admin_user).get("/admin/feedback/submission/"),
        "admin item": client_as(admin_user).get(f"/admin/feedback/submission/{item.pk}/change/"),
    }
    for where, response in places.items():
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), text, where)
    # The raw payload never, its escaped form yes (on the pages that show the body).
    staff_page = places["staff item"].content.decode()
    assert payload not in staff_page
    assert escape(payload).split("\n")[0][:40] in staff_page

    # E-mails are plain text only: no HTML part a mail program could run.
    assert mail.outbox, "the confirmation and the answer were mailed"
    for message in mail.outbox:
        assert message.content_subtype == "plain" and not getattr(message, "alternatives", [])
        assert "\n" not in message.subject and "\r" not in message.subject

    # The CSV export: text cells cannot start a spreadsheet formula.
    export = client_as(moderator).get("/en/staff/export.csv?status=")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert any(marker in cell for row in rows for cell in row)


FORMULAS = ['=HYPERLINK("https://evil.example")', "+SUM(1+1)", "-2+3", "@SUM(A1)", "\t=1"]


@pytest.mark.django_db
@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_cells_never_start_a_formula(client, client_as, topic, moderator, formula):
    submit_through_the_form(client, topic, formula + " MARKCSV")
    export = client_as(moderator).get("/en/staff/export.csv?status=")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row if "MARKCSV" in cell]
    assert cells
    for cell in cells:
        assert cell[0] not in "=+-@\t\r", cell


# A spreadsheet set to ";" (or ",") as list separator splits these into a formula cell.
SEPARATED_FORMULAS = ["x;=1+1;", "x,=1+1,", "a; -2+3", "ok;@SUM(A1)", "a;;=HYPERLINK(1)"]


@pytest.mark.django_db
@pytest.mark.parametrize("formula", SEPARATED_FORMULAS)
def test_csv_cells_never_hide_a_formula_after_a_list_separator(
    client, client_as, topic, moderator, formula
):
    submit_through_the_form(client, topic, formula + " MARKCSV")
    export = client_as(moderator).get("/en/staff/export.csv?status=")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row if "MARKCSV" in cell]
    assert cells
    for cell in cells:
        for piece in re.split("[;,]", cell):
            assert piece.lstrip(" ")[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell


STAFF_FIELDS = ["public_message", "internal_note"]


@pytest.mark.django_db
@pytest.mark.parametrize(("n", "payload"), CITIZEN_CASES, ids=[str(n) for n, _ in CITIZEN_CASES])
def test_staff_text_is_escaped_for_citizens_and_colleagues(
    client,
    client_as,
    topic,
    ministry_a,
    moderator,
    officer_a,
    n,
    payload,
    django_capture_on_commit_callbacks,
):
    text = marked(n, payload)
    item = submit_through_the_form(client, topic, "Plain request")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.route(item, actor=moderator, ministry=ministry_a, internal_note=text)
        response = client_as(officer_a).post(
            f"/en/staff/items/{item.reference}/answer/",
            {"answer-expected_status": "routed", "answer-public_message": text},
        )
    assert response.status_code == 302
    marker = f"MARK{n}Q"
    assert_inert(client.get(track_url(item)).content.decode(), text, "tracking answer")
    staff_page = client_as(moderator).get(f"/en/staff/items/{item.reference}/").content.decode()
    assert staff_page.count(marker) >= 2  # the answer and the internal note
    assert_inert(staff_page, text, "staff timeline")
    answer_mail = mail.outbox[-1]
    assert marker in answer_mail.body and answer_mail.content_subtype == "plain"


@pytest.mark.django_db
@pytest.mark.parametrize(("n", "payload"), CITIZEN_CASES, ids=[str(n) for n, _ in CITIZEN_CASES])
def test_editor_text_is_escaped_or_filtered_on_every_news_page(client, n, payload):
    text = marked(n, payload)
    category = make_category(name_en=text[:100], slug=f"cat-{n}")
    article = make_article(
        slug=f"attack-{n}",
        category=category,
        title_en=f"{text} zebra"[:200],
        summary_en=text[:400],
        body_en=f"{payload}\n\n[link](javascript:alert(9)) <script>alert(10)</script>",
        location_en=text[:80],
    )
    marker = f"MARK{n}Q"
    pages = {
        "home": "/en/",
        "news list": "/en/news/",
        "news search": "/en/news/?q=zebra",
        "news detail": f"/en/news/{article.slug}/",
        "category": f"/en/news/category/{category.slug}/",
        "archive": f"/en/news/{article.publish_at:%Y}/{article.publish_at.month}/",
        "rss": "/en/news/feed/",
        "atom": "/en/news/feed/atom/",
    }
    for where, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, where
        content = response.content.decode()
        if where in ("rss", "atom"):
            # XML: the text is escaped once by the feed generator; a reader that unescapes
            # it gets text, and no element of ours is broken out of.
            assert marker in content, where
            assert "<script" not in content and "<svg" not in content, where
            continue
        if where == "news detail":
            # JSON-LD for search engines: JSON-escaped (no raw "<" can close the script).
            for data in JSON_LD.findall(content):
                assert "<" not in data
            content = JSON_LD.sub("", content)
            # The Markdown body goes through the nh3 allow-list: no element of the
            # payload, no script, no javascript: link survives.
            body = ARTICLE_BODY.search(content)[1]
            assert not LIVE_MARKUP.search(body), body
            assert not re.search(r"<[^>]*\s(style|on\w+)\s*=", body), body
            assert not re.search(r"href=[\"']?\s*javascript:", body, re.I), body
        assert_inert(content, text, where)


FACTS = re.compile(r'<h2 id="facts-title">.*?<div class="prose">(.*?)</div>', re.S)


@pytest.mark.django_db
@pytest.mark.parametrize(("n", "payload"), CITIZEN_CASES, ids=[str(n) for n, _ in CITIZEN_CASES])
def test_editor_text_is_escaped_or_filtered_on_every_clarification_page(client, n, payload):
    from tests.factories import make_clarification

    text = marked(n, payload)
    clarification = make_clarification(
        slug=f"attack-{n}",
        claim_en=f"{text} zebra"[:500],
        facts_en=f"{payload}\n\n[link](javascript:alert(9)) <script>alert(10)</script>",
        circulated_on_en=text[:200],
        appearance_urls=f"https://r.example/?q={n}",
        sources=[{"title_en": text[:250], "url": "https://statement.example/"}],
        corrections=[{"note_ar": "تصحيح", "note_en": text}],
    )
    marker = f"MARK{n}Q"
    pages = {
        "list": "/en/clarifications/",
        "search": "/en/clarifications/?q=zebra",
        "detail": f"/en/clarifications/{clarification.slug}/",
        "rss": "/en/clarifications/feed/",
        "atom": "/en/clarifications/feed/atom/",
    }
    for where, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, where
        content = response.content.decode()
        if where in ("rss", "atom"):
            assert marker in content, where
            assert "<script" not in content and "<svg" not in content, where
            continue
        if where == "detail":
            assert content.count(marker) >= 4  # claim, where, source, change log (+ meta)
            for data in JSON_LD.findall(content):
                assert "<" not in data
            content = JSON_LD.sub("", content)
            facts = FACTS.search(content)[1]
            assert not LIVE_MARKUP.search(facts), facts
            assert not re.search(r"href=[\"']?\s*javascript:", facts, re.I), facts
        assert_inert(content, text, where)
