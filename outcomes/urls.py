from django.urls import path

from news.http import public_page
from outcomes import feeds, views

app_name = "outcomes"

urlpatterns = [
    path("", views.outcome_list, name="list"),
    path("feed/", public_page(feeds.rss), name="feed"),
    path("feed/atom/", public_page(feeds.atom), name="feed-atom"),
    path("<int:pk>/", views.outcome_detail, name="detail"),
]
