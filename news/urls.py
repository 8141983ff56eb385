from django.urls import path, register_converter

from news import feeds, views
from news.http import public_page


class UnicodeSlugConverter:
    """Slugs may be Arabic (``<slug:>`` accepts ASCII only)."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnicodeSlugConverter, "uslug")

app_name = "news"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("feed/", public_page(feeds.rss), name="feed"),
    path("feed/atom/", public_page(feeds.atom), name="feed-atom"),
    path("category/<uslug:slug>/", views.category, name="category"),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path("<int:year>/<int:month>/", views.month_archive, name="archive"),
    path("<uslug:slug>/", views.article_detail, name="detail"),
]
