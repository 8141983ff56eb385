"""Staff pages under /<lang>/staff/: the dashboard and export, the queue, inbox and items."""

from django.urls import path

from feedback import views_dashboard, views_staff

app_name = "feedback_staff"

urlpatterns = [
    path("", views_dashboard.dashboard, name="dashboard"),
    path("export.csv", views_dashboard.export_csv, name="export"),
    path("queue/", views_staff.queue, name="queue"),
    path("inbox/", views_staff.inbox, name="inbox"),
    path("queue/bulk/", views_staff.bulk, name="bulk"),
    path("items/<str:reference>/", views_staff.item, name="item"),
    path("items/<str:reference>/<str:action>/", views_staff.act, name="act"),
]
