"""Sectors of the economy, and the rules that guess a client's sector from its name and website.

A client's sector is what lets the directory say "has worked for local councils" and lets
matching favour co-ops that know a brief's sector. Imports bring hundreds of clients with only
a name (and sometimes a website), so `infer_sector` guesses by ordered rules; a coordinator
corrects a wrong guess in the admin, which sets `sector_source` to "coordinator", and the
rules never touch such a client again.

The rules are written for people to read: docs/sectors.md lists them with the reasons, and a
test keeps the two in step. The first rule that matches wins, so the order carries the
exceptions: hospitals before universities ("Oxford University Hospitals"), councils and
government before charities, "British Council" before councils.
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import QuerySet

from coopnet.directory.models import Client, Sector


@dataclass(frozen=True)
class SectorDefinition:
    slug: str
    name: str
    description: str


SECTORS: tuple[SectorDefinition, ...] = (
    SectorDefinition(
        "charity",
        "Charities and non-profits",
        "Registered charities, trusts, foundations, funders and voluntary organisations.",
    ),
    SectorDefinition(
        "local-government",
        "Local government",
        "Councils of cities, counties, boroughs, districts and towns; combined authorities.",
    ),
    SectorDefinition(
        "central-government",
        "Central government and public bodies",
        "Government departments, devolved governments, agencies, regulators and "
        "intergovernmental bodies such as the European Union.",
    ),
    SectorDefinition(
        "health",
        "Health and social care",
        "The NHS, hospitals, health and care charities and professional bodies in health.",
    ),
    SectorDefinition(
        "education",
        "Education",
        "Universities, colleges, schools and education providers, from early years to "
        "higher and adult education.",
    ),
    SectorDefinition(
        "research",
        "Research and think tanks",
        "Research institutes, think tanks and learned societies.",
    ),
    SectorDefinition("housing", "Housing", "Housing associations and housing campaigns."),
    SectorDefinition(
        "cooperative",
        "Co-operatives and social economy",
        "Co-operatives, mutuals, their federations and development bodies.",
    ),
    SectorDefinition(
        "arts-culture",
        "Arts and culture",
        "Museums, galleries, theatres, festivals, music and heritage.",
    ),
    SectorDefinition(
        "media",
        "Media and publishing",
        "Broadcasters, newspapers, magazines, publishers and film production.",
    ),
    SectorDefinition(
        "environment",
        "Environment and energy",
        "Climate and environmental groups, conservation, renewable energy and recycling.",
    ),
    SectorDefinition(
        "trade-union",
        "Trade unions",
        "Trade unions, their branches and federations.",
    ),
    SectorDefinition(
        "campaigns",
        "Campaigns and politics",
        "Campaign groups, political parties and rights organisations.",
    ),
    SectorDefinition(
        "international-development",
        "International development",
        "Aid agencies, United Nations bodies and international NGOs.",
    ),
    SectorDefinition(
        "sport",
        "Sport and recreation",
        "Sports clubs, leagues and sport development bodies.",
    ),
    SectorDefinition(
        "business",
        "Business",
        "Companies and firms of every size that are not one of the above.",
    ),
)
SECTOR_SLUGS = frozenset(sector.slug for sector in SECTORS)


@dataclass(frozen=True)
class Rule:
    """A client is in `sector` when its name holds one of `words` (whole words, any case,
    accents ignored, "&" read as "and") or its website's host ends with one of `domains`."""

    sector: str
    words: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    why: str = ""


# Ordered: the first rule that matches wins. Names are read before websites: every rule's
# words are tried, in this order, before any rule's domains. docs/sectors.md explains each one.
RULES: tuple[Rule, ...] = (
    Rule(
        "health",
        words=(
            "nhs",
            "hospital",
            "hospitals",
            "health service",
            "health research",
            "obstetricians",
            "gynaecologists",
            "nursing",
        ),
        domains=(".nhs.uk", ".nhs.net"),
        why="The NHS, hospitals and medical colleges, even with 'university' or 'college' in "
        "the name.",
    ),
    Rule(
        "arts-culture",
        words=("british council", "royal academy of arts"),
        why="Cultural bodies whose names would otherwise read as a council or a school.",
    ),
    Rule(
        "media",
        words=("university press",),
        why="A university's publisher is a publisher.",
    ),
    Rule(
        "charity",
        words=("council for voluntary", "voluntary organisations"),
        why="Councils of voluntary organisations are charities, not local government.",
    ),
    Rule(
        "central-government",
        words=("european union", "research council", "research councils"),
        why="Not a trade union, not a local council.",
    ),
    Rule(
        "local-government",
        words=(
            "council",
            "combined authority",
            "local authority",
            "greater london authority",
            "localgov",
        ),
        why="Councils of every kind (city, county, borough, district, town, parish) and "
        "combined authorities.",
    ),
    Rule(
        "central-government",
        words=(
            "government",
            "department for",
            "department of",
            "ministry",
            "executive office",
            "parliament",
            "standards agency",
            "regulator",
            "commercial service",
            "gouv",
        ),
        domains=(".gov.uk", ".gov", ".gouv.fr", ".gov.scot", ".gov.wales", ".europa.eu"),
        why="Departments, devolved governments, agencies and regulators; a .gov.uk website "
        "that no council rule claimed.",
    ),
    Rule(
        "international-development",
        words=(
            "international development",
            "united nations",
            "world bank",
            "unesco",
            "unicef",
            "oxfam",
            "actionaid",
            "action aid",
            "wateraid",
            "save the children",
            "war on want",
            "peace",
            "planned parenthood",
            "sciaf",
        ),
        why="Aid agencies and UN bodies, several by name because their names say little.",
    ),
    Rule(
        "education",
        words=(
            "university",
            "universities",
            "college",
            "school",
            "schools",
            "academy",
            "education",
            "educational",
            "student",
            "students",
            "learning",
        ),
        domains=(".ac.uk", ".sch.uk", ".edu"),
        why="Universities, colleges, schools and education providers; .ac.uk websites.",
    ),
    Rule(
        "health",
        words=(
            "health",
            "healthcare",
            "medical",
            "medicine",
            "patient",
            "patients",
            "carers",
            "social work",
            "social workers",
            "alzheimers",
            "parkinsons",
            "tinnitus",
            "sarcoma",
        ),
        why="Health and care bodies, and the charities named for a condition.",
    ),
    Rule(
        "housing",
        words=("housing", "tenants", "renters", "rent"),
        why="Housing associations and renters' campaigns, before charities.",
    ),
    Rule(
        "cooperative",
        words=(
            "co op",
            "coop",
            "coops",
            "co operative",
            "co operatives",
            "cooperative",
            "mutual",
            "solidarity economy",
            "social economy",
            "social investment",
            "social enterprise",
        ),
        domains=(".coop",),
        why="Co-operatives, mutuals and social-economy bodies; .coop websites.",
    ),
    Rule(
        "trade-union",
        words=("union", "unions", "trades guild", "tuc", "iww"),
        why="Trade unions: the European Union matched an earlier rule.",
    ),
    Rule(
        "media",
        words=(
            "media",
            "bbc",
            "channel4",
            "channel 4",
            "radio",
            "television",
            "tv",
            "magazine",
            "journal",
            "news",
            "newspaper",
            "messenger",
            "press",
            "publishing",
            "publications",
            "publishers",
            "books",
            "broadcasting",
            "productions",
            "post production",
        ),
        why="Broadcasters, the press, publishers and film production.",
    ),
    Rule(
        "arts-culture",
        words=(
            "art",
            "arts",
            "museum",
            "museums",
            "gallery",
            "galleries",
            "theatre",
            "festival",
            "music",
            "culture",
            "cultural",
            "heritage",
            "contemporary",
            "dance",
            "tango",
            "audience",
        ),
        why="Museums, galleries, festivals, music and heritage.",
    ),
    Rule(
        "environment",
        words=(
            "climate",
            "environment",
            "environmental",
            "sustainability",
            "sustainable",
            "carbon",
            "energy",
            "renewables",
            "renewable",
            "solar",
            "recycling",
            "permaculture",
            "transition network",
            "transition town",
            "woodland",
            "forest",
            "frack",
            "tar sands",
            "coal",
            "greenpeace",
            "friends of the earth",
            "earth first",
            "wildlife",
        ),
        why="Climate, conservation, energy and recycling.",
    ),
    Rule(
        "research",
        words=("research", "institute", "think tank", "observatory"),
        why="Research bodies and institutes that health and education did not take.",
    ),
    Rule(
        "campaigns",
        words=(
            "campaign",
            "labour",
            "party",
            "momentum",
            "socialist",
            "solidarity",
            "justice",
            "rights",
            "watch",
            "revolution",
            "privacy",
            "democracy",
            "opendemocracy",
        ),
        why="Campaign groups, political parties and rights organisations.",
    ),
    Rule(
        "sport",
        words=("sport", "sports", "snowsports", "fc", "football", "premier league"),
        why="Clubs and sport bodies.",
    ),
    Rule(
        "charity",
        words=(
            "charity",
            "charitable",
            "trust",
            "foundation",
            "fund",
            "lottery",
            "association",
            "society",
            "centre",
            "centres",
            "network",
            "alliance",
            "coalition",
            "project",
            "aid",
            "relief",
            "crisis",
            "disability",
            "children",
            "youth",
            "women",
            "womens",
            "refugee",
            "homeless",
            "voluntary",
            "volunteers",
            "community",
            "guiding",
            "woodcraft",
            "quakers",
        ),
        domains=(".org.uk", ".org", ".scot", ".ngo"),
        why="Charities, trusts, foundations and voluntary groups; .org and .org.uk websites.",
    ),
    Rule(
        "business",
        words=(
            "ltd",
            "limited",
            "llp",
            "plc",
            "inc",
            "gmbh",
            "studios",
            "pr",
            "bank",
            "pensions",
            "hotel",
            "games",
            "interactive",
            "accountancy",
            "consulting",
        ),
        domains=(".co.uk", ".com", ".tv", ".io"),
        why="Company names, and commercial domains as the last resort.",
    ),
)


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = plain.replace("&", " and ")
    plain = re.sub(r"[’'`]", "", plain)
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def _host(website: str) -> str:
    if not website:
        return ""
    if "://" not in website:
        website = "http://" + website
    return (urlsplit(website).hostname or "").lower()


def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(_normalise(w)) for w in words) + r")\b")


_PATTERNS = {rule: _word_pattern(rule.words) for rule in RULES if rule.words}


def matching_rule(name: str, website: str = "") -> Rule | None:
    """The first rule whose words the name holds; failing that, the first rule whose domains
    the website's host ends with; None when no rule applies.

    A name says more than a domain ("en10ergy Limited" on a .org.uk site is a company), so
    names are read first.
    """
    text = _normalise(name)
    for rule in RULES:
        if rule.words and _PATTERNS[rule].search(text):
            return rule
    host = _host(website)
    if host:
        for rule in RULES:
            if any(host.endswith(domain) or host == domain[1:] for domain in rule.domains):
                return rule
    return None


def infer_sector(name: str, website: str = "") -> str | None:
    """The slug of the sector that the rules give a client, or None when none applies."""
    rule = matching_rule(name, website)
    return rule.sector if rule else None


def ensure_sectors() -> dict[str, Sector]:
    """Create the sectors in SECTORS that do not exist yet; slug -> Sector for all of them.

    Existing rows are left as they are: a coordinator may have renamed or described them.
    """
    existing = {s.slug: s for s in Sector.objects.filter(slug__in=SECTOR_SLUGS)}
    missing = [
        Sector(slug=d.slug, name=d.name, description=d.description)
        for d in SECTORS
        if d.slug not in existing
    ]
    if missing:
        Sector.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {s.slug: s for s in Sector.objects.filter(slug__in=SECTOR_SLUGS)}
    return existing


def clients_infer_sectors(*, clients: QuerySet[Client] | None = None) -> int:
    """Give each client the sector the rules infer; return how many changed.

    Promises: a client whose sector a coordinator set (`sector_source="coordinator"`) is never
    touched; a client the rules cannot place keeps what it has; the sectors exist afterwards.
    """
    queryset = Client.objects.all() if clients is None else clients
    queryset = queryset.exclude(sector_source=Client.SectorSource.COORDINATOR)
    sectors = ensure_sectors()
    changed = 0
    with transaction.atomic():
        for client in queryset.select_related("sector"):
            slug = infer_sector(client.name, client.website)
            if slug is None:
                continue
            sector = sectors[slug]
            if client.sector_id == sector.pk and client.sector_source == "inferred":
                continue
            client.sector = sector
            client.sector_source = Client.SectorSource.INFERRED
            client.save(update_fields=["sector", "sector_source"])
            changed += 1
    return changed


def rules_markdown() -> str:
    """The rules as the Markdown table in docs/sectors.md (a test keeps the two the same)."""
    names = {sector.slug: sector.name for sector in SECTORS}
    lines = [
        "| # | sector | the name holds one of | or the website ends with | why |",
        "| --- | --- | --- | --- | --- |",
    ]
    for number, rule in enumerate(RULES, start=1):
        words = ", ".join(f"`{word}`" for word in rule.words) or "–"
        domains = ", ".join(f"`{domain}`" for domain in rule.domains) or "–"
        lines.append(f"| {number} | {names[rule.sector]} | {words} | {domains} | {rule.why} |")
    return "\n".join(lines) + "\n"


def sectors_markdown() -> str:
    """The sectors as the Markdown table in docs/sectors.md."""
    lines = ["| slug | name | what it covers |", "| --- | --- | --- |"]
    lines += [f"| `{s.slug}` | {s.name} | {s.description} |" for s in SECTORS]
    return "\n".join(lines) + "\n"
