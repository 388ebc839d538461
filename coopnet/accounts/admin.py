"""Coordinators' admin for people, memberships, invitations and API tokens.

Changes to people are audited ("account.admin_<verb>", never with the password hash). Changes to
memberships go through the same services as the team pages, so the admin keeps their rules (one
delegate per co-op, a co-op with members keeps a profile admin); only a new membership is created
here, audited. Invitations and tokens are made only by the services (so that the raw token is
mailed or shown once): here they are read, and revoked.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coopnet.accounts import services
from coopnet.accounts.models import ApiToken, Invitation, Membership, User
from coopnet.audit.admin import AuditedAdminMixin
from coopnet.audit.services import audit_record

ADMIN_NOTE = "Changed in the admin."
ROLES = ("is_delegate", "is_profile_admin")


def membership_create_audited(actor: User, membership: Membership) -> None:
    """Save a new membership made in the admin, with a "membership.create" audit row."""
    membership.save()
    audit_record(
        actor=actor,
        action="membership.create",
        target=membership,
        changes={
            "user": (None, membership.user.get_username()),
            "coop": (None, membership.coop.slug),
            **{role: (None, getattr(membership, role)) for role in ROLES},
        },
        note=ADMIN_NOTE,
    )


def _refusal(request, membership: Membership, error: Exception) -> None:
    reasons = getattr(error, "messages", None) or [str(error)]
    messages.error(
        request,
        gettext("%(membership)s was not changed: %(reason)s")
        % {"membership": membership, "reason": " ".join(reasons)},
    )


def _set_roles(request, membership: Membership, roles: dict[str, bool]) -> bool:
    try:
        services.membership_set_roles(actor=request.user, membership=membership, **roles)
    except (PermissionDenied, ValidationError) as error:
        _refusal(request, membership, error)
        return False
    return True


def _remove(request, membership: Membership) -> bool:
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except (PermissionDenied, ValidationError) as error:
        _refusal(request, membership, error)
        return False
    return True


def membership_formset_save(request, formset) -> None:
    """Save an inline of memberships (on a person's or a co-op's page) through the services.

    New memberships are created here, then given the delegate role through the service, which
    moves it from the co-op's previous delegate. Role changes go through `membership_set_roles`,
    every role given before any is taken away, so that moving a role between two people in one
    save works; removals go through `membership_remove`, last. A refused change is not saved:
    it is shown as an error message, and left out of the admin's history message.
    """
    formset.save(commit=False)
    wanted_roles: list[tuple[Membership, dict[str, bool]]] = []
    for membership in formset.new_objects:
        wants_delegate = membership.is_delegate
        # Created without the role: the service moves it from the previous delegate.
        membership.is_delegate = False
        membership_create_audited(request.user, membership)
        if wants_delegate:
            wanted_roles.append((membership, {"is_delegate": True}))

    refused: set[int] = set()
    for membership, changed in formset.changed_objects:
        if {"user", "coop"} & set(changed):
            # As on the membership's own page: someone moves by being removed and added again.
            _refusal(
                request,
                membership,
                ValidationError(gettext("remove the membership and add a new one instead.")),
            )
            refused.add(membership.pk)
            continue
        wanted_roles.append(
            (membership, {role: getattr(membership, role) for role in ROLES if role in changed})
        )
    for granting in (True, False):
        for membership, roles in wanted_roles:
            step = {role: value for role, value in roles.items() if value is granting}
            if step and membership.pk not in refused and not _set_roles(request, membership, step):
                refused.add(membership.pk)
    removed = [membership for membership in formset.deleted_objects if _remove(request, membership)]

    # What the admin's own history message lists.
    formset.changed_objects = [
        (membership, changed)
        for membership, changed in formset.changed_objects
        if membership.pk not in refused
    ]
    formset.deleted_objects = removed
    formset.save_m2m()


def _memberships_removed_with(actor: User, user: User) -> None:
    """Audit the memberships that deleting `user` takes with it, as "membership.remove"."""
    for membership in user.memberships.select_related("coop"):
        audit_record(
            actor=actor,
            action="membership.remove",
            target=membership,
            changes={
                "user": (user.get_username(), None),
                "coop": (membership.coop.slug, None),
                **{role: (getattr(membership, role), None) for role in ROLES},
            },
            note="The account was deleted in the admin.",
        )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["coop"]
    fields = ["coop", "is_delegate", "is_profile_admin", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    """Django's people admin, audited. Its permissions stay Django's: only superusers, or staff
    given them, change people, since the page can make someone a coordinator or a superuser."""

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

    def audit_action(self, verb: str) -> str:
        return f"account.admin_{verb}"

    def audited_fields(self, form) -> list[str]:
        # The hash never goes into the log, even as a before-and-after pair.
        return [name for name in super().audited_fields(form) if name != "password"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        membership_formset_save(request, formset)

    def delete_model(self, request, obj) -> None:
        with transaction.atomic():
            _memberships_removed_with(request.user, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for user in queryset:
                _memberships_removed_with(request.user, user)
            super().delete_queryset(request, queryset)


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
        # Through the services, as on the team pages; a refused change is shown, not saved.
        if not change:
            wants_delegate = obj.is_delegate
            obj.is_delegate = False
            membership_create_audited(request.user, obj)
            if wants_delegate:
                _set_roles(request, obj, {"is_delegate": True})
            return
        roles = {role: getattr(obj, role) for role in ROLES if role in form.changed_data}
        for granting in (True, False):
            step = {role: value for role, value in roles.items() if value is granting}
            if step and not _set_roles(request, obj, step):
                return

    def delete_model(self, request, obj):
        _remove(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "coop"):
            _remove(request, membership)


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
