"""Staff pages under /<lang>/staff/: the dashboard and export, the queue, inbox and items."""

from django.urls import path

from feedback.views import claims, dashboard, staff

app_name = "feedback_staff"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("export.csv", dashboard.export_csv, name="export"),
    path("queue/", staff.queue, name="queue"),
    path("inbox/", staff.inbox, name="inbox"),
    path("queue/bulk/", staff.bulk, name="bulk"),
    path("items/<str:reference>/", staff.item, name="item"),
    path("items/<str:reference>/<str:action>/", staff.act, name="act"),
    path("claims/", claims.claims, name="claims"),
    path("claims/<int:pk>/", claims.claim, name="claim"),
    path("claims/<int:pk>/<str:action>/", claims.act, name="claim_act"),
]
