"""The private feed address services (the referrals app serves the feed itself)."""

import pytest
from django.core.exceptions import PermissionDenied

from coopnet.audit.models import AuditEvent
from coopnet.notifications.models import FeedToken
from coopnet.notifications.services import (
    feed_path,
    feed_token_active,
    feed_token_create,
    feed_token_revoke,
    feed_token_user,
)


@pytest.mark.parametrize("who", ["member", "other_member", "coordinator"])
def test_it_makes_a_working_address_for_worker_owners_and_coordinators(who, request):
    user = request.getfixturevalue(who)
    raw = feed_token_create(user=user)
    assert feed_token_user(raw) == user
    assert FeedToken.objects.get(user=user).token_hash != raw  # only a fingerprint is kept
    assert AuditEvent.objects.filter(action="feed_token.create", actor=user).count() == 1


def test_it_refuses_someone_who_belongs_to_no_coop(outsider):
    with pytest.raises(PermissionDenied):
        feed_token_create(user=outsider)
    assert not FeedToken.objects.exists()


def test_it_replaces_the_old_address(member):
    old = feed_token_create(user=member)
    new = feed_token_create(user=member)
    assert feed_token_user(old) is None
    assert feed_token_user(new) == member
    assert feed_token_active(member).token_hash == FeedToken.hash(new)


def test_it_revokes_and_audits(member):
    raw = feed_token_create(user=member)
    assert feed_token_revoke(user=member) == 1
    assert feed_token_user(raw) is None
    assert feed_token_active(member) is None
    assert AuditEvent.objects.filter(action="feed_token.revoke").count() == 1
    assert feed_token_revoke(user=member) == 0


def test_it_stops_working_for_a_closed_account(member):
    raw = feed_token_create(user=member)
    member.is_active = False
    member.save()
    assert feed_token_user(raw) is None


@pytest.mark.parametrize("raw", ["", "   ", "not-a-token"])
def test_it_finds_nobody_for_a_wrong_token(member, raw):
    feed_token_create(user=member)
    assert feed_token_user(raw) is None


def test_it_gives_the_feed_path_the_referrals_app_serves(member):
    raw = feed_token_create(user=member)
    assert feed_path(raw) == f"/referrals/feed/{raw}.atom"
