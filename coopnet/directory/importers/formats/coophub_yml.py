"""CoopHub's list of co-ops and their code-hosting organisations (`fiqus/coophub`).

`cooperatives.yml` maps a key to `{source, login, name, url, description, location}`, where
`source` is the code host (github, gitlab, git.coop, codeberg, 0xacab) and `login` the
organisation there. A co-op with organisations on two hosts is listed under two keys
("agaric" and "agaric-gitlab"): keys whose website domain or login is the same are one record,
under the first key, with the others as aliases.

The organisation becomes a social link by host, as an address ({"github":
"https://github.com/fiqus"}, the form the other readers use); the free-text location becomes
countries, and a town and region when it is one plain place (`coopnet.lib.countries`).
"""

from pathlib import Path
from typing import Any

import yaml

from coopnet.directory.importers.records import CoopRecord, ParsedSource, RecordError
from coopnet.directory.models import website_domain
from coopnet.lib.countries import parse_place

NAME = "coophub-yml"
API_URL = "https://coophub.io/api/orgs/"

HOST_URLS = {
    "github": "https://github.com/",
    "gitlab": "https://gitlab.com/",
    "git.coop": "https://git.coop/",
    "codeberg": "https://codeberg.org/",
    "0xacab": "https://0xacab.org/",
}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _website(url: str) -> str:
    if url and "://" not in url:
        url = "https://" + url
    return url if url.startswith(("http://", "https://")) else ""


def _org_url(host: str, login: str) -> str:
    if not login:
        return ""
    if host in HOST_URLS:
        return HOST_URLS[host] + login
    return f"https://{host}/{login}" if "." in host else login


def _record(key: str, entry: dict[str, Any]) -> CoopRecord:
    name = _text(entry.get("name")) or _text(entry.get("login"))
    if not name:
        raise ValueError("no name and no login")
    record = CoopRecord(
        source=NAME,
        source_id=key,
        name=name,
        source_url=API_URL + key,
        website=_website(_text(entry.get("url"))),
        description=_text(entry.get("description")),
    )
    host = _text(entry.get("source")).lower() or "github"
    if org := _org_url(host, _text(entry.get("login"))):
        record.social_links = {host: org}
    place = parse_place(_text(entry.get("location")))
    if place.countries:
        record.country, *record.other_countries = place.countries
    record.locality = place.locality
    record.region = place.region
    return record


def _fold(into: CoopRecord, other: CoopRecord) -> None:
    """The same co-op under a second key: keep its organisation and anything new it says."""
    into.aliases.append(other.source_id)
    into.social_links = {
        **into.social_links,
        **{host: url for host, url in other.social_links.items() if host not in into.social_links},
    }
    countries = [into.country, *into.other_countries]
    countries += [c for c in (other.country, *other.other_countries) if c not in countries]
    countries = [c for c in countries if c]
    if countries:
        into.country, *into.other_countries = countries
    for name in ("website", "description", "locality", "region"):
        if not getattr(into, name):
            setattr(into, name, getattr(other, name))


def read(path: str) -> ParsedSource:
    """Read `cooperatives.yml` (or a folder holding it)."""
    file = Path(path)
    if file.is_dir():
        file = file / "cooperatives.yml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{file}: expected a mapping of keys to co-ops")

    parsed = ParsedSource()
    by_identity: dict[str, CoopRecord] = {}
    for raw_key, entry in data.items():
        key = _text(raw_key)
        if not isinstance(entry, dict):
            parsed.errors.append(RecordError(key, "not a mapping of fields"))
            continue
        try:
            record = _record(key, entry)
        except ValueError as error:
            parsed.errors.append(RecordError(key, str(error)))
            continue
        identities = [f"login:{_text(entry.get('login')).casefold()}"]
        if domain := website_domain(record.website):
            identities.append(f"domain:{domain}")
        identities = [i for i in identities if not i.endswith(":")]
        first = next((by_identity[i] for i in identities if i in by_identity), None)
        target = first or record
        for identity in identities:
            by_identity.setdefault(identity, target)
        if first is not None:
            _fold(first, record)
        else:
            parsed.records.append(record)
    for record in parsed.records:
        record.set_present()
    return parsed
