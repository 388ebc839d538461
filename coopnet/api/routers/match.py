"""The matching API: a brief in plain words to a ranked, explained shortlist.

Public like the directory's reads (a token is optional), but throttled per caller: matching
costs more than a list, and a client in a loop must not slow it down for everyone.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.schema import DjangoGetter
from ninja.throttling import SimpleRateThrottle
from pydantic import ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from coopnet.accounts.ratelimit import client_ip
from coopnet.api.auth import OPTIONAL_TOKEN_OPENAPI, optional_token_auth
from coopnet.hire import history
from coopnet.hire.matching import BriefNeeds, match_coops, outcome_payload, validate_needs

router = Router(tags=["matching"], auth=optional_token_auth)

MATCH_RATE = "60/min"
MAX_TERMS = 20


class MatchThrottle(SimpleRateThrottle):
    """Match requests per person (by token owner) or, for visitors, per address."""

    scope = "api_match"

    def __init__(self, rate: str = MATCH_RATE) -> None:
        super().__init__(rate)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "auth", None)
        if user is not None and getattr(user, "is_authenticated", False):
            ident = f"user:{user.pk}"
        else:
            ident = f"ip:{client_ip(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


MATCH_THROTTLE = MatchThrottle()


class MatchIn(Schema):
    """A brief to match: what `POST /api/v1/match` takes, and the one place its rules live.

    `manage.py match` validates its options through this schema too, so that the command
    refuses exactly what the API refuses.
    """

    # A misspelt field ("servics") would otherwise drop a filter without a word; and a number
    # sent as a string or a boolean is a client's bug better told than guessed at.
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., min_length=1, max_length=5000, description="The brief, in plain words.")
    services: list[str] = Field(default_factory=list, max_length=MAX_TERMS)
    technologies: list[str] = Field(default_factory=list, max_length=MAX_TERMS)
    sector: str = Field("", max_length=150, description="A sector slug: the client's own.")
    location: str = Field("", max_length=200, description="Where the client is, in words.")
    remote_ok: bool = Field(
        True, strict=True, description="False when the work needs someone near."
    )
    effort_days: int | None = Field(None, ge=1, le=100_000, strict=True, description="Person-days.")
    timeline_months: float | None = Field(None, gt=0, le=60, strict=True)
    limit: int = Field(10, ge=1, le=50, strict=True)

    @model_validator(mode="before")
    @classmethod
    def body_is_an_object(cls, data: Any) -> Any:
        # Without this, an array or a string reads as an object with no fields: "text: Field
        # required" would send the client looking in the wrong place. ninja validates the body
        # as sent first (extra="forbid" makes it), then again wrapped in its DjangoGetter.
        if not isinstance(data, (dict, DjangoGetter)):
            raise PydanticCustomError("json_object", _("The request body must be a JSON object."))
        return data

    def needs(self) -> BriefNeeds:
        """The brief for the matching engine; a term named twice counts once."""
        return BriefNeeds(
            text=self.text,
            services=list(dict.fromkeys(self.services)),
            technologies=list(dict.fromkeys(self.technologies)),
            sector=self.sector,
            location=self.location,
            remote_ok=self.remote_ok,
            effort_days=self.effort_days,
            timeline_months=self.timeline_months,
        )


class MatchResultOut(Schema):
    coop: str
    name: str
    score: float
    reasons: list[str]


class NeedOut(Schema):
    key: str
    label: str


class TeamOut(Schema):
    lead: str
    members: list[str]
    covers: dict[str, list[str]]
    reasons: list[str]
    score: float
    exact: bool


class MatchOut(Schema):
    results: list[MatchResultOut]
    required: list[NeedOut]
    consortium: list[TeamOut] | None
    team_needed: bool = Field(
        description="No available member covers everything (or has the capacity), so teams "
        "were looked for: with `consortium` null, none could be formed."
    )
    uncoverable: list[NeedOut] = Field(description="Capabilities no member co-op has.")


@router.post(
    "/match",
    response=MatchOut,
    url_name="match",
    throttle=[MATCH_THROTTLE],
    openapi_extra=OPTIONAL_TOKEN_OPENAPI,
)
def match(request: HttpRequest, payload: MatchIn):
    """Rank member co-ops for a brief, best first, each with reasons a client understands.

    `consortium` is null unless no available member covers everything the brief needs (or
    none has the capacity for `effort_days`); then it lists up to three proposed teams, and
    `team_needed` is true. `team_needed` true with `consortium` null means no team could be
    formed: `uncoverable` names the capabilities nobody has, if that is why. For a
    coordinator or a member co-op's worker-owner, what co-ops said about similar past briefs
    counts too; for anyone else, only what the directory shows.
    """
    needs = payload.needs()
    validate_needs(needs)
    use_history = history.visible_to(getattr(request, "auth", None))
    return outcome_payload(match_coops(needs, limit=payload.limit, use_history=use_history))
