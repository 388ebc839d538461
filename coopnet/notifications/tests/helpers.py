"""Helpers for the notifications tests."""

from coopnet.notifications.services import notify


def send(users, *, subject="A referral for you", message="Hedgerow passed on a brief.", url=""):
    """notify() with the plain-message template, as another app would call it."""
    return notify(
        users=users,
        kind="referral_new",
        subject=subject,
        template="notifications/email/message.txt",
        context={"message": message},
        url=url,
    )
