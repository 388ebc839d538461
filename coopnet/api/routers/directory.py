"""The directory: co-ops (list, search, detail, update) and the taxonomies."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from coopnet.api.auth import (
    OPTIONAL_TOKEN_OPENAPI,
    WriteThrottle,
    optional_token_auth,
    token_auth,
)
from coopnet.api.pagination import PageNumbered
from coopnet.api.schemas import (
    ClientOut,
    CoopDetail,
    CoopPatch,
    CoopQuery,
    CoopSummary,
    SectorOut,
    ServiceOut,
    TechnologyOut,
)
from coopnet.directory.models import CaseStudy, Client, Coop, Sector, Service, Technology
from coopnet.directory.selectors import (
    CoopFilters,
    coop_list,
    relaxed_when_nothing_matches,
    with_card_data,
)
from coopnet.directory.services import coop_update

router = Router(tags=["directory"], auth=optional_token_auth)

# Taxonomy terms a PATCH may set, by field, looked up by their stable slugs.
TERM_MODELS = {"services": Service, "technologies": Technology, "clients": Client}


def _with_detail_data(qs: QuerySet) -> QuerySet:
    term = ("id", "name", "slug")
    return qs.select_related("sector").prefetch_related(
        Prefetch("services", queryset=Service.objects.only(*term)),
        Prefetch("technologies", queryset=Technology.objects.only(*term)),
        Prefetch("clients", queryset=Client.objects.only(*term)),
        Prefetch("case_studies", queryset=CaseStudy.objects.all()),
        "sources",
    )


def _get_coop(user, slug: str) -> Coop:
    coop = _with_detail_data(Coop.objects.filter(slug=slug)).first()
    if coop is None or not coop.is_visible_to(user):
        raise Http404(_("No co-op has the slug “%(slug)s”.") % {"slug": slug})
    return coop


def _terms_from_slugs(data: dict) -> dict[str, list]:
    """The taxonomy terms named in `data` by slug; every unknown slug is named in the error."""
    resolved: dict[str, list] = {}
    errors: dict[str, list[str]] = {}
    for field, model in TERM_MODELS.items():
        if field not in data:
            continue
        slugs = list(dict.fromkeys(data[field]))
        terms = list(model.objects.filter(slug__in=slugs))
        known = {term.slug for term in terms}
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            errors[field] = [
                _("There is no %(term)s with the slug “%(slug)s”.")
                % {"term": model._meta.verbose_name, "slug": slug}
                for slug in unknown
            ]
        resolved[field] = terms
    if errors:
        raise ValidationError(errors)
    return resolved


@router.get(
    "/coops", response=list[CoopSummary], url_name="coop_list", openapi_extra=OPTIONAL_TOKEN_OPENAPI
)
@paginate(PageNumbered)
def list_coops(request: HttpRequest, filters: Query[CoopQuery]):
    """List, filter and search the directory: member co-ops unless `all` is true.

    With `q`, results come best match first; otherwise by name. Every word of `q` must match
    (as a prefix); when no co-op matches them all, co-ops matching any of them are listed,
    best first, as on the directory page. Multi-valued filters (`service`, `technology`)
    require every value.
    """
    chosen = relaxed_when_nothing_matches(
        CoopFilters(
            q=filters.q,
            services=filters.service,
            technologies=filters.technology,
            sector=filters.sector,
            country=filters.country.upper(),
            region=filters.region,
            size=filters.size,
            availability=filters.availability,
            include_all=filters.all,
        )
    )
    return with_card_data(coop_list(chosen))


@router.get(
    "/coops/{slug}",
    response=CoopDetail,
    url_name="coop_detail",
    openapi_extra=OPTIONAL_TOKEN_OPENAPI,
)
def get_coop(request: HttpRequest, slug: str):
    """One co-op's public profile. Applicants are visible only to their people and
    coordinators."""
    return _get_coop(request.auth, slug)


@router.patch(
    "/coops/{slug}",
    response=CoopDetail,
    auth=token_auth,
    throttle=[WriteThrottle()],
    url_name="coop_update",
)
def update_coop(request: HttpRequest, slug: str, payload: CoopPatch):
    """Change one's own co-op's profile; coordinators change any. Only the fields sent
    change; lists of services, technologies and clients are replaced whole."""
    user = request.auth
    coop = _get_coop(user, slug)
    # Refuse before looking up the slugs sent: a stranger learns nothing about them.
    if not user.can_edit_coop(coop):
        raise PermissionDenied(_("You can edit only your own co-op's profile."))
    data = payload.changes()
    data.update(_terms_from_slugs(data))
    coop_update(actor=user, coop=coop, data=data)
    return _get_coop(user, slug)


def _member_count(relation: str) -> Count:
    return Count(relation, filter=Q(**{f"{relation}__status": Coop.Status.MEMBER}), distinct=True)


@router.get(
    "/services",
    response=list[ServiceOut],
    url_name="service_list",
    openapi_extra=OPTIONAL_TOKEN_OPENAPI,
)
@paginate(PageNumbered)
def list_services(request: HttpRequest):
    """Every service, with its group, synonyms and how many member co-ops offer it."""
    return (
        Service.objects.select_related("group")
        .annotate(coop_count=_member_count("coops"))
        .order_by("name", "id")
    )


@router.get(
    "/technologies",
    response=list[TechnologyOut],
    url_name="technology_list",
    openapi_extra=OPTIONAL_TOKEN_OPENAPI,
)
@paginate(PageNumbered)
def list_technologies(request: HttpRequest):
    """Every technology and how many member co-ops work with it."""
    return Technology.objects.annotate(coop_count=_member_count("coops")).order_by("name", "id")


@router.get(
    "/sectors",
    response=list[SectorOut],
    url_name="sector_list",
    openapi_extra=OPTIONAL_TOKEN_OPENAPI,
)
@paginate(PageNumbered)
def list_sectors(request: HttpRequest):
    """Every sector and how many member co-ops are in it or have clients in it (the meaning
    of the directory's sector filter)."""
    in_sector = (
        Coop.objects.members()
        .filter(Q(sector=OuterRef("pk")) | Q(clients__sector=OuterRef("pk")))
        .order_by()
        # A constant to group by: one row, the count of distinct co-ops.
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Count("id", distinct=True))
        .values("n")
    )
    return Sector.objects.annotate(
        coop_count=Coalesce(Subquery(in_sector, output_field=IntegerField()), 0)
    ).order_by("name", "id")


@router.get(
    "/clients",
    response=list[ClientOut],
    url_name="client_list",
    openapi_extra=OPTIONAL_TOKEN_OPENAPI,
)
@paginate(PageNumbered)
def list_clients(request: HttpRequest):
    """Every client the co-ops have worked for, with its sector."""
    return (
        Client.objects.select_related("sector")
        .annotate(coop_count=_member_count("coops"))
        .order_by("name", "id")
    )
