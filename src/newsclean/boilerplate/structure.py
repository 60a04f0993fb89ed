"""Structural detectors: boilerplate known by the shape of a run of lines, not by a phrase.

A line classifier reads one line and its neighbours; these read a whole run, for the
shapes it sees poorly:

- `headline_runs`: three or more short headline-like lines before or after the story
  (related and most-read lists; after it with their section labels and author/time
  lines), not the story's own list;
- `menu_runs`: four or more one-to-three-word entries before or after the story (menus,
  category lists);
- `comment_threads`: author/time lines alternating with short paragraphs after the story;
- `table_debris`: what table-layout pages leave, pipe-separated navigation rows,
  "N days ago | headline" lists, month-name archive lists and, after the story, a
  layout table's labels printed a cell a row;
- `promos`: a short block with a call to action and a date or place, or two calls to
  action (event and podcast promos, "Print article / Refer to a friend");
- `head_before_title`: in a markdown scrape, the lines above its one document title
  ("# Headline"): the page's header, menus and widgets, and the paragraphs of other
  pages' text (a paragraph that speaks of the story, its standfirst, stays).
- `author_bios`: a bio box, a heading that names a person ("About Anna Berger") over a
  paragraph that opens with that name, in a text whose other prose does not name them.
- `tail_after_story`: in a scrape, the lines after the story's last paragraph and its
  sign-off, where none is a sentence and none speaks of what the story does.
- `comment_lines`: in a scrape, a reader's comment's header ("charlie says:", "Tomas —")
  and buttons ("Reply to This"), wherever they stand.
- `bio_lines`: in a scrape, a bio box's heading alone ("About Anna Berger") and the
  writer's links ("View all posts by Anna Berger"), wherever they stand.

Each takes the text's non-blank lines and returns, per line, the kind it finds or None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import lru_cache

from newsclean.boilerplate.catalogue import DATE, MONTHS, TIME
from newsclean.boilerplate.features import CALL_TO_ACTION, MONTH_DATE_FORMS, holds_date
from newsclean.boilerplate.lines import (
    PROSE_WORDS,
    ends_with_mark,
    is_sentence,
    join_kept,
    longest_blank_run,
    plain_once,
)
from newsclean.boilerplate.lines import is_prose as _is_prose
from newsclean.record import Removal

Kinds = list[str | None]

_DATE = re.compile(DATE)
# A date, or a range of days of a month ("June 3-5, 2026", "3-5 June 2026").
_DAY_RANGES = (
    rf"(?:{MONTHS}) \d{{1,2}} ?[-–] ?\d{{1,2}},? \d{{4}}",
    rf"\d{{1,2}} ?[-–] ?\d{{1,2}}\.? (?:{MONTHS}),? \d{{4}}",
)
_DATE_ANY_CASE = re.compile("|".join((DATE, *_DAY_RANGES)), re.IGNORECASE)
# What `holds_date` looks for just before each year, to tell whether _DATE_ANY_CASE
# finds something (the day ranges also end with a year, within BEFORE_YEAR characters).
_MONTH_DATE_ANY_CASE = re.compile("|".join((*MONTH_DATE_FORMS, *_DAY_RANGES)), re.IGNORECASE)
_DIGIT = re.compile(r"\d")
# Lines longer than this (in characters) are too long for any short-line shape.
_SHORT_CHARS = 300
# A table row or a numbered list item: content, not a list of links.
_LIST_ITEM = re.compile(r"\s*(?:\||\d{1,3}[.)]\s)")
_TIME = re.compile(rf"(?<![\w.]){TIME}(?!\w)")
_RELATIVE_TIME = re.compile(
    r"\b(?:\d+|an?|one) (?:sec(?:ond)?|min(?:ute)?|hour|hr|day|week|month|year)s? ago\b"
    r"|\bvor \d+ (?:minuten|stunden|tagen|wochen|monaten)\b"
    r"|\bil y a \d+ (?:minutes|heures|jours|semaines|mois)\b|\bhace \d+ (?:minutos|horas|días)\b"
)


def _relative_cue(folded: str) -> bool:
    """What every match of _RELATIVE_TIME holds; looked for first, as it is much cheaper
    (substring tests written out: faster than a loop over the cues)."""
    return " ago" in folded or "vor " in folded or "il y a " in folded or "hace " in folded


def _ends_clause(text: str) -> bool:
    """The line (in its plain form) ends with . ! ; or , and closing quotes: a sentence
    or a clause, no headline or menu entry."""
    return ends_with_mark(text, ".!;,", "\"'”’»)]")


_LABEL_VALUE = re.compile(r"^[^:]{1,30}:\s*\S")
# A month of an archive list: "March 2008", "March, 2008", "März 2008 (12)", "March
# 2008 [12 posts]".
_ARCHIVE_MONTH = rf"(?:{MONTHS}),? \d{{4}}(?: ?[(\[]\d+(?: [^\W\d_]+)?[)\]])?"
_ARCHIVE = re.compile(rf"^{_ARCHIVE_MONTH}$")
# Three or more of them in one row, parted by pipes, bullets or middle dots.
_ARCHIVE_ROW = re.compile(rf"^{_ARCHIVE_MONTH}(?: ?\\?[|¦•·] ?{_ARCHIVE_MONTH}){{2,}}$")
_PIPES = re.compile(r"\s*[|¦]\s*")
_PLACE = re.compile(
    r"\b[A-Z][a-zà-ÿ]+(?: [A-Z][a-zà-ÿ]+)?, (?:[A-Z][a-zà-ÿ]+|[A-Z]{2})\b|\b(?:in|at|à|in der) "
    r"[A-Z][a-zà-ÿ]{2,}"
)
_AUTHOR_CUES = re.compile(
    r"\b(?:says|said|wrote|writes|replied|posted by|commented|schreibt|schrieb|a écrit|dice)\b"
    r"|^(?:by|von|par|por|posted by)\b|^\W*reply\b"
)
_ACTION_PHRASES = re.compile(
    r"\b(?:available (?:on|at|in)|click here|tickets?|register(?:ed)? (?:now|today|here)"
    r"|learn more|sign up|subscribe)\b"
)


def _action_cue(text: str) -> bool:
    """What every match of _ACTION_PHRASES holds; looked for first, as it is much cheaper."""
    return (
        "available" in text or "click" in text or "ticket" in text or "register" in text
        or "learn" in text or "sign" in text or "subscribe" in text
    )  # fmt: skip


@lru_cache(maxsize=4096)
def is_prose(line: str) -> bool:
    """`lines.is_prose`, remembered: every detector asks it of every line."""
    return _is_prose(line)


@lru_cache(maxsize=4096)
def sentence(line: str) -> bool:
    """`lines.is_sentence` of the line as read, remembered: a full sentence is no
    promo's line, and the classifier's guards keep it."""
    return is_sentence(plain_once(line))


@lru_cache(maxsize=4096)
def _words(line: str) -> int:
    return len(plain_once(line).split())


# A sentence's end inside a line, before the next sentence's first letter ("choosing.
# To enter, ..."): a line of prose broken at a fixed width, no headline.
_INNER_SENTENCE_END = re.compile(r"\w[.!?]\s+[\"'“‘]?[A-ZÀ-Ý]")


@lru_cache(maxsize=4096)
def _headline_like(line: str) -> bool:
    """A short line that reads like a headline or a link title, not a sentence, a fact,
    a line of code or a piece of a paragraph: 3-18 words, half letters, opening with a
    capital, a digit or a quote (a command or a wrapped sentence's rest opens in lower
    case), with no sentence ending inside it and holding no full sentence
    (`lines.is_sentence`)."""
    if len(line) > _SHORT_CHARS or _LIST_ITEM.match(line) or line.lstrip().startswith("#"):
        return False
    text = plain_once(line)
    words = len(text.split())
    if not 3 <= words <= 18 or _ends_clause(text) or _LABEL_VALUE.match(text):
        return False
    if text[0].islower() or _INNER_SENTENCE_END.search(text) or _introduces(text):
        return False
    if is_sentence(text):
        return False  # a full sentence ("... in a $2,000 wig. [NYDN]"): a story's item
    if text[0].isdigit() and words <= 4:
        return False  # a quantity ("200 g sugar", "13 g fat"), a list's item
    return sum(char.isalpha() for char in text) >= len(text) / 2


# A line of this many words or more that ends with a colon is a sentence introducing
# what follows; a shorter one is a block's label ("Popular projects:").
_INTRO_WORDS = 6


def _introduces(text: str) -> bool:
    """The line (plain) is a clause that introduces a list: it ends with a colon and has
    `_INTRO_WORDS` words or more."""
    return text.endswith(":") and len(text.split()) >= _INTRO_WORDS


# Words of this many letters or more name what a text is about (shorter ones are
# mostly function words, in the languages of the data).
_TOPIC_LETTERS = 5
_TOPIC_WORD = re.compile(rf"[^\W\d_]{{{_TOPIC_LETTERS},}}")


# A run whose topic words are found in the story's prose this much or more sums the
# story up (a related list's headlines share a few words with the story, not most).
_STORY_SHARE = 0.5


@lru_cache(maxsize=4096)
def _topic_words(line: str) -> frozenset[str]:
    """The line's words of `_TOPIC_LETTERS` letters or more, folded (remembered: a
    story's paragraphs are read for them by `headline_runs` and `head_before_title`)."""
    return frozenset(_TOPIC_WORD.findall(plain_once(line).casefold()))


def _opens_lower(line: str) -> bool:
    text = plain_once(line)
    return bool(text) and text[0].islower()


# A run of other stories' titles holds this many headlines at least, whatever labels
# and author/time lines stand between them.
_HEADLINES = 2


def headline_runs(lines: list[str], *, minimum: int = 3, near: int = 2) -> Kinds:
    """Runs of `minimum` or more headline-like lines of other stories, outside the
    story: related and most-read lists (`_headline_like`; a line the next one
    continues in lower case is a paragraph broken at a fixed width, and is none).

    After the last prose paragraph a run goes when nothing but short lines follow it;
    there its items may carry a section label (a menu entry, `_menu_item`: "Politics")
    or an author/time line (`_author_time`: "August 7, 2012 6:00 AM Dean Takahashi"),
    as a list of other stories prints them: such a run opens with a headline, holds
    `_HEADLINES` of them or more, and counts `minimum` lines with its labels and times
    (right under the story it leaves a sign-off and a name: `_past_sign_off`).
    Before the first prose paragraph a run is of headlines alone (a story's headline
    stands right under a menu there, its byline under it), and goes when it ends at
    least `near` lines before that paragraph (the story's headline, standfirst or
    byline stand there, and a markdown title ends a run). A run that is the story's own
    list stays (`_story_list`)."""
    kinds: Kinds = [None] * len(lines)
    prose = [is_prose(line) for line in lines]
    if True not in prose:
        return kinds  # no story to stand outside of: leave it to the model
    first, last = prose.index(True), len(prose) - 1 - prose[::-1].index(True)
    sides = ((0, max(first - near, 0), False), (last + 1, len(lines), True))
    headline = [False] * len(lines)  # read only outside the story
    label = [False] * len(lines)  # a section label after the story (a menu entry)
    member = [False] * len(lines)  # what a run may hold
    for start, end, tail in sides:
        for index in range(start, end):
            line = lines[index]
            headline[index] = _headline_like(line) and not (
                index + 1 < len(lines) and _opens_lower(lines[index + 1])
            )
            label[index] = tail and not headline[index] and _menu_item(line)
            member[index] = headline[index] or label[index] or (tail and _author_time(line))
    story: set[str] | None = None
    for start, end, tail in sides:
        run_start = start
        while run_start < end:
            if not member[run_start]:
                run_start += 1
                continue
            run_end = run_start
            while run_end < end and member[run_end]:
                run_end += 1
            found, run_start = _trimmed_run(headline, label, run_start, run_end), run_end
            if tail and found[0] == last + 1:
                found = _past_sign_off(headline, *found)
            if found[1] - found[0] < minimum or sum(headline[found[0] : found[1]]) < _HEADLINES:
                continue
            if tail and not all(_words(line) <= 3 for line in lines[found[1] :]):
                continue
            if story is None:
                story = set().union(*(_topic_words(line) for line, is_story
                                      in zip(lines, prose, strict=True) if is_story))  # fmt: skip
            titles = lines[found[0] : found[1]]
            before = plain_once(lines[found[0] - 1]) if found[0] > 0 else ""
            if not _story_list(titles, before, story):
                kinds[found[0] : found[1]] = ["related"] * (found[1] - found[0])
    return kinds


def _trimmed_run(headline: list[bool], label: list[bool], start: int, end: int) -> tuple[int, int]:
    """The run of lines `start`..`end` from its first headline to its last headline or
    author/time line: a label or an author/time line before it is the story's own
    closing line (a sign-off, "Posted by ... at 5:00 AM") as often as a list's heading,
    and the labels after it are short lines the other layers judge ("Share", "Top")."""
    while start < end and not headline[start]:
        start += 1
    while end > start and label[end - 1]:
        end -= 1
    return start, end


def _past_sign_off(headline: list[bool], start: int, end: int) -> tuple[int, int]:
    """A run right under the story's last paragraph whose one label or time line
    stands under its first line starts at the line after that: the two are the story's
    sign-off and its writer's name ("Yours truly" / "Anna Berger") over a list printed
    without labels (a list that prints them has one to each item)."""
    if start + 1 < end and not headline[start + 1] and all(headline[start + 2 : end]):
        start += 2
    return start, end


def _story_list(titles: list[str], before: str, story: set[str]) -> bool:
    """A run's headline-like lines `titles` are the story's own list: the line `before`
    the run is a sentence that introduces it (`_introduces`); an item repeats (a table's
    column, not other stories' titles); or they speak of what the story's prose does
    (`story`, its `_topic_words`): half or more of their words are the story's, or
    every line shares one with it (a list that sums the story up, its subheadings)."""
    if _introduces(before) or len(set(titles)) < len(titles):
        return True
    topics = [_topic_words(line) for line in titles]
    words = set().union(*topics)
    return len(words & story) >= len(words) * _STORY_SHARE or all(
        not story.isdisjoint(line_words) for line_words in topics
    )


@lru_cache(maxsize=4096)
def _menu_item(line: str) -> bool:
    """One to three words with a capital first, no digit, comma or sentence punctuation:
    an entry of a menu or a category list."""
    if len(line) > 60:
        return False
    text = plain_once(line)
    words = text.split()
    return (
        1 <= len(words) <= 3
        and text[:1].isupper()
        and "," not in text  # "Platzwechsel, langsam erklärt": a title, not a label
        and not any(map(str.isdigit, text))
        and not _ends_clause(text)
        and not text.endswith(":")
    )


def menu_runs(lines: list[str], *, minimum: int = 4) -> Kinds:
    """Runs of `minimum` or more menu entries before the story or after it: navigation
    and category lists."""
    kinds: Kinds = [None] * len(lines)
    prose = [is_prose(line) for line in lines]
    if not any(prose):
        return kinds
    first, last = prose.index(True), len(prose) - 1 - prose[::-1].index(True)
    for start, end in ((0, first), (last + 1, len(lines))):
        run_start = start
        while run_start < end:
            if not _menu_item(lines[run_start]):
                run_start += 1
                continue
            run_end = run_start
            while run_end < end and _menu_item(lines[run_end]):
                run_end += 1
            if run_end - run_start >= minimum:
                kinds[run_start:run_end] = ["navigation"] * (run_end - run_start)
            run_start = run_end
    return kinds


def _author_time(line: str) -> bool:
    """A comment's signature or header: a name with a time or date, little else."""
    return _marker_shape(line) is not None


@lru_cache(maxsize=4096)
def _marker_shape(line: str) -> tuple[bool, bool, bool, bool] | None:
    """Of an author/time line (`_author_time`), what it is made of: words besides the
    moment (a name, a cue), a date, a clock time, a relative time; None for any other
    line. A site writes all its
    comments' author/time lines alike, so a thread's lines share their shape."""
    if len(line) > _SHORT_CHARS:
        return None
    # Dates and times hold a digit; an ASCII line's plain form has no digit or "ago" its
    # raw form lacks, so most lines are settled before they are read.
    if line.isascii() and "ago" not in line and not _DIGIT.search(line):
        return None
    text = plain_once(line)
    words = len(text.split())
    if words > 16 or words < 2:
        return None
    if not _DIGIT.search(text) and " ago" not in text:
        return None
    folded = text.casefold()
    undated = _DATE.sub(" ", folded) if holds_date(folded) else folded
    dated = undated != folded
    timed = bool(_TIME.search(undated))  # "29.02" of a date is no clock time
    relative = bool(_RELATIVE_TIME.search(folded))
    if not (dated or timed or relative):
        return None
    rest = _TIME.sub(" ", undated)
    rest_words = len(re.findall(r"[^\W\d_]+", rest))
    if rest_words > 7:
        return None
    cue = bool(_AUTHOR_CUES.search(folded))
    # A name and a moment: a date with a clock time, or "3 days ago"; or a cue word.
    if cue or (dated and timed) or (relative and rest_words <= 4):
        return (rest_words > 0, dated, timed, relative)
    return None


@lru_cache(maxsize=4096)
def _cued(line: str) -> bool:
    """An author/time line that names its role ("Posted by", "says", "wrote", "Reply")
    and is no sentence or clause ("Police said the fire started at 9:49pm on January
    8, 2008." is a story's line)."""
    text = plain_once(line)
    return not _ends_clause(text) and bool(_AUTHOR_CUES.search(text.casefold()))


def comment_threads(
    lines: list[str],
    *,
    minimum: int = 2,
    gap: int = 4,
    cued_gap: int = 60,
    forums: bool = True,
) -> Kinds:
    """Two or more author/time lines of one shape (`_marker_shape`), at most `gap` lines
    apart (`cued_gap` where both name their role, "Posted by: ... 9:49pm January 08,
    2008": long comments part an old blog's signatures by many paragraphs), after the
    story began: a comment thread. The thread runs from the first
    comment to the last one's body, but not over a comment's body that only a prose
    paragraph parts from the rest of the text (the story's own paragraph, maybe): the
    first comment's body, of signatures, when a prose paragraph stands right before it;
    the last one's, of headers, when one follows it.
    With `forums`, a text whose head (the lines before its first author/time line)
    shares a line with the rest is a forum page, the head one of its posts (a user's
    rank or signature recurs): its posts are its content, and nothing is found."""
    kinds: Kinds = [None] * len(lines)
    prose = [is_prose(line) for line in lines]
    if not any(prose):
        return kinds
    first_story = prose.index(True)
    markers = [
        index for index, line in enumerate(lines) if index > first_story and _author_time(line)
    ]
    if forums and markers and not set(lines[: markers[0]]).isdisjoint(lines[markers[0] :]):
        return kinds
    groups: list[list[int]] = []
    for index in markers:
        apart = index - groups[-1][-1] - 1 if groups else None
        near = apart is not None and (
            apart <= gap
            or (apart <= cued_gap and _cued(lines[index]) and _cued(lines[groups[-1][0]]))
        )
        if near and _marker_shape(lines[index]) == _marker_shape(lines[groups[-1][0]]):
            groups[-1].append(index)
        else:
            groups.append([index])
    for group in groups:
        if len(group) < minimum:
            continue
        steps = [after - before for before, after in zip(group, group[1:], strict=False)]
        body = max(min(steps) - 1, 1)
        tail = len(lines) - 1 - group[-1]
        if tail == 0 or all(_words(line) <= 3 for line in lines[group[-1] + 1 :]):
            start, end = max(group[0] - body, first_story + 1), len(lines)  # signatures
            if prose[start - 1]:
                # Nothing parts the story from the first comment's body: that "body"
                # may be the story's last paragraph, so the thread starts at its first
                # signature.
                start = group[0]
        else:
            start, end = group[0], min(group[-1] + 1 + body, len(lines))  # headers
            if end < len(lines) and prose[end]:
                # The story resumes after the last comment's body: that "body" may be
                # the story's own paragraph, so the thread ends at its last comment.
                end = group[-1] + 1
        kinds[start:end] = ["comments"] * (end - start)
    return kinds


def _pipe_row(line: str) -> bool:
    if len(line) > _SHORT_CHARS or ("|" not in line and "¦" not in line):
        return False
    text = plain_once(line)
    if line.lstrip().startswith("|"):  # a markdown table row: story
        return False
    return _short_cells([cell for cell in _PIPES.split(text) if cell], text)


def _short_cells(cells: list[str], text: str) -> bool:
    """Three or more cells of at most six words each, in a row whose `text` is under a
    quarter digits and does not end like a clause."""
    if len(cells) < 3 or max(len(cell.split()) for cell in cells) > 6:
        return False
    digits = sum(char.isdigit() for char in text)
    return digits < len(text) / 4 and not _ends_clause(text)


# Cells of a table row as trafilatura writes one ("| cell | cell |"); a pipe written
# inside a cell comes out escaped ("\\|") and parts a layout row's cells too.
_ROW_CELLS = re.compile(r"\s*\\?[|¦]\s*")


def _layout_row(line: str) -> bool:
    """A table row of three or more short cells, as a table-layout page's navigation
    bar or toolbar comes out ("| Complete coverage | | Photo archive | | Video archive
    |"): `_pipe_row`'s test on the row's cells. Whether it stands alone, not in a data
    table, is for `table_debris` to see."""
    if len(line) > _SHORT_CHARS or not line.lstrip().startswith("|"):
        return False
    text = plain_once(line)
    cells = [cell for cell in _ROW_CELLS.split(text) if cell.strip()]
    return _short_cells(cells, " ".join(cells))


_PREVIOUS, _NEXT = ("«", "‹"), ("»", "›")


def _entry_navigation(line: str) -> bool:
    """A blog entry's previous/next bar: two or three cells parted by pipes, the first
    opening with « (the previous entry's title) or the last closing with » (the next
    one's), "« Older post title | Main | Newer post title »"."""
    if len(line) > _SHORT_CHARS or "|" not in line or line.lstrip().startswith("|"):
        return False
    cells = [cell.strip() for cell in line.split("|")]
    if not 2 <= len(cells) <= 3 or not all(cells):
        return False
    first, last = cells[0], cells[-1]
    previous = first.startswith(_PREVIOUS) and not any(mark in first for mark in _NEXT)
    following = last.endswith(_NEXT) and not any(mark in last for mark in _PREVIOUS)
    return previous or following


def _dated_headline(line: str) -> bool:
    if len(line) > _SHORT_CHARS:
        return False
    # As in `_marker_shape`: an ASCII line's plain form has no digit or "ago" its raw
    # form lacks, and without a digit only "... ago" can be a relative time.
    if line.isascii() and not _DIGIT.search(line) and "ago" not in line.lower():
        return False
    text = plain_once(line)
    folded = text.casefold()
    if not _relative_cue(folded):
        return False
    return _words(text) <= 25 and bool(_RELATIVE_TIME.search(folded)) and not is_prose(line)


# Cells of a row of actions: separated by a pipe, a slash, a bullet or a middle dot
# with space around it.
_ACTION_CELLS = re.compile(r"\s+[|¦/•·]\s+|\s*[|¦]\s*")
_ACTION_MARK = re.compile("[|¦/•·]")


def _action_row(line: str) -> bool:
    """A toolbar of two or more short cells, each opening with an imperative verb
    (`features.CALL_TO_ACTION`): "Print article / Refer to a friend"."""
    if len(line) > _SHORT_CHARS or not _ACTION_MARK.search(line):
        return False
    text = plain_once(line)
    cells = [cell for cell in _ACTION_CELLS.split(text) if cell.strip()]
    if len(cells) < 2:
        return False
    for cell in cells:
        words = cell.casefold().split()
        first = _FIRST_WORD.match(words[0]) if words else None
        if len(words) > 4 or first is None or first.group(0) not in CALL_TO_ACTION:
            return False
    return not _ends_clause(text)


def table_debris(lines: list[str]) -> Kinds:
    """Pipe-separated navigation rows, rows of actions ("Print article / Refer to a
    friend") and a blog entry's previous/next bar; a table row of short cells that no
    other table row stands beside (a layout table's navigation bar, not a row of a data
    table); runs of two or more "N days ago | headline" lines; runs of three or
    more "Month YYYY" archive lines; after the story, a layout table's labels a cell a
    row (`_cells_after_story`)."""
    # Every shape is of a short line that holds a cue (`_debris_cue`): no other is read.
    shapes = [
        _debris_shape(line) if len(line) <= _SHORT_CHARS and _debris_cue(line) else _NO_SHAPE
        for line in lines
    ]
    if shapes.count(_NO_SHAPE) == len(shapes) and not any("|" in line for line in lines):
        return [None] * len(lines)
    kinds: Kinds = ["navigation" if row else None for row, _dated, _archive, _layout in shapes]
    for index, (_row, _dated, _archive, layout) in enumerate(shapes):
        if layout and not _in_data_table(lines, index):
            kinds[index] = "navigation"
    _mark_runs(kinds, [dated for _row, dated, _archive, _layout in shapes], 2, "related")
    _mark_runs(kinds, [archive for _row, _dated, archive, _layout in shapes], 3, "navigation")
    for index in _cells_after_story(lines):
        kinds[index] = kinds[index] or "navigation"
    return kinds


# A markdown list item's mark before a table row ("- | Latest Book |"): a scrape's
# markdown may set a layout table's row as an item of a list.
_ITEM_MARK = re.compile(r"\s*[-*+]\s+(?=\|)")
# The most words of a cell of a layout table's lone label ("| Latest Book |").
_LABEL_CELL_WORDS = 8


def _row_cells(line: str) -> list[str] | None:
    """The non-blank cells of a table row ("| cell | | cell |", a list item's mark
    before it allowed), or None for a line that is no table row."""
    if len(line) > _SHORT_CHARS or "|" not in line:
        return None
    row = _ITEM_MARK.sub("", line, count=1)
    if not row.lstrip().startswith("|"):
        return None
    return [cell for cell in _ROW_CELLS.split(plain_once(row)) if cell.strip()]


def _cells_after_story(lines: list[str]) -> list[int]:
    """After the story's last prose paragraph, the table rows of a layout table's
    labels: one or two short cells (`_LABEL_CELL_WORDS` words at most, no sentence) in a
    row no other row stands beside, or one such cell in a row whose neighbouring rows
    hold one cell too ("| Latest Book |", "| | | Anna Berger | | |"): a page's side
    column or footer, printed a cell a row. A data table's rows stand together with two
    cells or more each; before the story and between its paragraphs a row of one cell
    may be its headline or a caption, and is left."""
    cells = [_row_cells(line) if "|" in line else None for line in lines]
    if cells.count(None) == len(cells):
        return []
    prose = [is_prose(line) for line in lines]
    last = len(lines) - 1 - prose[::-1].index(True) if True in prose else -1
    found = []
    for index in range(last + 1, len(lines)):
        row = cells[index]
        if not row or len(row) > 2 or sentence(lines[index]):
            continue
        if max(len(cell.split()) for cell in row) > _LABEL_CELL_WORDS:
            continue
        beside = [cells[near] for near in (index - 1, index + 1)
                  if 0 <= near < len(lines) and cells[near] is not None]  # fmt: skip
        if not beside or (len(row) == 1 and all(len(other) <= 1 for other in beside)):
            found.append(index)
    return found


def _in_data_table(lines: list[str], index: int) -> bool:
    """A table row with another table row right before or after it."""
    return any(
        0 <= near < len(lines) and lines[near].lstrip().startswith("|")
        for near in (index - 1, index + 1)
    )


@lru_cache(maxsize=4096)
def _debris_shape(line: str) -> tuple[bool, bool, bool, bool]:
    """Of one line: a pipe-separated row, a row of actions, an entry's previous/next
    bar or an archive list's row; an "N days ago | headline" line; a month of an
    archive list; a table row of short cells (`_layout_row`)."""
    if len(line) > _SHORT_CHARS:
        return _NO_SHAPE  # every shape is of a line of at most _SHORT_CHARS characters
    # Every row shape holds one of these marks: most lines are settled by looking for them
    # (a substring test each, faster than a set test of every character).
    marked = "|" in line or "/" in line or "•" in line or "·" in line or "¦" in line
    row = marked and (
        _pipe_row(line) or _action_row(line) or _entry_navigation(line) or _archive_row(line)
    )
    return row, _dated_headline(line), _archive_entry(line), marked and _layout_row(line)


_NO_SHAPE = (False, False, False, False)
_ASCII_DEBRIS_MARKS = re.compile(r"[|/\d]")


def _debris_cue(line: str) -> bool:
    """What a line with a debris shape holds: a character outside ASCII (the marks ¦ • ·
    among them), a pipe, a slash, a digit or "ago" (`_dated_headline` and `_archive_entry`
    read an ASCII line further only with a digit or "ago")."""
    return not line.isascii() or bool(_ASCII_DEBRIS_MARKS.search(line)) or "ago" in line.lower()


def _archive_entry(line: str) -> bool:
    """ "March 2008", "März 2008 (12)": a month of an archive list (`_ARCHIVE`)."""
    if len(line) >= 40 or (line.isascii() and not _DIGIT.search(line)):
        return False  # an archive's month has its year (an ASCII line's digits are its own)
    return bool(_ARCHIVE.match(plain_once(line).casefold()))


def _archive_row(line: str) -> bool:
    """ "January 2008 | December 2007 | November 2007": an archive list on one line."""
    if len(line) > _SHORT_CHARS or (line.isascii() and not _DIGIT.search(line)):
        return False
    return bool(_ARCHIVE_ROW.match(plain_once(line).casefold()))


def _mark_runs(kinds: Kinds, flags: list[bool], minimum: int, kind: str) -> None:
    """Runs of `minimum` or more flagged lines, not yet of a kind, become `kind`."""
    start = 0
    while start < len(flags):
        if not flags[start]:
            start += 1
            continue
        end = start
        while end < len(flags) and flags[end]:
            end += 1
        if end - start >= minimum:
            for index in range(start, end):
                kinds[index] = kinds[index] or kind
        start = end


_FIRST_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=4096)
def _calls_to_action(line: str) -> bool:
    """A short line that opens with an imperative verb or holds an action phrase."""
    if len(line) > _SHORT_CHARS:
        return False
    text = plain_once(line).casefold()
    if len(text.split(None, 15)) > 15:
        return False
    first = _FIRST_WORD.match(text)
    if first and first.group(0) in CALL_TO_ACTION:
        return True
    return _action_cue(text) and bool(_ACTION_PHRASES.search(text))


# The most words of a line whose place ("Lisbon, Portugal") is a promo's signal.
PLACE_WORDS = 10


@lru_cache(maxsize=4096)
def _promo_signals(line: str) -> tuple[bool, bool, bool]:
    """A call to action, a date, a place: what a promo is made of. The date of an
    author/time line (a byline, a comment's signature) is no promo's date, and a
    place is looked for outside the dates ("Tuesday, December 6" is none), and only in
    a line of at most PLACE_WORDS words (a source note names a publisher's city too)."""
    text = plain_once(line)
    holds = holds_date(text, _MONTH_DATE_ANY_CASE)  # _DATE_ANY_CASE finds something
    placed = False
    if _words(line) <= PLACE_WORDS:
        undated = _DATE_ANY_CASE.sub(" ", text) if holds else text
        placed = bool(_PLACE.search(undated))
    return _calls_to_action(line), holds and not _author_time(line), placed


def promo_signal(line: str) -> bool:
    """The line holds a promo's signal: a call to action, a date or a place."""
    return any(_promo_signals(line))


# A markdown document title: "# Headline" (one "#").
MARKDOWN_TITLE = re.compile(r"\s*#\s+\S")


def _only_title(lines: list[str], near: Collection[int]) -> int | None:
    """The index of the text's one markdown document title, if it is among `near`."""
    if not any(MARKDOWN_TITLE.match(lines[index]) for index in near):
        return None
    titles = [index for index, line in enumerate(lines) if MARKDOWN_TITLE.match(line)]
    return titles[0] if len(titles) == 1 else None


def promos(lines: list[str], *, block: int = 3, max_words: int = 40) -> Kinds:
    """Short blocks (up to `block` short lines, none prose or a full sentence, of
    `max_words` words, each with a signal) with a call to action and a date or a place,
    or two calls to action. A text's one markdown title ("# Headline") is the story's,
    no promo's line, whatever a share bar or a date beside it says."""
    kinds: Kinds = [None] * len(lines)
    # Every promo holds a call to action on one of its short lines: only blocks near
    # one are looked at.
    actions = [index for index, line in enumerate(lines)
               if not is_prose(line) and _calls_to_action(line)]  # fmt: skip
    if not actions:
        return kinds
    near: set[int] = set()
    for index in actions:
        near.update(range(max(index - block + 1, 0), min(index + block, len(lines))))
    short = [False] * len(lines)
    signals = [(False, False, False)] * len(lines)
    for index in near:
        line = lines[index]
        short[index] = not is_prose(line) and _words(line) <= PROSE_WORDS and not sentence(line)
        if short[index]:
            signals[index] = _promo_signals(line)
    title = _only_title(lines, near)
    if title is not None:
        short[title] = False
    for start in sorted(near):
        for end in range(start + 1, min(start + block, len(lines)) + 1):
            span = signals[start:end]
            if not all(short[start:end]) or not all(any(signal) for signal in span):
                break
            actions = sum(signal[0] for signal in span)
            dated = any(signal[1] for signal in span)
            placed = any(signal[2] for signal in span)
            words = sum(_words(line) for line in lines[start:end])
            promo = actions >= 2 or (actions >= 1 and (dated or placed) and end - start > 1)
            promo = promo or (actions >= 1 and dated and placed)
            if words <= max_words and promo:
                kinds[start:end] = ["promo"] * (end - start)
    return kinds


# A heading that names whose bio follows: "About Anna Berger", "Über Anna", "À propos
# de Anna Berger", "About the author: Anna Berger" (one to four words of a name).
_BIO_HEADING = re.compile(
    r"^(?:about|über|à propos de|sobre|acerca de)(?: the author:?)? "
    r"(?P<name>[^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*){0,3})$",
    re.IGNORECASE,
)
# A bio box's paragraph names its writer among its first words ("Dr. Anna Berger is").
_BIO_OPENING_WORDS = 4
# The short lines under a bio's paragraph that may name the writer again ("View all
# posts by Anna Berger", "Follow Anna on X").
_BIO_TAIL = 2
# A bio heading is short: longer lines are not read for one.
_BIO_HEADING_CHARS = 80


def _bio_cue(line: str) -> bool:
    """What every match of _BIO_HEADING holds; looked for first, as it is much cheaper."""
    lowered = line.lower()
    return (
        "about" in lowered or "über" in lowered or "propos" in lowered or "sobre" in lowered
        or "acerca" in lowered
    )  # fmt: skip


def _bio_name(line: str) -> set[str]:
    """The words of the name a bio heading ("About Anna Berger") gives, folded; empty for
    any other line (a markdown title, a name in lower case: "about three days")."""
    if len(line) > _BIO_HEADING_CHARS or not _bio_cue(line) or MARKDOWN_TITLE.match(line):
        return set()
    found = _BIO_HEADING.match(plain_once(line).strip())
    if found is None:
        return set()
    words = found.group("name").split()
    if not all(word[0].isupper() for word in words):
        return set()
    return {word.casefold() for word in words if len(word) > 2}


def _names(line: str, name: set[str]) -> bool:
    """The line holds a word of `name` (folded words, as `_bio_name` gives them)."""
    return not name.isdisjoint(re.findall(r"[^\W\d_]+", plain_once(line).casefold()))


def author_bios(lines: list[str]) -> Kinds:
    """A bio box: a heading that names a person ("About Anna Berger"), the paragraph
    right under it (a short line, a role, may stand between) whose first words name
    them, and the short lines under it that name them again ("View all posts by Anna
    Berger"). Where the text's other prose names them too, the text is about them (a
    profile, an interview), and nothing is found."""
    kinds: Kinds = [None] * len(lines)
    for index, line in enumerate(lines):
        name = _bio_name(line)
        if not name:
            continue
        paragraph = next((position for position in range(index + 1, min(index + 3, len(lines)))
                          if is_prose(lines[position])), None)  # fmt: skip
        if paragraph is None:
            continue
        opening = " ".join(plain_once(lines[paragraph]).split()[:_BIO_OPENING_WORDS])
        if not _names(opening, name):
            continue
        # The same box printed again (above and below the story) is no other prose.
        others = (other for other in lines if other != lines[paragraph] and is_prose(other))
        if any(_names(other, name) for other in others):
            continue
        end = paragraph + 1
        while (end < len(lines) and end - paragraph <= _BIO_TAIL and not is_prose(lines[end])
               and _names(lines[end], name)):  # fmt: skip
            end += 1
        kinds[index:end] = ["bio"] * (end - index)
    return kinds


# The story under a markdown scrape's title holds this many times the prose words
# above it, or more (a promo's or a cookie notice's paragraph may stand above).
_TITLE_WEIGHT = 4
# A prose paragraph above the title with this share of its topic words or more in the
# title and the story's prose under it speaks of the story: its standfirst or lead
# (another page's paragraph seldom shares that much; docs/boilerplate.md).
_STANDFIRST_SHARE = 1 / 3


def head_before_title(lines: list[str]) -> Kinds:
    """A markdown scrape's lines above its title: where a text holds exactly one
    document title ("# Headline") and the prose under it outweighs the prose above it
    `_TITLE_WEIGHT` times, the lines above the title are the page's header, menus and
    widgets (a scraped page's markdown starts where the page does, the story where its
    title is). A prose paragraph above goes too unless it speaks of what the title and
    the story do (`_speaks_of`: a standfirst set above the title); one that does not is
    another page's text (a promo's, a bio's, a teaser's, a cookie notice's)."""
    kinds: Kinds = [None] * len(lines)
    titles = [index for index, line in enumerate(lines) if MARKDOWN_TITLE.match(line)]
    if len(titles) != 1 or titles[0] == 0:
        return kinds
    title = titles[0]
    above = sum(_words(line) for line in lines[:title] if is_prose(line))
    below = sum(_words(line) for line in lines[title + 1 :] if is_prose(line))
    if not below or above * _TITLE_WEIGHT > below:
        return kinds
    story: frozenset[str] | None = None  # read only for a prose paragraph above
    for index in range(title):
        if is_prose(lines[index]):
            if story is None:
                story = _topic_words(lines[title]).union(
                    *(_topic_words(line) for line in lines[title + 1 :] if is_prose(line))
                )
            if _speaks_of(lines[index], story):
                continue
        kinds[index] = "header"
    return kinds


# Right under the story's last prose paragraph stand its own closing lines as often as
# a page's: a sign-off, a credit, a link to more ("A complete analysis is here").
_SIGN_OFF_LINES = 1
# A person's name alone on a line (two to four capitalised words, initials allowed) or
# a line crediting someone ("Photo by …", "Via MacRumors"): the story's writer or credit
# under its sign-off.
_PERSON = re.compile(r"^[-–—]*\s*[A-ZÀ-Ý][\w'’-]+(?:\s+(?:[A-ZÀ-Ý]\.|[A-ZÀ-Ý][\w'’-]+)){1,3}$")
_CREDIT_CUE = re.compile(r"\b(?:by|via|von|par|por)\b", re.IGNORECASE)
# A line opening with a digit, of this many words at most, is a quantity ("390 kcal",
# "200 g sugar"); two of them are a recipe's ingredients or its nutrition facts.
_QUANTITY_WORDS = 4


def tail_after_story(lines: list[str]) -> Kinds:
    """A scrape's lines after the story: past its last prose paragraph and the
    `_SIGN_OFF_LINES` under it (a sign-off, a credit), the rest of the text is the
    page's (a list of other stories, a player's labels, a footer) when none of its
    topic words (`_topic_words`) is in the story's prose and none of it reads as the
    story's own (`_story_end`). A name or a credit where that rest begins (`_PERSON`,
    `_CREDIT_CUE`) is the story's writer, and stays."""
    kinds: Kinds = [None] * len(lines)
    prose = [is_prose(line) for line in lines]
    if True not in prose:
        return kinds
    start = len(prose) - prose[::-1].index(True) + _SIGN_OFF_LINES
    if start >= len(lines):
        return kinds
    opening = plain_once(lines[start])
    if _PERSON.match(opening) or _CREDIT_CUE.search(opening):
        start += 1
    rest = lines[start:]
    if not rest or _story_end(rest):
        return kinds
    words = frozenset().union(*map(_topic_words, rest))
    story = [_topic_words(line) for line, is_story in zip(lines, prose, strict=True) if is_story]
    if not words or not any(story) or any(not words.isdisjoint(topics) for topics in story):
        return kinds
    kinds[start:] = ["footer"] * len(rest)
    return kinds


def _story_end(rest: list[str]) -> bool:
    """The lines after a story's sign-off read as its own: a line is a full sentence or
    ends as one, a table row (`table_debris` judges rows), two neighbouring `label:
    value` facts (a fact box), or two quantities (`_QUANTITY_WORDS`: ingredients,
    nutrition facts)."""
    texts = [plain_once(line) for line in rest]
    if any(sentence(line) or ends_with_mark(text) for line, text in zip(rest, texts, strict=True)):
        return True
    if any(_row_cells(line) is not None for line in rest):
        return True
    facts = [bool(_LABEL_VALUE.match(text)) for text in texts]
    if any(fact and after for fact, after in zip(facts, facts[1:], strict=False)):
        return True
    quantities = sum(text[:1].isdigit() and len(text.split()) <= _QUANTITY_WORDS for text in texts)
    return quantities >= 2


# A reader's comment, by the lines a comment system prints around it: its header (a
# name or handle with "says:", "said...", or a dash, as WordPress, Blogger and Disqus
# themes print it; Slashdot's "by handle (12345)") and its buttons.
_COMMENT_CUE_WORDS = 6
_COMMENT_HEADER = re.compile(
    r"(?:[^/]{1,30} / )?(?P<name>[^\s:]+(?: [^\s:]+){0,2}) (?:says|sagt|schreibt|dice|dit|a écrit)"
    r" ?:|(?P<said>[^\s:]+(?: [^\s:]+){0,2}) said(?:\.\.\.|…)"
    r"|by [^\s()]{2,40} \(\d+\)",
    re.IGNORECASE,
)
# A header of capitalised name words and a closing dash ("Tomas —"), with the comment
# under it; a story's label set so ("Update —") is no name.
_DASH_HEADER = re.compile(r"(?P<name>[A-ZÀ-Ý][\w'’.-]*(?: [A-ZÀ-Ý][\w'’.-]*){0,3}) [—–]")
_COMMENT_ACTION = re.compile(
    r"reply to this|flag as inappropriate|report (?:abuse|this comment|comment)"
    r"|please rate this comment:? \d+ \d+|antworten|répondre|responder",
    re.IGNORECASE,
)
# Words that open a clause, not a reader's name ("The company says:", "He says:").
_NOT_A_NAME = frozenset(
    "the a an this that it he she they we you i his her their our its der die das er sie es"
    " wir le la les il elle on el los las ella update correction note clarification"
    " disclosure editor's".split()
)


def _comment_cue(folded: str) -> bool:
    """What every match of _COMMENT_HEADER and _COMMENT_ACTION holds (the line folded);
    looked for first, as it is much cheaper."""
    return (
        "say" in folded or "sagt" in folded or "schreibt" in folded or "dice" in folded
        or "dit" in folded or "écrit" in folded or "said" in folded or "by " in folded
        or "repl" in folded or "flag" in folded or "report" in folded or "rate" in folded
        or "antworten" in folded or "répondre" in folded or "responder" in folded
    )  # fmt: skip


def _comment_header(text: str) -> bool:
    """The line (plain) is a comment's header: a name or handle of one to three words
    with "says:" / "said..." (none of them a word that opens a clause), or Slashdot's
    "by handle (12345)"."""
    found = _COMMENT_HEADER.fullmatch(text)
    if found is None:
        return False
    name = found.group("name") or found.group("said")
    return name is None or _NOT_A_NAME.isdisjoint(name.casefold().split())


def _dash_header(text: str) -> bool:
    found = _DASH_HEADER.fullmatch(text)
    return found is not None and _NOT_A_NAME.isdisjoint(found.group("name").casefold().split())


def comment_lines(lines: list[str]) -> Kinds:
    """A reader's comment's own lines, wherever they stand: its header (`_comment_header`;
    a name with a closing dash, `_DASH_HEADER`, only over a prose paragraph or another
    header: the comment) and its buttons ("Reply to This", "Flag as Inappropriate",
    "Please rate this comment: 4 2"). The comment's text is a reader's prose, in the
    shape of the story's own, and stays."""
    headers = [False] * len(lines)
    dashes = [False] * len(lines)
    for index, line in enumerate(lines):
        if len(line) > _SHORT_CHARS or _words(line) > _COMMENT_CUE_WORDS:
            continue
        text = plain_once(line).lstrip("-–•* ").strip()
        if text.endswith(("—", "–")):
            dashes[index] = _dash_header(text)
        elif _comment_cue(text.casefold()) and (
            _comment_header(text) or _COMMENT_ACTION.fullmatch(text)
        ):
            headers[index] = True
    for index in range(len(lines) - 2, -1, -1):
        if dashes[index] and (is_prose(lines[index + 1]) or headers[index + 1]):
            headers[index] = True
    return ["comments" if header else None for header in headers]


# A writer's links under a bio ("View all posts by Anna Berger", "Show full bio") and to
# their profiles ("Follow Dr. Anna Berger on Twitter", "@anna folgen").
_BIO_LINK = re.compile(
    r"(?:view |see )?all posts by .{1,60}|more (?:posts|articles|stories) by .{1,60}"
    r"|(?:zeige )?alle beiträge von .{1,60}|weitere beiträge von .{1,60}"
    r"|tous les articles de .{1,60}|(?:show )?full bio|author(?:'s)? website"
    r"|(?:follow|find|connect with) .{1,40} on (?:twitter|facebook|instagram|linkedin)\.?"
    r"|@\w{2,30} folgen",
    re.IGNORECASE,
)
_BIO_LINK_WORDS = 10


def _bio_link_cue(folded: str) -> bool:
    """What every match of _BIO_LINK holds (the line folded); looked for first, as it is
    much cheaper."""
    return (
        " by " in folded or "beiträge" in folded or "articles" in folded or "bio" in folded
        or "website" in folded or " on " in folded or "folgen" in folded
    )  # fmt: skip


def bio_lines(lines: list[str]) -> Kinds:
    """A writer's bio box's own short lines, wherever they stand: a heading that names
    a person (`_bio_name`: "About Anna Berger", "Über Kathrin") whose paragraph
    `author_bios` did not find, where no prose paragraph of the text names them (a
    profile's subheading), and the writer's links (`_BIO_LINK`)."""
    kinds: Kinds = [None] * len(lines)
    for index, line in enumerate(lines):
        if len(line) > _SHORT_CHARS or _words(line) > _BIO_LINK_WORDS or is_prose(line):
            continue
        text = plain_once(line).lstrip("-–•* ").strip()
        if _bio_link_cue(text.casefold()) and _BIO_LINK.fullmatch(text):
            kinds[index] = "bio"
            continue
        name = _bio_name(line)
        if name and not any(is_prose(other) and _names(other, name) for other in lines):
            kinds[index] = "bio"
    return kinds


def _speaks_of(line: str, story: frozenset[str]) -> bool:
    """`_STANDFIRST_SHARE` or more of the line's topic words (`_topic_words`) are in
    `story`, or it has none to tell by."""
    topics = _topic_words(line)
    return not topics or len(topics & story) >= len(topics) * _STANDFIRST_SHARE


def take_found(
    lines: list[str], indices: list[int], kinds: Kinds, going: Collection[int], confidence: float
) -> tuple[str, list[Removal]]:
    """The text of `lines` without the lines at `going` (indices into `lines`), and a
    removal for each with its kind and `confidence`: a detector's find taken before the
    rules. `kinds[position]` is the kind of the non-blank line `indices[position]`."""
    removed = [Removal(kinds[position], lines[index], confidence)
               for position, index in enumerate(indices) if index in going]  # fmt: skip
    kept = [line for index, line in enumerate(lines) if index not in going]
    return join_kept(kept, longest_gap=longest_blank_run(lines)), removed


DETECTORS: dict[str, Callable[[list[str]], Kinds]] = {
    "comment_threads": comment_threads,
    "table_debris": table_debris,
    "headline_runs": headline_runs,
    "menu_runs": menu_runs,
    "promos": promos,
    "head_before_title": head_before_title,
    "author_bios": author_bios,
    "tail_after_story": tail_after_story,
    "comment_lines": comment_lines,
    "bio_lines": bio_lines,
}


def detect(lines: list[str], names: Collection[str] = tuple(DETECTORS)) -> Kinds:
    """The kind the detectors `names` find for each line (the first detector's wins, in
    the order of DETECTORS)."""
    kinds: Kinds = [None] * len(lines)
    for name, detector in DETECTORS.items():
        if name not in names:
            continue
        found = detector(lines)
        if found.count(None) == len(found):
            continue
        for index, kind in enumerate(found):
            if kinds[index] is None and kind is not None:
                kinds[index] = kind
    return kinds
