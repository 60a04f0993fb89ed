"""Line features read by the learned boilerplate classifier.

Each line of a text (one paragraph per line) becomes a row of numbers: its own shape
(`line_features`), then, per document, where it stands and what its neighbours look
like (`document_features`), as boilerpipe and jusText read a line with its context.
Every feature is a plain function of the text, so a model trained on one corpus can be
applied to any other. `FEATURE_NAMES` names the columns in order.
"""

from __future__ import annotations

import math
import operator
import re
import string
from collections.abc import Collection, Sequence
from functools import lru_cache

import numpy as np

from newsclean.boilerplate.catalogue import MONTHS, Rule
from newsclean.boilerplate.lines import (
    PROSE_WORDS,
    ends_with_mark,
    is_prose,
    plain_once,
    plain_word_count,
)
from newsclean.boilerplate.rules import classify

_WORD = re.compile(r"\w+")
# An ASCII character that is no word character (\w), as a space: an ASCII text's \w+
# words are the words of its bytes so translated (bytes over 127 never occur).
_ASCII_NON_WORD = bytes(
    byte if chr(byte).isalnum() or byte == 0x5F else 0x20 for byte in range(256)
)


def word_tokens(text: str) -> list[str]:
    """`_WORD.findall(text)`: an ASCII text's words by a translation of its bytes and a
    split (a regex scan of a paragraph's sample costs about twice as much)."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_NON_WORD).decode("ascii").split()
    return _WORD.findall(text)


# DATE's forms that name a month, without the weekday they may open with (a text holds
# a match of DATE's form exactly when it holds one of these). Each ends with a space and
# a year, at most BEFORE_YEAR characters after the match's start.
MONTH_DATE_FORMS = (
    rf"(?:{MONTHS}) (?:\d{{1,2}}(?:st|nd|rd|th)?,? )?\d{{4}}",
    rf"\d{{1,2}}(?:st|nd|rd|th|\.|er)? (?:de )?(?:{MONTHS}),? (?:de )?\d{{4}}",
)
BEFORE_YEAR = 26
_MONTH_DATE = re.compile("|".join(MONTH_DATE_FORMS))
# DATE's numeric forms (without the clock time the last may carry).
_NUMERIC_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}")
# A run of digits after a space: where a month-name form's year starts (its four digits
# follow a space, so they open a run). Runs inside a URL or a code ("/20f11c1607c4")
# are not years of a date.
_YEAR = re.compile(r"(?<= )\d{4,}")


def holds_date(text: str, months: re.Pattern[str] = _MONTH_DATE) -> bool:
    """`bool(re.search(DATE, text))`, found faster: the numeric forms, then `months`
    (MONTH_DATE_FORMS compiled, or a caller's superset of them whose forms too end with
    a space and a year) only just before each year, rather than a month's name tried at
    every position of the text."""
    if _NUMERIC_DATE.search(text):
        return True
    return any(
        months.search(text, max(year.start() - BEFORE_YEAR, 0), year.end())
        for year in _YEAR.finditer(text)
    )


# A year (1900-2099) as a word of its own, and a clock time's digits: what a byline's or
# a comment's date and time hold, found in a line's words and a short search (the
# catalogue's DATE and TIME patterns cost several times a short line's other features).
_YEARS = frozenset(str(year) for year in range(1900, 2100))
_CLOCK = re.compile(r"\d[:.]\d\d")
_RELATIVE_TIME = re.compile(
    r"\b\d+ (?:sec|second|min|minute|hour|hr|day|week|month|year)s? ago\b"
    r"|\bvor \d+ (?:minuten|stunden|tagen|wochen)\b|\bil y a \d+ (?:minutes|heures|jours)\b"
)
_SEPARATORS = re.compile(r"\s[|•·»›/]\s|\s[|•·]|[|•·]\s")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|co\.uk|de|fr)\b|@\w")
_DIGIT = re.compile(r"\d")
_ASCII_UPPER = string.ascii_uppercase.encode()
_ASCII_LETTERS = string.ascii_letters.encode()
_ASCII_DIGITS = string.digits.encode()
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
# A word that starts with a capital letter (Latin, Greek or Cyrillic): a capital with no
# word character before it. (Written capital first, which the regex engine looks for
# fast, rather than as `\b[A-Z...]`, which it tries at every position.)
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-ÞΑ-ΩА-Я](?<!\w[A-ZÀ-ÖØ-ÞΑ-ΩА-Я])")
# What every match of _SEPARATORS holds; looked for first.
_SEPARATOR_MARKS = re.compile(r"[|•·»›/]")
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
    "punctuation_share", "digit_share", "has_year", "has_clock", "relative_time",
    "sentence_end", "ends_colon", "separators", "url_or_handle", "markdown_link_share",
    "call_to_action", "prose", "rule_anywhere", "rule_edge", "mean_word_length",
    "question",
)  # fmt: skip
# What a line's neighbours read of it: what the rules and the prose test work out for
# every line anyway (its words, its end, prose or not, its rule), never its words'
# reading (`stop_share`), which on a neighbour that is a long story paragraph cost most.
CONTEXT_FEATURES = ("log_words", "sentence_end", "prose", "rule_anywhere", "rule_edge")
_CONTEXT = CONTEXT_FEATURES
_AT_SENTENCE_END = LINE_FEATURES.index("sentence_end")
_AT_PROSE = LINE_FEATURES.index("prose")
_AT_ANYWHERE = LINE_FEATURES.index("rule_anywhere")
_AT_EDGE = LINE_FEATURES.index("rule_edge")
_AT_WORDS = LINE_FEATURES.index("log_words")
_AT_CONTEXT = [LINE_FEATURES.index(name) for name in CONTEXT_FEATURES]
_context = operator.itemgetter(*_AT_CONTEXT)  # a line's features its neighbours read
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
    is `classify(line)` when the caller has it (True: work it out here). A prose line
    gets only what its neighbours and the document read of it (CONTEXT_FEATURES,
    `log_chars` and `stop_share`), the rest 0: the classifier never scores it. Without
    `full` a line gets CONTEXT_FEATURES and `log_chars` only, its words not read.
    """
    if rule is True:
        rule = classify(line)
    if isinstance(stop_words, frozenset):
        row = list(_ruleless_features(line, stop_words, full))
    else:
        row = _line_features(line, stop_words, full)
    row[_AT_ANYWHERE] = float(rule is not None and rule.where == "anywhere")
    row[_AT_EDGE] = float(rule is not None and rule.where == "edge")
    return row


@lru_cache(maxsize=4096)
def _ruleless_features(line: str, stop_words: frozenset[str], full: bool) -> tuple[float, ...]:
    """`_line_features`, remembered across texts: a site's template lines recur in
    every text of the site, and a text's lines are read again in every pass."""
    return tuple(_line_features(line, stop_words, full))


def _line_features(line: str, stop_words: Collection[str], full: bool) -> list[float]:
    """`line_features` with the rule columns left 0."""
    text = plain_once(line)
    words = plain_word_count(text)
    prose = is_prose(text, min(words, PROSE_WORDS + 1))
    if not full:  # a neighbour's context: no word of it is read
        row = [0.0] * len(LINE_FEATURES)
        row[0] = math.log1p(len(text))
        row[1] = math.log1p(words)
        row[_AT_SENTENCE_END] = float(ends_with_mark(text))
        row[_AT_PROSE] = float(prose)
        return row
    sample = text[:SAMPLE_CHARS]
    lowered = sample.lower()
    tokens = word_tokens(lowered)
    word_total = len(tokens) or 1
    if prose:
        row = [0.0] * len(LINE_FEATURES)
        row[0] = math.log1p(len(text))
        row[1] = math.log1p(words)
        row[2] = sum(map(stop_words.__contains__, tokens)) / word_total
        row[_AT_SENTENCE_END] = float(ends_with_mark(text))
        row[_AT_PROSE] = 1.0
        return row
    chars = len(sample) or 1
    # The ASCII characters are counted in bytes, in C; the few others one by one.
    data = sample.encode("ascii", "ignore")
    uppers = len(data) - len(data.translate(None, _ASCII_UPPER))
    letters = len(data) - len(data.translate(None, _ASCII_LETTERS))
    digits = len(data) - len(data.translate(None, _ASCII_DIGITS))
    alphanumeric = letters + digits
    if len(data) < len(sample):
        others = _NOT_ASCII.findall(sample)
        uppers += sum(map(str.isupper, others))
        letters += sum(map(str.isalpha, others))
        digits += sum(map(str.isdigit, others))
        alphanumeric += sum(map(str.isalnum, others))
    letters = letters or 1
    dated = timed = relative = False
    if words <= DATED_WORDS and _DIGIT.search(sample):  # every year and time holds a digit
        dated = any(map(_YEARS.__contains__, tokens)) or bool(_NUMERIC_DATE.search(sample))
        timed = bool(_CLOCK.search(sample))
        relative = _relative_cue(lowered) and bool(_RELATIVE_TIME.search(lowered))
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
        float(ends_with_mark(text)),
        float(text.endswith(":")),
        min(len(_SEPARATORS.findall(sample)), 5) / 5 if _SEPARATOR_MARKS.search(sample) else 0.0,
        float(_has_url(lowered)),
        sum(map(len, _MARKDOWN_LINK.findall(line))) / len(line) if "](" in line else 0.0,
        float(bool(tokens) and tokens[0] in CALL_TO_ACTION),
        0.0,  # prose: see above
        0.0,  # rule_anywhere and rule_edge: see line_features
        0.0,
        min(sum(map(len, tokens)) / word_total, 15) / 15,
        float(text.endswith("?")),
    ]


def _relative_cue(folded: str) -> bool:
    """What every match of _RELATIVE_TIME holds; looked for first."""
    return " ago" in folded or "vor " in folded or "il y a " in folded


def _has_url(lowered: str) -> bool:
    """`_URL` finds something: each of its finds holds "://", "." or "@"."""
    return ("." in lowered or "@" in lowered or "://" in lowered) and bool(_URL.search(lowered))


def place_features(line: str) -> list[float]:
    """What the document reads of a line that is neither scored nor a scored line's
    neighbour: its words and whether it is prose (`log_words`, `prose`), the rest 0."""
    text = plain_once(line)
    words = plain_word_count(text)
    row = [0.0] * len(LINE_FEATURES)
    row[_AT_WORDS] = math.log1p(words)
    row[_AT_PROSE] = float(is_prose(text, min(words, PROSE_WORDS + 1)))
    return row


def document_features(rows: Sequence[list[float]]) -> np.ndarray:
    """Each line's features followed by its place in the document and its neighbours'
    features, in the order of FEATURE_NAMES: one row per line. `rows` are the
    `line_features` of the document's non-blank lines, in order."""
    if not rows:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float64)
    return feature_matrix(rows, range(len(rows)))


def feature_matrix(rows: Sequence[list[float]], wanted: Sequence[int]) -> np.ndarray:
    """The rows of `document_features(rows)` for the lines at `wanted`: the classifier
    scores only some of a text's lines. Built as one flat list (`feature_values`), read
    by numpy at once (for a document's few lines, faster than numpy's operations column
    by column)."""
    values = feature_values(rows, wanted)
    matrix = np.fromiter(values, dtype=np.float64, count=len(values))
    return matrix.reshape(len(wanted), len(FEATURE_NAMES))


def feature_values(rows: Sequence[list[float]], wanted: Sequence[int]) -> list[float]:
    """`feature_matrix(rows, wanted)` as one flat list, row after row: what a linear
    model reads without numpy."""
    count = len(rows)
    prose = [row[_AT_PROSE] > 0 for row in rows]
    story = [index for index, is_story in enumerate(prose) if is_story]
    first_prose = story[0] if story else count
    last_prose = story[-1] if story else -1
    logged = [row[_AT_WORDS] for row in rows]
    word_counts = list(map(_WORD_COUNTS.get, logged))
    if None in word_counts:
        word_counts = np.expm1(np.array(logged, dtype=np.float64)).tolist()
    total_words = float(np.array(word_counts, dtype=np.float64).sum()) or 1.0
    log1p = _LOG1P if count <= len(_LOG1P) else _log1p_table(count)
    runs = _short_runs(prose)
    last = max(count - 1, 1)
    log_lines = math.log1p(count)
    # Each line's context, with two absent lines at either end: line i's neighbour at
    # offset k is context[i + 2 + k].
    absent = (0.0,) * len(_CONTEXT)
    context = [absent, absent, *map(_context, rows), absent, absent]
    inner = (1.0, 1.0, 1.0, 1.0)
    values: list[float] = []
    for index in wanted:
        tail = count - 1 - index
        values.extend((
            *rows[index],
            index / last,
            log1p[index],
            log1p[tail],
            log1p[runs[index]],
            word_counts[index] / total_words,
            float(index > last_prose),
            float(index < first_prose),
            log_lines,
            *context[index],
            *context[index + 1],
            *context[index + 3],
            *context[index + 4],
            *(inner if index >= 2 and tail >= 2 else _present(index, tail)),
        ))  # fmt: skip
    return values


def _present(index: int, tail: int) -> tuple[float, ...]:
    """The `present@` features of a line `index` lines from the head, `tail` from the end."""
    return (float(index >= 2), float(index >= 1), float(tail >= 1), float(tail >= 2))


def _log1p_table(size: int) -> list[float]:
    """numpy's log1p of 0 .. size - 1, as the model was trained with (its last digit may
    differ from `math.log1p`'s; an element's value does not depend on the array)."""
    return np.log1p(np.arange(size, dtype=np.float64)).tolist()


# Of lines, runs and documents up to this many lines the place features are looked up.
_LOG1P = _log1p_table(1024)
# A line's word count from its `log_words` (math.log1p of the count), by numpy's expm1.
_WORD_COUNTS = dict(
    zip(
        (math.log1p(words) for words in range(1024)),
        np.expm1(np.array([math.log1p(words) for words in range(1024)])).tolist(),
        strict=True,
    )
)


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
