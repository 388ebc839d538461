"""Who is calling: personal API tokens sent as `Authorization: Bearer <token>`.

Reads are public; writes need a token. The API acts with exactly the token owner's
permissions (the same `can_edit_coop` and services as the web pages). The session cookie is
ignored on purpose: with tokens only, no API request can be forged from another site, so the
API needs no CSRF token.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from coopnet.accounts.services import api_token_authenticate


class InvalidToken(AuthenticationError):
    code = "invalid_token"


class TokenAuth(HttpBearer):
    """A valid bearer token gives its owner; no header gives None (ninja answers 401).

    A header that is present but wrong is an error on every endpoint, public reads included:
    a client with a revoked token should learn so at once rather than read as anonymous.
    """

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header)
        if not header:
            return None
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise InvalidToken(
                message=_("Send the token as the header 'Authorization: Bearer <token>'.")
            )
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None:
            raise InvalidToken(
                message=_("This token is not valid: it is wrong, revoked, or its owner left.")
            )
        return user


def anonymous(request: HttpRequest) -> AnonymousUser:
    """The last resort of public endpoints: no token means a visitor, never an error."""
    return AnonymousUser()


token_auth = TokenAuth()
# Public reads: a token when one is sent (it may show more, such as one's own applicant
# co-op), else a visitor.
optional_token_auth = [token_auth, anonymous]
# For the OpenAPI schema of those endpoints: ninja lists the token; this adds "or none" (`{}`)
# to that list.
OPTIONAL_TOKEN_OPENAPI = {"security": [{}]}


class WriteThrottle(SimpleRateThrottle):
    """Writes per token owner: a runaway script must not flood the audit log.

    Keyed by user id (ninja's AuthRateThrottle keys by `str(user)`, a display name two people
    may share).
    """

    scope = "api_write"

    def __init__(self, rate: str = "60/min") -> None:
        super().__init__(rate)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "auth", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}
