"""`coopnet-json`: the project's own export (`coopnet.directory.exports.directory_document`).

Every co-op entry becomes a record in which every key the entry holds is present, empty values
included: the export states the whole profile, so an empty email means "no email". Keys the
export gives for information (`url`, `logo`, dates of the last update) are not written back.
Terms take their names and descriptions from the document's top-level lists. Profile fields
outside the record contract (day rates, availability, languages...) travel in `record.extra`,
and the co-op's `sources` in `record.other_sources`, so that a directory restored from an
export still recognises its sources' records when they are imported again.

A record's `source_id` is the co-op's page at the exporting network, unique across networks;
the merge engine recognises this network's own pages and updates those co-ops in place, so
an export re-imports into the same directory without a change.
"""

import datetime
import json
from typing import Any

from coopnet.directory.importers.records import (
    CaseStudyRecord,
    ClientRecord,
    CoopRecord,
    ParsedSource,
    RecordError,
    TermRecord,
)

NAME = "coopnet-json"
FORMAT = "coopnet-json"
SUPPORTED_VERSIONS = frozenset({1})

DATE_FIELDS = frozenset({"founded_on", "joined_on", "left_on", "booked_until"})
TEXT_FIELDS = frozenset(
    "name description website email phone logo_url legal_form registration_number registrar"
    " founded_precision joined_precision left_precision address locality region postcode country"
    " day_rate_currency availability".split()
)
INT_FIELDS = frozenset(
    "worker_owners workers members_main_employment day_rate_min day_rate_max"
    " spare_capacity_days".split()
)
FLOAT_FIELDS = frozenset({"latitude", "longitude"})
LIST_FIELDS = frozenset({"other_countries", "languages"})


# Profile fields outside the record contract's own: they travel in `CoopRecord.extra`.
EXTRA_FIELDS = frozenset(
    "members_main_employment languages day_rate_min day_rate_max day_rate_currency availability"
    " booked_until spare_capacity_days".split()
)


def _value(name: str, value: Any) -> Any:
    if name in DATE_FIELDS:
        if value in (None, ""):
            return None
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"`{name}` is not an ISO date: {value!r}") from None
    if name in TEXT_FIELDS:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError(f"`{name}` should be text, got {value!r}")
        return value
    if name in INT_FIELDS:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"`{name}` should be a whole number, got {value!r}")
        return value
    if name in FLOAT_FIELDS:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"`{name}` should be a number, got {value!r}")
        return float(value)
    if name in LIST_FIELDS:
        if not isinstance(value, list):
            raise ValueError(f"`{name}` should be a list, got {value!r}")
        return [str(v) for v in value]
    if name == "social_links":
        if not isinstance(value, dict):
            raise ValueError(f"`social_links` should be a mapping, got {value!r}")
        return {str(k): str(v) for k, v in value.items()}
    raise AssertionError(name)


FIELDS = DATE_FIELDS | TEXT_FIELDS | INT_FIELDS | FLOAT_FIELDS | LIST_FIELDS | {"social_links"}


def _definitions(document: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {item["slug"]: item for item in document.get(kind) or [] if item.get("slug")}


def _terms(entry: dict[str, Any], kind: str, defined: dict[str, dict[str, Any]]) -> list:
    items = entry.get(kind)
    if not isinstance(items, list):
        raise ValueError(f"`{kind}` should be a list of {{slug, name}}")
    terms = []
    for item in items:
        slug = item.get("slug") if isinstance(item, dict) else None
        if not slug:
            raise ValueError(f"`{kind}` holds an item without a slug: {item!r}")
        definition = {**item, **defined.get(slug, {})}
        if kind == "clients":
            terms.append(
                ClientRecord(
                    slug=slug,
                    name=definition.get("name") or "",
                    website=definition.get("website") or "",
                )
            )
        else:
            terms.append(
                TermRecord(
                    slug=slug,
                    name=definition.get("name") or "",
                    description=definition.get("description") or "",
                    website=definition.get("website") or "",
                )
            )
    return terms


def coop_record(entry: dict[str, Any], document: dict[str, Any]) -> CoopRecord:
    slug = entry.get("slug")
    if not slug or not isinstance(slug, str):
        raise ValueError("no `slug`")
    url = entry.get("url") or ""
    record = CoopRecord(
        source=NAME,
        source_id=url or slug,
        source_url=url,
        slug_hint=slug,
        name=entry.get("name") or "",
    )
    if not record.name:
        raise ValueError("no `name`")
    status = entry.get("status")
    if status not in (None, "member", "former", "applicant", "observed"):
        raise ValueError(f"unknown `status` {status!r}")
    record.status = status
    for name in sorted(FIELDS & entry.keys()):
        if name in EXTRA_FIELDS:
            record.extra[name] = _value(name, entry[name])
        else:
            setattr(record, name, _value(name, entry[name]))
            record.present.add(name)
    sources = entry.get("sources") or []
    if not isinstance(sources, list):
        raise ValueError("`sources` should be a list of {source, source_id, url}")
    record.other_sources = [
        (str(s["source"]), str(s["source_id"]), str(s.get("url") or ""))
        for s in sources
        if isinstance(s, dict) and s.get("source") and s.get("source_id")
    ]
    if "sector" in entry:
        sector = entry["sector"]
        if sector is not None and not (isinstance(sector, dict) and sector.get("slug")):
            raise ValueError(f"`sector` should be {{slug, name}} or null, got {sector!r}")
        if sector:
            defined = _definitions(document, "sectors").get(sector["slug"], {})
            record.sector = TermRecord(
                slug=sector["slug"],
                name={**sector, **defined}.get("name") or "",
                description=defined.get("description") or "",
            )
            record.present.add("sector")
    for kind in ("services", "technologies", "clients"):
        if kind in entry:
            setattr(record, kind, _terms(entry, kind, _definitions(document, kind)))
            record.present.add(kind)
    return record


def case_study_record(item: dict[str, Any]) -> CaseStudyRecord:
    if not item.get("slug") or not item.get("title"):
        raise ValueError("a case study needs a `slug` and a `title`")
    return CaseStudyRecord(
        slug=item["slug"],
        title=item["title"],
        client_name=item.get("client_name") or "",
        summary=item.get("summary") or "",
        services_text=item.get("services_text") or "",
        links=list(item.get("links") or []),
        coop_names=[c["name"] for c in item.get("coops") or [] if c.get("name")],
        year=item.get("year"),
    )


def parse_document(document: Any) -> ParsedSource:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f'not a {FORMAT} document: no "format": "{FORMAT}"')
    if document.get("version") not in SUPPORTED_VERSIONS:
        raise ValueError(
            f"{FORMAT} version {document.get('version')!r} is not one this reader knows "
            f"({', '.join(map(str, sorted(SUPPORTED_VERSIONS)))})"
        )
    parsed = ParsedSource()
    for position, entry in enumerate(document.get("coops") or [], start=1):
        record_id = str(entry.get("slug") or f"coop {position}") if isinstance(entry, dict) else ""
        try:
            if not isinstance(entry, dict):
                raise ValueError("a co-op entry should be an object")
            parsed.records.append(coop_record(entry, document))
        except ValueError as error:
            parsed.errors.append(RecordError(record_id or f"coop {position}", str(error)))
    for position, item in enumerate(document.get("case_studies") or [], start=1):
        try:
            parsed.case_studies.append(case_study_record(item))
        except (ValueError, AttributeError, TypeError) as error:
            record_id = item.get("slug") if isinstance(item, dict) else None
            parsed.errors.append(RecordError(f"case study {record_id or position}", str(error)))
    return parsed


def read(path: str) -> ParsedSource:
    with open(path, encoding="utf-8") as file:
        try:
            document = json.load(file)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path} is not JSON: {error}") from None
    return parse_document(document)
