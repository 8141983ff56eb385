"""/<lang>/ministries/: the statistics and the comparison of all ministries, a page per
ministry, and the open data (namespace ``accountability``). "open-data" cannot be a
ministry's slug: its page would be shadowed."""

from django.urls import path, re_path

from accountability import views

app_name = "accountability"

urlpatterns = [
    path("", views.ministry_list, name="ministries"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/statistics.csv", views.open_data_csv, name="open_data_csv"),
    path("open-data/statistics.json", views.open_data_json, name="open_data_json"),
    path("open-data/schema.json", views.open_data_schema, name="schema"),
    # Slugs may be Arabic (``<slug:>`` accepts ASCII only).
    re_path(r"^(?P<slug>[-\w]+)/$", views.ministry_detail, name="ministry"),
]
