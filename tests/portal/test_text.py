import pytest

from portal.text import normalize_search_text, search_terms


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("وَزَارَةُ الصِّحَّةِ", "وزاره الصحه"),
        ("إعلان أول آخر ٱلكتاب", "اعلان اول اخر الكتاب"),
        ("مستشفى", "مستشفي"),
        ("مسؤول رئيس", "مسوول رييس"),
        ("الـــتعليم", "التعليم"),
        ("عام ٢٠٢٦ و۱۴", "عام 2026 و14"),
        ("  Health   MINISTRY ", "health ministry"),
        ("ﻻ", "لا"),
    ],
)
def test_normaliser_folds_arabic_spelling_variants(raw, folded):
    assert normalize_search_text(raw) == folded


def test_search_terms_are_distinct_and_bounded():
    assert search_terms("الصحة  الصحه وزارة") == ["الصحه", "وزاره"]
    assert len(search_terms(" ".join(f"w{i}" for i in range(50)))) == 8
