import datetime
from urllib.parse import urlsplit

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Concat, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ServiceGroup(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """A term with a stable slug: imports and URLs refer to it by slug, never by name."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(TaxonomyTerm):
    group = models.ForeignKey(
        ServiceGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    synonyms = models.TextField(
        _("synonyms"), blank=True, help_text=_("Other words clients use for this, one per line.")
    )

    class Meta(TaxonomyTerm.Meta):
        pass

    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.replace(",", "\n").splitlines() if s.strip()]

    def get_absolute_url(self) -> str:
        return reverse("directory:service", args=[self.slug])


class Technology(TaxonomyTerm):
    website = models.URLField(_("website"), blank=True)

    class Meta(TaxonomyTerm.Meta):
        verbose_name_plural = _("technologies")

    def get_absolute_url(self) -> str:
        return reverse("directory:technology", args=[self.slug])


class Sector(TaxonomyTerm):
    pass


class Client(TaxonomyTerm):
    class SectorSource(models.TextChoices):
        INFERRED = "inferred", _("inferred by rule")
        COORDINATOR = "coordinator", _("set by a coordinator")
        UNKNOWN = "", _("unknown")

    website = models.URLField(_("website"), blank=True)
    sector = models.ForeignKey(
        Sector, null=True, blank=True, on_delete=models.SET_NULL, related_name="clients"
    )
    sector_source = models.CharField(max_length=20, choices=SectorSource, blank=True)


class CoopQuerySet(models.QuerySet):
    def members(self) -> "CoopQuerySet":
        return self.filter(status=Coop.Status.MEMBER)

    def public(self) -> "CoopQuerySet":
        """Everyone but applicants: what a visitor may learn exists."""
        return self.exclude(status=Coop.Status.APPLICANT)

    def listed(self, *, include_all: bool = False) -> "CoopQuerySet":
        """What the public directory shows: members, or everyone public on request."""
        return self.filter(status__in=Coop.listed_statuses(include_all=include_all))

    def in_size_band(self, band: str) -> "CoopQuerySet":
        low, high = SIZE_BANDS[band][1:]
        qs = self.filter(workers__gte=low)
        return qs if high is None else qs.filter(workers__lte=high)

    def available(self) -> "CoopQuerySet":
        """Open for work or with limited capacity."""
        return self.filter(availability__in=(Coop.Availability.OPEN, Coop.Availability.LIMITED))

    def reachable(self) -> "CoopQuerySet":
        """Co-ops with at least one active worker-owner on the platform: someone who sees a
        brief or a referral sent to the co-op. Directory imports bring in co-ops whose people
        have not signed up yet."""
        from coopnet.accounts.models import Membership

        return self.filter(pk__in=Membership.objects.filter(user__is_active=True).values("coop_id"))


# band key -> (label, lowest, highest) head-count of workers
SIZE_BANDS: dict[str, tuple[str, int, int | None]] = {
    "1-3": (_("1 to 3 workers"), 1, 3),
    "4-10": (_("4 to 10 workers"), 4, 10),
    "11-25": (_("11 to 25 workers"), 11, 25),
    "26+": (_("26 or more workers"), 26, None),
}


def facet_token(kind: str, value: str) -> str:
    """One word naming a filter value in the full-text index, e.g. `countrygb`, `size4to10`.

    Filters written as words let SQLite's FTS5 intersect them with the query words inside the
    index, before any row is read (see coopnet/lib/search.py). Only letters and digits, so no
    tokenizer splits them.
    """
    cleaned = "".join(
        ch for ch in value.lower().replace("+", "plus").replace("-", "to") if ch.isalnum()
    )
    return f"{kind}{cleaned}"


def _search_facets_expression():
    # The same words as facet_token() builds, computed by the database on every write so that
    # the index can never disagree with the columns.
    size = models.Case(
        *(
            models.When(
                Q(workers__gte=low) & (Q() if high is None else Q(workers__lte=high)),
                then=models.Value(facet_token("size", key)),
            )
            for key, (_label, low, high) in SIZE_BANDS.items()
        ),
        default=models.Value("sizeunknown"),
    )
    return Concat(
        models.Value("status"),
        "status",
        models.Value(" country"),
        Lower("country"),
        models.Value(" avail"),
        "availability",
        models.Value(" "),
        size,
        output_field=models.TextField(),
    )


# A profile's description is rendered on every page that shows the co-op: a limit keeps one
# huge description from slowing them all. About ten pages of text.
DESCRIPTION_MAX_LENGTH = 20000


class Coop(models.Model):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("applicant")
        MEMBER = "member", _("member")
        FORMER = "former", _("former member")
        OBSERVED = "observed", _("known, not a member")

    # Import never moves a status down this order (higher wins).
    STATUS_RANK = {Status.OBSERVED: 0, Status.FORMER: 1, Status.APPLICANT: 2, Status.MEMBER: 3}

    class DatePrecision(models.TextChoices):
        YEAR = "year", _("year")
        MONTH = "month", _("month")
        DAY = "day", _("day")
        ON_OR_BEFORE = "on_or_before", _("on or before")

    class Availability(models.TextChoices):
        OPEN = "open", _("open for work")
        LIMITED = "limited", _("limited capacity")
        FULLY_BOOKED = "booked", _("fully booked")
        UNKNOWN = "", _("not stated")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Markdown. Say what you do and for whom."),
        # A TextField's max_length reaches forms only; the validator makes full_clean check it.
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    email = models.EmailField(_("public email"), blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    social_links = models.JSONField(
        _("social links"), default=dict, blank=True, help_text=_("For example twitter, github.")
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    logo_url = models.URLField(_("logo address at the source"), max_length=500, blank=True)

    legal_form = models.CharField(_("legal form"), max_length=120, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=60, blank=True)
    registrar = models.CharField(_("registrar"), max_length=120, blank=True)

    founded_on = models.DateField(_("founded"), null=True, blank=True)
    founded_precision = models.CharField(
        max_length=20, choices=DatePrecision, default=DatePrecision.YEAR, blank=True
    )
    joined_on = models.DateField(_("joined the network"), null=True, blank=True)
    joined_precision = models.CharField(
        max_length=20, choices=DatePrecision, default=DatePrecision.DAY, blank=True
    )
    left_on = models.DateField(_("left the network"), null=True, blank=True)
    left_precision = models.CharField(
        max_length=20, choices=DatePrecision, default=DatePrecision.DAY, blank=True
    )
    status = models.CharField(
        _("membership status"), max_length=20, choices=Status, default=Status.OBSERVED
    )

    worker_owners = models.PositiveIntegerField(_("worker-owners"), null=True, blank=True)
    workers = models.PositiveIntegerField(_("workers"), null=True, blank=True)
    members_main_employment = models.PositiveIntegerField(
        _("members for whom it is their main job"), null=True, blank=True
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("the co-op's own sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coops",
    )

    address = models.CharField(_("address"), max_length=300, blank=True)
    locality = models.CharField(_("town or city"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, db_index=True, help_text=_("ISO 3166 code.")
    )
    other_countries = models.JSONField(
        _("other countries"), default=list, blank=True, help_text=_("ISO 3166 codes.")
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)

    day_rate_min = models.PositiveIntegerField(_("lowest day rate"), null=True, blank=True)
    day_rate_max = models.PositiveIntegerField(_("highest day rate"), null=True, blank=True)
    day_rate_currency = models.CharField(_("currency"), max_length=3, blank=True, default="GBP")

    availability = models.CharField(
        _("availability"), max_length=10, choices=Availability, blank=True, db_index=True
    )
    booked_until = models.DateField(_("fully booked until"), null=True, blank=True)
    spare_capacity_days = models.PositiveSmallIntegerField(
        _("spare capacity (person-days a month)"), null=True, blank=True
    )
    availability_updated_at = models.DateTimeField(null=True, blank=True)

    services = models.ManyToManyField(Service, blank=True, related_name="coops")
    technologies = models.ManyToManyField(Technology, blank=True, related_name="coops")
    clients = models.ManyToManyField(Client, blank=True, related_name="coops")

    # Denormalised text of services (with synonyms), technologies and clients, kept by
    # `Coop.refresh_search_tags`; the full-text index reads it beside name and description.
    search_tags = models.TextField(blank=True, editable=False)
    # Filter values as words (status, country, availability, size band) for the full-text
    # index; see facet_token().
    search_facets = models.GeneratedField(
        expression=_search_facets_expression(), output_field=models.TextField(), db_persist=True
    )
    # field name -> ISO time the co-op itself last edited it; imports do not overwrite those.
    self_edited_fields = models.JSONField(default=dict, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), default=timezone.now, db_index=True)

    objects = CoopQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"]),
            models.Index(fields=["registrar", "registration_number"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(day_rate_min__isnull=True)
                | Q(day_rate_max__isnull=True)
                | Q(day_rate_min__lte=models.F("day_rate_max")),
                name="coop_day_rate_range",
                violation_error_message=_("The lowest day rate must not be above the highest."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:coop", args=[self.slug])

    @classmethod
    def listed_statuses(cls, *, include_all: bool = False) -> list[str]:
        if include_all:
            return [cls.Status.MEMBER, cls.Status.FORMER, cls.Status.OBSERVED]
        return [cls.Status.MEMBER]

    def is_visible_to(self, user) -> bool:
        """Applicants are not public yet: only coordinators and their own members see them."""
        if self.status != self.Status.APPLICANT:
            return True
        return bool(user and user.is_authenticated and user.can_edit_coop(self))

    def is_available_on(self, day: datetime.date) -> bool:
        if self.availability == self.Availability.FULLY_BOOKED:
            return self.booked_until is not None and day > self.booked_until
        return self.availability in (self.Availability.OPEN, self.Availability.LIMITED)

    def build_search_tags(self) -> str:
        words: list[str] = []
        for service in self.services.all():
            words.append(service.name)
            words.extend(service.synonym_list())
        words.extend(t.name for t in self.technologies.all())
        words.extend(c.name for c in self.clients.all())
        words.extend(cs.title for cs in self.case_studies.all())
        return " · ".join(words)

    def refresh_search_tags(self) -> None:
        tags = self.build_search_tags()
        if tags != self.search_tags:
            self.search_tags = tags
            Coop.objects.filter(pk=self.pk).update(search_tags=tags)


# Hosts that many organisations share: a page there says nothing about who owns it.
SHARED_HOSTS = frozenset(
    {
        "facebook.com",
        "twitter.com",
        "x.com",
        "linkedin.com",
        "instagram.com",
        "github.com",
        "gitlab.com",
        "google.com",
        "sites.google.com",
        "wordpress.com",
        "blogspot.com",
        "wixsite.com",
        "medium.com",
        "linktr.ee",
        "youtube.com",
        "meetup.com",
        "opencollective.com",
        "codeberg.org",
    }
)


def website_domain(url: str) -> str:
    """The registrable host of a website, without `www.`; empty for shared hosts."""
    if not url:
        return ""
    if "://" not in url:
        url = "http://" + url
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    try:
        # One spelling for internationalised names: codeursenliberté.fr is xn--...fr.
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    if not host or host in SHARED_HOSTS or any(host.endswith("." + h) for h in SHARED_HOSTS):
        return ""
    return host


class CaseStudy(models.Model):
    """A project for a client, possibly done by several co-ops together."""

    title = models.CharField(_("project"), max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="case_studies"
    )
    client_name = models.CharField(_("client"), max_length=200, blank=True)
    summary = models.TextField(_("what was done"), blank=True, help_text=_("Markdown."))
    services_text = models.CharField(_("services"), max_length=500, blank=True)
    links = models.JSONField(default=list, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    coops = models.ManyToManyField(Coop, related_name="case_studies")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name_plural = _("case studies")

    def __str__(self) -> str:
        return f"{self.title} ({self.client_name})" if self.client_name else self.title


class CoopSource(models.Model):
    """One record in an outside source that became (part of) a co-op here."""

    coop = models.ForeignKey(Coop, on_delete=models.CASCADE, related_name="sources")
    source = models.CharField(_("source"), max_length=40)
    source_id = models.CharField(_("id at the source"), max_length=300)
    url = models.URLField(max_length=500, blank=True)
    data = models.JSONField(_("values last imported"), default=dict, blank=True)
    first_imported_at = models.DateTimeField(auto_now_add=True)
    last_imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source", "source_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="coop_source_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id}"
