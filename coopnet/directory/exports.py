"""The directory as open data: a `coopnet-json` document and flat rows for CSV.

`directory_document` is the project's own interchange format: every field of every co-op in
the queryset, taxonomy terms by slug and name (with their definitions once, at the top
level), the sources each co-op was imported from, and the case studies that involve them.
The `coopnet-json` reader (`coopnet.directory.importers.formats.coopnet_json`) reads it back
into the same values, so an export re-imports without change. Bump `VERSION` whenever a key
changes meaning; adding a key is not a new version.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from coopnet.directory.federation import absolute_url
from coopnet.directory.models import CaseStudy, Client, Coop, CoopSource, Service, Technology
from coopnet.network.models import NetworkSettings

FORMAT = "coopnet-json"
VERSION = 1

# Coop fields written as they are (JSON-ready once dates become ISO strings); the reader
# turns each back into the same value.
PLAIN_FIELDS = (
    "name",
    "status",
    "description",
    "website",
    "email",
    "phone",
    "social_links",
    "logo_url",
    "legal_form",
    "registration_number",
    "registrar",
    "founded_on",
    "founded_precision",
    "joined_on",
    "joined_precision",
    "left_on",
    "left_precision",
    "worker_owners",
    "workers",
    "members_main_employment",
    "address",
    "locality",
    "region",
    "postcode",
    "country",
    "other_countries",
    "latitude",
    "longitude",
    "languages",
    "day_rate_min",
    "day_rate_max",
    "day_rate_currency",
    "availability",
    "booked_until",
    "spare_capacity_days",
)
# Keys the export gives for information only; an import does not write them back.
READ_ONLY_KEYS = ("url", "logo", "availability_updated_at", "updated_at", "sources")


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _term(term) -> dict[str, str]:
    return {"slug": term.slug, "name": term.name}


def _prefetched(qs: QuerySet) -> QuerySet:
    return qs.select_related("sector").prefetch_related(
        Prefetch("services", queryset=Service.objects.select_related("group").order_by("slug")),
        Prefetch("technologies", queryset=Technology.objects.order_by("slug")),
        Prefetch("clients", queryset=Client.objects.select_related("sector").order_by("slug")),
        Prefetch("sources", queryset=CoopSource.objects.order_by("source", "source_id")),
    )


def coop_entry(coop: Coop) -> dict[str, Any]:
    """One co-op as the `coopnet-json` document holds it."""
    entry: dict[str, Any] = {"slug": coop.slug, "url": absolute_url(coop.get_absolute_url())}
    entry.update({field: _json_value(getattr(coop, field)) for field in PLAIN_FIELDS})
    entry["logo"] = absolute_url(coop.logo.url) if coop.logo else ""
    entry["sector"] = _term(coop.sector) if coop.sector else None
    entry["services"] = [_term(t) for t in coop.services.all()]
    entry["technologies"] = [_term(t) for t in coop.technologies.all()]
    entry["clients"] = [_term(t) for t in coop.clients.all()]
    entry["sources"] = [
        {
            "source": s.source,
            "source_id": s.source_id,
            "url": s.url,
            "first_imported_at": _json_value(s.first_imported_at),
            "last_imported_at": _json_value(s.last_imported_at),
        }
        for s in coop.sources.all()
    ]
    entry["availability_updated_at"] = _json_value(coop.availability_updated_at)
    entry["updated_at"] = _json_value(coop.updated_at)
    return entry


def directory_document(qs: QuerySet) -> dict[str, Any]:
    """The co-ops of `qs` (in its order) as a `coopnet-json` document, ready for json.dumps."""
    coops = list(_prefetched(qs))
    services: dict[str, Service] = {}
    technologies: dict[str, Technology] = {}
    clients: dict[str, Client] = {}
    sectors = {}
    for coop in coops:
        services.update((t.slug, t) for t in coop.services.all())
        technologies.update((t.slug, t) for t in coop.technologies.all())
        clients.update((t.slug, t) for t in coop.clients.all())
        if coop.sector:
            sectors[coop.sector.slug] = coop.sector
    for client in clients.values():
        if client.sector:
            sectors[client.sector.slug] = client.sector
    case_studies = (
        CaseStudy.objects.filter(coops__in=[c.pk for c in coops])
        .distinct()
        .prefetch_related(Prefetch("coops", queryset=Coop.objects.public().order_by("name")))
        .order_by("slug")
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "network": {"name": NetworkSettings.load().name, "url": settings.SITE_URL},
        "exported_at": timezone.now().isoformat(),
        "coops": [coop_entry(coop) for coop in coops],
        "services": [
            {
                **_term(t),
                "description": t.description,
                "group": t.group.name if t.group else "",
                "synonyms": t.synonym_list(),
            }
            for _slug, t in sorted(services.items())
        ],
        "technologies": [
            {**_term(t), "description": t.description, "website": t.website}
            for _slug, t in sorted(technologies.items())
        ],
        "clients": [
            {
                **_term(t),
                "website": t.website,
                "sector": t.sector.slug if t.sector else "",
                "sector_source": t.sector_source,
            }
            for _slug, t in sorted(clients.items())
        ],
        "sectors": [
            {**_term(t), "description": t.description} for _slug, t in sorted(sectors.items())
        ],
        "case_studies": [
            {
                "slug": cs.slug,
                "title": cs.title,
                "client_name": cs.client_name,
                "summary": cs.summary,
                "services_text": cs.services_text,
                "links": cs.links,
                "year": cs.year,
                "coops": [{"slug": c.slug, "name": c.name} for c in cs.coops.all()],
            }
            for cs in case_studies
        ],
    }


# CSV columns, in order. Lists are joined with "; "; social links become one column each.
CSV_COLUMNS = (
    "name",
    "slug",
    "url",
    "status",
    "website",
    "email",
    "phone",
    "twitter",
    "github",
    "linkedin",
    "mastodon",
    "legal_form",
    "registrar",
    "registration_number",
    "founded_on",
    "joined_on",
    "left_on",
    "worker_owners",
    "workers",
    "members_main_employment",
    "sector",
    "services",
    "technologies",
    "clients",
    "address",
    "locality",
    "region",
    "postcode",
    "country",
    "other_countries",
    "latitude",
    "longitude",
    "languages",
    "day_rate_min",
    "day_rate_max",
    "day_rate_currency",
    "availability",
    "booked_until",
    "spare_capacity_days",
    "sources",
    "updated_at",
    "description",
)
SOCIAL_COLUMNS = ("twitter", "github", "linkedin", "mastodon")


def directory_rows(qs: QuerySet) -> list[dict[str, Any]]:
    """One flat row per co-op of `qs` (in its order), keyed by `CSV_COLUMNS`."""
    rows = []
    for coop in _prefetched(qs):
        entry = coop_entry(coop)
        row = {column: entry.get(column) for column in CSV_COLUMNS}
        for column in SOCIAL_COLUMNS:
            row[column] = (coop.social_links or {}).get(column, "")
        for column in ("services", "technologies", "clients"):
            row[column] = "; ".join(term["name"] for term in entry[column])
        row["sector"] = coop.sector.name if coop.sector else ""
        row["other_countries"] = "; ".join(coop.other_countries or [])
        row["languages"] = "; ".join(coop.languages or [])
        row["sources"] = "; ".join(f"{s['source']}:{s['source_id']}" for s in entry["sources"])
        rows.append({column: "" if value is None else value for column, value in row.items()})
    return rows
