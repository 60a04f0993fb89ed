"""The learned boilerplate classifier: a small neural network over line features.

The model file (`newsclean/data/boilerplate-model.json`) is written by
`benchmarks/train_boilerplate.py`; it holds the feature names, their scaling, the
network's weights, the decision threshold and the stop words of each language. It is
read once per process (the workers' forkserver preloads it) and applied with numpy,
one matrix product per layer for the whole document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from newsclean.boilerplate.features import FEATURE_NAMES, document_features, line_features
from newsclean.boilerplate.lines import (
    PROSE_WORDS,
    bounded_word_count,
    join_kept,
    longest_blank_run,
)
from newsclean.boilerplate.rules import Rule
from newsclean.boilerplate.structure import detect
from newsclean.record import Removal

MODEL_FILE = "boilerplate-model.json"
MODEL_VERSION = 1
# The confidence recorded for a removal by a structural detector.
STRUCTURE_CONFIDENCE = 0.9


class ModelError(ValueError):
    """The model file is missing, of another version, or does not fit the features."""


class Model(NamedTuple):
    """A trained classifier: P(boilerplate) of each line from its scaled features."""

    mean: np.ndarray
    scale: np.ndarray
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]  # (weights, bias); tanh between
    threshold: float  # a line is boilerplate at or above this probability
    long_threshold: float  # the same for a prose paragraph of PROSE_WORDS words or more
    stop_words: dict[str, frozenset[str]]  # language code -> its commonest words
    default_language: str

    def probabilities(
        self,
        lines: list[str],
        language: str | None = None,
        known: dict[str, list[float]] | None = None,
        rules: Mapping[str, Rule | None] | None = None,
    ) -> list[float]:
        """P(boilerplate) of each line (lines should be non-blank), in order. `known`
        holds the line features of lines already read, and grows; `rules` the rule
        each line matches, where the caller has it."""
        if not lines:
            return []
        stop_words = self.stop_words.get(language or "", None)
        if stop_words is None:
            stop_words = self.stop_words[self.default_language]
        if known is None:
            known = {}
        rows = []
        for line in lines:
            row = known.get(line)
            if row is None:
                rule = rules.get(line, True) if rules is not None else True
                row = known[line] = line_features(line, stop_words, rule)
            rows.append(row)
        rows = document_features(rows)
        values = (np.asarray(rows, dtype=np.float64) - self.mean) / self.scale
        for position, (weights, bias) in enumerate(self.layers):
            values = values @ weights + bias
            if position < len(self.layers) - 1:
                np.tanh(values, out=values)
        return (1.0 / (1.0 + np.exp(-values[:, 0]))).tolist()


def model_from_json(data: dict) -> Model:
    """A model from its JSON form; raises ModelError when it does not fit this code."""
    if data.get("version") != MODEL_VERSION:
        raise ModelError(f"boilerplate model version {data.get('version')!r}, need {MODEL_VERSION}")
    if tuple(data.get("features", ())) != FEATURE_NAMES:
        raise ModelError("boilerplate model was trained on other features; retrain it")
    layers = tuple(
        (np.asarray(layer["weights"], dtype=np.float64), np.asarray(layer["bias"], dtype=np.float64))
        for layer in data["layers"]
    )
    return Model(
        mean=np.asarray(data["mean"], dtype=np.float64),
        scale=np.asarray(data["scale"], dtype=np.float64),
        layers=layers,
        threshold=float(data["threshold"]),
        long_threshold=float(data["long_threshold"]),
        stop_words={lang: frozenset(words) for lang, words in data["stop_words"].items()},
        default_language=data["default_language"],
    )


@lru_cache(maxsize=1)
def load_model(path: str | None = None) -> Model:
    """The shipped model (or the one at `path`), read once per process."""
    if path is None:
        text = (resources.files("newsclean") / "data" / MODEL_FILE).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return model_from_json(json.loads(text))


def strip_learned(
    text: str,
    *,
    language: str | None = None,
    model: Model | None = None,
    rules: Mapping[str, Rule | None] | None = None,
) -> tuple[str, list[Removal]]:
    """Remove the lines the structural detectors or the classifier find, until none is
    left to remove; return the kept text and what went, in order of removal.

    A detector's find goes as its kind (confidence STRUCTURE_CONFIDENCE, or the model's
    probability when higher); any other line the model puts at or above its threshold
    goes as kind "learned" with that probability as confidence. A prose paragraph of
    PROSE_WORDS words or more goes only above the model's long threshold. `rules` maps
    lines to the rule they match, where the rule stage has read them.
    """
    if model is None:
        model = load_model()
    lines = text.split("\n")
    longest_gap = longest_blank_run(lines)
    removed: list[Removal] = []
    known: dict[str, list[float]] = {}
    while True:
        indices = [index for index, line in enumerate(lines) if line.strip()]
        present = [lines[index] for index in indices]
        kinds = detect(present)
        probabilities = model.probabilities(present, language, known, rules)
        going: set[int] = set()
        for position, (line, kind, probability) in enumerate(
            zip(present, kinds, probabilities, strict=True)
        ):
            long = bounded_word_count(line, PROSE_WORDS) >= PROSE_WORDS
            limit = model.long_threshold if long else model.threshold
            if kind is not None:
                removed.append(Removal(kind, line, round(max(STRUCTURE_CONFIDENCE, probability), 3)))
            elif probability >= limit:
                removed.append(Removal("learned", line, round(probability, 3)))
            else:
                continue
            going.add(indices[position])
        if not going:
            break
        lines = [line for index, line in enumerate(lines) if index not in going]
    if not removed:
        return text, []
    return join_kept(lines, longest_gap=longest_gap), removed
