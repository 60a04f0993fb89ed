"""The boilerplate harvester of the benchmarks (benchmarks/harvest.py): what names say
which kind, how a block's lines are read, and the filter that keeps story text out."""

from __future__ import annotations

import sys
from pathlib import Path

import lxml.html
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import harvest  # noqa: E402
import labeled  # noqa: E402

GOLD = (
    "Council approves budget\n"
    "The city council voted on Tuesday to approve the new budget for next year.\n"
    "The mayor said the plan would fund two new schools and repair the old bridge."
)
PAGE = """<html><body class="single category-news">
<header class="site-header"><a href="/">Daily Bugle</a></header>
<nav class="mainNav"><ul><li><a>World</a></li><li><a>Politics</a></li></ul></nav>
<article class="post tag-politics"><h1>Council approves budget</h1>
<p>The city council voted on Tuesday to approve the new budget for next year.</p>
<p>The mayor said the plan would fund two new schools and repair the old bridge.</p>
<div class="share-bar"><a>Share on <b>Facebook</b></a><br><a>Tweet this</a></div></article>
<aside class="relatedPosts"><h3>Read more</h3><ul><li>Mayor opens new bridge</li>
<li>Schools get a <em>funding</em> boost</li></ul></aside>
<div id="respond"><form><p>Your email address will not be published.</p>
<textarea></textarea><button>Post Comment</button></form></div>
<div class="newsletter-signup" style="display: none">Hidden sign-up text</div>
<div class="author-bio"><p>Jane Roe covers city hall for the Daily Bugle.</p></div>
<footer><div class="footer-newsletter">Sign up for our morning email</div>
<p>Copyright 2026 Daily Bugle</p><script>var x = "no text";</script></footer>
</body></html>"""


def _element(markup: str):
    return lxml.html.fragment_fromstring(markup)


@pytest.mark.parametrize(
    ("markup", "kind"),
    [
        ("<nav>x</nav>", "navigation"),
        ('<div class="breadcrumbs">x</div>', "navigation"),
        ('<div role="navigation">x</div>', "navigation"),
        ('<ul class="mainNav">x</ul>', "navigation"),
        ('<div id="more-stories">x</div>', "related"),
        ('<div class="most_read">x</div>', "related"),
        ('<div class="relatedPosts">x</div>', "related"),
        ('<div aria-label="Share this article">x</div>', "share"),
        ('<section class="footer-newsletter">x</section>', "newsletter"),
        ('<div class="podcast-promo">x</div>', "podcast"),
        ('<div id="disqus_thread">x</div>', "comments"),
        ('<div class="about-the-author">x</div>', "bio"),
        ('<div class="sponsor">x</div>', "promo"),
        ("<footer>x</footer>", "footer"),
        ('<div class="masthead">x</div>', "header"),
        ("<form><textarea></textarea></form>", "comment form"),
    ],
)
def test_names_say_the_kind(markup: str, kind: str) -> None:
    assert harvest.element_kind(_element(markup)) == kind


@pytest.mark.parametrize(
    "markup",
    [
        '<article class="post category-news tag-politics">x</article>',  # a post's classes
        '<div class="story-body">x</div>',
        '<div class="canvas-nova">x</div>',  # "nav" only inside other words
        "<form><input type='search'></form>",
    ],
)
def test_names_that_say_no_kind(markup: str) -> None:
    assert harvest.element_kind(_element(markup)) is None


def test_block_lines_read_as_a_text_scrape_shows_them() -> None:
    blocks = list(harvest.block_lines(lxml.html.fromstring(PAGE)))
    by_kind = {block.kind: block.lines for block in blocks}
    assert by_kind["navigation"] == ("World", "Politics")
    assert by_kind["share"] == ("Share on Facebook", "Tweet this")  # inline joined, <br> parts
    assert by_kind["related"] == (
        "Read more",
        "Mayor opens new bridge",
        "Schools get a funding boost",
    )
    assert by_kind["comment form"] == ("Your email address will not be published.", "Post Comment")
    # The innermost name wins, and a block's lines are not its parent's too.
    assert by_kind["newsletter"] == ("Sign up for our morning email",)
    assert by_kind["footer"] == ("Copyright 2026 Daily Bugle",)  # no script text
    assert all("Hidden" not in line for block in blocks for line in block.lines)


def test_harvest_keeps_blocks_that_share_no_text_with_the_gold() -> None:
    kept = harvest.harvest_html(PAGE, GOLD)
    kinds = [block.kind for block in kept]
    assert kinds == ["header", "navigation", "share", "related", "comment form", "bio",
                     "newsletter", "footer"]  # fmt: skip
    assert all("city council" not in line for block in kept for line in block.lines)


def test_harvest_drops_a_block_holding_story_text() -> None:
    gold = GOLD + "\nJane Roe covers city hall for the Daily Bugle."
    kinds = [block.kind for block in harvest.harvest_html(PAGE, gold)]
    assert "bio" not in kinds and "related" in kinds


def test_harvest_drops_a_block_holding_a_with_snippet() -> None:
    kept = harvest.harvest_html(PAGE, None, ("covers city hall for",))
    kinds = [block.kind for block in kept]
    assert "bio" not in kinds and "navigation" in kinds
    # A long line that lies inside a snippet goes too.
    kept = harvest.harvest_html(PAGE, None, ("Say it: Sign up for our morning email today",))
    assert "newsletter" not in [block.kind for block in kept]


def test_harvest_drops_blocks_without_words() -> None:
    page = '<html><body><nav><a>1</a> <a>2</a></nav><div class="share">&#8226;</div></body></html>'
    assert harvest.harvest_html(page, "A story of many words that goes on.") == []


def test_harvest_of_markup_lxml_cannot_read_is_empty() -> None:
    assert harvest.harvest_html("", "gold") == []
    assert harvest.element_kind(_element("<p>x</p>")) is None


def _page(page_id: str, gold: str) -> labeled.Page:
    return labeled.Page("dragnet", page_id, Path(f"/absent/{page_id}.html.gz"), gold)


def test_kind_scrape_cases_insert_other_pages_blocks_with_their_kinds() -> None:
    story = ["Headline of page {n}", "First paragraph of page {n} tells the news.",
             "Second paragraph of page {n} tells more.",
             "Third paragraph of page {n} ends it."]  # fmt: skip
    names = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")  # in no link URL
    pages = [_page(n, "\n".join(line.format(n=n) for line in story)) for n in names]
    found = {
        f"dragnet:{n}": [harvest.Block("navigation", (f"Menu {n}", f"World {n}")),
                         harvest.Block("bio", (f"Writer {n} covers schools.",))]
        for n in names
    }  # fmt: skip
    cases = harvest.kind_scrape_cases(pages, found, 6, seed=3)
    assert len(cases) == 6
    assert cases == harvest.kind_scrape_cases(pages, found, 6, seed=3)  # seeded
    for key, scrape, gold, inserted, story_lines, kinds in cases:
        number = key.split(":")[1]
        assert len(inserted) == len(kinds) >= 2
        assert all(number not in line for line in inserted)  # other pages' blocks only
        for line, kind in zip(inserted, kinds, strict=True):
            assert ("Writer" in line) == (kind == "bio")
        lines = scrape.split("\n")
        assert [line for line in lines if line in story_lines] == story_lines  # story in order
        assert gold.split("\n")[0] == f"Headline of page {number}"
    assert any(case[1].startswith("- ") or "](" in case[1] for case in cases)  # markdown ones


def test_score_scrapes_counts_removals_per_kind() -> None:
    pages = [_page(str(n), f"Head {n}\nA paragraph of story {n} that goes on.\nEnd {n}.")
             for n in range(3)]  # fmt: skip
    found = {f"dragnet:{n}": [harvest.Block("footer", (f"Copyright {n} Bugle",)),
                              harvest.Block("share", (f"Tweet it {n}",))]
             for n in range(3)}  # fmt: skip
    cases = harvest.kind_scrape_cases(pages, found, 3, seed=1)
    kept_all = labeled.score_scrapes(cases, lambda text: text)
    assert kept_all.removed == 0 and set(kept_all.by_kind) == {"footer", "share"}
    assert sum(total for _, total in kept_all.by_kind.values()) == kept_all.inserted

    def no_footer(text: str) -> str:
        return "\n".join(line for line in text.split("\n") if "Copyright" not in line)

    score = labeled.score_scrapes(cases, no_footer)
    removed, total = score.by_kind["footer"]
    assert removed == total > 0 and score.by_kind["share"][0] == 0
