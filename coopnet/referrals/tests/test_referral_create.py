import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import coop_with_worker
from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop, Service
from coopnet.hire.models import Brief, BriefRecipient
from coopnet.network.models import NetworkSettings
from coopnet.notifications.models import Notification
from coopnet.referrals.models import Referral, ReferralOffer
from coopnet.referrals.services import referral_create, referral_suggestions

pytestmark = pytest.mark.django_db


def create(actor, from_coop, **kwargs) -> Referral:
    return referral_create(actor=actor, from_coop=from_coop, title="A Drupal site", **kwargs)


def test_it_offers_a_network_referral_to_every_other_member_coop(
    coop, member, other_coop, other_member
):
    third, third_worker = coop_with_worker("third-coop")
    observed, observed_worker = coop_with_worker("observed-coop", status=Coop.Status.OBSERVED)

    referral = create(member, coop, description="For a housing association.")

    assert referral.status == Referral.Status.OFFERED
    assert referral.audience == Referral.Audience.NETWORK
    assert referral.created_by == member
    assert not referral.offers.exists()  # network offers are made only when a co-op answers
    told = set(Notification.objects.filter(kind="referral_new").values_list("user", flat=True))
    assert told == {other_member.pk, third_worker.pk}
    assert AuditEvent.objects.filter(action="referral.create", target_id=str(referral.pk)).exists()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_member"])
def test_it_refuses_anyone_but_the_senders_worker_owners(who, coop, request):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        create(actor, coop)

    assert not Referral.objects.exists()


def test_it_lets_a_coordinator_pass_on_work_for_a_coop(coop, coordinator, other_coop):
    referral = create(coordinator, coop)

    assert referral.from_coop == coop


def test_it_refuses_a_sender_that_is_not_a_member_coop(coop, member):
    Coop.objects.filter(pk=coop.pk).update(status=Coop.Status.FORMER)
    coop.refresh_from_db()

    with pytest.raises(PermissionDenied):
        create(member, coop)


def test_it_refuses_a_deadline_in_the_past_and_a_blank_title(coop, member):
    with pytest.raises(ValidationError) as caught:
        referral_create(
            actor=member,
            from_coop=coop,
            title="  ",
            deadline=timezone.localdate() - datetime.timedelta(days=1),
        )

    assert set(caught.value.message_dict) == {"deadline", "title"}
    assert not Referral.objects.exists()


def test_it_requires_chosen_coops_that_are_members_and_not_the_sender(coop, member, other_coop):
    former, _worker = coop_with_worker("former-coop", status=Coop.Status.FORMER)
    for audience, chosen in [
        (Referral.Audience.CHOSEN_ALL, []),
        (Referral.Audience.CHOSEN_IN_TURN, [coop]),
        (Referral.Audience.CHOSEN_ALL, [other_coop, former]),
    ]:
        with pytest.raises(ValidationError) as caught:
            create(member, coop, audience=audience, chosen_coops=chosen)
        assert "chosen_coops" in caught.value.message_dict

    assert not Referral.objects.exists()


def test_it_offers_in_turn_to_the_first_coop_and_queues_the_others_in_order(
    coop, member, other_coop, other_member
):
    third, third_worker = coop_with_worker("third-coop")
    before = timezone.now()

    referral = create(
        member, coop, audience=Referral.Audience.CHOSEN_IN_TURN, chosen_coops=[third, other_coop]
    )

    offers = list(referral.offers.order_by("position"))
    assert [(o.coop, o.state) for o in offers] == [
        (third, ReferralOffer.State.OFFERED),
        (other_coop, ReferralOffer.State.QUEUED),
    ]
    days = NetworkSettings.load().referral_response_days
    assert offers[0].respond_by >= before + datetime.timedelta(days=days)
    assert offers[1].respond_by is None
    told = set(Notification.objects.filter(kind="referral_new").values_list("user", flat=True))
    assert told == {third_worker.pk}


def test_it_offers_to_all_chosen_coops_at_once_until_the_deadline(
    coop, member, other_coop, other_member
):
    third, third_worker = coop_with_worker("third-coop")
    deadline = timezone.localdate() + datetime.timedelta(days=10)

    referral = create(
        member,
        coop,
        audience=Referral.Audience.CHOSEN_ALL,
        chosen_coops=[other_coop, third],
        deadline=deadline,
    )

    offers = list(referral.offers.all())
    assert {o.state for o in offers} == {ReferralOffer.State.OFFERED}
    end_of_deadline = timezone.make_aware(
        datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time.min)
    )
    assert {o.respond_by for o in offers} == {end_of_deadline}
    told = set(Notification.objects.filter(kind="referral_new").values_list("user", flat=True))
    assert told == {other_member.pk, third_worker.pk}


def test_it_takes_services_as_objects_or_slugs_and_refuses_unknown_ones(coop, member):
    drupal = Service.objects.create(name="Drupal", slug="drupal")
    hosting = Service.objects.create(name="Hosting", slug="hosting")

    referral = create(member, coop, services=[drupal, "hosting"])

    assert set(referral.services.all()) == {drupal, hosting}
    with pytest.raises(ValidationError):
        create(member, coop, services=["no-such-service"])


def _brief_sent_to(coop: Coop, **extra) -> BriefRecipient:
    raw, token_hash = Brief.new_access_token()
    fields = {
        "contact_name": "Cleo Client",
        "contact_email": "cleo@example.com",
        "organisation": "Riverside Housing",
        "text": "We need a new website for our tenants, accessible and in Drupal.",
        "consent_to_share": True,
        "access_token_hash": token_hash,
        "access_expires_at": timezone.now() + datetime.timedelta(days=90),
        "status": Brief.Status.SENT,
        **extra,
    }
    brief = Brief.objects.create(**fields)
    return BriefRecipient.objects.create(brief=brief, coop=coop, sent_at=timezone.now())


def test_it_passes_on_a_brief_as_the_sender_wrote_it_and_marks_the_brief_passed(
    coop, member, other_coop
):
    recipient = _brief_sent_to(coop)
    drupal = Service.objects.create(name="Drupal", slug="drupal")

    referral = referral_create(
        actor=member,
        from_coop=coop,
        title="Tenants' website",
        description="",  # the sender cleared it: it stays cleared
        services=[drupal],
        client_name="Cleo Client",
        brief_recipient=recipient,
    )

    assert referral.brief == recipient.brief
    assert (referral.title, referral.description) == ("Tenants' website", "")
    assert (referral.client_name, referral.client_email) == ("Cleo Client", "")
    assert list(referral.services.all()) == [drupal]
    recipient.refresh_from_db()
    assert recipient.response == BriefRecipient.Response.PASSED
    event = AuditEvent.objects.get(action="brief.pass_on")
    assert event.changes["referral"] == [None, referral.pk]
    with pytest.raises(ValidationError):  # not twice while the first is open
        referral_create(actor=member, from_coop=coop, title="Again", brief_recipient=recipient)


@pytest.mark.parametrize(
    ("brief_status", "response"),
    [
        (Brief.Status.CHOSEN, BriefRecipient.Response.PENDING),
        (Brief.Status.SENT, BriefRecipient.Response.DECLINED),
    ],
)
def test_it_passes_on_a_brief_only_while_the_co_op_could_still_pass_it(
    coop, member, other_coop, brief_status, response
):
    recipient = _brief_sent_to(coop, status=brief_status)
    BriefRecipient.objects.filter(pk=recipient.pk).update(response=response)
    recipient.refresh_from_db()

    with pytest.raises(ValidationError):
        referral_create(actor=member, from_coop=coop, title="Too late", brief_recipient=recipient)

    assert not Referral.objects.exists()
    recipient.refresh_from_db()
    assert recipient.response == response


def test_it_forgets_the_client_when_the_brief_s_contact_details_are_deleted(
    coop, member, other_coop, coordinator
):
    from coopnet.hire.services import brief_contact_delete

    recipient = _brief_sent_to(coop)
    referral = referral_create(
        actor=member,
        from_coop=coop,
        title="Tenants' website",
        client_name="Cleo Client",
        client_email="cleo@example.com",
        client_notes="Call after 5.",
        brief_recipient=recipient,
    )

    brief_contact_delete(brief=recipient.brief, actor=coordinator)

    referral.refresh_from_db()
    assert (referral.client_name, referral.client_email, referral.client_notes) == ("", "", "")
    assert AuditEvent.objects.filter(action="referral.contact_delete").count() == 1


def test_it_refuses_a_brief_that_was_sent_to_another_coop(coop, member, other_coop):
    recipient = _brief_sent_to(other_coop)

    with pytest.raises(PermissionDenied):
        referral_create(actor=member, from_coop=coop, title="Theirs", brief_recipient=recipient)


def test_it_suggests_member_coops_available_ones_first_never_the_sender(coop):
    coop.description = "Drupal websites for housing associations."
    coop.save()
    booked, _worker = coop_with_worker(
        "booked-drupal",
        description="Drupal websites and hosting.",
        availability=Coop.Availability.FULLY_BOOKED,
        booked_until=timezone.localdate() + datetime.timedelta(days=60),
    )
    coop_with_worker(
        "open-drupal", description="Drupal websites.", availability=Coop.Availability.OPEN
    )
    Coop.objects.create(  # nobody from it has joined: it could not claim the referral
        name="Quiet Drupal",
        slug="quiet-drupal",
        status=Coop.Status.MEMBER,
        description="Drupal websites.",
        availability=Coop.Availability.OPEN,
    )
    Coop.objects.create(
        name="Observed Drupal",
        slug="observed-drupal",
        status=Coop.Status.OBSERVED,
        description="Drupal websites.",
        availability=Coop.Availability.OPEN,
    )

    matches = referral_suggestions(from_coop=coop, title="Drupal websites")

    names = [m.coop.name for m in matches]
    assert "Hedgerow Digital" not in names and "Observed Drupal" not in names
    assert "Quiet Drupal" not in names
    assert "Booked Drupal" in names and "Open Drupal" in names
    today = timezone.localdate()
    availability = [m.coop.is_available_on(today) for m in matches]
    assert availability == sorted(availability, reverse=True)  # available ones first
    assert booked.pk not in [m.coop.pk for m in matches[: availability.count(True)]]
