"""All of newsclean's use of lxml's private parts: element classes looked up in C.

lxml.html's parser looks up each element's class in Python
(`HtmlElementClassLookup.lookup`), called every time Python first touches an
element, thousands of times a page through metadata and extraction. A namespace
lookup over the tag name, filled from lxml.html's own private table of classes
(`HtmlElementClassLookup._default_element_classes`), gives the same class for every
node from lxml's C code.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from lxml import etree, html

#: The lxml versions this module was verified against (the pin in pyproject.toml).
VERIFIED = ("6.1.3",)


def with_class_lookup(parser: Any) -> Any:
    """A copy of an lxml.html parser with the C class lookup, where this run uses
    lxml's fast path; else the parser itself."""
    from newsclean.fastpaths import uses_fast

    return _fast_copy(parser) if uses_fast("lxml") else parser


@cache
def _fast_copy(parser: Any) -> Any:
    copied = parser.copy()  # the same settings
    copied.set_element_class_lookup(_class_lookup())
    return copied


def _class_lookup() -> etree.ElementNamespaceClassLookup:
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=html.HtmlElement,
            comment=html.HtmlComment,
            pi=html.HtmlProcessingInstruction,
            entity=html.HtmlEntity,
        )
    )
    by_tag = lookup.get_namespace(None)
    for tag, element_class in html.HtmlElementClassLookup._default_element_classes.items():
        by_tag[tag] = element_class
    return lookup


def self_check() -> None:
    """Raise `Mismatch` unless the C lookup gives every node of the bundled pages the
    class and the serialisation lxml.html's own parser gives it."""
    from newsclean.fastpaths import Mismatch, selfcheck_pages

    public = html.html_parser  # lxml.html's own, its class lookup made at import
    fast = _fast_copy(public)
    for name, page in selfcheck_pages():
        trees = [html.fromstring(page.encode("utf-8"), parser=parser) for parser in (public, fast)]
        classes = [[type(node) for node in tree.iter()] for tree in trees]
        if classes[0] != classes[1]:
            raise Mismatch(f"{name}: element classes differ")
        if etree.tostring(trees[0]) != etree.tostring(trees[1]):
            raise Mismatch(f"{name}: trees differ")
