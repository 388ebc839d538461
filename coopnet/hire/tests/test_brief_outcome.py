"""brief_record_outcome and brief_case_study_create: what came of a brief."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from coopnet.audit.models import AuditEvent
from coopnet.directory.models import CaseStudy, Coop, Service
from coopnet.hire.matching import ProposedTeam
from coopnet.hire.models import Brief, BriefRecipient, Consortium
from coopnet.hire.services import (
    brief_answer,
    brief_case_study_create,
    brief_choose,
    brief_record_outcome,
    brief_send,
    brief_submit,
)
from coopnet.hire.tests.page_helpers import BRIEF as COMMON_BRIEF

BRIEF = {**COMMON_BRIEF, "organisation": "Riverside Trust"}
Outcome = BriefRecipient.Outcome


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def chosen(coordinator, coop, other_coop, member) -> BriefRecipient:
    """A brief sent to two co-ops; the client chose `coop`."""
    web = Service.objects.create(name="Web development", slug="web-development")
    hosting = Service.objects.create(name="Hosting", slug="hosting")
    brief = brief_submit(**BRIEF, services=[web, hosting])[0]
    entry, _other = brief_send(actor=coordinator, brief=brief, coops=[coop, other_coop])
    brief_answer(actor=member, recipient=entry, interested=True, message="Yes")
    brief_choose(brief=brief, recipients=[entry])
    entry.refresh_from_db()
    return entry


def test_it_records_a_won_brief_and_its_value(chosen, member):
    brief_record_outcome(actor=member, recipient=chosen, outcome="won", value=Decimal("12500"))
    chosen.refresh_from_db()
    assert (chosen.outcome, chosen.outcome_value) == (Outcome.WON, Decimal("12500.00"))
    assert chosen.outcome_recorded_at is not None


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_member", "coordinator"])
def test_it_lets_only_the_coops_worker_owners_record_it(chosen, request, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        brief_record_outcome(actor=actor, recipient=chosen, outcome="won", value=None)
    chosen.refresh_from_db()
    assert chosen.outcome == Outcome.NONE


@pytest.mark.parametrize(
    ("outcome", "value", "field"),
    [("maybe", None, "outcome"), ("", None, "outcome"), ("won", Decimal("-1"), "value")],
)
def test_it_refuses_a_wrong_outcome_or_value(chosen, member, outcome, value, field):
    with pytest.raises(ValidationError) as caught:
        brief_record_outcome(actor=member, recipient=chosen, outcome=outcome, value=value)
    assert field in caught.value.message_dict


def test_it_refuses_a_value_too_large_to_store(chosen, member):
    with pytest.raises(ValidationError):
        brief_record_outcome(actor=member, recipient=chosen, outcome="won", value=Decimal("1e12"))


def test_it_records_nothing_for_a_coop_the_brief_was_never_sent_to(member, coop):
    brief = brief_submit(**BRIEF)[0]
    unsent = BriefRecipient.objects.create(brief=brief, coop=coop)
    with pytest.raises(ValidationError):
        brief_record_outcome(actor=member, recipient=unsent, outcome="won", value=None)


def test_a_coop_not_chosen_may_record_that_it_lost(chosen, other_coop, other_member):
    entry = chosen.brief.recipients.get(coop=other_coop)
    brief_record_outcome(actor=other_member, recipient=entry, outcome="lost", value=None)
    entry.refresh_from_db()
    assert entry.outcome == Outcome.LOST
    # Only the chosen co-ops' outcomes end the brief.
    assert Brief.objects.get(pk=chosen.brief_id).closed_at is None


def test_it_closes_the_brief_when_every_chosen_coop_has_an_outcome(chosen, member):
    brief_record_outcome(actor=member, recipient=chosen, outcome="lost", value=None)
    brief = Brief.objects.get(pk=chosen.brief_id)
    assert brief.closed_at is not None
    assert brief.status == Brief.Status.CHOSEN  # it still says what happened
    assert AuditEvent.objects.filter(action="brief.close", target_id=str(brief.pk)).exists()


def test_it_lets_the_coop_correct_its_outcome_and_audits_each(chosen, member):
    brief_record_outcome(actor=member, recipient=chosen, outcome="lost", value=None)
    brief_record_outcome(actor=member, recipient=chosen, outcome="won", value=Decimal("900"))
    events = AuditEvent.objects.filter(action="brief.outcome").order_by("id")
    assert [e.changes["outcome"] for e in events] == [["", "lost"], ["lost", "won"]]
    assert events[1].changes["outcome_value"] == [None, "900"]
    assert events[1].actor == member


# Case studies


def test_it_turns_a_won_brief_into_a_case_study_on_the_coops_profile(chosen, member, coop):
    brief_record_outcome(actor=member, recipient=chosen, outcome="won", value=None)
    case_study = brief_case_study_create(
        actor=member,
        recipient=chosen,
        title="A site for Riverside",
        summary="We built it.",
        year=2026,
        client_name=" Riverside Trust ",
    )
    assert list(case_study.coops.all()) == [coop]
    assert case_study.client_name == "Riverside Trust"
    assert case_study.services_text == "Hosting, Web development"
    assert (case_study.slug, case_study.year) == ("a-site-for-riverside", 2026)
    chosen.refresh_from_db()
    assert chosen.case_study == case_study
    event = AuditEvent.objects.get(action="brief.case_study")
    assert event.changes["case_study"] == [None, "a-site-for-riverside"]


def test_it_makes_a_case_study_only_from_a_won_brief(chosen, member):
    with pytest.raises(ValidationError):
        brief_case_study_create(actor=member, recipient=chosen, title="T", summary="S")
    brief_record_outcome(actor=member, recipient=chosen, outcome="lost", value=None)
    with pytest.raises(ValidationError):
        brief_case_study_create(actor=member, recipient=chosen, title="T", summary="S")
    assert not CaseStudy.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_member", "coordinator"])
def test_it_lets_only_the_coops_worker_owners_make_the_case_study(chosen, member, request, who):
    brief_record_outcome(actor=member, recipient=chosen, outcome="won", value=None)
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        brief_case_study_create(actor=actor, recipient=chosen, title="T", summary="S")
    assert not CaseStudy.objects.exists()


def test_it_needs_a_title_and_a_summary(chosen, member):
    brief_record_outcome(actor=member, recipient=chosen, outcome="won", value=None)
    with pytest.raises(ValidationError) as caught:
        brief_case_study_create(actor=member, recipient=chosen, title=" ", summary="")
    assert set(caught.value.message_dict) == {"title", "summary"}


def test_it_makes_one_case_study_per_brief_with_a_free_slug(chosen, member, delegate):
    CaseStudy.objects.create(title="Taken", slug="a-site")
    brief_record_outcome(actor=member, recipient=chosen, outcome="won", value=None)
    first = brief_case_study_create(actor=member, recipient=chosen, title="A site", summary="S")
    assert first.slug == "a-site-2"
    with pytest.raises(ValidationError):
        brief_case_study_create(actor=delegate, recipient=chosen, title="Again", summary="S")
    assert CaseStudy.objects.count() == 2


def test_a_teams_case_study_names_every_member_that_did_not_lose(
    coordinator, coop, other_coop, member, other_member
):
    third = Coop.objects.create(name="Third", slug="third", status=Coop.Status.MEMBER)
    brief = brief_submit(**BRIEF)[0]
    team = ProposedTeam(
        lead=coop, members=[coop, other_coop], covers={}, reasons=[], score=1, exact=True
    )
    brief_send(actor=coordinator, brief=brief, coops=[third], team=team)
    lead_entry = brief.recipients.get(coop=coop)
    brief_answer(actor=member, recipient=lead_entry, interested=True, message="Yes")
    partner = brief.recipients.get(coop=other_coop)
    brief_answer(actor=other_member, recipient=partner, interested=True, message="Yes")
    brief_choose(brief=brief, consortium=Consortium.objects.get(brief=brief))
    brief_record_outcome(actor=member, recipient=lead_entry, outcome="won", value=None)
    case_study = brief_case_study_create(
        actor=member, recipient=lead_entry, title="Together", summary="S"
    )
    assert set(case_study.coops.all()) == {coop, other_coop}
    assert set(brief.recipients.filter(case_study=case_study).values_list("coop", flat=True)) == {
        coop.pk,
        other_coop.pk,
    }


def test_it_records_no_outcome_before_the_client_chooses(coordinator, coop, member):
    brief = brief_submit(**BRIEF)[0]
    (entry,) = brief_send(actor=coordinator, brief=brief, coops=[coop])

    with pytest.raises(ValidationError):
        brief_record_outcome(actor=member, recipient=entry, outcome="lost", value=None)

    entry.refresh_from_db()
    assert entry.outcome == Outcome.NONE


def test_only_a_chosen_coop_can_have_won(chosen, other_coop, other_member):
    entry = chosen.brief.recipients.get(coop=other_coop)

    with pytest.raises(ValidationError) as caught:
        brief_record_outcome(actor=other_member, recipient=entry, outcome="won", value=None)

    assert "outcome" in caught.value.message_dict
    entry.refresh_from_db()
    assert entry.outcome == Outcome.NONE


def test_a_case_study_names_no_client_unless_the_co_op_says_so(chosen, member):
    # The brief form promised the client their organisation is not published.
    brief_record_outcome(actor=member, recipient=chosen, outcome="won", value=None)

    case_study = brief_case_study_create(
        actor=member, recipient=chosen, title="A site", summary="We built it."
    )

    assert case_study.client_name == ""
