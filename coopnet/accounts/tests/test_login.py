from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache.backends import db as db_cache
from django.urls import reverse
from django.utils import timezone

LOGIN = reverse("accounts:login")
PASSWORD = "correct horse 42"


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail_times(client, username, times, ip="10.0.0.1"):
    for _ in range(times):
        response = attempt(client, username, "wrong password", ip=ip)
        assert response.status_code == 200


def signed_in_as(client):
    return client.get(reverse("accounts:dashboard")).context.get("user")


def test_it_shows_the_sign_in_page(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b'for="id_username"' in response.content
    assert b"csrfmiddlewaretoken" in response.content


def test_it_signs_in_with_the_username(client, member):
    response = attempt(client, "member", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    assert signed_in_as(client) == member


def test_it_signs_in_with_the_email_address(client, member):
    response = attempt(client, "MEMBER@example.org", PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == member


def test_it_follows_a_safe_next_address(client, member):
    response = client.post(
        LOGIN, {"username": "member", "password": PASSWORD, "next": "/accounts/data/"}
    )
    assert response["Location"] == "/accounts/data/"


def test_it_refuses_a_wrong_password_and_keeps_the_username(client, member):
    response = attempt(client, "member", "wrong password")
    assert response.status_code == 200
    assert b"do not match an account" in response.content
    assert b'value="member"' in response.content


def test_it_locks_an_account_out_after_the_maximum_failures(client, member):
    assert settings.LOGIN_MAX_FAILURES == 5
    fail_times(client, "member", 5)
    response = attempt(client, "member", PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_it_locks_the_account_whatever_the_address(client, member):
    for number in range(5):
        attempt(client, "member", "wrong password", ip=f"10.0.1.{number}")
    response = attempt(client, "member", PASSWORD, ip="10.0.2.1")
    assert response.status_code == 429


def test_it_counts_email_and_username_against_the_same_account(client, member):
    fail_times(client, "member", 3)
    for number in range(2):
        attempt(client, "member@example.org", "wrong password", ip=f"10.0.3.{number}")
    assert attempt(client, "member", PASSWORD, ip="10.0.4.1").status_code == 429


def test_it_does_not_lock_before_the_maximum(client, member):
    fail_times(client, "member", 4)
    assert attempt(client, "member", PASSWORD).status_code == 302


def test_it_locks_an_address_out_after_the_maximum_failures(client, member, outsider):
    assert settings.LOGIN_MAX_FAILURES_PER_ADDRESS == 20
    for number in range(20):
        attempt(client, f"person{number}", "wrong password", ip="10.9.9.9")
    assert attempt(client, "outsider", PASSWORD, ip="10.9.9.9").status_code == 429
    # Another address is not locked, and neither are the accounts tried.
    assert attempt(client, "member", PASSWORD, ip="10.8.8.8").status_code == 302


def test_it_does_not_lock_a_shared_office_address_for_a_few_peoples_typos(client, outsider):
    for name in ["alice", "bob", "carol", "dave", "erin", "frank"]:
        attempt(client, name, "wrong password", ip="10.9.9.9")
    assert attempt(client, "outsider", PASSWORD, ip="10.9.9.9").status_code == 302


def test_it_forgets_an_accounts_failures_after_a_successful_sign_in(client, member):
    fail_times(client, "member", 4, ip="10.0.5.1")
    assert attempt(client, "member", PASSWORD, ip="10.0.5.2").status_code == 302
    client.logout()
    fail_times(client, "member", 4, ip="10.0.5.3")
    assert attempt(client, "member", PASSWORD, ip="10.0.5.4").status_code == 302


def test_it_lets_people_in_again_once_the_window_has_passed(client, member, monkeypatch):
    fail_times(client, "member", 5)
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    real_now = timezone.now

    monkeypatch.setattr(db_cache, "tz_now", lambda: real_now() + timedelta(minutes=minutes - 1))
    assert attempt(client, "member", PASSWORD).status_code == 429
    monkeypatch.setattr(db_cache, "tz_now", lambda: real_now() + timedelta(minutes=minutes + 1))
    assert attempt(client, "member", PASSWORD).status_code == 302


def test_it_does_not_count_refused_attempts(client, member, monkeypatch):
    fail_times(client, "member", 5)
    for _ in range(3):
        attempt(client, "member", "wrong password")
    real_now = timezone.now
    later = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    monkeypatch.setattr(db_cache, "tz_now", lambda: real_now() + later)
    assert attempt(client, "member", PASSWORD).status_code == 302


@pytest.mark.parametrize("name", ["member", "coordinator"])
def test_it_redirects_people_already_signed_in(client, member, coordinator, name):
    client.force_login({"member": member, "coordinator": coordinator}[name])
    assert client.get(LOGIN).status_code == 302


def test_it_signs_out_by_post_only(client, member):
    client.force_login(member)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
