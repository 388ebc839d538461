from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import run_queued_tasks
from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop, Sector, Service
from coopnet.hire.models import Brief
from coopnet.hire.services import BriefRateLimited, brief_for_token, brief_submit
from coopnet.hire.tests.page_helpers import BRIEF as COMMON_BRIEF
from coopnet.network.models import NetworkSettings
from coopnet.notifications.models import Notification

BRIEF = {
    **COMMON_BRIEF,
    "organisation": "Riverside Trust",
    "text": "We need an accessible website for our charity.",
}


@pytest.fixture(autouse=True)
def empty_cache(db):
    # The rate limit counts in the cache table, which transactional tests commit.
    cache.clear()
    yield
    cache.clear()


def test_it_saves_the_brief_with_every_field(db):
    sector = Sector.objects.create(name="Charities", slug="charities")
    web = Service.objects.create(name="Web development", slug="web-development")
    brief, raw = brief_submit(
        **BRIEF,
        sector=sector,
        services=[web],
        budget=Brief.Budget.FROM_5K,
        timeline=Brief.Timeline.ASAP,
        effort_days=20,
        location="Leeds",
        remote_ok=False,
    )
    brief.refresh_from_db()
    assert brief.status == Brief.Status.NEW
    assert brief.contact_email == "cleo@riverside.example"
    assert brief.sector == sector
    assert list(brief.services.all()) == [web]
    assert (brief.budget, brief.timeline, brief.effort_days) == ("5k-20k", "asap", 20)
    assert (brief.location, brief.remote_ok) == ("Leeds", False)


def test_it_keeps_only_the_hash_of_the_link_and_the_link_opens_the_brief(db):
    brief, raw = brief_submit(**BRIEF)
    assert raw not in brief.access_token_hash
    assert brief.access_token_hash == Brief.hash_access_token(raw)
    assert brief_for_token(raw) == brief


def test_it_makes_the_link_expire_after_the_networks_days(db):
    network = NetworkSettings.load()
    network.brief_link_days = 7
    network.save()
    before = timezone.now()
    brief, _raw = brief_submit(**BRIEF)
    assert before + timedelta(days=7) <= brief.access_expires_at
    assert brief.access_expires_at <= timezone.now() + timedelta(days=7)


def test_it_refuses_a_brief_without_consent(db):
    with pytest.raises(ValidationError) as caught:
        brief_submit(**{**BRIEF, "consent_to_share": False})
    assert "consent_to_share" in caught.value.message_dict
    assert not Brief.objects.exists()


def test_it_names_the_fields_that_are_wrong(db):
    with pytest.raises(ValidationError) as caught:
        brief_submit(
            **{**BRIEF, "contact_name": " ", "contact_email": "not-an-address", "text": "x" * 5001},
            budget="a-million",
        )
    assert {"contact_name", "contact_email", "text", "budget"} <= set(caught.value.message_dict)
    assert not Brief.objects.exists()


def test_it_refuses_more_briefs_from_one_address_than_the_network_allows(db):
    network = NetworkSettings.load()
    network.brief_rate_per_hour = 2
    network.save()
    brief_submit(**BRIEF)
    brief_submit(**BRIEF)
    with pytest.raises(BriefRateLimited):
        brief_submit(**BRIEF)
    assert Brief.objects.count() == 2
    brief_submit(**{**BRIEF, "ip": "198.51.100.7"})  # another address is not held back
    assert Brief.objects.count() == 3


def test_it_does_not_count_refused_briefs_against_the_address(db):
    network = NetworkSettings.load()
    network.brief_rate_per_hour = 1
    network.save()
    with pytest.raises(ValidationError):
        brief_submit(**{**BRIEF, "contact_email": "typo"})
    brief_submit(**BRIEF)
    assert Brief.objects.count() == 1


def test_it_writes_an_audit_row_without_the_clients_details(db):
    brief, _raw = brief_submit(**BRIEF)
    event = AuditEvent.objects.get(action="brief.submit")
    assert event.actor is None
    assert event.target_id == str(brief.pk)
    assert event.changes["status"] == [None, "new"]
    written = f"{event.target_label} {event.changes} {event.actor_label}"
    for detail in ("Cleo", "riverside.example", "Riverside Trust"):
        assert detail not in written


@pytest.mark.django_db(transaction=True)
def test_it_mails_the_client_the_private_link_and_forgets_it_once_sent(mailoutbox, settings):
    settings.SITE_URL = "https://coops.example"
    brief, raw = brief_submit(**BRIEF)
    run_queued_tasks()
    [mail] = mailoutbox
    assert mail.to == ["cleo@riverside.example"]
    assert f"https://coops.example/hire/brief/{raw}/" in mail.body
    assert "Cleo Client" in mail.body
    # About their own request: no unsubscribe.
    assert "List-Unsubscribe" not in mail.extra_headers
    task = DBTaskResult.objects.get(task_path="coopnet.hire.tasks.send_brief_client_email")
    assert raw not in str(task.args_kwargs)


@pytest.mark.django_db(transaction=True)
def test_it_notifies_the_coordinators_and_nobody_else(coordinator, member, mailoutbox):
    brief, _raw = brief_submit(**BRIEF)
    notification = Notification.objects.get(kind="brief_submitted")
    assert notification.user == coordinator
    assert notification.url == f"/hire/briefs/{brief.pk}/"
    assert "accessible website" in notification.body
    assert "cleo@riverside.example" not in notification.body
    run_queued_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [coordinator.email, BRIEF["contact_email"]]
    )


def test_it_waits_for_a_coordinator_unless_the_network_routes_automatically(coop, member):
    brief, _raw = brief_submit(**BRIEF)
    assert brief.status == Brief.Status.NEW
    assert not brief.recipients.exists()


def test_it_routes_automatically_to_the_best_matches_when_the_network_says_so(
    coop, other_coop, member, other_member
):
    Coop.objects.create(
        name="Former Web Co",
        slug="former-web",
        description="Accessible websites for charities.",
        status=Coop.Status.FORMER,
    )
    network = NetworkSettings.load()
    network.briefs_route_automatically = True
    network.brief_auto_route_count = 1
    network.save()
    brief, _raw = brief_submit(**{**BRIEF, "text": "accessible websites for charities"})
    brief.refresh_from_db()
    assert brief.status == Brief.Status.SENT
    [recipient] = brief.recipients.all()
    assert recipient.coop == coop  # the member whose description matches, not the former one
    assert recipient.sent_by is None
    assert recipient.sent_at is not None
    event = AuditEvent.objects.get(action="brief.send")
    assert event.actor is None
    assert event.actor_label == "automatic routing"
    assert Notification.objects.filter(kind="brief_new", user=member).exists()
    assert not Notification.objects.filter(kind="brief_new", user=other_member).exists()


def test_automatic_routing_skips_co_ops_with_nobody_to_see_the_brief(coop, other_coop, member):
    # The best match, imported from a directory: nobody from it has signed up.
    Coop.objects.create(
        name="Quiet Web Co",
        slug="quiet-web",
        description="We build accessible websites for charities: accessible charity websites "
        "are all we do.",
        status=Coop.Status.MEMBER,
        country="GB",
        locality="Sheffield",
        workers=6,
        availability=Coop.Availability.OPEN,
    )
    network = NetworkSettings.load()
    network.briefs_route_automatically = True
    network.brief_auto_route_count = 1
    network.save()
    assert brief_suggestions_top(BRIEF_TEXT_FOR_ROUTING) == "quiet-web"

    brief, _raw = brief_submit(**{**BRIEF, "text": BRIEF_TEXT_FOR_ROUTING})

    assert [r.coop for r in brief.recipients.all()] == [coop]


BRIEF_TEXT_FOR_ROUTING = "accessible websites for charities"


def brief_suggestions_top(text: str) -> str:
    from coopnet.hire.matching import BriefNeeds, match_coops

    return match_coops(BriefNeeds(text=text)).results[0].coop.slug


def test_it_tells_the_coordinators_where_an_automatically_routed_brief_went(
    coordinator, coop, member
):
    charities = Sector.objects.create(slug="charity", name="Charities")
    network = NetworkSettings.load()
    network.briefs_route_automatically = True
    network.brief_auto_route_count = 1
    network.save()

    brief_submit(**{**BRIEF, "text": BRIEF_TEXT_FOR_ROUTING, "sector": charities})

    body = Notification.objects.get(kind="brief_submitted", user=coordinator).body
    assert "It went automatically to Hedgerow Digital." in body
    assert "send it to them from there" not in body
    assert "Sector: Charities" in body


def test_it_asks_the_coordinators_to_send_a_brief_nobody_routed(coordinator, coop, member):
    brief_submit(**BRIEF)

    body = Notification.objects.get(kind="brief_submitted", user=coordinator).body
    assert "send it to them from there" in body
    assert "went automatically" not in body
