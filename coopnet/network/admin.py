"""Network-wide settings that coordinators change at run time, and the scheduler's record."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from coopnet.audit.admin import AuditedModelAdmin, ReadOnlyCoordinatorAdmin
from coopnet.network.models import NetworkSettings, PeriodicJobRun


@admin.register(NetworkSettings)
class NetworkSettingsAdmin(AuditedModelAdmin):
    """One row: the list goes straight to it; it is never added twice nor deleted."""

    readonly_fields = ["updated_at"]

    def audit_action(self, verb: str) -> str:
        return f"network.settings_{verb}"

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not NetworkSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        row = NetworkSettings.load()
        return redirect(reverse("admin:network_networksettings_change", args=[row.pk]))


@admin.register(PeriodicJobRun)
class PeriodicJobRunAdmin(ReadOnlyCoordinatorAdmin):
    """Written by the scheduler; shown so that coordinators can see when jobs last ran."""

    list_display = ["name", "last_enqueued_at"]
    readonly_fields = ["name", "last_enqueued_at"]
