"""The repair stage: fix broken encoding and obvious typos, and never damage correct text.

Two layers, each recording every edit as a `Repair(kind, before, after)`:

- `fix_encoding` (`newsclean.encoding`, all languages): HTML entities, mojibake and
  other ftfy fixes, invisible characters, stray control characters.
- `fix_typos` (`newsclean.typos`, languages with a lexicon): words run together in
  English and the languages of `typos.SPLIT_LANGUAGES`, known misspellings in English.

Lines keep their structure; whitespace that is not part of an edit is kept as it is.
Both layers are idempotent.
"""

from __future__ import annotations

from collections.abc import Collection

from newsclean import typos
from newsclean.encoding import fix_encoding
from newsclean.record import Repair

__all__ = ["fix_encoding", "repair_text"]


def repair_text(
    text: str,
    *,
    language: str | None = None,
    fix_typos: bool = True,
    languages: Collection[str] = typos.TYPO_LANGUAGES,
) -> tuple[str, list[Repair]]:
    """`fix_encoding`, then run-together words and misspellings for supported languages.

    `language` is an ISO 639 code or tag (`en`, `en-US`); when None it is detected from
    the text. `fix_typos=False` limits the stage to encoding repair; `languages` limits
    the languages whose typos are fixed (`Settings.typo_languages`).
    """
    text, repairs = fix_encoding(text)
    if not fix_typos:
        return text, repairs
    for _ in range(_MAX_TYPO_ROUNDS):
        text, typo_repairs = typos.fix_typos(text, language, languages=languages)
        repairs += typo_repairs
        # What a fix decides from can change once other typos are fixed: the language
        # detected (a line read as Spanish until `especiallygreat` is split) or the
        # text's own evidence (a join written twice, one copy fixed as part of a
        # foreign line). Repeat until nothing changes, so that the result is a fixed
        # point; a text without typos is read once.
        if not typo_repairs:
            break
    return text, repairs


_MAX_TYPO_ROUNDS = 3
