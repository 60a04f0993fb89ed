"""Properties over readers and cleaning stages: they never raise, never lose a unit, and
cleaning is idempotent (cleaning clean output changes nothing).

NEWSCLEAN_PROPERTY_EXAMPLES raises the number of examples (default 60 per property).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsclean.boilerplate import strip_boilerplate
from newsclean.config import Settings
from newsclean.pipeline import clean_unit, repair_article, strip_article
from newsclean.readers import discover, read_units, sniff_format
from newsclean.readers.decode import BinaryContent, decode_bytes, looks_binary
from newsclean.readers.jsonl import BadRecord, parse_record
from newsclean.readers.markdown import FrontMatterError, parse_front_matter, parse_markdown
from newsclean.readers.text import parse_text
from newsclean.record import Article, RawUnit, Rejected
from newsclean.repair import repair_text

EXAMPLES = int(os.environ.get("NEWSCLEAN_PROPERTY_EXAMPLES", "60"))
PROPERTY = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
SETTINGS = Settings()

# Words and lines a scrape is made of: story words, run-together words, misspellings,
# mojibake, entities, invisibles, controls, and boilerplate the cleaner knows.
WORDS = [
    "the", "council", "met", "on", "Tuesday", "budget", "bridge", "river", "said", "Paris",
    "especiallygreat", "recieve", "teh", "Amazonâ€™s", "cafÃ©", "&amp;", "&#8217;", "don't",
    "\u200b", "\u00ad", "\x07", "\x00", "\ufeff", "“quoted”", "–", "https://x.example/a",
    "@handle", "#tag", "e-mail@x.example", "naïve", "Zürich", "新闻", "ß", "ﬁ", "İ",
]  # fmt: skip
LINES = [
    "Share this article", "Share on Facebook", "Sign up for our newsletter", "Advertisement",
    "Related articles", "What's Your Reaction?", "Tags:", "Read more", "Cookie policy",
    "All rights reserved.", "Follow us on Twitter", "Like 0", "Comments", "View Bio",
]  # fmt: skip
line = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map(" ".join),
    st.sampled_from(LINES),
    st.text(max_size=80),
)
story = st.lists(line, max_size=12).map("\n".join)
languages = st.sampled_from([None, "en", "de", "fr", "zh"])


@PROPERTY
@given(text=story, language=languages, typos=st.booleans())
# Read as Spanish until its join is split, then as English, whose misspelling is fixed.
@example(
    text="recieve recieve\ncouncil especiallygreat e-mail@x.example", language=None, typos=True
)
# A join written twice, one copy fixed with the English line around it: then the other.
@example(
    text="the council especiallygreat “quoted”\nthe especiallygreat recieve e-mail@x.example",
    language="de",
    typos=True,
)
def test_repair_is_idempotent(text: str, language: str | None, typos: bool) -> None:
    once, _repairs = repair_text(text, language=language, fix_typos=typos)
    twice, repairs = repair_text(once, language=language, fix_typos=typos)
    assert twice == once, repairs


@PROPERTY
@given(text=story, language=languages)
def test_strip_boilerplate_is_idempotent(text: str, language: str | None) -> None:
    once, _removed = strip_boilerplate(text, language=language)
    twice, removed = strip_boilerplate(once, language=language)
    assert twice == once, removed


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        ("Share this article\nA", "A", ""),  # the share line goes, then the title it uncovers
        ("the\nthe", "the", ""),  # a repeated title line goes too
        ("Share this article\nA\nThe story goes on here.", "A", "The story goes on here."),
    ],
)
def test_strip_boilerplate_with_a_title_is_idempotent(text: str, title: str, expected: str) -> None:
    once, _removed = strip_boilerplate(text, title=title)
    assert once == expected
    assert strip_boilerplate(once, title=title)[0] == once


@PROPERTY
@given(text=story, title=line)
def test_strip_boilerplate_with_any_title_is_idempotent(text: str, title: str) -> None:
    once, _removed = strip_boilerplate(text, title=title)
    twice, removed = strip_boilerplate(once, title=title)
    assert twice == once, removed


@PROPERTY
@given(text=story, title=st.one_of(st.none(), line))
def test_strip_boilerplate_only_removes_lines(text: str, title: str | None) -> None:
    kept, removed = strip_boilerplate(text, title=title)
    lines = [part for part in text.split("\n")]
    kept_lines = [part for part in kept.split("\n") if part]
    assert all(part in lines for part in kept_lines)
    assert all(removal.text for removal in removed)


@PROPERTY
@given(raw=st.binary(max_size=4096), html=st.booleans())
def test_decode_returns_text_or_says_binary(raw: bytes, html: bool) -> None:
    try:
        text, encoding = decode_bytes(raw, html=html)
    except BinaryContent:
        return
    assert isinstance(text, str) and "\x00" not in text and encoding


@PROPERTY
@given(name=st.text(max_size=30), head=st.binary(max_size=2048))
def test_sniff_never_raises(name: str, head: bytes) -> None:
    assert sniff_format(name.lower(), head) in {"html", "jsonl", "markdown", "text"}


@PROPERTY
@given(line=st.one_of(st.text(max_size=300), st.from_regex(r"\A\{.*\}\Z", fullmatch=True)))
def test_parse_record_raises_only_bad_record(line: str) -> None:
    try:
        kind, content, fields = parse_record(line)
    except BadRecord as error:
        assert error.args[0] in {"read.bad_json", "read.no_content"}
        return
    assert kind in {"html", "text"} and content.strip() and isinstance(fields, dict)


@PROPERTY
@given(source=st.text(max_size=400))
def test_front_matter_raises_only_front_matter_error(source: str) -> None:
    try:
        assert isinstance(parse_front_matter(source, max_bytes=64 * 1024), dict)
    except FrontMatterError:
        pass


@PROPERTY
@given(text=st.one_of(st.text(max_size=600), story.map(lambda body: "---\ntitle: x\n---\n" + body)))
def test_text_and_markdown_parsers_never_raise(text: str) -> None:
    title, body, fields, _broken = parse_markdown(text, max_front_matter_bytes=64 * 1024)
    assert isinstance(body, str) and isinstance(fields, dict)
    title, body, fields = parse_text(text)
    assert title is None or "\n" not in title


def _jsonl_line(draw_value: object) -> str:
    return json.dumps(draw_value) if not isinstance(draw_value, str) else draw_value


records = st.one_of(
    st.fixed_dictionaries({"url": st.text(max_size=20), "text": st.text(max_size=60)}),
    st.fixed_dictionaries({"html": st.text(max_size=60)}),
    st.fixed_dictionaries({"text": st.from_regex(r"\A[a-z ]{1,20}\Z")}),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.lists(st.integers(), max_size=3),
    st.text(
        alphabet=st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)),
        max_size=40,
    ),
)


@PROPERTY
@given(
    lines=st.lists(records, min_size=1, max_size=12), suffix=st.sampled_from([".jsonl", ".ndjson"])
)
@example(lines=["\x1f\x1f", "\x1f\x1f", "\x1f\x1f", "\x1f\x1f"], suffix=".jsonl")
def test_jsonl_file_gives_one_unit_per_nonblank_line(lines: list[object], suffix: str) -> None:
    text = "\n".join(_jsonl_line(value) for value in lines)
    expected = sum(1 for part in text.encode().split(b"\n") if part.strip())
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"feed{suffix}"
        path.write_text(text)
        [file] = discover(directory)
        units = list(read_units(file, SETTINGS))
    if expected == 0:
        assert [unit.reason for unit in units] == ["read.empty"]  # type: ignore[union-attr]
    elif looks_binary(text.encode()):
        # Lines of control bytes: the file is not text, whatever its name, and one row
        # says so rather than one a "line" of junk.
        assert [unit.reason for unit in units] == ["read.binary"]  # type: ignore[union-attr]
    else:
        assert len(units) == expected
        assert len({unit.source_uri for unit in units}) == expected
    assert all(isinstance(unit, RawUnit | Rejected) for unit in units)


@PROPERTY
@given(raw=st.binary(max_size=3000), name=st.sampled_from(["a.html", "b.txt", "c.md", "d.gz", "e"]))
def test_any_file_gives_at_least_one_unit(raw: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / name).write_bytes(raw)
        [file] = discover(directory)
        units = list(read_units(file, SETTINGS))
    assert units and all(isinstance(unit, RawUnit | Rejected) for unit in units)


@settings(max_examples=max(20, EXAMPLES // 5), deadline=None)
@given(text=story, kind=st.sampled_from(["text", "markdown", "html"]))
# A short English line detected as another language: the pipeline repairs its typos only
# for the languages the settings name (English by default), and so must the check; the
# same for the learned boilerplate classifier, which the settings leave off for scrapes.
@example(text="council recieve recieve https://x.example/a", kind="text")
# A title repeated more often than a fixed number of passes would remove.
@example(text="the\nShare this article\nthe\nthe\nthe\nthe", kind="text")
@example(
    text="Share this article\n\nShare this article\nthe\n\nShare this article\n0", kind="markdown"
)
# A join written twice, once in a contact line the boilerplate stage removes.
@example(text="the\nthe the the especiallygreat\nespeciallygreat e-mail@x.example", kind="text")
def test_clean_unit_never_raises_and_its_output_is_a_fixed_point(text: str, kind: str) -> None:
    payload = (
        f"<html><body><article><p>{text}</p></article></body></html>" if kind == "html" else text
    )
    unit = RawUnit("u", "u", kind, kind, payload.encode("utf-8", "surrogatepass"))  # type: ignore[arg-type]
    result = clean_unit(unit, SETTINGS)
    assert isinstance(result, Article | Rejected)
    if isinstance(result, Rejected):
        assert not result.reason.startswith("pipeline.error"), result
        return
    # Cleaning the cleaned text again, by the stages with the settings it was cleaned
    # with, changes nothing.
    repaired = repair_article(result, SETTINGS)
    if repaired.text != result.text:
        # With one exception: a run-together word the text writes more than once is kept
        # as written (the text's own evidence); where another copy stood in a line the
        # boilerplate stage removed, a second pass no longer sees it and splits the word.
        removed = "\n".join(removal.text for removal in result.removed)
        assert repaired.repairs, repaired.text
        for repair in repaired.repairs:
            assert repair.kind == "run_together", repaired.repairs
            assert repair.before in removed and repair.before in result.text, repaired.repairs
        return
    assert strip_article(repaired, SETTINGS).text == result.text
