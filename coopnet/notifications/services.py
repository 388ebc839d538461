"""Telling people things: the one way every app sends optional mail.

`notify()` is what hire, referrals and the availability reminders call. It always leaves an
inbox entry; whether an email follows at once, in tomorrow's digest or never is the user's
choice. Every optional email carries a one-click unsubscribe link (RFC 8058 headers too).
"""

from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from coopnet.accounts.models import User
from coopnet.audit.services import audit_record
from coopnet.notifications.models import Delivery, FeedToken, Notification, NotificationSettings

UNSUBSCRIBE_SALT = "coopnet.notifications.unsubscribe"


def delivery_for(user: User) -> str:
    found = NotificationSettings.objects.filter(user=user).values_list("delivery", flat=True)
    return next(iter(found), Delivery.INSTANT)


def notification_settings_set(*, user: User, delivery: str) -> NotificationSettings:
    """Set how `user` hears about briefs and referrals. Audited."""
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
    `subject` is already translated. Mail goes out through the background worker after the
    surrounding transaction commits, so a rolled-back change never sends mail.
    """
    from coopnet.notifications.tasks import send_notification_email

    made = []
    seen: set[int] = set()
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        body = render_to_string(template, {**context, "user": user})
        made.append(
            Notification(
                user=user,
                kind=kind,
                subject=" ".join(str(subject).split())[:200],
                body=body.strip(),
                url=url,
                delivery=delivery_for(user),
            )
        )
    Notification.objects.bulk_create(made)
    instant = [n.pk for n in made if n.delivery == Delivery.INSTANT]
    if instant:
        transaction.on_commit(
            lambda: [send_notification_email.enqueue(notification_id=pk) for pk in instant]
        )
    return made


def unsubscribe_token(user: User) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User) -> str:
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(user)])


def user_for_unsubscribe_token(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u"), is_active=True).first()


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when `ids` is None)."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def feed_token_create(*, user: User) -> str:
    """A new private feed address secret for `user`; the old ones stop working. Audited."""
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
