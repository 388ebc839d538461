"""Counting failed sign-ins, and mail that people trigger, in the shared cache.

After `settings.LOGIN_MAX_FAILURES` failures for one account, or
`settings.LOGIN_MAX_FAILURES_PER_ADDRESS` from one address (higher: an office or a café shares
one address, and five typos by five people must not lock everyone there out), each within
`settings.LOGIN_LOCKOUT_MINUTES` of the one before, every further attempt is refused, even with
the right password, until that many minutes have passed since the last failure. Refused attempts
are not counted, so a lockout always ends on time.

`rate_limit_reached` and `rate_limit_record` count other uses (invitations and password-reset
mails sent) in fixed windows.

The counters live in the cache (a database table by default) so that every web process sees the
same numbers; losing them only shortens a lockout.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest

from coopnet.accounts.models import User


def client_ip(request: HttpRequest | None) -> str:
    """The address the request came from.

    Without a reverse proxy that is REMOTE_ADDR. Behind N trusted proxies (the setting
    TRUSTED_PROXY_HOPS), each proxy appends the address it was reached from to X-Forwarded-For,
    so the client is the Nth entry from the right; entries further left are whatever the client
    chose to send, and are never read. Counting the proxy's own address instead would lock
    everyone out together.
    """
    if request is None:
        return ""
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    if hops:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _account_key(identifier: str) -> str:
    # Sign-in accepts a username or an email address: both must count against the same account,
    # and names that match no account are counted as typed.
    identifier = identifier.strip().lower()
    user_pk = (
        User.objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))
        .values_list("pk", flat=True)
        .first()
    )
    subject = f"user:{user_pk}" if user_pk is not None else f"name:{identifier}"
    return "login-failures:" + hashlib.sha256(subject.encode()).hexdigest()


def _ip_key(ip: str) -> str | None:
    return f"login-failures:ip:{hashlib.sha256(ip.encode()).hexdigest()}" if ip else None


def _keys(*, identifier: str, ip: str) -> list[str]:
    return [key for key in (_account_key(identifier), _ip_key(ip)) if key]


def login_is_locked(*, identifier: str, ip: str) -> bool:
    """True when the account or the address has used up its failed attempts."""
    account_key, ip_key = _account_key(identifier), _ip_key(ip)
    counts = cache.get_many([key for key in (account_key, ip_key) if key])
    return counts.get(account_key, 0) >= settings.LOGIN_MAX_FAILURES or (
        ip_key is not None and counts.get(ip_key, 0) >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS
    )


def login_failure_record(*, identifier: str, ip: str) -> None:
    """Count one failed attempt against the account and the address."""
    window = settings.LOGIN_LOCKOUT_MINUTES * 60
    for key in _keys(identifier=identifier, ip=ip):
        # add() starts a count only if none is running. The database cache's incr() rewrites the
        # entry with the default timeout, so touch() sets the window again, from this failure.
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # the entry expired between add() and incr()
            cache.add(key, 1, timeout=window)
        cache.touch(key, timeout=window)


def login_failures_clear(*, identifier: str) -> None:
    """A successful sign-in forgives the account's earlier failures (not the address's)."""
    cache.delete(_account_key(identifier))


def _window_key(*, scope: str, subject: str, window_seconds: int) -> str:
    # Fixed windows: the count starts again at each window's start, whatever was sent before.
    window = int(time.time() // window_seconds)
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()
    return f"ratelimit:{scope}:{digest}:{window}"


def rate_limit_reached(*, scope: str, subject: str, limit: int, window_seconds: int) -> bool:
    """True when `subject` (a user id, an address) has used `scope` `limit` times this window."""
    key = _window_key(scope=scope, subject=subject, window_seconds=window_seconds)
    return cache.get(key, 0) >= limit


def rate_limit_record(*, scope: str, subject: str, limit: int, window_seconds: int) -> None:
    """Count one use of `scope` by `subject` in the current window (`limit` is not needed here;
    it is accepted so that callers pass the same arguments to both functions)."""
    key = _window_key(scope=scope, subject=subject, window_seconds=window_seconds)
    cache.add(key, 0, timeout=window_seconds)
    try:
        cache.incr(key)
    except ValueError:  # the entry expired between add() and incr()
        cache.add(key, 1, timeout=window_seconds)
    # The database cache's incr() rewrites the entry with the default timeout.
    cache.touch(key, timeout=window_seconds)
