"""PATCH /api/v1/coops/{slug}: a co-op edits its own profile with a token."""

import datetime

import pytest
from django.utils import timezone

from coopnet.accounts.models import ApiToken
from coopnet.accounts.services import api_token_revoke
from coopnet.api.tests.helpers import ApiClient, assert_error, make_token
from coopnet.audit.models import AuditEvent
from coopnet.directory.models import DESCRIPTION_MAX_LENGTH, Client, Coop, Service, Technology

URL = "/api/v1/coops/hedgerow-digital"


def _unchanged(coop: Coop) -> None:
    name, updated_at = coop.name, coop.updated_at
    coop.refresh_from_db()
    assert coop.name == name
    assert coop.updated_at == updated_at
    assert not AuditEvent.objects.for_object(coop).exists()


# The permission matrix: every role against the co-op of `member`.


def test_it_asks_an_anonymous_caller_to_authenticate(api_as, coop):
    error = assert_error(api_as(None).patch(URL, {"name": "Taken"}), 401, "not_authenticated")

    assert "Bearer" in error["message"]
    _unchanged(coop)


def test_it_refuses_a_wrong_token(client, coop):
    response = ApiClient(client, "made-up-token").patch(URL, {"name": "Taken"})

    assert_error(response, 401, "invalid_token")
    _unchanged(coop)


def test_it_refuses_a_header_that_is_not_a_bearer_token(client, coop):
    response = client.patch(
        URL, "{}", content_type="application/json", headers={"Authorization": "Basic abc"}
    )

    assert_error(response, 401, "invalid_token")


def test_it_refuses_a_revoked_token(client, member, coop):
    raw = make_token(member)
    api_token_revoke(actor=member, token=ApiToken.objects.get(user=member))

    response = ApiClient(client, raw).patch(URL, {"name": "Taken"})

    assert_error(response, 401, "invalid_token")
    _unchanged(coop)


def test_it_refuses_the_token_of_a_deactivated_user(client, member, coop):
    raw = make_token(member)
    member.is_active = False
    member.save()

    assert_error(ApiClient(client, raw).patch(URL, {"name": "Taken"}), 401, "invalid_token")


@pytest.mark.parametrize("who", ["outsider", "other_member"])
def test_it_forbids_people_of_other_coops(request, api_as, coop, who):
    user = request.getfixturevalue(who)

    response = api_as(user).patch(URL, {"name": "Taken", "services": ["no-such-service"]})

    assert_error(response, 403, "permission_denied")
    _unchanged(coop)


def test_it_lets_a_member_edit_their_coop(api_as, member, coop):
    response = api_as(member).patch(
        URL, {"name": "Hedgerow Digital Co-op", "workers": 8, "locality": "Leeds"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Hedgerow Digital Co-op"
    assert body["workers"] == 8
    coop.refresh_from_db()
    assert (coop.name, coop.workers, coop.locality) == ("Hedgerow Digital Co-op", 8, "Leeds")
    event = AuditEvent.objects.for_object(coop).get()
    assert event.actor == member
    assert event.action == "coop.update"
    assert event.changes == {
        "name": ["Hedgerow Digital", "Hedgerow Digital Co-op"],
        "workers": [6, 8],
        "locality": ["Sheffield", "Leeds"],
    }
    assert set(coop.self_edited_fields) == {"name", "workers", "locality"}


def test_it_lets_a_delegate_edit_their_coop(api_as, delegate, coop):
    assert api_as(delegate).patch(URL, {"phone": "0114 000 0000"}).status_code == 200


def test_it_changes_only_the_fields_sent(api_as, member, coop):
    api_as(member).patch(URL, {"phone": "0114 000 0000"})

    coop.refresh_from_db()
    assert coop.phone == "0114 000 0000"
    assert coop.description == "We build **accessible** websites for charities."
    assert coop.workers == 6
    assert list(AuditEvent.objects.for_object(coop).get().changes) == ["phone"]


def test_it_clears_a_field_sent_as_null(api_as, member, coop):
    response = api_as(member).patch(URL, {"locality": None, "workers": None})

    assert response.status_code == 200
    coop.refresh_from_db()
    assert coop.locality == ""
    assert coop.workers is None


def test_it_replaces_services_technologies_and_clients_by_slug(api_as, member, coop):
    old = Service.objects.create(name="Hosting", slug="hosting")
    coop.services.add(old)
    Service.objects.create(name="Design", slug="design")
    Technology.objects.create(name="Django", slug="django")
    Client.objects.create(name="Oxfam", slug="oxfam")

    response = api_as(member).patch(
        URL, {"services": ["design"], "technologies": ["django"], "clients": ["oxfam"]}
    )

    assert response.status_code == 200, response.content
    assert response.json()["services"] == [{"slug": "design", "name": "Design"}]
    assert list(coop.services.values_list("slug", flat=True)) == ["design"]
    assert list(coop.technologies.values_list("slug", flat=True)) == ["django"]
    assert list(coop.clients.values_list("slug", flat=True)) == ["oxfam"]
    changes = AuditEvent.objects.for_object(coop).get().changes
    assert changes["services"] == [["hosting"], ["design"]]


def test_it_refuses_a_member_setting_coordinator_only_fields(api_as, member, coop):
    response = api_as(member).patch(URL, {"name": "Sneaky", "status": "former"})

    assert_error(response, 403, "permission_denied")
    _unchanged(coop)
    assert coop.status == Coop.Status.MEMBER


def test_it_lets_a_coordinator_edit_any_coop_including_its_status(api_as, coordinator, coop):
    response = api_as(coordinator).patch(
        URL, {"status": "former", "left_on": "2025-03-31", "left_precision": "month"}
    )

    assert response.status_code == 200, response.content
    coop.refresh_from_db()
    assert coop.status == "former"
    assert str(coop.left_on) == "2025-03-31"
    assert coop.left_precision == "month"
    event = AuditEvent.objects.for_object(coop).get()
    assert event.actor == coordinator
    assert event.changes["status"] == ["member", "former"]
    # A coordinator's edit is not the co-op's own: imports may still update these fields.
    assert coop.self_edited_fields == {}


def test_it_lets_a_coordinator_edit_an_applicant(api_as, coordinator, coop):
    coop.status = Coop.Status.APPLICANT
    coop.save()

    response = api_as(coordinator).patch(URL, {"status": "member"})

    assert response.status_code == 200
    assert response.json()["status"] == "member"


def test_it_hides_an_applicant_from_a_stranger_who_tries_to_edit_it(api_as, other_member, coop):
    coop.status = Coop.Status.APPLICANT
    coop.save()

    assert_error(api_as(other_member).patch(URL, {"name": "X"}), 404, "not_found")


# Bad values: 400 in the error shape, nothing changed.


def test_it_refuses_a_bad_email(api_as, member, coop):
    response = api_as(member).patch(URL, {"name": "Renamed", "email": "not an email"})

    error = assert_error(response, 400, "invalid")
    assert list(error["details"]) == ["email"]
    _unchanged(coop)


def test_it_refuses_a_lowest_day_rate_above_the_highest(api_as, member, coop):
    response = api_as(member).patch(URL, {"day_rate_min": 700, "day_rate_max": 300})

    error = assert_error(response, 400, "invalid")
    assert error["details"]
    _unchanged(coop)
    assert coop.day_rate_min is None


TODAY = timezone.localdate()


# The rules the profile page checks hold here too (they live in coop_edit_errors).
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"availability": "booked"}, "booked_until"),
        ({"availability": "booked", "booked_until": "2020-01-01"}, "booked_until"),
        ({"workers": 2, "worker_owners": 5}, "workers"),
        ({"founded_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, "founded_on"),
        ({"country": "ZZ"}, "country"),
        ({"day_rate_currency": "XYZ"}, "day_rate_currency"),
        ({"languages": ["<script>"]}, "languages"),
        ({"languages": ["klingon"]}, "languages"),
    ],
)
def test_it_refuses_what_the_profile_page_refuses(api_as, member, coop, body, field):
    response = api_as(member).patch(URL, {"name": "Renamed", **body})

    error = assert_error(response, 400, "invalid")
    assert list(error["details"]) == [field]
    _unchanged(coop)


@pytest.mark.parametrize(("field", "value"), [("latitude", 90.5), ("longitude", -180.5)])
def test_it_refuses_a_position_off_the_map(api_as, member, coop, field, value):
    error = assert_error(api_as(member).patch(URL, {field: value}), 400, "invalid")

    assert list(error["details"]) == [field]
    _unchanged(coop)


def test_it_refuses_a_leaving_date_before_the_joining_date(api_as, coordinator, coop):
    response = api_as(coordinator).patch(URL, {"joined_on": "2020-05-01", "left_on": "2019-01-01"})

    error = assert_error(response, 400, "invalid")
    assert error["details"] == {
        "left_on": ["The co-op cannot leave before it joined (2020-05-01)."]
    }
    _unchanged(coop)


def test_it_stores_language_codes_in_lower_case(api_as, member, coop):
    response = api_as(member).patch(URL, {"languages": ["EN", " cy "]})

    assert response.status_code == 200, response.content
    assert response.json()["languages"] == ["en", "cy"]


def test_it_refuses_a_description_over_the_limit(api_as, member, coop):
    response = api_as(member).patch(URL, {"description": "x" * (DESCRIPTION_MAX_LENGTH + 1)})

    error = assert_error(response, 400, "invalid")
    assert list(error["details"]) == ["description"]
    _unchanged(coop)


def test_it_names_every_unknown_slug(api_as, member, coop):
    Service.objects.create(name="Design", slug="design")

    response = api_as(member).patch(
        URL, {"name": "Renamed", "services": ["design", "astrology"], "technologies": ["cobol"]}
    )

    error = assert_error(response, 400, "invalid")
    assert set(error["details"]) == {"services", "technologies"}
    assert "astrology" in error["details"]["services"][0]
    assert "cobol" in error["details"]["technologies"][0]
    _unchanged(coop)
    assert not coop.services.exists()


def test_it_refuses_values_of_the_wrong_type_with_their_path(api_as, member, coop):
    response = api_as(member).patch(
        URL, {"workers": "many", "social_links": {"github": 3}, "availability": "maybe"}
    )

    error = assert_error(response, 400, "invalid")
    assert set(error["details"]) == {"workers", "social_links.github", "availability"}
    _unchanged(coop)


def test_it_refuses_fields_it_does_not_know_or_that_are_read_only(api_as, member, coop):
    response = api_as(member).patch(URL, {"name": "Renamed", "slug": "new", "worker_owner": 3})

    error = assert_error(response, 400, "invalid")
    assert set(error["details"]) == {"slug", "worker_owner"}
    _unchanged(coop)


def test_it_refuses_a_body_that_is_not_json(api_as, member, coop):
    assert_error(api_as(member).patch(URL, "{name: "), 400, "invalid_json")
    _unchanged(coop)


def test_it_refuses_clearing_a_required_field(api_as, member, coop):
    error = assert_error(api_as(member).patch(URL, {"name": None}), 400, "invalid")

    assert list(error["details"]) == ["name"]
    _unchanged(coop)


def test_it_throttles_a_flood_of_writes(api_as, member, coop):
    api = api_as(member)
    for _ in range(60):
        assert api.patch(URL, {}).status_code == 200

    response = api.patch(URL, {"name": "One too many"})

    error = assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1
    assert error["details"]["retry_after_seconds"] >= 0
