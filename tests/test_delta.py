"""The Delta Lake lake on a real S3-compatible server (moto's, on 127.0.0.1): publish,
re-run, shards staged by separate workers, kills during publish, check, restore, reading
back with deltalake and pyarrow, story labels and the report as a Parquet lake's, and
credentials kept out of every output."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from conftest import EXAMPLES, newsclean
from s3_server import SECRET, make_bucket, s3_server

from newsclean import delta
from newsclean.check import check_partition
from newsclean.config import Settings
from newsclean.day import clean_shard, publish_day, restore_day, run_day
from newsclean.lake import LakeError, read_partition, shard_dir
from newsclean.report import published_report, report_path
from newsclean.report.metrics import load_metrics
from newsclean.validate import ARTICLE, STORY

DAY = date(2026, 3, 2)
SETTINGS = Settings(workers=1)
OLD_INPUT = EXAMPLES / "2026-02-15"  # 5 units: 3 articles, 2 quarantined
NEW_INPUT = EXAMPLES / "2026-02-14"


@pytest.fixture(scope="module")
def s3() -> Iterator[dict[str, str]]:
    """The server's environment, set in this process (and so in its subprocesses)."""
    try:
        server = s3_server()
        environment = server.__enter__()
    except (RuntimeError, OSError) as error:
        pytest.skip(f"moto's S3 server cannot start here: {error}")
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in environment.items():
                patch.setenv(name, value)
            patch.delenv(delta.STORAGE_OPTIONS_ENV, raising=False)
            patch.delenv(delta.LAKE_FORMAT_ENV, raising=False)
            yield environment
    finally:
        server.__exit__(None, None, None)


@pytest.fixture
def bucket(s3: dict[str, str], request: pytest.FixtureRequest) -> str:
    name = request.node.name.replace("_", "-").lower()[:50]
    make_bucket(s3, name)
    return f"s3://{name}/lake"


def fetches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The staged files the publishes fetch from the lake from now on (filled as they do)."""
    fetched: list[str] = []
    fetch = delta.DeltaLake.fetch

    def spy(self: delta.DeltaLake, files: dict[str, Path]) -> None:
        fetched.extend(files)
        fetch(self, files)

    monkeypatch.setattr(delta.DeltaLake, "fetch", spy)
    return fetched


def ids(lake: str, kind: str = "article") -> set[str]:
    table = delta.DeltaLake(lake).read_day(DAY, kind)
    column = "id" if kind == "article" else "source_uri"
    return set(table.column(column).to_pylist())


def test_lake_format_follows_flag_environment_and_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(delta.LAKE_FORMAT_ENV, raising=False)
    assert delta.lake_format("s3://bucket/lake") == "delta"
    assert delta.lake_format("gs://bucket/lake") == "delta"
    assert delta.lake_format(str(tmp_path)) == "parquet"
    assert delta.lake_format(str(tmp_path), "delta") == "delta"
    monkeypatch.setenv(delta.LAKE_FORMAT_ENV, "delta")
    assert delta.lake_format(str(tmp_path)) == "delta"
    with pytest.raises(LakeError, match="no atomic rename"):
        delta.lake_format("s3://bucket/lake", "parquet")
    with pytest.raises(LakeError, match="unsupported lake URI scheme"):
        delta.lake_format("ftp://host/lake")
    with pytest.raises(LakeError, match="credentials"):
        delta.DeltaLake("s3://key:secret@bucket/lake")


def test_stale_staging_is_removed_and_fresh_staging_kept(tmp_path: Path) -> None:
    lake = delta.DeltaLake(str(tmp_path / "lake"))
    fresh = Path(lake.staging(DAY, "00000")) / "shard.json"
    stale = Path(lake.staging(date(2026, 1, 1), "00003")) / "articles" / "part-00003.parquet"
    for path in (fresh, stale):
        path.parent.mkdir(parents=True)
        path.write_text("{}")
    three_days_ago = time.time() - 3 * 86400
    os.utime(stale, (three_days_ago, three_days_ago))
    assert lake.remove_stale_staging() == [str(stale.parents[1])]
    assert fresh.exists() and not stale.parents[1].exists()


def test_small_parts_are_merged_before_a_commit_and_large_ones_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = []
    for index, rows in enumerate([3, 2, 400, 1]):
        path = tmp_path / f"shard-{index}" / "part.parquet"
        path.parent.mkdir()
        pq.write_table(pa.table({"n": [f"{index}-{row}" * 40 for row in range(rows)]}), path)
        parts.append(path)
    monkeypatch.setattr(delta, "SMALL_PART", parts[2].stat().st_size)
    committed = delta._merged_small_parts(parts)
    assert committed[0] == parts[2], "a part of SMALL_PART bytes or more goes as it is"
    assert len(committed) == 2
    merged = pq.read_table(committed[1]).column("n").to_pylist()
    assert merged == [
        f"{index}-{row}" * 40 for index, rows in ((0, 3), (1, 2), (3, 1)) for row in range(rows)
    ]
    assert delta._merged_small_parts(parts[2:3]) == parts[2:3]


def test_a_completed_kinds_small_parts_are_merged_and_committed_as_one_file(
    tmp_path: Path,
) -> None:
    from conftest import sample_article

    from newsclean.lake import PartWriter
    from newsclean.rows import article_record

    day = date(2026, 4, 1)
    parts = []
    for index in range(3):
        path = tmp_path / f"shard-{index}" / "articles" / "part.parquet"
        path.parent.mkdir(parents=True)
        writer = PartWriter(path, ARTICLE, batch_rows=10)
        article = sample_article(id=f"{index:032x}")
        writer.write(article_record(article, ingest_date=day, pipeline_version="test"))
        writer.close()
        parts.append(path)
    lake = delta.DeltaLake(str(tmp_path / "lake"))
    with delta.DayCommit(lake, day) as commit:
        for path in parts:
            commit.add(ARTICLE, path)
        commit.complete(ARTICLE)  # merged and uploaded in the background from now on
        folder = tmp_path / "lake" / "articles" / f"ingest_date={day}"
        deadline = time.monotonic() + 60
        while not list(folder.glob("*.parquet")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(list(folder.glob("*.parquet"))) == 1, "uploaded before the commit"
        commit.commit({"run_id": "0123456789abcdef"}, [])
    assert sorted(lake.read_day(day, ARTICLE).column("id").to_pylist()) == [
        f"{index:032x}" for index in range(3)
    ]
    assert len(list(folder.glob("*.parquet"))) == 1


def test_published_report_names_a_local_delta_days_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the DAG's asset event and the run summary name: the page in the lake's store."""
    monkeypatch.delenv(delta.LAKE_FORMAT_ENV, raising=False)
    lake = str(tmp_path / "lake")
    run_day(str(OLD_INPUT), lake, DAY, SETTINGS, lake_format="delta")
    page = published_report(lake, DAY)
    assert page == f"{tmp_path / 'lake'}/_reports/ingest_date={DAY}/report.html"
    assert "compared with 0 earlier published day(s)" in Path(page).read_text(encoding="utf-8")
    assert published_report(lake, date(2026, 3, 3)) is None


def test_a_run_on_a_local_delta_lake_publishes_its_shard_without_fetching_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`newsclean run` reads the shard it staged from its own copy (a local lake's files
    are told apart by their modification time), and publishes the same day as a publish
    that fetches the staged shard."""
    monkeypatch.delenv(delta.LAKE_FORMAT_ENV, raising=False)
    fetched = fetches(monkeypatch)
    lake = str(tmp_path / "lake")
    ran = run_day(str(OLD_INPUT), lake, DAY, SETTINGS, lake_format="delta")
    assert fetched == []
    files = sorted(str(path) for path in OLD_INPUT.iterdir())
    clean_shard(
        files,
        input_root=str(OLD_INPUT),
        lake=lake,
        ingest_date=DAY,
        shard_id="00000",
        settings=SETTINGS,
        lake_format="delta",
    )
    published = publish_day(lake, DAY, ["00000"], settings=SETTINGS, lake_format="delta")
    assert fetched, "a publish without the copy fetches the staged shard"
    assert published["run_id"] == ran["run_id"]
    assert check_partition(lake, DAY)[0] == []


def test_a_publish_stopped_before_its_commit_leaves_the_lake_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing is committed before the labels are: a publish failing there leaves only
    empty tables (created as it starts), no day a reader can see, and keeps the staging;
    the next publish completes the day."""
    from deltalake import DeltaTable

    from newsclean import day as day_module

    monkeypatch.delenv(delta.LAKE_FORMAT_ENV, raising=False)
    lake = tmp_path / "lake"
    clean_shard(
        sorted(str(path) for path in OLD_INPUT.iterdir()),
        input_root=str(OLD_INPUT),
        lake=str(lake),
        ingest_date=DAY,
        shard_id="00000",
        settings=SETTINGS,
        lake_format="delta",
    )
    label_staged = day_module.label_staged

    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the labeling stopped")

    monkeypatch.setattr(day_module, "label_staged", failing)
    with pytest.raises(RuntimeError, match="the labeling stopped"):
        publish_day(str(lake), DAY, ["00000"], settings=SETTINGS, lake_format="delta")
    store = delta.DeltaLake(str(lake))
    assert store.live(DAY) is None and not (lake / "manifests").exists()
    for kind, table in (
        ("article", "articles"),
        ("quarantine", "quarantine"),
        ("story", "stories"),
    ):
        assert len(store.read_day(DAY, kind)) == 0
        assert DeltaTable(str(lake / table)).file_uris() == [], f"{table}: committed files"
    assert (lake / "_staging" / f"ingest_date={DAY}" / "shard-00000" / "shard.json").is_file()

    monkeypatch.setattr(day_module, "label_staged", label_staged)
    manifest = publish_day(str(lake), DAY, ["00000"], settings=SETTINGS, lake_format="delta")
    assert manifest["units"] == {"read": 5, "written": 3, "quarantined": 2}
    assert check_partition(str(lake), DAY) == ([], f"{DAY}: read 5, written 3, quarantined 2: OK")
    assert len(delta.DeltaLake(str(lake)).read_day(DAY, "article")) == 3
    assert not (lake / "_staging" / f"ingest_date={DAY}").exists()


def test_tables_logs_are_checkpointed_every_so_many_versions_and_still_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publish that brings a table to a multiple of CHECKPOINT_EVERY versions leaves a
    checkpoint of its log; the live day and an earlier version (restore) read as before."""
    monkeypatch.delenv(delta.LAKE_FORMAT_ENV, raising=False)
    monkeypatch.setattr(delta, "CHECKPOINT_EVERY", 2)
    lake = tmp_path / "lake"

    def checkpoints() -> dict[str, list[str]]:
        return {
            table: sorted(
                path.name for path in (lake / table / "_delta_log").glob("*.checkpoint.parquet")
            )
            for table in ("articles", "quarantine", "stories", "manifests")
        }

    run_day(str(OLD_INPUT), str(lake), DAY, SETTINGS, lake_format="delta")
    old_ids = ids(str(lake))
    assert checkpoints() == {table: [] for table in checkpoints()}  # at version 1 (0 for manifests)
    second = run_day(str(NEW_INPUT), str(lake), DAY, SETTINGS, lake_format="delta")
    at_two = "00000000000000000002.checkpoint.parquet"
    assert checkpoints() == {
        "articles": [at_two],
        "quarantine": [at_two],
        "stories": [at_two],
        "manifests": [],  # at version 1
    }
    new_ids = ids(str(lake))
    assert new_ids and new_ids != old_ids
    run_day(str(OLD_INPUT), str(lake), DAY, SETTINGS, lake_format="delta")
    assert checkpoints()["manifests"] == [at_two]
    assert ids(str(lake)) == old_ids
    assert check_partition(str(lake), DAY)[0] == []
    restored = restore_day(str(lake), DAY, settings=SETTINGS)  # reads version 2 back
    assert restored["run_id"] == second["run_id"]
    assert ids(str(lake)) == new_ids
    assert check_partition(str(lake), DAY)[0] == []


def test_redact_removes_secrets_of_environment_and_storage_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-from-env")
    options = {"azure_storage_account_key": "k3y-from-options", "aws_region": "eu-west-1"}
    text = "failed with s3cr3t-from-env and k3y-from-options in eu-west-1"
    assert delta.redact(text, options) == "failed with *** and *** in eu-west-1"


def test_publish_rerun_check_read_back_and_restore_on_s3(bucket: str) -> None:
    first = run_day(str(OLD_INPUT), bucket, DAY, SETTINGS)
    assert first["units"] == {"read": 5, "written": 3, "quarantined": 2}
    assert check_partition(bucket, DAY) == ([], f"{DAY}: read 5, written 3, quarantined 2: OK")
    old_ids = ids(bucket)
    assert len(old_ids) == 3

    # Read back with deltalake itself and with pyarrow over the table's own files.
    from deltalake import DeltaTable

    table = DeltaTable(f"{bucket}/articles")
    assert table.to_pyarrow_table().num_rows == 3
    assert table.metadata().partition_columns == ["ingest_date"]
    import pyarrow.fs

    filesystem = pyarrow.fs.S3FileSystem(
        endpoint_override=os.environ["AWS_ENDPOINT_URL"],
        access_key=os.environ["AWS_ACCESS_KEY_ID"],
        secret_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        region="us-east-1",
    )
    files = [uri.removeprefix("s3://") for uri in table.file_uris()]
    rows = ds.dataset(files, format="parquet", filesystem=filesystem).to_table()
    assert sorted(rows.column("id").to_pylist()) == sorted(old_ids)

    # A re-run of the same input replaces the day exactly: same run, same rows, no copies.
    again = run_day(str(OLD_INPUT), bucket, DAY, SETTINGS)
    assert again["run_id"] == first["run_id"]
    assert DeltaTable(f"{bucket}/articles").to_pyarrow_table().num_rows == 3
    assert ids(bucket) == old_ids

    # Other input for the same day replaces it; restore brings the earlier one back.
    replaced = run_day(str(NEW_INPUT), bucket, DAY, SETTINGS)
    assert replaced["run_id"] != first["run_id"]
    new_ids = ids(bucket)
    assert new_ids and new_ids != old_ids
    assert check_partition(bucket, DAY)[0] == []
    kept = delta.DeltaLake(bucket).kept_versions(DAY)
    assert [version["run_id"] for version in kept] == [first["run_id"]]
    restored = restore_day(bucket, DAY, settings=SETTINGS)
    assert restored["run_id"] == first["run_id"]
    assert ids(bucket) == old_ids
    assert check_partition(bucket, DAY)[0] == []
    assert delta.DeltaLake(bucket).kept_versions(DAY)[0]["run_id"] == replaced["run_id"]

    staging = delta.DeltaLake(bucket)
    assert not staging.fs.exists(staging.staging(DAY)), "published staging is removed"


def test_shards_staged_by_separate_workers_publish_as_one_day(
    bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two shards cleaned in separate working directories (as on two machines), one of
    them retried, publish as one day from the lake's own staging."""
    files = sorted(str(path) for path in OLD_INPUT.iterdir())
    shards = {"00000": files[:2], "00001": files[2:]}
    for shard_id, shard_files in shards.items():
        workdir = tmp_path / f"worker-{shard_id}"
        workdir.mkdir()
        monkeypatch.chdir(workdir)
        clean_shard(
            shard_files,
            input_root=str(OLD_INPUT),
            lake=bucket,
            ingest_date=DAY,
            shard_id=shard_id,
            settings=SETTINGS,
        )
        assert not any(workdir.iterdir()), "a worker keeps nothing on its own disk"
    clean_shard(  # a retry of shard 00001 overwrites its own staged part
        shards["00001"],
        input_root=str(OLD_INPUT),
        lake=bucket,
        ingest_date=DAY,
        shard_id="00001",
        settings=SETTINGS,
    )
    manifest = publish_day(bucket, DAY, list(shards), settings=SETTINGS, with_inputs=False)
    assert manifest["shards"] == ["00000", "00001"]
    assert manifest["units"] == {"read": 5, "written": 3, "quarantined": 2}
    assert check_partition(bucket, DAY)[0] == []
    # Publishing again (an Airflow retry after the staging is gone) returns the live day.
    assert publish_day(bucket, DAY, list(shards), settings=SETTINGS, with_inputs=False) == manifest


@pytest.mark.parametrize("lake_format", ["delta", "parquet"])
def test_a_failing_publish_warm_up_is_logged_and_never_fails_the_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    lake_format: str,
) -> None:
    """The thread that loads what the publish needs while the workers clean
    (`day._start_warm_up`) is only a cache: when what it calls raises, the run logs one
    line and publishes the same day as a run whose warm-up works."""
    import threading

    from newsclean import day
    from newsclean.report import render

    monkeypatch.delenv(delta.LAKE_FORMAT_ENV, raising=False)
    monkeypatch.setattr(day, "small_input", lambda files: False)  # clean in the workers
    reference = run_day(
        str(OLD_INPUT), str(tmp_path / "works"), DAY, SETTINGS, lake_format=lake_format
    )

    warmed: list[str] = []
    import_libraries = delta.import_libraries

    def failing(*args: object) -> None:
        name = threading.current_thread().name
        warmed.append(name)
        if name == "newsclean-publish-warm-up":
            raise RuntimeError("no storage library today")
        import_libraries(*args)

    def no_charts() -> None:
        warmed.append(threading.current_thread().name)
        raise RuntimeError("no chart library today")

    monkeypatch.setattr(delta, "import_libraries", failing)
    monkeypatch.setattr(render, "warm_up", no_charts)
    caplog.set_level("INFO", logger="newsclean.day")
    lake = str(tmp_path / "fails")
    ran = run_day(str(OLD_INPUT), lake, DAY, SETTINGS, lake_format=lake_format)

    assert "newsclean-publish-warm-up" in warmed, "the warm-up ran while the day was cleaned"
    assert "the publish warm-up stopped (RuntimeError: no" in caplog.text
    assert ran["run_id"] == reference["run_id"]
    assert ran["units"] == {"read": 5, "written": 3, "quarantined": 2}
    assert check_partition(lake, DAY)[0] == []


@pytest.mark.parametrize("lake_format", ["delta", "parquet"])
def test_a_run_reads_its_shard_ahead_and_publishes_the_same_day_when_that_fails(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    lake_format: str,
) -> None:
    """A run cleaning in the workers reads its staged shard's articles for the labelling
    in a background thread (`stories.Preread`), and its publish does not read them
    again; when that read fails, the publish reads them itself: the same day."""
    import threading

    from newsclean import day
    from newsclean.stories import store

    monkeypatch.delenv(delta.LAKE_FORMAT_ENV, raising=False)
    monkeypatch.setattr(day, "small_input", lambda files: False)  # clean in the workers
    read_part_articles = store.read_part_articles
    readers: list[str] = []

    def recorded(*args: object, **kwargs: object) -> object:
        readers.append(threading.current_thread().name)
        return read_part_articles(*args, **kwargs)

    monkeypatch.setattr(store, "read_part_articles", recorded)
    ahead = run_day(str(OLD_INPUT), str(tmp_path / "ahead"), DAY, SETTINGS, lake_format=lake_format)
    assert readers and all(name.startswith("newsclean-preread") for name in readers), readers

    readers.clear()

    def failing(*args: object, **kwargs: object) -> object:
        readers.append(threading.current_thread().name)
        if threading.current_thread().name.startswith("newsclean-preread"):
            raise OSError("staged part gone")
        return read_part_articles(*args, **kwargs)

    monkeypatch.setattr(store, "read_part_articles", failing)
    caplog.set_level("INFO", logger="newsclean.stories.store")
    lake = str(tmp_path / "fails")
    ran = run_day(str(OLD_INPUT), lake, DAY, SETTINGS, lake_format=lake_format)
    assert "reading a staged part ahead failed (OSError: staged part gone)" in caplog.text
    assert any(not name.startswith("newsclean-preread") for name in readers), readers
    assert ran["run_id"] == ahead["run_id"]
    assert ran["units"] == ahead["units"] == {"read": 5, "written": 3, "quarantined": 2}
    assert check_partition(lake, DAY)[0] == []


def test_shards_kept_where_they_were_staged_are_read_there_unless_the_lake_holds_others(
    bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publish on the machine that staged the shards (`staged_copy`) fetches none of
    the files it kept as the lake holds them; it fetches those of a shard staged again
    elsewhere meanwhile and a kept file changed on disk, and publishes what the lake holds."""
    fetched = fetches(monkeypatch)
    kept = tmp_path / "kept"
    files = sorted(str(path) for path in OLD_INPUT.iterdir())
    shards = {"00000": files[:2], "00001": files[2:]}

    def stage(shard_id: str, shard_files: list[str], root: Path, copy: Path | None) -> None:
        clean_shard(
            shard_files,
            input_root=str(root),
            lake=bucket,
            ingest_date=DAY,
            shard_id=shard_id,
            settings=SETTINGS,
            staged_copy=copy,
        )

    for shard_id, shard_files in shards.items():
        stage(shard_id, shard_files, OLD_INPUT, kept)
    first = publish_day(bucket, DAY, list(shards), settings=SETTINGS, staged_copy=kept)
    assert fetched == [], "every staged file was read where it was kept"
    assert first["units"] == {"read": 5, "written": 3, "quarantined": 2}
    assert check_partition(bucket, DAY)[0] == []

    # Staged again: shard 00000 here, its result file then touched; shard 00001 on
    # another machine, from other input.
    stage("00000", shards["00000"], OLD_INPUT, kept)
    other = sorted(str(path) for path in NEW_INPUT.iterdir())
    stage("00001", other, NEW_INPUT, None)
    touched = shard_dir(kept, DAY, "00000") / delta.SHARD_RESULT
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    store = delta.DeltaLake(bucket)
    lake_files = set(store.fs.find(store.staging(DAY)))
    again = publish_day(bucket, DAY, list(shards), settings=SETTINGS, staged_copy=kept)
    assert set(fetched) == {path for path in lake_files if "/shard-00001/" in path} | {
        f"{store.staging(DAY, '00000')}/{delta.SHARD_RESULT}"
    }
    assert sorted(entry["uri"] for entry in again["inputs"]) == sorted(shards["00000"] + other)
    assert check_partition(bucket, DAY)[0] == []


PUBLISHER = """
import os, sys, threading, time
from datetime import date
from newsclean import delta
from newsclean.config import Settings
from newsclean.day import publish_day

pause = os.environ.get("PAUSE_AFTER")
printing = threading.Lock()  # the tables commit in parallel: one whole line at a time

def announce(step):
    with printing:
        print(step, flush=True)
    if step == pause:
        time.sleep(600)

commit, append = delta.DayCommit._commit, delta.DeltaLake._append_manifest

def _commit(self, kind):
    version = commit(self, kind)
    announce(kind)
    return version

def _append_manifest(self, *args, **kwargs):
    row = append(self, *args, **kwargs)
    announce("manifest")
    return row

delta.DayCommit._commit = _commit
delta.DeltaLake._append_manifest = _append_manifest
publish_day(sys.argv[1], date.fromisoformat(sys.argv[2]), ["00000"], settings=Settings(workers=1))
print("done", flush=True)
"""


def test_kill_during_publish_leaves_the_old_day_or_the_new_never_a_mix(
    bucket: str, tmp_path: Path
) -> None:
    run_day(str(OLD_INPUT), bucket, DAY, SETTINGS)
    old = (ids(bucket), ids(bucket, "quarantine"))
    clean_shard(  # the new day, staged and not yet published
        sorted(str(path) for path in NEW_INPUT.iterdir()),
        input_root=str(NEW_INPUT),
        lake=bucket,
        ingest_date=DAY,
        shard_id="00000",
        settings=SETTINGS,
    )
    script = tmp_path / "publisher.py"
    script.write_text(PUBLISHER)
    lake = delta.DeltaLake(bucket)

    errors = tmp_path / "publisher.err"  # the last publisher's stderr, for a failure's message

    def publisher(pause: str = "") -> subprocess.Popen[str]:
        with errors.open("w") as stderr:
            return subprocess.Popen(
                [sys.executable, str(script), bucket, DAY.isoformat()],
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env={**os.environ, "PAUSE_AFTER": pause},
                start_new_session=True,
            )

    def day_now() -> tuple[set[str], set[str]]:
        assert check_partition(bucket, DAY)[0] == []
        return ids(bucket), ids(bucket, "quarantine")

    def wait_for(process: subprocess.Popen[str], step: str) -> None:
        # Lines other than the steps (a blank line, a progress note) are read past;
        # only the end of the output means the publisher stopped.
        assert process.stdout is not None
        printed = []
        while (line := process.stdout.readline()).strip() != step:
            if not line:
                raise AssertionError(
                    f"the publisher ended before committing {step}; stdout {printed!r}; "
                    f"stderr {errors.read_text()!r}"
                )
            printed.append(line)

    # Killed right after each commit but the last: newsclean's readers see the old day.
    for step in ("article", "quarantine", "story"):
        process = publisher(pause=step)
        try:
            wait_for(process, step)
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        assert day_now() == old
    # A third-party reader of the articles table alone sees its newest commit.
    from deltalake import DeltaTable

    latest = DeltaTable(f"{bucket}/articles").to_pyarrow_table().column("id").to_pylist()
    assert set(latest) != old[0]
    # Killed at random moments: each time the old day or the new one.
    seen = set()
    rng = random.Random(22)
    for _ in range(3):
        process = publisher()
        time.sleep(rng.uniform(0.5, 4.0))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        now = day_now()
        seen.add("old" if now == old else "new")
    # A publish left to finish completes the new day from the staging still there.
    process = publisher()
    assert process.wait(timeout=300) == 0, errors.read_text()
    new = day_now()
    assert new[0] and new != old
    assert seen <= {"old", "new"}
    assert lake.live(DAY)["run_id"] != lake.publishes(DAY)[-1]["run_id"]


def test_credentials_never_in_manifest_output_or_errors(bucket: str, tmp_path: Path) -> None:
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == SECRET
    command = [sys.executable, "-m", "newsclean.cli"]
    environment = {**os.environ, "NEWSCLEAN_WORKERS": "1"}
    ran = subprocess.run(
        [*command, "run", "--input", str(OLD_INPUT), "--lake", bucket, "--date", str(DAY)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    assert "Delta" in ran.stdout
    assert f"report                   -> {bucket}/_reports/ingest_date={DAY}/report.html" in (
        ran.stdout
    )
    checked = subprocess.run(
        [*command, "check", "--lake", bucket, "--date", str(DAY)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    assert checked.returncode == 0 and checked.stdout.endswith("OK\n"), checked.stdout
    missing = subprocess.run(
        [*command, "run", "--input", str(OLD_INPUT), "--lake", "s3://no-such-bucket/lake"]
        + ["--date", str(DAY)],
        capture_output=True,
        text=True,
        env={
            **environment,
            "NEWSCLEAN_STORAGE_OPTIONS": json.dumps({"aws_secret_access_key": SECRET}),
        },
        timeout=300,
    )
    assert missing.returncode == 1
    assert "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1, missing.stderr
    assert "cannot write the lake" in missing.stderr
    manifest_rows = delta.DeltaLake(bucket).publishes(DAY)
    outputs = [ran.stdout, ran.stderr, checked.stdout, checked.stderr, missing.stderr]
    outputs += [row["manifest"] for row in manifest_rows]
    for text in outputs:
        assert SECRET not in text


STORY_TEXT = (
    "The city council voted on Tuesday to rebuild the old harbour bridge after engineers "
    "found cracks in two of its steel girders during a routine inspection last month. "
    "The mayor said traffic would move to a temporary crossing from the first of May, and "
    "that the work should take about eighteen months. Shop owners near the bridge asked "
    "for help with lost trade while the crossing is closed, and the council promised a "
    "small fund for them. Engineers will also check the two other bridges over the river."
)
OTHER_TEXT = (
    "A local bakery won the regional bread prize for the third year running with a rye "
    "loaf baked from a recipe the owner's grandmother brought from the north. The judges "
    "praised its crust and its long rise, and the bakery plans to open a second shop "
    "near the station in the autumn, hiring six more people from the town. Its owner said "
    "the prize money would buy a new oven, and that the old one would go to a school."
)


def write_story(folder: Path, name: str, title: str, text: str, published: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(
        f'---\ntitle: "{title}"\npublished: "{published}"\n---\n{text}\n', encoding="utf-8"
    )
    return folder


def labels(table) -> set[tuple]:
    columns = ["source_uri", "duplicate_of", "similarity", "story_id"]
    return {tuple(row[name] for name in columns) for row in table.select(columns).to_pylist()}


def test_delta_days_are_labeled_and_reported_as_a_parquet_lake_is(
    bucket: str, tmp_path: Path
) -> None:
    """Two days on the S3 lake and on a local Parquet lake from the same inputs: the
    same story labels (a copy on day 2 points at day 1's article, through the signatures
    kept in the lake), the same stories rows, a report in the bucket compared with the
    earlier day read back from the Delta tables, and `check`, `report` and `restore`."""
    day1, day2 = date(2026, 3, 1), DAY
    first = write_story(
        tmp_path / "day1",
        "bridge",
        "Council to rebuild harbour bridge",
        STORY_TEXT,
        "2026-03-01T09:00:00Z",
    )
    second = write_story(
        tmp_path / "day2",
        "bridge-copy",
        "Council to rebuild harbour bridge",
        STORY_TEXT,
        "2026-03-02T08:00:00Z",
    )
    write_story(second, "bakery", "Bakery wins bread prize", OTHER_TEXT, "2026-03-02T07:00:00Z")
    local = tmp_path / "parquet-lake"
    for day, raw in ((day1, first), (day2, second)):
        run_day(str(raw), bucket, day, SETTINGS)
        run_day(str(raw), str(local), day, SETTINGS)
    store = delta.DeltaLake(bucket)

    articles = store.read_day(day2, ARTICLE)
    assert labels(articles) == labels(read_partition(local, day2, ARTICLE))
    day1_id = store.read_day(day1, ARTICLE).column("id").to_pylist()
    by_uri = {row[0].rsplit("/", 1)[-1]: row for row in labels(articles)}
    assert by_uri["bridge-copy.md"][1] == day1_id[0], "the copy points at day 1's article"
    assert by_uri["bridge-copy.md"][2] is not None and by_uri["bakery.md"][1] is None
    stories = store.read_day(day2, STORY)
    local_stories = read_partition(local, day2, STORY)
    columns = ["story_id", "articles", "duplicates", "first_seen", "title"]
    assert stories.select(columns).to_pylist() == local_stories.select(columns).to_pylist()
    assert store.live(day2)["manifest"]["stories"]["window"] == [day1.isoformat()]
    assert check_partition(bucket, day2) == ([], f"{day2}: read 2, written 2, quarantined 0: OK")

    # The report is in the bucket, next to the day, compared with the day before it.
    page = store.read_bytes(f"_reports/ingest_date={day2}/report.html").decode("utf-8")
    assert "compared with 1 earlier published day(s)" in page
    # Its figures, read from the Delta tables and kept in the bucket, are the Parquet
    # lake's (but for the run's timings).
    from newsclean.report.source import DeltaSource

    timed = ("stage_seconds", "stage_rate")
    figures = {
        name: {key: value for key, value in metrics.values.items() if key not in timed}
        for name, metrics in (
            ("delta", load_metrics(DeltaSource(store), day2)),
            ("parquet", load_metrics(local, day2)),
        )
    }
    assert figures["delta"] == figures["parquet"]
    assert figures["delta"]["duplicates"] == {"duplicates": 1.0, "stories": 2.0}
    assert "publish" in load_metrics(DeltaSource(store), day2).values["stage_seconds"]
    page_local = report_path(local, day2).read_text(encoding="utf-8")
    assert "compared with 1 earlier published day(s)" in page_local
    again = newsclean("report", "--lake", bucket, "--date", day2.isoformat())
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"{bucket}/_reports/ingest_date={day2}/report.html"
    checked = newsclean("check", "--lake", bucket, "--date", day2.isoformat())
    assert checked.returncode == 0 and checked.stdout.endswith("OK\n"), checked.stdout

    # A check sees a label that points nowhere, as on a Parquet lake.
    signatures = f"_profiles/stories/{day1}.parquet"
    kept = store.read_bytes(signatures)
    store.fs.rm(store._path(signatures))
    problems, _summary = check_partition(bucket, day2)
    assert any("neither in the day nor in its signature window" in p for p in problems)
    store.write_bytes(signatures, kept)

    # Another input for day 2, then restore: the day's signatures follow the live rows.
    run_day(str(first), bucket, day2, SETTINGS)
    restore_day(bucket, day2, settings=SETTINGS)
    live_ids = store.read_day(day2, ARTICLE).column("id").to_pylist()
    restored = tmp_path / "restored"
    restored.mkdir()
    (restored / "day.parquet").write_bytes(store.read_bytes(f"_profiles/stories/{day2}.parquet"))
    import pyarrow.parquet as pq

    assert sorted(pq.read_table(restored / "day.parquet").column("id").to_pylist()) == sorted(
        live_ids
    )
    assert len(live_ids) == 2 and check_partition(bucket, day2)[0] == []


def duckdb_extension(name: str) -> str:
    """The path of a DuckDB extension shipped as a wheel (`duckdb-extension-<name>`);
    skips if it is absent or built for another DuckDB release."""
    from importlib import import_module
    from importlib.resources import files

    import duckdb

    try:
        package = import_module(f"duckdb_extension_{name}")
    except ImportError as error:
        pytest.skip(f"DuckDB's {name} extension is not installed: {error}")
    path = files(package) / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        pytest.skip(f"DuckDB's {name} extension is not built for DuckDB {duckdb.__version__}")
    return str(path)


def test_polars_duckdb_and_pandas_read_the_live_day_and_an_earlier_version(
    bucket: str, s3: dict[str, str]
) -> None:
    """The readers README.md documents, on the S3 lake: Polars (`read_delta`), DuckDB
    (the delta extension's `delta_scan`) and pandas (through deltalake) see the live day,
    and Polars time travel to the version a replaced publish's manifest row names gives
    the earlier day back."""
    import duckdb
    import polars as pl
    from deltalake import DeltaTable

    run_day(str(OLD_INPUT), bucket, DAY, SETTINGS)
    old_ids = ids(bucket)
    run_day(str(NEW_INPUT), bucket, DAY, SETTINGS)
    new_ids = ids(bucket)
    assert old_ids and new_ids and old_ids != new_ids
    articles = f"{bucket}/articles"
    options = {
        "aws_endpoint_url": s3["AWS_ENDPOINT_URL"],
        "aws_access_key_id": s3["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": s3["AWS_SECRET_ACCESS_KEY"],
        "aws_region": s3["AWS_REGION"],
        "aws_allow_http": "true",
    }
    live = pl.read_delta(articles, storage_options=options).filter(pl.col("ingest_date") == DAY)
    assert set(live["id"]) == new_ids

    manifests = pl.read_delta(f"{bucket}/manifests", storage_options=options)
    replaced = manifests.sort("articles_version")["articles_version"][0]
    earlier = pl.read_delta(articles, version=replaced, storage_options=options)
    assert set(earlier.filter(pl.col("ingest_date") == DAY)["id"]) == old_ids

    frame = DeltaTable(articles).to_pandas(filters=[("ingest_date", "=", DAY)])
    assert set(frame["id"]) == new_ids

    connection = duckdb.connect()
    connection.execute("SET autoinstall_known_extensions = false")
    for extension in ("httpfs", "delta"):
        connection.execute(f"LOAD '{duckdb_extension(extension)}'")
    endpoint = s3["AWS_ENDPOINT_URL"].removeprefix("http://")
    connection.execute(
        "CREATE SECRET (TYPE s3, KEY_ID ?, SECRET ?, REGION ?, ENDPOINT ?, "
        "URL_STYLE 'path', USE_SSL false)",
        [s3["AWS_ACCESS_KEY_ID"], s3["AWS_SECRET_ACCESS_KEY"], s3["AWS_REGION"], endpoint],
    )
    rows = connection.execute(
        f"select id from delta_scan('{articles}') where ingest_date = ?", [DAY]
    ).fetchall()
    assert {row[0] for row in rows} == new_ids
