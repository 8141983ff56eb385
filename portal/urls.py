"""The site's URLs. Public pages carry the language (/ar/..., /en/...); machine endpoints
(/healthz, /readyz) and the admin do not."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from campaigns.urls.public import useful_patterns as campaign_useful_patterns
from crisis import urls as crisis_urls
from portal import password_reset, views

# A database outage answers the translated 503 page, any other error the static 500 page.
handler500 = "portal.views.server_error"

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("about/", views.about, name="about"),
        path("contact/", views.contact, name="contact"),
        path("privacy/", views.privacy, name="privacy"),
        path("account/start/", views.staff_start, name="staff_start"),
        # Staff password reset by e-mail (the second factor stays: portal/password_reset.py).
        path(
            "account/password-reset/",
            password_reset.StaffPasswordResetView.as_view(),
            name="password_reset",
        ),
        path(
            "account/password-reset/sent/",
            password_reset.StaffPasswordResetDoneView.as_view(),
            name="password_reset_done",
        ),
        path(
            "account/password-reset/<uidb64>/<token>/",
            password_reset.StaffPasswordResetConfirmView.as_view(),
            name="password_reset_confirm",
        ),
        path(
            "account/password-reset/done/",
            password_reset.StaffPasswordResetCompleteView.as_view(),
            name="password_reset_complete",
        ),
        path("account/two-factor/", views.two_factor_verify, name="two_factor_verify"),
        path("account/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    ],
    "portal",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # Browsers and crawlers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon),
    # The admin's language switch posts here (the admin has no language prefix).
    path("i18n/setlang/", set_language, name="set_language"),
    # The admin's sign-in page, which then lands each role on its work (portal/views.py).
    path("admin/login/", views.staff_sign_in),
    path("admin/", admin.site.urls),
    # Campaign short links /c/<code> (answered early by campaigns.middleware).
    path("", include("campaigns.urls.public")),
    # CAP 1.2 documents and their Atom index: one address whatever the language.
    path("cap/", include(crisis_urls.cap_patterns)),
]

urlpatterns += i18n_patterns(
    path("", include(portal_patterns)),
    path("news/", include("news.urls")),
    # The centre's official clarifications of rumours (the news app publishes them).
    path("clarifications/", include("news.clarification_urls")),
    path("feedback/", include("feedback.urls.public")),
    path("", include(campaign_useful_patterns)),  # "was this page useful?"
    path("staff/campaigns/", include("campaigns.urls.staff")),
    # The ministries' public record and open data (accountability).
    path("ministries/", include("accountability.urls")),
    path("alerts/", include(crisis_urls.public_patterns)),
    path("staff/crisis/", include(crisis_urls.staff_patterns)),
    # "You said, we did": published suggestions and ideas with the ministries' decisions.
    path("you-said-we-did/", include("outcomes.urls")),
    # Staff pages (dashboard, queue, inbox, items) at /<lang>/staff/, behind the second factor.
    path("staff/", include("feedback.urls.staff")),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# --- News: sitemap and robots.txt (outside the language prefix) ---
from django.contrib.sitemaps import views as sitemap_views  # noqa: E402

from accountability.sitemaps import sitemaps as ministry_sitemaps  # noqa: E402
from news.http import public_page  # noqa: E402
from news.sitemaps import sitemaps  # noqa: E402
from news.views import robots_txt  # noqa: E402
from portal.sitemaps import PortalPagesSitemap  # noqa: E402

urlpatterns += [
    path(
        "sitemap.xml",
        public_page(sitemap_views.sitemap, params=("p",)),  # the sitemap's page number
        {"sitemaps": {"pages": PortalPagesSitemap, **sitemaps, **ministry_sitemaps}},
        name="sitemap",
    ),
    path("robots.txt", robots_txt, name="robots"),
]
