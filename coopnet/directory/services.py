"""Writes to the directory. Views, the API, commands and imports all go through these."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from coopnet.audit.services import audit_record, diff_fields
from coopnet.directory.models import Coop

# Only coordinators change where a co-op stands in the network.
COORDINATOR_ONLY_FIELDS = frozenset(
    {"status", "joined_on", "joined_precision", "left_on", "left_precision"}
)
AVAILABILITY_FIELDS = frozenset({"availability", "booked_until", "spare_capacity_days"})
M2M_FIELDS = frozenset({"services", "technologies", "clients"})


def _current_value(coop: Coop, field: str) -> Any:
    if field in M2M_FIELDS:
        return sorted(getattr(coop, field).values_list("slug", flat=True))
    return getattr(coop, field)


def coop_update(*, actor, coop: Coop, data: dict[str, Any]) -> Coop:
    """Apply a profile edit by `actor`, or raise PermissionDenied / ValidationError.

    Promises: only the fields in `data` change; worker-owners edit their own co-op and never
    the coordinator-only fields; the model validates the result before anything is saved;
    one audit row records every changed field's old and new value; the fields the co-op edited
    itself are remembered so that a later import does not overwrite them.
    """
    if not (actor and getattr(actor, "is_authenticated", False) and actor.can_edit_coop(coop)):
        raise PermissionDenied("You can edit only your own co-op's profile.")
    if not actor.is_coordinator and COORDINATOR_ONLY_FIELDS & data.keys():
        raise PermissionDenied("Only a coordinator changes membership status and dates.")

    before = {field: _current_value(coop, field) for field in data}
    m2m_values = {f: data[f] for f in data if f in M2M_FIELDS}
    for field, value in data.items():
        if field not in M2M_FIELDS:
            setattr(coop, field, value)
    coop.full_clean(exclude=["services", "technologies", "clients"])

    with transaction.atomic():
        now = timezone.now()
        changed = diff_fields(before, {f: v for f, v in data.items() if f not in M2M_FIELDS})
        if changed:
            if changed.keys() & AVAILABILITY_FIELDS:
                coop.availability_updated_at = now
            if not actor.is_coordinator:
                coop.self_edited_fields = {
                    **coop.self_edited_fields,
                    **{field: now.isoformat() for field in changed},
                }
            coop.updated_at = now
            coop.save()
            if "logo" in changed:
                # The name the storage gave the file, not the one uploaded.
                changed["logo"] = (changed["logo"][0], coop.logo.name)
        for field, items in m2m_values.items():
            getattr(coop, field).set(items)
            after = _current_value(coop, field)
            if after != before[field]:
                changed[field] = (before[field], after)
                if not actor.is_coordinator:
                    coop.self_edited_fields = {**coop.self_edited_fields, field: now.isoformat()}
                Coop.objects.filter(pk=coop.pk).update(
                    updated_at=now, self_edited_fields=coop.self_edited_fields
                )
        if changed:
            audit_record(actor=actor, action="coop.update", target=coop, changes=changed)
    return coop


def coop_confirm_availability(*, actor, coop: Coop) -> Coop:
    """The co-op says its availability is still true: the date moves, the values do not."""
    if not (actor and actor.is_authenticated and actor.can_edit_coop(coop)):
        raise PermissionDenied("You can confirm only your own co-op's availability.")
    coop.availability_updated_at = timezone.now()
    coop.save(update_fields=["availability_updated_at"])
    audit_record(actor=actor, action="coop.availability_confirmed", target=coop)
    return coop


__all__ = ["coop_update", "coop_confirm_availability", "ValidationError"]
