import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import coop_with_worker
from coopnet.directory.models import Coop
from coopnet.referrals.models import Referral
from coopnet.referrals.selectors import (
    coop_ids_of,
    referral_answering_coops,
    referral_contact_visible_to,
    referral_statuses_for,
    referral_value_visible_to,
    referral_visible_to,
    referrals_open_for,
    referrals_received_by,
    referrals_sent_by,
)
from coopnet.referrals.services import (
    referral_claim,
    referral_create,
    referral_decline,
    referral_set_status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(member, other_member, coordinator, outsider):
    third = coop_with_worker("third-coop")
    former = coop_with_worker("former-coop", status=Coop.Status.FORMER)
    return {
        "sender": member,
        "claimer": other_member,
        "third": third[1],
        "former": former[1],
        "coordinator": coordinator,
        "outsider": outsider,
        "anonymous": AnonymousUser(),
        "_third_coop": third[0],
    }


def who_sees(check, referral, people) -> set[str]:
    return {
        name for name, user in people.items() if not name.startswith("_") and check(referral, user)
    }


def test_an_open_network_referral_is_visible_to_every_member_coop_but_not_its_contact(
    coop, member, people
):
    referral = referral_create(
        actor=member, from_coop=coop, title="Lead", client_email="cleo@example.com"
    )

    assert who_sees(referral_visible_to, referral, people) == {
        "sender",
        "claimer",
        "third",
        "coordinator",
    }
    assert who_sees(referral_contact_visible_to, referral, people) == {"sender", "coordinator"}


def test_once_claimed_only_the_two_coops_and_coordinators_see_it_its_contact_and_value(
    coop, member, other_coop, other_member, people
):
    referral = referral_create(actor=member, from_coop=coop, title="Lead")
    referral_claim(actor=other_member, referral=referral, coop=other_coop)
    referral_set_status(actor=other_member, referral=referral, status="won", value=5000)

    involved = {"sender", "claimer", "coordinator"}
    assert who_sees(referral_visible_to, referral, people) == involved
    assert who_sees(referral_contact_visible_to, referral, people) == involved
    assert who_sees(referral_value_visible_to, referral, people) == involved


def test_a_coop_that_declined_still_sees_the_referral_but_never_its_contact_or_value(
    coop, member, other_coop, other_member, people
):
    third_worker = people["third"]
    referral = referral_create(actor=member, from_coop=coop, title="Lead")
    referral_decline(
        actor=third_worker, referral=referral, coop=people["_third_coop"], reason="Busy."
    )
    referral_claim(actor=other_member, referral=referral, coop=other_coop)

    assert referral_visible_to(referral, third_worker)
    assert not referral_contact_visible_to(referral, third_worker)
    assert not referral_value_visible_to(referral, third_worker)


def test_a_directed_referral_is_visible_to_the_coops_asked_not_those_still_queued(
    coop, member, other_coop, people
):
    referral = referral_create(
        actor=member,
        from_coop=coop,
        title="In turn",
        audience=Referral.Audience.CHOSEN_IN_TURN,
        chosen_coops=[other_coop, people["_third_coop"]],
    )

    assert who_sees(referral_visible_to, referral, people) == {
        "sender",
        "claimer",
        "coordinator",
    }
    assert list(referrals_open_for(people["claimer"])) == [referral]
    assert list(referrals_open_for(people["third"])) == []


def test_the_claimer_stops_seeing_the_contact_once_the_sender_withdraws(
    coop, member, other_coop, other_member
):
    referral = referral_create(actor=member, from_coop=coop, title="Lead")
    referral_claim(actor=other_member, referral=referral, coop=other_coop)

    referral_set_status(actor=member, referral=referral, status="withdrawn")

    assert not referral_contact_visible_to(referral, other_member)
    assert referral_contact_visible_to(referral, member)


def test_the_rules_read_no_membership_when_given_the_users_coop_ids(
    coop, member, other_coop, other_member, people, django_assert_num_queries
):
    """A page or an API list reads the user's co-ops once and passes them to every rule."""
    referral = referral_create(actor=member, from_coop=coop, title="Lead")
    referral_claim(actor=other_member, referral=referral, coop=other_coop)

    for name, user in people.items():
        if name.startswith("_") or not getattr(user, "pk", None):
            continue
        coop_ids = coop_ids_of(user)
        with django_assert_num_queries(0):
            contact = referral_contact_visible_to(referral, user, coop_ids=coop_ids)
            value = referral_value_visible_to(referral, user, coop_ids=coop_ids)
        assert contact == referral_contact_visible_to(referral, user), name
        assert value == referral_value_visible_to(referral, user), name
        assert referral_visible_to(referral, user, coop_ids=coop_ids) == referral_visible_to(
            referral, user
        ), name
    with django_assert_num_queries(0):
        assert referral_visible_to(referral, member, coop_ids={coop.pk})


def test_the_open_list_holds_what_the_coop_can_claim_now_never_its_own(
    coop, member, other_coop, other_member, people
):
    mine = referral_create(actor=other_member, from_coop=other_coop, title="Mine")
    theirs = referral_create(actor=member, from_coop=coop, title="Theirs")
    declined = referral_create(actor=member, from_coop=coop, title="Declined")
    referral_decline(actor=other_member, referral=declined, coop=other_coop, reason="No.")
    taken = referral_create(actor=member, from_coop=coop, title="Taken")
    referral_claim(actor=people["third"], referral=taken, coop=people["_third_coop"])

    assert list(referrals_open_for(other_member)) == [theirs]
    assert mine not in referrals_open_for(other_member)
    for name in ("former", "outsider", "anonymous"):
        assert not referrals_open_for(people[name]).exists(), name


def test_sent_and_received_lists_follow_the_users_coops(
    coop, member, other_coop, other_member, people
):
    sent = referral_create(actor=member, from_coop=coop, title="Sent")
    referral_claim(actor=other_member, referral=sent, coop=other_coop)
    unclaimed = referral_create(actor=member, from_coop=coop, title="Unclaimed")

    assert list(referrals_sent_by(member)) == [unclaimed, sent]
    assert list(referrals_received_by(other_member)) == [sent]
    assert not referrals_received_by(member).exists()
    assert not referrals_sent_by(people["anonymous"]).exists()


def test_answering_coops_and_next_statuses_per_user(
    coop, member, other_coop, other_member, coordinator, people
):
    referral = referral_create(actor=member, from_coop=coop, title="Lead")

    assert list(referral_answering_coops(referral, other_member)) == [other_coop]
    assert referral_answering_coops(referral, member) == []
    assert referral_answering_coops(referral, people["former"]) == []
    assert referral_statuses_for(referral, member) == ["withdrawn"]
    assert referral_statuses_for(referral, other_member) == []

    referral_claim(actor=other_member, referral=referral, coop=other_coop)

    assert referral_answering_coops(referral, people["third"]) == []
    assert referral_statuses_for(referral, other_member) == ["in_contact", "won", "lost"]
    assert referral_statuses_for(referral, member) == ["withdrawn"]
    assert referral_statuses_for(referral, coordinator) == [
        "in_contact",
        "won",
        "lost",
        "withdrawn",
    ]
    assert referral_statuses_for(referral, people["third"]) == []
