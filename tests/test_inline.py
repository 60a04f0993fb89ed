"""Small inputs are cleaned in the calling process, without the workers' server: the
same rows, without seconds of start-up, and a unit's time limit kept by SIGALRM.
(Start-up itself is measured by benchmarks/startup_bench.py, not timed here.)"""

from __future__ import annotations

import gzip
import re
import shutil
import signal
import threading
import time
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import SEEDS_DAY

from newsclean import workers
from newsclean.config import Settings
from newsclean.day import run_day
from newsclean.readers import InputFile
from newsclean.record import RawUnit

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


STORY = (
    "The harbour board voted on Tuesday to rebuild the old pier before the winter storms "
    "return, after two seasons of delays and a long argument over the cost of the work."
)


def _hang_on(name: str, real: object) -> object:
    """The pipeline's work, except that the unit from file `name` runs for minutes: a
    regular expression that backtracks (Python code; the limit of this test is 0.5 s)."""

    def work(unit: RawUnit, *args: object, **kwargs: object) -> object:
        if unit.source_uri.endswith(name):
            re.fullmatch(r"(a|aa)+b", "a" * 40)
        return real(unit, *args, **kwargs)

    return work


def _small_day(folder: Path) -> Path:
    raw = folder / "raw"
    raw.mkdir()
    for name in ("first.txt", "hang.txt", "last.txt"):
        (raw / name).write_text(f"{name} headline\n\n{STORY}\n\n{STORY}\n")
    return raw


def test_a_unit_that_hangs_in_process_is_stopped_at_its_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsclean.day

    raw = _small_day(tmp_path)
    monkeypatch.setattr(workers, "start_server", _no_workers)
    monkeypatch.setattr(workers, "UnitPool", _no_workers)
    monkeypatch.setattr(
        newsclean.day, "prepare_unit", _hang_on("hang.txt", newsclean.day.prepare_unit)
    )
    handler = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    manifest = run_day(str(raw), str(tmp_path / "lake"), DAY, Settings(unit_timeout=0.5))
    assert time.monotonic() - started < 30
    assert manifest["units"]["written"] == 2
    quarantine = pq.read_table(tmp_path / "lake" / "quarantine").to_pylist()
    assert [(row["source_uri"].rsplit("/", 1)[-1], row["reason"]) for row in quarantine] == [
        ("hang.txt", "extract.timeout")
    ]
    assert "unit_timeout=0.5s" in quarantine[0]["detail"]
    # The alarm is left as it was found: its handler back, no timer running.
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_in_process_limit_stops_only_the_unit_that_overran() -> None:
    units = [RawUnit(f"{name}.txt", name, "text", "text", STORY) for name in "abc"]
    calls = []

    def work(unit: RawUnit, settings: Settings) -> str:
        calls.append(unit.source_uri)
        if unit.source_uri == "b.txt":
            while True:
                time.sleep(0.01)
        time.sleep(0.3)  # slower than nothing, within the limit
        return unit.source_uri

    with workers.InlinePool(work, Settings(unit_timeout=0.2 + 0.3)) as pool:
        results = [result for _unit, result in pool.imap(units)]
    assert results[0] == "a.txt" and results[2] == "c.txt"
    assert results[1].reason == "extract.timeout" and results[1].source_uri == "b.txt"
    assert calls == ["newsclean:warm-up", "a.txt", "b.txt", "c.txt"]


def test_the_in_process_limit_does_not_count_the_process_s_first_loading() -> None:
    units = [RawUnit(f"{name}.txt", name, "text", "text", STORY) for name in "ab"]
    loaded = []

    def work(unit: RawUnit, settings: Settings) -> str:
        if not loaded:  # the process's first clean loads the word lists and models
            time.sleep(1.0)
            loaded.append(unit.source_uri)
        return unit.source_uri

    with workers.InlinePool(work, Settings(unit_timeout=0.5)) as pool:
        results = [result for _unit, result in pool.imap(units)]
    assert results == ["a.txt", "b.txt"]
    assert loaded == ["newsclean:warm-up"]


def _record_pools(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    pools: list[object] = []
    real = workers.UnitPool

    def recorded(*args: object, **kwargs: object) -> workers.UnitPool:
        pools.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(workers, "UnitPool", recorded)
    return pools


def test_a_small_day_uses_the_workers_when_the_alarm_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under an outer SIGALRM timer (Airflow's execution_timeout uses one) the workers
    keep the time limit, and the outer timer and handler are left alone."""
    raw = _small_day(tmp_path)
    pools = _record_pools(monkeypatch)
    fired = []

    def outer(*_args: object) -> None:
        fired.append(True)

    previous = signal.signal(signal.SIGALRM, outer)
    signal.setitimer(signal.ITIMER_REAL, 600)
    try:
        manifest = run_day(str(raw), str(tmp_path / "lake"), DAY, Settings(workers=1))
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        handler = signal.getsignal(signal.SIGALRM)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert manifest["units"]["read"] == 3 and len(pools) == 1
    assert 0 < remaining <= 600 and not fired
    assert handler is outer


def test_a_small_day_off_the_main_thread_uses_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _small_day(tmp_path)
    pools = _record_pools(monkeypatch)
    found = []
    thread = threading.Thread(
        target=lambda: found.append(
            run_day(str(raw), str(tmp_path / "lake"), DAY, Settings(workers=1))
        )
    )
    thread.start()
    thread.join()
    assert found and found[0]["units"]["read"] == 3 and len(pools) == 1


def test_a_small_run_starts_the_chart_engine_once_its_units_are_cleaned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's start holds the process for a moment: a small run's first unit
    does not wait for it."""
    from newsclean.report import render

    raw = _small_day(tmp_path)
    events: list[str] = []
    monkeypatch.setattr(render, "warm_up", lambda: events.append("chart engine"))
    monkeypatch.setattr("newsclean.day._write_report", lambda *arguments: None)
    run_day(
        str(raw), str(tmp_path / "lake"), DAY, Settings(), progress=lambda n: events.append("unit")
    )
    assert events == ["unit", "unit", "unit", "chart engine"]
