"""The Delta publish alone, repeated on one staged day: wall and CPU seconds a publish.

    .venv/bin/python benchmarks/delta_publish_bench.py --input /tmp/archive-10k --publishes 4

Starts moto's S3 server on 127.0.0.1 (stopped by its PID at the end), cleans the archive
once into the lake's staging (or reuses a copy kept by an earlier run in --saved), then
publishes the same staged day --publishes times, putting the staging back before each.
The first publish creates the tables; the later ones replace the day. With
--staged-copy, each shard is put back by `upload_shard(keep=True)` from a local copy that
the publish is given (`staged_copy`), as `newsclean run` publishes the shard it staged;
without it, the publish fetches every staged file, as one on another machine does. To
compare two versions of newsclean in the same conditions, run this script alternately
with PYTHONPATH pointing at each one's `src` (the copy in --saved serves both).
Prints one JSON object: per publish, seconds (wall; CPU of this process, of its main
thread, whose work is the publish's critical path, and of the S3 server, which shares
the machine's cores), the requests the server logged (by method) and the object bytes
they moved (GET and PUT of objects, from the objects' sizes; listings and deletes not
counted), and the load averages before and after it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import unquote

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tests"))  # the tests' S3 server helper

from s3_server import make_bucket, s3_server  # noqa: E402

DAY = date(2026, 4, 1)
BUCKET = "newsclean-publish-bench"


REQUEST = re.compile(
    r'"(?:\x1b\[[0-9;]*m)?(GET|PUT|POST|HEAD|DELETE) /([^ ?]*)\S* HTTP[^"]*" (\d+)'
)


def server_cpu(pid: int) -> float:
    """CPU seconds so far of the S3 server (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def requests(log: str, sizes: dict[str, int]) -> tuple[Counter[str], Counter[str]]:
    """Requests in a part of the server's log, by method, and the object bytes moved
    by successful GETs and PUTs of objects whose size `sizes` knows (by bucket/key)."""
    methods: Counter[str] = Counter()
    moved: Counter[str] = Counter()
    for method, path, status in REQUEST.findall(log):
        methods[method] += 1
        size = sizes.get(unquote(path))
        if method in ("GET", "PUT") and status == "200" and size is not None:
            moved[method] += size
    return methods, moved


def object_sizes(store, saved: Path) -> dict[str, int]:
    """The size of every object in the lake's bucket, and of the staged files (removed by
    the publish) from the saved copy, by bucket/key."""
    sizes = {path: int(info["size"]) for path, info in store.fs.find(BUCKET, detail=True).items()}
    staging = store.staging(DAY)
    for path in saved.rglob("*"):
        if path.is_file():
            sizes[f"{staging}/{path.relative_to(saved).as_posix()}"] = path.stat().st_size
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="a raw archive (one day)")
    parser.add_argument("--publishes", type=int, default=4)
    parser.add_argument("--shard-size", type=int, default=2000, help="raw files a shard")
    parser.add_argument("--saved", default="/tmp/newsclean-publish-bench-staging")
    parser.add_argument(
        "--staged-copy",
        action="store_true",
        help="publish from local copies of the shards, as the process that staged them",
    )
    arguments = parser.parse_args()
    if not Path(arguments.input).is_dir():
        parser.exit(2, f"delta_publish_bench: error: no archive at {arguments.input}\n")

    log = Path(tempfile.mkdtemp(prefix="delta-publish-bench-")) / "requests.log"
    with s3_server(log=log) as environment:
        moto = int(environment.pop("MOTO_PID"))
        os.environ.update(environment)
        from newsclean import delta
        from newsclean.config import Settings
        from newsclean.day import clean_shard, plan_shards, publish_day
        from newsclean.lake import shard_dir

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
            kept = None
            if arguments.staged_copy:
                kept = Path(tempfile.mkdtemp(prefix="delta-publish-bench-kept-"))
                for shard_id in shard_ids:
                    folder = shard_dir(kept, DAY, shard_id)
                    shutil.copytree(saved / f"shard-{shard_id}", folder)
                    store.upload_shard(folder, DAY, shard_id, keep=True)
            else:
                store.fs.put(str(saved), store.staging(DAY), recursive=True)
            copy = {} if kept is None else {"staged_copy": kept}
            load = os.getloadavg()
            logged = log.stat().st_size
            server = server_cpu(moto)
            wall, cpu, main = time.monotonic(), time.process_time(), time.thread_time()
            publish_day(lake, DAY, shard_ids, settings=settings, with_inputs=False, **copy)
            wall, cpu, main = (
                time.monotonic() - wall,
                time.process_time() - cpu,
                time.thread_time() - main,
            )
            server = server_cpu(moto) - server
            time.sleep(0.2)  # the server's last log lines written
            with open(log, "rb") as lines:
                lines.seek(logged)
                methods, moved = requests(
                    lines.read().decode("utf-8", "replace"), object_sizes(store, saved)
                )
            seconds.append(
                {
                    "wall_s": round(wall, 3),
                    "cpu_s": round(cpu, 3),
                    "main_thread_cpu_s": round(main, 3),
                    "server_cpu_s": round(server, 3),
                    "requests": dict(sorted(methods.items())),
                    "get_mb": round(moved["GET"] / 1e6, 2),
                    "put_mb": round(moved["PUT"] / 1e6, 2),
                    "load": [round(value, 2) for value in (*load, os.getloadavg()[0])],
                }
            )
            if kept is not None:
                shutil.rmtree(kept)
    shutil.rmtree(log.parent)
    figures = {"publishes": seconds, "load_average": round(os.getloadavg()[0], 2)}
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
