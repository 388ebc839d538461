"""Coordinators' admin for people, memberships, invitations and API tokens.

Changes to memberships made here are audited like those made on the team pages. Invitations and
tokens are made only by the services (so that the raw token is mailed or shown once): here they
are read, and revoked.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from coopnet.accounts import services
from coopnet.accounts.models import ApiToken, Invitation, Membership, User
from coopnet.audit.services import audit_record, diff_fields

ADMIN_NOTE = "Changed in the admin."


def _membership_state(membership: Membership) -> dict[str, Any]:
    return {
        "user": membership.user.get_username(),
        "coop": membership.coop.slug,
        "is_delegate": membership.is_delegate,
        "is_profile_admin": membership.is_profile_admin,
    }


def _saved_state(membership: Membership) -> dict[str, Any] | None:
    if membership.pk is None:
        return None
    saved = Membership.objects.select_related("user", "coop").filter(pk=membership.pk).first()
    return _membership_state(saved) if saved else None


def save_membership_audited(actor: User, membership: Membership) -> None:
    before = _saved_state(membership)
    membership.save()
    after = _membership_state(membership)
    if before is None:
        audit_record(
            actor=actor,
            action="membership.create",
            target=membership,
            changes={field: (None, value) for field, value in after.items()},
            note=ADMIN_NOTE,
        )
    elif changes := diff_fields(before, after):
        audit_record(
            actor=actor,
            action="membership.roles",
            target=membership,
            changes=changes,
            note=ADMIN_NOTE,
        )


def delete_membership_audited(actor: User, membership: Membership) -> None:
    audit_record(
        actor=actor,
        action="membership.remove",
        target=membership,
        changes={field: (value, None) for field, value in _membership_state(membership).items()},
        note=ADMIN_NOTE,
    )
    membership.delete()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["coop"]
    fields = ["coop", "is_delegate", "is_profile_admin", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "display_name", "is_staff", "is_active", "last_login"]
    search_fields = ["username", "email", "display_name", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "email", "first_name", "last_name")}),
        (
            _("Permissions"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": _("Coordinators are staff."),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "display_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    inlines = [MembershipInline]

    def get_inlines(self, request, obj):
        # The add page stays Django's short one; memberships come on the next page.
        return self.inlines if obj else []

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            delete_membership_audited(request.user, membership)
        for membership in memberships:
            save_membership_audited(request.user, membership)
        formset.save_m2m()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "coop", "is_delegate", "is_profile_admin", "created_at"]
    list_filter = ["is_delegate", "is_profile_admin"]
    search_fields = ["user__username", "user__email", "coop__name", "coop__slug"]
    raw_id_fields = ["user", "coop"]
    list_select_related = ["user", "coop"]

    def get_readonly_fields(self, request, obj=None):
        # Someone moves co-op by being removed from one and invited to the other.
        return ["user", "coop", "created_at"] if obj else ["created_at"]

    def save_model(self, request, obj, form, change):
        save_membership_audited(request.user, obj)

    def delete_model(self, request, obj):
        delete_membership_audited(request.user, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "coop"):
            delete_membership_audited(request.user, membership)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "coop",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["is_profile_admin"]
    search_fields = ["email", "coop__name", "coop__slug"]
    list_select_related = ["coop", "invited_by"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # invitations are sent from a co-op's team page, which mails the link

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Withdraw the selected invitations"))
    def revoke(self, request, queryset):
        withdrawn = 0
        for invitation in queryset.select_related("coop"):
            try:
                services.invitation_revoke(actor=request.user, invitation=invitation)
            except (PermissionDenied, ValidationError):
                continue
            withdrawn += 1
        self.message_user(
            request, _("%(count)d invitations withdrawn.") % {"count": withdrawn}, messages.SUCCESS
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "prefix", "user__username", "user__email"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "token_hash",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # a token's raw value is shown once to its owner, on their account page

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(actor=request.user, token=token)
            revoked += 1
        self.message_user(
            request, _("%(count)d tokens revoked.") % {"count": revoked}, messages.SUCCESS
        )
