"""Writes to referrals. Pages, the API, the admin and the periodic job all go through these.

The claim guarantee: a referral is claimed by exactly one co-op. `referral_claim` (and every
other write) locks the referral's row first (`select_for_update`), so claims, declines, moves
and status changes of one referral happen one after another and each sees the last one's
result; the partial unique constraint `referral_single_claim` (one offer in state "claimed"
per referral) is the last guard, and its IntegrityError is the same "already claimed" answer.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coopnet.accounts.models import User
from coopnet.accounts.selectors import worker_owners_of
from coopnet.audit.services import audit_record
from coopnet.directory.models import Coop, Service
from coopnet.directory.selectors import reachable_coop_ids
from coopnet.hire.matching import BriefNeeds, CoopMatch, match_coops
from coopnet.hire.models import Brief, BriefRecipient
from coopnet.hire.services import brief_refer_on
from coopnet.network.models import NetworkSettings
from coopnet.notifications.services import notify
from coopnet.referrals.models import Referral, ReferralOffer
from coopnet.referrals.selectors import CLAIMER_STATUSES, SENDER_STATUSES

# Co-ops a referral is offered to, one at a time, from the suggestions when nobody the sender
# chose took it; then it returns to the sender rather than touring the whole network.
MAX_SUGGESTED_OFFERS = 3
# How many matches to rank before putting the available co-ops first.
SUGGESTION_POOL = 30

LIVE_OFFER_STATES = (ReferralOffer.State.QUEUED, ReferralOffer.State.OFFERED)


class ReferralUnavailable(Exception):
    """The referral cannot be claimed or declined by this co-op now; `code` says why.

    Codes: "already_claimed", "not_offered_to_you", "closed", "own_referral", "not_a_member",
    "already_declined".
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- helpers ---------------------------------------------------------------------------------


def _check_actor_for(actor, coop: Coop, message: str) -> None:
    if not (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.can_edit_coop(coop)
    ):
        raise PermissionDenied(message)


def _referral_url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def _notify(
    *,
    referral: Referral,
    coop_ids: Iterable[int],
    kind: str,
    subject: str,
    template: str,
    actor=None,
    **context: Any,
) -> None:
    # Nobody is told what they just did themselves.
    users = list(worker_owners_of(coop_ids).exclude(pk=getattr(actor, "pk", None)).order_by("pk"))
    if users:
        notify(
            users=users,
            kind=kind,
            subject=subject,
            template=f"referrals/email/{template}.txt",
            context={"referral": referral, "network": NetworkSettings.load(), **context},
            url=_referral_url(referral),
        )


def _deadline_end(deadline: datetime.date | None) -> datetime.datetime | None:
    """The end of the deadline day, in the site's time zone: the answer was needed by then."""
    if deadline is None:
        return None
    start_of_next_day = datetime.datetime.combine(
        deadline + datetime.timedelta(days=1), datetime.time.min
    )
    return timezone.make_aware(start_of_next_day)


def _deadline_passed(referral: Referral, now: datetime.datetime) -> bool:
    end = _deadline_end(referral.deadline)
    return end is not None and now >= end


def _respond_by(referral: Referral, now: datetime.datetime) -> datetime.datetime | None:
    """How long an offer waits for its answer.

    In turn (and for suggested co-ops): the network's response days, never beyond the deadline.
    All at once: until the deadline, or the response days when there is none.
    """
    turn = now + datetime.timedelta(days=NetworkSettings.load().referral_response_days)
    end = _deadline_end(referral.deadline)
    if referral.audience == Referral.Audience.CHOSEN_ALL and end is not None:
        return end
    return min(turn, end) if end is not None else turn


def _service_objects(services: Iterable[Any]) -> list[Service]:
    """Services given as objects, slugs or ids; an unknown one is a validation error."""
    found: list[Service] = []
    for item in services:
        if isinstance(item, Service):
            found.append(item)
            continue
        lookup = {"pk": item} if isinstance(item, int) else {"slug": str(item)}
        service = Service.objects.filter(**lookup).first()
        if service is None:
            raise ValidationError({"services": _("Unknown service: %(s)s.") % {"s": item}})
        found.append(service)
    return list({s.pk: s for s in found}.values())


def _lock(referral: Referral) -> Referral:
    """Lock the referral's row until commit and bring the caller's copy up to date with it."""
    referral.refresh_from_db(from_queryset=Referral.objects.select_for_update())
    return referral


# --- suggestions -----------------------------------------------------------------------------


def referral_suggestions(
    *,
    from_coop: Coop,
    title: str,
    description: str = "",
    services: Sequence[Any] = (),
    limit: int = 5,
    exclude_coop_ids: Iterable[int] = (),
    today: datetime.date | None = None,
) -> list[CoopMatch]:
    """The member co-ops best placed to take the lead, available ones first, never the sender,
    and only co-ops with someone on the platform to claim it.

    The hire matching ranks them; within "available" and "not available now" its order stays.
    """
    today = today or timezone.localdate()
    excluded = {from_coop.pk, *exclude_coop_ids}
    slugs = [s.slug for s in _service_objects(services)]
    # Matching ranks members only, never the excluded, and says who can start by `today`.
    outcome = match_coops(
        BriefNeeds(text=f"{title}\n{description}".strip(), services=slugs, start_on=today),
        limit=max(limit, SUGGESTION_POOL),
        exclude_coop_ids=excluded,
    )
    reachable = reachable_coop_ids(m.coop.pk for m in outcome.results)
    matches = [m for m in outcome.results if m.coop.pk in reachable]
    matches.sort(key=lambda m: not m.available)
    return matches[:limit]


# --- passing on work -------------------------------------------------------------------------


def _brief_copy(brief_recipient: BriefRecipient, from_coop: Coop) -> Brief:
    if brief_recipient.coop_id != from_coop.pk or brief_recipient.sent_at is None:
        raise PermissionDenied(_("You can pass on only a brief that was sent to your co-op."))
    brief = brief_recipient.brief
    if brief.status == Brief.Status.WITHDRAWN:
        raise ValidationError(_("The client withdrew this brief: there is nothing to pass on."))
    already = Referral.objects.filter(from_coop=from_coop, brief=brief).exclude(
        status__in=Referral.CLOSED_STATUSES
    )
    if already.exists():
        raise ValidationError(_("Your co-op has already passed this brief on."))
    return brief


def referral_create(
    *,
    actor,
    from_coop: Coop,
    title: str,
    description: str = "",
    services: Sequence[Any] = (),
    estimated_value: int | None = None,
    currency: str = "GBP",
    deadline: datetime.date | None = None,
    client_name: str = "",
    client_organisation: str = "",
    client_email: str = "",
    client_phone: str = "",
    client_notes: str = "",
    audience: str = Referral.Audience.NETWORK,
    when_unanswered: str = Referral.WhenUnanswered.RETURN,
    chosen_coops: Sequence[Coop] = (),
    brief_recipient: BriefRecipient | None = None,
) -> Referral:
    """Pass on a lead from `from_coop`, or raise PermissionDenied / ValidationError.

    Promises: `actor` is a worker-owner of `from_coop` (or a coordinator) and `from_coop` a
    member; the deadline is not in the past; a directed referral names member co-ops other
    than the sender, asked all at once or one after another in the order given (the first now,
    the others queued); a network referral ignores `chosen_coops`. With `brief_recipient` (the
    sender's copy of a hire brief) the referral is linked to the brief and the sender's answer
    to it becomes "passed" (`coopnet.hire.services.brief_refer_on`, whose rules apply: before
    answering, while the brief is with the co-ops); what the referral says is what the sender
    wrote (the page starts from the brief's text and client). The co-ops it is offered to now
    are told ("referral_new"); one audit row records it.
    """
    _check_actor_for(actor, from_coop, _("Only a worker-owner of the co-op can pass on its work."))
    if from_coop.status != Coop.Status.MEMBER:
        raise PermissionDenied(_("Only member co-ops pass work on through the network."))
    now = timezone.now()
    brief = _brief_copy(brief_recipient, from_coop) if brief_recipient is not None else None
    service_objects = _service_objects(services)

    errors: dict[str, list[str]] = {}
    if deadline is not None and deadline < timezone.localdate(now):
        errors.setdefault("deadline", []).append(_("The date to answer by cannot be in the past."))
    directed: list[Coop] = []
    if audience != Referral.Audience.NETWORK:
        seen: set[int] = set()
        for coop in chosen_coops:
            if coop.pk not in seen:
                seen.add(coop.pk)
                directed.append(coop)
        if not directed:
            errors.setdefault("chosen_coops", []).append(
                _("Choose at least one co-op, or offer it to every member co-op.")
            )
        if any(coop.pk == from_coop.pk for coop in directed):
            errors.setdefault("chosen_coops", []).append(
                _("You cannot pass work on to your own co-op.")
            )
        not_members = [c.name for c in directed if c.status != Coop.Status.MEMBER]
        if not_members:
            errors.setdefault("chosen_coops", []).append(
                _("Only member co-ops can be offered work: %(names)s.")
                % {"names": ", ".join(not_members)}
            )

    referral = Referral(
        from_coop=from_coop,
        created_by=actor,
        title=(title or "").strip(),
        description=description or "",
        estimated_value=estimated_value,
        currency=currency,
        deadline=deadline,
        client_name=client_name or "",
        client_organisation=client_organisation or "",
        client_email=client_email or "",
        client_phone=client_phone or "",
        client_notes=client_notes or "",
        brief=brief,
        audience=audience,
        when_unanswered=when_unanswered,
    )
    try:
        referral.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        referral.save()
        referral.services.set(service_objects)
        offered_now: list[int] = []
        respond_by = _respond_by(referral, now)
        offers = []
        for position, coop in enumerate(directed):
            asked_now = audience == Referral.Audience.CHOSEN_ALL or position == 0
            offers.append(
                ReferralOffer(
                    referral=referral,
                    coop=coop,
                    position=position,
                    state=ReferralOffer.State.OFFERED if asked_now else ReferralOffer.State.QUEUED,
                    offered_at=now if asked_now else None,
                    respond_by=respond_by if asked_now else None,
                )
            )
            if asked_now:
                offered_now.append(coop.pk)
        ReferralOffer.objects.bulk_create(offers)
        if audience == Referral.Audience.NETWORK:
            offered_now = list(
                Coop.objects.members().exclude(pk=from_coop.pk).values_list("pk", flat=True)
            )
        audit_record(
            actor=actor,
            action="referral.create",
            target=referral,
            changes={
                "status": (None, referral.status),
                "audience": (None, audience),
                "offered_to": (None, [c.name for c in directed] if directed else "network"),
                "brief": (None, brief.pk if brief else None),
            },
        )
        if brief_recipient is not None:
            brief_refer_on(actor=actor, recipient=brief_recipient, referral_id=referral.pk)
        _notify(
            referral=referral,
            coop_ids=offered_now,
            kind="referral_new",
            subject=_("%(coop)s passed on some work: %(title)s")
            % {"coop": from_coop.name, "title": referral.title},
            template="new",
            actor=actor,
        )
    return referral


# --- claiming and declining ------------------------------------------------------------------


def _check_answerable(referral: Referral, coop: Coop) -> ReferralOffer | None:
    """Raise ReferralUnavailable unless `coop` may answer `referral` now; its offer if any."""
    if referral.from_coop_id == coop.pk:
        raise ReferralUnavailable(_("This is your own co-op's referral."), code="own_referral")
    if coop.status != Coop.Status.MEMBER:
        raise ReferralUnavailable(_("Only member co-ops can take referrals."), code="not_a_member")
    if referral.status != Referral.Status.OFFERED:
        if referral.claimed_by_coop_id is not None:
            raise ReferralUnavailable(
                _("Already claimed by another co-op.")
                if referral.claimed_by_coop_id != coop.pk
                else _("Your co-op has already claimed it."),
                code="already_claimed",
            )
        raise ReferralUnavailable(_("This referral is no longer open."), code="closed")
    offer = ReferralOffer.objects.filter(referral=referral, coop=coop).first()
    if referral.audience != Referral.Audience.NETWORK and (
        offer is None or offer.state != ReferralOffer.State.OFFERED
    ):
        raise ReferralUnavailable(
            _("This referral is not offered to your co-op now."), code="not_offered_to_you"
        )
    return offer


def referral_claim(*, actor, referral: Referral, coop: Coop) -> Referral:
    """Claim `referral` for `coop`, or raise PermissionDenied / ReferralUnavailable.

    Promises: exactly one co-op ever claims a referral, however many try at once; the others
    get ReferralUnavailable(code="already_claimed"). `actor` is a worker-owner of `coop` (or a
    coordinator); a directed referral is claimed only by a co-op it is offered to now, a network
    referral by any member co-op but the sender. The co-op's offer becomes "claimed", every
    other waiting offer "skipped"; the sender's worker-owners are told ("referral_claimed").
    `referral` is updated in place and returned.
    """
    _check_actor_for(actor, coop, _("Only a worker-owner of the co-op can claim work for it."))
    now = timezone.now()
    try:
        with transaction.atomic():
            _lock(referral)
            offer = _check_answerable(referral, coop)
            if offer is not None and offer.state == ReferralOffer.State.DECLINED:
                # The referral left the co-op's list when it declined; it stays declined.
                raise ReferralUnavailable(
                    _("Your co-op has already declined it."), code="already_declined"
                )
            if offer is None:
                offer = ReferralOffer(referral=referral, coop=coop, position=0)
            old_status = referral.status
            offer.state = ReferralOffer.State.CLAIMED
            offer.offered_at = offer.offered_at or now
            offer.answered_at = now
            offer.answered_by = actor
            offer.save()
            referral.offers.filter(state__in=LIVE_OFFER_STATES).exclude(pk=offer.pk).update(
                state=ReferralOffer.State.SKIPPED
            )
            referral.status = Referral.Status.CLAIMED
            referral.claimed_by_coop = coop
            referral.claimed_by = actor
            referral.claimed_at = now
            referral.save(
                update_fields=[
                    "status",
                    "claimed_by_coop",
                    "claimed_by",
                    "claimed_at",
                    "updated_at",
                ]
            )
            audit_record(
                actor=actor,
                action="referral.claim",
                target=referral,
                changes={
                    "status": (old_status, referral.status),
                    "claimed_by_coop": (None, coop.name),
                },
            )
            _notify(
                referral=referral,
                coop_ids=[referral.from_coop_id],
                kind="referral_claimed",
                subject=_("%(coop)s claimed your referral: %(title)s")
                % {"coop": coop.name, "title": referral.title},
                template="claimed",
                actor=actor,
                coop=coop,
            )
    except IntegrityError as error:
        # The row lock makes this unreachable in normal running; the constraint is the last
        # guard if anything ever writes a claim without taking the lock.
        referral.refresh_from_db()
        raise ReferralUnavailable(
            _("Already claimed by another co-op."), code="already_claimed"
        ) from error
    return referral


def referral_decline(*, actor, referral: Referral, coop: Coop, reason: str) -> ReferralOffer:
    """Decline `referral` for `coop` with a reason the sender sees, or raise.

    Raises PermissionDenied (not a worker-owner of `coop`), ValidationError (no reason) or
    ReferralUnavailable. A network referral leaves the co-op's list; a directed one that nobody
    is left to answer moves on at once (`referral_advance`). The sender is told
    ("referral_declined").
    """
    _check_actor_for(actor, coop, _("Only a worker-owner of the co-op can answer for it."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why, so the co-op that passed it on knows.")})
    max_length = ReferralOffer._meta.get_field("decline_reason").max_length
    if len(reason) > max_length:
        raise ValidationError({"reason": _("Keep it under %(n)d characters.") % {"n": max_length}})
    now = timezone.now()
    with transaction.atomic():
        _lock(referral)
        offer = _check_answerable(referral, coop)
        if offer is not None and offer.state == ReferralOffer.State.DECLINED:
            raise ReferralUnavailable(
                _("Your co-op has already declined it."), code="already_declined"
            )
        if offer is None:
            offer = ReferralOffer(referral=referral, coop=coop, position=0, offered_at=now)
        old_state = offer.state if offer.pk else None
        offer.state = ReferralOffer.State.DECLINED
        offer.answered_at = now
        offer.answered_by = actor
        offer.decline_reason = reason
        offer.save()
        audit_record(
            actor=actor,
            action="referral.decline",
            target=referral,
            changes={"offer": (old_state, f"{coop.name}: {offer.state}")},
            note=reason,
        )
        _notify(
            referral=referral,
            coop_ids=[referral.from_coop_id],
            kind="referral_declined",
            subject=_("%(coop)s declined your referral: %(title)s")
            % {"coop": coop.name, "title": referral.title},
            template="declined",
            actor=actor,
            coop=coop,
            reason=reason,
        )
        if (
            referral.audience != Referral.Audience.NETWORK
            and not referral.offers.filter(state=ReferralOffer.State.OFFERED).exists()
        ):
            _advance(referral, now)
    return offer


# --- moving on when nobody answers -----------------------------------------------------------


def _expire(referral: Referral, now: datetime.datetime, note: str) -> None:
    old_status = referral.status
    referral.offers.filter(state__in=LIVE_OFFER_STATES).update(state=ReferralOffer.State.SKIPPED)
    referral.status = Referral.Status.EXPIRED
    referral.closed_at = now
    referral.close_note = note[:500]
    referral.save(update_fields=["status", "closed_at", "close_note", "updated_at"])
    audit_record(
        actor=None,
        action="referral.expire",
        target=referral,
        changes={"status": (old_status, referral.status)},
        note=note,
    )
    _notify(
        referral=referral,
        coop_ids=[referral.from_coop_id],
        kind="referral_moved",
        subject=_("Your referral came back to you: %(title)s") % {"title": referral.title},
        template="returned",
        note=note,
    )


def _offer_now(referral: Referral, offer: ReferralOffer, now: datetime.datetime) -> None:
    offer.state = ReferralOffer.State.OFFERED
    offer.offered_at = now
    offer.respond_by = _respond_by(referral, now)
    offer.save(update_fields=["state", "offered_at", "respond_by"])
    audit_record(
        actor=None,
        action="referral.move",
        target=referral,
        changes={"offered_to": (None, offer.coop.name)},
        note="suggested" if offer.suggested else "next in turn",
    )
    _notify(
        referral=referral,
        coop_ids=[offer.coop_id],
        kind="referral_new",
        subject=_("%(coop)s passed on some work: %(title)s")
        % {"coop": referral.from_coop.name, "title": referral.title},
        template="new",
    )
    _notify(
        referral=referral,
        coop_ids=[referral.from_coop_id],
        kind="referral_moved",
        subject=_("Your referral moved on to %(coop)s: %(title)s")
        % {"coop": offer.coop.name, "title": referral.title},
        template="moved",
        coop=offer.coop,
    )


def _advance(referral: Referral, now: datetime.datetime) -> bool:
    """`referral_advance` on a referral already locked; True when anything changed."""
    if referral.status != Referral.Status.OFFERED:
        return False
    deadline_passed = _deadline_passed(referral, now)
    if referral.audience == Referral.Audience.NETWORK:
        if not deadline_passed:
            return False
        _expire(
            referral,
            now,
            _("Nobody claimed it by %(date)s: it is back with you.")
            % {"date": date_format(referral.deadline)},
        )
        return True

    changed = False
    late = referral.offers.filter(state=ReferralOffer.State.OFFERED)
    if not deadline_passed:
        late = late.filter(respond_by__lte=now)
    changed = late.update(state=ReferralOffer.State.UNANSWERED) > 0
    if referral.offers.filter(state=ReferralOffer.State.OFFERED).exists():
        return changed  # someone can still answer

    if deadline_passed:
        _expire(
            referral,
            now,
            _("Nobody took it by %(date)s: it is back with you.")
            % {"date": date_format(referral.deadline)},
        )
        return True

    next_in_turn = (
        referral.offers.filter(state=ReferralOffer.State.QUEUED)
        .select_related("coop")
        .order_by("position", "pk")
        .first()
    )
    if next_in_turn is not None:
        _offer_now(referral, next_in_turn, now)
        return True

    if (
        referral.when_unanswered == Referral.WhenUnanswered.NEXT_SUGGESTED
        and referral.offers.filter(suggested=True).count() < MAX_SUGGESTED_OFFERS
    ):
        asked = set(referral.offers.values_list("coop_id", flat=True))
        suggestions = referral_suggestions(
            from_coop=referral.from_coop,
            title=referral.title,
            description=referral.description,
            services=list(referral.services.all()),
            limit=1,
            exclude_coop_ids=asked,
            today=timezone.localdate(now),
        )
        if suggestions:
            position = (referral.offers.aggregate(last=Max("position"))["last"] or 0) + 1
            offer = ReferralOffer.objects.create(
                referral=referral, coop=suggestions[0].coop, position=position, suggested=True
            )
            _offer_now(referral, offer, now)
            return True

    _expire(
        referral,
        now,
        _("None of the co-ops it was offered to took it: it is back with you."),
    )
    return True


def referral_advance(*, referral: Referral, now: datetime.datetime | None = None) -> Referral:
    """Move an open referral on when the co-ops asked have all declined or not answered.

    Promises: offers past their answer time become "unanswered"; while any co-op can still
    answer nothing else happens. Then: in turn, the next co-op in the sender's order is asked;
    none left and the sender chose "next suggested", the best suggestion not yet asked (up to
    MAX_SUGGESTED_OFFERS of them); otherwise the referral returns to the sender (status
    "expired", with a note saying why). Past its deadline a referral is never offered again:
    it returns to the sender, whatever its audience. Safe to call at any time: a referral with
    nothing to do is left as it is. The sender is told ("referral_moved"), a newly asked co-op
    too ("referral_new"). Audited.
    """
    now = now or timezone.now()
    with transaction.atomic():
        _lock(referral)
        _advance(referral, now)
    return referral


def referrals_advance_due(*, now: datetime.datetime | None = None) -> int:
    """What the periodic job does: advance every open referral that has something due.

    Due: a directed referral with an offer past its answer time or with nobody left to answer,
    and any open referral past its deadline. Returns how many referrals changed.
    """
    now = now or timezone.now()
    open_referrals = Referral.objects.open()
    late_offers = ReferralOffer.objects.filter(
        state=ReferralOffer.State.OFFERED, respond_by__lte=now
    ).values("referral_id")
    live = ReferralOffer.objects.filter(state__in=LIVE_OFFER_STATES).values("referral_id")
    directed = open_referrals.exclude(audience=Referral.Audience.NETWORK)
    due_ids = set(directed.filter(pk__in=late_offers).values_list("pk", flat=True))
    due_ids |= set(directed.exclude(pk__in=live).values_list("pk", flat=True))
    yesterday = timezone.localdate(now) - datetime.timedelta(days=1)
    due_ids |= set(open_referrals.filter(deadline__lte=yesterday).values_list("pk", flat=True))
    changed = 0
    for referral in Referral.objects.filter(pk__in=due_ids).order_by("pk"):
        with transaction.atomic():
            _lock(referral)
            changed += _advance(referral, now)
    return changed


# --- the pipeline ----------------------------------------------------------------------------


def referral_set_status(
    *, actor, referral: Referral, status: str, value: int | None = None, note: str = ""
) -> Referral:
    """Move `referral` along its pipeline, or raise PermissionDenied / ValidationError.

    Promises: only the moves in Referral.NEXT_STATUSES; "in contact", "won" and "lost" by the
    claiming co-op's worker-owners, "withdrawn" by the sender's (coordinators may do either).
    Only "won" carries a value (a whole number, optional, shared with the two co-ops and the
    coordinators only). Closing sets `closed_at` and keeps the note. The sender is told when
    it closes ("referral_closed"), the claimer when the sender withdraws it. Audited with the
    old and new status. `referral` is updated in place and returned.
    """
    now = timezone.now()
    note = " ".join((note or "").split())
    with transaction.atomic():
        _lock(referral)
        if status in CLAIMER_STATUSES:
            coop = referral.claimed_by_coop
            if coop is None:
                raise ValidationError({"status": _("Nobody has claimed this referral yet.")})
            _check_actor_for(
                actor, coop, _("Only the co-op that claimed it can record how it is going.")
            )
        elif status in SENDER_STATUSES:
            _check_actor_for(
                actor, referral.from_coop, _("Only the co-op that passed it on can withdraw it.")
            )
        else:
            raise ValidationError({"status": _("This status cannot be set by hand.")})
        old_status = referral.status
        if status not in Referral.NEXT_STATUSES.get(old_status, set()):
            raise ValidationError(
                {
                    "status": _("A referral that is %(old)s cannot become %(new)s.")
                    % {
                        "old": Referral.Status(old_status).label,
                        "new": Referral.Status(status).label,
                    }
                }
            )
        if value is not None:
            if status != Referral.Status.WON:
                raise ValidationError(
                    {"value": _("A value is recorded only when the work is won.")}
                )
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationError({"value": _("The value is a whole number, 0 or more.")})
        max_note = Referral._meta.get_field("close_note").max_length
        if len(note) > max_note:
            raise ValidationError({"note": _("Keep it under %(n)d characters.") % {"n": max_note}})

        update_fields = ["status", "updated_at"]
        referral.status = status
        if referral.is_closed:
            referral.closed_at = now
            referral.close_note = note
            update_fields += ["closed_at", "close_note"]
        if status == Referral.Status.WON:
            referral.closed_value = value
            update_fields.append("closed_value")
        if status == Referral.Status.WITHDRAWN:
            referral.offers.filter(state__in=LIVE_OFFER_STATES).update(
                state=ReferralOffer.State.SKIPPED
            )
        referral.save(update_fields=update_fields)
        changes: dict[str, tuple[Any, Any]] = {"status": (old_status, status)}
        if value is not None:
            changes["closed_value"] = (None, value)
        audit_record(
            actor=actor, action="referral.status", target=referral, changes=changes, note=note
        )
        if status in (Referral.Status.WON, Referral.Status.LOST):
            _notify(
                referral=referral,
                coop_ids=[referral.from_coop_id],
                kind="referral_closed",
                subject=_("%(coop)s closed your referral as %(status)s: %(title)s")
                % {
                    "coop": referral.claimed_by_coop.name,
                    "status": referral.get_status_display(),
                    "title": referral.title,
                },
                template="closed",
                actor=actor,
                note=note,
            )
        elif status == Referral.Status.WITHDRAWN and referral.claimed_by_coop_id:
            _notify(
                referral=referral,
                coop_ids=[referral.claimed_by_coop_id],
                kind="referral_closed",
                subject=_("%(coop)s withdrew a referral: %(title)s")
                % {"coop": referral.from_coop.name, "title": referral.title},
                template="withdrawn",
                actor=actor,
                note=note,
            )
    return referral


def referrals_forget_brief_contact(*, brief: Brief, actor) -> int:
    """Blank the client's details in the referrals made from `brief`, when the brief's contact
    details are deleted (the client asked, or the network's retention time passed): a copy
    must not outlive the original. Returns how many referrals changed; each is audited
    "referral.contact_delete" (without the deleted values). `actor` is a user or a label."""
    changed = 0
    for referral in Referral.objects.select_for_update().filter(brief=brief):
        if not any(getattr(referral, field) for field in Referral.CLIENT_FIELDS):
            continue
        for field in Referral.CLIENT_FIELDS:
            setattr(referral, field, "")
        referral.save(update_fields=[*Referral.CLIENT_FIELDS, "updated_at"])
        audit_record(
            actor=actor,
            action="referral.contact_delete",
            target=referral,
            changes={"client": ("(kept)", "(deleted)")},
            note="The client's details were deleted from the brief it came from.",
        )
        changed += 1
    return changed


def referrals_export_data(*, user: User) -> dict[str, Any]:
    """What the referrals app keeps of what `user` did, for them to download: the referrals
    they passed on (what they wrote of the work, never the client's details, which are the
    client's), those they claimed for their co-op, and their answers to offers."""
    return {
        "referrals_passed_on": [
            {
                "referral": referral.pk,
                "from_coop": referral.from_coop.slug,
                "title": referral.title,
                "description": referral.description,
                "estimated_value": referral.estimated_value,
                "currency": referral.currency,
                "status": referral.status,
                "created_at": referral.created_at,
            }
            for referral in Referral.objects.filter(created_by=user)
            .select_related("from_coop")
            .order_by("created_at", "id")
        ],
        "referrals_claimed": [
            {
                "referral": referral.pk,
                "coop": referral.claimed_by_coop.slug,
                "claimed_at": referral.claimed_at,
            }
            for referral in Referral.objects.filter(claimed_by=user)
            .select_related("claimed_by_coop")
            .order_by("claimed_at", "id")
        ],
        "referral_answers": [
            {
                "referral": offer.referral_id,
                "coop": offer.coop.slug,
                "state": offer.state,
                "decline_reason": offer.decline_reason,
                "answered_at": offer.answered_at,
            }
            for offer in ReferralOffer.objects.filter(answered_by=user)
            .select_related("coop")
            .order_by("answered_at", "id")
        ],
    }
