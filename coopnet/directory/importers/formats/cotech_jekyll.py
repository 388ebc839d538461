"""`cotech-jekyll`: a checkout of the CoTech website (coops.tech), a Jekyll site.

Reads `<checkout>/_coops/*.md` (YAML front matter and a Markdown body), the taxonomy folders
`_services`, `_technologies` and `_clients` when present, and `_case_studies/*.md`. Two shapes
of co-op file exist: the rich one (up to Dec 2025: contact details, address, services,
technologies, clients) and the slim one (name, website, logo and the body). Only what a file
holds is marked present, so a slim file never wipes what a rich one gave.

The helpers here (`split_front_matter`, `address_parts`, `coop_record`) are shared with
`cotech-history`, whose records are these same files taken from the site's git history.
"""

import html
import re
from pathlib import Path
from typing import Any

import pycountry
import yaml
from django.utils.text import slugify

from coopnet.directory.importers.records import (
    CaseStudyRecord,
    ClientRecord,
    CoopRecord,
    ParsedSource,
    RecordError,
    TermRecord,
)

NAME = "cotech-jekyll"
SITE = "https://coops.tech"
LOGO_BASE = f"{SITE}/images/coops/"  # where the site keeps the `logo` file names

SOCIAL_BASES = {
    "twitter": "https://twitter.com/",
    "github": "https://github.com/",
    "linkedin": "https://www.linkedin.com/",
}

# The last parts of an address that name the United Kingdom (or one of its nations).
UK_NAMES = frozenset(
    {"united kingdom", "uk", "u.k.", "gb", "great britain", "england", "scotland", "wales"}
    | {"northern ireland"}
)
# A UK postcode at the end of an address part ("OX4 1JE", also written "SK138HZ").
UK_POSTCODE = re.compile(
    r"^(?P<before>.*?)\s*\b(?P<out>[A-Z]{1,2}\d[A-Z\d]?)\s*(?P<in>\d[A-Z]{2})$"
)
# Counties that CoTech addresses put between the town and the postcode: they are a region,
# not the town. Anything ending in "shire" is one too.
UK_COUNTIES = frozenset(
    "essex kent surrey sussex middlesex devon cornwall dorset somerset norfolk suffolk cumbria"
    " northumberland wiltshire durham fife".split()
) | frozenset(
    {
        "east sussex",
        "west sussex",
        "west yorkshire",
        "south yorkshire",
        "north yorkshire",
        "east yorkshire",
        "greater london",
        "greater manchester",
        "merseyside",
        "tyne and wear",
        "west midlands",
        "county durham",
        "east lothian",
        "west lothian",
        "midlothian",
    }
)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The YAML front matter (a mapping) and the Markdown body of a Jekyll file.

    Raises ValueError with a reason a person can act on. Trailing whitespace is stripped from
    each front-matter line first: YAML never needs it, and one real file (a client) ends a
    line with a tab, which PyYAML refuses.
    """
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("no front matter: the file does not start with a '---' line")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    except StopIteration:
        raise ValueError("the front matter is not closed by a '---' line") from None
    front = "\n".join(line.rstrip() for line in lines[1:end])
    try:
        meta = yaml.safe_load(front)
    except yaml.YAMLError as error:
        raise ValueError(f"front matter is not valid YAML: {error}".replace("\n", " ")) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a mapping of field names to values")
    body = "\n".join(lines[end + 1 :]).strip()
    return meta, body


def country_code(text: str) -> str:
    """The ISO 3166 code for a country name, "" when the text is not clearly one."""
    lowered = text.strip().lower()
    if lowered in UK_NAMES:
        return "GB"
    # Codes are too short to tell from other words ("CAN", "SE"): only names count.
    if len(lowered) <= 3:
        return ""
    try:
        return pycountry.countries.lookup(text.strip()).alpha_2
    except LookupError:
        return ""


def address_parts(address: str) -> dict[str, str]:
    """Country, postcode, town and county read from a one-line comma-separated address.

    Only what is clear: the country from a part that names one (or from a UK postcode), the
    postcode from the end of a part, and the town only when a country or postcode anchors the
    address: it is then the last remaining part, unless that is a county (which becomes the
    region and the part before it the town). Parts with digits are streets, not towns.
    """
    parts = [p.strip(" .") for p in html.unescape(address).split(",")]
    country = postcode = region = locality = ""
    rest: list[str] = []
    for part in parts:
        if not part:
            continue
        code = country_code(part)
        if code:
            country = country or code
            continue
        match = UK_POSTCODE.match(part.upper())
        if match and not postcode:
            postcode = f"{match['out']} {match['in']}"
            country = country or "GB"
            before = part[: len(match["before"])].strip()
            if before:
                rest.append(before)
            continue
        rest.append(part)
    if (country or postcode) and rest:
        candidate = rest.pop()
        if candidate.lower() in UK_COUNTIES or candidate.lower().endswith("shire"):
            region = candidate
            candidate = rest.pop() if rest else ""
        if candidate and candidate[0].isupper() and not any(ch.isdigit() for ch in candidate):
            locality = candidate
    return {"country": country, "postcode": postcode, "region": region, "locality": locality}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _website(value: Any) -> str:
    url = _text(value)
    if url and "://" not in url:
        url = "http://" + url
    return url


def _social_link(kind: str, value: Any) -> str:
    handle = _text(value).lstrip("@")
    if not handle or "://" in handle:
        return handle
    return SOCIAL_BASES[kind] + handle


def _int_or_none(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a whole number, got {value!r}") from None


def _float_or_none(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a number, got {value!r}") from None


def _slugs(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"`{field}` should be a list of slugs, got {value!r}")
    return [slugify(str(item)) for item in value if str(item).strip()]


def coop_record(
    meta: dict[str, Any],
    body: str,
    *,
    source: str,
    source_id: str,
    source_url: str,
    terms: dict[str, dict[str, TermRecord]] | None = None,
    clients: dict[str, ClientRecord] | None = None,
) -> CoopRecord:
    """One co-op from its front matter and body; raises ValueError on a value it cannot use.

    `terms` ("services", "technologies") and `clients` hold the taxonomy files by slug: a slug
    a co-op uses without a file becomes a term with no name (the engine names it from the slug).
    """
    terms = terms or {}
    clients = clients or {}
    name = _text(meta.get("name")) or _text(meta.get("title"))
    if not name:
        raise ValueError("no `name` (nor `title`)")
    address = html.unescape(_text(meta.get("address")))
    social = {
        kind: _social_link(kind, meta.get(kind)) for kind in SOCIAL_BASES if _text(meta.get(kind))
    }
    logo = _text(meta.get("logo"))
    record = CoopRecord(
        source=source,
        source_id=source_id,
        source_url=source_url,
        slug_hint=source_id,
        name=name,
        description=body,
        website=_website(meta.get("website")),
        email=_text(meta.get("email")),
        phone=_text(meta.get("telephone")),
        social_links=social,
        logo_url=(logo if "://" in logo else LOGO_BASE + logo) if logo else "",
        workers=_int_or_none(meta.get("members")),
        address=address,
        latitude=_float_or_none(meta.get("latitude")),
        longitude=_float_or_none(meta.get("longitude")),
        **(address_parts(address) if address else {}),
    )
    for field in ("services", "technologies"):
        defined = terms.get(field, {})
        setattr(
            record,
            field,
            [defined.get(slug) or TermRecord(slug=slug) for slug in _slugs(meta.get(field), field)],
        )
    record.clients = [
        clients.get(slug) or ClientRecord(slug=slug)
        for slug in _slugs(meta.get("clients"), "clients")
    ]
    return record.set_present()


def read_terms(folder: Path) -> dict[str, TermRecord]:
    """Taxonomy files (`_services`, `_technologies`) by slug; an unreadable file is skipped,
    since the co-ops that use its slug still import (with a name made from the slug)."""
    found: dict[str, TermRecord] = {}
    for path in sorted(folder.glob("*.md")):
        try:
            meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        slug = slugify(path.stem)
        found[slug] = TermRecord(
            slug=slug,
            name=_text(meta.get("name")) or _text(meta.get("title")),
            description=_text(meta.get("description")) or body,
            website=_website(meta.get("website")),
        )
    return found


def read_clients(folder: Path) -> dict[str, ClientRecord]:
    found: dict[str, ClientRecord] = {}
    for path in sorted(folder.glob("*.md")):
        try:
            meta, _body = split_front_matter(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        slug = slugify(path.stem)
        found[slug] = ClientRecord(
            slug=slug,
            name=_text(meta.get("title")) or _text(meta.get("name")),
            website=_website(meta.get("website")),
        )
    return found


def read_case_study(path: Path) -> CaseStudyRecord:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    title = _text(meta.get("project_name")) or _text(meta.get("title"))
    if not title:
        raise ValueError("no `project_name`")
    services = meta.get("services") or []
    links = meta.get("links") or []
    coops = meta.get("coops") or []
    if not coops:
        raise ValueError("no `coops`: a case study must name the co-op(s) that did it")
    return CaseStudyRecord(
        slug=slugify(path.stem),
        title=title,
        client_name=_text(meta.get("client_name")),
        summary=body,
        services_text=", ".join(map(str, services))
        if isinstance(services, list)
        else str(services),
        links=[str(link) for link in (links if isinstance(links, list) else [links])],
        coop_names=[str(name) for name in (coops if isinstance(coops, list) else [coops])],
    )


def read(path: str) -> ParsedSource:
    checkout = Path(path)
    coops_dir = checkout / "_coops"
    if not coops_dir.is_dir():
        raise FileNotFoundError(f"{path} is not a CoTech Jekyll checkout: no _coops folder")
    terms = {
        "services": read_terms(checkout / "_services"),
        "technologies": read_terms(checkout / "_technologies"),
    }
    clients = read_clients(checkout / "_clients")
    parsed = ParsedSource()
    for file in sorted(coops_dir.glob("*.md")):
        source_id = file.stem
        try:
            meta, body = split_front_matter(file.read_text(encoding="utf-8"))
            parsed.records.append(
                coop_record(
                    meta,
                    body,
                    source=NAME,
                    source_id=source_id,
                    source_url=f"{SITE}/co-op/{source_id}",
                    terms=terms,
                    clients=clients,
                )
            )
        except (ValueError, UnicodeDecodeError) as error:
            parsed.errors.append(RecordError(source_id, str(error)))
    for file in sorted((checkout / "_case_studies").glob("*.md")):
        try:
            parsed.case_studies.append(read_case_study(file))
        except (ValueError, UnicodeDecodeError) as error:
            parsed.errors.append(RecordError(f"case study {file.stem}", str(error)))
    return parsed
