"""Writes of the brief journey: a client's brief, routing it, the co-ops' answers, the client's
choice, outcomes and case studies, declared conflicts, and deleting contact details.

Views, the API, commands and tasks call these; none re-implements a rule. Each raises
PermissionDenied when the actor may not do it and ValidationError when the change would break a
rule, and writes nothing in either case. Every state change writes an audit row. Worker-owners
hear through `notify()`; the client (who has no account) through `tasks.send_brief_client_email`.

Who acts:
- the client has no account: their authority is the private link, so the client's services
  (`brief_choose`, `brief_withdraw`, `brief_access_renew`) take no actor; the caller checked the
  link with `brief_for_token`. They are audited with no user, labelled "client".
- coordinators route and close briefs (`actor=None` in `brief_send` is the automatic routing).
- the worker-owners of a co-op (coordinators only when they belong to it) answer for it.

When a brief is over (`closed_at`, from which the contact retention period counts):
- withdrawn or closed: at once;
- chosen: when every chosen co-op recorded its outcome, or `CHOSEN_BRIEF_CLOSES_AFTER` after the
  client chose, whichever comes first (the status stays "chosen": it says what happened);
- still open when its private link expired: the daily job closes it, since nobody can choose on
  it any more (a brief nobody closes must not keep its contact details for ever).
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from coopnet.accounts import ratelimit
from coopnet.accounts.models import User
from coopnet.accounts.selectors import coordinators, worker_owners_of
from coopnet.audit.services import audit_record
from coopnet.directory.models import CaseStudy, Coop, Sector, Service
from coopnet.directory.selectors import reachable_coop_ids
from coopnet.hire import history
from coopnet.hire.matching import BriefNeeds, MatchOutcome, ProposedTeam, match_coops
from coopnet.hire.models import Brief, BriefRecipient, Consortium, ConsortiumMember, CoopConflict
from coopnet.hire.selectors import is_coordinator, is_worker_owner, speaks_for
from coopnet.hire.tasks import ClientEmail, send_brief_client_email
from coopnet.network.models import NetworkSettings
from coopnet.notifications.services import notify

logger = logging.getLogger(__name__)

# A chosen brief counts as over this long after the client chose, even when the co-ops never
# record an outcome, so that the client's contact details are not kept for ever.
CHOSEN_BRIEF_CLOSES_AFTER = timedelta(days=90)
# How many ranked co-ops `brief_send` asks the matching engine for, to find the score and the
# reasons of each co-op it sends to (a coordinator may add a co-op far down the list).
SCORE_LOOKUP_LIMIT = 50
# Audit labels for changes no signed-in person made.
CLIENT = "client"
AUTOMATIC_ROUTING = "automatic routing"
RETENTION = "retention job"

MESSAGE_MAX_LENGTH = BriefRecipient._meta.get_field("response_message").max_length
TEXT_MAX_LENGTH = Brief._meta.get_field("text").max_length
# What deleting a client's contact details writes.
CONTACT_FIELDS = [
    "contact_name",
    "contact_email",
    "organisation",
    "contact_deleted_at",
    "access_revoked_at",
]


class BriefRateLimited(Exception):
    """Too many briefs from one address this hour."""


# Links


def brief_private_url(raw_token: str) -> str:
    """The path of the client's private page for the secret `raw_token`."""
    return reverse("hire:brief_status", args=[raw_token])


def _private_link(raw_token: str) -> str:
    return settings.SITE_URL + brief_private_url(raw_token)


def brief_for_token(raw: str) -> Brief | None:
    """The brief a private link opens, or None when the link is unknown, revoked or expired."""
    raw = (raw or "").strip()
    if not raw:
        return None
    brief = (
        Brief.objects.select_related("sector", "chosen_consortium")
        .filter(access_token_hash=Brief.hash_access_token(raw))
        .first()
    )
    return brief if brief is not None and brief.access_is_valid() else None


def _inbox_url(recipient: BriefRecipient) -> str:
    return reverse("hire:inbox_detail", args=[recipient.pk])


def _coordinator_url(brief: Brief) -> str:
    return reverse("hire:coordinator_brief", args=[brief.pk])


def _client_email(brief: Brief, kind: str, *, link: str = "", recipient_id: int | None = None):
    """Queue a mail to the client once the surrounding transaction commits."""
    if brief.contact_deleted:
        return
    brief_id = brief.pk
    transaction.on_commit(
        lambda: send_brief_client_email.enqueue(
            brief_id=brief_id, kind=kind, link=link, recipient_id=recipient_id
        )
    )


def _summary(brief: Brief) -> str:
    return Truncator(" ".join(brief.text.split())).chars(60)


def _lock(brief: Brief) -> Brief:
    return Brief.objects.select_for_update().get(pk=brief.pk)


def _refresh(brief: Brief, locked: Brief, fields: Iterable[str]) -> None:
    # Keep the caller's object true to what was saved.
    for name in fields:
        setattr(brief, name, getattr(locked, name))


# The client's brief


def brief_submit(
    *,
    contact_name: str,
    contact_email: str,
    organisation: str = "",
    sector: Sector | None = None,
    text: str,
    services: Iterable[Service] = (),
    budget: str = "",
    timeline: str = "",
    effort_days: int | None = None,
    location: str = "",
    remote_ok: bool = True,
    consent_to_share: bool,
    ip: str,
) -> tuple[Brief, str]:
    """Save a client's brief and return it with the raw private-link token (shown only here).

    Promises: consent to share is given; every field is valid (ValidationError keyed by field
    otherwise); at most `NetworkSettings.brief_rate_per_hour` briefs from one address an hour
    (BriefRateLimited otherwise, nothing saved). The link expires after
    `NetworkSettings.brief_link_days`; only its hash is stored. After the commit the client is
    mailed the link and the coordinators are notified ("brief_submitted"). With
    `briefs_route_automatically` the brief goes at once to the best `brief_auto_route_count`
    matches; if routing fails the brief stays new for the coordinators. Audited "brief.submit".
    """
    if not consent_to_share:
        raise ValidationError(
            {"consent_to_share": _("We can send your brief to co-ops only if you agree to this.")}
        )
    network = NetworkSettings.load()
    limit = {
        "scope": "brief",
        "subject": ip,
        "limit": network.brief_rate_per_hour,
        "window_seconds": 3600,
    }
    if ratelimit.rate_limit_reached(**limit):
        raise BriefRateLimited(
            _("Too many briefs were sent from your address in the last hour: try again later.")
        )
    raw, token_hash = Brief.new_access_token()
    text = (text or "").strip()
    brief = Brief(
        contact_name=(contact_name or "").strip(),
        contact_email=User.objects.normalize_email((contact_email or "").strip()),
        organisation=(organisation or "").strip(),
        sector=sector,
        text=text,
        budget=budget or "",
        timeline=timeline or "",
        effort_days=effort_days,
        location=(location or "").strip(),
        remote_ok=remote_ok,
        consent_to_share=True,
        access_token_hash=token_hash,
        access_expires_at=timezone.now() + timedelta(days=network.brief_link_days),
    )
    errors: dict[str, list[str]] = {}
    try:
        brief.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict
    if len(text) > TEXT_MAX_LENGTH:  # a TextField's max_length is not a model validator
        errors.setdefault("text", []).append(
            _("Keep it to %(max)d characters (it has %(length)d).")
            % {"max": TEXT_MAX_LENGTH, "length": len(text)}
        )
    if errors:
        raise ValidationError(errors)
    services = list(services)
    # For matching later briefs against this one (coopnet/hire/history.py); a few ms.
    brief.text_vector = history.vector_bytes(text)
    with transaction.atomic():
        brief.save()
        brief.services.set(services)
        audit_record(
            actor=CLIENT,
            action="brief.submit",
            target=brief,
            changes={
                "status": (None, brief.status),
                "services": (None, sorted(s.slug for s in services)),
            },
        )
        ratelimit.rate_limit_record(**limit)
        _client_email(brief, ClientEmail.CONFIRMATION, link=_private_link(raw))
        sent_to: list[str] = []
        if network.routes_briefs_automatically:
            sent_to = _route_automatically(brief, count=network.brief_auto_route_count)
        notify(
            users=coordinators(),
            kind="brief_submitted",
            subject=_("New brief: %(summary)s") % {"summary": _summary(brief)},
            template="hire/email/brief_submitted.txt",
            context={"brief": brief, "services": services, "sent_to": sent_to},
            url=_coordinator_url(brief),
        )
    return brief, raw


def _route_automatically(brief: Brief, *, count: int) -> list[str]:
    """Send `brief` to the best `count` co-ops; the names of those it went to."""
    try:
        # A savepoint: a failure here must not lose the client's brief.
        with transaction.atomic():
            outcome = brief_suggestions(brief=brief, limit=max(10, 3 * count))
            # Only co-ops with someone to see the brief: nobody watches automatic routing.
            reachable = reachable_coop_ids(m.coop.pk for m in outcome.results)
            coops = [m.coop for m in outcome.results if m.coop.pk in reachable][:count]
            if coops:
                brief_send(actor=None, brief=brief, coops=coops, suggestions=outcome)
            return [coop.name for coop in coops]
    except Exception:
        logger.exception(
            "Automatic routing of brief %s failed; it waits for a coordinator", brief.pk
        )
        return []


def brief_access_renew(*, brief: Brief, actor: User | None = None) -> str:
    """Replace the brief's private link (the old one stops working) and mail the new one.

    The client's own page (`actor=None`: the caller checked the current link), or a
    coordinator, for a client who lost the link or whose link expired or was stopped: the new
    one goes only to the address the brief was sent from. The new link lasts
    `NetworkSettings.brief_link_days`. Refused once the contact details are deleted (there is
    nobody to mail). Audited "brief.access_renew".
    """
    if actor is not None and not is_coordinator(actor):
        raise PermissionDenied(_("Only the network's coordinators can send a client a new link."))
    raw, token_hash = Brief.new_access_token()
    with transaction.atomic():
        locked = _lock(brief)
        if locked.contact_deleted:
            raise ValidationError(
                _("The contact details of this brief were deleted: there is nobody to send to.")
            )
        old_expiry = locked.access_expires_at
        locked.access_token_hash = token_hash
        locked.access_expires_at = timezone.now() + timedelta(
            days=NetworkSettings.load().brief_link_days
        )
        locked.access_revoked_at = None
        locked.save(update_fields=["access_token_hash", "access_expires_at", "access_revoked_at"])
        audit_record(
            actor=actor or CLIENT,
            action="brief.access_renew",
            target=locked,
            changes={"access_expires_at": (old_expiry, locked.access_expires_at)},
        )
        _client_email(locked, ClientEmail.LINK, link=_private_link(raw))
    _refresh(brief, locked, ["access_token_hash", "access_expires_at", "access_revoked_at"])
    return raw


def brief_access_revoke(*, actor: User | None, brief: Brief) -> None:
    """Stop the brief's private link. A coordinator, or `actor=None` for the client's own page.

    Revoking a link already revoked changes nothing. Audited "brief.access_revoke".
    """
    if actor is not None and not is_coordinator(actor):
        raise PermissionDenied(_("Only the network's coordinators can stop a client's link."))
    with transaction.atomic():
        locked = _lock(brief)
        if locked.access_revoked_at is not None:
            return
        locked.access_revoked_at = timezone.now()
        locked.save(update_fields=["access_revoked_at"])
        audit_record(
            actor=actor or CLIENT,
            action="brief.access_revoke",
            target=locked,
            changes={"access_revoked_at": (None, locked.access_revoked_at)},
        )
    _refresh(brief, locked, ["access_revoked_at"])


# Routing


def _conflicting_pairs(coop_ids: Iterable[int]) -> list[CoopConflict]:
    ids = list(set(coop_ids))
    return list(
        CoopConflict.objects.select_related("coop", "other_coop").filter(
            coop_id__in=ids, other_coop_id__in=ids
        )
    )


def _team_coops(team: ProposedTeam) -> list[Coop]:
    seen: dict[int, Coop] = {team.lead.pk: team.lead}
    for coop in team.members:
        seen.setdefault(coop.pk, coop)
    return list(seen.values())


# How long the work may take, in months, for each timeline a client can choose: the
# consortium builder counts each co-op's spare capacity over that many months.
TIMELINE_MONTHS = {
    Brief.Timeline.ASAP: 1,
    Brief.Timeline.MONTHS_1_3: 3,
    Brief.Timeline.MONTHS_3_6: 6,
    Brief.Timeline.LATER: 6,
}


def brief_suggestions(
    *,
    brief: Brief,
    limit: int = 10,
    team_include_ids: Iterable[int] = (),
    team_exclude_ids: Iterable[int] = (),
    max_team_size: int = 4,
) -> MatchOutcome:
    """The member co-ops (and teams) that match `brief`, best first, leaving out co-ops it was
    already sent to and teams that pair two co-ops that declared a conflict. A coordinator
    shapes the teams with co-ops every team must include or leave out, and a largest size."""
    already = set(brief.recipients.values_list("coop_id", flat=True))
    needs = BriefNeeds(
        text=brief.text,
        services=list(brief.services.values_list("slug", flat=True)),
        technologies=[],
        sector=brief.sector.slug if brief.sector_id else "",
        location=brief.location,
        remote_ok=brief.remote_ok,
        effort_days=brief.effort_days,
        timeline_months=TIMELINE_MONTHS.get(brief.timeline),
        brief_id=brief.pk,
        text_vector=brief.text_vector,
    )
    # Matching's team builder already respects declared conflicts; `brief_send` checks again
    # the team a coordinator sends, which may be stale.
    return match_coops(
        needs,
        limit=limit,
        exclude_coop_ids=already,
        team_include_ids=team_include_ids,
        team_exclude_ids=team_exclude_ids,
        max_team_size=max_team_size,
    )


def brief_send(
    *,
    actor: User | None,
    brief: Brief,
    coops: Iterable[Coop] = (),
    team: ProposedTeam | None = None,
    suggestions: MatchOutcome | None = None,
) -> list[BriefRecipient]:
    """Send an open brief to `coops` (and to every co-op of `team`); return the new recipients.

    Promises: a coordinator, or `actor=None` for automatic routing; only member co-ops
    (ValidationError naming the others); co-ops it was already sent to are skipped; a team that
    pairs two co-ops with a declared conflict is refused. Each recipient keeps the score and
    the reasons the matching engine gives now (`suggestions`, when the caller already has
    them, saves computing them again). A `team` is saved as a Consortium with what each member
    brings. The first send moves the brief from new to sent; sending more later is allowed
    while it is open. Every worker-owner of each new co-op is notified ("brief_new", linking
    to the co-op's inbox entry). Audited "brief.send".
    """
    if actor is not None and not is_coordinator(actor):
        raise PermissionDenied(_("Only the network's coordinators send briefs to co-ops."))
    wanted: dict[int, Coop] = {coop.pk: coop for coop in coops}
    if team is not None:
        for coop in _team_coops(team):
            wanted.setdefault(coop.pk, coop)
    if not wanted:
        raise ValidationError(_("Choose at least one co-op to send the brief to."))
    members = set(Coop.objects.members().filter(pk__in=wanted).values_list("pk", flat=True))
    outside = sorted(coop.name for pk, coop in wanted.items() if pk not in members)
    if outside:
        raise ValidationError(
            _("Briefs go only to member co-ops, and these are not members: %(names)s.")
            % {"names": ", ".join(outside)}
        )
    if team is not None:
        conflicts = _conflicting_pairs(c.pk for c in _team_coops(team))
        if conflicts:
            raise ValidationError(
                _("This team pairs co-ops that will not work together: %(pairs)s.")
                % {"pairs": "; ".join(f"{c.coop.name} / {c.other_coop.name}" for c in conflicts)}
            )
    if suggestions is None:
        suggestions = brief_suggestions(brief=brief, limit=max(SCORE_LOOKUP_LIMIT, len(wanted)))
    scores = {match.coop.pk: (match.score, list(match.reasons)) for match in suggestions.results}
    team_ids = {c.pk for c in _team_coops(team)} if team is not None else set()

    now = timezone.now()
    with transaction.atomic():
        locked = _lock(brief)
        if not locked.is_open:
            raise ValidationError(_("This brief is no longer open, so it cannot be sent."))
        already = set(locked.recipients.values_list("coop_id", flat=True))
        consortium = None
        if team is not None:
            consortium = Consortium(
                brief=locked, lead=team.lead, reasons=list(team.reasons), created_by=actor
            )
            consortium.full_clean()
            consortium.save()
            ConsortiumMember.objects.bulk_create(
                ConsortiumMember(
                    consortium=consortium, coop=coop, brings=list(team.covers.get(coop.pk, []))
                )
                for coop in _team_coops(team)
            )
        created: list[BriefRecipient] = []
        for pk, coop in wanted.items():
            if pk in already:
                continue
            score, reasons = scores.get(pk, (None, []))
            if not reasons and pk in team_ids:
                reasons = list(team.reasons)
            recipient = BriefRecipient(
                brief=locked,
                coop=coop,
                match_score=score,
                match_reasons=[str(reason) for reason in reasons],
                sent_at=now,
                sent_by=actor,
            )
            recipient.full_clean()
            recipient.save()
            created.append(recipient)
        old_status = locked.status
        if created and locked.status == Brief.Status.NEW:
            locked.status = Brief.Status.SENT
            locked.sent_at = now
            locked.save(update_fields=["status", "sent_at"])
        if created or consortium is not None:
            audit_record(
                actor=actor or AUTOMATIC_ROUTING,
                action="brief.send",
                target=locked,
                changes={
                    "status": (old_status, locked.status),
                    "coops": (None, [r.coop.slug for r in created]),
                },
                note=f"Team led by {team.lead.slug}." if team is not None else "",
            )
        for recipient in created:
            notify(
                users=worker_owners_of([recipient.coop_id]),
                kind="brief_new",
                subject=_("A brief for %(coop)s: %(summary)s")
                % {"coop": recipient.coop.name, "summary": _summary(locked)},
                template="hire/email/brief_new.txt",
                context={"brief": locked, "recipient": recipient, "consortium": consortium},
                url=_inbox_url(recipient),
            )
    _refresh(brief, locked, ["status", "sent_at"])
    return created


# The co-ops' answers


def _check_worker_owner(actor: Any, coop: Coop) -> None:
    if not is_worker_owner(actor, coop):
        raise PermissionDenied(
            _("Only the worker-owners of %(coop)s can do this for it.") % {"coop": coop.name}
        )


def _lock_entry(recipient: BriefRecipient) -> tuple[Brief, BriefRecipient]:
    """Lock a recipient's brief, then the recipient (always in that order), and check it was
    sent."""
    brief = Brief.objects.select_for_update().get(pk=recipient.brief_id)
    locked = (
        BriefRecipient.objects.select_for_update(of=("self",))
        .select_related("coop")
        .get(pk=recipient.pk)
    )
    if locked.sent_at is None:
        raise ValidationError(_("This brief was not sent to %(coop)s.") % {"coop": locked.coop})
    locked.brief = brief  # the locked row, for the rules that read it
    return brief, locked


def _clean_message(message: str, *, required: str = "") -> str:
    message = (message or "").strip()
    if required and not message:
        raise ValidationError({"message": required})
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "message": _("Keep it to %(max)d characters (it has %(length)d).")
                % {"max": MESSAGE_MAX_LENGTH, "length": len(message)}
            }
        )
    return message


def brief_answer(
    *,
    actor: User,
    recipient: BriefRecipient,
    interested: bool,
    message: str,
    decline_reason: str = BriefRecipient.DeclineReason.OTHER,
) -> BriefRecipient:
    """A co-op answers a brief sent to it: interested (with a message to the client) or declined
    (with a reason that coordinators read; the client sees only "declined"), saying whether it
    is too busy, the work is not its kind, or another reason (`decline_reason`: matching reads
    it for later briefs like this one).

    Promises: only the co-op's worker-owners; only while the brief is open (the client has not
    chosen); a pending answer may become either, an interested one may become declined,
    nothing else changes. The client is mailed that the co-op answered. Audited "brief.answer".
    """
    _check_worker_owner(actor, recipient.coop)
    message = _clean_message(
        message,
        required=_("Write a message to the client.")
        if interested
        else _("Give your reason for declining: only coordinators read it."),
    )
    Response = BriefRecipient.Response
    new = Response.INTERESTED if interested else Response.DECLINED
    if interested:
        decline_reason = ""
    elif decline_reason not in BriefRecipient.DeclineReason.values:
        raise ValidationError(
            {"decline_reason": _("Say why: too busy, not your kind of work, or another reason.")}
        )
    with transaction.atomic():
        brief, locked = _lock_entry(recipient)
        if brief.status != Brief.Status.SENT:
            raise ValidationError(_("This brief is no longer open for answers."))
        old = locked.response
        if not (
            old == Response.PENDING or (old == Response.INTERESTED and new == Response.DECLINED)
        ):
            raise ValidationError(
                _("%(coop)s already answered “%(answer)s”.")
                % {"coop": locked.coop.name, "answer": locked.get_response_display()}
            )
        changes: dict[str, tuple] = {"response": (old, new)}
        if locked.decline_reason != decline_reason:
            changes["decline_reason"] = (locked.decline_reason, decline_reason)
        locked.response = new
        locked.response_message = message
        locked.decline_reason = decline_reason
        locked.responded_at = timezone.now()
        locked.responded_by = actor
        locked.save(
            update_fields=[
                "response",
                "response_message",
                "decline_reason",
                "responded_at",
                "responded_by",
            ]
        )
        audit_record(
            actor=actor,
            action="brief.answer",
            target=locked,
            changes=changes,
        )
        _client_email(brief, ClientEmail.ANSWERED, recipient_id=locked.pk)
        if new == Response.DECLINED:
            _tell_coordinators_a_team_broke(brief, locked)
    return locked


def _tell_coordinators_a_team_broke(brief: Brief, gone: BriefRecipient) -> None:
    """A team is chosen whole: one member declining or passing the brief on means the client
    cannot choose it, and only a coordinator can propose another."""
    leads = [
        team.lead.name
        for team in brief.consortia.filter(memberships__coop=gone.coop).select_related("lead")
    ]
    if not leads:
        return
    passed = gone.response == BriefRecipient.Response.PASSED
    subject = (
        _("%(coop)s passed on a brief its team was sent: %(summary)s")
        if passed
        else _("%(coop)s declined a brief its team was sent: %(summary)s")
    )
    notify(
        users=coordinators(),
        kind="brief_team_declined",
        subject=subject % {"coop": gone.coop.name, "summary": _summary(brief)},
        template="hire/email/brief_team_declined.txt",
        context={"brief": brief, "recipient": gone, "leads": leads, "passed": passed},
        url=_coordinator_url(brief),
    )


def brief_pass_on(
    *, actor: User, recipient: BriefRecipient, to_coop: Coop, message: str = ""
) -> BriefRecipient:
    """A co-op too busy for a brief passes it to another member co-op in one step.

    Promises: only the co-op's worker-owners, before they answered, while the brief is open;
    `to_coop` is a member, not the same co-op, and not already asked. The passing co-op's answer
    becomes "passed" (with `message`, a note for the other co-op and coordinators); the new
    recipient (`passed_from` the old) is returned, and its worker-owners are notified
    ("brief_passed"). Audited "brief.pass_on".
    """
    _check_worker_owner(actor, recipient.coop)
    message = _clean_message(message)
    with transaction.atomic():
        brief, locked = _lock_for_passing(recipient)
        if to_coop.pk == locked.coop_id:
            raise ValidationError({"to_coop": _("Choose another co-op than your own.")})
        if not Coop.objects.members().filter(pk=to_coop.pk).exists():
            raise ValidationError({"to_coop": _("Briefs go only to member co-ops.")})
        if BriefRecipient.objects.filter(brief=brief, coop=to_coop).exists():
            raise ValidationError(
                {"to_coop": _("%(coop)s was already asked.") % {"coop": to_coop.name}}
            )
        if not Coop.objects.filter(pk=to_coop.pk).reachable().exists():
            raise ValidationError(
                {
                    "to_coop": _(
                        "Nobody from %(coop)s uses Coopnet yet, so they would never see it. "
                        "Choose another co-op, or decline and say why."
                    )
                    % {"coop": to_coop.name}
                }
            )
        now = timezone.now()
        old = _mark_passed(locked, actor=actor, message=message, now=now)
        passed = BriefRecipient(
            brief=brief,
            coop=to_coop,
            passed_from=locked,
            match_reasons=[_("Passed on by %(coop)s.") % {"coop": locked.coop.name}],
            sent_at=now,
            sent_by=actor,
        )
        passed.full_clean()
        passed.save()
        audit_record(
            actor=actor,
            action="brief.pass_on",
            target=locked,
            changes={"response": (old, locked.response), "passed_to": (None, to_coop.slug)},
        )
        notify(
            users=worker_owners_of([to_coop.pk]),
            kind="brief_passed",
            subject=_("%(from)s passed a brief to %(coop)s: %(summary)s")
            % {"from": locked.coop.name, "coop": to_coop.name, "summary": _summary(brief)},
            template="hire/email/brief_passed.txt",
            context={"brief": brief, "recipient": passed, "from_recipient": locked},
            url=_inbox_url(passed),
        )
    return passed


def brief_refer_on(*, actor: User, recipient: BriefRecipient, referral_id: int) -> BriefRecipient:
    """A co-op passed the brief on as a referral (coopnet.referrals, which calls this inside the
    referral's own transaction): its answer becomes "passed".

    Promises: as `brief_pass_on`, only the co-op's worker-owners, before they answered, while the
    brief is with the co-ops. Audited "brief.pass_on", naming the referral.
    """
    _check_worker_owner(actor, recipient.coop)
    with transaction.atomic():
        _brief, locked = _lock_for_passing(recipient)
        old = _mark_passed(locked, actor=actor, message="", now=timezone.now())
        audit_record(
            actor=actor,
            action="brief.pass_on",
            target=locked,
            changes={"response": (old, locked.response), "referral": (None, referral_id)},
        )
    return locked


def _lock_for_passing(recipient: BriefRecipient) -> tuple[Brief, BriefRecipient]:
    brief, locked = _lock_entry(recipient)
    if brief.status != Brief.Status.SENT:
        raise ValidationError(_("This brief is no longer open, so it cannot be passed on."))
    if locked.response != BriefRecipient.Response.PENDING:
        raise ValidationError(_("A brief can be passed on only before you answer it."))
    return brief, locked


def _mark_passed(locked: BriefRecipient, *, actor: User, message: str, now: datetime) -> str:
    """Record the co-op's answer as "passed" (and tell the coordinators when that breaks a team
    the brief was sent to); returns the answer it replaced."""
    old = locked.response
    locked.response = BriefRecipient.Response.PASSED
    locked.response_message = message
    locked.responded_at = now
    locked.responded_by = actor
    locked.save(update_fields=["response", "response_message", "responded_at", "responded_by"])
    _tell_coordinators_a_team_broke(locked.brief, locked)
    return old


# The client's choice


def _notify_recipients(
    recipients: Iterable[BriefRecipient], *, kind: str, subject: str, brief: Brief
) -> None:
    for recipient in recipients:
        notify(
            users=worker_owners_of([recipient.coop_id]),
            kind=kind,
            subject=subject % {"coop": recipient.coop.name, "summary": _summary(brief)},
            template=f"hire/email/{kind}.txt",
            context={"brief": brief, "recipient": recipient},
            url=_inbox_url(recipient),
        )


def _still_in_play(brief: Brief) -> list[BriefRecipient]:
    """The co-ops that would want to know the brief ended: those not out of it already."""
    return list(
        BriefRecipient.objects.sent()
        .select_related("coop")
        .filter(
            brief=brief,
            response__in=[BriefRecipient.Response.PENDING, BriefRecipient.Response.INTERESTED],
        )
    )


def brief_choose(
    *,
    brief: Brief,
    recipients: list[BriefRecipient] | None = None,
    consortium: Consortium | None = None,
) -> Brief:
    """The client picks one interested co-op (`recipients=[one]`) or a team (`consortium`).

    The client's service (no actor: the caller checked the private link). Promises: the brief
    is sent and not yet chosen, withdrawn or closed; the co-op answered interested, or every
    member of the team (a Consortium of this brief) did. The chosen recipients are marked,
    the brief becomes "chosen", and the chosen and the other co-ops still in play are notified
    ("brief_chosen", "brief_not_chosen"). Audited "brief.choose".
    """
    if (recipients is None) == (consortium is None):
        raise ValidationError(_("Choose one co-op or one team."))
    Response = BriefRecipient.Response
    with transaction.atomic():
        locked = _lock(brief)
        if locked.status != Brief.Status.SENT:
            raise ValidationError(_("You can choose only while your brief is open."))
        sent = BriefRecipient.objects.sent().select_for_update(of=("self",)).filter(brief=locked)
        if consortium is not None:
            if consortium.brief_id != locked.pk:
                raise ValidationError(_("That team was not proposed for this brief."))
            member_ids = set(consortium.memberships.values_list("coop_id", flat=True))
            chosen = list(sent.select_related("coop").filter(coop_id__in=member_ids))
            if (
                not member_ids
                or len(chosen) != len(member_ids)
                or any(r.response != Response.INTERESTED for r in chosen)
            ):
                raise ValidationError(
                    _("You can choose a team only once every co-op in it said it is interested.")
                )
        else:
            if len(recipients) != 1:
                raise ValidationError(_("Choose one co-op, or one team."))
            chosen = list(sent.select_related("coop").filter(pk=recipients[0].pk))
            if not chosen or chosen[0].response != Response.INTERESTED:
                raise ValidationError(_("You can choose only a co-op that said it is interested."))
        for recipient in chosen:
            recipient.is_chosen = True
            recipient.save(update_fields=["is_chosen"])
        locked.status = Brief.Status.CHOSEN
        locked.chosen_at = timezone.now()
        locked.chosen_consortium = consortium
        locked.save(update_fields=["status", "chosen_at", "chosen_consortium"])
        audit_record(
            actor=CLIENT,
            action="brief.choose",
            target=locked,
            changes={
                "status": (Brief.Status.SENT, locked.status),
                "chosen": (None, sorted(r.coop.slug for r in chosen)),
            },
            note=f"Team led by {consortium.lead.slug}." if consortium is not None else "",
        )
        chosen_ids = {r.pk for r in chosen}
        _notify_recipients(
            chosen,
            kind="brief_chosen",
            subject=_("The client chose %(coop)s: %(summary)s"),
            brief=locked,
        )
        _notify_recipients(
            [r for r in _still_in_play(locked) if r.pk not in chosen_ids],
            kind="brief_not_chosen",
            subject=_("The client chose another co-op: %(summary)s"),
            brief=locked,
        )
    _refresh(brief, locked, ["status", "chosen_at", "chosen_consortium"])
    return locked


def brief_withdraw(*, brief: Brief) -> Brief:
    """The client withdraws an open brief (no actor: the caller checked the private link).

    The brief is over at once (`closed_at`); the co-ops still in play are notified
    ("brief_withdrawn"). Audited "brief.withdraw".
    """
    with transaction.atomic():
        locked = _lock(brief)
        if not locked.is_open:
            raise ValidationError(_("Only an open brief can be withdrawn."))
        old = locked.status
        locked.status = Brief.Status.WITHDRAWN
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=CLIENT,
            action="brief.withdraw",
            target=locked,
            changes={"status": (old, locked.status)},
        )
        _notify_recipients(
            _still_in_play(locked),
            kind="brief_withdrawn",
            subject=_("The client withdrew a brief: %(summary)s"),
            brief=locked,
        )
    _refresh(brief, locked, ["status", "closed_at"])
    return locked


def _close(locked: Brief, *, actor: Any, note: str, tell_client: bool) -> None:
    old = locked.status
    locked.status = Brief.Status.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=actor,
        action="brief.close",
        target=locked,
        changes={"status": (old, locked.status)},
        note=note,
    )
    _notify_recipients(
        _still_in_play(locked),
        kind="brief_closed",
        subject=_("A brief was closed: %(summary)s"),
        brief=locked,
    )
    if tell_client:
        _client_email(locked, ClientEmail.CLOSED)


def brief_close(*, actor: User, brief: Brief, reason: str = "", tell_client: bool = True) -> Brief:
    """A coordinator closes an open brief (spam, no co-op fits); `reason` goes to the audit log.

    The co-ops still in play are notified ("brief_closed"); the client is mailed unless
    `tell_client` is False (spam: mailing the address would help the sender). Audited
    "brief.close".
    """
    if not is_coordinator(actor):
        raise PermissionDenied(_("Only the network's coordinators close briefs."))
    with transaction.atomic():
        locked = _lock(brief)
        if not locked.is_open:
            raise ValidationError(_("Only an open brief can be closed."))
        _close(locked, actor=actor, note=(reason or "").strip()[:500], tell_client=tell_client)
    _refresh(brief, locked, ["status", "closed_at"])
    return locked


# After the choice


def brief_record_outcome(
    *, actor: User, recipient: BriefRecipient, outcome: str, value: Decimal | None = None
) -> BriefRecipient:
    """A co-op records whether it won the work, and its value (kept inside the network).

    Promises: only the co-op's worker-owners; only once the client has chosen, and not by a co-op
    that passed the brief on (`BriefRecipient.may_record_outcome`); only a chosen co-op can have
    won; `outcome` is won or lost; `value` is not negative. It may be corrected later. When
    every chosen co-op has an outcome the brief is over (`closed_at`; it stays "chosen").
    Audited "brief.outcome".
    """
    _check_worker_owner(actor, recipient.coop)
    Outcome = BriefRecipient.Outcome
    if outcome not in (Outcome.WON, Outcome.LOST):
        raise ValidationError({"outcome": _("Say whether you won or lost it.")})
    if value is not None and value < 0:
        raise ValidationError({"value": _("The value cannot be negative.")})
    with transaction.atomic():
        brief, locked = _lock_entry(recipient)
        if not locked.may_record_outcome:
            raise ValidationError(
                _("An outcome is recorded once the client has chosen, by a co-op that kept it.")
            )
        if outcome == Outcome.WON and not locked.is_chosen:
            raise ValidationError(
                {"outcome": _("The client chose another co-op: record that you lost it.")}
            )
        old = (locked.outcome, locked.outcome_value)
        locked.outcome = outcome
        locked.outcome_value = value
        locked.outcome_recorded_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["outcome", "outcome_value", "outcome_recorded_at"])
        audit_record(
            actor=actor,
            action="brief.outcome",
            target=locked,
            changes={"outcome": (old[0], outcome), "outcome_value": (old[1], value)},
        )
        chosen = brief.recipients.filter(is_chosen=True)
        if (
            brief.status == Brief.Status.CHOSEN
            and brief.closed_at is None
            and chosen.exists()
            and not chosen.filter(outcome=Outcome.NONE).exists()
        ):
            brief.closed_at = timezone.now()
            brief.save(update_fields=["closed_at"])
            audit_record(
                actor=actor,
                action="brief.close",
                target=brief,
                changes={"closed_at": (None, brief.closed_at)},
                note="Every chosen co-op recorded its outcome.",
            )
    return locked


def _unique_case_study_slug(title: str) -> str:
    base = slugify(title)[:180] or "case-study"
    slug, n = base, 1
    while CaseStudy.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def brief_case_study_create(
    *,
    actor: User,
    recipient: BriefRecipient,
    title: str,
    summary: str,
    year: int | None = None,
    client_name: str = "",
) -> CaseStudy:
    """Turn a won brief into a case study on the profiles of the co-ops that did the work.

    Promises: only a worker-owner of a co-op that recorded "won"; once per brief. The case study
    names every co-op that won it and, when the client chose a team this co-op was in, every
    chosen member that did not record "lost". Its services are the brief's. It names a client
    only as `client_name` says: the client was promised their organisation is not published,
    so the co-op names them only when they agreed. Each of those recipients points to it.
    Audited "brief.case_study".
    """
    _check_worker_owner(actor, recipient.coop)
    title = (title or "").strip()
    summary = (summary or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the project a title.")
    if not summary:
        errors["summary"] = _("Say what was done.")
    if errors:
        raise ValidationError(errors)
    Outcome = BriefRecipient.Outcome
    with transaction.atomic():
        brief, locked = _lock_entry(recipient)
        if locked.outcome != Outcome.WON:
            raise ValidationError(_("Only a brief you won can become a case study."))
        if brief.recipients.filter(case_study__isnull=False).exists():
            raise ValidationError(_("This brief already has its case study."))
        doers = [
            r
            for r in brief.recipients.sent().select_related("coop")
            if r.outcome == Outcome.WON
            or (
                locked.is_chosen
                and r.is_chosen
                and brief.chosen_consortium_id is not None
                and r.outcome != Outcome.LOST
            )
        ]
        services_text = ", ".join(brief.services.order_by("name").values_list("name", flat=True))
        case_study = CaseStudy(
            title=title,
            slug=_unique_case_study_slug(title),
            client_name=(client_name or "").strip(),
            summary=summary,
            services_text=Truncator(services_text).chars(500),
            year=year,
        )
        case_study.full_clean()
        case_study.save()
        case_study.coops.set([r.coop for r in doers])
        BriefRecipient.objects.filter(pk__in=[r.pk for r in doers]).update(case_study=case_study)
        audit_record(
            actor=actor,
            action="brief.case_study",
            target=brief,
            changes={
                "case_study": (None, case_study.slug),
                "coops": (None, sorted(r.coop.slug for r in doers)),
            },
        )
    return case_study


# Contact details


def brief_contact_delete(*, brief: Brief, actor: User | None = None) -> None:
    """Blank the client's name, email and organisation and stop the private link; the brief
    itself stays (for the co-ops' history and the network's figures).

    `actor` is a coordinator (a client's request) or None (the retention job). Deleting twice
    changes nothing. The copies in referrals made from the brief go too. Audited
    "brief.contact_delete" (without the deleted values).
    """
    from coopnet.referrals.services import referrals_forget_brief_contact

    if actor is not None and not is_coordinator(actor):
        raise PermissionDenied(_("Only the network's coordinators delete a client's details."))
    with transaction.atomic():
        locked = _lock(brief)
        if locked.contact_deleted:
            return
        now = timezone.now()
        locked.contact_name = ""
        locked.contact_email = ""
        locked.organisation = ""
        locked.contact_deleted_at = now
        locked.access_revoked_at = locked.access_revoked_at or now
        locked.save(update_fields=CONTACT_FIELDS)
        audit_record(
            actor=actor or RETENTION,
            action="brief.contact_delete",
            target=locked,
            changes={"contact_deleted_at": (None, now)},
        )
        referrals_forget_brief_contact(brief=locked, actor=actor or RETENTION)
    _refresh(
        brief,
        locked,
        [
            "contact_name",
            "contact_email",
            "organisation",
            "contact_deleted_at",
            "access_revoked_at",
        ],
    )


def briefs_close_when_over(*, now: datetime | None = None) -> int:
    """Mark the briefs that are over but not yet closed (see the module's docstring); return how
    many. Chosen briefs get `closed_at` = chosen_at + CHOSEN_BRIEF_CLOSES_AFTER; open briefs whose
    private link expired are closed (the co-ops still in play are notified)."""
    now = now or timezone.now()
    count = 0
    for brief in Brief.objects.filter(
        status=Brief.Status.CHOSEN,
        closed_at__isnull=True,
        chosen_at__lte=now - CHOSEN_BRIEF_CLOSES_AFTER,
    ):
        with transaction.atomic():
            locked = _lock(brief)
            if locked.closed_at is not None:
                continue
            locked.closed_at = locked.chosen_at + CHOSEN_BRIEF_CLOSES_AFTER
            locked.save(update_fields=["closed_at"])
            audit_record(
                actor=RETENTION,
                action="brief.close",
                target=locked,
                changes={"closed_at": (None, locked.closed_at)},
                note="Chosen long enough ago.",
            )
            count += 1
    for brief in Brief.objects.open().filter(access_expires_at__lte=now):
        with transaction.atomic():
            locked = _lock(brief)
            if not locked.is_open or locked.access_expires_at > now:
                continue
            _close(locked, actor=RETENTION, note="The client's link expired.", tell_client=False)
            count += 1
    return count


def brief_contacts_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the contact details of every brief over for longer than
    `NetworkSettings.brief_contact_retention_days`; return how many. Closes what is over first."""
    now = now or timezone.now()
    briefs_close_when_over(now=now)
    retention_days = NetworkSettings.load().brief_contact_retention_days
    due = Brief.objects.with_contact_due_for_deletion(retention_days=retention_days, now=now)
    count = 0
    for brief in due:
        brief_contact_delete(brief=brief)
        count += 1
    return count


# Declared conflicts


def coop_conflict_declare(
    *, actor: User, coop: Coop, other_coop: Coop, note: str = ""
) -> CoopConflict:
    """`coop` declares it will not work with `other_coop`: suggested teams never pair them.

    Promises: a worker-owner of `coop`, or a coordinator; not the co-op itself; once per pair
    (whichever side declared it). Audited "coop_conflict.declare".
    """
    if not speaks_for(actor, coop):
        raise PermissionDenied(
            _("Only the worker-owners of %(coop)s can declare its conflicts.") % {"coop": coop}
        )
    if coop.pk == other_coop.pk:
        raise ValidationError({"other_coop": _("A co-op cannot have a conflict with itself.")})
    low, high = sorted([coop.pk, other_coop.pk])
    conflict = CoopConflict(
        coop_id=low,
        other_coop_id=high,
        note=(note or "").strip(),
        declared_by=actor,
        declared_by_coop=coop,
    )
    with transaction.atomic():
        if CoopConflict.objects.filter(coop_id=low, other_coop_id=high).exists():
            raise ValidationError(
                {
                    "other_coop": _(
                        "A conflict between %(coop)s and %(other)s is already declared."
                    )
                    % {"coop": coop.name, "other": other_coop.name}
                }
            )
        conflict.full_clean()
        conflict.save()
        audit_record(
            actor=actor,
            action="coop_conflict.declare",
            target=conflict,
            changes={"coops": (None, [coop.slug, other_coop.slug])},
        )
    return conflict


def coop_conflict_remove(*, actor: User, conflict: CoopConflict) -> None:
    """Take back a declared conflict: the co-op that declared it (its worker-owners), or a
    coordinator. Audited "coop_conflict.remove"."""
    declaring = (
        [conflict.declared_by_coop]
        if conflict.declared_by_coop_id is not None
        else [conflict.coop, conflict.other_coop]
    )
    if not (is_coordinator(actor) or any(is_worker_owner(actor, c) for c in declaring)):
        raise PermissionDenied(_("Only the co-op that declared this conflict can take it back."))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="coop_conflict.remove",
            target=conflict,
            changes={"coops": ([conflict.coop.slug, conflict.other_coop.slug], None)},
        )
        conflict.delete()


def hire_export_data(*, user: User) -> dict[str, Any]:
    """What the hire app keeps of what `user` did, for them to download: the briefs they sent
    to co-ops, the teams they sent, their answers for a co-op and the conflicts they declared.

    A brief's text and the client's details are the client's, not the person's: the download
    names a brief by its number only.
    """
    return {
        "briefs_sent": [
            {"brief": r.brief_id, "coop": r.coop.slug, "sent_at": r.sent_at}
            for r in BriefRecipient.objects.filter(sent_by=user)
            .select_related("coop")
            .order_by("sent_at", "id")
        ],
        "teams_sent": [
            {
                "brief": team.brief_id,
                "lead": team.lead.slug,
                "members": sorted(m.coop.slug for m in team.memberships.all()),
                "created_at": team.created_at,
            }
            for team in Consortium.objects.filter(created_by=user)
            .select_related("lead")
            .prefetch_related("memberships__coop")
            .order_by("created_at", "id")
        ],
        "brief_answers": [
            {
                "brief": r.brief_id,
                "coop": r.coop.slug,
                "response": r.response,
                "message": r.response_message,
                "decline_reason": r.decline_reason,
                "responded_at": r.responded_at,
            }
            for r in BriefRecipient.objects.filter(responded_by=user)
            .select_related("coop")
            .order_by("responded_at", "id")
        ],
        "conflicts_declared": [
            {
                "coop": conflict.coop.slug,
                "other_coop": conflict.other_coop.slug,
                "note": conflict.note,
                "created_at": conflict.created_at,
            }
            for conflict in CoopConflict.objects.filter(declared_by=user)
            .select_related("coop", "other_coop")
            .order_by("created_at", "id")
        ],
    }
