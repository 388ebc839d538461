import re

from django.urls import reverse
from django.utils import timezone

from coopnet.directory.models import Coop, Service, Technology


def locations(response) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


def test_it_lists_public_pages_member_profiles_services_and_technologies(
    client, coop, other_coop, settings
):
    settings.SITE_URL = "https://coopnet.example"
    Coop.objects.create(name="Gone", slug="gone", status="former")
    Coop.objects.create(name="Hopeful", slug="hopeful", status="applicant")
    Service.objects.create(name="Hosting", slug="hosting")
    Technology.objects.create(name="Python", slug="python")

    response = client.get(reverse("sitemap"))

    assert response.status_code == 200
    found = locations(response)
    for path in ("/", "/coops/", "/services/", "/technologies/", "/privacy/"):
        assert f"https://coopnet.example{path}" in found
    assert "https://coopnet.example/coops/hedgerow-digital/" in found
    assert "https://coopnet.example/coops/tidewater-tech/" in found
    assert "https://coopnet.example/services/hosting/" in found
    assert "https://coopnet.example/technologies/python/" in found
    assert not any("gone" in url or "hopeful" in url for url in found)


def test_it_gives_each_profile_its_last_update(client, coop):
    response = client.get(reverse("sitemap"))

    day = timezone.localdate(coop.updated_at).isoformat()
    assert f"<lastmod>{day}</lastmod>" in response.content.decode()


def test_it_uses_the_site_address_whatever_host_was_asked(client, coop, settings):
    settings.SITE_URL = "https://coopnet.example"

    response = client.get(reverse("sitemap"), HTTP_HOST="localhost")

    assert all(url.startswith("https://coopnet.example/") for url in locations(response))
