import json

from django.urls import reverse

from coopnet.accounts.services import api_token_create, invitation_create
from coopnet.audit.models import AuditEvent

URL = reverse("accounts:data_download")


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
