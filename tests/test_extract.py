"""newsclean.extract on HTML: what a browser hides is not the story (golden cases in
tests/cases/extract/hidden.json, `with` snippets kept and `without` snippets dropped),
by the fast path and by trafilatura's public API alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml.html import fromstring

from newsclean.extract import HIDDEN_XPATH, hidden_elements, hidden_to_prune, html_by_public_api
from newsclean.fastpaths import trafilatura as fast_trafilatura

CASES = json.loads(
    (Path(__file__).parent / "cases" / "extract" / "hidden.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_hidden_elements(case: dict) -> None:
    fast = fast_trafilatura.extract_html(case["html"], None)
    public = html_by_public_api(case["html"], None)
    assert fast is not None and public is not None
    assert fast_trafilatura.as_fields(fast) == fast_trafilatura.as_fields(public)
    text = " ".join(fast[1].split())
    for snippet in case["with"]:
        assert snippet in text, snippet
    for snippet in case["without"]:
        assert snippet not in text, snippet


def _page(body: str) -> object:
    return fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")


_STORY = "<p>" + "The ferry is back. " * 20 + "</p>"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_STORY + "<div hidden><p>Sign up now</p></div>", True),
        (_STORY + '<ul style="Display:None"><li>Menu</li></ul>', True),
        (_STORY, False),  # nothing hidden
        (_STORY + '<p style="display:block">Shown</p><p class="hidden">Shown</p>', False),
        (_STORY + '<details hidden="until-found"><p>Found by search</p></details>', False),
        ('<p>Short.</p><div style="display:none">' + _STORY + "</div>", False),  # one: most
        ("<p>Short.</p>" + '<div style="display:none"><p>The ferry is back.</p></div>' * 9, False),
        ("<p>Hidden text only in a script.</p><script hidden>var a = 1;</script>", True),
    ],
)
def test_hidden_parts_are_pruned_only_while_small_beside_the_page(
    body: str, expected: bool
) -> None:
    assert bool(hidden_to_prune(_page(body))) is expected


def test_the_python_test_selects_what_the_public_paths_expression_selects() -> None:
    body = (
        '<div hidden=""><p>a</p><span style="display:none">nested</span></div>'
        '<p hidden="until-found">b</p><p hidden="UNTIL-FOUND">c</p>'
        '<p style="DISPLAY:\tNONE\n">d</p><p style="visibility : Hidden">e</p>'
        '<p style="display: noneX">f</p><p style="display:inline">g</p><p style="">h</p>'
        '<p style="color:red;display:none!important">i</p><p class="hidden">j</p>'
        '<p style="d\u0130splay:none">k</p>'
    )
    for tree in [_page(body), *(fromstring(case["html"]) for case in CASES)]:
        assert hidden_elements(tree) == tree.xpath(HIDDEN_XPATH)
    assert [element.text for element in hidden_elements(_page(body))] == [
        None,
        "nested",
        "c",
        "d",
        "e",
        "f",
        "i",
    ]
