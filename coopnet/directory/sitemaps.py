"""The sitemap: the public pages, member co-ops' profiles, services and technologies.

Addresses are built from `SITE_URL` (as the profiles' og:url and canonical links are), not
from the request's host, so the sitemap names the site's one public address.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from coopnet.directory.models import Coop, Service, Technology


class SiteUrlSitemap(Sitemap):
    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class StaticSitemap(SiteUrlSitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [
            "home",
            "directory:list",
            "directory:services",
            "directory:technologies",
            "directory:privacy",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class CoopSitemap(SiteUrlSitemap):
    """Members only: former and observed co-ops are viewable, not promoted."""

    changefreq = "weekly"

    def items(self):
        return Coop.objects.members().only("slug", "updated_at").order_by("name", "id")

    def lastmod(self, coop: Coop):
        return coop.updated_at


class ServiceSitemap(SiteUrlSitemap):
    changefreq = "monthly"

    def items(self):
        return Service.objects.only("slug").order_by("slug")


class TechnologySitemap(SiteUrlSitemap):
    changefreq = "monthly"

    def items(self):
        return Technology.objects.only("slug").order_by("slug")


SITEMAPS: dict[str, type[Sitemap]] = {
    "static": StaticSitemap,
    "coops": CoopSitemap,
    "services": ServiceSitemap,
    "technologies": TechnologySitemap,
}
