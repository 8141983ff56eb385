from django.urls import path

from news import clarification_views as views
from news import feeds
from news.http import public_page
from news.urls import UnicodeSlugConverter  # noqa: F401  (registers <uslug:>)

app_name = "clarifications"

urlpatterns = [
    path("", views.clarification_list, name="list"),
    path("feed/", public_page(feeds.clarifications_rss), name="feed"),
    path("feed/atom/", public_page(feeds.clarifications_atom), name="feed-atom"),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path("<uslug:slug>/", views.clarification_detail, name="detail"),
]
