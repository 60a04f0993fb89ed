"""Label a day's articles: near-duplicates of a canonical copy, and story clusters.

Articles are taken in their canonical order, earliest first: the window's days (as
they were labeled) and then the day by (time, id), where time is the publication
time, or the start of the ingest day when the page gave none. Each article looks
only at articles before it, so the first of a group is its canonical copy, and the
labels never depend on the order raw files were read in.

- Near-duplicate: a MinHash LSH candidate (a band of its signature equals one of a
  canonical copy's) whose estimated Jaccard similarity of word 5-grams is at least
  `duplicate_threshold`; the most similar canonical copy (ties: the earliest) wins.
- Same story: a copy takes its canonical copy's story. Otherwise a canonical copy
  joins the story of an earlier canonical copy with which it shares at least
  MIN_SHARED_ANCHORS anchor words (see `features.StoryTerms.anchors`) when either the
  cosine of their weighted distinctive words is at least COSINE_ALONE, or their
  headlines share at least TITLE_OVERLAP of the shorter one's distinctive words,
  TITLE_SHARED words at least, and the cosine is at least COSINE_WITH_TITLE; and it was
  published within `story_hours` of that story's latest article so far (copies and
  rewrites keep a story open), and their headlines or datelines do not state days
  more than `story_hours` apart (`dates.days_apart`). The best such article (highest
  cosine plus headline overlap, ties: the earliest) gives its story; with none, the
  article starts a story named by its own id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsclean.stories.dates import days_apart
from newsclean.stories.features import (
    BANDS,
    NUM_PERM,
    TermTable,
    band_key,
    pair_scores,
    similarity,
)

# The story rule's thresholds (module docstring; set on the benchmark's tune part,
# see docs/stories.md).
MIN_SHARED_ANCHORS = 2
COSINE_ALONE = 0.5
COSINE_WITH_TITLE = 0.3
TITLE_OVERLAP = 0.8
TITLE_SHARED = 3
DUPLICATE_BUCKET_LIMIT = 4
"""Canonical copies compared per LSH bucket: its earliest ones."""
ANCHOR_BUCKET_LIMIT = 24
"""Canonical copies compared per anchor word: the latest before the article. Bounds the work
of a word that half the day's articles share."""
SIMILARITY_PAIRS = 1 << 12
"""Pairs whose signatures are compared at once: two [pair, NUM_PERM] uint32 arrays of
2 MiB, under numpy's 4 MiB hugepage threshold and reused by the allocator from one chunk
to the next, so that a process's first publish waits for no fresh hugepages (see
docs/performance.md, "Delta publish, eleventh round")."""
STORY_PAIRS = 1 << 12
"""Pairs whose story words are compared at once (`pair_scores`: [pair, word, word]
arrays of 2.4 MiB), for the same reason."""


@dataclass(frozen=True, slots=True)
class Compared:
    """Articles in canonical order, as compared: a day's, or the window's before it.

    `signatures` holds one MinHash row per article whose `canonical` is true (copies
    are never compared against), in the order of those articles.
    """

    ids: Sequence[str]
    times: np.ndarray
    story_ids: Sequence[str]
    canonical: np.ndarray
    signatures: np.ndarray
    terms: TermTable

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def empty(cls) -> Compared:
        """No earlier articles: the first day, or a window of zero days."""
        return cls(
            [],
            np.zeros(0, dtype=np.int64),
            [],
            np.zeros(0, dtype=bool),
            np.zeros((0, NUM_PERM), dtype=np.uint32),
            TermTable.of([]),
        )


@dataclass(frozen=True, slots=True)
class Label:
    """What clustering says of one article."""

    duplicate_of: str | None
    similarity: float | None
    story_id: str


def canonical_order(ids: Sequence[str], times: Sequence[int]) -> list[int]:
    """Indices of a day's articles, earliest first, ties by id."""
    return sorted(range(len(ids)), key=lambda index: (times[index], ids[index]))


def label_day(
    past: Compared,
    ids: Sequence[str],
    times: np.ndarray,
    signatures: np.ndarray,
    terms: TermTable,
    *,
    duplicate_threshold: float,
    story_hours: float,
) -> list[Label]:
    """Labels of a day's articles (given in canonical order) against the window `past`."""
    count = len(ids)
    first = len(past)
    duplicates = _duplicates(past, signatures, duplicate_threshold)
    canonical = past.canonical.tolist() + [True] * count
    copies: list[tuple[int, float] | None] = []
    for index in range(count):
        match = next(
            ((other, score) for other, score in duplicates.get(index, ()) if canonical[other]),
            None,
        )
        if match is not None:
            canonical[first + index] = False
        copies.append(match)
    all_times = np.concatenate([past.times, np.asarray(times, dtype=np.int64)])
    all_terms = TermTable.concat([past.terms, terms])
    stories = _story_candidates(
        all_terms, np.asarray(canonical, dtype=bool), first, story_hours=story_hours
    )
    times_list = all_times.tolist()
    seconds = story_hours * 3600
    story_ids = list(past.story_ids) + [""] * count
    # The time of each story's latest article so far: a story is open to an article
    # published within story_hours of it (its copies and rewrites keep it open).
    latest: dict[str, int] = {}
    for story_id, time in zip(past.story_ids, past.times.tolist(), strict=True):
        latest[story_id] = max(time, latest.get(story_id, time))
    labels = []
    for index, match in enumerate(copies):
        position = first + index
        time = times_list[position]
        if match is not None:
            other, score = match
            story_ids[position] = story_ids[other]
            labels.append(Label(_id(past, ids, other), round(score, 4), story_ids[other]))
        else:
            story_ids[position] = next(
                (
                    story_ids[other]
                    for other in stories.get(position, ())
                    if latest[story_ids[other]] >= time - seconds
                ),
                ids[index],
            )
            labels.append(Label(None, None, story_ids[position]))
        story = story_ids[position]
        latest[story] = max(time, latest.get(story, time))
    return labels


def _id(past: Compared, ids: Sequence[str], position: int) -> str:
    return past.ids[position] if position < len(past) else ids[position - len(past)]


def _duplicates(
    past: Compared, signatures: np.ndarray, threshold: float
) -> dict[int, list[tuple[int, float]]]:
    """For each of the day's articles (by index), the earlier articles (by position
    past-then-day) similar enough to be its canonical copy, most similar first.

    Rows are the window's canonical copies, then the day's articles. One band at a
    time, and the similarity of candidate pairs a chunk at a time, so no temporary
    grows with the window times the signature length.
    """
    if not len(signatures):
        return {}
    first = int(past.canonical.sum())
    positions = np.concatenate(
        [np.flatnonzero(past.canonical), len(past) + np.arange(len(signatures))]
    )
    rows = np.arange(first + len(signatures), dtype=np.int64)
    found_pairs = [
        _bucket_pairs(
            rows,
            np.concatenate([band_key(past.signatures, band), band_key(signatures, band)]),
            first=first,
            limit=DUPLICATE_BUCKET_LIMIT,
            earliest=True,
        )
        for band in range(BANDS)
    ]
    queries = np.concatenate([pair[0] for pair in found_pairs])
    candidates = np.concatenate([pair[1] for pair in found_pairs])
    if not len(queries):
        return {}
    codes = np.unique(queries * len(rows) + candidates)
    queries, candidates = codes // len(rows), codes % len(rows)
    scores = np.concatenate(
        [
            _similarities(past.signatures, signatures, first, queries[at:end], candidates[at:end])
            for at, end in _chunks(len(queries), SIMILARITY_PAIRS)
        ]
    )
    keep = scores >= threshold
    queries, others, scores = queries[keep] - first, positions[candidates[keep]], scores[keep]
    order = np.lexsort((others, -scores, queries))  # per query: most similar, then earliest
    found: dict[int, list[tuple[int, float]]] = {}
    for query, other, score in zip(
        queries[order].tolist(), others[order].tolist(), scores[order].tolist(), strict=True
    ):
        found.setdefault(query, []).append((other, score))
    return found


def _similarities(
    past: np.ndarray, day: np.ndarray, first: int, queries: np.ndarray, candidates: np.ndarray
) -> np.ndarray:
    """Estimated Jaccard similarity of row pairs; queries are the day's rows."""
    mine = day[queries - first]
    theirs = np.empty_like(mine)
    earlier = candidates < first
    theirs[earlier] = past[candidates[earlier]]
    theirs[~earlier] = day[candidates[~earlier] - first]
    return similarity(mine, theirs)


def _chunks(length: int, size: int) -> list[tuple[int, int]]:
    return [(at, min(at + size, length)) for at in range(0, length, size)]


def _story_candidates(
    terms: TermTable, canonical: np.ndarray, first: int, *, story_hours: float
) -> dict[int, list[int]]:
    """For each of the day's canonical copies (by position), the earlier canonical
    copies that tell its story, the best first (highest score, ties: the earliest).
    Copies take no part: a copy takes its canonical copy's story, and its own words
    (its boilerplate, its trimmed lead) are no evidence of another. Nor does a pair whose
    headlines or datelines state days more than `story_hours` apart (`dates.days_apart`):
    the issues of a series under one headline template, two posts of one blog."""
    rows, keys = terms.anchor_arrays()
    original = canonical[rows]
    rows, keys = rows[original], keys[original]
    if not len(rows):
        return {}
    queries, candidates = _bucket_pairs(
        rows,
        keys.view(np.uint64),
        first=first,
        limit=ANCHOR_BUCKET_LIMIT,
        earliest=False,
        min_shared=MIN_SHARED_ANCHORS,
    )
    if not len(queries):
        return {}
    keep: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    for at, end in _chunks(len(queries), STORY_PAIRS):
        cosines, overlaps = pair_scores(terms, queries[at:end], candidates[at:end])
        apart = days_apart(terms.days[queries[at:end]], terms.days[candidates[at:end]], story_hours)
        keep.append(
            (
                (cosines >= COSINE_ALONE)
                | ((overlaps >= TITLE_OVERLAP) & (cosines >= COSINE_WITH_TITLE))
            )
            & ~apart
        )
        scores.append(cosines + overlaps)
    same = np.concatenate(keep)
    queries, candidates, score = queries[same], candidates[same], np.concatenate(scores)[same]
    # Per query, the highest score first, ties: the earliest.
    order = np.lexsort((candidates, -score, queries))
    found: dict[int, list[int]] = {}
    for query, candidate in zip(queries[order].tolist(), candidates[order].tolist(), strict=True):
        found.setdefault(query, []).append(candidate)
    return found


def _bucket_pairs(
    rows: np.ndarray,
    keys: np.ndarray,
    *,
    first: int,
    limit: int,
    earliest: bool,
    min_shared: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """(query, candidate) row pairs sharing a key, candidate < query, query >= first.

    Each row is paired with at most `limit` rows of a bucket: the bucket's earliest, or
    the latest before it. With `min_shared`, only pairs sharing that many keys remain.
    Pairs come out unique, sorted by query then candidate.
    """
    order = np.lexsort((rows, keys))
    sorted_rows = rows[order]
    sorted_keys = keys[order]
    size = len(order)
    starts = np.zeros(size, dtype=np.int64)
    boundary = np.ones(size, dtype=bool)
    boundary[1:] = sorted_keys[1:] != sorted_keys[:-1]
    starts = np.maximum.accumulate(np.where(boundary, np.arange(size), 0))
    index = np.arange(size)
    queries = []
    candidates = []
    is_query = sorted_rows >= first
    for offset in range(limit):
        other = starts + offset if earliest else index - 1 - offset
        valid = is_query & (other < index) & (other >= starts)
        queries.append(sorted_rows[valid])
        candidates.append(sorted_rows[np.where(valid, other, 0)][valid])
    query = np.concatenate(queries)
    candidate = np.concatenate(candidates)
    keep = candidate < query
    query, candidate = query[keep], candidate[keep]
    if not len(query):
        return query, candidate
    codes = query.astype(np.int64) * (int(rows.max()) + 1) + candidate
    unique, counts = np.unique(codes, return_counts=True)
    unique = unique[counts >= min_shared]
    return unique // (int(rows.max()) + 1), unique % (int(rows.max()) + 1)
