"""The project's own format: an export reads back into the same values and re-imports
without a change."""

import datetime
import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from conftest import shared_data
from coopnet.audit.models import AuditEvent
from coopnet.directory.exports import READ_ONLY_KEYS, directory_document
from coopnet.directory.importers.formats import FORMATS, coopnet_json
from coopnet.directory.importers.merge import directory_import
from coopnet.directory.models import (
    CaseStudy,
    Client,
    Coop,
    CoopSource,
    Sector,
    Service,
    Technology,
)


def run(format_name, path):
    parsed = FORMATS[format_name].read(str(path))
    return directory_import(parsed=parsed, format_name=format_name)


def export_to(tmp_path, name="export.json") -> tuple[dict, str]:
    document = json.loads(json.dumps(directory_document(Coop.objects.all())))
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return document, str(path)


def without(document: dict, *coop_keys: str) -> dict:
    document = {k: v for k, v in document.items() if k != "exported_at"}
    document["coops"] = [
        {k: v for k, v in entry.items() if k not in coop_keys} for entry in document["coops"]
    ]
    return document


@pytest.fixture
def every_field(coop, other_coop):
    """A co-op with a value in every field the export carries."""
    sector = Sector.objects.create(slug="charity", name="Charities", description="Not for profit")
    coop.sector = sector
    coop.website = "https://hedgerow.coop/"
    coop.email = "hello@hedgerow.coop"
    coop.phone = "+44 114 496 0000"
    coop.social_links = {"mastodon": "https://social.coop/@hedgerow"}
    coop.logo_url = "https://example.org/logo.png"
    coop.legal_form = "Co-operative society"
    coop.registrar = "FCA"
    coop.registration_number = "IP31234R"
    coop.founded_on = datetime.date(2012, 1, 1)
    coop.founded_precision = "year"
    coop.joined_on = datetime.date(2018, 11, 10)
    coop.joined_precision = "on_or_before"
    coop.members_main_employment = 4
    coop.address = "1 Hedge Row, Sheffield, S1 1AA"
    coop.region = "South Yorkshire"
    coop.postcode = "S1 1AA"
    coop.other_countries = ["IE"]
    coop.latitude, coop.longitude = 53.38, -1.47
    coop.languages = ["en", "cy"]
    coop.day_rate_min, coop.day_rate_max, coop.day_rate_currency = 350, 550, "GBP"
    coop.availability = "booked"
    coop.booked_until = datetime.date(2026, 12, 31)
    coop.spare_capacity_days = 3
    coop.save()
    coop.services.add(
        Service.objects.create(slug="web-design", name="Web design", description="Sites")
    )
    coop.technologies.add(
        Technology.objects.create(slug="django", name="Django", website="https://djangoproject.com")
    )
    coop.clients.add(
        Client.objects.create(slug="oxfam", name="Oxfam", website="https://oxfam.org.uk")
    )
    CoopSource.objects.create(
        coop=coop,
        source="cotech-jekyll",
        source_id="hedgerow",
        url="https://coops.tech/co-op/hedgerow",
    )
    case_study = CaseStudy.objects.create(
        slug="food-bank",
        title="Food bank finder",
        client_name="Oxfam",
        year=2024,
        links=["https://example.org"],
    )
    case_study.coops.add(coop, other_coop)
    return coop


def test_it_reimports_its_own_export_without_a_change(db, tmp_path):
    run("cotech-history", shared_data("cotech", "coops.json"))
    run("cotech-jekyll", shared_data("cotech", "raw", "pre-strip-2ce6edd"))
    run("cotech-jekyll", shared_data("cotech", "raw", "head-09f8ba9"))
    before, path = export_to(tmp_path)
    audit_rows, source_rows = AuditEvent.objects.count(), CoopSource.objects.count()

    summary = run("coopnet-json", path)

    assert (len(summary.created), len(summary.updated), summary.errors) == (0, 0, [])
    assert len(summary.unchanged) == 59
    assert {o.matched_by for o in summary.outcomes} == {"self"}
    assert summary.case_studies["unchanged"] and not summary.case_studies["updated"]
    assert (AuditEvent.objects.count(), CoopSource.objects.count()) == (audit_rows, source_rows)
    after, _path = export_to(tmp_path, "again.json")
    assert without(after) == without(before)


def test_it_reads_every_field_back_into_a_record(every_field, tmp_path):
    document, path = export_to(tmp_path)

    parsed = coopnet_json.read(path)

    record = next(r for r in parsed.records if r.slug_hint == every_field.slug)
    assert record.source_id == record.source_url == f"{settings.SITE_URL}/coops/hedgerow-digital/"
    assert record.status == "member"
    assert record.extra == {
        "members_main_employment": 4,
        "languages": ["en", "cy"],
        "day_rate_min": 350,
        "day_rate_max": 550,
        "day_rate_currency": "GBP",
        "availability": "booked",
        "booked_until": datetime.date(2026, 12, 31),
        "spare_capacity_days": 3,
    }
    assert record.founded_on == datetime.date(2012, 1, 1)
    assert (record.latitude, record.longitude) == (53.38, -1.47)
    assert record.sector.name == "Charities" and record.sector.description == "Not for profit"
    assert [(t.slug, t.name, t.description) for t in record.services] == [
        ("web-design", "Web design", "Sites")
    ]
    assert record.technologies[0].website == "https://djangoproject.com"
    assert record.clients[0].website == "https://oxfam.org.uk"
    assert record.other_sources == [
        ("cotech-jekyll", "hedgerow", "https://coops.tech/co-op/hedgerow")
    ]
    assert "email" in record.present and "region" in record.present
    case_study = parsed.case_studies[0]
    assert (case_study.year, case_study.coop_names) == (
        2024,
        ["Hedgerow Digital", "Tidewater Tech"],
    )


def test_it_restores_a_directory_from_its_export(every_field, tmp_path):
    before, path = export_to(tmp_path)
    Coop.objects.all().delete()

    summary = run("coopnet-json", path)

    assert len(summary.created) == 2 and summary.errors == []
    after, _path = export_to(tmp_path, "after.json")
    assert without(after, *READ_ONLY_KEYS) == without(before, *READ_ONLY_KEYS)
    restored = Coop.objects.get(slug="hedgerow-digital")
    # Its sources are listed again, and the export it came back from is one of them.
    assert {str(s) for s in restored.sources.all()} == {
        "cotech-jekyll:hedgerow",
        f"coopnet-json:{settings.SITE_URL}/coops/hedgerow-digital/",
    }
    assert set(CaseStudy.objects.get().coops.values_list("slug", flat=True)) == {
        "hedgerow-digital",
        "tidewater-tech",
    }


def test_it_recognises_a_restored_coops_sources_when_they_come_again(db, tmp_path):
    history = shared_data("cotech", "coops.json")
    run("cotech-history", history)
    _document, path = export_to(tmp_path)
    Coop.objects.all().delete()
    run("coopnet-json", path)

    summary = run("cotech-history", history)

    assert summary.created == [] and summary.merged == []
    assert {o.matched_by for o in summary.outcomes} == {"source"}


def test_it_attaches_another_networks_export_as_a_source(every_field, tmp_path):
    with override_settings(SITE_URL="https://other-network.example"):
        _document, path = export_to(tmp_path)

    summary = run("coopnet-json", path)

    outcome = next(o for o in summary.outcomes if o.coop_slug == "hedgerow-digital")
    assert outcome.merged and outcome.matched_by == "source"  # through the listed sources
    assert every_field.sources.filter(
        source="coopnet-json", source_id="https://other-network.example/coops/hedgerow-digital/"
    ).exists()
    assert Coop.objects.count() == 2


def test_it_refuses_what_is_not_its_format_and_reports_a_bad_entry(tmp_path):
    with pytest.raises(ValueError, match="not a coopnet-json document"):
        coopnet_json.parse_document({"coops": []})
    with pytest.raises(ValueError, match="version 99"):
        coopnet_json.parse_document({"format": "coopnet-json", "version": 99})

    parsed = coopnet_json.parse_document(
        {
            "format": "coopnet-json",
            "version": 1,
            "coops": [
                {"slug": "fine", "name": "Fine"},
                {"slug": "bad", "name": "Bad", "workers": "many"},
                {"name": "No Slug"},
            ],
        }
    )

    assert [r.slug_hint for r in parsed.records] == ["fine"]
    assert [(e.record_id, e.reason) for e in parsed.errors] == [
        ("bad", "`workers` should be a whole number, got 'many'"),
        ("coop 3", "no `slug`"),
    ]


def test_it_fails_the_command_on_a_file_that_is_not_json(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(CommandError, match="is not JSON"):
        call_command("import_directory", str(path), format_name="coopnet-json")
