"""All of newsclean's use of ftfy's private parts: its mojibake heuristic, searched cheaply.

ftfy decides that text looks like mojibake with one regex (`ftfy.badness.BADNESS_RE`,
behind the public `ftfy.badness.is_bad`). Every match of it is at most `BADNESS_WIDTH`
characters long and holds two adjacent non-ASCII characters or one of C1, `Œ`, `œ`,
`Ã`, `Â` (tests/test_repair.py checks both on the pattern). Most correct text has
neither, and scanning for them (`MAYBE_BAD`) is far cheaper than the heuristic; so
`is_bad` searches only around what that scan finds, and newsclean.encoding skips the
lines where neither ftfy nor newsclean may act (`NEEDS_A_LOOK`).

Both rest on the pattern's shape, so they are used only with the verified ftfy, whose
pattern is the one checked (`self_check` compares its digest and `is_bad`'s answers).
Otherwise `is_bad` is ftfy's own and every line is looked at.
"""

from __future__ import annotations

import hashlib
import re

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
)


def self_check() -> None:
    """Raise `Mismatch` unless ftfy's heuristic is the pattern verified and the search
    around hints answers as ftfy's `is_bad` on the bundled texts."""
    from newsclean.fastpaths import Mismatch

    digest = hashlib.sha256(BADNESS_RE.pattern.encode("utf-8")).hexdigest()
    if digest != _VERIFIED_PATTERN:
        raise Mismatch("ftfy.badness.BADNESS_RE is not the pattern verified")
    for text in _SAMPLES:
        if _is_bad_around_hints(text) != ftfy_is_bad(text):
            raise Mismatch(f"is_bad({text!r}) differs from ftfy's")
