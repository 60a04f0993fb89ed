"""Derived tables kept on disk: built once per version of their inputs, never trusted blindly."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from newsclean import derived


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSCLEAN_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _counting_build(calls: list[int], value: object):
    def build() -> object:
        calls.append(1)
        return value

    return build


def test_built_once_then_loaded(cache: Path, tmp_path: Path) -> None:
    source = tmp_path / "words.txt"
    source.write_text("alpha\n")
    calls: list[int] = []
    value = ({"alpha": 1.5}, frozenset({"beta"}), {"gamma"})
    build = _counting_build(calls, value)
    first = derived.load_or_build("table", build, packages=["pytest"], files=[source])
    second = derived.load_or_build("table", build, packages=["pytest"], files=[source])
    assert first == second == value
    assert type(second[1]) is frozenset and type(second[2]) is set
    assert calls == [1]
    assert len(list(cache.glob("table-*.marshal"))) == 1


def test_a_changed_input_file_or_package_list_builds_again(cache: Path, tmp_path: Path) -> None:
    source = tmp_path / "words.txt"
    source.write_text("alpha\n")
    calls: list[int] = []
    derived.load_or_build("table", _counting_build(calls, [1]), packages=[], files=[source])
    source.write_text("alpha\nbeta\n")
    again = derived.load_or_build("table", _counting_build(calls, [2]), packages=[], files=[source])
    assert again == [2]
    assert derived.load_or_build(
        "table", _counting_build(calls, [3]), packages=["pytest"], files=[source]
    ) == [3]
    assert calls == [1, 1, 1]


def test_a_damaged_cache_file_is_rebuilt(cache: Path, tmp_path: Path) -> None:
    calls: list[int] = []
    derived.load_or_build("table", _counting_build(calls, {"a": 1}), packages=[], files=[])
    (path,) = cache.glob("table-*.marshal")
    path.write_bytes(path.read_bytes()[:10])  # truncated
    build = _counting_build(calls, {"a": 1})
    assert derived.load_or_build("table", build, packages=[], files=[]) == {"a": 1}
    path.write_bytes(b"not a cache file")
    assert derived.load_or_build("table", build, packages=[], files=[]) == {"a": 1}
    assert calls == [1, 1, 1]


def test_an_unwritable_cache_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("NEWSCLEAN_CACHE_DIR", str(blocker / "cache"))
    calls: list[int] = []
    for _ in range(2):
        assert derived.load_or_build("table", _counting_build(calls, 7), packages=[], files=[]) == 7
    assert calls == [1, 1]


def test_the_english_lexicon_from_the_cache_equals_a_fresh_build(cache: Path) -> None:
    from newsclean import typos

    built = typos._build_english_lexicon()
    typos._english_lexicon.cache_clear()
    try:
        stored = typos._english_lexicon()  # builds and stores
        typos._english_lexicon.cache_clear()
        loaded = typos._english_lexicon()  # loads
    finally:
        typos._english_lexicon.cache_clear()
    assert list(cache.glob("english-lexicon-*.marshal"))
    assert tuple(built) == tuple(stored) == tuple(loaded)


def test_another_language_s_lexicon_is_a_small_trie_with_wordfreq_s_frequencies(
    cache: Path,
) -> None:
    import wordfreq

    from newsclean import typos

    typos._other_lexicon.cache_clear()
    try:
        stored = typos._other_lexicon("da")  # builds and stores
        typos._other_lexicon.cache_clear()
        loaded = typos._other_lexicon("da")  # loads
    finally:
        typos._other_lexicon.cache_clear()
    (path,) = cache.glob("lexicon-trie-da-*.marshal")
    assert path.stat().st_size < 2_000_000  # the dict it replaces took ~5 MB for `da`
    frequencies = wordfreq.get_frequency_dict("da", wordlist="small")
    words = [word for word in frequencies if word.isalpha()]
    assert len(loaded.zipf) == len(stored.zipf) == len(words)
    for word in words[::97] + ["og", "gaden", "ikke"]:
        expected = round(wordfreq.zipf_frequency(word, "da", wordlist="small"), 1)
        assert round(loaded.zipf[word], 1) == round(stored.zipf.get(word), 1) == expected
        assert word in loaded.zipf
    assert loaded.zipf.get("qqxqzz") == 0.0 and "qqxqzz" not in loaded.zipf
    assert loaded.sound == stored.sound and "ikke" in loaded.sound
    assert loaded.function_words == stored.function_words


def test_changed_extra_text_builds_again(cache: Path) -> None:
    calls: list[int] = []
    build = _counting_build(calls, [1])
    for extra in ("3.11.7\0(?:a|b)", "3.11.7\0(?:a|b)", "3.11.8\0(?:a|b)", "3.11.7\0(?:a|c)"):
        derived.load_or_build("table", build, packages=[], files=[], extra=extra)
    assert calls == [1, 1, 1]


def test_the_boilerplate_prefilters_from_the_cache_equal_a_fresh_analysis(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsclean.boilerplate.catalogue import RULES
    from newsclean.boilerplate.prefilter import prefilter, prefilters
    from newsclean.fastpaths import sre

    patterns = [rule.pattern for rule in RULES]
    fresh = tuple(prefilter(pattern) for pattern in patterns)
    assert prefilters(patterns) == fresh  # built
    assert len(list(cache.glob("boilerplate-prefilters-*.marshal"))) == 1

    def analysed_again(pattern: object) -> None:
        raise AssertionError("the prefilters were analysed again, not loaded")

    monkeypatch.setattr(sre, "analyse", analysed_again)
    loaded = prefilters(patterns)
    assert loaded == fresh
    assert all(type(check.starts) in (frozenset, type(None)) for check in loaded)
    assert any(check.needles for check in loaded) and any(check.starts for check in loaded)


def _age(path: Path, days: float) -> None:
    stamp = time.time() - days * 86_400
    os.utime(path, (stamp, stamp))


def test_writing_a_table_removes_its_versions_unused_for_two_weeks(
    cache: Path, tmp_path: Path
) -> None:
    source = tmp_path / "words.txt"
    versions = []
    for text in ("one\n", "two\n", "three\n"):
        source.write_text(text)
        derived.load_or_build("table", lambda value=text: value, packages=[], files=[source])
        [newest] = set(cache.glob("table-*.marshal")) - set(versions)
        versions.append(newest)
    other_table = cache / "table-long-0123456789abcdef01234567.marshal"
    other_table.write_bytes(b"")
    _age(versions[0], derived.STALE_AFTER_DAYS + 1)  # unused for over two weeks
    _age(versions[1], derived.STALE_AFTER_DAYS - 1)  # used by another installation lately
    _age(other_table, derived.STALE_AFTER_DAYS + 1)  # another table's file
    source.write_text("four\n")
    derived.load_or_build("table", lambda: "four", packages=[], files=[source])
    left = set(cache.glob("table-*.marshal"))
    assert versions[0] not in left
    assert {versions[1], versions[2], other_table} < left and len(left) == 4


def test_reading_a_table_marks_it_used(cache: Path, tmp_path: Path) -> None:
    source = tmp_path / "words.txt"
    source.write_text("alpha\n")
    derived.load_or_build("table", lambda: 1, packages=[], files=[source])
    [path] = cache.glob("table-*.marshal")
    _age(path, derived.STALE_AFTER_DAYS + 1)
    assert derived.load_or_build("table", lambda: 2, packages=[], files=[source]) == 1
    assert time.time() - path.stat().st_mtime < 3_600
