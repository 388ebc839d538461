"""Who is who, for the apps that tell people things: one place for the two questions every
app asks (which people speak for these co-ops, and who coordinates the network)."""

from collections.abc import Iterable

from django.db.models import QuerySet

from coopnet.accounts.models import User


def worker_owners_of(coop_ids: Iterable[int]) -> QuerySet[User]:
    """The active worker-owners of the co-ops `coop_ids`, each once."""
    return User.objects.filter(is_active=True, memberships__coop_id__in=list(coop_ids)).distinct()


def coordinators() -> QuerySet[User]:
    """The active coordinators (`User.is_coordinator`)."""
    return User.objects.filter(is_active=True, is_staff=True)
