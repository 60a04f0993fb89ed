"""The rule stage: remove boilerplate lines from one story, with regard to position."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from typing import NamedTuple

from newsclean.boilerplate.blocks import BlocksModel
from newsclean.boilerplate.catalogue import Rule
from newsclean.boilerplate.learned import STRUCTURE_CONFIDENCE, Model, strip_learned, strip_shapes
from newsclean.boilerplate.lines import (
    PROSE_WORDS,
    bounded_word_count,
    edge_flags,
    fold,
    is_sentence,
    join_kept,
    longest_blank_run,
    plain_once,
    sentences,
)
from newsclean.boilerplate.rules import classify
from newsclean.boilerplate.structure import (
    DETECTORS,
    MARKDOWN_TITLE,
    head_before_title,
    is_prose,
    promo_signal,
    sentence,
    take_found,
)
from newsclean.boilerplate.words import WordsModel
from newsclean.record import Removal

_BLOCK_MEMBER_WORDS = 16
# Kinds that open a block of template text; once the tail run holds one, the short
# lines after it belong to it. Lone markers (a date, a credit, debris) do not.
_BLOCK_KINDS = frozenset(
    {"related", "newsletter", "share", "comments", "social", "promo", "reaction", "bio",
     "contact", "legal", "paywall", "donation", "cookie"}
)  # fmt: skip


_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


@lru_cache(maxsize=64)  # the title and first line of a text, asked again in every pass
def _title_key(value: str) -> str:
    return _NOT_ALPHANUMERIC.sub("", fold(value))


def _same_title(line: str, title: str) -> bool:
    title_key = _title_key(title)
    return bool(title_key) and _title_key(line) == title_key


# Kinds of rules that name a call to the story's readers (to comment, to give): a blog
# post's author closes a paragraph with one as often as a template does.
_READER_CALLS = frozenset({"comments", "donation"})


class _Line(NamedTuple):
    """What the passes ask of one line; worked out once per text, not once per pass."""

    rule: Rule | None  # classify(line)
    prose: bool  # is_prose(line)
    # A short, non-sentence line: a link title in a list, a counter in a widget.
    block_member: bool
    # A paragraph that a call to the readers (`_READER_CALLS`) closes, but whose first
    # sentence is the author's own (`_opens_with_story`): it stays.
    story_lead: bool


def _line(line: str) -> _Line:
    words = bounded_word_count(line, PROSE_WORDS)  # exact up to 16 words, a block member's
    prose = is_prose(line)  # remembered: the detectors and guards ask it again
    rule = classify(line)
    member = words <= _BLOCK_MEMBER_WORDS and not prose
    return _Line(
        rule,
        prose,
        member,
        prose and rule is not None and rule.kind in _READER_CALLS and _opens_with_story(line),
    )


def _opens_with_story(line: str) -> bool:
    """A paragraph of two or more sentences whose first is a full sentence that no rule
    names ("Have you made any great videos using Google Earth? Share them in the
    comments below."): a call to the readers further on closes the author's paragraph,
    it does not make the paragraph a template's."""
    parts = sentences(plain_once(line))
    return len(parts) > 1 and is_sentence(parts[0]) and classify(parts[0]) is None


_MAX_PASSES = 4
# The structural detectors that run unless told otherwise: those that lose no story
# text the rules keep on the validation data (all of them since the ninth round, when
# `headline_runs` learned to leave a story's own lists; see docs/boilerplate.md).
SHIPPED_DETECTORS: tuple[str, ...] = tuple(DETECTORS)


def strip_boilerplate(
    text: str,
    *,
    title: str | None = None,
    language: str | None = None,
    source: str = "text",
    learned: bool = True,
    detectors: Collection[str] = SHIPPED_DETECTORS,
    classifier: bool = True,
    words_model: WordsModel | None = None,
    blocks_model: BlocksModel | None = None,
    model: Model | None = None,
) -> tuple[str, list[Removal]]:
    """Remove template lines from story text; return the kept text and what went, in order.

    With `learned`, the promo detector first takes the promos it finds whose lines no
    rule names (`strip_shapes`). The rule catalogue goes next: its passes repeat until
    nothing more goes (a removal can bring a title line or a widget to the edge). Then,
    with `learned`, the detectors and the learned classifier take what the rules did not
    name; the two alternate until neither removes more, so cleaning clean output
    changes nothing.
    `source` is "html" for text extracted from a page, "text" for a text or markdown
    scrape: the classifier has a threshold for each. `detectors` names the structural
    detectors that run (`structure.DETECTORS`; by default those that lose no story
    text on the validation data), and `classifier` switches the classifier and the
    vocabulary and block models (`words_model`, `blocks_model`: the shipped ones unless
    given); `model` is the line classifier (the shipped one unless given).
    """
    removed: list[Removal] = []
    known: dict[str, _Line] = {}  # each line is read once, not once per pass
    if learned and "promos" in detectors:
        for line in text.split("\n"):
            if line not in known:
                known[line] = _line(line)
        # Only a line a rule takes can keep the detector from a promo it would see
        # whole: with none that holds a promo's signal, the detector after the rules
        # finds the same promos.
        if any(feature.rule is not None and promo_signal(line) for line, feature in known.items()):
            text, removed = strip_shapes(text)
    if learned and source != "html" and "head_before_title" in detectors:
        text, header = _strip_header_before_named_title(text, known)
        removed.extend(header)
    features: dict[str, tuple[int, list[float]]] = {}  # and its classifier features once
    learned_done = False  # the learned layers' last look at this text found nothing more
    while True:
        # Each pass that finds something removes a line, so the passes end.
        while True:
            text, more = _strip_once(text, title=title, language=language, known=known)
            if not more:
                break
            removed.extend(more)
            learned_done = False
        if not learned or learned_done:
            return text, removed
        rules = {line: feature.rule for line, feature in known.items()}
        text, more = strip_learned(
            text,
            language=language,
            source=source,
            rules=rules,
            known=features,
            detectors=detectors,
            classifier=classifier,
            words=words_model,
            blocks=blocks_model,
            model=model,
        )
        if not more:
            return text, removed
        removed.extend(more)
        # strip_learned repeats until it finds nothing: unless the rules now take a
        # line, the text is settled.
        learned_done = True


def _strip_header_before_named_title(
    text: str, known: dict[str, _Line]
) -> tuple[str, list[Removal]]:
    """A markdown scrape's header above its one document title, taken before the rules
    when a rule names that title (a dateline or a kicker set as the "# " line): once
    the rules take the title, `structure.head_before_title` has nothing to stand on."""
    if "#" not in text:
        return text, []
    lines = text.split("\n")
    indices = [index for index, line in enumerate(lines) if line.strip()]
    present = [lines[index] for index in indices]
    titles = [position for position, line in enumerate(present) if MARKDOWN_TITLE.match(line)]
    if len(titles) != 1:
        return text, []
    title = present[titles[0]]
    if title not in known:
        known[title] = _line(title)
    if known[title].rule is None:
        return text, []
    kinds = head_before_title(present)
    going = {indices[position] for position, kind in enumerate(kinds) if kind is not None}
    if not going:
        return text, []
    return take_found(lines, indices, kinds, going, STRUCTURE_CONFIDENCE)


def _strip_once(
    text: str,
    *,
    title: str | None = None,
    language: str | None = None,
    known: dict[str, _Line] | None = None,
) -> tuple[str, list[Removal]]:
    """One pass of the rules over the text.

    `text` holds one paragraph per line. A rule marked "anywhere" removes its line
    wherever it stands; an "edge" rule only in the head or tail run (the lines before
    the first and after the last story paragraph) or beside other removed lines.
    Headings that open a block (related lists, reaction widgets) take the short lines
    that follow them, and once the tail run turns to boilerplate, the short lines after
    it go too. A first line equal to `title` goes as kind "title". `language` is
    accepted for per-language rules; the catalogue matches all its languages at once.
    `known` holds what is known of lines already read, and grows.
    """
    lines = text.split("\n")
    kinds: list[str | None] = [None] * len(lines)
    if known is None:
        known = {}
    features: list[_Line] = []
    for line in lines:
        feature = known.get(line)
        if feature is None:
            feature = known[line] = _line(line)
        features.append(feature)
    matches = [feature.rule for feature in features]

    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if title and first is not None and _same_title(lines[first], title):
        kinds[first] = "title"
    elif matches.count(None) == len(matches):
        return text, []  # every removal below starts from a rule's match or the title

    claimed = [
        rule is not None or kind is not None for rule, kind in zip(matches, kinds, strict=True)
    ]
    edge = edge_flags([feature.prose for feature in features], claimed)

    paired: set[int] = set()  # lines that go only as a pair (`_paired`)
    for index, rule in enumerate(matches):
        if (
            kinds[index] is None
            and rule is not None
            and (rule.where == "anywhere" or edge[index] or _paired(matches, index))
            and not features[index].story_lead
        ):
            kinds[index] = rule.kind
            if rule.where != "anywhere" and not edge[index]:
                paired.add(index)

    _keep_fact_lists(lines, kinds)
    _extend_to_neighbours(features, kinds, paired)
    _extend_blocks(lines, features, kinds, edge)
    if not all(edge):  # a story paragraph stands between the head and the tail run
        _sweep_tail(lines, features, kinds, edge)

    kept: list[str] = []
    removed: list[Removal] = []
    for line, kind in zip(lines, kinds, strict=True):
        if kind is None:
            kept.append(line)
        elif line.strip():
            removed.append(Removal(kind, line))
    if not removed:
        return text, []
    return join_kept(kept, longest_gap=longest_blank_run(lines)), removed


def _paired(matches: list[Rule | None], index: int) -> bool:
    """The line's rule goes in pairs (`Rule.in_pairs`: a comment form's fields) and a
    neighbouring line's rule does too."""
    rule = matches[index]
    if rule is None or not rule.in_pairs:
        return False
    neighbours = (matches[near] for near in (index - 1, index + 1) if 0 <= near < len(matches))
    return any(other is not None and other.in_pairs for other in neighbours)


def _is_removed(kind: str | None) -> bool:
    return kind is not None and kind != "title"


_TITLE = re.compile(r"\s*#\s")  # a markdown title: "# Headline"
_LABELLED = re.compile(r"^(?:[-*•]\s*)?[\w][\w ./()-]{1,30}:\s*\S")


def _keep_fact_lists(lines: list[str], kinds: list[str | None]) -> None:
    """A "Category: ..." line inside a list of "label: value" facts is one of the facts."""
    for index, kind in enumerate(kinds):
        if kind != "tags":
            continue
        neighbours = [i for i in (index - 1, index + 1) if 0 <= i < len(lines)]
        if any(kinds[i] is None and _LABELLED.match(lines[i]) for i in neighbours):
            kinds[index] = None


def _extend_to_neighbours(
    features: list[_Line], kinds: list[str | None], paired: Collection[int] = ()
) -> None:
    """Edge-only matches that sit beside removed lines belong to the same block; a pair
    of form lines between a story's paragraphs (`paired`) is a block of its own."""
    changed = True
    while changed:
        changed = False
        for index, (rule, prose, *_rest) in enumerate(features):
            if kinds[index] is not None or rule is None or prose:
                continue
            neighbours = [i for i in (index - 1, index + 1) if 0 <= i < len(features)]
            if any(_is_removed(kinds[i]) and i not in paired for i in neighbours):
                kinds[index] = rule.kind
                changed = True


def _extend_blocks(
    lines: list[str], features: list[_Line], kinds: list[str | None], edge: list[bool]
) -> None:
    """Block headings in the head or tail run take the short lines that follow them.

    In the head run a block ends at the story's headline or first short sentence: a
    markdown title ("# ..."), or a full sentence that no rule names after a heading
    other than a comment section's (a comment form's labels are sentences: "Notify me
    of new posts by email."), and at the latest at the story's header (`_story_head`).
    """
    head_end = edge.index(False) if False in edge else 0
    story_head = _story_head(lines, features, head_end)
    for index, (rule, *_rest) in enumerate(features):
        if rule is None or not rule.opens_block or kinds[index] != rule.kind:
            continue
        follower = index + 1
        while follower < len(lines):
            if not lines[follower].strip():
                follower += 1
                continue
            match, _prose, member, _lead = features[follower]
            weak = match is None or match.where == "edge"
            if follower < head_end and (
                follower >= story_head or match is None and _opens_story(lines[follower], rule)
            ):
                break
            if edge[follower] and member and (kinds[follower] is None or weak):
                kinds[follower] = rule.kind
            elif kinds[follower] is None:
                break
            follower += 1


# The story's header above its first paragraph: the headline above a byline or
# dateline, or with none there, the headline and a standfirst.
_HEADER_LINES = 2
_HEADER_KINDS = frozenset({"byline", "dateline"})


def _story_head(lines: list[str], features: list[_Line], head_end: int) -> int:
    """The first line of the story's header above its first paragraph (`head_end`): the
    line above the bylines and datelines that stand right over the paragraph, or with
    none there, the `_HEADER_LINES` lines over it; a markdown title or a full sentence
    (the story's headline or first short sentence) is the header's first line, and a
    table-layout cell ("| Most commented |") is none of it. A block heading's extension
    in the head run stops there (`_extend_blocks`); the bylines and datelines are their
    own rules' to judge."""
    head, wanted, dated = head_end, _HEADER_LINES, False
    for index in range(head_end - 1, -1, -1):
        line = lines[index]
        if not line.strip():
            continue
        if line.lstrip().startswith("|"):
            break
        head = index
        rule = features[index].rule
        if rule is not None and rule.kind in _HEADER_KINDS:
            dated = dated or wanted == _HEADER_LINES
            continue
        wanted = 1 if dated and wanted == _HEADER_LINES else wanted
        wanted -= 1
        if not wanted or _TITLE.match(line) or sentence(line):
            break
    return head


def _opens_story(line: str, heading: Rule) -> bool:
    """In the head run, a line no rule names that the story opens with, not a link of
    the block `heading` opens: a markdown title, or a full sentence after a heading other
    than a comment section's (`_extend_blocks`)."""
    if _TITLE.match(line):
        return True
    return heading.kind != "comments" and sentence(line)


def _sweep_tail(
    lines: list[str], features: list[_Line], kinds: list[str | None], edge: list[bool]
) -> None:
    """In the tail run, short lines after the first removed line go with it.

    The tail run holds no story paragraph; once it turns to boilerplate (a related list,
    a newsletter box), the short lines after it are that block's links and labels.
    """
    tail_start = len(lines)
    while tail_start > 0 and edge[tail_start - 1]:
        tail_start -= 1
    current: str | None = None
    for index in range(tail_start, len(lines)):
        if kinds[index] in _BLOCK_KINDS:
            current = kinds[index]
        elif current is not None and lines[index].strip() and features[index].block_member:
            kinds[index] = current
