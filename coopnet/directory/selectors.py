"""Reads of the directory that span models: the one place that turns filters into a queryset.

The directory page, its exports, the API and the benchmark all call `coop_list`, so a filter
means the same thing everywhere.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.functional import cached_property

from coopnet.directory.models import SIZE_BANDS, Coop, Service, Technology, facet_token
from coopnet.lib.search import index_count, index_ranked_ids, query_words, search_coops

MAX_FILTER_TERMS = 20


@dataclass
class CoopFilters:
    q: str = ""
    services: list[str] = field(default_factory=list)  # slugs; a co-op must offer all of them
    technologies: list[str] = field(default_factory=list)  # slugs; all of them
    sector: str = ""  # slug of a sector the co-op has clients in, or is in itself
    country: str = ""  # ISO 3166 alpha-2
    region: str = ""
    size: str = ""  # a key of SIZE_BANDS
    availability: str = ""  # a Coop.Availability value, or "available" for open or limited
    include_all: bool = False  # former and observed co-ops too
    any_word: bool = False  # a co-op matching some of the query's words is enough

    @classmethod
    def from_querydict(cls, data) -> "CoopFilters":
        """Build from request.GET (or any mapping with getlist); unknown values are ignored."""

        def one(name: str) -> str:
            return (data.get(name) or "").strip()

        def many(name: str) -> list[str]:
            getter = getattr(data, "getlist", None)
            values = getter(name) if getter else ([data[name]] if data.get(name) else [])
            # A cap: each term is a subquery, and no person ticks more than a few.
            return [v.strip() for v in values if v and v.strip()][:MAX_FILTER_TERMS]

        size = one("size")
        country = one("country").upper()
        return cls(
            q=one("q")[:200],
            services=many("service"),
            technologies=many("technology"),
            sector=one("sector"),
            country=country if len(country) == 2 and country.isalpha() else "",
            region=one("region"),
            size=size if size in SIZE_BANDS else "",
            availability=one("availability"),
            include_all=one("all") in {"1", "true", "on", "yes"},
        )

    @property
    def is_search(self) -> bool:
        return bool(self.q.strip())

    def facet_words(self) -> list[list[str]]:
        """The filters on Coop's own columns as full-text index words (see `facet_token`)."""
        statuses = Coop.listed_statuses(include_all=self.include_all)
        facets = [[facet_token("status", status) for status in statuses]]
        if self.country:
            facets.append([facet_token("country", self.country)])
        if self.size:
            facets.append([facet_token("size", self.size)])
        if self.availability == "available":
            facets.append(
                [
                    facet_token("avail", a)
                    for a in (Coop.Availability.OPEN, Coop.Availability.LIMITED)
                ]
            )
        elif self.availability in Coop.Availability.values and self.availability:
            facets.append([facet_token("avail", self.availability)])
        return facets


def reachable_coop_ids(coop_ids: Iterable[int]) -> set[int]:
    """Which of `coop_ids` have someone on the platform to see what is sent to the co-op
    (`CoopQuerySet.reachable`): briefs and referrals go only, or are ticked only, for these."""
    return set(Coop.objects.filter(pk__in=list(coop_ids)).reachable().values_list("pk", flat=True))


def coop_list(filters: CoopFilters, *, base: QuerySet | None = None) -> QuerySet:
    """Co-ops matching every filter; relevance-ranked when there is a query, else by name.

    Multi-valued filters use `id IN (subquery)` rather than joins so that rows are never
    duplicated and the total count stays one cheap query.
    """
    qs = base if base is not None else Coop.objects.all()
    qs = qs.listed(include_all=filters.include_all)
    for slug in filters.services:
        qs = qs.filter(
            id__in=Coop.services.through.objects.filter(service__slug=slug).values("coop_id")
        )
    for slug in filters.technologies:
        qs = qs.filter(
            id__in=Coop.technologies.through.objects.filter(technology__slug=slug).values("coop_id")
        )
    if filters.sector:
        with_clients_in_sector = Coop.clients.through.objects.filter(
            client__sector__slug=filters.sector
        ).values("coop_id")
        qs = qs.filter(Q(id__in=with_clients_in_sector) | Q(sector__slug=filters.sector))
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.region:
        qs = qs.filter(region__iexact=filters.region)
    if filters.size:
        qs = qs.in_size_band(filters.size)
    if filters.availability == "available":
        qs = qs.available()
    elif filters.availability in Coop.Availability.values and filters.availability:
        qs = qs.filter(availability=filters.availability)
    if filters.is_search:
        return search_coops(qs, filters.q, filters.facet_words(), any_word=filters.any_word)
    return qs.order_by("name")


def relaxed_when_nothing_matches(filters: CoopFilters) -> CoopFilters:
    """The filters to show: a search of several words that no co-op matches in full falls
    back to co-ops matching any of the words (best first), so a client's phrasing never
    leaves them with nothing. The page, its exports and the API use this one rule."""
    if filters.any_word or len(query_words(filters.q)) < 2:
        return filters
    if CoopPaginator(coop_list(filters), 1, filters=filters).count:
        return filters
    return replace(filters, any_word=True)


def with_card_data(qs: QuerySet) -> QuerySet:
    """What a result card shows, fetched in a fixed number of queries whatever the page size."""
    return qs.select_related("sector").prefetch_related(
        Prefetch("services", queryset=Service.objects.only("id", "name", "slug")),
        Prefetch("technologies", queryset=Technology.objects.only("id", "name", "slug")),
    )


def facet_counts(filters: CoopFilters) -> dict[str, list]:
    """Terms to offer as filters, each with how many listed co-ops have it."""
    listed = Coop.objects.listed(include_all=filters.include_all)
    services = (
        Service.objects.filter(coops__in=listed)
        .annotate(coop_count=Count("coops", distinct=True))
        .order_by("-coop_count", "name")
    )
    technologies = (
        Technology.objects.filter(coops__in=listed)
        .annotate(coop_count=Count("coops", distinct=True))
        .order_by("-coop_count", "name")
    )
    countries = (
        listed.exclude(country="")
        .values("country")
        .annotate(coop_count=Count("id"))
        .order_by("-coop_count", "country")
    )
    return {
        "services": list(services),
        "technologies": list(technologies),
        "countries": list(countries),
    }


class CoopPaginator(Paginator):
    """Pages of `coop_list` results, loading full rows only for the page shown.

    Ranking sorts every match; sorting just ids (a "deferred join") keeps that sort small,
    then the page's co-ops are fetched by id with their card data, in rank order. Given the
    `filters`, a search whose every filter is a facet word is counted and ranked inside the
    SQLite index alone, without reading a row per match. Query count is fixed: count, ids,
    rows, and one per prefetched relation.
    """

    def __init__(self, object_list, per_page, *, filters: CoopFilters | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.index_only = (
            filters is not None
            and bool(query_words(filters.q))
            and not (filters.services or filters.technologies or filters.sector or filters.region)
            and connection.vendor == "sqlite"
        )
        self.filters = filters

    @cached_property
    def count(self) -> int:
        if self.index_only:
            return index_count(self.filters.q, self.filters.facet_words(), self.filters.any_word)
        return super().count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if self.index_only:
            facets = self.filters.facet_words()
            ids = (
                index_ranked_ids(
                    self.filters.q, facets, bottom, top - bottom, self.filters.any_word
                )
                if top > bottom
                else []
            )
        else:
            ids = list(self.object_list.values_list("id", flat=True)[bottom:top])
        rows = with_card_data(Coop.objects.filter(id__in=ids)).in_bulk(ids) if ids else {}
        return self._get_page([rows[i] for i in ids if i in rows], number, self)
