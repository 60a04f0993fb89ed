"""Plain-text scrapes: the first non-empty line is the title, the rest is the story."""

from __future__ import annotations

from typing import Any

MAX_TITLE_CHARS = 400


def parse_text(text: str) -> tuple[str | None, str, dict[str, Any]]:
    """Split a plain-text scrape into (title, body, fields).

    Body paragraphs are one per line; blank lines and trailing spaces go. A first
    line too long to be a title stays in the body.
    """
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    title = None
    if lines and len(lines[0]) <= MAX_TITLE_CHARS and len(lines) > 1:
        title = lines.pop(0)
    return title, "\n".join(lines), {}
