"""Leads one co-op passes to others, who claims them, and how they end.

The reciprocity ledger is never stored: it is derived from these rows (see `ledger.py`).
Exactly one co-op claims a referral: `referral_claim` locks the row, and the partial unique
constraint on `ReferralOffer` (one offer in state "claimed" per referral) is the last guard.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReferralQuerySet(models.QuerySet):
    def open(self) -> "ReferralQuerySet":
        return self.filter(status=Referral.Status.OFFERED)

    def claimed(self) -> "ReferralQuerySet":
        return self.filter(claimed_by_coop__isnull=False)


class Referral(models.Model):
    class Status(models.TextChoices):
        OFFERED = "offered", _("offered")
        CLAIMED = "claimed", _("claimed")
        IN_CONTACT = "in_contact", _("in contact with the client")
        WON = "won", _("won")
        LOST = "lost", _("lost")
        WITHDRAWN = "withdrawn", _("withdrawn")
        EXPIRED = "expired", _("expired")

    # Where the pipeline may go from each status (the services enforce it).
    NEXT_STATUSES = {
        Status.OFFERED: {Status.CLAIMED, Status.WITHDRAWN, Status.EXPIRED},
        Status.CLAIMED: {Status.IN_CONTACT, Status.WON, Status.LOST, Status.WITHDRAWN},
        Status.IN_CONTACT: {Status.WON, Status.LOST, Status.WITHDRAWN},
        Status.WON: set(),
        Status.LOST: set(),
        Status.WITHDRAWN: set(),
        Status.EXPIRED: set(),
    }
    CLOSED_STATUSES = (Status.WON, Status.LOST, Status.WITHDRAWN, Status.EXPIRED)
    # The client's contact details, below: the form's fieldset, and what is deleted with them.
    CLIENT_FIELDS = (
        "client_name",
        "client_organisation",
        "client_email",
        "client_phone",
        "client_notes",
    )

    class Audience(models.TextChoices):
        NETWORK = "network", _("every member co-op")
        CHOSEN_ALL = "chosen_all", _("the co-ops I choose, all at once")
        CHOSEN_IN_TURN = "chosen_in_turn", _("the co-ops I choose, one after another")

    class WhenUnanswered(models.TextChoices):
        NEXT_SUGGESTED = "next_suggested", _("offer it to the next suggested co-op")
        RETURN = "return", _("return it to me")

    from_coop = models.ForeignKey(
        "directory.Coop", on_delete=models.PROTECT, related_name="referrals_given"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The lead
    title = models.CharField(_("what the work is, in a line"), max_length=200)
    description = models.TextField(_("details"), max_length=5000, blank=True)
    services = models.ManyToManyField(
        "directory.Service", verbose_name=_("services"), blank=True, related_name="referrals"
    )
    estimated_value = models.PositiveIntegerField(_("estimated value"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="GBP")
    deadline = models.DateField(_("answer needed by"), null=True, blank=True)
    # The client's contact details: only the claiming co-op, the sender and coordinators see them.
    client_name = models.CharField(_("client's name"), max_length=150, blank=True)
    client_organisation = models.CharField(_("client's organisation"), max_length=200, blank=True)
    client_email = models.EmailField(_("client's email"), blank=True)
    client_phone = models.CharField(_("client's telephone"), max_length=50, blank=True)
    client_notes = models.TextField(_("notes about the client"), max_length=2000, blank=True)
    # A brief from the hire flow that a co-op passed on this way.
    brief = models.ForeignKey(
        "hire.Brief", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )

    audience = models.CharField(
        _("who it goes to"), max_length=20, choices=Audience, default=Audience.NETWORK
    )
    when_unanswered = models.CharField(
        _("if nobody takes it"),
        max_length=20,
        choices=WhenUnanswered,
        default=WhenUnanswered.RETURN,
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.OFFERED, db_index=True)
    claimed_by_coop = models.ForeignKey(
        "directory.Coop",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Closing as won may record the value of the business, if the co-op wants to share it.
    closed_value = models.PositiveIntegerField(_("value of the work won"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_note = models.CharField(_("note"), max_length=500, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(claimed_by_coop=models.F("from_coop")),
                name="referral_not_claimed_by_sender",
            ),
            models.CheckConstraint(
                condition=Q(status="offered")
                | Q(status="withdrawn")
                | Q(status="expired")
                | Q(claimed_by_coop__isnull=False),
                name="referral_claimed_status_has_claimer",
            ),
        ]
        indexes = [
            models.Index(fields=["from_coop", "status"], name="referral_from_status"),
            models.Index(fields=["claimed_by_coop", "status"], name="referral_claimed_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OFFERED

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES


class ReferralOffer(models.Model):
    """A co-op a directed referral is (or will be, in turn) offered to, and its answer.

    A referral to the whole network gets an offer row only for co-ops that answered.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for its turn")
        OFFERED = "offered", _("offered")
        DECLINED = "declined", _("declined")
        UNANSWERED = "unanswered", _("not answered in time")
        CLAIMED = "claimed", _("claimed")
        SKIPPED = "skipped", _("no longer offered")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="offers")
    coop = models.ForeignKey(
        "directory.Coop", on_delete=models.CASCADE, related_name="referral_offers"
    )
    position = models.PositiveSmallIntegerField(default=0)
    suggested = models.BooleanField(
        default=False, help_text=_("Added by the suggestions, not chosen by the sender.")
    )
    state = models.CharField(max_length=20, choices=State, default=State.QUEUED, db_index=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["referral", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "coop"], name="referral_offer_unique"),
            # The last guard of "claimed by exactly one co-op".
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(state="claimed"),
                name="referral_single_claim",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral} → {self.coop} ({self.state})"
