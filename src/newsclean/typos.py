"""Typo repair for languages with a lexicon (today English): words run together where
markup was stripped (`thisweek` -> `this week`) and known misspellings (`recieve` ->
`receive`), each recorded as a `Repair(kind, before, after)`.

It acts only on plain lowercase words. Anything with a capital, a digit or an
apostrophe, and any token that looks like a URL, an email, a handle, a hashtag or code,
is left alone; a paragraph that does not read as English is left alone. `fix_typos`
is idempotent.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import ftfy
import ftfy.bad_codecs  # registers `sloppy-windows-1252`  # noqa: F401

from newsclean.language import detect_language
from newsclean.record import Repair

#: Languages whose typos we fix (word frequencies and the misspelling list are English).
TYPO_LANGUAGES = frozenset({"en"})

_DATA = resources.files("newsclean") / "data" / "repair"


def fix_typos(text: str, language: str | None = None) -> tuple[str, list[Repair]]:
    """Split run-together words and fix known misspellings in text of a supported
    language (today English); other text comes back as it is.

    `language` is an ISO 639 code or tag (`en`, `en-US`); when None it is detected from
    the text, but only once a word to fix has been found.
    """
    repairs: list[Repair] = []
    if language and not _fixes_typos_in(language):
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
