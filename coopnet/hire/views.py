"""Pages of the brief journey.

- Clients (no account): the brief form, the thanks page, and the brief's private page, reached
  only through the secret link mailed to them.
- Coordinators: the list of briefs, and one brief with its suggested co-ops and teams.
- Worker-owners: their co-ops' brief inbox, and one entry with the answer, pass-on, outcome and
  case-study forms.

Views fetch what the person may see, hand every write to `coopnet.hire.services` (which checks
permission and writes the audit row) and render or redirect.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coopnet.accounts.ratelimit import client_ip
from coopnet.directory.models import Coop
from coopnet.directory.selectors import reachable_coop_ids
from coopnet.hire import forms, selectors, services
from coopnet.hire.matching import MatchOutcome
from coopnet.hire.models import Brief, BriefRecipient, CoopConflict
from coopnet.lib.forms import add_service_errors, posted
from coopnet.lib.pagination import page_of
from coopnet.network.models import NetworkSettings

BRIEFS_PER_PAGE = 50
INBOX_PER_PAGE = 25
# Statuses in the order coordinators work through them: what needs routing first.
STATUS_ORDER = [s.value for s in Brief.Status]
# The session key that carries the address the thanks page names (never the link itself).
THANKS_EMAIL_KEY = "hire_thanks_email"


def _private(response: HttpResponse, *, referrer_policy: str = "no-referrer") -> HttpResponse:
    """A page reached by a secret link: never indexed, and its address (the secret) never sent
    to another site as a referrer.

    A page with forms uses "same-origin", not "no-referrer": under "no-referrer" browsers send
    `Origin: null` with the page's own POSTs, which CSRF protection rightly refuses. Its address
    then goes only back to this site, which already has it, and never elsewhere.
    """
    response["Referrer-Policy"] = referrer_policy
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# The client: the brief form, the thanks page and the private page


def brief_new(request: HttpRequest) -> HttpResponse:
    form = forms.BriefForm(posted(request))
    status = 200
    if request.method == "POST":
        # A filled honeypot gets the same thanks page as a person, so a robot learns nothing.
        if form.is_spam:
            request.session[THANKS_EMAIL_KEY] = request.POST.get("contact_email", "")[:254]
            return redirect("hire:brief_thanks")
        status = 400
        if form.is_valid():
            try:
                brief, _raw = services.brief_submit(**form.submission(), ip=client_ip(request))
            except services.BriefRateLimited:
                status = 429
                message = _(
                    "We have received several briefs from your address in the last hour, so "
                    "we cannot take another one just now. Everything you typed is kept below: "
                    "please try again in an hour."
                )
                contact = NetworkSettings.load().contact_email
                if contact:
                    message += " " + _("Or email the network at %(email)s.") % {"email": contact}
                form.add_error(None, message)
            except ValidationError as exc:
                add_service_errors(exc, form)
            else:
                request.session[THANKS_EMAIL_KEY] = brief.contact_email
                return redirect("hire:brief_thanks")
    return render(request, "hire/brief_new.html", {"form": form}, status=status)


def brief_thanks(request: HttpRequest) -> HttpResponse:
    email = request.session.pop(THANKS_EMAIL_KEY, "")
    return render(request, "hire/brief_thanks.html", {"email": email})


def _link_unusable(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "hire/brief_link_unusable.html", status=404))


def _render_status(
    request: HttpRequest,
    brief: Brief,
    token: str,
    *,
    choose_form: forms.BriefChooseForm | None = None,
    withdraw_form: forms.BriefWithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    # The client sees an interested co-op's message, never a decline's reason.
    recipients = list(selectors.brief_recipients_for_client(brief))
    interested = [r for r in recipients if r.response == BriefRecipient.Response.INTERESTED]
    teams = selectors.brief_choosable_consortia(brief) if brief.is_open else []
    if choose_form is None:
        choose_form = forms.BriefChooseForm(recipients=interested, teams=teams)
    response = render(
        request,
        "hire/brief_status.html",
        {
            "brief": brief,
            "token": token,
            "recipients": recipients,
            "interested": interested,
            "teams": teams,
            "proposed_teams": selectors.brief_teams(brief),
            "chosen_names": [r.coop.name for r in recipients if r.is_chosen],
            "chosen_team": brief.chosen_consortium,
            "choose_form": choose_form,
            "withdraw_form": withdraw_form or forms.BriefWithdrawForm(),
        },
        status=status,
    )
    return _private(response, referrer_policy="same-origin")


@never_cache
def brief_status(request: HttpRequest, token: str) -> HttpResponse:
    brief = services.brief_for_token(token)
    if brief is None:
        return _link_unusable(request)
    return _render_status(request, brief, token)


@never_cache
@require_POST
def brief_choose(request: HttpRequest, token: str) -> HttpResponse:
    brief = services.brief_for_token(token)
    if brief is None:
        return _link_unusable(request)
    interested = selectors.brief_recipients_for_client(brief).filter(
        response=BriefRecipient.Response.INTERESTED
    )
    form = forms.BriefChooseForm(
        request.POST, recipients=interested, teams=selectors.brief_choosable_consortia(brief)
    )
    if form.is_valid():
        try:
            services.brief_choose(brief=brief, **form.chosen())
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, _("Thank you: we have told the co-ops who you chose."))
            return redirect("hire:brief_status", token=token)
    return _render_status(request, brief, token, choose_form=form, status=400)


@never_cache
@require_POST
def brief_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    brief = services.brief_for_token(token)
    if brief is None:
        return _link_unusable(request)
    form = forms.BriefWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.brief_withdraw(brief=brief)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            told = BriefRecipient.objects.sent().filter(brief=brief).exists()
            messages.success(
                request,
                _("Your brief is withdrawn. The co-ops still considering it have been told.")
                if told
                else _("Your brief is withdrawn. It was not sent to any co-op."),
            )
            return redirect("hire:brief_status", token=token)
    return _render_status(request, brief, token, withdraw_form=form, status=400)


@never_cache
@require_POST
def brief_renew(request: HttpRequest, token: str) -> HttpResponse:
    """Stop this link and mail a new one, for a link that was forwarded or seen by others."""
    brief = services.brief_for_token(token)
    if brief is None:
        return _link_unusable(request)
    services.brief_access_renew(brief=brief)
    return _private(render(request, "hire/brief_link_renewed.html", {"brief": brief}))


# Coordinators


def coordinator_required(view):
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_coordinator:
            raise PermissionDenied(_("Only the network's coordinators see and route briefs."))
        return view(request, *args, **kwargs)

    return wrapped


@coordinator_required
def brief_list(request: HttpRequest) -> HttpResponse:
    counts = dict(
        Brief.objects.order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    status = request.GET.get("status", "")
    if status not in STATUS_ORDER:
        status = ""
    briefs = (
        selectors.briefs_for_coordinators(status=status or None)
        .annotate(
            status_rank=Case(
                *(When(status=value, then=Value(i)) for i, value in enumerate(STATUS_ORDER)),
                output_field=IntegerField(),
            ),
        )
        .order_by("status_rank", "-created_at", "-id")
    )
    page = page_of(Paginator(briefs, BRIEFS_PER_PAGE), request.GET.get("page"))
    return render(
        request,
        "hire/brief_list.html",
        {
            "page": page,
            "status": status,
            "status_counts": [
                (value, label, counts.get(value, 0)) for value, label in Brief.Status.choices
            ],
            "total": sum(counts.values()),
        },
    )


# How many of the best suggestions the send form ticks for the coordinator.
TICKED_SUGGESTIONS = 3


def _suggestion_rows(outcome) -> list[dict]:
    # The suggestions already leave out co-ops the brief was sent to. The best three that have
    # someone on the platform are ticked: a co-op nobody from which has signed up would not
    # see the brief.
    reachable = reachable_coop_ids(m.coop.pk for m in outcome.results)
    rows = []
    for match in outcome.results:
        ticked = match.coop.pk in reachable and sum(r["ticked"] for r in rows) < TICKED_SUGGESTIONS
        rows.append({"match": match, "ticked": ticked, "reachable": match.coop.pk in reachable})
    return rows


def _team_rows(outcome) -> list[dict]:
    rows = []
    reachable = reachable_coop_ids(c.pk for team in outcome.consortium for c in team.members)
    for team in outcome.consortium:
        members = [team.lead, *[c for c in team.members if c.pk != team.lead.pk]]
        rows.append(
            {
                "team": team,
                "members": [
                    {
                        "coop": coop,
                        "brings": [outcome.label(k) for k in team.covers.get(coop.pk, [])],
                        "reachable": coop.pk in reachable,
                    }
                    for coop in members
                ],
                "member_ids": ",".join(str(coop.pk) for coop in members),
            }
        )
    return rows


def _render_coordinator_brief(
    request: HttpRequest,
    brief: Brief,
    *,
    send_form: forms.BriefSendForm | None = None,
    team_error: str = "",
    close_form: forms.BriefCloseForm | None = None,
    shape_form: forms.TeamShapeForm | None = None,
    outcome: MatchOutcome | None = None,
    status: int = 200,
) -> HttpResponse:
    """`outcome`: the suggestions the caller already computed with this `shape_form`."""
    if shape_form is None:
        shape_form = forms.TeamShapeForm(request.GET if _shaping(request.GET) else None)
    recipients = list(
        brief.recipients.select_related("coop", "sent_by", "passed_from__coop").order_by(
            "sent_at", "coop__name"
        )
    )
    sent_ids = {r.coop_id for r in recipients}
    unreachable = sent_ids - reachable_coop_ids(sent_ids)
    for recipient in recipients:
        recipient.unreachable = recipient.coop_id in unreachable
    if outcome is None and brief.is_open:
        outcome = services.brief_suggestions(brief=brief, **shape_form.shape())
    suggestions = _suggestion_rows(outcome) if outcome else []
    not_yet_sent = Coop.objects.members().exclude(pk__in=sent_ids)
    if send_form is None:
        send_form = forms.BriefSendForm(
            initial={"coops": [row["match"].coop.pk for row in suggestions if row["ticked"]]},
            suggested=[row["match"].coop for row in suggestions],
            not_yet_sent=not_yet_sent,
        )
    ticked = {str(v) for v in (send_form["coops"].value() or [])}
    for row in suggestions:
        row["checked"] = str(row["match"].coop.pk) in ticked
    return render(
        request,
        "hire/coordinator_brief.html",
        {
            "brief": brief,
            "services": brief.services.all(),
            "recipients": recipients,
            "suggestions": suggestions,
            "teams": _team_rows(outcome) if outcome else [],
            "team_needed": bool(outcome and outcome.team_needed),
            "uncoverable": [outcome.label(k) for k in outcome.uncoverable] if outcome else [],
            "send_form": send_form,
            "team_error": team_error,
            "shape_form": shape_form,
            "shaped": shape_form.is_bound,
            "close_form": close_form or forms.BriefCloseForm(),
            "consortia": brief.consortia.select_related("lead").prefetch_related(
                "memberships__coop"
            ),
        },
        status=status,
    )


def _shaping(data) -> bool:
    return any(name in data for name in ("include", "exclude", "max_size"))


def _coordinator_brief(pk: int) -> Brief:
    return get_object_or_404(Brief.objects.select_related("sector"), pk=pk)


@coordinator_required
def coordinator_brief(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_coordinator_brief(request, _coordinator_brief(pk))


@coordinator_required
@require_POST
def coordinator_brief_send(request: HttpRequest, pk: int) -> HttpResponse:
    brief = _coordinator_brief(pk)
    sent_ids = set(brief.recipients.values_list("coop_id", flat=True))
    outcome = services.brief_suggestions(brief=brief) if brief.is_open else None
    form = forms.BriefSendForm(
        request.POST,
        suggested=[m.coop for m in outcome.results] if outcome else [],
        not_yet_sent=Coop.objects.members().exclude(pk__in=sent_ids),
    )
    if form.is_valid():
        try:
            sent = services.brief_send(
                actor=request.user, brief=brief, coops=form.chosen_coops(), suggestions=outcome
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(
                request,
                _("Sent to %(names)s.") % {"names": ", ".join(r.coop.name for r in sent)}
                if sent
                else _("Every co-op you ticked already had this brief: nothing was sent."),
            )
            _warn_unreachable(request, [r.coop for r in sent])
            return redirect("hire:coordinator_brief", pk=brief.pk)
    return _render_coordinator_brief(request, brief, send_form=form, outcome=outcome, status=400)


@coordinator_required
@require_POST
def coordinator_brief_send_team(request: HttpRequest, pk: int) -> HttpResponse:
    brief = _coordinator_brief(pk)
    form = forms.BriefTeamSendForm(request.POST)
    shape_form = forms.TeamShapeForm(request.POST if _shaping(request.POST) else None)
    team = suggested = None
    if form.is_valid() and brief.is_open:
        # Suggestions are computed afresh, shaped as the coordinator shaped them: the team sent
        # is the one the coordinator saw, or none.
        wanted = (form.cleaned_data["lead"], form.member_ids())
        suggested = services.brief_suggestions(brief=brief, **shape_form.shape())
        for candidate in suggested.consortium:
            ids = {candidate.lead.pk, *(c.pk for c in candidate.members)}
            if (candidate.lead.pk, ids) == wanted:
                team = candidate
                break
    if team is None:
        return _render_coordinator_brief(
            request,
            brief,
            team_error=_(
                "That team is no longer suggested (the co-ops or the brief changed). "
                "Look at the teams below and choose again."
            ),
            shape_form=shape_form,
            outcome=suggested,
            status=400,
        )
    try:
        sent = services.brief_send(
            actor=request.user,
            brief=brief,
            coops=[team.lead, *[c for c in team.members if c.pk != team.lead.pk]],
            team=team,
        )
    except ValidationError as exc:
        return _render_coordinator_brief(
            request,
            brief,
            team_error=" ".join(exc.messages),
            shape_form=shape_form,
            outcome=suggested,
            status=400,
        )
    messages.success(
        request,
        _("Sent to the team led by %(lead)s (%(count)d co-ops newly asked).")
        % {"lead": team.lead.name, "count": len(sent)},
    )
    _warn_unreachable(request, [r.coop for r in sent])
    return redirect("hire:coordinator_brief", pk=brief.pk)


def _warn_unreachable(request: HttpRequest, coops: list[Coop]) -> None:
    reachable = reachable_coop_ids(c.pk for c in coops)
    names = [c.name for c in coops if c.pk not in reachable]
    if names:
        messages.warning(
            request,
            _(
                "Nobody from %(names)s uses Coopnet yet, so they were not told and cannot "
                "answer here. Send them the brief yourself, or invite them."
            )
            % {"names": ", ".join(names)},
        )


@coordinator_required
@require_POST
def coordinator_brief_close(request: HttpRequest, pk: int) -> HttpResponse:
    brief = _coordinator_brief(pk)
    form = forms.BriefCloseForm(request.POST)
    if form.is_valid():
        try:
            services.brief_close(
                actor=request.user,
                brief=brief,
                reason=form.cleaned_data["reason"],
                tell_client=form.cleaned_data["tell_client"],
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, _("The brief is closed."))
            return redirect("hire:coordinator_brief", pk=brief.pk)
    return _render_coordinator_brief(request, brief, close_form=form, status=400)


@coordinator_required
@require_POST
def coordinator_brief_renew(request: HttpRequest, pk: int) -> HttpResponse:
    brief = _coordinator_brief(pk)
    try:
        services.brief_access_renew(actor=request.user, brief=brief)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("A new private link is on its way to %(email)s. Any older link no longer works.")
            % {"email": brief.contact_email},
        )
    return redirect("hire:coordinator_brief", pk=brief.pk)


@coordinator_required
@require_POST
def coordinator_brief_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    brief = _coordinator_brief(pk)
    services.brief_access_revoke(actor=request.user, brief=brief)
    messages.success(
        request,
        _("The client's private link no longer works. They can ask the network for a new one."),
    )
    return redirect("hire:coordinator_brief", pk=brief.pk)


# The co-ops' inbox


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    entries = selectors.coop_brief_inbox(request.user)
    page = page_of(Paginator(entries, INBOX_PER_PAGE), request.GET.get("page"))
    return render(
        request,
        "hire/inbox.html",
        {"page": page, "has_coop": request.user.memberships.exists()},
    )


def _entry_for(request: HttpRequest, pk: int) -> BriefRecipient:
    """An inbox entry its co-op's worker-owners and coordinators see; 404 for anyone else, so
    that a stranger cannot tell which briefs exist."""
    entry = selectors.inbox_entry(request.user, pk)
    if entry is None:
        raise Http404(_("There is no brief here for your co-ops."))
    return entry


def _render_entry(
    request: HttpRequest,
    entry: BriefRecipient,
    *,
    answer_form: forms.BriefAnswerForm | None = None,
    pass_form: forms.BriefPassForm | None = None,
    outcome_form: forms.BriefOutcomeForm | None = None,
    case_study_form: forms.CaseStudyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    brief = entry.brief
    Response = BriefRecipient.Response
    if answer_form is None:
        answer_form = forms.BriefAnswerForm(can_be_interested=entry.response == Response.PENDING)
    if outcome_form is None:
        outcome_form = forms.BriefOutcomeForm(
            initial={"outcome": entry.outcome or None, "value": entry.outcome_value},
            chosen=entry.is_chosen,
        )
    can_act = selectors.is_worker_owner(request.user, entry.coop)
    # Answers and passes are taken while the brief is with the co-ops (the services' rule).
    answering = can_act and brief.status == Brief.Status.SENT
    return render(
        request,
        "hire/inbox_detail.html",
        {
            "entry": entry,
            "brief": brief,
            "services": brief.services.all(),
            "teams": selectors.brief_teams(brief, coop=entry.coop),
            "contact_visible": selectors.brief_contact_visible_to(brief, request.user),
            "can_act": can_act,
            "can_answer": answering and entry.response in (Response.PENDING, Response.INTERESTED),
            "can_pass": answering and entry.response == Response.PENDING,
            "can_record_outcome": can_act and entry.may_record_outcome,
            "can_make_case_study": can_act
            and entry.outcome == BriefRecipient.Outcome.WON
            and entry.case_study_id is None,
            "answer_form": answer_form,
            "pass_form": pass_form
            or forms.BriefPassForm(candidates=selectors.brief_pass_on_candidates(entry)),
            "outcome_form": outcome_form,
            "case_study_form": case_study_form or forms.CaseStudyForm(),
            # A brief passed on as a referral starts on the referrals app's form.
            "referral_url": f"{reverse('referrals:new')}?brief={entry.pk}",
        },
        status=status,
    )


@login_required
def inbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_entry(request, _entry_for(request, pk))


def _entry_write(
    request: HttpRequest, entry: BriefRecipient, form_name: str, form, write, done: str
) -> HttpResponse:
    """Validate `form`, call `write(entry, form)` and redirect saying `done`, or show the entry
    again with the form's errors. A refusal from the service (PermissionDenied) is a 403."""
    if form.is_valid():
        try:
            write(entry, form)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, done)
            return redirect("hire:inbox_detail", pk=entry.pk)
    return _render_entry(request, entry, **{form_name: form}, status=400)


@login_required
@require_POST
def inbox_answer(request: HttpRequest, pk: int) -> HttpResponse:
    def write(entry, form):
        services.brief_answer(
            actor=request.user,
            recipient=entry,
            interested=form.interested,
            message=form.cleaned_data["message"],
            decline_reason=form.decline_reason,
        )

    entry = _entry_for(request, pk)
    form = forms.BriefAnswerForm(
        request.POST, can_be_interested=entry.response == BriefRecipient.Response.PENDING
    )
    return _entry_write(
        request, entry, "answer_form", form, write, _("Your answer is saved. The client is told.")
    )


@login_required
@require_POST
def inbox_pass(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_for(request, pk)
    form = forms.BriefPassForm(request.POST, candidates=selectors.brief_pass_on_candidates(entry))

    def write(entry, form):
        services.brief_pass_on(
            actor=request.user,
            recipient=entry,
            to_coop=form.cleaned_data["to_coop"],
            message=form.cleaned_data["message"],
        )

    return _entry_write(
        request, entry, "pass_form", form, write, _("Passed on. The other co-op has been told.")
    )


@login_required
@require_POST
def inbox_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    def write(entry, form):
        services.brief_record_outcome(
            actor=request.user,
            recipient=entry,
            outcome=form.cleaned_data["outcome"],
            value=form.cleaned_data["value"],
        )

    # Every choice is accepted here: the service says who may record what, after who may act.
    return _entry_write(
        request,
        _entry_for(request, pk),
        "outcome_form",
        forms.BriefOutcomeForm(request.POST),
        write,
        _("The outcome is recorded."),
    )


@login_required
@require_POST
def inbox_case_study(request: HttpRequest, pk: int) -> HttpResponse:
    def write(entry, form):
        services.brief_case_study_create(
            actor=request.user,
            recipient=entry,
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
            year=form.cleaned_data["year"],
            client_name=form.cleaned_data["client_name"],
        )

    return _entry_write(
        request,
        _entry_for(request, pk),
        "case_study_form",
        forms.CaseStudyForm(request.POST),
        write,
        _("The case study is on the profiles of the co-ops that did the work."),
    )


# Declared conflicts: pairs of co-ops that suggested teams never put together


def _conflicts_coop(request: HttpRequest, slug: str) -> Coop:
    coop = get_object_or_404(Coop, slug=slug)
    if not selectors.speaks_for(request.user, coop):
        raise PermissionDenied(_("Only the co-op's worker-owners can see its declared conflicts."))
    return coop


@login_required
def coop_conflicts(request: HttpRequest, slug: str) -> HttpResponse:
    coop = _conflicts_coop(request, slug)
    form = forms.CoopConflictForm(posted(request), coop=coop)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.coop_conflict_declare(
                    actor=request.user,
                    coop=coop,
                    other_coop=form.cleaned_data["other_coop"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_errors(exc, form)
            else:
                messages.success(request, _("Saved: teams suggested here will not pair you."))
                return redirect("hire:coop_conflicts", slug=coop.slug)
    conflicts = (
        CoopConflict.objects.filter(Q(coop=coop) | Q(other_coop=coop))
        .select_related("coop", "other_coop", "declared_by_coop")
        .order_by("created_at")
    )
    rows = [
        {
            "conflict": conflict,
            "other": conflict.other_coop if conflict.coop_id == coop.pk else conflict.coop,
            "declared_here": conflict.declared_by_coop_id in (None, coop.pk),
        }
        for conflict in conflicts
    ]
    return render(
        request,
        "hire/coop_conflicts.html",
        {"coop": coop, "form": form, "rows": rows},
        status=status,
    )


@login_required
@require_POST
def coop_conflict_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    coop = _conflicts_coop(request, slug)
    conflict = get_object_or_404(
        CoopConflict.objects.filter(Q(coop=coop) | Q(other_coop=coop)), pk=pk
    )
    services.coop_conflict_remove(actor=request.user, conflict=conflict)
    messages.success(request, _("Removed."))
    return redirect("hire:coop_conflicts", slug=coop.slug)
