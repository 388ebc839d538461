"""Briefs for co-ops: their inbox, answering, passing on and outcomes.

The same services and rules as the inbox pages (`coopnet.hire.views`). An entry is found only by
its co-op's worker-owners and by coordinators; anyone else gets 404, so that the API does not
reveal which briefs exist. Writes the service refuses (a coordinator answering for a co-op they
do not belong to, a brief already closed) are 403 or 400 as the service says.
"""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from coopnet.api.auth import WriteThrottle, token_auth
from coopnet.api.pagination import PageNumbered
from coopnet.api.schemas import TermRef
from coopnet.directory.models import Coop
from coopnet.hire import selectors, services
from coopnet.hire.models import BriefRecipient

router = Router(tags=["briefs"], auth=token_auth)


class CoopRef(Schema):
    slug: str
    name: str


class BriefContactOut(Schema):
    name: str
    email: str
    organisation: str


class BriefOut(Schema):
    """What the client asked for. Their contact details are in the entry's `contact`."""

    id: int
    status: str = Field(description="new, sent, chosen, withdrawn or closed.")
    text: str = Field(description="The client's own words, as plain text.")
    sector: TermRef | None
    services: list[TermRef]
    budget: str
    timeline: str
    effort_days: int | None
    location: str
    remote_ok: bool
    created_at: datetime.datetime


class BriefEntryOut(Schema):
    """A brief as one co-op received it, with its answer and outcome."""

    id: int
    coop: CoopRef
    brief: BriefOut
    sent_at: datetime.datetime | None
    match_score: float | None
    match_reasons: list[str] = Field(description="Why the co-op was suggested, in sentences.")
    passed_from: CoopRef | None = Field(description="The co-op that passed the brief on to it.")
    response: str = Field(description="pending, interested, declined or passed.")
    response_message: str
    decline_reason: str = Field(
        description="When declined: busy, not_our_work or other; empty otherwise."
    )
    responded_at: datetime.datetime | None
    is_chosen: bool
    outcome: str = Field(description="won, lost, or empty when not recorded.")
    outcome_value: float | None
    contact: BriefContactOut | None = Field(
        description="The client, when the caller may see them; null otherwise or once deleted."
    )
    page_url: str = Field(description="The entry's page on this site.")

    @staticmethod
    def resolve_passed_from(obj: BriefRecipient) -> Coop | None:
        return obj.passed_from.coop if obj.passed_from_id else None

    @staticmethod
    def resolve_outcome_value(obj: BriefRecipient) -> float | None:
        return float(obj.outcome_value) if obj.outcome_value is not None else None

    @staticmethod
    def resolve_contact(obj: BriefRecipient, context) -> dict | None:
        request = context["request"]
        # The caller's co-ops, once per request rather than once per entry of a list.
        if not hasattr(request, "hire_coop_ids"):
            request.hire_coop_ids = set(
                request.auth.memberships.values_list("coop_id", flat=True) if request.auth else ()
            )
        brief = obj.brief
        if not selectors.entry_contact_visible_to(obj, request.auth, request.hire_coop_ids):
            return None
        return {
            "name": brief.contact_name,
            "email": brief.contact_email,
            "organisation": brief.organisation,
        }

    @staticmethod
    def resolve_page_url(obj: BriefRecipient, context) -> str:
        return context["request"].build_absolute_uri(reverse("hire:inbox_detail", args=[obj.pk]))


class BriefAnswerIn(Schema):
    interested: bool
    message: str = Field(
        "",
        max_length=3000,
        description="Interested: a message to the client. Declining: the reason (coordinators "
        "see it; the client reads only 'declined').",
    )
    decline_reason: Literal["busy", "not_our_work", "other"] = Field(
        "other",
        description="When declining: too busy now, not the kind of work the co-op does, or "
        "another reason. Matching reads it for later briefs like this one.",
    )


class PassIn(Schema):
    coop: str = Field(description="The slug of the member co-op to pass the brief to.")
    message: str = Field("", max_length=1000)


class OutcomeIn(Schema):
    outcome: Literal["won", "lost"]
    value: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


def _entry(user, entry_id: int) -> BriefRecipient:
    entry = selectors.inbox_entry(user, entry_id)
    if entry is None:
        raise Http404(_("No brief entry of your co-ops has the id %(id)s.") % {"id": entry_id})
    return entry


@router.get("/briefs/inbox", response=list[BriefEntryOut], url_name="brief_inbox")
@paginate(PageNumbered)
def list_inbox(request: HttpRequest):
    """The briefs sent to the caller's co-ops, newest first."""
    return selectors.coop_brief_inbox(request.auth).prefetch_related("brief__services")


@router.get("/briefs/inbox/{id}", response=BriefEntryOut, url_name="brief_inbox_entry")
def get_entry(request: HttpRequest, id: int):
    """One entry of the caller's co-ops (coordinators: any entry)."""
    return _entry(request.auth, id)


@router.post(
    "/briefs/inbox/{id}/answer",
    response=BriefEntryOut,
    throttle=[WriteThrottle()],
    url_name="brief_inbox_answer",
)
def answer(request: HttpRequest, id: int, payload: BriefAnswerIn):
    """Answer for the co-op: interested (with a message to the client) or decline (with a
    reason)."""
    entry = _entry(request.auth, id)
    services.brief_answer(
        actor=request.auth,
        recipient=entry,
        interested=payload.interested,
        message=payload.message,
        decline_reason=payload.decline_reason,
    )
    return _entry(request.auth, id)


@router.post(
    "/briefs/inbox/{id}/pass",
    response=BriefEntryOut,
    throttle=[WriteThrottle()],
    url_name="brief_inbox_pass",
)
def pass_on(request: HttpRequest, id: int, payload: PassIn):
    """Pass the brief to another member co-op; this entry's response becomes 'passed'."""
    entry = _entry(request.auth, id)
    to_coop = Coop.objects.filter(slug=payload.coop).first()
    if to_coop is None:
        raise ValidationError(
            {"coop": [_("There is no co-op with the slug “%(slug)s”.") % {"slug": payload.coop}]}
        )
    try:
        services.brief_pass_on(
            actor=request.auth, recipient=entry, to_coop=to_coop, message=payload.message
        )
    except ValidationError as error:
        # The service names its argument; the client sent the co-op as `coop`.
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {("coop" if field == "to_coop" else field): e for field, e in error.error_dict.items()}
        ) from None
    return _entry(request.auth, id)


@router.post(
    "/briefs/inbox/{id}/outcome",
    response=BriefEntryOut,
    throttle=[WriteThrottle()],
    url_name="brief_inbox_outcome",
)
def record_outcome(request: HttpRequest, id: int, payload: OutcomeIn):
    """Record whether the co-op won the work, and its value."""
    entry = _entry(request.auth, id)
    services.brief_record_outcome(
        actor=request.auth, recipient=entry, outcome=payload.outcome, value=payload.value
    )
    return _entry(request.auth, id)
