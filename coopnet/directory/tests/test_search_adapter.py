from coopnet.directory.models import Coop, Service
from coopnet.lib.search import query_words, search_coops


def test_it_finds_coops_by_service_synonym_and_ranks_name_first(db):
    hosting = Service.objects.create(name="Hosting", slug="hosting", synonyms="servers")
    in_name = Coop.objects.create(name="Server Collective", slug="sc", status="member")
    in_tags = Coop.objects.create(name="Quiet Co-op", slug="qc", status="member")
    in_tags.services.add(hosting)
    Coop.objects.create(name="Unrelated", slug="u", description="Bakery", status="member")

    found = list(search_coops(Coop.objects.all(), "servers"))

    assert found == [in_name, in_tags]


def test_it_matches_a_prefix_of_the_last_word(db):
    Coop.objects.create(name="Drupal People", slug="dp", status="member")
    assert search_coops(Coop.objects.all(), "drup").count() == 1


def test_it_treats_query_syntax_as_plain_words(db):
    Coop.objects.create(name="Quote Co-op", slug="q", description='"NEAR" AND OR', status="member")
    assert search_coops(Coop.objects.all(), 'near" OR (* -').count() == 1
    assert query_words("the Drupal, and SITES!") == ["drupal", "sites"]


def test_it_follows_edits_and_deletes(db):
    coop = Coop.objects.create(name="Old Name", slug="o", status="member")
    coop.name = "Fresh Name"
    coop.save()
    assert search_coops(Coop.objects.all(), "fresh").count() == 1
    assert search_coops(Coop.objects.all(), "old").count() == 0
    coop.delete()
    assert search_coops(Coop.objects.all(), "fresh").count() == 0


def test_it_applies_filters_inside_the_index_and_follows_their_changes(db):
    from coopnet.directory.selectors import CoopFilters, coop_list

    coop = Coop.objects.create(
        name="Facet Co-op",
        slug="f",
        description="hosting",
        status="member",
        country="GB",
        workers=5,
        availability="open",
    )

    def found(**filters):
        return list(coop_list(CoopFilters(q="hosting", **filters)))

    assert found(country="GB", size="4-10", availability="available") == [coop]
    assert found(country="DE") == []
    Coop.objects.filter(pk=coop.pk).update(country="DE", workers=30, availability="booked")
    assert found(country="DE", size="26+", availability="booked") == [coop]
    assert found(country="GB") == []
    assert found(availability="available") == []
    Coop.objects.filter(pk=coop.pk).update(status="former")
    assert found() == []
    assert found(include_all=True) == [coop]


def test_it_pages_a_search_the_same_inside_the_index_as_through_the_rows(db):
    from coopnet.directory.selectors import CoopFilters, CoopPaginator, coop_list

    for i in range(7):
        Coop.objects.create(
            name=f"Web Co-op {i}",
            slug=f"w{i}",
            description="web " * (i + 1),
            status="member" if i != 3 else "former",
            country="GB" if i % 2 else "DE",
        )
    filters = CoopFilters(q="web", country="GB")
    fast = CoopPaginator(coop_list(filters), 2, filters=filters)
    slow = CoopPaginator(coop_list(filters), 2)
    from django.db import connection

    # Counting and ranking inside the index is SQLite's path; PostgreSQL pages through rows.
    assert fast.index_only == (connection.vendor == "sqlite") and not slow.index_only
    assert fast.count == slow.count == 2  # w1 and w5: w3 is a former member
    assert [c.slug for c in fast.page(1)] == [c.slug for c in slow.page(1)] == ["w5", "w1"]
    stop_words_only = CoopFilters(q="the and")
    assert not CoopPaginator(coop_list(stop_words_only), 2, filters=stop_words_only).index_only


def test_it_finds_a_coop_by_its_renamed_case_study(db):
    from coopnet.directory.models import CaseStudy

    coop = Coop.objects.create(name="Quiet Co-op", slug="qc", status="member")
    study = CaseStudy.objects.create(title="Old portal", slug="s")
    study.coops.add(coop)
    study.title = "Zanzibarquux portal"
    study.save()
    assert list(search_coops(Coop.objects.all(), "zanzibarquux")) == [coop]


def test_it_falls_back_to_any_word_when_no_coop_matches_every_word(client, db):
    from coopnet.directory.selectors import CoopFilters, relaxed_when_nothing_matches

    Coop.objects.create(
        name="Leaf", slug="leaf", description="We build websites for charities", status="member"
    )
    Coop.objects.create(name="Root", slug="root", description="Websites and apps", status="member")

    exact = relaxed_when_nothing_matches(CoopFilters(q="web charities"))
    assert not exact.any_word  # "web" is a prefix of websites: Leaf matches every word
    relaxed = relaxed_when_nothing_matches(CoopFilters(q="web unicorns"))
    assert relaxed.any_word

    html = client.get("/coops/", {"q": "web unicorns"}).content.decode()
    assert "match some of them" in html and "Leaf" in html and "Root" in html
    rows = client.get("/coops/export.json", {"q": "web unicorns"}).json()
    assert len(rows["coops"]) == 2


def test_it_heals_an_index_whose_triggers_a_migration_dropped(db):
    from django.db import connection

    from coopnet.lib.search import repair_sqlite_index

    if connection.vendor != "sqlite":
        assert repair_sqlite_index() is False  # PostgreSQL's index is part of the table
        return
    assert repair_sqlite_index() is False  # intact: nothing to do
    Coop.objects.create(name="Before", slug="b", status="member")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER directory_coop_fts_ai")
    assert repair_sqlite_index() is True
    Coop.objects.create(name="After", slug="a", status="member")
    assert search_coops(Coop.objects.all(), "before").count() == 1  # rebuilt from the rows
    assert search_coops(Coop.objects.all(), "after").count() == 1  # and following again
