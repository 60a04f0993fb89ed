"""Start-up of a small run: from starting `newsclean run` on 5 units to its first cleaned unit.

    .venv/bin/python benchmarks/startup_bench.py [--runs 5] [--workers 1]

Each run is a fresh interpreter (as a mapped Airflow task or a small backfill day is):
the time counts the interpreter, every import, the fast-path decisions and the first
unit. The first run warms the page cache and newsclean's cache folder (derived tables,
remembered self-checks) and is reported apart; the rest give the median ("a warm
machine"). Also reported: the whole run's wall time and its CPU seconds (which a busy
shared machine inflates less than wall time), and the CPU seconds of the run's own
process until its first unit (the wall time to the first unit on an idle core; it
leaves out the workers' server of a run that starts one). The 5 units are example scrapes from
examples/raw (three texts, two pages).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
UNITS = (
    "2026-02-13/000_206c061275e9e66a.txt",
    "2026-02-13/002_0181fdb78757befa.txt",
    "2026-02-13/islay-pier.html",
    "2026-02-14/lyon-terraces.htm",
    "2026-02-14/toyota-kentucky.txt",
)
# Runs `newsclean run` as the command line does, noting when the first unit is cleaned.
_CHILD = """
import json, sys, time
import newsclean.cli as cli
first = []
done = cli._Clock.units_done
def units_done(self, count):
    if not first:
        first.append((time.time(), time.process_time()))
    done(self, count)
cli._Clock.units_done = units_done
code = cli.main(sys.argv[1:])
print(json.dumps({"first": first[0], "end": time.time(), "code": code}))
"""


def one_run(raw: Path, lake: Path, workers: int) -> dict[str, float]:
    shutil.rmtree(lake, ignore_errors=True)
    command = [sys.executable, "-c", _CHILD, "run", "--input", str(raw), "--lake", str(lake)]
    command += ["--date", "2026-02-13", "--workers", str(workers), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"newsclean run failed: {result.stderr[-2000:]}")
    times = json.loads(result.stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "first_unit": times["first"][0] - started,
        "first_cpu": times["first"][1],
        "wall": times["end"] - started,
        "cpu": cpu,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm runs (after one cold run)")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be 1 or more")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="newsclean-startup-") as scratch:
        raw = Path(scratch) / "raw"
        raw.mkdir()
        for name in UNITS:
            shutil.copy(REPO / "examples" / "raw" / name, raw / Path(name).name)
        lake = Path(scratch) / "lake"
        cold = one_run(raw, lake, args.workers)
        warm = [one_run(raw, lake, args.workers) for _ in range(args.runs)]

    def line(label: str, figures: dict[str, float]) -> str:
        return (
            f"{label:<22} first unit {figures['first_unit']:5.2f}s "
            f"(cpu {figures['first_cpu']:4.2f}s)   "
            f"whole run {figures['wall']:5.2f}s   cpu {figures['cpu']:5.2f}s"
        )

    print(line("first (cold) run", cold))
    median = {key: statistics.median(run[key] for run in warm) for key in warm[0]}
    print(line(f"median of {len(warm)} warm", median))
    best = {key: min(run[key] for run in warm) for key in warm[0]}
    print(line("best warm", best))
    return 0


if __name__ == "__main__":
    sys.exit(main())
