"""Share images of clarifications: Arabic shaped by raqm (a missing raqm fails here, it
is not skipped), the two sizes in both languages, made when published or changed and
never per request, and the old files removed."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image, ImageFont, features

from news import share_images
from news.models import Clarification
from tests.factories import make_clarification

pytestmark = pytest.mark.django_db


def test_raqm_layout_is_available():
    """Pillow shapes Arabic only with raqm, which loads Debian's libfribidi0
    (`make system-deps` installs it). Without it every Arabic card would be wrong."""
    assert features.check("raqm"), "Pillow has no raqm layout: install libfribidi0"
    assert share_images.raqm_available()


@pytest.mark.parametrize("key", sorted(share_images.FONT_FILES))
def test_the_projects_font_files_load_in_pillow(key):
    font = share_images._font(*key, 40)
    assert font.getname()[0] == "IBM Plex Sans Arabic"


def test_arabic_letters_are_joined_by_raqm_not_drawn_apart():
    """Four joined behs (medial forms) are far narrower than four isolated ones, which is
    what Pillow's basic layout draws; and raqm orders them right to left."""
    path = str(share_images.FONT_DIR / share_images.FONT_FILES[("arabic", 400)])
    raqm = ImageFont.truetype(path, 60, layout_engine=ImageFont.Layout.RAQM)
    basic = ImageFont.truetype(path, 60, layout_engine=ImageFont.Layout.BASIC)
    word = "بببب"
    assert raqm.getlength(word, direction="rtl") < 0.75 * basic.getlength(word)
    # "لا" is one ligature glyph with raqm: narrower than lam and alef side by side.
    assert raqm.getlength("لا", direction="rtl") < basic.getlength("لا")
    # Shaped text differs in ink from the letters drawn apart.
    assert raqm.getmask(word, direction="rtl").getbbox() != basic.getmask(word).getbbox()


def test_a_line_keeps_english_words_in_their_own_order_inside_arabic():
    style = share_images.Style(400, 30, (0, 0, 0))
    line = share_images.Line(["الحقائق", "من", "Ministry", "of", "Health", "اليوم"], style, "rtl")
    assert [word for _direction, word in line.visual()] == [
        "اليوم",
        "Ministry",
        "of",
        "Health",
        "من",
        "الحقائق",
    ]
    english = share_images.Line(["Facts", "of", "وزارة", "الصحة", "today"], style, "ltr")
    assert [word for _direction, word in english.visual()] == [
        "Facts",
        "of",
        "الصحة",
        "وزارة",
        "today",
    ]


def _open(name: str) -> Image.Image:
    with default_storage.open(name) as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def _ink_columns(image: Image.Image, top: int, bottom: int) -> tuple[int, int]:
    """The first and last column holding dark text between two rows."""
    band = (
        image.crop((0, top, image.width, bottom)).convert("L").point(lambda v: 255 if v < 90 else 0)
    )
    left, _t, right, _b = band.getbbox()
    return left, right


def test_published_clarification_gets_both_sizes_in_both_languages(ministry_a):
    clarification = make_clarification(
        ministry=ministry_a,
        claim_ar="إغلاق جميع المدارس أسبوعًا كاملًا بسبب الغبار",
        claim_en="All schools are closed for a whole week because of the dust",
    )
    images = clarification.share_images
    assert set(images) == {"digest", "ar", "en"}
    for language in ("ar", "en"):
        for kind, size in share_images.SIZES.items():
            entry = images[language][kind]
            image = _open(entry["name"])
            assert image.format == "PNG"
            assert image.size == size == (entry["width"], entry["height"])
            assert entry["bytes"] == default_storage.size(entry["name"])
    # The claim starts at the right in Arabic and at the left in English.
    arabic = _open(images["ar"]["wide"]["name"])
    english = _open(images["en"]["wide"]["name"])
    ar_left, ar_right = _ink_columns(arabic, 300, 540)
    en_left, en_right = _ink_columns(english, 300, 540)
    assert ar_right > 1200 - 100 and ar_left > 40
    assert en_left < 100 and en_right < 1200 - 40


def test_drafts_have_no_share_images_and_unpublishing_removes_them(
    ministry_a, django_capture_on_commit_callbacks
):
    draft = make_clarification(ministry=ministry_a, status="draft")
    assert draft.share_images == {}
    draft.status = Clarification.Status.PUBLISHED
    draft.save()
    names = share_images.names(draft.share_images)
    assert len(names) == 4 and all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Clarification.Status.DRAFT
        draft.save()
    assert Clarification.objects.get(pk=draft.pk).share_images == {}
    assert not any(default_storage.exists(name) for name in names)


def test_images_are_made_again_only_when_what_they_show_changes(
    ministry_a, django_capture_on_commit_callbacks
):
    clarification = make_clarification(ministry=ministry_a)
    before = share_images.names(clarification.share_images)
    clarification.facts_en = "Other facts (not on the card)."
    clarification.save()
    assert share_images.names(clarification.share_images) == before
    with django_capture_on_commit_callbacks(execute=True):
        clarification.verdict = Clarification.Verdict.TRUE
        clarification.save()
    after = share_images.names(clarification.share_images)
    assert set(after).isdisjoint(before)  # new addresses: no stale copy in a network's cache
    assert all(default_storage.exists(name) for name in after)
    assert not any(default_storage.exists(name) for name in before)


def test_pages_never_draw_images(client, ministry_a, monkeypatch):
    clarification = make_clarification(ministry=ministry_a)

    def no_drawing(*args, **kwargs):
        raise AssertionError("a page drew a share image")

    monkeypatch.setattr(share_images, "render", no_drawing)
    for language in ("ar", "en"):
        assert client.get(f"/{language}/clarifications/{clarification.slug}/").status_code == 200
        assert client.get(f"/{language}/clarifications/").status_code == 200


def test_a_long_claim_with_emoji_and_controls_still_fits(ministry_a):
    claim = ("عاجل 🚨 " + "خبر طويل جدًا عن إغلاق الطرق والمدارس في كل المحافظات " * 12)[:500]
    clarification = make_clarification(
        ministry=ministry_a, claim_ar=claim + "\u202e\x07", claim_en="Word " * 100
    )
    for language in ("ar", "en"):
        for kind, size in share_images.SIZES.items():
            assert _open(clarification.share_images[language][kind]["name"]).size == size
    assert "🚨" not in share_images.drawable(claim)
    assert "\u202e" not in share_images.drawable("a\u202eb")


def test_without_raqm_nothing_is_drawn(ministry_a, monkeypatch):
    monkeypatch.setattr(share_images, "raqm_available", lambda: False)
    card = share_images.card_for(make_clarification(ministry=ministry_a, status="draft"), "ar")
    with pytest.raises(share_images.RaqmUnavailable):
        share_images.render(card, "wide")


def test_numbers_follow_the_text_before_them_as_the_bidi_algorithm_does():
    style = share_images.Style(400, 30, (0, 0, 0))
    arabic = share_images.Line(["3", "ديسمبر", "2026", "·", "tawasul.example"], style, "rtl")
    # Right to left as read: 3, December, 2026, the dot, the host (leftmost).
    assert [word for _d, word in arabic.visual()] == [
        "tawasul.example",
        "·",
        "2026",
        "ديسمبر",
        "3",
    ]
    english = share_images.Line(["Published", "3", "December", "2026"], style, "ltr")
    assert [word for _d, word in english.visual()] == ["Published", "3", "December", "2026"]


def test_a_failed_drawing_publishes_without_cards_and_the_command_draws_them_later(
    ministry_a, monkeypatch, caplog
):
    from django.core.management import call_command

    monkeypatch.setattr(share_images, "raqm_available", lambda: False)
    clarification = make_clarification(ministry=ministry_a)
    assert clarification.is_public and clarification.share_images == {}
    assert "not made" in caplog.text
    monkeypatch.undo()
    out = io.StringIO()
    call_command("make_share_images", stdout=out)
    assert "1 clarification" in out.getvalue()
    stored = Clarification.objects.get(pk=clarification.pk)
    assert set(stored.share_images["ar"]) == {"wide", "square"}
    out = io.StringIO()
    call_command("make_share_images", stdout=out)  # nothing left to draw
    assert "for 0 clarification" in out.getvalue()
