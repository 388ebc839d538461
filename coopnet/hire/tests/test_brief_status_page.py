"""/hire/brief/<token>/: the client follows their brief through its private link, chooses a
co-op or a team, withdraws it, or swaps the link for a new one."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coopnet.hire.models import Brief, BriefRecipient
from coopnet.hire.tests.page_helpers import (
    answer,
    send_to,
    send_to_team,
    submit_brief,
    two_coop_team,
)
from coopnet.network.models import NetworkSettings


def url(raw: str, name: str = "brief_status") -> str:
    return reverse(f"hire:{name}", args=[raw])


@pytest.fixture
def brief_and_token(db):
    return submit_brief()


def test_it_shows_a_new_brief_privately(client, brief_and_token):
    brief, raw = brief_and_token

    response = client.get(url(raw))

    assert response.status_code == 200
    html = response.content.decode()
    assert "We need an accessible website for our food bank" in html
    assert ">Received</span>" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    # "same-origin", not "no-referrer", so that the page's own forms pass CSRF checks.
    assert '<meta name="referrer" content="same-origin">' in html
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("how", ["unknown", "expired", "revoked"])
def test_it_explains_how_to_get_help_when_the_link_no_longer_works(client, brief_and_token, how):
    network = NetworkSettings.load()
    network.contact_email = "help@network.example"
    network.save()
    brief, raw = brief_and_token
    if how == "unknown":
        raw = raw[:-4] + "AAAA"
    elif how == "expired":
        brief.access_expires_at = timezone.now() - datetime.timedelta(minutes=1)
        brief.save(update_fields=["access_expires_at"])
    else:
        brief.access_revoked_at = timezone.now()
        brief.save(update_fields=["access_revoked_at"])

    for response in [
        client.get(url(raw)),
        client.post(url(raw, "brief_withdraw"), {"confirm": "on"}),
        client.post(url(raw, "brief_renew")),
    ]:
        assert response.status_code == 404
        html = response.content.decode()
        assert "This link no longer works" in html
        assert "help@network.example" in html
        assert "We need an accessible website" not in html
    brief.refresh_from_db()
    assert brief.status == Brief.Status.NEW


def test_it_lists_the_co_ops_asked_and_shows_only_what_the_client_may_see(
    client, brief_and_token, coordinator, coop, other_coop, member, other_member
):
    brief, raw = brief_and_token
    hedgerow, tidewater = send_to(brief, coordinator, coop, other_coop)
    answer(hedgerow, member, message="We would love to build this with you.")
    answer(tidewater, other_member, interested=False, message="Secret: we dislike food banks.")

    html = client.get(url(raw)).content.decode()

    assert f'href="{coop.get_absolute_url()}" rel="noreferrer"' in html
    assert f'href="{other_coop.get_absolute_url()}" rel="noreferrer"' in html
    assert "We would love to build this with you." in html
    assert "Declined" in html
    assert "Secret" not in html
    # A decline is no choice the client can make.
    assert f'value="coop-{hedgerow.pk}"' in html
    assert f'value="coop-{tidewater.pk}"' not in html


def test_it_lets_the_client_choose_an_interested_co_op(
    client, brief_and_token, coordinator, coop, member
):
    brief, raw = brief_and_token
    (entry,) = send_to(brief, coordinator, coop)
    answer(entry, member)

    response = client.post(url(raw, "brief_choose"), {"choice": f"coop-{entry.pk}"}, follow=True)

    assert response.redirect_chain == [(url(raw), 302)]
    html = response.content.decode()
    assert "You chose to work with Hedgerow Digital" in html
    assert "Your choice" in html
    entry.refresh_from_db()
    brief.refresh_from_db()
    assert entry.is_chosen and brief.status == Brief.Status.CHOSEN


def test_it_refuses_a_choice_the_client_was_not_offered(
    client, brief_and_token, coordinator, coop, other_coop, member
):
    brief, raw = brief_and_token
    hedgerow, tidewater = send_to(brief, coordinator, coop, other_coop)
    answer(hedgerow, member)

    response = client.post(url(raw, "brief_choose"), {"choice": f"coop-{tidewater.pk}"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    brief.refresh_from_db()
    assert brief.status == Brief.Status.SENT
    assert not BriefRecipient.objects.filter(is_chosen=True).exists()


def test_it_offers_a_team_once_every_member_is_interested_and_lets_the_client_choose_it(
    client, brief_and_token, coordinator, coop, other_coop, member, other_member
):
    brief, raw = brief_and_token
    team = two_coop_team(coop, other_coop)
    hedgerow, tidewater = send_to_team(brief, coordinator, team)
    consortium = brief.consortia.get()
    answer(hedgerow, member)
    assert f'value="team-{consortium.pk}"' not in client.get(url(raw)).content.decode()
    answer(tidewater, other_member)

    html = client.get(url(raw)).content.decode()
    assert f'value="team-{consortium.pk}"' in html
    assert "The team led by Hedgerow Digital: Hedgerow Digital, Tidewater Tech" in html

    response = client.post(url(raw, "brief_choose"), {"choice": f"team-{consortium.pk}"})
    assert response.status_code == 302
    assert "You chose to work with the team led by Hedgerow Digital" in (
        client.get(url(raw)).content.decode()
    )
    assert BriefRecipient.objects.filter(is_chosen=True).count() == 2


def test_it_shows_the_client_the_team_and_how_far_it_is_from_being_chosen(
    client, brief_and_token, coordinator, coop, other_coop, member, other_member
):
    brief, raw = brief_and_token
    team = two_coop_team(coop, other_coop)
    hedgerow, tidewater = send_to_team(brief, coordinator, team)
    answer(hedgerow, member)

    html = client.get(url(raw)).content.decode()

    assert "A team of co-ops" in html
    assert "The team led by Hedgerow Digital" in html
    assert "1 of 2 co-ops interested so far." in html
    assert "You can choose the team once every co-op in it is interested." in html

    answer(tidewater, other_member, interested=False, message="Too busy", decline_reason="busy")
    html = client.get(url(raw)).content.decode()
    assert "A member declined or passed the brief on, so the team cannot be chosen" in html
    assert "Too busy" not in html  # a decline's reason is for coordinators


def test_it_withdraws_only_once_the_client_confirms(client, brief_and_token, coordinator, coop):
    brief, raw = brief_and_token
    send_to(brief, coordinator, coop)

    refused = client.post(url(raw, "brief_withdraw"), {})
    assert refused.status_code == 400
    assert "Tick the box to confirm" in refused.content.decode()
    brief.refresh_from_db()
    assert brief.status == Brief.Status.SENT

    response = client.post(url(raw, "brief_withdraw"), {"confirm": "on"}, follow=True)
    assert "You withdrew this brief" in response.content.decode()
    brief.refresh_from_db()
    assert brief.status == Brief.Status.WITHDRAWN
    # Nothing left to do on a withdrawn brief.
    assert url(raw, "brief_withdraw") not in response.content.decode()


def test_it_sends_a_new_link_and_stops_the_old_one(
    client, brief_and_token, django_capture_on_commit_callbacks
):
    brief, raw = brief_and_token

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url(raw, "brief_renew"))

    assert response.status_code == 200
    assert "A new link is on its way" in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert len(callbacks) == 1  # the mail with the new link
    assert client.get(url(raw)).status_code == 404


def test_it_takes_no_get_on_its_actions(client, brief_and_token):
    brief, raw = brief_and_token

    for name in ("brief_choose", "brief_withdraw", "brief_renew"):
        assert client.get(url(raw, name)).status_code == 405
