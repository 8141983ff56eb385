"""Citizens' pages under /<lang>/feedback/ (and the staff download of an attachment, whose
address predates the staff pages)."""

from django.urls import path

from feedback.views import inquiry, public, staff

app_name = "feedback"

urlpatterns = [
    path("new/", public.submit, name="new"),
    path("ask/", inquiry.ask, name="ask"),
    path("ask/matches/", inquiry.matches, name="ask_matches"),
    path("sent/", public.sent, name="sent"),
    path("track/", public.track, name="track"),
    path("track/<str:token>/", public.track_link, name="track_link"),
    path("track/<str:token>/rate/", public.rate, name="rate"),
    path("track/<str:token>/resolved/", public.resolved, name="resolved"),
    path("track/<str:token>/not-resolved/", public.reopen, name="reopen"),
    path("track/<str:token>/erase/", public.request_erasure, name="request_erasure"),
    path("track/<str:token>/files/<int:pk>/", public.citizen_attachment, name="citizen_attachment"),
    path(
        "track/<str:token>/files/<int:pk>/preview/",
        public.citizen_thumbnail,
        name="citizen_thumbnail",
    ),
    path("attachments/<int:pk>/", staff.attachment, name="attachment"),
]
