"""Hostile-input benchmark: time and peak memory of each hostile case, and of a whole run.

Builds the corpus of tests/test_hostile.py at full size (a 10 MB line, a 10 GiB gzip
bomb, a 50 MB page) in a temporary folder. Per case: reads the file and cleans its
units in one warm worker (the pool `run` uses, with its time limit), and reports the
outcome, wall time and the peak resident memory of this process plus its workers
during the case. Then runs the real command over all cases together and reports its
wall time, peak memory (summed over CLI, fork server and workers, sampled every
50 ms), the largest single process (getrusage(RUSAGE_CHILDREN)) and `check`.

    .venv/bin/python benchmarks/hostile_bench.py [--light] [--cases NAME,NAME] [--unit-timeout S]

With default settings the hanging page costs unit_timeout (60 s). Not run in CI.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_hostile import build_corpus, hostile_cases  # noqa: E402

DAY = "2026-03-01"


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def run_case(raw: Path, lake: Path, unit_timeout: float) -> dict:
    """Run `newsclean run` on raw; wall time, peak tree RSS, peak single-process RSS, outcome."""
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    command = [
        sys.executable,
        "-m",
        "newsclean.cli",
        "run",
        "--input",
        str(raw),
        "--lake",
        str(lake),
        "--date",
        DAY,
        "--quiet",
        "--unit-timeout",
        str(unit_timeout),
    ]
    started = time.monotonic()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(process.pid)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            try:
                peak[0] = max(peak[0], _tree_rss(watched))
            except psutil.Error:
                pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _out, error = process.communicate()
    seconds = time.monotonic() - started
    sampler.join()
    single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    manifest_path = lake / "articles" / f"ingest_date={DAY}" / "_manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    check = subprocess.run(
        [sys.executable, "-m", "newsclean.cli", "check", "--lake", str(lake), "--date", DAY],
        capture_output=True,
        text=True,
    )
    return {
        "exit": process.returncode,
        "error": error.strip()[-200:],
        "seconds": seconds,
        "peak_tree_mb": peak[0] / 2**20,
        "peak_process_mb": single / 1024 if single > before_children else None,
        "units": manifest.get("units", {}),
        "reasons": manifest.get("quarantined_by_reason", {}),
        "check": check.returncode == 0,
    }


class PeakSampler:
    """Samples the summed RSS of a process tree every 50 ms; `reset` starts a new peak."""

    def __init__(self, process: psutil.Process) -> None:
        self.process, self.peak, self._stop = process, 0, False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                self.peak = max(self.peak, _tree_rss(self.process))
            except psutil.Error:
                pass
            time.sleep(0.05)

    def reset(self) -> None:
        self.peak = _tree_rss(self.process)

    def stop(self) -> None:
        self._stop = True
        self._thread.join()


def clean_cases(
    cases: list, base: Path, unit_timeout: float
) -> list[tuple[str, str, float, float]]:
    """(name, outcome, seconds, peak MB) per case, read and cleaned in one warm worker."""
    from newsclean.config import Settings
    from newsclean.pipeline import clean_unit
    from newsclean.readers import discover, read_units
    from newsclean.record import Rejected
    from newsclean.workers import UnitPool

    settings = Settings(workers=1, unit_timeout=unit_timeout)
    sampler = PeakSampler(psutil.Process())
    rows = []
    with UnitPool(clean_unit, settings, processes=1) as pool:
        for number, case in enumerate(cases):
            raw = base / f"case-{number}"
            build_corpus(raw, [case])
            sampler.reset()
            started = time.monotonic()
            outcomes = []
            for file in discover(str(raw)):
                for _unit, result in pool.imap(read_units(file, settings)):
                    outcomes.append(result.reason if isinstance(result, Rejected) else "article")
            seconds = time.monotonic() - started
            summary = ", ".join(f"{n}x {o}" if n > 1 else o for o, n in Counter(outcomes).items())
            rows.append((case.name, summary, seconds, sampler.peak / 2**20))
            print(
                f"{case.name!r:<44.44}{summary:<40.40}{seconds:>8.2f}{sampler.peak / 2**20:>9.0f}",
                flush=True,
            )
            shutil.rmtree(raw, ignore_errors=True)
    sampler.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--light", action="store_true", help="CI sizes (2 MB line, 1 GiB bomb)")
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--unit-timeout", type=float, default=60.0)
    parser.add_argument("--no-together", action="store_true", help="skip the run over all cases")
    arguments = parser.parse_args()
    cases = hostile_cases(heavy=not arguments.light)
    if arguments.cases:
        wanted = set(arguments.cases.split(","))
        cases = [case for case in cases if case.name in wanted]
    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as directory:
        base = Path(directory)
        print(f"{'case':<44}{'outcome':<40}{'seconds':>8}{'peak MB':>9}")
        rows = clean_cases(cases, base, arguments.unit_timeout)
        name, _outcome, seconds, _peak = max(rows, key=lambda row: row[2])
        print(
            f"\ncases: {len(rows)}; slowest: {name!r} {seconds:.1f}s; "
            f"peak RSS (bench + worker): {max(row[3] for row in rows):.0f} MB"
        )
        if not arguments.no_together:
            raw = base / "raw-all"
            build_corpus(raw, cases)
            together = run_case(raw, base / "lake-all", arguments.unit_timeout)
            print(
                f"all cases in one `newsclean run`: {together['seconds']:.1f}s, "
                f"exit {together['exit']}, "
                f"peak RSS of the process tree {together['peak_tree_mb']:.0f} MB, largest process "
                f"{together['peak_process_mb'] or 0:.0f} MB, units {together['units']}, "
                f"check {'ok' if together['check'] else 'FAIL'}"
            )
            print(f"quarantined by reason: {together['reasons']}")


if __name__ == "__main__":
    main()
