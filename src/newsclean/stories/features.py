"""What an article is compared by: a MinHash signature of its word 5-grams (copies), and
its distinctive content words weighted by rarity (stories told in other words).

Pure functions over plain values; the arrays they return are what the lake keeps for
the days that follow (see `store.py`).
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

import numpy as np
from rensa import RMinHash

SHINGLE_WORDS = 5
"""Words per shingle: datatrove's FineWeb deduplication uses 5-grams too."""
NUM_PERM = 120
"""MinHash permutations: 20 LSH bands of 6 rows."""
BANDS = 20
ROWS = NUM_PERM // BANDS
MINHASH_SEED = 23
TERMS = 24
"""Content words kept per article for story matching, the rarest-weighted first."""
ANCHORS = 8
"""Of those, how many (plus the headline's) an article is found by."""
TITLE_TERMS = 12
LEAD_CHARACTERS = 3000
"""Story words come from the headline and the lead: the first this many characters of
the text (about 500 words), where a news story states its who, what and where."""
TITLE_BOOST = 2
"""A headline word counts as this many occurrences in the text."""
COMMON_ZIPF = 5.0
"""Words at least this frequent in the language (wordfreq's Zipf scale: 5 is once in
100,000 words) are not distinctive and are left out."""
MAX_ZIPF = 8.0
NUMBER_WEIGHT = 3.5
"""Weight of a number (a figure, a count, a year): rarer than a common word, but
wordfreq folds digits, so it cannot say how rare."""

_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
# Odd 64-bit multipliers that fold a window of word hashes into one shingle hash.
_FOLD = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
    ],
    dtype=np.uint64,
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens (Unicode `\\w+`)."""
    return _WORD.findall(text.lower())


def shingle_words(text: str) -> list[str]:
    """The tokens shingles are made of: lower-cased, split on white space. Punctuation
    stays on its word, which costs a copy nothing (it has the same punctuation), and a
    split is cheaper than a word regular expression over a whole text."""
    return text.lower().split()


def signatures(texts: Sequence[str]) -> np.ndarray:
    """MinHash signatures (rows of NUM_PERM uint32) of the word 5-gram sets of texts.

    Words are hashed by rensa, folded into shingle hashes with numpy, and the minimum
    of each permutation taken by rensa, all texts in one call.
    """
    if not texts:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    # A text shorter than a shingle is padded to one with empty tokens.
    tokens = [_padded(shingle_words(text)) for text in texts]
    lengths = np.fromiter((len(row) for row in tokens), dtype=np.int64, count=len(tokens))
    hashed = np.fromiter(
        itertools.chain.from_iterable(RMinHash.hash_token_sets(tokens)),
        dtype=np.uint64,
        count=int(lengths.sum()),
    )
    folded = shingle_hashes(hashed)
    # Keep the windows that lie inside one text.
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)[: len(folded)]
    inside = (
        np.arange(len(folded)) - starts
        <= np.repeat(lengths - SHINGLE_WORDS, lengths)[: len(folded)]
    )
    offsets = np.zeros(len(texts) + 1, dtype=np.uint64)
    offsets[1:] = np.cumsum(lengths - SHINGLE_WORDS + 1)
    matrix = RMinHash.digest_matrix_from_flat_token_hashes(
        np.ascontiguousarray(folded[inside]), offsets, NUM_PERM, MINHASH_SEED
    )
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(len(texts), NUM_PERM)


def _padded(tokens: list[str]) -> list[str]:
    return tokens + [""] * (SHINGLE_WORDS - len(tokens)) if len(tokens) < SHINGLE_WORDS else tokens


def shingle_hashes(word_hashes: np.ndarray) -> np.ndarray:
    """One uint64 per window of SHINGLE_WORDS consecutive word hashes."""
    size = SHINGLE_WORDS
    count = len(word_hashes) - size + 1
    folded = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size):
            folded ^= word_hashes[offset : offset + count] * _FOLD[offset]
            folded = (folded << np.uint64(13)) | (folded >> np.uint64(51))
    return folded


def band_key(signature_rows: np.ndarray, band: int) -> np.ndarray:
    """One uint64 key per row for LSH band `band` (of BANDS): equal bands give equal
    keys (and a rare collision, which the similarity check catches)."""
    rows = signature_rows[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
    with np.errstate(over="ignore"):
        keys = (rows * _FOLD[:ROWS]).sum(axis=1, dtype=np.uint64)
        return keys ^ np.uint64(band) * _FOLD[0]


def similarity(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of signature rows, pairwise along the first axis."""
    return (first == second).mean(axis=-1)


@dataclass(frozen=True, slots=True)
class StoryTerms:
    """An article's distinctive words as hashes, for matching stories in other words.

    `terms` with `weights` (unit length) is a sparse TF-IDF vector whose IDF is the
    word's rarity in the language (wordfreq), so it needs no corpus and is the same on
    every day; `title` holds the headline's distinctive words.
    """

    terms: tuple[int, ...]
    weights: tuple[float, ...]
    title: tuple[int, ...]

    @property
    def anchors(self) -> tuple[int, ...]:
        """The hashes an article is looked up by: its heaviest words and its headline's."""
        return tuple(dict.fromkeys(self.terms[:ANCHORS] + self.title))


def story_terms(title: str | None, text: str, language: str | None) -> StoryTerms:
    """The distinctive content words of an article, weighted by count and rarity."""
    rarity = _rarity(language or "en")
    counts: Counter[str] = Counter(words(text[:LEAD_CHARACTERS]))
    headline = [word for word in words(title or "") if rarity(word) > 0]
    for word in headline:
        counts[word] += TITLE_BOOST
    weighted = [
        (idf * (1.0 + math.log(count)), word)
        for word, count in counts.items()
        if (idf := rarity(word)) > 0
    ]
    # The heaviest first, ties by word (the greater first): the same terms on every run.
    top = heapq.nlargest(TERMS, weighted)
    norm = math.sqrt(sum(weight * weight for weight, _ in top)) or 1.0
    title_words = sorted(set(headline), key=lambda word: (-rarity(word), word))
    return StoryTerms(
        terms=tuple(term_hash(word) for _, word in top),
        weights=tuple(round(weight / norm, 6) for weight, _ in top),
        title=tuple(term_hash(word) for word in title_words[:TITLE_TERMS]),
    )


class ArticleFeatures(NamedTuple):
    """What clustering compares an article by: its MinHash signature (NUM_PERM uint32)
    and its story words. A pure function of the published title, text and language, so
    a worker computes it where the article is cleaned and publish only compares."""

    signature: np.ndarray
    terms: StoryTerms


def article_features(title: str | None, text: str, language: str | None) -> ArticleFeatures:
    """The features of one article (`signatures` and `story_terms`)."""
    return ArticleFeatures(signatures([text])[0], story_terms(title, text, language))


def cosine(first: StoryTerms, second: StoryTerms) -> float:
    """Cosine of two articles' weighted word vectors."""
    other = dict(zip(second.terms, second.weights, strict=True))
    return sum(
        weight * other.get(term, 0.0)
        for term, weight in zip(first.terms, first.weights, strict=True)
    )


def title_overlap(first: StoryTerms, second: StoryTerms) -> float:
    """Shared distinctive headline words over the shorter headline's (0 with none)."""
    if not first.title or not second.title:
        return 0.0
    shared = len(set(first.title) & set(second.title))
    return shared / min(len(first.title), len(second.title))


@lru_cache(maxsize=1 << 18)
def term_hash(word: str) -> int:
    """A stable signed 64-bit hash of a word (the same in every process and run)."""
    digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


@cache
def _rarity(language: str) -> Callable[[str], float]:
    """word -> IDF-like weight: MAX_ZIPF minus its Zipf frequency, 0 for common words
    (Zipf at least COMMON_ZIPF); a word wordfreq does not know weighs MAX_ZIPF."""
    import wordfreq

    try:
        frequencies = wordfreq.get_frequency_dict(language)
    except (LookupError, ValueError):
        frequencies = wordfreq.get_frequency_dict("en")
    floor = MAX_ZIPF - COMMON_ZIPF

    @lru_cache(maxsize=1 << 18)
    def rarity(word: str) -> float:
        if len(word) < 3 and not _DIGIT.search(word):
            return 0.0
        if _DIGIT.search(word):
            return NUMBER_WEIGHT if not word.isdigit() or len(word) > 1 else 0.0
        frequency = frequencies.get(word)
        if frequency is None:
            return MAX_ZIPF
        weight = MAX_ZIPF - (math.log10(frequency) + 9.0)
        return weight if weight > floor else 0.0

    return rarity


class TermTable(Sequence[StoryTerms]):
    """Many articles' `StoryTerms` in flat numpy arrays (about 300 bytes an article
    instead of a few kilobytes of Python objects); indexing builds one on demand."""

    def __init__(
        self,
        terms: np.ndarray,
        weights: np.ndarray,
        term_offsets: np.ndarray,
        title: np.ndarray,
        title_offsets: np.ndarray,
    ) -> None:
        self.terms = terms.astype(np.int64, copy=False)
        self.weights = weights.astype(np.float32, copy=False)
        self.term_offsets = term_offsets.astype(np.int64, copy=False)
        self.title = title.astype(np.int64, copy=False)
        self.title_offsets = title_offsets.astype(np.int64, copy=False)

    @classmethod
    def of(cls, articles: Sequence[StoryTerms]) -> TermTable:
        return cls(
            np.fromiter((t for a in articles for t in a.terms), dtype=np.int64),
            np.fromiter((w for a in articles for w in a.weights), dtype=np.float32),
            _offsets([len(a.terms) for a in articles]),
            np.fromiter((t for a in articles for t in a.title), dtype=np.int64),
            _offsets([len(a.title) for a in articles]),
        )

    @classmethod
    def concat(cls, tables: Sequence[TermTable]) -> TermTable:
        if not tables:
            return cls.of([])
        return cls(
            np.concatenate([t.terms for t in tables]),
            np.concatenate([t.weights for t in tables]),
            _joined([t.term_offsets for t in tables]),
            np.concatenate([t.title for t in tables]),
            _joined([t.title_offsets for t in tables]),
        )

    def __len__(self) -> int:
        return len(self.term_offsets) - 1

    def take(self, order: np.ndarray) -> TermTable:
        """The articles at the indices `order`, in that order."""
        terms, term_offsets = _take(self.terms, self.term_offsets, order)
        weights, _ = _take(self.weights, self.term_offsets, order)
        title, title_offsets = _take(self.title, self.title_offsets, order)
        return TermTable(terms, weights, term_offsets, title, title_offsets)

    def __getitem__(self, index: int) -> StoryTerms:  # type: ignore[override]
        start, end = self.term_offsets[index], self.term_offsets[index + 1]
        first, last = self.title_offsets[index], self.title_offsets[index + 1]
        return StoryTerms(
            tuple(self.terms[start:end].tolist()),
            tuple(self.weights[start:end].tolist()),
            tuple(self.title[first:last].tolist()),
        )

    def anchor_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(row, word hash) of every article's anchors, each pair once."""
        lengths = np.diff(self.term_offsets)
        rank = np.arange(len(self.terms)) - np.repeat(self.term_offsets[:-1], lengths)
        heavy = rank < ANCHORS
        rows = np.concatenate(
            [
                np.repeat(np.arange(len(self)), lengths)[heavy],
                np.repeat(np.arange(len(self)), np.diff(self.title_offsets)),
            ]
        )
        keys = np.concatenate([self.terms[heavy], self.title])
        order = np.lexsort((keys, rows))
        rows, keys = rows[order], keys[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (keys[1:] != keys[:-1])
        return rows[first], keys[first]

    @property
    def nbytes(self) -> int:
        return sum(
            array.nbytes
            for array in (
                self.terms,
                self.weights,
                self.term_offsets,
                self.title,
                self.title_offsets,
            )
        )


def _take(
    values: np.ndarray, offsets: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The variable-length rows `order` of a flat array with offsets, and their offsets."""
    lengths = np.diff(offsets)[order]
    new_offsets = np.zeros(len(order) + 1, dtype=np.int64)
    new_offsets[1:] = np.cumsum(lengths)
    starts = np.repeat(offsets[:-1][order] - new_offsets[:-1], lengths)
    return values[starts + np.arange(int(new_offsets[-1]))], new_offsets


def _offsets(lengths: Sequence[int]) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths)
    return offsets


def _joined(offset_arrays: Sequence[np.ndarray]) -> np.ndarray:
    parts = [np.zeros(1, dtype=np.int64)]
    base = 0
    for offsets in offset_arrays:
        parts.append(offsets[1:] + base)
        base += int(offsets[-1])
    return np.concatenate(parts)
