"""What the directory endpoints read and write.

Output schemas list public fields one by one, so a field added to a model never leaks into
the API unnoticed (`self_edited_fields`, `search_tags` and imported raw data stay inside).
"""

import datetime
import enum
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from coopnet.directory.models import DESCRIPTION_MAX_LENGTH, SIZE_BANDS, Coop


def _absolute(context: dict | None, path: str) -> str:
    request: HttpRequest | None = (context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


class TermRef(Schema):
    slug: str
    name: str


class ServiceOut(Schema):
    slug: str
    name: str
    description: str
    group: TermRef | None
    synonyms: list[str]
    coop_count: int = Field(description="Member co-ops offering it.")

    @staticmethod
    def resolve_synonyms(obj) -> list[str]:
        return obj.synonym_list()


class TechnologyOut(Schema):
    slug: str
    name: str
    description: str
    website: str
    coop_count: int = Field(description="Member co-ops working with it.")


class SectorOut(Schema):
    slug: str
    name: str
    description: str
    coop_count: int = Field(description="Member co-ops in it or with clients in it.")


class ClientOut(Schema):
    slug: str
    name: str
    website: str
    sector: TermRef | None
    coop_count: int = Field(description="Member co-ops that have worked for it.")


class CoopSummary(Schema):
    """A result card: enough to choose which co-ops to look at."""

    slug: str
    name: str
    status: str
    locality: str
    region: str
    country: str
    website: str
    workers: int | None
    worker_owners: int | None
    availability: str
    sector: TermRef | None
    services: list[TermRef]
    technologies: list[TermRef]
    updated_at: datetime.datetime
    profile_url: str = Field(description="The co-op's page on this site.")
    api_url: str = Field(description="This co-op's detail in the API.")

    @staticmethod
    def resolve_profile_url(obj, context) -> str:
        return _absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_api_url(obj, context) -> str:
        return _absolute(context, reverse("api:coop_detail", args=[obj.slug]))


class CaseStudyOut(Schema):
    slug: str
    title: str
    client_name: str
    summary: str = Field(description="Markdown.")
    year: int | None
    links: list[Any]


class SourceOut(Schema):
    source: str
    source_id: str
    url: str


class CoopDetail(Schema):
    """Every public field of a co-op's profile."""

    slug: str
    name: str
    description: str = Field(description="Markdown, as the co-op wrote it.")
    website: str
    email: str
    phone: str
    social_links: dict[str, Any]
    logo: str | None = Field(description="Address of the co-op's logo, if it uploaded one.")
    legal_form: str
    registration_number: str
    registrar: str
    founded_on: datetime.date | None
    founded_precision: str
    status: str
    joined_on: datetime.date | None
    joined_precision: str
    left_on: datetime.date | None
    left_precision: str
    worker_owners: int | None
    workers: int | None
    members_main_employment: int | None
    sector: TermRef | None
    address: str
    locality: str
    region: str
    postcode: str
    country: str
    other_countries: list[str]
    latitude: float | None
    longitude: float | None
    languages: list[str]
    day_rate_min: int | None
    day_rate_max: int | None
    day_rate_currency: str
    availability: str
    booked_until: datetime.date | None
    spare_capacity_days: int | None
    availability_updated_at: datetime.datetime | None
    services: list[TermRef]
    technologies: list[TermRef]
    clients: list[TermRef]
    case_studies: list[CaseStudyOut]
    sources: list[SourceOut]
    updated_at: datetime.datetime
    profile_url: str

    @staticmethod
    def resolve_logo(obj, context) -> str | None:
        return _absolute(context, obj.logo.url) if obj.logo else None

    @staticmethod
    def resolve_profile_url(obj, context) -> str:
        return _absolute(context, obj.get_absolute_url())


# "" is "any", as on the directory page.
SizeBand = Literal[("", *SIZE_BANDS)]  # type: ignore[valid-type]
AvailabilityFilter = Literal["", "open", "limited", "booked", "available"]


class CoopQuery(Schema):
    """The directory's filters: the same meaning as on the directory page."""

    q: str = Field("", max_length=200, description="Full-text search; results by relevance.")
    service: list[str] = Field([], description="Service slug; repeat to require several.")
    technology: list[str] = Field([], description="Technology slug; repeat to require several.")
    sector: str = Field("", description="Sector slug: the co-op's own or its clients'.")
    country: str = Field("", pattern=r"^([A-Za-z]{2})?$", description="ISO 3166 alpha-2 code.")
    region: str = ""
    size: SizeBand = Field("", description="Band of the number of workers.")
    availability: AvailabilityFilter = Field("", description="'available' means open or limited.")
    all: bool = Field(False, description="Include former members and known non-members.")


# Fields whose database column is never NULL: a JSON null sent for them means "clear it".
EMPTY_VALUES: dict[str, Any] = {
    "name": "",
    "description": "",
    "website": "",
    "email": "",
    "phone": "",
    "social_links": {},
    "legal_form": "",
    "registration_number": "",
    "registrar": "",
    "founded_precision": "",
    "address": "",
    "locality": "",
    "region": "",
    "postcode": "",
    "country": "",
    "languages": [],
    "day_rate_currency": "",
    "availability": "",
    "services": [],
    "technologies": [],
    "clients": [],
    "status": "",
    "joined_precision": "",
    "left_precision": "",
}


class CoopPatch(Schema):
    """A partial update: only the fields sent change. `null` clears a field."""

    # A misspelt or read-only field (`slug`, `worker_owner`) is an error, never silently lost.
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str | None = Field(
        None, max_length=DESCRIPTION_MAX_LENGTH, description="Markdown."
    )
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    social_links: dict[str, str] | None = Field(None, description='For example {"github": url}.')
    legal_form: str | None = None
    registration_number: str | None = None
    registrar: str | None = None
    founded_on: datetime.date | None = None
    founded_precision: Coop.DatePrecision | Literal[""] | None = None
    worker_owners: int | None = Field(None, ge=0)
    workers: int | None = Field(None, ge=0)
    members_main_employment: int | None = Field(None, ge=0)
    address: str | None = None
    locality: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = Field(None, description="ISO 3166 alpha-2 code.")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    languages: list[str] | None = Field(None, description="ISO 639 codes, such as en or cy.")
    day_rate_min: int | None = Field(None, ge=0)
    day_rate_max: int | None = Field(None, ge=0)
    day_rate_currency: str | None = Field(None, description="ISO 4217 code, such as GBP.")
    availability: Coop.Availability | None = None
    booked_until: datetime.date | None = None
    spare_capacity_days: int | None = Field(None, ge=0)
    services: list[str] | None = Field(None, description="Slugs; replaces the whole list.")
    technologies: list[str] | None = Field(None, description="Slugs; replaces the whole list.")
    clients: list[str] | None = Field(None, description="Slugs; replaces the whole list.")
    # Coordinators only: a worker-owner who sends any of these gets 403.
    status: Coop.Status | None = Field(None, description="Coordinators only.")
    joined_on: datetime.date | None = Field(None, description="Coordinators only.")
    joined_precision: Coop.DatePrecision | Literal[""] | None = Field(
        None, description="Coordinators only."
    )
    left_on: datetime.date | None = Field(None, description="Coordinators only.")
    left_precision: Coop.DatePrecision | Literal[""] | None = Field(
        None, description="Coordinators only."
    )

    @field_validator("country", "day_rate_currency")
    @classmethod
    def upper_case_code(cls, value: str | None) -> str | None:
        return value.strip().upper() if value else value

    @field_validator("languages")
    @classmethod
    def lower_case_codes(cls, value: list[str] | None) -> list[str] | None:
        # Whether each is a known code is checked with the other rules (coop_edit_errors).
        return [code.strip().lower() for code in value] if value else value

    def changes(self) -> dict[str, Any]:
        """The fields the client sent, nulls turned into the empty value of their column."""
        data = self.model_dump(exclude_unset=True)
        for field, value in data.items():
            if value is None and field in EMPTY_VALUES:
                data[field] = EMPTY_VALUES[field]
            elif isinstance(value, enum.Enum):
                data[field] = value.value  # a choice: store the plain string, as forms do
        return data


class MembershipOut(Schema):
    coop: TermRef
    roles: list[str] = Field(description="worker_owner, and delegate or profile_admin if so.")


class MeOut(Schema):
    username: str
    display_name: str
    email: str
    is_coordinator: bool
    memberships: list[MembershipOut]


def membership_roles(membership) -> list[str]:
    roles = ["worker_owner"]
    if membership.is_delegate:
        roles.append("delegate")
    if membership.is_profile_admin:
        roles.append("profile_admin")
    return roles
