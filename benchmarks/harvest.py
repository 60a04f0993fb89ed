"""Real boilerplate, labeled by kind, harvested from the labeled pages' HTML.

A page's markup often says what a block is: `<nav>`, `<footer>`, `class="related-posts"`,
`id="comments"`, `role="navigation"`, `aria-label="Share"`. This module reads those
names (`KIND_TOKENS`), takes the text of each named block as a text scrape would show
it (one line per block-level element, list item or paragraph: `block_lines`), and
keeps a block only where it does not overlap the page's main text (`overlaps_gold`,
`overlaps_snippets`): what is left is the boilerplate real sites put around a story,
each line with the kind its block was named for.

Sources: the labeled pages of `labeled.py` (Dragnet, Readability, trafilatura-eval),
with the same held-out split by page (`labeled.held_out`). The harvest is cached under
`.cache/` (git-ignored); no corpus text is in the repository.
"""

from __future__ import annotations

import gzip
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CACHE_DIR, _decode, fold  # noqa: E402
from labeled import (  # noqa: E402
    STORY_SHARE,
    Page,
    assemble_scrape,
    cached_page_results,
    gold_share,
    label_words,
    ngrams,
    page_key,
    scrape_golds,
)

# Bump when the harvest changes: the cache is keyed on it.
HARVEST_VERSION = 1


# The names that say what a block is, per kind, tried in this order (the first kind
# that matches wins: "footer-newsletter" is a newsletter). An element's names are its
# class, id, role and aria-label, split into lower-case tokens at every non-letter and
# at camelCase humps; `TOKENS` must equal a token, `JOINED` may be found in the tokens
# written together ("more-stories" -> "morestories").
@dataclass(frozen=True, slots=True)
class KindNames:
    kind: str
    tokens: frozenset[str]
    joined: tuple[str, ...] = ()
    tags: frozenset[str] = frozenset()


KIND_TOKENS: tuple[KindNames, ...] = (
    KindNames("podcast", frozenset({"podcast", "podcasts"})),
    KindNames(
        "newsletter",
        frozenset(
            {
                "newsletter",
                "newsletters",
                "subscribe",
                "subscription",
                "signup",
                "mailinglist",
                "mailchimp",
                "optin",
            }
        ),
        ("signup", "newsletter", "mailinglist", "emailsignup"),
    ),
    KindNames(
        "comments",
        frozenset({"comment", "comments", "respond", "reply", "replies", "disqus", "discussion"}),
        ("commentform", "commentlist", "leaveareply"),
    ),
    KindNames(
        "bio",
        frozenset({"bio", "biography", "authorbio", "authorbox", "authorinfo"}),
        (
            "aboutauthor",
            "abouttheauthor",
            "authorbio",
            "authorbox",
            "authorinfo",
            "bylinebio",
            "authordescription",
        ),
    ),
    KindNames(
        "related",
        frozenset(
            {
                "related",
                "recommended",
                "recommendations",
                "popular",
                "trending",
                "mostread",
                "mostpopular",
                "morestories",
            }
        ),
        (
            "morestories",
            "mostread",
            "mostpopular",
            "mostviewed",
            "youmayalso",
            "alsoread",
            "readmore",
            "morenews",
            "moreon",
            "relatedposts",
        ),
    ),
    KindNames(
        "share",
        frozenset(
            {"share", "sharing", "social", "sharethis", "addthis", "sharebar", "socialmedia"}
        ),
        (
            "sharethis",
            "addthis",
            "sharebar",
            "sharebuttons",
            "socialshare",
            "socialicons",
            "followus",
        ),
    ),
    KindNames(
        "promo",
        frozenset(
            {
                "promo",
                "promotion",
                "promotions",
                "event",
                "events",
                "sponsor",
                "sponsored",
                "sponsors",
                "ad",
                "ads",
                "advert",
                "advertisement",
                "advertising",
                "banner",
                "cta",
                "callout",
            }
        ),
        ("sponsoredcontent", "advertisement"),
    ),
    KindNames(
        "navigation",
        frozenset(
            {
                "nav",
                "navbar",
                "navigation",
                "menu",
                "menubar",
                "submenu",
                "breadcrumb",
                "breadcrumbs",
                "category",
                "categories",
                "tags",
                "tagcloud",
                "pagination",
                "sitemap",
                "topics",
            }
        ),
        ("breadcrumb", "mainmenu", "topnav", "sitenav", "tagcloud"),
        frozenset({"nav", "menu"}),
    ),
    KindNames(
        "footer",
        frozenset({"footer", "copyright", "colophon", "contentinfo"}),
        ("copyright", "sitefooter"),
        frozenset({"footer"}),
    ),
    KindNames(
        "header",
        frozenset({"header", "masthead", "topbar"}),
        ("siteheader", "masthead"),
        frozenset({"header"}),
    ),
)

# Elements never read: not shown by a text scrape.
_SKIPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "head",
        "title",
        "select",
        "option",
        "iframe",
        "object",
        "canvas",
        "input",
    }
)
# Elements whose names are not read: the page's frame and its story, which carry a
# site's or a post's class list ("body category-news", "article tag-politics").
_UNNAMED = frozenset({"html", "body", "main", "article"})
# Elements that start a line of their own, as a text scrape writes them.
_BLOCK = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "form",
        "table",
        "tr",
        "td",
        "th",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "address",
        "fieldset",
        "legend",
        "label",
        "button",
        "textarea",
        "br",
        "hr",
        "main",
        "menu",
        "details",
        "summary",
    }
)
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_LETTERS = re.compile(r"[^\W\d_]{2,}")
# A block is dropped when this share of its word 3-grams is found in the gold text,
# or when one of its lines of six or more words is story by `labeled.line_labels`' test
# (STORY_SHARE of its 3-grams in the gold).
GOLD_BLOCK_SHARE = 0.1
# Lines kept of one block (a site's mega-menu can hold hundreds).
MAX_BLOCK_LINES = 40


def name_tokens(element) -> list[str]:
    """The lower-case tokens of an element's class, id, role and aria-label."""
    tokens: list[str] = []
    for attribute in ("class", "id", "role", "aria-label"):
        value = element.get(attribute)
        if value:
            tokens += [token for token in _TOKEN_SPLIT.split(_CAMEL.sub(" ", value).lower())
                       if token]  # fmt: skip
    return tokens


def element_kind(element) -> str | None:
    """The kind an element's tag or names say it is, or None. A form holding a text
    area is a comment form."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _UNNAMED:
        return None
    if tag == "form" and element.find(".//textarea") is not None:
        return "comment form"
    tokens = name_tokens(element)
    joined = "".join(tokens)
    for names in KIND_TOKENS:
        if tag in names.tags or any(token in names.tokens for token in tokens):
            return names.kind
        if joined and any(part in joined for part in names.joined):
            return names.kind
    return None


def _hidden(element) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return (element.get("hidden") is not None or element.get("aria-hidden") == "true"
            or "display:none" in style or "visibility:hidden" in style)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Block:
    """The lines of one named block of a page, as a text scrape shows them."""

    kind: str
    lines: tuple[str, ...]


def block_lines(root) -> Iterator[Block]:
    """Every named block under `root` (innermost names win: a share bar in a footer is
    a share bar), each with its own lines: the text of its block-level elements, list
    items and paragraphs, whitespace folded, without the lines of blocks named inside
    it."""
    out: list[Block] = []

    def walk(element, kind: str | None, lines: list[str], current: list[str]) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or tag in _SKIPPED or _hidden(element):
            return
        own = element_kind(element)
        if own is not None:
            # A block of its own: its lines are collected apart and it stands on a
            # line of its own in its parent.
            _flush(lines, current)
            inner: list[str] = []
            inner_current: list[str] = []
            _visit(element, own, inner, inner_current)
            _flush(inner, inner_current)
            if inner:
                out.append(Block(own, tuple(inner[:MAX_BLOCK_LINES])))
            return
        block = tag in _BLOCK
        if block:
            _flush(lines, current)
        _visit(element, kind, lines, current)
        if block:
            _flush(lines, current)

    def _visit(element, kind: str | None, lines: list[str], current: list[str]) -> None:
        if element.text:
            current.append(element.text)
        for child in element:
            walk(child, kind, lines, current)
            if child.tail:
                current.append(child.tail)

    walk(root, None, [], [])
    yield from out


def _flush(lines: list[str], current: list[str]) -> None:
    line = fold("".join(current))
    current.clear()
    if line:
        lines.append(line)


def has_words(line: str) -> bool:
    """A line with a word of two or more letters."""
    return _LETTERS.search(line) is not None


def overlaps_gold(lines: tuple[str, ...], gold_grams: set) -> bool:
    """A block that shares text with the page's gold (its word 3-grams `gold_grams`):
    GOLD_BLOCK_SHARE of its word 3-grams (read across its lines) in the gold, or a line
    of six or more words of which STORY_SHARE of the 3-grams are."""
    tokens = [token for line in lines for token in label_words(line)]
    grams = ngrams(tokens, 3) if len(tokens) >= 3 else None
    if grams and sum(c for g, c in grams.items() if g in gold_grams) > GOLD_BLOCK_SHARE * sum(
        grams.values()
    ):
        return True
    for line in lines:
        line_tokens = label_words(line)
        if len(line_tokens) >= 6 and gold_share(line_tokens, gold_grams) >= STORY_SHARE:
            return True
    return False


def overlaps_snippets(lines: tuple[str, ...], with_snippets: tuple[str, ...]) -> bool:
    """A block that holds a `with` snippet of the page (or a line of which lies inside
    one): trafilatura-eval's pages have snippets of the main text, not a gold text."""
    folded = fold(" ".join(lines)).casefold()
    snippets = [fold(snippet).casefold() for snippet in with_snippets if snippet.strip()]
    if any(snippet in folded for snippet in snippets):
        return True
    long_lines = [fold(line).casefold() for line in lines if len(line.split()) >= 4]
    return any(line in snippet for line in long_lines for snippet in snippets)


def harvest_html(markup: str, gold: str | None, with_snippets: tuple[str, ...] = ()) -> list[Block]:
    """The named blocks of a page that do not overlap its gold (or `with` snippets),
    with only the lines that hold a word; blocks with fewer than two words dropped."""
    import lxml.etree
    import lxml.html

    try:
        # lxml refuses a str that declares its own encoding; the markup is decoded.
        root = lxml.html.fromstring(_XML_DECLARATION.sub("", markup, count=1))
    except (ValueError, lxml.etree.ParserError):
        return []
    gold_grams = set(ngrams(label_words(gold), 3)) if gold is not None else set()
    kept = []
    for block in block_lines(root):
        lines = tuple(line for line in block.lines if has_words(line))
        if sum(len(line.split()) for line in lines) < 2:
            continue
        if gold is not None and overlaps_gold(lines, gold_grams):
            continue
        if with_snippets and overlaps_snippets(lines, with_snippets):
            continue
        kept.append(Block(block.kind, lines))
    return kept


def _harvest_one(job: tuple[str, str | None, tuple[str, ...]]) -> list[list]:
    path, gold, with_snippets = job
    markup = _decode(gzip.decompress(Path(path).read_bytes()))
    return [[block.kind, list(block.lines)] for block in harvest_html(markup, gold, with_snippets)]


def harvest_pages(pages: list[Page], *, workers: int = 2) -> dict[str, list[Block]]:
    """The harvested blocks of each page, keyed by `<set>:<id>`, reusing the on-disk
    cache (keyed on HARVEST_VERSION)."""
    cached = cached_page_results(
        pages,
        CACHE_DIR / f"harvest-v{HARVEST_VERSION}.json",
        _harvest_one,
        lambda page: (str(page.path), page.gold, page.with_snippets),
        workers=workers,
    )
    return {
        page_key(page): [Block(kind, tuple(lines)) for kind, lines in cached[page_key(page)]]
        for page in pages
    }


def sample_lines(harvest: dict[str, list[Block]], count: int, seed: int = 7) -> list[tuple]:
    """A seeded sample of harvested lines (page key, kind, line), for reading by eye."""
    every = [(key, block.kind, line) for key, blocks in sorted(harvest.items())
             for block in blocks for line in block.lines]  # fmt: skip
    return random.Random(seed).sample(every, min(count, len(every)))


# Lines of a block inserted into a scrape (its first ones: a menu's first entries).
SCRAPE_BLOCK_LINES = 6


def kind_scrape_cases(
    pages: list[Page],
    harvest: dict[str, list[Block]],
    count: int,
    seed: int = 23,
) -> list[tuple[str, str, str, list[str], list[str], list[str]]]:
    """Text and markdown scrapes of real boilerplate by kind: a gold text of `pages`
    (`labeled.scrape_golds`) with harvested blocks of OTHER pages of `harvest` (its
    first SCRAPE_BLOCK_LINES lines) inserted before it (one or two blocks), after it
    (one to three) and, in a third of cases, between its paragraphs. Each block's kind
    is drawn first, all kinds alike, then a block of that kind, so that bios and
    podcast promos count as much as menus. Every other case is markdown
    (`labeled.markdown_line`; the first gold line a heading). Returns (page key,
    scrape, gold, inserted lines, story lines as in the scrape, kind of each inserted
    line). `harvest` should hold the pages of the same part of the split as `pages`."""
    rng = random.Random(seed)
    by_kind: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for key, blocks in sorted(harvest.items()):
        for block in blocks:
            by_kind.setdefault(block.kind, []).append((key, block.lines[:SCRAPE_BLOCK_LINES]))
    kinds = sorted(by_kind)
    pages_of = {kind: {key for key, _lines in found} for kind, found in by_kind.items()}
    cases = []
    if not kinds:
        return cases
    golds = scrape_golds(pages)
    for number in range(min(count, len(golds))):
        page = golds[number]

        def pick(key: str = page_key(page)) -> tuple[str, tuple[str, ...]]:
            kind = rng.choice(kinds)
            while True:  # a block of another page
                found_key, lines = rng.choice(by_kind[kind])
                if found_key != key or len(pages_of[kind]) == 1:
                    return kind, lines

        cases.append(assemble_scrape(page, number, pick, rng))
    return cases


if __name__ == "__main__":  # harvest and show a sample: python benchmarks/harvest.py [N]
    from collections import Counter

    from labeled import EVAL_SET, LABELED_SETS, load_set

    for set_name in (*LABELED_SETS, EVAL_SET):
        pages = load_set(set_name)
        harvest = harvest_pages(pages)
        for part, wanted in (("training", False), ("held out", True)):
            chosen = {p.page_id for p in pages if p.held_out == wanted}
            blocks = [block for key, found in harvest.items() if key.split(":", 1)[1] in chosen
                      for block in found]  # fmt: skip
            lines = Counter(block.kind for block in blocks for _ in block.lines)
            print(
                f"{set_name} {part}: {len(chosen)} pages, {len(blocks)} blocks, "
                f"{sum(lines.values())} lines: "
                + ", ".join(f"{kind} {count}" for kind, count in lines.most_common())
            )
    if len(sys.argv) > 1:
        every = {}
        for set_name in (*LABELED_SETS, EVAL_SET):
            pages = [page for page in load_set(set_name) if not page.held_out]
            every.update(harvest_pages(pages))
        for key, kind, line in sample_lines(every, int(sys.argv[1])):
            print(f"{kind:<13} {key[:30]:<30} {line[:150]!r}")
