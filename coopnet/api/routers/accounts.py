"""The caller's own account."""

from django.http import HttpRequest
from ninja import Router

from coopnet.api.auth import token_auth
from coopnet.api.schemas import MeOut, membership_roles

router = Router(tags=["accounts"], auth=token_auth)


@router.get("/me", response=MeOut, url_name="me")
def me(request: HttpRequest):
    """The token's owner, the co-ops they belong to and their roles there."""
    user = request.auth
    memberships = user.memberships.select_related("coop").order_by("coop__name")
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "is_coordinator": user.is_coordinator,
        "memberships": [
            {
                "coop": {"slug": m.coop.slug, "name": m.coop.name},
                "roles": membership_roles(m),
            }
            for m in memberships
        ],
    }
