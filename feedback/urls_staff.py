"""Staff pages of the workflow under /<lang>/staff/ (the dashboard has its own URLs)."""

from django.urls import path

from feedback import views_staff

app_name = "feedback_staff"

urlpatterns = [
    path("queue/", views_staff.queue, name="queue"),
    path("inbox/", views_staff.inbox, name="inbox"),
    path("queue/bulk/", views_staff.bulk, name="bulk"),
    path("items/<str:reference>/", views_staff.item, name="item"),
    path("items/<str:reference>/<str:action>/", views_staff.act, name="act"),
]
