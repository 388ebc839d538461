"""A client's brief, the co-ops it was sent to, their answers, and teams for large projects.

The client has no account: a private link (`Brief.access_token_hash`) lets them follow the
brief. Their contact details are visible only to coordinators and to the co-ops the brief was
sent to, and are deleted a network-set time after the brief closes (`contact_deleted_at`).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopnet.accounts.models import hash_token, new_token


class BriefQuerySet(models.QuerySet):
    def open(self) -> "BriefQuerySet":
        return self.filter(status__in=Brief.OPEN_STATUSES)

    def with_contact_due_for_deletion(self, *, retention_days: int, now=None) -> "BriefQuerySet":
        now = now or timezone.now()
        return self.filter(
            closed_at__isnull=False,
            closed_at__lte=now - timezone.timedelta(days=retention_days),
            contact_deleted_at__isnull=True,
        )


class Brief(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("received, waiting to be sent to co-ops")
        SENT = "sent", _("sent to co-ops")
        CHOSEN = "chosen", _("the client chose who to work with")
        WITHDRAWN = "withdrawn", _("withdrawn by the client")
        CLOSED = "closed", _("closed")

    OPEN_STATUSES = (Status.NEW, Status.SENT)

    class Budget(models.TextChoices):
        UNKNOWN = "", _("not sure yet")
        UNDER_5K = "under-5k", _("under £5,000")
        FROM_5K = "5k-20k", _("£5,000 to £20,000")
        FROM_20K = "20k-50k", _("£20,000 to £50,000")
        FROM_50K = "50k-100k", _("£50,000 to £100,000")
        OVER_100K = "over-100k", _("over £100,000")

    class Timeline(models.TextChoices):
        FLEXIBLE = "", _("flexible")
        ASAP = "asap", _("as soon as possible")
        MONTHS_1_3 = "1-3-months", _("within 1 to 3 months")
        MONTHS_3_6 = "3-6-months", _("within 3 to 6 months")
        LATER = "later", _("more than 6 months away")

    # The client (deleted after the retention period; see `contact_deleted_at`)
    contact_name = models.CharField(_("your name"), max_length=150)
    contact_email = models.EmailField(_("your email"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name=_("sector"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="briefs",
    )
    # What they need
    text = models.TextField(_("what you need, in your own words"), max_length=5000)
    services = models.ManyToManyField(
        "directory.Service", verbose_name=_("services"), blank=True, related_name="briefs"
    )
    budget = models.CharField(_("budget"), max_length=20, choices=Budget, blank=True)
    timeline = models.CharField(_("timeline"), max_length=20, choices=Timeline, blank=True)
    effort_days = models.PositiveIntegerField(
        _("estimated effort (person-days)"), null=True, blank=True
    )
    location = models.CharField(_("where you are"), max_length=200, blank=True)
    remote_ok = models.BooleanField(_("working remotely is fine"), default=True)
    consent_to_share = models.BooleanField(_("consent to share with member co-ops"))
    # The text as a sentence embedding (coopnet/lib/embeddings.py), so that later briefs can
    # find it among similar past ones (coopnet/hire/history.py). Empty when the model is not
    # installed; the daily job `embed-brief-texts` fills it in.
    text_vector = models.BinaryField(null=True, blank=True, editable=False)

    status = models.CharField(max_length=20, choices=Status, default=Status.NEW, db_index=True)
    # The client's private link: only a hash is kept. Revoking or expiry ends access.
    access_token_hash = models.CharField(max_length=64, unique=True)
    access_expires_at = models.DateTimeField()
    access_revoked_at = models.DateTimeField(null=True, blank=True)

    # A team proposed for the brief, when it was sent to one (see Consortium).
    chosen_consortium = models.ForeignKey(
        "Consortium", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    chosen_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    contact_deleted_at = models.DateTimeField(null=True, blank=True)

    objects = BriefQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(consent_to_share=True), name="brief_needs_consent"),
        ]

    def __str__(self) -> str:
        # No contact details: this label is copied into the append-only audit log, which keeps
        # it after the client's details are deleted.
        return f"#{self.pk}: {self.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def contact_deleted(self) -> bool:
        return self.contact_deleted_at is not None

    def access_is_valid(self, now=None) -> bool:
        now = now or timezone.now()
        return self.access_revoked_at is None and self.access_expires_at > now

    @staticmethod
    def new_access_token() -> tuple[str, str]:
        return new_token()

    @staticmethod
    def hash_access_token(raw: str) -> str:
        return hash_token(raw)


class BriefRecipientQuerySet(models.QuerySet):
    def sent(self) -> "BriefRecipientQuerySet":
        return self.filter(sent_at__isnull=False)

    def for_user(self, user) -> "BriefRecipientQuerySet":
        """The brief inbox entries of the co-ops `user` is a worker-owner of."""
        return self.sent().filter(coop__memberships__user=user)


class BriefRecipient(models.Model):
    """A co-op a brief was sent to, and its answer and outcome."""

    class Response(models.TextChoices):
        PENDING = "pending", _("not answered yet")
        INTERESTED = "interested", _("interested")
        DECLINED = "declined", _("declined")
        PASSED = "passed", _("passed to another co-op")

    class DeclineReason(models.TextChoices):
        # Matching reads it (coopnet/hire/history.py): "not our kind of work" tells alike
        # briefs to look elsewhere; a busy month says nothing about the fit.
        BUSY = "busy", _("too busy now")
        NOT_OUR_WORK = "not_our_work", _("not the kind of work we do")
        OTHER = "other", _("another reason")

    class Outcome(models.TextChoices):
        NONE = "", _("not recorded")
        WON = "won", _("won")
        LOST = "lost", _("lost")

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="recipients")
    coop = models.ForeignKey(
        "directory.Coop", on_delete=models.CASCADE, related_name="brief_recipients"
    )
    # Why it was suggested, as the matching service explained it when the brief was sent.
    match_score = models.FloatField(null=True, blank=True)
    match_reasons = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the brief was routed automatically."),
    )
    # Set when another co-op passed the brief on to this one.
    passed_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="passed_to"
    )

    response = models.CharField(
        max_length=20, choices=Response, default=Response.PENDING, db_index=True
    )
    response_message = models.TextField(_("message"), max_length=3000, blank=True)
    decline_reason = models.CharField(
        _("why it declined"), max_length=20, choices=DeclineReason, blank=True
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    is_chosen = models.BooleanField(_("chosen by the client"), default=False)

    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome, blank=True)
    outcome_value = models.DecimalField(
        _("value of the work"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    case_study = models.ForeignKey(
        "directory.CaseStudy", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = BriefRecipientQuerySet.as_manager()

    class Meta:
        ordering = ["brief", "-match_score", "coop__name"]
        constraints = [
            models.UniqueConstraint(fields=["brief", "coop"], name="brief_recipient_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.coop} ← {self.brief_id}"

    @property
    def may_record_outcome(self) -> bool:
        """Once the client has chosen, a co-op that kept the brief says what came of it: the
        chosen ones won or lost the work, the others lost it."""
        return self.brief.chosen_at is not None and self.response != self.Response.PASSED


class Consortium(models.Model):
    """A team of co-ops proposed for one brief, with a lead co-op."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="consortia")
    lead = models.ForeignKey("directory.Coop", on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(
        "directory.Coop", through="ConsortiumMember", related_name="consortia"
    )
    reasons = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["brief", "created_at"]

    def __str__(self) -> str:
        return f"team led by {self.lead}"


class ConsortiumMember(models.Model):
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="memberships")
    coop = models.ForeignKey("directory.Coop", on_delete=models.CASCADE, related_name="+")
    # Capability keys (coopnet.hire.concepts) this co-op brings to the team.
    brings = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consortium", "coop"], name="consortium_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.coop} in {self.consortium}"


class CoopConflict(models.Model):
    """Two co-ops that declared they will not work together; teams never pair them.

    Stored once per pair, the lower co-op id first, so (a, b) and (b, a) are the same row.
    """

    coop = models.ForeignKey("directory.Coop", on_delete=models.CASCADE, related_name="+")
    other_coop = models.ForeignKey("directory.Coop", on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note for coordinators"), max_length=300, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Which of the two asked for it (the pair is stored in id order, so `coop` does not say):
    # its worker-owners may take it back, the other co-op's may not.
    declared_by_coop = models.ForeignKey(
        "directory.Coop", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coop", "other_coop"], name="coop_conflict_unique"),
            models.CheckConstraint(
                condition=Q(coop__lt=F("other_coop")), name="coop_conflict_ordered_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coop} ≠ {self.other_coop}"

    def save(self, *args, **kwargs):
        if self.coop_id and self.other_coop_id and self.coop_id > self.other_coop_id:
            self.coop_id, self.other_coop_id = self.other_coop_id, self.coop_id
        super().save(*args, **kwargs)
