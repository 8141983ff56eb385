"""The crisis app's URLs: public pages (``crisis``), staff pages (``crisis_staff``) and the
CAP documents and index feed without a language prefix (``crisis_cap``)."""

from django.urls import path

from crisis.views import public, staff

public_patterns = (
    [
        path("", public.index, name="index"),
        path("incidents/<slug:slug>/", public.incident, name="incident"),
        path("incidents/<slug:slug>/feed/", public.incident_feed, name="incident-feed"),
        path("subscribe/", public.subscribe, name="subscribe"),
        path("subscribe/sent/", public.subscribe_sent, name="subscribe-sent"),
        path("subscribe/confirm/<str:token>/", public.confirm, name="confirm"),
        path("unsubscribe/<str:token>/", public.unsubscribe, name="unsubscribe"),
    ],
    "crisis",
)

staff_patterns = (
    [
        path("", staff.index, name="index"),
        path("alerts/new/", staff.alert_new, name="alert-new"),
        path("alerts/<int:pk>/", staff.alert_detail, name="alert"),
        path("alerts/<int:pk>/edit/", staff.alert_edit, name="alert-edit"),
        path("alerts/<int:pk>/<slug:action>/", staff.alert_act, name="alert-act"),
        path("incidents/new/", staff.incident_new, name="incident-new"),
        path("incidents/<slug:slug>/", staff.incident_detail, name="incident"),
    ],
    "crisis_staff",
)

cap_patterns = (
    [
        path("alerts.atom", public.cap_index, name="index"),
        path("alerts/<str:identifier>.xml", public.cap_document, name="alert"),
    ],
    "crisis_cap",
)
