import json

from django.urls import reverse

from coopnet.accounts.services import api_token_create, invitation_create
from coopnet.audit.models import AuditEvent

URL = reverse("accounts:data_download")
HIRE_KEYS = ("briefs_sent", "teams_sent", "brief_answers", "conflicts_declared")


def test_it_sends_anonymous_people_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_downloads_the_persons_own_data_as_json(client, member, other_member, coop):
    token, raw = api_token_create(user=member, name="laptop script")
    invitation_create(actor=member, coop=coop, email="colleague@example.org")
    api_token_create(user=other_member, name="their token")
    client.force_login(member)

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["username"] == "member"
    assert data["account"]["email"] == "member@example.org"
    assert data["account"]["display_name"] == "Mo Member"
    assert data["memberships"] == [
        {
            "coop": "hedgerow-digital",
            "coop_name": "Hedgerow Digital",
            "is_delegate": False,
            "is_profile_admin": True,
            "since": data["memberships"][0]["since"],
        }
    ]
    assert [t["name"] for t in data["api_tokens"]] == ["laptop script"]
    assert data["api_tokens"][0]["prefix"] == token.prefix
    assert [i["email"] for i in data["invitations_sent"]] == ["colleague@example.org"]
    actions = [event["action"] for event in data["audit_events"]]
    assert actions == ["api_token.create", "membership.invite"]
    assert AuditEvent.objects.filter(actor=other_member).exists()  # not in member's download

    text = response.content.decode()
    assert raw not in text
    assert token.token_hash not in text
    assert member.password not in text
    assert "their token" not in text


def test_it_lists_the_invitations_the_person_accepted(client, member, outsider, coop):
    from coopnet.accounts.services import invitation_accept

    invitation, _raw = invitation_create(actor=member, coop=coop, email="outsider@example.org")
    invitation_accept(invitation=invitation, user=outsider)
    client.force_login(outsider)
    data = json.loads(client.get(URL).content)
    assert data["invitations_accepted"][0]["coop"] == "hedgerow-digital"
    assert data["invitations_accepted"][0]["invited_by"] == "Mo Member"
    assert data["audit_events"][0]["action"] == "membership.create"


def test_it_includes_what_the_notifications_app_keeps(client, member, other_member):
    from coopnet.notifications.models import FeedToken
    from coopnet.notifications.services import (
        feed_token_create,
        notification_settings_set,
        notifications_mark_read,
        notify,
    )

    def tell(user, subject):
        notify(
            users=[user],
            kind="referral_new",
            subject=subject,
            template="notifications/email/message.txt",
            context={"message": "Hedgerow passed on a brief."},
            url="/referrals/1/",
        )

    notification_settings_set(user=member, delivery="digest")
    tell(member, "A referral for Mo")
    notifications_mark_read(user=member)
    tell(other_member, "A referral for someone else")
    old_feed = feed_token_create(user=member)
    new_feed = feed_token_create(user=member)
    client.force_login(member)

    response = client.get(URL)

    data = json.loads(response.content)
    assert data["notification_settings"]["delivery"] == "digest"
    [entry] = data["notifications"]
    assert entry["kind"] == "referral_new"
    assert entry["subject"] == "A referral for Mo"
    assert "Hedgerow passed on a brief." in entry["body"]
    assert entry["url"] == "/referrals/1/"
    assert entry["delivery"] == "digest"
    assert entry["created_at"] and entry["read_at"]
    assert entry["emailed_at"] is None
    assert [set(token) for token in data["feed_tokens"]] == [{"created_at", "revoked_at"}] * 2
    assert data["feed_tokens"][0]["revoked_at"] is not None  # the first, replaced
    assert data["feed_tokens"][1]["revoked_at"] is None
    assert data["account"]["username"] == "member"  # the accounts part is still there

    text = response.content.decode()
    assert "someone else" not in text
    for raw in (old_feed, new_feed):
        assert raw not in text
    for token in FeedToken.objects.filter(user=member):
        assert token.token_hash not in text


def test_it_gives_the_mail_choice_in_force_to_people_who_never_chose(client, outsider):
    client.force_login(outsider)
    data = json.loads(client.get(URL).content)
    assert data["notification_settings"] == {"delivery": "instant", "updated_at": None}
    assert data["notifications"] == []
    assert data["feed_tokens"] == []


def test_it_includes_what_the_person_did_with_briefs(
    client, coordinator, member, other_member, coop, other_coop
):
    from coopnet.hire.services import coop_conflict_declare
    from coopnet.hire.tests.page_helpers import (
        answer,
        send_to,
        send_to_team,
        submit_brief,
        two_coop_team,
    )

    brief, _raw = submit_brief(contact_email="cara@riverside.example")
    (entry,) = send_to(brief, coordinator, coop)
    answer(entry, member, message="We would love to build it.")
    team_brief, _raw = submit_brief()
    team = two_coop_team(coop, other_coop)
    send_to_team(team_brief, coordinator, team)
    coop_conflict_declare(actor=member, coop=coop, other_coop=other_coop, note="An old dispute")

    client.force_login(member)
    mine = json.loads(client.get(URL).content)
    client.force_login(coordinator)
    theirs = json.loads(client.get(URL).content)

    [answered] = mine["brief_answers"]
    assert answered["brief"] == brief.pk
    assert answered["coop"] == "hedgerow-digital"
    assert answered["response"] == "interested"
    assert answered["message"] == "We would love to build it."
    assert answered["responded_at"]
    [conflict] = mine["conflicts_declared"]
    assert {conflict["coop"], conflict["other_coop"]} == {"hedgerow-digital", "tidewater-tech"}
    assert conflict["note"] == "An old dispute"
    assert mine["briefs_sent"] == mine["teams_sent"] == []
    assert [(s["brief"], s["coop"]) for s in theirs["briefs_sent"]] == [
        (brief.pk, "hedgerow-digital"),
        (team_brief.pk, "hedgerow-digital"),
        (team_brief.pk, "tidewater-tech"),
    ]
    [sent_team] = theirs["teams_sent"]
    assert sent_team["brief"] == team_brief.pk
    assert sent_team["lead"] == "hedgerow-digital"
    assert sent_team["members"] == ["hedgerow-digital", "tidewater-tech"]
    assert theirs["brief_answers"] == theirs["conflicts_declared"] == []
    # The brief's text and the client's details are the client's: the hire part names a brief
    # by its number (the inbox entries the person was sent quote the brief, as the mail did).
    for data in (mine, theirs):
        assert "cara@riverside.example" not in json.dumps(data)
        hire_part = {key: data[key] for key in HIRE_KEYS}
        assert brief.text not in json.dumps(hire_part, default=str)


def test_it_includes_what_the_person_did_with_referrals(
    client, member, other_member, coop, other_coop
):
    from coopnet.referrals.services import referral_claim, referral_create, referral_decline

    passed = referral_create(
        actor=member,
        from_coop=coop,
        title="A Drupal site for a food bank",
        description="We are too busy until spring.",
        estimated_value=8000,
        client_name="Cara Client",
        client_email="cara@riverside.example",
    )
    declined = referral_create(actor=member, from_coop=coop, title="A mobile app for a choir")
    referral_claim(actor=other_member, referral=passed, coop=other_coop)
    referral_decline(
        actor=other_member, referral=declined, coop=other_coop, reason="Not our kind of work."
    )

    client.force_login(member)
    sender = json.loads(client.get(URL).content)
    client.force_login(other_member)
    receiver = json.loads(client.get(URL).content)

    assert [r["title"] for r in sender["referrals_passed_on"]] == [
        "A Drupal site for a food bank",
        "A mobile app for a choir",
    ]
    first = sender["referrals_passed_on"][0]
    assert first["description"] == "We are too busy until spring."
    assert first["estimated_value"] == 8000
    assert first["from_coop"] == "hedgerow-digital"
    assert sender["referrals_claimed"] == sender["referral_answers"] == []
    assert receiver["referrals_passed_on"] == []
    [claimed] = receiver["referrals_claimed"]
    assert (claimed["referral"], claimed["coop"]) == (passed.pk, "tidewater-tech")
    states = {
        a["referral"]: (a["state"], a["decline_reason"]) for a in receiver["referral_answers"]
    }
    assert states[declined.pk] == ("declined", "Not our kind of work.")
    # The client's details are the client's, in nobody's download.
    for data in (sender, receiver):
        text = json.dumps(data)
        assert "cara@riverside.example" not in text
        assert "Cara Client" not in text
