import datetime

import pytest

from conftest import shared_data
from coopnet.directory.importers.formats import tech_coops_md
from coopnet.directory.importers.records import CoopRecord


@pytest.fixture(scope="module")
def world_list() -> dict[str, CoopRecord]:
    parsed = tech_coops_md.read(str(shared_data("tech-coops-list", "raw")))
    assert parsed.errors == []
    return {record.name: record for record in parsed.records}


def test_it_reads_both_lists_from_the_folder(world_list):
    # 182 rows: 172 active and 10 defunct, of which one active row appears twice.
    assert len(world_list) == 181
    defunct = [r for r in world_list.values() if r.source_url.endswith("/DEFUNCT.md")]
    assert len(defunct) == 10
    assert {"Feel Train", "Resonate"} <= {r.name for r in defunct}
    assert all(r.source == "tech-coops-md" for r in world_list.values())
    assert len({r.source_id for r in world_list.values()}) == 181


def test_it_leaves_status_and_leaving_date_to_the_engine(world_list):
    for record in world_list.values():
        assert record.status is None
        assert record.left_on is None
        assert "status" not in record.present


def test_it_reads_only_active_coops_from_readme():
    parsed = tech_coops_md.read(str(shared_data("tech-coops-list", "raw", "README.md")))

    assert len(parsed.records) == 171
    assert not any(r.source_url.endswith("DEFUNCT.md") for r in parsed.records)


def test_it_merges_a_duplicate_row(world_list):
    zinc = world_list["Zinc Collective"]

    assert zinc.website == "https://www.zinc.coop/"
    assert zinc.country == "US"
    assert [term.slug for term in zinc.services] == ["development"]


def test_it_turns_places_into_country_codes(world_list):
    assert (world_list["Agaric"].country, world_list["Agaric"].other_countries) == (
        "US",
        ["NI", "DE"],
    )
    assert world_list["The Glory Society"].country == "US"  # "US"
    assert world_list["FullSteam Labs"].country == "US"  # "USA"
    assert world_list["Resonate"].country == "DE"
    assert world_list["Resonate"].other_countries == ["IE"]
    assert world_list["dtc innovation"].other_countries == ["GB", "CA"]
    assert world_list["Atomised"].country == "GB"  # "Cupar, Scotland"
    assert world_list["bits.coop"].country == ""  # the Worldwide table: no place
    webarchitects = world_list["Webarchitects Co-operative"]
    assert (webarchitects.locality, webarchitects.country) == ("Sheffield", "GB")


def test_it_never_takes_the_continent_heading_for_a_country(world_list):
    # Listed under "### Europe", placed in "Remote, international" or nowhere.
    assert world_list["Black Shuck"].country == ""
    assert world_list["Willow Bark"].country == ""


def test_it_maps_clear_business_areas_to_services_and_keeps_the_rest(world_list):
    agaric = world_list["Agaric"]
    assert [t.slug for t in agaric.services] == ["web-development", "consultancy"]
    assert "Business areas" not in agaric.description
    assert agaric.services[0].name == "Web development"

    tecso = world_list["Tecso"]
    assert [t.slug for t in tecso.services] == ["development"]
    assert tecso.description.endswith("Business areas: Development, Information services")

    radish = world_list["Radish Cooperative"]
    assert radish.services == []
    assert "Food Delivery & Restaurant Tech" in radish.description

    equality = world_list["Equality"]  # "Web development (Django/Angular)"
    assert [t.slug for t in equality.services] == ["web-development"]
    assert "Django/Angular" in equality.description


def test_it_keeps_notes_as_markdown(world_list):
    assert "[Drutopia](https://drutopia.org/)" in world_list["Agaric"].description


def test_it_reads_founding_year_and_head_count_from_notes(world_list):
    tecso = world_list["Tecso"]
    assert (tecso.founded_on, tecso.founded_precision) == (datetime.date(2002, 1, 1), "year")
    assert tecso.worker_owners is None  # "150+ associates" is no count
    assert world_list["Open Data Services"].workers == 23
    assert world_list["Matelab"].worker_owners == 8
    assert world_list["Igalia"].workers is None  # "115+ workers"
    assert world_list["Agaric"].founded_on is None  # "building online since 2006"


def test_it_repairs_the_real_files_small_faults(world_list):
    # A row with extra cells: the place is in the cell after the notes.
    assert world_list["Startin'blox"].country == "FR"
    assert {t.slug for t in world_list["Startin'blox"].services} == {"web-development", "hosting"}
    # "https:/withtheranks.com" lost a slash; "Web\|Alternatif" escapes its pipe.
    assert world_list["With the Ranks"].website == "https://withtheranks.com"
    assert "Web|Alternatif" in world_list
    assert world_list["Tetrabit"].website == "https://tetrabit.coop/"


def test_it_marks_present_only_what_a_row_gives(world_list):
    tetrabit = world_list["Tetrabit"]

    assert "description" not in tetrabit.present
    assert {"name", "website", "country", "services"} <= tetrabit.present


def test_it_reports_a_row_without_a_link_and_reads_the_others(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Tech coops list\n\n## Coops\n\n### Europe\n\n"
        "Coop | Business Areas | Region/Country | Notes\n"
        "---- | -------------- | -------------- | -----\n"
        "No link here | Hosting | France | |\n"
        "[Good](https://good.example) | Hosting | Lyon, France | Founded in 2010 |\n\n"
        "## Resources\n\n"
        "Coop | Business Areas | Region/Country | Notes\n"
        "---- | -------------- | -------------- | -----\n"
        "[Not a coop](https://elsewhere.example) | Talks | UK | |\n"
    )

    parsed = tech_coops_md.read(str(readme))

    assert [r.name for r in parsed.records] == ["Good"]
    assert parsed.records[0].locality == "Lyon"
    assert parsed.records[0].founded_on == datetime.date(2010, 1, 1)
    assert [e.record_id for e in parsed.errors] == ["README.md:9"]
    assert "no [name](website) link" in parsed.errors[0].reason


def test_it_says_so_when_the_folder_holds_neither_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        tech_coops_md.read(str(tmp_path))
