"""/referrals/ledger/ and /referrals/totals/: the reciprocity ledger and the network's totals."""

import pytest
from django.urls import reverse

from coopnet.accounts.models import Membership, User
from coopnet.directory.models import Coop
from coopnet.referrals.services import referral_claim, referral_create, referral_set_status

pytestmark = pytest.mark.django_db

LEDGER = reverse("referrals:ledger")
TOTALS = reverse("referrals:totals")


@pytest.fixture
def won(coop, member, other_coop, other_member):
    """Hedgerow gave Tidewater a lead, which Tidewater won for 48,500."""
    referral = referral_create(actor=member, from_coop=coop, title="A Drupal site")
    referral_claim(actor=other_member, referral=referral, coop=other_coop)
    referral_set_status(actor=other_member, referral=referral, status="won", value=48500)
    return referral


def pairs_table(page: str) -> str:
    return page.split('id="pairs-heading"')[1].split("</section>")[0]


@pytest.mark.parametrize("who", ["member", "other_member"])
def test_it_shows_each_coop_its_own_ledger_with_the_money(client, request, won, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(LEDGER)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<caption" in page
    assert "48,500" in page
    pairs = pairs_table(page)
    other = "Tidewater Tech" if who == "member" else "Hedgerow Digital"
    assert other in pairs
    assert ("+1" if who == "member" else "-1") in pairs


def test_it_refuses_a_member_another_coops_ledger(client, won, member):
    client.force_login(member)

    response = client.get(LEDGER, {"coop": "tidewater-tech"})

    assert response.status_code == 403
    assert "48,500" not in response.content.decode()


def test_it_shows_a_third_coop_neither_the_pair_nor_the_money(client, won):
    third = Coop.objects.create(name="Third", slug="third", status=Coop.Status.MEMBER)
    worker = User.objects.create_user(username="third", email="t@example.org", password="pw")
    Membership.objects.create(user=worker, coop=third)
    client.force_login(worker)

    page = client.get(LEDGER).content.decode()

    assert "48,500" not in page
    assert "Tidewater Tech" not in pairs_table(page)
    assert client.get(LEDGER, {"coop": "hedgerow-digital"}).status_code == 403


def test_it_lets_a_coordinator_pick_any_coop(client, won, coordinator):
    client.force_login(coordinator)

    first = client.get(LEDGER)
    assert first.status_code == 200
    assert "Choose a co-op to see its ledger." in first.content.decode()

    page = client.get(LEDGER, {"coop": "tidewater-tech"}).content.decode()

    assert "Referral ledger of Tidewater Tech" in page
    assert "48,500" in page


def test_it_lets_someone_in_two_coops_switch_between_them(client, won, member, other_coop):
    Membership.objects.create(user=member, coop=other_coop)
    client.force_login(member)

    page = client.get(LEDGER, {"coop": "tidewater-tech"}).content.decode()

    assert "Referral ledger of Tidewater Tech" in page
    assert '<select id="ledger-coop" name="coop">' in page


def test_it_refuses_people_without_a_coop(client, outsider):
    assert client.get(LEDGER).status_code == 302  # anonymous: sign in first
    client.force_login(outsider)
    assert client.get(LEDGER).status_code == 403


def test_it_shows_the_public_network_totals_without_money(client, won):
    response = client.get(TOTALS)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and 'role="img"' in page
    assert "Referrals passed on, claimed and won, by month" in page
    month = won.created_at.strftime("%B %Y")
    row = page.split(month)[1].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[1:]] == ["1", "1", "1"]
    assert "48,500" not in page and "48500" not in page
    assert "Hedgerow" not in page and "Tidewater" not in page


def test_it_says_so_when_nothing_was_passed_on_yet(client, db):
    page = client.get(TOTALS).content.decode()

    assert "No co-op has passed on any work through the site yet." in page
