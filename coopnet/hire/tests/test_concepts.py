"""The concept and synonym table: what clients' words mean, and that the table holds together."""

import json

import pytest

from conftest import shared_data
from coopnet.directory.sample import SERVICE_GROUPS, TECHNOLOGIES
from coopnet.directory.sectors import SECTORS
from coopnet.hire.concepts import (
    CONCEPTS,
    CONCEPTS_BY_KEY,
    RELATED,
    SECTOR_HINTS,
    TECHNOLOGY,
    UMBRELLAS,
    concept_label,
    concepts_for_service_slug,
    concepts_for_technology_slug,
    counts_from_spans,
    evidence_spans,
    read_text,
    sector_table,
    sectors_named,
    tokens,
)

ALL_CONCEPTS = frozenset(CONCEPTS_BY_KEY)


def evidence_counts(words: list[str], keys: frozenset[str] = ALL_CONCEPTS) -> dict[str, int]:
    return counts_from_spans(evidence_spans(words), keys)


def test_it_reads_look_after_our_servers_as_hosting_and_system_administration():
    reading = read_text("We need someone to look after our servers")

    assert reading.concepts == ["hosting", "sysadmin"]


def test_it_reads_a_donation_site_as_web_development_for_charities():
    reading = read_text("A donation site for our winter appeal")

    assert reading.concepts == ["web-development"]
    assert reading.sectors == ["charity"]


def test_it_ignores_plurals_case_and_filler_words():
    assert read_text("Looks after the SERVER").concepts == read_text("look after servers").concepts
    assert tokens("Our charities' websites") == tokens("a charity website")
    assert tokens("Our charities' servers") == ["charity", "server"]


def test_it_reads_the_forms_of_a_verb_as_one_word():
    assert len({*tokens("host hosted hosts")}) == 1
    assert len({*tokens("map maps mapped mapping")}) == 1
    assert len({*tokens("organise organised organising organises")}) == 1
    assert len({*tokens("update updated updating")}) == 1
    assert tokens("making used needed") == tokens("make use need")
    assert read_text("we mapped where our members live").concepts == ["data-visualisation"]
    assert "hosting" in read_text("our site is hosted somewhere awful").concepts


def test_it_keeps_nouns_whose_verb_means_something_else():
    # Housing is no house, marketing no market.
    assert tokens("housing marketing") == ["housing", "marketing"]
    assert tokens("supporters printers") == ["supporter", "printer"]


def test_it_reads_everyday_ways_of_asking():
    def reads(text, key):
        return key in read_text(text).concepts

    assert reads("Our web presence is embarrassing", "web-development")
    assert reads("We want to stop paying for Squarespace", "web-development")
    assert reads("Members should log in to book rooms", "web-applications")
    assert reads("Something our volunteers can use on their phones", "mobile-apps")
    assert reads("We keep getting phishing emails and fear a data breach", "security")
    assert reads("The site keeps going down and backups never run", "hosting")
    assert reads("The site keeps going down and backups never run", "sysadmin")
    assert reads("Our supporters are spread over five spreadsheets", "data-engineering")
    assert reads("We are drowning in spam and want off Gmail", "email-collaboration")
    assert reads("Make the site work with screen readers for blind visitors", "accessibility")
    assert reads("We cannot get found on Google", "marketing")
    assert reads(
        "Our previous developer left and nobody understands the code", "support-maintenance"
    )
    assert reads("We need a new logo and a house style", "branding")
    assert reads("Can data science predict which tenants need help?", "machine-learning")


def test_it_reads_the_needs_round_4_added():
    def reads(text, key):
        return key in read_text(text).concepts

    # Co-op conversion, ownership and how a group decides.
    assert reads("The staff would like to buy the business from the founder", "coop-development")
    assert reads("Could we become worker owned when the owner is retiring?", "coop-development")
    assert reads("We want to grow our membership and keep new members", "coop-development")
    assert reads("Help us with conflict resolution in our team", "training")
    # Writing and plain English.
    assert reads("Our leaflets are full of jargon and need a rewrite", "content")
    # Search and documents.
    assert reads("Staff spend hours trying to find documents in our archive", "data-engineering")
    assert reads("A semantic search over our case files", "machine-learning")
    # Learning material and credentials.
    assert reads("We want to issue digital badges to volunteers who finish training", "training")
    assert reads("Our tutors need an online learning platform", "training")
    # Outreach and audiences.
    assert reads("We want to attract a younger audience to our events", "marketing")
    assert reads("We need to understand why people stop coming", "user-research")
    # Immersive media.
    assert reads("A virtual tour of the gardens for people who cannot travel", "games-interactive")
    # Ordering and subscriptions.
    assert reads("Customers should order online and pay by card", "e-commerce")
    # Signs and wayfinding.
    assert reads("New wayfinding for our hospital corridors", "print")
    # Connectivity and digital inclusion.
    assert reads("Too many residents have no internet at home", "connectivity")
    assert reads("Tackling the digital divide in our town", "connectivity")
    # Room and event bookings.
    assert reads("Members want to book rooms from the events calendar", "web-applications")


def test_it_does_not_read_visitors_to_a_place_as_marketing():
    assert "marketing" not in read_text("Visitors to our park keep getting lost").concepts
    assert "marketing" in read_text("We want more visitors to our website").concepts


def test_it_reads_a_print_shop_as_the_client_not_a_printing_job():
    reading = read_text("We run a small print shop and need a new booking system")
    assert "print" not in reading.concepts
    assert "business" in reading.sectors
    assert "print" in read_text("We need 500 posters printed").concepts


def test_it_does_not_read_the_client_as_the_work():
    # "A research group" is who asks: it wants its data tidied, not research.
    reading = read_text("We are a university research group with messy data in spreadsheets")
    assert "research-evaluation" not in reading.concepts
    assert reading.sectors == ["education", "research"]
    assert "video-animation" not in read_text("A film festival needs a website").concepts
    assert "video-animation" in read_text("A film for our festival").concepts


def test_it_prefers_the_longest_phrase():
    assert read_text("a web app for bookings").concepts == ["web-applications"]
    assert read_text("an app for bookings").concepts == ["apps"]
    assert read_text("an iPhone app").concepts == ["mobile-apps"]


def test_it_reads_accents_as_plain_letters():
    assert read_text("Accessibilité and a café website").concepts == ["web-development"]


def test_it_finds_technologies_by_name():
    assert read_text("Our Drupal site needs a CiviCRM upgrade").concepts[:1] == ["drupal"]
    assert "crm" in read_text("Our Drupal site needs a CiviCRM upgrade").concepts


def test_it_does_not_take_words_from_everyday_phrases():
    # "of course" is no training course, "state of the art" no arts centre, "react quickly"
    # no React.
    reading = read_text("Of course we want state of the art work; we react quickly")

    assert reading.concepts == []
    assert reading.sectors == []


def test_it_does_not_count_brief_only_phrases_as_evidence_in_a_profile():
    profile = tokens("We support charities and love a chat about their site.")

    assert evidence_counts(profile) == {}
    assert "support-maintenance" in read_text("We need support with our site").concepts


def test_it_counts_how_often_a_profile_shows_a_concept():
    profile = tokens("We host websites. Hosting is all we do, on our own servers.")

    counts = evidence_counts(profile, frozenset({"hosting", "print"}))

    assert counts == {"hosting": 3}


def test_it_finds_the_sectors_a_profile_speaks_of():
    profile = tokens("We build websites for charities and trade unions.")

    assert sectors_named(profile, sector_table({"charity", "health"})) == {"charity"}
    assert sectors_named(profile, sector_table({"health"})) == set()


def test_it_lets_an_umbrella_capability_be_shown_by_any_of_its_kinds():
    for key, kinds in UMBRELLAS.items():
        assert key in CONCEPTS_BY_KEY and all(k in CONCEPTS_BY_KEY for k in kinds)
    assert read_text("We want an app").concepts == ["apps"]


def test_it_finds_evidence_in_a_profile_and_limits_it_to_the_asked_concepts():
    profile = tokens("We look after servers and build websites.")

    assert set(evidence_counts(profile)) >= {"hosting", "sysadmin", "web-development"}
    assert set(evidence_counts(profile, frozenset({"hosting"}))) == {"hosting"}


def test_it_maps_every_sample_service_and_technology():
    from django.utils.text import slugify

    for items in SERVICE_GROUPS.values():
        for name, _synonyms in items:
            assert concepts_for_service_slug(slugify(name)), name
    known = {slug for c in CONCEPTS for slug in c.technologies}
    mapped = [n for n in TECHNOLOGIES if slugify(n.replace(".", "-")) in known]
    assert len(mapped) >= len(TECHNOLOGIES) * 0.6


def test_it_maps_the_cotech_services_clients_ask_for():
    data = json.loads(shared_data("cotech", "taxonomies.json").read_text())
    services = data.get("services") or data.get("service") or []
    slugs = {s["slug"] if isinstance(s, dict) else s for s in services}
    # The print shop's paper library is no client need; the rest of the digital work is.
    for slug in {"hosting", "sysadmin", "devops", "web-apps", "user-research", "email"} & slugs:
        assert concepts_for_service_slug(slug), slug


def test_it_gives_a_defining_technology_concept_first():
    assert concepts_for_technology_slug("drupal")[0] == "drupal"
    assert concepts_for_technology_slug("ansible") == ("sysadmin",)


def test_it_has_unique_keys_labels_and_known_related_keys():
    keys = [c.key for c in CONCEPTS]
    labels = [str(c.label) for c in CONCEPTS]
    assert len(set(keys)) == len(keys)
    assert len(set(labels)) == len(labels)
    for key, related in RELATED.items():
        assert key in CONCEPTS_BY_KEY, key
        assert all(r in CONCEPTS_BY_KEY and r != key for r in related), key


def test_it_reaches_every_phrase():
    # A phrase shadowed by a longer one that starts the same way would never be read.
    for concept in CONCEPTS:
        for phrase in (*concept.phrases, *concept.brief_only):
            assert tokens(phrase), (concept.key, phrase)
            assert concept.key in read_text(phrase).concepts, (concept.key, phrase)


def test_it_names_only_real_sectors_and_says_how_many_clients():
    real = {s.slug for s in SECTORS}
    assert {h.slug for h in SECTOR_HINTS} <= real
    charity = next(h for h in SECTOR_HINTS if h.slug == "charity")
    assert charity.worked_for % {"count": 1} == "Has worked for 1 charity"
    assert charity.worked_for % {"count": 3} == "Has worked for 3 charities"


def test_it_labels_terms_the_table_does_not_know():
    assert concept_label("hosting") == "hosting"
    assert concept_label("technology:rust") == "rust"
    assert all(c.kind in {"service", TECHNOLOGY} for c in CONCEPTS)


def test_it_reads_a_refused_technology_as_not_wanted():
    assert read_text("A new website, not WordPress").concepts == ["web-development"]
    assert read_text("We do not want Drupal, just a simple website").concepts == ["web-development"]
    assert "wordpress" in read_text("A new WordPress website").concepts


def test_it_still_reads_a_need_the_client_says_it_lacks():
    # "We don't have a website" asks for one: only a refused technology is dropped.
    assert read_text("We don't have a website yet").concepts == ["web-development"]


def test_it_does_not_count_work_a_profile_denies_as_evidence():
    words = tokens("We don't do hosting. We build websites and can't train you.")

    assert evidence_counts(words) == {"web-development": 1}
    assert evidence_counts(tokens("We do hosting and training")) == {"hosting": 1, "training": 1}


def _scan_for(words: list[str], keys: frozenset[str]) -> dict[str, int]:
    """The reference reading: scan the text with a table of `keys`' evidence phrases alone."""
    from coopnet.hire.concepts import _index, _negated, _scan_spans

    table = {
        first: kept
        for first, entries in _index().evidence.items()
        if (kept := [(p, tuple(k for k in v if k in keys)) for p, v in entries if keys & set(v)])
    }
    found: dict[str, int] = {}
    for start, _end, _phrase, concept_keys in _scan_spans(words, table):
        if not _negated(words, start):
            for key in concept_keys:
                found[key] = found.get(key, 0) + 1
    return found


def test_evidence_spans_read_any_concepts_as_a_scan_of_those_concepts_does():
    import random

    rng = random.Random(5)
    phrases = [phrase for concept in CONCEPTS for phrase in concept.phrases]
    fillers = ["we", "don't", "do", "and", "for", "charities", "web", "app", "data", "not"]
    keys = [concept.key for concept in CONCEPTS]
    for _ in range(400):
        text = " ".join(
            rng.choice(phrases) if rng.random() < 0.5 else rng.choice(fillers)
            for _ in range(rng.randint(1, 30))
        )
        words = tokens(text)
        spans = evidence_spans(words)
        for _ in range(5):
            wanted = frozenset(rng.sample(keys, rng.randint(1, 6)))
            assert counts_from_spans(spans, wanted) == _scan_for(words, wanted), (
                text,
                sorted(wanted),
            )


@pytest.mark.parametrize(
    ("text", "not_read"),
    [
        ("We want to reach more of the people we support.", "support-maintenance"),
        ("Our support workers visit families at home.", "support-maintenance"),
        ("It must be live before the audit in March.", "strategy"),
        ("It must be live before the audit in March.", "analytics"),
        ("A website we can edit ourselves.", "content"),
    ],
)
def test_it_does_not_read_a_need_into_an_everyday_word(text, not_read):
    assert not_read not in read_text(text).concepts


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("We need ongoing support for our website.", "support-maintenance"),
        ("Someone to support our website and fix bugs.", "support-maintenance"),
        ("An accessibility audit of our site.", "accessibility"),
        ("Copy editing and proofreading of our annual report.", "content"),
    ],
)
def test_it_still_reads_the_need_when_the_words_say_it(text, read):
    assert read in read_text(text).concepts
