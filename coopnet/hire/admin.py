"""Briefs and declared conflicts in the coordinators' admin.

Read only: every change to a brief has rules, side effects (mail, notifications) and an audit
row, so it goes through `coopnet.hire.services`, here as actions (close, delete the client's
details, stop the private link) and on the coordinators' brief pages. The private link's hash
is never shown.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coopnet.audit.admin import ReadOnlyCoordinatorAdmin, ReadOnlyCoordinatorInline
from coopnet.hire import services
from coopnet.hire.models import Brief, BriefRecipient, Consortium, ConsortiumMember, CoopConflict


class BriefRecipientInline(ReadOnlyCoordinatorInline):
    model = BriefRecipient
    fk_name = "brief"
    fields = [
        "coop",
        "match_score",
        "sent_at",
        "sent_by",
        "passed_from",
        "response",
        "response_message",
        "is_chosen",
        "outcome",
        "outcome_value",
        "case_study",
    ]
    readonly_fields = fields


def _report(request, done: int, refused: list[str], message: str) -> None:
    if done:
        messages.success(request, message % {"count": done})
    for reason in refused:
        messages.error(request, reason)


@admin.register(Brief)
class BriefAdmin(ReadOnlyCoordinatorAdmin):
    list_display = ["id", "created_at", "status", "organisation", "short_text", "recipient_count"]
    list_filter = ["status", "created_at"]
    search_fields = ["text", "organisation", "contact_name", "contact_email"]
    date_hierarchy = "created_at"
    inlines = [BriefRecipientInline]
    exclude = ["access_token_hash"]
    actions = ["close_briefs", "delete_contact_details", "revoke_links"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(recipients_total=Count("recipients"))

    @admin.display(description=_("brief"))
    def short_text(self, obj: Brief) -> str:
        return obj.text[:80]

    @admin.display(description=_("co-ops asked"), ordering="recipients_total")
    def recipient_count(self, obj: Brief) -> int:
        return obj.recipients_total

    def _each(self, request, queryset, call) -> tuple[int, list[str]]:
        done, refused = 0, []
        for brief in queryset:
            try:
                call(brief)
            except (PermissionDenied, ValidationError) as error:
                reasons = getattr(error, "messages", None) or [str(error)]
                refused.append(f"{brief}: {' '.join(reasons)}")
            else:
                done += 1
        return done, refused

    @admin.action(description=_("Close the selected open briefs (the clients are not mailed)"))
    def close_briefs(self, request, queryset):
        done, refused = self._each(
            request,
            queryset,
            lambda brief: services.brief_close(
                actor=request.user, brief=brief, reason="Closed in the admin.", tell_client=False
            ),
        )
        _report(request, done, refused, gettext("%(count)d briefs closed."))

    @admin.action(description=_("Delete the clients' contact details"))
    def delete_contact_details(self, request, queryset):
        done, refused = self._each(
            request,
            queryset,
            lambda brief: services.brief_contact_delete(brief=brief, actor=request.user),
        )
        _report(request, done, refused, gettext("Contact details of %(count)d briefs deleted."))

    @admin.action(description=_("Stop the clients' private links"))
    def revoke_links(self, request, queryset):
        done, refused = self._each(
            request,
            queryset,
            lambda brief: services.brief_access_revoke(actor=request.user, brief=brief),
        )
        _report(request, done, refused, gettext("Links of %(count)d briefs stopped."))


class ConsortiumMemberInline(ReadOnlyCoordinatorInline):
    model = ConsortiumMember
    fields = ["coop", "brings"]
    readonly_fields = fields


@admin.register(Consortium)
class ConsortiumAdmin(ReadOnlyCoordinatorAdmin):
    list_display = ["id", "brief", "lead", "created_at"]
    inlines = [ConsortiumMemberInline]


@admin.register(CoopConflict)
class CoopConflictAdmin(ReadOnlyCoordinatorAdmin):
    """Declared by the co-ops themselves; a coordinator may remove one (through the service)."""

    list_display = ["coop", "other_coop", "declared_by_coop", "declared_by", "created_at", "note"]
    search_fields = ["coop__name", "other_coop__name", "note"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return bool(getattr(request.user, "is_coordinator", False))

    def delete_model(self, request, obj) -> None:
        services.coop_conflict_remove(actor=request.user, conflict=obj)

    def delete_queryset(self, request, queryset) -> None:
        for conflict in queryset:
            services.coop_conflict_remove(actor=request.user, conflict=conflict)
