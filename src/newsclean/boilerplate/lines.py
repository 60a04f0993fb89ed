"""Line features shared by the rules and the template profile."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from newsclean.text import squeeze

_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_PREFIX = re.compile(r"^(?:#{1,6}\s+|>(?!>)\s*|[-*+•·]\s+)")
# "**", "__", or one "*" or "_" at the start or end of a word. Each branch opens with its
# literal, so the regex engine skips to the next "*" or "_" instead of trying each position.
_MARKDOWN_EMPHASIS = re.compile(
    r"\*(?:\*|(?<!\w\*)(?=\w)|(?<=\w\*)(?!\w))|_(?:_|(?<!\w_)(?=\w)|(?<=\w_)(?!\w))"
)
_TABLE_EDGE_CHARS = "| \t\r\n\xa0"
# Marks that end a sentence, and the closing quotes and brackets that may follow one.
SENTENCE_MARKS = ".!?…。！？"
CLOSING = "\"'”’»)]」"


def ends_with_mark(text: str, marks: str = SENTENCE_MARKS, closing: str = CLOSING) -> bool:
    """`text` ends with one of `marks`, then only `closing` characters: what the regex
    `[marks][closing]*$` finds in a line without a newline, read from the end alone
    (a regex search tries every position of a long paragraph first)."""
    head = text.rstrip(closing)
    return bool(head) and head[-1] in marks


# Cyrillic letters that look like Latin ones; spam and ad lines mix them in to dodge
# filters ("Соntасt uѕ"). Mapped only on lines that also hold Latin letters.
_CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝАВЕКМНОРСТХІЈЅ",
    "aeopcyxijsdhlqwABEKMHOPCTXIJS",
)
_LATIN = re.compile(r"[a-zA-Z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def plain(line: str) -> str:
    """The line as read: NFKC, no markdown links or emphasis, no table pipes at its edges,
    look-alike Cyrillic letters folded in Latin lines, spaces folded."""
    if not line.isascii():  # NFKC keeps ASCII as it is
        line = unicodedata.normalize("NFKC", line).replace("\u2019", "'").replace("\u00ad", "")
        if _holds_cyrillic(line) and _LATIN.search(line):
            line = line.translate(_CONFUSABLES)
    if "](" in line:
        line = _MARKDOWN_LINK.sub(r"\1", line)
    line = line.strip(_TABLE_EDGE_CHARS)
    prefix = _MARKDOWN_PREFIX.match(line)
    if prefix:
        line = line[prefix.end() :]
    if "*" in line or "_" in line:
        line = _MARKDOWN_EMPHASIS.sub("", line)
    return squeeze(line)


# Characters are found faster in a line's UTF-8 bytes (a byte deletion) than by a
# character class over the line. Cyrillic (U+0400-U+04FF) is the lead bytes D0-D3.
_CYRILLIC_LEADS = bytes(range(0xD0, 0xD4))


def _holds_cyrillic(line: str) -> bool:
    """`bool(_CYRILLIC.search(line))`, read in the line's UTF-8 bytes."""
    data = line.encode("utf-8", errors="surrogatepass")
    return len(data.translate(None, _CYRILLIC_LEADS)) != len(data)


@lru_cache(maxsize=8192)
def plain_once(line: str) -> str:
    """`plain(line)`, remembered: the structural detectors, the classifier's features and
    its guards each read every line in its plain form, several times per text."""
    return plain(line)


def fold(line: str) -> str:
    """Casefolded plain form, used for rule matching and comparisons."""
    return plain(line).casefold()


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def word_count(line: str) -> int:
    """Words in the line; in scripts written without spaces, two characters count as one."""
    return len(line.split()) + (0 if line.isascii() else _unspaced_count(line) // 2)


def bounded_word_count(line: str, limit: int) -> int:
    """`word_count(line)` when it is at most `limit`, else `limit + 1`.

    Stops splitting after `limit` words, so a long paragraph costs no more than a short
    line: most callers only ask whether a line is short.
    """
    # Fewer than `limit` splits: the split was complete.
    return _bounded(line, len(line.split(None, limit)), limit)


def bounded_plain_word_count(text: str, limit: int) -> int:
    """`bounded_word_count(text, limit)` of a line in its `plain` form, whose words are
    parted by single spaces: counted without splitting it."""
    return _bounded(text, text.count(" ") + 1 if text else 0, limit)


def plain_word_count(text: str) -> int:
    """`word_count(text)` of a line in its `plain` form, whose words are parted by single
    spaces: counted without splitting it (a long paragraph's split costs more than its
    spaces' count)."""
    if not text:
        return 0
    words = text.count(" ") + 1
    return words if text.isascii() else words + _unspaced_count(text) // 2


def _bounded(line: str, words: int, limit: int) -> int:
    """The bounded word count of a line of `words` space-parted words (exact up to
    `limit`), with its unspaced scripts counted in. Unspaced scripts are not ASCII."""
    if words > limit:
        return limit + 1
    if line.isascii():
        return words
    return min(words + _unspaced_count(line) // 2, limit + 1)


# The lead bytes, in UTF-8, of the characters _UNSPACED finds (U+0E00-U+0E7F: E0;
# U+3040-U+30FF, U+3400-U+9FFF, U+AC00-U+D7AF: E3-ED) and of some others.
_UNSPACED_LEADS = bytes([0xE0, *range(0xE3, 0xEE)])


def _unspaced_count(line: str) -> int:
    """`len(_UNSPACED.findall(line))`: 0 at once for a line without their lead bytes."""
    data = line.encode("utf-8", errors="surrogatepass")
    if len(data.translate(None, _UNSPACED_LEADS)) == len(data):
        return 0
    return len(_UNSPACED.findall(line))


# A line of this many words reads as prose, however it ends.
PROSE_WORDS = 25
_PROSE_MARKS = SENTENCE_MARKS + ":;"


def is_prose(line: str, words: int | None = None) -> bool:
    """A line that reads like a story paragraph: long, or a full sentence of 8+ words.

    `words`, if the caller has it, is `bounded_word_count(line, PROSE_WORDS)`.
    """
    if words is None:
        words = bounded_word_count(line, PROSE_WORDS)
    if words >= PROSE_WORDS:
        return True
    return words >= 8 and ends_with_mark(line.rstrip(), _PROSE_MARKS)


# A line of this many words that ends a sentence reads as one of the story's sentences.
SENTENCE_WORDS = 6
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…。！？])\s+")


def is_sentence(line: str) -> bool:
    """A line that holds a full sentence: six or more words ending in . ! or ?, alone or
    after another sentence. The learned layers never take one (a lost story sentence is
    worse than a kept promo line); the rules, which name their phrases, may."""
    if len(line.split(None, SENTENCE_WORDS - 1)) < SENTENCE_WORDS or not any(
        mark in line for mark in ".!?…。！？"
    ):
        return False
    return any(
        len(part.split(None, SENTENCE_WORDS - 1)) >= SENTENCE_WORDS and ends_with_mark(part)
        for part in _SENTENCE_BREAK.split(line.strip())
    )


def sentences(line: str) -> list[str]:
    """The parts of a line that end in . ! or ? (the last part as it ends)."""
    return _SENTENCE_BREAK.split(line.strip())


def edge_flags(prose: list[bool], claimed: list[bool]) -> list[bool]:
    """True for lines in the head or tail run of the text; `prose[i]` is
    `is_prose(lines[i])`.

    The head run is the lines before the first story paragraph, a prose line that no
    rule claims; the tail run is the lines after the last one. A bio at the foot of a
    story reads like prose, but its rule claims it, so it belongs to the tail run. With
    no story paragraph, every line is in the runs.
    """
    story = [
        index
        for index, (is_story, is_claimed) in enumerate(zip(prose, claimed, strict=True))
        if is_story and not is_claimed
    ]
    if not story:
        return [True] * len(prose)
    first, last = story[0], story[-1]
    return [index < first or index > last for index in range(len(prose))]


def longest_blank_run(lines: list[str]) -> int:
    """The most blank lines in a row in `lines`."""
    longest = run = 0
    for line in lines:
        run = run + 1 if not line.strip() else 0
        longest = max(longest, run)
    return longest


def join_kept(kept: list[str], *, longest_gap: int) -> str:
    """Kept lines joined; blank runs that removals created are no longer than the input's."""
    out: list[str] = []
    run = 0
    for line in kept:
        run = run + 1 if not line.strip() else 0
        if run <= longest_gap:
            out.append(line)
    return "\n".join(out).strip("\n")
