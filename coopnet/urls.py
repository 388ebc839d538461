from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.static import serve

from coopnet.api.urls import api
from coopnet.directory.sitemaps import SITEMAPS
from coopnet.directory.views.public import home

admin.site.site_header = "Coopnet administration"
admin.site.site_title = "Coopnet"

urlpatterns = [
    path("", home, name="home"),
    path("", include("coopnet.directory.urls")),
    path("accounts/", include("coopnet.accounts.urls")),
    path("audit/", include("coopnet.audit.urls")),
    path("hire/", include("coopnet.hire.urls")),
    path("referrals/", include("coopnet.referrals.urls")),
    path("notifications/", include("coopnet.notifications.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

# Uploaded logos. In production the web server in front serves MEDIA_ROOT at /media/
# (docs/deployment.md); Django's static view is for the embedded default only.
if not settings.PRODUCTION:
    urlpatterns += [
        path(
            f"{settings.MEDIA_URL.strip('/')}/<path:path>",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
