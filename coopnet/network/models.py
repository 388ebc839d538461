from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkSettings(models.Model):
    """Network-wide settings that coordinators change at run time (one row, edited in admin).

    Deployment settings (database, mail server, secrets) stay in environment variables.
    """

    name = models.CharField(_("network name"), max_length=120, default="Coopnet")
    tagline = models.CharField(
        _("tagline"),
        max_length=200,
        default=_("Worker-owned technology co-operatives, working together."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    availability_reminder_weeks = models.PositiveSmallIntegerField(
        _("remind co-ops to refresh their availability after (weeks)"), default=6
    )
    invitation_days = models.PositiveSmallIntegerField(
        _("invitations expire after (days)"), default=14
    )
    directory_page_size = models.PositiveSmallIntegerField(
        _("co-ops per directory page"), default=20
    )
    # Hiring the network (coopnet.hire)
    brief_link_days = models.PositiveSmallIntegerField(
        _("a client's private brief link expires after (days)"), default=90
    )
    brief_contact_retention_days = models.PositiveSmallIntegerField(
        _("delete a client's contact details this long after their brief closes (days)"),
        default=180,
    )
    briefs_route_automatically = models.BooleanField(
        _("send new briefs to the best-matching co-ops without a coordinator"), default=False
    )
    brief_auto_route_count = models.PositiveSmallIntegerField(
        _("co-ops a brief goes to when routed automatically"), default=3
    )
    brief_rate_per_hour = models.PositiveSmallIntegerField(
        _("briefs accepted from one address per hour"), default=5
    )
    # Referrals between co-ops (coopnet.referrals)
    referral_response_days = models.PositiveSmallIntegerField(
        _("days a co-op has to answer a referral sent to it in turn"), default=3
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("hour of the day (UTC) when daily digests are sent"),
        default=7,
        validators=[MaxValueValidator(23)],
        help_text=_("0 to 23."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("network settings")
        verbose_name_plural = _("network settings")

    def __str__(self) -> str:
        return str(_("Network settings"))

    @property
    def routes_briefs_automatically(self) -> bool:
        """New briefs go straight to co-ops: switched on, and to at least one co-op."""
        return self.briefs_route_automatically and self.brief_auto_route_count > 0

    @classmethod
    def load(cls) -> "NetworkSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    def save(self, *args, **kwargs):
        self.pk = 1  # a single row
        super().save(*args, **kwargs)


class PeriodicJobRun(models.Model):
    """When the scheduler last enqueued each periodic job (so restarts do not repeat work)."""

    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
