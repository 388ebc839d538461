"""What every directory importer produces: plain records, before anything touches the database.

A format module (one per source format) reads files and yields `CoopRecord`s; the merge engine
(`coopnet.directory.importers.merge`) matches each record to an existing co-op (or creates one)
and applies it. Keeping parsing free of the database makes each format easy to test on the real
files in ../shared/data.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

DatePrecision = Literal["year", "month", "day", "on_or_before", ""]
Status = Literal["member", "former", "applicant", "observed"]


@dataclass
class TermRecord:
    """A service, technology or sector by stable slug; name/description only when the source
    defines the term (a slug a co-op uses without a taxonomy file keeps a name made from it)."""

    slug: str
    name: str = ""
    description: str = ""
    website: str = ""


@dataclass
class ClientRecord:
    slug: str
    name: str = ""
    website: str = ""


@dataclass
class CaseStudyRecord:
    slug: str
    title: str
    client_name: str = ""
    summary: str = ""  # Markdown
    services_text: str = ""
    links: list[str] = field(default_factory=list)
    coop_names: list[str] = field(default_factory=list)  # as the source names them
    year: int | None = None


@dataclass
class CoopRecord:
    """One co-op as one source describes it.

    `present` lists the Coop field names (and "services", "technologies", "clients") that the
    source actually gave for this record: the merge engine touches only those, so a field
    missing from a file leaves the stored value alone. `set_present()` fills it from the
    non-empty values; a format sets it by hand when an empty value is meaningful.
    """

    source: str  # the format name, e.g. "cotech-jekyll"
    source_id: str  # stable within the source, e.g. the Jekyll file's slug
    name: str
    source_url: str = ""
    slug_hint: str = ""
    status: Status | None = None  # None: the engine decides (observed, or member with --members)
    description: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    social_links: dict[str, str] = field(default_factory=dict)
    logo_url: str = ""
    legal_form: str = ""
    registration_number: str = ""
    registrar: str = ""
    founded_on: datetime.date | None = None
    founded_precision: DatePrecision = ""
    joined_on: datetime.date | None = None
    joined_precision: DatePrecision = ""
    left_on: datetime.date | None = None
    left_precision: DatePrecision = ""
    worker_owners: int | None = None
    workers: int | None = None
    sector: TermRecord | None = None  # the co-op's own sector
    address: str = ""
    locality: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""  # ISO 3166 alpha-2, upper case
    other_countries: list[str] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    services: list[TermRecord] = field(default_factory=list)
    technologies: list[TermRecord] = field(default_factory=list)
    clients: list[ClientRecord] = field(default_factory=list)
    # extra slugs of this same co-op at the source (e.g. dot-project and the-dot-project)
    aliases: list[str] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    # (source, source_id, url) of other sources that describe this same co-op: a Coopnet export
    # lists them, so that a restored directory still recognises its sources' records.
    other_sources: list[tuple[str, str, str]] = field(default_factory=list)
    # Coop fields beyond the ones above (availability, day rates, languages...), by field name,
    # for formats that carry them; each key counts as present. See merge.EXTRA_FIELDS.
    extra: dict[str, Any] = field(default_factory=dict)

    SCALAR_FIELDS = (
        "name description website email phone social_links logo_url legal_form "
        "registration_number registrar founded_on founded_precision joined_on joined_precision "
        "left_on left_precision worker_owners workers sector address locality region postcode "
        "country other_countries latitude longitude"
    ).split()
    RELATED_FIELDS = ("services", "technologies", "clients")

    def set_present(self) -> "CoopRecord":
        for name in (*self.SCALAR_FIELDS, *self.RELATED_FIELDS):
            value = getattr(self, name)
            if value not in (None, "", [], {}):
                self.present.add(name)
        return self


class RecordError(ValueError):
    """A record the source holds but that cannot be imported; the rest go on."""

    def __init__(self, record_id: str, reason: str):
        super().__init__(f"{record_id}: {reason}")
        self.record_id = record_id
        self.reason = reason


@dataclass
class ParsedSource:
    """What a format module returns: the records, the bad ones, and any case studies."""

    records: list[CoopRecord] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    case_studies: list[CaseStudyRecord] = field(default_factory=list)


class FormatReader(Protocol):
    """Each format module exposes `NAME` and `read(path) -> ParsedSource`."""

    NAME: str

    def read(self, path: str) -> ParsedSource: ...


def iter_records(parsed: ParsedSource) -> Iterator[CoopRecord]:
    yield from parsed.records
