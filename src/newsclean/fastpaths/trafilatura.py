"""All of newsclean's use of trafilatura's private parts: extraction, faster.

`extract_html(page, url)` gives what `trafilatura.bare_extraction(page, url=url,
**TRAFILATURA_OPTIONS)` gives (title, text and the metadata newsclean keeps), by
trafilatura's own steps with three costly parts done another way:

- the page's metadata (`page_metadata`): trafilatura looks for a page's author,
  categories and tags with XPath expressions whose `re:test()` calls back into Python
  for every element of the page, and for the author it first deep-copies the page and
  prunes comments, dates and figures from the copy. Here the same expressions are
  evaluated as Python predicates in one walk over the elements that carry the
  attributes they test, on the page itself: an author candidate inside a pruned block
  is skipped, and the text of one that holds a pruned block is left to trafilatura's
  own `extract_author`, the only case where pruning changes it.
- the whole-page prunes of `trafilatura_sequence` and its basic cleaning (see
  "Prunes" below), as walks over the elements instead of XPath expressions;
- the tree: parsed once with lxml's C class lookup (newsclean.fastpaths.lxml), and
  extracted from without bare_extraction's copy.

The predicates and walks transcribe the installed trafilatura's expressions
(`METADATA_EMULATED`, `PRUNES_EMULATED`); newsclean.fastpaths uses this module only
with the verified trafilatura and after `self_check` has compared it with
bare_extraction on the bundled pages. Results are the same as trafilatura's, except
that the license and the host name, which newsclean does not keep (it takes the host
from the URL itself), are not looked for.
"""

from __future__ import annotations

import importlib
import re
import types
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from htmldate import find_date
from lxml.etree import Element, XPath, _Element, strip_tags
from lxml.html import HtmlElement, fromstring
from trafilatura.baseline import block_text
from trafilatura.htmlprocessing import delete_element
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
from trafilatura.settings import DEFAULT_CONFIG, Extractor, set_date_params
from trafilatura.utils import (
    HTML_PARSER,
    is_dubious_html,
    line_processing,
    repair_faulty_html,
    trim,
)
from trafilatura.xml import xmltotxt
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS, CATEGORIES_XPATHS, TAGS_XPATHS

from newsclean.extract import TRAFILATURA_OPTIONS, hidden_to_prune
from newsclean.fastpaths import lxml as fast_lxml
from newsclean.text import squeeze

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
    if not METADATA_EMULATED:
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
    if not METADATA_EMULATED:
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
# The metadata's expressions transcribed above, as trafilatura writes them (runs of white space
# as one space). The predicates are used only while they are trafilatura's.

_METADATA_TRANSCRIBED = {
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
    return [squeeze(expression) for expression in expressions]


def metadata_expressions() -> dict[str, list[str]]:
    """The installed trafilatura's expressions, runs of white space as one space."""
    return {
        "author": squeezed(x.path for x in AUTHOR_XPATHS),
        "author_discard": squeezed(x.path for x in AUTHOR_DISCARD_XPATHS),
        "categories": squeezed(x.path for x in CATEGORIES_XPATHS),
        "tags": squeezed(x.path for x in TAGS_XPATHS),
    }


METADATA_EMULATED = metadata_expressions() == {
    name: squeezed(expressions) for name, expressions in _METADATA_TRANSCRIBED.items()
}


# ---------------------------------------------------------------------------
# Prunes

# trafilatura's prunes of a whole page, found by walking its elements.
#
# Before it extracts, `trafilatura_sequence` deletes three kinds of block from the
# page's tree: containers of infinite-scroll follow-up articles, Elementor share
# buttons, and (comments off, as newsclean asks) comment sections and lists. On about
# half of the pages it then measures the page's whole text with `html2txt`, whose basic
# cleaning deletes scripts, footers, asides, cookie banners and the like. Each is an
# XPath expression over every element of the page, and the `re:test()` in them calls
# back into Python for every element it tests.
#
# Here each expression is a walk over the elements it can select, with its tests as
# compiled patterns: the same elements in the same (document) order, in a third to a
# half of the time (docs/performance.md). trafilatura's own code runs unchanged:
# `trafilatura_sequence()` gives its function with these names bound to the walks
# instead of the expressions. As the metadata's predicates, the walks transcribe the
# installed trafilatura's expressions and are used only while those are the ones
# transcribed (`PRUNES_EMULATED`).

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
_PRUNES_TRANSCRIBED: dict[str, tuple[tuple[str, Callable[[_Element], list[_Element]]], ...]] = {
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


def prune_expressions() -> dict[str, list[str]]:
    """The installed trafilatura's expressions, runs of white space as one space."""
    from trafilatura import xpaths

    found = {name: squeezed(x.path for x in getattr(xpaths, name)) for name in _PRUNES_TRANSCRIBED}
    found["BASIC_CLEAN_XPATH"] = squeezed([_baseline_module().BASIC_CLEAN_XPATH.path])
    return found


PRUNES_EMULATED = prune_expressions() == {
    **{
        name: squeezed(expression for expression, _walk in walks)
        for name, walks in _PRUNES_TRANSCRIBED.items()
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
    if not PRUNES_EMULATED:
        return original
    # Only a name that still holds what was transcribed is bound to a walk.
    uses = original.__globals__
    replaced: dict[str, Any] = {
        name: [walk for _expression, walk in walks]
        for name, walks in _PRUNES_TRANSCRIBED.items()
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


# ---------------------------------------------------------------------------
# Extraction

_WITHOUT_METADATA = {**TRAFILATURA_OPTIONS, "with_metadata": False}  # page_metadata's


def extract_html(page: str, url: str | None) -> tuple[Document, str] | None:
    """The metadata and text of `trafilatura.bare_extraction(page, url=url,
    **TRAFILATURA_OPTIONS)` (the page's hidden elements pruned where
    `newsclean.extract.hidden_to_prune` finds some, as `html_by_public_api` does), or None
    where it finds none; it raises what trafilatura
    catches (TypeError, ValueError), which newsclean.extract answers with trafilatura's
    own run of the page."""
    tree = parse_page(page)
    if tree is None:
        return None
    hidden = hidden_to_prune(tree)  # found on the page as parsed, as html_by_public_api
    metadata = page_metadata(tree, url)
    for element in hidden:  # as bare_extraction's prune_xpath (prune_unwanted_nodes)
        delete_element(element)  # after the metadata, before the text
    text = main_text(tree, url=url, found_url=metadata.url)
    return (metadata, text) if text is not None else None


def main_text(tree: Any, *, url: str | None, found_url: str | None = None) -> str | None:
    """trafilatura.bare_extraction(tree, url=url, **_WITHOUT_METADATA).text, or None,
    extracted from the tree itself.

    bare_extraction extracts from a copy of a tree it is given, to leave the caller's
    whole; newsclean is done with a page's tree once its metadata is found, so the
    copy is skipped. These are bare_extraction's steps for
    newsclean's options (no comments, deduplication or target language), with the
    page's prunes found by the walks above; `found_url` is the metadata's URL, which
    bare_extraction hands on when it is given none. Where bare_extraction gives a page
    up on a TypeError or ValueError, this raises it.
    """
    options = Extractor(
        config=DEFAULT_CONFIG,
        output_format="python",
        comments=_WITHOUT_METADATA["include_comments"],
        tables=_WITHOUT_METADATA["include_tables"],
        images=_WITHOUT_METADATA["include_images"],
        links=_WITHOUT_METADATA["include_links"],
        dedup=_WITHOUT_METADATA["deduplicate"],
        url=url,
    )
    sequence = trafilatura_sequence()  # trafilatura's, its whole-page prunes done faster
    body, text, _comments, comments_text = sequence(tree, options, url or found_url)
    if options.max_tree_size and len(body) > options.max_tree_size:
        strip_tags(body, "hi")
        if len(body) > options.max_tree_size:
            return None
    if len(text) < options.min_output_size and len(comments_text) < options.min_output_comm_size:
        return None
    return xmltotxt(body, options.formatting)


def parse_page(page: str) -> Any:
    """trafilatura.utils.load_html(page) for a decoded page, on newsclean's parser.

    The same steps (the not-HTML check, trafilatura's repairs, a second parse from
    bytes) and the same tree, element classes included; only the parser differs:
    lxml.html's looks up each element's class in Python, called every time Python
    first touches an element, thousands of times a page through metadata and
    extraction (copies of the tree keep their parser). See newsclean.fastpaths.lxml.
    """
    parser = html_parser()
    beginning = page[:50].lower()
    dubious = is_dubious_html(beginning)
    page = repair_faulty_html(page, beginning)
    tree, from_bytes = None, False
    try:
        tree = fromstring(page, parser=parser)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, from_bytes = _parse_bytes(page, parser), True
    except Exception:  # noqa: BLE001 - as trafilatura: a page lxml cannot parse
        pass
    if (tree is None or len(tree) < 1) and not from_bytes:
        tree = _parse_bytes(page, parser)
    if tree is not None and dubious and len(tree) < 2:
        return None
    return tree


def _parse_bytes(page: str, parser: Any) -> Any:
    try:
        return fromstring(page.encode("utf8", "surrogatepass"), parser=parser)
    except Exception:  # noqa: BLE001 - as trafilatura: the page is given up
        return None


def html_parser() -> Any:
    """trafilatura's HTML parser (utils.HTML_PARSER), with lxml's C class lookup where
    this run uses lxml's fast path."""
    return fast_lxml.with_class_lookup(HTML_PARSER)


def warm_stoplist() -> None:
    """Build the stoplist of all languages that trafilatura's justext fallback uses."""
    from trafilatura import external

    if getattr(external, "JT_STOPLIST", ()) is None:
        external.jt_stoplist_init()


# ---------------------------------------------------------------------------
# Self-check

#: The trafilatura versions this module was verified against (the pin in pyproject.toml).
VERIFIED = ("2.3.1",)


def self_check() -> None:
    """Raise `Mismatch` unless this module transcribes the installed trafilatura and
    gives what bare_extraction gives on the bundled pages."""
    from newsclean.extract import html_by_public_api
    from newsclean.fastpaths import Mismatch, selfcheck_pages

    if not (METADATA_EMULATED and PRUNES_EMULATED):
        raise Mismatch("trafilatura's XPath expressions are not the ones transcribed")
    for name, page in selfcheck_pages():
        fast = as_fields(extract_html(page, None))
        public = as_fields(html_by_public_api(page, None))
        if fast != public:
            raise Mismatch(f"{name}: {fast!r} != {public!r}"[:200])


def as_fields(found: tuple[Document, str] | None) -> tuple[Any, ...] | None:
    """What newsclean keeps of an extraction, to compare: title, text, author, date, URL,
    site name, description, categories, tags."""
    if found is None:
        return None
    document, text = found
    return (
        document.title,
        text,
        document.author,
        document.date,
        document.url,
        document.sitename,
        document.description,
        document.categories,
        document.tags,
    )
