"""Matching: a brief in plain words becomes a ranked, explained list of member co-ops.

INTERFACE (kept stable; hire views, the API, `manage.py match` and referrals call it):

    needs = BriefNeeds(text="We need someone to look after our servers", location="Leeds")
    outcome = match_coops(needs, limit=10, exclude_coop_ids={sender.pk})
    outcome.results      # list[CoopMatch], best first
    outcome.required     # capability keys the brief needs, in the order found
    outcome.consortium   # list[ProposedTeam] when no available member covers them all, else []

How it works (docs/matching.md says why, with the figures):

1. **Read the brief.** The concept table (coopnet/hire/concepts.py) turns the text, the chosen
   services and technologies into capability keys ("look after our servers": hosting and
   system administration) and sector hints ("donation": charities); the location becomes a
   place (coopnet/lib/places.py).
2. **Candidates**, a bounded set whatever the size of the network: every member of a small
   network; in a large one, the best full-text matches (the search adapter: FTS5 or
   tsvector) for the capabilities' words and the brief's among available members. Only
   members (never observed, former or applicant co-ops).
3. **Score** each candidate from its data, fetched in a fixed number of queries:
   `fit` (capabilities, full-text relevance, sector experience) times a practical factor
   (availability and spare capacity, location, size), times fair exposure. Evidence of a
   capability combines what the co-op lists with what its own words say; in a small network
   the full-text relevance is BM25 over every member's whole record, computed here.
4. **Explain**: every reason is a sentence built from the evidence that scored it.
5. **Teams**: when no available candidate covers every capability (or none has the capacity
   for the effort), the consortium builder proposes teams from the best candidates.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopnet.directory.models import CaseStudy, Coop, Sector, Service, Technology, facet_token
from coopnet.hire.concepts import (
    CONCEPTS_BY_KEY,
    RELATED,
    SECTOR_HINTS_BY_SLUG,
    TECHNOLOGY,
    UMBRELLAS,
    concept_label,
    concepts_for_service_slug,
    concepts_for_technology_slug,
    counts_from_spans,
    evidence_spans,
    normalise_words,
    read_text,
    sector_table,
    sectors_named,
    tokens,
)
from coopnet.hire.history import NO_HISTORY, PastFit, past_fit, start_text_vector
from coopnet.lib.countries import country_name
from coopnet.lib.places import (
    ResolvedPlace,
    coop_coordinates,
    coop_region,
    distance_km,
    normalise,
    resolve_place,
)
from coopnet.lib.search import index_ranked_ids, query_words, search_coops

# --- Weights (docs/matching.md explains each; tuned on the relevance set's "tune" half) -----

# How well a co-op fits the work. Signals a brief gives no ground for (no sector named, no
# capability found) drop out and the others share their weight.
FIT_WEIGHTS = {"capability": 0.65, "text": 0.20, "sector": 0.15}
# Whether it can take the work on, near the client, at the right size.
PRACTICAL_WEIGHTS = {"availability": 0.55, "location": 0.30, "size": 0.15}
# When the client says remote work will not do, location weighs this much instead.
LOCATION_WEIGHT_ON_SITE = 0.6
# score = fit * (1 - PRACTICAL_SHARE + PRACTICAL_SHARE * practical): practicalities move a
# co-op within its fit but never lift one that does not fit above one that does by much.
PRACTICAL_SHARE = 0.4
# What similar past briefs say (coopnet/hire/history.py): when at least one is similar enough,
# fit = (1 - share) * fit + share * history, share = HISTORY_SHARE * the history's confidence
# (how alike the nearest past brief is). What people did with alike briefs counts for more
# than the records' words (docs/matching.md, round 7, says how it was chosen).
HISTORY_SHARE = 0.7
# Fair exposure: score * 1 / (1 + EXPOSURE_STEP * max(0, briefs - median)).
EXPOSURE_STEP = 0.1
EXPOSURE_DAYS = 90

# A co-op whose own words speak of the brief's sector counts as this many clients in it.
SECTOR_WORDS_COUNT = 1
SELF_DESCRIBED_SECTORS = frozenset({"cooperative"})

# How much a piece of evidence shows that a co-op has a capability (0..1).
EVIDENCE_SERVICE = 0.9  # it lists a service of the capability
EVIDENCE_DEFINING_TECHNOLOGY = 0.9  # it uses the technology that is the capability (Drupal)
EVIDENCE_PROFILE_TEXT = 0.7  # its description or case studies speak of it
EVIDENCE_PROFILE_TEXT_REPEATED = 0.85  # ...more than once: it is what the co-op is about
EVIDENCE_SUPPORTING_TECHNOLOGY = 0.5  # it uses a tool of the trade (Ansible for sysadmin)
EVIDENCE_RELATED = 0.4  # it clearly has an adjacent capability (web apps for an "app")
# A co-op ticking many boxes does each of them less ("a small part of a different main offer"):
# a listed service's evidence falls by SERVICE_BREADTH_STEP for each service listed past
# SERVICES_FOCUSED, down to EVIDENCE_SERVICE_BROAD, which still covers the capability.
SERVICES_FOCUSED = 6
SERVICE_BREADTH_STEP = 0.035
EVIDENCE_SERVICE_BROAD = 0.7
# A service that is evidence of several capabilities says each less clearly ("Development" is
# web, web application or app work): minus this for each capability past the first.
GENERIC_SERVICE_STEP = 0.1
# Evidence at least this strong counts as "covers it" for teams and for the team trigger.
COVERS_AT_LEAST = EVIDENCE_PROFILE_TEXT
# Share of the capability signal given to the best-shown capability rather than the mean.
CAPABILITY_BEST_SHARE = 0.2

AVAILABILITY_SCORES = {
    Coop.Availability.OPEN: 1.0,
    Coop.Availability.LIMITED: 0.65,
    Coop.Availability.UNKNOWN: 0.4,
}
AVAILABILITY_BOOKED = 0.1  # fully booked past the brief's start
AVAILABILITY_FREE_BY_START = 0.8  # fully booked, but free again by the start

# Location: closeness decays with distance (about 0.7 at 50 km, 0.37 at 150 km), with floors
# for the same region or country when the distance says less.
DISTANCE_SCALE_KM = 150.0
DISTANCE_REASON_MAX_KM = 150.0
SAME_REGION_SCORE = 0.7
IN_AREA_SCORE = 0.9
UNKNOWN_PLACE_SCORE = 0.3
SAME_COUNTRY_SCORE = 0.4

# Capacity: a co-op that states no spare capacity is assumed to have this many person-days a
# month when it is open (and a third of it when limited): modest, so that a team never rests
# on days nobody promised. A brief without a timeline is taken to run over one month.
ASSUMED_SPARE_DAYS = 5.0
DEFAULT_TIMELINE_MONTHS = 1.0
# One worker gives about this many person-days a month to client work (size fit).
DAYS_PER_WORKER_MONTH = 15.0

# Candidate set sizes: ranking is in Python over at most about a thousand co-ops. A network
# with at most ALL_MEMBERS_UP_TO members ranks every member (real networks are that small, and
# a member whose profile uses none of the brief's words may still show the capability).
ALL_MEMBERS_UP_TO = 500
LARGE_NETWORK_CANDIDATES = 150
# Each search ORs at most this many words (as prefixes): every word widens what FTS5 ranks.
SEARCH_WORDS = 8
# The full-text signal is the match's position in the search's ranking: 1 for the best,
# 1 / (1 + position / TEXT_HALF_AT) after it (bm25 scores do not compare across briefs).
TEXT_HALF_AT = 4.0
# How many profiles' words a process keeps ready (a few thousand: a few megabytes).
PROFILE_WORDS_CACHED = 4096
# Teams are built from this many of the best candidates that bring something needed.
TEAM_CANDIDATES = 25

SEARCH_NOISE_WORDS = frozenset(
    "someone somebody help looking look would could like ideal ideally near can get make "
    "just really please thanks some any also very much lot lots us me you they them there "
    "here what which when how who why want wants wanted".split()
)
# Brief words worth "Mentions 'x' in its profile" are at least this long and not general.
MENTION_MIN_LENGTH = 6
GENERAL_WORDS = frozenset(
    "someone somebody something anything everything everyone nobody anybody everybody "
    "somewhere anywhere helping looking working making taking getting having running "
    "started started wanted wanting needed needing people person things really little "
    "number around within before after others better actually another because between "
    "without through together already example important possible properly probably "
    "currently ideally whether should couldn wouldn themselves ourselves yourselves "
    "project projects organisation organization company business different overnight "
    "months weeks years please thanks hello simple modern current recent proper across "
    "various someone's support update change changes moving finish finished".split()
)


# Full-text relevance in a small network is BM25 computed here over every member's whole
# record (name, services with their synonyms, technologies, clients, case studies,
# description), with every meaningful word of the brief, stemmed as the concept table stems.
BM25_K1 = 1.2
BM25_B = 0.75
# A word in the name or the tags (services, technologies, clients) counts this many times over
# one in the description: it is what the co-op chose to say it does.
NAME_WEIGHT = 3
TAGS_WEIGHT = 2
# A brief's word at least this long also finds the longer words it starts ("design" designers).
PREFIX_MIN_LENGTH = 5
# Words of English and of asking for help that say nothing about the work. A brief's point can
# come late in a paragraph; dropping these lets every other word count.
TEXT_STOP_WORDS = frozenset(
    """a about above after again against all almost also although always am among an and any
    anyone anything are around as at away back be because been before being below between both
    but by can cannot could did do does doing done down during each either else enough even
    ever every everyone everything few for from further get gets getting give go going good got
    had has have having he her here hers him his how however i if in instead into is it its
    itself just keep know last least less let like likely lot lots made make many may maybe me
    might more most much must my myself near need needs never new next no nobody none nor not
    nothing now of off often on once one only or other others otherwise ought our ours
    ourselves out over own part per perhaps please put quite rather really right same say see
    seem seems she should since so some somebody someone something sometimes somewhere soon
    still such sure take than thank thanks that the their theirs them themselves then there
    these they thing things this those though through thus to too toward towards try under
    until up upon us use used very via want wanted wants was way ways we well were what
    whatever when where whether which while who whole whom whose why will with within without
    would yet you your yours yourselves re ve ll s t d m
    help helps looking look hope hoping ideally ideal able actually already basically currently
    find found bit kind sort start started stop year years month months week weeks day days
    time today soon long short small big large new old people person group team organisation
    organization company work working job project projects""".split()
)


@dataclass
class BriefNeeds:
    text: str
    services: list[str] = field(default_factory=list)  # Service slugs
    technologies: list[str] = field(default_factory=list)  # Technology slugs
    sector: str = ""  # Sector slug
    location: str = ""  # a place name in the client's words
    remote_ok: bool = True
    effort_days: int | None = None  # person-days, when the client knows
    budget_max: int | None = None
    timeline_months: float | None = None  # how long the work may take, when known
    start_on: datetime.date | None = None  # when the work would start (default: today)
    brief_id: int | None = None  # the stored brief matched: its own answers are not history
    text_vector: bytes | None = None  # the stored brief's embedding, to save computing it


@dataclass
class CoopMatch:
    coop: Coop
    score: float  # 0..1, higher is better
    reasons: list[str]  # translated sentences a client understands
    capabilities: set[str] = field(default_factory=set)  # keys of required ones it covers
    signals: dict[str, float] = field(default_factory=dict)  # each signal's value, 0..1
    available: bool = False  # can start by the brief's start date


@dataclass
class ProposedTeam:
    lead: Coop
    members: list[Coop]
    covers: dict[int, list[str]]  # coop pk -> capability keys it brings
    reasons: list[str]
    score: float
    exact: bool  # False when the greedy fallback answered


@dataclass
class MatchOutcome:
    results: list[CoopMatch]
    required: list[str] = field(default_factory=list)
    consortium: list[ProposedTeam] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)  # sector slugs named or inferred
    place: ResolvedPlace | None = None  # where the client is, when it could be read
    # Capabilities no allowed candidate has (a team cannot cover them either).
    uncoverable: list[str] = field(default_factory=list)
    # No single available member covers the brief (or has the capacity for its effort), so
    # teams were looked for; `consortium` is empty when none was found.
    team_needed: bool = False
    labels: dict[str, str] = field(default_factory=dict)  # see `label`

    def label(self, key: str) -> str:
        """A required capability in words: the table's label, or the name of the service or
        technology a term the table does not know stands for ("Godot", not "godot")."""
        return self.labels.get(key) or concept_label(key)


def term_labels(keys: Iterable[str]) -> dict[str, str]:
    """The names of the services and technologies behind per-term keys (`service:<slug>`,
    `technology:<slug>`); no query when there are none."""
    keys = list(keys)
    labels: dict[str, str] = {}
    for prefix, model in (("service:", Service), ("technology:", Technology)):
        slugs = [k.removeprefix(prefix) for k in keys if k.startswith(prefix)]
        if slugs:
            for slug, name in model.objects.filter(slug__in=slugs).values_list("slug", "name"):
                labels[prefix + slug] = name
    return labels


# --- Reading the brief -------------------------------------------------------------------


@dataclass
class _Reading:
    required: list[str]
    wanted: frozenset[str]  # required keys and their adjacent ones (RELATED)
    sectors: list[str]
    sector_words: dict  # the concept table's words for `sectors` only
    words: list[str]
    text_terms: list[str]  # the brief's meaningful words, stemmed, for full-text relevance
    remote_ok: bool
    mention_words: list[str]  # brief words worth naming in a "Mentions" reason
    place: ResolvedPlace | None
    months: float
    start_on: datetime.date


def read_needs(needs: BriefNeeds) -> _Reading:
    """The brief in the table's terms: capability keys, sectors, words and place."""
    text_reading = read_text(needs.text)
    required = list(text_reading.concepts)
    for slug in needs.services:
        keys = concepts_for_service_slug(slug) or (f"service:{slug}",)
        if not any(k in required for k in keys):
            required.append(keys[0])
    for slug in needs.technologies:
        keys = concepts_for_technology_slug(slug)
        defining = [k for k in keys if CONCEPTS_BY_KEY[k].kind == TECHNOLOGY]
        key = defining[0] if defining else f"technology:{slug}"
        if key not in required:
            required.append(key)
    sectors = [needs.sector] if needs.sector else list(text_reading.sectors)
    # The full-text search ORs the words, so words any profile may contain only add noise.
    words = [w for w in query_words(needs.text) if w not in SEARCH_NOISE_WORDS]
    phrase_words = {w for phrase in text_reading.phrases.values() for w in phrase.split()}
    # Words worth "Mentions 'x' in its profile": not general ones (a short word or a common
    # one says nothing), and not those a capability reason already speaks for.
    mention_words = [
        w
        for w in dict.fromkeys(words)
        if len(w) >= MENTION_MIN_LENGTH
        and w not in GENERAL_WORDS
        and normalise_words(w) not in phrase_words
    ]
    wanted = set(required)
    for key in required:
        wanted.update(RELATED.get(key, ()))
        wanted.update(UMBRELLAS.get(key, ()))
    return _Reading(
        required=required,
        wanted=frozenset(wanted),
        sectors=sectors,
        # Every member of a network of co-ops speaks of co-ops: that says nothing of its clients.
        sector_words=sector_table(s for s in sectors if s not in SELF_DESCRIBED_SECTORS),
        words=words,
        text_terms=text_terms(needs.text),
        remote_ok=needs.remote_ok,
        mention_words=mention_words,
        place=resolve_place(needs.location) if needs.location.strip() else None,
        months=needs.timeline_months or DEFAULT_TIMELINE_MONTHS,
        start_on=needs.start_on or timezone.localdate(),
    )


@cache
def _text_stop_stems() -> frozenset[str]:
    return frozenset(tokens(" ".join(TEXT_STOP_WORDS)))


def text_terms(text: str) -> list[str]:
    """The brief's words that can tell co-ops apart, stemmed, each once, in order."""
    stop = _text_stop_stems()
    return list(dict.fromkeys(w for w in tokens(text) if w not in stop and not w.isdigit()))


def validate_needs(needs: BriefNeeds) -> None:
    """Raise ValidationError (by field) for empty text and slugs that name no term: a typo
    would otherwise silently match nothing."""
    errors: dict[str, list[str]] = {}
    if not needs.text.strip():
        errors["text"] = [_("Say in a few words what the work is.")]
    for name, model in (("services", Service), ("technologies", Technology)):
        slugs = list(dict.fromkeys(getattr(needs, name)))
        known = set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            errors[name] = [
                _("There is no %(term)s with the slug “%(slug)s”.")
                % {"term": model._meta.verbose_name, "slug": slug}
                for slug in unknown
            ]
    if needs.sector and not Sector.objects.filter(slug=needs.sector).exists():
        errors["sector"] = [
            _("There is no sector with the slug “%(slug)s”.") % {"slug": needs.sector}
        ]
    if errors:
        raise ValidationError(errors)


# --- Fair exposure -----------------------------------------------------------------------


def recent_exposure(days: int = EXPOSURE_DAYS) -> dict[int, int]:
    """How many briefs each co-op was sent in the last `days` days, by co-op id."""
    from coopnet.hire.models import BriefRecipient

    since = timezone.now() - datetime.timedelta(days=days)
    rows = (
        BriefRecipient.objects.filter(sent_at__gte=since)
        .values_list("coop_id")
        .order_by()
        .annotate(n=Count("id"))
    )
    return dict(rows)


def median_exposure(counts: dict[int, int], member_count: int | None = None) -> float:
    """The median number of briefs recently sent to a member co-op, zeros included."""
    sent = sorted(n for n in counts.values() if n > 0)
    if member_count is None:
        if 2 * len(sent) < ALL_MEMBERS_UP_TO:
            return 0.0  # most members of a large network received none: no need to count them
        member_count = Coop.objects.members().count()
    zeros = max(0, member_count - len(sent))
    return float(statistics.median([0] * zeros + sent)) if zeros + len(sent) else 0.0


def exposure_factor(count: int, median: float) -> float:
    """The gentle down-weight of a co-op sent `count` briefs when the median is `median`."""
    return 1.0 / (1.0 + EXPOSURE_STEP * max(0.0, count - median))


# --- Candidates --------------------------------------------------------------------------


AVAILABLE = (Coop.Availability.OPEN, Coop.Availability.LIMITED)


def _ranked_ids(
    words: list[str], limit: int, *, available_only: bool = False, country: str = ""
) -> list[int]:
    """Ids of the members that best match any of `words`, best first.

    On SQLite the filters are facet words, so FTS5 ranks inside its index and reads no row
    (the directory's fast path, coopnet/lib/search.py); elsewhere they are ORM filters.
    """
    if not words:
        return []
    text = " ".join(words)
    if connection.vendor == "sqlite":
        facets = [[facet_token("status", Coop.Status.MEMBER)]]
        if available_only:
            facets.append([facet_token("avail", a) for a in AVAILABLE])
        if country:
            facets.append([facet_token("country", country)])
        return index_ranked_ids(text, facets, 0, limit, any_word=True)
    qs = Coop.objects.members()
    if available_only:
        qs = qs.available()
    if country:
        qs = qs.filter(country=country)
    return list(search_coops(qs, text, any_word=True).values_list("id", flat=True)[:limit])


def _text_score(position: int) -> float:
    """The full-text signal of the match at `position` (0 = best): 1, then 0.5 at the 9th."""
    return 1.0 / (1.0 + position / TEXT_HALF_AT)


def _concept_words(required: list[str]) -> list[str]:
    """Words that name the capabilities, for a full-text search of profiles: each concept's
    own one-word phrases, and the names of its services and technologies."""
    words: list[str] = []
    for key in required:
        concept = CONCEPTS_BY_KEY.get(key)
        if concept is None:
            words.append(concept_label(key))
            continue
        single = [p for p in concept.phrases if " " not in p]
        words += single[:2] or [concept.phrases[0]]
    return list(dict.fromkeys(query_words(" ".join(words))))[:SEARCH_WORDS]


def _small_network_ids() -> list[int] | None:
    """Every member's id when there are at most ALL_MEMBERS_UP_TO of them, else None."""
    ids = list(
        Coop.objects.members().order_by().values_list("id", flat=True)[: ALL_MEMBERS_UP_TO + 1]
    )
    return ids if len(ids) <= ALL_MEMBERS_UP_TO else None


def _candidates(
    reading: _Reading, include: set[int]
) -> tuple[list[int], dict[int, float], int | None]:
    """A bounded set of members to rank, the full-text signal of each, and how many members
    there are when that was cheap to learn (a small network).

    A small network ranks every member; its full-text signal is left to `_text_relevance`
    (empty here), which ranks every member's whole record for every meaningful word of the
    brief. A large one ranks the best matches of one search among the
    *available* members (open or with limited capacity) for the capabilities' own words and
    the brief's words together, in the client's country when remote work will not do: with
    thousands of co-ops there are enough who can start, and one search of fewer rows keeps
    100,000 co-ops fast.
    """
    everyone = _small_network_ids()
    text_ids: list[int] = []
    if everyone is not None:
        ids = list(everyone)
    else:
        concept_words = _concept_words(reading.required)[: SEARCH_WORDS // 2]
        words = list(dict.fromkeys(concept_words + reading.words))[:SEARCH_WORDS]
        place = reading.place
        country = place.country if place is not None and not reading.remote_ok else ""
        text_ids = _ranked_ids(
            words, LARGE_NETWORK_CANDIDATES, available_only=True, country=country
        )
        ids = list(text_ids)
        if not words:
            ids += list(
                Coop.objects.members()
                .available()
                .order_by("-spare_capacity_days", "id")
                .values_list("id", flat=True)[:LARGE_NETWORK_CANDIDATES]
            )
    text_scores = {pk: _text_score(position) for position, pk in enumerate(text_ids)}
    if include and everyone is None:  # a small network's candidates are every member already
        ids += list(Coop.objects.members().filter(id__in=include).values_list("id", flat=True))
    return ids, text_scores, len(everyone) if everyone is not None else None


def _text_relevance(rows: dict[int, _Row], terms: list[str]) -> dict[int, float]:
    """The full-text signal of each co-op matching any of the brief's `terms`: its position
    when ranked by BM25 over its whole record (see `_text_score`).

    The statistics are those of `rows`, every member of a small network: a word most members
    use ("digital") counts little, a rare one ("fibre") much.
    """
    if not terms or not rows:
        return {}
    wanted = set(terms)
    long_terms = {t for t in wanted if len(t) >= PREFIX_MIN_LENGTH}
    # word -> the terms it matches: itself, or a long term it starts with, as the directory's
    # search does ("freelanc" finds freelancers, "design" designers).
    matches: dict[str, tuple[str, ...]] = {}
    counts: dict[int, dict[str, int]] = {}
    lengths: dict[int, int] = {}
    for pk, row in rows.items():
        found: dict[str, int] = {}
        length = 0
        for text_words, weight in (
            (_profile_words(row.name), NAME_WEIGHT),
            (_profile_words(row.search_tags), TAGS_WEIGHT),
            (row.words(), 1),
        ):
            length += weight * len(text_words)
            for word in text_words:
                hit = matches.get(word)
                if hit is None:
                    hit = matches[word] = tuple(
                        t for t in wanted if t == word or (t in long_terms and word.startswith(t))
                    )
                for term in hit:
                    found[term] = found.get(term, 0) + weight
        counts[pk] = found
        lengths[pk] = length
    n = len(rows)
    average = sum(lengths.values()) / n or 1.0
    idf = {}
    for term in wanted:
        df = sum(1 for found in counts.values() if term in found)
        if df:
            idf[term] = math.log(1 + (n - df + 0.5) / (df + 0.5))
    scores: dict[int, float] = {}
    for pk, found in counts.items():
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[pk] / average)
        total = sum(idf[t] * f * (BM25_K1 + 1) / (f + norm) for t, f in found.items())
        if total > 0:
            scores[pk] = total
    # As in a large network, the signal is the position: bm25 scores do not compare across
    # briefs, and one co-op repeating a rare word should not flatten all the others.
    order = sorted(scores, key=lambda pk: (-scores[pk], pk))
    return {pk: _text_score(position) for position, pk in enumerate(order)}


# --- Scoring -----------------------------------------------------------------------------


@dataclass
class _Row:
    """What scoring needs of one candidate, read with `values()` (no model instances)."""

    id: int
    name: str
    description: str
    availability: str
    booked_until: datetime.date | None
    spare_capacity_days: int | None
    workers: int | None
    locality: str
    region: str
    country: str
    latitude: float | None
    longitude: float | None
    sector_slug: str | None
    search_tags: str = ""  # services with synonyms, technologies, clients, case studies
    service_ids: list[int] = field(default_factory=list)
    technology_ids: list[int] = field(default_factory=list)
    sector_clients: int = 0
    case_study_titles: list[str] = field(default_factory=list)
    _words: list[str] | None = None

    def words(self) -> list[str]:
        """The co-op's own text (description, case study titles) as comparable words."""
        if self._words is None:
            self._words = _profile_words(" ".join([self.description, *self.case_study_titles]))
        return self._words


@lru_cache(maxsize=PROFILE_WORDS_CACHED)
def _own_evidence(name: str, description: str, case_study_titles: tuple[str, ...]) -> Any:
    """Every evidence phrase in a co-op's own words: its name is part of what it says it does
    ("… Hosts", "Open Ecommerce"), then its description and case-study titles. Kept per
    process like the words: each brief then reads only its own concepts out of it."""
    words = [*_profile_words(name), *_profile_words(" ".join([description, *case_study_titles]))]
    return evidence_spans(words)


@lru_cache(maxsize=PROFILE_WORDS_CACHED)
def _profile_words(text: str) -> list[str]:
    # Profiles change rarely and every brief reads the same ones: a process keeps the words of
    # the profiles it ranked last. Callers never change the list.
    return tokens(text)


ROW_FIELDS = (
    "id",
    "name",
    "description",
    "availability",
    "booked_until",
    "spare_capacity_days",
    "workers",
    "worker_owners",
    "locality",
    "region",
    "country",
    "latitude",
    "longitude",
    "sector__slug",
)


def _load_rows(
    ids: list[int], reading: _Reading, *, small_network: bool = False
) -> dict[int, _Row]:
    """What scoring needs of the co-ops `ids`.

    In a small network `ids` are every member (bar those left out): they are read by status,
    which costs far less than a list of hundreds of ids in five queries, and the search tags
    are added, which only a small network's full-text relevance reads.
    """
    wanted = set(ids)
    if small_network:
        coops = Coop.objects.members()
        of_coops: dict[str, Any] = {"coop__status": Coop.Status.MEMBER}
    else:
        coops = Coop.objects.filter(id__in=ids)
        of_coops = {"coop_id__in": ids}
    rows: dict[int, _Row] = {}
    fields = (*ROW_FIELDS, "search_tags") if small_network else ROW_FIELDS
    for values in coops.values_list(*fields):
        (pk, name, description, availability, booked_until, spare, workers, worker_owners) = values[
            :8
        ]
        if pk not in wanted:
            continue
        rows[pk] = _Row(
            pk,
            name,
            description,
            availability,
            booked_until,
            spare,
            workers or worker_owners,
            *values[8:],
        )
    for coop_id, service_id in Coop.services.through.objects.filter(**of_coops).values_list(
        "coop_id", "service_id"
    ):
        if coop_id in rows:
            rows[coop_id].service_ids.append(service_id)
    for coop_id, technology_id in Coop.technologies.through.objects.filter(**of_coops).values_list(
        "coop_id", "technology_id"
    ):
        if coop_id in rows:
            rows[coop_id].technology_ids.append(technology_id)
    if reading.sectors:
        for coop_id, n in (
            Coop.clients.through.objects.filter(
                **of_coops, client__sector__slug__in=reading.sectors
            )
            .values_list("coop_id")
            .order_by()
            .annotate(n=Count("client_id"))
        ):
            if coop_id in rows:
                rows[coop_id].sector_clients = n
    if reading.wanted:
        for coop_id, title in CaseStudy.coops.through.objects.filter(**of_coops).values_list(
            "coop_id", "casestudy__title"
        ):
            if coop_id in rows:
                rows[coop_id].case_study_titles.append(title)
    return rows


@dataclass
class _Taxonomy:
    """Per request: what each service and technology shows, and their names."""

    service_concepts: dict[int, tuple[str, ...]]
    service_names: dict[int, str]
    service_breadth: dict[int, int]  # how many capabilities each service is evidence of
    technology_concepts: dict[int, tuple[str, ...]]
    technology_names: dict[int, str]


def _taxonomy(rows: Iterable[_Row]) -> _Taxonomy:
    service_ids = {s for row in rows for s in row.service_ids}
    technology_ids = {t for row in rows for t in row.technology_ids}
    service_concepts: dict[int, tuple[str, ...]] = {}
    service_names: dict[int, str] = {}
    service_breadth: dict[int, int] = {}
    for pk, slug, name in Service.objects.filter(id__in=service_ids).values_list(
        "id", "slug", "name"
    ):
        # A service the table does not know still counts under its own key, and under the
        # concepts its name speaks of ("Penetration testing" is security).
        known = concepts_for_service_slug(slug)
        service_concepts[pk] = (
            *known,
            f"service:{slug}",
            *(() if known else tuple(read_text(name).concepts)),
        )
        service_names[pk] = name
        service_breadth[pk] = len(known)
    technology_concepts: dict[int, tuple[str, ...]] = {}
    technology_names: dict[int, str] = {}
    for pk, slug, name in Technology.objects.filter(id__in=technology_ids).values_list(
        "id", "slug", "name"
    ):
        technology_concepts[pk] = (*concepts_for_technology_slug(slug), f"technology:{slug}")
        technology_names[pk] = name
    return _Taxonomy(
        service_concepts, service_names, service_breadth, technology_concepts, technology_names
    )


@dataclass
class _Scored:
    row: _Row
    score: float
    fit: float
    signals: dict[str, float]
    coverage: dict[str, float]
    reasons: list[str]
    available: bool
    capacity_days: float


def _join(items: list[str]) -> str:
    """ "a, b and c"; with a comma before the last "and" when an item has its own "and"
    ("support and maintenance, and hosting")."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    head = ", ".join(items[:-1])
    if any(" and " in item for item in items):
        return _("%(list)s, and %(last)s") % {"list": head, "last": items[-1]}
    return _("%(list)s and %(last)s") % {"list": head, "last": items[-1]}


COUNTRIES_WITH_THE = frozenset(
    {"GB", "US", "NL", "CZ", "PH", "AE", "DO", "CF", "BS", "GM", "CD", "CG", "KM", "MV", "MH"}
)


def _in_country(code: str) -> str:
    name = country_name(code)
    if code in COUNTRIES_WITH_THE:
        return _("Based in the %(country)s") % {"country": name}
    return _("Based in %(country)s") % {"country": name}


def _coverage(row: _Row, reading: _Reading, taxonomy: _Taxonomy) -> tuple[dict, dict]:
    """Evidence per required capability, and what gave it (for the reasons).

    Each kind of evidence (a listed service, a technology, the co-op's own words) counts at
    its best, and kinds combine as independent signs: `1 - (1 - a)(1 - b)`. A co-op that lists
    hosting *and* describes hosting work shows it more surely than one that only ticks the box.

    `source[key]` is (kind, term, shown key): kind "service", "technology" or "text"; the
    shown key is the capability the evidence is about, which for partial credit through an
    adjacent capability (RELATED) is that adjacent one.
    """
    best: dict[str, dict[str, tuple[float, tuple[str, Any, str]]]] = {}

    def note(key: str, value: float, why: tuple[str, Any, str]) -> None:
        kinds = best.setdefault(key, {})
        if value > kinds.get(why[0], (0.0,))[0]:
            kinds[why[0]] = (value, why)

    wanted = reading.wanted
    extra_services = max(0, len(row.service_ids) - SERVICES_FOCUSED)
    service_value = max(
        EVIDENCE_SERVICE_BROAD, EVIDENCE_SERVICE - SERVICE_BREADTH_STEP * extra_services
    )
    for service_id in row.service_ids:
        vague = GENERIC_SERVICE_STEP * max(0, taxonomy.service_breadth.get(service_id, 1) - 1)
        for key in taxonomy.service_concepts.get(service_id, ()):
            if key in wanted:
                note(key, service_value - vague, ("service", service_id, key))
    for technology_id in row.technology_ids:
        for key in taxonomy.technology_concepts.get(technology_id, ()):
            if key not in wanted:
                continue
            concept = CONCEPTS_BY_KEY.get(key)
            defining = concept is None or concept.kind == TECHNOLOGY
            value = EVIDENCE_DEFINING_TECHNOLOGY if defining else EVIDENCE_SUPPORTING_TECHNOLOGY
            note(key, value, ("technology", technology_id, key))
    spans = _own_evidence(row.name, row.description, tuple(row.case_study_titles))
    for key, mentions in counts_from_spans(spans, reading.wanted).items():
        value = EVIDENCE_PROFILE_TEXT if mentions == 1 else EVIDENCE_PROFILE_TEXT_REPEATED
        note(key, value, ("text", None, key))
    strength: dict[str, float] = {}
    source: dict[str, tuple[str, Any, str]] = {}
    for key, kinds in best.items():
        unlikely = 1.0
        for value, _why in kinds.values():
            unlikely *= 1.0 - value
        strength[key] = 1.0 - unlikely
        source[key] = max(kinds.values(), key=lambda item: item[0])[1]
    for key, kinds in UMBRELLAS.items():
        # "An app" is a web or a mobile one: showing either shows it.
        if key in reading.required:
            shown = max((strength.get(k, 0.0) for k in kinds), default=0.0)
            if shown > strength.get(key, 0.0):
                strength[key] = shown
                source[key] = next(source[k] for k in kinds if strength.get(k, 0.0) == shown)
    direct = dict(strength)
    for key in reading.required:
        if strength.get(key, 0.0) >= EVIDENCE_RELATED:
            continue
        for other in RELATED.get(key, ()):
            if direct.get(other, 0.0) >= COVERS_AT_LEAST:
                strength[key] = EVIDENCE_RELATED
                source[key] = source[other]
                break
    return strength, source


def _capability_reasons(
    reading: _Reading, strength: dict, source: dict, taxonomy: _Taxonomy
) -> list[str]:
    offers: list[str] = []
    uses: list[str] = []
    tools: dict[str, list[str]] = {}
    described: list[str] = []

    def add(items: list[str], item: str) -> None:
        if item not in items:
            items.append(item)

    for key in reading.required:
        if key not in source:
            continue
        kind, term, shown = source[key]
        if kind == "service":
            label = concept_label(shown) if shown in CONCEPTS_BY_KEY else None
            add(offers, label or taxonomy.service_names[term])
        elif kind == "technology":
            concept = CONCEPTS_BY_KEY.get(shown)
            if concept is None or concept.kind == TECHNOLOGY:
                add(uses, taxonomy.technology_names[term])
            else:
                add(tools.setdefault(taxonomy.technology_names[term], []), concept_label(shown))
        else:
            add(described, concept_label(shown))
    reasons = []
    if offers:
        reasons.append(_("Offers %(what)s") % {"what": _join(offers)})
    if uses:
        reasons.append(_("Uses %(what)s") % {"what": _join(uses)})
    for tool, labels in tools.items():
        reasons.append(
            _("Works with %(tool)s, used in %(what)s") % {"tool": tool, "what": _join(labels)}
        )
    if described:
        reasons.append(_("Its profile describes %(what)s work") % {"what": _join(described)})
    return reasons


def _availability(row: _Row, reading: _Reading, effort_days: int | None, explain: bool) -> tuple:
    """(score, reasons, can start by the start date, capacity in person-days)."""
    reasons: list[str] = []
    start = reading.start_on
    status = row.availability
    if status == Coop.Availability.FULLY_BOOKED:
        available = row.booked_until is not None and row.booked_until < start
        if available:
            score = AVAILABILITY_FREE_BY_START
            if explain:
                free_from = row.booked_until + datetime.timedelta(days=1)
                reasons.append(_("Free from %(date)s") % {"date": date_format(free_from, "j F")})
        elif row.booked_until is not None:
            score = AVAILABILITY_BOOKED
            if explain:
                reasons.append(
                    _("Fully booked until %(date)s")
                    % {"date": date_format(row.booked_until, "j F Y")}
                )
        else:
            score = AVAILABILITY_BOOKED / 2
            if explain:
                reasons.append(_("Fully booked"))
    else:
        score = AVAILABILITY_SCORES.get(status, AVAILABILITY_SCORES[Coop.Availability.UNKNOWN])
        available = status in AVAILABLE
        if explain and status == Coop.Availability.OPEN:
            reasons.append(_("Available now"))
        elif explain and status == Coop.Availability.LIMITED:
            reasons.append(_("Limited availability"))
    spare = row.spare_capacity_days
    if spare is None:
        assumed = ASSUMED_SPARE_DAYS
        if status == Coop.Availability.LIMITED:
            assumed = ASSUMED_SPARE_DAYS / 3
        monthly = assumed if available else 0.0
    else:
        monthly = float(spare)
    capacity = monthly * reading.months
    if effort_days:
        need = effort_days / reading.months
        if spare is not None:
            score *= 0.6 + 0.4 * min(1.0, spare / need)
            if explain and available and spare >= need:
                reasons.append(_("Has about %(days)d person-days a month free") % {"days": spare})
        else:
            score *= 0.8
    elif spare is not None and available:
        score *= 0.9 + 0.1 * min(1.0, spare / 10.0)
    elif available:
        score *= 0.93
    return score, reasons, available, capacity


def _round_km(km: float) -> int:
    if km < 10:
        return max(1, round(km))
    if km < 100:
        return int(5 * round(km / 5))
    return int(10 * round(km / 10))


def _location(row: _Row, place: ResolvedPlace, explain: bool) -> tuple[float, list[str]]:
    """How near the client the co-op is (0..1), and why, from the most precise evidence."""
    coords = coop_coordinates(row.latitude, row.longitude, row.locality, row.country)
    same_country = bool(row.country) and row.country == place.country
    if coords is None and not row.country:
        # A profile without a place says nothing about distance: neither near nor far.
        return UNKNOWN_PLACE_SCORE, []

    def country_reason() -> list[str]:
        return [_in_country(row.country)] if explain else []

    if place.radius_km is not None and coords is not None:
        # An area named with a rough centre ("Yorkshire"): inside its radius is "in or near".
        km = distance_km(place.latitude, place.longitude, coords[0], coords[1])
        if km <= place.radius_km:
            reason = _("In or near %(area)s") % {"area": place.name} if explain else ""
            return IN_AREA_SCORE, [reason] if explain else []
        score = math.exp(-(km - place.radius_km) / DISTANCE_SCALE_KM)
        if same_country:
            return max(score, SAME_COUNTRY_SCORE), country_reason()
        return score, []
    if place.has_coordinates and coords is not None:
        km = distance_km(place.latitude, place.longitude, coords[0], coords[1])
        if km < 2:
            return 1.0, [
                _("Less than 2 km from %(place)s") % {"place": place.name}
            ] if explain else []
        score = math.exp(-km / DISTANCE_SCALE_KM)
        if km <= DISTANCE_REASON_MAX_KM:
            if not explain:
                return score, []
            return score, [
                _("About %(km)d km from %(place)s") % {"km": _round_km(km), "place": place.name}
            ]
        if same_country:
            return max(score, SAME_COUNTRY_SCORE), country_reason()
        return score, []
    if place.kind in ("region", "city") and same_country and place.region_name:
        in_region = bool(place.region) and coop_region(row.locality, row.country) == place.region
        area = normalise(place.region_name)
        if area and (area in normalise(row.region) or area == normalise(row.locality)):
            in_region = True
        if in_region:
            if not explain:
                return SAME_REGION_SCORE, []
            return SAME_REGION_SCORE, [_("Based in %(region)s") % {"region": place.region_name}]
    if same_country:
        return (0.8 if place.kind == "country" else SAME_COUNTRY_SCORE), country_reason()
    return 0.0, []


def _size(
    row: _Row, reading: _Reading, effort_days: int | None, explain: bool
) -> tuple[float | None, list]:
    """How well the co-op's head-count fits the effort (None when either is unknown)."""
    if not effort_days or not row.workers:
        return None, []
    people = effort_days / (reading.months * DAYS_PER_WORKER_MONTH)
    ratio = row.workers / max(people, 0.5)
    if ratio < 1:
        return ratio, []
    if ratio > 40:
        return 0.8, []
    if not explain:
        return 1.0, []
    if ratio <= 15:
        return 1.0, [_("Team of %(n)d, a good size for this work") % {"n": row.workers}]
    return 1.0, [_("Team of %(n)d, more than enough for this work") % {"n": row.workers}]


def _mentions(row: _Row, words: list[str], taxonomy: _Taxonomy) -> list[str]:
    """Brief words that the co-op's own words contain (as the search does: prefixes)."""
    if not words:
        return []
    own = set(row.words())
    own.update(tokens(row.name))
    for service_id in row.service_ids:
        own.update(tokens(taxonomy.service_names.get(service_id, "")))
    for technology_id in row.technology_ids:
        own.update(tokens(taxonomy.technology_names.get(technology_id, "")))
    found = []
    for word in words:
        stem = " ".join(tokens(word))
        if stem and any(token.startswith(stem) for token in own):
            found.append(word)
        if len(found) == 2:
            break
    return found


def _weighted(values: dict[str, float | None], weights: dict[str, float]) -> float | None:
    present = {k: v for k, v in values.items() if v is not None and weights.get(k)}
    total = sum(weights[k] for k in present)
    if not total:
        return None
    return sum(weights[k] * v for k, v in present.items()) / total


def _capability_signal(values: list[float]) -> float:
    """The evidence over the brief's capabilities: mostly their mean, partly the best one, so
    that the specialist in one need is not outranked by a generalist showing a little of all."""
    mean = sum(values) / len(values)
    return (1 - CAPABILITY_BEST_SHARE) * mean + CAPABILITY_BEST_SHARE * max(values)


def _score(
    row: _Row,
    reading: _Reading,
    needs: BriefNeeds,
    taxonomy: _Taxonomy,
    text_score: float | None,
    exposure: float,
    past: PastFit | None = None,
    *,
    history_share: float = 0.0,
    explain: bool = False,
) -> _Scored:
    """The co-op's score and signals; with `explain`, also its reasons (costly: translated
    sentences, so only for the results shown)."""
    signals: dict[str, float | None] = {}
    strength, source = _coverage(row, reading, taxonomy) if reading.required else ({}, {})
    if reading.required:
        signals["capability"] = _capability_signal([strength.get(k, 0.0) for k in reading.required])
    signals["text"] = text_score
    if reading.sectors:
        # Its clients in the sector, its own sector, and its own words about the sector.
        n = row.sector_clients + (1 if row.sector_slug in reading.sectors else 0)
        if sectors_named(row.words(), reading.sector_words):
            n += SECTOR_WORDS_COUNT
        signals["sector"] = 1.0 - 0.5**n
    availability, availability_reasons, available, capacity = _availability(
        row, reading, needs.effort_days, explain
    )
    signals["availability"] = availability
    location_reasons: list[str] = []
    if reading.place is not None:
        signals["location"], location_reasons = _location(row, reading.place, explain)
    signals["size"], size_reasons = _size(row, reading, needs.effort_days, explain)

    fit = _weighted({k: signals.get(k) for k in FIT_WEIGHTS}, FIT_WEIGHTS)
    if fit is None:
        fit = 0.5  # a brief with no words and no capability: practicalities decide
    if history_share:
        signals["history"] = past.score if past is not None else 0.0
        fit = (1 - history_share) * fit + history_share * signals["history"]
    practical_weights = dict(PRACTICAL_WEIGHTS)
    if not needs.remote_ok:
        practical_weights["location"] = LOCATION_WEIGHT_ON_SITE
    practical = _weighted({k: signals.get(k) for k in practical_weights}, practical_weights)
    practical = 1.0 if practical is None else practical
    score = fit * (1 - PRACTICAL_SHARE + PRACTICAL_SHARE * practical) * exposure
    signals["exposure"] = exposure

    reasons: list[str] = []
    if explain:
        reasons = _capability_reasons(reading, strength, source, taxonomy)
        if signals["text"]:
            reasons += [
                _("Mentions “%(word)s” in its profile") % {"word": word}
                for word in _mentions(row, reading.mention_words, taxonomy)
            ]
        if reading.sectors and row.sector_clients:
            hint = SECTOR_HINTS_BY_SLUG.get(reading.sectors[0])
            if hint is not None and len(reading.sectors) == 1:
                reasons.append(hint.worked_for % {"count": row.sector_clients})
            else:
                reasons.append(
                    ngettext(
                        "Has worked for %(count)d client in the sectors of the brief",
                        "Has worked for %(count)d clients in the sectors of the brief",
                        row.sector_clients,
                    )
                    % {"count": row.sector_clients}
                )
        if past is not None and past.said_yes:
            reasons.append(
                ngettext(
                    "Said yes to a similar brief before",
                    "Said yes to %(count)d similar briefs before",
                    past.said_yes,
                )
                % {"count": past.said_yes}
            )
        elif past is not None and past.put_forward:
            reasons.append(
                ngettext(
                    "Was put forward for a similar brief before",
                    "Was put forward for %(count)d similar briefs before",
                    past.put_forward,
                )
                % {"count": past.put_forward}
            )
        reasons += availability_reasons + location_reasons + size_reasons
    return _Scored(
        row=row,
        score=max(0.0, min(1.0, score)),
        fit=fit,
        signals={k: round(v, 4) for k, v in signals.items() if v is not None},
        coverage=strength,
        reasons=reasons,
        available=available,
        capacity_days=capacity,
    )


# --- Teams -------------------------------------------------------------------------------


def _conflicts(keys: Iterable[int]) -> frozenset[frozenset[int]]:
    from coopnet.hire.models import CoopConflict

    keys = list(keys)
    pairs = CoopConflict.objects.filter(coop_id__in=keys, other_coop_id__in=keys).values_list(
        "coop_id", "other_coop_id"
    )
    return frozenset(frozenset(pair) for pair in pairs)


def _needs_a_team(
    scored: list[_Scored], reading: _Reading, effort_days: int | None, forced: bool
) -> bool:
    if not reading.required:
        return False
    if forced:
        return True
    covering = [
        s
        for s in scored
        if s.available and all(s.coverage.get(k, 0.0) >= COVERS_AT_LEAST for k in reading.required)
    ]
    if not covering:
        return True
    if effort_days:
        return all(s.capacity_days < effort_days for s in covering)
    return False


def _team_sentence(lead: _Scored, others: list[_Scored], covers: dict[int, tuple]) -> str:
    def brings(s: _Scored) -> str:
        return _join([concept_label(k) for k in covers.get(s.row.id, ())])

    parts = []
    if covers.get(lead.row.id):
        parts.append(
            _("%(lead)s leads and brings %(what)s") % {"lead": lead.row.name, "what": brings(lead)}
        )
    else:
        parts.append(_("%(lead)s leads") % {"lead": lead.row.name})
    for other in others:
        if covers.get(other.row.id):
            parts.append(
                _("%(coop)s brings %(what)s") % {"coop": other.row.name, "what": brings(other)}
            )
        else:
            parts.append(_("%(coop)s joins the team") % {"coop": other.row.name})
    return "; ".join(parts)


def _propose_teams(
    scored: list[_Scored],
    reading: _Reading,
    needs: BriefNeeds,
    *,
    include: set[int],
    exclude: set[int],
    max_team_size: int,
) -> tuple[list[tuple[Any, dict[int, _Scored]]], frozenset[str]]:
    from coopnet.hire.consortium import Candidate, TeamRequest, build_teams

    required = frozenset(reading.required)
    pool = [
        s
        for s in scored
        if s.row.id in include
        or (
            s.available
            and s.row.id not in exclude
            and any(s.coverage.get(k, 0.0) >= COVERS_AT_LEAST for k in required)
        )
    ]
    pool.sort(key=lambda s: (-s.score, s.row.id))
    chosen = [s for s in pool if s.row.id in include]
    chosen += [s for s in pool if s.row.id not in include][:TEAM_CANDIDATES]
    by_id = {s.row.id: s for s in chosen}
    candidates = tuple(
        Candidate(
            key=s.row.id,
            capabilities=frozenset(
                k for k in required if s.coverage.get(k, 0.0) >= COVERS_AT_LEAST
            ),
            capacity_days=s.capacity_days,
            score=s.score,
            # A co-op of one person does not lead a team of co-ops.
            can_lead=s.row.workers is None or s.row.workers >= 2,
        )
        for s in chosen
    )
    outcome = build_teams(
        TeamRequest(
            candidates=candidates,
            required=required,
            effort_days=float(needs.effort_days) if needs.effort_days else None,
            max_size=max_team_size,
            include=frozenset(include),
            exclude=frozenset(exclude),
            conflicts=_conflicts(by_id),
        )
    )
    return [(team, by_id) for team in outcome.teams], outcome.uncoverable


# --- The engine --------------------------------------------------------------------------


def match_coops(
    needs: BriefNeeds,
    *,
    limit: int = 10,
    exclude_coop_ids: Iterable[int] = (),
    exposure: dict[int, int] | None = None,
    team_include_ids: Iterable[int] = (),
    team_exclude_ids: Iterable[int] = (),
    max_team_size: int = 4,
    use_history: bool = True,
) -> MatchOutcome:
    """Rank member co-ops for `needs`; never observed, former or applicant co-ops.

    Returns at most `limit` results, best first, each with a score in [0, 1] and reasons
    that are true of the co-op's record. `exclude_coop_ids` are left out of results and
    teams (the co-op passing a brief on). `exposure` maps co-op ids to briefs recently sent
    (default: `recent_exposure()`). When no available member covers every capability the
    brief needs, or none has the capacity for its effort, `consortium` proposes up to three
    teams; `team_include_ids` (always in the team; also forces teams to be proposed),
    `team_exclude_ids` and `max_team_size` let a coordinator adjust them. With `use_history`
    (the default), what co-ops said and did about similar past briefs counts too
    (coopnet/hire/history.py); `needs.brief_id` keeps a stored brief out of its own history.
    """
    reading = read_needs(needs)
    excluded = set(exclude_coop_ids)
    include = set(team_include_ids) - excluded
    team_exclude = set(team_exclude_ids)

    # A new text's embedding is computed while the database searches (history.py).
    pending_vector = (
        start_text_vector(needs.text) if use_history and needs.text_vector is None else None
    )
    candidate_ids, text_scores, member_count = _candidates(reading, include)
    past = (
        past_fit(
            needs.text,
            exclude_brief_id=needs.brief_id,
            vector=needs.text_vector,
            pending_vector=pending_vector,
        )
        if use_history
        else NO_HISTORY
    )
    history_share = HISTORY_SHARE * past.confidence
    if past and member_count is None:
        # In a large network the candidates are the best full-text matches: co-ops that
        # said yes to similar briefs are candidates too, whatever their words.
        candidate_ids += list(
            Coop.objects.members().filter(id__in=past.fits).values_list("id", flat=True)
        )
    ids = [pk for pk in dict.fromkeys(candidate_ids) if pk not in excluded]
    if not ids:
        return MatchOutcome(
            results=[], required=reading.required, sectors=reading.sectors, place=reading.place
        )

    rows = _load_rows(ids, reading, small_network=member_count is not None)
    if member_count is not None:
        text_scores = _text_relevance(rows, reading.text_terms)
        has_text = bool(reading.text_terms)
    else:
        has_text = bool(reading.words)
    taxonomy = _taxonomy(rows.values())
    counts = recent_exposure() if exposure is None else exposure
    median = median_exposure(counts, member_count)
    factors = {pk: exposure_factor(counts.get(pk, 0), median) for pk in rows}
    scored = [
        _score(
            row,
            reading,
            needs,
            taxonomy,
            text_scores.get(row.id, 0.0) if has_text else None,
            factors[row.id],
            past.get(row.id),
            history_share=history_share,
        )
        for row in rows.values()
    ]
    # A co-op that matches none of the brief's words and none of its capabilities is no
    # match, however available or near.
    relevant = [
        s
        for s in scored
        if not (has_text or reading.required)
        or s.signals.get("text", 0.0) > 0
        or s.signals.get("capability", 0.0) > 0
        or s.signals.get("history", 0.0) > 0
    ]
    relevant.sort(key=lambda s: (-s.score, s.row.name, s.row.id))
    top = [
        _score(
            s.row,
            reading,
            needs,
            taxonomy,
            text_scores.get(s.row.id, 0.0) if has_text else None,
            factors[s.row.id],
            past.get(s.row.id),
            history_share=history_share,
            explain=True,
        )
        for s in relevant[:limit]
    ]

    teams: list[tuple[Any, dict[int, _Scored]]] = []
    uncoverable: frozenset[str] = frozenset()
    team_needed = _needs_a_team(relevant, reading, needs.effort_days, forced=bool(include))
    if team_needed:
        relevant_ids = {s.row.id for s in relevant}
        teams, uncoverable = _propose_teams(
            [s for s in scored if s.row.id in include or s.row.id in relevant_ids],
            reading,
            needs,
            include=include,
            exclude=team_exclude,
            max_team_size=max_team_size,
        )

    wanted = {s.row.id for s in top} | {k for team, _by in teams for k in team.members}
    coops = Coop.objects.in_bulk(list(wanted))
    results = [
        CoopMatch(
            coop=coops[s.row.id],
            score=round(s.score, 4),
            reasons=s.reasons,
            capabilities={k for k in reading.required if s.coverage.get(k, 0.0) >= COVERS_AT_LEAST},
            signals=s.signals,
            available=s.available,
        )
        for s in top
    ]
    consortium = []
    for team, by_id in teams:
        lead = by_id[team.lead]
        others = [by_id[k] for k in team.members if k != team.lead]
        consortium.append(
            ProposedTeam(
                lead=coops[team.lead],
                members=[coops[k] for k in team.members],
                covers={k: list(team.covers.get(k, ())) for k in team.members},
                reasons=[_team_sentence(lead, others, team.covers)],
                score=round(team.score / len(team.members), 4),
                exact=team.exact,
            )
        )
    return MatchOutcome(
        results=results,
        required=reading.required,
        consortium=consortium,
        sectors=reading.sectors,
        place=reading.place,
        uncoverable=[k for k in reading.required if k in uncoverable],
        team_needed=team_needed,
        labels=term_labels(reading.required),
    )


def outcome_payload(outcome: MatchOutcome) -> dict[str, Any]:
    """The API's body for an outcome (`manage.py match --json` prints the same)."""
    consortium = None
    if outcome.consortium:
        consortium = [
            {
                "lead": team.lead.slug,
                "members": [c.slug for c in team.members],
                "covers": {c.slug: team.covers.get(c.pk, []) for c in team.members},
                "reasons": [str(r) for r in team.reasons],
                "score": team.score,
                "exact": team.exact,
            }
            for team in outcome.consortium
        ]
    return {
        "results": [
            {
                "coop": m.coop.slug,
                "name": m.coop.name,
                "score": m.score,
                "reasons": [str(r) for r in m.reasons],
            }
            for m in outcome.results
        ],
        "required": [{"key": k, "label": outcome.label(k)} for k in outcome.required],
        "consortium": consortium,
        # Whether a team was looked for: with `consortium` null, no team could be formed, and
        # `uncoverable` names the capabilities no member has.
        "team_needed": outcome.team_needed,
        "uncoverable": [{"key": k, "label": outcome.label(k)} for k in outcome.uncoverable],
    }
