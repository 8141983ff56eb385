"""The site's URLs plus one view that fails, to see the headers of the 500 page."""

from django.urls import path

from portal.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a bug, on purpose")


urlpatterns = [*site_urlpatterns, path("boom/", fail)]
