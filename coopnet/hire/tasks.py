"""Background work for briefs: the client's mail, and deleting contact details when due.

The client has no account, so their mail does not go through `notify()` (which needs a user and
carries an unsubscribe link): it is about their own request, and they get it whatever happens.
Mail to worker-owners goes through `notify()` in the services.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_tasks import TaskContext, task

from coopnet.accounts.tasks import forget_task_arguments
from coopnet.hire.models import Brief, BriefRecipient
from coopnet.network.models import NetworkSettings


class ClientEmail:
    """The kinds of mail a client gets; each has the template hire/email/client_<kind>.txt."""

    CONFIRMATION = "confirmation"  # the brief arrived; carries the private link
    LINK = "link"  # a new private link, replacing the old one
    ANSWERED = "answered"  # a co-op answered (interested, or only "declined")
    CLOSED = "closed"  # a coordinator closed the brief

    ALL = (CONFIRMATION, LINK, ANSWERED, CLOSED)


def _subject(kind: str, brief: Brief, recipient: BriefRecipient | None, network) -> str:
    if kind == ClientEmail.CONFIRMATION:
        return _("%(network)s: we received your brief") % {"network": network.name}
    if kind == ClientEmail.LINK:
        return _("%(network)s: your new link to follow your brief") % {"network": network.name}
    if kind == ClientEmail.ANSWERED and recipient is not None:
        if recipient.response == BriefRecipient.Response.INTERESTED:
            return _("%(coop)s is interested in your brief") % {"coop": recipient.coop.name}
        return _("%(coop)s answered your brief") % {"coop": recipient.coop.name}
    return _("%(network)s: your brief was closed") % {"network": network.name}


@task(takes_context=True)
def send_brief_client_email(
    context: TaskContext,
    *,
    brief_id: int,
    kind: str,
    link: str = "",
    recipient_id: int | None = None,
) -> bool:
    """Mail the client of a brief; nothing once their contact details were deleted.

    `link` is the absolute private link (confirmation and new-link mail only). `recipient_id`
    names the co-op that answered ("answered" mail), read again here so the mail says what the
    answer is now.
    """
    if kind not in ClientEmail.ALL:
        raise ValueError(f"unknown client email kind {kind!r}")
    brief = Brief.objects.filter(pk=brief_id).first()
    if brief is None or brief.contact_deleted or not brief.contact_email:
        forget_task_arguments(context)
        return False
    recipient = None
    if recipient_id is not None:
        recipient = (
            BriefRecipient.objects.select_related("coop")
            .filter(pk=recipient_id, brief=brief)
            .first()
        )
        if recipient is None:
            forget_task_arguments(context)
            return False
    network = NetworkSettings.load()
    email_context = {
        "brief": brief,
        "recipient": recipient,
        "link": link,
        "network": network,
        "site_url": settings.SITE_URL,
    }
    body = render_to_string(f"hire/email/client_{kind}.txt", email_context)
    subject = _subject(kind, brief, recipient, network)
    send_mail(" ".join(subject.split()), body, None, [brief.contact_email])
    forget_task_arguments(context)
    return True


@task()
def delete_expired_brief_contacts() -> int:
    """Daily: close briefs that are over, then delete the contact details whose time has come.

    Returns how many briefs lost their contact details (see
    `services.brief_contacts_delete_expired` for the rules).
    """
    from coopnet.hire.services import brief_contacts_delete_expired

    return brief_contacts_delete_expired()


@task()
def embed_brief_texts() -> int:
    """Daily: store the text vector of briefs saved while the embedding model was missing.

    Returns how many were stored (see `coopnet/hire/history.py`).
    """
    from coopnet.hire.history import briefs_embed
    from coopnet.hire.models import Brief

    return briefs_embed(Brief.objects.all())
