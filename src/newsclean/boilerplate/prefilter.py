"""Cheap proofs that a line cannot match a rule, so its regex need not run.

Each rule's pattern is read once, at import, into a `Prefilter`: the length range of
the strings it can match and a set of needles, substrings of which every match holds
at least one ("newsletter" for "sign up for our newsletter", one of "©", "(c)",
"copyright" for a copyright line). A line of another length, or holding no needle,
cannot match, and most story lines fail the test for most rules.

The needles are derived from the pattern's parse tree and only ever under-claim: any
construct the analysis does not read (a character class, `.`, a backreference) counts
as "could be anything", which at worst leaves a rule without needles. The phrases a
pattern lists are then covered by a few of their common pieces ("never miss" stands for
the dozen phrases "never miss our story", "never miss the latest issue", ...): a line
that holds a phrase holds its piece. Testing needles costs time too, so a pattern gets
them only when it may start anywhere (its regex scans the line) and a few pieces cover
all its phrases. A pattern whose matches start with one of a few characters has those
instead ("s", "t", "r" for "share|tweet|reddit"), and the rules are sorted by them.
"""

from __future__ import annotations

import re
from re import _constants as sre  # the opcodes of re's parse tree
from re import _parser as sre_parse
from typing import Any, NamedTuple

# Above this many alternatives an exact set is dropped (the analysis stays small).
_MAX_CHOICES = 64
# A character class of at most this many characters counts as a set of literals.
_MAX_CLASS = 16
# A pattern gets needles only if this many pieces cover all its phrases.
_MAX_NEEDLES = 24
# The shortest word of a phrase that may stand for it.
_MIN_PIECE = 4


class Prefilter(NamedTuple):
    """What any string matching a pattern (as a whole) must satisfy."""

    min_length: int
    max_length: int
    needles: tuple[str, ...] | None  # None: no needle is known to be required
    first_chars: frozenset[str] | None  # None: a match may start with any character

    def may_match(self, subject: str) -> bool:
        """False only when `subject` certainly cannot match the whole pattern."""
        if not self.min_length <= len(subject) <= self.max_length:
            return False
        if self.first_chars is not None and subject[:1] not in self.first_chars:
            return False
        return self.needles is None or any(map(subject.__contains__, self.needles))


class _Info(NamedTuple):
    exact: frozenset[str] | None  # every string the node matches, when that set is small
    needles: frozenset[str] | None  # every match contains one of these; None: unknown


_UNKNOWN = _Info(None, None)
_EMPTY = _Info(frozenset({""}), None)


def prefilter(pattern: re.Pattern[str]) -> Prefilter:
    """The length range and needles of `pattern`, matched against whole strings."""
    tree = sre_parse.parse(pattern.pattern, pattern.flags)
    low, high = tree.getwidth()
    if pattern.flags & re.IGNORECASE:
        return Prefilter(low, high, None, None)
    first_chars = _first_chars(list(tree))
    needles = None
    if first_chars is None:
        found = _required(_sequence(list(tree)))
        if found is not None:
            needles = _cover(_shortest(found))
    return Prefilter(low, high, needles, first_chars)


def _cover(phrases: tuple[str, ...]) -> tuple[str, ...] | None:
    """A few pieces (words of 4+ characters, or whole phrases) such that each phrase
    holds one of them; None when more than _MAX_NEEDLES would be needed."""
    candidates = set(phrases)
    for phrase in phrases:
        candidates.update(word for word in phrase.split(" ") if len(word) >= _MIN_PIECE)
    holders = {
        piece: {index for index, phrase in enumerate(phrases) if piece in phrase}
        for piece in candidates
    }
    uncovered = set(range(len(phrases)))
    pieces: list[str] = []
    while uncovered:
        if len(pieces) == _MAX_NEEDLES:
            return None
        piece = max(holders, key=lambda piece: (len(holders[piece] & uncovered), len(piece), piece))
        pieces.append(piece)
        uncovered -= holders[piece]
    return tuple(pieces)


def _first_chars(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The characters a non-empty match can start with, when they are few; a pattern
    with them fails fast on other lines, so needles would not pay."""
    for op, av in items:
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero-width: the next item starts the match
        if op is sre.LITERAL:
            return frozenset(chr(av))
        if op is sre.IN:
            return _character_class(av).exact
        if op is sre.BRANCH:
            firsts = [_first_chars(list(alternative)) for alternative in av[1]]
            if any(first is None for first in firsts):
                return None
            return frozenset().union(*firsts)  # type: ignore[arg-type]
        if op is sre.SUBPATTERN:
            return None if av[1] & re.IGNORECASE else _first_chars(list(av[3]))
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            return _first_chars(list(av[2])) if av[0] >= 1 else None
        return None
    return None


def _shortest(needles: frozenset[str]) -> tuple[str, ...]:
    """The needles without those that hold another needle (finding it suffices)."""
    kept: list[str] = []
    for needle in sorted(needles, key=lambda needle: (len(needle), needle)):
        if not any(shorter in needle for shorter in kept):
            kept.append(needle)
    return tuple(kept)


def _best(candidates: list[frozenset[str] | None]) -> frozenset[str] | None:
    """Of several needle sets that all hold, the most selective: longest shortest needle."""
    usable = [found for found in candidates if found and "" not in found]
    if not usable:
        return None
    return max(usable, key=lambda found: (min(map(len, found)), -len(found)))


def _required(info: _Info) -> frozenset[str] | None:
    return _best([info.exact, info.needles])


def _sequence(items: list[tuple[Any, Any]]) -> _Info:
    """A concatenation: runs of exact items multiply out; any run or item gives needles."""
    candidates: list[frozenset[str] | None] = []
    run: frozenset[str] = frozenset({""})
    exact = True
    for op, av in items:
        info = _node(op, av)
        candidates.append(info.needles)
        if info.exact is not None and len(run) * len(info.exact) <= _MAX_CHOICES:
            run = frozenset(head + tail for head in run for tail in info.exact)
            continue
        candidates.append(run)
        exact = False
        run = info.exact if info.exact is not None else frozenset({""})
    candidates.append(run)
    return _Info(run if exact else None, _best(candidates))


def _node(op: Any, av: Any) -> _Info:
    if op is sre.LITERAL:
        return _Info(frozenset({chr(av)}), None)
    if op is sre.IN:
        return _character_class(av)
    if op is sre.BRANCH:
        return _branch([_sequence(list(alternative)) for alternative in av[1]])
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, inner = av
        if add_flags & re.IGNORECASE:
            return _UNKNOWN
        return _sequence(list(inner))
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(av))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, inner = av
        info = _sequence(list(inner))
        if low == 0:
            if high == 1 and info.exact is not None:
                return _Info(info.exact | {""}, None)
            return _UNKNOWN
        return _Info(info.exact if low == high == 1 else None, _required(info))
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return _EMPTY  # zero-width: adds nothing to the matched text
    return _UNKNOWN


def _character_class(items: list[tuple[Any, Any]]) -> _Info:
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.update(chr(code) for code in range(av[0], av[1] + 1))
        else:
            return _UNKNOWN
    if not chars or len(chars) > _MAX_CLASS:
        return _UNKNOWN
    return _Info(frozenset(chars), None)


def _branch(alternatives: list[_Info]) -> _Info:
    exact: frozenset[str] | None = None
    if all(info.exact is not None for info in alternatives):
        union = frozenset().union(*(info.exact for info in alternatives))  # type: ignore[arg-type]
        exact = union if len(union) <= _MAX_CHOICES else None
    needles: set[str] = set()
    for info in alternatives:
        found = _required(info)
        if found is None:
            return _Info(exact, None)
        needles |= found
    return _Info(exact, frozenset(needles))
