"""Similar past briefs as a matching signal (coopnet/hire/history.py), through the real
services: a brief is submitted, a coordinator sends it, a co-op answers."""

import pytest

from coopnet.accounts.models import Membership, User
from coopnet.directory.models import Coop
from coopnet.hire import history
from coopnet.hire.concepts import read_text
from coopnet.hire.matching import BriefNeeds, match_coops
from coopnet.hire.models import Brief, BriefRecipient
from coopnet.hire.services import brief_answer, brief_pass_on, brief_send, brief_submit
from coopnet.hire.tests.test_matching import make_coop
from coopnet.lib import embeddings

SALTMARSH = (
    "We are a coastal wildlife trust and want to know how much saltmarsh our estuary has "
    "lost since the 1980s, and to keep checking every year."
)
COASTLINE = (
    "Our nature reserve wants to measure how the coastline and the mudflats have changed "
    "over thirty years, from old aerial photos and satellite pictures."
)
BAKERY = "A logo, a sign and a leaflet for our new bakery on the high street."
# About the same thing (surveys), asking for different things: the table reads hosting and
# system administration in the first and the third, data analysis in the second.
SURVEY_SERVERS = (
    "We want our online survey tool moved to servers we control, and kept patched and backed up."
)
SURVEY_ANALYSIS = "We have five years of survey results and want them analysed and shown in charts."
SURVEY_TOOL = (
    "Our research centre wants a free, open-source survey tool on servers we control, kept "
    "patched and backed up."
)
_addresses = iter(range(1, 10_000))


def submit(text: str) -> Brief:
    brief, _raw = brief_submit(
        contact_name="Cleo",
        contact_email="cleo@example.org",
        text=text,
        consent_to_share=True,
        ip=f"198.51.100.{next(_addresses) % 250}",
    )
    return brief


def worker_owner(coop: Coop) -> User:
    user = User.objects.create_user(
        username=f"wo-{coop.slug}", email=f"wo-{coop.slug}@example.org", password="correct horse 42"
    )
    Membership.objects.create(user=user, coop=coop)
    return user


def say_yes(recipient: BriefRecipient) -> None:
    brief_answer(
        actor=worker_owner(recipient.coop),
        recipient=recipient,
        interested=True,
        message="We would love to.",
    )


@pytest.fixture
def network(db, coordinator):
    """Three members whose records say nothing of Earth observation."""
    return {
        "orbit": make_coop("Orbit Works", description="We make maps and analyse imagery."),
        "pixel": make_coop("Pixel Press", description="Design and print for small shops."),
        "stack": make_coop("Stack Yard", description="Web apps and hosting."),
        "coordinator": coordinator,
    }


def test_a_submitted_brief_keeps_the_vector_of_its_text(network):
    brief = submit(SALTMARSH)

    brief.refresh_from_db()
    assert bytes(brief.text_vector) == history.vector_bytes(SALTMARSH)
    assert len(bytes(brief.text_vector)) == 384 * 4


def test_a_co_op_that_said_yes_to_a_similar_brief_comes_first_and_says_why(network):
    past = submit(COASTLINE)
    (recipient,) = brief_send(actor=network["coordinator"], brief=past, coops=[network["orbit"]])
    say_yes(recipient)

    outcome = match_coops(BriefNeeds(text=SALTMARSH))

    assert outcome.results[0].coop == network["orbit"]
    assert "Said yes to a similar brief before" in outcome.results[0].reasons
    assert outcome.results[0].signals["history"] == pytest.approx(1.0)


def test_a_brief_on_another_subject_is_no_history(network):
    past = submit(BAKERY)
    (recipient,) = brief_send(actor=network["coordinator"], brief=past, coops=[network["pixel"]])
    say_yes(recipient)

    fit = history.past_fit(SALTMARSH)
    outcome = match_coops(BriefNeeds(text=SALTMARSH))

    assert not fit and fit.fits == {}
    assert all("history" not in match.signals for match in outcome.results)


def test_a_co_op_put_forward_by_a_person_counts_half_a_yes(network):
    past = submit(COASTLINE)
    yes, sent = brief_send(
        actor=network["coordinator"], brief=past, coops=[network["orbit"], network["stack"]]
    )
    say_yes(yes if yes.coop == network["orbit"] else sent)

    fit = history.past_fit(SALTMARSH).fits

    assert fit[network["orbit"].pk] == history.PastFit(score=1.0, said_yes=1)
    assert fit[network["stack"].pk] == history.PastFit(score=0.5, said_yes=0, put_forward=1)


def test_a_co_op_another_passed_the_brief_to_is_put_forward(network):
    past = submit(COASTLINE)
    (recipient,) = brief_send(actor=network["coordinator"], brief=past, coops=[network["stack"]])
    worker_owner(network["orbit"])  # someone there to see it
    brief_pass_on(
        actor=worker_owner(network["stack"]), recipient=recipient, to_coop=network["orbit"]
    )

    fit = history.past_fit(SALTMARSH).fits

    assert fit[network["orbit"].pk].score == pytest.approx(0.5)
    assert fit[network["stack"].pk].score == pytest.approx(0.5)  # the coordinator chose it


def test_automatic_routing_without_an_answer_says_nothing(network):
    past = submit(COASTLINE)
    brief_send(actor=None, brief=past, coops=[network["orbit"]])

    assert not history.past_fit(SALTMARSH)


def test_a_brief_is_not_its_own_history(network):
    brief = submit(SALTMARSH)
    (recipient,) = brief_send(actor=network["coordinator"], brief=brief, coops=[network["orbit"]])
    say_yes(recipient)

    assert not history.past_fit(SALTMARSH, exclude_brief_id=brief.pk)
    assert network["orbit"].pk in history.past_fit(SALTMARSH).fits


def test_a_co_op_that_left_is_never_ranked_for_its_history(network):
    past = submit(COASTLINE)
    (recipient,) = brief_send(actor=network["coordinator"], brief=past, coops=[network["orbit"]])
    say_yes(recipient)
    Coop.objects.filter(pk=network["orbit"].pk).update(status=Coop.Status.FORMER)

    outcome = match_coops(BriefNeeds(text=SALTMARSH))

    assert network["orbit"] not in [match.coop for match in outcome.results]


def test_matching_without_history_ignores_it(network):
    past = submit(COASTLINE)
    (recipient,) = brief_send(actor=network["coordinator"], brief=past, coops=[network["orbit"]])
    say_yes(recipient)

    outcome = match_coops(BriefNeeds(text=SALTMARSH), use_history=False)

    assert all("history" not in match.signals for match in outcome.results)


def test_briefs_embed_fills_in_only_the_missing_vectors(network):
    first, second = submit(COASTLINE), submit(BAKERY)
    Brief.objects.filter(pk=first.pk).update(text_vector=None)
    kept = bytes(Brief.objects.get(pk=second.pk).text_vector)

    stored = history.briefs_embed(Brief.objects.all())

    assert stored == 1
    assert bytes(Brief.objects.get(pk=first.pk).text_vector) == history.vector_bytes(COASTLINE)
    assert bytes(Brief.objects.get(pk=second.pk).text_vector) == kept


@pytest.mark.django_db(transaction=True)
def test_the_daily_job_embeds_the_briefs_saved_without_a_vector(network):
    from django.utils.module_loading import import_string

    from conftest import run_queued_tasks
    from coopnet.network.scheduler import PERIODIC_JOBS, enqueue_due_jobs

    brief = submit(COASTLINE)
    Brief.objects.filter(pk=brief.pk).update(text_vector=None)
    [job] = [j for j in PERIODIC_JOBS if j.name == "embed-brief-texts"]

    enqueue_due_jobs(jobs=[job])
    run_queued_tasks()

    assert import_string(job.task_path).name == "embed_brief_texts"
    assert bytes(Brief.objects.get(pk=brief.pk).text_vector) == history.vector_bytes(COASTLINE)


def test_what_a_process_keeps_of_the_history_follows_each_new_answer(network):
    past = submit(COASTLINE)
    (recipient,) = brief_send(actor=network["coordinator"], brief=past, coops=[network["orbit"]])
    assert history.past_fit(SALTMARSH).get(network["orbit"].pk).score == pytest.approx(0.5)

    say_yes(recipient)

    assert history.past_fit(SALTMARSH).get(network["orbit"].pk).score == pytest.approx(1.0)


def test_a_stored_brief_s_vector_gives_what_its_text_gives(network):
    past = submit(COASTLINE)
    (recipient,) = brief_send(actor=network["coordinator"], brief=past, coops=[network["orbit"]])
    say_yes(recipient)
    stored = bytes(submit(SALTMARSH).text_vector)

    # No text: only the vector can find the past brief. (The concept table reads no need in
    # SALTMARSH either, so the need overlap is the same both ways.)
    assert not read_text(SALTMARSH).concepts
    assert history.past_fit("", vector=stored) == history.past_fit(SALTMARSH)
    assert history.past_fit(SALTMARSH)


def test_a_vector_computed_on_the_worker_thread_gives_what_the_text_gives(network):
    past = submit(COASTLINE)
    (recipient,) = brief_send(actor=network["coordinator"], brief=past, coops=[network["orbit"]])
    say_yes(recipient)
    history._text_vector.cache_clear()

    pending = history.start_text_vector(SALTMARSH)

    assert history.past_fit("", pending_vector=pending) == history.past_fit(SALTMARSH)
    assert pending.result() is not None


def test_a_past_brief_that_asks_for_the_same_capabilities_is_nearer(network):
    servers = submit(SURVEY_SERVERS)
    analysis = submit(SURVEY_ANALYSIS)
    for brief, coop in ((servers, network["stack"]), (analysis, network["orbit"])):
        (recipient,) = brief_send(actor=network["coordinator"], brief=brief, coops=[coop])
        say_yes(recipient)

    past = history._past()
    needs = frozenset(read_text(SURVEY_TOOL).concepts)
    overlap = dict(zip(past.ids, past.need_overlap(needs), strict=True))
    fit = history.past_fit(SURVEY_TOOL)

    # Four capabilities each, all shared; none shared with the analysis's three.
    assert overlap == {servers.pk: 1.0, analysis.pk: 0.0}
    assert fit.get(network["stack"].pk).score > fit.get(network["orbit"].pk).score
    similarity = {
        brief.pk: float(
            embeddings.from_bytes(bytes(Brief.objects.get(pk=brief.pk).text_vector))
            @ history.text_vector(SURVEY_TOOL)
        )
        + history.NEED_OVERLAP * overlap[brief.pk]
        for brief in (servers, analysis)
    }
    closeness = min(
        1.0,
        (similarity[servers.pk] - history.SIMILAR_FROM)
        / (history.SURE_FROM - history.SIMILAR_FROM),
    )
    similar = sum(value > history.SIMILAR_FROM for value in similarity.values())
    assert similarity[servers.pk] > similarity[analysis.pk]
    assert fit.confidence == pytest.approx(closeness * similar / history.NEIGHBOURS)


def test_one_similar_past_brief_takes_a_fifth_of_the_share_five_would(network):
    # A young network: one brief, sent by the coordinator to Stack Yard, not answered yet.
    past = submit(COASTLINE)
    brief_send(actor=network["coordinator"], brief=past, coops=[network["stack"]])

    fit = history.past_fit(COASTLINE.replace("thirty", "forty"))
    outcome = match_coops(BriefNeeds(text=COASTLINE.replace("thirty", "forty")), limit=3)
    stack = next(m for m in outcome.results if m.coop == network["stack"])

    assert fit.confidence == pytest.approx(1 / history.NEIGHBOURS)
    assert fit.get(network["stack"].pk) == history.PastFit(score=0.5, said_yes=0, put_forward=1)
    assert "Was put forward for a similar brief before" in stack.reasons
    assert outcome.results[0].coop == network["orbit"]  # its record says maps and imagery


def test_a_loosely_similar_past_brief_counts_less_than_a_close_one(network):
    past = submit(COASTLINE)
    (recipient,) = brief_send(actor=network["coordinator"], brief=past, coops=[network["orbit"]])
    say_yes(recipient)

    close = history.past_fit(COASTLINE.replace("thirty", "forty"))
    loose = history.past_fit("Our trust wants to know what is happening on our land every year.")

    # Near enough to count in full, but one similar brief of the five that would.
    assert close.confidence == pytest.approx(1 / history.NEIGHBOURS)
    assert 0.0 < loose.confidence < close.confidence
    assert loose.get(network["orbit"].pk).score == pytest.approx(1.0)  # what it says, if less sure


@pytest.mark.parametrize(
    ("reason", "score"), [("busy", 0.5), ("other", 0.5), ("not_our_work", 0.0)]
)
def test_a_decline_counts_by_why(network, reason, score):
    past = submit(COASTLINE)
    (recipient,) = brief_send(actor=network["coordinator"], brief=past, coops=[network["orbit"]])
    brief_answer(
        actor=worker_owner(network["orbit"]),
        recipient=recipient,
        interested=False,
        message="Not this time.",
        decline_reason=reason,
    )

    fit = history.past_fit(SALTMARSH)

    assert fit.get(network["orbit"].pk).score == pytest.approx(score)


def test_briefs_embed_reads_once_and_writes_once_however_many_briefs(
    network, django_assert_num_queries
):
    for text in (COASTLINE, BAKERY, SALTMARSH):
        Brief.objects.filter(pk=submit(text).pk).update(text_vector=None)

    with django_assert_num_queries(2):
        assert history.briefs_embed(Brief.objects.all()) == 3
