"""Line features read by the learned boilerplate classifier.

Each line of a text (one paragraph per line) becomes a row of numbers: its own shape
(`line_features`), then, per document, where it stands and what its neighbours look
like (`document_features`), as boilerpipe and jusText read a line with its context.
Every feature is a plain function of the text, so a model trained on one corpus can be
applied to any other. `FEATURE_NAMES` names the columns in order.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Collection, Sequence

import numpy as np

from newsclean.boilerplate.catalogue import DATE, TIME, Rule
from newsclean.boilerplate.lines import PROSE_WORDS, is_prose, plain_once, word_count
from newsclean.boilerplate.rules import classify

_WORD = re.compile(r"\w+")
_DATE = re.compile(DATE)
_TIME = re.compile(rf"\b{TIME}\b")
_RELATIVE_TIME = re.compile(
    r"\b\d+ (?:sec|second|min|minute|hour|hr|day|week|month|year)s? ago\b"
    r"|\bvor \d+ (?:minuten|stunden|tagen|wochen)\b|\bil y a \d+ (?:minutes|heures|jours)\b"
)
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]」]*$")
_SEPARATORS = re.compile(r"\s[|•·»›/]\s|\s[|•·]|[|•·]\s")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|co\.uk|de|fr)\b|@\w")
_DIGIT = re.compile(r"\d")
_ASCII_UPPER = string.ascii_uppercase.encode()
_ASCII_LETTERS = string.ascii_letters.encode()
_ASCII_DIGITS = string.digits.encode()
# What every match of DATE holds: a year, or a numeric date. Searched first, as it is
# many times cheaper than DATE.
DATE_HINT = re.compile(r"\d{4}|\d[./-]\d{1,2}[./-]\d")
# A word that starts with a capital letter (Latin, Greek or Cyrillic).
_CAPITALISED = re.compile(r"\b[A-ZÀ-ÖØ-ÞΑ-ΩА-Я]")
_MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
# Verbs that open a call to action, in the commonest languages of the corpus. A line
# that starts with one asks the reader to do something rather than telling the story.
CALL_TO_ACTION = frozenset(
    "subscribe sign register join follow share download listen watch read click tap get buy"
    " book save learn discover explore print email refer post log login comment like tweet"
    " visit see view shop order try start donate support contact send reply vote rate"
    " abonnieren anmelden registrieren folgen teilen lesen hören jetzt klicken mehr drucken"
    " kommentieren entdecken abonnez inscrivez suivez partagez lire écoutez découvrez cliquez"
    " imprimer commenter suscríbete regístrate síguenos comparte lee escucha descarga".split()
)

LINE_FEATURES = (
    "log_chars", "log_words", "stop_share", "capitalised_share", "upper_share",
    "punctuation_share", "digit_share", "has_date", "has_time", "relative_time",
    "sentence_end", "ends_colon", "separators", "url_or_handle", "markdown_link_share",
    "call_to_action", "prose", "rule_anywhere", "rule_edge", "mean_word_length",
    "question",
)  # fmt: skip
# What a line's neighbours read of it, and all a prose line gets.
CONTEXT_FEATURES = ("log_words", "stop_share", "sentence_end", "prose", "rule_anywhere",
                    "rule_edge")  # fmt: skip
_CONTEXT = CONTEXT_FEATURES
_AT_SENTENCE_END = LINE_FEATURES.index("sentence_end")
_AT_PROSE = LINE_FEATURES.index("prose")
_AT_ANYWHERE = LINE_FEATURES.index("rule_anywhere")
_AT_EDGE = LINE_FEATURES.index("rule_edge")
_AT_WORDS = LINE_FEATURES.index("log_words")
_AT_CONTEXT = [LINE_FEATURES.index(name) for name in CONTEXT_FEATURES]
_OFFSETS = (-2, -1, 1, 2)
DOCUMENT_FEATURES = (
    "relative_position", "log_from_head", "log_from_tail", "short_run", "word_share",
    "after_last_prose", "before_first_prose", "document_lines",
    *(f"{name}@{offset:+d}" for offset in _OFFSETS for name in _CONTEXT),
    *(f"present@{offset:+d}" for offset in _OFFSETS),
)  # fmt: skip
FEATURE_NAMES = LINE_FEATURES + DOCUMENT_FEATURES
_PLACE_COLUMNS = 8  # the document features before the neighbours'


# Character shares are read on the first this many characters of a line, and dates and
# times only in lines of at most DATED_WORDS words: a long paragraph's shape is plain by
# then, and a date inside it says nothing of boilerplate.
SAMPLE_CHARS = 240
DATED_WORDS = 40


def line_features(
    line: str, stop_words: Collection[str], rule: Rule | None | bool = True, *, full: bool = True
) -> list[float]:
    """The features of one line alone, in the order of LINE_FEATURES.

    `stop_words` are the commonest words of the text's language (lower-cased); `rule`
    is `classify(line)` when the caller has it (True: work it out here). A prose line,
    and without `full` any line, gets only what its neighbours and the document read of
    it (CONTEXT_FEATURES and `log_chars`), the rest 0: the classifier scores neither.
    """
    text = plain_once(line)
    sample = text[:SAMPLE_CHARS]
    lowered = sample.lower()
    tokens = _WORD.findall(lowered)
    word_total = len(tokens) or 1
    words = word_count(text)
    if rule is True:
        rule = classify(line)
    prose = is_prose(text, min(words, PROSE_WORDS + 1))
    if prose or not full:
        row = [0.0] * len(LINE_FEATURES)
        row[0] = math.log1p(len(text))
        row[1] = math.log1p(words)
        row[2] = sum(map(stop_words.__contains__, tokens)) / word_total
        row[_AT_SENTENCE_END] = float(bool(_SENTENCE_END.search(text)))
        row[_AT_PROSE] = float(prose)
        row[_AT_ANYWHERE] = float(rule is not None and rule.where == "anywhere")
        row[_AT_EDGE] = float(rule is not None and rule.where == "edge")
        return row
    chars = len(sample) or 1
    if sample.isascii():  # counted in bytes, in C: most lines are ASCII
        data = sample.encode("ascii")
        uppers = len(data) - len(data.translate(None, _ASCII_UPPER))
        letters = len(data) - len(data.translate(None, _ASCII_LETTERS))
        digits = len(data) - len(data.translate(None, _ASCII_DIGITS))
        alphanumeric = letters + digits
        letters = letters or 1
    else:
        uppers = sum(map(str.isupper, sample))
        letters = sum(map(str.isalpha, sample)) or 1
        digits = sum(map(str.isdigit, sample))
        alphanumeric = sum(map(str.isalnum, sample))
    dated = timed = relative = False
    if words <= DATED_WORDS and _DIGIT.search(text):  # every date and time holds a digit
        folded = text.casefold()  # fold(line), from the plain form at hand
        dated = bool(DATE_HINT.search(folded) and _DATE.search(folded))
        timed = bool(_TIME.search(folded))
        relative = bool(_RELATIVE_TIME.search(folded))
    return [
        math.log1p(len(text)),
        math.log1p(words),
        sum(map(stop_words.__contains__, tokens)) / word_total,
        min(len(_CAPITALISED.findall(sample)) / word_total, 1.0) if uppers else 0.0,
        uppers / letters,
        max(chars - alphanumeric - sample.count(" "), 0) / chars,
        digits / chars,
        float(dated),
        float(timed),
        float(relative),
        float(bool(_SENTENCE_END.search(text))),
        float(text.endswith(":")),
        min(len(_SEPARATORS.findall(sample)), 5) / 5,
        float(bool(_URL.search(lowered))),
        sum(map(len, _MARKDOWN_LINK.findall(line))) / len(line) if "](" in line else 0.0,
        float(bool(tokens) and tokens[0] in CALL_TO_ACTION),
        0.0,  # prose: see above
        float(rule is not None and rule.where == "anywhere"),
        float(rule is not None and rule.where == "edge"),
        min(sum(map(len, tokens)) / word_total, 15) / 15,
        float(text.endswith("?")),
    ]


def place_features(line: str) -> list[float]:
    """What the document reads of a line that is neither scored nor a scored line's
    neighbour: its words and whether it is prose (`log_words`, `prose`), the rest 0."""
    text = plain_once(line)
    words = word_count(text)
    row = [0.0] * len(LINE_FEATURES)
    row[_AT_WORDS] = math.log1p(words)
    row[_AT_PROSE] = float(is_prose(text, min(words, PROSE_WORDS + 1)))
    return row


def document_features(rows: Sequence[list[float]]) -> np.ndarray:
    """Each line's features followed by its place in the document and its neighbours'
    features, in the order of FEATURE_NAMES: one row per line. `rows` are the
    `line_features` of the document's non-blank lines, in order."""
    count = len(rows)
    width = len(LINE_FEATURES)
    matrix = np.zeros((count, len(FEATURE_NAMES)), dtype=np.float64)
    lines = matrix[:, :width]
    lines[:] = rows if count else np.zeros((0, width))
    prose = lines[:, _AT_PROSE] > 0
    story = np.flatnonzero(prose)
    first_prose = story[0] if len(story) else count
    last_prose = story[-1] if len(story) else -1
    word_counts = np.expm1(lines[:, _AT_WORDS])
    index = np.arange(count, dtype=np.float64)
    place = matrix[:, width : width + _PLACE_COLUMNS]
    place[:, 0] = index / max(count - 1, 1)
    place[:, 1] = np.log1p(index)
    place[:, 2] = np.log1p(count - 1 - index)
    place[:, 3] = np.log1p(_short_runs(prose.tolist()))
    place[:, 4] = word_counts / (word_counts.sum() or 1.0)
    place[:, 5] = index > last_prose
    place[:, 6] = index < first_prose
    place[:, 7] = math.log1p(count)
    context = lines[:, _AT_CONTEXT]
    at = width + _PLACE_COLUMNS
    step = len(_CONTEXT)
    present_at = at + step * len(_OFFSETS)
    for number, offset in enumerate(_OFFSETS):
        shifted = matrix[:, at + number * step : at + (number + 1) * step]
        if offset < 0:
            shifted[-offset:] = context[:offset]
            matrix[-offset:, present_at + number] = 1.0
        else:
            shifted[: count - offset] = context[offset:]
            matrix[: count - offset, present_at + number] = 1.0
    return matrix


def _short_runs(prose: list[bool]) -> list[int]:
    """For each line, the length of the run of consecutive non-prose lines holding it
    (0 for a prose line)."""
    runs = [0] * len(prose)
    start = 0
    while start < len(prose):
        if prose[start]:
            start += 1
            continue
        end = start
        while end < len(prose) and not prose[end]:
            end += 1
        for index in range(start, end):
            runs[index] = end - start
        start = end
    return runs
