"""Pages of coopnet.referrals: passing work on, answering offers, the pipeline and the ledger.

Views fetch through the selectors (who may see what), check forms and call the services
(who may do what). They never decide a rule themselves: what they compute about permissions
is only which buttons to show; the services refuse anything else.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop
from coopnet.hire.models import BriefRecipient
from coopnet.lib.forms import add_service_errors
from coopnet.referrals import ledger as referral_ledger
from coopnet.referrals.forms import (
    PRETICKED_SUGGESTIONS,
    ClaimForm,
    DeclineForm,
    ReferralForm,
    StatusForm,
)
from coopnet.referrals.models import Referral, ReferralOffer
from coopnet.referrals.selectors import (
    member_coop_ids_of,
    referral_answering_coops,
    referral_contact_visible_to,
    referral_statuses_for,
    referral_value_visible_to,
    referral_visible_to,
    referrals_open_for,
    referrals_received_by,
    referrals_sent_by,
)
from coopnet.referrals.services import (
    ReferralUnavailable,
    referral_claim,
    referral_create,
    referral_decline,
    referral_set_status,
    referral_suggestions,
)


def _user_coops(user) -> list[Coop]:
    return list(Coop.objects.filter(memberships__user=user).order_by("name"))


def _viewer_coops(request: HttpRequest) -> list[Coop]:
    """The person's co-ops by name, read once per request: a page asks several rules."""
    if not hasattr(request, "_referral_coops"):
        request._referral_coops = _user_coops(request.user)
    return request._referral_coops


def _viewer_coop_ids(request: HttpRequest) -> set[int]:
    return {coop.pk for coop in _viewer_coops(request)}


def _viewer_member_coops(request: HttpRequest) -> dict[int, Coop]:
    """The person's co-ops that are members of the network, by id: only they pass on and
    answer work. Read once per request."""
    if not hasattr(request, "_referral_member_coop_ids"):
        request._referral_member_coop_ids = member_coop_ids_of(request.user)
    member_ids = request._referral_member_coop_ids
    return {c.pk: c for c in _viewer_coops(request) if c.pk in member_ids}


def _may_use_referrals(request: HttpRequest) -> bool:
    """Coordinators, and worker-owners of member co-ops: a worker-owner of an applicant or a
    former co-op is told so before typing anything, rather than refused on submit."""
    user = request.user
    return user.is_authenticated and (user.is_coordinator or bool(_viewer_member_coops(request)))


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "referrals/forbidden.html", status=403)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _with_lead_data(qs: QuerySet) -> QuerySet:
    return qs.select_related("from_coop", "claimed_by_coop").prefetch_related(
        "services",
        Prefetch("offers", queryset=ReferralOffer.objects.select_related("coop")),
    )


def _ids(referral: Referral, form: str) -> str:
    # Several referrals' forms share a page: their fields need ids of their own.
    return f"id_{form}{referral.pk}_%s"


# The list


def referral_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "referrals/signed_out.html")
    if not _may_use_referrals(request):
        return _forbidden(request)
    coops = _viewer_coops(request)
    member_coops = _viewer_member_coops(request)
    open_rows = []
    for referral in _with_lead_data(referrals_open_for(user)):
        answering = referral_answering_coops(referral, user, member_coops=member_coops)
        open_rows.append(
            {
                "referral": referral,
                "claim_form": ClaimForm(coops=answering, auto_id=_ids(referral, "claim")),
                "decline_form": DeclineForm(coops=answering, auto_id=_ids(referral, "decline")),
            }
        )
    sent = list(_with_lead_data(referrals_sent_by(user)))
    received_rows = []
    coop_ids = _viewer_coop_ids(request)
    for referral in _with_lead_data(referrals_received_by(user)):
        statuses = referral_statuses_for(referral, user, coop_ids=coop_ids)
        form = StatusForm(statuses=statuses, auto_id=_ids(referral, "status")) if statuses else None
        received_rows.append({"referral": referral, "status_form": form})
    return render(
        request,
        "referrals/list.html",
        {
            "coops": coops,
            "open_rows": open_rows,
            "sent": sent,
            "received_rows": received_rows,
        },
    )


# One referral


def _get_visible(request: HttpRequest, pk: int) -> Referral:
    referral = _with_lead_data(Referral.objects.filter(pk=pk)).first()
    coop_ids = _viewer_coop_ids(request)
    if referral is None or not referral_visible_to(referral, request.user, coop_ids=coop_ids):
        raise Http404(_("There is no referral here, or it is not shared with you."))
    return referral


EVENT_LABELS = {
    "referral.create": _lazy("passed it on"),
    "referral.claim": _lazy("claimed it"),
    "referral.decline": _lazy("declined it"),
    "referral.move": _lazy("it was offered to the next co-op"),
    "referral.expire": _lazy("it came back to the co-op that passed it on"),
    "referral.status": _lazy("changed its status"),
}


def _history(referral: Referral, coop_ids: set[int], sees_everything: bool) -> dict:
    offers = list(referral.offers.all())
    if not sees_everything:
        # Another co-op's answer, and its reason, is for the sender alone.
        offers = [o for o in offers if o.coop_id in coop_ids]
    events = []
    if sees_everything:
        labels = dict(Referral.Status.choices)
        for event in AuditEvent.objects.for_object(referral).order_by("created_at", "pk"):
            # Only the status moves: other changes may carry money or contact details.
            old, new = (event.changes or {}).get("status") or (None, None)
            events.append(
                {
                    "event": event,
                    "label": EVENT_LABELS.get(event.action, event.action),
                    "old_status": labels.get(old, ""),
                    "new_status": labels.get(new, ""),
                }
            )
    return {"offers": offers, "events": events}


def _detail_context(request: HttpRequest, referral: Referral, **forms: Any) -> dict[str, Any]:
    user = request.user
    coop_ids = _viewer_coop_ids(request)
    answering = referral_answering_coops(referral, user, member_coops=_viewer_member_coops(request))
    statuses = referral_statuses_for(referral, user, coop_ids=coop_ids)
    sees_everything = user.is_coordinator or referral.from_coop_id in coop_ids
    if answering:
        forms.setdefault("claim_form", ClaimForm(coops=answering, auto_id=_ids(referral, "claim")))
        forms.setdefault(
            "decline_form", DeclineForm(coops=answering, auto_id=_ids(referral, "decline"))
        )
    if statuses:
        forms.setdefault(
            "status_form", StatusForm(statuses=statuses, auto_id=_ids(referral, "status"))
        )
    return {
        "referral": referral,
        "answering": answering,
        "contact_visible": referral_contact_visible_to(referral, user, coop_ids=coop_ids),
        "value_visible": referral_value_visible_to(referral, user, coop_ids=coop_ids),
        "is_sender": referral.from_coop_id in coop_ids,
        "history": _history(referral, coop_ids, sees_everything),
        "sees_everything": sees_everything,
        **forms,
    }


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get_visible(request, pk)
    return render(request, "referrals/detail.html", _detail_context(request, referral))


def _after_action(request: HttpRequest, referral: Referral, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(_safe_next(request, reverse("referrals:detail", args=[referral.pk])))


def _unavailable(request: HttpRequest, referral: Referral, error: ReferralUnavailable):
    messages.error(request, str(error))
    return redirect("referrals:detail", pk=referral.pk)


def _not_answerable(request: HttpRequest, referral: Referral) -> HttpResponse:
    """None of the person's co-ops may answer now: too late (say so), or never offered."""
    coop_ids = _viewer_coop_ids(request)
    if referral.is_open or not coop_ids:
        raise PermissionDenied(_("This referral is not offered to your co-op."))
    if referral.claimed_by_coop_id in coop_ids:
        message = _("Your co-op has already claimed it.")
    elif referral.claimed_by_coop_id:
        message = _("Already claimed by another co-op.")
    else:
        message = _("This referral is no longer open.")
    messages.error(request, message)
    return redirect("referrals:detail", pk=referral.pk)


def _get_answerable(request: HttpRequest, pk: int) -> Referral | HttpResponse:
    """The referral to claim or decline. A network referral leaves members' sight once claimed:
    a member who was a moment too late hears so, rather than "not found"."""
    try:
        return _get_visible(request, pk)
    except Http404:
        referral = Referral.objects.filter(pk=pk, audience=Referral.Audience.NETWORK).first()
        if referral is None or referral.is_open or not _viewer_member_coops(request):
            raise
        messages.error(
            request,
            _("Already claimed by another co-op.")
            if referral.claimed_by_coop_id
            else _("This referral is no longer open."),
        )
        return redirect("referrals:list")


@login_required
@require_POST
def referral_claim_view(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get_answerable(request, pk)
    if isinstance(referral, HttpResponse):
        return referral
    answering = referral_answering_coops(
        referral, request.user, member_coops=_viewer_member_coops(request)
    )
    if not answering:
        return _not_answerable(request, referral)
    form = ClaimForm(request.POST, coops=answering, auto_id=_ids(referral, "claim"))
    if form.is_valid():
        try:
            referral_claim(actor=request.user, referral=referral, coop=form.cleaned_data["coop"])
        except ReferralUnavailable as error:
            return _unavailable(request, referral, error)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            # To the referral's page, wherever the button was: the client's details are there.
            messages.success(
                request,
                _("You claimed it for %(coop)s. The client's details are below.")
                % {"coop": form.cleaned_data["coop"].name},
            )
            return redirect("referrals:detail", pk=referral.pk)
    context = _detail_context(request, referral, claim_form=form)
    return render(request, "referrals/detail.html", context)


@login_required
@require_POST
def referral_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get_answerable(request, pk)
    if isinstance(referral, HttpResponse):
        return referral
    answering = referral_answering_coops(
        referral, request.user, member_coops=_viewer_member_coops(request)
    )
    if not answering:
        return _not_answerable(request, referral)
    form = DeclineForm(request.POST, coops=answering, auto_id=_ids(referral, "decline"))
    if form.is_valid():
        try:
            referral_decline(
                actor=request.user,
                referral=referral,
                coop=form.cleaned_data["coop"],
                reason=form.cleaned_data["reason"],
            )
        except ReferralUnavailable as error:
            return _unavailable(request, referral, error)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("You declined it. Thank you for saying why."))
            return redirect(_safe_next(request, reverse("referrals:list")))
    context = _detail_context(request, referral, decline_form=form)
    return render(request, "referrals/detail.html", context)


@login_required
@require_POST
def referral_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get_visible(request, pk)
    user = request.user
    statuses = referral_statuses_for(referral, user, coop_ids=_viewer_coop_ids(request))
    if not statuses:
        if referral.is_closed:
            messages.error(request, _("This referral is closed: it cannot change any more."))
            return redirect("referrals:detail", pk=referral.pk)
        raise PermissionDenied(_("Only the two co-ops involved can move this referral on."))
    form = StatusForm(request.POST, statuses=statuses, auto_id=_ids(referral, "status"))
    if form.is_valid():
        try:
            referral_set_status(
                actor=user,
                referral=referral,
                status=form.cleaned_data["status"],
                value=form.cleaned_data.get("value"),
                note=form.cleaned_data["note"],
            )
        except ReferralUnavailable as error:
            return _unavailable(request, referral, error)
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            label = dict(Referral.Status.choices)[form.cleaned_data["status"]]
            return _after_action(request, referral, _("Now: %(status)s.") % {"status": label})
    context = _detail_context(request, referral, status_form=form)
    return render(request, "referrals/detail.html", context)


# Passing work on


def _from_coops(user) -> QuerySet:
    """The co-ops this person may pass work on from: their own member co-ops; coordinators,
    any member co-op. Applicant and former co-ops pass nothing on (`referral_create`)."""
    members = Coop.objects.filter(status=Coop.Status.MEMBER)
    if not user.is_coordinator:
        members = members.filter(memberships__user=user)
    return members.distinct().order_by("name")


def _brief_initial(
    request: HttpRequest, from_coops: QuerySet
) -> tuple[BriefRecipient | None, dict]:
    """`?brief=<id>`: a brief one of the person's co-ops received, to pass on."""
    raw = request.GET.get("brief") or request.POST.get("brief") or ""
    if not raw:
        return None, {}
    if not raw.isdigit():
        raise Http404(_("There is no such brief."))
    recipient = (
        BriefRecipient.objects.sent()
        .select_related("brief", "coop")
        .filter(pk=int(raw), coop__in=from_coops)
        .filter(coop__memberships__user=request.user)
        .first()
    )
    if recipient is None:
        raise Http404(_("There is no such brief in your co-op's inbox."))
    brief = recipient.brief
    text = " ".join(brief.text.split())
    initial: dict[str, Any] = {
        "from_coop": recipient.coop,
        "title": text if len(text) <= 120 else text[:119].rstrip() + "…",
        "description": brief.text,
        "services": list(brief.services.all()),
    }
    if not brief.contact_deleted:
        initial |= {
            "client_name": brief.contact_name,
            "client_organisation": brief.organisation,
            "client_email": brief.contact_email,
        }
    return recipient, initial


def _suggestions(form_data: dict[str, Any], from_coop: Coop | None) -> list:
    title = (form_data.get("title") or "").strip()
    if not title or from_coop is None:
        return []
    return referral_suggestions(
        from_coop=from_coop,
        title=title,
        description=form_data.get("description") or "",
        services=[s.slug for s in form_data.get("services") or []],
    )


def _typed(form: ReferralForm) -> dict[str, Any]:
    """What was typed that suggestions need, whether or not the whole form is valid."""
    data: dict[str, Any] = {}
    for name in ("from_coop", "title", "description", "services"):
        field = form.fields[name]
        try:
            data[name] = field.clean(field.widget.value_from_datadict(form.data, form.files, name))
        except ValidationError:
            data[name] = None
    return data


@login_required
def referral_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _may_use_referrals(request):
        return _forbidden(request)
    from_coops = _from_coops(user)
    if not from_coops.exists():
        return _forbidden(request)
    recipient, initial = _brief_initial(request, from_coops)
    suggesting = request.method == "POST" and "suggest" in request.POST

    if request.method == "POST":
        typed = _typed(ReferralForm(request.POST, from_coops=from_coops))
    else:
        typed = {"from_coop": from_coops.first(), **initial}
        typed.setdefault("title", "")
    sender = typed.get("from_coop") or from_coops.first()
    suggestions = _suggestions(typed, sender)
    suggested_ids = [m.coop.pk for m in suggestions]
    others = list(
        Coop.objects.members().exclude(pk__in=[*suggested_ids, sender.pk]).order_by("name")
    )
    candidates = [m.coop for m in suggestions] + others

    if request.method == "POST":
        data = request.POST.copy()
        # The first time the sender asks for suggestions, the best ones come ticked, in their
        # order. Never on "Pass it on": that would offer the work to co-ops the sender never saw.
        first_suggestions = "chosen_coops" not in data and "suggested_before" not in data
        if suggesting and suggestions and first_suggestions:
            data.setlist("chosen_coops", [str(pk) for pk in suggested_ids[:PRETICKED_SUGGESTIONS]])
        form = ReferralForm(data, from_coops=from_coops, candidates=candidates)
    else:
        initial["chosen_coops"] = [m.coop for m in suggestions[:PRETICKED_SUGGESTIONS]]
        form = ReferralForm(initial=initial, from_coops=from_coops, candidates=candidates)

    if request.method == "POST" and not suggesting and form.is_valid():
        try:
            referral = referral_create(
                actor=user, **form.service_kwargs(), brief_recipient=recipient
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            messages.success(request, _("Passed on. You can follow its progress here."))
            return redirect("referrals:detail", pk=referral.pk)

    chosen_ids = form.chosen_ids()
    return render(
        request,
        "referrals/new.html",
        {
            "form": form,
            "recipient": recipient,
            "suggesting": suggesting,
            "suggestions": [
                {
                    "match": m,
                    "coop": m.coop,
                    "checked": m.coop.pk in chosen_ids,
                    "position": form.position_field(m.coop),
                }
                for m in suggestions
            ],
            "others": [
                {
                    "coop": coop,
                    "checked": coop.pk in chosen_ids,
                    "position": form.position_field(coop),
                }
                for coop in others
            ],
            "others_chosen": any(coop.pk in chosen_ids for coop in others),
            "title_known": bool((typed.get("title") or "").strip()),
        },
    )


# The ledger and the network's totals


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    """A co-op's ledger: its own worker-owners (any of their co-ops), coordinators (any co-op)."""
    user = request.user
    coops = _user_coops(user)
    slug = request.GET.get("coop", "")
    coop: Coop | None
    if slug:
        coop = get_object_or_404(Coop, slug=slug)
        if not referral_ledger.ledger_visible_to(coop, user):
            raise PermissionDenied(_("You can see only your own co-op's ledger."))
    elif coops:
        coop = coops[0]
    elif user.is_coordinator:
        coop = None  # they choose one first
    else:
        return _forbidden(request)
    choices = list(Coop.objects.members().order_by("name")) if user.is_coordinator else coops
    if coop is not None and coop not in choices:
        choices.append(coop)
    context: dict[str, Any] = {"coop": coop, "choices": choices}
    if coop is not None:
        # Shown only to the co-op's worker-owners and coordinators: all its money is theirs.
        context["ledger"] = referral_ledger.coop_ledger(coop)
        context["pairs"] = referral_ledger.coop_pairs(coop)
    return render(request, "referrals/ledger.html", context)


CHART_WIDTH = 640
CHART_HEIGHT = 220
CHART_BOTTOM = 40  # room for the month labels
CHART_LEFT = 36  # room for the scale


def _chart(periods: list) -> dict[str, Any]:
    """Bars for an SVG drawn on the server: three per period (passed on, claimed, won)."""
    if not periods:
        return {}
    top = max(max(p.referrals, p.claimed, p.won) for p in periods) or 1
    plot_height = CHART_HEIGHT - CHART_BOTTOM - 10
    slot = (CHART_WIDTH - CHART_LEFT) / len(periods)
    bar = max(min(slot / 4, 28), 2)
    groups = []
    for index, period in enumerate(periods):
        x0 = CHART_LEFT + index * slot + (slot - 3 * bar) / 2
        bars = []
        for offset, (kind, value) in enumerate(
            (("referrals", period.referrals), ("claimed", period.claimed), ("won", period.won))
        ):
            height = plot_height * value / top
            bars.append(
                {
                    "kind": kind,
                    "x": round(x0 + offset * bar, 1),
                    "y": round(10 + plot_height - height, 1),
                    "width": round(bar - 1, 1),
                    "height": round(height, 1),
                    "value": value,
                }
            )
        groups.append(
            {
                "period": period,
                "bars": bars,
                "label_x": round(CHART_LEFT + index * slot + slot / 2, 1),
            }
        )
    return {
        "groups": groups,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "top": top,
        "axis_y": 10 + plot_height,
        "label_y": CHART_HEIGHT - CHART_BOTTOM + 18,
        "left": CHART_LEFT,
        # Label every month when they fit, else every few.
        "label_every": max(1, round(len(periods) / 12)),
    }


def totals(request: HttpRequest) -> HttpResponse:
    periods = list(referral_ledger.network_totals(period="month"))
    return render(
        request,
        "referrals/totals.html",
        {
            "periods": periods,
            "summary": referral_ledger.network_totals_summary(),
            "chart": _chart(periods),
        },
    )
