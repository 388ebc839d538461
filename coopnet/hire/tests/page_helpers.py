"""Plain helpers for the hire tests: a client's brief, sent to co-ops through the same
services the pages call."""

from coopnet.hire import services
from coopnet.hire.matching import ProposedTeam
from coopnet.hire.models import Brief, BriefRecipient

BRIEF_TEXT = "We need an accessible website for our food bank, with a volunteer rota."
HOSTING_BRIEF = "We need someone to host our website and keep it running."
# `brief_submit`'s arguments for the service tests; each file overrides what it is about.
BRIEF = {
    "contact_name": "Cleo Client",
    "contact_email": "cleo@riverside.example",
    "text": "accessible websites for charities",
    "consent_to_share": True,
    "ip": "203.0.113.5",
}


def submit_brief(**overrides) -> tuple[Brief, str]:
    """A client's brief as the form would save it; returns it and its raw private-link token."""
    data = {
        "contact_name": "Cara Client",
        "contact_email": "cara@riverside.example",
        "organisation": "Riverside Food Bank",
        "sector": None,
        "text": BRIEF_TEXT,
        "services": [],
        "budget": "",
        "timeline": "",
        "effort_days": None,
        "location": "Sheffield",
        "remote_ok": True,
        "consent_to_share": True,
        "ip": "203.0.113.7",
    }
    data.update(overrides)
    return services.brief_submit(**data)


def send_to(brief: Brief, coordinator, *coops) -> list[BriefRecipient]:
    return services.brief_send(actor=coordinator, brief=brief, coops=list(coops))


def send_to_team(brief: Brief, coordinator, team) -> list[BriefRecipient]:
    """Send to a proposed team; the recipients by co-op name."""
    recipients = services.brief_send(actor=coordinator, brief=brief, team=team)
    return sorted(recipients, key=lambda r: r.coop.name)


def chosen_by_client(entry: BriefRecipient, worker_owner) -> BriefRecipient:
    """The co-op says it is interested and the client chooses it."""
    answer(entry, worker_owner)
    services.brief_choose(brief=entry.brief, recipients=[entry])
    entry.refresh_from_db()
    return entry


def sent_entry(coordinator, coop, **overrides) -> BriefRecipient:
    """A brief sent to `coop`: its inbox entry."""
    brief, _raw = submit_brief(**overrides)
    (entry,) = send_to(brief, coordinator, coop)
    return entry


def answer(
    entry: BriefRecipient,
    user,
    *,
    interested: bool = True,
    message: str = "We can.",
    decline_reason: str = "other",
) -> None:
    services.brief_answer(
        actor=user,
        recipient=entry,
        interested=interested,
        message=message,
        decline_reason=decline_reason,
    )


def two_coop_team(lead, other) -> ProposedTeam:
    """A team as matching proposes it: `lead` builds the website, `other` hosts it."""
    return ProposedTeam(
        lead=lead,
        members=[lead, other],
        covers={lead.pk: ["web-development"], other.pk: ["hosting"]},
        reasons=["Together they cover the website and its hosting."],
        score=0.8,
        exact=True,
    )


def said_yes_to_a_past_brief(coordinator, coop, text: str) -> BriefRecipient:
    """A past brief with `text`, sent to `coop` by a coordinator; a worker-owner of the co-op
    said it was interested (what matching's history reads)."""
    from coopnet.accounts.models import Membership, User

    past, _raw = submit_brief(text=text, ip="198.51.100.7")
    (recipient,) = send_to(past, coordinator, coop)
    worker = User.objects.create_user(
        username=f"{coop.slug}-worker", email=f"{coop.slug}-worker@example.org"
    )
    Membership.objects.create(user=worker, coop=coop)
    answer(recipient, worker, message="Yes please.")
    return recipient
