import json

import pycountry
import pytest

from conftest import shared_data
from coopnet.lib.countries import (
    country_codes,
    country_name,
    is_country_code,
    parse_place,
)

# The only places in the world list and CoopHub that name no country at all: continents and
# "anywhere". Kept exact, so that a change to the rules that loses a country shows up here.
UNRESOLVABLE = {
    "Distributed / Remote, North America",
    "Europe",
    "Remote, international",
    "Worldwide",
}


def _real_places() -> set[str]:
    world = json.loads(shared_data("tech-coops-list", "coops.json").read_text())
    coophub = json.loads(shared_data("coophub", "coops.json").read_text())
    places = set()
    for row in world:
        # One malformed row (Startin'blox) has its place in the first extra cell.
        extra = row.get("_extra_cells")
        places.add(extra[0] if extra else row.get("Region/Country", ""))
    places |= {row.get("location") or "" for row in coophub}
    return {place for place in places if place.strip()}


def test_it_resolves_every_real_place_but_a_short_exact_list():
    places = _real_places()
    unresolved = {place for place in places if not country_codes(place)}

    assert unresolved == UNRESOLVABLE
    assert len(places) > 150
    for place in places:
        assert all(is_country_code(code) for code in country_codes(place)), place


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("USA", ["US"]),
        ("US", ["US"]),
        ("United States", ["US"]),
        ("UK", ["GB"]),
        ("Argentina", ["AR"]),
        ("Germany/Berlin", ["DE"]),
        ("GER", ["DE"]),
        ("NZ", ["NZ"]),
        ("Rennes, FR", ["FR"]),
        ("USA / Nicaragua / Germany", ["US", "NI", "DE"]),
        ("USA/Canada", ["US", "CA"]),
        ("US + CAN", ["US", "CA"]),
        ("Berlin, Germany / Dublin, Ireland", ["DE", "IE"]),
        ("France, UK, Québec", ["FR", "GB", "CA"]),
        ("Toronto, Canada; Vienna, Austria; Lausanne, Switzerland", ["CA", "AT", "CH"]),
        ("Cupar, Scotland", ["GB"]),
        ("Barcelona, Catalonia, Spain", ["ES"]),
        ("Errenteria, Basque Country", ["ES"]),
        ("Catalunia", ["ES"]),
        ("Deutschland", ["DE"]),
        ("España", ["ES"]),
        ("Brasil", ["BR"]),
        ("Méjico", ["MX"]),
        ("Istanbul, Turkey", ["TR"]),
        ("Krasnogorsk, Russia", ["RU"]),
        ("Amsterdam, the Netherlands", ["NL"]),
        ("Lille, Paris, Nantes, Lyon (France)", ["FR"]),
        # US states and Canadian provinces, written out or abbreviated.
        ("Oakland, CA, USA", ["US"]),
        ("Greenfield, MA, USA", ["US"]),
        ("Brooklyn, NY", ["US"]),
        ("Boulder, CO", ["US"]),
        ("Montreal, QC, Canada", ["CA"]),
        ("SF Bay Area and Southern Oregon", ["US"]),
        ("Western US and Georgia, US", ["US"]),
        # Alone, an ambiguous name is the country.
        ("Georgia", ["GE"]),
        ("Tbilisi, Georgia", ["GE"]),
        ("CA", ["CA"]),
        ("Berlin, DE", ["DE"]),
        # A place within a country, named before another country, is inside that one.
        ("Washington, UK", ["GB"]),
        ("Registered in Ireland in the EU - Global Membership", ["IE"]),
        ("Incorporated in Seattle Washington, Global membership", ["US"]),
        ("Saint-Martin-d’Hères, France", ["FR"]),
        ("Trinidad and Tobago", ["TT"]),
        ("Guinea-Bissau", ["GW"]),
        ("Niger", ["NE"]),
        ("Korea, Republic of", ["KR"]),
        ("North America", []),
        ("contact us", []),
        ("IT consulting", []),
        ("", []),
    ],
)
def test_it_reads_free_text_places(text, codes):
    assert country_codes(text) == codes


@pytest.mark.parametrize(
    ("text", "locality", "region"),
    [
        ("London, UK", "London", ""),
        ("Ithaca, NY, USA", "Ithaca", "NY"),
        ("Rosario, Santa Fe, Argentina", "Rosario", "Santa Fe"),
        ("Barcelona, Catalonia, Spain", "Barcelona", "Catalonia"),
        ("Michigan, USA", "", "Michigan"),
        ("Remote, USA", "", ""),
        ("Boston, San Francisco, New Orleans, USA", "", ""),
        ("Montreal and Quebec City, Canada", "", ""),
        ("USA / Nicaragua / Germany", "", ""),
        ("Germany", "", ""),
    ],
)
def test_it_finds_the_town_and_region_of_one_plain_place(text, locality, region):
    place = parse_place(text)

    assert (place.locality, place.region) == (locality, region)
    assert place.countries == country_codes(text)


def test_it_names_countries_for_display():
    assert country_name("GB") == "United Kingdom"
    assert country_name("bo") == "Bolivia"
    assert country_name("") == ""
    assert country_name("ZZ") == "ZZ"


def test_it_knows_every_iso_code_and_nothing_else():
    assert all(is_country_code(country.alpha_2) for country in pycountry.countries)
    assert not is_country_code("UK")
    assert not is_country_code("gb")
    assert not is_country_code("")
