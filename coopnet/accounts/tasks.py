"""Mail sent by the background worker, so that a slow mail server never slows a page."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import TaskContext, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from coopnet.accounts.models import Invitation
from coopnet.network.models import NetworkSettings


def forget_task_arguments(context: TaskContext) -> None:
    # These mails carry live links (an invitation, a password reset) that the database otherwise
    # keeps only as hashes: once the mail is sent, the queue's copy of the link is blanked rather
    # than kept until the task results are pruned. A failed task keeps its arguments, so that it
    # can be looked into; its link expires anyway.
    if not isinstance(context.task_result.task.get_backend(), DatabaseBackend):
        return  # other backends keep no copy of the arguments, or not in this database
    DBTaskResult.objects.filter(id=context.task_result.id).update(
        args_kwargs={"args": [], "kwargs": {"sent": True}}
    )


@task(takes_context=True)
def send_invitation_email(context: TaskContext, *, invitation_id: int, accept_url: str) -> bool:
    """Mail one invitation's accept link; nothing is sent if it was withdrawn or used meanwhile."""
    invitation = (
        Invitation.objects.select_related("coop", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_usable:
        forget_task_arguments(context)
        return False
    email_context = {
        "invitation": invitation,
        "accept_url": accept_url,
        "network": NetworkSettings.load(),
        "site_url": settings.SITE_URL,
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", email_context)
    body = render_to_string("accounts/email/invitation.txt", email_context)
    send_mail(" ".join(subject.split()), body, None, [invitation.email])
    forget_task_arguments(context)
    return True


@task(takes_context=True)
def send_password_reset_email(
    context: TaskContext, *, subject: str, body: str, to_email: str
) -> None:
    """Mail a password-reset message that the web request already rendered."""
    send_mail(subject, body, None, [to_email])
    forget_task_arguments(context)
