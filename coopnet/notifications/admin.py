"""What the network sent, for coordinators to look into (read only: it is a record)."""

from django.contrib import admin

from coopnet.audit.admin import ReadOnlyCoordinatorAdmin
from coopnet.notifications.models import AvailabilityReminder, Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyCoordinatorAdmin):
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
class AvailabilityReminderAdmin(ReadOnlyCoordinatorAdmin):
    list_display = ["sent_at", "coop", "availability_updated_at"]
    search_fields = ["coop__name"]
    date_hierarchy = "sent_at"
    list_select_related = ["coop"]
    fields = ["sent_at", "coop", "availability_updated_at"]
    readonly_fields = fields
