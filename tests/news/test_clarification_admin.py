"""Editors write and publish clarifications in the admin; other staff cannot."""

import pytest
from django.contrib.auth.models import Group

from news.models import Clarification
from news.signals import clarification_published
from portal import roles
from tests.factories import make_article, make_clarification

pytestmark = pytest.mark.django_db

ADD = "/admin/news/clarification/add/"


def _inlines(sources: list[dict] = (), corrections: list[dict] = (), initial=(0, 0)) -> dict:
    data = {
        "sources-TOTAL_FORMS": str(len(sources)),
        "sources-INITIAL_FORMS": str(initial[0]),
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": str(len(corrections)),
        "corrections-INITIAL_FORMS": str(initial[1]),
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    for prefix, rows in (("sources", sources), ("corrections", corrections)):
        for index, row in enumerate(rows):
            data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def _form(ministry, **overrides) -> dict:
    data = {
        "claim_ar": "إغلاق جميع المدارس أسبوعًا",
        "claim_en": "All schools closed for a week",
        "circulated_on_ar": "واتساب",
        "circulated_on_en": "WhatsApp",
        "appearance_urls": "",
        "first_seen_on": "2026-11-20",
        "verdict": Clarification.Verdict.FALSE,
        "facts_ar": "لا صحة لذلك.",
        "facts_en": "Not so.",
        "ministry": ministry.pk,
        "slug": "",
        "status": Clarification.Status.DRAFT,
    }
    data.update(overrides)
    return data


def test_editors_group_has_the_clarification_permissions():
    codenames = set(
        Group.objects.get(name=roles.EDITORS).permissions.values_list("codename", flat=True)
    )
    assert {
        "add_clarification",
        "change_clarification",
        "add_clarificationsource",
        "add_clarificationcorrection",
        "delete_clarificationcorrection",
    } <= codenames


def test_editor_writes_a_draft_with_sources_then_publishes_it(
    client_as, editor, ministry_a, django_capture_on_commit_callbacks
):
    article = make_article()
    client = client_as(editor)
    assert client.get(ADD).status_code == 200
    data = _form(ministry_a) | _inlines(
        sources=[
            {
                "title_ar": "بيان الوزارة",
                "title_en": "Statement",
                "url": "https://m.example/s",
                "order": "0",
            },
            {"title_ar": "", "title_en": "", "url": "", "article": str(article.pk), "order": "1"},
        ]
    )
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    clarification = Clarification.objects.get()
    assert clarification.author == editor
    assert clarification.slug == "all-schools-closed-for-a-week"
    assert clarification.published_at is None and clarification.share_images == {}
    assert [s.url or s.article_id for s in clarification.sources.all()] == [
        "https://m.example/s",
        article.pk,
    ]
    sent = []
    clarification_published.connect(receiver := lambda **kw: sent.append(kw["correction"]))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/admin/news/clarification/",
                {"action": "publish_now", "_selected_action": [clarification.pk]},
            )
    finally:
        clarification_published.disconnect(receiver)
    assert response.status_code == 302
    clarification.refresh_from_db()
    assert clarification.is_public and clarification.published_at is not None
    assert clarification.share_images["ar"]["wide"]
    assert sent == [False]


def test_a_source_needs_a_title_an_address_or_an_article(client_as, editor, ministry_a):
    data = _form(ministry_a) | _inlines(
        sources=[{"title_ar": "", "title_en": "", "url": "", "article": "", "order": "0", "id": ""}]
    )
    # An empty extra form is ignored; one with only its order set is an error.
    data["sources-0-order"] = "3"
    response = client_as(editor).post(ADD, data)
    assert response.status_code == 200
    assert not Clarification.objects.exists()
    assert "اكتب عنوان البيان أو رابطه، أو اختر خبرًا من أخبار البوابة." in response.content.decode()


def test_bad_input_gets_translated_errors_and_keeps_what_was_typed(client_as, editor, ministry_a):
    data = (
        _form(
            ministry_a,
            claim_ar="ا" * 501,
            appearance_urls="not an address",
            claim_en="Kept English claim",
        )
        | _inlines()
    )
    response = client_as(editor).post(ADD, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "claim_ar" in errors  # over the limit: refused, not cut
    assert not Clarification.objects.exists()
    assert "Kept English claim" in response.content.decode()


def test_publishing_with_a_correction_in_the_same_save_is_one_announcement(
    client_as, editor, ministry_a, django_capture_on_commit_callbacks
):
    clarification = make_clarification(ministry=ministry_a, status="draft")
    sent = []
    clarification_published.connect(receiver := lambda **kw: sent.append(kw["correction"]))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_as(editor).post(
                f"/admin/news/clarification/{clarification.pk}/change/",
                _form(ministry_a, slug=clarification.slug, status="published")
                | _inlines(
                    corrections=[
                        {
                            "corrected_at_0": "2026-12-01",
                            "corrected_at_1": "10:00:00",
                            "note_ar": "تصحيح",
                            "note_en": "Fix",
                        }
                    ]
                ),
            )
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert sent == [False]
        # A later correction is announced as a correction.
        clarification.refresh_from_db()
        correction = clarification.corrections.get()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_as(editor).post(
                f"/admin/news/clarification/{clarification.pk}/change/",
                _form(ministry_a, slug=clarification.slug, status="published")
                | _inlines(
                    corrections=[
                        {
                            "id": str(correction.pk),
                            "clarification": str(clarification.pk),
                            "corrected_at_0": "2026-12-01",
                            "corrected_at_1": "10:00:00",
                            "note_ar": "تصحيح",
                            "note_en": "Fix",
                        },
                        {
                            "corrected_at_0": "2026-12-01",
                            "corrected_at_1": "11:00:00",
                            "note_ar": "تصحيح ثان",
                            "note_en": "Second fix",
                        },
                    ],
                    initial=(0, 1),
                ),
            )
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert sent == [False, True]
    finally:
        clarification_published.disconnect(receiver)


def test_other_staff_cannot_open_the_clarifications_admin(client_as, officer_b, moderator):
    for user in (officer_b, moderator):
        assert client_as(user).get("/admin/news/clarification/").status_code == 403
        assert client_as(user).get(ADD).status_code == 403


def test_admin_search_is_arabic_aware(client_as, editor):
    found = make_clarification(claim_ar="إغلاق المدارس", status="draft")
    make_clarification(claim_ar="أسعار الوقود", status="draft")
    response = client_as(editor).get("/admin/news/clarification/", {"q": "اغلاق"})
    assert list(response.context["cl"].result_list) == [found]
