"""Coordinators look into referrals here. Audited.

Where a referral stands (status, claimer, offers, value) changes only through the services,
which hold the claim guarantee and tell the co-ops: here it is read only. Coordinators may
correct the lead's text and the client's details (a typo, a client asking to be forgotten).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from coopnet.audit.admin import AuditedModelAdmin, ReadOnlyCoordinatorInline
from coopnet.referrals.models import Referral, ReferralOffer

STATE_FIELDS = [
    "from_coop",
    "created_by",
    "brief",
    "audience",
    "when_unanswered",
    "status",
    "claimed_by_coop",
    "claimed_by",
    "claimed_at",
    "closed_value",
    "closed_at",
    "close_note",
    "created_at",
    "updated_at",
]


class ReferralOfferInline(ReadOnlyCoordinatorInline):
    model = ReferralOffer
    fields = [
        "coop",
        "position",
        "suggested",
        "state",
        "offered_at",
        "respond_by",
        "answered_at",
        "answered_by",
        "decline_reason",
    ]
    readonly_fields = fields


@admin.register(Referral)
class ReferralAdmin(AuditedModelAdmin):
    list_display = ["title", "from_coop", "status", "claimed_by_coop", "audience", "created_at"]
    list_filter = ["status", "audience", "when_unanswered"]
    search_fields = ["title", "from_coop__name", "claimed_by_coop__name"]
    date_hierarchy = "created_at"
    list_select_related = ["from_coop", "claimed_by_coop"]
    fieldsets = [
        (None, {"fields": ["title", "description", "services", "estimated_value", "currency"]}),
        (
            _("Client"),
            {
                "fields": [
                    "client_name",
                    "client_organisation",
                    "client_email",
                    "client_phone",
                    "client_notes",
                ]
            },
        ),
        (_("Where it stands"), {"fields": ["deadline", *STATE_FIELDS]}),
    ]
    readonly_fields = ["deadline", *STATE_FIELDS]
    filter_horizontal = ["services"]
    inlines = [ReferralOfferInline]

    def has_add_permission(self, request) -> bool:
        # A referral starts on the site, where the offers are made and the co-ops told.
        return False
