"""trafilatura's prunes of a whole page, found by walking its elements.

Before it extracts, `trafilatura_sequence` deletes three kinds of block from the
page's tree: containers of infinite-scroll follow-up articles, Elementor share
buttons, and (comments off, as newsclean asks) comment sections and lists. On about
half of the pages it then measures the page's whole text with `html2txt`, whose basic
cleaning deletes scripts, footers, asides, cookie banners and the like. Each is an
XPath expression over every element of the page, and the `re:test()` in them calls
back into Python for every element it tests: ~2.3 ms a corpus page for the first
three, ~2.7 ms a call for the basic cleaning.

Here each expression is a walk over the elements it can select, with its tests as
compiled patterns: the same elements in the same (document) order, in ~0.7 ms and
~1.1 ms. trafilatura's own code runs unchanged: `trafilatura_sequence()` gives its
function with these names bound to the walks instead of the expressions. As in
newsclean.metadata, the walks transcribe the installed trafilatura's expressions and
are used only while those are the ones transcribed (`EMULATED`).
"""

from __future__ import annotations

import importlib
import re
import types
from collections.abc import Callable
from functools import cache
from typing import Any

from lxml.etree import Element, _Element

from newsclean.metadata import squeezed

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


_COOKIE_CONSENT = re.compile(
    "cookie[-_]?(?:banner|bar|consent|law|notice|policy|description)|notice[-_]{0,2}cookie"
    "|consent[-_]?(?:banner|manager|sdk)|borlabs|cookiebot|cmplz|onetrust|moove[-_]?gdpr",
    re.IGNORECASE,
)
_CLEANED_TAGS = frozenset(("aside", "fencedframe", "footer", "script", "style", "svg", "template"))


def cleaned_away(tree: _Element) -> list[_Element]:
    """What trafilatura's basic cleaning deletes (`html2txt`, the page's text measure):
    asides, footers, scripts, styles, SVG, templates, fenced frames; a div whose class
    or id, whichever comes first in it, holds 'footer'; any element whose class or id
    names a cookie or consent banner."""
    found = []
    for element in tree.iterdescendants(Element):
        tag = element.tag
        if tag in _CLEANED_TAGS:
            found.append(element)
            continue
        get = element.get
        css, ident = get("class"), get("id")
        if css is None and ident is None:
            continue
        if tag == "div":
            # contains(@class|@id, ...) reads the first of the two in the element
            if css is None or ident is None:
                first = css if ident is None else ident
            else:
                names = element.keys()
                first = css if names.index("class") < names.index("id") else ident
            if "footer" in first:
                found.append(element)
                continue
        if (css is not None and _COOKIE_CONSENT.search(css)) or (
            ident is not None and _COOKIE_CONSENT.search(ident)
        ):
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


# trafilatura.baseline's BASIC_CLEAN_XPATH, which its basic_cleaning uses.
_BASIC_CLEAN = (
    ".//aside|.//div[contains(@class|@id, 'footer')]|.//fencedframe|.//footer|.//script|"
    ".//style|.//svg|.//template|.//*[re:test(@class, '"
    + _COOKIE_CONSENT.pattern
    + "', 'i') or re:test(@id, '"
    + _COOKIE_CONSENT.pattern
    + "', 'i')]"
)


def _baseline_module() -> types.ModuleType:
    # `trafilatura.baseline` is also the name of a function trafilatura exports
    return importlib.import_module("trafilatura.baseline")


def trafilatura_expressions() -> dict[str, list[str]]:
    """The installed trafilatura's expressions, runs of white space as one space."""
    from trafilatura import xpaths

    found = {name: squeezed(x.path for x in getattr(xpaths, name)) for name in _TRANSCRIBED}
    found["BASIC_CLEAN_XPATH"] = squeezed([_baseline_module().BASIC_CLEAN_XPATH.path])
    return found


EMULATED = trafilatura_expressions() == {
    **{
        name: squeezed(expression for expression, _walk in walks)
        for name, walks in _TRANSCRIBED.items()
    },
    "BASIC_CLEAN_XPATH": squeezed([_BASIC_CLEAN]),
}


@cache
def trafilatura_sequence() -> Callable[..., Any]:
    """trafilatura.core.trafilatura_sequence, the expressions above bound to their walks.

    A copy of the function whose global names resolve as in trafilatura.core, except
    these: its three prunes, and `html2txt` and `baseline`, themselves copies of
    trafilatura's whose basic cleaning uses `cleaned_away`. trafilatura's modules and
    every other caller keep the expressions.
    """
    from trafilatura import core, xpaths

    original = core.trafilatura_sequence
    if not EMULATED:
        return original
    # Only a name that still holds what was transcribed is bound to a walk.
    uses = original.__globals__
    replaced: dict[str, Any] = {
        name: [walk for _expression, walk in walks]
        for name, walks in _TRANSCRIBED.items()
        if uses.get(name) is getattr(xpaths, name)
    }
    baseline = _baseline_module()
    cleaning = _rebound(baseline.basic_cleaning, BASIC_CLEAN_XPATH=cleaned_away)
    for name in ("html2txt", "baseline"):
        if uses.get(name) is getattr(baseline, name):
            replaced[name] = _rebound(getattr(baseline, name), basic_cleaning=cleaning)
    return _rebound(original, **replaced) if replaced else original


def _rebound(function: Any, **names: Any) -> Any:
    """A copy of `function` whose global `names` resolve to these values instead."""
    copied = types.FunctionType(
        function.__code__,
        {**function.__globals__, **names},
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    copied.__kwdefaults__ = function.__kwdefaults__
    copied.__doc__ = function.__doc__
    return copied
