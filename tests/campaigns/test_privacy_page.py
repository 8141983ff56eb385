import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("en", ["What we count, and what we do not", "short link", "Was this page useful?",
                "We do not store your internet address", "link previews, search engines"]),
        ("ar", ["ما نعدّه وما لا نعدّه", "رابط قصير", "هل كانت هذه الصفحة مفيدة؟",
                "لا نحفظ عنوان الإنترنت", "معاينات الروابط ومحركات البحث"]),
    ],
)  # fmt: skip
def test_the_privacy_page_says_what_is_counted_and_what_is_not(language, phrases):
    html = Client().get(f"/{language}/privacy/").content.decode()
    for phrase in phrases:
        assert phrase in html, phrase
