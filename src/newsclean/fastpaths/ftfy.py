"""All of newsclean's use of ftfy's private parts: its mojibake heuristic, searched cheaply.

ftfy decides that text looks like mojibake with one regex (`ftfy.badness.BADNESS_RE`,
behind the public `ftfy.badness.is_bad`). Every match of it is at most `BADNESS_WIDTH`
characters long and holds two adjacent non-ASCII characters or one of C1, `Œ`, `œ`,
`Ã`, `Â` (tests/test_repair.py checks both on the pattern). Most correct text has
neither, and scanning for them (`MAYBE_BAD`) is far cheaper than the heuristic; so
`is_bad` searches only around what that scan finds, and newsclean.encoding skips the
lines where neither ftfy nor newsclean may act (`NEEDS_A_LOOK`).

`fix_text` is `ftfy.fix_text` on one line, the steps of ftfy's loop taken in its order,
with `is_bad` in place of ftfy's own test after each step: ftfy searches its whole
heuristic on text it has just fixed, where there is almost never a match to find.

All of these rest on the pattern's shape and ftfy's steps, so they are used only with the
verified ftfy, whose pattern is the one checked (`self_check` compares its digest,
`is_bad`'s answers and `fix_text`'s output). Otherwise `is_bad` and `fix_text` are
ftfy's own and every line is looked at.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import ftfy
from ftfy import FIXERS, TextFixerConfig, _fix_encoding_one_step_and_explain
from ftfy.badness import BADNESS_RE
from ftfy.badness import is_bad as ftfy_is_bad

#: The ftfy versions this module was verified against (the pin in pyproject.toml).
VERIFIED = ("6.3.1",)
#: sha256 of `BADNESS_RE.pattern` as verified: the claims above were checked on it.
_VERIFIED_PATTERN = "9dcc0f2ac90d9ae3c85eb7b9b2c0b8a8e8126153847c2b30c91a0bb263f3b8c4"

# (Written as one character, then a second or a look back, so that `re` can skip
# ASCII quickly.)
MAYBE_BAD = re.compile(r"[^\x00-\x7f](?:(?<=[\x80-\x9fŒœÃÂ])|[^\x00-\x7f])")
BADNESS_WIDTH = 7
#: Where ftfy or newsclean.encoding's multibyte fix may change an NFC text: a terminal
#: escape, C1 control or surrogate, or a hit of `MAYBE_BAD`.
NEEDS_A_LOOK = re.compile(
    r"[^\x00-\x1a\x1c-\x7f](?:(?<=[\x1b\x80-\x9f\ud800-\udfffŒœÃÂ])|[^\x00-\x7f])"
)


def uses_shortcuts() -> bool:
    """Whether this run may skip what `MAYBE_BAD` and `NEEDS_A_LOOK` do not find."""
    from newsclean.fastpaths import uses_fast

    return uses_fast("ftfy")


def is_bad(text: str) -> bool:
    """`ftfy.badness.is_bad(text)`, searching only around the characters a match needs
    where this run uses ftfy's fast path."""
    if not uses_shortcuts():
        return ftfy_is_bad(text)
    return _is_bad_around_hints(text)


def _is_bad_around_hints(text: str) -> bool:
    start = end = -1  # the window to search: around hints whose windows overlap
    for hint in MAYBE_BAD.finditer(text):
        hint_start = max(0, hint.start() - BADNESS_WIDTH - 1)
        if hint_start > end:  # apart from the window so far: search that one first
            if end >= 0 and BADNESS_RE.search(text, start, end):
                return True
            start = hint_start
        end = hint.end() + BADNESS_WIDTH + 1
    return end >= 0 and BADNESS_RE.search(text, start, end) is not None


# What `ftfy.fix_and_explain` runs after fixing the encoding, in its order.
_FIXERS_IN_ORDER = (
    "fix_c1_controls",
    "fix_latin_ligatures",
    "fix_character_width",
    "uncurl_quotes",
    "fix_line_breaks",
    "fix_surrogates",
    "remove_terminal_escapes",
    "remove_control_chars",
)
# `fix_and_explain` fixes the encoding with ftfy's defaults, whatever config it is given.
_ENCODING_DEFAULTS = TextFixerConfig(explain=False)


def fix_text(text: str, config: TextFixerConfig) -> str:
    """`ftfy.fix_text(text, config)`, its steps taken here for one line (no `\\n`) where this
    run uses ftfy's fast path and `config` leaves HTML escapes alone."""
    if (
        not uses_shortcuts()
        or config.unescape_html is not False
        or not config.fix_encoding
        or "\n" in text
        or len(text) > config.max_decode_length
    ):
        return ftfy.fix_text(text, config)
    return _fix_in_steps(text, config)


def _fix_in_steps(text: str, config: TextFixerConfig) -> str:
    """ftfy's `fix_and_explain` on one segment, with `is_bad` searched around hints."""
    while True:  # until a round changes nothing
        before = text
        # `fix_encoding`: a step changes only text that is not ASCII and looks bad
        while not text.isascii() and _is_bad_around_hints(text):
            stepped = _fix_encoding_one_step_and_explain(text, _ENCODING_DEFAULTS).text
            if stepped == text:
                break
            text = stepped
        for name in _FIXERS_IN_ORDER:
            if getattr(config, name):
                text = FIXERS[name](text)
        if config.normalization is not None:
            text = unicodedata.normalize(config.normalization, text)
        if text == before:
            return text


_SAMPLES = (
    "Toyotaâ€™s new plan",
    "The café opened on Main Street.",
    "Ã© is how é looks read as Latin-1",
    "NESTLÉ® products",
    "Â£300 was paid",
    "plain ASCII text only",
    "Œuvre complète de l’artiste",
    "Москва – столица России",
    "顔 and é¡” side by side",
    "a\x80b C1 control",
    "voilÃ le travail",
    "sÃ³ and â€œquotedâ€\x9d",
    "ï¬\x81x and ＬＯＵＤ with \x1b[36mcolour\x1b[0m",
    "caf\u0065\u0301 decomposed",
    "Ã¢â‚¬Å“twiceÃ¢â‚¬Â\x9d",
)
# Configurations `fix_text` is checked with: ftfy's own fixes, and with most of them off.
_CHECKED_CONFIGS = (
    TextFixerConfig(unescape_html=False, explain=False),
    TextFixerConfig(
        unescape_html=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        explain=False,
    ),
)


def self_check() -> None:
    """Raise `Mismatch` unless ftfy's heuristic is the pattern verified and the search
    around hints answers as ftfy's `is_bad`, and the steps as `ftfy.fix_text`, on the
    bundled texts."""
    from newsclean.fastpaths import Mismatch

    digest = hashlib.sha256(BADNESS_RE.pattern.encode("utf-8")).hexdigest()
    if digest != _VERIFIED_PATTERN:
        raise Mismatch("ftfy.badness.BADNESS_RE is not the pattern verified")
    for text in _SAMPLES:
        if _is_bad_around_hints(text) != ftfy_is_bad(text):
            raise Mismatch(f"is_bad({text!r}) differs from ftfy's")
        for config in _CHECKED_CONFIGS:
            if _fix_in_steps(text, config) != ftfy.fix_text(text, config):
                raise Mismatch(f"fix_text({text!r}) differs from ftfy's")
