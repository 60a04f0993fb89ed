"""Time the day report, fresh and in a run, and measure the page's size.

    .venv/bin/python benchmarks/report_bench.py --lake lake --date 2026-02-15 --repeat 5
    .venv/bin/python benchmarks/report_bench.py --lake lake --date 2026-02-15 \\
        --input examples/raw/2026-02-15 --repeat 5
    .venv/bin/python benchmarks/report_bench.py --lake /tmp/lake-10k --date 2026-03-01

Works on a scratch copy of the lake (the given lake is never written). Each repeat
measures, each in a fresh interpreter:

- `command`: `newsclean report --lake COPY --date D` as an operator or the Airflow
  publish task runs it, timed from outside (wall seconds, and CPU seconds of the whole
  process: interpreter start, imports, reading, drawing, writing), with the seconds of
  `write_report` inside it apart;
- `warm`: `write_report` again in a process that already wrote the report once, as the
  report step of a run finds things (a run loads the chart library while it cleans);
- `run` (with `--input RAW`): `newsclean run` of RAW into another scratch copy, with the
  seconds of its report step (`day._write_report`) and the CPU seconds of the parent
  process during it.

`--without-pandas` keeps pandas from being imported in the timed interpreters, as in an
install without the dev group (pyarrow imports pandas, when it is installed, on its first
conversion of Python values). `--replicate K` copies only the day, each part file K times
(and the manifest's counts times K), to measure a day K times larger. Prints one JSON
object: each figure's runs and median.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

_NO_PANDAS = """
import sys
class NoPandas:  # as if pandas were not installed
    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
if sys.argv[1] == "without-pandas":
    sys.meta_path.insert(0, NoPandas())
"""

# argv: pandas mode, result file, then the command's own arguments
_COMMAND = (
    _NO_PANDAS
    + """
import json, time
import newsclean.report
timed = newsclean.report.write_report
seconds = []
def write_report(*arguments, **options):
    started = time.perf_counter()
    try:
        return timed(*arguments, **options)
    finally:
        seconds.append(time.perf_counter() - started)
newsclean.report.write_report = write_report
from newsclean.cli import main
status = main(sys.argv[3:])
with open(sys.argv[2], "w") as result:
    json.dump({"status": status, "write": sum(seconds)}, result)
"""
)

# argv: pandas mode, lake, date, out
_WARM = (
    _NO_PANDAS
    + """
import json, time
from datetime import date
from pathlib import Path
from newsclean.report import write_report
arguments = (sys.argv[2], date.fromisoformat(sys.argv[3]))
write_report(*arguments, out=Path(sys.argv[4]))
wall, cpu = time.perf_counter(), time.process_time()
write_report(*arguments, out=Path(sys.argv[4]))
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}))
"""
)

# argv: pandas mode, result file, then `newsclean run`'s arguments
_RUN = (
    _NO_PANDAS
    + """
import json, time
import newsclean.day
timed = newsclean.day._write_report
steps = []
def _write_report(*arguments, **options):
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        return timed(*arguments, **options)
    finally:
        steps.append({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu})
newsclean.day._write_report = _write_report
from newsclean.cli import main
started = time.perf_counter()
status = main(sys.argv[3:])
with open(sys.argv[2], "w") as result:
    json.dump({"status": status, "run": time.perf_counter() - started, "steps": steps}, result)
"""
)


def copy_lake(lake: Path, target: Path) -> Path:
    """A copy of the lake's published days and their metrics (not its staging area)."""
    shutil.copytree(lake, target, ignore=shutil.ignore_patterns("_staging"))
    return target


def replicate(lake: Path, day: date, copies: int, target: Path) -> Path:
    """A lake holding only `day`, each of its part files `copies` times (of the tables
    the lake has: a lake written before stories existed has none)."""
    from newsclean.lake import MANIFEST, TABLE_DIRS, partition_dir, read_manifest
    from newsclean.validate import ARTICLE

    kinds = [kind for kind in TABLE_DIRS if partition_dir(lake, kind, day).is_dir()]
    for kind in kinds:
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
    for kind in kinds:
        path = partition_dir(target, kind, day) / MANIFEST
        path.write_text(json.dumps(manifest), encoding="utf-8")
    return target


def _timed(command: list[str]) -> tuple[float, float]:
    """Run a command; its wall seconds and the CPU seconds of the process (and children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _summary(values: list[float]) -> dict[str, object]:
    return {
        "runs": [round(value, 3) for value in values],
        "median": round(statistics.median(values), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lake", type=Path, required=True)
    parser.add_argument("--date", type=date.fromisoformat, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replicate", type=int, default=1, metavar="K")
    parser.add_argument("--without-pandas", action="store_true")
    parser.add_argument("--input", type=Path, help="raw files of the day: also time a run")
    arguments = parser.parse_args()
    if arguments.repeat < 1 or arguments.replicate < 1:
        parser.error("--repeat and --replicate must be 1 or more")
    pandas = "without-pandas" if arguments.without_pandas else "with-pandas"
    day = arguments.date.isoformat()
    with tempfile.TemporaryDirectory(prefix="report-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        if arguments.replicate > 1:
            lake = replicate(arguments.lake, arguments.date, arguments.replicate, scratch / "lake")
        else:
            lake = copy_lake(arguments.lake, scratch / "lake")
        page = scratch / "report.html"
        result = scratch / "result.json"
        figures: dict[str, list[float]] = {}
        for _ in range(arguments.repeat):
            wall, cpu = _timed(
                [sys.executable, "-c", _COMMAND, pandas, str(result), "report"]
                + ["--lake", str(lake), "--date", day, "--out", str(page)]
            )
            inside = json.loads(result.read_text())
            figures.setdefault("command_wall", []).append(wall)
            figures.setdefault("command_cpu", []).append(cpu)
            figures.setdefault("command_write_report", []).append(inside["write"])
            warm = subprocess.run(
                [sys.executable, "-c", _WARM, pandas, str(lake), day, str(page)],
                check=True,
                capture_output=True,
                text=True,
            )
            warm_figures = json.loads(warm.stdout.strip().splitlines()[-1])
            figures.setdefault("warm_wall", []).append(warm_figures["wall"])
            figures.setdefault("warm_cpu", []).append(warm_figures["cpu"])
            if arguments.input is not None:
                run_lake = scratch / "run-lake"
                shutil.rmtree(run_lake, ignore_errors=True)
                copy_lake(lake, run_lake)
                subprocess.run(
                    [sys.executable, "-c", _RUN, pandas, str(result), "run"]
                    + ["--input", str(arguments.input), "--lake", str(run_lake), "--date", day],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                ran = json.loads(result.read_text())
                figures.setdefault("run_report_wall", []).append(ran["steps"][-1]["wall"])
                figures.setdefault("run_report_cpu", []).append(ran["steps"][-1]["cpu"])
                figures.setdefault("run_wall", []).append(ran["run"])
        from newsclean.lake import read_manifest

        print(
            json.dumps(
                {
                    "lake": str(arguments.lake),
                    "date": day,
                    "replicate": arguments.replicate,
                    "without_pandas": arguments.without_pandas,
                    "units": read_manifest(lake, arguments.date)["units"]["read"],
                    **{name: _summary(values) for name, values in figures.items()},
                    "page_bytes": page.stat().st_size,
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
