"""Replacing a few columns of a Parquet file by copying the others' bytes: the result
reads as pyarrow's own rewrite does, in pyarrow, DuckDB and Polars; files it cannot
patch are refused, never damaged."""

from __future__ import annotations

import errno
import json
import os
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import REPO, sample_article

from newsclean.lake import PartWriter
from newsclean.parquet_columns import _copy_range, _footer, _Reader, _Writer, replace_columns
from newsclean.rows import article_record
from newsclean.validate import ARTICLE, file_schema

CASES = json.loads((REPO / "tests" / "cases" / "stories" / "day.json").read_text())["articles"]
DAY = date(2026, 2, 13)
ROW_GROUP = 5  # rows a row group: the last one of the 24 rows is shorter


@pytest.fixture
def part(tmp_path: Path) -> Path:
    """An article part as a shard stages it: several row groups, texts of all sizes."""
    path = tmp_path / "part-00000.parquet"
    writer = PartWriter(path, ARTICLE, batch_rows=ROW_GROUP)
    for index, case in enumerate(CASES * 3):
        article = sample_article(
            id=f"{index:032x}",
            title=case["title"],
            text=case["text"],
            published_at=case["published_at"] if index % 3 else None,
        )
        writer.write(article_record(article, ingest_date=DAY, pipeline_version="test"))
    writer.close()
    return path


def labels(path: Path) -> dict[str, pa.Array]:
    ids = pq.read_table(path, columns=["id"]).column("id").to_pylist()
    return {
        "duplicate_of": pa.array([ids[0] if i % 2 else None for i in range(len(ids))]),
        "similarity": pa.array([0.8125 if i % 2 else None for i in range(len(ids))]),
        "story_id": pa.array([ids[i - i % 3] for i in range(len(ids))]),
    }


def rewritten(path: Path, columns: dict[str, pa.Array]) -> pa.Table:
    """What replace_columns must give: the table with the columns set, read back from
    pyarrow's own rewrite."""
    table = pq.read_table(path)
    for name, values in columns.items():
        index = table.schema.get_field_index(name)
        table = table.set_column(index, table.schema.field(index), values)
    return table


def test_replaced_columns_read_as_a_full_rewrite(part: Path, tmp_path: Path) -> None:
    target = tmp_path / "labeled.parquet"
    columns = labels(part)
    assert replace_columns(part, target, columns)
    expected = rewritten(part, columns)
    found = pq.read_table(target)
    assert found.equals(expected)
    assert found.schema.equals(file_schema(ARTICLE))
    source, patched = pq.ParquetFile(part).metadata, pq.ParquetFile(target).metadata
    assert patched.num_row_groups == source.num_row_groups > 1
    leaves = [source.schema.column(index).path for index in range(source.num_columns)]
    story = leaves.index("story_id")
    for group in range(source.num_row_groups):
        assert patched.row_group(group).num_rows == source.row_group(group).num_rows
        statistics = patched.row_group(group).column(story).statistics
        values = expected.column("story_id").to_pylist()[group * ROW_GROUP :][:ROW_GROUP]
        assert (statistics.min, statistics.max) == (min(values), max(values))
    # Other readers: every value of every column.
    polars = pl.read_parquet(target)
    assert polars.to_arrow().to_pylist() == pl.from_arrow(expected).to_arrow().to_pylist()
    rows = duckdb.sql(
        f"SELECT id, story_id, duplicate_of, similarity, md5(text) FROM read_parquet('{target}') "
        "ORDER BY id"
    ).fetchall()
    assert rows == [
        (row["id"], row["story_id"], row["duplicate_of"], row["similarity"], _md5(row["text"]))
        for row in sorted(expected.to_pylist(), key=lambda row: row["id"])
    ]


def _md5(text: str) -> str:
    import hashlib

    return hashlib.md5(text.encode()).hexdigest()


def test_the_footer_codec_gives_back_the_same_bytes(part: Path) -> None:
    data = part.read_bytes()
    length = int.from_bytes(data[-8:-4], "little")
    writer = _Writer()
    writer.struct(_Reader(data[-8 - length : -8]).struct())
    assert bytes(writer.out) == data[-8 - length : -8]
    assert _footer(data) is not None and _footer(data[:-4] + b"PARE") is None
    garbled = data[: -8 - length] + b"\xff" * length + data[-8:]  # not a Thrift struct
    assert _footer(garbled) is None


@pytest.mark.parametrize(
    "columns",
    [
        {"authors": pa.array([["a"]] * 24, pa.list_(pa.string()))},  # nested
        {"story_id": pa.array(range(24), pa.int64())},  # another type
        {"no_such_column": pa.array(["x"] * 24)},
    ],
    ids=["nested", "type", "absent"],
)
def test_columns_it_cannot_replace_are_refused(
    part: Path, tmp_path: Path, columns: dict[str, pa.Array]
) -> None:
    assert pq.ParquetFile(part).metadata.num_rows == 24
    target = tmp_path / "labeled.parquet"
    assert not replace_columns(part, target, columns)
    assert not target.exists()


def test_a_file_with_page_indexes_is_refused(part: Path, tmp_path: Path) -> None:
    indexed = tmp_path / "indexed.parquet"
    pq.write_table(pq.read_table(part), indexed, row_group_size=ROW_GROUP, write_page_index=True)
    assert not replace_columns(indexed, tmp_path / "labeled.parquet", labels(indexed))
    assert not (tmp_path / "labeled.parquet").exists()


def test_a_wrong_number_of_values_is_an_error(part: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="values for the 24 rows"):
        replace_columns(part, tmp_path / "labeled.parquet", {"story_id": pa.array(["x"])})


def _refused(*args: object) -> int:
    raise OSError(errno.EXDEV, "Invalid cross-device link")


@pytest.mark.parametrize("kernel", ["refuses", "absent", "a few bytes a call"])
def test_chunks_copied_without_the_kernel_give_the_same_file(
    part: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: str
) -> None:
    """Where copy_file_range is refused (another file system, an old kernel), missing (not
    Linux) or copies less than asked, the chunks read and written give the same bytes."""
    columns = labels(part)
    assert replace_columns(part, tmp_path / "kernel.parquet", columns)
    copy = os.copy_file_range
    if kernel == "refuses":
        monkeypatch.setattr(os, "copy_file_range", _refused)
    elif kernel == "absent":
        monkeypatch.delattr(os, "copy_file_range")
    else:
        monkeypatch.setattr(
            os, "copy_file_range", lambda src, dst, count, at: copy(src, dst, min(count, 7), at)
        )
    assert replace_columns(part, tmp_path / "read.parquet", columns)
    assert (tmp_path / "read.parquet").read_bytes() == (tmp_path / "kernel.parquet").read_bytes()
    assert pq.read_table(tmp_path / "read.parquet").equals(rewritten(part, columns))


def test_a_range_past_the_end_of_its_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "short").write_bytes(b"0123456789")
    with open(tmp_path / "short", "rb") as source, open(tmp_path / "out", "wb") as target:
        with pytest.raises(ValueError, match="past the end"):
            _copy_range(source.fileno(), target.fileno(), 4, 20)
    assert (tmp_path / "out").read_bytes() == b"456789"
