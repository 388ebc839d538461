"""The referrals API: open referrals, passing work on, claiming, declining, the pipeline, the
ledger and the network's totals. The guide is docs/api-referrals.md.

The same selectors and services as the pages: who sees a referral, its client and its money,
and who may do what, is decided there. A referral this co-op cannot take now is 409 with the
service's own code (`already_claimed`...).
"""

import dataclasses
import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import ConfigDict, field_validator

from coopnet.api.auth import (
    OPTIONAL_TOKEN_OPENAPI,
    WriteThrottle,
    optional_token_auth,
    token_auth,
)
from coopnet.api.pagination import PageNumbered
from coopnet.api.schemas import TermRef
from coopnet.directory.models import Coop
from coopnet.referrals import ledger as referral_ledger
from coopnet.referrals.models import Referral
from coopnet.referrals.selectors import (
    coop_ids_of,
    member_coop_ids_of,
    referral_contact_visible_to,
    referral_value_visible_to,
    referral_visible_to,
    referrals_open_for,
)
from coopnet.referrals.services import (
    ReferralUnavailable,
    referral_claim,
    referral_create,
    referral_decline,
    referral_set_status,
)

router = Router(tags=["referrals"], auth=token_auth)


class ReferralConflict(HttpError):
    """The referral's state forbids this now; `code` is the service's reason."""

    def __init__(self, error: ReferralUnavailable) -> None:
        super().__init__(409, str(error))
        self.code = error.code


# What is read


def _absolute(context: dict | None, path: str) -> str:
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _viewer(context: dict | None):
    request = (context or {}).get("request")
    return getattr(request, "auth", None)


def _viewer_coop_ids(context: dict | None) -> set[int]:
    """The caller's co-op ids, read once per request: every field of every item of a list
    asks the visibility rules, which would otherwise read the memberships each time."""
    request = (context or {}).get("request")
    if request is None:
        return coop_ids_of(None)
    if not hasattr(request, "_referral_coop_ids"):
        request._referral_coop_ids = coop_ids_of(getattr(request, "auth", None))
    return request._referral_coop_ids


class ReferralClientOut(Schema):
    name: str
    organisation: str
    email: str
    phone: str
    notes: str


class OfferOut(Schema):
    coop: TermRef
    state: str
    position: int
    suggested: bool
    offered_at: datetime.datetime | None
    respond_by: datetime.datetime | None
    answered_at: datetime.datetime | None
    decline_reason: str


class ReferralOut(Schema):
    id: int
    title: str
    description: str = Field(description="Plain text, as the sender typed it.")
    services: list[TermRef]
    from_coop: TermRef
    status: str
    audience: str
    when_unanswered: str
    estimated_value: int | None = Field(description="Part of the lead: whoever sees it sees it.")
    currency: str
    deadline: datetime.date | None
    created_at: datetime.datetime
    claimed_by_coop: TermRef | None
    claimed_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    closed_value: int | None = Field(
        description="The value of the work won: null unless you are in one of the two co-ops "
        "or a coordinator (or none was recorded)."
    )
    client: ReferralClientOut | None = Field(
        description="The client's contact details: null unless your co-op claimed it, passed "
        "it on, or you are a coordinator."
    )
    offers: list[OfferOut] = Field(
        description="Every co-op's answer for the sender and coordinators; your own co-ops' "
        "for anyone else."
    )
    page_url: str
    api_url: str

    @staticmethod
    def resolve_services(obj) -> list:
        return list(obj.services.all())

    @staticmethod
    def resolve_closed_value(obj, context) -> int | None:
        visible = referral_value_visible_to(
            obj, _viewer(context), coop_ids=_viewer_coop_ids(context)
        )
        return obj.closed_value if visible else None

    @staticmethod
    def resolve_client(obj, context) -> dict | None:
        if not referral_contact_visible_to(
            obj, _viewer(context), coop_ids=_viewer_coop_ids(context)
        ):
            return None
        return {
            "name": obj.client_name,
            "organisation": obj.client_organisation,
            "email": obj.client_email,
            "phone": obj.client_phone,
            "notes": obj.client_notes,
        }

    @staticmethod
    def resolve_offers(obj, context) -> list:
        viewer = _viewer(context)
        coop_ids = _viewer_coop_ids(context)
        # Every query that returns referrals prefetches `offers__coop`.
        offers = list(obj.offers.all())
        if viewer is not None and (viewer.is_coordinator or obj.from_coop_id in coop_ids):
            return offers
        # Another co-op's answer, and its reason, is for the sender alone.
        return [offer for offer in offers if offer.coop_id in coop_ids]

    @staticmethod
    def resolve_page_url(obj, context) -> str:
        return _absolute(context, reverse("referrals:detail", args=[obj.pk]))

    @staticmethod
    def resolve_api_url(obj, context) -> str:
        return _absolute(context, reverse("api:referral_detail", args=[obj.pk]))


class MoneyPair(Schema):
    other_coop: TermRef
    given: int
    received: int
    balance: int = Field(description="Given minus received.")
    value_given: int
    value_received: int


class LedgerOut(Schema):
    coop: TermRef
    given: int
    received: int
    given_won: int
    received_won: int
    value_given: int = Field(
        description="The sum of the values recorded on won referrals (0 if none was recorded)."
    )
    value_received: int
    pairs: list[MoneyPair]


class PeriodOut(Schema):
    period_start: datetime.date
    referrals: int
    claimed: int
    won: int


class SummaryOut(Schema):
    referrals: int
    claimed: int
    won: int
    coops_giving: int
    coops_receiving: int


class TotalsOut(Schema):
    summary: SummaryOut
    periods: list[PeriodOut]


class TotalsQuery(Schema):
    period: Literal["month", "year"] = "month"


class LedgerQuery(Schema):
    coop: str = Field("", description="A co-op's slug: one of yours, or any for coordinators.")


# What is written


class ReferralIn(Schema):
    """A lead to pass on. Unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid")

    from_coop: str = Field("", description="Your co-op's slug; optional if you have one.")
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    services: list[str] = Field([], description="Service slugs.")
    estimated_value: int | None = Field(None, ge=0)
    currency: str = Field("GBP", description="ISO 4217 code.")
    deadline: datetime.date | None = None
    client_name: str = Field("", max_length=150)
    client_organisation: str = Field("", max_length=200)
    client_email: str = ""
    client_phone: str = Field("", max_length=50)
    client_notes: str = Field("", max_length=2000)
    audience: Literal["network", "chosen_all", "chosen_in_turn"] = "network"
    when_unanswered: Literal["next_suggested", "return"] = "return"
    chosen_coops: list[str] = Field(
        [], description="Co-op slugs, in the order to ask them for chosen_in_turn."
    )

    @field_validator("currency")
    @classmethod
    def upper_case_code(cls, value: str) -> str:
        return value.strip().upper()


class ClaimIn(Schema):
    model_config = ConfigDict(extra="forbid")

    coop: str = Field("", description="Your co-op's slug; optional if you have one.")


class DeclineIn(ClaimIn):
    reason: str = Field(max_length=500)


class StatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Literal["in_contact", "won", "lost", "withdrawn"]
    value: int | None = Field(None, ge=0, description="Only with won; optional.")
    note: str = Field("", max_length=500)


# Helpers


def _referral_or_404(user, referral_id: int, *, answering: bool = False) -> Referral:
    """A referral the caller may see. To answer, a member may also reach a network referral
    that is no longer open: a co-op a moment too late gets 409, not 404."""
    referral = (
        Referral.objects.select_related("from_coop", "claimed_by_coop")
        .prefetch_related("services", "offers__coop")
        .filter(pk=referral_id)
        .first()
    )
    if referral is not None and referral_visible_to(referral, user):
        return referral
    late = (
        answering
        and referral is not None
        and referral.audience == Referral.Audience.NETWORK
        and member_coop_ids_of(user)
    )
    if late:
        return referral
    raise Http404(
        _("There is no referral %(id)s, or it is not shared with you.") % {"id": referral_id}
    )


def _coop_by_slug(slug: str, field: str) -> Coop:
    coop = Coop.objects.filter(slug=slug).first()
    if coop is None:
        raise ValidationError(
            {field: [_("There is no co-op with the slug “%(slug)s”.") % {"slug": slug}]}
        )
    return coop


def _own_coop(user, slug: str, field: str = "coop") -> Coop:
    """The co-op the caller acts for: the one named, or their only member co-op."""
    if slug:
        return _coop_by_slug(slug, field)
    mine = list(Coop.objects.filter(pk__in=member_coop_ids_of(user)).order_by("name"))
    if len(mine) == 1:
        return mine[0]
    if not mine:
        raise PermissionDenied(_("Only worker-owners of member co-ops can do this."))
    raise ValidationError(
        {field: [_("You belong to several co-ops: say which one with its slug.")]}
    )


def _refetch(referral: Referral) -> Referral:
    return (
        Referral.objects.select_related("from_coop", "claimed_by_coop")
        .prefetch_related("services", "offers__coop")
        .get(pk=referral.pk)
    )


# Endpoints. The fixed paths come before /referrals/{referral_id}.


@router.get(
    "/referrals/totals",
    response=TotalsOut,
    auth=optional_token_auth,
    url_name="referral_totals",
    openapi_extra=OPTIONAL_TOKEN_OPENAPI,
)
def network_totals(request: HttpRequest, query: Query[TotalsQuery]):
    """Public: referrals passed on, claimed and won across the network, per month or year.
    No money and no co-op names."""
    return {
        "summary": referral_ledger.network_totals_summary(),
        "periods": referral_ledger.network_totals(period=query.period),
    }


@router.get("/referrals/ledger", response=LedgerOut, url_name="referral_ledger")
def coop_ledger(request: HttpRequest, query: Query[LedgerQuery]):
    """A co-op's reciprocity ledger and its balance with each other co-op: your own co-op
    (`coop` picks one if you have several); coordinators, any co-op."""
    user = request.auth
    if query.coop:
        coop = get_object_or_404(Coop, slug=query.coop)
        if not referral_ledger.ledger_visible_to(coop, user):
            raise PermissionDenied(_("You can see only your own co-op's ledger."))
    else:
        mine = list(Coop.objects.filter(pk__in=coop_ids_of(user)).order_by("name"))
        if not mine:
            if user.is_coordinator:
                raise ValidationError({"coop": [_("Say which co-op's ledger you want.")]})
            raise PermissionDenied(_("Ledgers are for the worker-owners of the network's co-ops."))
        coop = mine[0]
    # Only the co-op's own worker-owners and coordinators get here: every pair involves the
    # co-op, so all its money is theirs to see.
    return {
        "coop": coop,
        **dataclasses.asdict(referral_ledger.coop_ledger(coop)),
        "pairs": referral_ledger.coop_pairs(coop),
    }


@router.get("/referrals", response=list[ReferralOut], url_name="referral_list")
@paginate(PageNumbered)
def list_open_referrals(request: HttpRequest):
    """Referrals your co-ops can claim now, newest first. Never your own co-op's."""
    return referrals_open_for(request.auth).prefetch_related("offers__coop")


@router.post(
    "/referrals",
    response={201: ReferralOut},
    throttle=[WriteThrottle()],
    url_name="referral_create",
)
def create_referral(request: HttpRequest, payload: ReferralIn):
    """Pass on a lead from your co-op to the whole network or to co-ops you choose."""
    user = request.auth
    from_coop = _own_coop(user, payload.from_coop, "from_coop")
    chosen = [_coop_by_slug(slug, "chosen_coops") for slug in dict.fromkeys(payload.chosen_coops)]
    data = payload.model_dump(exclude={"from_coop", "chosen_coops"})
    referral = referral_create(actor=user, from_coop=from_coop, chosen_coops=chosen, **data)
    return Status(201, _refetch(referral))


@router.get("/referrals/{referral_id}", response=ReferralOut, url_name="referral_detail")
def get_referral(request: HttpRequest, referral_id: int):
    """One referral you may see; the client and the money only if you may see them."""
    return _referral_or_404(request.auth, referral_id)


@router.post(
    "/referrals/{referral_id}/claim",
    response=ReferralOut,
    throttle=[WriteThrottle()],
    url_name="referral_claim",
)
def claim_referral(request: HttpRequest, referral_id: int, payload: ClaimIn):
    """Claim a referral for your co-op. Exactly one co-op gets it: the others get 409
    `already_claimed`."""
    user = request.auth
    referral = _referral_or_404(user, referral_id, answering=True)
    coop = _own_coop(user, payload.coop)
    try:
        referral_claim(actor=user, referral=referral, coop=coop)
    except ReferralUnavailable as error:
        raise ReferralConflict(error) from error
    return _refetch(referral)


@router.post(
    "/referrals/{referral_id}/decline",
    response=ReferralOut,
    throttle=[WriteThrottle()],
    url_name="referral_decline",
)
def decline_referral(request: HttpRequest, referral_id: int, payload: DeclineIn):
    """Decline a referral for your co-op, saying why (the sender reads it)."""
    user = request.auth
    referral = _referral_or_404(user, referral_id, answering=True)
    coop = _own_coop(user, payload.coop)
    try:
        referral_decline(actor=user, referral=referral, coop=coop, reason=payload.reason)
    except ReferralUnavailable as error:
        raise ReferralConflict(error) from error
    return _refetch(referral)


@router.post(
    "/referrals/{referral_id}/status",
    response=ReferralOut,
    throttle=[WriteThrottle()],
    url_name="referral_status",
)
def set_referral_status(request: HttpRequest, referral_id: int, payload: StatusIn):
    """Move a referral along: in_contact, won (with an optional value) or lost by the co-op
    that claimed it; withdrawn by the co-op that passed it on. Coordinators may do either."""
    user = request.auth
    referral = _referral_or_404(user, referral_id)
    try:
        referral_set_status(
            actor=user,
            referral=referral,
            status=payload.status,
            value=payload.value,
            note=payload.note,
        )
    except ReferralUnavailable as error:
        raise ReferralConflict(error) from error
    return _refetch(referral)
