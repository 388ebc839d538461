"""/referrals/new/: passing on work, with suggested co-ops, without JavaScript."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import coop_with_worker
from coopnet.accounts.models import Membership
from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop, Service
from coopnet.hire.models import Brief, BriefRecipient
from coopnet.referrals.models import Referral, ReferralOffer

pytestmark = pytest.mark.django_db

URL = reverse("referrals:new")


def drupal_coop(slug: str, **extra) -> Coop:
    """A member co-op that builds Drupal sites, with a worker-owner to claim a referral."""
    coop, _worker = coop_with_worker(
        slug,
        description="We build Drupal sites for housing associations.",
        availability=Coop.Availability.OPEN,
        **extra,
    )
    coop.refresh_search_tags()
    return coop


def form_data(**changes) -> dict:
    data = {
        "title": "A Drupal site for a housing association",
        "description": "Twelve pages, an events calendar.",
        "estimated_value": "12000",
        "currency": "GBP",
        "deadline": "",
        "client_name": "Ada Client",
        "client_organisation": "Hillside Homes",
        "client_email": "ada@hillside.example",
        "client_phone": "",
        "client_notes": "",
        "audience": Referral.Audience.NETWORK,
        "when_unanswered": Referral.WhenUnanswered.RETURN,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_it_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_a_person_without_a_coop(client, outsider, other_coop):
    client.force_login(outsider)

    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data()).status_code == 403
    assert not Referral.objects.exists()


def test_it_says_who_will_see_the_clients_details(client, member):
    client.force_login(member)

    page = client.get(URL).content.decode()

    assert "The client's contact details" in page
    assert "Only the co-op that claims this referral" in page
    assert 'aria-describedby="client-who"' in page
    # One co-op: nothing to choose.
    assert 'type="hidden" name="from_coop"' in page


def test_it_passes_work_on_to_the_whole_network(client, member, coop, other_coop):
    web = Service.objects.create(name="Web development", slug="web-development")
    client.force_login(member)

    response = client.post(URL, form_data(services=[web.pk]))

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert (referral.from_coop, referral.created_by) == (coop, member)
    assert referral.audience == Referral.Audience.NETWORK
    assert referral.estimated_value == 12000
    assert referral.client_email == "ada@hillside.example"
    assert list(referral.services.all()) == [web]
    assert AuditEvent.objects.filter(action="referral.create", target_id=str(referral.pk)).exists()


def test_it_suggests_coops_without_passing_anything_on(client, member, coop):
    best = [drupal_coop(f"drupal-{n}") for n in range(4)]
    client.force_login(member)

    response = client.post(URL, form_data(suggest="1", audience="chosen_in_turn"))

    page = response.content.decode()
    assert response.status_code == 200
    assert not Referral.objects.exists()
    assert "Suggested co-ops, best first" in page
    ticked = [c for c in best if f'value="{c.pk}" id="choose-{c.pk}" checked' in page]
    assert len(ticked) == 3  # the best three come ticked
    assert f'id="choose-{coop.pk}"' not in page  # never one's own co-op
    # What was typed is kept, and no error is shown for what is still missing.
    assert "Twelve pages, an events calendar." in page
    assert 'role="alert"' not in page


def test_it_keeps_what_was_unticked_after_the_first_suggestions(client, member, coop):
    [drupal_coop(f"drupal-{n}") for n in range(3)]
    client.force_login(member)

    page = client.post(
        URL, form_data(suggest="1", audience="chosen_all", suggested_before="1")
    ).content.decode()

    assert "Suggested co-ops, best first" in page
    assert not re.search(r'name="chosen_coops" value="\d+" id="choose-\d+" checked', page)


def test_it_offers_in_the_order_the_sender_gave(client, member, coop):
    first, second, third = (drupal_coop(f"drupal-{n}") for n in range(3))
    client.force_login(member)

    client.post(
        URL,
        form_data(
            audience="chosen_in_turn",
            chosen_coops=[first.pk, second.pk, third.pk],
            **{f"position_{third.pk}": "1", f"position_{first.pk}": "2"},
        ),
    )

    offers = ReferralOffer.objects.order_by("position")
    assert [o.coop for o in offers] == [third, first, second]
    assert [o.state for o in offers] == ["offered", "queued", "queued"]


def test_it_asks_for_coops_when_the_sender_chose_to_choose(client, member, coop, other_coop):
    client.force_login(member)

    response = client.post(URL, form_data(audience="chosen_all"))

    page = response.content.decode()
    assert response.status_code == 200
    assert not Referral.objects.exists()
    assert "Choose at least one co-op, or offer it to every member co-op." in page
    assert 'role="alert"' in page
    assert 'value="A Drupal site for a housing association"' in page
    assert "ada@hillside.example" in page


def test_it_never_ticks_suggestions_the_sender_did_not_ask_for(client, member, coop):
    [drupal_coop(f"drupal-{n}") for n in range(4)]
    client.force_login(member)

    # "Pass it on" without pressing "Suggest co-ops", and nothing ticked.
    response = client.post(URL, form_data(audience=Referral.Audience.CHOSEN_ALL))

    page = response.content.decode()
    assert response.status_code == 200
    assert not Referral.objects.exists()
    assert "Choose at least one co-op, or offer it to every member co-op." in page
    assert not re.search(r'name="chosen_coops" value="\d+" id="choose-\d+" checked', page)


def test_it_tells_a_worker_owner_of_an_applicant_coop_before_they_type(client, coop, other_coop):
    applicant, worker = coop_with_worker("applicant-coop", status=Coop.Status.APPLICANT)
    client.force_login(worker)

    shown = client.get(URL)
    sent = client.post(URL, form_data(from_coop=applicant.pk))

    assert shown.status_code == 403
    assert "Referrals are for worker-owners" in shown.content.decode()
    assert 'name="title"' not in shown.content.decode()
    assert sent.status_code == 403
    assert "Referrals are for worker-owners" in sent.content.decode()
    assert not Referral.objects.exists()


def test_it_offers_only_the_member_coops_of_someone_also_in_an_applicant_coop(
    client, member, coop, other_coop
):
    applicant, _worker = coop_with_worker("applicant-coop", status=Coop.Status.APPLICANT)
    Membership.objects.create(user=member, coop=applicant)
    client.force_login(member)

    page = client.get(URL).content.decode()

    assert 'type="hidden" name="from_coop"' in page  # one member co-op: nothing to choose
    assert "Applicant Coop" not in page.split('name="from_coop"')[1].split(">")[0]
    response = client.post(URL, form_data(from_coop=applicant.pk))
    assert "Select a valid choice" in response.content.decode()
    assert not Referral.objects.exists()


def test_it_refuses_a_deadline_in_the_past_next_to_the_field(client, member, coop):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client.force_login(member)

    response = client.post(URL, form_data(deadline=yesterday.isoformat()))

    page = response.content.decode()
    assert "The date to answer by cannot be in the past." in page
    assert 'aria-describedby="id_deadline_helptext id_deadline_error"' in page
    assert not Referral.objects.exists()


def test_it_lets_a_worker_owner_of_two_coops_choose_which_passes_it_on(
    client, member, coop, other_coop
):
    Membership.objects.create(user=member, coop=other_coop)
    client.force_login(member)

    page = client.get(URL).content.decode()
    assert '<select name="from_coop"' in page

    client.post(URL, form_data(from_coop=other_coop.pk))

    assert Referral.objects.get().from_coop == other_coop


def test_it_refuses_a_coop_the_person_does_not_belong_to(client, member, coop, other_coop):
    client.force_login(member)

    response = client.post(URL, form_data(from_coop=other_coop.pk))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Referral.objects.exists()


def _brief_for(coop: Coop) -> BriefRecipient:
    raw, token_hash = Brief.new_access_token()
    brief = Brief.objects.create(
        contact_name="Bea Client",
        contact_email="bea@orchard.example",
        organisation="Orchard Trust",
        text="We need a new donations website.",
        consent_to_share=True,
        status=Brief.Status.SENT,
        access_token_hash=token_hash,
        access_expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    return BriefRecipient.objects.create(brief=brief, coop=coop, sent_at=timezone.now())


def test_it_fills_the_form_from_a_brief_the_coop_received(client, member, coop, other_coop):
    recipient = _brief_for(coop)
    client.force_login(member)

    page = client.get(URL, {"brief": recipient.pk}).content.decode()

    assert 'value="We need a new donations website."' in page
    assert 'value="bea@orchard.example"' in page

    client.post(f"{URL}?brief={recipient.pk}", form_data(title="Donations website"))

    referral = Referral.objects.get()
    assert referral.brief == recipient.brief
    recipient.refresh_from_db()
    assert recipient.response == BriefRecipient.Response.PASSED


def test_it_hides_a_brief_another_coop_received(client, member, coop, other_coop):
    recipient = _brief_for(other_coop)
    client.force_login(member)

    assert client.get(URL, {"brief": recipient.pk}).status_code == 404
