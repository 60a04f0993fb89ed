"""Line features shared by the rules and the template profile."""

from __future__ import annotations

import re
import unicodedata

_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_PREFIX = re.compile(r"^(?:#{1,6}\s+|>(?!>)\s*|[-*+•·]\s+)")
_MARKDOWN_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")
_TABLE_EDGE_CHARS = "| \t\r\n\xa0"
_SENTENCE_END = re.compile(r"[.!?…:;。！？][\"'”’»)\]」]*\s*$")

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
    line = unicodedata.normalize("NFKC", line).replace("\u2019", "'").replace("\u00ad", "")
    if _CYRILLIC.search(line) and _LATIN.search(line):
        line = line.translate(_CONFUSABLES)
    if "](" in line:
        line = _MARKDOWN_LINK.sub(r"\1", line)
    line = _MARKDOWN_PREFIX.sub("", line.strip(_TABLE_EDGE_CHARS))
    if "*" in line or "_" in line:
        line = _MARKDOWN_EMPHASIS.sub("", line)
    return " ".join(line.split())


def fold(line: str) -> str:
    """Casefolded plain form, used for rule matching and comparisons."""
    return plain(line).casefold()


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def word_count(line: str) -> int:
    """Words in the line; in scripts written without spaces, two characters count as one."""
    return len(line.split()) + len(_UNSPACED.findall(line)) // 2


def bounded_word_count(line: str, limit: int) -> int:
    """`word_count(line)` when it is at most `limit`, else `limit + 1`.

    Stops splitting after `limit` words, so a long paragraph costs no more than a short
    line: most callers only ask whether a line is short.
    """
    if len(line.split(None, limit)) > limit:
        return limit + 1
    return min(word_count(line), limit + 1)


def is_prose(line: str) -> bool:
    """A line that reads like a story paragraph: long, or a full sentence of 8+ words."""
    words = bounded_word_count(line, 25)
    if words >= 25:
        return True
    return words >= 8 and bool(_SENTENCE_END.search(line))


def has_story(lines: list[str], claimed: list[bool]) -> bool:
    """Whether any line is a story paragraph that no rule claims."""
    return any(
        not is_claimed and is_prose(line) for line, is_claimed in zip(lines, claimed, strict=True)
    )


def edge_flags(lines: list[str], claimed: list[bool]) -> list[bool]:
    """True for lines in the head or tail run of the text.

    The head run is the lines before the first story paragraph, a prose line that no
    rule claims; the tail run is the lines after the last one. A bio at the foot of a
    story reads like prose, but its rule claims it, so it belongs to the tail run.
    """
    story = [
        index
        for index, (line, is_claimed) in enumerate(zip(lines, claimed, strict=True))
        if not is_claimed and is_prose(line)
    ]
    if not story:
        return [True] * len(lines)
    first, last = story[0], story[-1]
    return [index < first or index > last for index in range(len(lines))]
