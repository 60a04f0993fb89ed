"""What a user already published is never lost, and a run never fails silently: empty
input is refused, replaced days are kept and can be restored, and internal errors make
the run exit non-zero."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import newsclean

from newsclean.config import Settings
from newsclean.day import (
    EmptyInputError,
    clean_shard,
    internal_errors,
    publish_day,
    restore_day,
    run_day,
)
from newsclean.lake import (
    MANIFEST,
    kept_versions,
    partition_dir,
    read_json,
    staging_dir,
    versions_dir,
)
from newsclean.validate import ARTICLE, QUARANTINE

DAY = date(2026, 3, 9)
STORY = "The harbour authority approved a new ferry timetable after a long public hearing."
SETTINGS = Settings(workers=1)


def raw_day(root: Path, *stories: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for index, story in enumerate(stories):
        (root / f"story-{index}.txt").write_text(f"Headline {index}\n{story}\n")
    return root


def snapshot(lake: Path) -> dict[str, bytes]:
    """Every file of the day's two partitions, by relative path."""
    files = {}
    for kind in (ARTICLE, QUARANTINE):
        directory = partition_dir(lake, kind, DAY)
        for path in sorted(directory.iterdir()):
            files[str(path.relative_to(lake))] = path.read_bytes()
    return files


@pytest.fixture
def published(tmp_path: Path) -> Path:
    lake = tmp_path / "lake"
    run_day(str(raw_day(tmp_path / "raw", STORY)), str(lake), DAY, SETTINGS)
    return lake


# Empty input never erases a day.


@pytest.mark.parametrize("content", ["nothing", "hidden only"])
def test_run_over_an_input_without_raw_files_is_refused_and_keeps_the_day(
    tmp_path: Path, published: Path, content: str
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    if content == "hidden only":
        (empty / ".DS_Store").write_bytes(b"\0\0")
        (empty / "_SUCCESS").write_text("")
    before = snapshot(published)
    result = newsclean("run", "--input", str(empty), "--lake", str(published), "--date", str(DAY))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no raw file" in lines[0] and "--allow-empty" in lines[0], lines
    assert snapshot(published) == before


def test_run_day_refuses_before_staging_anything(tmp_path: Path, published: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(EmptyInputError):
        run_day(str(tmp_path / "empty"), str(published), DAY, SETTINGS)
    assert not list(staging_dir(published, DAY).glob("shard-*"))


def test_publishing_shards_that_read_nothing_is_refused(tmp_path: Path, published: Path) -> None:
    """The DAG's path: a shard staged from no file cannot replace a published day."""
    (tmp_path / "empty").mkdir()
    before = snapshot(published)
    clean_shard(
        [],
        input_root=str(tmp_path / "empty"),
        lake=str(published),
        ingest_date=DAY,
        shard_id="00000",
        settings=SETTINGS,
    )
    with pytest.raises(EmptyInputError):
        publish_day(str(published), DAY, ["00000"], settings=SETTINGS)
    assert snapshot(published) == before


def test_allow_empty_publishes_an_empty_day_that_says_so(tmp_path: Path, published: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = newsclean(
        "run",
        "--input",
        str(tmp_path / "empty"),
        "--lake",
        str(published),
        "--date",
        str(DAY),
        "--allow-empty",
    )
    assert result.returncode == 0, result.stderr
    assert "empty day was published" in result.stdout
    manifest = read_json(partition_dir(published, ARTICLE, DAY) / MANIFEST)
    assert manifest["empty_on_purpose"] is True
    assert manifest["units"] == {"read": 0, "written": 0, "quarantined": 0}
    assert newsclean("check", "--lake", str(published), "--date", str(DAY)).returncode == 0
    # ... and the day it replaced is kept.
    assert [version["units"]["written"] for version in kept_versions(published, DAY)] == [1]


def test_a_day_with_files_says_nothing_of_empty(published: Path) -> None:
    assert "empty_on_purpose" not in read_json(partition_dir(published, ARTICLE, DAY) / MANIFEST)


# A replaced day stays recoverable.


def _publish_versions(tmp_path: Path, lake: Path, count: int, settings: Settings) -> list[str]:
    """Publish `count` different versions of DAY; their run_ids, oldest first."""
    run_ids = []
    for index in range(count):
        stories = [f"{STORY} Version {index}, paragraph {n}." for n in range(index + 1)]
        raw = raw_day(tmp_path / f"raw-{index}", *stories)
        run_ids.append(run_day(str(raw), str(lake), DAY, settings)["run_id"])
    return run_ids


def test_replaced_versions_are_kept_up_to_the_retention(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    run_ids = _publish_versions(tmp_path, lake, 5, Settings(workers=1, keep_versions=3))
    kept = kept_versions(lake, DAY)
    # The live day is the last; the three before it are kept, newest replaced first.
    assert [version["run_id"] for version in kept] == run_ids[3::-1][:3]
    assert sorted(path.name for path in versions_dir(lake, DAY).iterdir()) == sorted(run_ids[1:4])


def test_keep_versions_zero_keeps_none(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    _publish_versions(tmp_path, lake, 2, Settings(workers=1, keep_versions=0))
    assert kept_versions(lake, DAY) == []


def test_restore_puts_a_kept_version_back_whole(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    run_ids = _publish_versions(tmp_path, lake, 3, SETTINGS)
    oldest = run_ids[0]
    result = newsclean("restore", "--lake", str(lake), "--date", str(DAY), "--run-id", oldest)
    assert result.returncode == 0, result.stderr
    assert f"restored version {oldest}" in result.stdout
    manifest = read_json(partition_dir(lake, ARTICLE, DAY) / MANIFEST)
    assert manifest["run_id"] == oldest and manifest["units"]["written"] == 1
    check = newsclean("check", "--lake", str(lake), "--date", str(DAY))
    assert check.returncode == 0, check.stdout
    # The version the restore replaced is kept in turn; the restored one is live, not kept.
    kept = [version["run_id"] for version in kept_versions(lake, DAY)]
    assert kept[0] == run_ids[2] and oldest not in kept
    # Without --run-id the most recently replaced version comes back.
    assert restore_day(str(lake), DAY, settings=SETTINGS)["run_id"] == run_ids[2]


def test_restore_lists_versions_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    run_ids = _publish_versions(tmp_path, lake, 2, SETTINGS)
    listing = newsclean("restore", "--lake", str(lake), "--date", str(DAY), "--list")
    assert listing.returncode == 0 and run_ids[0] in listing.stdout
    before = snapshot(lake)
    result = newsclean("restore", "--lake", str(lake), "--date", str(DAY), "--run-id", "feedbeef")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "feedbeef" in result.stderr
    assert snapshot(lake) == before


def test_a_publish_killed_while_keeping_the_old_day_keeps_it_on_recovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsclean.lake as lake_module

    lake = tmp_path / "lake"
    first = _publish_versions(tmp_path, lake, 1, SETTINGS)[0]
    real_keep = lake_module._keep_version

    def killed(*args: object) -> None:
        raise KeyboardInterrupt  # as a kill between the swaps and keeping the old day

    monkeypatch.setattr(lake_module, "_keep_version", killed)
    with pytest.raises(KeyboardInterrupt):
        run_day(str(raw_day(tmp_path / "new", STORY + " Updated.")), str(lake), DAY, SETTINGS)
    monkeypatch.setattr(lake_module, "_keep_version", real_keep)
    check = newsclean("check", "--lake", str(lake), "--date", str(DAY))  # check rolls forward
    assert check.returncode == 0, check.stdout
    kept = kept_versions(lake, DAY)
    assert [version["run_id"] for version in kept] == [first]
    for table in ("articles", "quarantine"):
        assert (Path(kept[0]["path"]) / table / MANIFEST).is_file()


# An internal error is never silent.

BROKEN = """
try:
    import newsclean.repair as _repair
except ImportError:
    pass
else:
    _real = _repair.repair_text

    def _broken(text, **options):
        if "BROKEN-DEPENDENCY" in text:
            raise RuntimeError("a dependency broke")
        return _real(text, **options)

    _repair.repair_text = _broken
"""


@pytest.fixture
def broken_env(tmp_path: Path) -> dict[str, str]:
    """An environment in which cleaning some units raises inside newsclean, in every
    process (the workers too), as a broken dependency would."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(BROKEN)
    paths = [str(hook), os.environ.get("PYTHONPATH", "")]
    return {"PYTHONPATH": os.pathsep.join(path for path in paths if path)}


def test_internal_errors_quarantine_the_unit_and_fail_the_run(
    tmp_path: Path, broken_env: dict[str, str]
) -> None:
    raw = raw_day(tmp_path / "raw", STORY, f"{STORY} BROKEN-DEPENDENCY", f"{STORY} Again.")
    lake = tmp_path / "lake"
    result = newsclean(
        "run", "--input", str(raw), "--lake", str(lake), "--date", str(DAY), env=broken_env
    )
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "1 unit(s) hit an internal error" in result.stderr
    assert "pipeline.error.RuntimeError" in result.stdout
    manifest = read_json(partition_dir(lake, ARTICLE, DAY) / MANIFEST)
    assert internal_errors(manifest) == 1 and manifest["units"]["written"] == 2
    help_text = newsclean("run", "--help").stdout  # the exit code is documented
    assert re.search(r"\b3\b[^\n]*internal error", help_text), help_text


def test_bad_input_alone_is_not_an_internal_error(tmp_path: Path) -> None:
    raw = raw_day(tmp_path / "raw", STORY)
    (raw / "empty.html").write_bytes(b"")
    result = newsclean(
        "run", "--input", str(raw), "--lake", str(tmp_path / "lake"), "--date", str(DAY)
    )
    assert result.returncode == 0, result.stderr
    manifest = read_json(partition_dir(tmp_path / "lake", ARTICLE, DAY) / MANIFEST)
    assert manifest["units"]["quarantined"] == 1 and internal_errors(manifest) == 0


def test_the_dag_fails_a_day_with_internal_errors(
    tmp_path: Path, broken_env: dict[str, str]
) -> None:
    from airflow_helpers import airflow_env, migrate, run_dag_test

    raw = tmp_path / "raw"
    raw_day(raw / DAY.isoformat(), STORY, f"{STORY} BROKEN-DEPENDENCY")
    env = airflow_env(tmp_path / "home", raw_root=raw, lake=tmp_path / "lake")
    env["PYTHONPATH"] = os.pathsep.join([broken_env["PYTHONPATH"], env["PYTHONPATH"]])
    migrate(env)
    outcome = run_dag_test(env, DAY.isoformat())
    assert outcome["task_states"]["publish_day"] == "success", json.dumps(outcome)[:2000]
    assert outcome["task_states"]["check_quarantine_share"] == "failed", json.dumps(outcome)[:2000]
    assert "internal error" in outcome["output"]
