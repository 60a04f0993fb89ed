"""The vocabulary model of the learned boilerplate stage: what a line says, not only its
shape.

The shape classifier (`learned.py`) never takes a full sentence, and its features hold
no words, so "Your email address will not be published." or "Sign up for our
newsletter to get the day's news." stay. This model reads a line's lower-cased words,
word pairs and a few shape marks (`line_terms`) and gives P(boilerplate) as a logistic
regression: a weight per term, summed. The weights are learned from the labeled sets by
`benchmarks/train_boilerplate_words.py`, which writes them to
`newsclean/data/boilerplate-words.json` only where the model beats the stage without
it on every labeled set; none does yet, so none is shipped and the layer is off unless
a model is given. It is applied with a dictionary lookup per term, and a line's score
is remembered: a site's template lines recur. See docs/boilerplate.md ("Sixth round").
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from newsclean.boilerplate.lines import ends_with_mark, plain_once
from newsclean.boilerplate.structure import is_prose, sentence

WORDS_FILE = "boilerplate-words.json"
WORDS_VERSION = 1
# The words of a line read: enough for any widget, promo or bio; a long paragraph's
# first words say what it is as well as its rest.
MAX_WORDS = 40
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•·]|\d{1,3}[.)])\s")


class WordsModelError(ValueError):
    """The vocabulary model file is missing, of another version, or malformed."""


def _length_mark(count: int) -> str:
    """A word count in buckets: 1, 2, 3, 4-5, 6-8, 9-14, 15-24, 25+."""
    for limit, mark in ((1, "1"), (2, "2"), (3, "3"), (5, "4-5"), (8, "6-8"), (14, "9-14"),
                        (24, "15-24")):  # fmt: skip
        if count <= limit:
            return mark
    return "25+"


def line_terms(line: str) -> list[str]:
    """The terms the vocabulary model reads of a line: its first MAX_WORDS words,
    lower-cased (letters, or a run of digits read as "0"), each word and each pair of
    neighbouring words, and marks of its shape (word count in buckets, prose, full
    sentence, how it ends, a list item, a markdown link, a URL). Distinct, in order."""
    text = plain_once(line)
    words = ["0" if token[0].isdigit() else token for token in _TOKEN.findall(text.lower())]
    count = len(words)
    words = words[:MAX_WORDS]
    terms = [f"#words:{_length_mark(count)}"]
    if is_prose(line):
        terms.append("#prose")
    elif sentence(line):
        terms.append("#sentence")
    if ends_with_mark(text):
        terms.append("#end:mark")
    elif text.endswith(":"):
        terms.append("#end:colon")
    elif text.endswith(("...", "…")):
        terms.append("#end:ellipsis")
    if _LIST_ITEM.match(line):
        terms.append("#list")
    if "](" in line:
        terms.append("#link")
    if "http" in text or "www." in text or "@" in text:
        terms.append("#url")
    terms.extend(words)
    terms.extend(f"{first} {second}" for first, second in zip(words, words[1:], strict=False))
    return list(dict.fromkeys(terms))


@dataclass(frozen=True, eq=False)  # hashed by identity: a line's score is remembered per model
class WordsModel:
    """A logistic regression over `line_terms`, with the thresholds it is used at."""

    bias: float
    weights: dict[str, float]
    # Per kind of text ("html", "text"): the least probability at which the model takes
    # a line the shape classifier may take ("line"), and a full sentence or prose
    # paragraph outside the story's run of prose ("sentence"). Above 1: never.
    thresholds: dict[str, dict[str, float]]

    def probability(self, line: str) -> float:
        """P(boilerplate) of one line."""
        return _probability(self, line)

    def threshold(self, source: str, which: str) -> float:
        """The threshold of `which` ("line" or "sentence") for a kind of text."""
        return self.thresholds.get(source, self.thresholds["text"])[which]

    def active(self, source: str) -> bool:
        """Whether the model takes any line in a kind of text (a threshold of 1 or less)."""
        return min(self.threshold(source, "line"), self.threshold(source, "sentence")) <= 1


@lru_cache(maxsize=8192)
def _probability(model: WordsModel, line: str) -> float:
    get = model.weights.get
    score = model.bias + sum(get(term, 0.0) for term in line_terms(line))
    if score < -30:  # exp would overflow; the probability is 0 to a float's precision
        return 0.0
    return 1.0 / (1.0 + math.exp(-score))


def words_model_from_json(data: dict) -> WordsModel:
    """A model from its JSON form; raises WordsModelError when it does not fit this code."""
    if data.get("version") != WORDS_VERSION:
        raise WordsModelError(
            f"boilerplate words model version {data.get('version')!r}, need {WORDS_VERSION}"
        )
    try:
        thresholds = {
            source: {which: float(value) for which, value in pair.items()}
            for source, pair in data["thresholds"].items()
        }
        if any(set(pair) != {"line", "sentence"} for pair in thresholds.values()):
            raise WordsModelError("boilerplate words model thresholds need 'line' and 'sentence'")
        if "text" not in thresholds:
            raise WordsModelError("boilerplate words model has no threshold for 'text'")
        return WordsModel(
            bias=float(data["bias"]),
            weights={str(term): float(weight) for term, weight in data["weights"].items()},
            thresholds=thresholds,
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise WordsModelError(f"boilerplate words model is malformed: {error!r}") from None


@lru_cache(maxsize=1)
def load_words_model(path: str | None = None) -> WordsModel | None:
    """The shipped vocabulary model (or the one at `path`), read once per process; None
    when none is shipped: the training script writes one into the package only when it
    beats the stage without it on every set (docs/boilerplate.md, "Sixth round")."""
    if path is None:
        shipped = resources.files("newsclean") / "data" / WORDS_FILE
        if not shipped.is_file():
            return None
        text = shipped.read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return words_model_from_json(json.loads(text))
