"""newsclean.fastpaths: private internals pinned, checked at start-up, and a public fallback
that gives the same articles, says so, and is recorded in the manifest."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import EXAMPLES, REPO, corpus_or_skip

from newsclean import derived, fastpaths
from newsclean.config import Settings
from newsclean.day import run_day
from newsclean.extract import _extract_html, extract_unit, html_by_public_api
from newsclean.fastpaths import ftfy as fast_ftfy
from newsclean.fastpaths import htmldate as fast_htmldate
from newsclean.fastpaths import langdetect as fast_langdetect
from newsclean.fastpaths import lxml as fast_lxml
from newsclean.fastpaths import sre as fast_sre
from newsclean.fastpaths import trafilatura as fast_trafilatura
from newsclean.record import Article, RawUnit, Rejected
from newsclean.workers import UnitPool

LIBRARIES = ("lxml", "re", "ftfy", "fast-langdetect", "htmldate", "trafilatura")


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Decide anew in this test (and leave the process's decisions as they were), with
    no self-check remembered from an earlier process."""
    monkeypatch.delenv(fastpaths.SWITCH, raising=False)
    monkeypatch.setenv("NEWSCLEAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(fastpaths, "_decided", {})
    monkeypatch.setattr(fastpaths, "_reported", [])


def _pins() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    found = {}
    for requirement in project["project"]["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^,;\s]+)", requirement)
        if match:
            found[match[1].lower()] = match[2]
    return found


def _locked() -> dict[str, str]:
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    return {package["name"]: package["version"] for package in lock["package"]}


def test_every_library_reached_privately_is_pinned_to_the_verified_locked_version() -> None:
    pins, locked = _pins(), _locked()
    for library, module_name in fastpaths.MODULES.items():
        if library == "re":
            continue  # Python itself: checked by version and self-check at start-up
        module = __import__(module_name, fromlist=["VERIFIED"])
        assert library in pins, f"{library} is not pinned with == in pyproject.toml"
        assert module.VERIFIED == (pins[library],), library
        assert locked[library] == pins[library], library
        assert fastpaths.installed_version(library) == pins[library], library


def test_with_the_pinned_versions_every_fast_path_is_used(fresh: None) -> None:
    assert fastpaths.decisions() == dict.fromkeys(LIBRARIES, fastpaths.FAST)


@pytest.mark.parametrize(
    "module",
    [fast_lxml, fast_sre, fast_ftfy, fast_langdetect, fast_htmldate, fast_trafilatura],
    ids=lambda module: module.__name__.rsplit(".", 1)[1],
)
def test_each_self_check_passes_on_the_installed_library(module: object) -> None:
    module.self_check()  # type: ignore[attr-defined]


def test_the_bundled_selfcheck_pages_exercise_what_the_fast_paths_replace() -> None:
    pages = dict(fastpaths.selfcheck_pages())
    assert len(pages) >= 3
    story = _extract_html(pages["1-tagged-story.html"], url=None)
    assert story is not None
    title, text, fields = story
    assert title == "Harbour bridge reopens after repairs"
    assert "steel cables" in text and "Finally!" not in text  # comments pruned
    assert "We use cookies" not in text and "Copyright 2024" not in text
    assert "morning briefing" not in text  # a hidden element (newsclean.extract.hidden_to_prune)
    assert fields["authors"] == "Maria Lindqvist"
    assert fields["categories"] == ["Local", "Transport"] and fields["tags"] == [
        "bridges",
        "harbour",
    ]
    plain = _extract_html(pages["2-plain-story.html"], url=None)
    assert plain is not None and plain[2]["authors"] == "Tom Okafor"
    assert "swimming pool" not in plain[1]  # the infinite-scroll container is pruned
    assert "<form" in pages["2-plain-story.html"]  # elements with their own lxml.html class


def test_a_version_other_than_the_verified_one_uses_the_public_api_and_warns_once(
    fresh: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    installed = fastpaths.installed_version
    monkeypatch.setattr(
        fastpaths,
        "installed_version",
        lambda library: "2.1.0" if library == "trafilatura" else installed(library),
    )
    chosen = fastpaths.report()
    assert chosen["trafilatura"] == "public: version 2.1.0 != verified 2.3.1"
    assert {library for library, why in chosen.items() if why == fastpaths.FAST} == set(
        LIBRARIES
    ) - {"trafilatura"}
    assert not fastpaths.uses_fast("trafilatura")
    fastpaths.report()
    warning = capsys.readouterr().err.splitlines()
    assert warning == [
        "newsclean: warning: using the public API (slower) of trafilatura: "
        "version 2.1.0 != verified 2.3.1"
    ]


def test_the_switch_turns_every_fast_path_off(fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fastpaths.SWITCH, "off")
    assert fastpaths.decisions() == dict.fromkeys(LIBRARIES, f"public: {fastpaths.SWITCH}=off")


def _changed_examine_meta(tree: object, options: object) -> None:
    """trafilatura.metadata.examine_meta as a newer trafilatura might have it: another
    signature (its own callers changed with it)."""
    raise AssertionError("not reached: called with the old signature it raises TypeError")


@pytest.fixture
def changed_trafilatura(fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A private function of trafilatura's that the fast path calls takes other arguments."""
    monkeypatch.setattr(fast_trafilatura, "examine_meta", _changed_examine_meta)


def test_a_changed_private_function_fails_the_self_check(changed_trafilatura: None) -> None:
    with pytest.raises(TypeError):
        fast_trafilatura.self_check()
    assert fastpaths.decision("trafilatura").startswith("public: self-check failed: TypeError")


def test_a_changed_private_function_still_yields_the_articles(
    changed_trafilatura: None,
) -> None:
    settings = Settings(workers=1)
    for path in sorted(EXAMPLES.glob("*/*.htm*")):
        if path.suffix not in (".html", ".htm"):
            continue
        unit = RawUnit(str(path), path.name, "html", "html", path.read_bytes())
        result = extract_unit(unit, settings)
        if path.name == "empty-capture.html":
            continue  # no story in it, with any trafilatura
        assert isinstance(result, Article), (path.name, result)


def test_a_page_the_fast_path_fails_on_goes_through_trafilatura_itself(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After start-up, a fast-path failure on one page is trafilatura's own run, not a loss."""
    page = dict(fastpaths.selfcheck_pages())["1-tagged-story.html"]
    expected = _extract_html(page, url=None)
    assert fastpaths.uses_fast("trafilatura")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise TypeError("a changed private function")

    monkeypatch.setattr(fast_trafilatura, "main_text", broken)
    assert _extract_html(page, url=None) == expected
    assert html_by_public_api(page, None) is not None


def _articles(lake: Path) -> list[dict[str, object]]:
    rows = [
        row
        for part in sorted((lake / "articles").glob("ingest_date=*/*.parquet"))
        for row in pq.read_table(part).to_pylist()
    ]
    return sorted(rows, key=lambda row: str(row["id"]))


def _quarantined(lake: Path) -> list[tuple[object, ...]]:
    rows = [
        (row["source_uri"].rsplit("/", 1)[-1], row["reason"])
        for part in sorted((lake / "quarantine").glob("ingest_date=*/*.parquet"))
        for row in pq.read_table(part).to_pylist()
    ]
    return sorted(rows)


def _run_examples(lake: Path) -> list[dict[str, object]]:
    manifests = []
    for day in sorted(EXAMPLES.iterdir()):
        manifests.append(
            run_day(str(day), str(lake), date.fromisoformat(day.name), Settings(workers=1))
        )
    return manifests


def _without_source(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in row.items() if k != "source_uri"} for row in rows]


def test_the_public_apis_give_the_same_articles_from_the_example_scrapes(
    fresh: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fast = _run_examples(tmp_path / "fast")
    assert all(set(m["fast_paths"].values()) == {fastpaths.FAST} for m in fast)
    monkeypatch.setenv(fastpaths.SWITCH, "off")
    monkeypatch.setattr(fastpaths, "_decided", {})
    public = _run_examples(tmp_path / "public")
    for manifest in public:
        assert manifest["fast_paths"] == dict.fromkeys(
            sorted(LIBRARIES), f"public: {fastpaths.SWITCH}=off"
        )
    fast_rows, public_rows = _articles(tmp_path / "fast"), _articles(tmp_path / "public")
    assert len(fast_rows) == 12
    assert [(r["id"], r["title"], r["text"]) for r in public_rows] == [
        (r["id"], r["title"], r["text"]) for r in fast_rows
    ]
    assert _without_source(public_rows) == _without_source(fast_rows)  # every field
    assert _quarantined(tmp_path / "public") == _quarantined(tmp_path / "fast")


def test_a_changed_trafilatura_is_recorded_and_loses_no_page(
    changed_trafilatura: None, tmp_path: Path
) -> None:
    """The parent's self-check fails; its workers (forked from a server that knows
    nothing of the change) take its decision; the manifest records it."""
    manifests = _run_examples(tmp_path / "changed")
    for manifest in manifests:
        assert manifest["fast_paths"]["trafilatura"].startswith(
            "public: self-check failed: TypeError"
        )
        assert "extract.no_content" not in manifest["quarantined_by_reason"]
    assert len(_articles(tmp_path / "changed")) == 12


def _decisions_as_rejection(unit: RawUnit, settings: Settings) -> Article | Rejected:
    return Rejected(
        unit.source_uri, "text", "test", "decisions", json.dumps(fastpaths.decisions()), ""
    )


def test_workers_take_the_parents_public_decisions(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    fastpaths.adopt({"ftfy": "public: decided by the parent"})
    unit = RawUnit("u", "u.txt", "text", "text", "text")
    with UnitPool(_decisions_as_rejection, Settings(workers=1), processes=1) as pool:
        [(_unit, result)] = list(pool.imap([unit]))
    assert isinstance(result, Rejected)
    assert json.loads(result.detail)["ftfy"] == "public: decided by the parent"


def test_merged_decisions_prefer_the_public_reason() -> None:
    merged = fastpaths.merged(
        [{"ftfy": "fast", "re": "fast"}, None, {"ftfy": "public: why", "re": "fast"}]
    )
    assert merged == {"ftfy": "public: why", "re": "fast"}


def test_a_changed_lxml_class_table_fails_its_self_check(monkeypatch: pytest.MonkeyPatch) -> None:
    from lxml import html

    fast_lxml._fast_copy.cache_clear()
    monkeypatch.setattr(html.HtmlElementClassLookup, "_default_element_classes", {})
    try:
        with pytest.raises(fastpaths.Mismatch):
            fast_lxml.self_check()
    finally:
        fast_lxml._fast_copy.cache_clear()


def test_a_changed_ftfy_heuristic_fails_its_self_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_ftfy, "BADNESS_RE", re.compile("x"))
    with pytest.raises(fastpaths.Mismatch):
        fast_ftfy.self_check()


def test_a_changed_ftfy_encoding_step_fails_its_self_check(monkeypatch: pytest.MonkeyPatch) -> None:
    from ftfy import ExplainedText

    def no_step(text: str, config: object) -> ExplainedText:
        return ExplainedText(text, [])

    monkeypatch.setattr(fast_ftfy, "_fix_encoding_one_step_and_explain", no_step)
    with pytest.raises(fastpaths.Mismatch):
        fast_ftfy.self_check()


def test_a_changed_langdetect_reading_fails_its_self_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fast_langdetect, "as_read", lambda text: text)
    with pytest.raises(fastpaths.Mismatch):
        fast_langdetect.self_check()


def test_a_changed_re_parse_tree_fails_its_self_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_sre.sre, "LITERAL", object())
    with pytest.raises(fastpaths.Mismatch):
        fast_sre.self_check()


def test_without_the_re_fast_path_the_prefilter_claims_nothing(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsclean.boilerplate.prefilter import prefilter

    pattern = re.compile(r"(?:share|tweet|reddit)\b.*")
    assert not prefilter(pattern).may_match("The council met on Tuesday.")
    fastpaths.adopt({"re": "public: test"})
    assert prefilter(pattern).may_match("The council met on Tuesday.")


def test_without_the_re_fast_path_classify_tries_every_rule(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decided per call, so a worker whose rules were loaded with prefilters (in the
    server) still follows its parent's decision."""
    from newsclean.boilerplate import rules

    lines = [
        "Share this article",
        "Sign up for our newsletter",
        "Advertisement",
        "© 2024 Example News",
        "Updated 12:45",
        "The council met on Tuesday to discuss the budget.",
        "Read more",
    ]
    fast = [rules.classify(line) for line in lines]
    assert sum(rule is not None for rule in fast) >= 4

    def no_prefilter(_rules: int) -> None:
        raise AssertionError("the prefilter's needle scans are not used")

    monkeypatch.setattr(rules, "_needle_scans", no_prefilter)
    fastpaths.adopt({"re": "public: test"})
    assert [rules.classify(line) for line in lines] == fast


def test_without_the_ftfy_fast_path_is_bad_is_ftfys(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ftfy.badness import is_bad

    calls: list[str] = []
    monkeypatch.setattr(fast_ftfy, "ftfy_is_bad", lambda text: calls.append(text) or is_bad(text))
    fastpaths.adopt({"ftfy": "public: test"})
    assert fast_ftfy.is_bad("Toyotaâ€™s")
    assert calls == ["Toyotaâ€™s"]


def test_without_the_ftfy_fast_path_fix_text_is_ftfys(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ftfy

    config = ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, explain=False)
    assert fast_ftfy.fix_text("Toyotaâ€™s", config) == "Toyota’s"  # decided: the fast path
    calls: list[str] = []
    fix_text = ftfy.fix_text
    monkeypatch.setattr(
        ftfy, "fix_text", lambda text, config: calls.append(text) or fix_text(text, config)
    )
    assert fast_ftfy.fix_text("Toyotaâ€™s", config) == "Toyota’s"
    assert calls == []
    fastpaths.adopt({"ftfy": "public: test"})
    assert fast_ftfy.fix_text("Toyotaâ€™s", config) == "Toyota’s"
    assert calls == ["Toyotaâ€™s"]


def _verify(*arguments: str) -> subprocess.CompletedProcess[str]:
    script = REPO / "benchmarks" / "verify_fastpaths.py"
    return subprocess.run(
        [sys.executable, str(script), *arguments], capture_output=True, text=True, timeout=600
    )


@pytest.mark.corpus
def test_the_upgrade_script_finds_no_difference_on_corpus_pages() -> None:
    corpus_or_skip()
    done = _verify("--limit", "6")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 pages, 6 with text; differences by library:" in done.stdout
    assert "  trafilatura      0" in done.stdout


def test_the_upgrade_script_rejects_a_bad_limit_in_one_line() -> None:
    done = _verify("--limit", "0")
    assert done.returncode == 2
    assert done.stderr == "verify_fastpaths: --limit must be positive\n"


def test_a_passed_self_check_is_remembered_and_a_failed_one_is_not(
    fresh: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A later process with the same library, Python and fast-path source skips the
    check (seconds of start-up); a failed check runs again every time."""
    assert fastpaths.decision("ftfy") == fastpaths.FAST
    [marker] = (tmp_path / "cache" / "selfcheck").glob("ftfy-*.passed")

    def failing() -> None:
        raise fastpaths.Mismatch("would fail now")

    monkeypatch.setattr(fast_ftfy, "self_check", failing)
    monkeypatch.setattr(fastpaths, "_decided", {})
    assert fastpaths.decision("ftfy") == fastpaths.FAST  # remembered: not run again
    marker.unlink()
    monkeypatch.setattr(fastpaths, "_decided", {})
    assert fastpaths.decision("ftfy").startswith("public: self-check failed: Mismatch")
    assert not marker.exists()


def test_the_libraries_under_the_dateparser_pattern_cache_are_pinned_and_locked() -> None:
    pins, locked = _pins(), _locked()
    for library, verified in fast_htmldate.PATTERNS_VERIFIED.items():
        assert verified == (pins[library],), library
        assert locked[library] == pins[library], library


def test_a_pattern_server_rebuilds_what_it_compiled_before_and_records_only_new_ones() -> None:
    import regex

    flags = regex.UNICODE | regex.IGNORECASE
    first = fast_htmldate._PatternServer(regex, {})
    compiled = first.compile(r"^(hier|gestern|yesterday)$", flags)
    assert list(first.added) == [(r"^(hier|gestern|yesterday)$", int(flags))]
    second = fast_htmldate._PatternServer(regex, dict(first.added))
    served = second.compile(r"^(hier|gestern|yesterday)$", flags)
    other = second.compile(r"^(demain)$", flags)
    assert served is not compiled and served.pattern == compiled.pattern
    assert served.flags == compiled.flags
    assert [bool(served.match(word)) for word in ("GESTERN", "hier", "heute")] == [
        True,
        True,
        False,
    ]
    assert list(second.added) == [(r"^(demain)$", int(flags))] and other.match("Demain")
    assert second.escape is regex.escape  # the rest of `regex` as it is


def test_a_changed_compiled_form_fails_the_htmldate_self_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import regex

    monkeypatch.setattr(fast_htmldate, "restore", lambda compiled: regex.compile("x"))
    with pytest.raises(fastpaths.Mismatch):
        fast_htmldate.self_check()


_DATES = """
import sys
from newsclean.fastpaths.htmldate import warm_dates
from htmldate.extractors import get_external_parser
warm_dates()
for text in sys.argv[1:]:
    print(text, get_external_parser().get_date_data(text)["date_obj"])
"""
_DATE_STRINGS = ["3 mars 2021", "12. März 2024", "2 giugno 2019", "Пятница, 3 марта 2023", "zzz"]


def test_dateparser_patterns_kept_between_runs_read_dates_as_freshly_compiled_ones(
    tmp_path: Path,
) -> None:
    environment = {**os.environ, "NEWSCLEAN_CACHE_DIR": str(tmp_path)}
    environment.pop(fastpaths.SWITCH, None)

    def dates() -> str:
        command = [sys.executable, "-c", _DATES, *_DATE_STRINGS]
        return subprocess.run(
            command, env=environment, capture_output=True, text=True, check=True
        ).stdout

    compiled = dates()
    # The second run adds what the first compiled outside the warm-up (in its self-check).
    assert dates() == compiled
    (kept,) = tmp_path.glob("dateparser-patterns-*.marshal")
    stored = kept.read_bytes()
    served = dates()
    assert served == compiled
    assert "2024-03-12" in served and "2023-03-03" in served
    assert kept.read_bytes() == stored  # every pattern was served: none compiled anew
    # A damaged file is not run: its patterns are compiled again and the file rewritten.
    kept.write_bytes(stored[:-2000] + bytes(byte ^ 0x55 for byte in stored[-2000:]))
    assert dates() == compiled
    damaged_read = set(fast_htmldate._checked(derived.read_cached(kept)))
    kept.write_bytes(stored)
    assert damaged_read == set(fast_htmldate._checked(derived.read_cached(kept))) != set()


_PARENT_IMPORTS = """
import json, sys
import newsclean.day
from newsclean import fastpaths
decided = fastpaths.report()
heavy = ("trafilatura", "ftfy", "htmldate", "fast_langdetect",
         "newsclean.fastpaths.trafilatura", "newsclean.boilerplate.catalogue")
loaded = [name for name in heavy if name in sys.modules]
print(json.dumps({"decided": decided, "loaded": loaded}))
"""


def test_a_remembered_decision_loads_neither_the_fast_path_nor_its_library(
    tmp_path: Path,
) -> None:
    """What the parent of a worker-path run imports: its decisions, once remembered, and
    the day's machinery load none of the cleaning libraries or the rules' catalogue."""
    environment = {**os.environ, "NEWSCLEAN_CACHE_DIR": str(tmp_path)}
    environment.pop(fastpaths.SWITCH, None)

    def parent() -> dict:
        command = [sys.executable, "-c", _PARENT_IMPORTS]
        found = subprocess.run(command, env=environment, capture_output=True, text=True, check=True)
        return json.loads(found.stdout)

    first = parent()
    assert "trafilatura" in first["loaded"]  # self-checked, so imported
    again = parent()
    assert again["decided"] == first["decided"] == {library: "fast" for library in LIBRARIES}
    assert again["loaded"] == []
