"""ESSGlobal's "standard" CSV, as Co-operatives UK open data and the workers.coop map publish it.

One row per organisation, 41 columns. The file is read with the csv module (descriptions and
addresses span lines inside quotes) as plain lists, and columns are found by position from the
header: the header names "Legal Form Subcategory 1" twice, so a dict reader would lose one.

What a row gives: `Identifier` is the source id; registration number with its registrar
("Companies House", "FCA"), because a number is unique only within one registrar; the
incorporation date (precision day); address, town, region, postcode and ISO country; website,
email, phone, Twitter and Facebook; the co-op's own sector (`Sector`, slugified); the legal
form. A registrar of "Unknown legal form" is no registrar, and the sectors "Other" and
"Unknown" say nothing, so neither is kept. A Facebook or Twitter page given as the website is
a social link, not a website.
"""

import csv
import datetime
import re
from pathlib import Path

from django.utils.text import slugify

from coopnet.directory.importers.records import CoopRecord, ParsedSource, RecordError, TermRecord
from coopnet.lib.countries import country_codes, is_country_code

NAME = "essglobal-csv"

# Header names, as the standard CSV spells them; the reader looks each one up by position.
COLUMNS = {
    "id": "Identifier",
    "name": "Name",
    "description": "Description",
    "street": "Street Address",
    "locality": "Locality",
    "region": "Region",
    "postcode": "Postcode",
    "country": "Country ID",
    "website": "Website",
    "phone": "Phone",
    "email": "Email",
    "twitter": "Twitter",
    "facebook": "Facebook",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "sector": "Sector",
    "legal_form": "Legal Form",
    "number": "Registered Number",
    "registrar": "Registrar",
    "incorporated": "Incorporation Date",
}
REQUIRED = ("id", "name")
NOT_A_REGISTRAR = frozenset({"", "unknown", "unknown legal form"})
NOT_A_SECTOR = frozenset({"", "other", "unknown"})
SOCIAL_HOSTS = {"facebook.com": "facebook", "twitter.com": "twitter", "x.com": "twitter"}


def _positions(header: list[str]) -> dict[str, int]:
    """Column key -> index of the first column with that name."""
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        for key, name in COLUMNS.items():
            if title.strip() == name and key not in positions:
                positions[key] = index
    missing = [COLUMNS[key] for key in REQUIRED if key not in positions]
    if missing:
        raise ValueError(f"not an ESSGlobal standard CSV: no {', '.join(missing)} column")
    return positions


def _text(value: str) -> str:
    return re.sub(r"[ \t]+", " ", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _one_line(value: str) -> str:
    return ", ".join(part.strip() for part in _text(value).split("\n") if part.strip())


def _float(value: str, low: float, high: float) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if low <= number <= high else None


def _url(value: str) -> str:
    value = value.strip()
    if value and "://" not in value:
        value = "https://" + value
    return value


def _social_kind(url: str) -> str:
    host = re.sub(r"^https?://(www\.|m\.)?", "", url.lower()).split("/")[0]
    return SOCIAL_HOSTS.get(host, "")


def _social_url(kind: str, value: str) -> str:
    value = value.strip()
    if not value or "://" in value:
        return value
    handle = value.lstrip("@").strip("/")
    return f"https://{'twitter' if kind == 'twitter' else 'www.facebook'}.com/{handle}"


def _record(row: list[str], positions: dict[str, int]) -> CoopRecord:
    def cell(key: str) -> str:
        index = positions.get(key)
        return row[index] if index is not None and index < len(row) else ""

    source_id = cell("id").strip()
    name = _one_line(cell("name"))
    if not source_id:
        raise ValueError("no Identifier")
    if not name:
        raise ValueError("no Name")
    record = CoopRecord(source=NAME, source_id=source_id, name=name)
    record.description = _text(cell("description"))
    record.address = _one_line(cell("street"))
    record.locality = _one_line(cell("locality"))
    record.region = _one_line(cell("region"))
    record.postcode = _one_line(cell("postcode")).upper()

    country = cell("country").strip().upper()
    if country and not is_country_code(country):
        country = next(iter(country_codes(country)), "")
    record.country = country

    website = _url(cell("website"))
    social: dict[str, str] = {}
    if kind := _social_kind(website):
        social[kind] = website
        website = ""
    record.website = website
    for kind in ("twitter", "facebook"):
        if value := _social_url(kind, cell(kind)):
            social[kind] = value
    record.social_links = social
    record.email = cell("email").strip()
    record.phone = _one_line(cell("phone"))

    record.latitude = _float(cell("latitude"), -90, 90)
    record.longitude = _float(cell("longitude"), -180, 180)
    if record.latitude is None or record.longitude is None:
        record.latitude = record.longitude = None

    sector = _one_line(cell("sector"))
    if sector.casefold() not in NOT_A_SECTOR:
        record.sector = TermRecord(slug=slugify(sector), name=sector)
    record.legal_form = _one_line(cell("legal_form"))
    registrar = _one_line(cell("registrar"))
    number = cell("number").strip()
    if number and registrar.casefold() not in NOT_A_REGISTRAR:
        record.registration_number = number
        record.registrar = registrar

    incorporated = cell("incorporated").strip()
    if incorporated:
        try:
            record.founded_on = datetime.date.fromisoformat(incorporated)
        except ValueError as error:
            raise ValueError(f"Incorporation Date {incorporated!r} is not a date") from error
        record.founded_precision = "day"
    return record.set_present()


def read(path: str) -> ParsedSource:
    """Read one ESSGlobal standard CSV file."""
    parsed = ParsedSource()
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        rows = csv.reader(handle)
        header = next(rows, None)
        if header is None:
            raise ValueError(f"{path} is empty")
        positions = _positions(header)
        seen: set[str] = set()
        for row_number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            row_id = (row[positions["id"]] if positions["id"] < len(row) else "").strip()
            try:
                if row_id in seen:
                    raise ValueError("this Identifier appears twice in the file")
                record = _record(row, positions)
            except ValueError as error:
                parsed.errors.append(RecordError(row_id or f"row {row_number}", str(error)))
                continue
            seen.add(row_id)
            parsed.records.append(record)
    return parsed
