"""Telling people things: the one way every app sends optional mail.

`notify()` is what hire, referrals and the availability reminders call. It always leaves an
inbox entry; whether an email follows at once, in the daily digest or never is the user's
choice. Every optional email carries a one-click unsubscribe link (RFC 8058 headers too).
Mail a person must get (password resets, invitations) does not come through here.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopnet.accounts.models import User
from coopnet.audit.services import audit_record
from coopnet.network.models import NetworkSettings
from coopnet.notifications.mail import notification_message
from coopnet.notifications.models import Delivery, FeedToken, Notification, NotificationSettings

UNSUBSCRIBE_SALT = "coopnet.notifications.unsubscribe"
# A digest waits for the network's digest hour, but never longer than this: the hourly job may
# miss that hour (worker stopped, the scheduler's interval drifting past it).
DIGEST_LONGEST_WAIT = datetime.timedelta(hours=24)


def delivery_for(user: User) -> str:
    found = NotificationSettings.objects.filter(user=user).values_list("delivery", flat=True)
    return next(iter(found), Delivery.INSTANT)


def notification_settings_set(*, user: User, delivery: str) -> NotificationSettings:
    """Set how `user` hears about briefs and referrals (their own choice only). Audited.

    Choosing no email also drops what was waiting for the next digest: it stays in the inbox.
    """
    if delivery not in Delivery.values:
        raise ValueError(f"unknown delivery {delivery!r}")
    with transaction.atomic():
        settings_row, _created = NotificationSettings.objects.select_for_update().get_or_create(
            user=user
        )
        old = settings_row.delivery
        if old != delivery:
            settings_row.delivery = delivery
            settings_row.save(update_fields=["delivery", "updated_at"])
            audit_record(
                actor=user,
                action="notifications.settings",
                target=settings_row,
                changes={"delivery": (old, delivery)},
            )
        if delivery == Delivery.NONE:
            Notification.objects.awaiting_digest().filter(user=user).update(delivery=Delivery.NONE)
    return settings_row


def notify(
    *,
    users: Iterable[User],
    kind: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    url: str = "",
) -> list[Notification]:
    """Leave each active user an inbox entry and mail it as they chose.

    `template` is a plain-text template rendered once per user with `context` plus `user`;
    `subject` is already translated; `url` is a path on this site. Mail goes out through the
    background worker after the surrounding transaction commits, so a rolled-back change never
    sends mail.
    """
    from coopnet.notifications.tasks import send_notification_email

    recipients: dict[int, User] = {}
    for user in users:
        if user.is_active and user.pk not in recipients:
            recipients[user.pk] = user
    chosen = dict(
        NotificationSettings.objects.filter(user_id__in=list(recipients)).values_list(
            "user_id", "delivery"
        )
    )
    made = [
        Notification(
            user=user,
            kind=kind,
            subject=" ".join(str(subject).split())[:200],
            body=render_to_string(template, {**context, "user": user}).strip(),
            url=url,
            delivery=chosen.get(user.pk, Delivery.INSTANT),
        )
        for user in recipients.values()
    ]
    Notification.objects.bulk_create(made)
    instant = [n.pk for n in made if n.delivery == Delivery.INSTANT]
    if instant:
        transaction.on_commit(
            lambda: [send_notification_email.enqueue(notification_id=pk) for pk in instant]
        )
    return made


def notification_email_send(*, notification_id: int) -> bool:
    """Mail one notification now, at most once; not if its user has since chosen no email."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.user.is_active:
            return False
        if delivery_for(notification.user) == Delivery.NONE:
            return False
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    # Sent after the commit: a slow mail server must not hold the row lock. If sending fails
    # the entry counts as mailed (at most once; it is still in the inbox).
    notification_message(
        user=notification.user, subject=notification.subject, notifications=[notification]
    ).send()
    return True


def digests_send(*, now: datetime.datetime | None = None) -> int:
    """Mail each digest reader everything waiting for them in one email; return how many.

    Runs hourly; it sends in the network's digest hour (UTC), and at any hour to a person
    whose oldest waiting entry is over a day old. Nobody gets a digest they turned off.
    """
    now = now or timezone.now()
    network = NetworkSettings.load()
    waiting = Notification.objects.awaiting_digest()
    if now.astimezone(datetime.UTC).hour != network.digest_hour:
        waiting = waiting.filter(created_at__lte=now - DIGEST_LONGEST_WAIT)
    user_ids = list(waiting.values_list("user_id", flat=True).distinct().order_by())
    sent = 0
    for user_id in user_ids:
        with transaction.atomic():
            entries = list(
                Notification.objects.awaiting_digest()
                .select_for_update(of=("self",))
                .select_related("user")
                .filter(user_id=user_id, created_at__lte=now)
                .order_by("created_at", "id")
            )
            if not entries:
                continue  # another run sent them meanwhile
            user = entries[0].user
            ids = [n.pk for n in entries]
            if not user.is_active or delivery_for(user) == Delivery.NONE:
                # They stay in the inbox; no digest will ever carry them.
                Notification.objects.filter(pk__in=ids).update(delivery=Delivery.NONE)
                continue
            Notification.objects.filter(pk__in=ids).update(emailed_at=timezone.now())
        subject = ngettext(
            "%(network)s: %(count)d update", "%(network)s: %(count)d updates", len(entries)
        ) % {"network": network.name, "count": len(entries)}
        notification_message(
            user=user, subject=subject, notifications=entries, network=network
        ).send()
        sent += 1
    return sent


def unsubscribe_token(user: User) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User) -> str:
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(user)])


def user_for_unsubscribe_token(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return User.objects.filter(pk=data.get("u"), is_active=True).first()


def notifications_unsubscribe(*, token: str) -> User | None:
    """Turn off optional mail for the user the signed `token` names; None for a bad token.

    The token is the authority (it reached only that person's mailbox): no sign-in needed.
    """
    user = user_for_unsubscribe_token(token)
    if user is not None:
        notification_settings_set(user=user, delivery=Delivery.NONE)
    return user


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when `ids` is None)."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def can_have_feed(user: User) -> bool:
    """Private feeds list open referrals: for worker-owners of a co-op, and coordinators."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_coordinator or user.memberships.exists())
    )


def feed_token_active(user: User) -> FeedToken | None:
    return FeedToken.objects.active().filter(user=user).first()


def feed_path(raw: str) -> str:
    """The private feed's path for the secret `raw` (the referrals app serves it)."""
    return reverse("referrals:feed", kwargs={"token": raw})


def feed_token_create(*, user: User) -> str:
    """A new private feed address secret for `user`; the old ones stop working. Audited."""
    if not can_have_feed(user):
        raise PermissionDenied(_("Private feeds are for worker-owners of the network's co-ops."))
    raw, token_hash = FeedToken.new()
    with transaction.atomic():
        FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        token = FeedToken.objects.create(user=user, token_hash=token_hash)
        audit_record(actor=user, action="feed_token.create", target=token)
    return raw


def feed_token_revoke(*, user: User) -> int:
    """Revoke the user's feed addresses. Audited when there was one."""
    with transaction.atomic():
        tokens = list(FeedToken.objects.filter(user=user, revoked_at__isnull=True))
        FeedToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=timezone.now())
        for token in tokens:
            audit_record(actor=user, action="feed_token.revoke", target=token)
    return len(tokens)


def feed_token_user(raw: str) -> User | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    token = (
        FeedToken.objects.active()
        .select_related("user")
        .filter(token_hash=FeedToken.hash(raw))
        .first()
    )
    return token.user if token else None


def notifications_export_data(*, user: User) -> dict[str, Any]:
    """Everything the notifications app keeps about `user`, for them to download: their inbox,
    their mail choice and when their private feed addresses were made and stopped.

    Never includes a feed token or its hash: the download may travel further than the feed.
    """
    chosen = NotificationSettings.objects.filter(user=user).first()
    return {
        "notification_settings": {
            # The choice in force: people who never chose get instant mail (`delivery_for`).
            "delivery": chosen.delivery if chosen else Delivery.INSTANT.value,
            "updated_at": chosen.updated_at if chosen else None,
        },
        "notifications": [
            {
                "kind": entry.kind,
                "subject": entry.subject,
                "body": entry.body,
                "url": entry.url,
                "delivery": entry.delivery,
                "created_at": entry.created_at,
                "emailed_at": entry.emailed_at,
                "read_at": entry.read_at,
            }
            for entry in Notification.objects.filter(user=user).order_by("created_at", "id")
        ],
        "feed_tokens": [
            {"created_at": token.created_at, "revoked_at": token.revoked_at}
            for token in FeedToken.objects.filter(user=user).order_by("created_at", "id")
        ],
    }
