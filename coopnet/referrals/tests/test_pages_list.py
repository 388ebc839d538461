"""/referrals/: what is open for one's co-op, what one passed on, what one took on."""

import re

import pytest
from django.urls import reverse

from conftest import coop_with_worker
from coopnet.referrals.models import Referral
from coopnet.referrals.services import (
    referral_claim,
    referral_create,
    referral_decline,
)

pytestmark = pytest.mark.django_db

URL = reverse("referrals:list")


def pass_on(actor, from_coop, title="A Drupal site for a housing association", **kwargs):
    return referral_create(
        actor=actor,
        from_coop=from_coop,
        title=title,
        client_name="Ada Client",
        client_email="ada@client.example",
        **kwargs,
    )


def test_it_explains_referrals_to_an_anonymous_visitor(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert "Sign in to see them" in response.content.decode()


def test_it_refuses_a_signed_in_person_without_a_coop(client, outsider):
    client.force_login(outsider)

    response = client.get(URL)

    assert response.status_code == 403
    assert "Referrals are for worker-owners" in response.content.decode()


def test_it_lists_work_open_for_the_coop_with_claim_and_decline(
    client, coop, member, other_coop, other_member
):
    offered = pass_on(other_member, other_coop, title="Accessible site for a charity")
    own = pass_on(member, coop, title="Our own lead")
    client.force_login(member)

    response = client.get(URL)

    assert response.status_code == 200
    open_section = response.content.decode().split('id="open-heading"')[1].split("</section>")[0]
    assert "Accessible site for a charity" in open_section
    assert reverse("referrals:claim", args=[offered.pk]) in open_section
    assert reverse("referrals:decline", args=[offered.pk]) in open_section
    assert own.title not in open_section
    # The client stays hidden until someone claims it.
    assert "ada@client.example" not in response.content.decode()


def test_it_shows_the_sender_the_progress_of_what_it_passed_on(
    client, coop, member, other_coop, other_member
):
    third, third_worker = coop_with_worker("third-coop")
    referral = pass_on(member, coop)
    referral_decline(actor=third_worker, referral=referral, coop=third, reason="Fully booked")
    referral_claim(actor=other_member, referral=referral, coop=other_coop)
    client.force_login(member)

    page = client.get(URL).content.decode()

    sent = page.split('id="sent-heading"')[1].split("</section>")[0]
    assert referral.title in sent
    assert "Claimed by <strong>Tidewater Tech</strong>" in sent
    assert "Third Coop: declined" in sent
    assert "Fully booked" in sent


def test_it_lets_the_claiming_coop_update_what_it_took_on(
    client, coop, member, other_coop, other_member
):
    referral = pass_on(member, coop)
    referral_claim(actor=other_member, referral=referral, coop=other_coop)
    client.force_login(other_member)

    page = client.get(URL).content.decode()

    received = page.split('id="received-heading"')[1].split("</section>")[0]
    assert referral.title in received
    assert reverse("referrals:status", args=[referral.pk]) in received
    assert 'value="won"' in received
    assert Referral.objects.get().status == Referral.Status.CLAIMED


def test_it_gives_every_form_on_the_page_its_own_field_ids(
    client, coop, member, other_coop, other_member
):
    pass_on(other_member, other_coop, title="First")
    pass_on(other_member, other_coop, title="Second")
    claimed = pass_on(other_member, other_coop, title="Third")
    referral_claim(actor=member, referral=claimed, coop=coop)
    client.force_login(member)

    page = client.get(URL).content.decode()

    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert page.count('name="reason"') == 2
