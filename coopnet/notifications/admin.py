"""What the network sent, for coordinators to look into (read only: it is a record)."""

from django.contrib import admin

from coopnet.notifications.models import AvailabilityReminder, Notification


def _is_coordinator(request) -> bool:
    return bool(getattr(request.user, "is_coordinator", False))


class ReadOnlyForCoordinators(admin.ModelAdmin):
    def has_module_permission(self, request) -> bool:
        return _is_coordinator(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_coordinator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyForCoordinators):
    list_display = ["created_at", "user", "kind", "subject", "delivery", "emailed_at", "read_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["subject", "user__username", "user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    fields = [
        "created_at",
        "user",
        "kind",
        "subject",
        "body",
        "url",
        "delivery",
        "emailed_at",
        "read_at",
    ]
    readonly_fields = fields


@admin.register(AvailabilityReminder)
class AvailabilityReminderAdmin(ReadOnlyForCoordinators):
    list_display = ["sent_at", "coop", "availability_updated_at"]
    search_fields = ["coop__name"]
    date_hierarchy = "sent_at"
    list_select_related = ["coop"]
    fields = ["sent_at", "coop", "availability_updated_at"]
    readonly_fields = fields
