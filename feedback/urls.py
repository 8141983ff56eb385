from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("new/", views.submit, name="new"),
    path("sent/", views.sent, name="sent"),
    path("track/", views.track, name="track"),
    path("track/<str:token>/", views.track_link, name="track_link"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]

# --- Staff pages (dashboard, export) ---
# The staff area is /<lang>/staff/ (guarded by the two-factor middleware like the admin),
# the citizens' pages stay at /<lang>/feedback/. portal/urls.py mounts this module at the
# language root, so the citizen patterns above take their "feedback/" prefix here and
# every name stays in the one "feedback" namespace.
from django.urls import include  # noqa: E402

from feedback import staff_views  # noqa: E402

staff_urlpatterns = [
    path("", staff_views.dashboard, name="dashboard"),
    path("export.csv", staff_views.export_csv, name="export"),
]
urlpatterns = [
    path("feedback/", include(urlpatterns)),
    path("staff/", include(staff_urlpatterns)),
]
