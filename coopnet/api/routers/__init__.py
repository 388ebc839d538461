"""One router per domain; `coopnet.api.urls` mounts them all at the API's root."""

from ninja import Router

from coopnet.api.routers import accounts, directory, hire, match, referrals

ROUTERS: list[tuple[str, Router]] = [
    ("", directory.router),
    ("", accounts.router),
    ("", match.router),
    ("", hire.router),
    ("", referrals.router),
]
