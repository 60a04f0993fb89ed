"""UnitPool with queued units: order kept, queued units survive a worker's death, and
recycled workers change no result."""

from __future__ import annotations

import os
import signal
from collections import Counter

from newsclean.config import Settings
from newsclean.record import Article, RawUnit, Rejected
from newsclean.workers import UnitPool


def _echo_or_die(unit: RawUnit, settings: Settings) -> Article | Rejected:
    marker = unit.payload if isinstance(unit.payload, str) else unit.payload.decode()
    if marker == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    return Article(
        id=unit.source_uri, source_uri=unit.source_uri, source_format="text", text=marker
    )


def test_many_small_units_come_back_in_order_with_queued_units_retried() -> None:
    markers = [f"ok-{n}" for n in range(300)]
    markers[40] = markers[41] = markers[250] = "die"
    units: list[RawUnit | Rejected] = [
        RawUnit(f"u{n}", f"u{n}", "text", "text", marker) for n, marker in enumerate(markers)
    ]
    units.insert(10, Rejected("bad", "unknown", "read", "read.empty", "file is empty"))
    big = "x" * 200_000  # larger than a worker's queue: sent alone
    units.insert(100, RawUnit("big", "big", "text", "text", big))
    with UnitPool(_echo_or_die, Settings(unit_timeout=30.0), processes=2) as pool:
        results = list(pool.imap(units))
    assert [unit.source_uri for unit, _result in results] == [unit.source_uri for unit in units]
    for unit, result in results:
        if isinstance(unit, Rejected):
            assert result is unit
        elif unit.payload == "die":
            assert isinstance(result, Rejected) and result.reason == "pipeline.worker_died"
        else:
            assert isinstance(result, Article) and result.text == unit.payload


def _echo_with_pid(unit: RawUnit, settings: Settings) -> Article | Rejected:
    marker = unit.payload if isinstance(unit.payload, str) else unit.payload.decode()
    return Article(
        id=unit.source_uri,
        source_uri=unit.source_uri,
        source_format="text",
        text=marker,
        site_name=str(os.getpid()),
    )


def test_recycled_workers_give_the_same_results_in_order() -> None:
    units: list[RawUnit | Rejected] = [
        RawUnit(f"u{n}", f"u{n}", "text", "text", f"ok-{n}") for n in range(60)
    ]
    settings = Settings(unit_timeout=30.0)
    with UnitPool(_echo_with_pid, settings, processes=2, recycle_after=7) as pool:
        recycled = list(pool.imap(units))
    with UnitPool(_echo_with_pid, settings, processes=2, recycle_after=None) as pool:
        kept = list(pool.imap(units))
    assert [(u.source_uri, r.text) for u, r in recycled] == [
        (u.source_uri, r.text) for u, r in kept
    ]
    assert [result.text for _unit, result in recycled] == [f"ok-{n}" for n in range(60)]
    pids = Counter(result.site_name for _unit, result in recycled)
    assert len(pids) >= 60 // 7  # fresh workers took over
    assert max(pids.values()) <= 7  # no worker cleaned more than its share
    assert len({result.site_name for _unit, result in kept}) <= 2


def test_a_worker_that_died_between_units_is_replaced_and_no_unit_is_lost() -> None:
    """Sending to a worker that has died (killed from outside, out of memory) finds its
    pipe closed: the unit goes to its replacement instead of failing the run."""
    units = [RawUnit(f"u{n}", f"u{n}", "text", "text", f"ok-{n}") for n in range(12)]
    with UnitPool(_echo_or_die, Settings(unit_timeout=30.0), processes=1) as pool:
        assert [result.text for _unit, result in pool.imap(units[:2])] == ["ok-0", "ok-1"]
        for worker in pool._workers:  # killed while idle, between two calls
            worker.process.kill()
            worker.process.join()
        results = list(pool.imap(units[2:]))
    assert [unit.source_uri for unit, _result in results] == [unit.source_uri for unit in units[2:]]
    for unit, result in results:
        assert isinstance(result, Article) and result.text == unit.payload
