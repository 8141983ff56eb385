from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("new/", views.submit, name="new"),
    path("track/", views.track, name="track"),
]
