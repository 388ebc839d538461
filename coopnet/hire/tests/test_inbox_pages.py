"""/hire/inbox/: a co-op's worker-owners answer briefs, pass them on, record outcomes and turn a
won brief into a case study."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopnet.directory.models import CaseStudy
from coopnet.hire import services
from coopnet.hire.models import Brief, BriefRecipient
from coopnet.hire.tests.page_helpers import answer, chosen_by_client, sent_entry, submit_brief

INBOX = "/hire/inbox/"


def url(entry: BriefRecipient, action: str = "") -> str:
    return reverse(f"hire:inbox_{action}" if action else "hire:inbox_detail", args=[entry.pk])


@pytest.fixture
def entry(coordinator, coop):
    return sent_entry(coordinator, coop)


def writes(other_coop) -> dict[str, dict]:
    return {
        "answer": {"answer": "interested", "message": "We can do it."},
        "pass": {"to_coop": str(other_coop.pk), "message": "Over to you."},
        "outcome": {"outcome": "won", "value": "1000"},
        "case_study": {"title": "Food bank site", "summary": "A new site."},
    }


def assert_unchanged(entry: BriefRecipient) -> None:
    entry.refresh_from_db()
    assert (entry.response, entry.outcome, entry.case_study_id) == ("pending", "", None)
    assert entry.brief.recipients.count() == 1


def test_it_names_the_urls_other_apps_link_to():
    assert reverse("hire:inbox") == INBOX
    assert reverse("hire:inbox_detail", args=[7]) == "/hire/inbox/7/"


def test_it_sends_anonymous_people_to_sign_in(client, entry, other_coop):
    for path in [INBOX, url(entry)]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    for action, data in writes(other_coop).items():
        assert client.post(url(entry, action), data).status_code == 302
    assert_unchanged(entry)


@pytest.mark.parametrize("who", ["outsider", "other_member"])
def test_it_hides_other_co_ops_briefs(client, entry, other_coop, who, request):
    client.force_login(request.getfixturevalue(who))

    assert "food bank" not in client.get(INBOX).content.decode()
    assert client.get(url(entry)).status_code == 404
    for action, data in writes(other_coop).items():
        assert client.post(url(entry, action), data).status_code == 404
    assert_unchanged(entry)


def test_it_shows_coordinators_the_entry_but_lets_only_worker_owners_act(
    client, entry, other_coop, other_member, coordinator
):
    client.force_login(coordinator)

    html = client.get(url(entry)).content.decode()
    assert "cara@riverside.example" in html
    assert url(entry, "answer") not in html
    for action, data in writes(other_coop).items():
        assert client.post(url(entry, action), data).status_code == 403
    assert_unchanged(entry)


def test_it_lists_the_co_ops_briefs_newest_first(client, coordinator, coop, member):
    older = sent_entry(coordinator, coop, text="An older brief about a website.")
    newer = sent_entry(coordinator, coop, text="A newer brief about hosting.")
    client.force_login(member)

    html = client.get(INBOX).content.decode()

    assert html.index(url(newer)) < html.index(url(older))
    assert "Not answered yet" in html


def test_it_shows_the_brief_the_contact_and_why_it_was_suggested(client, entry, member):
    entry.match_reasons = ["Builds accessible websites for charities."]
    entry.save(update_fields=["match_reasons"])
    client.force_login(member)

    html = client.get(url(entry)).content.decode()

    assert "We need an accessible website for our food bank" in html
    assert "Cara Client" in html and "cara@riverside.example" in html
    assert "Builds accessible websites for charities." in html
    assert f'href="/referrals/new/?brief={entry.pk}"' in html


def test_it_hides_the_contact_once_deleted(client, entry, member):
    services.brief_contact_delete(brief=entry.brief)
    client.force_login(member)

    html = client.get(url(entry)).content.decode()

    assert "cara@riverside.example" not in html
    assert "contact details were deleted" in html


def test_it_saves_an_interested_answer_for_the_client(client, entry, member):
    client.force_login(member)

    response = client.post(
        url(entry, "answer"), {"answer": "interested", "message": "We can do it."}
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.response, entry.response_message) == ("interested", "We can do it.")


def test_it_asks_for_a_message_and_keeps_the_choice(client, entry, member):
    client.force_login(member)

    response = client.post(url(entry, "answer"), {"answer": "decline-busy", "message": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Write a message to the client, or your reason." in html
    assert 'value="decline-busy" id="id_answer_1" required checked' in html
    entry.refresh_from_db()
    assert entry.response == "pending"


def test_it_lets_an_interested_co_op_decline_after_all_but_nothing_else(client, entry, member):
    answer(entry, member)
    client.force_login(member)

    html = client.get(url(entry)).content.decode()
    assert 'value="interested"' not in html
    assert "Decline after all?" in html
    refused = client.post(url(entry, "answer"), {"answer": "interested", "message": "Again"})
    assert refused.status_code == 400

    client.post(url(entry, "answer"), {"answer": "decline-busy", "message": "Too busy now."})
    entry.refresh_from_db()
    assert (entry.response, entry.response_message) == ("declined", "Too busy now.")
    assert entry.decline_reason == BriefRecipient.DeclineReason.BUSY


@pytest.mark.parametrize(
    ("choice", "reason"),
    [("decline-not_our_work", "not_our_work"), ("decline-other", "other"), ("interested", "")],
)
def test_it_keeps_why_a_co_op_declined(client, entry, member, choice, reason):
    client.force_login(member)

    client.post(url(entry, "answer"), {"answer": choice, "message": "Our answer."})

    entry.refresh_from_db()
    assert entry.decline_reason == reason


def test_it_refuses_a_decline_reason_it_does_not_know(client, entry, member):
    client.force_login(member)

    response = client.post(url(entry, "answer"), {"answer": "decline-bored", "message": "No."})

    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.response == "pending"


def test_it_passes_a_brief_to_another_member_co_op(client, entry, member, other_coop, other_member):
    client.force_login(member)

    response = client.post(url(entry, "pass"), writes(other_coop)["pass"])

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.response == BriefRecipient.Response.PASSED
    passed = BriefRecipient.objects.get(coop=other_coop)
    assert passed.passed_from == entry
    client.force_login(other_member)
    html = client.get(url(passed)).content.decode()
    assert "Hedgerow Digital passed this brief on to you." in html


def test_it_offers_only_member_co_ops_not_yet_asked(
    client, entry, member, other_coop, other_member
):
    client.force_login(member)

    html = client.get(url(entry)).content.decode()

    assert f'<option value="{other_coop.pk}">Tidewater Tech</option>' in html
    assert f'<option value="{entry.coop.pk}">' not in html


def test_it_records_an_outcome_and_refuses_a_negative_value(client, entry, member):
    chosen_by_client(entry, member)
    client.force_login(member)

    refused = client.post(url(entry, "outcome"), {"outcome": "won", "value": "-5"})
    assert refused.status_code == 400
    assert "greater than or equal to 0" in refused.content.decode()

    client.post(url(entry, "outcome"), {"outcome": "won", "value": "1200.50"})
    entry.refresh_from_db()
    assert (entry.outcome, entry.outcome_value) == ("won", Decimal("1200.50"))


def test_it_turns_a_won_brief_into_a_case_study_on_the_profile(client, entry, member, coop):
    chosen_by_client(entry, member)
    client.force_login(member)
    assert "Make a case study" not in client.get(url(entry)).content.decode()
    client.post(url(entry, "outcome"), {"outcome": "won", "value": ""})
    assert "Make a case study" in client.get(url(entry)).content.decode()

    response = client.post(
        url(entry, "case_study"),
        {
            "title": "Food bank site",
            "summary": "A **new** site.",
            "year": "2026",
            "client_name": "Riverside Food Bank",
        },
    )

    assert response.status_code == 302
    case_study = CaseStudy.objects.get()
    assert list(case_study.coops.all()) == [coop]
    assert case_study.client_name == "Riverside Food Bank"
    assert "Food bank site" in client.get(coop.get_absolute_url()).content.decode()
    assert "Make a case study" not in client.get(url(entry)).content.decode()


def test_it_says_when_the_client_chose_another_co_op(
    client, coordinator, coop, other_coop, member, other_member
):
    brief, _raw = submit_brief()
    hedgerow, tidewater = services.brief_send(
        actor=coordinator, brief=brief, coops=[coop, other_coop]
    )
    answer(hedgerow, member)
    answer(tidewater, other_member)
    services.brief_choose(brief=brief, recipients=[tidewater])
    client.force_login(member)

    html = client.get(url(hedgerow)).content.decode()

    assert "The client chose another co-op for this one." in html
    assert url(hedgerow, "pass") not in html
    assert Brief.objects.get().status == Brief.Status.CHOSEN


def test_it_lists_in_the_same_number_of_queries_however_many_briefs(
    client, coordinator, coop, member
):
    client.force_login(member)
    sent_entry(coordinator, coop)
    with CaptureQueriesContext(connection) as one:
        client.get(INBOX)
    for _ in range(3):
        sent_entry(coordinator, coop)
    with CaptureQueriesContext(connection) as four:
        html = client.get(INBOX).content.decode()

    assert len(re.findall(r'href="/hire/inbox/\d+/"', html)) == 4
    assert len(four) == len(one)


def test_it_offers_the_outcome_only_once_the_client_chose_and_won_only_to_the_chosen(
    client, coordinator, coop, other_coop, member, other_member
):
    brief, _raw = submit_brief()
    hedgerow, tidewater = services.brief_send(
        actor=coordinator, brief=brief, coops=[coop, other_coop]
    )
    client.force_login(member)
    assert "Did you get the work?" not in client.get(url(hedgerow)).content.decode()

    chosen_by_client(hedgerow, member)
    client.force_login(other_member)
    html = client.get(url(tidewater)).content.decode()

    assert "Did you get the work?" in html
    assert "We did not get it" in html
    assert "We won the work" not in html


def _team_entries(coordinator, coop, other_coop):
    from coopnet.hire.tests.page_helpers import send_to_team, two_coop_team

    team = two_coop_team(coop, other_coop)
    return send_to_team(submit_brief()[0], coordinator, team)  # Hedgerow, Tidewater


def test_it_shows_a_team_member_its_team_and_where_each_co_op_stands(
    client, coordinator, coop, other_coop, member, other_member
):
    hedgerow, tidewater = _team_entries(coordinator, coop, other_coop)
    answer(hedgerow, member)
    client.force_login(other_member)

    html = client.get(url(tidewater)).content.decode()

    assert "Your team for this brief" in html
    assert "The team led by Hedgerow Digital" in html
    assert "1 of 2 co-ops interested so far." in html
    assert re.search(r"Hedgerow Digital \(lead\)</dt>\s*<dd>Web development\s*· interested", html)
    assert re.search(r"Tidewater Tech</dt>\s*<dd>Hosting\s*· not answered yet", html)


def test_it_shows_no_team_for_a_brief_sent_to_the_co_op_alone(client, entry, member):
    client.force_login(member)
    assert "Your team for this brief" not in client.get(url(entry)).content.decode()


def test_it_tells_coordinators_when_a_team_member_declines(
    coordinator, coop, other_coop, member, other_member
):
    from coopnet.notifications.models import Notification

    hedgerow, tidewater = _team_entries(coordinator, coop, other_coop)
    answer(hedgerow, member, interested=False, message="Too busy", decline_reason="busy")

    [note] = Notification.objects.filter(kind="brief_team_declined")
    assert note.user == coordinator
    assert "Hedgerow Digital declined" in note.subject
    assert "cannot choose the team led by Hedgerow Digital" in note.body


def test_it_does_not_trouble_coordinators_when_a_co_op_asked_alone_declines(
    coordinator, entry, member
):
    from coopnet.notifications.models import Notification

    answer(entry, member, interested=False, message="Too busy", decline_reason="busy")

    assert not Notification.objects.filter(kind="brief_team_declined").exists()


def test_the_navigation_leads_worker_owners_to_their_briefs_and_coordinators_to_all(
    client, coordinator, member
):
    client.force_login(member)
    assert f'<a href="{INBOX}">Briefs</a>' in client.get("/").content.decode()

    client.force_login(coordinator)
    html = client.get("/").content.decode()
    assert f'<a href="{reverse("hire:brief_list")}">Briefs</a>' in html


def test_a_team_member_passing_the_brief_on_breaks_the_team_and_says_so(
    client, coordinator, coop, other_coop, member, other_member
):
    from conftest import coop_with_worker
    from coopnet.notifications.models import Notification

    third, _worker = coop_with_worker("third-coop")
    hedgerow, tidewater = _team_entries(coordinator, coop, other_coop)
    answer(hedgerow, member)
    services.brief_pass_on(actor=other_member, recipient=tidewater, to_coop=third)

    [note] = Notification.objects.filter(kind="brief_team_declined")
    assert note.user == coordinator
    assert "Tidewater Tech passed on a brief" in note.subject
    assert "passed this brief on to another co-op" in note.body
    client.force_login(member)
    html = client.get(url(hedgerow)).content.decode()
    assert "A member declined or passed the brief on" in html
    assert "once every co-op in it is interested" not in html
