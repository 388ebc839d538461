"""The audit log in the admin (read only), and the base classes every app's admin builds on.

Coordinators are Django staff. `CoordinatorModelAdmin` lets them manage a model without
per-model permissions being handed out; `AuditedModelAdmin` also writes one audit row for every
object created, changed or deleted through the admin, with the old and new values;
`ReadOnlyCoordinatorAdmin` and `ReadOnlyCoordinatorInline` let them look without changing.
"""

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models.fields.files import FieldFile

from coopnet.audit.models import AuditEvent
from coopnet.audit.services import audit_record, diff_fields


def _is_coordinator(request) -> bool:
    return bool(getattr(request.user, "is_coordinator", False))


class CoordinatorModelAdmin(admin.ModelAdmin):
    """Coordinators (active staff) may do everything a superuser may on this model."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request) -> bool:
        return _is_coordinator(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_coordinator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return _is_coordinator(request) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_coordinator(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_coordinator(request) or super().has_delete_permission(request, obj)


class ReadOnlyCoordinatorAdmin(CoordinatorModelAdmin):
    """Coordinators look but change nothing here: a record, or a model whose changes have rules
    and side effects and so go through the app's services (as admin actions, say)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyCoordinatorInline(admin.TabularInline):
    """Related rows shown on a coordinator's admin page, read only (`can_delete` off: no
    delete box). Subclasses set `model` and list their `fields` in `readonly_fields` too."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_coordinator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _value(obj: models.Model | None, name: str) -> Any:
    """A field's value as the audit log keeps it: related terms by slug, files by name."""
    field = obj._meta.get_field(name) if obj is not None else None
    if obj is None or field is None:
        return None
    if field.many_to_many:
        if obj.pk is None:
            return []
        return sorted(getattr(item, "slug", None) or str(item) for item in getattr(obj, name).all())
    value = getattr(obj, name)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def _model_field_names(obj: models.Model, names) -> list[str]:
    concrete = {f.name for f in obj._meta.get_fields() if f.concrete or f.many_to_many}
    return [name for name in names if name in concrete]


class AuditedAdminMixin:
    """Every add, change and delete made here writes an audit row `<model>.admin_<verb>`.

    Only the auditing: for a model whose permissions stay Django's (people, where handing every
    coordinator the superuser switch would be an escalation). Put it before the ModelAdmin class.
    """

    model: type[models.Model]

    def audit_action(self, verb: str) -> str:
        return f"{self.model._meta.model_name}.admin_{verb}"

    def audited_fields(self, form) -> list[str]:
        """The model fields whose change this save records."""
        return _model_field_names(form.instance, form.changed_data)

    def save_model(self, request, obj, form, change) -> None:
        names = self.audited_fields(form)
        saved = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        # The values as stored, read before saving; save_related compares them with the result
        # once the many-to-many fields are saved too.
        form._audit_before = {
            name: _value(saved, name)
            if saved is not None
            else ([] if obj._meta.get_field(name).many_to_many else None)
            for name in names
        }
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        before = getattr(form, "_audit_before", {})
        obj = form.instance
        changes = diff_fields(before, {name: _value(obj, name) for name in before})
        if changes or not change:
            audit_record(
                actor=request.user,
                action=self.audit_action("update" if change else "create"),
                target=obj,
                changes=changes,
            )

    def delete_model(self, request, obj) -> None:
        audit_record(actor=request.user, action=self.audit_action("delete"), target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            audit_record(actor=request.user, action=self.audit_action("delete"), target=obj)
        super().delete_queryset(request, queryset)


class AuditedModelAdmin(AuditedAdminMixin, CoordinatorModelAdmin):
    """Coordinators manage this model, and every add, change and delete is audited."""


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyCoordinatorAdmin):
    """Read only for everyone, superusers included: the log is append-only."""

    list_display = ["created_at", "actor_label", "action", "target_type", "target_label"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "action", "target_label", "target_id", "note"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "actor",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "changes",
        "note",
    ]
    fields = readonly_fields
