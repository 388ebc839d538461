"""The matching engine: who it ranks, how, the reasons it gives, fair exposure and teams."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import slugify

from coopnet.directory.models import CaseStudy, Client, Coop, Sector, Service, Technology
from coopnet.hire.matching import (
    BriefNeeds,
    exposure_factor,
    match_coops,
    median_exposure,
    outcome_payload,
    recent_exposure,
)
from coopnet.hire.models import Brief, BriefRecipient, CoopConflict

SHEFFIELD = (53.3811, -1.4701)
_counter = itertools.count()


@pytest.fixture
def terms(db):
    services = {
        slug: Service.objects.create(name=name, slug=slug)
        for slug, name in [
            ("hosting", "Hosting"),
            ("system-administration", "System administration"),
            ("web-development", "Web development"),
            ("user-research", "User research"),
        ]
    }
    technologies = {
        slug: Technology.objects.create(name=name, slug=slug)
        for slug, name in [("drupal", "Drupal"), ("ansible", "Ansible")]
    }
    charity = Sector.objects.create(name="Charities", slug="charity")
    return {"services": services, "technologies": technologies, "charity": charity}


def make_coop(name, *, services=(), technologies=(), clients=(), **fields):
    values = {
        "status": Coop.Status.MEMBER,
        "availability": Coop.Availability.OPEN,
        "country": "GB",
        "description": "A worker co-operative.",
        **fields,
    }
    coop = Coop.objects.create(name=name, slug=slugify(name), **values)
    coop.services.set(services)
    coop.technologies.set(technologies)
    coop.clients.set(clients)
    return coop


def charities(sector, n):
    return [
        Client.objects.create(
            name=f"Charity {next(_counter)}", slug=f"c-{next(_counter)}", sector=sector
        )
        for _ in range(n)
    ]


def slugs(outcome):
    return [m.coop.slug for m in outcome.results]


def reasons_of(outcome, slug):
    return next(m.reasons for m in outcome.results if m.coop.slug == slug)


def test_it_ranks_members_only(terms):
    hosting = [terms["services"]["hosting"]]
    make_coop("Member Hosts", services=hosting)
    for status in (Coop.Status.OBSERVED, Coop.Status.FORMER, Coop.Status.APPLICANT):
        make_coop(f"{status} Hosts", services=hosting, status=status)

    outcome = match_coops(BriefNeeds(text="We need hosting"))

    assert slugs(outcome) == ["member-hosts"]


def test_it_explains_each_result_from_its_record(terms):
    services = terms["services"]
    make_coop(
        "Tidy Servers",
        services=[services["hosting"], services["system-administration"]],
        latitude=SHEFFIELD[0],
        longitude=SHEFFIELD[1],
        workers=6,
    )

    outcome = match_coops(
        BriefNeeds(text="We need someone to look after our servers", location="Leeds")
    )

    assert outcome.required == ["hosting", "sysadmin"]
    assert reasons_of(outcome, "tidy-servers") == [
        "Offers hosting and system administration",
        "Available now",
        "About 45 km from Leeds",
    ]


def test_it_finds_a_member_that_describes_the_work_but_lists_no_services(terms):
    make_coop("Quiet Admins", description="We keep servers running for small charities.")
    make_coop("Film Folk", description="We make films.")

    outcome = match_coops(BriefNeeds(text="Someone to look after our servers"))

    assert slugs(outcome) == ["quiet-admins"]
    assert "Its profile describes system administration work" in reasons_of(outcome, "quiet-admins")


def test_it_favours_co_ops_that_have_worked_in_the_briefs_sector(terms):
    web = [terms["services"]["web-development"]]
    make_coop("Plain Web", services=web)
    make_coop("Charity Web", services=web, clients=charities(terms["charity"], 2))

    outcome = match_coops(BriefNeeds(text="A donation site for our appeal"))

    assert outcome.sectors == ["charity"]
    assert slugs(outcome) == ["charity-web", "plain-web"]
    assert "Has worked for 2 charities" in reasons_of(outcome, "charity-web")
    assert not any("charit" in r for r in reasons_of(outcome, "plain-web"))


def test_it_counts_a_co_op_that_writes_about_the_sector_as_experienced(terms):
    web = [terms["services"]["web-development"]]
    make_coop("Plain Web", services=web)
    make_coop("Caring Web", services=web, description="We build websites for small charities.")

    outcome = match_coops(BriefNeeds(text="A new website", sector="charity"))

    assert slugs(outcome) == ["caring-web", "plain-web"]
    assert outcome.results[0].signals["sector"] == 0.5
    assert outcome.results[1].signals["sector"] == 0.0


def test_it_rates_a_capability_listed_and_described_above_one_only_listed(terms):
    hosting = [terms["services"]["hosting"]]
    make_coop("Ticked", services=hosting)
    make_coop("Ticked And Told", services=hosting, description="Hosting is what we do.")

    outcome = match_coops(BriefNeeds(text="hosting"))
    capability = {m.coop.slug: m.signals["capability"] for m in outcome.results}

    assert capability["ticked-and-told"] > capability["ticked"] >= 0.9
    assert slugs(outcome)[0] == "ticked-and-told"


def test_it_lifts_the_specialist_in_one_need_of_a_brief_with_several(terms):
    # A generalist showing a little of every need should not bury the co-op that clearly
    # does one of them: part of the capability signal is the best-shown capability.
    make_coop(
        "Hosts", services=[terms["services"]["hosting"]], description="Hosting is what we do."
    )

    hosting = match_coops(BriefNeeds(text="hosting")).results[0].signals["capability"]
    outcome = match_coops(BriefNeeds(text="hosting and user research"))

    assert outcome.required == ["hosting", "user-research"]
    # Not the plain mean (hosting / 2): a fifth of the signal is the best capability.
    assert outcome.results[0].signals["capability"] == pytest.approx(
        0.8 * hosting / 2 + 0.2 * hosting, abs=0.001
    )


def test_it_ignores_work_a_profile_says_it_does_not_do(terms):
    make_coop("Trainers", description="We run training for co-ops and their members.")
    make_coop("No Trainers", description="We build websites; we don't do training.")

    outcome = match_coops(BriefNeeds(text="training for our staff"))
    capability = {m.coop.slug: m.signals.get("capability", 0) for m in outcome.results}

    assert slugs(outcome)[0] == "trainers"
    assert capability.get("no-trainers", 0.0) == 0.0


def test_it_counts_a_web_application_shop_for_an_app(terms):
    # "An app" may be a web or a mobile one: a profile that describes either shows it.
    make_coop("App Makers", description="We build web applications for charities.")
    make_coop("Researchers", services=[terms["services"]["user-research"]])

    outcome = match_coops(BriefNeeds(text="An app for our volunteers"))

    assert outcome.required == ["apps"]
    assert slugs(outcome) == ["app-makers"]
    assert outcome.results[0].capabilities == {"apps"}


def test_it_reads_every_word_of_a_long_brief(terms):
    # The directory's search reads a query's first 12 words; a client's point can come later.
    make_coop("Bee Folk", description="Software for beekeepers and their hives.")
    make_coop("Film Folk", description="We make films for small organisations.")

    outcome = match_coops(
        BriefNeeds(
            text="We are a small organisation in the north of England with twelve staff, "
            "a board and many volunteers, and we would love a tool for our beekeepers"
        )
    )

    assert slugs(outcome) == ["bee-folk"]
    assert outcome.results[0].signals["text"] == 1.0


def test_it_puts_available_co_ops_above_fully_booked_ones_and_says_until_when(terms):
    hosting = [terms["services"]["hosting"]]
    until = timezone.localdate() + datetime.timedelta(days=40)
    make_coop("Booked Hosts", services=hosting, availability="booked", booked_until=until)
    make_coop("Limited Hosts", services=hosting, availability="limited")
    make_coop("Open Hosts", services=hosting)

    outcome = match_coops(BriefNeeds(text="hosting"))

    assert slugs(outcome) == ["open-hosts", "limited-hosts", "booked-hosts"]
    assert "Limited availability" in reasons_of(outcome, "limited-hosts")
    booked = reasons_of(outcome, "booked-hosts")
    assert f"Fully booked until {until.day} {until:%B %Y}" in booked
    assert not outcome.results[2].available


def test_it_counts_a_co_op_booked_until_before_the_start_as_available(terms):
    hosting = [terms["services"]["hosting"]]
    until = timezone.localdate() + datetime.timedelta(days=10)
    make_coop("Soon Free", services=hosting, availability="booked", booked_until=until)

    outcome = match_coops(BriefNeeds(text="hosting", start_on=until + datetime.timedelta(days=5)))

    assert outcome.results[0].available
    free = until + datetime.timedelta(days=1)
    assert f"Free from {free.day} {free:%B}" in outcome.results[0].reasons


def test_it_places_a_co_op_without_coordinates_by_its_town(terms):
    make_coop("Glossop Hosts", services=[terms["services"]["hosting"]], locality="Glossop")
    make_coop("Far Hosts", services=[terms["services"]["hosting"]], country="DE")

    outcome = match_coops(BriefNeeds(text="hosting", location="Sheffield"))

    assert slugs(outcome) == ["glossop-hosts", "far-hosts"]
    assert "About 35 km from Sheffield" in reasons_of(outcome, "glossop-hosts")
    assert reasons_of(outcome, "far-hosts") == ["Offers hosting", "Available now"]


def test_it_says_a_co_op_is_in_the_nation_or_area_the_client_names(terms):
    hosting = [terms["services"]["hosting"]]
    make_coop("Glasgow Hosts", services=hosting, locality="Glasgow")
    make_coop("Leeds Hosts", services=hosting, latitude=53.80, longitude=-1.55)

    scotland = match_coops(BriefNeeds(text="hosting", location="Scotland", remote_ok=False))
    yorkshire = match_coops(BriefNeeds(text="hosting", location="Yorkshire"))

    assert slugs(scotland)[0] == "glasgow-hosts"
    assert "Based in Scotland" in reasons_of(scotland, "glasgow-hosts")
    assert "Based in the United Kingdom" in reasons_of(scotland, "leeds-hosts")
    assert "In or near Yorkshire" in reasons_of(yorkshire, "leeds-hosts")


def test_it_gives_technologies_their_own_reasons(terms):
    make_coop("Drupal Folk", technologies=[terms["technologies"]["drupal"]])
    # Not named after the tool: a name is read as the co-op's own words.
    make_coop("Tooling Folk", technologies=[terms["technologies"]["ansible"]])

    drupal = match_coops(BriefNeeds(text="Our Drupal site"))
    admin = match_coops(BriefNeeds(text="server administration", technologies=[]))

    assert drupal.required[0] == "drupal"
    assert reasons_of(drupal, "drupal-folk")[0] == "Uses Drupal"
    assert "Works with Ansible, used in system administration" in reasons_of(admin, "tooling-folk")


def test_it_trusts_a_listed_service_less_from_a_coop_that_lists_many(terms):
    hosting = terms["services"]["hosting"]
    others = [Service.objects.create(name=f"Other {i}", slug=f"other-{i}") for i in range(12)]
    make_coop("Alder Co-op", services=[hosting])
    make_coop("Birch Co-op", services=[hosting, *others])

    outcome = match_coops(BriefNeeds(text="hosting"))
    by_slug = {m.coop.slug: m for m in outcome.results}

    focused = by_slug["alder-co-op"].signals["capability"]
    broad = by_slug["birch-co-op"].signals["capability"]
    assert focused == pytest.approx(0.9)
    assert broad == pytest.approx(0.7)
    assert slugs(outcome)[0] == "alder-co-op"
    # Still enough to count as covering it: a box ticked is a box ticked.
    assert "hosting" in by_slug["birch-co-op"].capabilities


def test_it_trusts_a_service_of_several_capabilities_less(db):
    development = Service.objects.create(name="Development", slug="development")
    web = Service.objects.create(name="Web development", slug="web-development")
    make_coop("General Devs", services=[development])
    make_coop("Web Devs", services=[web])

    outcome = match_coops(BriefNeeds(text="a new website"))
    by_slug = {m.coop.slug: m.signals["capability"] for m in outcome.results}

    # "Development" is evidence of web development, web applications and apps.
    assert by_slug["general-devs"] == pytest.approx(0.7)
    assert by_slug["web-devs"] == pytest.approx(0.9)


def test_it_reads_the_coops_name_as_its_own_words(terms):
    make_coop("Hill Hosting", description="A worker co-operative.")
    make_coop("Hill Printers", description="A worker co-operative.")

    outcome = match_coops(BriefNeeds(text="hosting"))

    assert slugs(outcome) == ["hill-hosting"]
    assert "Its profile describes hosting work" in reasons_of(outcome, "hill-hosting")


def test_it_names_brief_words_the_profile_shares(terms):
    make_coop("Gift Folk", description="Donation forms that claim Gift Aid, for fundraisers.")

    outcome = match_coops(BriefNeeds(text="fundraisers keep asking about this"))

    assert "Mentions “fundraisers” in its profile" in reasons_of(outcome, "gift-folk")


def test_it_scores_between_zero_and_one_best_first(terms):
    services = terms["services"]
    make_coop(
        "Both",
        services=[services["hosting"], services["system-administration"]],
        description="We look after servers.",
    )
    make_coop("One", services=[services["hosting"]])
    make_coop("Words Only", description="We look after servers.")

    outcome = match_coops(BriefNeeds(text="look after our servers"))

    scores = [m.score for m in outcome.results]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    assert slugs(outcome)[0] == "both"
    assert outcome.results[0].capabilities == {"hosting", "sysadmin"}


def test_it_leaves_out_excluded_co_ops_and_respects_the_limit(terms):
    hosting = [terms["services"]["hosting"]]
    coops = [make_coop(f"Hosts {i}", services=hosting) for i in range(4)]

    outcome = match_coops(BriefNeeds(text="hosting"), limit=2, exclude_coop_ids={coops[0].pk})

    assert len(outcome.results) == 2
    assert coops[0].slug not in slugs(outcome)


def test_it_returns_nothing_for_a_brief_nobody_matches(terms):
    make_coop("Hosts", services=[terms["services"]["hosting"]])

    outcome = match_coops(BriefNeeds(text="zebra grooming"))

    assert outcome.results == []
    assert outcome.consortium == []


def test_it_down_weights_co_ops_that_recently_received_many_briefs(terms):
    hosting = [terms["services"]["hosting"]]
    busy = make_coop("Busy Hosts", services=hosting)
    make_coop("Zesty Hosts", services=hosting)  # after "Busy" by name when scores tie
    make_coop("Film Folk", description="We make films.")  # the median member got no brief

    even = match_coops(BriefNeeds(text="hosting"), exposure={})
    fair = match_coops(BriefNeeds(text="hosting"), exposure={busy.pk: 6})

    assert slugs(even) == ["busy-hosts", "zesty-hosts"]
    assert slugs(fair) == ["zesty-hosts", "busy-hosts"]
    # Gently: six briefs above the median cost a little over a third of the score.
    assert fair.results[1].score == pytest.approx(even.results[0].score / 1.6, abs=1e-3)


def test_it_computes_the_exposure_factor_as_documented():
    assert exposure_factor(0, 0) == 1
    assert exposure_factor(2, 2) == 1
    assert exposure_factor(12, 2) == pytest.approx(0.5)
    assert median_exposure({1: 6}, member_count=3) == 0
    assert median_exposure({1: 6, 2: 2, 3: 4}, member_count=4) == 3


def _brief() -> Brief:
    return Brief.objects.create(
        contact_name="Cleo",
        contact_email="cleo@example.org",
        text="Hosting",
        consent_to_share=True,
        access_token_hash=f"hash-{next(_counter)}",
        access_expires_at=timezone.now() + datetime.timedelta(days=30),
    )


def test_it_counts_briefs_sent_in_the_last_ninety_days(terms):
    coop = make_coop("Counted")
    now = timezone.now()
    for sent_at in (now, now - datetime.timedelta(days=89), now - datetime.timedelta(days=91)):
        BriefRecipient.objects.create(brief=_brief(), coop=coop, sent_at=sent_at)
    BriefRecipient.objects.create(brief=_brief(), coop=coop, sent_at=None)

    assert recent_exposure() == {coop.pk: 2}
    assert recent_exposure(days=100) == {coop.pk: 3}


def test_it_reads_recent_exposure_when_none_is_given(terms):
    hosting = [terms["services"]["hosting"]]
    busy = make_coop("Busy Hosts", services=hosting)
    make_coop("Zesty Hosts", services=hosting)
    for _ in range(5):
        BriefRecipient.objects.create(brief=_brief(), coop=busy, sent_at=timezone.now())

    assert slugs(match_coops(BriefNeeds(text="hosting"))) == ["zesty-hosts", "busy-hosts"]


def test_it_proposes_teams_when_no_available_member_covers_everything(terms):
    hosts = make_coop("Hedge Hosts", services=[terms["services"]["hosting"]], workers=4)
    drupal = make_coop("Drupal Folk", technologies=[terms["technologies"]["drupal"]], workers=5)

    outcome = match_coops(BriefNeeds(text="Drupal development and hosting"))

    assert outcome.required == ["drupal", "hosting"]
    assert outcome.consortium
    team = outcome.consortium[0]
    assert {c.pk for c in team.members} == {hosts.pk, drupal.pk}
    assert team.covers == {hosts.pk: ["hosting"], drupal.pk: ["drupal"]} or team.covers == {
        drupal.pk: ["drupal"],
        hosts.pk: ["hosting"],
    }
    lead, other = (hosts, drupal) if team.lead == hosts else (drupal, hosts)
    brings = {hosts.pk: "hosting", drupal.pk: "Drupal"}
    assert team.reasons == [
        f"{lead.name} leads and brings {brings[lead.pk]}; {other.name} brings {brings[other.pk]}"
    ]
    assert 0 <= team.score <= 1
    payload = outcome_payload(outcome)
    assert payload["consortium"][0]["lead"] == lead.slug
    assert set(payload["consortium"][0]["covers"]) == {hosts.slug, drupal.slug}


def test_it_proposes_no_team_when_one_available_member_covers_everything(terms):
    make_coop("Hedge Hosts", services=[terms["services"]["hosting"]])
    make_coop("Drupal Folk", technologies=[terms["technologies"]["drupal"]])
    make_coop(
        "All In One",
        services=[terms["services"]["hosting"]],
        technologies=[terms["technologies"]["drupal"]],
    )

    outcome = match_coops(BriefNeeds(text="Drupal development and hosting"))

    assert outcome.consortium == []
    assert outcome_payload(outcome)["consortium"] is None


def test_it_proposes_teams_when_the_only_full_cover_is_fully_booked(terms):
    make_coop("Hedge Hosts", services=[terms["services"]["hosting"]])
    make_coop("Drupal Folk", technologies=[terms["technologies"]["drupal"]])
    make_coop(
        "All In One",
        services=[terms["services"]["hosting"]],
        technologies=[terms["technologies"]["drupal"]],
        availability="booked",
    )

    outcome = match_coops(BriefNeeds(text="Drupal development and hosting"))

    assert {c.slug for c in outcome.consortium[0].members} == {"hedge-hosts", "drupal-folk"}


def test_it_proposes_teams_when_the_effort_exceeds_every_co_ops_capacity(terms):
    both = {
        "services": [terms["services"]["hosting"]],
        "technologies": [terms["technologies"]["drupal"]],
    }
    make_coop("Small One", spare_capacity_days=10, **both)
    make_coop("Small Two", spare_capacity_days=10, **both)

    roomy = match_coops(BriefNeeds(text="Drupal and hosting", effort_days=8))
    big = match_coops(BriefNeeds(text="Drupal and hosting", effort_days=18))

    assert roomy.consortium == []
    assert {c.slug for c in big.consortium[0].members} == {"small-one", "small-two"}


def test_it_never_pairs_co_ops_that_declared_a_conflict(terms):
    hosts = make_coop("Hedge Hosts", services=[terms["services"]["hosting"]])
    rival = make_coop("Rival Drupal", technologies=[terms["technologies"]["drupal"]])
    friend = make_coop("Friendly Drupal", technologies=[terms["technologies"]["drupal"]])
    low, high = sorted([hosts, rival], key=lambda c: c.pk)
    CoopConflict.objects.create(coop=low, other_coop=high)

    outcome = match_coops(BriefNeeds(text="Drupal development and hosting"))

    assert outcome.consortium
    for team in outcome.consortium:
        members = {c.pk for c in team.members}
        assert not {hosts.pk, rival.pk} <= members
    assert {c.pk for c in outcome.consortium[0].members} == {hosts.pk, friend.pk}


def test_it_lets_a_coordinator_include_and_exclude_co_ops_in_teams(terms):
    hosts = make_coop("Hedge Hosts", services=[terms["services"]["hosting"]])
    drupal = make_coop("Drupal Folk", technologies=[terms["technologies"]["drupal"]])
    other = make_coop("Other Drupal", technologies=[terms["technologies"]["drupal"]])
    researchers = make_coop("Researchers", services=[terms["services"]["user-research"]])

    outcome = match_coops(
        BriefNeeds(text="Drupal development and hosting"),
        team_include_ids={researchers.pk},
        team_exclude_ids={drupal.pk},
        max_team_size=3,
    )

    assert outcome.consortium
    for team in outcome.consortium:
        members = {c.pk for c in team.members}
        assert researchers.pk in members and drupal.pk not in members
        assert len(members) <= 3
    assert {c.pk for c in outcome.consortium[0].members} == {hosts.pk, other.pk, researchers.pk}


def test_it_reads_the_network_in_a_fixed_number_of_queries(terms):
    services = terms["services"]
    clients = charities(terms["charity"], 3)

    def network(n):
        for i in range(n):
            coop = make_coop(
                f"Coop {next(_counter)}",
                services=[services["hosting"], services["web-development"]],
                technologies=[terms["technologies"]["drupal"]],
                clients=clients,
                description="We look after servers for charities.",
            )
            study = CaseStudy.objects.create(title=f"Hosting move {i}", slug=f"cs-{next(_counter)}")
            study.coops.set([coop])

    def queries():
        needs = BriefNeeds(text="Look after the servers of our charity", location="Leeds")
        with CaptureQueriesContext(connection) as captured:
            match_coops(needs, limit=20)
        return len(captured)

    network(3)
    few = queries()
    network(30)
    assert queries() == few


def test_it_ranks_a_bounded_set_of_available_co_ops_in_a_large_network(terms, monkeypatch):
    from coopnet.hire import matching

    monkeypatch.setattr(matching, "ALL_MEMBERS_UP_TO", 2)
    hosting = [terms["services"]["hosting"]]
    make_coop("Open Hosts", services=hosting)
    make_coop("French Hosts", services=hosting, country="FR")
    make_coop("Booked Hosts", services=hosting, availability="booked")
    make_coop("Film Folk", description="We make films.")

    anywhere = match_coops(BriefNeeds(text="hosting", location="Leeds"))
    on_site = match_coops(BriefNeeds(text="hosting", location="Leeds", remote_ok=False))

    assert slugs(anywhere) == ["open-hosts", "french-hosts"]
    assert slugs(on_site) == ["open-hosts"]
