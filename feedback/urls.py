from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("new/", views.submit, name="new"),
    path("sent/", views.sent, name="sent"),
    path("track/", views.track, name="track"),
    path("track/<str:token>/", views.track_link, name="track_link"),
    path("track/<str:token>/rate/", views.rate, name="rate"),
    path("track/<str:token>/erase/", views.request_erasure, name="request_erasure"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
