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
all its phrases. A pattern whose matches start with one of a few pairs of characters
has those instead ("sh", "tw", "re" for "share|tweet|reddit"; a story line seldom
starts so), and the rules are indexed by them. A pattern whose every match holds a
digit (a date, a time) is not tried on a line without one.

Testing the needles of many rules one `in` at a time costs a scan of the line per
needle; a `NeedleScan` finds which rules' needles a line holds in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from re import _constants as sre  # the opcodes of re's parse tree
from re import _parser as sre_parse
from typing import Any, NamedTuple

import ahocorasick

# Above this many alternatives an exact set is dropped (the analysis stays small).
_MAX_CHOICES = 64
# A character class of at most this many characters counts as a set of literals.
_MAX_CLASS = 16
# A pattern gets needles only if this many pieces cover all its phrases.
_MAX_NEEDLES = 24
# The shortest word of a phrase that may stand for it.
_MIN_PIECE = 4
# How many first characters of a match its starts hold, and how many starts a pattern
# may have (above, it gets none).
_START_WIDTH = 2
_MAX_STARTS = 256


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
    starts = _starts(list(tree))
    needles = None
    if starts is None:
        found = _required(_sequence(list(tree)))
        if found is not None:
            needles = _cover(_shortest(found))
    return Prefilter(low, high, needles, starts, _holds_digit(list(tree)))


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


DIGIT = re.compile(r"\d")


def _holds_digit(items: list[tuple[Any, Any]]) -> bool:
    """Whether every match of a concatenation holds a character that `\\d` matches."""
    return any(_node_holds_digit(op, av) for op, av in items)


def _node_holds_digit(op: Any, av: Any) -> bool:
    if op is sre.LITERAL:
        return bool(DIGIT.match(chr(av)))
    if op is sre.IN:
        return bool(av) and all(
            (item_op is sre.CATEGORY and item_av is sre.CATEGORY_DIGIT)
            or (item_op is sre.LITERAL and bool(DIGIT.match(chr(item_av))))
            for item_op, item_av in av
        )
    if op is sre.BRANCH:
        return all(_holds_digit(list(alternative)) for alternative in av[1])
    if op is sre.SUBPATTERN:
        return _holds_digit(list(av[3]))
    if op is sre.ATOMIC_GROUP:
        return _holds_digit(list(av))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        return av[0] >= 1 and _holds_digit(list(av[2]))
    return False


# What the start analysis knows after reading part of a pattern: a match starts with
# `text`, and `going` says whether the part read matched exactly `text` (so the next
# part goes on from there) rather than `text` and then something not known.
_Start = tuple[str, bool]
_FRESH: frozenset[_Start] = frozenset({("", True)})


def _starts(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The starts of a pattern's matches (see `Prefilter.starts`), when they are few; a
    pattern with them fails fast on other lines, so needles would not pay."""
    found = _sequence_starts(items, _FRESH, _START_WIDTH)
    if found is None:
        return None
    starts = frozenset(text for text, _going in found)
    return None if "" in starts else starts


def _sequence_starts(
    items: list[tuple[Any, Any]], states: Collection[_Start], width: int
) -> set[_Start] | None:
    """`states` read on through a concatenation, up to `width` characters in all;
    None when they grow too many."""
    found = set(states)
    for op, av in items:
        following: set[_Start] = set()
        for text, going in found:
            room = width - len(text)
            node = _node_starts(op, av, room) if going and room > 0 else None
            if node is None:  # nothing more is known, or needed, of what follows `text`
                following.add((text, False))
            else:
                following.update(
                    (text + more, more_going and len(more) < room) for more, more_going in node
                )
        if len(following) > _MAX_STARTS:
            return None
        found = following
    return found


def _node_starts(op: Any, av: Any, width: int) -> set[_Start] | None:
    """How a match of one node starts, up to `width` characters; None: not known."""
    if op is sre.LITERAL:
        return {(chr(av), True)}
    if op is sre.IN:
        chars = _character_class(av).exact
        return None if chars is None else {(char, True) for char in chars}
    if op is sre.BRANCH:
        found: set[_Start] = set()
        for alternative in av[1]:
            starts = _sequence_starts(list(alternative), _FRESH, width)
            if starts is None:
                return None
            found |= starts
        return found
    if op is sre.SUBPATTERN:
        return None if av[1] & re.IGNORECASE else _sequence_starts(list(av[3]), _FRESH, width)
    if op is sre.ATOMIC_GROUP:
        return _sequence_starts(list(av), _FRESH, width)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        return _repeat_starts(av[0], av[1], list(av[2]), width)
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return {("", True)}  # zero-width: the next node starts the match
    return None


def _repeat_starts(
    low: int, high: int, items: list[tuple[Any, Any]], width: int
) -> set[_Start] | None:
    """How `low` to `high` copies of a node start: from `low` copies on, after each
    copy the repeat may end."""
    found: set[_Start] = set()
    states: set[_Start] = set(_FRESH)
    for count in range(width + 2):
        going = {state for state in states if state[1]}
        found |= states if count >= low else states - going
        if count == high or not going:
            return found
        if count > width:  # copies that match nothing could go on: stop reading
            break
        read = _sequence_starts(items, going, width)
        if read is None:
            return None
        states = read
    return found | {(text, False) for text, _going in states}


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
