"""ISO 3166 country codes from the free-text places that other directories hold.

Lists of co-ops write places the way people speak: "USA / Nicaragua / Germany",
"Ithaca, NY, USA", "Cupar, Scotland", "Boulder, CO", "Western US and Georgia, US".
`country_codes(text)` turns such text into ISO 3166-1 alpha-2 codes, in the order the text
names them and without repeats. How it reads a place:

1. The text is cut into parts at `, ; / + ( ) | [ ]` and at a dash between spaces.
2. A part is looked up whole, accents and case ignored: first `ALIASES` (what pycountry does
   not know: USA, UK, GER, Deutschland, Brasil...), then pycountry's names, official
   and common names and alpha-3 codes, then a bare two-letter alpha-2 code. A part may also
   name a place *within* a country: a nation or region in `REGIONS` (Scotland, Catalonia), a
   US state or Canadian province (name or postal abbreviation, from pycountry) or one of the
   few `CITIES` that the real data names alone.
3. A part that matches nothing whole is searched for the same names as whole words, so
   "Registered in Ireland in the EU" gives IE and "SF Bay Area and Southern Oregon" gives US.
   Abbreviations (US, UK, CAN...) are searched for only when written in capitals, so "us" in
   prose is not a country.
4. A part that is both a country and a place within another country ("Georgia", "CA", "CO",
   "MA") is the place when that other country is named or implied elsewhere in the text
   ("Western US and Georgia, US", "Oakland, CA, USA", "Boulder, CO"); alone it is the
   country ("Georgia" is GE, "CA" is Canada, "DE" is Germany).
5. A place within a country stands for that country only when no country is named after it:
   in "Washington, UK" Washington is a town in the UK; in "France, UK, Québec" Québec adds
   Canada.

Continents and words such as "Remote" or "Worldwide" give no country: in the world list and
CoopHub only "Europe", "Worldwide", "Remote, international" and "Distributed / Remote, North
America" name none (test_countries.py keeps that list exact). `parse_place(text)` also gives
the town and region of a plain "Town, Region, Country"; `country_name(code)` is the English
short name for display.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pycountry

# What pycountry does not know, by normalised name (see `_normalise`).
ALIASES: dict[str, str] = {
    "usa": "US",
    "us": "US",
    "united states": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "ger": "DE",
    "deutschland": "DE",
    "espana": "ES",
    "brasil": "BR",
    "mejico": "MX",
    "italia": "IT",
    "holland": "NL",
    "nederland": "NL",
    "belgique": "BE",
    "belgie": "BE",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "osterreich": "AT",
    "sverige": "SE",
    "danmark": "DK",
    "norge": "NO",
    "suomi": "FI",
    "polska": "PL",
    "eire": "IE",
    "russia": "RU",
    "turkey": "TR",
    "turkiye": "TR",
    "korea": "KR",
    "czech republic": "CZ",
    "vatican": "VA",
    "ivory coast": "CI",
    "laos": "LA",
    "syria": "SY",
    "macedonia": "MK",
}

# Nations and regions that people name instead of their country. They are places *within* a
# country: "Barcelona, Catalonia, Spain" is Spain once, and "Cupar, Scotland" is GB.
REGIONS: dict[str, str] = {
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "catalonia": "ES",
    "catalunya": "ES",
    "catalunia": "ES",
    "basque country": "ES",
    "euskadi": "ES",
    "pais vasco": "ES",
}

# Towns that the real data names with no country beside them ("Boulder, CO", where CO alone
# would be Colombia). Kept short on purpose: a town with its country after it needs no entry.
CITIES: dict[str, str] = {
    "boulder": "US",
}

# Words that say a place is not one town: such text gives no locality.
VAGUE_WORDS = (
    "remote",
    "distributed",
    "worldwide",
    "international",
    "global",
    "elsewhere",
    "beyond",
    "europe",
    "eu",
    "america",
    "cypherspace",
    "registered",
    "incorporated",
    "mainly",
)

_SPLIT = re.compile(r"[,;/+()|\[\]]|\s[-–—]\s")
_CAPS = re.compile(r"(?<![\w.])[A-Z]{2,3}(?![\w.])")


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"[’'`.]", "", plain.casefold())
    plain = re.sub(r"[\s_]+", " ", plain).strip()
    return plain.removeprefix("the ")


@dataclass(frozen=True)
class _Reading:
    """What one name can mean: a country, a place within a country, or (ambiguous) both."""

    country: str = ""
    within: str = ""


@dataclass(frozen=True)
class _Index:
    names: dict[str, _Reading]  # normalised name -> reading
    caps: dict[str, _Reading]  # abbreviation (lower case) -> reading; matched in capitals
    pattern: re.Pattern[str]  # every name longer than three letters, as whole words


@cache
def _index() -> _Index:
    countries: dict[str, str] = {}
    caps: dict[str, str] = {}
    clashes: dict[str, set[str]] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        caps[country.alpha_3.lower()] = code
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if not value:
                continue
            countries[_normalise(value)] = code
            # "Moldova, Republic of" and "Holy See (Vatican City State)" are also said short.
            short = _normalise(re.split(r",|\(", value)[0])
            clashes.setdefault(short, set()).add(code)
    for short, codes in clashes.items():
        if len(codes) == 1 and short not in countries:
            countries[short] = next(iter(codes))
    for alias, code in ALIASES.items():
        countries[alias] = code
        if len(alias) <= 3:
            caps[alias] = code

    within: dict[str, str] = {**REGIONS, **CITIES}
    within_caps: dict[str, str] = {}
    for country_code in ("US", "CA"):
        for sub in pycountry.subdivisions.get(country_code=country_code):
            within[_normalise(sub.name)] = country_code
            within_caps[sub.code.split("-")[1].lower()] = country_code

    for country in pycountry.countries:
        caps.setdefault(country.alpha_2.lower(), country.alpha_2)
    names = {
        name: _Reading(countries.get(name, ""), within.get(name, ""))
        for name in countries.keys() | within.keys()
    }
    abbreviations = {
        abbr: _Reading(caps.get(abbr, ""), within_caps.get(abbr, ""))
        for abbr in caps.keys() | within_caps.keys()
    }
    # Longest first, so "northern ireland" wins over "ireland" and "new mexico" over "mexico";
    # a name inside a hyphenated place ("Saint-Martin-d'Hères") is not that country.
    searched = sorted((name for name in names if len(name) > 3), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, searched)) + r")(?![\w-])")
    return _Index(names, abbreviations, pattern)


def _readings(part: str) -> list[_Reading]:
    index = _index()
    key = _normalise(part)
    if not key:
        return []
    if key in index.names:
        return [index.names[key]]
    if re.fullmatch(r"[a-z]{2,3}", key) and key in index.caps:
        return [index.caps[key]]
    found: list[tuple[int, _Reading]] = [
        (m.start(), index.names[m.group(1)]) for m in index.pattern.finditer(key)
    ]
    # Abbreviations inside prose count only in capitals ("Western US", not "contact us");
    # two-letter codes are never searched for: "IT consulting" is not Italy.
    for m in _CAPS.finditer(part):
        abbr = m.group(0).lower()
        if abbr in index.caps and (len(abbr) == 3 or abbr in ALIASES):
            found.append((len(_normalise(part[: m.start()])), index.caps[abbr]))
    return [reading for _pos, reading in sorted(found, key=lambda item: item[0])]


def _resolve(readings: list[_Reading]) -> list[str]:
    named = {r.country for r in readings if r.country and not r.within}
    implied = {r.within for r in readings if r.within and not r.country}
    codes: list[str] = []
    for position, reading in enumerate(readings):
        if reading.country and not reading.within:
            code = reading.country
        elif reading.within and not reading.country:
            named_after = any(r.country and not r.within for r in readings[position + 1 :])
            code = "" if named_after and reading.within not in named else reading.within
        elif reading.within in named or reading.within in implied:
            code = reading.within
        else:
            code = reading.country
        if code and code not in codes:
            codes.append(code)
    return codes


def _all_readings(text: str) -> list[_Reading]:
    return [reading for part in _SPLIT.split(text) for reading in _readings(part)]


def country_codes(text: str) -> list[str]:
    """ISO 3166-1 alpha-2 codes (upper case) that `text` names, in order, without repeats."""
    if not text or not text.strip():
        return []
    return _resolve(_all_readings(text))


@dataclass(frozen=True)
class Place:
    countries: list[str]
    locality: str = ""
    region: str = ""


def parse_place(text: str) -> Place:
    """The countries of `text`, and its town and region when it is one plain place.

    Only "Town, Country", "Town, Region, Country" and "Town, Region" (a US state or Canadian
    province) give a town: a list of places, a vague one ("Remote, USA") or a long sentence
    gives countries only.
    """
    codes = country_codes(text)
    text = (text or "").strip()
    if len(codes) != 1 or len(text) > 80 or re.search(r"[/;+&]|\band\b", text):
        return Place(codes)
    key = _normalise(text)
    if any(re.search(rf"(?<!\w){word}(?!\w)", key) for word in VAGUE_WORDS):
        return Place(codes)
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not 1 < len(parts) <= 3:
        return Place(codes)
    last = _readings(parts[-1])
    if len(last) == 1 and last[0].country == codes[0] and not last[0].within:
        parts.pop()
    if any(r.country and not r.within for part in parts for r in _readings(part)):
        return Place(codes)
    if len(parts) == 2 and len(parts[0]) <= 50:
        return Place(codes, locality=parts[0], region=parts[1])
    if len(parts) == 1:
        readings = _readings(parts[0])
        if readings and readings[0].within and not readings[0].country:
            if _normalise(parts[0]) not in CITIES:
                return Place(codes, region=parts[0])
        if len(parts[0]) <= 50:
            return Place(codes, locality=parts[0])
    return Place(codes)


@cache
def country_name(code: str) -> str:
    """The English short name of an ISO 3166 alpha-2 code ("GB" -> "United Kingdom").

    An empty code gives ""; a code pycountry does not know is returned unchanged, so that
    nothing shown to a reader silently disappears.
    """
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@cache
def is_country_code(code: str) -> bool:
    """True for an upper-case ISO 3166-1 alpha-2 code that pycountry knows."""
    return bool(code) and code.isupper() and pycountry.countries.get(alpha_2=code) is not None
