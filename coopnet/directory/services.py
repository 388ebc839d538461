"""Writes to the directory. Views, the API, commands and imports all go through these."""

from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from coopnet.audit.services import audit_record, diff_fields
from coopnet.directory.models import Coop
from coopnet.directory.validators import coop_edit_errors

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


def _delete_logo_if_unused(name: str) -> None:
    """Delete a logo file no co-op points at any more, so that it is no longer served."""
    if name and not Coop.objects.filter(logo=name).exists():
        Coop._meta.get_field("logo").storage.delete(name)


def coop_update(*, actor, coop: Coop, data: dict[str, Any]) -> Coop:
    """Apply a profile edit by `actor`, or raise PermissionDenied / ValidationError.

    Promises: only the fields in `data` change, on the row as it is stored now (locked while
    the edit is applied, so concurrent edits of other fields are kept, and `coop` is reloaded
    from it); worker-owners edit their own co-op and never the coordinator-only fields; the
    model's validation and the rules of `coop_edit_errors` pass before anything is saved;
    one audit row records every changed field's old and new value; the fields the co-op edited
    itself are remembered so that a later import does not overwrite them; a logo replaced or
    removed is deleted from storage once the edit is committed, unless another co-op uses it.
    """
    if not (actor and getattr(actor, "is_authenticated", False) and actor.can_edit_coop(coop)):
        raise PermissionDenied("You can edit only your own co-op's profile.")
    if not actor.is_coordinator and COORDINATOR_ONLY_FIELDS & data.keys():
        raise PermissionDenied("Only a coordinator changes membership status and dates.")

    scalar_data = {f: v for f, v in data.items() if f not in M2M_FIELDS}
    m2m_values = {f: v for f, v in data.items() if f in M2M_FIELDS}
    with transaction.atomic():
        # The row as it is now, locked until commit: another edit saved since `coop` was read
        # is neither overwritten nor recorded as ours, and `self_edited_fields` loses nothing.
        coop.refresh_from_db(from_queryset=Coop.objects.select_for_update())
        before = {field: _current_value(coop, field) for field in data}
        old_logo_name = coop.logo.name
        changed = diff_fields(before, scalar_data)
        for field, value in scalar_data.items():
            setattr(coop, field, value)
        coop.full_clean(exclude=list(M2M_FIELDS))
        errors = coop_edit_errors(coop, changed.keys())
        if errors:
            raise ValidationError(errors)

        now = timezone.now()
        if changed:
            update_fields = {*changed, "updated_at"}
            if changed.keys() & AVAILABILITY_FIELDS:
                coop.availability_updated_at = now
                update_fields.add("availability_updated_at")
            if not actor.is_coordinator:
                coop.self_edited_fields = {
                    **coop.self_edited_fields,
                    **{field: now.isoformat() for field in changed},
                }
                update_fields.add("self_edited_fields")
            coop.updated_at = now
            coop.save(update_fields=sorted(update_fields))
            if "logo" in changed:
                # The name the storage gave the file, not the one uploaded.
                changed["logo"] = (changed["logo"][0], coop.logo.name)
                if old_logo_name != coop.logo.name:
                    transaction.on_commit(partial(_delete_logo_if_unused, old_logo_name))
        m2m_changed = False
        for field, items in m2m_values.items():
            getattr(coop, field).set(items)
            after = _current_value(coop, field)
            if after != before[field]:
                changed[field] = (before[field], after)
                m2m_changed = True
                if not actor.is_coordinator:
                    coop.self_edited_fields = {**coop.self_edited_fields, field: now.isoformat()}
        if m2m_changed:
            coop.updated_at = now
            coop.save(update_fields=["updated_at", "self_edited_fields"])
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
