"""A co-op's profile in the formats other networks and search engines read.

- `coop_murmurations_profile(coop)`: a Murmurations organisations profile
  (`organizations_schema-v1.0.0`), which a network publishes at a public address and registers
  with the Murmurations index so that other maps and directories find its members;
- `coop_jsonld(coop)`: schema.org JSON-LD of type Cooperative, for the profile page, where
  `jsonld_script(data)` writes it as `<script type="application/ld+json">`.

Both say only what the public profile page says: the public email, never a person's contact
details. Both are plain JSON values (str, int, float, list, dict) with empty values left out,
so that `json.dumps` and Django's `json_script` take them as they are. Addresses are made
absolute with `settings.SITE_URL`.
"""

import datetime
import html
import json
import re
from typing import Any

import nh3
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from coopnet.directory.models import Coop
from coopnet.lib.countries import country_name, is_country_code
from coopnet.lib.markdown import render_markdown
from coopnet.network.models import NetworkSettings

MURMURATIONS_SCHEMA = "organizations_schema-v1.0.0"
MEMBER_OF = "https://schema.org/memberOf"
TAG_MAX_CHARS = 100  # the schema's limits
TAGS_MAX = 100
NAME_MAX_CHARS = 200

# Where a bare handle in `social_links` lives; any other value must already be an address.
SOCIAL_PROFILE_URLS = {
    "twitter": "https://twitter.com/{}",
    "x": "https://x.com/{}",
    "github": "https://github.com/{}",
    "gitlab": "https://gitlab.com/{}",
    "codeberg": "https://codeberg.org/{}",
    "instagram": "https://www.instagram.com/{}",
    "linkedin": "https://www.linkedin.com/company/{}",
    "facebook": "https://www.facebook.com/{}",
}


def absolute_url(url: str) -> str:
    """`url` as an absolute http(s) address on this site, unless it already is one."""
    if not url:
        return ""
    if url.lower().startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + ("" if url.startswith("/") else "/") + url


def _http_url(value: str) -> str:
    value = (value or "").strip()
    return value if re.match(r"^https?://\S+$", value, re.IGNORECASE) else ""


def social_link_url(key: str, value: Any) -> str:
    """The address of one `social_links` entry: itself when it is one, else the handle on the
    network the key names; "" when neither (a handle on a network we do not know)."""
    text = str(value or "").strip()
    if url := _http_url(text):
        return url
    handle = text.strip("@/")
    template = SOCIAL_PROFILE_URLS.get(key.lower())
    if template and handle and re.fullmatch(r"[\w.\-]+", handle):
        return template.format(handle)
    return ""


def plain_text(markdown_text: str) -> str:
    """The words of a Markdown description, without markup; paragraphs stay apart."""
    rendered = str(render_markdown(markdown_text or ""))
    rendered = re.sub(r"</(p|li|h\d|blockquote|pre|tr)>", "\n\n", rendered)
    rendered = re.sub(r"<br\s*/?>", "\n", rendered)
    text = html.unescape(nh3.clean(rendered, tags=set(), attributes={}))
    paragraphs = (re.sub(r"[ \t]+", " ", p).strip() for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def _profile_url(coop: Coop) -> str:
    return absolute_url(coop.get_absolute_url())


def _logo_url(coop: Coop) -> str:
    if coop.logo:
        return absolute_url(coop.logo.url)
    return _http_url(coop.logo_url)


def _social_urls(coop: Coop) -> list[tuple[str, str]]:
    links = []
    for key, value in sorted((coop.social_links or {}).items()):
        if url := social_link_url(key, value):
            links.append((key, url))
    return links


def _term_names(coop: Coop) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for term in [*coop.services.all(), *coop.technologies.all()]:
        name = term.name.strip()[:TAG_MAX_CHARS]
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def _founding(coop: Coop) -> tuple[datetime.date, str] | None:
    """The founding date and how much of it is known, or None: "on or before" a date says
    too little to publish as a founding date."""
    if coop.founded_on is None or coop.founded_precision == Coop.DatePrecision.ON_OR_BEFORE:
        return None
    return coop.founded_on, coop.founded_precision or Coop.DatePrecision.YEAR


def _has_coordinates(coop: Coop) -> bool:
    return (
        coop.latitude is not None
        and coop.longitude is not None
        and -90 <= coop.latitude <= 90
        and -180 <= coop.longitude <= 180
    )


def _full_address(coop: Coop) -> str:
    parts = [coop.address, coop.locality, coop.region, coop.postcode]
    if coop.country:
        parts.append(country_name(coop.country))
    seen: list[str] = []
    for part in parts:
        part = (part or "").strip()
        if part and part not in seen:
            seen.append(part)
    return ", ".join(seen)


def coop_murmurations_profile(coop: Coop, *, network_name: str | None = None) -> dict[str, Any]:
    """The co-op as a Murmurations `organizations_schema-v1.0.0` profile.

    Promises: the result validates against the schema (the tests check it with
    Draft7Validator); `primary_url` is the co-op's own website, or its page here when it has
    none; `contact_details` holds only the public email; `relationships` says that a member
    is a member of this network. `network_name` names the link to the co-op's page here; an
    export of many co-ops passes it to save reading NetworkSettings once per co-op.
    """
    profile_url = _profile_url(coop)
    website = _http_url(coop.website)
    profile: dict[str, Any] = {
        "linked_schemas": [MURMURATIONS_SCHEMA],
        "name": coop.name.strip()[:NAME_MAX_CHARS],
        "primary_url": website or profile_url,
        "status": "active",
    }
    urls = []
    if website:
        network_name = network_name or NetworkSettings.load().name
        urls.append({"name": f"{network_name} profile", "url": profile_url})
    urls += [{"name": key, "url": url} for key, url in _social_urls(coop)]
    unique_urls = list({item["url"]: item for item in urls}.values())
    if unique_urls:
        profile["urls"] = unique_urls
    if description := plain_text(coop.description):
        profile["description"] = description
    if tags := _term_names(coop)[:TAGS_MAX]:
        profile["tags"] = tags
    if address := _full_address(coop):
        profile["full_address"] = address
    if is_country_code(coop.country):
        profile["country_iso_3166"] = coop.country
    if _has_coordinates(coop):
        profile["geolocation"] = {"lat": float(coop.latitude), "lon": float(coop.longitude)}
    if logo := _logo_url(coop):
        profile["image"] = logo
    if coop.email:
        profile["contact_details"] = {"email": coop.email}
    if coop.phone:
        profile["telephone"] = coop.phone
    if founding := _founding(coop):
        day = datetime.datetime.combine(founding[0], datetime.time(), tzinfo=datetime.UTC)
        profile["starts_at"] = int(day.timestamp())
    if coop.status == Coop.Status.MEMBER:
        profile["relationships"] = [{"predicate_url": MEMBER_OF, "object_url": absolute_url("/")}]
    return profile


def _founding_date(coop: Coop) -> str:
    founding = _founding(coop)
    if founding is None:
        return ""
    day, precision = founding
    if precision == Coop.DatePrecision.DAY:
        return day.isoformat()
    if precision == Coop.DatePrecision.MONTH:
        return day.strftime("%Y-%m")
    return str(day.year)


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def coop_jsonld(coop: Coop) -> dict[str, Any]:
    """schema.org JSON-LD (type Cooperative) for the co-op's profile page; empty values left
    out, every value a plain JSON type."""
    profile_url = _profile_url(coop)
    website = _http_url(coop.website)
    same_as = [url for _key, url in _social_urls(coop)]
    if website:
        same_as.insert(0, profile_url)
    address = _without_empty(
        {
            "streetAddress": coop.address,
            "addressLocality": coop.locality,
            "addressRegion": coop.region,
            "postalCode": coop.postcode,
            "addressCountry": coop.country if is_country_code(coop.country) else "",
        }
    )
    geo = (
        {
            "@type": "GeoCoordinates",
            "latitude": float(coop.latitude),
            "longitude": float(coop.longitude),
        }
        if _has_coordinates(coop)
        else {}
    )
    employees = {"@type": "QuantitativeValue", "value": int(coop.workers)} if coop.workers else {}
    return _without_empty(
        {
            "@context": "https://schema.org",
            "@type": "Cooperative",
            "name": coop.name,
            "url": website or profile_url,
            "description": plain_text(coop.description),
            "email": coop.email,
            "telephone": coop.phone,
            "address": {"@type": "PostalAddress", **address} if address else {},
            "geo": geo,
            "foundingDate": _founding_date(coop),
            "numberOfEmployees": employees,
            "knowsAbout": _term_names(coop),
            "sameAs": list(dict.fromkeys(same_as)),
            "logo": _logo_url(coop),
        }
    )


# The characters json_script escapes, so that no value can close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def jsonld_script(data: dict[str, Any]) -> SafeString:
    """`<script type="application/ld+json">` holding `data`, escaped as `json_script` escapes.

    `json_script` itself writes type="application/json", which search engines do not read as
    JSON-LD; this is the same escaping with the type they look for.
    """
    payload = json.dumps(data, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
