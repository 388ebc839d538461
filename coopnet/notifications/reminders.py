"""Asking co-ops whether their availability is still true, and the one-click answer.

The daily job (`coopnet.directory.tasks.send_availability_reminders`) asks the worker-owners of
each member co-op whose availability is older than the network's `availability_reminder_weeks`
and which was not asked within that time. Each person's reminder carries their own signed
"still true" link: it names the co-op, the person, and the availability date it is about, so it
stops working once anyone confirms or changes the availability, and after 30 days.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopnet.accounts.models import User
from coopnet.accounts.selectors import worker_owners_of
from coopnet.directory.models import Coop
from coopnet.directory.services import coop_confirm_availability
from coopnet.network.models import NetworkSettings
from coopnet.notifications.models import AvailabilityReminder
from coopnet.notifications.services import notify

STILL_TRUE_SALT = "coopnet.directory.availability_still_true"
STILL_TRUE_MAX_AGE = datetime.timedelta(days=30)
AVAILABILITY_ANCHOR = "#availability-update"


class Problem:
    """Why a "still true" link cannot confirm (the page explains each)."""

    INVALID = "invalid"  # not a link we made, or cut short
    EXPIRED = "expired"  # older than STILL_TRUE_MAX_AGE
    OUTDATED = "outdated"  # used already, or the availability changed since
    NOT_MEMBER = "not_member"  # the person no longer belongs to the co-op
    NEEDS_UPDATE = "needs_update"  # nothing true to confirm: not stated, or a date that passed


def availability_needs_update(coop: Coop, today: datetime.date | None = None) -> bool:
    """True when confirming would keep something untrue: no availability, or a passed date."""
    today = today or timezone.localdate()
    if coop.availability == Coop.Availability.UNKNOWN:
        return True
    return bool(
        coop.availability == Coop.Availability.FULLY_BOOKED
        and coop.booked_until
        and coop.booked_until < today
    )


def availability_summary(coop: Coop) -> str:
    """The availability in one sentence, as the directory shows it."""
    text = capfirst(str(coop.get_availability_display()))
    if coop.availability == Coop.Availability.FULLY_BOOKED and coop.booked_until:
        text = _("%(availability)s until %(date)s") % {
            "availability": text,
            "date": date_format(coop.booked_until, "j F Y"),
        }
    if coop.spare_capacity_days is not None:
        text += "; " + ngettext(
            "%(days)d spare person-day a month",
            "%(days)d spare person-days a month",
            coop.spare_capacity_days,
        ) % {"days": coop.spare_capacity_days}
    return text + "."


def availability_edit_path(coop: Coop) -> str:
    return reverse("directory:coop_edit", args=[coop.slug]) + AVAILABILITY_ANCHOR


def _stamp(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _same_moment(moment: datetime.datetime | None, stamp: object) -> bool:
    if moment is None or stamp is None:
        return moment is None and stamp is None
    try:
        return datetime.datetime.fromisoformat(str(stamp)) == moment
    except ValueError:
        return False


def still_true_token(*, coop: Coop, user: User) -> str:
    return signing.dumps(
        {"c": coop.pk, "u": user.pk, "t": _stamp(coop.availability_updated_at)},
        salt=STILL_TRUE_SALT,
    )


def still_true_path(*, coop: Coop, user: User) -> str:
    return reverse(
        "directory:availability_still_true", args=[still_true_token(coop=coop, user=user)]
    )


@dataclass
class StillTrueLink:
    """What a "still true" link refers to, and why it cannot be used (`problem`), if it can't."""

    coop: Coop | None = None
    user: User | None = None
    problem: str = ""
    confirmed: bool = False


def still_true_read(token: str, *, lock: bool = False) -> StillTrueLink:
    """Check a "still true" link; with `lock`, hold the co-op's row (inside a transaction)."""
    try:
        data = signing.loads(
            token, salt=STILL_TRUE_SALT, max_age=STILL_TRUE_MAX_AGE.total_seconds()
        )
    except signing.SignatureExpired:
        data, expired = _unverified_payload(token), True
    except signing.BadSignature:
        return StillTrueLink(problem=Problem.INVALID)
    else:
        expired = False
    if not isinstance(data, dict):
        return StillTrueLink(problem=Problem.INVALID)
    coops = Coop.objects.select_for_update() if lock else Coop.objects.all()
    coop = coops.filter(pk=data.get("c")).first()
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if coop is None or user is None:
        return StillTrueLink(problem=Problem.INVALID)
    if expired:
        return StillTrueLink(coop=coop, user=user, problem=Problem.EXPIRED)
    if not _same_moment(coop.availability_updated_at, data.get("t")):
        return StillTrueLink(coop=coop, user=user, problem=Problem.OUTDATED)
    if not user.can_edit_coop(coop):
        return StillTrueLink(coop=coop, user=user, problem=Problem.NOT_MEMBER)
    if availability_needs_update(coop):
        return StillTrueLink(coop=coop, user=user, problem=Problem.NEEDS_UPDATE)
    return StillTrueLink(coop=coop, user=user)


def _unverified_payload(token: str) -> object:
    # Only reached after the signature was verified and found merely too old: the payload is
    # ours, and naming the co-op helps the person find where to update it.
    try:
        return signing.loads(token, salt=STILL_TRUE_SALT)
    except signing.BadSignature:
        return None


def availability_still_true_confirm(*, token: str) -> StillTrueLink:
    """Confirm the co-op's availability as the person the link was made for. Audited.

    The signed link is the authority, so no sign-in is needed; it works once (confirming moves
    the date it names) and only while that person may still edit the co-op.
    """
    with transaction.atomic():
        link = still_true_read(token, lock=True)
        if link.problem:
            return link
        coop_confirm_availability(actor=link.user, coop=link.coop)
        link.confirmed = True
    return link


def _due_coops(cutoff: datetime.datetime):
    return (
        Coop.objects.members()
        .filter(Q(availability_updated_at__isnull=True) | Q(availability_updated_at__lt=cutoff))
        .exclude(pk__in=AvailabilityReminder.objects.filter(sent_at__gte=cutoff).values("coop_id"))
    )


def availability_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the worker-owners of every co-op that is due; return how many co-ops.

    A co-op is due when it is a member, its availability is older than the network's
    `availability_reminder_weeks` (or was never given), and it was not reminded within that
    time. Zero weeks turns reminders off. Each worker-owner gets their own "still true" link.
    """
    now = now or timezone.now()
    network = NetworkSettings.load()
    if not network.availability_reminder_weeks:
        return 0
    cutoff = now - datetime.timedelta(weeks=network.availability_reminder_weeks)
    today = timezone.localdate(now)
    reminded = 0
    for coop_id in list(_due_coops(cutoff).values_list("pk", flat=True)):
        with transaction.atomic():
            # The lock and the second look keep two runs at once from reminding twice.
            coop = _due_coops(cutoff).select_for_update().filter(pk=coop_id).first()
            if coop is None:
                continue
            owners = list(worker_owners_of([coop.pk]).order_by("username"))
            if not owners:
                continue  # asked once someone belongs to it
            AvailabilityReminder.objects.create(
                coop=coop, sent_at=now, availability_updated_at=coop.availability_updated_at
            )
            _remind(coop, owners, network=network, today=today)
        reminded += 1
    return reminded


def _remind(
    coop: Coop, owners: list[User], *, network: NetworkSettings, today: datetime.date
) -> None:
    needs_update = availability_needs_update(coop, today)
    edit_path = availability_edit_path(coop)
    context = {
        "coop": coop,
        "network": network,
        "summary": availability_summary(coop),
        "unknown": coop.availability == Coop.Availability.UNKNOWN,
        "lapsed": needs_update and coop.availability == Coop.Availability.FULLY_BOOKED,
        "needs_update": needs_update,
        "last_confirmed": coop.availability_updated_at,
        "edit_url": settings.SITE_URL + edit_path,
        "still_true_days": STILL_TRUE_MAX_AGE.days,
    }
    subject = (
        _("Please update %(coop)s's availability")
        if needs_update
        else _("Is %(coop)s's availability still true?")
    ) % {"coop": coop.name}
    for user in owners:
        # One call per person: each link names its person, who is the one confirming.
        notify(
            users=[user],
            kind="availability_reminder",
            subject=subject,
            template="directory/email/availability_reminder.txt",
            context=context,
            url=edit_path if needs_update else still_true_path(coop=coop, user=user),
        )
