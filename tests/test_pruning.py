"""newsclean.fastpaths.trafilatura's walks find what trafilatura's XPath expressions find.

Each tree goes through both; the installed trafilatura's expressions are the
reference, never a stored answer.
"""

from __future__ import annotations

import gzip
import importlib
import random

import pytest
from conftest import EXAMPLES, corpus_or_skip
from lxml import etree
from trafilatura import xpaths
from trafilatura.core import trafilatura_sequence as trafilaturas_sequence
from trafilatura.utils import load_html

from newsclean.fastpaths import trafilatura as fast_trafilatura
from newsclean.readers.decode import decode_bytes

WALKS = [
    *(
        (expression, walk)
        for name, walks in fast_trafilatura._PRUNES_TRANSCRIBED.items()
        for expression, (_source, walk) in zip(getattr(xpaths, name), walks, strict=True)
    ),
    (
        importlib.import_module("trafilatura.baseline").BASIC_CLEAN_XPATH,
        fast_trafilatura.cleaned_away,
    ),
]
VALUES = [
    "comments",
    "Comments",
    "comment-list",
    "commentary",
    "Commentary",
    "comol",
    "x comments",
    "article-comments",
    "post-comments wide",
    "disqus_thread",
    "dsq-comments",
    "mvp-post-add-box",
    "mvp-post-add-wrap",
    "infinite-scroll",
    "infinitescroll",
    "elementor-share-buttons",
    "elementor-widget elementor-share-buttons--view",
    "story",
    "site-footer",
    "Footer",
    "cookie-banner",
    "CookieNotice x",
    "notice--cookie",
    "consent_manager",
    "cmplz-cookiebanner",
    "onetrust-banner-sdk",
    "moove-gdpr",
    "",
]
TAGS = [
    "div",
    "section",
    "aside",
    "details",
    "list",
    "ol",
    "ul",
    "p",
    "span",
    "h1",
    "footer",
    "script",
    "style",
    "svg",
    "template",
    "fencedframe",
]


def same(tree: etree._Element) -> int:
    found = 0
    for expression, walk in WALKS:
        expected = expression(tree)
        assert walk(tree) == expected, expression.path
        found += len(expected)
    return found


def test_the_installed_trafilatura_is_the_one_transcribed() -> None:
    # Else trafilatura's expressions run (slower, same result) and this says so.
    assert fast_trafilatura.PRUNES_EMULATED, (
        "trafilatura's raw-tree prunes changed: update newsclean.fastpaths.trafilatura"
    )
    names = trafilaturas_sequence.__code__.co_names
    assert set(fast_trafilatura._PRUNES_TRANSCRIBED) <= set(names), (
        "trafilatura_sequence no longer uses them"
    )


def test_the_sequence_is_trafilaturas_code_with_the_walks() -> None:
    sequence = fast_trafilatura.trafilatura_sequence()
    assert sequence.__code__ is trafilaturas_sequence.__code__
    assert sequence.__defaults__ == trafilaturas_sequence.__defaults__
    assert sequence.__kwdefaults__ == trafilaturas_sequence.__kwdefaults__
    for name, walks in fast_trafilatura._PRUNES_TRANSCRIBED.items():
        assert sequence.__globals__[name] == [walk for _source, walk in walks]
        assert trafilaturas_sequence.__globals__[name] is getattr(xpaths, name)  # untouched
    baseline = importlib.import_module("trafilatura.baseline")
    for name in ("html2txt", "baseline"):
        theirs, ours = trafilaturas_sequence.__globals__[name], sequence.__globals__[name]
        assert theirs is getattr(baseline, name)
        assert ours.__code__ is theirs.__code__
        cleaning = ours.__globals__["basic_cleaning"]
        assert cleaning.__code__ is baseline.basic_cleaning.__code__
        assert cleaning.__globals__["BASIC_CLEAN_XPATH"] is fast_trafilatura.cleaned_away
    assert baseline.basic_cleaning.__globals__["BASIC_CLEAN_XPATH"] is baseline.BASIC_CLEAN_XPATH


@pytest.mark.parametrize(
    ("attributes", "pruned"),
    [
        ('class="site-footer" id="main"', True),
        ('id="main" class="site-footer"', False),  # only the first of the two is read
        ('id="footer-nav" class="wide"', True),
        ('class="wide" id="footer-nav"', False),
        ('class="wide"', False),
        ('data-role="footer"', False),
        ('id="CookieBanner"', True),  # the cookie test is case-insensitive, on both
    ],
)
def test_a_div_is_cleaned_for_its_first_class_or_id(attributes: str, pruned: bool) -> None:
    tree = load_html(f"<html><body><div {attributes}><p>Text</p></div><p>Story.</p></body></html>")
    assert same(tree.find(".//body")) == pruned


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("attribute", ["class", "id"])
def test_each_value_on_each_tag(tag: str, attribute: str) -> None:
    for value in VALUES:
        for with_h1 in (False, True):
            tree = load_html("<html><body><main><p>Story.</p></main></body></html>")
            element = etree.SubElement(tree.find(".//main"), tag, {attribute: value})
            etree.SubElement(element, "h1" if with_h1 else "p").text = "Text"
            same(tree)


def test_an_ol_is_not_pruned_for_a_disqus_id_alone() -> None:
    tree = load_html('<html><body><ol id="disqus_thread"><li>x</li></ol></body></html>')
    assert same(tree) == 0
    tree = load_html('<html><body><div id="disqus_thread"><p>x</p></div></body></html>')
    assert same(tree) == 1


def test_nested_and_random_trees() -> None:
    rng = random.Random(11)
    found = 0
    for _ in range(300):
        tree = load_html("<html><body><div><p>Story.</p></div></body></html>")
        elements = [tree.find(".//body")]
        for _ in range(rng.randrange(1, 25)):
            attributes = {}
            for attribute in rng.sample(["class", "id"], 2):  # either may come first
                if rng.random() < 0.6:
                    attributes[attribute] = rng.choice(VALUES)
            element = etree.SubElement(rng.choice(elements), rng.choice(TAGS), attributes)
            element.text = "Text"
            elements.append(element)
        found += same(tree)
    assert found > 100  # the cases do reach the walks' tests


def pages_same(paths: list) -> int:
    found = 0
    for path in paths:
        data = path.read_bytes()
        tree = load_html(decode_bytes(gzip.decompress(data) if path.suffix == ".gz" else data)[0])
        if tree is not None:
            found += same(tree)
    return found


def test_example_pages() -> None:
    paths = sorted(EXAMPLES.rglob("*.html*"))
    assert paths
    pages_same(paths)


def test_corpus_pages() -> None:
    paths = sorted((corpus_or_skip() / "html").glob("*.html.gz"))
    assert pages_same(paths) > 50  # pages where trafilatura prunes something
