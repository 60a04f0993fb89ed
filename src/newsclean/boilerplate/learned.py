"""The learned boilerplate classifier: a small model over line features (a one-layer
network or a logistic regression, whichever the training script found better).

The model file (`newsclean/data/boilerplate-model.json`) is written by
`benchmarks/train_boilerplate.py`; it holds the feature names, their scaling, the
weights, a threshold per kind of text and the stop words of each language. It is read
once per process (the workers' forkserver preloads it). A logistic regression is
scored in Python, its scaling folded into its coefficients (`linear_form`); a model of
more layers with numpy, one matrix product per layer for the whole document. See
docs/boilerplate.md.
"""

from __future__ import annotations

import json
import math
import operator
import re
from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from newsclean.boilerplate.blocks import BlocksModel, block_removals, load_blocks_model
from newsclean.boilerplate.catalogue import Rule
from newsclean.boilerplate.features import (
    FEATURE_NAMES,
    LINE_FEATURES,
    feature_matrix,
    feature_values,
    line_features,
    place_features,
)
from newsclean.boilerplate.lines import join_kept, longest_blank_run, plain_once
from newsclean.boilerplate.rules import classify
from newsclean.boilerplate.structure import (
    DETECTORS,
    MARKDOWN_TITLE,
    detect,
    is_prose,
    promos,
    sentence,
    take_found,
)
from newsclean.boilerplate.words import WordsModel, load_words_model
from newsclean.record import Removal

MODEL_FILE = "boilerplate-model.json"
MODEL_VERSION = 1
_AT_PROSE = LINE_FEATURES.index("prose")
# The confidence recorded for a removal by a structural detector.
STRUCTURE_CONFIDENCE = 0.9


class ModelError(ValueError):
    """The model file is missing, of another version, or does not fit the features."""


class Model(NamedTuple):
    """A trained classifier: P(boilerplate) of each line from its scaled features."""

    mean: np.ndarray
    scale: np.ndarray
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]  # (weights, bias); tanh between
    # A line is boilerplate at or above the threshold of its text's kind: "html" (text
    # extracted from a page) or "text" (text and markdown scrapes). Above 1: the
    # classifier removes nothing in texts of that kind (the rules did better there).
    thresholds: dict[str, float]
    long_threshold: float  # kept in the file; a prose paragraph is never removed now
    single_threshold: float  # the least for a line whose neighbours stay
    stop_words: dict[str, frozenset[str]]  # language code -> its commonest words
    default_language: str
    # A one-layer model (a logistic regression) as one coefficient per feature and an
    # intercept, the scaling folded in: scored in Python, without numpy (`linear_form`).
    linear: tuple[tuple[float, ...], float] | None = None

    def probabilities(
        self,
        lines: list[str],
        language: str | None = None,
        known: dict[str, tuple[int, list[float]]] | None = None,
        rules: Mapping[str, Rule | None] | None = None,
        scored: Sequence[bool] | None = None,
    ) -> list[float]:
        """P(boilerplate) of each line (lines should be non-blank), in order; 0 for a
        prose line, which the classifier never removes, and for a line `scored` leaves
        out (by default every other line is scored: all lines are read as context, but
        only a scored one's own features are worked out). `known` holds the line
        features of lines already read (and how far they were read), and grows;
        `rules` the rule each line matches, where the caller has it."""
        if not lines:
            return []
        stop_words = self.stop_words.get(language or "", None)
        if stop_words is None:
            stop_words = self.stop_words[self.default_language]
        if known is None:
            known = {}
        count = len(lines)
        if scored is None:
            scored = [True] * count
        at = [index for index, wanted in enumerate(scored) if wanted]
        # A scored line reads its neighbours' context features, up to two lines away;
        # of the other lines the document reads only their words and prose.
        # 2: all the line's features (a scored line); 1: those its neighbours read; 0: its
        # words and prose. A row read further serves every lesser need.
        needs = [0] * count
        for index in at:
            start, end = max(index - 2, 0), min(index + 3, count)
            needs[start:end] = [1] * (end - start)
        for index in at:
            needs[index] = 2
        rows = []
        get = known.get
        for line, need in zip(lines, needs, strict=True):
            entry = get(line)
            if entry is None or entry[0] < need:
                rule = rules.get(line, True) if rules is not None else True
                if need == 2:
                    row = line_features(line, stop_words, rule)
                elif need == 1:
                    row = line_features(line, stop_words, rule, full=False)
                else:
                    row = place_features(line)
                entry = known[line] = (need, row)
            rows.append(entry[1])
        probabilities = [0.0] * count  # a prose line is never scored
        wanted = [index for index in at if rows[index][_AT_PROSE] == 0.0]
        if not wanted:
            return probabilities
        if self.linear is not None:
            # A document's few lines are scored faster by Python's sum than by numpy's
            # steps, each of which costs more than a line's products.
            coefficients, intercept = self.linear
            flat = feature_values(rows, wanted)
            width = len(coefficients)
            for start, index in zip(range(0, len(flat), width), wanted, strict=True):
                score = sum(map(operator.mul, flat[start : start + width], coefficients), intercept)
                probabilities[index] = 1.0 / (1.0 + math.exp(min(-score, _MOST_EXP)))
            return probabilities
        values = feature_matrix(rows, wanted)
        # The same operations in the same order as (values - mean) / scale, each layer's
        # values @ weights + bias and 1 / (1 + exp(-score)), done in place: the same
        # numbers, without a new array per step.
        np.subtract(values, self.mean, out=values)
        np.divide(values, self.scale, out=values)
        for position, (weights, bias) in enumerate(self.layers):
            values = values @ weights
            values += bias
            if position < len(self.layers) - 1:
                np.tanh(values, out=values)
        scores = values[:, 0]
        np.negative(scores, out=scores)
        np.exp(scores, out=scores)
        scores += 1.0
        np.divide(1.0, scores, out=scores)
        for index, probability in zip(wanted, scores.tolist(), strict=True):
            probabilities[index] = probability
        return probabilities


# Beyond this, math.exp overflows (numpy's gives inf, so P = 0; this gives P < 1e-300).
_MOST_EXP = 700.0


def linear_form(
    mean: np.ndarray, scale: np.ndarray, layers: tuple[tuple[np.ndarray, np.ndarray], ...]
) -> tuple[tuple[float, ...], float] | None:
    """A one-layer model's score, ((values - mean) / scale) @ weights + bias, as
    coefficients and an intercept over the raw values (the same score but for the last
    digits of rounding); None for a model of more layers."""
    if len(layers) != 1 or layers[0][0].shape[1] != 1:
        return None
    weights, bias = layers[0]
    coefficients = weights[:, 0] / scale
    intercept = float(bias[0]) - float(np.dot(coefficients, mean))
    return tuple(coefficients.tolist()), intercept


def model_from_json(data: dict) -> Model:
    """A model from its JSON form; raises ModelError when it does not fit this code."""
    if data.get("version") != MODEL_VERSION:
        raise ModelError(f"boilerplate model version {data.get('version')!r}, need {MODEL_VERSION}")
    if tuple(data.get("features", ())) != FEATURE_NAMES:
        raise ModelError("boilerplate model was trained on other features; retrain it")
    layers = tuple(
        (
            np.asarray(layer["weights"], dtype=np.float64),
            np.asarray(layer["bias"], dtype=np.float64),
        )
        for layer in data["layers"]
    )
    mean = np.asarray(data["mean"], dtype=np.float64)
    scale = np.asarray(data["scale"], dtype=np.float64)
    return Model(
        mean=mean,
        scale=scale,
        layers=layers,
        thresholds={kind: float(value) for kind, value in data["thresholds"].items()},
        long_threshold=float(data["long_threshold"]),
        single_threshold=float(data["single_threshold"]),
        stop_words={lang: frozenset(words) for lang, words in data["stop_words"].items()},
        default_language=data["default_language"],
        linear=linear_form(mean, scale, layers),
    )


@lru_cache(maxsize=1)
def load_model(path: str | None = None) -> Model:
    """The shipped model (or the one at `path`), read once per process."""
    if path is None:
        text = (resources.files("newsclean") / "data" / MODEL_FILE).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return model_from_json(json.loads(text))


_LABEL_VALUE = re.compile(r"^(?:[-*•]\s*)?[^:|]{1,30}:\s*\S")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")


def _is_code(line: str) -> bool:
    """Whether a line reads as code: short and unlike prose, as boilerplate is, but the
    story's. Found by string tests: a prompt, a word before a parenthesis that closes
    later on, or a bracket or semicolon closing the line (a regex search would try a
    word and a parenthesis at every position of a long line)."""
    opening = line.lstrip()
    if opening.startswith((">>>", "$ ")) or (opening[3:4].isspace() and opening.startswith("...")):
        return True
    if line.rstrip().endswith(("{", "}", ";")):
        return True
    close = line.rfind(")")
    start = line.find("(", 1)
    while 0 < start < close:
        before = line[start - 1]
        if before.isalnum() or before == "_":
            return True
        start = line.find("(", start + 1)
    return False


@lru_cache(maxsize=4096)
def _fact(line: str) -> bool:
    """A "label: value" line."""
    return bool(_LABEL_VALUE.match(plain_once(line)))


def _filled_row(line: str) -> bool:
    """A markdown table row with most cells filled: data. Layout tables leave rows of
    empty cells ("| | Page 4 |"), which are debris."""
    stripped = line.strip()
    if not stripped.startswith("|"):
        return False
    cells = [cell.strip() for cell in stripped.strip("|").split("|")]
    return sum(bool(cell) for cell in cells) * 2 > len(cells)


# An ASCII character that is no letter, as a space: an ASCII text's runs of letters are
# the words of its bytes so translated.
_ASCII_NON_LETTER = bytes(byte if chr(byte).isalpha() else 0x20 for byte in range(128)) + (
    b" " * 128
)


def _wordy(line: str) -> bool:
    """Two or more words of letters (in the first 200 characters), and more than one
    token. The words are found up to the second, not all of them; in an ASCII line by a
    translation of its bytes rather than a regex scan."""
    if " " not in line.strip():
        return False
    head = line[:200]
    if head.isascii():
        found = False
        for run in head.encode("ascii").translate(_ASCII_NON_LETTER).split():
            if len(run) > 1:
                if found:
                    return True
                found = True
        return False
    found = _LETTER_WORD.finditer(head)
    return next(found, None) is not None and next(found, None) is not None


@lru_cache(maxsize=4096)
def _may_go(line: str) -> bool | None:
    """What the guards say of a line alone: None for a prose paragraph; else whether it
    may go, as a wordy line that is no code and no full sentence (asked in that order,
    the cheapest first) may, unless its neighbours keep it (`removable`)."""
    if is_prose(line):
        return None
    return _wordy(line) and not _is_code(line) and not sentence(line)


def removable(lines: list[str], taken: Sequence[bool] | None = None) -> list[bool]:
    """Which of a text's non-blank lines the guards let the classifier remove, however
    sure it is. Conservative, since a lost story line is worse than a kept share button:
    nothing in a text without a prose paragraph (a poem, a list, a table); never a
    prose paragraph, a full sentence of six or more words (`lines.is_sentence`), a row
    of a table with most cells filled (beside another row), a line of code, one of two
    neighbouring "label: value" facts, or a line of fewer than two words of letters or
    of one token (a price, a phone number, a link: the rules judge those), nor a
    markdown scrape's one document title ("# Headline": once the header above it goes,
    it opens the text as a site's name would). Only these lines are scored. Lines of
    `taken` (a detector's finds, which go anyway) are not asked, but whether they are
    prose."""
    if taken is None:
        alone = list(map(_may_go, lines))
    else:
        alone = [
            (None if is_prose(line) else False) if went else _may_go(line)
            for line, went in zip(lines, taken, strict=True)
        ]
    if None not in alone:  # no prose paragraph
        return [False] * len(lines)
    allowed = [may is True for may in alone]
    # A line without "#" is no markdown title: only the others are matched.
    titles = [index for index, line in enumerate(lines)
              if "#" in line and MARKDOWN_TITLE.match(line)]  # fmt: skip
    if len(titles) == 1:
        allowed[titles[0]] = False
    last = len(lines) - 1
    for index in [index for index, may in enumerate(allowed) if may]:
        before = lines[index - 1] if index > 0 else None
        after = lines[index + 1] if index < last else None
        if _fact(lines[index]) and (
            (before is not None and _fact(before)) or (after is not None and _fact(after))
        ):
            allowed[index] = False
        elif _filled_row(lines[index]) and (
            (before is not None and _filled_row(before))
            or (after is not None and _filled_row(after))
        ):
            allowed[index] = False
    return allowed


def learned_removals(
    lines: list[str],
    probabilities: list[float],
    *,
    threshold: float,
    model: Model,
    allowed: list[bool] | None = None,
    going_anyway: Sequence[bool] | None = None,
) -> list[bool]:
    """Which of a text's non-blank lines the classifier removes, given P(boilerplate):
    lines `removable` allows (`allowed`, if the caller has it) at or above `threshold`,
    and a line whose neighbours stay only at the model's single threshold. A line of
    `going_anyway` (a structural detector's find, not scored) counts as a neighbour
    that goes."""
    if threshold > 1:
        return [False] * len(lines)
    if allowed is None:
        allowed = removable(lines)
    candidate = [
        may and probability >= threshold
        for may, probability in zip(allowed, probabilities, strict=True)
    ]
    if going_anyway is not None:
        beside_candidate = [went or found for went, found in zip(going_anyway, candidate,
                                                                  strict=True)]  # fmt: skip
    else:
        beside_candidate = candidate
    going = [False] * len(lines)
    last = len(lines) - 1
    for index, probability in enumerate(probabilities):
        if candidate[index]:
            beside = (index > 0 and beside_candidate[index - 1]) or (
                index < last and beside_candidate[index + 1]
            )
            going[index] = beside or probability >= model.single_threshold
    return going


def _sentence_guarded(line: str) -> bool:
    """A line the shape classifier's guards keep only for what it reads as: a prose
    paragraph, or a line holding a full sentence (wordy, no code)."""
    return is_prose(line) or (_wordy(line) and not _is_code(line) and sentence(line))


def word_removals(
    lines: list[str],
    allowed: list[bool],
    taken: list[bool],
    *,
    words: WordsModel,
    source: str,
) -> list[float | None]:
    """The vocabulary model's removals among a text's non-blank lines: its probability
    for each line it takes, None for the others. It takes a line the shape guards let go
    (`allowed`) at its "line" threshold; and a prose paragraph or full sentence at its
    (higher) "sentence" threshold, only outside the story: before the first or after
    the last prose paragraph it leaves (a paragraph under that threshold that no other
    layer takes, `taken`), never between two such paragraphs, nor one that follows on
    from them with no other line between. At the "line" threshold it leaves the line
    right before the story's first paragraph, and a line inside the story with no
    neighbour that goes. Nothing in a text without a prose paragraph it leaves."""
    line_threshold = words.threshold(source, "line")
    sentence_threshold = words.threshold(source, "sentence")
    found: list[float | None] = [None] * len(lines)
    if not words.active(source):
        return found
    # A line is scored only when its score is read: the story's first and last prose
    # paragraphs, and the lines that could go (a long story paragraph in between is
    # never read, and reading a line's terms is the model's cost).
    probabilities: list[float | None] = [None] * len(lines)

    def probability(index: int) -> float:
        score = probabilities[index]
        if score is None:
            score = probabilities[index] = words.probability(lines[index])
        return score

    def story(index: int) -> bool:
        return (not taken[index] and is_prose(lines[index])
                and probability(index) < sentence_threshold)  # fmt: skip

    first = next((index for index in range(len(lines)) if story(index)), None)
    if first is None:
        return found
    last = next(index for index in range(len(lines) - 1, first - 1, -1) if story(index))
    alone: list[int] = []  # lines inside the story taken by the "line" threshold
    by_sentence: set[int] = set()  # prose and full sentences taken outside the story
    for index, line in enumerate(lines):
        if taken[index]:
            continue
        if allowed[index]:
            # The line right before the story's first paragraph is its headline or
            # standfirst as often as not: the model reads it as a related headline.
            if line_threshold <= 1 and index != first - 1 and probability(index) >= line_threshold:
                found[index] = probability(index)
                if first < index < last:
                    alone.append(index)
        elif (
            (index < first or index > last)
            and sentence_threshold <= 1
            and _sentence_guarded(line)
            and not _filled_row(line)
            and probability(index) >= sentence_threshold
        ):
            found[index] = probability(index)
            by_sentence.add(index)
    # A paragraph that follows on from the story's run of prose, with no other line
    # between (a heading, a widget's line, a line another layer takes), is read as the
    # story's own first or last paragraph: it stays.
    for edge in (range(first - 1, -1, -1), range(last + 1, len(lines))):
        for index in edge:
            if taken[index] or not _sentence_guarded(lines[index]):
                break
            if index in by_sentence:
                found[index] = None
    # Inside the story a line goes only with a neighbour that goes too: a subheading
    # or a list item stands alone between paragraphs, an inserted block does not.
    going = [taken[index] or found[index] is not None for index in range(len(lines))]
    for index in alone:
        if not (going[index - 1] or going[index + 1]):
            found[index] = None
    return found


def block_guards(lines: list[str], allowed: list[bool]) -> list[bool | None]:
    """What the guards say of each of a text's non-blank lines for the block model
    (`blocks.block_removals`), given what they let the classifier take (`allowed`,
    `removable`): None for a line no block may take (a line of code, one of two
    neighbouring "label: value" facts or filled table rows); True for one that can make
    a block (a line the classifier may take, a full sentence, a prose paragraph); False
    for a line of fewer than two words of letters, which goes only inside a block."""
    marks: list[bool | None] = []
    for line, may in zip(lines, allowed, strict=True):
        if may or is_prose(line):
            marks.append(True)
        elif not _wordy(line):
            marks.append(False)
        else:
            # Code, a full sentence (a story's short line as often as a widget's), or a
            # fact or table row beside another.
            marks.append(None)
    return marks


def strip_shapes(text: str) -> tuple[str, list[Removal]]:
    """Remove the promos `structure.promos` finds in the text as it comes, before the
    rules: a promo's call to action ("Get your tickets") is part of the shape the
    detector sees, and a rule would take it first. Lines a rule names are left to the
    rules, with their named kind."""
    lines = text.split("\n")
    indices = [index for index, line in enumerate(lines) if line.strip()]
    kinds = promos([lines[index] for index in indices])
    going = {
        index
        for index, kind in zip(indices, kinds, strict=True)
        if kind is not None and classify(lines[index]) is None
    }
    if not going:
        return text, []
    return take_found(lines, indices, kinds, going, STRUCTURE_CONFIDENCE)


@lru_cache(maxsize=4096)
def _short(line: str) -> bool:
    """A line of at most three words, not a sentence or code: a counter, a handle, a
    widget's heading."""
    if is_prose(line) or sentence(line) or _is_code(line):
        return False
    return not _wordy(line) or len(line.split(None, 3)) <= 3


def with_enclosed_short_lines(
    lines: list[str], found: list[Removal | None]
) -> list[Removal | None]:
    """`found` (a removal or None per line) with each run of short lines (`_short`)
    that removed lines enclose added: a run with a removed line on one side and a
    removed line or the text's edge on the other goes with its neighbours ("Live Poll"
    between two widget lines), taking the kind and the lower confidence of the removed
    lines beside it. A short line beside a kept line stays (a subheading in a story)."""
    result = list(found)
    position = 0
    while position < len(lines):
        # A run that starts after a kept line, not at the text's edge, is not enclosed;
        # and a line inside a run follows a kept line: neither is read.
        if (
            found[position] is not None
            or (position > 0 and found[position - 1] is None)
            or not _short(lines[position])
        ):
            position += 1
            continue
        end = position
        while end < len(lines) and found[end] is None and _short(lines[end]):
            end += 1
        before = found[position - 1] if position > 0 else None
        after = found[end] if end < len(lines) else None
        edge_before, edge_after = position == 0, end == len(lines)
        if (before or edge_before) and (after or edge_after) and (before or after):
            sides = [removal for removal in (before, after) if removal is not None]
            kind = sides[0].kind
            confidence = min(removal.confidence for removal in sides)
            for index in range(position, end):
                result[index] = Removal(kind, lines[index], confidence)
        position = end
    return result


# Detectors that run on text extracted from a page only, and on text and markdown
# scrapes only (`strip_learned`).
PAGE_ONLY_DETECTORS = frozenset({"comment_threads"})
SCRAPE_ONLY_DETECTORS = frozenset(
    {"head_before_title", "headline_runs", "tail_after_story", "comment_lines", "bio_lines"}
)


def strip_learned(
    text: str,
    *,
    language: str | None = None,
    source: str = "text",
    model: Model | None = None,
    rules: Mapping[str, Rule | None] | None = None,
    known: dict[str, tuple[int, list[float]]] | None = None,
    detectors: Collection[str] = tuple(DETECTORS),
    classifier: bool = True,
    words: WordsModel | None = None,
    blocks: BlocksModel | None = None,
) -> tuple[str, list[Removal]]:
    """Remove the lines the structural detectors, the classifier, the vocabulary
    model (`word_removals`, kind "learned" too) or the block model
    (`blocks.block_removals`, kind "learned", with its block's probability) find, until
    none is left to remove, with the short lines they enclose (`with_enclosed_short_lines`);
    return the kept text and what went, in order of removal.

    A detector's find goes as its kind (confidence STRUCTURE_CONFIDENCE, or the model's
    probability when higher). Other lines go as kind "learned", with the model's
    probability as confidence, where `learned_removals` says so at the model's threshold
    for `source` ("html": text extracted from a page; "text": a text or markdown
    scrape). `rules` maps lines to the rule they match, where the rule stage has read
    them; `known` holds the line features of lines already read, and grows. Only the
    detectors named in `detectors` run (`structure.DETECTORS`), and the classifier and
    the vocabulary and block models (`words`, `blocks`: by default the shipped ones, if
    any) only with `classifier`.
    """
    if model is None and classifier:  # without the classifier no model is read
        model = load_model()
    if words is None:
        words = load_words_model()  # None: no vocabulary model is shipped
    if blocks is None:
        blocks = load_blocks_model()  # None: no block model is shipped
    if source != "html":
        # In a text scrape only the lines' order tells where a thread of comments
        # begins and ends, and a wrong guess takes story paragraphs with it.
        detectors = tuple(name for name in detectors if name not in PAGE_ONLY_DETECTORS)
    else:
        # A page's extracted text starts at its story, not at the page's top: a heading
        # in it is the story's own, and a run of short titles after it more often a
        # list the gold keeps than in a scrape.
        detectors = tuple(name for name in detectors if name not in SCRAPE_ONLY_DETECTORS)
    threshold = model.thresholds.get(source, model.thresholds["text"]) if classifier else 2.0
    # The vocabulary model has its own thresholds, and is off with the classifier.
    by_vocabulary = classifier and words is not None and words.active(source)
    by_blocks = classifier and blocks is not None and blocks.active(source)
    lines = text.split("\n")
    longest_gap = longest_blank_run(lines)
    removed: list[Removal] = []
    if known is None:
        known = {}
    while True:
        indices = [index for index, line in enumerate(lines) if line.strip()]
        present = [lines[index] for index in indices]
        kinds = detect(present, detectors)
        # The classifier is off for this kind of text, or no line may go: nothing to score.
        scored = threshold <= 1 or by_vocabulary or by_blocks
        # A line a detector takes goes whatever the classifier says: it is not scored
        # (the vocabulary and block models read the guards of every line).
        detected = [kind is not None for kind in kinds]
        if by_vocabulary or by_blocks:
            guards = removable(present)
            allowed = [may and not went for may, went in zip(guards, detected, strict=True)]
        elif scored:
            guards = allowed = removable(present, detected)
        else:
            guards = allowed = [False] * len(present)
        if threshold > 1:
            allowed = [False] * len(present)
        if any(allowed):
            probabilities = model.probabilities(present, language, known, rules, allowed)
        else:
            probabilities = [0.0] * len(present)
        learned = learned_removals(
            present, probabilities, threshold=threshold, model=model, allowed=allowed,
            going_anyway=detected,
        )  # fmt: skip
        by_words: list[float | None] = [None] * len(present)
        if by_vocabulary or by_blocks:
            taken = [kind is not None or went for kind, went in zip(kinds, learned, strict=True)]
            if by_vocabulary:
                by_words = word_removals(present, guards, taken, words=words, source=source)
            if by_blocks:
                # The block model reads what the other layers leave, and adds to it.
                taken = [went or by_words[index] is not None for index, went in enumerate(taken)]
                by_block = block_removals(present, taken, block_guards(present, guards),
                                          model=blocks, source=source)  # fmt: skip
                by_words = [by_word if by_word is not None else by_block[index]
                            for index, by_word in enumerate(by_words)]  # fmt: skip
        if (
            kinds.count(None) == len(kinds)
            and True not in learned
            and by_words.count(None) == len(by_words)
        ):
            break  # nothing found, nothing enclosed
        found: list[Removal | None] = []
        for line, kind, probability, by_model, word_probability in zip(
            present, kinds, probabilities, learned, by_words, strict=True
        ):
            if kind is not None:
                confidence = round(max(STRUCTURE_CONFIDENCE, probability), 3)
                found.append(Removal(kind, line, confidence))
            elif by_model:
                found.append(Removal("learned", line, round(probability, 3)))
            elif word_probability is not None:
                found.append(Removal("learned", line, round(word_probability, 3)))
            else:
                found.append(None)
        found = with_enclosed_short_lines(present, found)
        going: set[int] = set()
        for position, removal in enumerate(found):
            if removal is not None:
                removed.append(removal)
                going.add(indices[position])
        if not going:
            break
        lines = [line for index, line in enumerate(lines) if index not in going]
    if not removed:
        return text, []
    return join_kept(lines, longest_gap=longest_gap), removed
