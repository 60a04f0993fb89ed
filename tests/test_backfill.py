"""`newsclean backfill`: days in date order, skipped when published from the same inputs,
run again on --redo, resumed after a kill, one bad day reported while the rest go on."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO
from warc_helpers import STORY, Archive, page

from newsclean.backfill import backfill, plan_days
from newsclean.check import check_partition
from newsclean.cli import main
from newsclean.config import Settings
from newsclean.lake import read_manifest

SETTINGS = Settings(workers=1)
FIRST, LAST = date(2026, 2, 12), date(2026, 2, 15)


@pytest.fixture
def archive_root(tmp_path: Path) -> Path:
    """The example days as ROOT/YYYY-MM-DD folders (2026-02-12 has none)."""
    root = tmp_path / "raw"
    shutil.copytree(EXAMPLES, root)
    return root


def _statuses(outcomes: list) -> list[tuple[str, str]]:
    return [(outcome.ingest_date.isoformat(), outcome.status) for outcome in outcomes]


def test_days_run_in_order_then_skip_then_redo(archive_root: Path, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    seen: list[tuple[int, int, str]] = []
    outcomes = backfill(
        str(archive_root),
        str(lake),
        FIRST,
        LAST,
        SETTINGS,
        report=lambda outcome, pace: seen.append((pace.done, pace.days, outcome.status)),
    )
    assert _statuses(outcomes) == [
        ("2026-02-12", "no-input"),
        ("2026-02-13", "published"),
        ("2026-02-14", "published"),
        ("2026-02-15", "published"),
    ]
    assert [done for done, _days, _status in seen] == [1, 2, 3, 4]
    run_ids = {}
    for outcome in outcomes[1:]:
        manifest = read_manifest(lake, outcome.ingest_date)
        assert manifest["input_fingerprint"]
        assert check_partition(str(lake), outcome.ingest_date)[0] == []
        run_ids[outcome.ingest_date] = manifest["run_id"]

    again = backfill(str(archive_root), str(lake), FIRST, LAST, SETTINGS)
    assert [status for _day, status in _statuses(again)[1:]] == ["skipped"] * 3
    assert {day: read_manifest(lake, day)["run_id"] for day in run_ids} == run_ids

    # A changed input, or changed settings, make a day run again; --redo runs them all.
    (archive_root / "2026-02-14" / "toyota-kentucky.txt").write_text("Changed\nA new body.\n")
    changed = backfill(str(archive_root), str(lake), FIRST, LAST, SETTINGS)
    assert [status for _day, status in _statuses(changed)[1:]] == [
        "skipped",
        "published",
        "skipped",
    ]
    other = backfill(str(archive_root), str(lake), FIRST, LAST, SETTINGS.replace(fix_typos=False))
    assert [status for _day, status in _statuses(other)[1:]] == ["published"] * 3
    redone = backfill(
        str(archive_root), str(lake), FIRST, LAST, SETTINGS.replace(fix_typos=False), redo=True
    )
    assert [status for _day, status in _statuses(redone)[1:]] == ["published"] * 3


def test_a_bad_day_is_reported_and_the_rest_go_on(
    archive_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake"
    (lake / "_staging").mkdir(parents=True)
    (lake / "_staging" / "ingest_date=2026-02-14").write_text("not a folder")  # day 14 cannot stage
    code = main(
        [
            "backfill",
            "--input",
            str(archive_root),
            "--lake",
            str(lake),
            "--from",
            "2026-02-13",
            "--to",
            "2026-02-15",
            "--workers",
            "1",
        ]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "2026-02-14 failed" in captured.err
    assert "1 failed, 2 published" in captured.out
    assert "failed 2026-02-14:" in captured.out
    assert read_manifest(lake, date(2026, 2, 13)) and read_manifest(lake, date(2026, 2, 15))
    assert read_manifest(lake, date(2026, 2, 14)) is None


def test_bad_arguments_give_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["backfill", "--lake", str(tmp_path / "lake"), "--from", "2026-02-13"]
    assert main([*base, "--input", str(tmp_path / "missing"), "--to", "2026-02-14"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main([*base, "--input", str(tmp_path), "--to", "2026-02-01"]) == 2
    assert "before --from" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main([*base, "--input", str(tmp_path), "--to", "2026-02-14", "--days-by", "moon"])
    assert stopped.value.code == 2


def test_warc_files_are_assigned_to_days_by_warc_date(tmp_path: Path) -> None:
    root = tmp_path / "cc-news"
    (root / "2026" / "02").mkdir(parents=True)
    for stamp, name in (("2026-02-13T23:10:00Z", "a"), ("2026-02-14T01:00:00Z", "b")):
        archive = Archive(root / "2026" / "02" / f"CC-NEWS-{name}.warc.gz")
        archive.warcinfo()
        archive.response(f"https://news.example/{name}", page(name, STORY).encode(), date=stamp)
        archive.close()
    (root / "notes.txt").write_text("not an archive")
    days = plan_days(str(root), date(2026, 2, 13), date(2026, 2, 15), by="warc-date")
    assert [[file.relative for file in day.files] for day in days] == [
        ["2026/02/CC-NEWS-a.warc.gz"],
        ["2026/02/CC-NEWS-b.warc.gz"],
        [],
    ]
    lake = tmp_path / "lake"
    outcomes = backfill(
        str(root), str(lake), date(2026, 2, 13), date(2026, 2, 15), SETTINGS, by="warc-date"
    )
    assert _statuses(outcomes) == [
        ("2026-02-13", "published"),
        ("2026-02-14", "published"),
        ("2026-02-15", "no-input"),
    ]
    manifest = read_manifest(lake, date(2026, 2, 13))
    assert manifest["warc_records"] == {"warcinfo": 1}
    assert [entry["relative"] for entry in manifest["inputs"]] == ["2026/02/CC-NEWS-a.warc.gz"]


def test_a_killed_backfill_resumes(archive_root: Path, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "NEWSCLEAN_WORKERS": "1"}
    command = [
        sys.executable,
        "-m",
        "newsclean.cli",
        "backfill",
        "--input",
        str(archive_root),
        "--lake",
        str(lake),
        "--from",
        "2026-02-13",
        "--to",
        "2026-02-15",
    ]
    first_day = lake / "articles" / "ingest_date=2026-02-13" / "_manifest.json"
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 240
        while not first_day.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert first_day.exists(), "the first day was never published"
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the backfill and its workers, mid-run
        process.wait()
    killed_run = read_manifest(lake, date(2026, 2, 13))["run_id"]

    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert "2026-02-13 skipped" in resumed.stderr
    assert read_manifest(lake, date(2026, 2, 13))["run_id"] == killed_run
    for day in (13, 14, 15):
        assert check_partition(str(lake), date(2026, 2, day))[0] == []


def test_the_documented_cc_news_example_backfills(tmp_path: Path) -> None:
    """docs/archives.md: the example pages as CC-NEWS-style files, backfilled by WARC-Date."""
    result = subprocess.run(
        [sys.executable, str(REPO / "examples" / "make_cc_news.py"), str(tmp_path / "cc")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(result.stdout.splitlines()) == 3
    lake = tmp_path / "lake"
    outcomes = backfill(
        str(tmp_path / "cc"), str(lake), date(2026, 2, 13), LAST, SETTINGS, by="warc-date"
    )
    assert [outcome.status for outcome in outcomes] == ["published"] * 3
    assert sum(outcome.units for outcome in outcomes) == 5
    manifest = read_manifest(lake, date(2026, 2, 13))
    assert manifest["warc_records"] == {"request": 2, "warcinfo": 1}
    assert all(check_partition(str(lake), outcome.ingest_date)[0] == [] for outcome in outcomes)


def test_a_day_with_an_unreadable_manifest_is_run_again(archive_root: Path, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    day = date(2026, 2, 14)
    backfill(str(archive_root), str(lake), day, day, SETTINGS)
    for table in ("articles", "quarantine"):
        (lake / table / "ingest_date=2026-02-14" / "_manifest.json").write_text("{not json")
    [outcome] = backfill(str(archive_root), str(lake), day, day, SETTINGS)
    assert outcome.status == "published", outcome.detail
    assert check_partition(str(lake), day)[0] == []
