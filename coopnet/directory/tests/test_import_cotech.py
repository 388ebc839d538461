"""The CoTech formats on the real files in ../shared/data/cotech."""

import datetime
import shutil

import pytest

from conftest import shared_data
from coopnet.accounts.models import Membership, User
from coopnet.audit.models import AuditEvent
from coopnet.directory.importers.formats import FORMATS, cotech_history, cotech_jekyll
from coopnet.directory.importers.merge import directory_import
from coopnet.directory.models import CaseStudy, Client, Coop, CoopSource, Service, Technology
from coopnet.directory.services import coop_update


def pre_strip():
    return shared_data("cotech", "raw", "pre-strip-2ce6edd")


def head():
    return shared_data("cotech", "raw", "head-09f8ba9")


def history():
    return shared_data("cotech", "coops.json")


def run(format_name, path, **options):
    parsed = FORMATS[format_name].read(str(path))
    return directory_import(parsed=parsed, format_name=format_name, **options)


def test_it_reads_the_28_rich_coops_and_their_taxonomies():
    parsed = cotech_jekyll.read(str(pre_strip()))

    assert len(parsed.records) == 28
    assert parsed.errors == []
    agile = next(r for r in parsed.records if r.source_id == "agile-collective")
    assert agile.workers == 12
    assert agile.social_links == {
        "twitter": "https://twitter.com/AgileCollective",
        "github": "https://github.com/agilecollective",
    }
    assert agile.logo_url == "https://coops.tech/images/coops/agile-collective-white.png"
    assert (agile.country, agile.postcode, agile.locality) == ("GB", "OX4 1JE", "Oxford")
    assert {"services", "technologies", "clients", "address"} <= agile.present
    oxfam = next(c for c in agile.clients if c.slug == "oxfam-international")
    assert oxfam.name  # defined by a file in _clients
    # Slugs these co-ops use without a taxonomy file ("web apps" is written with a space).
    undefined = {t.slug for r in parsed.records for t in r.services if not t.name}
    assert undefined == {"3d-websites", "web-apps"}
    # The client file with a trailing tab in its YAML still parses.
    clients = cotech_jekyll.read_clients(pre_strip() / "_clients")
    assert clients["friendshouse"].name == "Friends House"


def test_it_reads_the_slim_head_files_as_name_website_logo_and_body_only():
    parsed = cotech_jekyll.read(str(head()))

    assert len(parsed.records) == 29
    assert len(parsed.case_studies) == 5
    for record in parsed.records:
        assert record.present <= {"name", "website", "logo_url", "description"}
        assert record.services == []


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (
            "The Old Music Hall,106-108 Cowley Road,Oxford,OX4 1JE,United Kingdom",
            ("GB", "OX4 1JE", "Oxford", ""),
        ),
        ("9-10 The Oval,London,UK,E2 9DT", ("GB", "E2 9DT", "London", "")),
        ("Glossop Gasworks, Arundel Street, Glossop, SK138HZ", ("GB", "SK13 8HZ", "Glossop", "")),
        (
            "The Minories 74 High Street, Colchester, Essex CO1 1UE",
            ("GB", "CO1 1UE", "Colchester", "Essex"),
        ),
        (
            "Chapel Street Studio,Assembly Bradford, Market Pavilion, Rawson Place,Bradford,"
            "West Yorkshire,BD1 3QQ",
            ("GB", "BD1 3QQ", "Bradford", "West Yorkshire"),
        ),
        ("Remote working team, across the UK,United Kingdom", ("GB", "", "", "")),
        ("Virtual", ("", "", "", "")),
        ("London", ("", "", "", "")),
        ("Via Roma 1, Bologna, Italy", ("IT", "", "Bologna", "")),
    ],
)
def test_it_reads_only_what_is_clear_from_a_one_line_address(address, expected):
    parts = cotech_jekyll.address_parts(address)
    assert (parts["country"], parts["postcode"], parts["locality"], parts["region"]) == expected


def test_it_imports_pre_strip_with_services_technologies_and_clients(db):
    summary = run("cotech-jekyll", pre_strip())

    assert len(summary.created) == 28
    assert summary.errors == []
    assert Coop.objects.count() == 28
    assert set(Coop.objects.values_list("status", flat=True)) == {"observed"}
    agile = Coop.objects.get(slug="agile-collective")
    assert agile.services.count() == 12
    assert agile.technologies.filter(slug="drupal").exists()
    assert agile.clients.count() == 21
    assert agile.sources.get().source_id == "agile-collective"
    # An undefined slug is named from itself; a defined one takes the file's name.
    assert Service.objects.get(slug="web-apps").name == "Web apps"
    assert Technology.objects.get(slug="adobe-illustrator").name == "Illustrator"
    # `the-catalyst` is used by a co-op while the file is `_clients/The-Catalyst.md`.
    assert Client.objects.get(slug="the-catalyst").name == "The Catalyst"


def test_it_leaves_out_an_invalid_value_but_imports_the_rest_of_the_record(db):
    # The real cooperative-it file gives `info@cooperativeit.co.uk/` as its email.
    summary = run("cotech-jekyll", pre_strip())

    coop = Coop.objects.get(slug="cooperative-it")
    assert coop.email == ""
    assert coop.website == "https://cooperativeit.co.uk/"
    assert [record_id for record_id, _problem in summary.left_out] == ["cooperative-it"]
    assert "email" in summary.left_out[0][1]
    assert any("cooperative-it: email" in line for line in summary.lines())


def test_it_keeps_pre_strip_services_when_the_slim_head_files_follow(db):
    run("cotech-jekyll", pre_strip())
    services_before = {c.slug: c.services.count() for c in Coop.objects.all()}

    summary = run("cotech-jekyll", head())

    assert summary.errors == []
    assert {o.record_id for o in summary.created} == {"cookiewolf", "sepheo"}
    for slug, count in services_before.items():
        assert Coop.objects.get(slug=slug).services.count() == count
    agile = Coop.objects.get(slug="agile-collective")
    assert agile.clients.count() == 21
    assert agile.postcode == "OX4 1JE"  # no address in the slim file: the stored one stays
    # A body rewritten at head is a changed record: updated in place, not duplicated.
    assert {o.record_id for o in summary.updated} and Coop.objects.count() == 30


def test_it_links_head_case_studies_to_coops_by_name(db):
    run("cotech-jekyll", pre_strip())
    summary = run("cotech-jekyll", head())

    assert len(summary.case_studies["created"]) == 5
    nook = CaseStudy.objects.get(slug="nook")
    assert list(nook.coops.values_list("slug", flat=True)) == ["outlandish"]
    assert nook.client.name == "The Energy Saving Trust"
    assert nook.links == ["https://nookcrm.com/", "https://outlandish.com/project/nook-crm/"]
    # "Data Content Reach" is the co-op named "DataContentReach".
    fuel = CaseStudy.objects.get(slug="fuel_poverty_action")
    assert list(fuel.coops.values_list("slug", flat=True)) == ["datacontentreach"]


def test_it_reads_the_history_as_one_record_per_coop_with_dot_project_merged():
    parsed = cotech_history.read(str(history()))

    # 60 files ever existed; the-dot-project was renamed dot-project: 59 co-ops.
    assert len(parsed.records) == 59
    assert parsed.errors == []
    statuses = [r.status for r in parsed.records]
    assert statuses.count("member") == 29
    assert statuses.count("former") == 30
    dot = next(r for r in parsed.records if r.source_id == "dot-project")
    assert dot.aliases == ["the-dot-project"]
    assert dot.joined_on == datetime.date(2018, 11, 10)  # when the-dot-project was listed
    assert dot.left_on == datetime.date(2025, 3, 27)
    # graphics-coop was replaced by form-and-function in one commit, but they are two
    # registered co-ops with two websites, so two records.
    ids = {r.source_id for r in parsed.records}
    assert {"graphics-coop", "form-and-function"} <= ids


def test_it_imports_the_whole_history_as_members_and_former_members(db):
    summary = run("cotech-history", history())

    assert len(summary.created) == 59
    assert Coop.objects.members().count() == 29
    assert Coop.objects.filter(status="former").count() == 30
    agile = Coop.objects.get(slug="agile-collective")
    assert agile.joined_on == datetime.date(2017, 6, 27)
    assert agile.joined_precision == "on_or_before"
    assert agile.left_on is None
    aptivate = Coop.objects.get(slug="aptivate")
    assert (aptivate.status, aptivate.left_on) == ("former", datetime.date(2025, 6, 12))
    assert aptivate.left_precision == "day"
    assert not Coop.objects.filter(slug="the-dot-project").exists()
    assert Coop.objects.get(slug="dot-project").status == "former"


def test_it_changes_nothing_when_the_same_history_is_imported_again(db):
    run("cotech-history", history())
    audit_rows = AuditEvent.objects.count()
    sources = list(CoopSource.objects.values_list("pk", "last_imported_at", "data"))

    summary = run("cotech-history", history())

    assert (len(summary.created), len(summary.updated)) == (0, 0)
    assert len(summary.unchanged) == 59
    assert AuditEvent.objects.count() == audit_rows
    assert list(CoopSource.objects.values_list("pk", "last_imported_at", "data")) == sources


def test_it_attaches_the_jekyll_records_to_the_coops_the_history_made(db):
    run("cotech-history", history())

    summary = run("cotech-jekyll", pre_strip())

    assert summary.created == []
    assert len(summary.merged) == 28
    rules = {o.record_id: o.matched_by for o in summary.merged}
    assert rules["agile-collective"] == "domain"
    assert rules["principle_six"] == "name"  # no website and no address in either source
    assert Coop.objects.count() == 59
    assert CoopSource.objects.filter(coop__slug="outlandish").count() == 2
    # The 2025 snapshot lists we-are-open, which left in 2026: it stays a former member.
    assert Coop.objects.get(slug="we-are-open").status == "former"


def test_it_keeps_what_a_real_coop_wrote_itself_when_the_site_rewrites_it(db):
    run("cotech-jekyll", pre_strip())
    outlandish = Coop.objects.get(slug="outlandish")
    worker = User.objects.create_user(username="worker", email="w@example.org", password="x")
    Membership.objects.create(user=worker, coop=outlandish)
    coop_update(actor=worker, coop=outlandish, data={"description": "Our own words."})

    # The head snapshot rewrote Outlandish's text, and so did it for 16 other co-ops.
    summary = run("cotech-jekyll", head())

    outlandish.refresh_from_db()
    assert outlandish.description == "Our own words."
    assert summary.kept_self_edits == [("outlandish", "description")]
    assert "outlandish" not in {o.coop_slug for o in summary.updated}
    rewritten = Coop.objects.get(slug="webarchitects").description
    assert rewritten == next(
        r.description
        for r in cotech_jekyll.read(str(head())).records
        if r.source_id == "webarchitects"
    )


def test_it_makes_a_member_former_only_when_the_history_dates_its_departure(db):
    # The 2025 snapshot, as the network's own directory: its 28 co-ops are members.
    run("cotech-jekyll", pre_strip(), members=True)
    assert Coop.objects.members().count() == 28

    summary = run("cotech-history", history())

    # we-are-open left in 2026: the history dates its removal, so it is a former member now.
    we_are_open = Coop.objects.get(slug="we-are-open")
    assert (we_are_open.status, we_are_open.left_on) == ("former", datetime.date(2026, 3, 19))
    # The 29 current members (27 were in the snapshot, cookiewolf and sepheo are new); the
    # history's 30 former members, we-are-open among them.
    assert Coop.objects.members().count() == 29
    assert Coop.objects.filter(status="former").count() == 30
    assert len(summary.merged) == 28 and len(summary.created) == 31


def test_it_reports_a_malformed_file_with_its_id_and_imports_the_rest(db, tmp_path):
    checkout = tmp_path / "checkout"
    shutil.copytree(pre_strip(), checkout)
    (checkout / "_coops" / "broken.md").write_text("---\nname: [unclosed\n---\nBody\n")
    (checkout / "_coops" / "nameless.md").write_text("---\nwebsite: https://x.coop\n---\n")
    (checkout / "_coops" / "bad-count.md").write_text("---\nname: Bad Count\nmembers: lots\n---\n")

    summary = run("cotech-jekyll", checkout)

    reasons = {e.record_id: e.reason for e in summary.errors}
    assert set(reasons) == {"broken", "nameless", "bad-count"}
    assert "YAML" in reasons["broken"]
    assert "name" in reasons["nameless"]
    assert "lots" in reasons["bad-count"]
    assert len(summary.created) == 28
    assert not CoopSource.objects.filter(source_id__in=reasons).exists()
