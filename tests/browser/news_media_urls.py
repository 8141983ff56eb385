"""The site's URLs plus the public news photos, for browser tests (DEBUG is off there).

Only MEDIA_URL/news/ is served: other uploads (feedback attachments) stay private.
"""

from pathlib import Path

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from portal.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    re_path(
        rf"^{settings.MEDIA_URL.strip('/')}/news/(?P<path>.*)$",
        serve,
        {"document_root": Path(settings.MEDIA_ROOT) / "news"},
    ),
]
