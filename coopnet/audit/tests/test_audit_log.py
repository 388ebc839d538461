import pytest
from django.urls import reverse

from coopnet.audit.models import AuditEvent
from coopnet.audit.services import audit_record
from coopnet.network.models import NetworkSettings

URL = reverse("audit:log")


def record_events(coop, actor, count: int) -> None:
    for number in range(count):
        audit_record(
            actor=actor,
            action="coop.update",
            target=coop,
            changes={"workers": (number, number + 1)},
        )


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["outsider", "other_member", "member", "delegate"])
def test_it_is_for_coordinators_only(client, request, who, coop):
    audit_record(actor="system", action="coop.secret", target=coop)
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 403
    assert "coop.secret" not in response.content.decode()
    assert "Only the network's coordinators can read the audit log." in response.content.decode()


def test_it_shows_who_what_on_what_and_old_and_new_values(client, coordinator, member, coop):
    audit_record(
        actor=member,
        action="coop.update",
        target=coop,
        changes={"name": ("Hedgerow", "Hedgerow Digital"), "languages": ([], ["en", "cy"])},
    )
    client.force_login(coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "member" in page
    assert "coop.update" in page
    assert f'href="{coop.get_absolute_url()}"' in page
    assert '<span class="audit-old">Hedgerow</span>' in page
    assert "Hedgerow Digital" in page
    assert "en, cy" in page


def test_it_lists_the_newest_first(client, coordinator, coop):
    audit_record(actor=coordinator, action="first.thing", target=coop)
    audit_record(actor=coordinator, action="second.thing", target=coop)
    client.force_login(coordinator)
    rows = client.get(URL).context["rows"]
    assert [row.event.action for row in rows] == ["second.thing", "first.thing"]


def test_it_filters_by_action_actor_and_target(client, coordinator, member, coop, other_coop):
    audit_record(actor=member, action="coop.update", target=coop)
    audit_record(actor=coordinator, action="coop.update", target=other_coop)
    audit_record(actor=coordinator, action="membership.create", target=coop)
    client.force_login(coordinator)

    def actions(**params):
        return [
            (row.event.action, row.event.target_label)
            for row in client.get(URL, params).context["rows"]
        ]

    assert actions(action="membership.create") == [("membership.create", "Hedgerow Digital")]
    assert actions(actor="member") == [("coop.update", "Hedgerow Digital")]
    assert actions(target=f"directory.coop:{other_coop.pk}") == [("coop.update", "Tidewater Tech")]
    assert len(actions(target="directory.coop")) == 3
    assert actions(target="accounts.membership") == []


def test_it_titles_one_coops_history(client, coordinator, coop):
    audit_record(actor=coordinator, action="coop.update", target=coop)
    client.force_login(coordinator)
    response = client.get(URL, {"target": f"directory.coop:{coop.pk}"})
    assert "History of Hedgerow Digital" in response.content.decode()


def test_it_paginates(client, coordinator, coop):
    record_events(coop, coordinator, 60)
    client.force_login(coordinator)
    first = client.get(URL)
    assert len(first.context["rows"]) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(URL, {"page": 2})
    assert len(second.context["rows"]) == 10
    oldest = AuditEvent.objects.order_by("created_at", "id").first()
    assert second.context["rows"][-1].event == oldest


@pytest.mark.parametrize("count", [5, 30])
def test_it_uses_a_fixed_number_of_queries(
    client, coordinator, coop, other_coop, count, django_assert_num_queries
):
    for number in range(count):
        target = coop if number % 2 else other_coop
        audit_record(actor=coordinator, action=f"action.{number % 3}", target=target)
    NetworkSettings.load()
    client.force_login(coordinator)
    # session, user, network settings, count, page of events, co-op links, actions
    with django_assert_num_queries(8):
        response = client.get(URL)
    assert len(response.context["rows"]) == count
