import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(raw: str) -> str:
    """Tokens are stored only as a SHA-256 digest: a database leak gives no usable token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


class User(AbstractUser):
    """A person. Network-wide coordinators are Django staff (`is_staff`)."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.is_staff

    def can_edit_coop(self, coop) -> bool:
        """Coordinators edit any co-op; worker-owners edit their own."""
        if not self.is_active:
            return False
        return self.is_coordinator or self.memberships.filter(coop=coop).exists()


class Membership(models.Model):
    """A worker-owner of a co-op, with their roles there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    coop = models.ForeignKey("directory.Coop", on_delete=models.CASCADE, related_name="memberships")
    is_delegate = models.BooleanField(
        _("delegate"), default=False, help_text=_("Casts the co-op's vote: one co-op, one vote.")
    )
    is_profile_admin = models.BooleanField(
        _("profile admin"), default=False, help_text=_("Manages who belongs to the co-op here.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "coop"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["coop"], condition=Q(is_delegate=True), name="one_delegate_per_coop"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.coop}"

    @property
    def role_labels(self) -> list[str]:
        labels = [str(_("worker-owner"))]
        if self.is_delegate:
            labels.append(str(_("delegate")))
        if self.is_profile_admin:
            labels.append(str(_("profile admin")))
        return labels


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True).filter(
            expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An email invitation to join a co-op on the platform as a worker-owner."""

    email = models.EmailField(_("email"))
    coop = models.ForeignKey("directory.Coop", on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    is_profile_admin = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.coop}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal API token. The API acts with exactly its owner's permissions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text=_("The first characters, to recognise it."))
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
