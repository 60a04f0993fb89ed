"""Typo repair for languages with a lexicon: words run together where markup was
stripped (`thisweek` -> `this week`, `erstrecktsich` -> `erstreckt sich`) in English and
the languages of `SPLIT_LANGUAGES`, and known misspellings (`recieve` -> `receive`) in
English; each edit is recorded as a `Repair(kind, before, after)`.

It acts only on plain lowercase words (and, in German, on a lowercase word run into a
capitalised one: `dieErdbeeren`). Anything else with a capital, a digit or an
apostrophe, and any token that looks like a URL, an email, a handle, a hashtag or code,
is left alone; a paragraph that does not read as the text's language is left alone.
In languages that write compounds as one word (`COMPOUND_LANGUAGES`), a token the
lexicon knows is never split. `fix_typos` is idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import ftfy
import ftfy.bad_codecs  # registers `sloppy-windows-1252`  # noqa: F401

from newsclean.language import detect_language, wordfreq_code
from newsclean.record import Repair

#: Languages whose run-together words are split, from wordfreq's frequencies for them
#: (`large` lists where wordfreq has one). English also has misspellings fixed.
SPLIT_LANGUAGES = frozenset(
    {"de", "fr", "es", "pt", "it", "nl", "id", "pl", "sv", "da", "nb", "ca"}
)
TYPO_LANGUAGES = frozenset({"en"}) | SPLIT_LANGUAGES
#: Languages that write compounds as one word (`Bundesverfassungsgericht`): a token
#: wordfreq knows is never split there, and an unknown one needs far stronger halves.
COMPOUND_LANGUAGES = frozenset({"de", "nl", "sv", "da", "nb"})

_DATA = resources.files("newsclean") / "data" / "repair"


def fix_typos(
    text: str, language: str | None = None, *, languages: Collection[str] = TYPO_LANGUAGES
) -> tuple[str, list[Repair]]:
    """Split run-together words (English and `SPLIT_LANGUAGES`) and fix known misspellings
    (English) in text of a supported language; other text comes back as it is.

    `language` is an ISO 639 code or tag (`en`, `de-AT`); when None or empty it is
    detected from the text (if the text has a plain lowercase word at all). `languages`
    limits the languages fixed (wordfreq codes, e.g. {"en"}).
    """
    repairs: list[Repair] = []
    if not language:
        # Only a text with a lowercase word could need a fix: detect the language then.
        if not _ANY_CANDIDATE.search(" " + text):
            return text, repairs
        language = detect_language(text)
    code = _typo_language(language)
    if code is None or code not in languages:
        return text, repairs
    lexicon = _lexicon(code)
    fixes, prose_only, context_only = {}, set(), {}
    evidence = _TextEvidence(text)
    others = tuple(other for other in languages if other != code and other in TYPO_LANGUAGES)
    if others:  # (the foreign-line check needs each word's line)
        first_lines = _unknown_candidates_by_line(text, code, lexicon.sound)
        candidates = first_lines.keys()
    else:
        candidates = _unknown_candidates(text, code, lexicon.sound)
    for word in candidates:
        fixed, kind = _fix_word(word, code)
        if kind is None:
            fixed = _split_confirmed_by_text(word, code, evidence)
            kind = "run_together" if fixed else None
        if kind is None and code == "en":
            in_context = _split_in_context(word)
            if in_context:
                context_only[word], fixed = in_context
                kind = "run_together"
        if kind is None:
            continue
        if (
            kind == "run_together"
            and word not in context_only  # (the context is the evidence: `kokopuff says:`)
            and not _has_function_word(fixed, lexicon)
        ):
            if not _content_split_fits_text(word, fixed, evidence):
                continue
            prose_only.add(word)
        if kind == "run_together" and _written_as_name(word, evidence):
            continue
        fixes[word] = Repair(kind, word, fixed)
    if others:
        unfixed = candidates - fixes.keys()
        text = _fix_foreign_lines(text, unfixed, first_lines, code, others, repairs)
    if code in _CAPITALISED_NOUNS:
        text = _split_before_capital(text, lexicon, evidence, repairs)
    if not fixes:
        return text, repairs
    return _apply_word_fixes(text, fixes, prose_only, repairs, code, context_only), repairs


#: Languages that capitalise every noun: a lowercase word run into a capitalised word
#: there (`dieErdbeeren`, `beliebteStartpunkte`) is two words, since no word of the
#: language is written so. Brands are (`eBay`, `iPhone`, `proPellets`): the lowercase
#: part must be a function word, or a common word of `CAPITAL_JOIN_MIN_LEFT` letters.
_CAPITALISED_NOUNS = frozenset({"de"})
_CAPITAL_JOIN = re.compile(
    r"(?<![\w'’@#/.\[{<$-])([a-zäöüß]{2,})([A-ZÄÖÜ][a-zäöüß]{2,})(?![\w'’@/])"
)
#: (A token in brackets is a template's placeholder: `[freeShipping]`.)
#: The capitalised word is one the lexicon knows at least this often.
CAPITAL_JOIN_MIN_ZIPF = 1.0
CAPITAL_JOIN_MIN_LEFT = 4


def _split_before_capital(
    text: str, lexicon: Lexicon, evidence: _TextEvidence, repairs: list[Repair]
) -> str:
    """The text with each lowercase function word or common word run into a capitalised
    word the lexicon knows split (`die Erdbeeren`), where the token is written once (a
    token the text repeats is a name of its own: `derStandard`, as is one whose lowercase
    part the text writes as a domain: `kathLogin` beside `kath.net`) in a line of prose."""
    pieces, cursor = [], 0
    for match in _capital_joins(text):
        left, right = match[1], match[2]
        if left not in lexicon.function_words and not (
            len(left) >= CAPITAL_JOIN_MIN_LEFT
            and lexicon.zipf.get(left.casefold(), 0.0) >= HALF_MIN_ZIPF
        ):
            continue
        if lexicon.zipf.get(right.casefold(), 0.0) < CAPITAL_JOIN_MIN_ZIPF:
            continue
        if evidence.count(match[0]) > 1 or not _capital_join_fixable(text, match):
            continue
        if left + "." in text and re.search(rf"(?<![\w.]){left}\.[a-z]", text):
            continue  # `kathLogin` beside `kath.net`: a site's name for its own service
        split = f"{left} {right}"
        pieces += [text[cursor : match.start()], split]
        repairs.append(Repair("run_together", match[0], split))
        cursor = match.end()
    if not pieces:
        return text
    pieces.append(text[cursor:])
    return "".join(pieces)


def _capital_joins(text: str) -> Iterator[re.Match[str]]:
    """The tokens of `_CAPITAL_JOIN` in `text`, found from where a lowercase letter meets
    a capital (searching for the token itself at every character costs three times more)."""
    # Each character becomes one byte for its case (a character beyond Latin-1 becomes
    # `?`, no letter), so a byte's offset is its character's: the meetings are found by
    # `bytes.find`, far faster than `re` finds each capital and looks behind it.
    cases = text.encode("latin-1", "replace").translate(_LETTER_CASES)
    end = 0
    meeting = cases.find(b"aA")
    while meeting >= 0:
        start = meeting
        if start >= end:
            while start and text[start - 1] in _GERMAN_LOWERCASE:
                start -= 1
            match = _CAPITAL_JOIN.match(text, start)
            if match is not None:
                end = match.end()
                yield match
        meeting = cases.find(b"aA", meeting + 1)


_GERMAN_LOWERCASE = frozenset("abcdefghijklmnopqrstuvwxyzäöüß")
_GERMAN_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ")
#: A Latin-1 character's case for `_capital_joins`: `a` a lowercase letter of
#: `_CAPITAL_JOIN`, `A` a capital, a space anything else.
_LETTER_CASES = bytes(
    ord("a")
    if chr(code) in _GERMAN_LOWERCASE
    else ord("A")
    if chr(code) in _GERMAN_CAPITALS
    else ord(" ")
    for code in range(256)
)


def _capital_join_fixable(text: str, match: re.Match[str]) -> bool:
    """Whether a token of `_CAPITAL_JOIN` sits in prose: a line of `LINE_MIN_WORDS` plain
    lowercase words that is no code (not a list of dates and venues: `2022 - dasWerk`),
    in a chunk that is no URL or path."""
    line_start = _line_start(text, match.start())
    line = text[line_start : _LINE_END.search(text, match.end()).start()]
    words = _lowercase_line_words(line)
    if len(words) < LINE_MIN_WORDS or _looks_like_code(line):
        return False
    chunk_start = match.start()
    while chunk_start > line_start and text[chunk_start - 1] not in _CHUNK_SEPARATORS:
        chunk_start -= 1
    chunk = text[chunk_start : _CHUNK_END.search(text, match.end()).start()]
    return not _PROTECTED_CHUNK.search(chunk)


def _fix_foreign_lines(
    text: str,
    unfixed: Collection[str],
    first_lines: dict[str, int],
    language: str,
    others: tuple[str, ...],
    repairs: list[Repair],
) -> str:
    """The text with its lines of prose in another of the languages fixed in that language
    (a Spanish quote in an English article, an English comment under a German one). Only
    lines with `FOREIGN_LINE_MIN_UNKNOWN` words the text's language does not know (each
    counted in the first line it is in: `first_lines`) are looked at; a line goes to the
    language most of its plain words are common words of."""
    if len(unfixed) < FOREIGN_LINE_MIN_UNKNOWN:
        return text
    unknown_per_line: dict[int, int] = {}
    for word in unfixed:
        line_start = first_lines[word]
        unknown_per_line[line_start] = unknown_per_line.get(line_start, 0) + 1
    pieces, cursor = [], 0
    for line_start in sorted(unknown_per_line):
        if unknown_per_line[line_start] < FOREIGN_LINE_MIN_UNKNOWN:
            continue
        line_end = text.find("\n", line_start)
        if line_end == -1:
            line_end = len(text)
        line = text[line_start:line_end]
        line_language = _line_language(line, language, others)
        if line_language is None or _looks_like_code(line):
            continue
        fixed, line_repairs = fix_typos(line, line_language, languages=(line_language,))
        if line_repairs:
            pieces += [text[cursor:line_start], fixed]
            repairs += line_repairs
            cursor = line_end
    if not pieces:
        return text
    pieces.append(text[cursor:])
    return "".join(pieces)


#: A line is checked for another language if it holds this many words (of four letters
#: or more) that the text's language does not know.
FOREIGN_LINE_MIN_UNKNOWN = 3
#: The language of a line is judged on its first words, this many at most; a line
#: whose words are this share common words of the text's language is not foreign.
FOREIGN_LINE_SAMPLE = 24
FOREIGN_LINE_MAX_SHARE = 0.8


#: Lines recur across a source's texts (a standing comment, a quote): the verdicts on
#: this many lines are kept, lines of up to so many characters (memory stays bounded).
FOREIGN_LINE_CACHE = 2048
FOREIGN_LINE_CACHED_MAX_CHARS = 2000


def _line_language(line: str, language: str, others: tuple[str, ...]) -> str | None:
    """The language of `others` most of whose common words the line's first plain
    lowercase words are (`LINE_MIN_SHARE` of them at least), if the text's `language`
    reads them worse; None if not."""
    if len(line) <= FOREIGN_LINE_CACHED_MAX_CHARS:
        return _recurring_line_language(line, language, others)
    return _read_line_language(line, language, others)


@lru_cache(maxsize=FOREIGN_LINE_CACHE)
def _recurring_line_language(line: str, language: str, others: tuple[str, ...]) -> str | None:
    """`_line_language`, its verdicts kept."""
    return _read_line_language(line, language, others)


def _read_line_language(line: str, language: str, others: tuple[str, ...]) -> str | None:
    """`_line_language`, read from the line's first words."""
    words = _line_sample(line)
    if len(words) < LINE_MIN_WORDS:
        return None
    folded = [word.casefold() for word in words]  # (as wordfreq keys them, outside English)
    best, best_known = None, _count_sound(words if language == "en" else folded, language)
    if best_known >= FOREIGN_LINE_MAX_SHARE * len(words):
        return None  # (the text's language reads it well: the common case, checked once)
    best_known = max(best_known + 1, LINE_MIN_SHARE * len(words))
    for other in others:
        known = _count_sound(words if other == "en" else folded, other)
        if known >= best_known:
            best, best_known = other, known + 1
    return best


def _line_sample(line: str) -> list[str]:
    """The line's first `FOREIGN_LINE_SAMPLE` plain lowercase words of three letters or
    more (`_ANY_LINE_WORD`'s). Read chunk by chunk (between spaces: no word spans two),
    most chunks a word alone or between punctuation, told by `str` methods; only a chunk
    with a mark inside is searched with the pattern. A long line is split only as far as
    the sample needs (twice as many chunks each time: no quadratic copying)."""
    words = []
    rest, wanted = line, _SAMPLE_CHUNKS
    while rest:
        chunks = rest.split(None, wanted)
        rest = chunks.pop() if len(chunks) > wanted else ""
        wanted *= 2
        for chunk in chunks:
            if not chunk.isalpha():
                chunk = chunk.strip(_WORD_EDGES)
                if not chunk.isalpha():  # (an apostrophe, a digit, a mark inside, or nothing)
                    for match in _ANY_LINE_WORD.finditer(chunk):
                        if match[0].islower():
                            words.append(match[0])
                            if len(words) == FOREIGN_LINE_SAMPLE:
                                return words
                    continue
            if len(chunk) >= 3 and chunk.islower():
                words.append(chunk)
                if len(words) == FOREIGN_LINE_SAMPLE:
                    return words
    return words


_SAMPLE_CHUNKS = 2 * FOREIGN_LINE_SAMPLE


#: Characters around a word that belong to no word (`word,`, `(word`, `„Wort“`): no
#: word character, apostrophe or underscore. A chunk stripped of them that is letters
#: alone is one word.
_WORD_EDGES = '!"#$%&()*+,-./:;<=>?@[\\]^`{|}~«»“”„‚‘‹›…—–¿¡\xa0\ufffd'


def _count_sound(words: list[str], language: str) -> int:
    """How many of `words` (keyed as wordfreq keys that language) are its common words."""
    return sum(map(_lexicon(language).sound.__contains__, words))


def _typo_language(language: str | None) -> str | None:
    """The wordfreq code of `language` if its typos are fixed; None (too short to tell,
    or unsupported) if not. Paragraphs are checked for the language again before a word
    in them is fixed."""
    if language is None:
        return None
    code = _base_language(language)
    code = wordfreq_code(code)
    return code if code in TYPO_LANGUAGES else None


def _folded(word: str, language: str) -> str:
    """The word as wordfreq keys it: casefolded outside English (`größe` -> `grösse`)."""
    return word if language == "en" else word.casefold()


def _unknown_candidates(text: str, language: str, sound: frozenset[str]) -> set[str]:
    """The plain lowercase words of at least four letters in `text` that are not sound."""
    if language == "en":
        return set(_TYPO_CANDIDATE.findall(" " + text)) - sound
    words = set(_LATIN_CANDIDATE.findall(" " + text)) - sound  # most words: no casefold
    return {word for word in words if word.islower() and word.casefold() not in sound}


def _unknown_candidates_by_line(text: str, language: str, sound: frozenset[str]) -> dict[str, int]:
    """`_unknown_candidates`, each with the start of the first line it is in (lines are
    searched one by one: a line break is no word character, so the words are the same)."""
    pattern = _TYPO_CANDIDATE if language == "en" else _LATIN_CANDIDATE
    first_lines: dict[str, int] = {}
    line_start = 0
    for line in text.split("\n"):
        for word in set(pattern.findall(" " + line)) - sound:
            if word not in first_lines:
                first_lines[word] = line_start
        line_start += len(line) + 1
    if language == "en":
        return first_lines
    return {
        word: start
        for word, start in first_lines.items()
        if word.islower() and word.casefold() not in sound
    }


def _apply_word_fixes(
    text: str,
    fixes: dict[str, Repair],
    prose_only: Collection[str],
    repairs: list[Repair],
    language: str,
    context_only: Mapping[str, str] | None = None,
) -> str:
    """Every whole-word occurrence of a fixable word replaced, where its context allows
    (those of `prose_only` only in a line of prose, those of `context_only` only where
    `_context_allows` the context it names)."""
    context_only = context_only or {}
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
        context = context_only.get(repair.before)
        in_context = context is not None
        if in_context and not _context_allows(text, start, end, context):
            continue
        from_word = context == "apostrophe"
        if not _fixable_here(text, start, end, fixes, line_verdicts, language, from_word):
            continue
        verdict = line_verdicts[_line_start(text, start)]
        if context == "byline" and verdict.prose:
            continue  # a line of prose wrapped before a word (`to\nbyteify all strings`)
        if repair.kind == "run_together" and (
            (verdict.alone and not in_context)
            or _is_name_here(text, start, end)
            or (language == "en" and _cannot_follow(text, start, repair.after))
        ):
            continue
        if repair.before not in prose_only or verdict.prose:
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
# A word before `says:`, `wrote:` (a comment's signature: `orlanka says:`) is a name.
_SIGNED = re.compile(r"[ \t]+(?:says|said|wrote|writes)[ \t]*:", re.IGNORECASE)


#: English words after which a subject pronoun, a preposition or a conjunction cannot
#: come: a split that would put one there is wrong (`should forgo`, not `should for go`;
#: `the itin`, `to wean`). After `to`, only subject pronouns (a preposition may follow a
#: stranded `to`: `referred to in`).
_DETERMINERS = frozenset({"the", "a", "an", "my", "your", "our", "their", "its"})
_MODALS = frozenset({"can", "could", "should", "would", "will", "shall", "may", "might", "must"})
_SUBJECT_PRONOUNS = frozenset({"we", "he", "she", "they"})
_NEVER_AFTER_MODAL = _SUBJECT_PRONOUNS | {"in", "on", "for", "of", "at", "from", "with", "into"}
_NEVER_AFTER_DETERMINER = _NEVER_AFTER_MODAL | {"it", "by", "and", "or", "but", "if", "is", "are"}
_PREVIOUS_WORD = re.compile(r"([A-Za-z]+)[ \t]+$")


def _cannot_follow(text: str, start: int, split: str) -> bool:
    """Whether the first word of an English `split` cannot follow the word before it."""
    previous = _PREVIOUS_WORD.search(text, max(0, start - 16), start)
    if previous is None:
        return False
    before, first = previous[1].lower(), split.split(" ", 1)[0]
    if before in _DETERMINERS:
        return first in _NEVER_AFTER_DETERMINER
    if before in _MODALS:
        return first in _NEVER_AFTER_MODAL
    return before == "to" and first in _SUBJECT_PRONOUNS


_NAME_BEFORE = re.compile(r"\b[A-Z][\w'’.-]*[ \t]+$")


def _is_name_here(text: str, start: int, end: int) -> bool:
    """Whether the word at `start:end` is written as a name: signing a comment
    (`orlanka says:`) or alone in parentheses after a name (`Tina Roth (swissmiss)`)."""
    if _SIGNED.match(text, end):
        return True
    if not (0 < start and end < len(text) and text[start - 1] == "(" and text[end] == ")"):
        return False
    before = _NAME_BEFORE.search(text, max(0, start - 40), start - 1)
    return before is not None


# A plain lowercase word: no capital, digit, underscore or apostrophe touching it. The
# character before it is matched, not looked behind at (`re` skips to such a character
# far faster), so the text is searched with a space in front.
_TYPO_CANDIDATE = re.compile(r"[^\w'’]([a-z]{4,})(?![\w'’])")
# In other languages, any letters (`größer`, `não`); the caller keeps the lowercase ones.
_ANY_CANDIDATE = re.compile(r"[^\w'’]([^\W\d_]{4,})(?![\w'’])")
# The languages of `SPLIT_LANGUAGES` are written in Latin letters: their candidates are
# runs of letters of ASCII, Latin-1 and Latin Extended-A (`größer`, `não`, `będzie`; the
# capitals among them are dropped by the caller), found far faster than any letter.
_LATIN_CANDIDATE = re.compile(r"[^\w'’]([a-zß-öø-ÿ\u0100-\u017f]{4,})(?![\w'’])")


def _base_language(language: str) -> str:
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]


# A line that reads as source code is left alone entirely: a statement keyword, an
# empty call `f()`, a call of `a.b(` or `snake_case(`, an operator or a backtick (not
# `item(s)` or a citation's `2010;11(4)`); or a trailing brace or semicolon where the
# line has a bracket, a quotation mark or `=` before it, or few words (`});`, `item = {`,
# `}`). Prose ends a list's items with a semicolon (`… in France ;`, `… gestiegen;`).
_CODE_LINE = re.compile(
    r"^\s*(?:def|class|import|from \S+ import|return|var|let|const|function|#include)\b"
    r"|\w\(\)|\w[._]\w+\(|[=!<>]=|=>|->|`"
)
_CODE_LINE_END = re.compile(r"[{};]\s*$")
_CODE_SIGNS = re.compile(r'[(){}\[\]="]')
CODE_LINE_END_MAX_WORDS = 3
_WORD = re.compile(r"[^\W\d_]{2,}")
# A chunk (between whitespace) that is a URL, email, handle, hashtag, path, command-line
# option or code.
_PROTECTED_CHUNK = re.compile(r"://|^www\.|@|^#|^-{1,2}[a-z]|[/\\_=<>{}|~^$%*+]|\w\.\w|\w\(")
# Chunks are separated by any space (a no-break space, `\xa0`, often ends a sentence in
# scraped text) and by dashes and ellipses, which join words without spaces:
# `tasks—thanthe`, `day…wouldit`.
_CHUNK_SEPARATORS = "".join(char for char in map(chr, range(0x3001)) if char.isspace()) + "—–…"
_CHUNK_END = re.compile(f"[{re.escape(_CHUNK_SEPARATORS)}]|$")
_LINE_END = re.compile(r"\n|$")
# (U+FFFD stands for a character lost in decoding, most often a quotation mark; German
# opens quotations low, `„vonden“`.)
_EDGE_PUNCTUATION = "\"'“”‘’„‚«»‹›()[]{},.;:!?…—–-\ufffd"
_PLAIN_WORDS = re.compile(r"[a-z]+(?:-[a-z]+)*")
_ANY_PLAIN_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _looks_like_code(line: str) -> bool:
    if _CODE_LINE.search(line):
        return True
    end = _CODE_LINE_END.search(line)
    if end is None:
        return False
    before = line[: end.start()]
    return bool(_CODE_SIGNS.search(before)) or (
        len(_WORD.findall(before)) <= CODE_LINE_END_MAX_WORDS
    )


#: A paragraph of a mixed-language text is fixed only if most of its plain words are
#: common words of the text's language (a German quote inside an English article, or
#: an English one inside a German article, is left alone).
LINE_MIN_SHARE = 0.6
LINE_MIN_WORDS = 4
_LINE_WORD = re.compile(r"(?<![\w'’])[a-z]{3,}(?![\w'’])")
_ANY_LINE_WORD = re.compile(r"(?<![\w'’])[^\W\d_]{3,}(?![\w'’])")


class _LineVerdict(NamedTuple):
    """What a line allows: fixes at all (`language`: most of its plain lowercase words
    are common words of the text's language, and it is no code), splits into two content
    words (`prose`: `LINE_MIN_WORDS` plain words, not a title or a byline such as
    `by icebike (68054)`), any split (not `alone`: a word of three letters or more, in
    any case, beside the token, which alone on its line is a name: `by tooyoung
    (853621)`, a signature)."""

    language: bool
    prose: bool
    alone: bool


def _line_verdict(line: str, fixes: dict[str, Repair], language: str) -> _LineVerdict:
    """The `_LineVerdict` of a line of a text in `language`, `fixes` its words to fix."""
    if _looks_like_code(line):
        return _LineVerdict(False, False, True)
    if language == "en":
        words = _LINE_WORD.findall(line)
    else:
        words = _lowercase_line_words(line)
    prose = len(words) >= LINE_MIN_WORDS
    alone = not prose and len(_ANY_LINE_WORD.findall(line)) < 2  # (any case: `Bike`)
    if _BYLINE.search(line) and len(line.split()) <= BYLINE_MAX_WORDS:
        prose, alone = False, True  # `Posted by: coach outlet onlines at … 11:28 PM`
    words = [word for word in words if word not in fixes]
    if len(words) < LINE_MIN_WORDS:
        return _LineVerdict(True, prose, alone)
    sound = _lexicon(language).sound
    known = sum(_folded(word, language) in sound for word in words)
    return _LineVerdict(known >= LINE_MIN_SHARE * len(words), prose, alone)


#: A short line with a time of day or a credit (`Posted by: … at October 18, 2012 11:28
#: PM`, `photo credit: … via photopin`) is a byline: its words are names, never split.
_BYLINE = re.compile(
    r"\b\d{1,2}:\d{2}\s?(?:[ap]\.?m\b|[AP]M\b)|^\W*(?:posted by|(?:photo |image )?credits?)\s*:",
    re.IGNORECASE,
)
BYLINE_MAX_WORDS = 16


def _lowercase_line_words(line: str) -> list[str]:
    """A line's plain lowercase words of three letters or more, in any alphabet."""
    return [word for word in _ANY_LINE_WORD.findall(line) if word.islower()]


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _fixable_here(
    text: str,
    start: int,
    end: int,
    fixes: dict[str, Repair],
    line_verdicts: dict[int, _LineVerdict],
    language: str,
    from_word: bool = False,
) -> bool:
    """False if the word sits in code, a URL, a chunk of non-words or a foreign paragraph
    (with `from_word`, the chunk's words are read from the word on, after a word and a
    lost apostrophe: `you\ufffdllbe`)."""
    line_start = _line_start(text, start)
    if line_start not in line_verdicts:
        line = text[line_start : _LINE_END.search(text, end).start()]
        line_verdicts[line_start] = _line_verdict(line, fixes, language)
    if not line_verdicts[line_start].language:
        return False
    chunk_start = start
    while chunk_start > line_start and text[chunk_start - 1] not in _CHUNK_SEPARATORS:
        chunk_start -= 1
    chunk_end = _CHUNK_END.search(text, end).start()
    chunk = text[chunk_start:chunk_end]
    words = chunk.strip(_EDGE_PUNCTUATION)
    if from_word:
        if not _WORD_AND_LOST_APOSTROPHE.fullmatch(text, chunk_start, start):
            return False
        words = text[start:chunk_end].strip(_EDGE_PUNCTUATION)
    if language == "en":
        words = _LOST_APOSTROPHE_END.sub("", words)  # (`university\ufffds`, `didn\ufffdt`)
        return not _PROTECTED_CHUNK.search(chunk) and bool(_PLAIN_WORDS.fullmatch(words))
    return (
        not _PROTECTED_CHUNK.search(chunk)
        and bool(_ANY_PLAIN_WORDS.fullmatch(words))
        and words.islower()
    )


@lru_cache(maxsize=1 << 16)
def _fix_word(word: str, language: str = "en") -> tuple[str, str | None]:
    """A lowercase word, repaired if the evidence is strong, and the kind of repair."""
    lexicon = _lexicon(language)
    correction = lexicon.misspellings.get(word)
    if correction:
        kind = "run_together" if word in lexicon.joins else "misspelling"
        return (correction, kind) if _is_stable(correction, language) else (word, None)
    if language == "en":
        if _is_settled(word, lexicon):
            return word, None
        split = _split_run_together(word, lexicon)
    else:
        folded = word.casefold()
        if _is_settled(folded, lexicon):
            return word, None
        compounds = language in COMPOUND_LANGUAGES
        split = _unfolded(word, _split_in_language(folded, lexicon, compounds=compounds))
    if split and _is_stable(split, language):
        return split, "run_together"
    return word, None


def _unfolded(word: str, split: str | None) -> str | None:
    """A split of `word.casefold()` applied to `word` itself (`großen` keeps its `ß`)."""
    if split is None or word == word.casefold():
        return split
    left = split.split(" ", 1)[0]
    for cut in range(1, len(word)):
        if word[:cut].casefold() == left:
            return f"{word[:cut]} {word[cut:]}"
    return None


def _is_stable(fixed: str, language: str = "en") -> bool:
    """True if no word of a fix would itself be fixed again (`and ofthe`)."""
    sound = _lexicon(language).sound
    return not any(
        len(part) >= 4 and _folded(part, language) not in sound and _fix_word(part, language)[1]
        for part in fixed.split()
    )


# --- evidence from the text itself -----------------------------------------------------
# A run-together word is an accident: it is written once, in lowercase. The text a token
# sits in says more about it than any frequency list: a token the text also writes with
# a capital (`Datavirtue says:`, `DataVirtue`) is a name, one it repeats is a term of its
# own (a handle, a product), and a pair of words it also writes apart (`in den`) is a
# pair, whatever the lexicon holds from others' scraping accidents.

#: English verb particles: a common word of a verb and its particle is a noun, written
#: beside the verb (`cleanup`, `clean up`; `login`, `log in`).
_PARTICLES = frozenset({"up", "in", "out", "off", "on", "down", "over", "back", "away"})
#: A token the lexicon knows this often is a word, even where the text writes its reading
#: apart (`sieden` beside `sie den` is kept by its word forms, `siedet`, `siedende`).
TEXT_CONFIRMED_MAX_ZIPF = 3.5
#: A word form (the token plus one of these endings) known this often, and within
#: `WORD_FAMILY_MAX_GAP` of the token, makes the token a word (`tome`: `tomes`).
WORD_FAMILY_MIN_ZIPF = 1.5
WORD_FAMILY_MAX_GAP = 1.0
#: An ending is swapped only after a stem of this many letters (one is added to any).
WORD_FAMILY_MIN_STEM = 5
#: Endings swapped or added to find a token's other forms, in the languages together
#: (the more, the more tokens are kept as words).
_WORD_FAMILY_ENDINGS = (
    *("", "s", "es", "e", "n", "en", "er", "t", "d", "ed", "ing", "a", "o", "as", "os"),
)


class _TextEvidence:
    """Counts of a text's whole words and word pairs, in its own spelling and lowercased;
    computed once per text, on demand."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lowered: str | None = None

    def count(self, phrase: str, *, any_case: bool = False) -> int:
        """How often `phrase` occurs as whole words (letters, digits or an apostrophe
        before or after it end the match)."""
        text = self.text
        if any_case:
            if self._lowered is None:
                self._lowered = text.lower()
            text = self._lowered
        found, start = 0, text.find(phrase)
        while start != -1:
            end = start + len(phrase)
            if len(text) == len(self.text) and _is_whole_word(text, start, end):
                found += 1
            start = text.find(phrase, end)
        return found


def _written_as_name(word: str, evidence: _TextEvidence) -> bool:
    """Whether the text also writes `word` with a capital (`Datavirtue says:`)."""
    return evidence.count(word, any_case=True) > evidence.count(word)


def _has_function_word(split: str, lexicon: Lexicon) -> bool:
    return any(_is_function_word(half, lexicon) for half in split.casefold().split(" "))


def _is_function_word(word: str, lexicon: Lexicon) -> bool:
    """Whether `word` is one of the language's function words, English's commonest content
    words (`people`, `time`, `work`) left out."""
    if lexicon.language == "en" and word in _ENGLISH_CONTENT_WORDS:
        return False
    return word in lexicon.function_words


def _content_split_fits_text(word: str, split: str, evidence: _TextEvidence) -> bool:
    """False if the text repeats a token read as two content words, a term of its own
    (`datavirtue` six times in a thread of comments), not an accident; an accident may
    be made twice (`ACCIDENT_MAX_REPEATS`) where the text writes the pair apart more
    often still (`aspect ratio` throughout, `aspectratio` twice)."""
    written = evidence.count(word)
    if written < 2:
        return True
    return written <= ACCIDENT_MAX_REPEATS and evidence.count(split) > written


#: A token read as two content words and written more often than this is a term.
ACCIDENT_MAX_REPEATS = 2


def _split_confirmed_by_text(word: str, language: str, evidence: _TextEvidence) -> str | None:
    """A split the lexicon alone does not justify but the text does: exactly one of the
    token's readings is written apart elsewhere in the text, at least as often as the
    token itself (`inden` beside `in den`, `dela` beside `de la`)."""
    readings = _text_readings(word, language)
    if not readings:
        return None
    written_apart = [reading for reading in readings if evidence.count(reading)]
    if len(written_apart) != 1 or evidence.count(written_apart[0]) < evidence.count(word):
        return None
    split = written_apart[0]
    return split if _is_stable(split, language) else None


@lru_cache(maxsize=1 << 16)
def _text_readings(word: str, language: str) -> tuple[str, ...]:
    """The readings of a token as two words that the text may confirm: every cut allowed
    for an unknown token of its language with a function word as a half (closed and
    open compounds live side by side in one text), where the token is rarer than
    `TEXT_CONFIRMED_MAX_ZIPF`, no listed word, and no form of a word the lexicon knows."""
    lexicon = _lexicon(language)
    zipf = lexicon.zipf
    folded = _folded(word, language)
    if len(folded) < 4 or folded in lexicon.never_split:
        return ()
    if zipf.get(folded, 0.0) >= TEXT_CONFIRMED_MAX_ZIPF or _is_settled(folded, lexicon):
        return ()
    cuts = _english_text_cuts(folded, lexicon) if language == "en" else _text_cuts(folded, lexicon)
    readings = []
    for left, right in cuts:
        if language == "en" and right in _PARTICLES and zipf.get(folded, 0.0) >= HALF_MIN_ZIPF:
            continue  # a noun made of a verb and its particle (`cleanup` beside `clean up`)
        split = _unfolded(word, f"{left} {right}")
        if split:
            readings.append(split)
    return tuple(readings)


def _english_text_cuts(word: str, lexicon: Lexicon) -> list[tuple[str, str]]:
    """The cuts of `_text_readings` in English (none for a form of a word the lexicon
    knows)."""
    zipf = lexicon.zipf
    cuts = [
        (left, right)
        for left, right in _function_word_cuts(word, lexicon.function_words, 1)
        if _common(left, zipf)
        and _common(right, zipf)
        and "a" not in (left, right)
        and not _is_affix(left, zipf[right], lexicon.prefixes)
        and not _is_affix(right, zipf[left], lexicon.suffixes)
    ]
    if not cuts or _has_word_family(word, lexicon):
        return []
    return cuts


def _text_cuts(folded: str, lexicon: Lexicon) -> list[tuple[str, str]]:
    """The cuts of `_text_readings` outside English, of a casefolded token (none for a
    form of a word the lexicon knows)."""
    zipf = lexicon.zipf
    compounds = lexicon.language in COMPOUND_LANGUAGES
    cuts = []
    for left, right in _function_word_cuts(folded, lexicon.function_words, OTHER_HALF_MIN_LENGTH):
        left_zipf, right_zipf = zipf.get(left, 0.0), zipf.get(right, 0.0)
        if (
            _is_common_other(left, left_zipf)
            and _is_common_other(right, right_zipf)
            and _reading_allowed(left, right, left_zipf, right_zipf, lexicon, 0.0, compounds)
        ):
            cuts.append((left, right))
    if not cuts or _has_word_family(folded, lexicon):
        return []
    return cuts


def _function_word_cuts(
    word: str, function_words: frozenset[str], shortest: int
) -> list[tuple[str, str]]:
    """The cuts of `word` with a function word (2-7 letters) as a half and the other half
    of `shortest` letters or more, in order of the cut. Only these may be confirmed by
    the text (`nightlight` beside `night light`: both are written)."""
    starts, ends = _function_word_tries(function_words)
    longest = len(word) - shortest
    cuts = {len(start) for start in starts.prefixes(word) if len(start) <= longest}
    cuts.update(len(word) - len(end) for end in ends.prefixes(word[::-1]) if len(end) <= longest)
    return [(word[:cut], word[cut:]) for cut in sorted(cuts)]


@cache
def _function_word_tries(function_words: frozenset[str]) -> tuple:
    """The function words in a marisa trie, and spelt backwards in another: the function
    words a token starts or ends with are found in one walk each."""
    import marisa_trie

    return (
        marisa_trie.Trie(function_words),
        marisa_trie.Trie(word[::-1] for word in function_words),
    )


def _has_word_family(word: str, lexicon: Lexicon) -> bool:
    """Whether the lexicon knows another form of the token, its ending changed or added
    (`tomes`, `siedend`, `forgive` for `forgiving`), nearly as often as the token, as a
    form that is not itself two function words run together (`delas`: `de las`).
    Accidents are inflected too, but far more rarely than words are (`highschool` 3.4,
    `highschools` 1.6; `tome` 3.2, `tomes` 2.6)."""
    function_words = lexicon.function_words
    needed = max(WORD_FAMILY_MIN_ZIPF, lexicon.zipf.get(word, 0.0) - WORD_FAMILY_MAX_GAP)
    for ending in _WORD_FAMILY_ENDINGS:
        if not word.endswith(ending) or (ending and len(word) - len(ending) < WORD_FAMILY_MIN_STEM):
            continue  # (`dela` is no form of `del`, nor `inden` of `indes`)
        stem = word[: len(word) - len(ending)]
        for other in _WORD_FAMILY_ENDINGS:
            form = stem + other
            if form == word or lexicon.zipf.get(form, 0.0) < needed:
                continue
            if not any(
                form[:cut] in function_words and form[cut:] in function_words
                for cut in range(OTHER_HALF_MIN_LENGTH, len(form) - OTHER_HALF_MIN_LENGTH + 1)
            ):
                return True
    return False


#: What an apostrophe lost in scraping leaves of a contraction at the start of the next
#: token (`you\ufffdllbe`: `you'll be`), and the characters left in its place: U+FFFD,
#: the acute and the grave accent.
_CONTRACTION_TAILS = ("ll", "ve", "re", "s", "t", "d", "m")
_APOSTROPHE_STANDINS = "\ufffd\u00b4`"
#: A chunk's end that is such a stand-in and a contraction's tail or a possessive's `s`
#: (`university\ufffds`): the word before it is a plain word, as before an apostrophe.
#: A chunk's start of a word and such a stand-in, after any opening punctuation.
_WORD_AND_LOST_APOSTROPHE = re.compile(f"[\"'“‘(\\[]*[^\\W\\d_]+[{_APOSTROPHE_STANDINS}]")
_LOST_APOSTROPHE_END = re.compile(f"[{_APOSTROPHE_STANDINS}](?:{'|'.join(_CONTRACTION_TAILS)})$")
#: After `like` as a preposition or a conjunction comes its object or a clause; after an
#: adjective in `-like` (`childlike`, `lifelike`), a noun or punctuation, hardly ever
#: one of these words.
_OBJECT_STARTS = frozenset(
    {
        *("a", "an", "the", "this", "these", "those", "what"),
        *("my", "your", "his", "her", "its", "our", "their"),
        *("me", "him", "us", "them", "you", "it", "we", "they", "he", "she", "I"),
        *("mine", "yours", "ours", "hers", "theirs"),
        *("someone", "somebody", "something", "anyone", "anybody", "anything"),
        *("everyone", "everybody", "everything"),
    }
)
#: A token split by its context is unknown or rare (wordfreq's accidents: `looklike` 1.0).
CONTEXT_JOINED_MAX_ZIPF = 2.0
#: A line that starts with `by` and a name is a byline (`by camperslo (704715)`): a token
#: at a line's start of `by` and this many letters more, unknown to the lexicon, is the
#: two run together. So is a name before `says:` (`kokopuff says:`), a comment's signature.
NAME_MIN_LENGTH = 3
_SIGNING_VERBS = ("says", "said", "wrote", "writes")
#: After the pronoun `I`, a token of `am` and one of these is the two words (`I amon`,
#: `I aman`: wordfreq knows both, at 2.9, from names and others' accidents); so is `am`
#: before any common word, where the token is unknown or rare (`I amable`).
_AFTER_AM = frozenset({"on", "in", "at", "as", "an", "by", "no", "so", "to", "not", "the"})
_NEXT_WORD = re.compile(r"[ \t]+([A-Za-z]+)(?![\w'’])")
_SIGNATURE_END = re.compile(r"[ \t]*:")
_PREVIOUS_WORD_I = re.compile(r"(?<![\w'’])[Ii][ \t]+$")


@lru_cache(maxsize=1 << 16)
def _split_in_context(word: str) -> tuple[str, str] | None:
    """An English split that only the token's neighbours can confirm, and the context
    that must (`_context_allows`): a contraction's tail before a common word after a lost
    apostrophe (`ll be`); a common word before `like` and its object (`something like`),
    which the suffix `-like` of `childlike` otherwise keeps whole; `by` before a name at a
    line's start (`by camperslo`); a name before `says:`; `am` after `I` (`am on`)."""
    lexicon = _english_lexicon()
    zipf = lexicon.zipf
    joined = zipf.get(word, 0.0)
    if word in lexicon.never_split or joined >= JOINED_WORD_ZIPF:
        return None
    if word.startswith("am") and (
        word[2:] in _AFTER_AM or (joined < CONTEXT_JOINED_MAX_ZIPF and _common(word[2:], zipf))
    ):
        return _stable_in("after_i", f"am {word[2:]}")
    if joined >= CONTEXT_JOINED_MAX_ZIPF:
        return None
    for tail in _CONTRACTION_TAILS:
        rest = word[len(tail) :]
        if word.startswith(tail) and len(rest) >= 2 and _common(rest, zipf):
            return _stable_in("apostrophe", f"{tail} {rest}")
    left = word[: -len("like")]
    if word.endswith("like") and _common(left, zipf) and left != "a":
        return _stable_in("object", f"{left} like")
    if word in zipf:
        return None  # (`byre`, `bylines`, `byronic`, `gainsays` are words)
    if word.startswith("by") and len(word) >= len("by") + NAME_MIN_LENGTH:
        return _stable_in("byline", f"by {word[2:]}")
    for verb in _SIGNING_VERBS:
        if word.endswith(verb) and len(word) >= len(verb) + NAME_MIN_LENGTH:
            return _stable_in("signature", f"{word[: -len(verb)]} {verb}")
    return None


def _stable_in(context: str, split: str) -> tuple[str, str] | None:
    return (context, split) if _is_stable(split) else None


def _context_allows(text: str, start: int, end: int, context: str) -> bool:
    """Whether the token at `start:end` sits in the `context` its split needs (see
    `_split_in_context`)."""
    if context == "apostrophe":
        return start >= 2 and text[start - 1] in _APOSTROPHE_STANDINS and text[start - 2].isalpha()
    if context == "object":
        following = _NEXT_WORD.match(text, end)
        return following is not None and following[1] in _OBJECT_STARTS
    if context == "byline":
        return not text[_line_start(text, start) : start].strip()
    if context == "signature":
        return _SIGNATURE_END.match(text, end) is not None
    return _PREVIOUS_WORD_I.search(text, max(0, start - 8), start) is not None


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
#: Four-letter tokens split only into two very common two-letter words (`isin`), below
#: this Zipf frequency and, as any known token, by `KNOWN_JOIN_MARGIN`: of such tokens
#: wordfreq knows at 2.0-3.0, those within the margin are words or names (`onus`, `nous`,
#: `anno`, `noor`, `dodo`), those beyond it mostly accidents (`tobe`, `asif`, `itis`).
TINY_HALF_MIN_ZIPF = 6.0
TINY_JOINED_MAX_ZIPF = 3.0
#: A prefix or suffix as a half must pair with a function word (`over the`), because
#: `superminds` or `callable` are derived words, not accidents.
FUNCTION_WORD_ZIPF = 6.0
#: `in` is a prefix too, but `in addition` is common damage: it needs a rarer partner.
IN_PARTNER_MIN_ZIPF = 4.2
#: As a right half `in` ends few words wordfreq lacks (`protein` and `toxin` it knows):
#: a rarer word may precede it (`taxi in`, `prototype in`).
BEFORE_IN_MIN_ZIPF = 3.0

#: An unknown token also splits into one of the commonest words (`the`, `of`, `in`)
#: and a rarer word that is not short (`theransomware`, `vaccinein`).
FUNCTION_HALF_MIN_ZIPF = 6.8
RARE_HALF_MIN_ZIPF = 2.5
RARE_HALF_MIN_LENGTH = 4
LONG_RARE_HALF_MIN_LENGTH = 9  # long words are seldom a short word and an affix ...
LONG_RARE_HALF_MIN_ZIPF = 2.0  # ... and may be rarer (`awfulness of`)
#: A function word (wordfreq's commonest words) of three letters or more and this
#: common also splits off such a word (`gleaned from`, `coders who`, `most curries`).
COMMON_FUNCTION_HALF_MIN_ZIPF = 5.5
COMMON_FUNCTION_HALF_MIN_LENGTH = 3


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
        return (
            _split_after_function_word(word, lexicon)
            or _split_after_derived_word(word, lexicon)
            or _split_with_one_edit(word, lexicon)
        )
    halves_sum, left, right = best
    if len(word) == 4:
        both_tiny = min(zipf[left], zipf[right]) >= TINY_HALF_MIN_ZIPF and len(left) == 2
        rare_enough = joined < TINY_JOINED_MAX_ZIPF and (
            not joined or joined - halves_sum + 9 < KNOWN_JOIN_MARGIN
        )
        return f"{left} {right}" if both_tiny and rare_enough else None
    if _is_affix(left, zipf[right], lexicon.prefixes) or (
        _is_affix(right, zipf[left], lexicon.suffixes, right=True) and not _is_inflected(left, zipf)
    ):
        return None
    if joined == 0.0:
        extra_letters = max(0, len(word) - UNKNOWN_LONG_TOKEN)
        needed = UNKNOWN_HALVES_MIN_SUM - UNKNOWN_SUM_PER_LETTER * extra_letters
        if halves_sum < needed:
            return _split_after_function_word(word, lexicon) or _split_after_derived_word(
                word, lexicon
            )
    elif "a" in (left, right):
        return None  # `agave`, `aversion`: real words that read as `a` + word
    # Zipf arithmetic: log(f_joined / (f_left * f_right)) = joined - left - right + 9
    elif joined - halves_sum + 9 >= KNOWN_JOIN_MARGIN:
        return None
    if _is_misspelt_word(word, left, right, lexicon):
        return None
    return f"{left} {right}"


def _is_misspelt_word(word: str, left: str, right: str, lexicon: Lexicon) -> bool:
    """Whether a token read as two halves is rather one word misspelt. Two content words:
    the token is one edit from a word of Zipf `FUZZY_WHOLE_NEAR_ZIPF` (`cheerfull`,
    `dencity`, `taxpaper`), as a token split with one edit must not be. A function word
    and a content word: see `_is_misspelt_beside_function_word`. Two function words are
    left to the other rules: joins such as `tobe` lie one edit from words (`tube`)."""
    left_function = _is_function_word(left, lexicon)
    right_function = _is_function_word(right, lexicon)
    if not left_function and not right_function:
        return _is_near_word(word)
    if left_function and right_function:
        return False
    content = right if left_function else left
    return _is_misspelt_beside_function_word(word, lexicon.zipf.get(content, 0.0))


#: A token read as a function word and a content word is checked for a misspelt word
#: from this many letters (shorter joins lie one edit from words as often: `tobe`).
MISSPELT_BESIDE_FUNCTION_MIN_LENGTH = 6


def _is_misspelt_beside_function_word(word: str, content_zipf: float) -> bool:
    """Whether a token read as a function word and a content word of `content_zipf` is
    rather a word misspelt: one edit from a word of Zipf `FUZZY_WHOLE_NEAR_ZIPF` that is
    more common than the content half, so that the misspelling is the likelier reading
    (`politicis`: `politics`, not `politic is`; `beliver`: `believer` or `deliver`, not
    `be liver`; while `thinkis` stays `think is`: `thinks` is rarer than `think`)."""
    if len(word) < MISSPELT_BESIDE_FUNCTION_MIN_LENGTH:
        return False
    zipf = _english_lexicon().zipf
    return any(zipf[other] > content_zipf for other in _near_words(word))


def _is_rare_half(word: str, frequency: float) -> bool:
    """Whether a word may be the rarer half beside a function word: four letters or more
    at `RARE_HALF_MIN_ZIPF`, or a long word a little rarer (`awestruck`, `moviegoers`)."""
    if len(word) >= LONG_RARE_HALF_MIN_LENGTH:
        return frequency >= LONG_RARE_HALF_MIN_ZIPF
    return len(word) >= RARE_HALF_MIN_LENGTH and frequency >= RARE_HALF_MIN_ZIPF


def _is_near_word(word: str) -> bool:
    """Whether an English `word` is one edit from a word of Zipf `FUZZY_WHOLE_NEAR_ZIPF`."""
    return bool(_near_words(word))


@lru_cache(maxsize=1024)
def _near_words(word: str) -> frozenset[str]:
    """The English words of Zipf `FUZZY_WHOLE_NEAR_ZIPF` or more one edit from `word`
    (kept for the last words asked: a token's checks ask for the same word in turn)."""
    return _near_word_targets().intersection(_one_edit(word))


@cache
def _near_word_targets() -> frozenset[str]:
    """The English words of Zipf `FUZZY_WHOLE_NEAR_ZIPF` or more, looked up as a set."""
    return frozenset(
        word
        for word, frequency in _english_lexicon().zipf.items()
        if frequency >= FUZZY_WHOLE_NEAR_ZIPF
    )


def _split_after_function_word(word: str, lexicon: Lexicon) -> str | None:
    """`the ransomware`, `vaccine in`: a very common word beside a rarer, longer one;
    or a common function word of three letters or more beside one (`gleaned from`,
    `most curries`), where the token is not a word misspelt (`overhelmed`)."""
    zipf = lexicon.zipf
    best: tuple[float, str, bool, float] | None = None
    for cut in range(1, len(word)):
        left, right = word[:cut], word[cut:]
        left_zipf, right_zipf = zipf.get(left, 0.0), zipf.get(right, 0.0)
        if "i" in (left, right) or right == "a":
            continue  # (names and borrowed words end in `a`: `chirpa`, `samba`)
        for function, function_zipf, other, other_zipf in (
            (left, left_zipf, right, right_zipf),
            (right, right_zipf, left, left_zipf),
        ):
            very_common = function_zipf >= FUNCTION_HALF_MIN_ZIPF
            affixes = lexicon.prefixes if function == left else lexicon.suffixes
            if not very_common and (
                function_zipf < COMMON_FUNCTION_HALF_MIN_ZIPF
                or len(function) < COMMON_FUNCTION_HALF_MIN_LENGTH
                or function not in lexicon.function_words
                or function in affixes  # (`overfertilize`, `outlast`: words built so)
            ):
                continue
            side = "left" if function == left else "right"
            if (
                _is_rare_half(other, other_zipf)
                or _is_long_half_beside_barren_word(function, side, other, other_zipf)
            ) and (best is None or left_zipf + right_zipf > best[0]):
                best = (left_zipf + right_zipf, f"{left} {right}", very_common, other_zipf)
    if best is None:
        return None
    if not best[2] and _is_near_word(word):
        return None
    if _is_misspelt_beside_function_word(word, best[3]):
        return None  # `politicis`: `politics` misspelt, not `politic is`
    return best[1]


#: An adverb in `-ly`, a participle in `-ed` or `-ing` of a common word (its stem of
#: `DERIVED_STEM_MIN_LENGTH` letters at this Zipf frequency) starts no closed compound: an
#: unknown token that starts with one, known at `DERIVED_HALF_MIN_ZIPF`, before a word of
#: four letters or more at `DERIVED_PARTNER_MIN_ZIPF` (`completely uprooted`, `freshly
#: baked`, `flickering lights`) is two words, the reading clearly the best.
DERIVED_STEM_MIN_ZIPF = 3.0
DERIVED_STEM_MIN_LENGTH = 4
DERIVED_HALF_MIN_ZIPF = 2.0
DERIVED_PARTNER_MIN_ZIPF = 2.5
DERIVED_PARTNER_MIN_LENGTH = 4


def _split_after_derived_word(word: str, lexicon: Lexicon) -> str | None:
    """`completely uprooted`, `eroded stealth`: an adverb or participle of a common
    word (`_is_derived_form`) before a word that is no ending, where the token is no word
    misspelt and no other reading into two common words comes near."""
    zipf = lexicon.zipf
    readings = []
    for cut in range(DERIVED_STEM_MIN_LENGTH + 2, len(word) - DERIVED_PARTNER_MIN_LENGTH + 1):
        left, right = word[:cut], word[cut:]
        left_zipf, right_zipf = zipf.get(left, 0.0), zipf.get(right, 0.0)
        if (
            left_zipf >= DERIVED_HALF_MIN_ZIPF
            and right_zipf >= DERIVED_PARTNER_MIN_ZIPF
            and right not in lexicon.suffixes
            and _is_derived_form(left, zipf)
        ):
            readings.append((left_zipf + right_zipf, left, right))
    if not readings:
        return None
    halves_sum, left, right = max(readings)
    rivals = [
        zipf[word[:cut]] + zipf[word[cut:]]
        for cut in range(1, len(word))
        if word[:cut] != left and _common(word[:cut], zipf) and _common(word[cut:], zipf)
    ]
    if rivals and halves_sum - max(rivals) < SPLIT_MIN_LEAD:
        return None
    if _is_near_word(word):
        return None
    return f"{left} {right}"


def _is_derived_form(word: str, zipf: dict[str, float]) -> bool:
    """Whether `word` is an adverb in `-ly` or a participle in `-ed`, `-ing` of a common
    word (`completely`, `gently`, `eroded`, `shopping`, `flickering`)."""
    for ending in ("ly", "ed", "ing"):
        if not word.endswith(ending):
            continue
        stem = word[: -len(ending)]
        stems = [stem]
        if ending == "ly" and stem.endswith(_BEFORE_LE):
            stems.append(stem + "le")  # `gently`, `unbearably`
        elif ending != "ly":
            stems.append(stem + "e")  # `eroded`, `using`
            if len(stem) > 2 and stem[-1] == stem[-2]:
                stems.append(stem[:-1])  # `shopping`, `stopped`
        return any(
            len(stem) >= DERIVED_STEM_MIN_LENGTH and zipf.get(stem, 0.0) >= DERIVED_STEM_MIN_ZIPF
            for stem in stems
        )
    return False


#: An adjective in `-le` after these letters makes its adverb in `-ly` (`gentle`, `gently`).
_BEFORE_LE = ("b", "p", "t", "d", "g", "k", "z")


#: A function word that builds almost no words on its side (`which`, `their`, `would`
#: start none the lexicon knows at `BARREN_WORD_MIN_ZIPF`, three letters longer; `the`
#: starts `theory`, `there`) is no part of a compound there: beside it, a long word the
#: lexicon knows more rarely is read as a word (`which astrobiologists`).
BARREN_FUNCTION_WORD_MAX_WORDS = 2
BARREN_WORD_MIN_ZIPF = 2.0
BARREN_PARTNER_MIN_LENGTH = 9
BARREN_PARTNER_MIN_ZIPF = 1.0


def _is_long_half_beside_barren_word(
    function: str, side: str, other: str, other_zipf: float
) -> bool:
    """Whether `other`, beside the function word on its `side` (`left` or `right`), is a
    long word the lexicon knows and the function word builds almost no words there."""
    return (
        len(other) >= BARREN_PARTNER_MIN_LENGTH
        and other_zipf >= BARREN_PARTNER_MIN_ZIPF
        and (function, side) in _barren_function_words()
    )


@cache
def _barren_function_words() -> frozenset[tuple[str, str]]:
    """The English function words, each with the side (`left`: as a token's start,
    `right`: as its end) on which they build `BARREN_FUNCTION_WORD_MAX_WORDS` words or
    fewer that the lexicon knows (see `_count_built_words`), built once per version."""
    from newsclean.derived import load_or_build

    pairs = load_or_build(
        "english-barren-function-words",
        lambda: _count_built_words(_english_lexicon()),
        packages=_ENGLISH_SOURCES,
        files=_english_files(),
    )
    return frozenset(tuple(pair) for pair in pairs)


def _count_built_words(lexicon: Lexicon) -> list[tuple[str, str]]:
    """(function word, side) for each side on which a function word starts or ends at
    most `BARREN_FUNCTION_WORD_MAX_WORDS` words of Zipf `BARREN_WORD_MIN_ZIPF` or more,
    three letters longer at least."""
    function_words = lexicon.function_words
    built = {(word, side): 0 for word in function_words for side in ("left", "right")}
    for word, frequency in lexicon.zipf.items():
        if frequency < BARREN_WORD_MIN_ZIPF or not word.isalpha():
            continue
        longest = min(FUNCTION_WORD_MAX_LENGTH, len(word) - 3)
        for length in range(OTHER_HALF_MIN_LENGTH, longest + 1):
            if word[:length] in function_words:
                built[word[:length], "left"] += 1
            if word[-length:] in function_words:
                built[word[-length:], "right"] += 1
    return sorted(pair for pair, count in built.items() if count <= BARREN_FUNCTION_WORD_MAX_WORDS)


#: Inflections of English nouns and verbs: no suffix follows one (`calories in`,
#: `sounds like`, `valued in`, while `protein`, `childlike` are words).
_INFLECTION_ENDINGS = ("s", "es", "d", "ed")
INFLECTED_STEM_MIN_LENGTH = 3


def _is_inflected(word: str, zipf: dict[str, float]) -> bool:
    """Whether `word` is a common word plus an inflection (`calories`, `valued`)."""
    return any(
        word.endswith(ending)
        and len(word) - len(ending) >= INFLECTED_STEM_MIN_LENGTH
        and zipf.get(word[: -len(ending)], 0.0) >= HALF_MIN_ZIPF
        for ending in _INFLECTION_ENDINGS
    )


def _is_affix(
    half: str, partner_zipf: float, affixes: frozenset[str], *, right: bool = False
) -> bool:
    """Whether a half is a prefix (or, `right`, a suffix) beside a partner this common."""
    if half == "in":
        return partner_zipf < (BEFORE_IN_MIN_ZIPF if right else IN_PARTNER_MIN_ZIPF)
    return half in affixes and partner_zipf < FUNCTION_WORD_ZIPF


def _common(word: str, zipf: dict[str, float]) -> float:
    """The word's Zipf frequency if it is common enough to be a half, else 0."""
    frequency = zipf.get(word, 0.0)
    return frequency if _is_common(word, frequency) else 0.0


#: Outside English, a long half may be rarer: inflected forms are rarer each
#: (`przywołując`, `calculados`), and a long word is seldom a chance reading.
LONG_HALF_MIN_LENGTH = 8
LONG_HALF_MIN_ZIPF = 2.5


def _is_common_other(word: str, frequency: float) -> bool:
    """`_is_common` outside English, where a long half may be rarer."""
    if len(word) >= LONG_HALF_MIN_LENGTH:
        return frequency >= LONG_HALF_MIN_ZIPF
    return _is_common(word, frequency)


def _is_common(word: str, frequency: float) -> bool:
    """Whether a word of this Zipf frequency is common enough to be a half."""
    if word == "i":
        return False  # the pronoun is capitalised; lowercase `i` is noise
    return frequency >= SHORT_HALF_MIN_ZIPF.get(len(word), HALF_MIN_ZIPF)


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
    if not readings or _is_near_word(word):
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


# --- run-together words in other languages ----------------------------------------------
# The same evidence as in English (both halves common words, the joined form rare, a
# clear margin), and one shape of English's: a function word beside a rarer word. The
# slip inside a half is English only.

#: Halves are words of at least two letters (`e`, `a`, `o`, `y`, `i` are words and
#: prefixes of many words); short halves must be very common, as in English.
OTHER_HALF_MIN_LENGTH = 2
#: A language's function words: its commonest short words (wordfreq's top list).
FUNCTION_WORDS_TOP_N = 200
FUNCTION_WORD_MAX_LENGTH = 7
#: A function word splits off an unknown token beside a rarer word of this many letters
#: at least and this Zipf frequency (`exzentrische und`, `della serie`) ...
FUNCTION_PARTNER_MIN_LENGTH = 4
FUNCTION_PARTNER_MIN_ZIPF = 2.5
#: ... or, outside compound languages, beside a long word a little rarer, as in English
#: (`LONG_RARE_HALF_MIN_LENGTH`): `excomandante de`, `sont émancipés`. Of the words
#: wordfreq knows at Zipf 1.0-2.0 in es, fr, pt, it, pl, read as unknown, 0.2-0.6 % more
#: split so (5-8 % already do: such a sample is far rarer than a text's unknown words).
LONG_PARTNER_MIN_LENGTH = LONG_RARE_HALF_MIN_LENGTH
LONG_PARTNER_MIN_ZIPF = LONG_RARE_HALF_MIN_ZIPF
#: In German (whose particles and word forms are listed), a function word of this many
#: letters that is no listed particle builds no words (`und`, `wenn`, `ist`): beside it,
#: the other half may be a rarer word (`und gezacktem`). Not elsewhere: Romance words
#: start and end with `que`, `por`, `con`; other compound languages are not measured.
BUILDS_NO_WORDS_MIN_LENGTH = 3
RARE_PARTNER_MIN_ZIPF = 1.0
#: In a compound language a token this common is a word, whatever its halves; a rarer
#: one that wordfreq has seen may be two function words run together (`undder` 1.2,
#: `aufdie` 2.2) and nothing else, by `FUNCTION_PAIR_MARGIN` (`sieden` 2.5 is a word).
COMPOUND_KNOWN_MIN_ZIPF = 3.0
#: Two function words run together may be a token wordfreq
#: has seen, from others' scraping accidents or as a word (`silos`): they split only if
#: it is rarer than their independent co-occurrence by this margin.
FUNCTION_PAIR_MARGIN = -3.0
#: Where function words build no words (not a compound language, not a listed prefix,
#: no word family), a smaller margin: `le temps` for `letemps` (1.6), `todos os`.
#: Polish prepositions are verb prefixes too (`do|być`, `na|mówi`): not there.
FREE_FUNCTION_PAIR_MARGIN = -2.0
_PREPOSITIONS_AS_PREFIXES = frozenset({"pl"})
#: The particle before an infinitive and the infinitive's ending, where the particle is
#: also a verb prefix: an unknown token splits after it only before an infinitive
#: (`zumerken`, while `zuschaltete` is a form of `zuschalten`).
_INFINITIVE_MARKERS = {"de": ("zu", ("en", "ern", "eln")), "nl": ("te", ("en",))}
#: The chosen reading's Zipf sum must beat any other reading's by this much.
SPLIT_MIN_LEAD = 1.0


def _split_in_language(word: str, lexicon: Lexicon, *, compounds: bool) -> str | None:
    """`erstreckt sich` for `erstrecktsich`, or None without strong evidence.

    Where compounds are written as one word (`compounds`), a token the lexicon knows is
    never split (below `COMPOUND_KNOWN_MIN_ZIPF`, only into two function words), and an
    unknown one only beside a function word: two content words are a compound there
    (`ziekenhuisopname`). The best reading must beat every other
    reading into two common words by `SPLIT_MIN_LEAD` (`zureinigen`: `zu reinigen` or
    `zur einigen`).
    """
    zipf = lexicon.zipf
    joined = zipf.get(word, 0.0)
    if joined >= JOINED_WORD_ZIPF or word in lexicon.never_split:
        return None
    if len(word) == 4:  # (of the compound languages, only where endings are listed)
        tiny = not compounds or lexicon.language in _INFLECTIONS
        return _split_tiny(word, joined, lexicon) if tiny else None
    function_words = lexicon.function_words
    if compounds and joined >= COMPOUND_KNOWN_MIN_ZIPF:
        return None
    if compounds and not _ends_in_function_word(word, function_words):
        return _split_content_words(word, lexicon) if not joined else None
    if compounds and joined and not _is_two_function_words(word, function_words):
        return None  # (a known token there is read only as two function words)
    split = _split_beside_function_word(word, lexicon, joined, compounds)
    if split is None and compounds and not joined:
        return _split_content_words(word, lexicon)
    return split


def _split_beside_function_word(
    word: str, lexicon: Lexicon, joined: float, compounds: bool
) -> str | None:
    """`_split_in_language` for a token that may have a function word at one end."""
    zipf = lexicon.zipf
    function_words = lexicon.function_words
    allowed: list[tuple[float, str, str]] = []
    plausible: list[tuple[float, str, str]] = []
    for left, right, left_zipf, right_zipf in zipf.cuts(word, OTHER_HALF_MIN_LENGTH):
        reading = (left_zipf + right_zipf, left, right)
        if _reading_allowed(left, right, left_zipf, right_zipf, lexicon, joined, compounds):
            allowed.append(reading)
        elif _is_common_other(left, left_zipf) and _is_common_other(right, right_zipf):
            plausible.append(reading)
    if not allowed:
        return None
    best = max(allowed)
    others = [reading[0] for reading in allowed + plausible if reading is not best]
    if others and best[0] - max(others) < SPLIT_MIN_LEAD:
        return None
    halves_sum, left, right = best
    if joined:
        both_function = left in function_words and right in function_words
        margin = KNOWN_JOIN_MARGIN
        if both_function:
            margin = _function_pair_margin(word, left, lexicon, compounds)
        return f"{left} {right}" if joined - halves_sum + 9 < margin else None
    if left in function_words or right in function_words:
        return f"{left} {right}"
    extra_letters = max(0, len(word) - UNKNOWN_LONG_TOKEN)
    needed = _UNKNOWN_MIN_SUM.get(lexicon.language, UNKNOWN_HALVES_MIN_SUM)
    needed -= UNKNOWN_SUM_PER_LETTER * extra_letters
    return f"{left} {right}" if halves_sum >= needed else None


#: Languages whose words take many forms, each rarer (Polish declines nouns in seven
#: cases): two content words run together reach a lower Zipf sum (`rację bytu`).
_UNKNOWN_MIN_SUM = {"pl": 8.0}


def _function_pair_margin(word: str, left: str, lexicon: Lexicon, compounds: bool) -> float:
    """The margin a known token needs to split into two function words (see
    `FREE_FUNCTION_PAIR_MARGIN`, `PARTICLE_FUNCTION_PAIR_MARGIN`)."""
    endings = _INFLECTIONS.get(lexicon.language)
    if endings:  # German: its own endings, and an ending where German inflects so
        right = word[len(left) :]
        strict = _has_inflected_family(word, endings, lexicon) or (
            left.endswith("en") and right in _PARTICIPLE_ARTICLES
        )  # (`habenden` is `habend` + `en`)
    else:
        strict = _has_word_family(word, lexicon)
    if strict or (compounds and not endings) or lexicon.language in _PREPOSITIONS_AS_PREFIXES:
        return FUNCTION_PAIR_MARGIN
    if left in lexicon.prefixes:
        listed = lexicon.language in _INFLECTIONS
        return PARTICLE_FUNCTION_PAIR_MARGIN if listed else FUNCTION_PAIR_MARGIN
    return FREE_FUNCTION_PAIR_MARGIN


#: After an infinitive these are a participle's ending (`haben|den` is `habend|en`).
_PARTICIPLE_ARTICLES = ("der", "den", "dem", "des")


def _has_inflected_family(word: str, endings: tuple[str, ...], lexicon: Lexicon) -> bool:
    """`_has_word_family` where a language's endings are listed (German): another form of
    the token by those endings only (not `manama` for `manam`), and not a function word
    and one letter, which is the same accident before another word (`dasse` for
    `dasses`, `wirde` for `wirden`)."""
    zipf = lexicon.zipf
    function_words = lexicon.function_words
    needed = max(WORD_FAMILY_MIN_ZIPF, zipf.get(word, 0.0) - WORD_FAMILY_MAX_GAP)
    for ending in endings:
        if not word.endswith(ending) or (ending and len(word) - len(ending) < WORD_FAMILY_MIN_STEM):
            continue
        stem = word[: len(word) - len(ending)]
        for other in endings:
            form = stem + other
            if form == word or zipf.get(form, 0.0) < needed or form[:-1] in function_words:
                continue
            if not _is_two_function_words(form, function_words):
                return True
    return False


#: In German (whose particles are listed), a particle before a function word builds
#: words that wordfreq knows well (`dabei`, `hinzu`, `vorher`) or rarely (`hierein`
#: 1.65): a token it knows rarely splits there by this margin (`zukönnen` 1.47, `andem`
#: 1.66, `aufeinen` 1.47 are accidents; `hierein` stays).
PARTICLE_FUNCTION_PAIR_MARGIN = -2.6


#: Four-letter words of two function words' letters are many in these languages
#: (`seno`, `lava`, `tema`): such a token splits only below this Zipf frequency (above
#: it, only where the text writes the pair apart, as `de la` for `dela`).
OTHER_TINY_JOINED_MAX_ZIPF = 2.0


def _split_tiny(word: str, joined: float, lexicon: Lexicon) -> str | None:
    """`de la` for `dela`, `en el` for `enel`: a four-letter token splits only into two
    very common two-letter function words, and only if it is rare (as in English)."""
    left, right = word[:2], word[2:]
    function_words = lexicon.function_words
    if left not in function_words or right not in function_words:
        return None
    zipf = lexicon.zipf
    if min(zipf.get(left, 0.0), zipf.get(right, 0.0)) < TINY_HALF_MIN_ZIPF:
        return None
    if joined >= OTHER_TINY_JOINED_MAX_ZIPF or _has_word_family(word, lexicon):
        return None  # `seno`, `asno`, `lava`, `mesa`: words (`senos`, `lavas`)
    return f"{left} {right}"


#: In a compound language, an unknown lowercase token splits into two content words
#: only where the language's word forms are listed (`_INFLECTIONS`), so that a form of a
#: known word is recognised, on halves as strong as an unknown token's elsewhere (not
#: lowered for long tokens: long lowercase compounds abound, `pandemiebedingten`) ...
COMPOUND_CONTENT_MIN_SUM = 9.0
COMPOUND_CONTENT_MIN_LENGTH = 4
#: ... and only if its halves build few words the lexicon knows (`WordZipf.compound_family`):
#: `wasser` starts hundreds (`wasserdicht`), `frei` ends a hundred (`abfallfrei`), while
#: `sogar` and `überlegen` build almost none.
COMPOUND_FAMILY_MAX = 30
COMPOUND_FAMILY_MIN_ZIPF = 1.5
#: Halves that build almost no words (adverbs such as `möglicherweise`, `äußerst`,
#: `völlig`) are no compound's parts: there a lower sum will do (`äußerst skeptisch`).
COMPOUND_BARREN_FAMILY_MAX = 2
COMPOUND_BARREN_MIN_SUM = 7.0


def _split_content_words(word: str, lexicon: Lexicon) -> str | None:
    """`extrem fettig`, `deutsch wirken` in German: an unknown token of two common
    content words, no form of a known word, no listed particle or ending at the cut,
    both halves very common and the reading clearly the best."""
    endings = _INFLECTIONS.get(lexicon.language)
    if not endings:
        return None
    readings = []
    for left, right, left_zipf, right_zipf in lexicon.zipf.cuts(word, OTHER_HALF_MIN_LENGTH):
        if _is_common_other(left, left_zipf) and _is_common_other(right, right_zipf):
            readings.append((left_zipf + right_zipf, left, right))
    if not readings:
        return None
    readings.sort(reverse=True)
    halves_sum, left, right = readings[0]
    if len(readings) > 1 and halves_sum - readings[1][0] < SPLIT_MIN_LEAD:
        return None
    if (
        halves_sum < COMPOUND_BARREN_MIN_SUM
        or min(len(left), len(right)) < COMPOUND_CONTENT_MIN_LENGTH
    ):
        return None
    if left in lexicon.prefixes or right in lexicon.suffixes:
        return None
    if _is_word_form(word, left, endings, lexicon.zipf):
        return None
    family = lexicon.zipf.compound_family(left, right, COMPOUND_FAMILY_MAX)
    if family >= COMPOUND_FAMILY_MAX:
        return None  # `abfallfrei`, `wasserneutral`: a half that builds many words
    if halves_sum < COMPOUND_CONTENT_MIN_SUM and family > COMPOUND_BARREN_FAMILY_MAX:
        return None
    return f"{left} {right}"


#: A language's inflection endings (with none), where they are listed: a token that is a
#: form of a word the lexicon knows is not split (see `_is_word_form`), and a particle
#: may then be a left half.
_INFLECTIONS = {
    "de": ("", "e", "en", "er", "es", "em", "n", "s", "t", "st", "et", "te", "ten", "tet"),
}
#: A form of a word is known to the lexicon at least this often.
WORD_FORM_MIN_ZIPF = 1.5


def _beside_particle_allowed(word: str, particle: str, lexicon: Lexicon) -> bool:
    """Whether a listed particle or prefix may be the left half of `word`: only where the
    language's endings are listed (so `word` is known to be no form of a word the
    lexicon knows), and before no verb form (a particle and a verb are written as one
    word)."""
    if lexicon.language not in _INFLECTIONS:
        return False
    rest = word[len(particle) :]
    if particle in _NEGATIONS.get(lexicon.language, ()):
        return (
            rest in lexicon.function_words
            or _is_verb_form(rest, lexicon)
            or _is_infinitive(rest, lexicon)
        )
    if particle in _ADJECTIVE_PARTICLES.get(lexicon.language, ()):
        return rest in lexicon.function_words
    return not _is_verb_form(rest, lexicon)


#: Particles that also build adjectives (`überpräsent`, `nichtkaufmännisch`): split off
#: only before a function word (`über meinen`).
#: A negation builds adjectives (`nichtöffentlich`) but no verbs: before a verb form it is
#: a word of its own (`nicht erkennen`, `nicht isoliert`).
_NEGATIONS = {"de": ("nicht",)}
_ADJECTIVE_PARTICLES = {"de": ("über", "nicht", "selbst", "wohl", "hoch", "voll", "all", "welt")}
#: A verb's third person is this common (`kundt` 1.8, `westlicht` 1.5 are noise).
THIRD_PERSON_MIN_ZIPF = 2.5


def _is_infinitive(word: str, lexicon: Lexicon) -> bool:
    """Whether a German word is a common infinitive whose third person is common too
    (`investieren`: `investiert`; `verwässern`: `verwässert`; `arbeiten`: `arbeitet`),
    the verbs `nicht` comes before (`nicht investieren`)."""
    zipf = lexicon.zipf
    if zipf.get(word, 0.0) < FUNCTION_PARTNER_MIN_ZIPF:
        return False
    if word.endswith(("ern", "eln")):
        stem = word[:-1]
    elif word.endswith("en"):
        stem = word[:-2]
    else:
        return False
    third = stem + ("et" if stem.endswith(("t", "d")) else "t")
    return zipf.get(third, 0.0) >= THIRD_PERSON_MIN_ZIPF


#: German endings of verb forms and of adjectives made from verbs, after the verb's stem
#: (`bastel|t`, `versend|et`, `spann|end`, `wähl|baren`).
_VERB_ENDINGS = (
    *("t", "te", "ten", "tet", "et", "st", "est", "end", "ende", "enden", "ender"),
    *("bar", "bare", "baren", "barer", "bares", "barem"),
)
#: A verb form is judged by words the lexicon knows at all (its floor is about 1.0).
VERB_FORM_MIN_ZIPF = 1.0


def _is_verb_form(word: str, lexicon: Lexicon) -> bool:
    """Whether a German word reads as a verb form: an infinitive whose participle the
    lexicon knows (`sagen`: `sagend`), a stem and a verb ending whose infinitive it
    knows (`bastelt`: `basteln`), or a participle's shape (`getrocknet`, `angebunden`)."""
    zipf = lexicon.zipf
    if word.endswith("n") and zipf.get(word + "d", 0.0) >= VERB_FORM_MIN_ZIPF:
        return True
    if word.endswith(_PARTICIPLE_ENDINGS) and any(
        word.startswith(particle + "ge") for particle in ("", *lexicon.prefixes)
    ):
        return True
    for ending in _VERB_ENDINGS:
        if word.endswith(ending) and any(
            zipf.get(word[: len(word) - len(ending)] + infinitive, 0.0) >= VERB_FORM_MIN_ZIPF
            for infinitive in ("en", "n")
        ):
            return True
    return False


#: A German participle (`ge-` after any particle) ends so, inflected or not.
_PARTICIPLE_ENDINGS = tuple(
    stem + ending for stem in ("t", "en") for ending in ("", "e", "en", "er", "es", "em")
)


def _is_word_form(word: str, left: str, endings: tuple[str, ...], zipf: WordZipf) -> bool:
    """Whether `word` less an ending takes another ending as a word the lexicon knows
    (`nachreichte`: `nachreichen`; `branchenweiter`: `branchenweit`), its stem reaching
    two letters past the left half, or the left half and four more letters start a word
    it knows (`weiterempfiehlt`: `weiterempfehlen`)."""
    if zipf.starts_word(word[: len(left) + 4], WORD_FORM_MIN_ZIPF):
        return True
    for ending in endings:
        if not word.endswith(ending):
            continue
        stem = word[: len(word) - len(ending)]
        if len(stem) < len(left) + 2:
            continue
        if any(
            other != ending and zipf.get(stem + other, 0.0) >= WORD_FORM_MIN_ZIPF
            for other in endings
        ):
            return True
    return False


#: A German adjective declined after a function word (`ein fatales`): its stem is a word
#: of this Zipf frequency at least ...
DECLINED_STEM_MIN_ZIPF = 2.5
#: ... and takes at least this many of the other four endings as words the lexicon knows
#: (`fatal`: `fatale`, `fatalen`, `fataler`, `fatalem`).
DECLINED_MIN_FORMS = 3
_ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")
#: Shorter rare words read so are mostly noise or verbs (`ingen`, `halsen`: `aufhalsen`).
DECLINED_MIN_LENGTH = 7
#: A stem that takes these is a verb's (`schick|t`, `kleid|et`), whatever its other forms.
_VERB_PERSONS = ("t", "et", "te", "ete", "st")


def _is_declined_adjective(word: str, zipf: WordZipf) -> bool:
    """Whether a German word is a declined adjective (`fatales`, `vorgeheizten`): its
    stem a word the lexicon knows, with the other endings, and no verb's."""
    for ending in _ADJECTIVE_ENDINGS:
        if not word.endswith(ending):
            continue
        stem = word[: len(word) - len(ending)]
        if zipf.get(stem, 0.0) < DECLINED_STEM_MIN_ZIPF:
            continue
        if any(zipf.get(stem + verb, 0.0) >= WORD_FORM_MIN_ZIPF for verb in _VERB_PERSONS):
            return False  # `schicken`, `kleiden`: a verb (`schickt`, `kleidet`)
        forms = sum(
            zipf.get(stem + other, 0.0) >= WORD_FORM_MIN_ZIPF
            for other in _ADJECTIVE_ENDINGS
            if other != ending
        )
        if forms >= DECLINED_MIN_FORMS:
            return True
    return False


def _beside_ending_allowed(left: str, ending: str, lexicon: Lexicon) -> bool:
    """Whether a listed ending may be the right half after `left`. In German a participle
    takes `der`, `den`, `dem`, `des` after its infinitive's `n` (`kippen|der` is
    `kippend|er`), `er`, `es`, `en`, `em` never follow an `e` (`musste|er`), and `er`,
    `es` are pronouns after a finite verb (`bietet es`, `sagt er`: see
    `_is_finite_verb`)."""
    if lexicon.language == "es":
        return ending in _ARTICLE_CLITICS and left.endswith(_NO_CLITIC_HOST_ENDINGS)
    if lexicon.language != "de":
        return False
    if ending in ("der", "den", "dem", "des"):
        return not left.endswith("n")
    if ending in ("er", "es", "en", "em"):
        if left.endswith("e"):
            return True
        return ending in ("er", "es") and _is_finite_verb(left, lexicon)
    return False


#: German prefixes that stay on the verb (`be-`, `ver-`, `über-`): such a verb's third
#: person in `-t` is also its participle (`bestellt`, `verkauft`), which an adjective's
#: ending follows (`bestelltes`, `verkaufter`); so is an `-iert` verb's (`kopiertes`).
_GERMAN_INSEPARABLE_PREFIXES = (
    "be", "ge", "er", "ver", "zer", "ent", "emp", "miss", "über", "unter", "wider"
)  # fmt: skip
#: A finite verb is common, and so are its second person and its infinitive (`sagt`:
#: `sagst` 4.5, `sagen`; `gut` is no verb: `gust` 2.4 is noise).
FINITE_VERB_MIN_ZIPF = 3.0
INSEPARABLE_STEM_MIN_LENGTH = 3
SECOND_PERSON_MIN_ZIPF = 2.5


def _is_finite_verb(word: str, lexicon: Lexicon) -> bool:
    """Whether a German word is a verb's third person in `-t` and nothing an adjective's
    ending could follow (`sagt`, `bietet`: the second person `sagst`, `bietest` and the
    infinitive `sagen`, `bieten` are common too; not a participle's shape: `bestellt`,
    `kopiert`). Verbs that change their vowel (`hilft`: `helfen`) are not found."""
    if not word.endswith("t") or word.endswith("iert"):
        return False
    if any(
        word.startswith(prefix) and len(word) - len(prefix) >= INSEPARABLE_STEM_MIN_LENGTH
        for prefix in (*_GERMAN_INSEPARABLE_PREFIXES, *lexicon.prefixes)
    ):
        return False  # (`geht` is no `ge-` and `ht`; `wiederholt` may be a participle)
    zipf = lexicon.zipf
    stem = word[:-2] if word.endswith("et") else word[:-1]
    return (
        zipf.get(word, 0.0) >= FINITE_VERB_MIN_ZIPF
        and zipf.get(word[:-1] + "st", 0.0) >= SECOND_PERSON_MIN_ZIPF
        and zipf.get(stem + "en", 0.0) >= SECOND_PERSON_MIN_ZIPF
    )


def _is_zu_infinitive(word: str, marker: str, lexicon: Lexicon) -> bool:
    """Whether `word` is a particle verb's infinitive with the marker after the particle,
    as German writes it (`zuzufallen`: `zu` + `zu` + `fallen`; `anzurufen`)."""
    return any(
        word.startswith(particle + marker)
        and lexicon.zipf.get(word[len(particle) + len(marker) :], 0.0) >= FUNCTION_PARTNER_MIN_ZIPF
        for particle in lexicon.prefixes
    )


def _is_two_function_words(word: str, function_words: frozenset[str]) -> bool:
    """Whether `word` is two function words run together, at some cut."""
    starts, _ends = _function_word_tries(function_words)
    return any(word[len(start) :] in function_words for start in starts.prefixes(word))


def _ends_in_function_word(word: str, function_words: frozenset[str]) -> bool:
    """Whether `word` starts or ends with a function word (of 2-7 letters)."""
    starts, ends = _function_word_tries(function_words)
    return bool(starts.prefixes(word) or ends.prefixes(word[::-1]))


def _reading_allowed(
    left: str,
    right: str,
    left_zipf: float,
    right_zipf: float,
    lexicon: Lexicon,
    joined: float,
    compounds: bool,
) -> bool:
    """Whether `left right` may be the reading of a token (see `_split_in_language`)."""
    function_words = lexicon.function_words
    left_function, right_function = left in function_words, right in function_words
    if left_function and right_function:
        return True  # `zuden`, `undder`: no word is built so
    infinitive = _INFINITIVE_MARKERS.get(lexicon.language)
    if infinitive and left == infinitive[0] and right.endswith(infinitive[1]) and not joined:
        if lexicon.language == "de" and _is_zu_infinitive(left + right, "zu", lexicon):
            return False  # `zuzufallen`: `zufallen` with its `zu` inside
        return right_zipf >= FUNCTION_PARTNER_MIN_ZIPF  # `zu merken`, `te maken`
    endings = _INFLECTIONS.get(lexicon.language)
    if endings and _is_word_form(left + right, left, endings, lexicon.zipf):
        return False  # `branchenweiter` is a form of `branchenweit`
    if left in lexicon.prefixes and not _beside_particle_allowed(left + right, left, lexicon):
        return False  # `nachreichte`: a particle before a verb
    if right in lexicon.suffixes and not _beside_ending_allowed(left, right, lexicon):
        return False  # `kippender`: an ending
    both_common = _is_common_other(left, left_zipf) and _is_common_other(right, right_zipf)
    if joined:
        return not compounds and both_common  # judged by the margin (`delgobierno`)
    if left_function or right_function:
        function = left if left_function else right
        other, other_zipf = (right, right_zipf) if left_function else (left, left_zipf)
        if len(other) < FUNCTION_PARTNER_MIN_LENGTH:
            return False
        if (
            lexicon.language in _INFLECTIONS
            and len(function) >= BUILDS_NO_WORDS_MIN_LENGTH
            and function not in lexicon.prefixes
        ):
            return other_zipf >= RARE_PARTNER_MIN_ZIPF  # `und abschüssig`, `und gezacktem`
        if other_zipf >= FUNCTION_PARTNER_MIN_ZIPF:
            return True
        if lexicon.language in _INFLECTIONS:
            return (
                left_function
                and other_zipf >= WORD_FORM_MIN_ZIPF
                and len(other) >= DECLINED_MIN_LENGTH
                and _is_declined_adjective(right, lexicon.zipf)
            )  # `ein fatales`, `im vorgeheizten`
        if lexicon.language == "pl":
            return left == "po" and _is_manner_adverb(right, lexicon)  # `po fińsku`
        return (  # `para estirarlo`, not `se pararlo` (`separarlo`: `separar` with `lo`)
            _is_verb_with_clitic(other, lexicon, CLITIC_HOST_MIN_ZIPF)
            and not _is_verb_with_clitic(left + right, lexicon, WORD_FORM_MIN_ZIPF)
        )
    return not compounds and both_common


def _is_manner_adverb(word: str, lexicon: Lexicon) -> bool:
    """Whether a Polish word is the adverb `po` takes of an adjective in `-ski`, `-cki`
    (`po fińsku`, `po niemiecku`: a language, a manner), the adjective as common as a
    function word's partner must be (`fiński` 2.76 for `fińsku` 2.24) and declined as an
    adjective (`fińskiego`; `trzaski` is a noun: `w potrzasku`)."""
    zipf = lexicon.zipf
    return (
        word.endswith(("sku", "cku", "zku"))
        and zipf.get(word[:-2] + "ki", 0.0) >= FUNCTION_PARTNER_MIN_ZIPF
        and zipf.get(word[:-2] + "kiego", 0.0) >= WORD_FORM_MIN_ZIPF
    )


#: Spanish writes an object pronoun onto an infinitive or a gerund (`estirarlo`,
#: `dándole`): such a form is rarer than its verb, which is a common word. The clitics
#: (one or two), and the verb form's endings before them. (Italian's, measured with
#: `lexicon_splits`, read `bandoli`, `tenderlo` as verb forms: not there.)
#: Spanish clitics that are also articles split off as articles after a word that takes
#: no clitic: a preterite in `-ó` (`respetó la`) or an adverb in `-mente` (`posiblemente
#: la`). Clitics are written onto infinitives, gerunds and imperatives only
#: (`verificarla`, `cómprala`, and the imperatives of `vos`: `dejálo`, `mirálo`).
_ARTICLE_CLITICS = ("la", "las", "lo", "los")
_NO_CLITIC_HOST_ENDINGS = ("ó", "mente")
_CLITICS = {"es": ("lo", "la", "los", "las", "le", "les", "se", "me", "te", "nos")}
_CLITIC_HOSTS = {"es": ("ar", "er", "ir", "ando", "iendo")}
#: The verb form under the clitics is known this often at least (a token that is itself a
#: known verb's form with clitics, at Zipf `WORD_FORM_MIN_ZIPF`, is never split so).
CLITIC_HOST_MIN_ZIPF = 3.0
CLITIC_HOST_MIN_LENGTH = 5


def _is_verb_with_clitic(word: str, lexicon: Lexicon, min_zipf: float) -> bool:
    """Whether `word` is an infinitive or a gerund with one or two object pronouns written
    onto it (`estirarlo`: `estirar` at Zipf 3.35; `decírselo`), its verb form (of
    `CLITIC_HOST_MIN_LENGTH` letters or more) known at `min_zipf`."""
    clitics = _CLITICS.get(lexicon.language)
    if clitics is None:
        return False
    host = word
    for _ in range(2):
        clitic = next((clitic for clitic in clitics if host.endswith(clitic)), None)
        if clitic is None:
            return False
        host = _without_accent(host[: len(host) - len(clitic)])
        if len(host) >= CLITIC_HOST_MIN_LENGTH and host.endswith(_CLITIC_HOSTS[lexicon.language]):
            return lexicon.zipf.get(host, 0.0) >= min_zipf
    return False


def _without_accent(host: str) -> str:
    """A verb form without the accent a clitic adds to it (`dándo` -> `dando`)."""
    return host.translate(_UNACCENTED)


_UNACCENTED = str.maketrans("áéíóú", "aeiou")


def load_lexicons(languages: Collection[str] = TYPO_LANGUAGES) -> None:
    """Load the lexicons of `languages` into this process now, with what the rules build
    from them at their first use (the function words' tries, English's set of common
    words for the one-edit checks). The workers' forkserver does, so that workers share
    them; otherwise each worker builds them again after every recycling."""
    for language in languages:
        lexicon = _lexicon(language)
        _function_word_tries(lexicon.function_words)
        if language == "en":
            _near_word_targets()
            _barren_function_words()


def _lexicon(language: str) -> Lexicon:
    """The lexicon of a language of `TYPO_LANGUAGES`, loaded once per process."""
    return _settled_english_lexicon() if language == "en" else _other_lexicon(language)


@cache
def _other_lexicon(language: str) -> Lexicon:
    """A language's word frequencies (no misspellings), kept on disk like the English
    lexicon but as a trie (`WordZipf`): a few MB a language, loaded in milliseconds."""
    from newsclean.derived import load_or_build

    files = [Path(__file__)]
    files += [_DATA / name for name in _affix_files(language) if (_DATA / name).is_file()]
    trie_bytes, reversed_bytes, values, reversed_values, *fields = load_or_build(
        f"lexicon-trie-{language}",
        lambda: _build_other_lexicon(language),
        packages=("wordfreq", "marisa-trie"),
        files=files,
    )
    zipf = WordZipf(trie_bytes, reversed_bytes, values, reversed_values)
    lexicon = Lexicon(zipf, {}, *fields)
    unsettled = load_or_build(
        f"lexicon-unsettled-{language}",
        lambda: tuple(sorted(_unsettled_words(lexicon))),
        packages=("wordfreq", "marisa-trie"),
        files=files,
    )
    return lexicon._replace(unsettled=frozenset(unsettled))


#: A word the lexicon knows this often (and below `JOINED_WORD_ZIPF`) is judged once,
#: when the lexicon is built: most are words the rules never split, whatever the text
#: (`_is_settled`), and a text meets them far more often than rarer ones.
SETTLED_MIN_ZIPF = 2.0


def _is_settled(folded: str, lexicon: Lexicon) -> bool:
    """Whether the rules never split a token (casefolded outside English), whatever its
    text: a word of the band judged when the lexicon was built, not found splittable
    (`Lexicon.unsettled`). Misspellings are looked up before."""
    frequency = lexicon.zipf.get(folded, 0.0)
    return SETTLED_MIN_ZIPF <= frequency < JOINED_WORD_ZIPF and folded not in lexicon.unsettled


def _unsettled_words(lexicon: Lexicon) -> list[str]:
    """The words of the band `_is_settled` judges (four letters or more) that the rules
    may split: alone (`_split_run_together`, `_split_in_language`) or where the text
    writes a reading apart (`_english_text_cuts`, `_text_cuts`)."""
    if isinstance(lexicon.zipf, WordZipf):
        items = ((word, value / 100) for word, value in lexicon.zipf.items_in_hundredths())
    else:
        items = lexicon.zipf.items()
    return [
        word
        for word, frequency in items
        if SETTLED_MIN_ZIPF <= frequency < JOINED_WORD_ZIPF
        and len(word) >= 4
        and _may_split(word, lexicon)
    ]


def _may_split(word: str, lexicon: Lexicon) -> bool:
    """Whether the rules may split a word the lexicon knows, in some text."""
    if lexicon.language == "en":
        split = _split_run_together(word, lexicon)
        return split is not None or bool(_english_text_cuts(word, lexicon))
    compounds = lexicon.language in COMPOUND_LANGUAGES
    split = _split_in_language(word, lexicon, compounds=compounds)
    return split is not None or bool(_text_cuts(word, lexicon))


class WordZipf:
    """Zipf frequencies of a language's words in a marisa trie: the words' key ids index
    an array of frequencies (hundredths). Read like a dict (`get`, `[]`, `in`); `cuts`
    finds the word pairs a token can be read as with two trie walks (the words, and the
    words spelt backwards)."""

    def __init__(
        self, trie_bytes: bytes, reversed_bytes: bytes, values: bytes, reversed_values: bytes
    ) -> None:
        import marisa_trie

        self._trie = marisa_trie.Trie().frombytes(trie_bytes)
        self._reversed = marisa_trie.Trie().frombytes(reversed_bytes)
        self._values = memoryview(values).cast("H")
        self._reversed_values = memoryview(reversed_values).cast("H")

    def cuts(self, word: str, shortest: int) -> list[tuple[str, str, float, float]]:
        """Every reading of `word` as two words of the lexicon, of `shortest`+ letters each:
        (left, right, left's Zipf frequency, right's), in order of the cut."""
        lefts = {len(left): key for left, key in self._trie.iter_prefixes_with_ids(word)}
        cuts = []
        for right, key in self._reversed.iter_prefixes_with_ids(word[::-1]):
            cut = len(word) - len(right)
            if cut in lefts and shortest <= cut <= len(word) - shortest:
                left_zipf = self._values[lefts[cut]] / 100
                cuts.append((word[:cut], word[cut:], left_zipf, self._reversed_values[key] / 100))
        return sorted(cuts)

    def starts_word(self, prefix: str, min_zipf: float) -> bool:
        """Whether a word of at least `min_zipf` starts with `prefix`."""
        values = self._values
        return any(values[key] / 100 >= min_zipf for _word, key in self._trie.iteritems(prefix))

    def compound_family(self, left: str, right: str, enough: int) -> int:
        """How many words of Zipf `COMPOUND_FAMILY_MIN_ZIPF` or more start with `left` or
        end with `right`, three letters longer at least (counted up to `enough`)."""
        floor = round(COMPOUND_FAMILY_MIN_ZIPF * 100)
        found = 0
        for trie, values, part in (
            (self._trie, self._values, left),
            (self._reversed, self._reversed_values, right[::-1]),
        ):
            for other, key in trie.iteritems(part):
                if len(other) >= len(part) + 3 and values[key] >= floor:
                    found += 1
                    if found >= enough:
                        return found
        return found

    def items_in_hundredths(self) -> Iterator[tuple[str, int]]:
        """Every word with its Zipf frequency in hundredths."""
        values = self._values
        for word, key in self._trie.iteritems():
            yield word, values[key]

    def get(self, word: str, default: float = 0.0) -> float:
        key = self._trie.get(word)
        return default if key is None else self._values[key] / 100

    def __getitem__(self, word: str) -> float:
        return self._values[self._trie[word]] / 100

    def __contains__(self, word: object) -> bool:
        return word in self._trie

    def __len__(self) -> int:
        return len(self._trie)


def _affix_files(language: str) -> tuple[str, str, str]:
    """A language's data files: prefixes, suffixes and words never split (may be absent)."""
    return f"prefixes-{language}.txt", f"suffixes-{language}.txt", f"never_split-{language}.txt"


def _build_other_lexicon(language: str) -> tuple:
    """The fields of `_other_lexicon` from wordfreq: the trie of the words, the trie of
    the words spelt backwards and their frequencies, as bytes (marshal-able), then the
    Lexicon's fields after `misspellings`."""
    import math
    from array import array

    import marisa_trie
    import wordfreq

    wordlist = "large" if language in wordfreq.available_languages("large") else "small"
    frequencies = wordfreq.get_frequency_dict(language, wordlist=wordlist)
    zipf = {
        word: round(math.log10(freq) + 9, 2) for word, freq in frequencies.items() if word.isalpha()
    }
    trie = marisa_trie.Trie(zipf)
    reversed_trie = marisa_trie.Trie(word[::-1] for word in zipf)
    values = array("H", bytes(2 * len(trie)))
    reversed_values = array("H", bytes(2 * len(trie)))
    for word, frequency in zipf.items():
        values[trie[word]] = reversed_values[reversed_trie[word[::-1]]] = round(frequency * 100)
    prefixes, suffixes, never_split = (
        _word_set(name) if (_DATA / name).is_file() else frozenset()
        for name in _affix_files(language)
    )
    function_words = _function_words(language)
    sound = frozenset(word for word, frequency in zipf.items() if frequency >= JOINED_WORD_ZIPF)
    return (
        trie.tobytes(),
        reversed_trie.tobytes(),
        values.tobytes(),
        reversed_values.tobytes(),
        sound,
        never_split,
        prefixes,
        suffixes,
        function_words,
        language,
    )


# --- the English lexicon ---------------------------------------------------------------

#: A misspelling is trusted only if it is this rare on the Zipf scale ...
MISSPELLING_MAX_ZIPF = 3.0
#: ... and this much rarer than its correction (names such as `chanel` are not) ...
MISSPELLING_MARGIN = 1.5
CORRECTION_MIN_ZIPF = 3.0
#: ... and not a word of a language English news quotes (`affaires`, `unter`, `foto`):
#: one at least this common there, and clearly more common there than in English
#: (German wordfreq has `thier` just above English, from English text it absorbed).
#: A codespell join (`aswell` -> `as well`) is trusted whatever wordfreq counts of it
#: from others' accidents, up to this (a common word joined is a word: `everyday`) ...
ACCIDENTAL_JOIN_MAX_ZIPF = 4.0
#: ... where both its halves are this common (function words, `time`, `other`) ...
ACCIDENTAL_JOIN_HALF_MIN_ZIPF = 5.0
#: ... and the rarer half this much more common than the joined form.
ACCIDENTAL_JOIN_MARGIN = 1.5
#: codespell's lists read for joins: its clear errors, and words of code that are typos
#: in prose (`upto`; newsclean never edits a line of code).
ACCIDENTAL_JOIN_DICTIONARIES = ("dictionary.txt", "dictionary_code.txt")
OTHER_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt")
OTHER_LANGUAGE_WORD_ZIPF = 2.0
OTHER_LANGUAGE_MARGIN = 0.5


class Lexicon(NamedTuple):
    """Word frequencies and trusted misspelling -> correction pairs for one language."""

    zipf: dict[str, float] | WordZipf
    misspellings: dict[str, str]
    sound: frozenset[str]  # common words that are not misspellings: never examined
    never_split: frozenset[str]  # real closed compounds wordfreq lacks (`toolchain`)
    prefixes: frozenset[str]  # never a half beside a content word (`super`, `non`)
    suffixes: frozenset[str]  # likewise (`able`, `ness`)
    function_words: frozenset[str] = frozenset()  # the commonest words (other languages)
    language: str = "en"
    unsettled: frozenset[str] = frozenset()  # see `_is_settled`
    joins: frozenset[str] = frozenset()  # misspellings that are accidental joins (`aswell`)


_ENGLISH_SOURCES = ("wordfreq", "codespell")


def _english_files() -> tuple[Path, ...]:
    """The files the English lexicon and its settled words are built from."""
    return (Path(__file__), *sorted(_DATA.iterdir(), key=lambda file: file.name))


@lru_cache(maxsize=1)
def _english_lexicon() -> Lexicon:
    """The lexicon, built once per version of what it is built from (newsclean.derived),
    without its settled words (see `_settled_english_lexicon`)."""
    from newsclean.derived import load_or_build

    fields = load_or_build(
        "english-lexicon",
        lambda: tuple(_build_english_lexicon()),
        packages=_ENGLISH_SOURCES,
        files=_english_files(),
    )
    return Lexicon(*fields)


@lru_cache(maxsize=1)
def _settled_english_lexicon() -> Lexicon:
    """`_english_lexicon` with the words of its band that the rules may split
    (`Lexicon.unsettled`, see `_is_settled`), judged once per version of the rules."""
    from newsclean.derived import load_or_build

    lexicon = _english_lexicon()
    unsettled = load_or_build(
        "lexicon-unsettled-en",
        lambda: tuple(sorted(_unsettled_words(lexicon))),
        packages=_ENGLISH_SOURCES,
        files=_english_files(),
    )
    return lexicon._replace(unsettled=frozenset(unsettled))


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
    joins = _accidental_joins(zipf, foreign).items() - misspellings.items()
    misspellings.update(joins)
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
        function_words=_function_words("en"),
        joins=frozenset(join for join, _pair in joins),
    )


def _trusted_misspellings(zipf: dict[str, float], foreign: frozenset[str]) -> dict[str, str]:
    """codespell's pairs, filtered hard: one correction, rare misspelling, no names."""
    trusted = {}
    for misspelling, correction in _codespell_corrections(("dictionary.txt",), foreign):
        if not re.fullmatch(r"[a-z]+(?: [a-z]+)?", correction):
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


def _accidental_joins(zipf: dict[str, float], foreign: frozenset[str]) -> dict[str, str]:
    """codespell's joins of two common words (`aswell` -> `as well`, `eachother`), which
    `_trusted_misspellings` drops where wordfreq counts them from others' accidents: one
    correction, the token itself with a space; both halves common words, each far more
    common than the joined form, which is no common word (`everyday`, `cannot`, `into`
    are not codespell's) nor a word of a language English news quotes. Fixed as
    run-together words, with the checks of the text (a name, a term)."""
    joins = {}
    for joined, correction in _codespell_corrections(ACCIDENTAL_JOIN_DICTIONARIES, foreign):
        halves = correction.split(" ")
        if len(halves) != 2 or "".join(halves) != joined:
            continue
        joined_zipf = zipf.get(joined, 0.0)
        rarer_half = min(zipf.get(half, 0.0) for half in halves)
        if (
            joined_zipf <= ACCIDENTAL_JOIN_MAX_ZIPF
            and rarer_half >= ACCIDENTAL_JOIN_HALF_MIN_ZIPF
            and rarer_half - joined_zipf >= ACCIDENTAL_JOIN_MARGIN
        ):
            joins[joined] = correction
    return joins


def _codespell_corrections(
    dictionaries: tuple[str, ...], foreign: frozenset[str]
) -> Iterator[tuple[str, str]]:
    """codespell's pairs in these of its lists whose misspelling is a plain lowercase
    word of four letters or more, with one correction, and neither in `never_correct.txt`
    nor a word of `foreign`."""
    import codespell_lib

    data = Path(codespell_lib.__file__).parent / "data"
    never = _word_set("never_correct.txt") | foreign
    for name in dictionaries:
        for line in (data / name).read_text(encoding="utf-8").splitlines():
            misspelling, _, corrections = line.partition("->")
            fixes = [fix.strip() for fix in corrections.split(",") if fix.strip()]
            if len(fixes) == 1 and misspelling not in never and _PLAIN_WORD.fullmatch(misspelling):
                yield misspelling, fixes[0]


_PLAIN_WORD = re.compile(r"[a-z]{4,}")


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


#: English content words among wordfreq's commonest (nouns, verbs, adjectives): a reading
#: with one of these beside a content word is two content words (`fisher people`, `sum
#: day`) for the checks of the text (a repeated term) and of a misspelt word.
_ENGLISH_CONTENT_WORDS = frozenset(
    {"best", "better", "big", "come", "day", "end", "find", "first", "found", "game", "get"}
    | {"give", "go", "going", "good", "got", "great", "help", "high", "home", "house", "know"}
    | {"last", "life", "little", "long", "look", "love", "made", "make", "man", "need", "new"}
    | {"next", "old", "own", "part", "people", "place", "right", "said", "say", "school"}
    | {"see", "show", "state", "take", "thing", "things", "think", "time", "use", "used"}
    | {"want", "way", "work", "world", "year", "years", "mr"}
)


def _function_words(language: str) -> frozenset[str]:
    """A language's commonest short words (wordfreq's top list), of 2-7 letters."""
    import wordfreq

    return frozenset(
        word
        for word in wordfreq.top_n_list(language, FUNCTION_WORDS_TOP_N)
        if OTHER_HALF_MIN_LENGTH <= len(word) <= FUNCTION_WORD_MAX_LENGTH and word.isalpha()
    )


def _word_set(name: str) -> frozenset[str]:
    """A data file of words, one per line, `#` comments allowed."""
    text = (_DATA / name).read_text(encoding="utf-8")
    return frozenset(
        line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()
    )
