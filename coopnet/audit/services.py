from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from coopnet.audit.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    changes: dict[str, tuple[Any, Any]] | None = None,
    note: str = "",
) -> AuditEvent:
    """Write one append-only audit row. `changes` maps a field to its (old, new) values."""
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    if actor_user is not None:
        actor_label = actor_user.get_username()
    elif isinstance(actor, str):
        actor_label = actor
    else:
        actor_label = ""
    return AuditEvent.objects.create(
        actor=actor_user,
        actor_label=actor_label,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        changes={
            field: [_jsonable(old), _jsonable(new)] for field, (old, new) in (changes or {}).items()
        },
        note=note,
    )


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose value differs, as (old, new) pairs ready for `audit_record`."""
    return {
        field: (before.get(field), value)
        for field, value in after.items()
        if _jsonable(before.get(field)) != _jsonable(value)
    }
