"""Crashes: SIGKILL at random moments of a run, and a full disk. The lake shows a whole day or none.

A run of `newsclean run` in a subprocess (its own process group: CLI, fork server and
workers) is killed at a random moment, again and again. After each kill, the day must
check clean and hold exactly the rows of the old run or of the new one, never a mix;
finally an uninterrupted re-run must equal a run that was never killed.

Publishing takes milliseconds of a run's seconds, so random kills of whole runs rarely
land in it; a second loop stages a day's shard and kills `publish_day` itself at
random moments. NEWSCLEAN_KILL_ITERATIONS sets the publish kills (default 15); whole
runs are killed a quarter as often (at least 4).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from newsclean.check import check_partition
from newsclean.config import Settings
from newsclean.day import clean_shard, run_day
from newsclean.lake import MANIFEST, TABLE_DIRS, partition_dir, read_json, read_partition
from newsclean.readers import discover
from newsclean.validate import ARTICLE, QUARANTINE

DAY = date(2026, 3, 4)
PUBLISH_KILLS = int(os.environ.get("NEWSCLEAN_KILL_ITERATIONS", "15"))
RUN_KILLS = max(4, PUBLISH_KILLS // 4)
SEED = int(os.environ.get("NEWSCLEAN_KILL_SEED", "7"))
STORY = "The city council met on Tuesday evening to debate the budget for the coming year."


def _write_inputs(root: Path, version: int) -> None:
    root.mkdir(parents=True)
    for number in range(6):
        (root / f"story-{number}.txt").write_text(
            f"Story {number} of version {version}\n{STORY} Item {number}, version {version}.\n"
        )
    (root / "empty.html").write_bytes(b"")
    (root / f"feed-{version}.jsonl").write_text(
        '{"url": "https://news.example/a", "text": "A record."}\n{"broken\n'
    )


def _run_command(raw: Path, lake: Path) -> list[str]:
    return [
        sys.executable, "-m", "newsclean.cli", "run", "--input", str(raw), "--lake", str(lake),
        "--date", DAY.isoformat(), "--workers", "1", "--quiet",
    ]  # fmt: skip


def _run(raw: Path, lake: Path) -> None:
    subprocess.run(_run_command(raw, lake), check=True, timeout=300, capture_output=True)


def _rows(lake: Path) -> dict[str, list[dict]]:
    return {
        kind: sorted(read_partition(lake, DAY, kind).to_pylist(), key=lambda row: row["source_uri"])
        for kind in (ARTICLE, QUARANTINE)
    }


def _killed_run(raw: Path, lake: Path, after: float) -> float | None:
    """Start a run and SIGKILL its process group after `after` seconds; the run's time if
    it finished first."""
    started = time.monotonic()
    process = subprocess.Popen(
        _run_command(raw, lake), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        process.wait(timeout=after)
        finished: float | None = time.monotonic() - started
    except subprocess.TimeoutExpired:
        finished = None
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=60)
    return finished


def _visible_halves_are_whole(lake: Path) -> None:
    """Before any recovery: each visible partition directory is one run's complete output."""
    for kind in (ARTICLE, QUARANTINE):
        directory = partition_dir(lake, kind, DAY)
        manifest = read_json(directory / MANIFEST)
        listed = sorted(entry["name"] for entry in manifest["files"][TABLE_DIRS[kind]])
        assert sorted(path.name for path in directory.glob("*.parquet")) == listed


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[dict], float]:
    """Two inputs for the same day, and the rows an uninterrupted run makes of each."""
    base = tmp_path_factory.mktemp("crash")
    raws = [base / "raw-1", base / "raw-2"]
    results = []
    started = time.monotonic()
    for version, raw in enumerate(raws, start=1):
        _write_inputs(raw, version)
        reference = base / f"reference-{version}"
        run_day(str(raw), str(reference), DAY, Settings(workers=1))  # in-process: no start-up
        assert check_partition(str(reference), DAY)[0] == []
        results.append(_rows(reference))
    assert results[0] != results[1]
    return raws, results, (time.monotonic() - started) / 2


def test_kill_at_random_moments_leaves_old_or_new_day(
    tmp_path: Path, versions: tuple[list[Path], list[dict], float]
) -> None:
    raws, results, _reference_seconds = versions
    lake = tmp_path / "lake"
    started = time.monotonic()
    _run(raws[0], lake)
    run_seconds = time.monotonic() - started
    visible = 0
    seen = {"old": 0, "new": 0, "finished": 0}
    chance = random.Random(SEED)
    for _iteration in range(RUN_KILLS):
        target = 1 - visible
        # Most kills land in the run's second half, where staging and publishing happen.
        after = run_seconds * (
            chance.uniform(0.5, 1.0) if chance.random() < 0.7 else chance.uniform(0, 0.5)
        )
        finished = _killed_run(raws[target], lake, after)
        if finished is not None:  # the machine got faster: aim earlier next time
            run_seconds = min(run_seconds, finished)
        _visible_halves_are_whole(lake)
        problems, summary = check_partition(str(lake), DAY)  # completes an interrupted publish
        assert problems == [], summary
        rows = _rows(lake)
        assert rows in (results[visible], results[target])
        if finished is not None:
            seen["finished"] += 1
        if rows == results[target]:
            seen["new"] += 1
            visible = target
        else:
            assert finished is None
            seen["old"] += 1
    print(
        f"run kills: {RUN_KILLS}, old day visible after {seen['old']},"
        f" new day after {seen['new']}, run finished before the kill {seen['finished']}"
    )
    _run(raws[1], lake)
    assert check_partition(str(lake), DAY)[0] == []
    assert _rows(lake) == results[1]
    staged = lake / "_staging" / f"ingest_date={DAY.isoformat()}"
    assert not staged.exists() or not any(staged.iterdir()), list(staged.iterdir())


_PUBLISHER = """
import sys, time
from datetime import date
from newsclean.config import Settings
from newsclean.day import publish_day
print("ready", flush=True)
sys.stdin.readline()
started = time.monotonic()
publish_day(sys.argv[1], date.fromisoformat(sys.argv[2]), ["00000"], settings=Settings(workers=1))
print(time.monotonic() - started, flush=True)
"""


def _publish(lake: Path, after: float | None) -> float | None:
    """Publish the staged shard in a subprocess; kill it `after` seconds into publishing."""
    process = subprocess.Popen(
        [sys.executable, "-c", _PUBLISHER, str(lake), DAY.isoformat()], start_new_session=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout.readline().strip() == "ready"
    process.stdin.write("go\n")
    process.stdin.flush()
    if after is None:
        took = float(process.stdout.readline())
        process.wait(timeout=60)
        return took
    time.sleep(after)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    return None


def _stage(source_lake: Path, lake: Path) -> None:
    staged = lake / "_staging" / f"ingest_date={DAY.isoformat()}" / "shard-00000"
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(
        source_lake / "_staging" / f"ingest_date={DAY.isoformat()}" / "shard-00000", staged
    )


def test_kill_while_publishing_leaves_old_or_new_day(
    tmp_path: Path, versions: tuple[list[Path], list[dict], float]
) -> None:
    raws, results, _run_seconds = versions
    staged = []
    for version, raw in enumerate(raws):
        source = tmp_path / f"staged-{version}"
        clean_shard(
            [file.uri for file in discover(str(raw))], input_root=str(raw), lake=str(source),
            ingest_date=DAY, shard_id="00000", settings=Settings(workers=1),
        )  # fmt: skip
        staged.append(source)
    lake = tmp_path / "lake"
    _stage(staged[0], lake)
    publish_seconds = _publish(lake, None)
    assert _rows(lake) == results[0]
    visible, seen = 0, {"old": 0, "new": 0, "rolled forward": 0}
    chance = random.Random(SEED)
    window = 1.3 * publish_seconds
    journal = lake / "_staging" / f"ingest_date={DAY.isoformat()}" / "publish.json"
    for _iteration in range(PUBLISH_KILLS):
        target = 1 - visible
        _stage(staged[target], lake)
        _publish(lake, chance.uniform(0, window))
        _visible_halves_are_whole(lake)
        seen["rolled forward"] += journal.exists()
        problems, summary = check_partition(str(lake), DAY)
        assert problems == [], summary
        rows = _rows(lake)
        assert rows in (results[visible], results[target])
        # Aim the next kill nearer the swap: earlier after a finished publish, later before.
        if rows == results[target]:
            seen["new"] += 1
            visible = target
            window *= 0.8
        else:
            seen["old"] += 1
            window *= 1.25
    print(f"publish kills: {PUBLISH_KILLS} (an uninterrupted publish took {publish_seconds:.3f}s): "
          f"{seen}")  # fmt: skip


def _mount_tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    return result.returncode == 0


def test_full_disk_fails_in_one_line_and_keeps_the_old_day(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "2m"):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        lake = disk / "lake"
        small, large = tmp_path / "small", tmp_path / "large"
        _write_inputs(small, 1)
        large.mkdir()
        junk = random.Random(3)
        for number in range(12):  # incompressible quarantine payloads: about 3 MB
            (large / f"junk-{number}.html").write_bytes(junk.randbytes(300_000))
        run_day(str(small), str(lake), DAY, Settings(workers=1))
        before = _rows(lake)
        result = subprocess.run(
            _run_command(large, lake), capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        [line] = result.stderr.strip().splitlines()
        assert "cannot write the lake" in line and "No space left on device" in line
        assert check_partition(str(lake), DAY)[0] == []
        assert _rows(lake) == before
        staged = lake / "_staging" / f"ingest_date={DAY.isoformat()}"
        assert not any(staged.iterdir()), list(staged.iterdir())
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)
