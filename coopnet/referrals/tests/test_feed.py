"""/referrals/feed/<token>.atom: the private Atom feed of referrals open for one's co-op."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from coopnet.accounts.models import Membership, User
from coopnet.directory.models import Coop
from coopnet.notifications.services import feed_token_create, feed_token_revoke
from coopnet.referrals.services import referral_claim, referral_create, referral_decline

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_url(raw: str) -> str:
    return reverse("referrals:feed", kwargs={"token": raw})


@pytest.fixture
def leads(coop, member, other_coop, other_member):
    """Three leads Tidewater passed on, and one Hedgerow passed on itself."""
    made = {
        title: referral_create(
            actor=other_member,
            from_coop=other_coop,
            title=title,
            description="Details <b>with markup</b>",
            client_name="Ada Client",
            client_email="ada@client.example",
            client_phone="0114 496 0000",
            estimated_value=12000,
        )
        for title in ("Open lead", "Declined lead", "Claimed lead")
    }
    made["Own lead"] = referral_create(actor=member, from_coop=coop, title="Own lead")
    return made


def test_it_lists_what_the_coop_can_claim_now_without_the_client(client, member, coop, leads):
    referral_decline(actor=member, referral=leads["Declined lead"], coop=coop, reason="Not for us")
    rival = Coop.objects.create(name="Rival", slug="rival", status=Coop.Status.MEMBER)
    rival_worker = User.objects.create_user(username="rival", email="r@example.org", password="x")
    Membership.objects.create(user=rival_worker, coop=rival)
    referral_claim(actor=rival_worker, referral=leads["Claimed lead"], coop=rival)
    raw = feed_token_create(user=member)

    response = client.get(feed_url(raw))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    root = ET.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert titles == ["Open lead"]
    link = root.find(f"{ATOM}entry/{ATOM}link").get("href")
    assert link.endswith(reverse("referrals:detail", args=[leads["Open lead"].pk]))
    for secret in ("Ada Client", "ada@client.example", "0114 496 0000", "12000", "12,000"):
        assert secret not in body
    # What a sender typed stays text in a feed reader.
    summary = root.find(f"{ATOM}entry/{ATOM}summary").text
    assert "&lt;b&gt;with markup&lt;/b&gt;" in summary


def test_it_answers_404_to_a_wrong_token(client, leads):
    assert client.get(feed_url("not-a-token")).status_code == 404


def test_it_stops_working_when_revoked(client, member, leads):
    raw = feed_token_create(user=member)
    assert client.get(feed_url(raw)).status_code == 200

    feed_token_revoke(user=member)

    assert client.get(feed_url(raw)).status_code == 404


def test_it_stops_working_for_a_deactivated_user(client, member, leads):
    raw = feed_token_create(user=member)
    member.is_active = False
    member.save(update_fields=["is_active"])

    assert client.get(feed_url(raw)).status_code == 404


def test_it_stops_working_when_the_person_leaves_their_coop(client, member, leads):
    raw = feed_token_create(user=member)
    member.memberships.all().delete()

    assert client.get(feed_url(raw)).status_code == 404
