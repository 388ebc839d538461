import datetime

import pytest

from conftest import shared_data
from coopnet.directory.importers.formats import essglobal_csv
from coopnet.directory.importers.records import CoopRecord

HEADER = (
    "Identifier,Name,Description,Street Address,Locality,Region,Postcode,Country ID,Website,"
    "Phone,Email,Twitter,Facebook,Latitude,Longitude,Sector,Legal Form,"
    "Legal Form Subcategory 1,Legal Form Subcategory 1,Registered Number,Registrar,"
    "Incorporation Date\n"
)


@pytest.fixture(scope="module")
def workers_coops() -> dict[str, CoopRecord]:
    path = shared_data("workers-coop-uk", "raw", "workers-coop", "2023-06-23_wc_converted.csv")
    parsed = essglobal_csv.read(str(path))
    assert parsed.errors == []
    return {record.source_id: record for record in parsed.records}


def test_it_reads_every_uk_worker_coop(workers_coops):
    assert len(workers_coops) == 387
    assert all(r.source == "essglobal-csv" and r.name for r in workers_coops.values())


def test_it_keeps_registration_numbers_with_their_registrar(workers_coops):
    registered = [r for r in workers_coops.values() if r.registration_number]
    pairs = {(r.registrar, r.registration_number) for r in registered}

    assert len(registered) == 384
    assert len(pairs) == len(registered)
    assert {r.registrar for r in registered} == {"Companies House", "FCA"}
    # Three rows say "Unknown legal form" where the registrar goes: no registrar, no number.
    unregistered = [r for r in workers_coops.values() if not r.registration_number]
    assert all(r.registrar == "" for r in unregistered)
    assert workers_coops["R001458"].legal_form == "Limited Partnership"


def test_it_parses_incorporation_dates_to_the_day(workers_coops):
    dated = [r for r in workers_coops.values() if r.founded_on]

    assert len(dated) == 386
    assert all(r.founded_precision == "day" for r in dated)
    metro = workers_coops["R025671"]
    assert metro.founded_on == datetime.date(2003, 3, 25)
    assert (metro.registrar, metro.registration_number) == ("Companies House", "04711097")


def test_it_reads_fields_that_span_lines(workers_coops):
    bikes = workers_coops["R015180"]

    assert bikes.name == "The Bicycle Co-operative"
    assert bikes.description.count("\n\n") == 2
    assert "\r" not in bikes.description
    assert bikes.address == "9 La Ville Vautier, La Rue Des Cosnets"
    assert (bikes.locality, bikes.postcode, bikes.country) == ("St Ouen", "JE3 2WF", "JE")


def test_it_gives_each_coop_its_own_sector(workers_coops):
    digital = [r for r in workers_coops.values() if r.sector and r.sector.slug.startswith("dig")]

    assert len(digital) == 61
    assert digital[0].sector.slug == "digital-media-and-communication"
    assert digital[0].sector.name == "Digital, Media and Communication"
    # "Other" and an empty sector say nothing.
    assert sum(1 for r in workers_coops.values() if r.sector is None) == 29
    assert not any(r.sector and r.sector.slug == "other" for r in workers_coops.values())


def test_it_takes_a_facebook_page_for_a_social_link_not_a_website(workers_coops):
    compliments = workers_coops["R033362"]

    assert compliments.website == ""
    assert compliments.social_links == {
        "facebook": "http://www.facebook.com/profile.php?id=100078006350052"
    }
    assert "website" not in compliments.present
    assert workers_coops["R025671"].website == "http://www.mbd.limited"


def test_it_maps_columns_by_position_and_reads_every_contact_field(tmp_path):
    csv_file = tmp_path / "standard.csv"
    csv_file.write_text(
        HEADER
        + 'R1,"Loom ""Digital""","Line one\r\nline two",1 Mill St,Leeds,West Yorkshire,ls1 1aa,'
        "GB,loom.example,0113 000,hi@loom.example,@loom,loomcoop,53.8,-1.55,"
        "Digital; Media,Society,a,b,RS123,FCA,2019-05-01\n"
    )

    parsed = essglobal_csv.read(str(csv_file))

    [loom] = parsed.records
    assert loom.name == 'Loom "Digital"'
    assert loom.description == "Line one\nline two"
    assert (loom.postcode, loom.latitude, loom.longitude) == ("LS1 1AA", 53.8, -1.55)
    assert loom.website == "https://loom.example"
    assert (loom.email, loom.phone) == ("hi@loom.example", "0113 000")
    assert loom.social_links == {
        "twitter": "https://twitter.com/loom",
        "facebook": "https://www.facebook.com/loomcoop",
    }
    assert loom.sector.slug == "digital-media"
    assert (loom.registrar, loom.registration_number) == ("FCA", "RS123")
    assert loom.legal_form == "Society"


def test_it_reports_bad_rows_and_reads_the_others(tmp_path):
    csv_file = tmp_path / "standard.csv"
    rows = [
        "R1,Good,,,,,,GB,,,,,,,,,,,,,,2020-01-02",
        "R2,Bad date,,,,,,GB,,,,,,,,,,,,,,02/01/2020",
        "R1,Same id again,,,,,,GB,,,,,,,,,,,,,,",
        ",No id,,,,,,GB,,,,,,,,,,,,,,",
        "R3,Far away,,,,,,GB,,,,,,95,10,,,,,,,",
    ]
    csv_file.write_text(HEADER + "\n".join(rows) + "\n")

    parsed = essglobal_csv.read(str(csv_file))

    assert [r.source_id for r in parsed.records] == ["R1", "R3"]
    assert parsed.records[1].latitude is None  # 95° is no latitude: drop the pair
    reasons = {e.record_id: e.reason for e in parsed.errors}
    assert set(reasons) == {"R2", "R1", "row 5"}
    assert "not a date" in reasons["R2"]
    assert "twice" in reasons["R1"]


def test_it_refuses_a_file_that_is_not_essglobal(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("name,website\nLoom,https://loom.example\n")

    with pytest.raises(ValueError, match="Identifier"):
        essglobal_csv.read(str(other))
