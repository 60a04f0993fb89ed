"""Small inputs are cleaned in the calling process, without the workers' server: the
same rows, without seconds of start-up. (Start-up itself is measured by
benchmarks/startup_bench.py, not timed here.)"""

from __future__ import annotations

import gzip
import shutil
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import SEEDS_DAY

from newsclean import workers
from newsclean.config import Settings
from newsclean.day import run_day
from newsclean.readers import InputFile

DAY = date(2026, 2, 13)


def _file(folder: Path, name: str, content: bytes = b"<p>A page</p>") -> InputFile:
    path = folder / name
    path.write_bytes(content)
    return InputFile(str(path), name, len(content))


def test_small_input_counts_files_bytes_and_compression(tmp_path: Path) -> None:
    page = _file(tmp_path, "a.html")
    assert workers.small_input([page] * workers.INLINE_FILES)
    assert workers.small_input([])
    assert not workers.small_input([page] * (workers.INLINE_FILES + 1))
    big = _file(tmp_path, "big.html", b"x" * (workers.INLINE_BYTES + 1))
    assert not workers.small_input([big])
    assert not workers.small_input([_file(tmp_path, "crawl.warc", b"WARC/1.0\r\n")])
    # A page that hangs lxml compresses to a few KiB: compressed input goes to the
    # workers, whose time limit holds, whatever its name.
    packed = gzip.compress(b"<p>word and another word here.</p>" * 200_000)
    assert len(packed) < workers.INLINE_BYTES
    assert not workers.small_input([_file(tmp_path, "hang.html.gz", packed)])
    assert not workers.small_input([_file(tmp_path, "hang.html", packed)])


def _no_workers(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("the workers were started for a small input")


def _rows(lake: Path) -> list[dict]:
    rows = pq.read_table(lake / "articles").to_pylist()
    return sorted(rows, key=lambda row: row["id"])


def test_a_small_day_runs_without_workers_and_gives_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in SEEDS_DAY.iterdir():
        if not path.name.endswith(".gz"):
            shutil.copy(path, raw / path.name)
    inline_lake, pooled_lake = tmp_path / "inline", tmp_path / "pooled"
    with monkeypatch.context() as patched:
        patched.setattr(workers, "start_server", _no_workers)
        patched.setattr(workers, "UnitPool", _no_workers)
        inline = run_day(str(raw), str(inline_lake), DAY, Settings(workers=1))
    # The same day with the inline limit at zero files goes through the workers.
    monkeypatch.setattr(workers, "INLINE_FILES", 0)
    monkeypatch.setattr("newsclean.day.INLINE_FILES", 0)
    pooled = run_day(str(raw), str(pooled_lake), DAY, Settings(workers=1))
    assert inline["units"] == pooled["units"] and inline["units"]["written"] >= 4
    assert _rows(inline_lake) == _rows(pooled_lake)


def test_a_larger_day_uses_the_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for copy in range(workers.INLINE_FILES + 1):
        shutil.copy(SEEDS_DAY / "islay-pier.html", raw / f"page-{copy}.html")
    pools = []
    real = workers.UnitPool

    def recorded(*args: object, **kwargs: object) -> workers.UnitPool:
        pools.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(workers, "UnitPool", recorded)
    manifest = run_day(str(raw), str(tmp_path / "lake"), DAY, Settings(workers=1))
    assert manifest["units"]["read"] == workers.INLINE_FILES + 1
    assert len(pools) == 1
