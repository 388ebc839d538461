from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coopnet.accounts.models import ApiToken, hash_token
from coopnet.accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from coopnet.audit.models import AuditEvent


def test_it_creates_a_token_and_keeps_only_its_hash_and_prefix(member):
    token, raw = api_token_create(user=member, name="  laptop script  ")
    token.refresh_from_db()
    assert token.name == "laptop script"
    assert token.token_hash == hash_token(raw)
    assert token.prefix == raw[:8]
    assert len(raw) >= 40
    assert AuditEvent.objects.filter(action="api_token.create", actor=member).exists()


def test_it_refuses_a_token_without_a_name(member):
    with pytest.raises(ValidationError):
        api_token_create(user=member, name="   ")
    assert not ApiToken.objects.exists()


def test_it_authenticates_the_owner_of_an_active_token(member):
    _token, raw = api_token_create(user=member, name="script")
    assert api_token_authenticate(raw) == member
    assert api_token_authenticate(f"  {raw}\n") == member


@pytest.mark.parametrize("raw", ["", "nonsense", "x" * 43])
def test_it_authenticates_nobody_with_an_unknown_token(member, raw):
    api_token_create(user=member, name="script")
    assert api_token_authenticate(raw) is None


def test_it_authenticates_nobody_with_a_revoked_token(member):
    token, raw = api_token_create(user=member, name="script")
    api_token_revoke(actor=member, token=token)
    assert api_token_authenticate(raw) is None
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=member).exists()


def test_it_authenticates_nobody_for_a_deactivated_account(member):
    _token, raw = api_token_create(user=member, name="script")
    member.is_active = False
    member.save()
    assert api_token_authenticate(raw) is None


def test_it_records_the_last_use_at_most_once_a_minute(member, django_assert_num_queries):
    token, raw = api_token_create(user=member, name="script")
    assert token.last_used_at is None
    api_token_authenticate(raw)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None

    with django_assert_num_queries(1):  # the lookup, and no write
        api_token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == first_use

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    api_token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at > first_use - timedelta(seconds=1)
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)


def test_it_lets_only_the_owner_or_a_coordinator_revoke(member, other_member, coordinator):
    token, _raw = api_token_create(user=member, name="script")
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=other_member, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
    api_token_revoke(actor=coordinator, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_it_changes_nothing_when_revoking_twice(member):
    token, _raw = api_token_create(user=member, name="script")
    api_token_revoke(actor=member, token=token)
    revoked_at = token.revoked_at
    api_token_revoke(actor=member, token=token)
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
