"""Encoding repair, in every language: HTML entities, mojibake and other ftfy fixes,
invisible characters that split words (zero-width spaces, soft hyphens), and stray
control characters. Every edit is recorded as a `Repair(kind, before, after)`;
correct text is left as it is, and `fix_encoding` is idempotent.
"""

from __future__ import annotations

import bisect
import html
import html.entities
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from difflib import SequenceMatcher
from functools import lru_cache

import ftfy
import ftfy.bad_codecs  # registers `sloppy-windows-1252`  # noqa: F401

from newsclean.fastpaths import ftfy as fast_ftfy
from newsclean.record import Repair

#: ftfy, configured explicitly. Every fix that would change correct text is off.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,  # entities are unescaped (and recorded) by `_unescape_entities`
    remove_terminal_escapes=True,  # ANSI colour codes are never content
    fix_encoding=True,  # the point: mojibake such as `Toyotaâ€™s` -> `Toyota’s`
    restore_byte_a0=True,  # `Ã ` is a mangled `à` when it completes mojibake
    replace_lossy_sequences=True,  # unrecoverable `â€\ufffd` becomes `\ufffd`
    decode_inconsistent_utf8=True,  # mojibake mixed with correct text in one line
    fix_c1_controls=True,  # C1 controls in text are Windows-1252 bytes misread
    fix_latin_ligatures=False,  # `ﬁ` is a typographic choice, not damage
    fix_character_width=False,  # full-width forms are correct in CJK text
    uncurl_quotes=False,  # curly quotes are correct punctuation
    fix_line_breaks=False,  # line structure is the caller's; controls are ours
    fix_surrogates=True,  # lone surrogate pairs from JSON are broken astral characters
    remove_control_chars=False,  # done by `_remove_controls`, recorded as `control`
    normalization="NFC",  # never NFKC: it turns `m²` into `m2`
    max_decode_length=1_000_000,
    explain=False,
)


# --- fix_encoding ---------------------------------------------------------------

# Mojibake of UTF-8 read as Latin-1, Windows-1252 or MacRoman always holds a character
# in U+0080..U+00FF; as Windows-1251/1253 or code page 437, Cyrillic, Greek or box
# drawing. Lines with none of these (and no escape or lone surrogate) skip ftfy's scan.
_MAYBE_BROKEN = re.compile(r"[\x1b\x80-\xff\u0370-\u03ff\u0400-\u052f\u2500-\u257f\ud800-\udfff]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MAX_ENTITY_ROUNDS = 4  # `&amp;amp;rsquo;` is doubly escaped; stop at a fixed point

# Always removed: they only ever split a word. Word joiner and BOM included.
_ALWAYS_INVISIBLE = "\u00ad\u200b\u2060\ufeff"
# ZWNJ and ZWJ shape Persian, Indic and emoji text: removed only between Latin/ASCII.
_JOINERS = "\u200c\u200d"
_INVISIBLES = _ALWAYS_INVISIBLE + _JOINERS
_INVISIBLE = re.compile(f"[{_INVISIBLES}]")
# Scripts that use ZWSP as their word separator keep it.
_ZWSP_SCRIPTS = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u0f00-\u0fff\ua980-\ua9df]")

_CONTROL = re.compile(r"\r\n?|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The characters _CONTROL finds, in UTF-8: C0 controls and DEL are bytes of their own
# (never part of another character), C1 controls are \xc2 and a byte \x80-\x9f.
_C0_AND_DEL_BYTES = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
_C1_BYTES = re.compile(rb"\xc2[\x80-\x9f]")


def fix_encoding(text: str) -> tuple[str, list[Repair]]:
    """Repair entities, mojibake, invisible characters and controls, in any language."""
    repairs: list[Repair] = []
    for _ in range(_MAX_ROUNDS):
        # One fix can uncover another (a stray control hid mojibake from ftfy): repeat
        # until nothing changes, so that the result is a fixed point.
        before = text
        text = _apply("entity", _unescape_entities, text, repairs)
        text = _apply("encoding", _fix_with_ftfy, text, repairs)
        text = _apply("control", _remove_controls, text, repairs)
        text = _apply("invisible", _remove_invisibles, text, repairs)
        if text == before:
            break
    return text, repairs


_MAX_ROUNDS = 4


def _apply(kind: str, fix: Callable[[str], str], text: str, repairs: list[Repair]) -> str:
    """Run one character-level fix and record what it changed, word by word."""
    fixed = fix(text)
    if fixed != text:
        repairs.extend(Repair(kind, before, after) for before, after in _changes(text, fixed))
    return fixed


def _unescape_entities(text: str) -> str:
    if "&" not in text:
        return text
    for _ in range(_MAX_ENTITY_ROUNDS):
        unescaped = _ENTITY.sub(_unescape_one, text)
        if unescaped == text:
            break
        text = unescaped
    return text


def _unescape_one(match: re.Match[str]) -> str:
    entity = match.group()
    if entity[1] != "#" and entity[1:] not in html.entities.html5:
        return entity  # `&notit;` is not `&not;` + `it;`
    return html.unescape(entity)


def _fix_with_ftfy(text: str) -> str:
    normalized = unicodedata.is_normalized("NFC", text)
    if normalized and not _MAYBE_BROKEN.search(text):
        return text
    if normalized and fast_ftfy.uses_shortcuts():
        # Only a line with something ftfy or we may act on can change (see `_ftfy_keeps`).
        lines = _lines_holding(fast_ftfy.NEEDS_A_LOOK, text)
    else:
        lines = _lines_of(text)
    pieces, cursor = [], 0
    for start, end in lines:
        line = text[start:end]
        fixed = _cached_if_short(_fix_line, line, _CACHED_LINE_LENGTH)
        if fixed is not line:
            pieces += [text[cursor:start], fixed]
            cursor = end
    if not pieces:
        return text
    pieces.append(text[cursor:])
    return "".join(pieces)


_CACHED_LINE_LENGTH = 1000  # a paragraph; longer lines go uncached


@lru_cache(maxsize=1 << 12)
def _fix_line(line: str) -> str:
    """One line through ftfy where it may act (the same object when nothing changes).

    Cached: a site's lines with non-ASCII text (menus, bylines, footers, and in another
    language every paragraph) come back from page to page, and the checks cost about as
    much as a fix.
    """
    if _MAYBE_BROKEN.search(line) or not unicodedata.is_normalized("NFC", line):
        if not _ftfy_keeps(line):
            return _fix_suspect_words(line)
    return line


def _cached_if_short(cached: Callable[[str], str], text: str, limit: int) -> str:
    """`cached(text)` through its cache for a text of up to `limit` characters; a longer
    one, rarely seen twice, goes around it (`__wrapped__`), so the cache stays small."""
    return cached(text) if len(text) <= limit else cached.__wrapped__(text)  # type: ignore[attr-defined]


def _lines_of(text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of each line of `text`."""
    start = 0
    for line in text.split("\n"):
        yield start, start + len(line)
        start += len(line) + 1


def _lines_holding(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of each line of `text` with a match of `pattern` (within a line)."""
    position = 0
    while hit := pattern.search(text, position):
        start = text.rfind("\n", 0, hit.start()) + 1
        end = text.find("\n", hit.end())
        end = len(text) if end == -1 else end
        yield start, end
        position = end + 1


# What ftfy (as configured) acts on besides mojibake: terminal escapes, C1 controls,
# surrogates.
_FTFY_TOUCHES = re.compile(r"[\x1b\x80-\x9f\ud800-\udfff]")


def _ftfy_keeps(line: str) -> bool:
    """True if `_fix_suspect_words` leaves every run of words in `line` as it is.

    A run is a substring of `line` cut at spaces, so it is enough that `line` has no
    character ftfy acts on, is NFC, does not look like mojibake to ftfy and has no
    multibyte mojibake of ours. ftfy's heuristic anchors one pattern at the start
    (`^Ã `): a run never starts with `Ã` or `Â` unless the line does (the word before
    a suspect word is not suspect), but each piece of `max_decode_length` that ftfy
    cuts starts anew, so a very long line must pass the cheap scan alone.
    """
    if _FTFY_TOUCHES.search(line) or not unicodedata.is_normalized("NFC", line):
        return False
    if len(line) > FTFY_CONFIG.max_decode_length:
        looks_bad = not fast_ftfy.uses_shortcuts() or fast_ftfy.MAYBE_BAD.search(line) is not None
    else:
        looks_bad = fast_ftfy.is_bad(line)
    return not looks_bad and not _MULTIBYTE_MOJIBAKE.search(line)


def _fix_suspect_words(line: str) -> str:
    """ftfy on each run of suspect words, with one word of context either side.

    Mojibake is local: fixing runs rather than whole paragraphs is faster, and a
    paragraph with one broken word cannot drag a correct word elsewhere into a wrong
    re-decoding (`NESTLÉ®` read as `NESTLɮ`).
    """
    words = line.split(" ")
    word_starts = list(itertools.accumulate((len(word) + 1 for word in words[:-1]), initial=0))
    if unicodedata.is_normalized("NFC", line):
        suspects = sorted(
            {bisect.bisect_right(word_starts, m.start()) - 1 for m in _MAYBE_BROKEN.finditer(line)}
        )
    else:
        suspects = [i for i, word in enumerate(words) if not _is_plain(word)]
    runs: list[list[int]] = []  # [start, stop) word indices, context included
    for index in suspects:
        start, stop = max(0, index - 1), min(len(words), index + 2)
        if runs and start <= runs[-1][1]:
            runs[-1][1] = stop
        else:
            runs.append([start, stop])
    for start, stop in reversed(runs):
        run = _LOST_CLOSING_QUOTE.sub("”", " ".join(words[start:stop]))
        if not _ftfy_keeps(run):
            run = _cached_if_short(_fix_run, run, _CACHED_RUN_LENGTH)
        words[start:stop] = [run]
    return " ".join(words)


_CACHED_RUN_LENGTH = 120  # longer runs are rarely seen twice; the cache stays small


@lru_cache(maxsize=1 << 12)
def _fix_run(run: str) -> str:
    """ftfy, then our multibyte fix, on one run of words (a site's broken menus and
    footers come back from page to page); word by word where the run holds correct text
    that Windows-1252 cannot encode (see `_fix_words_alone`)."""
    fixed = _fix_leftover_mojibake(fast_ftfy.fix_text(run, FTFY_CONFIG))
    if fixed == run and not _encodable(run):
        return _fix_words_alone(run)
    return fixed


def _fix_words_alone(run: str) -> str:
    """ftfy on each word of a run it left whole, where the word alone is mojibake.

    ftfy re-encodes a run as a whole: one correct word it cannot encode (Cyrillic, Greek,
    CJK beside the broken word: `Соntасt uÑ• аt`, where the page wrote Latin words with
    Cyrillic letters) keeps the run's mojibake. A word alone is only fixed if it is
    encodable and ftfy's heuristic finds it bad.
    """
    words = run.split(" ")
    for index, word in enumerate(words):
        if _encodable(word) and fast_ftfy.is_bad(word):
            words[index] = _fix_leftover_mojibake(fast_ftfy.fix_text(word, FTFY_CONFIG))
    return " ".join(words)


def _encodable(text: str) -> bool:
    """Whether `text` is all characters of Windows-1252 (as ftfy reads it: `sloppy`, with
    the bytes it leaves undefined as C1 controls), the encoding mojibake is undone in."""
    try:
        text.encode("sloppy-windows-1252")
    except UnicodeEncodeError:
        return False
    return True


def _is_plain(word: str) -> bool:
    return not _MAYBE_BROKEN.search(word) and unicodedata.is_normalized("NFC", word)


def _fix_leftover_mojibake(line: str) -> str:
    """Decode whole 3- and 4-byte UTF-8 sequences read as Windows-1252 that ftfy keeps.

    ftfy leaves `Crockerâ„¢` and mojibake of CJK (`é¡”`) alone when the rest of the
    line looks fine. A lead byte followed by exactly its continuation bytes, decoding
    to an assigned character, is not plausible as intended text. Two-byte sequences
    are not touched: `ß“` is German typography, not mojibake.
    """
    return _MULTIBYTE_MOJIBAKE.sub(_decode_mojibake, line)


def _decode_mojibake(match: re.Match[str]) -> str:
    try:
        decoded = match.group().encode("sloppy-windows-1252").decode("utf-8")
    except UnicodeError:
        return match.group()
    return match.group() if unicodedata.category(decoded) in _NOT_TEXT else decoded


_CONTINUATION = re.escape(bytes(range(0x80, 0xC0)).decode("sloppy-windows-1252"))
# `”` is E2 80 9D; 9D is undefined in Windows-1252 and many decoders drop it, leaving
# `â€` before a space or punctuation. ftfy would read a following space as a lost A0
# byte and make a dagger of it.
_LOST_CLOSING_QUOTE = re.compile(f"â€(?![{_CONTINUATION}])")
_NOT_TEXT = frozenset({"Cc", "Cf", "Cn", "Co", "Cs"})
# A lead byte of 3 bytes followed by 2 continuation bytes, or a lead byte of 4 followed
# by 3 (written with the lead first, so that `re` can skip to it quickly).
_MULTIBYTE_MOJIBAKE = re.compile(
    f"[\u00e0-\u00f4](?:(?<=[\u00e0-\u00ef])[{_CONTINUATION}]{{2}}"
    f"|(?<=[\u00f0-\u00f4])[{_CONTINUATION}]{{3}})"
)


def _remove_invisibles(text: str) -> str:
    # A joiner kept beside another invisible may lose its reason once that one goes.
    # (`in` finds each character far faster than a search for the class.)
    while any(char in text for char in _INVISIBLES):
        kept = _INVISIBLE.sub(_keep_invisible, text)
        if kept == text:
            break
        text = kept
    return text


def _keep_invisible(match: re.Match[str]) -> str:
    """The invisible character if its neighbours need it, else nothing."""
    text, char, start = match.string, match.group(), match.start()
    before = text[start - 1] if start else " "
    after = text[start + 1] if start + 1 < len(text) else " "
    if char == "\u200b":
        both_sides_need_it = _ZWSP_SCRIPTS.match(before) and _ZWSP_SCRIPTS.match(after)
        return char if both_sides_need_it else ""
    if char in _JOINERS:
        return "" if _is_latin_or_space(before) and _is_latin_or_space(after) else char
    return ""


def _is_latin_or_space(char: str) -> bool:
    return char.isascii() or char.isspace() or unicodedata.name(char, "").startswith("LATIN")


def _remove_controls(text: str) -> str:
    if not _holds_control(text):
        return text
    return _CONTROL.sub(lambda match: "\n" if match.group()[0] == "\r" else "", text)


def _holds_control(text: str) -> bool:
    """True if `_CONTROL` finds something in `text`: looked for in its UTF-8 bytes, where a
    byte deletion and a search that skips to one literal byte are far faster than a
    character class over the text."""
    data = text.encode("utf-8", errors="surrogatepass")
    return len(data.translate(None, _C0_AND_DEL_BYTES)) != len(data) or bool(_C1_BYTES.search(data))


# --- recording compact changes ---------------------------------------------------

_LONG_WORD = 40  # a "word" longer than this (an unspaced script) is cut around the change
_CONTEXT = 12  # characters kept either side of a change inside a long word


def _changes(before: str, after: str) -> list[tuple[str, str]]:
    """The changed words between two texts, line by line, as (before, after) pairs."""
    old_lines, new_lines = before.split("\n"), after.split("\n")
    if len(old_lines) != len(new_lines):
        old_lines, new_lines = [before], [after]
    changes = []
    for old, new in zip(old_lines, new_lines, strict=True):
        if old == new:
            continue
        old_words, new_words = old.split(" "), new.split(" ")
        if len(old_words) == len(new_words):
            pairs = [(o, n) for o, n in zip(old_words, new_words, strict=True) if o != n]
        else:
            matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
            pairs = [
                (" ".join(old_words[i1:i2]), " ".join(new_words[j1:j2]))
                for tag, i1, i2, j1, j2 in matcher.get_opcodes()
                if tag != "equal"
            ]
        changes.extend(_around_change(o, n) for o, n in pairs)
    return changes


def _around_change(before: str, after: str) -> tuple[str, str]:
    """A long word cut down to the changed part and a little context."""
    if max(len(before), len(after)) <= _LONG_WORD:
        return before, after
    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(before), len(after)) - head
        and before[len(before) - 1 - tail] == after[len(after) - 1 - tail]
    ):
        tail += 1
    start, cut = max(0, head - _CONTEXT), max(0, tail - _CONTEXT)
    return before[start : len(before) - cut], after[start : len(after) - cut]
