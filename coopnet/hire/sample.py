"""Briefs for the invented sample network, made through the same services clients use.

So that `make serve` shows a coordinator a brief to route, a worker-owner a brief to answer,
and a brief the client has already settled.
"""

from coopnet.accounts.models import User
from coopnet.directory.models import Coop, Service
from coopnet.hire.models import BriefRecipient
from coopnet.hire.services import brief_answer, brief_choose, brief_send, brief_submit

SAMPLE_IP = "192.0.2.1"  # TEST-NET-1: a documentation address, never a real client


def load_sample_briefs(*, coordinator: User, worker_owner: User) -> int:
    """Three briefs: one waiting for the coordinator, one sent to the worker-owner's co-op,
    and one the client chose that co-op for. Returns how many were made."""
    coop = worker_owner.memberships.get().coop
    waiting, _raw = brief_submit(
        contact_name="Priya Shah",
        contact_email="priya@riverside-foodbank.example",
        organisation="Riverside Food Bank",
        text=(
            "Our volunteers book collection slots on a paper rota and things keep getting "
            "missed. We'd love a simple online booking system they can use on their phones."
        ),
        location="Leeds",
        consent_to_share=True,
        ip=SAMPLE_IP,
    )
    asked, _raw = brief_submit(
        contact_name="Tom Reid",
        contact_email="tom@hillside-housing.example",
        organisation="Hillside Housing Co-operative",
        text=(
            "Our website is ancient and nobody here can update it. We need someone to "
            "rebuild it and look after the server it runs on."
        ),
        services=Service.objects.filter(slug__in=["web-development", "hosting"]),
        budget="5k-20k",
        timeline="1-3-months",
        consent_to_share=True,
        ip=SAMPLE_IP,
    )
    brief_send(actor=coordinator, brief=asked, coops=[coop, *_others(coop, 2)])
    settled, _raw = brief_submit(
        contact_name="Ana Lopes",
        contact_email="ana@northern-arts-trust.example",
        organisation="Northern Arts Trust",
        text="A donation site for our spring appeal, with Gift Aid, ready by March.",
        budget="under-5k",
        consent_to_share=True,
        ip=SAMPLE_IP,
    )
    brief_send(actor=coordinator, brief=settled, coops=[coop])
    recipient = BriefRecipient.objects.get(brief=settled, coop=coop)
    brief_answer(
        actor=worker_owner,
        recipient=recipient,
        interested=True,
        message="We built two appeal sites last year and can start in January.",
    )
    brief_choose(brief=settled, recipients=[recipient])
    return 3


def _others(coop: Coop, count: int) -> list[Coop]:
    return list(Coop.objects.members().exclude(pk=coop.pk).order_by("name")[:count])
