"""The coordinators' view of the audit log."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from coopnet.audit.models import AuditEvent
from coopnet.directory.models import Coop
from coopnet.lib.pagination import page_of

PAGE_SIZE = 50
COOP_TARGET = Coop._meta.label_lower


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Row:
    event: AuditEvent
    changes: list[Change]
    target_url: str
    target_filter: str


def _display(value: Any) -> str:
    """One recorded value as a person reads it; the empty string means "nothing"."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_display(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_display(v)}" for key, v in value.items())
    return str(value)


def _changes(event: AuditEvent) -> list[Change]:
    changes = event.changes if isinstance(event.changes, dict) else {}
    rows = []
    for field, pair in changes.items():
        old, new = pair if isinstance(pair, (list, tuple)) and len(pair) == 2 else (None, pair)
        rows.append(Change(field=field, old=_display(old), new=_display(new)))
    return rows


def _filtered(params) -> tuple[Any, dict[str, str]]:
    """Events matching the filters in the query string, and the filters as understood."""
    filters = {
        "action": (params.get("action") or "").strip(),
        "actor": (params.get("actor") or "").strip(),
        "target": (params.get("target") or "").strip(),
    }
    events = AuditEvent.objects.all()
    if filters["action"]:
        events = events.filter(action=filters["action"])
    if filters["actor"]:
        events = events.filter(actor_label__iexact=filters["actor"])
    if filters["target"]:
        # "directory.coop:12" is one object's history; "directory.coop" every co-op's.
        target_type, _sep, target_id = filters["target"].partition(":")
        events = events.filter(target_type=target_type.lower())
        if target_id:
            events = events.filter(target_id=target_id)
    return events, filters


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not request.user.is_coordinator:
        return render(request, "audit/forbidden.html", status=403)

    events, filters = _filtered(request.GET)
    page = page_of(Paginator(events, PAGE_SIZE), request.GET.get("page"))
    page_events = list(page.object_list)

    # One query for the addresses of every co-op on the page, whatever the page size.
    coop_ids = {
        int(e.target_id)
        for e in page_events
        if e.target_type == COOP_TARGET and e.target_id.isdigit()
    }
    coop_urls = {
        str(pk): Coop(pk=pk, slug=slug).get_absolute_url()
        for pk, slug in Coop.objects.filter(pk__in=coop_ids).values_list("pk", "slug")
    }
    rows = [
        Row(
            event=event,
            changes=_changes(event),
            target_url=coop_urls.get(event.target_id, "")
            if event.target_type == COOP_TARGET
            else "",
            target_filter=f"{event.target_type}:{event.target_id}",
        )
        for event in page_events
    ]
    actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
    query = {k: v for k, v in filters.items() if v}
    history_of = page_events[0].target_label if page_events and ":" in filters["target"] else ""
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "actions": list(actions),
            "query": query,
            "history_of": history_of,
        },
    )
