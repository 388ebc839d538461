"""GET /api/v1/me: who the token belongs to."""

from coopnet.api.tests.helpers import assert_error


def test_it_needs_a_token(api_as, db):
    assert_error(api_as(None).get("/api/v1/me"), 401, "not_authenticated")


def test_it_shows_the_token_owner_and_their_roles(api_as, member, delegate, other_member):
    body = api_as(member).get("/api/v1/me").json()

    assert body == {
        "username": "member",
        "display_name": "Mo Member",
        "email": "member@example.org",
        "is_coordinator": False,
        "memberships": [
            {
                "coop": {"slug": "hedgerow-digital", "name": "Hedgerow Digital"},
                "roles": ["worker_owner", "profile_admin"],
            }
        ],
    }
    delegate_roles = api_as(delegate).get("/api/v1/me").json()["memberships"][0]["roles"]
    assert delegate_roles == ["worker_owner", "delegate"]


def test_it_says_who_is_a_coordinator(api_as, coordinator):
    body = api_as(coordinator).get("/api/v1/me").json()

    assert body["is_coordinator"] is True
    assert body["memberships"] == []


def test_it_records_when_the_token_was_last_used(api_as, outsider):
    from coopnet.accounts.models import ApiToken

    api_as(outsider).get("/api/v1/me")

    assert ApiToken.objects.get(user=outsider).last_used_at is not None
