"""/hire/brief/<token>/ of a brief that is over: it says what happened, not what might have."""

import pytest
from django.urls import reverse

from coopnet.hire import services
from coopnet.hire.tests.page_helpers import send_to, submit_brief

NOT_SENT = "You withdrew this brief before it was sent to any co-op. Nobody will be asked."
TOLD = (
    "You withdrew this brief. The co-ops still considering it were told that it is no longer open."
)
WAITING = "None yet: a coordinator reads every brief and chooses the co-ops that fit it."


@pytest.fixture
def status_page(client):
    def status_page(raw: str) -> str:
        response = client.get(reverse("hire:brief_status", args=[raw]))
        assert response.status_code == 200
        return response.content.decode()

    return status_page


def test_it_says_a_brief_withdrawn_before_it_was_sent_never_reached_a_coop(db, status_page):
    brief, raw = submit_brief()
    services.brief_withdraw(brief=brief)

    page = status_page(raw)

    assert NOT_SENT in page
    assert "None: you withdrew it before it was sent to any co-op." in page
    assert "told" not in page
    assert WAITING not in page


def test_it_says_the_coops_were_told_when_it_had_been_sent(db, status_page, coordinator, coop):
    brief, raw = submit_brief()
    send_to(brief, coordinator, coop)
    services.brief_withdraw(brief=brief)

    page = status_page(raw)

    assert TOLD in page
    assert "Hedgerow Digital" in page
    assert NOT_SENT not in page
    assert "None:" not in page
    assert WAITING not in page


def test_it_says_a_brief_closed_before_it_was_sent_went_to_nobody(db, status_page, coordinator):
    brief, raw = submit_brief()
    services.brief_close(actor=coordinator, brief=brief, reason="spam", tell_client=False)

    page = status_page(raw)

    assert "This brief is closed." in page
    assert "None: it was closed before it was sent to any co-op." in page
    assert WAITING not in page


def test_it_words_the_offer_to_withdraw_by_whether_coops_have_it(
    db, status_page, coordinator, coop
):
    brief, raw = submit_brief()

    waiting = status_page(raw)
    assert WAITING in waiting
    assert "withdraw it and it will not be sent to any co-op." in waiting
    assert "the co-ops are told, and nobody else is asked" not in waiting

    send_to(brief, coordinator, coop)

    sent = status_page(raw)
    assert "withdraw it: the co-ops are told, and nobody else is asked." in sent
