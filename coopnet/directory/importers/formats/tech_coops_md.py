"""The world list of tech co-ops (`hng/tech-coops`): Markdown tables in README.md and DEFUNCT.md.

`read(path)` takes README.md, DEFUNCT.md or the folder that holds them (then both). Each table
row under "## Coops" is one co-op: `[Name](url) | Business Areas | Region/Country | Notes`
(the Worldwide table has no Region/Country column). What the reader makes of a row:

- the place becomes ISO country codes (`coopnet.lib.countries`): the first is `country`, the
  rest `other_countries`; a plain "Town, Region, Country" also gives locality and region. The
  continent heading above a table is not a country and is not used;
- business areas that clearly name a service in `SERVICE_ALIASES` become services; when some
  of the text names none, the text is kept in the description, so nothing is lost;
- the notes become the description (Markdown, as written); "Founded 2013" gives the founding
  year and "23 employees" the head-count;
- a row whose name or website repeats an earlier row is merged into it;
- a row with more cells than its header (one in the real file) takes its place from the
  first extra cell that names a country.

Defunct co-ops (DEFUNCT.md) were never members of any network here, so they get no status and
no leaving date: the engine decides as for any other co-op. Their `source_url` points at
DEFUNCT.md, which is what keeps the fact (the record contract has no field for "closed").
"""

import datetime
import html
import re
from pathlib import Path

from django.utils.text import slugify

from coopnet.directory.importers.records import (
    CoopRecord,
    ParsedSource,
    RecordError,
    TermRecord,
)
from coopnet.directory.models import website_domain
from coopnet.lib.countries import country_codes, parse_place

NAME = "tech-coops-md"
REPOSITORY_URL = "https://github.com/hng/tech-coops/blob/master/"

ACTIVE_FILE = "README.md"
DEFUNCT_FILE = "DEFUNCT.md"

# slug -> display name of every service an alias can give. Slugs that CoTech's taxonomy
# already has (hosting, consultancy, web-design...) are reused so that imports meet there.
SERVICE_NAMES: dict[str, str] = {
    "web-development": "Web development",
    "mobile-development": "Mobile development",
    "development": "Development",
    "web-design": "Web Design",
    "graphic-design": "Graphic Design",
    "user-experience": "User experience",
    "user-research": "User Research",
    "hosting": "Hosting",
    "consultancy": "Consultancy",
    "sysadmin": "Sysadmin",
    "devops": "Devops",
    "project-management": "Project management",
    "product-management": "Product management",
    "training": "Training",
    "data-science": "Data science",
    "maps-and-gis": "Maps and GIS",
    "game-design": "Game Design",
    "it-security": "Information Security",
    "accessibility": "Accessibility",
    "e-commerce": "E-commerce",
    "it-support": "IT support",
    "strategy": "Strategy",
    "research": "Research",
    "marketing": "Marketing",
    "illustration": "Illustration",
    "motion-graphics": "Motion Graphics",
    "branding-and-identity": "Branding and Identity",
    "domain-names": "Domain Names",
    "email": "Email",
    "film": "Film",
    "animation": "Animation",
    "copywriting-and-translation": "Copywriting and translation",
}

# A phrase (lower case, as `_phrase_key` makes it) -> the services it clearly names. A phrase
# that is not here names none: the reader keeps it in the description instead of guessing.
SERVICE_ALIASES: dict[str, tuple[str, ...]] = {
    "web development": ("web-development",),
    "web dev": ("web-development",),
    "websites": ("web-development",),
    "web applications": ("web-development",),
    "web application development": ("web-development",),
    "web apps development": ("web-development",),
    "open source web development": ("web-development",),
    "drupal web development": ("web-development",),
    "web and mobile development": ("web-development", "mobile-development"),
    "web and app development": ("web-development", "mobile-development"),
    "website and app development": ("web-development", "mobile-development"),
    "web design and development": ("web-design", "web-development"),
    "software and web development": ("development", "web-development"),
    "mobile development": ("mobile-development",),
    "mobile apps": ("mobile-development",),
    "app development": ("mobile-development",),
    "cross platform apps": ("mobile-development",),
    "development": ("development",),
    "software development": ("development",),
    "software engineering": ("development",),
    "it development": ("development",),
    "backend development": ("development",),
    "full stack development": ("development",),
    "open source development": ("development",),
    "floss development": ("development",),
    "free software development": ("development",),
    "free open source software development": ("development",),
    "web design": ("web-design",),
    "webdesign": ("web-design",),
    "graphic design": ("graphic-design",),
    "ux": ("user-experience",),
    "ux design": ("user-experience",),
    "ui and ux design": ("user-experience",),
    "ux and ui design": ("user-experience",),
    "design and ux": ("user-experience",),
    "ux research and design": ("user-experience", "user-research"),
    "user research": ("user-research",),
    "hosting": ("hosting",),
    "web hosting": ("hosting",),
    "cloud hosting": ("hosting",),
    "consulting": ("consultancy",),
    "consultancy": ("consultancy",),
    "consultation": ("consultancy",),
    "tech consulting": ("consultancy",),
    "technical consulting": ("consultancy",),
    "it consulting": ("consultancy",),
    "technology consultancy": ("consultancy",),
    "free software consultancy": ("consultancy",),
    "sysadmin": ("sysadmin",),
    "system administration": ("sysadmin",),
    "sysops": ("sysadmin",),
    "devops": ("devops",),
    "project management": ("project-management",),
    "product management": ("product-management",),
    "training": ("training",),
    "data science": ("data-science",),
    "maps": ("maps-and-gis",),
    "gis": ("maps-and-gis",),
    "game development": ("game-design",),
    "video game development": ("game-design",),
    "game design and development": ("game-design",),
    "games": ("game-design",),
    "security": ("it-security",),
    "digital security": ("it-security",),
    "accessibility": ("accessibility",),
    "digital accessibility": ("accessibility",),
    "a11y": ("accessibility",),
    "e commerce": ("e-commerce",),
    "tech support": ("it-support",),
    "it services": ("it-support",),
    "business it services": ("it-support",),
    "managed service provider": ("it-support",),
    "digital strategy": ("strategy",),
    "research": ("research",),
    "marketing": ("marketing",),
    "illustration": ("illustration",),
    "motion graphics": ("motion-graphics",),
    "branding": ("branding-and-identity",),
    "domain name registrar": ("domain-names",),
    "e mail": ("email",),
    "filmmaking": ("film",),
    "video production and animation": ("film", "animation"),
    "translation": ("copywriting-and-translation",),
}

_LINK = re.compile(r"\[(?P<name>(?:\\.|[^\]\\])+)\]\((?P<url>[^)\s]*)\)")
_FOUNDED = re.compile(
    r"\b(?:founded|started|created|fundada|fundanda)\b(?:\s+(?:in|en))?\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_HEADCOUNT = re.compile(
    r"(?<![\d+])(?P<count>\d{1,4})\s+(?P<kind>employees|workers|associates)\b", re.IGNORECASE
)


def _phrase_key(phrase: str) -> str:
    key = phrase.casefold().replace("&", " and ")
    key = re.sub(r"[-/.]", " ", key)
    return re.sub(r"\s+", " ", key).strip(" .")


def _split_phrases(text: str) -> list[str]:
    """Cut a list of business areas at commas, semicolons, " / " and full stops, but not
    inside brackets: "Development (Clojure, Go)" stays one phrase."""
    phrases, current, depth = [], "", 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth <= 0 and char in ",;":
            phrases.append(current)
            current = ""
        else:
            current += char
    phrases.append(current)
    parts = [p for phrase in phrases for p in re.split(r"\s/\s|\.\s", phrase)]
    return [p.strip(" .") for p in parts if p.strip(" .")]


def service_terms(phrases: list[str]) -> tuple[list[TermRecord], bool]:
    """The services that the phrases clearly name, and whether every phrase named one.

    A phrase with detail in brackets ("Web development (Django)") names its service, but the
    detail is worth keeping, so it does not count as fully named.
    """
    slugs: list[str] = []
    all_named = True
    for phrase in phrases:
        core = re.sub(r"\([^)]*\)", "", phrase).strip()
        found = SERVICE_ALIASES.get(_phrase_key(core), ())
        if not found or core != phrase.strip():
            all_named = False
        slugs.extend(slug for slug in found if slug not in slugs)
    return [TermRecord(slug=slug, name=SERVICE_NAMES[slug]) for slug in slugs], all_named


def _clean_url(url: str) -> str:
    url = url.strip()
    # "https:/withtheranks.com" in the real file: one slash lost.
    return re.sub(r"^(https?):/(?!/)", r"\1://", url)


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    cells = [html.unescape(c.replace("\\|", "|")).strip() for c in re.split(r"(?<!\\)\|", line)]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _row_fields(header: list[str], cells: list[str]) -> dict[str, str]:
    fields = dict(zip(header, cells, strict=False))
    extra = cells[len(header) :]
    if extra and "Region/Country" in header:
        # The place went astray: take it from the first later cell that names a country,
        # and keep the cells it skipped as business areas.
        start = header.index("Region/Country")
        rest = cells[start:]
        for offset, cell in enumerate(rest):
            if country_codes(cell):
                skipped = rest[:offset]
                areas = [fields.get("Business Areas", ""), *skipped]
                fields["Business Areas"] = ", ".join(a for a in areas if a)
                fields["Region/Country"] = cell
                fields["Notes"] = " ".join(c for c in rest[offset + 1 :] if c)
                break
    return fields


def _record_from_row(fields: dict[str, str], source_url: str) -> CoopRecord:
    coop_cell = fields.get("Coop", "")
    link = _LINK.search(coop_cell)
    if not link:
        raise ValueError(f"no [name](website) link in {coop_cell!r}")
    name = link.group("name").replace("\\", "").strip()
    website = _clean_url(link.group("url"))
    if not website.startswith(("http://", "https://")):
        website = ""
    record = CoopRecord(
        source=NAME,
        source_id=slugify(name) or website_domain(website),
        name=name,
        source_url=source_url,
        website=website,
    )

    place = parse_place(fields.get("Region/Country", ""))
    if place.countries:
        record.country, *record.other_countries = place.countries
    record.locality = place.locality
    record.region = place.region

    areas = fields.get("Business Areas", "").strip()
    notes = fields.get("Notes", "").strip()
    record.services, all_named = service_terms(_split_phrases(areas))
    paragraphs = [notes] if notes else []
    if areas and not all_named:
        paragraphs.append(f"Business areas: {areas}" if notes else areas)
    record.description = "\n\n".join(paragraphs)

    if founded := _FOUNDED.search(notes):
        record.founded_on = datetime.date(int(founded.group("year")), 1, 1)
        record.founded_precision = "year"
    for match in _HEADCOUNT.finditer(notes):
        count = int(match.group("count"))
        if match.group("kind").lower() == "associates":
            record.worker_owners = count
        else:
            record.workers = count
    return record


def _merge(into: CoopRecord, other: CoopRecord) -> None:
    """Fold a repeated row into the first one: keep every country, service and word."""
    countries = [into.country, *into.other_countries]
    for code in [other.country, *other.other_countries]:
        if code and code not in countries:
            countries.append(code)
    countries = [c for c in countries if c]
    if countries:
        into.country, *into.other_countries = countries
    known = {term.slug for term in into.services}
    into.services.extend(term for term in other.services if term.slug not in known)
    if other.description and other.description not in into.description:
        into.description = "\n\n".join(p for p in (into.description, other.description) if p)
    for name in ("website", "locality", "region", "founded_on", "founded_precision"):
        if not getattr(into, name) and getattr(other, name):
            setattr(into, name, getattr(other, name))
    for name in ("workers", "worker_owners"):
        if getattr(into, name) is None:
            setattr(into, name, getattr(other, name))
    if other.source_id != into.source_id and other.source_id not in into.aliases:
        into.aliases.append(other.source_id)


def _read_file(path: Path, parsed: ParsedSource, seen: dict[str, CoopRecord]) -> None:
    source_url = REPOSITORY_URL + path.name
    header: list[str] | None = None
    in_coops = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("## "):
            # README.md: only the tables under "## Coops"; DEFUNCT.md has no such heading.
            in_coops = stripped.lower().startswith("## coops")
            header = None
            continue
        if path.name == ACTIVE_FILE and not in_coops:
            continue
        if "|" not in stripped:
            header = None
            continue
        cells = _cells(stripped)
        if header is None:
            if cells and cells[0] == "Coop":
                header = cells
            continue
        if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
            continue
        try:
            record = _record_from_row(_row_fields(header, cells), source_url)
        except ValueError as error:
            parsed.errors.append(RecordError(f"{path.name}:{number}", str(error)))
            continue
        keys = [k for k in (website_domain(record.website), record.name.casefold()) if k]
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            _merge(first, record)
            continue
        for key in keys:
            seen[key] = record
        parsed.records.append(record)


def read(path: str) -> ParsedSource:
    """Read README.md (active co-ops), DEFUNCT.md, or a folder holding both."""
    base = Path(path)
    files = [base / ACTIVE_FILE, base / DEFUNCT_FILE] if base.is_dir() else [base]
    files = [f for f in files if f.exists()] if base.is_dir() else files
    if not files:
        raise FileNotFoundError(f"neither {ACTIVE_FILE} nor {DEFUNCT_FILE} in {base}")
    parsed = ParsedSource()
    seen: dict[str, CoopRecord] = {}
    for file in files:
        _read_file(file, parsed, seen)
    for record in parsed.records:
        record.set_present()
    return parsed
