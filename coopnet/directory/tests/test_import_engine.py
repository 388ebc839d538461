"""The merge engine's rules: matching, status, self-edits, taxonomies, transactions, audit,
splitting a wrong merge, and the `import_directory` command."""

import datetime
import functools
import json
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from conftest import shared_data
from coopnet.audit.models import AuditEvent
from coopnet.directory.importers.formats import FORMATS
from coopnet.directory.importers.merge import (
    coop_split_source,
    directory_import,
    normalised_name,
)
from coopnet.directory.importers.records import (
    CaseStudyRecord,
    ClientRecord,
    CoopRecord,
    ParsedSource,
    TermRecord,
)
from coopnet.directory.models import (
    CaseStudy,
    Client,
    Coop,
    CoopSource,
    Sector,
    Service,
    Technology,
)
from coopnet.directory.sectors import infer_sector
from coopnet.directory.services import coop_update


def record(source="test", source_id="alpha", name="Alpha Digital", **fields) -> CoopRecord:
    return CoopRecord(source=source, source_id=source_id, name=name, **fields).set_present()


def run(*records, format_name="test", **options):
    parsed = ParsedSource(records=list(records))
    return directory_import(parsed=parsed, format_name=format_name, **options)


@functools.cache
def _cooperatives_uk_rows() -> dict[str, dict]:
    rows = json.loads(shared_data("workers-coop-uk", "coops.json").read_text(encoding="utf-8"))
    return {row["Identifier"]: row for row in rows}


def cooperatives_uk(identifier: str) -> CoopRecord:
    """A real row of the Co-operatives UK worker co-op data, with the fields matching uses."""
    row = _cooperatives_uk_rows()[identifier]
    return record(
        source="essglobal-csv",
        source_id=identifier,
        name=row["Name"],
        website=row["Website"],
        registrar=row["Registrar"],
        registration_number=row["Registered Number"],
        country=row["Country ID"],
        locality=row["Locality"],
        postcode=row["Postcode"],
    )


def import_cotech_history():
    path = str(shared_data("cotech", "coops.json"))
    return directory_import(parsed=FORMATS["cotech-history"].read(path), format_name="h")


# Matching


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Form & Function Digital Co-operative", "form and function digital"),
        ("Graphics\xa0Co-op", "graphics"),
        ("The Cooperative Web Ltd.", "web"),
        ("Cambá", "camba"),
        ("Code-Operative", "code operative"),
        ("Sleuth CIC", "sleuth"),
    ],
)
def test_it_normalises_names_for_matching(name, expected):
    assert normalised_name(name) == expected


def test_it_matches_its_own_source_record_and_its_aliases(db):
    run(record(source_id="the-dot-project", name="Dot Project"))

    summary = run(record(source_id="dot-project", name="Dot Project", aliases=["the-dot-project"]))

    assert summary.created == [] and summary.merged == []
    assert summary.outcomes[0].matched_by == "source"
    assert list(CoopSource.objects.values_list("source_id", flat=True)) == ["dot-project"]


def test_it_matches_a_registration_number_only_at_the_same_registrar(db):
    run(
        record(
            name="Form and Function", registrar="Companies House", registration_number="SC625583"
        )
    )

    same = run(
        record(
            source_id="b",
            name="F&F Digital",
            registrar="companies  house",
            registration_number="sc 625583",
        )
    )
    other_registrar = run(
        record(source_id="c", name="Other Co", registrar="FCA", registration_number="SC625583")
    )

    assert same.outcomes[0].matched_by == "registration"
    assert other_registrar.created  # a number is unique only at its registrar
    assert Coop.objects.get(slug="form-and-function").registration_number == "SC625583"


def test_it_matches_a_website_domain_but_never_a_shared_host(db):
    run(record(name="Agile Collective", website="https://www.agile.coop/"))
    run(record(source_id="fb", name="Facebook Page Co", website="https://facebook.com/agilecoop"))

    same = run(record(source_id="b", name="Agile", website="http://agile.coop/about"))
    shared = run(record(source_id="c", name="Another", website="https://www.facebook.com/x"))

    assert same.outcomes[0].matched_by == "domain"
    assert shared.created


def test_it_matches_a_normalised_name_only_in_the_same_country(db):
    run(record(name="Form & Function Digital Co-operative", country="GB"))
    run(record(source_id="nowhere", name="Placeless Co-op"))

    same = run(record(source_id="b", name="Form and Function Digital Ltd", country="gb"))
    elsewhere = run(record(source_id="c", name="Form and Function Digital", country="FR"))
    no_country = run(record(source_id="d", name="form & function digital"))
    both_without = run(record(source_id="e", name="The Placeless Coop"))

    assert same.outcomes[0].matched_by == "name"
    assert elsewhere.created
    assert no_country.created  # a record without a country matches only a co-op without one
    assert both_without.outcomes[0].matched_by == "name"


def test_it_never_merges_on_a_name_too_short_to_tell_coops_apart(db):
    run(record(name="Cooperative IT", country="GB", website="https://cooperativeit.co.uk"))

    other = run(record(source_id="b", name="IT Co-op", country="GB"))
    same_site = run(record(source_id="c", name="IT", website="https://cooperativeit.co.uk/x"))

    assert normalised_name("IT Co-op") == "it"
    assert other.created  # "it" says too little: a new co-op, not a merge
    assert same_site.outcomes[0].matched_by == "domain"


def test_it_never_joins_two_coops_that_one_registrar_numbers_differently(db):
    # Real rows: two companies that share a website, and two that share a normalised name.
    summary = run(*(cooperatives_uk(i) for i in ("R005019", "R005020", "R003596", "R020168")))

    assert len(summary.created) == 4
    assert summary.merged == []


def test_it_merges_the_real_overlaps_of_cotech_and_cooperatives_uk(db):
    import_cotech_history()
    identifiers = ("R030138", "R037752", "R035275", "R020459", "R027365", "R006791")

    summary = run(*(cooperatives_uk(i) for i in identifiers), format_name="essglobal-csv")

    merged = {o.record_id: (o.coop_slug, o.matched_by) for o in summary.merged}
    assert merged == {
        "R030138": ("dandelion-collective", "domain"),  # "The Psychedelic Society"
        "R037752": ("digital-society", "name"),  # no website; country from the postcode
        "R035275": ("fractals", "name"),  # fractalsdesign.uk against fractals.coop
        "R020459": ("cetis-llp", "domain"),
        "R027365": ("graphics-coop", "domain"),
    }
    # Principle Six gives no address to CoTech, so it has no country there: not merged.
    assert [o.record_id for o in summary.created] == ["R006791"]
    dandelion = Coop.objects.get(slug="dandelion-collective")
    assert dandelion.name == "Dandelion Collective"  # a newly attached source fills gaps only
    assert dandelion.registration_number == "09603539"
    assert dandelion.sources.count() == 2


DAY = datetime.date(2026, 3, 19)


# Status


def test_it_gives_a_new_coop_the_records_status_or_observed_or_member(db):
    run(record(source_id="a", name="Alpha"))
    run(record(source_id="b", name="Beta"), members=True)
    run(record(source_id="c", name="Gamma", status="former"), members=True)

    statuses = dict(Coop.objects.values_list("name", "status"))
    assert statuses == {"Alpha": "observed", "Beta": "member", "Gamma": "former"}


def test_it_only_ever_moves_a_status_up(db, coop):
    assert coop.status == "member"
    run(record(source_id="h", name=coop.name, country="GB", status="former"))
    coop.refresh_from_db()
    assert coop.status == "member"

    run(record(source_id="x", name="Observed Co"))
    run(record(source_id="x", name="Observed Co", status="former"))
    assert Coop.objects.get(name="Observed Co").status == "former"
    run(record(source_id="x", name="Observed Co"))
    assert Coop.objects.get(name="Observed Co").status == "former"
    run(record(source_id="x", name="Observed Co"), members=True)
    assert Coop.objects.get(name="Observed Co").status == "member"


def test_it_makes_a_member_former_when_a_record_dates_its_departure(db, coop):
    run(record(source_id="h", name=coop.name, country="GB", status="former", left_on=DAY))

    coop.refresh_from_db()
    assert (coop.status, coop.left_on) == ("former", DAY)


def test_it_leaves_a_member_a_coordinator_reinstated_when_the_same_departure_comes_again(db, coop):
    departure = {"name": coop.name, "country": "GB", "status": "former", "left_on": DAY}
    run(record(source_id="h", **departure))
    Coop.objects.filter(pk=coop.pk).update(status=Coop.Status.MEMBER)

    run(record(source_id="h", **departure))

    coop.refresh_from_db()
    assert coop.status == Coop.Status.MEMBER


def test_it_keeps_a_member_who_joined_again_after_the_dated_departure(db, coop):
    coop.joined_on = DAY + datetime.timedelta(days=30)
    coop.save(update_fields=["joined_on"])

    run(record(source_id="h", name=coop.name, country="GB", status="former", left_on=DAY))

    coop.refresh_from_db()
    assert coop.status == "member"


def test_it_does_not_move_a_status_again_when_a_source_repeats_itself(db, coop):
    run(record(source_id="m", name=coop.name, country="GB"), members=True)
    run(record(source_id="h", name=coop.name, country="GB", status="former", left_on=DAY))

    run(record(source_id="m", name=coop.name, country="GB"), members=True)

    coop.refresh_from_db()
    assert coop.status == "former"


# Fields


def test_it_writes_only_the_fields_a_record_gives(db):
    run(record(name="Alpha", email="hello@alpha.coop", website="https://alpha.coop", workers=4))

    run(record(name="Alpha", website="https://alpha.coop/"))

    alpha = Coop.objects.get(name="Alpha")
    assert (alpha.email, alpha.workers, alpha.website) == (
        "hello@alpha.coop",
        4,
        "https://alpha.coop/",
    )


def test_it_keeps_a_field_the_coop_edited_itself_and_reports_it(db, coop, member):
    run(record(source_id="hedgerow", name=coop.name, country="GB", description="From the source"))
    coop.refresh_from_db()
    coop_update(actor=member, coop=coop, data={"description": "In our own words"})

    summary = run(
        record(
            source_id="hedgerow",
            name=coop.name,
            country="GB",
            description="The source rewrote this",
            email="new@hedgerow.coop",
        )
    )

    coop.refresh_from_db()
    assert coop.description == "In our own words"
    assert coop.email == "new@hedgerow.coop"
    assert summary.kept_self_edits == [("hedgerow-digital", "description")]
    assert "    hedgerow-digital: description" in summary.lines()
    # The source saying the same again does not overwrite the co-op's words either.
    run(
        record(
            source_id="hedgerow",
            name=coop.name,
            country="GB",
            description="The source rewrote this",
        )
    )
    coop.refresh_from_db()
    assert coop.description == "In our own words"


def test_it_lets_an_edit_made_here_stand_until_the_source_changes(db, coordinator):
    run(record(name="Alpha", description="Version one"))
    alpha = Coop.objects.get(name="Alpha")
    coop_update(actor=coordinator, coop=alpha, data={"description": "Fixed by a coordinator"})

    run(record(name="Alpha", description="Version one"))
    alpha.refresh_from_db()
    assert alpha.description == "Fixed by a coordinator"

    run(record(name="Alpha", description="Version two"))
    alpha.refresh_from_db()
    assert alpha.description == "Version two"


def test_it_lets_a_source_new_to_a_coop_fill_only_its_gaps(db, coop):
    summary = run(
        record(
            source="other",
            source_id="hd",
            name="Hedgerow Digital Ltd",
            country="GB",
            locality="Leeds",
            email="info@hedgerow.coop",
        )
    )

    coop.refresh_from_db()
    assert summary.merged and summary.outcomes[0].matched_by == "name"
    assert (coop.name, coop.locality, coop.email) == (
        "Hedgerow Digital",
        "Sheffield",
        "info@hedgerow.coop",
    )


# Taxonomies


def test_it_replaces_only_the_terms_a_source_gave_before(db):
    def services(*slugs):
        return [TermRecord(slug=s) for s in slugs]

    run(
        record(
            source="a", name="Alpha", website="https://alpha.coop", services=services("web", "seo")
        )
    )
    run(
        record(source="b", name="Alpha", website="https://alpha.coop", services=services("hosting"))
    )
    alpha = Coop.objects.get()
    assert set(alpha.services.values_list("slug", flat=True)) == {"web", "seo", "hosting"}

    run(record(source="a", name="Alpha", website="https://alpha.coop", services=services("web")))

    assert set(alpha.services.values_list("slug", flat=True)) == {"web", "hosting"}


def test_it_names_terms_from_their_definition_or_else_their_slug(db):
    Service.objects.create(slug="web-design", name="Old name")
    run(
        record(
            services=[
                TermRecord(slug="web-design", name="Web design", description="Sites"),
                TermRecord(slug="web apps"),
            ]
        )
    )
    run(record(source_id="beta", name="Beta", services=[TermRecord(slug="web-design")]))

    assert Service.objects.get(slug="web-design").name == "Web design"
    assert Service.objects.get(slug="web-apps").name == "Web apps"


def test_it_drops_a_terms_bad_link_rather_than_the_coop(db):
    summary = run(
        record(technologies=[TermRecord(slug="django", name="Django", website="djangoproject")])
    )

    assert summary.errors == [] and len(summary.created) == 1
    assert Technology.objects.get(slug="django").website == ""


def test_it_reports_a_case_study_whose_coop_it_cannot_find(db, coop):
    parsed = ParsedSource(
        case_studies=[
            CaseStudyRecord(
                slug="ok", title="Fine", client_name="Oxfam", coop_names=["Hedgerow Digital Co-op"]
            ),
            CaseStudyRecord(slug="lost", title="Lost", coop_names=["Nobody We Know"]),
        ]
    )

    summary = directory_import(parsed=parsed, format_name="test")

    assert summary.case_studies["created"] == ["ok"]
    assert [(e.record_id, e.reason) for e in summary.errors] == [
        ("case study lost", "no co-op named 'Nobody We Know'")
    ]
    assert list(CaseStudy.objects.get(slug="ok").coops.all()) == [coop]
    assert not CaseStudy.objects.filter(slug="lost").exists()


def test_it_infers_a_new_clients_sector_but_never_changes_a_coordinators(db):
    charity = Sector.objects.create(slug="charity", name="Charities")
    Client.objects.create(
        slug="oxford-city-council", name="Oxford", sector=charity, sector_source="coordinator"
    )

    run(
        record(
            clients=[
                ClientRecord(slug="oxford-city-council", name="Oxford City Council"),
                ClientRecord(slug="oxfam", name="Oxfam International"),
            ]
        )
    )

    council = Client.objects.get(slug="oxford-city-council")
    assert (council.sector, council.sector_source) == (charity, "coordinator")
    # What the sector rules (coopnet.directory.sectors) say, whatever they come to say.
    expected = infer_sector("Oxfam International", "")
    assert expected, "the sector rules should place Oxfam: this test needs a client they place"
    oxfam = Client.objects.get(slug="oxfam")
    assert (oxfam.sector.slug, oxfam.sector_source) == (expected, "inferred")


# Slugs, transactions, audit, dry run


def test_it_gives_each_new_coop_a_unique_slug(db, coop):
    run(record(source_id="a", name="Hedgerow Digital", country="FR"))
    run(record(source_id="b", name="Hedgerow Digital", country="DE"))

    assert set(Coop.objects.values_list("slug", flat=True)) == {
        "hedgerow-digital",
        "hedgerow-digital-2",
        "hedgerow-digital-3",
    }


def test_it_rolls_back_a_bad_record_alone_and_reports_it(db):
    summary = run(
        record(source_id="good-1", name="Good One"),
        record(source_id="too-long", name="N" * 250),
        record(source_id="good-2", name="Good Two"),
    )

    assert [e.record_id for e in summary.errors] == ["too-long"]
    assert "name" in summary.errors[0].reason
    assert sorted(Coop.objects.values_list("name", flat=True)) == ["Good One", "Good Two"]
    assert not CoopSource.objects.filter(source_id="too-long").exists()


def test_it_writes_one_audit_row_per_created_or_updated_coop_and_none_when_unchanged(db):
    run(record(source_id="a", name="Alpha"), record(source_id="b", name="Beta"))
    rows = AuditEvent.objects.filter(actor_label="import:test")
    assert sorted(rows.values_list("action", "target_label")) == [
        ("coop.import_create", "Alpha"),
        ("coop.import_create", "Beta"),
    ]
    assert rows.get(target_label="Alpha").changes["status"] == ["", "observed"]

    run(record(source_id="a", name="Alpha", workers=5), record(source_id="b", name="Beta"))

    update = AuditEvent.objects.get(action="coop.import_update")
    assert update.changes == {"workers": [None, 5]}
    assert AuditEvent.objects.count() == 3


def test_it_rolls_back_a_dry_run_and_says_what_would_happen(db):
    summary = run(
        record(source_id="a", name="Alpha"), record(source_id="b", name="Beta"), dry_run=True
    )

    assert len(summary.created) == 2
    assert summary.lines()[0] == "Import of test (dry run: nothing saved)"
    assert Coop.objects.count() == 0
    assert AuditEvent.objects.count() == 0


# Splitting a wrong merge


@pytest.fixture
def wrong_merge(db):
    """The Psychedelic Society (Co-operatives UK) joined Dandelion Collective (CoTech) by the
    website they share; a coordinator may judge them two organisations."""
    import_cotech_history()
    run(cooperatives_uk("R030138"), format_name="essglobal-csv")
    return CoopSource.objects.get(source="essglobal-csv", source_id="R030138")


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_member", "member"])
def test_it_lets_only_a_coordinator_split_a_merge(request, wrong_merge, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        coop_split_source(actor=actor, source=wrong_merge)

    assert CoopSource.objects.get(pk=wrong_merge.pk).coop.slug == "dandelion-collective"


def test_it_splits_a_wrong_merge_into_a_coop_of_its_own(wrong_merge, coordinator):
    new_coop = coop_split_source(actor=coordinator, source=wrong_merge)

    assert new_coop.name == "The Psychedelic Society"
    assert (new_coop.status, new_coop.registration_number) == ("observed", "09603539")
    assert list(new_coop.sources.all()) == [wrong_merge]
    assert Coop.objects.get(slug="dandelion-collective").sources.count() == 1
    assert AuditEvent.objects.filter(actor=coordinator, action="coop.source_split").count() == 1
    assert AuditEvent.objects.for_object(new_coop).get().action == "coop.split_create"
    # Importing the same record again goes to the new co-op, never back.
    summary = run(cooperatives_uk("R030138"), format_name="essglobal-csv")
    assert summary.outcomes[0].coop_slug == new_coop.slug
    assert summary.outcomes[0].matched_by == "source"


def test_it_refuses_to_split_a_coops_only_source(db, coordinator):
    run(record(name="Alpha"))

    with pytest.raises(ValidationError):
        coop_split_source(actor=coordinator, source=CoopSource.objects.get())


# The command


def test_it_prints_the_summary_and_creates_nothing_on_a_dry_run(db):
    out, err = StringIO(), StringIO()
    path = str(shared_data("cotech", "raw", "pre-strip-2ce6edd"))

    call_command(
        "import_directory", path, format_name="cotech-jekyll", dry_run=True, stdout=out, stderr=err
    )

    lines = out.getvalue().splitlines()
    assert lines[:2] == ["Import of cotech-jekyll (dry run: nothing saved)", "  created: 28"]
    assert "  errors: 0" in lines
    assert err.getvalue() == ""  # no progress bar when stderr is not a terminal
    assert Coop.objects.count() == 0


def test_it_imports_as_members_when_told_the_source_is_the_networks_own(db):
    path = str(shared_data("cotech", "raw", "head-09f8ba9"))
    call_command(
        "import_directory", path, format_name="cotech-jekyll", members=True, stdout=StringIO()
    )

    assert Coop.objects.members().count() == 29


def test_it_fails_on_an_unknown_format_or_an_unreadable_path(db, tmp_path):
    with pytest.raises(CommandError, match="Unknown format 'nope'"):
        call_command("import_directory", str(tmp_path), format_name="nope")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command(
            "import_directory", str(tmp_path / "missing.json"), format_name="cotech-history"
        )
    with pytest.raises(CommandError, match="no _coops folder"):
        call_command("import_directory", str(tmp_path), format_name="cotech-jekyll")


def test_it_registers_every_format_that_exists():
    assert {"cotech-jekyll", "cotech-history", "coopnet-json"} <= FORMATS.keys()
    for name, module in FORMATS.items():
        assert module.NAME == name
        assert callable(module.read)


def test_it_dates_a_history_join_as_on_or_before(db):
    import_cotech_history()
    outlandish = Coop.objects.get(slug="outlandish")
    assert (outlandish.joined_on, outlandish.joined_precision) == (
        datetime.date(2017, 6, 27),
        "on_or_before",
    )


def test_it_fills_a_date_and_its_precision_together(db):
    first = CoopRecord(
        source="a", source_id="1", name="Pairwise Co-op", website="https://p.example"
    )
    directory_import(parsed=ParsedSource(records=[first.set_present()]), format_name="a")
    second = CoopRecord(
        source="b",
        source_id="9",
        name="Pairwise Co-op",
        website="https://p.example",
        founded_on=datetime.date(2011, 7, 7),
        founded_precision="day",
    )
    directory_import(parsed=ParsedSource(records=[second.set_present()]), format_name="b")

    coop = Coop.objects.get(name="Pairwise Co-op")
    assert (coop.founded_on, coop.founded_precision) == (datetime.date(2011, 7, 7), "day")


def test_it_keeps_a_self_edited_field_however_often_the_source_changes(db, member, coop):
    from coopnet.directory.importers.merge import directory_import
    from coopnet.directory.importers.records import CoopRecord, ParsedSource

    def run(description: str, phone: str) -> None:
        record = CoopRecord(
            source="s", source_id="1", name=coop.name, description=description, phone=phone
        )
        directory_import(parsed=ParsedSource(records=[record.set_present()]), format_name="s")

    run("Source v1", "111")
    coop_update(actor=member, coop=Coop.objects.get(pk=coop.pk), data={"description": "Ours"})
    run("Source v1", "222")  # another field changes at the source
    run("Source v2", "222")  # then the edited field itself
    assert Coop.objects.get(pk=coop.pk).description == "Ours"
