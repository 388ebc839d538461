"""Offline place resolution (coopnet/lib/places.py)."""

import pytest

from coopnet.lib.places import (
    coop_coordinates,
    coop_region,
    distance_km,
    resolve_city,
    resolve_place,
)


def test_it_resolves_a_town_with_its_coordinates_country_and_nation():
    place = resolve_place("Sheffield")

    assert (place.name, place.country, place.kind) == ("Sheffield", "GB", "city")
    assert (place.region, place.region_name) == ("ENG", "England")
    assert place.latitude == pytest.approx(53.38, abs=0.05)
    assert place.longitude == pytest.approx(-1.47, abs=0.05)


def test_it_takes_the_most_populous_town_of_a_name():
    assert resolve_place("Leeds").country == "GB"  # not Leeds, Alabama


def test_it_narrows_a_town_by_the_country_or_state_after_it():
    assert resolve_place("Cambridge").country == "GB"
    assert resolve_place("Cambridge, US").region == "MA"
    # MA is Morocco too, but Morocco has no Cambridge.
    assert resolve_place("Cambridge, MA").country == "US"
    assert resolve_place("Newport, Wales").region == "WLS"
    assert resolve_place("Lyon, FR").country == "FR"


def test_it_reads_other_names_of_big_cities():
    assert resolve_place("Nürnberg") == resolve_place("Nuremberg")
    assert resolve_place("Munich").country == "DE"


def test_it_reads_countries_nations_states_and_areas():
    assert (resolve_place("Germany").kind, resolve_place("Germany").country) == ("country", "DE")
    assert resolve_place("UK").country == "GB"
    scotland = resolve_place("Scotland")
    assert (scotland.kind, scotland.region, scotland.region_name) == ("region", "SCT", "Scotland")
    assert resolve_place("California").region == "CA"  # the state, not a small town
    yorkshire = resolve_place("Yorkshire")
    assert (yorkshire.kind, yorkshire.country) == ("region", "GB")
    assert yorkshire.has_coordinates and yorkshire.radius_km


def test_it_prefers_a_big_city_to_a_region_of_its_name():
    assert resolve_place("New York").kind == "city"


def test_it_gives_nothing_for_words_that_are_no_place():
    assert resolve_place("Remote") is None
    assert resolve_place("") is None
    assert resolve_place("nowhere-ville") is None


def test_it_measures_great_circle_distance():
    sheffield, leeds = resolve_place("Sheffield"), resolve_place("Leeds")

    km = distance_km(sheffield.latitude, sheffield.longitude, leeds.latitude, leeds.longitude)

    assert km == pytest.approx(47, abs=3)
    assert distance_km(0, 0, 0, 0) == 0


def test_it_places_a_co_op_by_its_coordinates_else_its_town():
    assert coop_coordinates(50.0, -1.0, "Leeds", "GB") == (50.0, -1.0)
    lat, _lon = coop_coordinates(None, None, "Glossop", "GB")
    assert lat == pytest.approx(53.44, abs=0.05)
    assert coop_coordinates(None, None, "", "GB") is None
    assert coop_coordinates(None, None, "Atlantis", "GB") is None


def test_it_prefers_the_co_ops_own_country_for_its_town():
    assert resolve_city("Portland", "GB").country == "GB"
    assert coop_region("Glasgow", "GB") == "SCT"
    assert coop_region("", "GB") == ""
