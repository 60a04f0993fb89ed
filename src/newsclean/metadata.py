"""Page metadata: what trafilatura's extract_metadata finds, found faster.

trafilatura looks for a page's author, categories and tags with XPath expressions
whose `re:test()` calls back into Python for every element of the page, and for the
author it first deep-copies the page and prunes comments, dates and figures from the
copy. On the dev corpus's pages that took ~10 ms a page for the author and ~4 ms for
categories and tags, against ~35 ms for the extraction of the text.

Here the same expressions are evaluated as Python predicates in one walk over the
elements that carry the attributes they test, on the page itself: an author candidate
inside a pruned block is skipped, and the text of one that holds a pruned block is
left to trafilatura's own `extract_author`, the only case where pruning changes it.
The predicates transcribe trafilatura's expressions, and are used only while those
expressions are the ones transcribed (`EMULATED`); after an upgrade that changes them,
trafilatura's functions run instead, unchanged. Results are the same as trafilatura's,
except that the license and the host name, which newsclean does not keep (it takes the
host from the URL itself), are not looked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from htmldate import find_date
from lxml.etree import XPath, _Element
from lxml.html import HtmlElement
from trafilatura.baseline import block_text
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    META_URL,
    Document,
    examine_meta,
    extract_author,
    extract_catstags,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import DEFAULT_CONFIG, set_date_params
from trafilatura.utils import line_processing, trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS, CATEGORIES_XPATHS, TAGS_XPATHS

Predicate = Callable[[str, str, str, _Element], bool]  # (tag, class, id, element)


def page_metadata(tree: HtmlElement, url: str | None) -> Document:
    """What trafilatura.bare_extraction(with_metadata=True) finds, but license and host name."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception:  # noqa: BLE001 - as trafilatura: a broken JSON-LD block is skipped
        pass
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = find_author(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, url)
    extensive = DEFAULT_CONFIG.getboolean("DEFAULT", "EXTENSIVE_DATE_SEARCH")
    date_config = {**set_date_params(extensive), "url": metadata.url}
    metadata.date = find_date(tree, **date_config)
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if (
            metadata.sitename
            and "." not in metadata.sitename
            and not metadata.sitename[0].isupper()
        ):
            metadata.sitename = metadata.sitename.title()
    elif metadata.url:
        found = META_URL.match(metadata.url)
        if found:
            metadata.sitename = found[1]
    if not (metadata.categories and metadata.tags):
        links = _LINKS(tree)  # one sweep for both searches
        if not metadata.categories:
            metadata.categories = find_catstags("category", tree, links)
        if not metadata.tags:
            metadata.tags = find_catstags("tag", tree, links)
    metadata.filedate = date_config.get("max_date")
    metadata.clean_and_trim()
    return metadata


# ---------------------------------------------------------------------------
# Author: trafilatura.metadata.extract_author


def find_author(tree: HtmlElement) -> str | None:
    """extract_author(tree): the first author element's text, 3-119 characters long."""
    if not EMULATED:
        return extract_author(tree)
    # rel='me' in the first expression tests a child <rel> element's text: rare enough
    # to leave to trafilatura, whose pruning may change that text.
    elements = _AUTHOR_HINTED(tree)
    pruned: set[_Element] = set()
    candidates: list[list[_Element]] = [[], [], []]
    for element in elements:
        get = element.get
        css, ident = get("class") or "", get("id") or ""
        tag = element.tag
        if not (
            _CLASS_HINT(css)
            or _ID_HINT(ident)
            or tag in _AUTHOR_TAGS
            or get("itemprop") is not None
            or get("rel") is not None
            or get("data-testid") is not None
            or get("data-component") is not None
        ):
            continue  # no predicate below can accept it
        if tag == "rel":
            return extract_author(tree)
        if (tag in ("time", "figure") or _author_discarded(tag, css, ident, element)) and (
            element is not tree  # trafilatura cannot remove the root
        ):
            pruned.add(element)
        for number, test in enumerate(_AUTHOR_TESTS):
            if test(tag, css, ident, element):
                candidates[number].append(element)
    holding_pruned = {
        ancestor
        for element in pruned
        for ancestor in element.iterancestors()
        if ancestor not in pruned
    }
    for found in candidates:
        for element in found:
            if element in pruned or _inside(element, pruned, tree):
                continue
            if element in holding_pruned:
                return extract_author(tree)  # its text is what pruning leaves: trafilatura's way
            content = trim(" ".join(element.itertext()))
            if content and 2 < len(content) < 120:
                return normalize_authors(None, content)
    return None


def _inside(element: _Element, pruned: set[_Element], root: _Element) -> bool:
    if element is root:
        return False
    for ancestor in element.iterancestors():
        if ancestor in pruned:
            return True
        if ancestor is root:
            return False
    return False


def _search(pattern: str) -> Callable[[str], bool]:
    """re:test(@attr, pattern): a missing attribute tests the empty string."""
    compiled = re.compile(pattern)
    return lambda value: compiled.search(value) is not None


_AUTHOR_NAME_CLASS = _search("author-?name|AuthorName|authorName")
_AUTHOR_ID = _search("author|zuozhe|bianji|xiaobian")
_AUTHOR_CLASS = _search(
    "author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"
)
_ANY_AUTHOR_ID = _search("[Aa]uthor")
_ANY_AUTHOR_CLASS = _search("[Aa]uthor|screenname|writer|[Bb]yline")
_DISCARD_ID = _search("^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = _search(
    "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
    "article-(?:share|support)|print|category|meta-date|meta-reviewer"
)


def _specific_author(tag: str, css: str, ident: str, element: _Element) -> bool:
    if tag == "author":
        return True
    if tag not in ("a", "address", "div", "link", "p", "span", "strong"):
        return False
    get = element.get
    return (
        get("rel") == "author"
        or ident == "author"
        or css == "author"
        or get("itemprop") == "author name"
        or get("data-testid") in ("AuthorCard", "AuthorURL")
        or _AUTHOR_NAME_CLASS(css)
    )


def _generic_author(tag: str, css: str, ident: str, element: _Element) -> bool:
    if tag not in ("a", "div", "h3", "h4", "p", "span"):
        return False
    return (
        css in ("byline", "username", "byl", "BBL")
        or "author" in (element.get("itemprop") or "")
        or _AUTHOR_ID(ident)
        or _AUTHOR_CLASS(css)
    )


def _any_author(tag: str, css: str, ident: str, element: _Element) -> bool:
    get = element.get
    return (
        "Byline" in (get("data-component") or "")
        or "author" in (get("itemprop") or "")
        or _ANY_AUTHOR_ID(ident)
        or _ANY_AUTHOR_CLASS(css)
    )


def _author_discarded(tag: str, css: str, ident: str, element: _Element) -> bool:
    if tag not in ("a", "div", "section", "span"):
        return False
    return (
        ident == "comments"
        or css in ("comments", "title", "date")
        or _DISCARD_ID(ident)
        or _DISCARD_CLASS(css)
        or "Figure" in (element.get("data-component") or "")
    )


_AUTHOR_TESTS: tuple[Predicate, ...] = (_specific_author, _generic_author, _any_author)
# What any class or id the predicates above accept holds (a superset, to skip the rest).
_CLASS_HINT = _search(
    "[Aa]uthor|[Bb]yl|BBL|username|screenname|writer|channel-name|zuozhe|bianji|xiaobian|"
    "submitted-by|posted-by|journalist-name|[Cc]omment|sidebar|is-hidden|quote|embedly-instagram|"
    "article-share|article-support|print|category|meta-date|meta-reviewer|title|date"
)
_ID_HINT = _search("[Aa]uthor|zuozhe|bianji|xiaobian|comment|ProductReviews")
# Elements the predicates may accept whatever their class and id (also if they have
# an itemprop, rel, data-testid or data-component attribute).
_AUTHOR_TAGS = frozenset(("author", "time", "figure", "rel"))
# Every element any of the predicates above can accept, in document order; <rel> to
# notice the case left to trafilatura. The root itself included, as in the copy.
_AUTHOR_HINTED = XPath(
    "descendant-or-self::*[@class or @id or @itemprop or @rel or @data-testid or"
    " @data-component or self::author or self::time or self::figure or self::rel]"
)


# ---------------------------------------------------------------------------
# Categories and tags: trafilatura.metadata.extract_catstags


def find_catstags(metatype: str, tree: HtmlElement, links: list[_Element]) -> list[str]:
    """extract_catstags(metatype, tree); links: the page's <a href> in document order."""
    if not EMULATED:
        return extract_catstags(metatype, tree)
    regexpr = re.compile("/" + metatype.rstrip("y") + "(?:y|ies|s)?/")
    matching = [link for link in links if regexpr.search(link.get("href"))]
    tests = _CATEGORY_CONTAINERS if metatype == "category" else _TAG_CONTAINERS
    results: list[str] = []
    if matching:
        within = [_containers(link, tests) for link in matching]
        for number in range(len(tests)):
            results = [
                block_text(link)
                for link, found in zip(matching, within, strict=True)
                if number in found
            ]
            if results:
                break
    if metatype == "category" and not results:
        results = [element.attrib["content"] for element in _SECTION_META(tree)]
    return [r for r in dict.fromkeys(line_processing(x) for x in results if x) if r]


def _containers(link: _Element, tests: tuple[Predicate, ...]) -> set[int]:
    """Which of the `//container[...]//a[@href]` expressions select the link."""
    found: set[int] = set()
    for ancestor in link.iterancestors():
        tag = ancestor.tag
        get = ancestor.get
        css, ident = get("class") or "", get("id") or ""
        found.update(number for number, test in enumerate(tests) if test(tag, css, ident, ancestor))
    return found


_META_PREFIX = _search("^(?:post-?info|post-?meta|meta|entry-meta|entry-info|entry-utility)")
_TAG_PREFIX = _search("^(?:tag|postmeta|meta)")


def _starts(value: str, *prefixes: str) -> bool:
    return value.startswith(prefixes)


_CATEGORY_CONTAINERS: tuple[Predicate, ...] = (
    lambda tag, css, ident, _: tag == "div" and (_META_PREFIX(css) or ident.startswith("postpath")),
    lambda tag, css, ident, _: (
        tag == "p"
        and (
            _starts(css, "postmeta", "entry-categories")
            or css == "postinfo"
            or ident == "filedunder"
        )
    ),
    lambda tag, css, ident, _: tag == "footer" and _starts(css, "entry-meta", "entry-footer"),
    lambda tag, css, ident, _: (
        tag in ("li", "span")
        and (css in ("post-category", "postcategory", "entry-category") or "cat-links" in css)
    ),
    lambda tag, css, ident, _: tag == "header" and css == "entry-header",
    lambda tag, css, ident, _: tag == "div" and css in ("row", "tags"),
)
_TAG_CONTAINERS: tuple[Predicate, ...] = (
    lambda tag, css, ident, _: tag == "div" and css == "tags",
    lambda tag, css, ident, _: tag == "p" and css.startswith("entry-tags"),
    lambda tag, css, ident, _: (
        tag == "div" and (css in ("row", "jp-relatedposts", "entry-utility") or _TAG_PREFIX(css))
    ),
    lambda tag, css, ident, _: css == "entry-meta" or "topics" in css or "tags-links" in css,
)
_LINKS = XPath("//a[@href]")
_SECTION_META = XPath(
    './/head//meta[@property="article:section" or contains(@name, "subject")][@content]'
)


# ---------------------------------------------------------------------------
# The expressions transcribed above, as trafilatura writes them (runs of white space
# as one space). The predicates are used only while they are trafilatura's.

_TRANSCRIBED = {
    "author": (
        (
            "//*[self::a or self::address or self::div or self::link or self::p or "
            "self::span or self::strong][ @rel='author' or @id='author' or "
            "@class='author' or @itemprop='author name' or rel='me' or "
            "@data-testid='AuthorCard' or @data-testid='AuthorURL' or re:test(@class, "
            "'author-?name|AuthorName|authorName')]|//author"
        ),
        (
            "//*[self::a or self::div or self::h3 or self::h4 or self::p or "
            "self::span][ @class='byline' or @class='username' or @class='byl' or "
            "@class='BBL' or contains(@itemprop, 'author') or re:test(@id, "
            "'author|zuozhe|bianji|xiaobian') or re:test(@class, "
            "'author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name')]"
        ),
        (
            "//*[ contains(@data-component, 'Byline') or contains(@itemprop, 'author') "
            "or re:test(@id, '[Aa]uthor') or re:test(@class, "
            "'[Aa]uthor|screenname|writer|[Bb]yline')]"
        ),
    ),
    "author_discard": (
        (
            ".//*[self::a or self::div or self::section or self::span][ @id='comments' "
            "or @class='comments' or @class='title' or @class='date' or re:test(@id, "
            "'^comments|comment-?list|ProductReviews') or re:test(@class, "
            "'^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|"
            "embedly-instagram|article-(?:share|support)|print|category|meta-date|"
            "meta-reviewer') "
            "or contains(@data-component, 'Figure')]"
        ),
        "//time|//figure",
    ),
    "categories": (
        (
            "//div[ re:test(@class, "
            "'^(?:post-?info|post-?meta|meta|entry-meta|entry-info|entry-utility)') or "
            "starts-with(@id, 'postpath')]//a[@href]"
        ),
        (
            "//p[starts-with(@class, 'postmeta') or starts-with(@class, "
            "'entry-categories') or @class='postinfo' or @id='filedunder']//a[@href]"
        ),
        (
            "//footer[starts-with(@class, 'entry-meta') or starts-with(@class, "
            "'entry-footer')]//a[@href]"
        ),
        (
            "//*[self::li or self::span][@class='post-category' or "
            "@class='postcategory' or @class='entry-category' or contains(@class, "
            "'cat-links')]//a[@href]"
        ),
        "//header[@class='entry-header']//a[@href]",
        "//div[@class='row' or @class='tags']//a[@href]",
    ),
    "tags": (
        "//div[@class='tags']//a[@href]",
        "//p[starts-with(@class, 'entry-tags')]//a[@href]",
        (
            "//div[@class='row' or @class='jp-relatedposts' or @class='entry-utility' "
            "or re:test(@class, '^(?:tag|postmeta|meta)')]//a[@href]"
        ),
        (
            "//*[@class='entry-meta' or contains(@class, 'topics') or contains(@class, "
            "'tags-links')]//a[@href]"
        ),
    ),
}


def squeezed(expressions: Iterable[str]) -> list[str]:
    """XPath sources with runs of white space as one space, to compare as transcribed."""
    return [" ".join(expression.split()) for expression in expressions]


def trafilatura_expressions() -> dict[str, list[str]]:
    """The installed trafilatura's expressions, runs of white space as one space."""
    return {
        "author": squeezed(x.path for x in AUTHOR_XPATHS),
        "author_discard": squeezed(x.path for x in AUTHOR_DISCARD_XPATHS),
        "categories": squeezed(x.path for x in CATEGORIES_XPATHS),
        "tags": squeezed(x.path for x in TAGS_XPATHS),
    }


EMULATED = trafilatura_expressions() == {
    name: squeezed(expressions) for name, expressions in _TRANSCRIBED.items()
}
