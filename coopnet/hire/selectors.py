"""Reads of the brief journey that span models, and who may see what.

The client's contact details are the sensitive part: coordinators see them, and so do the
worker-owners of the co-ops a brief was sent to, never before it was sent and never after the
details were deleted. Pages, the API and the services ask these functions rather than
repeating the rule.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from coopnet.accounts.models import Membership
from coopnet.directory.models import Coop
from coopnet.hire.models import Brief, BriefRecipient, Consortium


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_coordinator(user: Any) -> bool:
    return _active(user) and user.is_coordinator


def speaks_for(user: Any, coop: Coop) -> bool:
    """Coordinators, and the co-op's worker-owners: who may see and act on its briefs and its
    declared conflicts (the people `User.can_edit_coop` lets edit it)."""
    return _active(user) and user.can_edit_coop(coop)


def inbox_entry(user: Any, pk: int) -> BriefRecipient | None:
    """The inbox entry `pk` if `user` speaks for its co-op, else None: pages and the API answer
    404 either way, so that a stranger cannot tell which briefs exist."""
    entry = (
        BriefRecipient.objects.sent()
        .select_related("brief__sector", "coop", "passed_from__coop", "case_study")
        .prefetch_related("brief__services")
        .filter(pk=pk)
        .first()
    )
    return entry if entry is not None and speaks_for(user, entry.coop) else None


def is_worker_owner(user: Any, coop: Coop) -> bool:
    """True when `user` belongs to `coop` (coordinators only when they belong to it too)."""
    return _active(user) and Membership.objects.filter(user=user, coop=coop).exists()


def brief_visible_to(brief: Brief, user: Any) -> bool:
    """Who may read a brief at all (its text): coordinators, and worker-owners of a co-op the
    brief was sent to, still after the client's contact details were deleted."""
    if not _active(user):
        return False
    if user.is_coordinator:
        return True
    return BriefRecipient.objects.sent().filter(brief=brief, coop__memberships__user=user).exists()


def brief_contact_visible_to(brief: Brief, user: Any) -> bool:
    """Who sees who the client is: the people who may read the brief, until the details are
    deleted."""
    return not brief.contact_deleted and brief_visible_to(brief, user)


def entry_contact_visible_to(entry: BriefRecipient, user: Any, user_coop_ids: set[int]) -> bool:
    """`brief_contact_visible_to` for one co-op's inbox entry, with the user's co-op ids known
    (a list of entries then costs no query each): the entry itself says the brief was sent."""
    if entry.brief.contact_deleted or not _active(user):
        return False
    return user.is_coordinator or (entry.sent_at is not None and entry.coop_id in user_coop_ids)


def coop_brief_inbox(user: Any) -> QuerySet[BriefRecipient]:
    """The briefs sent to the co-ops `user` is a worker-owner of, newest first."""
    if not _active(user):
        return BriefRecipient.objects.none()
    return (
        BriefRecipient.objects.for_user(user)
        .select_related("brief", "brief__sector", "coop", "passed_from", "passed_from__coop")
        .order_by("-sent_at", "-id")
    )


def briefs_for_coordinators(status: str | None = None) -> QuerySet[Brief]:
    """Every brief (or those with `status`), newest first, with how many co-ops got and answered
    it (`recipient_count`, `interested_count`, `declined_count`)."""
    briefs = Brief.objects.all() if status is None else Brief.objects.filter(status=status)
    sent = Q(recipients__sent_at__isnull=False)
    return (
        briefs.select_related("sector")
        .annotate(
            recipient_count=Count("recipients", filter=sent, distinct=True),
            interested_count=Count(
                "recipients",
                filter=sent & Q(recipients__response=BriefRecipient.Response.INTERESTED),
                distinct=True,
            ),
            declined_count=Count(
                "recipients",
                filter=sent & Q(recipients__response=BriefRecipient.Response.DECLINED),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-id")
    )


def brief_recipients_for_client(brief: Brief) -> QuerySet[BriefRecipient]:
    """The co-ops a brief was sent to, as its client sees them.

    `client_message` is the co-op's message when it is interested, and empty otherwise: a
    decline's reason and a pass-on note are for the network, not the client. Templates and the
    API show `client_message`, never `response_message`.
    """
    return (
        BriefRecipient.objects.sent()
        .filter(brief=brief)
        .select_related("coop")
        .annotate(
            client_message=Case(
                When(response=BriefRecipient.Response.INTERESTED, then="response_message"),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .order_by("sent_at", "coop__name")
    )


def brief_choosable_consortia(brief: Brief) -> list[Consortium]:
    """The teams proposed for `brief` whose every member answered "interested"."""
    interested = set(
        BriefRecipient.objects.sent()
        .filter(brief=brief, response=BriefRecipient.Response.INTERESTED)
        .values_list("coop_id", flat=True)
    )
    consortia = brief.consortia.select_related("lead").prefetch_related("memberships__coop")
    return [
        consortium
        for consortium in consortia
        if consortium.memberships.all()
        and {m.coop_id for m in consortium.memberships.all()} <= interested
    ]


@dataclass(frozen=True)
class TeamMember:
    coop: Coop
    is_lead: bool
    brings: list[str]  # the capabilities it covers, in words
    response: str  # its answer (BriefRecipient.Response), "" when it was never sent the brief


@dataclass(frozen=True)
class Team:
    """A team the brief was sent to, with where each member stands."""

    consortium: Consortium
    members: list[TeamMember]

    @property
    def interested(self) -> int:
        return sum(m.response == BriefRecipient.Response.INTERESTED for m in self.members)

    @property
    def broken(self) -> bool:
        """A member declined or passed the brief on: the client cannot choose the team (the
        rule `brief_choosable_consortia` keeps: every member interested)."""
        gone = (BriefRecipient.Response.DECLINED, BriefRecipient.Response.PASSED)
        return any(m.response in gone for m in self.members)


def brief_teams(brief: Brief, *, coop: Coop | None = None) -> list[Team]:
    """The teams `brief` was sent to (those with `coop` in them, if given), lead first, each
    member with what it brings and how it answered."""
    from coopnet.hire.concepts import concept_label

    answers = dict(
        BriefRecipient.objects.filter(brief=brief).values_list("coop_id", "response").order_by()
    )
    consortia = brief.consortia.select_related("lead").prefetch_related("memberships__coop")
    if coop is not None:
        consortia = consortia.filter(memberships__coop=coop)
    teams = []
    for consortium in consortia.order_by("created_at", "pk"):
        memberships = sorted(
            consortium.memberships.all(),
            key=lambda m: (m.coop_id != consortium.lead_id, m.coop.name),
        )
        teams.append(
            Team(
                consortium,
                [
                    TeamMember(
                        coop=m.coop,
                        is_lead=m.coop_id == consortium.lead_id,
                        brings=[str(concept_label(key)) for key in m.brings],
                        response=answers.get(m.coop_id, ""),
                    )
                    for m in memberships
                ],
            )
        )
    return teams


def brief_pass_on_candidates(recipient: BriefRecipient) -> QuerySet[Coop]:
    """Member co-ops a recipient may pass its brief to: not itself, not already asked, and
    with someone on the platform to see it."""
    asked = BriefRecipient.objects.filter(brief_id=recipient.brief_id).values("coop_id")
    return Coop.objects.members().reachable().exclude(pk__in=asked).exclude(pk=recipient.coop_id)
