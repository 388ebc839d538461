"""`cotech-history`: every co-op ever listed on coops.tech, from the site's git history.

Reads `coops.json` (or a folder holding it): one object per `_coops/*.md` file that ever
existed, with its front matter fields, `body_markdown`, `membership_status` (current/former),
`first_added_date` and, for former members, `removed_date`. Current members come in as
members and former ones as former; the first-listed date becomes `joined_on` with precision
"on or before" (many are the dates the site was rebuilt, not the dates the co-op joined).

A file removed in the very commit that added another file with the same website domain is
the same co-op renamed (`the-dot-project` became `dot-project` to be listed under D): the two
become one record, the newer file's fields with the older slug as an alias, joined when the
first was listed and left when the last was removed.

Taxonomy names come from `taxonomies.json` beside `coops.json` when it is there.
"""

import datetime
import json
from pathlib import Path
from typing import Any

from django.utils.text import slugify

from coopnet.directory.importers.formats.cotech_jekyll import coop_record
from coopnet.directory.importers.records import (
    ClientRecord,
    CoopRecord,
    ParsedSource,
    RecordError,
    TermRecord,
)
from coopnet.directory.models import website_domain

NAME = "cotech-history"
STATUSES = {"current": "member", "former": "former"}


def _date(value: Any, field: str) -> datetime.date | None:
    if not value:
        return None
    try:
        # The date as the commit wrote it, in the committer's own time zone.
        return datetime.datetime.fromisoformat(str(value)).date()
    except ValueError:
        raise ValueError(f"`{field}` is not an ISO date: {value!r}") from None


def _taxonomies(folder: Path) -> tuple[dict[str, dict[str, TermRecord]], dict[str, ClientRecord]]:
    path = folder / "taxonomies.json"
    if not path.is_file():
        return {}, {}
    data = json.loads(path.read_text(encoding="utf-8"))
    # Slugs as the co-op files use them: `_clients/The-Catalyst.md` is `the-catalyst`.
    terms = {
        kind: {
            slugify(item["slug"]): TermRecord(
                slug=slugify(item["slug"]),
                name=(item.get("name") or item.get("title") or "").strip(),
                description=(item.get("description") or "").strip(),
                website=(item.get("website") or "").strip(),
            )
            for item in data.get(kind, [])
        }
        for kind in ("services", "technologies")
    }
    clients = {
        slugify(item["slug"]): ClientRecord(
            slug=slugify(item["slug"]),
            name=(item.get("title") or item.get("name") or "").strip(),
            website=(item.get("website") or "").strip(),
        )
        for item in data.get("clients", [])
    }
    return terms, clients


def _renames(items: list[dict[str, Any]]) -> dict[str, str]:
    """Old slug -> new slug for files that a single commit replaced by a file of the same co-op.

    The same website is the evidence: `graphics-coop` was also replaced by `form-and-function`
    in one commit, but those are two registered co-ops with two websites, and stay two.
    """
    added_by = {item.get("first_added_commit"): item for item in items}
    renames = {}
    for item in items:
        successor = added_by.get(item.get("removed_commit"))
        if (
            successor
            and successor is not item
            and website_domain(item.get("website") or "")
            and website_domain(item.get("website") or "")
            == website_domain(successor.get("website") or "")
        ):
            renames[item["slug"]] = successor["slug"]
    return renames


def _record(item: dict[str, Any], terms, clients) -> CoopRecord:
    source_url = ""
    if item.get("source_repo") and item.get("source_commit") and item.get("source_path"):
        source_url = (
            f"https://github.com/{item['source_repo']}/blob/{item['source_commit']}/"
            f"{item['source_path']}"
        )
    record = coop_record(
        item,
        (item.get("body_markdown") or "").strip(),
        source=NAME,
        source_id=item["slug"],
        source_url=source_url,
        terms=terms,
        clients=clients,
    )
    status = STATUSES.get(item.get("membership_status") or "")
    if status is None:
        raise ValueError(f"unknown membership_status {item.get('membership_status')!r}")
    record.status = status  # type: ignore[assignment]
    record.joined_on = _date(item.get("first_added_date"), "first_added_date")
    record.joined_precision = "on_or_before"
    record.left_on = _date(item.get("removed_date"), "removed_date")
    record.left_precision = "day" if record.left_on else ""
    return record.set_present()


def read(path: str) -> ParsedSource:
    file = Path(path)
    if file.is_dir():
        file = file / "coops.json"
    items = json.loads(file.read_text(encoding="utf-8"))
    if not isinstance(items, list):
        raise ValueError(f"{file} should hold a list of co-ops")
    terms, clients = _taxonomies(file.parent)
    renames = _renames(items)
    parsed = ParsedSource()
    records: dict[str, CoopRecord] = {}
    for position, item in enumerate(items, start=1):
        record_id = str(item.get("slug") or f"item {position}")
        try:
            if not item.get("slug"):
                raise ValueError("no `slug`")
            records[record_id] = _record(item, terms, clients)
        except (ValueError, TypeError, KeyError) as error:
            parsed.errors.append(RecordError(record_id, str(error)))
    for old, new in renames.items():
        if old in records and new in records:
            earlier, later = records.pop(old), records[new]
            later.aliases.append(old)
            later.joined_on = min(d for d in (earlier.joined_on, later.joined_on) if d)
    parsed.records = list(records.values())
    return parsed
