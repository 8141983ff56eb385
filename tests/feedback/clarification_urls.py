"""The site's URLs plus a stand-in for the clarification pages, for the feedback tests
while the branch that adds the real ones (``clarifications:detail``) is not merged yet.
``tests/feedback/test_claim_publication.py`` uses it only when the real name is missing."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path

from portal.urls import urlpatterns as site_urlpatterns


def detail(request, slug):
    return HttpResponse(slug)


urlpatterns = [
    *site_urlpatterns,
    *i18n_patterns(
        path(
            "clarifications/",
            include(([path("<str:slug>/", detail, name="detail")], "clarifications")),
        ),
        prefix_default_language=True,
    ),
]
