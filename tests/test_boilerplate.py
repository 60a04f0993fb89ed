"""Tests for the boilerplate stage: golden cases as data, the template profile, the corpus.

Golden cases live in `tests/cases/boilerplate/<kind>.json` (input beside expected output
and the kinds removed, in order) and `negative*.json` (text that must not change).
A case with an `xfail` key is a known failure, run under `xfail(strict=True)`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from random import Random

import pytest

from newsclean.boilerplate import RULES, TemplateProfile, TemplateSettings, strip_boilerplate
from newsclean.boilerplate.catalogue import MEDIA
from newsclean.boilerplate.lines import (
    _MARKDOWN_EMPHASIS,
    PROSE_WORDS,
    bounded_plain_word_count,
    bounded_word_count,
    ends_with_mark,
    is_prose,
    plain,
    plain_word_count,
    sentences,
    word_count,
)
from newsclean.boilerplate.prefilter import NeedleScan, prefilter
from newsclean.boilerplate.rules import (
    _PREFILTERS,
    _needle_scans,
    classify,
    warm_needle_scans,
)
from newsclean.boilerplate.templates import document_keys, line_key
from newsclean.record import Removal

CASES_DIR = Path(__file__).parent / "cases" / "boilerplate"
REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "trafilatura-eval"
SEEDS = SHARED / "seeds"


def _load(name: str) -> list[dict]:
    return json.loads((CASES_DIR / name).read_text(encoding="utf-8"))


def _params(cases: list[dict], prefix: str) -> list:
    params = []
    for case in cases:
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
        params.append(pytest.param(case, id=f"{prefix}: {case['name']}", marks=marks))
    return params


POSITIVE = [
    param
    for path in sorted(CASES_DIR.glob("*.json"))
    if not path.name.startswith("negative")
    for param in _params(_load(path.name), path.stem)
]
NEGATIVE = [
    param
    for path in sorted(CASES_DIR.glob("negative*.json"))
    for param in _params(_load(path.name), path.stem)
]


@pytest.mark.parametrize("case", POSITIVE)
def test_golden_case_removes_boilerplate(case: dict) -> None:
    kept, removed = strip_boilerplate(case["input"], title=case.get("title"))
    assert kept == case["expected"]
    assert [removal.kind for removal in removed] == case["removed"]
    assert "\n".join(sorted(kept.split("\n") + [r.text for r in removed])) == "\n".join(
        sorted(line for line in case["input"].split("\n") if line.strip())
    )


@pytest.mark.parametrize("case", NEGATIVE)
# The whole stage, and the rules with the detectors alone (the default for scrapes).
@pytest.mark.parametrize("classifier", [True, False], ids=["whole stage", "no classifier"])
def test_negative_case_is_unchanged(case: dict, classifier: bool) -> None:
    kept, removed = strip_boilerplate(case["input"], title=case.get("title"), classifier=classifier)
    assert removed == []
    assert kept == case["input"]


def test_removals_are_recorded_in_order() -> None:
    story = "The council approved the budget on Tuesday after a long debate."
    text = f"Advertisement\n{story}\n© 2026 Example"
    kept, removed = strip_boilerplate(text)
    assert kept == "The council approved the budget on Tuesday after a long debate."
    assert removed == [Removal("ads", "Advertisement"), Removal("legal", "© 2026 Example")]


def test_title_is_dropped_only_from_the_first_line() -> None:
    text = "A story paragraph that is long enough to read as prose, with a full stop.\nThe Title"
    kept, removed = strip_boilerplate(text, title="The Title")
    assert removed == []
    assert kept == text


def test_blank_lines_left_by_removals_are_folded() -> None:
    first = "The council approved the budget on Tuesday after a long debate."
    second = "The mayor said the vote was a relief for the city's schools."
    text = f"{first}\n\nAdvertisement\n\n{second}"
    assert strip_boilerplate(text)[0] == f"{first}\n\n{second}"


def test_text_without_boilerplate_is_returned_as_is() -> None:
    text = "\nThe council approved the budget on Tuesday after a long debate.\n\n\n"
    assert strip_boilerplate(text) == (text, [])


def test_empty_text() -> None:
    assert strip_boilerplate("") == ("", [])


# -- seeds -------------------------------------------------------------------------


def _seed_lines(path: Path) -> tuple[str | None, list[str]]:
    text = path.read_text(encoding="utf-8")
    title = None
    if text.startswith("---"):
        front, text = text[3:].split("\n---", 1)
        for line in front.splitlines():
            if line.startswith("title:"):
                title = line.split(":", 1)[1].strip().strip('"')
    return title, [line for line in text.split("\n") if line.strip()]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds absent")
@pytest.mark.parametrize(
    "name", sorted(p.name for p in SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
)
def test_seed_scrapes_lose_widgets_but_no_story(name: str) -> None:
    title, lines = _seed_lines(SEEDS / name)
    kept, removed = strip_boilerplate("\n".join(lines), title=title or lines[0])
    removed_text = "\n".join(removal.text for removal in removed)
    for marker in ("What's Your Reaction?", "Techcrunch event", "View Bio", "is a senior writer"):
        assert marker not in kept
    for removal in removed:
        if removal.kind != "title":
            assert len(removal.text.split()) < 12 or removal.kind in {"bio", "contact"}
    story = [line for line in lines if len(line.split()) > 25 and line not in removed_text]
    assert story and all(line in kept for line in story)


# -- template profile ----------------------------------------------------------------

STORIES = [
    f"Story number {n} tells of a council vote on the budget, which passed after a long and "
    f"heated debate about road repairs in district {n}."
    for n in range(10)
]


def _site_doc(n: int) -> str:
    return "\n".join(
        ["Example Gazette", STORIES[n], "Follow the Gazette on Mastodon", "Also today"]
    )


def test_template_lines_go_when_they_repeat_across_the_domain() -> None:
    profile = TemplateProfile()
    for n in range(8):
        profile.observe("example.com", _site_doc(n))
    kept, removed = profile.strip("example.com", _site_doc(3))
    assert kept == STORIES[3]
    assert {r.kind for r in removed} == {"template"}
    assert [r.text for r in removed] == [
        "Example Gazette",
        "Follow the Gazette on Mastodon",
        "Also today",
    ]


def test_template_keys_computed_beforehand_give_the_same_profile_and_result() -> None:
    # Workers compute a text's keys; the shard's profile counts and strips with them.
    with_keys, with_text = TemplateProfile(), TemplateProfile()
    docs = [_site_doc(n) for n in range(8)] + ["Example Gazette\n\nShort one"]
    for doc in docs:
        with_keys.observe("example.com", doc, with_keys.keys(doc))
        with_text.observe("example.com", doc)
    assert with_keys.to_json() == with_text.to_json()
    for doc in docs:
        assert with_keys.strip("example.com", doc, with_keys.keys(doc)) == with_text.strip(
            "example.com", doc
        )
    keys = with_keys.keys("Example Gazette\n\n" + STORIES[0])
    assert keys.lines[1] is None and keys.lines[2] is None  # blank, and too long to count
    assert keys.lines[0] is not None and keys.story is not None


def test_template_counts_lines_an_earlier_stage_removed() -> None:
    # The boilerplate stage took "Follow the Gazette on Mastodon" from half the site's
    # documents: it still counts in all of them, so it goes from the other half too.
    profile = TemplateProfile()
    follow = "Follow the Gazette on Mastodon"
    for n in range(8):
        if n % 2:
            text = "\n".join(["Example Gazette", STORIES[n], "Also today"])
            keys = document_keys(text, profile.settings.max_words, [follow, STORIES[9]])
        else:
            text = _site_doc(n)
            keys = profile.keys(text)
        profile.observe("example.com", text, keys)
    assert profile.strip("example.com", _site_doc(2))[0] == STORIES[2]
    # Counted once per document, and only short lines: a removed story paragraph is
    # never template, nor the removed lines of a document counted twice.
    keys = document_keys("Example Gazette\n" + STORIES[1], 16, [follow, follow, STORIES[9]])
    assert len(keys.removed) == 2 and len(set(keys.removed)) == 1
    counts = profile.to_json()["domains"]["example.com"]
    assert counts["documents"] == 8
    assert counts["lines"][keys.removed[0]] == 8
    assert counts["lines"][line_key("Example Gazette")] == 8


def test_lines_removed_elsewhere_are_never_stripped_by_their_key_alone() -> None:
    # Removed keys feed the counts only: a document's own text is stripped line by line.
    profile = TemplateProfile()
    for n in range(8):
        text = STORIES[n]
        profile.observe("example.com", text, document_keys(text, 16, ["Sponsored"]))
    assert profile.strip("example.com", STORIES[3]) == (STORIES[3], [])
    assert profile.strip("example.com", STORIES[3] + "\nSponsored")[0] == STORIES[3]


def test_template_needs_enough_documents_and_other_domains_are_untouched() -> None:
    profile = TemplateProfile()
    for n in range(3):
        profile.observe("example.com", _site_doc(n))
    assert profile.strip("example.com", _site_doc(0)) == (_site_doc(0), [])
    for n in range(3, 8):
        profile.observe("example.com", _site_doc(n))
    assert profile.strip("other.org", _site_doc(0)) == (_site_doc(0), [])
    assert profile.strip(None, _site_doc(0)) == (_site_doc(0), [])


def test_repeated_story_sentence_is_kept() -> None:
    repeated = (
        "The company said the partnership would require significantly more time and resources."
    )
    profile = TemplateProfile()
    docs = ["\n".join([STORIES[n], repeated, STORIES[(n + 1) % 10]]) for n in range(8)]
    for doc in docs:
        profile.observe("example.com", doc)
    assert profile.strip("example.com", docs[0]) == (docs[0], [])


def test_rare_lines_are_not_template() -> None:
    profile = TemplateProfile()
    for n in range(10):
        profile.observe("example.com", "\n".join([STORIES[n], f"Photo {n} by staff"]))
    text = "\n".join([STORIES[0], "Photo 0 by staff", "Something else"])
    # Digits are masked, so "Photo <n> by staff" repeats; "Something else" does not.
    kept, removed = profile.strip("example.com", text)
    assert [r.text for r in removed] == ["Photo 0 by staff"]
    assert kept == "\n".join([STORIES[0], "Something else"])


def test_profile_round_trips_through_json_and_grows_over_runs() -> None:
    first_day = TemplateProfile()
    for n in range(3):
        first_day.observe("example.com", _site_doc(n))
    stored = json.loads(json.dumps(first_day.to_json()))

    second_day = TemplateProfile.from_json(stored)
    second_day.decay(0.9)
    for n in range(3, 6):
        second_day.observe("example.com", _site_doc(n))
    kept, removed = second_day.strip("example.com", _site_doc(4))
    assert kept == STORIES[4]
    assert TemplateProfile.from_json(second_day.to_json()).to_json() == second_day.to_json()


def test_merge_adds_counts_from_another_shard() -> None:
    left, right = TemplateProfile(), TemplateProfile()
    for n in range(3):
        left.observe("example.com", _site_doc(n))
        right.observe("example.com", _site_doc(n + 3))
    left.merge(right)
    assert left.strip("example.com", _site_doc(1))[0] == STORIES[1]


def test_memory_is_bounded_per_domain() -> None:
    settings = TemplateSettings(max_lines_per_domain=100)
    profile = TemplateProfile(settings)
    for n in range(500):
        profile.observe("example.com", f"Unique line {n} alpha\nAnother unique {n} beta {n * 7}x")
    assert len(profile.to_json()["domains"]["example.com"]["lines"]) <= 100


def test_duplicate_stories_do_not_make_their_own_lines_template() -> None:
    story = "\n".join(["What happened", STORIES[0], "Why it matters", STORIES[1]])
    profile = TemplateProfile()
    for _ in range(8):
        profile.observe("example.com", story)
    for n in range(2, 4):
        profile.observe("example.com", STORIES[n])
    assert profile.strip("example.com", story) == (story, [])


def test_number_of_domains_is_bounded() -> None:
    profile = TemplateProfile(TemplateSettings(max_domains=10))
    for n in range(100):
        profile.observe(f"site{n}.example", _site_doc(n % 10))
    assert len(profile.domains()) <= 10


def test_template_sentence_between_story_paragraphs_stays() -> None:
    boxed = "Read the full report on our website for all the details."
    docs = ["\n".join([STORIES[n], boxed, STORIES[(n + 1) % 10]]) for n in range(8)]
    profile = TemplateProfile()
    for doc in docs:
        profile.observe("example.com", doc)
    assert profile.strip("example.com", docs[2]) == (docs[2], [])
    tail = "\n".join([STORIES[2], STORIES[3], boxed])
    assert profile.strip("example.com", tail)[0] == "\n".join([STORIES[2], STORIES[3]])


def test_bad_settings_fail_early() -> None:
    with pytest.raises(ValueError):
        TemplateSettings(min_share=0)
    with pytest.raises(ValueError):
        TemplateProfile.from_json({"version": 99})


# -- rule prefilter ---------------------------------------------------------------


def _case_lines() -> list[str]:
    lines = []
    for path in sorted(CASES_DIR.glob("*.json")):
        for case in _load(path.name):
            lines.extend(case["input"].split("\n"))
    return lines


def test_prefilter_admits_every_line_a_rule_matches() -> None:
    """A prefilter may only skip rules that cannot match: every golden-case line that a
    rule's regex matches passes that rule's prefilter, and classify finds the same rule
    as trying every regex in turn."""
    matched = 0
    for line in _case_lines():
        text = plain(line)
        lowered = text.lower()
        expected = None
        for rule, check in zip(RULES, _PREFILTERS, strict=True):
            subject = text if rule.case_sensitive else lowered
            if rule.pattern.fullmatch(subject):
                matched += 1
                assert check.may_match(subject), (rule.kind, rule.pattern.pattern[:60], line)
                if expected is None and word_count(text) <= rule.max_words:
                    expected = rule
        if text and not MEDIA.pattern.fullmatch(line.strip()):
            assert classify(line) is expected, line
    assert matched > 150


def test_prefilter_needles_are_words_every_match_holds() -> None:
    newsletter = prefilter(re.compile(r".{0,60}\b(?:our|the) (?:weekly )?newsletter\b.*"))
    assert newsletter.needles == ("newsletter",)
    assert newsletter.min_length == len("our newsletter")
    assert newsletter.may_match("sign up for our weekly newsletter today")
    assert not newsletter.may_match("a long story paragraph about something else entirely")
    # One needle per alternative, and words shared by alternatives cover them together.
    tips = prefilter(re.compile(r".{0,80}\b(?:send us a tip|send a tip|got a tip|tip line)\b.*"))
    assert tips.needles is not None
    for phrase in ("send us a tip", "send a tip", "got a tip", "tip line"):
        assert tips.may_match(f"please {phrase} now")
    # The length range holds for whole-line matches.
    short = prefilter(re.compile(r"(?:advertisement|anzeige)[.:]?"))
    assert (short.min_length, short.max_length) == (7, 14)
    assert not short.may_match("advertisement: this line is too long")


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?:sign up|subscribe)\b.*",  # starts with a known letter: the regex fails fast
        r".{0,60}\b(?:\w+ )?news.*|.*",  # one alternative may match anything
        r".{0,60}(?:news)?letter.*|.{0,9}\d+",  # an alternative without any literal
        r"(?i).{0,60}\bnewsletter\b.*",  # case-insensitive: literals do not bind
        r".{0,60}(\w+)\1",  # a backreference
    ],
)
def test_prefilter_claims_no_needles_it_cannot_prove(pattern: str) -> None:
    assert prefilter(re.compile(pattern)).needles is None


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [
        (r"(?:share|tweet|reddit)\b.*", {"sh", "tw", "re"}),
        (r"x(?:[ :]+y)*:?", {"x", "x ", "x:"}),  # "x" alone is a whole match
        (r"(?:you can )?contact\b.*", {"yo", "co"}),  # an optional head or not
        (r"a*b", {"aa", "ab", "b"}),
        (r"\(?(?:dpa|afp)\)?", {"(d", "(a", "dp", "af"}),
        (r"(?:\b|^)(?=x)xy", {"xy"}),  # zero-width items add nothing
        (r"(?:a?){3}b", {"aa", "ab", "b"}),  # repeats of what may match nothing
        (r".{0,60}\bnews", None),  # may start with anything
        (r"(?:news|\w+)", None),
        (r"(?i:news)letter", None),  # case-insensitive: literals do not bind
    ],
)
def test_prefilter_starts_are_the_first_characters_of_every_match(
    pattern: str, starts: set[str] | None
) -> None:
    found = prefilter(re.compile(pattern)).starts
    assert found == (None if starts is None else frozenset(starts))


def test_prefilter_starts_admit_every_match() -> None:
    """Random strings over a small alphabet: whatever a pattern matches, its starts admit."""
    random = Random(7)
    patterns = [
        r"(?:ab|a|b)+c?", r"a{2,3}(?:b|cd)", r"(?:x?y?){2}z", r"(?:ab)+|ba", r"c(?:a|b)*",
        r"(?:a|bc?)(?:d?a)", r"\b(?:ab|c)\b\s?a",
    ]  # fmt: skip
    matched = 0
    for pattern in map(re.compile, patterns):
        check = prefilter(pattern)
        assert check.starts is not None, pattern.pattern
        for _ in range(3000):
            subject = "".join(random.choice("abcdxyz ") for _ in range(random.randint(1, 6)))
            if pattern.fullmatch(subject):
                matched += 1
                assert check.may_match(subject), (pattern.pattern, subject)
    assert matched > 200


@pytest.mark.parametrize(
    ("pattern", "digit"),
    [
        (r"page \d+ of \d+", True),
        (r"(?:jan|feb) \d{1,2}|\d{4}-\d\d", True),  # every alternative holds one
        (r"(?:published: )?\d{1,2}:\d{2}", True),
        (r"[\d.,]+k? shares", False),  # "..." matches too
        (r"(?:\d+|one|two) min read", False),
        (r"(?:\d)?x", False),
        (r"©.{0,40}\b2026", True),
    ],
)
def test_prefilter_knows_when_every_match_holds_a_digit(pattern: str, digit: bool) -> None:
    check = prefilter(re.compile(pattern))
    assert check.digit is digit
    if digit:
        assert not check.may_match("page x of y, jan, published:, min read")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("[Like](https://example.com/a b c d e)", "reaction"),  # 6 words raw, 1 plain
        ("**Share** on *X*", "share"),
        ("## Related   stories", "related"),
        ("| Advertisement |", "ads"),
        ("Like \u00a8 \u00a8 \u00a8", None),  # NFKC: each "¨" is a space and a mark
    ],
)
def test_rules_are_chosen_by_the_plain_line(line: str, kind: str | None) -> None:
    """Word counts and starts are read on the plain form, which can have fewer words
    (a markdown link) or more (NFKC) than the raw line."""
    rule = classify(line)
    assert (rule.kind if rule else None) == kind


def test_lowering_a_line_keeps_its_digits() -> None:
    """classify looks for the digit rules need in the lowered line, also for rules
    matched against the line as is: no character lowers into or out of a digit."""
    digit = re.compile(r"\d")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(digit.search(char.lower())) == bool(digit.search(char)), hex(code)


def test_warm_needle_scans_builds_every_scan_the_cases_need() -> None:
    """After the warm-up, classifying the lines of every golden case, in any mix of
    case, builds no further scan: the workers' forkserver has them all."""
    _needle_scans.cache_clear()
    warm_needle_scans()
    built = _needle_scans.cache_info().misses
    assert built > 1
    lines = {
        line for param in (*POSITIVE, *NEGATIVE) for line in param.values[0]["input"].splitlines()
    }
    for line in lines:
        for variant in (line, line.upper(), line.lower(), line.title(), line.swapcase()):
            classify(variant)
    assert _needle_scans.cache_info().misses == built


def test_needle_scan_finds_every_set_a_string_holds() -> None:
    """Overlapping needles, needles inside needles, needles sharing a start: the scan
    agrees with testing each needle of each set with `in`."""
    needle_sets = [
        {"news"}, {"newsletter"}, {"letter", "xyz"}, {"sletter"}, {"a"}, {"ab", "abc"},
        {"bca"}, set(), {"(c)", "©"}, {"e", "ee"},
    ]  # fmt: skip
    scan = NeedleScan(needle_sets)
    random = Random(11)
    pieces = ["news", "letter", "s", "a", "b", "c", "(c)", "©", "e", " ", "x", "yz"]
    for _ in range(3000):
        subject = "".join(random.choice(pieces) for _ in range(random.randint(0, 8)))
        expected = sum(
            1 << index
            for index, needles in enumerate(needle_sets)
            if any(needle in subject for needle in needles)
        )
        assert scan.held(subject) == expected, subject
    with pytest.raises(ValueError):
        NeedleScan([set(), {""}])


@pytest.mark.parametrize(
    "line",
    ["", "word", "one two  three", " Share \t this ", "字" * 9 + " and 漢字", "x " * 200,
     "[Read more](https://example.com/a b c d)", "**Bold** _and_ __under__", "a \u00ad b ¨ c",
     "a\xa0b\u3000c\x1fd"],
)  # fmt: skip
def test_plain_word_count_is_the_word_count_of_the_plain_line(line: str) -> None:
    text = plain(line)
    assert plain_word_count(text) == word_count(text)  # read from its spaces
    for limit in (1, 3, 16, 150):
        assert bounded_plain_word_count(text, limit) == bounded_word_count(text, limit)


# The sentence-end patterns `ends_with_mark` reads from a line's end, as regexes.
_SENTENCE_END_ORACLE = re.compile(r"[.!?…。！？][\"'”’»)\]」]*$")
_PROSE_END_ORACLE = re.compile(r"[.!?…:;。！？][\"'”’»)\]」]*\s*$")
_CLAUSE_END_ORACLE = re.compile(r"[.!;,][\"'”’»)\]]*$")


@pytest.mark.parametrize(
    "line",
    ["", ".", "Done.", "Done", 'He said "no."', "He said “no”.", "Really?!)", "end.)]」",
     "end .\"'”’»)]」x", "wait…", "終わり。", "list:", "a; ", "a.  \t", "a. ”  ”", '"""',
     "a,", "a!»", "Read more »", "x)", "a.\u00a0"],
)  # fmt: skip
def test_sentence_ends_are_read_as_the_regexes_find_them(line: str) -> None:
    assert ends_with_mark(line) == bool(_SENTENCE_END_ORACLE.search(line))
    words = bounded_word_count(line, PROSE_WORDS)
    assert is_prose(line) == (words >= PROSE_WORDS or (
        words >= 8 and bool(_PROSE_END_ORACLE.search(line))))  # fmt: skip
    long_line = "one two three four five six seven eight " + line
    assert is_prose(long_line) == bool(_PROSE_END_ORACLE.search(long_line))
    assert ends_with_mark(line, ".!;,", "\"'”’»)]") == bool(_CLAUSE_END_ORACLE.search(line))


# The markdown emphasis pattern before it was written for speed: the same matches.
_EMPHASIS_ORACLE = re.compile(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")


@pytest.mark.parametrize(
    "line",
    ["**bold** and *it*", "__init__ and snake_case_name", "*", "a * b", "2*3=6", "_x_",
     "*_*", "x**", "**x", "é*wörd*", "***a***", "a__b", "_", "__", "* list", "mid*word*"],
)  # fmt: skip
def test_markdown_emphasis_removal_is_unchanged(line: str) -> None:
    assert _MARKDOWN_EMPHASIS.sub("", line) == _EMPHASIS_ORACLE.sub("", line)
    assert [m.span() for m in _MARKDOWN_EMPHASIS.finditer(line)] == [
        m.span() for m in _EMPHASIS_ORACLE.finditer(line)
    ]


def test_prose_test_takes_a_word_count_the_caller_has() -> None:
    for line in ["Short line", "A sentence of exactly eight words, ending here.", "word " * 30]:
        assert is_prose(line, bounded_word_count(line, PROSE_WORDS)) == is_prose(line)


def test_lines_repeated_across_passes_and_within_a_text_are_classified_alike() -> None:
    story = (
        "The council voted on Tuesday to extend the tram line to the northern districts,"
        " a plan that has been debated for more than a decade."
    )
    text = "\n".join(["Advertisement", story, "Advertisement", story, "Share", "Advertisement"])
    kept, removed = strip_boilerplate(text)
    assert kept == f"{story}\n{story}"
    # The last line follows the share line in the tail run, so it goes with that block.
    assert [removal.kind for removal in removed] == ["ads", "ads", "share", "share"]


# -- development corpus --------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus absent")
def test_corpus_sample_keeps_story_snippets() -> None:
    """On real pages, the rule stage drops no `with` snippet that extraction kept."""
    trafilatura = pytest.importorskip("trafilatura")
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from corpus import fold, load_pages

    pages = load_pages(CORPUS)[::20]
    lost = []
    for page in pages:
        document = trafilatura.bare_extraction(page.html(), include_comments=False)
        if document is None or not document.text:
            continue
        kept, _ = strip_boilerplate(document.text, title=document.title)
        for snippet in page.with_snippets:
            if fold(snippet) in fold(document.text) and fold(snippet) not in fold(kept):
                lost.append((page.url, snippet))
    assert len(lost) <= 1, lost


@pytest.mark.parametrize("limit", [0, 1, 8, 16, 25])
@pytest.mark.parametrize(
    "line",
    ["", "   ", "one", "one two three", "word " * 40, "漢字漢字 and words", "字" * 60,
     "a\xa0b\u3000c"],
)  # fmt: skip
def test_bounded_word_count_is_word_count_capped_at_limit_plus_one(line, limit):
    from newsclean.boilerplate.lines import bounded_word_count, word_count

    assert bounded_word_count(line, limit) == min(word_count(line), limit + 1)


def test_scripts_are_found_in_the_utf8_bytes_as_by_their_character_classes() -> None:
    """Cyrillic and unspaced scripts, read in a line's UTF-8 bytes, as the regexes read
    them: every character of the Basic Multilingual Plane, alone and beside others."""
    from newsclean.boilerplate import lines

    for code in range(0x10000):
        char = chr(code)
        for line in (char, f"é{char}", f"{char}ж字 x"):
            assert lines._holds_cyrillic(line) == bool(lines._CYRILLIC.search(line)), hex(code)
            assert lines._unspaced_count(line) == len(lines._UNSPACED.findall(line)), hex(code)


def test_sentences_split_a_line_after_its_sentence_marks() -> None:
    assert sentences(" Who else will go? Guesses welcome below.  ") == [
        "Who else will go?",
        "Guesses welcome below.",
    ]
    assert sentences("A line with no end mark") == ["A line with no end mark"]
    assert sentences("It rose 2.5 per cent. Then it fell!") == [
        "It rose 2.5 per cent.",
        "Then it fell!",
    ]
