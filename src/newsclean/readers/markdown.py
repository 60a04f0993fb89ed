"""Markdown scrapes, usually with YAML front matter, to plain text and fields.

Links keep their anchor text; image, emphasis and heading marks go; paragraphs stay
paragraphs (one per line).
"""

from __future__ import annotations

import heapq
import html
import itertools
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

import yaml

from newsclean.readers.jsonl import known_fields
from newsclean.text import paragraphs, squeeze

_FRONT_MATTER = re.compile(
    r"\A\ufeff?[ \t]*---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M
)
_TAG = re.compile(r"<[^>]{0,2000}>")
_MARKDOWN_HINTS = re.compile(
    r"^(?:#{1,6} |> |[-*+] |\d{1,3}\. |```)|\[[^\]\n]{1,300}\]\([^)\s]{1,2000}\)|^\s*[-=]{3,}\s*$",
    re.M,
)


class FrontMatterError(ValueError):
    """Front matter that is not a small, plain YAML mapping."""


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Return (front matter source or None, the rest)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end() :]


def looks_like_markdown(text: str) -> bool:
    """True for text with front matter or at least two markdown constructs."""
    if _FRONT_MATTER.match(text):
        return True
    return _hints_at_least(text[:20000], 2)


# Where a match of _MARKDOWN_HINTS can start: the text's start, a line start with one
# of its first characters (after the newline matched here), or `[`. An empty line is
# left out: only `^\s*[-=]{3,}\s*$` can match from it, and then it matches from the
# start of the line of the dashes too, to the same end. (Two patterns that each start
# with one literal character, which `re` skips to far faster than to either of two.)
_HINT_LINE_STARTS = re.compile(r"\n(?=[#>\-*+`=]|[^\S\n]|\d)")
_HINT_BRACKETS = re.compile(r"\[")


def _hints_at_least(text: str, count: int) -> bool:
    """True if `_MARKDOWN_HINTS.findall(text)` finds `count` matches or more.

    The pattern is tried only where a match can start, in the order findall tries
    positions, so the matches are the same; the scan stops at `count`.
    """
    found, position = 0, 0
    # In order; never the same place twice, as no line start matched here is a `[`.
    starts = heapq.merge(
        (hit.end() for hit in _HINT_LINE_STARTS.finditer(text)),
        (hit.start() for hit in _HINT_BRACKETS.finditer(text)),
    )
    for start in itertools.chain([0], starts):
        if start < position:
            continue
        hint = _MARKDOWN_HINTS.match(text, start)
        if hint is None:
            position = start + 1
            continue
        found += 1
        if found >= count:
            return True
        position = hint.end()
    return False


class _PlainSafeLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses anchors and aliases (billion-laughs bombs)."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


# libyaml's safe loader, when PyYAML was built with it: the same constructor and
# resolver as yaml.SafeLoader, with scanner, parser and composer in C.
_LIBYAML_LOADER: Any = getattr(yaml, "CSafeLoader", None)
# Deeper front matter goes to the Python loader, which turns runaway nesting into a
# RecursionError; libyaml's composer recurses in C.
_MAX_LIBYAML_DEPTH = 32
_NOT_READ = object()


def _load_with_libyaml(source: str) -> Any:
    """The front matter read by libyaml, or _NOT_READ for the Python loader to read.

    libyaml reads it only when its events hold no alias and no deep nesting and it has
    no tab or character the Python reader refuses (libyaml accepts some of those); any
    error is left to the Python loader, so errors are worded as before.
    """
    if _LIBYAML_LOADER is None or "\t" in source or yaml.reader.Reader.NON_PRINTABLE.search(source):
        return _NOT_READ
    depth = 0
    try:
        for event in yaml.parse(source, Loader=_LIBYAML_LOADER):
            if isinstance(event, yaml.AliasEvent):
                return _NOT_READ
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _MAX_LIBYAML_DEPTH:
                    return _NOT_READ
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.load(source, Loader=_LIBYAML_LOADER)  # noqa: S506 - libyaml safe loader
    except (yaml.YAMLError, RecursionError, ValueError):
        return _NOT_READ


def parse_front_matter(source: str, *, max_bytes: int) -> dict[str, Any]:
    """Parse YAML front matter into a mapping; raises FrontMatterError."""
    if len(source.encode("utf-8", errors="replace")) > max_bytes:
        raise FrontMatterError(f"front matter larger than {max_bytes} bytes")
    try:
        data = _load_with_libyaml(source)
        if data is _NOT_READ:
            data = yaml.load(source, Loader=_PlainSafeLoader)  # noqa: S506 - safe loader subclass
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise FrontMatterError(f"front matter is not valid YAML: {first_line}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(f"front matter is a {type(data).__name__}, not a mapping")
    return {str(key): value for key, value in data.items()}


def parse_markdown(
    text: str, *, max_front_matter_bytes: int
) -> tuple[str | None, str, dict[str, Any], str | None]:
    """Split a markdown scrape into (title, body, fields, broken front matter).

    Broken front matter does not lose the story: its source is returned as the last
    item so the caller can record its removal, and the fields are empty.
    """
    front, body = split_front_matter(text)
    fields: dict[str, Any] = {}
    broken = None
    if front is not None:
        try:
            fields = known_fields(parse_front_matter(front, max_bytes=max_front_matter_bytes))
        except FrontMatterError as error:
            broken = f"{error}: {front[:2000]}"
    lines = markdown_to_lines(body)
    title = fields.get("title") if isinstance(fields.get("title"), str) else None
    return title, "\n".join(lines), fields, broken


def _new_parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@lru_cache(maxsize=1)
def _parser() -> Any:
    return _new_parser()


@lru_cache(maxsize=1)
def _block_parser() -> Any:
    """The same parser without its inline pass: `inline` tokens keep their source."""
    return _new_parser().disable("inline")


# Where one of the parser's inline rules can start (newline, escape, backticks,
# strikethrough, emphasis, link, autolink, html_inline; an image only at `![`, an entity
# only at `&#` or `&` and a letter), and the characters its normalisation rewrites
# (never left in block output). Inline source without them parses to one text token
# equal to the source.
_INLINE_MARKUP = re.compile(r"[\n\r\x00\\`~*_\[<]|!\[|&[#\w]")
_EMPHASIS_MARKS = re.compile(r"[*_~]")
_EMPHASIS_RUN = re.compile(r"\*+|_+|~+")
# An inline link (not an image) with a destination markdown-it takes as it is: http(s),
# no space, control, backslash, parenthesis (it nests), angle bracket or backtick. Its
# text is the label, which must hold no markup to be read as it stands.
_SIMPLE_LINK = re.compile(r"(?<!!)\[([^\[\]]+)\]\((?:https?://[^\x00-\x20\x7f()\\<>`]*)\)")


def markdown_to_lines(source: str) -> list[str]:
    """Render markdown as plain text, one paragraph, heading, item or table row per line."""
    env: dict[str, Any] = {}  # link reference definitions, shared by the inline parses
    tokens = _flat_tokens(source)
    if tokens is None:
        tokens = _block_parser().parse(source, env)
    return token_lines(tokens, lambda token: _inline_source_text(token.content, env))


class _Inline(NamedTuple):
    """An inline token as the block parser makes it, for `token_lines`."""

    content: str
    type: str = "inline"


# Blank as markdown-it reads a line: spaces and tabs only.
_BLANK = " \t"
# First characters with which a line can start a block other than a paragraph (see
# markdown-it's block rules) or that take the line out of the fast path: indentation,
# fences, block quotes, rules, bullets, HTML, setext underlines and table rows.
_BLOCK_STARTS = frozenset(" \t`~>-*_+<=|")
# An ordered list marker (markdown-it takes at most 9 digits; more are read as one too).
_ORDERED_MARKER = re.compile(r"[0-9]+[.)](?:[ \t]|$)")
# A line that starts with `[` but cannot be a link reference definition: its first
# `]` comes before any `[` or backslash and is not followed by `:`.
_NOT_A_REFERENCE = re.compile(r"\[[^\[\]\\]*\](?!:)")
_ATX_HEADING = re.compile(r"#{1,6}(?=[ \t]|$)")


def _flat_tokens(source: str) -> list[_Inline] | None:
    """The inline tokens of a document of one-line paragraphs, one-line list items and
    ATX headings only.

    Each such block is a line between blank lines, so its source is known without
    markdown-it's block pass. None for any other document (a paragraph of several
    lines, a list item of several, a quote, code, HTML, a table, a link reference
    definition, a character the parser normalises), which the block parser reads.
    """
    from markdown_it.common.utils import mdTrim

    if "\r" in source or "\0" in source:
        return None
    tokens = []
    after_blank = True
    for line in source.split("\n"):
        if not line.strip(_BLANK):
            after_blank = True
            continue
        first = line[0]
        if not after_blank:
            return None
        after_blank = False
        if first in _BULLETS and (item := _BULLET_ITEM.match(line)):
            # A one-line bullet item holds its text as a paragraph, as an ordered one.
            if not _opens_a_paragraph(line[item.end() :]):
                return None
            tokens.append(_Inline(mdTrim(line[item.end() :])))
        elif first in _BLOCK_STARTS:
            return None
        elif first == "#":
            marks = _ATX_HEADING.match(line)
            if marks is None:
                return None
            tokens.append(_Inline(_heading_content(line, marks.end())))
        elif "0" <= first <= "9" and _ORDERED_MARKER.match(line):
            # A one-line item of an ordered list ("100. Geburtstag ...") holds its text
            # as a paragraph, if its text starts no other block.
            item = _ORDERED_ITEM.match(line)
            if item is None or not _opens_a_paragraph(line[item.end() :]):
                return None
            tokens.append(_Inline(mdTrim(line[item.end() :])))
        elif _opens_a_paragraph(line):
            tokens.append(_Inline(mdTrim(line)))
        else:
            return None
    return tokens


# An ordered list marker (at most 9 digits) and the 1-4 spaces before the item's text;
# more spaces would make the text an indented code block, a tab is read by tab stops.
_ORDERED_ITEM = re.compile(r"[0-9]{1,9}[.)] {1,4}(?=[^ \t])")
# The same for a bullet. (A line of bullet marks and spaces, a rule, fails the test that
# the text opens a paragraph: its text starts with a mark.)
_BULLETS = "-*+"
_BULLET_ITEM = re.compile(r"[-*+] {1,4}(?=[^ \t])")


def _opens_a_paragraph(line: str) -> bool:
    """True if a line that starts a block (after a blank line) starts a paragraph."""
    first = line[:1]
    if not first or first in _BLOCK_STARTS or first == "#":
        return False
    if first == "[":
        return bool(_NOT_A_REFERENCE.match(line))
    return not ("0" <= first <= "9" and _ORDERED_MARKER.match(line))


def _heading_content(line: str, start: int) -> str:
    """The content of an ATX heading line whose marks end at `start` (as markdown-it cuts it)."""
    end = len(line)
    while end > start and line[end - 1] in _BLANK:
        end -= 1
    closing = end
    while closing > start and line[closing - 1] == "#":
        closing -= 1
    if closing > start and line[closing - 1] in _BLANK:
        end = closing
    from markdown_it.common.utils import mdTrim

    return mdTrim(line[start:end])


def token_lines(tokens: list[Any], inline_text: Callable[[Any], str]) -> list[str]:
    """The lines of parsed markdown tokens; `inline_text` gives an inline token's text."""
    lines: list[str] = []
    row: list[str] | None = None
    for token in tokens:
        if token.type == "inline":
            text = inline_text(token)
            if row is not None:
                row.append(squeeze(text))
            else:
                lines.extend(text.split("\n"))
        elif token.type in ("fence", "code_block"):
            lines.extend(token.content.splitlines())
        elif token.type == "html_block":
            lines.extend(_strip_tags(token.content).splitlines())
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            lines.append(" | ".join(cell for cell in row if cell))
            row = None
    return paragraphs(lines)


def _inline_source_text(content: str, env: dict[str, Any]) -> str:
    """The text of one inline source (a paragraph, heading or table cell)."""
    if not _INLINE_MARKUP.search(content):
        return content
    # Links `[words](http://...)` read as their words, and marks that cannot pair as
    # themselves, if nothing else is markup.
    unlinked = _SIMPLE_LINK.sub(r"\1", content) if "[" in content else content
    unmarked = _EMPHASIS_MARKS.sub("", unlinked)
    if not _INLINE_MARKUP.search(unmarked) and _marks_cannot_pair(unlinked):
        return unlinked
    if _only_unclosed_markup(content, unlinked, unmarked, env):
        return unlinked
    return _inline_text(_parser().parseInline(content, env)[0].children or [])


# Inline markup that is always read as markup: line breaks, escapes, code spans (and
# what normalisation rewrites).
_ALWAYS_MARKUP = re.compile(r"[\n\r\x00\\`]")
# A run of `_` between ASCII letters or digits neither opens nor closes emphasis (it is
# flanked on both sides and `_` does not split words), so it stays text.
_INWORD_UNDERSCORES = re.compile(r"(?<=[A-Za-z0-9])_+(?=[A-Za-z0-9])")


def _only_unclosed_markup(content: str, unlinked: str, unmarked: str, env: dict[str, Any]) -> bool:
    """True if what `unlinked` still holds of markup can only be read as text.

    Each such start needs a closer that is not there: `[` and `![` a `](` (there are
    no link reference definitions), `<` (tag or autolink) a `>`, `&` (entity) a `;`;
    marks `*`, `_`, `~` another run of the same mark, where a link's text counts
    apart and `_` inside a word not at all (`snake_case`, `block_tdi_25`).
    """
    if _ALWAYS_MARKUP.search(unmarked):
        return False
    if ("<" in unmarked and ">" in content) or ("&" in unmarked and ";" in content):
        return False
    if "[" in unmarked and ("references" in env or "](" in unlinked):
        return False
    marks = _INWORD_UNDERSCORES.sub(lambda run: "-" * len(run.group()), content)
    # (`-` keeps every simple link where it was: both patterns take it where they take `_`.)
    return _marks_cannot_pair(_SIMPLE_LINK.sub("\x01\\1\x01", marks))


def _marks_cannot_pair(text: str) -> bool:
    """True if `text` has at most one run of each of `*`, `_` and `~`.

    Emphasis and strikethrough pair a run with an earlier run of the same mark (never
    with itself); unpaired marks stay text as they are.
    """
    marks = [run[0] for run in _EMPHASIS_RUN.findall(text)]
    return len(marks) == len(set(marks))


def _inline_text(children: list[Any]) -> str:
    parts: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "html_inline":
            continue
        elif kind == "image":
            continue
    return "".join(parts)


def _strip_tags(fragment: str) -> str:
    return html.unescape(_TAG.sub(" ", fragment))
