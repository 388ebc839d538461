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
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

# Uploaded logos. Behind a production web server, MEDIA_ROOT is served by that server instead;
# here it is served by Django so the embedded default needs nothing else.
urlpatterns += [
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        serve,
        {"document_root": settings.MEDIA_ROOT},
    )
]
