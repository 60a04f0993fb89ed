"""The repair stage: fix broken encoding and obvious typos, and never damage correct text.

Two layers, each recording every edit as a `Repair(kind, before, after)`:

- `fix_encoding` (all languages): HTML entities, mojibake and other ftfy fixes,
  invisible characters that split words (zero-width spaces, soft hyphens), and stray
  control characters.
- `repair_text` (languages with a dictionary, today English): `fix_encoding`, then
  words run together where markup was stripped (`thisweek` -> `this week`) and
  known misspellings (`recieve` -> `receive`).

Typo fixing acts only on plain lowercase words. Anything with a capital, a digit or
an apostrophe, and any token that looks like a URL, an email, a handle, a hashtag or
code, is left alone. Lines keep their structure; whitespace that is not part of an
edit is kept as it is. Both functions are idempotent.
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
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import ftfy
import ftfy.bad_codecs  # registers `sloppy-windows-1252`  # noqa: F401

from newsclean.fastpaths import ftfy as fast_ftfy
from newsclean.language import detect_language
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

#: Languages whose typos we fix (word frequencies and the misspelling list are English).
TYPO_LANGUAGES = frozenset({"en"})

_DATA = resources.files("newsclean") / "data" / "repair"

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
    footers come back from page to page)."""
    return _fix_leftover_mojibake(ftfy.fix_text(run, FTFY_CONFIG))


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


# --- repair_text -------------------------------------------------------------------


def repair_text(
    text: str, *, language: str | None = None, fix_typos: bool = True
) -> tuple[str, list[Repair]]:
    """`fix_encoding`, then run-together words and misspellings for supported languages.

    `language` is an ISO 639 code or tag (`en`, `en-US`); when None it is detected from
    the text. `fix_typos=False` limits the stage to encoding repair.
    """
    text, repairs = fix_encoding(text)
    if not fix_typos or (language and not _fixes_typos_in(language)):
        return text, repairs
    lexicon = _english_lexicon()
    # Most texts have no word to fix: find those first, and detect the language only then.
    fixes = {}
    for word in set(_TYPO_CANDIDATE.findall(" " + text)) - lexicon.sound:
        fixed, kind = _fix_word(word)
        if kind:
            fixes[word] = Repair(kind, word, fixed)
    if not fixes or not _fixes_typos_in(language or detect_language(text)):
        return text, repairs
    return _apply_word_fixes(text, fixes, repairs), repairs


def _fixes_typos_in(language: str | None) -> bool:
    """Whether typos are fixed in text of `language`; None (too short to tell) is not.

    Paragraphs are checked for English again before a word in them is fixed.
    """
    return language is not None and _base_language(language) in TYPO_LANGUAGES


def _apply_word_fixes(text: str, fixes: dict[str, Repair], repairs: list[Repair]) -> str:
    """Every whole-word occurrence of a fixable word replaced, where its context allows."""
    found = []
    for word, repair in fixes.items():
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            if _is_whole_word(text, start, end):
                found.append((start, end, repair))
            start = text.find(word, end)
    found.sort(key=lambda occurrence: occurrence[0])
    pieces, cursor, line_verdicts = [], 0, {}
    for start, end, repair in found:
        if _fixable_here(text, start, end, fixes, line_verdicts):
            pieces += [text[cursor:start], repair.after]
            repairs.append(repair)
            cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _is_whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not _WORD_CHAR.match(before) and not _WORD_CHAR.match(after)


_WORD_CHAR = re.compile(r"[\w'’]")


# A plain lowercase word: no capital, digit, underscore or apostrophe touching it. The
# character before it is matched, not looked behind at (`re` skips to such a character
# far faster), so the text is searched with a space in front.
_TYPO_CANDIDATE = re.compile(r"[^\w'’]([a-z]{4,})(?![\w'’])")


def _base_language(language: str) -> str:
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]


# A line that reads as source code is left alone entirely: a statement keyword, a
# trailing brace or semicolon, an empty call `f()`, a call of `a.b(` or `snake_case(`,
# an operator or a backtick. (Not `item(s)` or a citation's `2010;11(4)`.)
_CODE_LINE = re.compile(
    r"^\s*(?:def|class|import|from \S+ import|return|var|let|const|function|#include)\b"
    r"|[{};]\s*$|\w\(\)|\w[._]\w+\(|[=!<>]=|=>|->|`"
)
# A chunk (between whitespace) that is a URL, email, handle, hashtag, path, command-line
# option or code.
_PROTECTED_CHUNK = re.compile(r"://|^www\.|@|^#|^-{1,2}[a-z]|[/\\_=<>{}|~^$%*+]|\w\.\w|\w\(")
_CHUNK_SEPARATORS = " \t\n—–"  # dashes join words without spaces: `tasks—thanthe`
_CHUNK_END = re.compile(f"[{_CHUNK_SEPARATORS}]|$")
_LINE_END = re.compile(r"\n|$")
_EDGE_PUNCTUATION = "\"'“”‘’«»()[]{},.;:!?…—–-"
_PLAIN_WORDS = re.compile(r"[a-z]+(?:-[a-z]+)*")


def _looks_like_code(line: str) -> bool:
    return _CODE_LINE.search(line) is not None


#: A paragraph of a mixed-language text is fixed only if most of its plain words are
#: common English words (a German quote inside an English article is left alone).
ENGLISH_LINE_MIN_SHARE = 0.6
ENGLISH_LINE_MIN_WORDS = 4
_LINE_WORD = re.compile(r"(?<![\w'’])[a-z]{3,}(?![\w'’])")


def _reads_as_english(line: str, fixes: dict[str, Repair]) -> bool:
    words = [word for word in _LINE_WORD.findall(line) if word not in fixes]
    if len(words) < ENGLISH_LINE_MIN_WORDS:
        return True
    sound = _english_lexicon().sound
    return sum(word in sound for word in words) >= ENGLISH_LINE_MIN_SHARE * len(words)


def _fixable_here(
    text: str, start: int, end: int, fixes: dict[str, Repair], line_verdicts: dict[int, bool]
) -> bool:
    """False if the word sits in code, a URL, a chunk of non-words or a foreign paragraph."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start not in line_verdicts:
        line = text[line_start : _LINE_END.search(text, end).start()]
        line_verdicts[line_start] = not _looks_like_code(line) and _reads_as_english(line, fixes)
    if not line_verdicts[line_start]:
        return False
    chunk_start = start
    while chunk_start > line_start and text[chunk_start - 1] not in _CHUNK_SEPARATORS:
        chunk_start -= 1
    chunk = text[chunk_start : _CHUNK_END.search(text, end).start()]
    return not _PROTECTED_CHUNK.search(chunk) and bool(
        _PLAIN_WORDS.fullmatch(chunk.strip(_EDGE_PUNCTUATION))
    )


@lru_cache(maxsize=1 << 16)
def _fix_word(word: str) -> tuple[str, str | None]:
    """A lowercase word, repaired if the evidence is strong, and the kind of repair."""
    lexicon = _english_lexicon()
    correction = lexicon.misspellings.get(word)
    if correction:
        return (correction, "misspelling") if _is_stable(correction) else (word, None)
    split = _split_run_together(word, lexicon)
    if split and _is_stable(split):
        return split, "run_together"
    return word, None


def _is_stable(fixed: str) -> bool:
    """True if no word of a fix would itself be fixed again (`and ofthe`)."""
    sound = _english_lexicon().sound
    return not any(
        len(part) >= 4 and part not in sound and _fix_word(part)[1] for part in fixed.split()
    )


# --- run-together words ------------------------------------------------------------------
# Thresholds are on wordfreq's Zipf scale (log10 of frequency per billion words), tuned
# on benchmarks/repair_bench.py for precision first.

#: A token at least this common is a word, whatever its halves.
JOINED_WORD_ZIPF = 3.5
#: An unknown token splits when its halves' Zipf sum reaches this, lowered per letter
#: beyond `LONG_TOKEN` (long unknown tokens are rarely real compounds).
UNKNOWN_HALVES_MIN_SUM = 9.0
UNKNOWN_LONG_TOKEN = 9
UNKNOWN_SUM_PER_LETTER = 0.35
#: A token wordfreq knows (`ofthe` is there at 3.3, from others' scraping accidents)
#: splits only if rarer than its halves' independent co-occurrence by this margin.
KNOWN_JOIN_MARGIN = -1.0
HALF_MIN_ZIPF = 3.0  # both halves must be common words ...
SHORT_HALF_MIN_ZIPF = {1: 6.0, 2: 5.5, 3: 4.0}  # ... and short halves very common
#: Four-letter tokens split only into two very common two-letter words (`isin`).
TINY_HALF_MIN_ZIPF = 6.0
TINY_JOINED_MAX_ZIPF = 3.0
#: A prefix or suffix as a half must pair with a function word (`over the`), because
#: `superminds` or `callable` are derived words, not accidents.
FUNCTION_WORD_ZIPF = 6.0
#: `in` is a prefix too, but `in addition` is common damage: it needs a rarer partner.
IN_PARTNER_MIN_ZIPF = 4.2

#: An unknown token also splits into one of the commonest words (`the`, `of`, `in`)
#: and a rarer word that is not short (`theransomware`, `vaccinein`).
FUNCTION_HALF_MIN_ZIPF = 6.8
RARE_HALF_MIN_ZIPF = 2.5
RARE_HALF_MIN_LENGTH = 4

#: With one edit inside a half (`especiallygreath`), demand much more.
FUZZY_EXACT_MIN_ZIPF = 4.5  # the untouched half is a common word ...
FUZZY_EXACT_MIN_LENGTH = 5  # ... and not a short one
FUZZY_FIXED_MIN_ZIPF = 4.5  # the edited half becomes a common word
FUZZY_NEAR_MIN_LENGTH = 5
FUZZY_WHOLE_NEAR_ZIPF = 3.0  # a token one edit from a word is that word misspelt
FUZZY_MIN_LEAD = 1.0  # the best reading must beat the next by this much
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _split_run_together(word: str, lexicon: Lexicon) -> str | None:
    """`this week` for `thisweek`, or None without strong evidence."""
    zipf = lexicon.zipf
    joined = zipf.get(word, 0.0)
    if len(word) < 4 or joined >= JOINED_WORD_ZIPF:
        return None
    if word in lexicon.never_split:
        return None  # (words of other languages are not excluded: `isto`, `dueto`, `soit`
        # are English words run together far more often than Portuguese in English text)
    best: tuple[float, str, str] | None = None
    for cut in range(1, len(word)):
        left_zipf = _common(word[:cut], zipf)
        if not left_zipf:
            continue  # (the right half is not looked up in vain)
        right_zipf = _common(word[cut:], zipf)
        if right_zipf and (best is None or left_zipf + right_zipf > best[0]):
            best = (left_zipf + right_zipf, word[:cut], word[cut:])
    if best is None:
        if joined:
            return None
        return _split_after_function_word(word, zipf) or _split_with_one_edit(word, lexicon)
    halves_sum, left, right = best
    if len(word) == 4:
        both_tiny = min(zipf[left], zipf[right]) >= TINY_HALF_MIN_ZIPF and len(left) == 2
        return f"{left} {right}" if both_tiny and joined < TINY_JOINED_MAX_ZIPF else None
    if _is_affix(left, zipf[right], lexicon.prefixes) or _is_affix(
        right, zipf[left], lexicon.suffixes
    ):
        return None
    if joined == 0.0:
        extra_letters = max(0, len(word) - UNKNOWN_LONG_TOKEN)
        needed = UNKNOWN_HALVES_MIN_SUM - UNKNOWN_SUM_PER_LETTER * extra_letters
        return f"{left} {right}" if halves_sum >= needed else None
    if "a" in (left, right):
        return None  # `agave`, `aversion`: real words that read as `a` + word
    # Zipf arithmetic: log(f_joined / (f_left * f_right)) = joined - left - right + 9
    if joined - halves_sum + 9 < KNOWN_JOIN_MARGIN:
        return f"{left} {right}"
    return None


def _split_after_function_word(word: str, zipf: dict[str, float]) -> str | None:
    """`the ransomware`, `vaccine in`: a very common word beside a rarer, longer one."""
    best: tuple[float, str] | None = None
    for cut in range(1, len(word)):
        left, right = word[:cut], word[cut:]
        left_zipf, right_zipf = zipf.get(left, 0.0), zipf.get(right, 0.0)
        for function_zipf, other, other_zipf in (
            (left_zipf, right, right_zipf),
            (right_zipf, left, left_zipf),
        ):
            if (
                function_zipf >= FUNCTION_HALF_MIN_ZIPF
                and other_zipf >= RARE_HALF_MIN_ZIPF
                and len(other) >= RARE_HALF_MIN_LENGTH
                and "i" not in (left, right)
                and (best is None or left_zipf + right_zipf > best[0])
            ):
                best = (left_zipf + right_zipf, f"{left} {right}")
    return best[1] if best else None


def _is_affix(half: str, partner_zipf: float, affixes: frozenset[str]) -> bool:
    if half == "in":
        return partner_zipf < IN_PARTNER_MIN_ZIPF
    return half in affixes and partner_zipf < FUNCTION_WORD_ZIPF


def _common(word: str, zipf: dict[str, float]) -> float:
    """The word's Zipf frequency if it is common enough to be a half, else 0."""
    if word == "i":
        return 0.0  # the pronoun is capitalised; lowercase `i` is noise
    frequency = zipf.get(word, 0.0)
    return frequency if frequency >= SHORT_HALF_MIN_ZIPF.get(len(word), HALF_MIN_ZIPF) else 0.0


def _split_with_one_edit(word: str, lexicon: Lexicon) -> str | None:
    """Split `especiallygreath` as `especially great`: one half exact, one a near miss.

    Only deletions and transpositions are tried (a stray or swapped key); the token
    must be unknown and not itself one edit from a word.
    """
    zipf = lexicon.zipf
    readings: dict[str, float] = {}
    for cut in range(1, len(word)):
        left, right = word[:cut], word[cut:]
        for exact, near, exact_first in ((left, right, True), (right, left, False)):
            exact_zipf = zipf.get(exact, 0.0)
            if (
                len(exact) < FUZZY_EXACT_MIN_LENGTH
                or len(near) < FUZZY_NEAR_MIN_LENGTH
                or exact_zipf < FUZZY_EXACT_MIN_ZIPF
                or near in zipf
            ):
                continue
            for fixed in _one_slip(near):
                fixed_zipf = zipf.get(fixed, 0.0)
                if fixed_zipf >= FUZZY_FIXED_MIN_ZIPF:
                    reading = f"{exact} {fixed}" if exact_first else f"{fixed} {exact}"
                    readings[reading] = max(readings.get(reading, 0.0), exact_zipf + fixed_zipf)
    if not readings or any(
        zipf.get(near, 0.0) >= FUZZY_WHOLE_NEAR_ZIPF for near in _one_edit(word)
    ):
        return None
    ranked = sorted(readings.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < FUZZY_MIN_LEAD:
        return None
    return ranked[0][0]


def _one_slip(word: str) -> set[str]:
    """Every string one deletion or adjacent transposition from `word`."""
    deletes = {word[:i] + word[i + 1 :] for i in range(len(word))}
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    return (deletes | swaps) - {word}


def _one_edit(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [left + right[1:] for left, right in splits if right]
    transposes = [
        left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1
    ]
    replaces = [left + c + right[1:] for left, right in splits if right for c in _LETTERS]
    inserts = [left + c + right for left, right in splits for c in _LETTERS]
    return set(deletes + transposes + replaces + inserts) - {word}


# --- the English lexicon ---------------------------------------------------------------

#: A misspelling is trusted only if it is this rare on the Zipf scale ...
MISSPELLING_MAX_ZIPF = 3.0
#: ... and this much rarer than its correction (names such as `chanel` are not) ...
MISSPELLING_MARGIN = 1.5
CORRECTION_MIN_ZIPF = 3.0
#: ... and not a word of a language English news quotes (`affaires`, `unter`, `foto`):
#: one at least this common there, and clearly more common there than in English
#: (German wordfreq has `thier` just above English, from English text it absorbed).
OTHER_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt")
OTHER_LANGUAGE_WORD_ZIPF = 2.0
OTHER_LANGUAGE_MARGIN = 0.5


class Lexicon(NamedTuple):
    """Word frequencies and trusted misspelling -> correction pairs for one language."""

    zipf: dict[str, float]
    misspellings: dict[str, str]
    sound: frozenset[str]  # common words that are not misspellings: never examined
    never_split: frozenset[str]  # real closed compounds wordfreq lacks (`toolchain`)
    prefixes: frozenset[str]  # never a half beside a content word (`super`, `non`)
    suffixes: frozenset[str]  # likewise (`able`, `ness`)


@lru_cache(maxsize=1)
def _english_lexicon() -> Lexicon:
    """The lexicon, built once per version of what it is built from (newsclean.derived)."""
    from newsclean.derived import load_or_build

    fields = load_or_build(
        "english-lexicon",
        lambda: tuple(_build_english_lexicon()),
        packages=("wordfreq", "codespell"),
        files=(Path(__file__), *sorted(_DATA.iterdir(), key=lambda file: file.name)),
    )
    return Lexicon(*fields)


def _build_english_lexicon() -> Lexicon:
    import math

    import wordfreq

    frequencies = wordfreq.get_frequency_dict("en", wordlist="large")
    zipf = {word: round(math.log10(freq) + 9, 2) for word, freq in frequencies.items()}
    foreign_zipf = _other_language_zipf()
    foreign = frozenset(
        word
        for word, frequency in foreign_zipf.items()
        if frequency >= max(OTHER_LANGUAGE_WORD_ZIPF, zipf.get(word, 0.0) + OTHER_LANGUAGE_MARGIN)
    )
    misspellings = _trusted_misspellings(zipf, foreign)
    sound = (
        frozenset(word for word, frequency in zipf.items() if frequency >= JOINED_WORD_ZIPF)
        - misspellings.keys()
    )
    return Lexicon(
        zipf,
        misspellings,
        sound,
        never_split=_word_set("never_split.txt"),
        prefixes=_word_set("prefixes.txt"),
        suffixes=_word_set("suffixes.txt"),
    )


def _trusted_misspellings(zipf: dict[str, float], foreign: frozenset[str]) -> dict[str, str]:
    """codespell's pairs, filtered hard: one correction, rare misspelling, no names."""
    import codespell_lib

    path = Path(codespell_lib.__file__).parent / "data" / "dictionary.txt"
    never = _word_set("never_correct.txt") | foreign
    trusted = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        misspelling, _, corrections = line.partition("->")
        fixes = [fix.strip() for fix in corrections.split(",") if fix.strip()]
        if len(fixes) != 1 or not re.fullmatch(r"[a-z]{4,}", misspelling):
            continue
        correction = fixes[0]
        if misspelling in never or not re.fullmatch(r"[a-z]+(?: [a-z]+)?", correction):
            continue
        if correction == misspelling + "g":
            continue  # `sittin`, `dancin`: dialect in quotes and lyrics, not a typo
        wrong_zipf = zipf.get(misspelling, 0.0)
        right_zipf = min(zipf.get(part, 0.0) for part in correction.split())
        if (
            wrong_zipf <= MISSPELLING_MAX_ZIPF
            and right_zipf >= CORRECTION_MIN_ZIPF
            and right_zipf - wrong_zipf >= MISSPELLING_MARGIN
        ):
            trusted[misspelling] = correction
    return trusted


def _other_language_zipf() -> dict[str, float]:
    """Each word's highest Zipf frequency in the other languages (wordfreq's small lists)."""
    import math

    import wordfreq

    highest: dict[str, float] = {}
    for language in OTHER_LANGUAGES:
        for word, frequency in wordfreq.get_frequency_dict(language, wordlist="small").items():
            zipf = math.log10(frequency) + 9
            if zipf > highest.get(word, 0.0):
                highest[word] = zipf
    return highest


def _word_set(name: str) -> frozenset[str]:
    """A data file of words, one per line, `#` comments allowed."""
    text = (_DATA / name).read_text(encoding="utf-8")
    return frozenset(
        line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()
    )
