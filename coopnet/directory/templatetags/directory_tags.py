"""Filters and tags for the directory's pages: Markdown, countries, dates, links, JSON-LD."""

import datetime
import re
from typing import Any

from django import template
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from coopnet.directory.federation import jsonld_script, social_link_url
from coopnet.lib.countries import country_name as _country_name
from coopnet.lib.markdown import markdown_excerpt, render_markdown

register = template.Library()

_HTTP_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def excerpt(text: str, max_chars: int = 220) -> str:
    """Plain text; the template escapes it like any other string."""
    return markdown_excerpt(text, max_chars=int(max_chars))


@register.filter
def country_name(code: str) -> str:
    return _country_name(code)


@register.filter
def without(items, excluded) -> list:
    """`items` less one object: "the other co-ops on this case study"."""
    return [item for item in items if item.pk != excluded.pk]


@register.filter
def initials(name: str) -> str:
    words = [w for w in (name or "").replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper()


@register.filter
def precise_date(day: datetime.date | None, precision: str = "day") -> str:
    """A date only as precise as it is known: "2018", "November 2018", "on or before …"."""
    if day is None:
        return ""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return formats.date_format(day, "F Y")
    if precision == "on_or_before":
        return _("on or before %(date)s") % {"date": day.isoformat()}
    return day.isoformat()


@register.filter
def membership_line(coop) -> str:
    """Where a co-op stands in the network, as precisely as the dates are known."""
    status = coop.status
    if status == "member":
        if coop.joined_on is None:
            return _("Member of the network")
        if coop.joined_precision == "on_or_before":
            return _("Member of the network, joined on or before %(date)s") % {
                "date": coop.joined_on.isoformat()
            }
        return _("Member of the network since %(date)s") % {
            "date": precise_date(coop.joined_on, coop.joined_precision)
        }
    if status == "former":
        if coop.left_on is None:
            return _("Former member")
        return _("Former member, left %(date)s") % {
            "date": precise_date(coop.left_on, coop.left_precision)
        }
    if status == "applicant":
        return _("Applying to join: this profile is not public yet")
    return _("Known to the network, not a member")


@register.filter
def http_url(value: str) -> str:
    """The address if it is an http(s) one, else "": imported data may hold anything."""
    value = (value or "").strip()
    return value if _HTTP_URL.match(value) else ""


@register.simple_tag
def social_links(links: dict[str, Any] | None) -> list[dict[str, str]]:
    """[{label, url, text}] for a co-op's `social_links`; values that are not safe addresses
    (and handles for networks we do not know) keep their text and get no link."""
    items = []
    for key, raw in sorted((links or {}).items()):
        value = str(raw or "").strip()
        if not value:
            continue
        url = social_link_url(key, value)
        text = value.removeprefix("https://").removeprefix("http://").removeprefix("www.")
        items.append({"label": key.replace("_", " ").capitalize(), "url": url, "text": text})
    return items


@register.simple_tag(takes_context=True)
def query_without(context, key: str, value: str | None = None) -> str:
    """The current query string without `key` (or only without that one value of it), and
    without the page number: for "remove this filter" links."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if not value:
        query.pop(key, None)
    else:
        query.setlist(key, [v for v in query.getlist(key) if v.strip() != value])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def json_ld(data: dict[str, Any]) -> SafeString:
    """A <script type="application/ld+json"> that no value can break out of."""
    return jsonld_script(data)
