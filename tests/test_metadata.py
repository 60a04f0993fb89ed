"""newsclean.fastpaths.trafilatura finds what trafilatura's own metadata functions find.

Each case is run through both: trafilatura's `extract_author` / `extract_catstags` /
`bare_extraction(with_metadata=True)` are the reference, never a stored answer.
"""

from __future__ import annotations

import copy
import gzip
import logging
import random

import pytest
import trafilatura
from conftest import EXAMPLES, corpus_or_skip
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.metadata import extract_author, extract_catstags
from trafilatura.utils import load_html

from newsclean.extract import (
    HIDDEN_XPATH,
    TRAFILATURA_OPTIONS,
    _extract_html,
    _plain_lines,
    hidden_to_prune,
)
from newsclean.fastpaths import trafilatura as fast_trafilatura
from newsclean.readers.decode import decode_bytes

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def page(body: str, head: str = "") -> HtmlElement:
    tree = load_html(f"<html><head><title>A story</title>{head}</head><body>{body}</body></html>")
    assert tree is not None
    return tree


def same_author(tree: HtmlElement) -> str | None:
    found = fast_trafilatura.find_author(tree)
    assert found == extract_author(tree)
    return found


def same_catstags(tree: HtmlElement) -> tuple[list[str], list[str]]:
    links = fast_trafilatura._LINKS(tree)
    found = tuple(fast_trafilatura.find_catstags(kind, tree, links) for kind in ("category", "tag"))
    assert found == (extract_catstags("category", tree), extract_catstags("tag", tree))
    return found


def test_the_installed_trafilatura_is_the_one_transcribed() -> None:
    # Else the predicates are not used (trafilatura's functions run) and this says so.
    assert fast_trafilatura.METADATA_EMULATED, (
        "trafilatura's metadata XPath changed: update newsclean.fastpaths.trafilatura"
    )


AUTHOR_CASES = {
    "byline span": ('<p>Story text.</p><span class="byline">By Jane Doe</span>', "Jane Doe"),
    "specific before generic": (
        '<div class="post-author">Max Mustermann</div><a rel="author">Jane Doe</a>',
        "Jane Doe",
    ),
    "itemprop": ('<div itemprop="author"><span>Ana Lopez</span></div>', "Ana Lopez"),
    "author tag": ("<author>Kim Lee</author>", "Kim Lee"),
    "data-component": ('<div data-component="Byline">Sam Roe</div>', "Sam Roe"),
    "too short, then the next": (
        '<span class="author">Al</span><span class="byline">Ben Brown</span>',
        "Ben Brown",
    ),
    "in the comments: pruned": (
        '<div class="comments"><span class="author">Troll Person</span></div>',
        None,
    ),
    "in the sidebar: pruned": (
        '<section class="sidebar-right"><p class="author">Other Writer</p></section>'
        '<p class="author">Real Writer</p>',
        "Real Writer",
    ),
    "holds a date: pruning changes its text": (
        '<div class="author">Jane Doe<time>12 May 2026</time> and Max</div>',
        "Jane Doe; Max",  # trafilatura splits names at "and"
    ),
    "holds a figure": (
        '<span class="byline">Jo<figure>photo</figure>Ann Smith</span>',
        "JoAnn Smith",
    ),
    "a rel child": ('<div class="x"><rel>me</rel>Pat Kay</div>', "Me Pat Kay"),
    "no author": ('<div class="content"><p>Only the story.</p></div>', None),
    "author in an id": ('<div id="article-author">Lee Chan</div>', "Lee Chan"),
}


@pytest.mark.parametrize("body, expected", AUTHOR_CASES.values(), ids=AUTHOR_CASES.keys())
def test_author_as_trafilatura(body: str, expected: str | None) -> None:
    assert same_author(page(body)) == expected


def test_author_of_a_fragment_not_a_document() -> None:
    # load_html returns the fragment's element: the search stays inside it, as in
    # trafilatura's copy of it.
    tree = load_html('<div><span class="byline">Jane Doe</span><p>Story.</p></div>')
    assert tree is not None
    assert same_author(tree) == "Jane Doe"


CATSTAGS_CASES = {
    "entry-meta links": (
        '<div class="entry-meta"><a href="/category/politics/">Politics</a>'
        '<a href="/tag/vote/">vote</a><a href="/about/">About</a></div>',
        (["Politics"], ["vote"]),
    ),
    "first expression with a match wins": (
        '<p class="postmeta"><a href="/categories/a/">A</a></p>'
        '<span class="cat-links"><a href="/category/b/">B</a></span>',
        (["A"], []),
    ),
    "links outside any container": ('<a href="/category/x/">X</a>', ([], [])),
    "tags-links": (
        '<span class="tags-links"><a href="/tags/one/">one</a><a href="/tags/two/">two</a></span>',
        ([], ["one", "two"]),
    ),
    "no links": ("<p>Nothing here.</p>", ([], [])),
}


@pytest.mark.parametrize("body, expected", CATSTAGS_CASES.values(), ids=CATSTAGS_CASES.keys())
def test_categories_and_tags_as_trafilatura(
    body: str, expected: tuple[list[str], list[str]]
) -> None:
    assert same_catstags(page(body)) == expected


def test_category_falls_back_to_the_section_meta_tag() -> None:
    tree = page("<p>Story.</p>", head='<meta property="article:section" content="Business">')
    assert same_catstags(tree) == (["Business"], [])


def test_the_hints_admit_every_class_and_id_a_predicate_accepts() -> None:
    # The walk skips an element whose class and id hold no hint: it must never skip
    # one that a predicate (author or pruning) would accept.
    words = [
        "author",
        "Author",
        "authorName",
        "AuthorName",
        "author-name",
        "byline",
        "Byline",
        "byl",
        "BBL",
        "username",
        "screenname",
        "writer",
        "channel-name",
        "zuozhe",
        "bianji",
        "xiaobian",
        "submitted-by",
        "posted-by",
        "journalist-name",
        "comments",
        "Comments",
        "commentlist",
        "comment-list",
        "comments-list",
        "ProductReviews",
        "sidebar",
        "is-hidden",
        "quote",
        "embedly-instagram",
        "article-share",
        "article-support",
        "print",
        "category",
        "meta-date",
        "meta-reviewer",
        "title",
        "date",
        "row",
        "x",
    ]
    values = [*words, *(f"{a} {b}" for a in words[:12] for b in words[-6:])]
    for tag in ("a", "address", "div", "link", "p", "span", "strong", "h3", "h4", "section"):
        for value in values:
            for attribute in ("class", "id"):
                element = etree.Element(tag, {attribute: value})
                css, ident = element.get("class") or "", element.get("id") or ""
                accepted = any(
                    test(tag, css, ident, element)
                    for test in (
                        *fast_trafilatura._AUTHOR_TESTS,
                        fast_trafilatura._author_discarded,
                    )
                )
                if accepted:
                    assert fast_trafilatura._CLASS_HINT(css) or fast_trafilatura._ID_HINT(ident), (
                        tag,
                        value,
                    )


def test_perturbed_corpus_pages_as_trafilatura() -> None:
    """Corpus pages with author, pruning and category markup sprinkled in at random."""
    corpus = corpus_or_skip()
    classes = [
        "author",
        "byline",
        "comments",
        "sidebar",
        "quote",
        "entry-meta",
        "tags",
        "post-category",
        "cat-links",
        "topics",
        "row",
        "date",
        "writer",
        "meta",
    ]
    rng = random.Random(7)
    checked = 0
    for path in sorted((corpus / "html").glob("*.html.gz"))[:120]:
        tree = load_html(decode_bytes(gzip.open(path).read(), html=True)[0])
        if tree is None:
            continue
        elements = list(tree.iter(etree.Element))
        for _ in range(8):
            element = rng.choice(elements)
            choice = rng.random()
            if choice < 0.5:
                element.set("class", rng.choice(classes))
            elif choice < 0.75:
                child = etree.SubElement(element, rng.choice(["time", "figure", "span"]))
                child.text, child.tail = "Jane Doe", " and Max"
            else:
                link = etree.SubElement(element, "a", href=rng.choice(["/category/a/", "/tag/b/"]))
                link.text = "Topic"
        same_author(tree)
        same_catstags(tree)
        checked += 1
    assert checked >= 100


def test_corpus_pages_extract_as_with_trafilatura_metadata() -> None:
    """The whole HTML extraction: text and every metadata field newsclean keeps."""
    corpus = corpus_or_skip()
    for path in sorted((corpus / "html").glob("*.html.gz"))[::25]:
        html = decode_bytes(gzip.open(path).read(), html=True)[0]
        tree = load_html(html)  # hidden elements pruned as newsclean decides
        hidden = HIDDEN_XPATH if tree is not None and hidden_to_prune(tree) else None
        document = trafilatura.bare_extraction(html, prune_xpath=hidden, **TRAFILATURA_OPTIONS)
        expected = None
        if document is not None and (document.text or "").strip():
            fields = {
                "url": document.url,
                "authors": document.author,
                "published": document.date,
                "site_name": document.sitename,
                "description": document.description,
                "categories": document.categories,
                "tags": document.tags,
                "language": document.language,
            }
            expected = (document.title, "\n".join(_plain_lines(document.text)), fields)
        assert _extract_html(html, url=None) == expected, path.name


_SHORT_STORY = "<p>Ferry service resumes on Monday after the storm, the harbour office said.</p>"


@pytest.mark.parametrize(
    "html",
    [
        *(
            decode_bytes(
                gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes(),
                html=True,
            )[0]
            for path in sorted(EXAMPLES.rglob("*.html*"))
        ),
        f"<html><body>{_SHORT_STORY * 40}</body></html>",
        f"<html><body><div class='comments'>{_SHORT_STORY * 40}</div><p>Tiny.</p></body></html>",
        f"<html><body><nav>{_SHORT_STORY}</nav></body></html>",
        "<html><body><p>Tiny.</p></body></html>",
        "<html><body></body></html>",
    ],
)
def test_text_from_the_tree_itself_as_bare_extraction(html: str) -> None:
    """main_text skips bare_extraction's copy of the tree, nothing else."""
    from newsclean.fastpaths.trafilatura import _WITHOUT_METADATA, main_text, parse_page

    document = trafilatura.bare_extraction(html, **_WITHOUT_METADATA)
    expected = None if document is None else document.text
    tree = parse_page(html)
    assert (None if tree is None else main_text(tree, url=None)) == expected


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><form><input name=q><label>Q</label><select></select>"
        "<textarea></textarea></form><p>Story.</p></body></html>",
        "<!DOCTYPE html><html><head><title>T</title></head><body><p>Story.</p></body></html>",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>Declared.</p></body></html>',
        "<html/>\n<body><p>Self-closed root.</p></body>",
        "<div><p>Fragment.</p></div>",
        "<p>One block, no html tag</p>",
        "no markup at all",
        "<html><body><!-- gone --><?pi gone?><svg><rect/></svg><P>Upper</P></body></html>",
    ],
)
def test_newsclean_parser_gives_trafilaturas_tree(html: str) -> None:
    """parse_page: load_html's tree, node by node and class by class, or None as it."""
    from newsclean.fastpaths.trafilatura import parse_page

    ours, theirs = parse_page(html), load_html(html)
    assert (ours is None) == (theirs is None)
    if theirs is not None:
        assert etree.tostring(ours) == etree.tostring(theirs)
        assert [type(node) for node in ours.iter()] == [type(node) for node in theirs.iter()]
        assert [type(node) for node in copy.copy(ours).iter()] == [
            type(node) for node in theirs.iter()
        ]
