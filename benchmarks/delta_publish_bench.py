"""The Delta publish alone, repeated on one staged day: wall and CPU seconds a publish.

    .venv/bin/python benchmarks/delta_publish_bench.py --input /tmp/archive-10k --publishes 4

Starts moto's S3 server on 127.0.0.1 (stopped by its PID at the end), cleans the archive
once into the lake's staging (or reuses a copy kept by an earlier run in --saved), then
publishes the same staged day --publishes times, putting the staging back before each.
The first publish creates the tables; the later ones replace the day. To compare two
versions of newsclean in the same conditions, run this script alternately with
PYTHONPATH pointing at each one's `src` (the copy in --saved serves both).
Prints one JSON object: seconds per publish (wall; CPU of this process, of its main
thread, whose work is the publish's critical path, and of the S3 server, which shares
the machine's cores) and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tests"))  # the tests' S3 server helper

from s3_server import make_bucket, s3_server  # noqa: E402

DAY = date(2026, 4, 1)
BUCKET = "newsclean-publish-bench"


def server_cpu() -> float | None:
    """CPU seconds so far of the S3 server this process started (from /proc; None
    where there is none)."""
    ticks = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"moto.server" in command:
            return (int(fields[11]) + int(fields[12])) / ticks
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="a raw archive (one day)")
    parser.add_argument("--publishes", type=int, default=4)
    parser.add_argument("--shard-size", type=int, default=2000, help="raw files a shard")
    parser.add_argument("--saved", default="/tmp/newsclean-publish-bench-staging")
    arguments = parser.parse_args()
    if not Path(arguments.input).is_dir():
        parser.exit(2, f"delta_publish_bench: error: no archive at {arguments.input}\n")

    with s3_server() as environment:
        os.environ.update(environment)
        from newsclean import delta
        from newsclean.config import Settings
        from newsclean.day import clean_shard, plan_shards, publish_day

        make_bucket(environment, BUCKET)
        lake = f"s3://{BUCKET}/lake"
        store = delta.DeltaLake(lake)
        settings = Settings.from_env()
        saved = Path(arguments.saved)
        if not (saved / "shard-00000" / delta.SHARD_RESULT).is_file():
            shards = plan_shards(arguments.input, shard_size=arguments.shard_size)
            for index, files in enumerate(shards):
                clean_shard(
                    files,
                    input_root=arguments.input,
                    lake=lake,
                    ingest_date=DAY,
                    shard_id=f"{index:05d}",
                    settings=settings,
                )
            shutil.rmtree(saved, ignore_errors=True)
            store.fs.get(store.staging(DAY), str(saved), recursive=True)
        shard_ids = sorted(path.name.removeprefix("shard-") for path in saved.iterdir())
        seconds = []
        for _ in range(arguments.publishes):
            store.remove_staging(DAY)
            store.fs.put(str(saved), store.staging(DAY), recursive=True)
            server = server_cpu()
            wall, cpu, main = time.monotonic(), time.process_time(), time.thread_time()
            publish_day(lake, DAY, shard_ids, settings=settings, with_inputs=False)
            seconds.append(
                {
                    "wall_s": round(time.monotonic() - wall, 3),
                    "cpu_s": round(time.process_time() - cpu, 3),
                    "main_thread_cpu_s": round(time.thread_time() - main, 3),
                    "server_cpu_s": None if server is None else round(server_cpu() - server, 3),
                }
            )
    figures = {"publishes": seconds, "load_average": round(os.getloadavg()[0], 2)}
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
