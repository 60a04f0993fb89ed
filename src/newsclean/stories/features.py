"""What an article is compared by: a MinHash signature of its word 5-grams (copies), and
its distinctive content words weighted by rarity (stories told in other words).

Pure functions over plain values; the arrays they return are what the lake keeps for
the days that follow (see `store.py`). An article's title and text are tokenised once,
as one array of code points: every word is hashed in one vectorised pass, and both the
shingles and the story words are made from those hashes.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import NamedTuple

import numpy as np
from rensa import RMinHash

from newsclean.stories.dates import UNDATED, stated_day

FEATURES_VERSION = "3"
"""The version of what `article_features` computes (tokens, hashes, signatures, story
words). Features of another version do not compare with these: `store.py` keeps the
version with every file it writes and leaves other versions' files out."""
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
"""Story words come from the headline and the lead: the words that start in the first
this many characters of the text (about 500 words), where a news story states its who,
what and where."""
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
# Code point classes of `_char_kinds`.
_OTHER, _LETTER, _DIGIT_KIND = 0, 1, 2
# The odd 64-bit bases of the polynomial hashes of words (over code points) and of
# shingles (over word hashes), and the multipliers of the shingles' mix (MurmurHash3's).
# The two bases differ: with one, the shingles (ab, cd) and (ac, bd) would collide.
_WORD_BASE = 0x9E3779B97F4A7C15
_SHINGLE_BASE = 0xC2B2AE3D27D4EB4F
_MIX = (np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))
_FOLD = np.array(  # odd multipliers that fold a band of a signature into one key
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
    """Lower-cased word tokens (Unicode `\\w+`): the words `article_features` hashes."""
    return _WORD.findall(text.lower())


class Tokens(NamedTuple):
    """The words of a text as spans of its lower-cased code points, each with its
    hash (`word_hashes`)."""

    hashes: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    kinds: np.ndarray
    """The class of each code point (`_char_kinds`)."""


def tokenise(text: str) -> Tokens:
    """The `\\w+` words of a text lower-cased (as `str.lower` does it), found and hashed
    with numpy over its code points (no Python string per word). Positions are those of
    `text.lower()`, which has the text's own unless the text holds an "İ" (`_lowerable`)."""
    is_ascii = text.isascii()
    if not is_ascii and ("\u0130" in text or "\u03a3" in text):  # lower case by more than a table
        text = text.lower()
    if is_ascii:  # most texts: one byte a code point, classes by translate
        encoded = text.encode("ascii").lower()
        points = np.frombuffer(encoded, dtype=np.uint8)
        kinds = np.frombuffer(encoded.translate(_ascii_kinds()), dtype=np.uint8)
    else:
        encoded = text.encode("utf-16-le", "surrogatepass")
        if len(encoded) == 2 * len(text):  # no code point beyond the first 65,536
            points = np.take(_basic_lower(), np.frombuffer(encoded, dtype=np.uint16))
            kinds = np.take(_basic_kinds(), points)
        else:
            encoded = text.lower().encode("utf-32-le", "surrogatepass")
            points = np.frombuffer(encoded, dtype=np.uint32)
            kinds = np.take(_char_kinds(), points)
    inside = np.zeros(len(points) + 2, dtype=bool)
    np.not_equal(kinds, _OTHER, out=inside[1:-1])
    edges = np.flatnonzero(inside[1:] != inside[:-1])
    starts = edges[0::2]
    lengths = edges[1::2] - starts
    return Tokens(_span_hashes(points, starts, lengths, _WORD_BASE), starts, lengths, kinds)


def word_hashes(vocabulary: Sequence[str]) -> np.ndarray:
    """The 64-bit hash of each word, as `tokenise` hashes it in a text."""
    if not vocabulary:
        return np.zeros(0, dtype=np.uint64)
    joined = "".join(vocabulary)
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, vocabulary), dtype=np.int64, count=len(vocabulary))
    return _span_hashes(points, np.cumsum(lengths) - lengths, lengths, _WORD_BASE)


def term_hash(word: str) -> int:
    """A word's hash as the story words keep it (signed 64-bit, the same in every
    process and run)."""
    return int(word_hashes([word]).view(np.int64)[0])


def _span_hashes(
    values: np.ndarray, starts: np.ndarray, lengths: np.ndarray, base: int
) -> np.ndarray:
    """A hash of each span values[start : start + length]: the polynomial
    sum(values[start + i] * base**i) modulo 2**64, from one running sum over all the
    values. The same span gives the same hash wherever it lies. The 3,197,314 distinct
    words of the development corpus and of wordfreq's lists of eight languages get
    3,197,314 distinct word hashes (docs/stories.md)."""
    backward, running = _running_sums(values, base)
    hashes = running[starts + lengths]
    hashes -= running[starts]
    hashes *= backward[starts]
    return hashes


def _window_hashes(values: np.ndarray, width: int, base: int) -> np.ndarray:
    """The `_span_hashes` of every run of `width` consecutive values, in order, mixed
    (MurmurHash3's 64-bit finaliser: every input bit reaches every bit) for MinHash."""
    count = len(values) - width + 1
    backward, running = _running_sums(values, base)
    hashes = running[width:] - running[:count]
    hashes *= backward[:count]
    shift = np.uint64(33)
    hashes ^= hashes >> shift
    hashes *= _MIX[0]
    hashes ^= hashes >> shift
    hashes *= _MIX[1]
    hashes ^= hashes >> shift
    return hashes


def _running_sums(values: np.ndarray, base: int) -> tuple[np.ndarray, np.ndarray]:
    """base**-i for the values' positions i, and the running sums (from 0) of
    values[i] * base**i, modulo 2**64."""
    count = len(values)
    # One size for every text under 65,536 code points: one pair of tables a base.
    forward, backward = _powers(base, 1 << max(16, count.bit_length()))
    running = np.zeros(count + 1, dtype=np.uint64)
    np.multiply(values, forward[:count], out=running[1:])
    np.cumsum(running[1:], out=running[1:])
    return backward, running


@lru_cache(maxsize=4)
def _powers(base: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """base**i and its inverse modulo 2**64 (base is odd) for i < size."""
    forward = np.full(size, base, dtype=np.uint64)
    forward[0] = 1
    backward = np.full(size, pow(base, -1, 1 << 64), dtype=np.uint64)
    backward[0] = 1
    return np.cumprod(forward), np.cumprod(backward)


@cache
def _char_kinds() -> np.ndarray:
    """The class of every code point for `\\w+` words: _LETTER for a word character
    that is not a digit, _DIGIT_KIND for a digit (`\\d`), _OTHER for the rest. Built
    from Python's own `re` (0.25 s), kept between runs by `newsclean.derived` (the key
    holds the Python version, whose Unicode tables it follows)."""
    from newsclean.derived import load_or_build

    table = load_or_build(
        "story-word-chars", _build_char_kinds, packages=(), files=(Path(__file__),)
    )
    return np.frombuffer(table, dtype=np.uint8)


@cache
def _basic_kinds() -> np.ndarray:
    """`_char_kinds` of the first 65,536 code points (a table that stays in cache)."""
    return _char_kinds()[: 1 << 16].copy()


@cache
def _ascii_kinds() -> bytes:
    """`_char_kinds` of the 256 byte values (the first 128 are ASCII's), for
    `bytes.translate`."""
    return _char_kinds()[:256].tobytes()


def _lowerable(texts: Sequence[str]) -> list[str]:
    """The texts, lower-cased where that changes their length (an "İ"), so that their
    lengths are those of the code points `tokenise` reads."""
    return [text.lower() if not text.isascii() and "\u0130" in text else text for text in texts]


@cache
def _basic_lower() -> np.ndarray:
    """`str.lower` of each of the first 65,536 code points. `str.lower` maps every code
    point to one code point, of the first 65,536 when it is one of them, but two: "İ"
    to two ("i̇") and "Σ" by its context (a final "ς"), which `tokenise` lowers with
    `str.lower` itself and this table maps to themselves (2 ms to build)."""
    points = np.arange(1 << 16, dtype=np.uint16)
    # Those two, and the surrogates (which lower to themselves, but two of them may read
    # as one code point), are left as they are; the rest are lowered in one call.
    kept = np.r_[0x130, 0x3A3, 0xD800:0xE000]
    lowered = points.copy()
    lowered[kept] = ord("a")
    text = lowered.tobytes().decode("utf-16-le").lower()
    lowered = np.frombuffer(text.encode("utf-16-le"), dtype=np.uint16).copy()
    lowered[kept] = points[kept]
    return lowered


def _build_char_kinds() -> bytes:
    everything = "".join(map(chr, range(0x110000)))
    kinds = np.full(0x110000, _OTHER, dtype=np.uint8)
    for match in _WORD.finditer(everything):
        kinds[match.start() : match.end()] = _LETTER
    for match in re.finditer(r"\d+", everything):
        kinds[match.start() : match.end()] = _DIGIT_KIND
    return kinds.tobytes()


def signatures(texts: Sequence[str]) -> np.ndarray:
    """MinHash signatures (rows of NUM_PERM uint32) of the word 5-gram sets of texts."""
    pieces = _lowerable(texts)
    starts, lengths = _piece_starts(pieces)
    tokens = tokenise("\n".join(pieces))
    firsts = tokens.starts.searchsorted(starts)
    return _signatures(tokens.hashes, firsts, tokens.starts.searchsorted(starts + lengths))


def signature(text: str) -> np.ndarray:
    """The MinHash signature (NUM_PERM uint32) of the word 5-gram set of a text."""
    return signatures([text])[0]


def _piece_starts(pieces: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Where each piece starts in "\\n".join(pieces), and its length (code points)."""
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    return np.cumsum(lengths + 1) - lengths - 1, lengths


def _signatures(hashes: np.ndarray, firsts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The signature of the shingles of each text's words hashes[first:end]: each window
    of SHINGLE_WORDS words hashed as a span, the minimum of each permutation by rensa
    (one call for all the texts). A text shorter than a shingle is padded with zeros to
    one."""
    if not len(firsts):
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    counts = ends - firsts
    if counts.min() >= SHINGLE_WORDS:  # no text to pad: windows over the pass's words
        shingles = counts - SHINGLE_WORDS + 1
        offsets = _offsets(shingles)
        within = np.arange(offsets[-1]) + np.repeat(firsts - offsets[:-1], shingles)
        windows = _window_hashes(hashes, SHINGLE_WORDS, _SHINGLE_BASE)[within]
        return _minhash(windows, offsets, len(firsts))
    padded = np.maximum(counts, SHINGLE_WORDS)
    offsets = _offsets(padded)
    rank = np.arange(offsets[-1]) - np.repeat(offsets[:-1], padded)
    source = np.append(hashes, np.zeros(1, dtype=np.uint64))  # the padding is its last
    index = np.where(
        rank < np.repeat(counts, padded), np.repeat(firsts, padded) + rank, len(hashes)
    )
    windows = _window_hashes(source[index], SHINGLE_WORDS, _SHINGLE_BASE)
    # The windows that lie inside one text (the others span two).
    inside = rank[: len(windows)] <= np.repeat(padded - SHINGLE_WORDS, padded)[: len(windows)]
    return _minhash(windows[inside], _offsets(padded - SHINGLE_WORDS + 1), len(firsts))


def _minhash(shingles: np.ndarray, offsets: np.ndarray, count: int) -> np.ndarray:
    """rensa's signature of each text's shingle hashes shingles[offsets[i]:offsets[i+1]]."""
    matrix = RMinHash.digest_matrix_from_flat_token_hashes(
        shingles, offsets.astype(np.uint64), NUM_PERM, MINHASH_SEED
    )
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(count, NUM_PERM)


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
    every day; `title` holds the headline's distinctive words; `day` the date its
    headline or dateline states.
    """

    terms: tuple[int, ...]
    weights: tuple[float, ...]
    title: tuple[int, ...]
    day: int = UNDATED
    """The day the article says it was written (`dates.stated_day`)."""

    @property
    def anchors(self) -> tuple[int, ...]:
        """The hashes an article is looked up by: its heaviest words and its headline's."""
        return tuple(dict.fromkeys(self.terms[:ANCHORS] + self.title))


class ArticleFeatures(NamedTuple):
    """What clustering compares an article by: its MinHash signature (NUM_PERM uint32)
    and its story words. A pure function of the published title, text and language, so
    a worker computes it where the article is cleaned and publish only compares."""

    signature: np.ndarray
    terms: StoryTerms


FEATURE_BATCH = 256
"""Articles whose features `batch_features` computes in one pass (fewer when their texts
are long, see FEATURE_BATCH_CHARACTERS): one call's numpy work is shared by them all."""
FEATURE_BATCH_CHARACTERS = 1 << 18
"""Code points of the texts of one pass, at most (unless one article is longer): this
bounds the memory of a pass (its arrays of code points, word hashes and running sums,
and the hashes' tables of powers, 2 x 2 MiB) at about 5 MiB more than one article's;
passes of 2**20 code points took 52 MiB for no clear gain in time."""


class FeatureBatch(NamedTuple):
    """The features of many articles: one signature row each, and their story words as
    the flat arrays of a `TermTable` (weights in float64, as `StoryTerms` holds them)."""

    signatures: np.ndarray
    terms: np.ndarray
    weights: np.ndarray
    term_offsets: np.ndarray
    title: np.ndarray
    title_offsets: np.ndarray
    days: np.ndarray

    def term_table(self) -> TermTable:
        return TermTable(
            self.terms, self.weights, self.term_offsets, self.title, self.title_offsets, self.days
        )

    def article(self, index: int) -> ArticleFeatures:
        """The features of the article `index`, as `article_features` gives them."""
        start, end = self.term_offsets[index : index + 2]
        first, last = self.title_offsets[index : index + 2]
        return ArticleFeatures(
            self.signatures[index].copy(),
            StoryTerms(
                tuple(self.terms[start:end].tolist()),
                tuple(self.weights[start:end].tolist()),
                tuple(self.title[first:last].tolist()),
                int(self.days[index]),
            ),
        )

    @classmethod
    def concat(cls, batches: Sequence[FeatureBatch]) -> FeatureBatch:
        return cls(
            np.concatenate([batch.signatures for batch in batches]),
            np.concatenate([batch.terms for batch in batches]),
            np.concatenate([batch.weights for batch in batches]),
            _joined([batch.term_offsets for batch in batches]),
            np.concatenate([batch.title for batch in batches]),
            _joined([batch.title_offsets for batch in batches]),
            np.concatenate([batch.days for batch in batches]),
        )


def article_features(title: str | None, text: str, language: str | None) -> ArticleFeatures:
    """The features of one article: `batch_features` of a batch of one."""
    return batch_features([title], [text], [language]).article(0)


def story_terms(title: str | None, text: str, language: str | None) -> StoryTerms:
    """The distinctive content words of an article, weighted by count and rarity."""
    return article_features(title, text, language).terms


def batch_features(
    titles: Sequence[str | None], texts: Sequence[str], languages: Sequence[str | None]
) -> FeatureBatch:
    """The features of many articles, each the same as computed alone, in passes of up to
    FEATURE_BATCH articles: each pass tokenises and hashes all its headlines and texts as
    one array of code points (`tokenise`), makes every text's shingles from its words and
    MinHashes them in one rensa call, and picks every article's story words from its
    headline's and lead's words with sorts over the whole pass."""
    passes = []
    start = 0
    while start < len(texts) or not passes:
        end, size = start, 0
        while end < len(texts) and end - start < FEATURE_BATCH:
            size += len(texts[end]) + len(titles[end] or "") + 2
            if size > FEATURE_BATCH_CHARACTERS and end > start:
                break
            end += 1
        passes.append(_pass_features(titles[start:end], texts[start:end], languages[start:end]))
        start = end
    return passes[0] if len(passes) == 1 else FeatureBatch.concat(passes)


def _pass_features(
    titles: Sequence[str | None], texts: Sequence[str], languages: Sequence[str | None]
) -> FeatureBatch:
    """`batch_features` of one pass."""
    if not texts:
        none, start = np.zeros(0, dtype=np.int64), np.zeros(1, dtype=np.int64)
        return FeatureBatch(
            np.zeros((0, NUM_PERM), dtype=np.uint32),
            none,
            np.zeros(0),
            start,
            none,
            start,
            np.zeros(0, dtype=np.int32),
        )
    # Headline, text, headline, text, ... joined by line breaks: a line break is no word
    # character and ends str.lower's context (a final sigma), so every word and hash of
    # an article is the one it has alone.
    pieces = _lowerable(
        [piece for title, text in zip(titles, texts, strict=True) for piece in (title or "", text)]
    )
    starts, lengths = _piece_starts(pieces)
    tokens = tokenise("\n".join(pieces))
    text_starts = starts[1::2]
    firsts = tokens.starts.searchsorted(starts[0::2])  # each article's first word
    titled = tokens.starts.searchsorted(text_starts)  # its text's first word
    ends = tokens.starts.searchsorted(text_starts + lengths[1::2])
    leads = np.minimum(tokens.starts.searchsorted(text_starts + LEAD_CHARACTERS), ends)
    return FeatureBatch(
        _signatures(tokens.hashes, titled, ends),
        *_story_terms(tokens, firsts, titled, leads, languages),
        np.fromiter(map(stated_day, titles, texts), dtype=np.int32, count=len(texts)),
    )


def _story_terms(
    tokens: Tokens,
    firsts: np.ndarray,
    titled: np.ndarray,
    leads: np.ndarray,
    languages: Sequence[str | None],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The story words of each article, from its tokens [first, titled) (the headline)
    and [titled, lead) (the lead): each word weighted (rarity) x (1 + ln count), a
    headline word counting TITLE_BOOST times more; the TERMS heaviest, ties by hash (the
    greater first). Returns the words, weights and offsets of the articles' vectors and
    their headlines' distinctive words with offsets (`TermTable`'s arrays)."""
    count = len(firsts)
    spans = leads - firsts
    article = np.repeat(np.arange(count), spans)  # the article of each headline/lead word
    token = np.arange(len(article)) - np.repeat(_offsets(spans)[:-1] - firsts, spans)
    hashes = tokens.hashes[token]
    names = [language or "en" for language in languages]
    tables = {name: _rarity_table(name) for name in dict.fromkeys(names)}
    # The language's common words weigh nothing: they are left out before counting.
    common = np.zeros(len(hashes), dtype=bool)
    for table, rows in _language_groups(names, tables, article):
        if rows is None:
            common = table.common.holds(hashes)
        else:
            common[rows] = table.common.holds(hashes[rows])
    kept = np.flatnonzero(~common)
    token, article, hashes = token[kept], article[kept], hashes[kept]
    headline = token < titled[article]
    order = _grouped_order(hashes, article)
    ordered, owners = hashes[order], article[order]
    new = np.empty(len(order) + 1, dtype=bool)
    new[0] = new[-1] = True
    new[1:-1] = (ordered[1:] != ordered[:-1]) | (owners[1:] != owners[:-1])
    runs = new.nonzero()[0][:-1]  # where each article's distinct word's run starts
    vocabulary, owner = ordered[runs], owners[runs]  # sorted by article, then hash
    occurrences = np.where(headline, TITLE_BOOST, 1)[order]
    counts = np.add.reduceat(occurrences, runs) if len(runs) else np.zeros(0, np.int64)
    in_headline = np.logical_or.reduceat(headline[order], runs) if len(runs) else new[:0]
    # One token of each distinct word: its first, as a stable sort would put first.
    word = np.minimum.reduceat(token[order], runs) if len(runs) else runs
    idf = np.empty(len(vocabulary))
    for table, rows in _language_groups(names, tables, owner):
        if rows is None:
            idf = table.weights(vocabulary)
        else:
            idf[rows] = table.weights(vocabulary[rows])
    lengths = tokens.lengths[word]
    idf[lengths < 3] = 0.0
    # A word with a digit weighs NUMBER_WEIGHT, 0 for a single digit.
    digits = (tokens.kinds == _DIGIT_KIND).nonzero()[0]
    numbered = np.zeros(len(tokens.starts) + 1, dtype=bool)
    numbered[tokens.starts.searchsorted(digits, side="right") - 1] = True
    numbered = numbered[word]
    idf[numbered] = np.where(lengths[numbered] > 1, NUMBER_WEIGHT, 0.0)
    weight = idf * _LOG_COUNTS[np.minimum(counts, len(_LOG_COUNTS) - 1)]
    signed = vocabulary.view(np.int64)
    # Each article's TERMS heaviest words, heaviest first (ties: the greater hash first):
    # one sort of the pass by weight and hash, then a stable radix sort by article.
    heavy = idf.nonzero()[0]
    heavy = heavy[np.lexsort((vocabulary[heavy], weight[heavy]))[::-1]]
    heavy = heavy[_article_order(owner[heavy], count)]
    top, term_offsets = _firsts_of_each(heavy, owner[heavy], count, TERMS)
    # Scaled to unit length, each vector's squares summed by `@` as it always was (a
    # sum in another order may differ in the last bit).
    heaviest = weight[top]
    scaled = []
    for first, last in itertools.pairwise(term_offsets.tolist()):
        vector = heaviest[first:last]
        scaled.append(vector / (math.sqrt(float(vector @ vector)) or 1.0))
    weights = np.concatenate(scaled).round(6) if scaled else np.zeros(0)
    # Each headline's distinctive words, rarest first (ties: the smaller signed hash).
    named = (in_headline & (idf > 0)).nonzero()[0]
    named = named[np.lexsort((signed[named], -idf[named], owner[named]))]
    title, title_offsets = _firsts_of_each(named, owner[named], count, TITLE_TERMS)
    return signed[top], weights, term_offsets, signed[title], title_offsets


def _grouped_order(hashes: np.ndarray, article: np.ndarray) -> np.ndarray:
    """An order of the words that sorts them by article (`article`, ascending), then by
    hash: equal words of one article are next to each other, in no given order. One
    sort of the hashes, then a stable sort of their small article numbers (a radix
    sort), costs less than `np.lexsort` of the two keys (docs/stories.md)."""
    by_hash = hashes.argsort()
    return by_hash[_article_order(article[by_hash], int(article[-1]) + 1 if len(article) else 0)]


def _article_order(owners: np.ndarray, count: int) -> np.ndarray:
    """The stable order that sorts `owners` (article numbers under `count`): a radix
    sort when they fit in 16 bits."""
    if count <= 1 << 16:
        owners = owners.astype(np.uint16)
    return owners.argsort(kind="stable")


def _language_groups(
    names: Sequence[str], tables: dict[str, RarityTable], rows_article: np.ndarray
) -> list[tuple[RarityTable, np.ndarray | None]]:
    """For each language of a pass, its table and the rows (of an array whose rows
    belong to the articles `rows_article`) of its articles; None for every row when the
    pass has one language."""
    if len(tables) == 1:
        return [(next(iter(tables.values())), None)]
    language = np.array([list(tables).index(name) for name in names], dtype=np.int64)
    of_row = language[rows_article]
    return [
        (table, (of_row == number).nonzero()[0]) for number, table in enumerate(tables.values())
    ]


def _firsts_of_each(
    rows: np.ndarray, owners: np.ndarray, count: int, limit: int
) -> tuple[np.ndarray, np.ndarray]:
    """The first `limit` rows of each of `count` articles (rows grouped by article, in
    article order) and the offsets of each article's in them."""
    sizes = np.bincount(owners, minlength=count)
    starts = _offsets(sizes)[:-1]
    rank = np.arange(len(rows)) - np.repeat(starts, sizes)
    return rows[rank < limit], _offsets(np.minimum(sizes, limit))


def rarities(vocabulary: Sequence[str], language: str) -> np.ndarray:
    """The IDF-like weight of each word: MAX_ZIPF minus its Zipf frequency in the
    language (wordfreq), 0 for a common word (Zipf at least COMMON_ZIPF) or a word
    under 3 letters, MAX_ZIPF for a word wordfreq does not know (most names), and
    NUMBER_WEIGHT for a token with a digit (0 for a single digit)."""
    lengths = np.fromiter(map(len, vocabulary), dtype=np.int64, count=len(vocabulary))
    digits = np.fromiter((bool(_DIGIT.search(word)) for word in vocabulary), bool)
    return _rarity_weights(word_hashes(vocabulary), lengths, digits, language)


def _rarity_weights(
    hashes: np.ndarray, lengths: np.ndarray, digits: np.ndarray, language: str | None
) -> np.ndarray:
    """`rarities` of words given as hashes, lengths and whether they hold a digit."""
    weight = _rarity_table(language or "en").weights(hashes)
    weight[lengths < 3] = 0.0
    weight[digits] = np.where(lengths[digits] > 1, NUMBER_WEIGHT, 0.0)
    return weight


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


class WordSet(NamedTuple):
    """A small set of word hashes (a language's common words), for telling which of many
    hashes it holds at once: each hash has a slot (the top 16 bits of a multiple of it);
    a hash whose slot holds one word of the set is compared with it, one whose slot
    holds several (a few slots) is searched for in the sorted set."""

    words: np.ndarray
    stored: np.ndarray
    """The word of each slot that holds exactly one (0 elsewhere)."""
    single: np.ndarray
    shared: np.ndarray
    """Whether each slot holds exactly one word, several."""

    @classmethod
    def of(cls, words: np.ndarray) -> WordSet:
        """The set of the sorted hashes `words`."""
        slots = _slots(words)
        held = np.bincount(slots, minlength=1 << _SLOT_BITS)
        stored = np.zeros(1 << _SLOT_BITS, dtype=np.uint64)
        stored[slots] = words
        return cls(words, stored, held == 1, held > 1)

    def holds(self, found: np.ndarray) -> np.ndarray:
        """Whether each hash in `found` is in the set."""
        slots = _slots(found)
        held = self.stored[slots] == found
        held &= self.single[slots]
        shared = self.shared[slots].nonzero()[0]
        if len(shared):
            at = self.words.searchsorted(found[shared])
            np.minimum(at, len(self.words) - 1, out=at)
            held[shared] = self.words[at] == found[shared]
        return held


_SLOT_BITS = 16


def _slots(hashes: np.ndarray) -> np.ndarray:
    """The `WordSet` slot of each hash."""
    return _top_bits(_mixed(hashes), _SLOT_BITS)


class RarityTable(NamedTuple):
    """wordfreq's word list of a language as arrays: the word hashes (`word_hashes`)
    mixed (`_mixed`) and sorted, the frequency bucket of each (see `_bucket_weights`),
    where the keys of each value of their top bits start, and its common words (weight
    0) without a digit (a small set that story words are filtered by before they are
    counted)."""

    keys: np.ndarray
    buckets: np.ndarray
    starts: np.ndarray
    """Where the keys whose top `bits` bits are i start, for every i, and their count:
    a lookup searches only the few keys (four on average at most) that share its top
    bits, one or two cache lines, where a search of the whole table reads a line at
    random at each of its twenty-odd steps."""
    bits: int
    steps: int
    """Halvings that narrow the widest of those runs of keys to one place."""
    common: WordSet

    @classmethod
    def of(cls, keys: np.ndarray, buckets: np.ndarray, common: np.ndarray) -> RarityTable:
        """The table of the sorted keys, their buckets and the common words' hashes."""
        starts, steps = _key_runs(keys)
        return cls(keys, buckets, starts, _index_bits(len(keys)), steps, WordSet.of(common))

    def weights(self, found: np.ndarray) -> np.ndarray:
        """The rarity weight of each word hash in `found`: its bucket's weight when the
        list has it (0 for a common word), else MAX_ZIPF."""
        if not len(self.keys):
            return np.full(len(found), MAX_ZIPF)
        wanted = _mixed(found)
        top = _top_bits(wanted, self.bits)
        low, high = self.starts[top], self.starts[top + 1]
        last = len(self.keys) - 1
        for _ in range(self.steps):  # the first key not less than the one wanted
            middle = (low + high) >> 1
            less = self.keys[np.minimum(middle, last)] < wanted
            low = np.where(less, middle + 1, low)
            high = np.where(less, high, middle)
        np.minimum(low, last, out=low)
        return np.where(self.keys[low] == wanted, _bucket_weights()[self.buckets[low]], MAX_ZIPF)


def _index_bits(count: int) -> int:
    """Top bits that index a table of `count` keys: 2**bits is a quarter to half of it."""
    return max(1, count.bit_length() - 2)


def _key_runs(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Where the sorted keys of each value of their top `_index_bits` bits start (and,
    last, their count), and the halvings that narrow the widest run to one place."""
    bits = _index_bits(len(keys))
    sizes = np.bincount(_top_bits(keys, bits), minlength=1 << bits)
    return _offsets(sizes).astype(np.int32), int(sizes.max(initial=0)).bit_length()


def _mixed(hashes: np.ndarray) -> np.ndarray:
    """The hashes multiplied by an odd constant (one to one), whose top bits are spread
    evenly even for the hashes of short words (small numbers)."""
    return hashes * _MIX[0]


def _top_bits(keys: np.ndarray, bits: int) -> np.ndarray:
    return (keys >> np.uint64(64 - bits)).astype(np.intp)


@cache
def _rarity_table(language: str) -> RarityTable:
    """wordfreq's word list of a language (English when wordfreq has none) as a
    `RarityTable` of 10 bytes a word and its index, kept between runs by
    `newsclean.derived`, so that a fresh worker loads a language in milliseconds instead
    of decoding wordfreq's list (0.1 to 0.5 s a language)."""
    from newsclean.derived import load_or_build

    name = "story-rarity-" + re.sub(r"[^a-z0-9-]", "_", language.lower())[:32]
    keys, buckets, starts, steps, common = load_or_build(
        name,
        partial(_build_rarity_table, language),
        packages=("wordfreq",),
        files=(Path(__file__),),
    )
    keys = np.frombuffer(keys, dtype=np.uint64)
    return RarityTable(
        keys,
        np.frombuffer(buckets, dtype=np.uint16),
        np.frombuffer(starts, dtype=np.int32),
        _index_bits(len(keys)),
        steps,
        WordSet.of(np.frombuffer(common, dtype=np.uint64)),
    )


def _build_rarity_table(language: str) -> tuple[bytes, bytes, bytes, int, bytes]:
    import wordfreq

    from newsclean.language import wordfreq_code

    try:
        buckets = wordfreq.get_frequency_list(wordfreq_code(language))
    except (LookupError, ValueError):
        buckets = wordfreq.get_frequency_list("en")
    vocabulary = [word for bucket in buckets for word in bucket]
    index = np.repeat(np.arange(len(buckets)), [len(bucket) for bucket in buckets])
    index = np.minimum(index, len(_bucket_weights()) - 1).astype(np.uint16)
    hashes = word_hashes(vocabulary)
    # A word listed twice keeps its last (rarest) bucket, as wordfreq's own dict does.
    order = np.lexsort((-np.arange(len(hashes)), hashes))
    first = np.ones(len(order), dtype=bool)
    first[1:] = hashes[order][1:] != hashes[order][:-1]
    order = order[first]
    digits = np.fromiter((bool(_DIGIT.search(word)) for word in vocabulary), bool, len(hashes))
    common = order[(_bucket_weights()[index[order]] == 0) & ~digits[order]]
    # At least one entry (a hash no word has), so that a lookup needs no special case.
    common_hashes = hashes[common] if len(common) else np.zeros(1, dtype=np.uint64)
    keys = _mixed(hashes[order])
    by_key = keys.argsort()
    keys = keys[by_key]
    starts, steps = _key_runs(keys)
    return (
        keys.tobytes(),
        index[order][by_key].tobytes(),
        starts.tobytes(),
        steps,
        common_hashes.tobytes(),
    )


@cache
def _bucket_weights() -> np.ndarray:
    """MAX_ZIPF minus the Zipf frequency of wordfreq's bucket i (its words occur
    10^(-i/100) of the time; Zipf is log10 of that plus 9), 0 for a common word's."""
    import wordfreq

    weights = np.array(
        [MAX_ZIPF - (math.log10(wordfreq.cB_to_freq(-index)) + 9.0) for index in range(1200)]
    )
    weights[weights <= MAX_ZIPF - COMMON_ZIPF] = 0.0
    return weights


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
        days: np.ndarray | None = None,
    ) -> None:
        self.terms = terms.astype(np.int64, copy=False)
        self.weights = weights.astype(np.float32, copy=False)
        self.term_offsets = term_offsets.astype(np.int64, copy=False)
        self.title = title.astype(np.int64, copy=False)
        self.title_offsets = title_offsets.astype(np.int64, copy=False)
        count = len(self.term_offsets) - 1
        self.days = (
            np.full(count, UNDATED, dtype=np.int32) if days is None else days.astype(np.int32)
        )

    @classmethod
    def of(cls, articles: Sequence[StoryTerms]) -> TermTable:
        return cls(
            np.fromiter((t for a in articles for t in a.terms), dtype=np.int64),
            np.fromiter((w for a in articles for w in a.weights), dtype=np.float32),
            _offsets([len(a.terms) for a in articles]),
            np.fromiter((t for a in articles for t in a.title), dtype=np.int64),
            _offsets([len(a.title) for a in articles]),
            np.fromiter((a.day for a in articles), dtype=np.int32, count=len(articles)),
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
            np.concatenate([t.days for t in tables]),
        )

    def __len__(self) -> int:
        return len(self.term_offsets) - 1

    def take(self, order: np.ndarray) -> TermTable:
        """The articles at the indices `order`, in that order."""
        terms, term_offsets = _take(self.terms, self.term_offsets, order)
        weights, _ = _take(self.weights, self.term_offsets, order)
        title, title_offsets = _take(self.title, self.title_offsets, order)
        return TermTable(terms, weights, term_offsets, title, title_offsets, self.days[order])

    def __getitem__(self, index: int) -> StoryTerms:  # type: ignore[override]
        start, end = self.term_offsets[index], self.term_offsets[index + 1]
        first, last = self.title_offsets[index], self.title_offsets[index + 1]
        return StoryTerms(
            tuple(self.terms[start:end].tolist()),
            tuple(self.weights[start:end].tolist()),
            tuple(self.title[first:last].tolist()),
            int(self.days[index]),
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
                self.days,
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
