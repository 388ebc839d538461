"""The merge engine: turn parsed records into co-ops, one source at a time.

`directory_import` takes what a format module read (`ParsedSource`) and, record by record,
finds the co-op it describes (or creates one), writes what the record says and attaches the
record as a `CoopSource`. The rules, in order (docs/data-formats.md shows them on real data):

Matching, first rule that finds a co-op wins:
  1. `source`: a `CoopSource` with the record's (source, source_id), or one of its aliases;
     `self`: the record is this network's own page of a co-op (a re-imported export);
     `source` again: a `CoopSource` of another source the record lists (`other_sources`);
  2. `registration`: same registrar and registration number (normalised: upper case, no
     spaces; a number is unique only at its registrar);
  3. `domain`: same `website_domain()` (never a shared host such as facebook.com);
  4. `name`: same normalised name (accents folded; punctuation and words such as "co-op",
     "ltd" and "the" dropped) and same country (no country matches only no country);
     a normalised name under 3 characters ("Cooperative IT" is `it`) never matches.
  Rules 3 and 4 never join two co-ops that the same registrar numbers differently.

Writing:
  * only the fields in `record.present`; the status only moves up
    (observed < former < applicant < member), and a source that says again what it said
    last time does not move it; one exception: a record that dates a member's departure
    (`left_on` with status former, as the history gives) makes it former, unless it joined
    again after that date;
  * a new co-op takes every present field; a source attached to an existing co-op for the
    first time only fills the fields that are empty there (the co-op's other sources spoke
    first), and adds its taxonomy terms to the co-op's;
  * a source seen before writes a field only when its own value changed since it was last
    imported (`CoopSource.data` keeps what it said), so an edit made here stands until the
    source says something new; its taxonomy terms replace only the ones it gave last time;
  * a field the co-op edited itself since this source's last import is never overwritten,
    and is reported;
  * a value that fails validation (an email with a stray `/`) is left out and reported,
    and the rest of the record imports.

Each record is written in its own transaction, so a bad one rolls back alone and is reported
with its id and reason. Each created or updated co-op gets one audit row.
"""

import contextlib
import datetime
import importlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.db.models import Model, Q
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopnet.audit.services import audit_record
from coopnet.directory.importers.records import (
    CaseStudyRecord,
    ClientRecord,
    CoopRecord,
    ParsedSource,
    RecordError,
    TermRecord,
)
from coopnet.directory.models import (
    CaseStudy,
    Client,
    Coop,
    CoopSource,
    Sector,
    Service,
    Technology,
    website_domain,
)

# Profile fields beyond the record contract's that a format may carry (the project's own
# `coopnet-json` does); the engine writes them like the others when a record marks them present.
EXTRA_FIELDS = (
    "members_main_employment",
    "languages",
    "day_rate_min",
    "day_rate_max",
    "day_rate_currency",
    "availability",
    "booked_until",
    "spare_capacity_days",
)
SCALAR_FIELDS = (*CoopRecord.SCALAR_FIELDS, *EXTRA_FIELDS)
RELATED_FIELDS = CoopRecord.RELATED_FIELDS
TERM_MODELS: dict[str, type[Model]] = {
    "services": Service,
    "technologies": Technology,
    "clients": Client,
}
AVAILABILITY_FIELDS = frozenset({"availability", "booked_until", "spare_capacity_days"})
EMPTY = (None, "", [], {})

MATCH_RULES = {
    "source": "the same source record",
    "self": "this network's own page of the co-op",
    "registration": "registrar and registration number",
    "domain": "website domain",
    "name": "name and country",
}

# Words that say what kind of organisation it is, not which one.
NAME_NOISE = frozenset("the co op coop cooperative ltd limited cic llp".split())
_CO_OP = re.compile(r"\bco-?op(?:erative)?\b")
# A shorter normalised name says too little to merge on: "Cooperative IT" is `it`, "PA
# Co-operative" is `pa`. Such co-ops still match by registration or website.
SHORTEST_NAME_KEY = 3


def normalised_name(name: str) -> str:
    """`Form & Function Digital Co-operative` -> `form and function digital`."""
    folded = unicodedata.normalize("NFKD", name or "")
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    folded = _CO_OP.sub(" ", folded.replace("&", " and "))
    return " ".join(w for w in re.findall(r"[^\W_]+", folded) if w not in NAME_NOISE)


def normalised_registration(number: str) -> str:
    return re.sub(r"\s+", "", number or "").upper()


def normalised_registrar(registrar: str) -> str:
    return " ".join((registrar or "").split()).casefold()


def term_name_from_slug(slug: str) -> str:
    """What an undefined slug is called: `web apps` or `web-apps` -> `Web apps`."""
    return re.sub(r"[-_\s]+", " ", slug).strip().capitalize()


@dataclass
class RecordOutcome:
    record_id: str
    coop_slug: str
    action: str  # "created", "updated" or "unchanged"
    matched_by: str = ""  # a key of MATCH_RULES; "" when the record made a new co-op
    merged: bool = False  # the record joined a co-op that other records made
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    kept_self_edits: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # invalid values, why, and what was kept
    note: str = ""


@dataclass
class ImportSummary:
    """What one import did, record by record; `lines()` is what the command prints."""

    format_name: str
    dry_run: bool = False
    outcomes: list[RecordOutcome] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    case_studies: dict[str, list[str]] = field(
        default_factory=lambda: {"created": [], "updated": [], "unchanged": []}
    )

    def _with(self, action: str) -> list[RecordOutcome]:
        return [o for o in self.outcomes if o.action == action]

    @property
    def created(self) -> list[RecordOutcome]:
        return self._with("created")

    @property
    def updated(self) -> list[RecordOutcome]:
        return self._with("updated")

    @property
    def unchanged(self) -> list[RecordOutcome]:
        return self._with("unchanged")

    @property
    def merged(self) -> list[RecordOutcome]:
        return [o for o in self.outcomes if o.merged]

    @property
    def kept_self_edits(self) -> list[tuple[str, str]]:
        return [(o.coop_slug, name) for o in self.outcomes for name in o.kept_self_edits]

    @property
    def left_out(self) -> list[tuple[str, str]]:
        return [(o.record_id, problem) for o in self.outcomes for problem in o.left_out]

    def lines(self) -> list[str]:
        heading = f"Import of {self.format_name}" + (
            " (dry run: nothing saved)" if self.dry_run else ""
        )
        lines = [
            heading,
            f"  created: {len(self.created)}",
            f"  updated: {len(self.updated)}",
            f"  unchanged: {len(self.unchanged)}",
            f"  merged into an existing co-op: {len(self.merged)}",
        ]
        lines += [
            f"    {o.record_id} -> {o.coop_slug} (by {MATCH_RULES[o.matched_by]})"
            + (f"; {o.note}" if o.note else "")
            for o in self.merged
        ]
        lines.append(f"  self-edited fields kept: {len(self.kept_self_edits)}")
        lines += [f"    {slug}: {name}" for slug, name in self.kept_self_edits]
        if self.left_out:
            lines.append(
                f"  invalid values left out (the rest of the record imported): {len(self.left_out)}"
            )
            lines += [f"    {record_id}: {problem}" for record_id, problem in self.left_out]
        if any(self.case_studies.values()):
            lines.append(
                "  case studies: "
                + ", ".join(f"{len(v)} {k}" for k, v in self.case_studies.items())
            )
        lines.append(f"  errors: {len(self.errors)}")
        lines += [f"    {e.record_id}: {e.reason}" for e in self.errors]
        return lines


class CoopIndex:
    """The keys that matching compares, for every co-op, read in one query per import.

    One pass over the table beats one `LIKE` per record on a large directory, and lets the
    domain and name rules compare normalised values that the database does not store.
    """

    def __init__(self) -> None:
        self.by_registration: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.by_domain: dict[str, set[int]] = defaultdict(set)
        self.by_name: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.by_bare_name: dict[str, set[int]] = defaultdict(set)
        self.registration_of: dict[int, tuple[str, str]] = {}
        self.keys_of: dict[int, list[tuple[dict, Any]]] = {}
        for coop in Coop.objects.only(
            "id", "name", "website", "country", "registrar", "registration_number"
        ):
            self.add(coop)

    def add(self, coop: Coop) -> None:
        self.remove(coop.pk)
        keys: list[tuple[dict, Any]] = []
        registration = (
            normalised_registrar(coop.registrar),
            normalised_registration(coop.registration_number),
        )
        if all(registration):
            keys.append((self.by_registration, registration))
            self.registration_of[coop.pk] = registration
        if domain := website_domain(coop.website):
            keys.append((self.by_domain, domain))
        if name := normalised_name(coop.name):
            keys.append((self.by_name, (name, coop.country.upper())))
            keys.append((self.by_bare_name, name))
            keys.append((self.by_bare_name, name.replace(" ", "")))
        for table, key in keys:
            table[key].add(coop.pk)
        self.keys_of[coop.pk] = keys

    def remove(self, pk: int) -> None:
        for table, key in self.keys_of.pop(pk, []):
            table[key].discard(pk)
        self.registration_of.pop(pk, None)

    def find(self, record: CoopRecord) -> tuple[int | None, str, list[int]]:
        """The co-op that rules 2 to 4 match (lowest id first), the rule, and the others."""
        registration = (
            normalised_registrar(record.registrar),
            normalised_registration(record.registration_number),
        )
        if all(registration) and (found := sorted(self.by_registration.get(registration, ()))):
            return found[0], "registration", found[1:]

        def compatible(pk: int) -> bool:
            theirs = self.registration_of.get(pk)
            return not (all(registration) and theirs and theirs[0] == registration[0])

        name = normalised_name(record.name)
        for rule, table, key in (
            ("domain", self.by_domain, website_domain(record.website)),
            ("name", self.by_name, (name, record.country.upper())),
        ):
            if rule == "name" and len(name) < SHORTEST_NAME_KEY:
                continue
            if key:
                found = sorted(pk for pk in table.get(key, ()) if compatible(pk))
                if found:
                    return found[0], rule, found[1:]
        return None, "", []

    def find_by_name(self, name: str) -> list[int]:
        """Co-ops a case study names, whatever their country: by normalised name, then with
        the spaces gone (`Data Content Reach` is `DataContentReach`)."""
        key = normalised_name(name)
        return sorted(
            self.by_bare_name.get(key) or self.by_bare_name.get(key.replace(" ", "")) or []
        )


def _plain(value: Any) -> Any:
    """A value as JSON holds it: what `CoopSource.data` keeps and what comparisons use."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, TermRecord):
        return slugify(value.slug)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _record_value(record: CoopRecord, name: str) -> Any:
    value = record.extra[name] if name in EXTRA_FIELDS else getattr(record, name)
    if name == "registration_number":
        return normalised_registration(value)
    if name == "country":
        return (value or "").upper()
    if name == "other_countries":
        return [c.upper() for c in value]
    return value


def _coop_value(coop: Coop, name: str) -> Any:
    if name == "sector":
        return coop.sector.slug if coop.sector_id else None
    if name in RELATED_FIELDS:
        return sorted(getattr(coop, name).values_list("slug", flat=True)) if coop.pk else []
    return getattr(coop, name)


def _edited_since(coop: Coop, name: str, source_row: CoopSource | None) -> bool:
    """Did the co-op edit this field itself? Then its own word stands against every import.

    (A source's `last_imported_at` moves whenever any of its fields changes, even one kept
    here, so it cannot tell when this field was last written: the edit always wins.)
    """
    return name in (coop.self_edited_fields or {})


def _sectors_module():
    """`coopnet.directory.sectors` (the client-sector rules) when it exists, else None."""
    try:
        sectors = importlib.import_module("coopnet.directory.sectors")
    except ModuleNotFoundError as error:
        if error.name != "coopnet.directory.sectors":
            raise
        return None
    return sectors if hasattr(sectors, "infer_sector") else None


def _sector(slug: str, name: str = "", description: str = "") -> Sector:
    sector, created = Sector.objects.get_or_create(
        slug=slug, defaults={"name": name or term_name_from_slug(slug), "description": description}
    )
    if not created and name and (sector.name, sector.description) != (name, description):
        sector.name, sector.description = name, description or sector.description
        sector.save(update_fields=["name", "description"])
    return sector


def _client_on_create(client: Client) -> None:
    """A new client gets the sector the rules infer from its name and website, if any."""
    sectors = _sectors_module()
    sector_slug = sectors.infer_sector(client.name, client.website) if sectors else None
    if not sector_slug:
        return
    sector = Sector.objects.filter(slug=sector_slug).first()
    if sector is None and hasattr(sectors, "ensure_sectors"):
        sector = sectors.ensure_sectors().get(sector_slug)  # their names and descriptions
    client.sector = sector or _sector(sector_slug)
    client.sector_source = Client.SectorSource.INFERRED
    client.save(update_fields=["sector", "sector_source"])


def _valid_url(url: str) -> str:
    """The URL, or "" when it would not validate: a term's bad link is not worth a co-op."""
    try:
        URLValidator()(url)
    except ValidationError:
        return ""
    return url if len(url) <= 200 else ""


def resolve_terms(kind: str, items: Iterable[TermRecord | ClientRecord]) -> list[Model]:
    """The taxonomy rows for `items`, by slug: created when new (an undefined term is named
    from its slug), renamed when the source defines a term differently. A new client gets an
    inferred sector; a client's sector is never touched here otherwise."""
    model = TERM_MODELS[kind]
    wanted: dict[str, TermRecord | ClientRecord] = {}
    for item in items:
        if slug := slugify(item.slug)[:150]:
            wanted.setdefault(slug, item)
    existing = {t.slug: t for t in model.objects.filter(slug__in=wanted)}
    terms = []
    for slug, item in wanted.items():
        values = {"name": item.name.strip()[:150]}
        if isinstance(item, TermRecord) and kind == "services":
            values["description"] = item.description
        elif isinstance(item, TermRecord):
            values.update(description=item.description, website=_valid_url(item.website))
        else:
            values["website"] = _valid_url(item.website)
        term = existing.get(slug)
        if term is None:
            term = model(
                slug=slug, **{**values, "name": values["name"] or term_name_from_slug(slug)}
            )
            term.full_clean()
            term.save()
            if kind == "clients":
                _client_on_create(term)
        elif values["name"]:  # the source defines the term: its words win
            changed = [k for k, v in values.items() if v and getattr(term, k) != v]
            if changed:
                for k in changed:
                    setattr(term, k, values[k])
                term.save(update_fields=changed)
        terms.append(term)
    return terms


def unique_slug(base: str) -> str:
    root = slugify(base)[:190].strip("-") or "coop"
    candidate, n = root, 1
    while Coop.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{root}-{n}"
    return candidate


def _own_coop(record: CoopRecord) -> Coop | None:
    """The co-op whose page on this network the record comes from (an export read back)."""
    if not record.source_url.startswith(settings.SITE_URL.rstrip("/") + "/"):
        return None
    try:
        match = resolve(urlsplit(record.source_url).path)
    except Resolver404:
        return None
    if match.view_name != "directory:coop":
        return None
    return Coop.objects.filter(slug=match.kwargs.get("slug")).first()


def _match(
    record: CoopRecord, index: CoopIndex
) -> tuple[Coop | None, CoopSource | None, str, list[int]]:
    """The co-op the record describes, the record's own `CoopSource` if it has one, the rule
    that matched, and other co-ops the same rule also matched."""
    ids = [record.source_id, *record.aliases]
    rows = {
        row.source_id: row
        for row in CoopSource.objects.filter(source=record.source, source_id__in=ids)
        .select_related("coop")
        .select_for_update()
    }
    for source_id in ids:
        if source_id in rows:
            row = rows[source_id]
            if source_id != record.source_id:
                row.source_id = record.source_id  # the record now goes by its newer id
                row.save(update_fields=["source_id"])
            return row.coop, row, "source", []
    if own := _own_coop(record):
        return own, None, "self", []
    if record.other_sources:
        known = Q()
        for source, source_id, _url in record.other_sources:
            known |= Q(source=source, source_id=source_id)
        row = CoopSource.objects.filter(known).select_related("coop").order_by("coop_id").first()
        if row:
            return row.coop, None, "source", []
    pk, rule, others = index.find(record)
    if pk is None:
        return None, None, "", []
    return Coop.objects.select_for_update().get(pk=pk), None, rule, others


def _validation_reason(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
    return " ".join(error.messages)


def _dated_departure(record: CoopRecord, coop: Coop) -> bool:
    """A record that dates a member's departure (the history's removal date) ends membership.

    Otherwise a status only moves up. A co-op that joined again after that date stays a member.
    """
    return (
        coop.status == Coop.Status.MEMBER
        and record.status == Coop.Status.FORMER
        and record.left_on is not None
        and (coop.joined_on is None or coop.joined_on <= record.left_on)
    )


def _apply(
    record: CoopRecord, *, format_name: str, members: bool, index: CoopIndex, now
) -> RecordOutcome:
    if not record.name.strip():
        raise RecordError(record.source_id, "no name")
    coop, source_row, rule, others = _match(record, index)
    created = coop is None
    merged = not created and source_row is None and rule != "self"
    authoritative = created or rule == "self"
    previous = dict(source_row.data) if source_row else {}
    if coop is None:
        coop = Coop(
            name=record.name,
            slug=unique_slug(record.slug_hint or record.name),
            status=record.status or (Coop.Status.MEMBER if members else Coop.Status.OBSERVED),
        )
    old_status = coop.status
    changes: dict[str, tuple[Any, Any]] = {}
    kept: list[str] = []
    data = dict(previous)
    originals: dict[str, Any] = {}
    m2m: dict[str, list[Model]] = {}

    unknown = record.extra.keys() - set(EXTRA_FIELDS)
    if unknown:
        raise RecordError(record.source_id, f"fields this engine does not know: {sorted(unknown)}")
    given_fields = record.present | record.extra.keys()
    names = [n for n in (*SCALAR_FIELDS, *RELATED_FIELDS) if n in given_fields]
    current_values = {name: _plain(_coop_value(coop, name)) for name in names}
    # A precision without its date is only the model's default, so it counts as a gap that
    # fills together with the date (judged by the date as it stood before this record).
    undated = {
        f"{stem}_precision"
        for stem in ("founded", "joined", "left")
        if not getattr(coop, f"{stem}_on")
    }
    for name in names:
        given = _record_value(record, name)
        data[name] = _plain(given)
        current = current_values[name]
        if name in RELATED_FIELDS:
            given_slugs = sorted({slugify(t.slug) for t in given} - {""})
            data[name] = given_slugs
            if authoritative:
                target = set(given_slugs)
            else:
                earlier = set(previous.get(name) or []) if source_row else set()
                target = (set(current) - earlier) | set(given_slugs)
            new = sorted(target)
        elif name == "social_links" and not authoritative:
            new = {**(current or {}), **_plain(given)}
        else:
            new = _plain(given)
        if new == current:
            continue
        if not created and _edited_since(coop, name, source_row):
            kept.append(name)
            continue
        if not authoritative:
            is_gap = current in EMPTY or name in undated
            if source_row is None and not is_gap and name not in RELATED_FIELDS:
                continue  # a newly attached source only fills gaps
            if source_row is not None and previous.get(name) == data[name]:
                continue  # the source says what it said before: an edit made here stands
        if name in RELATED_FIELDS:
            by_slug = {slugify(t.slug): t for t in given}
            keep = list(getattr(coop, name).all()) if coop.pk else []
            m2m[name] = [t for t in keep if t.slug in target and t.slug not in by_slug]
            m2m[name] += resolve_terms(name, by_slug.values())
        elif name == "sector":
            coop.sector = (
                _sector(slugify(given.slug), given.name, given.description) if given else None
            )
        elif name == "social_links":
            originals[name] = coop.social_links
            coop.social_links = new
        else:
            originals[name] = getattr(coop, name)
            setattr(coop, name, given)
        changes[name] = (current, new)

    wanted_status = record.status or (Coop.Status.MEMBER if members else Coop.Status.OBSERVED)
    said_before = previous.get("status") == wanted_status
    data["status"] = wanted_status
    if created or (
        not said_before and Coop.STATUS_RANK[wanted_status] > Coop.STATUS_RANK[coop.status]
    ):
        coop.status = wanted_status
    elif not said_before and _dated_departure(record, coop):
        coop.status = Coop.Status.FORMER
    if created or coop.status != old_status:
        changes["status"] = ("" if created else old_status, coop.status)

    left_out = _leave_out_invalid(coop, originals, changes, data, previous, record)
    scalar_changes = [n for n in changes if n not in RELATED_FIELDS]
    if created or scalar_changes:
        if changes.keys() & AVAILABILITY_FIELDS:
            coop.availability_updated_at = now
        coop.updated_at = now
        coop.save()
    for name, terms in m2m.items():
        getattr(coop, name).set(terms)
    if m2m and not scalar_changes and not created:
        Coop.objects.filter(pk=coop.pk).update(updated_at=now)

    sources_before = sorted(str(s) for s in coop.sources.all()) if not created else []
    if rule != "self":
        if source_row is None:
            source_row = CoopSource(coop=coop, source=record.source, source_id=record.source_id)
        if (
            source_row.pk is None
            or data != previous
            or changes
            or source_row.url != record.source_url
        ):
            source_row.url = record.source_url
            source_row.data = data
            source_row.last_imported_at = now
            source_row.save()
    for source, source_id, url in record.other_sources:
        if not CoopSource.objects.filter(source=source, source_id=source_id).exists():
            CoopSource.objects.create(
                coop=coop, source=source, source_id=source_id, url=url, last_imported_at=now
            )
    if merged:
        changes["sources"] = (sources_before, sorted(str(s) for s in coop.sources.all()))

    action = "created" if created else ("updated" if changes else "unchanged")
    note = ""
    if others:
        also = ", ".join(Coop.objects.filter(pk__in=others).values_list("slug", flat=True))
        note = f"also matched {also}"
    if changes:
        audit_record(
            actor=f"import:{format_name}",
            action="coop.import_create" if created else "coop.import_update",
            target=coop,
            changes=changes,
            note=f"{record.source}:{record.source_id}"
            + (f" matched by {MATCH_RULES[rule]}" if rule else "")
            + (f"; {note}" if note else ""),
        )
    return RecordOutcome(
        record_id=record.source_id,
        coop_slug=coop.slug,
        action=action,
        matched_by=rule,
        merged=merged,
        changes=changes,
        kept_self_edits=kept,
        left_out=left_out,
        note=note,
    )


def _leave_out_invalid(
    coop: Coop,
    originals: dict[str, Any],
    changes: dict[str, tuple[Any, Any]],
    data: dict[str, Any],
    previous: dict[str, Any],
    record: CoopRecord,
) -> list[str]:
    """Validate the co-op; a value the record gave that fails (an email with a stray `/`) is
    put back as it was and reported, so one typo does not cost the whole record. It is not
    kept in `CoopSource.data` either, so every run reports it until the source fixes it.
    Raises RecordError when what fails is not one of those values."""
    try:
        coop.full_clean(exclude=list(RELATED_FIELDS))
        return []
    except ValidationError as error:
        problems = error.message_dict if hasattr(error, "message_dict") else {}
        if not problems or not set(problems) <= originals.keys() - {"name"}:
            raise RecordError(record.source_id, _validation_reason(error)) from None
    left_out = []
    for name, messages in problems.items():
        left_out.append(f"{name} {getattr(coop, name)!r}: {' '.join(messages)}")
        setattr(coop, name, originals[name])
        changes.pop(name, None)
        if name in previous:
            data[name] = previous[name]
        else:
            data.pop(name, None)
    try:
        coop.full_clean(exclude=list(RELATED_FIELDS))
    except ValidationError as error:
        raise RecordError(record.source_id, _validation_reason(error)) from None
    return left_out


def _apply_case_study(item: CaseStudyRecord, index: CoopIndex) -> str:
    coops: list[int] = []
    for name in item.coop_names:
        found = index.find_by_name(name)
        if len(found) != 1:
            problem = "no co-op" if not found else f"{len(found)} co-ops"
            raise RecordError(f"case study {item.slug}", f"{problem} named {name!r}")
        coops.append(found[0])
    client = None
    if client_slug := slugify(item.client_name)[:150]:
        client = Client.objects.filter(slug=client_slug).first()
        if client is None:
            client = Client.objects.create(slug=client_slug, name=item.client_name.strip()[:150])
            _client_on_create(client)
    values = {
        "title": item.title,
        "client": client,
        "client_name": item.client_name,
        "summary": item.summary,
        "services_text": item.services_text[:500],
        "links": item.links,
    }
    if item.year is not None:
        values["year"] = item.year
    slug = slugify(item.slug)[:200]
    case_study = CaseStudy.objects.filter(slug=slug).first()
    if case_study is None:
        case_study = CaseStudy(slug=slug, **values)
        action = "created"
    else:
        changed = [k for k, v in values.items() if getattr(case_study, k) != v]
        for k in changed:
            setattr(case_study, k, values[k])
        action = "updated" if changed else "unchanged"
    try:
        case_study.full_clean()
    except ValidationError as error:
        raise RecordError(f"case study {item.slug}", _validation_reason(error)) from None
    if action != "unchanged":
        case_study.save()
    if sorted(case_study.coops.values_list("pk", flat=True)) != sorted(coops):
        case_study.coops.set(coops)
        action = "updated" if action == "unchanged" else action
    return action


def directory_import(
    *,
    parsed: ParsedSource,
    format_name: str,
    members: bool = False,
    dry_run: bool = False,
    progress: Callable[[], None] | None = None,
) -> ImportSummary:
    """Import every record of `parsed` and report what happened; never raises for a record.

    Promises: a record is matched, written and attached in its own transaction, so a bad
    record (reported in `summary.errors` with its id and reason) leaves no trace and the rest
    go on; running the same input twice changes nothing the second time; a co-op's status
    never moves down; fields the co-op edited itself since the last import are kept and
    reported; each created or updated co-op gets one audit row with `actor="import:<format>"`.
    With `dry_run`, everything is matched and written inside one transaction that is then
    rolled back: the summary says what would happen.
    """
    summary = ImportSummary(format_name=format_name, dry_run=dry_run)
    summary.errors.extend(parsed.errors)
    with transaction.atomic() if dry_run else contextlib.nullcontext():
        index = CoopIndex()
        now = timezone.now()
        for record in parsed.records:
            try:
                with transaction.atomic():
                    outcome = _apply(
                        record, format_name=format_name, members=members, index=index, now=now
                    )
            except RecordError as error:
                summary.errors.append(error)
            except ValidationError as error:
                summary.errors.append(RecordError(record.source_id, _validation_reason(error)))
            except (DatabaseError, ValueError) as error:
                summary.errors.append(RecordError(record.source_id, str(error)))
            else:
                summary.outcomes.append(outcome)
                if outcome.action != "unchanged":
                    index.add(Coop.objects.get(slug=outcome.coop_slug))
            if progress:
                progress()
        for item in parsed.case_studies:
            try:
                with transaction.atomic():
                    action = _apply_case_study(item, index)
            except RecordError as error:
                summary.errors.append(error)
            except ValidationError as error:
                summary.errors.append(
                    RecordError(f"case study {item.slug}", _validation_reason(error))
                )
            except (DatabaseError, ValueError) as error:
                summary.errors.append(RecordError(f"case study {item.slug}", str(error)))
            else:
                summary.case_studies[action].append(item.slug)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def coop_split_source(*, actor, source: CoopSource) -> Coop:
    """Move one wrongly merged source out of its co-op into a new co-op of its own.

    Promises: only a coordinator may split (PermissionDenied otherwise); the new co-op takes
    the values this source last imported (`CoopSource.data`) and its status, or "observed";
    the source then belongs to the new co-op, so later imports of it go there and never back;
    the co-op it leaves keeps its fields (they may have come from its other sources) and must
    keep at least one source; both co-ops get an audit row.
    """
    if not (actor and getattr(actor, "is_authenticated", False) and actor.is_coordinator):
        raise PermissionDenied(_("Only a coordinator can split a merged co-op."))
    with transaction.atomic():
        source = CoopSource.objects.select_for_update().select_related("coop").get(pk=source.pk)
        old_coop = source.coop
        sources_before = sorted(str(s) for s in old_coop.sources.all())
        if len(sources_before) < 2:
            raise ValidationError(_("This co-op has only this source: there is nothing to split."))
        data = source.data or {}
        new_coop = Coop(
            name=(data.get("name") or source.source_id)[:200],
            slug=unique_slug(data.get("name") or source.source_id),
            status=data.get("status") or Coop.Status.OBSERVED,
        )
        for name in SCALAR_FIELDS:
            if name in data and name not in ("name", "sector"):
                model_field = Coop._meta.get_field(name)
                setattr(new_coop, name, model_field.to_python(data[name]))
        if data.get("sector"):
            new_coop.sector = Sector.objects.filter(slug=data["sector"]).first()
        new_coop.full_clean(exclude=list(RELATED_FIELDS))
        new_coop.save()
        for name, model in TERM_MODELS.items():
            if data.get(name):
                getattr(new_coop, name).set(model.objects.filter(slug__in=data[name]))
        source.coop = new_coop
        source.save(update_fields=["coop"])
        audit_record(
            actor=actor,
            action="coop.source_split",
            target=old_coop,
            changes={"sources": (sources_before, sorted(str(s) for s in old_coop.sources.all()))},
            note=f"{source} moved to {new_coop.slug}",
        )
        audit_record(
            actor=actor,
            action="coop.split_create",
            target=new_coop,
            changes={"sources": ([], [str(source)]), "name": ("", new_coop.name)},
            note=f"split from {old_coop.slug}",
        )
    return new_coop
