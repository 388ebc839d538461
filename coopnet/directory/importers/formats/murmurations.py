"""Murmurations organisation profiles (`organizations_schema-v1.0.0`), one JSON file or a folder.

Each profile is checked against the schema with jsonschema's Draft7Validator (named
explicitly: the schema's `$schema` is the https form of the draft-07 URI, which
`validator_for` does not recognise). A profile that does not validate is a RecordError whose
reason names every failing field ("geolocation.lat: 95.5 is greater than the maximum of 90");
the other profiles still import. A file may hold one profile or a list of them.

The schema is the dereferenced copy in ../shared/data/murmurations unless the
`MURMURATIONS_SCHEMA_PATH` setting or the `schema_path` argument names another.

Mapping: name, primary_url (website), description with the mission after it, tags (services
where `SERVICE_ALIASES` names them clearly), urls (social links, keyed by the host's name or
the url's own name), full_address, country_iso_3166, geolocation, image (logo), telephone,
contact_details.email, and starts_at (a Unix time) as the founding day. The source id is the
profile's unique_id, else its primary_url, else the file name.
"""

import datetime
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.text import slugify
from jsonschema import Draft7Validator

from coopnet.directory.importers.formats.tech_coops_md import service_terms
from coopnet.directory.importers.records import CoopRecord, ParsedSource, RecordError
from coopnet.lib.countries import is_country_code

NAME = "murmurations"
SCHEMA_NAME = "organizations_schema-v1.0.0"
SCHEMA_FILE = f"{SCHEMA_NAME}.expanded.json"

# Hosts whose pages are a co-op's social profile: host -> key in `social_links`.
SOCIAL_HOSTS = {
    "github.com": "github",
    "gitlab.com": "gitlab",
    "codeberg.org": "codeberg",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "facebook.com": "facebook",
    "linkedin.com": "linkedin",
    "instagram.com": "instagram",
    "youtube.com": "youtube",
}


def default_schema_path() -> Path:
    configured = getattr(settings, "MURMURATIONS_SCHEMA_PATH", None)
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR).parent / "shared" / "data" / "murmurations" / SCHEMA_FILE


@cache
def _validator(schema_path: str) -> Draft7Validator:
    path = Path(schema_path)
    if not path.exists():
        raise FileNotFoundError(
            f"the Murmurations schema is not at {path}: pass schema_path= or set "
            "MURMURATIONS_SCHEMA_PATH"
        )
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def profile_errors(profile: Any, *, schema_path: str | Path | None = None) -> list[str]:
    """Every way `profile` fails the schema, as "field: message", in a stable order."""
    validator = _validator(str(schema_path or default_schema_path()))
    messages = []
    for error in sorted(validator.iter_errors(profile), key=lambda e: list(map(str, e.path))):
        field = ".".join(str(part) for part in error.path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = re.search(r"'([^']+)' is a required property", error.message)
            if missing:
                field = ".".join(filter(None, [field, missing.group(1)]))
        message = error.message
        if error.validator == "enum" and len(error.validator_value) > 10:
            # The country list has 249 codes: naming the bad value is enough.
            message = f"{error.instance!r} is not an allowed value"
        messages.append(f"{field or '(profile)'}: {message}")
    return messages


def _social_key(url: str, label: str) -> str:
    host = re.sub(r"^https?://(www\.)?", "", url.lower()).split("/")[0]
    return SOCIAL_HOSTS.get(host) or slugify(label).replace("-", "_") or host


def _record(profile: dict[str, Any], fallback_id: str) -> CoopRecord:
    primary_url = profile.get("primary_url", "")
    source_id = profile.get("unique_id") or primary_url or fallback_id
    record = CoopRecord(
        source=NAME,
        source_id=str(source_id),
        name=profile["name"].strip(),
        website=primary_url,
    )
    paragraphs = [profile.get("description", ""), profile.get("mission", "")]
    record.description = "\n\n".join(p.strip() for p in paragraphs if p and p.strip())
    record.services, _all_named = service_terms(profile.get("tags", []))

    social: dict[str, str] = {}
    for link in profile.get("urls", []):
        social.setdefault(_social_key(link["url"], link.get("name", "")), link["url"])
    record.social_links = social

    record.address = profile.get("full_address", "").strip()
    country = profile.get("country_iso_3166", "")
    record.country = country if is_country_code(country) else ""
    if geolocation := profile.get("geolocation"):
        record.latitude = float(geolocation["lat"])
        record.longitude = float(geolocation["lon"])
    record.logo_url = profile.get("image", "")
    record.phone = profile.get("telephone", "").strip()
    record.email = profile.get("contact_details", {}).get("email", "").strip()
    if (starts_at := profile.get("starts_at")) is not None:
        record.founded_on = datetime.datetime.fromtimestamp(starts_at, datetime.UTC).date()
        record.founded_precision = "day"
    return record.set_present()


def _profiles(file: Path) -> list[tuple[str, Any]]:
    data = json.loads(file.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return [(f"{file.stem}[{index}]", item) for index, item in enumerate(data)]
    return [(file.stem, data)]


def read(path: str, *, schema_path: str | Path | None = None) -> ParsedSource:
    """Read one profile file, or every `*.json` file in a folder (sorted by name)."""
    base = Path(path)
    files = sorted(base.glob("*.json")) if base.is_dir() else [base]
    parsed = ParsedSource()
    for file in files:
        try:
            profiles = _profiles(file)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            parsed.errors.append(RecordError(file.name, f"not a JSON file: {error}"))
            continue
        for fallback_id, profile in profiles:
            problems = profile_errors(profile, schema_path=schema_path)
            if not problems and SCHEMA_NAME not in profile.get("linked_schemas", []):
                problems = [f"linked_schemas: does not list {SCHEMA_NAME}"]
            if problems:
                parsed.errors.append(RecordError(fallback_id, "; ".join(problems)))
                continue
            try:
                parsed.records.append(_record(profile, fallback_id))
            except (ValueError, OverflowError, OSError) as error:
                # A valid profile can still hold a starts_at too far out to be a date.
                parsed.errors.append(RecordError(fallback_id, str(error)))
    return parsed
