"""What an article is compared by: a MinHash signature of its word 5-grams (copies), and
its distinctive content words weighted by rarity (stories told in other words).

Pure functions over plain values; the arrays they return are what the lake keeps for
the days that follow (see `store.py`).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from pathlib import Path
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


def signature(text: str) -> np.ndarray:
    """The MinHash signature of one text: `signatures([text])[0]`, without the work of
    keeping several texts' windows apart (what a worker computes for each article)."""
    tokens = _padded(shingle_words(text))
    hashed = np.array(RMinHash.hash_token_sets([tokens])[0], dtype=np.uint64)
    folded = shingle_hashes(hashed)
    offsets = np.array([0, len(folded)], dtype=np.uint64)
    matrix = RMinHash.digest_matrix_from_flat_token_hashes(folded, offsets, NUM_PERM, MINHASH_SEED)
    return np.asarray(matrix.to_rows()[0], dtype=np.uint32)


def _padded(tokens: list[str]) -> list[str]:
    return tokens + [""] * (SHINGLE_WORDS - len(tokens)) if len(tokens) < SHINGLE_WORDS else tokens


def shingle_hashes(word_hashes: np.ndarray) -> np.ndarray:
    """One uint64 per window of SHINGLE_WORDS consecutive word hashes."""
    size = SHINGLE_WORDS
    count = len(word_hashes) - size + 1
    folded = np.zeros(count, dtype=np.uint64)
    term = np.empty(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size):
            np.multiply(word_hashes[offset : offset + count], _FOLD[offset], out=term)
            folded ^= term
            np.left_shift(folded, np.uint64(13), out=term)  # rotate left by 13 bits
            folded >>= np.uint64(51)
            folded |= term
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
    headline = words(title or "")
    # The headline's words first, so their rarities are the first ones.
    counts: Counter[str] = Counter(dict.fromkeys(headline, 0))
    titled = len(counts)
    counts.update(words(text[:LEAD_CHARACTERS]))
    for word in headline:  # a common headline word is boosted too, and then left out
        counts[word] += TITLE_BOOST
    vocabulary = list(counts)
    idf = rarities(vocabulary, language or "en")
    boost = _LOG_COUNTS[np.minimum(np.fromiter(counts.values(), np.int64), len(_LOG_COUNTS) - 1)]
    weight = idf * boost
    kept = np.flatnonzero(idf)
    if len(kept) > TERMS:  # the heaviest, and every word tied with the last of them
        least = np.partition(weight[kept], len(kept) - TERMS)[len(kept) - TERMS]
        kept = kept[weight[kept] >= least]
    # The heaviest first, ties by word (the greater first): the same terms on every run.
    top = sorted(zip(weight[kept].tolist(), [vocabulary[i] for i in kept], strict=True))
    top = top[: -TERMS - 1 : -1]
    norm = math.sqrt(sum(value * value for value, _ in top)) or 1.0
    distinctive = sorted(
        (-value, word)
        for value, word in zip(idf[:titled].tolist(), vocabulary[:titled], strict=True)
        if value > 0
    )
    return StoryTerms(
        terms=tuple(term_hash(word) for _, word in top),
        weights=tuple(round(value / norm, 6) for value, _ in top),
        title=tuple(term_hash(word) for _, word in distinctive[:TITLE_TERMS]),
    )


def rarities(vocabulary: Sequence[str], language: str) -> np.ndarray:
    """The IDF-like weight of each word: MAX_ZIPF minus its Zipf frequency in the
    language (wordfreq), 0 for a common word (Zipf at least COMMON_ZIPF) or a word
    under 3 letters, MAX_ZIPF for a word wordfreq does not know (most names), and
    NUMBER_WEIGHT for a token with a digit (0 for a single digit)."""
    count = len(vocabulary)
    if not count:
        return np.zeros(0)
    table = _rarity_table(language)
    found = np.fromiter(RMinHash.hash_token_sets([vocabulary])[0], np.uint64, count)
    weight = table.weights(found)
    weight[np.fromiter(map(len, vocabulary), np.int64, count) < 3] = 0.0
    # Words of letters only are most words; only the others can hold a digit.
    for index in np.flatnonzero(~np.fromiter(map(str.isalpha, vocabulary), bool, count)):
        word = vocabulary[index]
        if _DIGIT.search(word):
            weight[index] = NUMBER_WEIGHT if len(word) > 1 else 0.0
    return weight


class ArticleFeatures(NamedTuple):
    """What clustering compares an article by: its MinHash signature (NUM_PERM uint32)
    and its story words. A pure function of the published title, text and language, so
    a worker computes it where the article is cleaned and publish only compares."""

    signature: np.ndarray
    terms: StoryTerms


def article_features(title: str | None, text: str, language: str | None) -> ArticleFeatures:
    """The features of one article (`signatures` and `story_terms`)."""
    return ArticleFeatures(signature(text), story_terms(title, text, language))


def cosine(first: StoryTerms, second: StoryTerms) -> float:
    """Cosine of two articles' weighted word vectors: the products added one at a time
    in the order of the first one's words (`pair_scores` adds them in the same order,
    so the two agree to the last bit)."""
    other = dict(zip(second.terms, second.weights, strict=True))
    total = 0.0
    for term, weight in zip(first.terms, first.weights, strict=True):
        total += weight * other.get(term, 0.0)
    return total


def title_overlap(first: StoryTerms, second: StoryTerms) -> float:
    """Shared distinctive headline words over the shorter headline's (0 with none)."""
    if not first.title or not second.title:
        return 0.0
    shared = len(set(first.title) & set(second.title))
    return shared / min(len(first.title), len(second.title))


def pair_scores(
    terms: TermTable, firsts: np.ndarray, seconds: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`cosine` and `title_overlap` of many pairs of articles (rows of `terms`) at once,
    equal to theirs to the last bit: the same products, added in the same order."""
    first_terms, first_count = terms.padded_terms(firsts)
    second_terms, second_count = terms.padded_terms(seconds)
    first_weights, _ = terms.padded_weights(firsts)
    second_weights, _ = terms.padded_weights(seconds)
    # For each word of the first article, the weight of the same word in the second
    # (the last one if a hash repeats, as a dict keeps it), else 0.
    same = _same_values(first_terms, first_count, second_terms, second_count)
    last = same.shape[2] - 1 - same[:, :, ::-1].argmax(axis=2)
    other = np.where(same.any(axis=2), np.take_along_axis(second_weights, last, axis=1), 0.0)
    products = first_weights * other
    similarity = np.zeros(len(firsts))
    for column in products.T:  # one word at a time, as `cosine` adds them
        similarity += column
    first_title, first_length = terms.padded_title(firsts)
    second_title, second_length = terms.padded_title(seconds)
    present = _same_values(first_title, first_length, second_title, second_length).any(axis=2)
    # A hash counts once, as in a set: only its first place in the first headline.
    repeated = _same_values(first_title, first_length, first_title, first_length)
    earlier = np.tril(np.ones((first_title.shape[1],) * 2, dtype=bool), k=-1)
    unique = ~(repeated & earlier).any(axis=2)
    shared = (present & unique).sum(axis=1)
    shorter = np.minimum(first_length, second_length)
    overlap = np.zeros(len(firsts))
    np.divide(shared, shorter, out=overlap, where=shorter > 0)
    return similarity, overlap


def _same_values(
    first: np.ndarray, first_count: np.ndarray, second: np.ndarray, second_count: np.ndarray
) -> np.ndarray:
    """[pair, i, j]: whether the i-th value of the first row equals the j-th of the second
    (padding never equals anything)."""
    equal = first[:, :, None] == second[:, None, :]
    equal &= (np.arange(first.shape[1]) < first_count[:, None])[:, :, None]
    equal &= (np.arange(second.shape[1]) < second_count[:, None])[:, None, :]
    return equal


@lru_cache(maxsize=1 << 18)
def term_hash(word: str) -> int:
    """A stable signed 64-bit hash of a word (the same in every process and run)."""
    digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class RarityTable(NamedTuple):
    """wordfreq's word list of a language as arrays: the word hashes sorted, the
    frequency bucket of each (see `_bucket_weights`), and where each range of hashes
    (by their top `shift`-complement bits) starts, so that a lookup reads a few
    neighbouring entries instead of binary-searching the whole list."""

    hashes: np.ndarray
    buckets: np.ndarray
    starts: np.ndarray
    shift: int
    window: np.ndarray
    """0 .. the most hashes of one range - 1: the entries a lookup compares."""

    def weights(self, found: np.ndarray) -> np.ndarray:
        """The rarity weight of each word hash in `found`: its bucket's weight when the
        list has it (0 for a common word), else MAX_ZIPF."""
        weight = np.full(len(found), MAX_ZIPF)
        if not len(self.hashes):
            return weight
        low = self.starts[(found >> np.uint64(self.shift)).astype(np.intp)]
        window = low[:, None] + self.window
        np.minimum(window, len(self.hashes) - 1, out=window)
        matches = self.hashes[window] == found[:, None]
        known = np.flatnonzero(matches.any(axis=1))
        at = window[known, matches[known].argmax(axis=1)]
        weight[known] = _bucket_weights()[self.buckets[at]]
        weight[weight <= MAX_ZIPF - COMMON_ZIPF] = 0.0
        return weight


@cache
def _rarity_table(language: str) -> RarityTable:
    """wordfreq's word list of a language (English when wordfreq has none) as a
    `RarityTable` of about 12 bytes a word, kept between runs by `newsclean.derived`,
    so that a fresh worker loads a language in milliseconds instead of decoding
    wordfreq's list (0.1 to 0.5 s a language)."""
    from newsclean.derived import load_or_build

    name = "story-rarity-" + re.sub(r"[^a-z0-9-]", "_", language.lower())[:32]
    hashes, buckets, starts, shift = load_or_build(
        name,
        partial(_build_rarity_table, language),
        packages=("wordfreq", "rensa"),
        files=(Path(__file__),),
    )
    starts = np.frombuffer(starts, dtype=np.int64)
    return RarityTable(
        np.frombuffer(hashes, dtype=np.uint64),
        np.frombuffer(buckets, dtype=np.uint16),
        starts,
        shift,
        np.arange(max(1, int(np.diff(starts).max(initial=0))), dtype=np.int64),
    )


def _build_rarity_table(language: str) -> tuple[bytes, bytes, bytes, int]:
    import wordfreq

    try:
        buckets = wordfreq.get_frequency_list(language)
    except (LookupError, ValueError):
        buckets = wordfreq.get_frequency_list("en")
    vocabulary = [word for bucket in buckets for word in bucket]
    index = np.repeat(np.arange(len(buckets)), [len(bucket) for bucket in buckets])
    index = np.minimum(index, len(_bucket_weights()) - 1).astype(np.uint16)
    hashes = np.fromiter(RMinHash.hash_token_sets([vocabulary])[0] if vocabulary else (), np.uint64)
    # A word listed twice keeps its last (rarest) bucket, as wordfreq's own dict does.
    order = np.lexsort((-np.arange(len(hashes)), hashes))
    first = np.ones(len(order), dtype=bool)
    first[1:] = hashes[order][1:] != hashes[order][:-1]
    order = order[first]
    hashes, index = hashes[order], index[order]
    # About four words a range of hashes.
    bits = max(1, int(math.ceil(math.log2(max(len(hashes), 4) / 4))))
    shift = 64 - bits
    edges = np.arange((1 << bits) + 1, dtype=np.uint64)
    starts = np.searchsorted(hashes, edges[:-1] << np.uint64(shift)).astype(np.int64)
    starts = np.append(starts, len(hashes))
    return hashes.tobytes(), index.tobytes(), starts.tobytes(), shift


@cache
def _bucket_weights() -> np.ndarray:
    """MAX_ZIPF minus the Zipf frequency of wordfreq's bucket i (its words occur
    10^(-i/100) of the time; Zipf is log10 of that plus 9)."""
    import wordfreq

    return np.array(
        [MAX_ZIPF - (math.log10(wordfreq.cB_to_freq(-index)) + 9.0) for index in range(1200)]
    )


# 1 + ln(count) for the counts of a lead (a count beyond the table is taken as its last).
_LOG_COUNTS = np.array([0.0] + [1.0 + math.log(count) for count in range(1, 1 << 13)])


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

    def padded_terms(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The words of the articles `rows`, one row each padded with 0, and their counts."""
        return _padded_rows(self.terms, self.term_offsets, rows)

    def padded_weights(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Their weights as float64 (as `StoryTerms` gives them), padded with 0."""
        weights, counts = _padded_rows(self.weights, self.term_offsets, rows)
        return weights.astype(np.float64), counts

    def padded_title(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Their headline words, padded with 0, and their counts."""
        return _padded_rows(self.title, self.title_offsets, rows)

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


def _padded_rows(
    values: np.ndarray, offsets: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The variable-length rows `rows` of a flat array as a matrix padded with 0 (one
    column at least), and their lengths."""
    lengths = np.diff(offsets)[rows]
    places = np.arange(max(1, int(lengths.max(initial=0))))
    if not len(values):
        return np.zeros((len(rows), len(places)), dtype=values.dtype), lengths
    valid = places < lengths[:, None]
    index = np.where(valid, offsets[:-1][rows][:, None] + places, 0)
    return np.where(valid, values[index], 0), lengths


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
