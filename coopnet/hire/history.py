"""What the network's past briefs say about a new one: who took on similar work before.

A co-op's record says what it offers in its own words; a client's brief rarely uses them. The
briefs the network has handled carry a judgement the records cannot: a coordinator chose to
send a brief to a co-op, the co-op said it was interested, the client chose it, it won the
work. For a new brief, matching (`coopnet/hire/matching.py`) looks up the most similar past
briefs and counts those judgements as one more signal, beside the record's evidence.

- **Similar**: the cosine of the two texts' sentence embeddings (`coopnet/lib/embeddings.py`,
  stored on each brief as `Brief.text_vector`), plus `NEED_OVERLAP` times how far the
  capabilities the two texts ask for overlap (the concept table's reading,
  `coopnet/hire/concepts.py`: shared over either's). The embedding hears what a brief is
  about, the table what it needs: a survey tool to host is nearer a server move than a
  survey's analysis. The `NEIGHBOURS` nearest past briefs count, each by how far its
  similarity is above `SIMILAR_FROM`, squared: a near copy counts much, a brief on another
  subject nothing.
- **Judged**: per past brief and co-op, 2 when the co-op said it was interested, was chosen or
  won the work; 1 when a person put it forward (a coordinator sent it the brief, or another
  co-op passed the brief to it) and it did not say yes; 0 when it declined as "not the kind of
  work we do". A brief routed automatically, by matching itself, and not answered says
  nothing: counting it would feed the engine its own choices. A co-op that declined as too
  busy, or for another reason, still counts 1 when a person put it forward.
- **The signal** for a co-op is its weighted mean judgement over the neighbours, from 0 to 1.
- **Confidence**: how alike the nearest past brief is, from 0 at `SIMILAR_FROM` to 1 at
  `SURE_FROM`, times how many past briefs are similar at all, out of `NEIGHBOURS`; matching
  scales the history's share of the fit by it. A young network's one similar brief, sent to
  three co-ops, must not take most of the fit from the other co-ops, whom nobody was asked
  about yet.

Only members are ever ranked, so the judgements of co-ops that left count for nobody. No
text, name or contact detail of a past brief leaves this module: the reasons say only how
many similar briefs a co-op said yes to, or was put forward for. Even that is the network's
own business, so callers use history only for the people `visible_to` allows (the public
match API does not).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.db.models import Count, Max, Q, QuerySet

from coopnet.hire.concepts import read_text
from coopnet.lib import embeddings

NEIGHBOURS = 5
NEED_OVERLAP = 0.2  # added to the cosine for two briefs that ask for exactly the same things
SIMILAR_FROM = 0.2  # similarity below which a past brief is about something else
SURE_FROM = 0.5  # similarity of the nearest past brief from which history counts in full
YES = 2  # interested, chosen or won
PUT_FORWARD = 1  # sent by a person, no yes
NOT_OUR_WORK = 0  # declined as "not the kind of work we do"
TEXT_VECTORS_CACHED = 256


@dataclass(frozen=True)
class PastFit:
    """What similar past briefs say of one co-op."""

    score: float  # 0..1: the weighted mean judgement over the similar briefs
    said_yes: int  # similar briefs it was interested in, was chosen for or won
    put_forward: int = 0  # similar briefs a person sent it or passed to it, without a yes


@dataclass(frozen=True)
class History:
    """What the past briefs most similar to a new one say of each co-op."""

    fits: dict[int, PastFit]
    # 0..1, how far to trust it: rises from 0 when the nearest past brief is SIMILAR_FROM
    # alike to 1 when it is SURE_FROM alike, times the share of NEIGHBOURS that are similar
    # at all. A young network's one loosely similar brief must not decide a match.
    confidence: float = 0.0

    def __bool__(self) -> bool:
        return bool(self.fits)

    def get(self, coop_id: int) -> PastFit | None:
        return self.fits.get(coop_id)


NO_HISTORY = History({})


def visible_to(user) -> bool:
    """Whether `user` may be shown what co-ops said about past briefs: coordinators and the
    worker-owners of member co-ops; not visitors, nor applicants."""
    from coopnet.directory.models import Coop

    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (
            user.is_coordinator or user.memberships.filter(coop__status=Coop.Status.MEMBER).exists()
        )
    )


def vector_bytes(text: str) -> bytes | None:
    """The text's embedding as stored on a brief; None when the model is not installed."""
    vector = text_vector(text)
    return None if vector is None else embeddings.to_bytes(vector)


@lru_cache(maxsize=TEXT_VECTORS_CACHED)
def _text_vector(text: str) -> np.ndarray:
    return embeddings.embed([text])[0]


def text_vector(text: str) -> np.ndarray | None:
    # The coordinator's page, the API and a referral's suggestions match the same text again
    # and again: a process keeps the last texts' vectors.
    if not embeddings.available():
        return None
    return _text_vector(" ".join(text.split()))


_embedding_threads = ThreadPoolExecutor(thread_name_prefix="coopnet-embed")


def start_text_vector(text: str) -> Future[np.ndarray | None]:
    """`text_vector(text)`, computed on a worker thread.

    Matching starts it before its full-text search and reads it after: the model's numpy work
    and SQLite's query both release the GIL, so the two run side by side (8 ms saved of 20
    at 10,000 co-ops, bench/matching.py). It touches no database connection.
    """
    return _embedding_threads.submit(text_vector, text)


@dataclass(frozen=True)
class _Past:
    """Every judged past brief, as matching reads them: kept per process while unchanged."""

    fingerprint: tuple
    ids: list[int]
    matrix: np.ndarray  # one unit vector a row, in the order of `ids`
    judged: dict[int, dict[int, int]]
    needs: np.ndarray  # one row a brief: 1 for each capability its text asks for
    need_columns: dict[str, int]  # capability key -> its column in `needs`

    def need_overlap(self, keys: frozenset[str]) -> np.ndarray:
        """Per past brief: the capabilities both ask for, over those either asks for."""
        columns = [self.need_columns[k] for k in keys if k in self.need_columns]
        shared = self.needs[:, columns].sum(axis=1)
        either = self.needs.sum(axis=1) + len(keys) - shared
        return np.divide(shared, either, out=np.zeros(len(self.ids)), where=either > 0)


_past_cache: list[_Past] = []


def _fingerprint() -> tuple:
    """Changes whenever a judgement or a vector that history reads may have changed: a
    recipient added or removed, an answer, a choice, an outcome, a vector stored."""
    from coopnet.hire.models import BriefRecipient

    values = BriefRecipient.objects.aggregate(
        rows=Count("id"),
        last_id=Max("id"),
        sent=Max("sent_at"),
        answered=Max("responded_at"),
        outcome=Max("outcome_recorded_at"),
        chosen=Max("brief__chosen_at"),
        vectors=Count("brief__text_vector"),
    )
    return tuple(sorted(values.items()))


def _past() -> _Past:
    from coopnet.hire.models import Brief

    fingerprint = _fingerprint()
    if _past_cache and _past_cache[0].fingerprint == fingerprint:
        return _past_cache[0]
    judged = _judgements()
    ids = list(judged)
    stored = {
        pk: (vector, text)
        for pk, vector, text in Brief.objects.filter(id__in=ids).values_list(
            "id", "text_vector", "text"
        )
    }
    matrix = (
        np.stack([embeddings.from_bytes(bytes(stored[pk][0])) for pk in ids])
        if ids
        else np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
    )
    keys = [read_text(stored[pk][1]).concepts for pk in ids]
    need_columns = {key: i for i, key in enumerate(dict.fromkeys(k for ks in keys for k in ks))}
    needs = np.zeros((len(ids), len(need_columns)))
    for row, brief_keys in enumerate(keys):
        needs[row, [need_columns[k] for k in brief_keys]] = 1.0
    _past_cache[:] = [_Past(fingerprint, ids, matrix, judged, needs, need_columns)]
    return _past_cache[0]


def _judgements() -> dict[int, dict[int, int]]:
    """Brief id -> {co-op id: judgement} over every past brief with a vector."""
    from coopnet.hire.models import BriefRecipient

    yes = (
        Q(response=BriefRecipient.Response.INTERESTED)
        | Q(is_chosen=True)
        | Q(outcome=BriefRecipient.Outcome.WON)
    )
    put_forward = Q(sent_by__isnull=False) | Q(passed_from__isnull=False)
    not_ours = Q(decline_reason=BriefRecipient.DeclineReason.NOT_OUR_WORK)
    rows = (
        BriefRecipient.objects.sent()
        .filter(yes | put_forward | not_ours, brief__text_vector__isnull=False)
        .values_list("brief_id", "coop_id", "response", "is_chosen", "outcome", "decline_reason")
        .order_by()
    )
    judged: dict[int, dict[int, int]] = {}
    for brief_id, coop_id, response, chosen, outcome, decline_reason in rows:
        if (
            response == BriefRecipient.Response.INTERESTED
            or chosen
            or outcome == BriefRecipient.Outcome.WON
        ):
            judgement = YES
        elif decline_reason == BriefRecipient.DeclineReason.NOT_OUR_WORK:
            judgement = NOT_OUR_WORK
        else:
            judgement = PUT_FORWARD
        judged.setdefault(brief_id, {})[coop_id] = judgement
    return judged


def past_fit(
    text: str,
    *,
    exclude_brief_id: int | None = None,
    vector: bytes | None = None,
    pending_vector: Future[np.ndarray | None] | None = None,
) -> History:
    """Co-op id -> what the past briefs most similar to `text` say of it.

    Empty when the network has no judged past brief, when none is similar enough, or when the
    model is not installed. `exclude_brief_id` leaves out the brief being matched itself;
    `vector`, its stored embedding, saves computing the text's again, and `pending_vector`
    (from `start_text_vector`) is the text's being computed meanwhile.
    """
    if not embeddings.available():
        return NO_HISTORY
    past = _past()
    if not past.ids or past.ids == [exclude_brief_id]:
        return NO_HISTORY
    if vector is not None:
        query = embeddings.from_bytes(bytes(vector))
    elif pending_vector is not None:
        query = pending_vector.result()
    else:
        query = text_vector(text)
    similarity = past.matrix @ query + NEED_OVERLAP * past.need_overlap(
        frozenset(read_text(text).concepts)
    )
    if exclude_brief_id in past.judged:
        similarity[past.ids.index(exclude_brief_id)] = -1.0
    nearest = np.argsort(-similarity, kind="stable")[:NEIGHBOURS]
    weights = {
        past.ids[i]: float(similarity[i] - SIMILAR_FROM) ** 2
        for i in nearest
        if similarity[i] > SIMILAR_FROM
    }
    fits = _weighted(weights, past.judged)
    if not fits:
        return NO_HISTORY
    nearest_similarity = float(similarity[nearest[0]])
    closeness = min(1.0, (nearest_similarity - SIMILAR_FROM) / (SURE_FROM - SIMILAR_FROM))
    return History(fits, closeness * len(weights) / NEIGHBOURS)


def _weighted(weights: dict[int, float], judged: dict[int, dict[int, int]]) -> dict[int, PastFit]:
    total = sum(weights.values())
    if not total:
        return {}
    score: dict[int, float] = {}
    counts: dict[int, dict[int, int]] = {}  # co-op id -> judgement -> similar briefs
    for brief_id, weight in weights.items():
        for coop_id, judgement in judged[brief_id].items():
            score[coop_id] = score.get(coop_id, 0.0) + weight * judgement / YES
            of_coop = counts.setdefault(coop_id, {})
            of_coop[judgement] = of_coop.get(judgement, 0) + 1
    return {
        coop_id: PastFit(
            score=value / total,
            said_yes=counts[coop_id].get(YES, 0),
            put_forward=counts[coop_id].get(PUT_FORWARD, 0),
        )
        for coop_id, value in score.items()
    }


def briefs_embed(briefs: QuerySet) -> int:
    """Store the text vector of each of `briefs` that has none; returns how many were stored.
    One read and one bulk write, whatever the number."""
    from coopnet.hire.models import Brief

    if not embeddings.available():
        return 0
    missing = list(briefs.filter(text_vector__isnull=True).only("id", "text"))
    if not missing:
        return 0
    vectors = embeddings.embed([brief.text for brief in missing])
    for brief, vector in zip(missing, vectors, strict=True):
        brief.text_vector = embeddings.to_bytes(vector)
    Brief.objects.bulk_update(missing, ["text_vector"], batch_size=500)
    return len(missing)
