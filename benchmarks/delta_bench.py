"""A day on a Delta lake on a local S3 server: publish, re-publish, kills during publish.

    .venv/bin/python benchmarks/make_archive.py --units 10000 --out /tmp/archive-10k
    .venv/bin/python benchmarks/delta_bench.py --input /tmp/archive-10k --kills 10

Starts moto's S3 server on 127.0.0.1 (stopped by its PID at the end) and cleans the
archive twice as one day in shards, once with boilerplate stripping and once without,
so the two versions of the day differ in their rows. The shards are staged as the
command line's `run` stages its one: each kept on this disk after its upload
(`staged_copy`), where the publish in this process reads it, and read ahead for the
story labeling once staged (`stories.Preread`; with `--fetch`, neither: the publish
fetches every staged file, as one on another machine does). Times the cleaning (staging to
the lake) against the publish (`publish_day`: fetching the staged shards, story
labeling, the commits, the day's profiles and its report), and within the publish the
story labeling (`label_staged`, the same call a Parquet lake's publish makes) apart
from the rest; counts the Delta commits and the day's data files. Then, `--kills`
times, stages the version that is not live and starts a publish in a subprocess,
SIGKILLed at a random moment within the measured publish time; after each kill
newsclean's reader must see one whole version (old or new: a fingerprint of every
article and quarantine row) and `check` must pass.
Prints one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tests"))  # the tests' S3 server helper

from s3_server import make_bucket, s3_server  # noqa: E402

DAY = date(2026, 4, 1)
BUCKET = "newsclean-bench"
PUBLISH = (
    "import sys; from datetime import date; from newsclean.config import Settings; "
    "from newsclean.day import publish_day; "
    "publish_day(sys.argv[1], date.fromisoformat(sys.argv[2]), sys.argv[3].split(','), "
    "settings=Settings.from_env())"
)


def fingerprint(lake: str) -> str:
    """One digest of every article and quarantine row of the day, as newsclean reads it."""
    from newsclean import delta

    digest = hashlib.sha256()
    store = delta.DeltaLake(lake)
    articles = store.read_day(DAY, "article")
    for pair in sorted(
        zip(
            articles.column("id").to_pylist(),
            articles.column("content_sha256").to_pylist(),
            strict=True,
        )
    ):
        digest.update(repr(pair).encode())
    quarantine = store.read_day(DAY, "quarantine")
    for uri in sorted(quarantine.column("source_uri").to_pylist()):
        digest.update(uri.encode())
    return digest.hexdigest()[:16]


def stage(
    lake: str, archive: str, settings, shard_size: int, kept: Path, preread=None
) -> tuple[list[str], float]:
    """Clean the archive into staged shards on the lake, each kept in `kept` too (and,
    given a `stories.Preread`, read ahead for the labelling as it is staged); the shard
    ids and seconds taken."""
    from newsclean.day import clean_shard, plan_shards

    started = time.monotonic()
    shards = plan_shards(archive, shard_size=shard_size)
    ids = []
    for index, files in enumerate(shards):
        shard_id = f"{index:05d}"
        clean_shard(
            files,
            input_root=archive,
            lake=lake,
            ingest_date=DAY,
            shard_id=shard_id,
            settings=settings,
            staged_copy=kept,
            preread=preread,
        )
        ids.append(shard_id)
    return ids, time.monotonic() - started


class Stopwatch:
    """Seconds spent in one function of a module, summed over its calls."""

    def __init__(self, module: object, name: str) -> None:
        self.seconds = 0.0
        original = getattr(module, name)

        def timed(*args: object, **kwargs: object) -> object:
            started = time.monotonic()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.monotonic() - started

        setattr(module, name, timed)


def day_files(lake: str) -> dict[str, dict[str, int]]:
    """The data files of the day in each table, and their bytes."""
    import pyarrow as pa
    from deltalake import DeltaTable

    found = {}
    for table in ("articles", "quarantine", "stories"):
        actions = pa.table(DeltaTable(f"{lake}/{table}").get_add_actions(flatten=True))
        actions = actions.to_pydict()
        sizes = [
            size
            for size, day in zip(
                actions["size_bytes"], actions["partition.ingest_date"], strict=True
            )
            if str(day) == DAY.isoformat()
        ]
        found[table] = {"files": len(sizes), "bytes": sum(sizes)}
    return found


def commit_count(lake: str) -> int:
    """The Delta commits of the lake's tables so far."""
    from deltalake import DeltaTable

    return sum(
        DeltaTable(f"{lake}/{table}").version() + 1
        for table in ("articles", "quarantine", "stories", "manifests")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="a raw archive (one day)")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--shard-size", type=int, default=2000, help="raw files a shard")
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument(
        "--fetch", action="store_true", help="keep no shard locally: the publish fetches all"
    )
    arguments = parser.parse_args()
    if not Path(arguments.input).is_dir():
        parser.exit(2, f"delta_bench: error: no archive at {arguments.input}\n")

    with s3_server() as environment:
        os.environ.update(environment)
        from newsclean import day, delta
        from newsclean.check import check_partition
        from newsclean.config import Settings
        from newsclean.day import publish_day
        from newsclean.stories import Preread

        labeling = Stopwatch(day, "label_staged")

        make_bucket(environment, BUCKET)
        lake = f"s3://{BUCKET}/lake"
        store = delta.DeltaLake(lake)
        base = Settings.from_env()
        versions = {"stripped": base, "kept": base.replace(remove_boilerplate=False)}
        saved = Path(tempfile.mkdtemp(prefix="delta-bench-"))
        figures: dict = {"units": None, "runs": {}}
        prints = {}
        for name, settings in versions.items():
            for attempt in ("publish", "re-publish"):
                kept = Path(tempfile.mkdtemp(prefix="delta-bench-kept-"))
                # As `run` does: each shard's articles read for the labelling once staged.
                preread = None if arguments.fetch else Preread(DAY, settings.batch_rows)
                shard_ids, cleaning = stage(
                    lake, arguments.input, settings, arguments.shard_size, kept, preread
                )
                if attempt == "publish":  # keep a copy of the staged shards for the kills
                    store.fs.get(store.staging(DAY), str(saved / name), recursive=True)
                commits = commit_count(lake) if figures["runs"] else 0
                labeling.seconds = 0.0
                started = time.monotonic()
                manifest = publish_day(
                    lake,
                    DAY,
                    shard_ids,
                    settings=settings,
                    with_inputs=False,
                    staged_copy=None if arguments.fetch else kept,
                    preread=preread,
                )
                publishing = time.monotonic() - started
                if preread is not None:
                    preread.close()
                shutil.rmtree(kept)
                problems, summary = check_partition(lake, DAY)
                figures["units"] = manifest["units"]["read"]
                rest = publishing - labeling.seconds
                figures["runs"][f"{name} {attempt}"] = {
                    "clean_and_stage_s": round(cleaning, 2),
                    "publish_s": round(publishing, 2),
                    "publish_share": round(publishing / (cleaning + publishing), 4),
                    "story_labeling_s": round(labeling.seconds, 2),
                    "publish_without_labeling_s": round(rest, 2),
                    "publish_without_labeling_share": round(rest / (cleaning + publishing), 4),
                    "commits": commit_count(lake) - commits,
                    "day_files": day_files(lake),
                    "report": store.exists(f"_reports/ingest_date={DAY}/report.html"),
                    "check": summary,
                    "problems": problems[:5],
                }
            prints[name] = fingerprint(lake)
        shard_ids = sorted(
            path.name.removeprefix("shard-") for path in (saved / "stripped").iterdir()
        )
        longest = max(run["publish_s"] for run in figures["runs"].values())
        rng = random.Random(arguments.seed)
        live = "kept"
        outcomes = {"old": 0, "new": 0, "mixed": 0, "check_failed": 0}
        for _ in range(arguments.kills):
            wanted = "stripped" if live == "kept" else "kept"
            store.remove_staging(DAY)
            store.fs.put(str(saved / wanted), store.staging(DAY), recursive=True)
            process = subprocess.Popen(
                [sys.executable, "-c", PUBLISH, lake, DAY.isoformat(), ",".join(shard_ids)],
                env={**os.environ, "NEWSCLEAN_REMOVE_BOILERPLATE": str(wanted == "stripped")},
                start_new_session=True,
            )
            # The subprocess spends about a second importing before it publishes.
            time.sleep(rng.uniform(0.5, 1.5 + longest * 1.2))
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            now = fingerprint(lake)
            if now == prints[live]:
                outcomes["old"] += 1
            elif now == prints[wanted]:
                outcomes["new"] += 1
                live = wanted
            else:
                outcomes["mixed"] += 1
            if check_partition(lake, DAY)[0]:
                outcomes["check_failed"] += 1
        figures["kills"] = outcomes
        figures["commits"] = len(store.publishes(DAY))
    print(json.dumps(figures, indent=2))
    return 0 if outcomes["mixed"] == outcomes["check_failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
