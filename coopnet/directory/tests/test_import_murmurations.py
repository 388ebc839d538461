import datetime
import json

import pytest

from conftest import shared_data
from coopnet.directory.importers.formats import murmurations


def _examples():
    return shared_data("murmurations", "examples")


def test_it_reads_a_valid_profile():
    parsed = murmurations.read(str(_examples() / "organization-valid-tech-coop.json"))

    assert parsed.errors == []
    [loomwork] = parsed.records
    assert loomwork.source == "murmurations"
    assert loomwork.source_id == "https://loomwork.example"
    assert loomwork.name == "Loomwork Digital Workers' Co-operative"
    assert loomwork.website == "https://loomwork.example"
    assert loomwork.description.startswith("Loomwork is a worker-owned software co-operative")
    assert loomwork.description.endswith("the social and solidarity economy.")  # the mission
    assert [term.slug for term in loomwork.services] == ["web-development"]
    assert loomwork.country == "GB"
    assert (loomwork.latitude, loomwork.longitude) == (53.4839, -2.2364)
    assert loomwork.address.startswith("Unit 4, 12 Weaver Street")
    assert loomwork.logo_url == "https://loomwork.example/logo-square.png"
    assert (loomwork.email, loomwork.phone) == ("hello@loomwork.example", "+44 161 555 0123")
    assert loomwork.founded_on == datetime.date(2015, 1, 1)
    assert loomwork.social_links == {
        "code_repositories": "https://git.loomwork.example/",
        "fediverse": "https://social.example.net/@loomwork",
    }
    assert {"name", "website", "country", "latitude", "services"} <= loomwork.present


def test_it_turns_an_invalid_profile_into_an_error_naming_each_failing_field():
    parsed = murmurations.read(str(_examples() / "organization-invalid.json"))

    assert parsed.records == []
    [error] = parsed.errors
    assert error.record_id == "organization-invalid"
    problems = error.reason.split("; ")
    assert len(problems) == 9
    assert {problem.split(":")[0] for problem in problems} == {
        "name",
        "primary_url",
        "contact_details.contact_form",
        "tags",
        "status",
        "country_iso_3166",
        "geolocation.lon",
        "geolocation.lat",
        "starts_at",
    }
    assert "country_iso_3166: 'UK' is not an allowed value" in problems


def test_it_reads_a_folder_and_goes_on_past_bad_files(tmp_path):
    valid = json.loads((_examples() / "organization-valid-tech-coop.json").read_text())
    other = {**valid, "name": "Second Co-op", "primary_url": "https://second.example"}
    (tmp_path / "a.json").write_text(json.dumps(valid))
    (tmp_path / "b.json").write_text(json.dumps([other, {"name": "No schemas"}]))
    (tmp_path / "c.json").write_text("{not json")
    (tmp_path / "notes.txt").write_text("not a profile")

    parsed = murmurations.read(str(tmp_path))

    assert [r.name for r in parsed.records] == [valid["name"], "Second Co-op"]
    assert {e.record_id for e in parsed.errors} == {"b[1]", "c.json"}


def test_it_validates_against_another_schema_when_asked(tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"type": "object", "required": ["name", "unique_id"]}))
    profile = _examples() / "organization-valid-tech-coop.json"

    parsed = murmurations.read(str(profile), schema_path=schema)

    assert parsed.records == []
    assert parsed.errors[0].reason == "unique_id: 'unique_id' is a required property"


def test_it_needs_the_schema(tmp_path):
    with pytest.raises(FileNotFoundError, match="schema"):
        murmurations.read(
            str(_examples() / "organization-valid-tech-coop.json"),
            schema_path=tmp_path / "absent.json",
        )


def test_it_refuses_a_profile_for_another_schema_or_an_impossible_start(tmp_path):
    valid = json.loads((_examples() / "organization-valid-tech-coop.json").read_text())
    people = {**valid, "linked_schemas": ["people_schema-v0.1.0"]}
    far = {**valid, "starts_at": 1e20}
    (tmp_path / "people.json").write_text(json.dumps(people))
    (tmp_path / "far.json").write_text(json.dumps(far))

    parsed = murmurations.read(str(tmp_path))

    assert parsed.records == []
    reasons = {e.record_id: e.reason for e in parsed.errors}
    assert "does not list organizations_schema-v1.0.0" in reasons["people"]
    assert "far" in reasons
