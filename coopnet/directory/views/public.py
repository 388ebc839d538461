"""Public pages of the directory (read only): home, the searchable list, profiles, taxonomies.

Every list here fetches in a fixed number of queries whatever its length: the rows through
`with_card_data`, the figures through aggregates (tests pin both with assertNumQueries).
"""

from itertools import groupby

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopnet.directory import selectors
from coopnet.directory.federation import absolute_url, coop_jsonld
from coopnet.directory.models import (
    SIZE_BANDS,
    CaseStudy,
    Client,
    Coop,
    Sector,
    Service,
    Technology,
)
from coopnet.directory.selectors import CoopFilters, CoopPaginator, facet_counts
from coopnet.lib.countries import country_name
from coopnet.lib.pagination import page_of
from coopnet.network.models import NetworkSettings

HOME_TOP_SERVICES = 8

AVAILABILITY_CHOICES = [
    ("available", gettext_lazy("Available (open or limited)")),
    *((value, label) for value, label in Coop.Availability.choices if value),
]


def _paginate(request: HttpRequest, qs: QuerySet, filters: CoopFilters | None = None) -> Page:
    paginator = CoopPaginator(qs, NetworkSettings.load().directory_page_size or 20, filters=filters)
    return page_of(paginator, request.GET.get("page"))


def home(request: HttpRequest) -> HttpResponse:
    members = Coop.objects.members()
    figures = members.aggregate(
        coops=Count("id"),
        worker_owners_total=Sum("worker_owners"),
        worker_owners_given=Count("worker_owners"),
        workers_total=Sum("workers"),
        workers_given=Count("workers"),
        countries=Count("country", distinct=True, filter=~Q(country="")),
    )
    # Every service at least one member offers, most offered first: its length is the
    # "services offered" figure and its head the list on the page.
    services = list(
        Service.objects.filter(coops__status=Coop.Status.MEMBER)
        .annotate(coop_count=Count("coops"))
        .order_by("-coop_count", "name")
    )
    figures["services"] = len(services)
    figures["clients"] = Client.objects.filter(coops__status=Coop.Status.MEMBER).distinct().count()
    return render(
        request,
        "directory/home.html",
        {"figures": figures, "top_services": services[:HOME_TOP_SERVICES]},
    )


def _active_filters(filters: CoopFilters, names: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """What narrows the list now, each with the query key (and value) that removes it."""
    active = []
    if filters.q:
        active.append({"label": _("Search: “%s”") % filters.q, "key": "q"})
    for slug in filters.services:
        name = names["service"].get(slug, slug)
        active.append({"label": _("Offers %s") % name, "key": "service", "value": slug})
    for slug in filters.technologies:
        name = names["technology"].get(slug, slug)
        active.append({"label": _("Uses %s") % name, "key": "technology", "value": slug})
    if filters.sector:
        name = names["sector"].get(filters.sector, filters.sector)
        active.append({"label": _("Sector: %s") % name, "key": "sector"})
    if filters.country:
        active.append({"label": country_name(filters.country), "key": "country"})
    if filters.region:
        active.append({"label": _("Region: %s") % filters.region, "key": "region"})
    if filters.size:
        active.append({"label": str(SIZE_BANDS[filters.size][0]), "key": "size"})
    availability_labels = dict(AVAILABILITY_CHOICES)
    if filters.availability in availability_labels:  # the selector ignores any other value
        label = availability_labels[filters.availability]
        active.append({"label": str(label), "key": "availability"})
    if filters.include_all:
        active.append({"label": _("Including former and observed co-ops"), "key": "all"})
    return active


def coop_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.relaxed_when_nothing_matches(CoopFilters.from_querydict(request.GET))
    page = _paginate(request, selectors.coop_list(filters), filters)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    facets = facet_counts(filters)
    sectors = list(Sector.objects.only("id", "name", "slug"))
    regions = (
        Coop.objects.listed(include_all=filters.include_all)
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )
    if filters.country:
        regions = regions.filter(country=filters.country)
    # Ticked terms first, so that they are in sight in their long lists.
    for key, chosen in (("services", filters.services), ("technologies", filters.technologies)):
        facets[key].sort(key=lambda term, chosen=chosen: term.slug not in chosen)
    countries = sorted(
        (
            {"code": row["country"], "name": country_name(row["country"]), **row}
            for row in facets["countries"]
        ),
        key=lambda country: country["name"],
    )
    names = {
        "service": {s.slug: s.name for s in facets["services"]},
        "technology": {t.slug: t.name for t in facets["technologies"]},
        "sector": {s.slug: s.name for s in sectors},
    }
    context = {
        "filters": filters,
        "page": page,
        "coops": page.object_list,
        "facets": facets,
        "sectors": sectors,
        "countries": countries,
        "regions": list(regions),
        "size_bands": [(key, label) for key, (label, _low, _high) in SIZE_BANDS.items()],
        "availability_choices": AVAILABILITY_CHOICES,
        "active_filters": _active_filters(filters, names),
        "export_query": export_query.urlencode(),
    }
    # htmx asks for the results region only, except when it restores a page from history.
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "directory/_results.html" if partial else "directory/list.html"
    response = render(request, template, context)
    # The same address gives a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def coop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    coop = get_object_or_404(
        Coop.objects.select_related("sector").prefetch_related(
            Prefetch("services", queryset=Service.objects.order_by("name")),
            Prefetch("technologies", queryset=Technology.objects.order_by("name")),
            Prefetch("clients", queryset=Client.objects.select_related("sector")),
            Prefetch(
                "case_studies",
                queryset=CaseStudy.objects.select_related("client").prefetch_related(
                    Prefetch(
                        "coops", queryset=Coop.objects.public().only("id", "name", "slug", "status")
                    )
                ),
            ),
            "sources",
        ),
        slug=slug,
    )
    if not coop.is_visible_to(request.user):
        raise Http404
    can_edit = request.user.is_authenticated and request.user.can_edit_coop(coop)
    return render(
        request,
        "directory/coop_detail.html",
        {
            "coop": coop,
            "can_edit": can_edit,
            "jsonld": coop_jsonld(coop),
            "absolute_url": absolute_url(coop.get_absolute_url()),
            "logo_absolute_url": absolute_url(coop.logo.url) if coop.logo else "",
        },
    )


def _with_member_counts(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        coop_count=Count("coops", filter=Q(coops__status=Coop.Status.MEMBER), distinct=True)
    )


def service_index(request: HttpRequest) -> HttpResponse:
    services = _with_member_counts(Service.objects.select_related("group")).order_by(
        "group__position", "group__name", "name"
    )
    # Services outside any group come last, under their own heading.
    ordered = sorted(services, key=lambda s: s.group is None)
    groups = [(group, list(items)) for group, items in groupby(ordered, key=lambda s: s.group)]
    return render(request, "directory/service_index.html", {"groups": groups})


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("group"), slug=slug)
    page = _paginate(request, selectors.coop_list(CoopFilters(services=[slug])))
    return render(
        request,
        "directory/service_detail.html",
        {"service": service, "page": page, "coops": page.object_list},
    )


def technology_index(request: HttpRequest) -> HttpResponse:
    technologies = _with_member_counts(Technology.objects.all()).order_by("name")
    return render(request, "directory/technology_index.html", {"technologies": technologies})


def technology_detail(request: HttpRequest, slug: str) -> HttpResponse:
    technology = get_object_or_404(Technology, slug=slug)
    page = _paginate(request, selectors.coop_list(CoopFilters(technologies=[slug])))
    return render(
        request,
        "directory/technology_detail.html",
        {"technology": technology, "page": page, "coops": page.object_list},
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/privacy.html",
        {"lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES},
    )
