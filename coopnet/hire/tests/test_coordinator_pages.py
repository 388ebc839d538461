"""/hire/briefs/: coordinators see new briefs with suggested co-ops, adjust, send and close."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import coop_with_worker, run_queued_tasks
from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop, Service
from coopnet.hire import services
from coopnet.hire.models import Brief, BriefRecipient
from coopnet.hire.services import brief_access_revoke, brief_contact_delete
from coopnet.hire.tests.page_helpers import answer, send_to, submit_brief

LIST = "/hire/briefs/"


def detail(brief: Brief, action: str = "") -> str:
    name = f"hire:coordinator_brief_{action}" if action else "hire:coordinator_brief"
    return reverse(name, args=[brief.pk])


@pytest.fixture
def brief(db):
    return submit_brief()[0]


@pytest.fixture
def web_coops(coop, member):
    """Four member co-ops that build accessible websites, each with a worker-owner on the
    platform: more than the three ticked."""
    web = Service.objects.create(name="Web development", slug="web-development")
    coops = [coop]
    for name in ("Alder Web", "Birch Accessible", "Cedar Sites"):
        coops.append(
            coop_with_worker(
                name.lower().replace(" ", "-"),
                description="We build accessible websites for food banks and charities.",
            )[0]
        )
    for listed in coops:
        listed.services.add(web)
        listed.refresh_search_tags()
    return coops


def writes(brief: Brief, coop) -> dict[str, tuple[str, dict]]:
    return {
        "send": (detail(brief, "send"), {"extra_coop": str(coop.pk)}),
        "send_team": (detail(brief, "send_team"), {"lead": str(coop.pk), "members": str(coop.pk)}),
        "close": (detail(brief, "close"), {"reason": "spam"}),
        "revoke": (detail(brief, "revoke"), {}),
        "renew": (detail(brief, "renew"), {}),
    }


def test_it_sends_anonymous_people_to_sign_in(client, brief, coop):
    for path in [LIST, detail(brief)]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    for path, data in writes(brief, coop).values():
        assert client.post(path, data).status_code == 302
    brief.refresh_from_db()
    assert brief.status == Brief.Status.NEW and brief.access_revoked_at is None


@pytest.mark.parametrize("who", ["outsider", "other_member", "member"])
def test_it_refuses_everyone_but_coordinators(client, brief, coop, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(LIST).status_code == 403
    assert client.get(detail(brief)).status_code == 403
    for path, data in writes(brief, coop).values():
        assert client.post(path, data).status_code == 403
    brief.refresh_from_db()
    assert brief.status == Brief.Status.NEW and brief.access_revoked_at is None
    assert not BriefRecipient.objects.exists()


def test_it_lists_new_briefs_first_with_counts(client, coordinator, coop, member):
    older_new = submit_brief(organisation="Older New Org")[0]
    sent = submit_brief(organisation="Sent Org")[0]
    newest_new = submit_brief(organisation="Newest New Org")[0]
    (entry,) = send_to(sent, coordinator, coop)
    answer(entry, member)
    client.force_login(coordinator)

    html = client.get(LIST).content.decode()

    assert html.index("Newest New Org") < html.index("Older New Org") < html.index("Sent Org")
    assert "Received, waiting to be sent to co-ops (2)" in html
    assert "Sent to co-ops (1)" in html
    assert "All (3)" in html
    only_sent = client.get(LIST, {"status": "sent"}).content.decode()
    assert "Sent Org" in only_sent and "Newest New Org" not in only_sent
    assert older_new.pk and newest_new.pk


def test_it_shows_the_brief_with_contact_and_suggestions_top_three_ticked(
    client, coordinator, brief, web_coops
):
    client.force_login(coordinator)
    suggested = services.brief_suggestions(brief=brief).results
    assert len(suggested) >= 4

    html = client.get(detail(brief)).content.decode()

    assert "cara@riverside.example" in html and "Cara Client" in html
    assert "We need an accessible website for our food bank" in html
    for i, match in enumerate(suggested):
        checkbox = f'value="{match.coop.pk}" id="suggest_{match.coop.pk}"'
        assert checkbox + (" checked" if i < 3 else ">") in html


def test_it_ticks_only_co_ops_with_someone_to_see_the_brief_and_says_why(
    client, coordinator, brief, web_coops
):
    quiet = web_coops[1]
    quiet.memberships.all().delete()  # imported from a directory: nobody has signed up
    client.force_login(coordinator)
    suggested = [m.coop for m in services.brief_suggestions(brief=brief).results]
    assert quiet in suggested[:3]

    html = client.get(detail(brief)).content.decode()

    ticked = [c for c in suggested if f'id="suggest_{c.pk}" checked' in html]
    assert quiet not in ticked and len(ticked) == 3
    assert f'value="{quiet.pk}" id="suggest_{quiet.pk}">' in html
    assert "Nobody from this co-op uses Coopnet yet" in html


def test_it_warns_when_it_sent_to_a_co_op_nobody_from_which_is_on_coopnet(
    client, coordinator, brief, web_coops, other_coop
):
    client.force_login(coordinator)

    response = client.post(detail(brief, "send"), {"extra_coop": str(other_coop.pk)}, follow=True)

    assert brief.recipients.filter(coop=other_coop).exists()
    html = response.content.decode()
    assert "Nobody from Tidewater Tech uses Coopnet yet" in html
    assert "cannot answer here" in html  # beside it in the table of who was sent it


def test_it_sends_to_the_ticked_and_added_co_ops(client, coordinator, brief, web_coops, other_coop):
    client.force_login(coordinator)
    suggested = [m.coop for m in services.brief_suggestions(brief=brief).results]
    assert suggested and other_coop not in suggested
    data = {"coops": [str(c.pk) for c in suggested[:1]], "extra_coop": str(other_coop.pk)}

    response = client.post(detail(brief, "send"), data, follow=True)

    assert response.redirect_chain == [(detail(brief), 302)]
    expected = {c.pk for c in suggested[:1]} | {other_coop.pk}
    assert set(brief.recipients.values_list("coop_id", flat=True)) == expected
    brief.refresh_from_db()
    assert brief.status == Brief.Status.SENT
    html = response.content.decode()
    assert "Sent to" in html and "Tidewater Tech" in html
    assert AuditEvent.objects.for_object(brief).filter(action="brief.send").exists()


def test_it_asks_for_at_least_one_co_op(client, coordinator, brief):
    client.force_login(coordinator)

    response = client.post(detail(brief, "send"), {})

    assert response.status_code == 400
    assert "Tick at least one co-op, or choose one to add." in response.content.decode()
    assert not BriefRecipient.objects.exists()


def test_it_proposes_a_team_when_no_co_op_covers_everything_and_sends_to_it(
    client, coordinator, coop, other_coop
):
    web = Service.objects.create(name="Web development", slug="web-development")
    hosting = Service.objects.create(name="Hosting", slug="hosting")
    coop.services.add(web)
    other_coop.services.add(hosting)
    other_coop.availability = Coop.Availability.OPEN
    other_coop.save(update_fields=["availability"])
    for listed in (coop, other_coop):
        listed.refresh_search_tags()
    brief = submit_brief(text="A website, and somewhere to host it.", services=[web, hosting])[0]
    client.force_login(coordinator)
    (team, *_others) = services.brief_suggestions(brief=brief).consortium
    member_ids = ",".join(str(c.pk) for c in [team.lead, *team.members] if c.pk != team.lead.pk)

    html = client.get(detail(brief)).content.decode()
    assert "Proposed teams" in html
    assert f"Led by {team.lead.name}" in html
    assert "hosting" in html

    response = client.post(
        detail(brief, "send_team"),
        {"lead": str(team.lead.pk), "members": f"{team.lead.pk},{member_ids}"},
    )
    assert response.status_code == 302
    consortium = brief.consortia.get()
    assert consortium.lead == team.lead
    assert set(brief.recipients.values_list("coop_id", flat=True)) == {coop.pk, other_coop.pk}


def test_it_refuses_a_team_that_is_no_longer_suggested(client, coordinator, brief, coop):
    client.force_login(coordinator)

    response = client.post(
        detail(brief, "send_team"), {"lead": str(coop.pk), "members": f"{coop.pk},999999"}
    )

    assert response.status_code == 400
    assert "That team is no longer suggested" in response.content.decode()
    assert not BriefRecipient.objects.exists()


def test_it_shows_who_it_was_sent_to_and_their_answers_with_decline_reasons(
    client, coordinator, brief, coop, other_coop, member, other_member
):
    hedgerow, tidewater = send_to(brief, coordinator, coop, other_coop)
    answer(hedgerow, member, message="Happy to.")
    answer(
        tidewater,
        other_member,
        interested=False,
        message="Fully booked until spring.",
        decline_reason="busy",
    )
    client.force_login(coordinator)

    html = client.get(detail(brief)).content.decode()

    assert "Happy to." in html
    assert "Declined: too busy now" in html
    assert "Fully booked until spring." in html
    assert "by coordinator" in html


def test_it_closes_a_brief_with_a_reason_and_may_spare_the_client_a_mail(
    client, coordinator, brief, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(detail(brief, "close"), {"reason": "spam"})

    assert response.status_code == 302
    brief.refresh_from_db()
    assert brief.status == Brief.Status.CLOSED
    assert callbacks == []  # "tell the client" was not ticked
    event = AuditEvent.objects.for_object(brief).get(action="brief.close")
    assert event.note == "spam"


def test_it_stops_the_clients_link(client, coordinator):
    brief, raw = submit_brief()
    client.force_login(coordinator)

    assert client.post(detail(brief, "revoke")).status_code == 302

    assert client.get(reverse("hire:brief_status", args=[raw])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_it_emails_a_client_who_lost_the_link_a_new_one(client, coordinator, mailoutbox, settings):
    settings.SITE_URL = "https://coops.example"
    brief, old_raw = submit_brief()
    brief_access_revoke(actor=coordinator, brief=brief)  # say the link had leaked
    run_queued_tasks()
    mailoutbox.clear()
    client.force_login(coordinator)

    response = client.post(detail(brief, "renew"), follow=True)

    assert "A new private link is on its way to cara@riverside.example" in (
        response.content.decode()
    )
    run_queued_tasks()
    [mail] = mailoutbox
    assert mail.to == ["cara@riverside.example"]
    [new_link] = re.findall(r"https://coops\.example/hire/brief/([^/\s]+)/", mail.body)
    assert client.get(reverse("hire:brief_status", args=[new_link])).status_code == 200
    assert client.get(reverse("hire:brief_status", args=[old_raw])).status_code == 404
    event = AuditEvent.objects.for_object(brief).get(action="brief.access_renew")
    assert event.actor == coordinator


def test_it_cannot_send_a_new_link_once_the_contact_details_are_deleted(client, coordinator):
    brief, _raw = submit_brief()
    brief_contact_delete(brief=brief)
    client.force_login(coordinator)

    page = client.get(detail(brief)).content.decode()
    response = client.post(detail(brief, "renew"), follow=True)

    assert detail(brief, "renew") not in page
    assert "there is nobody to send to" in response.content.decode()
    assert not AuditEvent.objects.filter(action="brief.access_renew").exists()


def test_it_lists_in_the_same_number_of_queries_however_many_briefs(client, coordinator, coop):
    client.force_login(coordinator)
    send_to(submit_brief()[0], coordinator, coop)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for _ in range(3):
        send_to(submit_brief()[0], coordinator, coop)
    with CaptureQueriesContext(connection) as four:
        html = client.get(LIST).content.decode()

    assert len(re.findall(r'href="/hire/briefs/\d+/"', html)) == 4
    assert len(four) == len(one)


def test_it_lets_the_coordinator_shape_the_teams_and_sends_the_shaped_one(
    client, coordinator, coop, other_coop
):
    web = Service.objects.create(name="Web development", slug="web-development")
    hosting = Service.objects.create(name="Hosting", slug="hosting")
    third = Coop.objects.create(
        name="Quillwort Hosting", slug="quillwort", status=Coop.Status.MEMBER, country="GB"
    )
    coop.services.add(web)
    other_coop.services.add(hosting)
    third.services.add(hosting)
    for listed in (coop, other_coop, third):
        listed.availability = Coop.Availability.OPEN
        listed.save(update_fields=["availability"])
        listed.refresh_search_tags()
    brief = submit_brief(text="A website, and somewhere to host it.", services=[web, hosting])[0]
    client.force_login(coordinator)

    shaped = client.get(detail(brief), {"exclude": [other_coop.pk], "max_size": 3})

    html = shaped.content.decode()
    teams = services.brief_suggestions(brief=brief, team_exclude_ids=[other_coop.pk]).consortium
    assert teams and all(other_coop not in [t.lead, *t.members] for t in teams)
    assert f'name="exclude" value="{other_coop.pk}"' in html
    team = teams[0]
    ids = ",".join(str(c.pk) for c in [team.lead, *team.members])
    response = client.post(
        detail(brief, "send_team"),
        {"lead": team.lead.pk, "members": ids, "exclude": other_coop.pk, "max_size": 3},
    )
    assert response.status_code == 302
    assert other_coop.pk not in set(brief.recipients.values_list("coop_id", flat=True))


def test_it_explains_a_co_op_both_included_and_left_out(client, coordinator, brief, coop):
    client.force_login(coordinator)

    response = client.get(detail(brief), {"include": [coop.pk], "exclude": [coop.pk]})

    assert "cannot be both included and left out" in response.content.decode()


def test_it_keeps_the_status_filter_in_the_page_links(client, coordinator, monkeypatch):
    from coopnet.hire import views

    monkeypatch.setattr(views, "BRIEFS_PER_PAGE", 2)
    for number in range(3):
        submit_brief(organisation=f"Org {number}", ip=f"203.0.113.{number + 10}")
    client.force_login(coordinator)

    html = client.get(reverse("hire:brief_list"), {"status": "new"}).content.decode()

    assert "Page 1 of 2" in html
    assert "?status=new&amp;page=2" in html


def test_a_refused_send_matches_the_brief_once(client, coordinator, brief):
    client.force_login(coordinator)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(detail(brief, "send"), {})

    assert response.status_code == 400
    # Matching reads the history's fingerprint once per match.
    matches = [q for q in queries.captured_queries if '"last_id"' in q["sql"]]
    assert len(matches) == 1


def test_a_refused_team_keeps_how_the_coordinator_shaped_the_teams(
    client, coordinator, brief, coop
):
    client.force_login(coordinator)

    response = client.post(
        detail(brief, "send_team"),
        {"lead": str(coop.pk), "members": f"{coop.pk},999999", "max_size": "2"},
    )

    assert response.status_code == 400
    assert re.search(
        r'name="max_size"[^>]*value="2"|value="2"[^>]*name="max_size"', response.content.decode()
    )


def test_it_says_when_no_team_can_be_formed(client, coordinator, coop, member):
    from coopnet.directory.models import Technology

    Technology.objects.create(name="Godot", slug="godot")
    brief, _raw = submit_brief(text="A game about our river, made in Godot, for schools.")
    client.force_login(coordinator)

    html = client.get(detail(brief)).content.decode()

    assert "No team could be formed either." in html
    assert "These teams do together" not in html
