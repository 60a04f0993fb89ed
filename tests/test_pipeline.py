"""The whole path on real files: seeds and examples in, Parquet out, read back by real readers."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import EXAMPLES, SEEDS_DAY, sample_article

from newsclean.check import check_partition
from newsclean.config import Settings
from newsclean.day import (
    _encoded_inputs,
    _fingerprint,
    clean_shard,
    plan_shards,
    publish_day,
    run_day,
)
from newsclean.lake import (
    _manifest_run_id,
    partition_dir,
    read_partition,
    shard_dir,
    write_json_atomic,
    write_manifest_atomic,
)
from newsclean.pipeline import clean_unit, prepare_unit
from newsclean.readers import discover, iter_inputs, read_units
from newsclean.record import Article, Rejected, Removal
from newsclean.rows import article_record
from newsclean.validate import ARTICLE, QUARANTINE, validation_error

DAY = date(2026, 2, 13)
SETTINGS = Settings(workers=2)
SEED_FILES = ("000_206c061275e9e66a.txt", "002_0181fdb78757befa.txt")
FORBIDDEN = (
    "What's Your Reaction",
    "Techcrunch event",
    "View Bio",
    "is a senior writer at TechCrunch",
)


@pytest.fixture(scope="module")
def seeds_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    for name in SEED_FILES:
        shutil.copy(SEEDS_DAY / name, raw / name)
    return raw


@pytest.fixture(scope="module")
def seeds_lake(tmp_path_factory: pytest.TempPathFactory, seeds_raw: Path) -> Path:
    lake = tmp_path_factory.mktemp("seeds") / "lake"
    run_day(str(seeds_raw), str(lake), DAY, SETTINGS)
    return lake


@pytest.fixture(scope="module")
def examples_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = tmp_path_factory.mktemp("examples") / "lake"
    for day in sorted(EXAMPLES.iterdir()):
        run_day(str(day), str(lake), date.fromisoformat(day.name), SETTINGS)
    return lake


def _rows(lake: Path, kind: str = ARTICLE, day: date = DAY) -> list[dict]:
    return read_partition(lake, day, kind).to_pylist()


def _seed_story_paragraphs(name: str) -> list[str]:
    """Every paragraph of the seed that is story text, found by hand in the raw file."""
    lines = [line.strip() for line in (SEEDS_DAY / name).read_text().splitlines() if line.strip()]
    if name.startswith("000"):
        return lines[1 : lines.index("Tags:")]
    body = lines[lines.index("---", 1) + 1 :]
    story_end = next(i for i, line in enumerate(body) if line.startswith("Amanda Silberling is"))
    return [
        line
        for line in body[:story_end]
        if line not in ("Techcrunch event", "Boston, MA | June 23, 2026")
    ]


def test_seeds_become_two_clean_valid_articles(seeds_lake: Path) -> None:
    rows = _rows(seeds_lake)
    assert len(rows) == 2
    assert _rows(seeds_lake, QUARANTINE) == []
    for row in rows:
        for phrase in FORBIDDEN:
            assert phrase not in row["text"]
        assert "Tags:" not in row["text"].splitlines()
        assert row["word_count"] > 300


def test_seed_rows_validate_against_the_article_schema(seeds_lake: Path) -> None:
    for row in _rows(seeds_lake):
        row["published_at"] = row["published_at"] and row["published_at"].strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        row["ingest_date"] = row["ingest_date"].isoformat()
        assert validation_error(row, ARTICLE) is None


def test_seed_story_paragraphs_are_all_kept(seeds_lake: Path) -> None:
    rows = {Path(row["source_uri"]).name: row for row in _rows(seeds_lake)}
    plain, markdown = rows[SEED_FILES[0]], rows[SEED_FILES[1]]
    for paragraph in _seed_story_paragraphs(SEED_FILES[0]):
        expected = paragraph.replace("especiallygreath", "especially great")
        assert expected in plain["text"]
    # markdown: compare without link markup, first and last sentence of each paragraph
    for paragraph in _seed_story_paragraphs(SEED_FILES[1]):
        words = " ".join(
            part.split("](")[0] if "](" in part else part
            for part in paragraph.replace("[", "").split(")")
        )
        assert words.split(".")[0].split(" ")[-1] in markdown["text"]
    assert markdown["text"].count("\n") == 9  # ten story paragraphs, one per line


def test_seed_run_together_word_is_split_and_recorded(seeds_lake: Path) -> None:
    plain = next(row for row in _rows(seeds_lake) if row["source_format"] == "text")
    assert "especially great" in plain["text"] and "especiallygreath" not in plain["text"]
    assert {
        "kind": "run_together",
        "before": "especiallygreath",
        "after": "especially great",
    } in plain["repairs"]
    kinds = {removed["kind"] for removed in plain["removed"]}
    assert "reaction" in kinds


def test_seed_metadata(seeds_lake: Path) -> None:
    markdown = next(row for row in _rows(seeds_lake) if row["source_format"] == "markdown")
    assert markdown["title"].startswith("Amazon’s Ring cancels partnership")
    assert markdown["authors"] == ["Amanda Silberling"]
    assert markdown["source_domain"] == "techcrunch.com"
    assert markdown["published_at"].isoformat() == "2026-02-13T15:40:15+00:00"
    assert markdown["language"] == "en"
    assert markdown["ingest_date"] == DAY
    assert {"kind": "bio", "text": "View Bio", "confidence": 1.0} in markdown["removed"]


def test_rerun_of_a_day_gives_identical_rows(seeds_lake: Path, seeds_raw: Path) -> None:
    before = sorted(_rows(seeds_lake), key=lambda row: row["id"])
    files_before = sorted(p.name for p in partition_dir(seeds_lake, ARTICLE, DAY).iterdir())
    manifest_before = (partition_dir(seeds_lake, ARTICLE, DAY) / "_manifest.json").read_text()
    run_day(str(seeds_raw), str(seeds_lake), DAY, Settings(workers=2))
    after = sorted(_rows(seeds_lake), key=lambda row: row["id"])
    assert after == before
    assert sorted(p.name for p in partition_dir(seeds_lake, ARTICLE, DAY).iterdir()) == files_before
    assert (
        partition_dir(seeds_lake, ARTICLE, DAY) / "_manifest.json"
    ).read_text() == manifest_before


def test_one_worker_gives_the_same_rows_as_two(
    seeds_lake: Path, seeds_raw: Path, tmp_path: Path
) -> None:
    single = tmp_path / "single"
    run_day(str(seeds_raw), str(single), DAY, Settings(workers=1))
    assert _rows(single) == _rows(seeds_lake)


def _articles(lake: Path) -> str:
    """The lake's articles as a DuckDB table expression."""
    return f"read_parquet('{lake}/articles/*/*.parquet', hive_partitioning=true)"


def test_ids_are_stable_and_unique(examples_lake: Path) -> None:
    ids = duckdb.sql(f"select id from {_articles(examples_lake)}").fetchall()
    assert len(ids) == len(set(ids)) == 12


def test_real_readers_read_the_lake(examples_lake: Path) -> None:
    import pandas as pd
    import polars as pl

    count = duckdb.sql(f"select count(*) from {_articles(examples_lake)}").fetchall()[0][0]
    assert count == 12
    per_day = dict(
        duckdb.sql(
            f"select ingest_date::varchar, count(*) from {_articles(examples_lake)} group by 1"
        ).fetchall()
    )
    assert per_day == {"2026-02-13": 6, "2026-02-14": 3, "2026-02-15": 3}
    frame = pd.read_parquet(examples_lake / "articles")
    assert len(frame) == 12 and set(frame["ingest_date"].astype(str)) == set(per_day)
    polars_frame = pl.read_parquet(f"{examples_lake}/articles/*/*.parquet")
    assert polars_frame.height == 12
    quarantined = pq.read_table(examples_lake / "quarantine").num_rows
    assert quarantined == 3


def test_parquet_files_carry_schema_version_and_zstd(examples_lake: Path) -> None:
    [path] = partition_dir(examples_lake, ARTICLE, DAY).glob("*.parquet")
    meta = pq.ParquetFile(path)
    assert meta.schema_arrow.metadata[b"newsclean.schema_version"] == b"1.1.0"
    assert meta.metadata.row_group(0).column(0).compression == "ZSTD"


def test_every_unit_is_accounted_for(examples_lake: Path) -> None:
    for day in sorted(EXAMPLES.iterdir()):
        ingest_date = date.fromisoformat(day.name)
        manifest = json.loads(
            (partition_dir(examples_lake, ARTICLE, ingest_date) / "_manifest.json").read_text()
        )
        units = manifest["units"]
        assert units["read"] == units["written"] + units["quarantined"]
        assert units["written"] == len(_rows(examples_lake, ARTICLE, ingest_date))
        assert units["quarantined"] == len(_rows(examples_lake, QUARANTINE, ingest_date))
        assert {entry["relative"] for entry in manifest["inputs"]} == {
            f.relative for f in discover(str(day))
        }
        problems, _summary = check_partition(str(examples_lake), ingest_date)
        assert problems == []


def test_quarantine_rows_keep_reason_and_payload(examples_lake: Path) -> None:
    rows = {row["reason"]: row for row in _rows(examples_lake, QUARANTINE, date(2026, 2, 15))}
    assert set(rows) == {"read.bad_json", "read.no_content"}
    assert rows["read.bad_json"]["payload"] == b"this line is not json {"
    assert rows["read.bad_json"]["source_uri"].endswith("feed.jsonl#2")
    assert rows["read.bad_json"]["stage"] == "read"
    empty = _rows(examples_lake, QUARANTINE, date(2026, 2, 14))
    assert [row["reason"] for row in empty] == ["read.empty"]


def test_example_cleaning(examples_lake: Path) -> None:
    rows = {
        Path(row["source_uri"]).name: row
        for row in duckdb.sql(f"select * from {_articles(examples_lake)}")
        .to_arrow_table()
        .to_pylist()
    }
    toyota = rows["toyota-kentucky.txt"]
    assert toyota["title"] == "Toyota’s new plant in Kentucky to hire 800 workers"
    assert "company’s regional head" in toyota["text"] and "â€" not in toyota["text"]
    assert "Related Articles" not in toyota["text"]
    lyon = rows["lyon-terraces.htm"]
    assert "Café owners" in lyon["title"] and "€2.4 million" in lyon["text"]
    seals = rows["seal-count.md"]
    assert (
        "1,214 grey seals" in seals["text"] and "Subscribe to our newsletter" not in seals["text"]
    )
    assert seals["authors"] == ["Pieter de Vries"] and seals["tags"] == ["wildlife", "north sea"]
    german = rows["feed.jsonl#4"]
    assert german["language"] == "de" and "Lawinenwarndienst Tirol" in german["text"]


def test_clean_unit_never_raises_on_garbage() -> None:
    from newsclean.record import RawUnit

    for payload in (b"\x00\xff" * 100, b"<html>" * 1000, b"", "\ud800 lone surrogate"):
        unit = RawUnit("mem://x", "x", "html", "html", payload)
        assert isinstance(clean_unit(unit, Settings()), Article | Rejected)


def test_plan_shards_is_stable() -> None:
    shards = plan_shards(str(SEEDS_DAY), shard_size=2)
    assert [len(shard) for shard in shards] == [2, 2, 1]
    assert shards == plan_shards(str(SEEDS_DAY), shard_size=2)
    assert [Path(p).name for p in sum(shards, [])] == sorted(Path(p).name for p in sum(shards, []))


def test_units_of_examples_all_read() -> None:
    units = [u for f in discover(str(SEEDS_DAY)) for u in read_units(f, Settings())]
    assert len(units) == 6


# A day of many files: its input records stream from disk to the manifest, never all in memory.

_ENTRIES = [
    {
        "uri": f"/raw/{n:05d}.txt",
        "relative": f"{n:05d}.txt",
        "size": n,
        "sha256": "ab" * 32,
        "units": n % 3,
    }
    for n in range(1500)
] + [
    {"uri": '/raw/Zürich \\x9c\t"q".md', "relative": "Zürich", "size": 0, "sha256": "", "units": 1}
]


@pytest.mark.parametrize("entries", [_ENTRIES, _ENTRIES[:1], []])
def test_streamed_manifest_has_the_bytes_of_the_whole_one(
    tmp_path: Path, entries: list[dict]
) -> None:
    manifest = {
        "ingest_date": "2026-02-13",
        "run_id": "0123456789abcdef",
        "shards": ["00000"],
        "settings": {"inputs": [1], "run_id": "nested"},
        "units": {"read": 3},
    }
    write_json_atomic(tmp_path / "whole.json", {**manifest, "inputs": entries})
    write_manifest_atomic(tmp_path / "streamed.json", manifest, lambda: iter(entries))
    assert (tmp_path / "streamed.json").read_bytes() == (tmp_path / "whole.json").read_bytes()
    (tmp_path / "dir").mkdir()
    (tmp_path / "streamed.json").rename(tmp_path / "dir" / "_manifest.json")
    assert _manifest_run_id(tmp_path / "dir") == "0123456789abcdef"


def test_run_id_of_streamed_inputs_is_the_hash_of_the_whole_manifest(seeds_lake: Path) -> None:
    manifest = json.loads((partition_dir(seeds_lake, ARTICLE, DAY) / "_manifest.json").read_text())
    assert [entry["relative"] for entry in manifest["inputs"]] == list(SEED_FILES)
    whole = {key: value for key, value in manifest.items() if key != "run_id"}
    whole["inputs"] = _ENTRIES
    digest = hashlib.sha256()  # as run_ids were made when the manifest was built in memory
    rest = {key: value for key, value in whole.items() if key != "inputs"}
    digest.update(repr(sorted(rest.items())).encode("utf-8"))
    for entry in whole["inputs"]:
        digest.update(b"\0")
        digest.update(repr(sorted(entry.items())).encode("utf-8"))
    assert _fingerprint(rest, iter(_ENTRIES)) == digest.hexdigest()
    # A Delta publish's input records, encoded while the day is labeled: the same run id.
    kept, encoded = _encoded_inputs(iter(_ENTRIES))
    assert kept == _ENTRIES
    assert _fingerprint(rest, (), encoded) == digest.hexdigest()
    assert _fingerprint(rest, (), encoded) != _fingerprint(rest, iter(_ENTRIES[:-1]))


def test_run_day_without_inputs_counts_them(
    seeds_raw: Path, seeds_lake: Path, tmp_path: Path
) -> None:
    summary = run_day(str(seeds_raw), str(tmp_path / "lake"), DAY, SETTINGS, with_inputs=False)
    manifest = json.loads((partition_dir(seeds_lake, ARTICLE, DAY) / "_manifest.json").read_text())
    assert summary == {**{k: v for k, v in manifest.items() if k != "inputs"}, "input_files": 2}
    full = run_day(str(seeds_raw), str(tmp_path / "lake"), DAY, SETTINGS)
    assert full == manifest


def test_local_walk_lists_in_the_order_of_sorted_relative_paths(tmp_path: Path) -> None:
    for name in ("a/1", "a-c/2", "a.b/3", "a0", "a-b", "b/c/d", "b/.h", "_x/z", ".y/z", "a b/4"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "b" / "to-a").symlink_to(tmp_path / "a")
    found = [file.relative for file in iter_inputs(str(tmp_path))]
    assert found == sorted(found)
    assert found == ["a b/4", "a-b", "a-c/2", "a.b/3", "a/1", "a0", "b/c/d", "b/to-a", "dangling"]
    assert discover(str(tmp_path)) == list(iter_inputs(str(tmp_path)))


def test_shard_staged_with_inputs_in_its_result_publishes_the_same_manifest(
    seeds_raw: Path, seeds_lake: Path, tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    files = [file.uri for file in discover(str(seeds_raw))]
    result = clean_shard(
        files,
        input_root=str(seeds_raw),
        lake=str(lake),
        ingest_date=DAY,
        shard_id="00000",
        settings=SETTINGS,
    )
    assert "inputs" not in result and result["input_files"] == 2
    shard = shard_dir(lake, DAY, "00000")  # rewrite it as versions that kept the records did
    lines = (shard / "inputs.jsonl").read_text(encoding="utf-8").splitlines()
    legacy = {key: value for key, value in result.items() if key != "input_files"}
    write_json_atomic(shard / "shard.json", {**legacy, "inputs": [json.loads(x) for x in lines]})
    (shard / "inputs.jsonl").unlink()
    publish_day(str(lake), DAY, ["00000"], settings=SETTINGS)
    published = partition_dir(lake, ARTICLE, DAY) / "_manifest.json"
    assert (
        published.read_bytes()
        == (partition_dir(seeds_lake, ARTICLE, DAY) / "_manifest.json").read_bytes()
    )


def test_prepare_unit_gives_the_record_of_the_cleaned_article_and_its_keys() -> None:
    from newsclean.boilerplate import TemplateProfile
    from newsclean.boilerplate.templates import document_keys
    from newsclean.pipeline import PIPELINE_VERSION

    settings = Settings(workers=1)
    profile = TemplateProfile()
    day = date(2026, 2, 13)
    articles = 0
    for file in discover(str(SEEDS_DAY)):
        for unit in read_units(file, settings):
            article = clean_unit(unit, settings)
            prepared = prepare_unit(
                unit, settings, ingest_date=day, template_words=profile.settings.max_words
            )
            if isinstance(article, Rejected):
                assert prepared == article
                continue
            record = article_record(article, ingest_date=day, pipeline_version=PIPELINE_VERSION)
            assert prepared.article == article
            assert prepared.error == validation_error(record, ARTICLE)
            expected = None
            if article.source_domain:
                removed = [removal.text for removal in article.removed]
                expected = document_keys(article.text, profile.settings.max_words, removed)
                # The keys of the text are those the profile reads of it.
                assert expected[:2] == profile.keys(article.text)[:2]
            assert prepared.keys == expected
            articles += 1
    assert articles >= 2  # both seeds, and the other scrapes of that day


def test_template_stage_strips_a_sources_template_lines_and_records_them() -> None:
    from newsclean.boilerplate import TemplateProfile
    from newsclean.pipeline import strip_templates

    template = "Example Gazette: all the news of the valley"
    profile = TemplateProfile()
    subjects = ("bridge", "school", "ferry", "market", "library", "harbour", "museum", "park")
    stories = [f"The valley's new {subject} opened after years of debate." for subject in subjects]
    for story in stories:
        profile.observe("example.org", f"{story}\n{template}")
    article = sample_article(source_domain="example.org", text=f"{stories[0]}\n{template}")
    keys = profile.keys(article.text)
    stripped = strip_templates(article, profile, keys, Settings())
    assert stripped.text == stories[0]
    assert stripped.removed == article.removed + (Removal("template", template),)
    # Off with remove_boilerplate, and a no-op (the same article) when nothing is template.
    assert strip_templates(article, profile, keys, Settings(remove_boilerplate=False)) is article
    plain = sample_article(source_domain="example.org", text=stories[1] + " More.")
    assert strip_templates(plain, profile, profile.keys(plain.text), Settings()) is plain


def test_a_german_run_together_word_is_split_and_recorded_on_the_row() -> None:
    from newsclean.record import RawUnit, Repair

    text = (
        "Neues Schutzgebiet an der Küste\n"
        "Das Schutzgebiet erstrecktsich über mehrere Kilometer entlang der Küste im Norden. "
        "Die Besucher kommen jedes Jahr in großer Zahl, und die Gemeinde plant neue Wege.\n"
        "Der Bürgermeister sagte, die Arbeiten sollen im Frühjahr beginnen und im Herbst "
        "abgeschlossen sein. Das Land trägt einen großen Teil der Kosten."
    )
    unit = RawUnit("test:de", "kueste.txt", "text", "text", text)
    article = clean_unit(unit, Settings(typo_languages="en,de"))
    assert isinstance(article, Article) and article.language == "de"
    assert "erstreckt sich über" in article.text
    assert Repair("run_together", "erstrecktsich", "erstreckt sich") in article.repairs
    untouched = clean_unit(unit, Settings(fix_typos=False, typo_languages="en,de"))
    assert isinstance(untouched, Article) and "erstrecktsich" in untouched.text
    by_default = clean_unit(unit, Settings())  # English only unless typo_languages says so
    assert isinstance(by_default, Article) and "erstrecktsich" in by_default.text
