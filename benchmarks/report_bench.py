"""Time `newsclean report` on a published day and measure the page's size.

    .venv/bin/python benchmarks/report_bench.py --lake /tmp/lake-10k --date 2026-03-01
    .venv/bin/python benchmarks/report_bench.py --lake lake --date 2026-02-15 --repeat 5

Each repeat runs in a fresh interpreter, as the CLI and the publish step do, and reports
the import time and the time `write_report` takes (reading the partitions, metrics,
drift, charts, page), as wall seconds and as CPU seconds of the process (all its
threads: vl-convert renders in its own), which a busy shared machine distorts less.
`--without-pandas` keeps pandas from being imported in the timed interpreter, as in an
install without the dev group (pyarrow imports pandas, when it is installed, on its first
conversion of Python values: ~0.27 CPU s here).
`--replicate K` first copies the day into a scratch lake with each part file K times
(and the manifest's counts times K), to measure a day K times larger.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

_ONE_RUN = """
import json, sys, time
from datetime import date
class NoPandas:  # as if pandas were not installed
    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
if sys.argv[3] == "without-pandas":
    sys.meta_path.insert(0, NoPandas())
started = time.perf_counter()
from newsclean.report import write_report
imported = time.perf_counter()
cpu = time.process_time()
path = write_report(sys.argv[1], date.fromisoformat(sys.argv[2]), out=None)
done = time.perf_counter()
print(json.dumps({"import": imported - started, "write": done - imported,
                  "cpu": time.process_time() - cpu, "path": str(path)}))
"""


def replicate(lake: Path, day: date, copies: int, scratch: Path) -> Path:
    """A lake holding only `day`, each of its part files `copies` times."""
    from newsclean.lake import MANIFEST, TABLE_DIRS, partition_dir, read_manifest
    from newsclean.validate import ARTICLE

    target = scratch / "lake"
    for kind in TABLE_DIRS:
        source = partition_dir(lake, kind, day)
        destination = partition_dir(target, kind, day)
        destination.mkdir(parents=True)
        for part in sorted(source.glob("*.parquet")):
            for copy in range(copies):
                shutil.copyfile(part, destination / f"{part.stem}-{copy:03d}.parquet")
        shutil.copyfile(source / MANIFEST, destination / MANIFEST)
    manifest = read_manifest(target, day, ARTICLE)
    manifest["units"] = {key: value * copies for key, value in manifest["units"].items()}
    manifest["quarantined_by_reason"] = {
        reason: count * copies for reason, count in manifest["quarantined_by_reason"].items()
    }
    for kind in TABLE_DIRS:
        path = partition_dir(target, kind, day) / MANIFEST
        path.write_text(json.dumps(manifest), encoding="utf-8")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lake", type=Path, required=True)
    parser.add_argument("--date", type=date.fromisoformat, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replicate", type=int, default=1, metavar="K")
    parser.add_argument("--without-pandas", action="store_true")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="report-bench-") as scratch:
        lake = arguments.lake
        if arguments.replicate > 1:
            lake = replicate(lake, arguments.date, arguments.replicate, Path(scratch))
        runs = []
        for _ in range(arguments.repeat):
            result = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _ONE_RUN,
                    str(lake),
                    arguments.date.isoformat(),
                    "without-pandas" if arguments.without_pandas else "with-pandas",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
        from newsclean.lake import read_manifest

        units = read_manifest(lake, arguments.date)["units"]["read"]
        page = Path(runs[-1]["path"])
        print(
            json.dumps(
                {
                    "lake": str(arguments.lake),
                    "date": arguments.date.isoformat(),
                    "replicate": arguments.replicate,
                    "without_pandas": arguments.without_pandas,
                    "units": units,
                    "write_seconds": [round(run["write"], 3) for run in runs],
                    "write_median": round(statistics.median(run["write"] for run in runs), 3),
                    "write_cpu": [round(run["cpu"], 3) for run in runs],
                    "write_cpu_median": round(statistics.median(run["cpu"] for run in runs), 3),
                    "import_median": round(statistics.median(run["import"] for run in runs), 3),
                    "page_bytes": page.stat().st_size,
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
