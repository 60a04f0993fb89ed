"""The block model of the learned boilerplate stage: a run of lines judged as a whole.

An inserted promo, bio, menu or related list is a run of consecutive lines that belong
together; the story is a run of prose. A line model sees "About the author" and the
bio under it apart, and a two-word menu entry alone; this layer cuts a text's lines
into candidate blocks (`candidate_blocks`) and scores each block as a whole: the words
of all its lines together and its shape (`block_terms`), one logistic-regression
weight per term, summed (a dictionary lookup per term, as `words.py` does). The
weights are learned from blocks harvested by kind from the labeled pages' HTML and
from story runs, by `benchmarks/train_boilerplate_blocks.py`, which writes them into
the package (`newsclean/data/boilerplate-blocks.json`) only where the layer beats the
stage without it on every left-out labeled set; otherwise none is shipped and the
layer is off unless a model is given. See docs/boilerplate.md ("Eighth round").

The story's core (its longest run of prose paragraphs) is never read: candidates are
the runs of lines that are not prose around it, each alone and, outside the core,
with the few prose paragraphs that follow it (a bio under its heading, a comment under
its byline).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from newsclean.boilerplate.lines import plain_once
from newsclean.boilerplate.structure import is_prose
from newsclean.boilerplate.words import line_terms

BLOCKS_FILE = "boilerplate-blocks.json"
BLOCKS_VERSION = 1
# A candidate's body: at most this many prose paragraphs after its head (a bio, a
# comment, a newsletter's pitch); a longer run of prose is read as story.
MAX_BODY = 2
# A head of more lines than this is cut: a block's first lines say what it is.
MAX_HEAD = 40
# How many lines a run beside the story's core may give back to it (its headline,
# byline or standfirst before it; a credit or an author line after it).
MAX_TRIM = 4
_WHICH = ("head", "body")


class BlocksModelError(ValueError):
    """The block model file is missing, of another version, or malformed."""


class Block(NamedTuple):
    """A candidate block of a text's lines: its head (lines that are not prose) and its
    body (the prose paragraphs right after the head, outside the story's core; empty
    for a head judged alone), as indices into the lines, with where it stands. `run`
    numbers the run of lines the head is cut from: the candidates of one run are
    alternatives, largest first."""

    head: tuple[int, ...]
    body: tuple[int, ...]
    place: str  # "before" or "after" the story's core
    gap: int  # prose runs between the block and the core (0: beside it)
    edge: bool  # the block reaches the text's first or last line
    run: int

    @property
    def indices(self) -> tuple[int, ...]:
        return self.head + self.body


def _core(prose: list[bool], lines: list[str]) -> tuple[int, int] | None:
    """(first, last) index of the story's core: the run of consecutive prose lines with
    the most characters (the first such run on a tie); None without a prose line."""
    best: tuple[int, int] | None = None
    best_size = 0
    start = None
    size = 0
    for index in range(len(prose) + 1):
        if index < len(prose) and prose[index]:
            if start is None:
                start, size = index, 0
            size += len(lines[index])
            continue
        if start is not None and size > best_size:
            best, best_size = (start, index - 1), size
        start = None
    return best


def candidate_blocks(lines: list[str], taken: list[bool] | None = None) -> list[Block]:
    """The candidate blocks of a text's non-blank lines, in order. Lines another layer
    takes (`taken`) are read as gone. Each maximal run of lines that are not prose
    (`structure.is_prose`) is a head, a candidate alone unless it is one line with
    prose on both sides (a subheading); and a head with prose after it that is not the
    core is a candidate with its body too (the prose paragraphs up to the next line
    that is not prose, if there are at most MAX_BODY of them). A run right beside the
    core may end (before it) or begin (after it) with the story's own lines, a headline
    or a byline: it is a candidate again without one, two, ... of its lines on the
    core's side (up to MAX_TRIM). Nothing in a text without a prose paragraph."""
    kept = [index for index in range(len(lines)) if not (taken and taken[index])]
    prose = [is_prose(lines[index]) for index in kept]
    core = _core(prose, [lines[index] for index in kept])
    if core is None:
        return []
    first, last = core
    blocks: list[Block] = []
    count = len(kept)
    position = 0
    run = 0
    while position < count:
        if prose[position]:
            position += 1
            continue
        end = position
        while end < count and not prose[end]:
            end += 1
        stop = min(end, position + MAX_HEAD)
        prose_after = end < count and prose[end]
        place = "before" if end <= first else "after"
        gap = _runs(prose, end, first) if place == "before" else _runs(prose, last + 1, position)
        # (start, stop) of the head and its cuts: the whole run first.
        cuts = [(position, stop)]
        trims = min(MAX_TRIM, stop - position - 1)
        if end == first:
            cuts += [(position, stop - trim) for trim in range(1, trims + 1)]
        elif position == last + 1:
            cuts += [(position + trim, stop) for trim in range(1, trims + 1)]
        alone = stop - position > 1 or position == 0 or not prose_after
        body_end = end
        while body_end < count and prose[body_end]:
            body_end += 1
        with_body = prose_after and end != first and body_end - end <= MAX_BODY
        for which in ("head", "body") if with_body else ("head",):
            for start, cut in cuts:
                if which == "head" and not (alone or cut - start < stop - position):
                    continue
                if which == "body" and cut != stop:
                    continue
                body = tuple(kept[end:body_end]) if which == "body" else ()
                edge = start == 0 or (cut == count if which == "head" else body_end == count)
                blocks.append(Block(tuple(kept[start:cut]), body, place, gap, edge, run))
        run += 1
        position = end
    return blocks


def _runs(prose: list[bool], start: int, end: int) -> int:
    """The number of runs of prose lines in prose[start:end]."""
    runs = 0
    for index in range(start, end):
        if prose[index] and (index == start or not prose[index - 1]):
            runs += 1
    return runs


class _LineShape(NamedTuple):
    terms: tuple[str, ...]  # `words.line_terms`
    heading: tuple[str, ...]  # its first six words and pairs, marked "^"
    words: int
    digits: int
    characters: int


_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=8192)
def _shape(line: str) -> _LineShape:
    """What the block model reads of one line, read once (a site's lines recur)."""
    terms = tuple(line_terms(line))
    heading = tuple(f"^{term}" for term in terms if not term.startswith("#"))[:6]
    text = plain_once(line)
    return _LineShape(terms, heading, len(text.split()), len(_DIGIT.findall(text)), len(text))


def _bucket(value: float, limits: tuple[float, ...]) -> int:
    """The number of limits at or below value: a value in buckets."""
    return sum(value >= limit for limit in limits)


def block_terms(lines: list[str], block: Block) -> list[str]:
    """The terms the block model reads of a block: every term of its lines
    (`words.line_terms`: words, word pairs, each line's shape marks), the first line's
    words and pairs again marked "^" (what a block's heading says), and the block's
    shape: its line count, mean words a line, share of short lines (three words at
    most), whether it has a body and how long, its share of digits, where it stands
    against the story's core (before or after it, how many prose runs away, at the
    text's edge). Distinct, in order."""
    head = [_shape(lines[index]) for index in block.head]
    terms: list[str] = []
    for shape in head:
        terms.extend(shape.terms)
    for index in block.body:
        terms.extend(f"body:{term}" if term.startswith("#") else term
                     for term in _shape(lines[index]).terms)  # fmt: skip
    terms.extend(head[0].heading)
    counts = [shape.words for shape in head]
    mean = sum(counts) / len(counts)
    short = sum(count <= 3 for count in counts) / len(counts)
    digits = sum(shape.digits for shape in head)
    characters = sum(shape.characters for shape in head) or 1
    terms += [
        f"#b:lines:{_bucket(len(head), (2, 3, 4, 6, 10))}",
        f"#b:mean:{_bucket(mean, (2, 3, 5, 8, 13))}",
        f"#b:short:{_bucket(short, (0.01, 0.34, 0.67, 1.0))}",
        f"#b:digits:{_bucket(digits / characters, (0.01, 0.05, 0.15))}",
        f"#b:body:{len(block.body)}",
        f"#b:place:{block.place}",
        f"#b:gap:{min(block.gap, 2)}",
        f"#b:place:{block.place}:gap:{min(block.gap, 2)}",
    ]
    if block.edge:
        terms.append(f"#b:edge:{block.place}")
    return list(dict.fromkeys(terms))


@dataclass(frozen=True, eq=False)
class BlocksModel:
    """A logistic regression over `block_terms`, with the thresholds it is used at."""

    bias: float
    weights: dict[str, float]
    # Per kind of text ("html", "text"): the least probability at which a head alone
    # goes ("head"), and a head with its body ("body"). Above 1: never.
    thresholds: dict[str, dict[str, float]]

    def probability(self, lines: list[str], block: Block) -> float:
        """P(boilerplate) of a block of `lines`."""
        get = self.weights.get
        score = self.bias + sum(get(term, 0.0) for term in block_terms(lines, block))
        if score < -30:  # exp would overflow; the probability is 0 to a float's precision
            return 0.0
        return 1.0 / (1.0 + math.exp(-score))

    def threshold(self, source: str, which: str) -> float:
        """The threshold of `which` ("head" or "body") for a kind of text."""
        return self.thresholds.get(source, self.thresholds["text"])[which]

    def active(self, source: str) -> bool:
        """Whether the model takes any block in a kind of text."""
        return min(self.threshold(source, which) for which in _WHICH) <= 1


def block_removals(
    lines: list[str],
    taken: list[bool],
    guards: list[bool | None],
    *,
    model: BlocksModel,
    source: str,
) -> list[float | None]:
    """The block model's removals among a text's non-blank lines: the probability of the
    block each line goes with, None for the others. Of the candidates cut from one run
    (`candidate_blocks`), the largest at the "head" threshold goes, and the largest
    with its body at the "body" threshold. Lines `taken` by another layer are read as
    gone. `guards` says of each line what the stage's guards say (`learned.block_guards`):
    None for a line no block may take (a block holding one is no candidate), True for
    one that can make a block, False for one that goes only inside one (a one-word menu
    entry, a price). A head alone goes only with two lines or more, one of them True:
    a single line is the line models' to judge."""
    found: list[float | None] = [None] * len(lines)
    if not model.active(source):
        return found
    settled: set[tuple[int, bool]] = set()  # (run, with a body) where a candidate went
    for block in candidate_blocks(lines, taken):
        which = "body" if block.body else "head"
        threshold = model.threshold(source, which)
        if threshold > 1 or (block.run, bool(block.body)) in settled:
            continue
        marks = [guards[index] for index in block.head]
        if None in marks or (not block.body and (len(marks) < 2 or True not in marks)):
            continue
        probability = model.probability(lines, block)
        if probability >= threshold:
            settled.add((block.run, bool(block.body)))
            for index in block.indices:
                if found[index] is None or found[index] < probability:
                    found[index] = probability
    return found


def blocks_model_from_json(data: dict) -> BlocksModel:
    """A model from its JSON form; raises BlocksModelError when it does not fit this code."""
    if data.get("version") != BLOCKS_VERSION:
        raise BlocksModelError(
            f"boilerplate blocks model version {data.get('version')!r}, need {BLOCKS_VERSION}"
        )
    try:
        thresholds = {
            source: {which: float(value) for which, value in pair.items()}
            for source, pair in data["thresholds"].items()
        }
        if any(set(pair) != set(_WHICH) for pair in thresholds.values()):
            raise BlocksModelError("boilerplate blocks model thresholds need 'head' and 'body'")
        if "text" not in thresholds:
            raise BlocksModelError("boilerplate blocks model has no threshold for 'text'")
        return BlocksModel(
            bias=float(data["bias"]),
            weights={str(term): float(weight) for term, weight in data["weights"].items()},
            thresholds=thresholds,
        )
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        if isinstance(error, BlocksModelError):
            raise
        raise BlocksModelError(f"boilerplate blocks model is malformed: {error!r}") from None


@lru_cache(maxsize=1)
def load_blocks_model(path: str | None = None) -> BlocksModel | None:
    """The shipped block model (or the one at `path`), read once per process; None when
    none is shipped (the training script writes one into the package only when it beats
    the stage without it on every left-out set)."""
    if path is None:
        shipped = resources.files("newsclean") / "data" / BLOCKS_FILE
        if not shipped.is_file():
            return None
        text = shipped.read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return blocks_model_from_json(json.loads(text))
