"""Writes to accounts: invitations, memberships and roles, API tokens, deleting an account.

Views, the API and commands call these; none of them re-implements a rule. Each raises
PermissionDenied when the actor may not do it and ValidationError when the change would break a
rule, and writes nothing in either case. Every change to who belongs to a co-op, or with which
roles, writes an audit row with the old and new values.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopnet.accounts import ratelimit
from coopnet.accounts.models import ApiToken, Invitation, Membership, User, hash_token, new_token
from coopnet.accounts.tasks import send_invitation_email
from coopnet.audit.models import AuditEvent
from coopnet.audit.services import audit_record, diff_fields
from coopnet.directory.models import Coop
from coopnet.network.models import NetworkSettings

# An API token's last use is written at most this often: a busy client must not turn every
# read into a write.
API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


# Permissions. They read memberships, so they live here rather than on the User model.


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_view_team(user: Any, coop: Coop) -> bool:
    """A co-op's worker-owners and the coordinators see its team and pending invitations: the
    people who may edit it (`User.can_edit_coop`)."""
    return _active(user) and user.can_edit_coop(coop)


def can_invite(user: Any, coop: Coop) -> bool:
    """Coordinators invite to any co-op (its first worker-owner); worker-owners to their own."""
    return can_view_team(user, coop)


def can_manage_team(user: Any, coop: Coop) -> bool:
    """The co-op's profile admins and the coordinators change roles, remove people, withdraw
    invitations and invite profile admins."""
    return _active(user) and (
        user.is_coordinator or user.memberships.filter(coop=coop, is_profile_admin=True).exists()
    )


# Invitations


def invitation_accept_url(raw_token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation_accept", args=[raw_token])


def invitation_get(raw_token: str) -> Invitation | None:
    """The invitation a link's token belongs to, whatever its state, or None."""
    if not raw_token:
        return None
    return (
        Invitation.objects.select_related("coop", "invited_by")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )


def invitation_unusable_reason(invitation: Invitation) -> str:
    """Why a link no longer works, in words for the person who followed it ("" if it works)."""
    if invitation.accepted_at is not None:
        return _("This invitation has already been accepted.")
    if invitation.revoked_at is not None:
        return _("This invitation was withdrawn.")
    if not invitation.is_usable:
        return _("This invitation has expired.")
    return ""


@transaction.atomic
def invitation_create(
    *, actor: User, coop: Coop, email: str, is_profile_admin: bool = False
) -> tuple[Invitation, str]:
    """Invite `email` to join `coop` as a worker-owner, and queue the mail with the accept link.

    Promises: coordinators invite to any co-op and worker-owners to their own only; only profile
    admins and coordinators invite a profile admin; someone who already belongs to the co-op is
    not invited. An earlier pending invitation of the same address to the same co-op is withdrawn.
    Only the token's hash is stored; the raw token is returned, once. The invitation expires after
    `NetworkSettings.invitation_days`. The mail is queued in the same transaction, so it goes out
    only if the invitation was saved. One person sends at most `settings.INVITATION_MAX_PER_HOUR`
    invitations an hour (each one mails someone who never asked). Audited as "membership.invite".
    """
    if not can_invite(actor, coop):
        raise PermissionDenied(_("You can invite people only to your own co-op."))
    if is_profile_admin and not can_manage_team(actor, coop):
        raise PermissionDenied(
            _("Only a profile admin or a coordinator can invite a profile admin.")
        )
    email = User.objects.normalize_email(email.strip())
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    if coop.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s already belongs to %(coop)s.") % {"email": email, "coop": coop}}
        )
    invitation_limit = {
        "scope": "invitation",
        "subject": str(actor.pk),
        "limit": settings.INVITATION_MAX_PER_HOUR,
        "window_seconds": 3600,
    }
    if ratelimit.rate_limit_reached(**invitation_limit):
        raise ValidationError(
            _(
                "You have sent %(count)d invitations in the last hour, as many as anyone may: "
                "try again in an hour."
            )
            % {"count": settings.INVITATION_MAX_PER_HOUR}
        )

    now = timezone.now()
    for earlier in (
        Invitation.objects.pending().select_for_update().filter(coop=coop, email__iexact=email)
    ):
        earlier.revoked_at = now
        earlier.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="membership.invite_revoke",
            target=earlier,
            changes={"revoked_at": (None, now)},
            note="Replaced by a new invitation to the same address.",
        )

    raw, token_hash = new_token()
    invitation = Invitation(
        email=email,
        coop=coop,
        invited_by=actor,
        is_profile_admin=is_profile_admin,
        token_hash=token_hash,
        expires_at=now + timedelta(days=NetworkSettings.load().invitation_days),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=actor,
        action="membership.invite",
        target=invitation,
        changes={
            "email": (None, email),
            "coop": (None, coop.slug),
            "is_profile_admin": (None, is_profile_admin),
            "expires_at": (None, invitation.expires_at),
        },
    )
    send_invitation_email.enqueue(
        invitation_id=invitation.pk, accept_url=invitation_accept_url(raw)
    )
    # Counted in the same transaction (the cache is a database table): refused or failed
    # invitations use up nothing.
    ratelimit.rate_limit_record(**invitation_limit)
    return invitation, raw


def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation so that its link stops working.

    Promises: only the co-op's profile admins and coordinators withdraw; an invitation already
    accepted or withdrawn is refused. Audited as "membership.invite_revoke".
    """
    if not can_manage_team(actor, invitation.coop):
        raise PermissionDenied(_("Only a profile admin or a coordinator can withdraw invitations."))
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None or locked.revoked_at is not None:
            raise ValidationError(_("This invitation was already accepted or withdrawn."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="membership.invite_revoke",
            target=locked,
            changes={"revoked_at": (None, locked.revoked_at)},
        )
    return locked


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """`user` accepts `invitation` and becomes a worker-owner of its co-op.

    Promises: the invitation is usable (not expired, withdrawn or used) and addressed to the
    user's email address; it is used at most once, even when two requests race. The co-op's first
    worker-owner becomes its profile admin and its delegate, so that a co-op with members always
    has someone to manage it and to cast its vote. Audited as "membership.create".
    """
    if not _active(user):
        raise PermissionDenied(_("Sign in to accept an invitation."))
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        reason = invitation_unusable_reason(locked)
        if reason:
            raise ValidationError(reason)
        if user.email.lower() != locked.email.lower():
            raise PermissionDenied(
                _("This invitation was sent to %(email)s, not to your address.")
                % {"email": locked.email}
            )
        # Locking the co-op serialises joins, so that two people accepting at once cannot both
        # become its "first" worker-owner.
        coop = Coop.objects.select_for_update().get(pk=locked.coop_id)
        if coop.memberships.filter(user=user).exists():
            raise ValidationError(_("You already belong to %(coop)s.") % {"coop": coop})
        is_first = not coop.memberships.exists()
        membership = Membership(
            user=user,
            coop=coop,
            is_profile_admin=locked.is_profile_admin or is_first,
            is_delegate=is_first,
        )
        membership.full_clean()
        membership.save()
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            actor=user,
            action="membership.create",
            target=membership,
            changes={
                "user": (None, user.get_username()),
                "is_delegate": (None, membership.is_delegate),
                "is_profile_admin": (None, membership.is_profile_admin),
            },
            note=f"Accepted invitation {locked.pk}.",
        )
    return membership


def invitation_accept_new_user(
    *, invitation: Invitation, username: str, display_name: str, password: str
) -> Membership:
    """Create an account with the invitation's email address, then accept the invitation.

    Promises: the username is valid, free (whatever its case) and not an email address (people
    sign in with either); the password passes the project's validators; the account and the
    membership are made together or not at all. Audited as "account.create" and
    "membership.create".
    """
    username = username.strip()
    errors: dict[str, list[str]] = {}
    if "@" in username:
        errors["username"] = [_("A username cannot contain “@”: people sign in with either.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("That username is taken.")]
    if User.objects.filter(email__iexact=invitation.email).exists():
        errors["email"] = [_("An account with this email address exists: sign in to accept.")]
    user = User(username=username, email=invitation.email, display_name=display_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        audit_record(
            actor=user,
            action="account.create",
            target=user,
            note=f"Signed up through invitation {invitation.pk}.",
        )
        return invitation_accept(invitation=invitation, user=user)


# Memberships and roles


def _roles(membership: Membership) -> dict[str, bool]:
    return {"is_delegate": membership.is_delegate, "is_profile_admin": membership.is_profile_admin}


def _locked_team(coop: Coop) -> dict[int, Membership]:
    memberships = (
        Membership.objects.select_for_update(of=("self",)).select_related("user").filter(coop=coop)
    )
    return {membership.pk: membership for membership in memberships}


def membership_set_roles(
    *,
    actor: User,
    membership: Membership,
    is_delegate: bool | None = None,
    is_profile_admin: bool | None = None,
) -> Membership:
    """Set a worker-owner's roles in their co-op (None leaves a role as it is).

    Promises: only the co-op's profile admins and coordinators change roles. A co-op has one
    delegate: naming a new one takes the role from the previous delegate in the same transaction,
    and the role cannot just be dropped (name another delegate instead). A co-op keeps at least
    one profile admin. One "membership.roles" audit row for each membership whose roles changed.
    """
    coop = membership.coop
    if not can_manage_team(actor, coop):
        raise PermissionDenied(_("Only a profile admin or a coordinator can change roles."))
    with transaction.atomic():
        team = _locked_team(coop)
        current = team.get(membership.pk)
        if current is None:
            raise ValidationError(_("This person no longer belongs to the co-op."))
        before = _roles(current)
        after = {
            "is_delegate": before["is_delegate"] if is_delegate is None else is_delegate,
            "is_profile_admin": (
                before["is_profile_admin"] if is_profile_admin is None else is_profile_admin
            ),
        }
        others = [m for m in team.values() if m.pk != current.pk]
        if before["is_delegate"] and not after["is_delegate"]:
            raise ValidationError(
                {
                    "is_delegate": _(
                        "A co-op needs its delegate to vote: make another worker-owner the "
                        "delegate instead, and the role moves to them."
                    )
                }
            )
        if (
            before["is_profile_admin"]
            and not after["is_profile_admin"]
            and not any(m.is_profile_admin for m in others)
        ):
            raise ValidationError(
                {
                    "is_profile_admin": _(
                        "%(user)s is the co-op's only profile admin: make someone else a profile "
                        "admin first."
                    )
                    % {"user": current.user}
                }
            )
        changes = diff_fields(before, after)
        if not changes:
            return current
        if after["is_delegate"] and not before["is_delegate"]:
            for previous in others:
                if previous.is_delegate:
                    # Saved first: the database allows one delegate per co-op at any moment.
                    previous.is_delegate = False
                    previous.save(update_fields=["is_delegate"])
                    audit_record(
                        actor=actor,
                        action="membership.roles",
                        target=previous,
                        changes={"is_delegate": (True, False)},
                        note=f"The delegate role moved to {current.user.get_username()}.",
                    )
        current.is_delegate = after["is_delegate"]
        current.is_profile_admin = after["is_profile_admin"]
        current.save(update_fields=["is_delegate", "is_profile_admin"])
        audit_record(actor=actor, action="membership.roles", target=current, changes=changes)
    return current


def membership_remove(*, actor: User, membership: Membership) -> None:
    """Remove a worker-owner from their co-op: by a profile admin or a coordinator, or by
    themselves when they leave.

    Promises: the last profile admin of a co-op that has other members stays (name another
    profile admin first). Removing the delegate leaves the co-op without one until a profile
    admin names another. Audited as "membership.remove" with the roles the person had.
    """
    coop = membership.coop
    leaving = _active(actor) and actor.pk == membership.user_id
    if not (leaving or can_manage_team(actor, coop)):
        raise PermissionDenied(_("Only a profile admin or a coordinator can remove people."))
    with transaction.atomic():
        team = _locked_team(coop)
        current = team.get(membership.pk)
        if current is None:
            raise ValidationError(_("This person no longer belongs to the co-op."))
        others = [m for m in team.values() if m.pk != current.pk]
        if current.is_profile_admin and others and not any(m.is_profile_admin for m in others):
            raise ValidationError(
                _(
                    "%(user)s is the only profile admin of %(coop)s, which has other "
                    "worker-owners: make one of them a profile admin first."
                )
                % {"user": current.user, "coop": coop}
            )
        audit_record(
            actor=actor,
            action="membership.remove",
            target=current,
            changes={
                "user": (current.user.get_username(), None),
                **{role: (value, None) for role, value in _roles(current).items()},
            },
        )
        current.delete()


# API tokens


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a personal API token for `user` and return it with its raw value.

    Promises: the raw value is returned here once and never stored: only its hash, and its first
    characters so that its owner can recognise it. Audited as "api_token.create".
    """
    if not _active(user):
        raise PermissionDenied(_("Sign in to create an API token."))
    raw, token_hash = new_token()
    token = ApiToken(user=user, name=name.strip(), token_hash=token_hash, prefix=raw[:8])
    token.full_clean()
    with transaction.atomic():
        token.save()
        audit_record(actor=user, action="api_token.create", target=token)
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token: it stops working at once.

    Promises: only its owner, or a coordinator (a token may leak), revokes it; revoking twice
    changes nothing. Audited as "api_token.revoke".
    """
    if not (_active(actor) and (actor.pk == token.user_id or actor.is_coordinator)):
        raise PermissionDenied(_("You can revoke only your own API tokens."))
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", target=token)
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user whose active token this is, or None.

    For `Authorization: Bearer <raw>`. Records when the token was last used, at most once a
    minute.
    """
    raw = (raw or "").strip()
    if not raw:
        return None
    token = (
        ApiToken.objects.active().select_related("user").filter(token_hash=hash_token(raw)).first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= API_TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user


# The account itself


def coops_needing_user_as_admin(user: User) -> list[Coop]:
    """The co-ops where `user` is the only profile admin and others belong too: leaving would
    leave them with no one to manage their team."""
    admin_of = Coop.objects.filter(memberships__user=user, memberships__is_profile_admin=True)
    return [
        coop
        for coop in admin_of.order_by("name")
        if not coop.memberships.filter(is_profile_admin=True).exclude(user=user).exists()
        and coop.memberships.exclude(user=user).exists()
    ]


def account_delete(*, user: User) -> None:
    """Delete `user`'s account; their memberships and API tokens go with it.

    Promises: refused while the user is the only profile admin of a co-op that has other
    worker-owners. An "account.delete" audit row is written first; audit rows keep the person's
    username as `actor_label` after the account is gone. Invitations they sent or accepted stay,
    without the link to the account.
    """
    if not _active(user):
        raise PermissionDenied(_("Sign in to delete your account."))
    with transaction.atomic():
        # Locks the teams concerned, so two profile admins leaving at once cannot both go.
        list(
            Membership.objects.select_for_update(of=("self",)).filter(
                coop__in=Coop.objects.filter(memberships__user=user)
            )
        )
        blocking = coops_needing_user_as_admin(user)
        if blocking:
            raise ValidationError(
                _(
                    "You are the only profile admin of %(coops)s, which has other worker-owners. "
                    "Make one of them a profile admin first, on the co-op's team page."
                )
                % {"coops": ", ".join(str(coop) for coop in blocking)}
            )
        audit_record(
            actor=user,
            action="account.delete",
            target=user,
            changes={
                "username": (user.get_username(), None),
                "memberships": (
                    sorted(user.memberships.values_list("coop__slug", flat=True)),
                    None,
                ),
            },
        )
        user.delete()


def account_export_data(*, user: User) -> dict[str, Any]:
    """Everything the accounts app keeps about `user`, for them to download.

    The download adds what the apps built on accounts keep (`views.data_download` puts the
    parts together). Never includes password or token hashes.
    """
    memberships = user.memberships.select_related("coop").order_by("coop__name")
    return {
        "account": {
            "username": user.username,
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_coordinator": user.is_staff,
            "is_active": user.is_active,
        },
        "memberships": [
            {
                "coop": m.coop.slug,
                "coop_name": m.coop.name,
                "is_delegate": m.is_delegate,
                "is_profile_admin": m.is_profile_admin,
                "since": m.created_at,
            }
            for m in memberships
        ],
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "created_at": token.created_at,
                "last_used_at": token.last_used_at,
                "revoked_at": token.revoked_at,
            }
            for token in user.api_tokens.order_by("created_at")
        ],
        "invitations_sent": [
            {
                "email": invitation.email,
                "coop": invitation.coop.slug,
                "is_profile_admin": invitation.is_profile_admin,
                "created_at": invitation.created_at,
                "expires_at": invitation.expires_at,
                "accepted_at": invitation.accepted_at,
                "revoked_at": invitation.revoked_at,
            }
            for invitation in Invitation.objects.filter(invited_by=user)
            .select_related("coop")
            .order_by("created_at")
        ],
        "invitations_accepted": [
            {
                "coop": invitation.coop.slug,
                "invited_by": str(invitation.invited_by) if invitation.invited_by else None,
                "accepted_at": invitation.accepted_at,
            }
            for invitation in Invitation.objects.filter(accepted_by=user)
            .select_related("coop", "invited_by")
            .order_by("accepted_at")
        ],
        "audit_events": [
            {
                "created_at": event.created_at,
                "action": event.action,
                "target_type": event.target_type,
                "target_id": event.target_id,
                "target": event.target_label,
                "changes": event.changes,
                "note": event.note,
            }
            for event in AuditEvent.objects.filter(actor=user).order_by("created_at", "id")
        ],
    }
