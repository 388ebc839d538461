import pytest

from conftest import shared_data
from coopnet.directory.importers.formats import coophub_yml
from coopnet.directory.importers.records import CoopRecord


@pytest.fixture(scope="module")
def coophub() -> dict[str, CoopRecord]:
    parsed = coophub_yml.read(str(shared_data("coophub", "raw", "cooperatives.yml")))
    assert parsed.errors == []
    return {record.source_id: record for record in parsed.records}


def test_it_reads_one_record_per_coop_not_per_key(coophub):
    # 92 keys; agaric, coopdevs and librecode are each listed on GitHub and on GitLab.
    assert len(coophub) == 89
    assert coophub["agaric"].aliases == ["agaric-gitlab"]
    assert coophub["coopdevs"].aliases == ["coopdevs-gitlab"]
    assert coophub["librecode"].aliases == ["librecode-gitlab"]
    assert "agaric-gitlab" not in coophub


def test_it_keeps_each_code_host_organisation_as_a_social_link(coophub):
    assert coophub["fiqus"].social_links == {"github": "https://github.com/fiqus"}
    assert coophub["agaric"].social_links == {
        "github": "https://github.com/agaric",
        "gitlab": "https://gitlab.com/agaric",
    }
    assert coophub["webarchitects"].social_links == {"git.coop": "https://git.coop/webarch"}
    assert coophub["sutty"].social_links == {"0xacab": "https://0xacab.org/sutty"}
    assert coophub["limeleaf"].social_links == {"codeberg": "https://codeberg.org/limeleaf"}


def test_it_turns_locations_into_countries(coophub):
    assert all(record.country for record in coophub.values())
    agaric = coophub["agaric"]
    assert (agaric.country, agaric.other_countries) == ("US", ["NI", "MX"])
    assert coophub["femprocomuns"].country == "ES"  # "Catalunia"
    assert coophub["Resonate"].country == "IE"
    informal = coophub["informal-systems"]
    assert [informal.country, *informal.other_countries] == ["CA", "AT", "CH", "DE"]
    assert (coophub["webarchitects"].locality, coophub["webarchitects"].country) == (
        "Sheffield",
        "GB",
    )


def test_it_reads_names_websites_and_descriptions(coophub):
    fiqus = coophub["fiqus"]

    assert (fiqus.name, fiqus.website) == ("Fiqus", "https://fiqus.coop")
    assert fiqus.description.startswith("Ex-Cooperative company")
    assert fiqus.source == "coophub-yml"
    assert fiqus.source_url == "https://coophub.io/api/orgs/fiqus"
    assert "description" not in coophub["gcoop"].present  # description: ""


def test_it_reports_an_entry_that_is_not_a_mapping(tmp_path):
    yml = tmp_path / "cooperatives.yml"
    yml.write_text(
        "good:\n  source: gitlab\n  login: good\n  name: Good\n  url: good.example\n"
        "broken: just a string\n"
        "nameless:\n  source: github\n  url: https://nameless.example\n"
    )

    parsed = coophub_yml.read(str(tmp_path))

    assert [r.source_id for r in parsed.records] == ["good"]
    assert parsed.records[0].website == "https://good.example"
    assert {e.record_id for e in parsed.errors} == {"broken", "nameless"}
