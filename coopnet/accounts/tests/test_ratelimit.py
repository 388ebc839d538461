from django.test import RequestFactory

from coopnet.accounts.ratelimit import (
    client_ip,
    login_failure_record,
    login_failures_clear,
    login_is_locked,
    rate_limit_reached,
    rate_limit_record,
)


def request_from(remote_addr, forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_it_takes_the_address_from_remote_addr_without_proxies(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_it_takes_the_address_a_trusted_proxy_saw(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    # The client sent a made-up first entry; the proxy appended the real address.
    request = request_from("127.0.0.1", "6.6.6.6, 203.0.113.5")
    assert client_ip(request) == "203.0.113.5"


def test_it_counts_two_proxies_from_the_right(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.1")) == "203.0.113.5"


def test_it_falls_back_to_remote_addr_when_the_header_is_short(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request_from("10.0.0.2", "203.0.113.5")) == "10.0.0.2"


def test_it_locks_after_the_maximum_and_clears_only_the_account(db, settings, member):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    for _ in range(3):
        assert not login_is_locked(identifier="member", ip="203.0.113.5")
        login_failure_record(identifier="member", ip="203.0.113.5")
    assert login_is_locked(identifier="MEMBER@example.org", ip="198.51.100.1")
    assert login_is_locked(identifier="someone", ip="203.0.113.5")

    login_failures_clear(identifier="member")
    assert not login_is_locked(identifier="member", ip="198.51.100.1")
    assert login_is_locked(identifier="member", ip="203.0.113.5")


def test_it_counts_unknown_names_as_typed(db, settings):
    settings.LOGIN_MAX_FAILURES = 2
    login_failure_record(identifier="Ghost", ip="")
    login_failure_record(identifier="ghost ", ip="")
    assert login_is_locked(identifier="GHOST", ip="")
    assert not login_is_locked(identifier="other", ip="")


def test_it_allows_an_address_more_failures_than_an_account(db, settings):
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    for name in ["alice", "bob", "carol"]:
        login_failure_record(identifier=name, ip="203.0.113.5")
    assert not login_is_locked(identifier="dave", ip="203.0.113.5")
    login_failure_record(identifier="erin", ip="203.0.113.5")
    assert login_is_locked(identifier="dave", ip="203.0.113.5")


def test_it_counts_uses_in_a_window_per_scope_and_subject(db):
    limit = {"scope": "test", "limit": 2, "window_seconds": 3600}
    for _ in range(2):
        assert not rate_limit_reached(subject="Someone@example.org", **limit)
        rate_limit_record(subject="someone@example.org", **limit)
    assert rate_limit_reached(subject="SOMEONE@example.org", **limit)
    assert not rate_limit_reached(subject="other@example.org", **limit)
    assert not rate_limit_reached(subject="someone@example.org", **{**limit, "scope": "other"})
