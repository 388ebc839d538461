"""Who sees which referral, and the lists the pages, the feed and the API read.

Every page, feed and API endpoint asks these functions; none of them repeats a rule.

- A referral is visible to the sender's worker-owners, to the co-ops it is or was offered to
  (not those still waiting for their turn), to the co-op that claimed it and to coordinators.
  While a referral to the whole network is open, every worker-owner of a member co-op sees it.
- The client's contact details: only the claiming co-op's worker-owners (until the sender
  withdraws it), the sender's worker-owners and coordinators.
- The estimated value is part of the lead: whoever sees the referral sees it. The value of the
  work won (`closed_value`) only the sender's and the claimer's worker-owners and coordinators.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from coopnet.accounts.models import Membership
from coopnet.directory.models import Coop
from coopnet.referrals.models import Referral, ReferralOffer

# What a co-op may still move a claimed referral to, and what the sender may do.
CLAIMER_STATUSES = (Referral.Status.IN_CONTACT, Referral.Status.WON, Referral.Status.LOST)
SENDER_STATUSES = (Referral.Status.WITHDRAWN,)


def _is_active_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _is_coordinator(user) -> bool:
    return _is_active_user(user) and user.is_coordinator


def coop_ids_of(user) -> set[int]:
    """The ids of the co-ops `user` is a worker-owner of (none for anonymous or inactive)."""
    if not _is_active_user(user):
        return set()
    return set(Membership.objects.filter(user=user).values_list("coop_id", flat=True))


def member_coop_ids_of(user) -> set[int]:
    """The user's co-ops that are members of the network: only they pass on and claim work."""
    if not _is_active_user(user):
        return set()
    return set(
        Membership.objects.filter(user=user, coop__status=Coop.Status.MEMBER).values_list(
            "coop_id", flat=True
        )
    )


def _with_lists(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("from_coop", "claimed_by_coop").prefetch_related("services")


def _open_for_coop_ids(coop_ids: set[int]) -> Q:
    """Open referrals that one of `coop_ids` can claim now."""
    condition = Q(pk__in=[])
    for coop_id in coop_ids:
        declined = ReferralOffer.objects.filter(
            referral=OuterRef("pk"), coop_id=coop_id, state=ReferralOffer.State.DECLINED
        )
        offered = ReferralOffer.objects.filter(
            referral=OuterRef("pk"), coop_id=coop_id, state=ReferralOffer.State.OFFERED
        )
        condition |= (
            Q(audience=Referral.Audience.NETWORK) & ~Q(from_coop_id=coop_id) & ~Exists(declined)
        ) | (~Q(audience=Referral.Audience.NETWORK) & Exists(offered))
    return condition


def referrals_open_for(user) -> QuerySet:
    """Open referrals the user's member co-ops can claim now, newest first; never their own.

    Network referrals that the co-op has not declined, and directed ones with an offer waiting
    for the co-op's answer. A user in two co-ops sees what either of them can claim.
    """
    coop_ids = member_coop_ids_of(user)
    if not coop_ids:
        return Referral.objects.none()
    return _with_lists(
        Referral.objects.open()
        .filter(_open_for_coop_ids(coop_ids))
        .exclude(from_coop_id__in=coop_ids)
    )


def referrals_sent_by(user) -> QuerySet:
    """Everything the user's co-ops passed on, newest first, whatever became of it."""
    return _with_lists(Referral.objects.filter(from_coop_id__in=coop_ids_of(user)))


def referrals_received_by(user) -> QuerySet:
    """What the user's co-ops claimed, newest first (the pipeline they work through)."""
    return _with_lists(Referral.objects.filter(claimed_by_coop_id__in=coop_ids_of(user)))


def referral_visible_to(referral: Referral, user, *, coop_ids: set[int] | None = None) -> bool:
    """Whether `user` may look at `referral` at all (the rule at the top of this module).

    A page or API list that asks several of these questions passes `coop_ids` (the user's
    co-op ids, from `coop_ids_of`) so that the membership is read once per request.
    """
    if not _is_active_user(user):
        return False
    if user.is_coordinator:
        return True
    if coop_ids is None:
        coop_ids = coop_ids_of(user)
    if not coop_ids:
        return False
    if referral.from_coop_id in coop_ids or referral.claimed_by_coop_id in coop_ids:
        return True
    if (
        referral.audience == Referral.Audience.NETWORK
        and referral.status == Referral.Status.OFFERED
        and member_coop_ids_of(user)
    ):
        return True
    return (
        referral.offers.filter(coop_id__in=coop_ids)
        .exclude(state=ReferralOffer.State.QUEUED)
        .exists()
    )


def referral_contact_visible_to(
    referral: Referral, user, *, coop_ids: set[int] | None = None
) -> bool:
    """The client's contact details: the claiming co-op, the sender and coordinators only.

    A claimer stops seeing them once the sender withdraws the referral. `coop_ids`: as for
    `referral_visible_to`.
    """
    if not _is_active_user(user):
        return False
    if user.is_coordinator:
        return True
    if coop_ids is None:
        coop_ids = coop_ids_of(user)
    if referral.from_coop_id in coop_ids:
        return True
    return referral.claimed_by_coop_id in coop_ids and referral.status != Referral.Status.WITHDRAWN


def referral_value_visible_to(
    referral: Referral, user, *, coop_ids: set[int] | None = None
) -> bool:
    """The value of the work won: the two co-ops involved (sender, claimer) and coordinators.

    The estimated value is not covered by this rule: it is part of the lead, shown to whoever
    may see the referral. `coop_ids`: as for `referral_visible_to`.
    """
    if not _is_active_user(user):
        return False
    if user.is_coordinator:
        return True
    if coop_ids is None:
        coop_ids = coop_ids_of(user)
    return referral.from_coop_id in coop_ids or referral.claimed_by_coop_id in coop_ids


def referral_answering_coops(
    referral: Referral, user, *, member_coops: dict[int, Coop] | None = None
) -> list[Coop]:
    """The user's co-ops that may claim or decline `referral` now (for the claim form).

    Network referral: the user's member co-ops but the sender that have not declined it;
    directed: those holding an offer waiting for their answer. Empty once it is not open.
    A list page passes `member_coops` (the user's member co-ops by id) and prefetches the
    offers, so that each row costs no query.
    """
    if member_coops is None:
        member_coops = {c.pk: c for c in Coop.objects.filter(pk__in=member_coop_ids_of(user))}
    coop_ids = member_coops.keys() - {referral.from_coop_id}
    if not coop_ids or referral.status != Referral.Status.OFFERED:
        return []
    offers = referral.offers.all()
    if referral.audience == Referral.Audience.NETWORK:
        declined = {o.coop_id for o in offers if o.state == ReferralOffer.State.DECLINED}
        allowed = coop_ids - declined
    else:
        allowed = coop_ids & {o.coop_id for o in offers if o.state == ReferralOffer.State.OFFERED}
    return sorted((member_coops[pk] for pk in allowed), key=lambda coop: coop.name)


def referral_statuses_for(
    referral: Referral, user, *, coop_ids: set[int] | None = None
) -> list[str]:
    """The statuses `user` may move `referral` to with `referral_set_status`, in pipeline order.

    The claiming co-op (or a coordinator) moves a claimed referral on; the sender (or a
    coordinator) may withdraw it while it is not closed.
    """
    if not _is_active_user(user):
        return []
    allowed = Referral.NEXT_STATUSES.get(referral.status, set())
    coordinator = user.is_coordinator
    if coop_ids is None:
        coop_ids = coop_ids_of(user)
    statuses: list[str] = []
    if referral.claimed_by_coop_id and (coordinator or referral.claimed_by_coop_id in coop_ids):
        statuses += [s for s in CLAIMER_STATUSES if s in allowed]
    if coordinator or referral.from_coop_id in coop_ids:
        statuses += [s for s in SENDER_STATUSES if s in allowed]
    return [str(s) for s in statuses]
