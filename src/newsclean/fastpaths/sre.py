"""All of newsclean's use of Python's private `re` parser: what a pattern's matches hold.

newsclean.boilerplate.prefilter proves cheaply that a line cannot match a rule; what
it tests (the length range of a pattern's matches, needles every match holds, the
characters matches start with, a digit) is read here from the parse tree of
`re._parser`, which Python does not document and may change in any minor version.
The analysis only ever under-claims: a construct it does not read counts as "could be
anything". `self_check` compares its answers on bundled patterns with what they were
when this module was verified, and tests each claim against the regex itself.
"""

from __future__ import annotations

import re
from collections.abc import Collection
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
# How many first characters of a match its starts hold, and how many starts a pattern
# may have (above, it gets none).
_START_WIDTH = 2
_MAX_STARTS = 256


class _Info(NamedTuple):
    exact: frozenset[str] | None  # every string the node matches, when that set is small
    needles: frozenset[str] | None  # every match contains one of these; None: unknown


_UNKNOWN = _Info(None, None)
_EMPTY = _Info(frozenset({""}), None)


def analyse(
    pattern: re.Pattern[str],
) -> tuple[int, int, tuple[str, ...] | None, frozenset[str] | None, bool]:
    """Of `pattern` matched against whole strings: the shortest and longest match,
    needles (one of which every match holds, or None), starts (see
    `newsclean.boilerplate.prefilter.Prefilter`, or None) and whether every match
    holds a digit."""
    tree = sre_parse.parse(pattern.pattern, pattern.flags)
    low, high = tree.getwidth()
    if pattern.flags & re.IGNORECASE:
        return low, high, None, None, False
    starts = _starts(list(tree))
    needles = None
    if starts is None:
        found = _required(_sequence(list(tree)))
        if found is not None:
            needles = _cover(_shortest(found))
    return low, high, needles, starts, _holds_digit(list(tree))


_DIGIT = re.compile(r"\d")


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


def _holds_digit(items: list[tuple[Any, Any]]) -> bool:
    """Whether every match of a concatenation holds a character that `\\d` matches."""
    return any(_node_holds_digit(op, av) for op, av in items)


def _node_holds_digit(op: Any, av: Any) -> bool:
    if op is sre.LITERAL:
        return bool(_DIGIT.match(chr(av)))
    if op is sre.IN:
        return bool(av) and all(
            (item_op is sre.CATEGORY and item_av is sre.CATEGORY_DIGIT)
            or (item_op is sre.LITERAL and bool(_DIGIT.match(chr(item_av))))
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


# ---------------------------------------------------------------------------
# Self-check

#: The Python versions (of `re._parser`) this module was verified against.
VERIFIED = ("3.11",)
_UNBOUNDED = 1 << 64  # the longest match `getwidth` gives an unbounded pattern
# Patterns and what `analyse` gave for them when this module was verified.
_EXPECTED: dict[str, tuple[int, int, tuple[str, ...] | None, frozenset[str] | None, bool]] = {
    r"(?:sign up|subscribe) (?:for|to) our newsletter": (
        25,
        28,
        None,
        frozenset({"su", "si"}),
        False,
    ),
    r"(?:share|tweet|reddit)\b.*": (5, _UNBOUNDED, None, frozenset({"sh", "re", "tw"}), False),
    r"page \d+ of \d+": (11, _UNBOUNDED, None, frozenset({"pa"}), True),
    r"(?:©|\(c\)|copyright) .{0,80}": (2, 90, None, frozenset({"co", "© ", "(c"}), False),
    r"(?i)advertisement": (13, 13, None, None, False),
    r".*\b(?:never miss (?:our story|the latest issue)|sign up for our newsletter)\b.*": (
        20,
        _UNBOUNDED,
        ("never", "sign up for our newsletter"),
        None,
        False,
    ),
    r".*\d{1,2}:\d{2}.*": (4, _UNBOUNDED, (":",), None, True),
}
# Lines each of which matches at least one pattern above, to test the claims on.
_MATCHING = (
    "sign up for our newsletter",
    "subscribe to our newsletter",
    "share this story",
    "tweet",
    "page 2 of 10",
    "© 2024 The Daily Example",
    "copyright the example",
    "ADVERTISEMENT",
    "Never miss the latest issue again",
    "please sign up for our newsletter today",
    "Updated 12:45 on Monday",
)


def self_check() -> None:
    """Raise `Mismatch` unless `analyse` gives the verified answers on bundled patterns
    and every line matching one of them passes its claims."""
    from newsclean.fastpaths import Mismatch

    for source, expected in _EXPECTED.items():
        pattern = re.compile(source)
        found = analyse(pattern)
        if found != expected:
            raise Mismatch(f"{source!r}: {found!r} != {expected!r}")
        low, high, needles, starts, digit = found
        for line in _MATCHING:
            if not pattern.fullmatch(line):
                continue
            if not (
                low <= len(line) <= high
                and (needles is None or any(needle in line for needle in needles))
                and (starts is None or line[:2] in starts or line[:1] in starts)
                and (not digit or _DIGIT.search(line))
            ):
                raise Mismatch(f"{source!r} matches {line!r}, which its analysis excludes")
