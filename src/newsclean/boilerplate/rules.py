"""The matching engine: which rule of the catalogue (`catalogue.RULES`) a line is.

A line is matched against a whole rule pattern only after cheap tests have let it
through: its word count is within the rule's bound, it starts as the rule's matches
can start, and it holds the needles the pattern requires (`prefilter`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import NamedTuple

from newsclean.boilerplate.catalogue import DEBRIS, MEDIA, RULES, Rule
from newsclean.boilerplate.lines import bounded_plain_word_count, plain_once
from newsclean.boilerplate.prefilter import DIGIT, NeedleScan, Prefilter, prefilters
from newsclean.fastpaths import uses_fast

# What a line must hold to match each rule; most lines fail this for most rules.
_PREFILTERS: tuple[Prefilter, ...] = prefilters([rule.pattern for rule in RULES])


class _Check(NamedTuple):
    """What classify asks of a rule once the prefilter lets a line through."""

    rule: Rule
    case_sensitive: bool
    min_length: int
    max_length: int
    fullmatch: Callable[[str], re.Match[str] | None]


_CHECKS: tuple[_Check, ...] = tuple(
    _Check(rule, rule.case_sensitive, check.min_length, check.max_length, rule.pattern.fullmatch)
    for rule, check in zip(RULES, _PREFILTERS, strict=True)
)

# Sets of rules are bit masks: bit i stands for RULES[i].


def _mask(indices: Iterable[int]) -> int:
    return sum(1 << index for index in indices)


# The largest max_words of any rule; longer lines are never touched.
_MAX_WORDS = max(rule.max_words for rule in RULES)
# For each word count up to _MAX_WORDS + 1, the rules that may touch a line that long.
_WITHIN = tuple(
    _mask(index for index, rule in enumerate(RULES) if words <= rule.max_words)
    for words in range(_MAX_WORDS + 2)
)
# The rules whose matches may start with anything, and for each start (one or two
# characters), the others whose matches may start so; the starts of case-sensitive
# rules are read on the plain line, of the others on the lowered one.
_ANY_START = _mask(index for index, check in enumerate(_PREFILTERS) if check.starts is None)


def _by_start(case_sensitive: bool) -> dict[str, int]:
    rules: dict[str, int] = {}
    for index, (rule, check) in enumerate(zip(RULES, _PREFILTERS, strict=True)):
        if rule.case_sensitive == case_sensitive:
            for start in check.starts or ():
                rules[start] = rules.get(start, 0) | 1 << index
    return rules


_STARTS_LOWERED = _by_start(case_sensitive=False)
_STARTS_AS_IS = _by_start(case_sensitive=True)
# The rules with needles: a line holding none of a rule's needles cannot match it.
_NEEDLED = _mask(index for index, check in enumerate(_PREFILTERS) if check.needles is not None)
# The rules that only match lines with a digit.
_DIGITAL = _mask(index for index, check in enumerate(_PREFILTERS) if check.digit)


@lru_cache(maxsize=64)
def _needle_scans(rules: int) -> tuple[tuple[bool, NeedleScan], ...]:
    """Scans for the needles of `rules`, one per subject: (case_sensitive, scan). The
    bits of a scan are those of the rules."""
    scans = []
    for case_sensitive in (False, True):
        needle_sets = [
            check.needles or () if rules >> index & 1 and rule.case_sensitive == case_sensitive
            else ()
            for index, (rule, check) in enumerate(zip(RULES, _PREFILTERS, strict=True))
        ]  # fmt: skip
        if any(needle_sets):
            scans.append((case_sensitive, NeedleScan(needle_sets)))
    return tuple(scans)


def _start_rules(start: str, lowered: str) -> int:
    """The rules a line may match by its first two characters, as is and lowered."""
    return (
        _ANY_START
        | _STARTS_LOWERED.get(lowered[:2], 0)
        | _STARTS_LOWERED.get(lowered[:1], 0)
        | _STARTS_AS_IS.get(start[:2], 0)
        | _STARTS_AS_IS.get(start[:1], 0)
    )


def warm_needle_scans() -> None:
    """Build the needle scans of every set of rules `classify` may ask for.

    The sets depend only on a line's word count and its first two characters, so
    trying each key of the start tables in every mix of case, and each first
    character followed by anything else, finds them (15 with this catalogue, about
    0.2 s to build; a set that some rarer start reaches is built when first needed).
    Workers forked after this share the scans instead of each building its own.
    """
    starts = {"\0\0"}
    for key in (*_STARTS_LOWERED, *_STARTS_AS_IS):
        cased = [""]
        for char in key:
            variants = {char, char.lower(), char.upper()}
            cased = [head + variant for head in cased for variant in variants]
        for start in cased:
            starts.update((start, start[:1] + "\0"))
    needled = {
        within & _start_rules(start, start.lower()[:2]) & _NEEDLED
        for start in starts
        for within in _WITHIN
    }
    for rules in needled - {0}:
        _needle_scans(rules)


def classify(line: str) -> Rule | None:
    """The first rule whose pattern matches the whole line, or None.

    Equivalent to trying each rule's regex in turn (within its max_words); a rule is
    skipped when its prefilter proves the line cannot match.
    """
    if MEDIA.pattern.fullmatch(line.strip()):
        return MEDIA
    text = plain_once(line)  # the learned layers read the line's plain form too
    if not text:
        return DEBRIS if line.strip() else None
    lowered = text.lower()
    if not uses_fast("re"):  # no prefilter (newsclean.fastpaths): every regex in turn
        return _first_match(text, lowered)
    rules = _WITHIN[bounded_plain_word_count(text, _MAX_WORDS)] & _start_rules(
        text[:2], lowered[:2]
    )
    needled = rules & _NEEDLED
    if needled:
        held = 0
        for case_sensitive, scan in _needle_scans(needled):
            held |= scan.held(text if case_sensitive else lowered)
        rules ^= needled & ~held
    digital = rules & _DIGITAL
    if digital and not DIGIT.search(lowered):  # lowering neither makes nor unmakes digits
        rules ^= digital
    while rules:  # lowest bit first: the rules in catalogue order
        lowest = rules & -rules
        rules ^= lowest
        rule, case_sensitive, min_length, max_length, fullmatch = _CHECKS[lowest.bit_length() - 1]
        subject = text if case_sensitive else lowered
        if min_length <= len(subject) <= max_length and fullmatch(subject):
            return rule
    return None


def _first_match(text: str, lowered: str) -> Rule | None:
    """The first rule, within its max_words, whose regex matches the whole line."""
    words = bounded_plain_word_count(text, _MAX_WORDS)
    for rule in RULES:
        subject = text if rule.case_sensitive else lowered
        if words <= rule.max_words and rule.pattern.fullmatch(subject):
            return rule
    return None
