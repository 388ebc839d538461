"""What the network tells people, and how each person wants to hear it.

A `Notification` is one message to one user: it is the entry in their notifications inbox and,
by their `NotificationSettings`, an email at once, a line in the daily digest, or no email.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopnet.accounts.models import hash_token, new_token


class Delivery(models.TextChoices):
    INSTANT = "instant", _("Email me at once")
    DIGEST = "digest", _("One email a day, with everything")
    NONE = "none", _("No email: I will look on the site")


class NotificationSettings(models.Model):
    """A user's choice of how optional mail reaches them (mail they must get ignores it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    delivery = models.CharField(
        _("email about briefs and referrals"),
        max_length=10,
        choices=Delivery,
        default=Delivery.INSTANT,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user}: {self.delivery}"


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def awaiting_digest(self) -> "NotificationQuerySet":
        return self.filter(delivery=Delivery.DIGEST, emailed_at__isnull=True)


class Notification(models.Model):
    """One message to one user, kept as their inbox entry whether or not it was emailed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    # How it was to be delivered when it was made (the user may change their choice later).
    delivery = models.CharField(max_length=10, choices=Delivery)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.subject

    @property
    def link(self) -> str:
        """The link as the inbox shows it: only a path on this site, never another scheme."""
        url = self.url.strip()
        return url if url.startswith("/") and not url.startswith("//") else ""


class FeedTokenQuerySet(models.QuerySet):
    def active(self) -> "FeedTokenQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class FeedToken(models.Model):
    """The secret in a private feed's address (feed readers cannot sign in). Revocable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = FeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"feed token of {self.user}"

    @staticmethod
    def new() -> tuple[str, str]:
        return new_token()

    @staticmethod
    def hash(raw: str) -> str:
        return hash_token(raw)


class AvailabilityReminder(models.Model):
    """When a co-op was last asked whether its availability is still true.

    Kept here rather than on `Coop`: it is the reminder job's memory, not the co-op's data.
    """

    coop = models.ForeignKey(
        "directory.Coop", on_delete=models.CASCADE, related_name="availability_reminders"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    # The availability date the reminder was about (None: never stated or confirmed).
    availability_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["coop", "sent_at"], name="availability_reminder_sent")]

    def __str__(self) -> str:
        return f"{self.coop} reminded {self.sent_at:%Y-%m-%d}"
