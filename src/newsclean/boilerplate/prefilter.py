"""Cheap proofs that a line cannot match a rule, so its regex need not run.

Each rule's pattern is read once, at import, into a `Prefilter`: the length range of
the strings it can match and a set of needles, substrings of which every match holds
at least one ("newsletter" for "sign up for our newsletter", one of "©", "(c)",
"copyright" for a copyright line). A line of another length, or holding no needle,
cannot match, and most story lines fail the test for most rules.

The needles are derived from the pattern's parse tree (read through Python's private
`re._parser` in newsclean.fastpaths.sre; where a run does not use that fast path, no
prefilter claims anything and `rules.classify` tries every regex) and only ever under-claim: any
construct the analysis does not read (a character class, `.`, a backreference) counts
as "could be anything", which at worst leaves a rule without needles. The phrases a
pattern lists are then covered by a few of their common pieces ("never miss" stands for
the dozen phrases "never miss our story", "never miss the latest issue", ...): a line
that holds a phrase holds its piece. Testing needles costs time too, so a pattern gets
them only when it may start anywhere (its regex scans the line) and a few pieces cover
all its phrases. A pattern whose matches start with one of a few pairs of characters
has those instead ("sh", "tw", "re" for "share|tweet|reddit"; a story line seldom
starts so), and the rules are indexed by them. A pattern whose every match holds a
digit (a date, a time) is not tried on a line without one.

Testing the needles of many rules one `in` at a time costs a scan of the line per
needle; a `NeedleScan` finds which rules' needles a line holds in one pass.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import NamedTuple

import ahocorasick

from newsclean.fastpaths import uses_fast


class Prefilter(NamedTuple):
    """What any string matching a pattern (as a whole) must satisfy."""

    min_length: int
    max_length: int
    needles: tuple[str, ...] | None  # None: no needle is known to be required
    # Every match starts with one of these (its first two characters, or its first one
    # when what follows is not known); None: a match may start with anything.
    starts: frozenset[str] | None
    digit: bool = False  # every match holds a digit (a date, a time, a page number)

    def may_match(self, subject: str) -> bool:
        """False only when `subject` certainly cannot match the whole pattern."""
        if not self.min_length <= len(subject) <= self.max_length:
            return False
        if self.starts is not None and not (
            subject[:2] in self.starts or subject[:1] in self.starts
        ):
            return False
        if self.digit and not DIGIT.search(subject):
            return False
        return self.needles is None or any(map(subject.__contains__, self.needles))


def prefilter(pattern: re.Pattern[str]) -> Prefilter:
    """The length range and needles of `pattern`, matched against whole strings.

    They are read from the pattern's parse tree (newsclean.fastpaths.sre); where this
    run reads re publicly, the prefilter claims nothing and every rule's regex runs.
    """
    if not uses_fast("re"):
        return Prefilter(0, sys.maxsize, None, None)
    from newsclean.fastpaths.sre import analyse

    return Prefilter(*analyse(pattern))


def prefilters(patterns: Sequence[re.Pattern[str]]) -> tuple[Prefilter, ...]:
    """`prefilter` of each pattern. The analysis parses every pattern again (about 0.1
    CPU s for the catalogue, before a run's first unit), so its results are kept in
    newsclean's cache folder (`newsclean.derived`) under a key of the patterns, Python's
    version and the analysis' source."""
    if not uses_fast("re"):
        return tuple(prefilter(pattern) for pattern in patterns)
    from newsclean.derived import load_or_build
    from newsclean.fastpaths import sre

    found = load_or_build(
        "boilerplate-prefilters",
        lambda: [sre.analyse(pattern) for pattern in patterns],
        packages=(),
        files=(Path(sre.__file__),),
        extra="\0".join([sys.version, *(f"{p.flags}:{p.pattern}" for p in patterns)]),
    )
    return tuple(Prefilter(*fields) for fields in found)


DIGIT = re.compile(r"\d")


class NeedleScan:
    """Which of several needle sets a string holds, found in one pass over it.

    An Aho-Corasick automaton of all the needles (pyahocorasick, in C) reports every
    needle occurrence in one pass, overlapping ones included; each needle carries the
    bits of the sets that hold it. So `held` is exact: bit i is set when the string
    contains a needle of set i. (A regex of the needles' trie, tried at each position,
    took ~2.4x as long on the lines classify scans.)
    """

    def __init__(self, needle_sets: Sequence[Collection[str]]) -> None:
        needles = frozenset().union(*needle_sets)
        if not needles or "" in needles:
            raise ValueError("a needle scan needs needles, none of them empty")
        automaton = ahocorasick.Automaton()
        for needle in needles:
            automaton.add_word(
                needle,
                sum(
                    1 << index
                    for index, needle_set in enumerate(needle_sets)
                    if needle in needle_set
                ),
            )
        automaton.make_automaton()
        self._occurrences = automaton.iter

    def held(self, subject: str) -> int:
        """A bit mask: bit i is set when `subject` contains a needle of set i."""
        held = 0
        for _end, bits in self._occurrences(subject):
            held |= bits
        return held
