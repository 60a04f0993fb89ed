"""Hostile-input benchmark: time and peak memory of `newsclean run` on each hostile case.

Builds the corpus of tests/test_hostile.py at full size (a 10 MB line, a 10 GiB gzip
bomb, a 50 MB page) in a temporary folder, runs the real command once per case (its
own input folder and lake) and once over all cases together, and prints per case: the
outcome, wall time, and peak memory of the run (resident memory summed over the CLI,
fork server and workers, sampled every 50 ms; and the largest single process, from
getrusage(RUSAGE_CHILDREN)).

    uv run python benchmarks/hostile_bench.py [--light] [--cases NAME,NAME] [--unit-timeout S]

With default settings the hanging page costs unit_timeout (60 s). Not run in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
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
    command = [sys.executable, "-m", "newsclean.cli", "run", "--input", str(raw), "--lake", str(lake),
               "--date", DAY, "--quiet", "--unit-timeout", str(unit_timeout)]  # fmt: skip
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
    check = subprocess.run([sys.executable, "-m", "newsclean.cli", "check", "--lake", str(lake), "--date", DAY],
                           capture_output=True, text=True)  # fmt: skip
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
        results = []
        print(f"{'case':<44}{'outcome':<28}{'seconds':>8}{'tree MB':>9}{'proc MB':>9}  check")
        for number, case in enumerate(cases):
            raw = base / f"raw-{number}"
            build_corpus(raw, [case])
            result = run_case(raw, base / f"lake-{number}", arguments.unit_timeout)
            outcome = ",".join(sorted(result["reasons"])) or (
                "article" if result["units"] else result["error"]
            )
            if len(case.expected) > 1:
                outcome = f"{result['units'].get('written', 0)} articles, " + outcome
            results.append((case.name, result))
            proc = f"{result['peak_process_mb']:.0f}" if result["peak_process_mb"] else "-"
            print(f"{case.name!r:<44.44}{outcome:<28.28}{result['seconds']:>8.1f}"
                  f"{result['peak_tree_mb']:>9.0f}{proc:>9}  {'ok' if result['check'] else 'FAIL'}",
                  flush=True)  # fmt: skip
        slowest_name, slowest = max(results, key=lambda item: item[1]["seconds"])
        print(f"\ncases: {len(results)}; slowest: {slowest_name!r} {slowest['seconds']:.1f}s; "
              f"peak tree RSS: {max(r['peak_tree_mb'] for _n, r in results):.0f} MB")  # fmt: skip
        if not arguments.no_together:
            raw = base / "raw-all"
            build_corpus(raw, cases)
            together = run_case(raw, base / "lake-all", arguments.unit_timeout)
            print(f"all cases in one run: {together['seconds']:.1f}s, peak tree RSS "
                  f"{together['peak_tree_mb']:.0f} MB, units {together['units']}, "
                  f"check {'ok' if together['check'] else 'FAIL'}")  # fmt: skip
        print(
            f"max RSS of any child process (getrusage): "
            f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB"
        )
        os.sync()


if __name__ == "__main__":
    main()
