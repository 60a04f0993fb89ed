"""White space in text: the one way newsclean squeezes it."""

from __future__ import annotations

from collections.abc import Iterable


def squeeze(text: str) -> str:
    """`text` with each run of white space as one space and none at either end."""
    return " ".join(text.split())


def paragraphs(lines: Iterable[str]) -> list[str]:
    """The non-blank lines, each squeezed: text as newsclean keeps it, a paragraph a line."""
    return [squeeze(line) for line in lines if line.strip()]
