import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from conftest import run_queued_tasks

RESET = reverse("accounts:password_reset")


def test_it_shows_the_reset_form(client, db):
    response = client.get(RESET)
    assert response.status_code == 200
    assert b'for="id_email"' in response.content


@pytest.mark.django_db(transaction=True)
def test_it_mails_a_working_reset_link(client, member):
    response = client.post(RESET, {"email": "Member@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []  # the worker sends it, not the request

    run_queued_tasks()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member@example.org"]
    assert "password" in message.subject.lower()
    link = re.search(r"(https?://\S+/accounts/password-reset/\S+/)", message.body).group(1)
    assert link.startswith(settings.SITE_URL + "/")

    response = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is True
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")

    member.refresh_from_db()
    assert member.check_password("a brand new passphrase")
    # The link works once.
    response = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert response.context["validlink"] is False


@pytest.mark.django_db(transaction=True)
def test_it_mails_nothing_to_an_unknown_address_and_says_the_same(client, member):
    response = client.post(RESET, {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    run_queued_tasks()
    assert mail.outbox == []


def test_it_builds_links_from_site_url_not_the_host_header(client, member, settings):
    from django_tasks_db.models import DBTaskResult

    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    client.post(RESET, {"email": "member@example.org"}, HTTP_HOST="evil.example")
    body = DBTaskResult.objects.get().args_kwargs["kwargs"]["body"]
    assert "evil.example" not in body
    assert settings.SITE_URL in body


def test_it_refuses_a_forged_link(client, member):
    url = reverse("accounts:password_reset_confirm", args=["MQ", "forged-token"])
    response = client.get(url, follow=True)
    assert response.context["validlink"] is False
    assert b"does not work any more" in response.content


@pytest.mark.django_db(transaction=True)
def test_it_keeps_no_copy_of_the_link_once_mailed(client, member):
    from django_tasks_db.models import DBTaskResult

    client.post(RESET, {"email": "member@example.org"})
    run_queued_tasks()
    assert "password-reset" in mail.outbox[0].body
    assert "password-reset" not in str(DBTaskResult.objects.get().args_kwargs)


def queued_reset_mails() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__endswith="send_password_reset_email").count()


def test_it_mails_one_address_at_most_the_hourly_limit(client, member, settings):
    assert settings.PASSWORD_RESET_MAX_PER_HOUR == 5
    for number in range(6):
        response = client.post(
            RESET, {"email": "member@example.org"}, REMOTE_ADDR=f"10.1.0.{number}"
        )
        # The same page every time: it tells no one whether mail went out.
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert queued_reset_mails() == 5


def test_it_acts_on_one_client_address_at_most_the_hourly_limit(client, member, settings):
    settings.PASSWORD_RESET_MAX_PER_HOUR = 3
    for number in range(3):
        client.post(RESET, {"email": f"nobody{number}@example.org"}, REMOTE_ADDR="10.2.0.1")
    response = client.post(RESET, {"email": "member@example.org"}, REMOTE_ADDR="10.2.0.1")
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert queued_reset_mails() == 0
    client.post(RESET, {"email": "member@example.org"}, REMOTE_ADDR="10.2.0.2")
    assert queued_reset_mails() == 1
