"""trafilatura's first prunes of a page, found by walking its elements.

Before it extracts, `trafilatura_sequence` deletes three kinds of block from the
page's tree: containers of infinite-scroll follow-up articles, Elementor share
buttons, and (comments off, as newsclean asks) comment sections and lists. Each is
an XPath expression over every element of the page, and the `re:test()` in them
calls back into Python for every div, section or list it tests: ~2.3 ms a corpus
page together, a tenth of the extraction.

Here each expression is a walk over the elements of the tags it names, with its
tests as compiled patterns: the same elements in the same (document) order, in
~0.7 ms. trafilatura's own code runs unchanged: `trafilatura_sequence()` gives its
function with these three names bound to the walks instead of the expressions. As
in newsclean.metadata, the walks transcribe the installed trafilatura's expressions
and are used only while those are the ones transcribed (`EMULATED`).
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from functools import cache
from typing import Any

from lxml.etree import _Element

_SCROLLED = re.compile("mvp-post-add-(?:box|wrap)|infinite-?scroll")
_SCROLLED_ANYWAY = re.compile("mvp-post-add-(?:box|wrap)")
_COMMENTS_ID = re.compile("^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)")
_COMMENT_LIST_ID = re.compile("^(?:[Cc]omment(?!ary)|comol)")
_COMMENTS_CLASS = re.compile("^[Cc]omment(?!ary)|(?:article|post)-comments")


def scroll_containers(tree: _Element) -> list[_Element]:
    """A div, section or aside named for infinite scroll, unless it holds an <h1>
    (then it is likely the story's own container), or for mvp-post-add anyway."""
    found = []
    for element in tree.iterdescendants("div", "section", "aside"):
        get = element.get
        ident, css = get("id") or "", get("class") or ""  # re:test of no attribute: ""
        if (_SCROLLED.search(ident) or _SCROLLED.search(css)) and (
            next(element.iterdescendants("h1"), None) is None
            or _SCROLLED_ANYWAY.search(ident)
            or _SCROLLED_ANYWAY.search(css)
        ):
            found.append(element)
    return found


def share_buttons(tree: _Element) -> list[_Element]:
    """A div, section or aside whose class holds 'elementor-share-buttons'."""
    return [
        element
        for element in tree.iterdescendants("div", "section", "aside")
        if "elementor-share-buttons" in (element.get("class") or "")
    ]


def comment_sections(tree: _Element) -> list[_Element]:
    """A div, list, section or details with a comments id or class; an ol or ul too,
    but not for the Disqus ids alone."""
    found = []
    for element in tree.iterdescendants("div", "list", "section", "details", "ol", "ul"):
        get = element.get
        if _COMMENTS_CLASS.search(get("class") or ""):
            found.append(element)
            continue
        ident_test = _COMMENT_LIST_ID if element.tag in ("ol", "ul") else _COMMENTS_ID
        if ident_test.search(get("id") or ""):
            found.append(element)
    return found


# The expressions transcribed above, as trafilatura writes them (runs of white space
# as one space), and the walk for each, by the name trafilatura_sequence uses.
_TRANSCRIBED: dict[str, tuple[tuple[str, Callable[[_Element], list[_Element]]], ...]] = {
    "RAW_TREE_PRUNE_XPATH": (
        (
            ".//*[self::div or self::section or self::aside][ re:test(@id, "
            "'mvp-post-add-(?:box|wrap)|infinite-?scroll') or re:test(@class, "
            "'mvp-post-add-(?:box|wrap)|infinite-?scroll')][ not(.//h1) or re:test(@id, "
            "'mvp-post-add-(?:box|wrap)') or re:test(@class, 'mvp-post-add-(?:box|wrap)')]",
            scroll_containers,
        ),
        (
            ".//*[self::div or self::section or self::aside][contains(@class, "
            "'elementor-share-buttons')]",
            share_buttons,
        ),
    ),
    "REMOVE_COMMENTS_AND_LISTS_XPATH": (
        (
            ".//*[self::div or self::list or self::section or self::details or self::ol or "
            "self::ul][ re:test(@id, '^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)') "
            "or re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments')][ "
            "not(self::ol or self::ul) or re:test(@id, '^(?:[Cc]omment(?!ary)|comol)') or "
            "re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments')]",
            comment_sections,
        ),
    ),
}


def _squeezed(expression: str) -> str:
    return " ".join(expression.split())


def trafilatura_expressions() -> dict[str, list[str]]:
    """The installed trafilatura's expressions, runs of white space as one space."""
    from trafilatura import xpaths

    return {name: [_squeezed(x.path) for x in getattr(xpaths, name)] for name in _TRANSCRIBED}


EMULATED = trafilatura_expressions() == {
    name: [_squeezed(expression) for expression, _walk in walks]
    for name, walks in _TRANSCRIBED.items()
}


@cache
def trafilatura_sequence() -> Callable[..., Any]:
    """trafilatura.core.trafilatura_sequence, the expressions above bound to their walks.

    A copy of the function whose global names resolve as in trafilatura.core, except
    these: trafilatura's module and every other caller keep the expressions.
    """
    from trafilatura import core

    original = core.trafilatura_sequence
    if not EMULATED:
        return original
    names = {
        **original.__globals__,
        **{name: [walk for _expression, walk in walks] for name, walks in _TRANSCRIBED.items()},
    }
    sequence = types.FunctionType(
        original.__code__, names, original.__name__, original.__defaults__, original.__closure__
    )
    sequence.__kwdefaults__ = original.__kwdefaults__
    sequence.__doc__ = original.__doc__
    return sequence
