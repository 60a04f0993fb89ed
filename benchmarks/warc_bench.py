"""WARC input against loose files, and a whole run against trafilatura alone.

    .venv/bin/python benchmarks/warc_bench.py [--pages 300] [--megabytes 300] [--workers 1]
    .venv/bin/python benchmarks/warc_bench.py --scale 1000 [--workers 2] [--reader-only]
                                              [--scratch DIR | --built DIR]

On the same corpus pages (../shared/corpus, trafilatura's evaluation pages):
  1. streaming: the WARC reader alone over a WARC of about --megabytes (the pages
     repeated, uncompressed records) and over a WARC of the pages once: units/s,
     MB/s and the reading process's peak RSS, which must not grow with the file;
  2. `newsclean run` (as a subprocess, --workers workers) on the pages as loose files
     and on the same pages as one WARC (a gzip member per record, bodies in 8 KiB
     chunks as crawlers store them): units/s, the WARC's rate as a share of the files', peak RSS;
  3. `trafilatura.bare_extraction(with_metadata=True)` alone on the same pages in this
     process: the whole run's time on one worker against it.
With `--scale MB`, instead: a CC-NEWS-sized run. A WARC of about MB megabytes as stored
(every corpus page, over and over, one gzip member per record, bodies in 8 KiB chunks),
the same pages as loose .html files, and a small WARC of the corpus pages once are each
cleaned by `newsclean run --workers N`; for each: units/s (wall, and after the
start-up), units per CPU second (all processes), and peak RSS of the parent, the
forkserver and the largest worker and the peak summed PSS of all of them. Each copy of
a page has its own URL on one of 97 sites per copy, as a crawl has many sites with a few
pages each. The big files go to --scratch (default: the system's temporary folder) and
are deleted at the end (with --built DIR: built there and kept, or reused from there);
the loose files take about five times the WARC's size. --reader-only measures the
reader alone (streaming, memory) and skips the whole runs.
Exits cleanly with a message when the corpus is absent. Timings are noisy on a shared
machine: compare ratios from one run, and note the load printed at the top.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from perf_bench import RunResult, run_pipeline  # noqa: E402
from warc_helpers import Archive  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "trafilatura-eval"
_READER = """
import json, resource, sys, time
from newsclean.config import Settings
from newsclean.readers import discover, read_input
started = time.perf_counter()
units = 0
for file in discover(sys.argv[1]):
    for unit in read_input(file, Settings()):
        units += 1
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
peak, cpu = usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime
print(json.dumps({"units": units, "seconds": seconds, "peak": peak, "cpu": cpu}))
"""


def load_pages(corpus: Path, count: int) -> list[bytes]:
    return [
        gzip.decompress(path.read_bytes())
        for path in sorted((corpus / "html").glob("*.html.gz"))[:count]
    ]


def write_warc(path: Path, pages: list[bytes], *, repeat: int = 1, gzip_records: bool) -> Path:
    archive = Archive(path, gzip_records=gzip_records)
    for turn in range(repeat):
        for number, body in enumerate(pages):
            url = f"https://site-{number % 97}.example/{turn}/{number}"
            archive.response(
                url, body, chunk=gzip_records, chunk_size=8192, date="2026-02-13T08:30:00Z"
            )
    return archive.close()


def write_scale(folder: Path, pages: list[bytes], megabytes: float) -> tuple[Path, Path, int]:
    """A gzipped WARC of about `megabytes` as stored (the pages over and over) and the
    same pages as loose files beside it: (warc folder, loose folder, pages written)."""
    warc_folder, loose = folder / "warc", folder / "loose"
    warc_folder.mkdir()
    loose.mkdir()
    archive = Archive(warc_folder / "CC-NEWS-20260213083000-00000.warc.gz", gzip_records=True)
    written = 0
    while archive.path.stat().st_size < megabytes * 1e6:
        turn, number = divmod(written, len(pages))
        body = pages[number]
        url = f"https://site-{turn}-{number % 97}.example/{number}"
        archive.response(url, body, chunk=True, chunk_size=8192, date="2026-02-13T08:30:00Z")
        subfolder = loose / f"{written // 1000:04d}"
        subfolder.mkdir(exist_ok=True)
        (subfolder / f"page-{written:07d}.html").write_bytes(body)
        written += 1
    archive.close()
    return written


def describe_run(label: str, run: RunResult) -> str:
    """One line: rate, CPU per unit and peak memory of a whole run."""
    return (
        f"run {label:<11} {run.units:6d} units in {run.seconds:7.1f}s "
        f"({run.units / run.seconds:5.1f} units/s; start-up {run.start_up}s, then {run.rate} "
        f"units/s), {run.cpu_seconds:7.1f} cpu s ({run.units / run.cpu_seconds:5.1f} units per "
        f"cpu s; parent {run.cpu_by_role.get('parent', 0):.1f}, workers "
        f"{run.cpu_by_role.get('workers', 0):.1f}); peak RSS parent "
        f"{run.parent_peak / 2**20:.0f} MiB, forkserver {run.server_peak / 2**20:.0f} MiB, "
        f"largest worker {run.worker_peak / 2**20:.0f} MiB; all (PSS) "
        f"{run.tree_peak / 2**20:.0f} MiB; load {os.getloadavg()[0]:.1f}"
    )


def scale(
    corpus: Path, megabytes: float, workers: int, scratch: Path, *, built: Path | None, runs: bool
) -> None:
    """The --scale comparison: a big WARC against the same pages as loose files and
    against a small WARC of the pages once, through the reader alone and (with `runs`)
    through whole runs. `built`: a folder to build into and keep, or to reuse when an
    earlier run built it."""
    pages = load_pages(corpus, 10**9)
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsclean-warc-scale-", dir=scratch) as name:
        folder = built or Path(name)
        if not (folder / "small").is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            write_scale(folder, pages, megabytes)
            small = folder / "small"
            small.mkdir()
            write_warc(small / "CC-NEWS-20260213083000-00000.warc.gz", pages, gzip_records=True)
            print(f"built in {time.perf_counter() - started:.0f}s in {folder}")
        stored = sum(path.stat().st_size for path in (folder / "warc").iterdir()) / 1e6
        html = sum(path.stat().st_size for path in (folder / "loose").rglob("*.html")) / 1e6
        print(f"a {stored:.0f} MB WARC ({html:.0f} MB of HTML), the same pages as loose files")
        roots = {"small warc": folder / "small", "big warc": folder / "warc"}
        roots["big files"] = folder / "loose"
        for label, root in roots.items():
            found = read_only(root)
            print(
                f"read {label:<11} {found['units']:6d} units in {found['seconds']:6.1f}s "
                f"({found['units'] / found['seconds']:7.1f} units/s), {found['cpu']:6.1f} cpu s "
                f"({found['units'] / found['cpu']:7.1f} units per cpu s), peak RSS "
                f"{found['peak'] / 2**20:6.1f} MiB; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        if not runs:
            return
        results = {}
        for label, root in roots.items():
            print(f"load average {os.getloadavg()[0]:.1f} before {label}", flush=True)
            results[label] = run_pipeline(root, workers, scratch=folder)
            print(describe_run(label, results[label]), flush=True)
        big, files, once = results["big warc"], results["big files"], results["small warc"]
        print(
            f"big WARC / loose files: rate {files.seconds / big.seconds:.2f} (wall), "
            f"{(big.rate or 0) / (files.rate or 1):.2f} (after start-up), "
            f"{(big.units / big.cpu_seconds) / (files.units / files.cpu_seconds):.2f} "
            "(units per cpu s)"
        )
        print(
            f"big WARC / small WARC peak memory: all (PSS) {big.tree_peak / once.tree_peak:.2f}, "
            f"parent {big.parent_peak / once.parent_peak:.2f}, "
            f"largest worker {big.worker_peak / once.worker_peak:.2f}"
        )


def read_only(root: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", _READER, str(root)], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def bare_extraction_seconds(pages: list[bytes]) -> float:
    import logging

    from trafilatura import bare_extraction

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    bare_extraction(pages[0], with_metadata=True)  # imports and lazy loads out of the timing
    started = time.process_time()
    for page in pages:
        bare_extraction(page, with_metadata=True)
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--megabytes", type=int, default=300)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--skip", choices=("stream", "runs", "bare"), action="append", default=[])
    parser.add_argument("--scale", type=float, metavar="MB", help="a CC-NEWS-sized run instead")
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--reader-only", action="store_true", help="with --scale: no whole runs")
    parser.add_argument(
        "--built", type=Path, help="with --scale: build into DIR and keep it, or reuse it"
    )
    args = parser.parse_args(argv)
    if args.scale is not None and args.scale <= 0:
        parser.error("--scale must be a positive number of megabytes")
    if not (args.corpus / "html").is_dir():
        print(f"corpus not found at {args.corpus}: nothing to measure")
        return 0
    if args.scale is not None:
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        scale(
            args.corpus,
            args.scale,
            args.workers,
            args.scratch,
            built=args.built,
            runs=not args.reader_only,
        )
        return 0
    pages = load_pages(args.corpus, args.pages)
    megabytes = sum(map(len, pages)) / 1e6
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{len(pages)} pages, {megabytes:.1f} MB of HTML")
    with tempfile.TemporaryDirectory(prefix="newsclean-warc-") as scratch_name:
        scratch = Path(scratch_name)
        if "stream" not in args.skip:
            for label, repeat in (("once", 1), ("large", max(1, int(args.megabytes / megabytes)))):
                folder = scratch / f"read-{label}"
                folder.mkdir()
                path = write_warc(folder / "pages.warc", pages, repeat=repeat, gzip_records=False)
                size = path.stat().st_size / 1e6
                found = read_only(folder)
                print(
                    f"read {label:<5} {size:8.1f} MB WARC: {found['units']:6d} units in "
                    f"{found['seconds']:6.1f}s ({size / found['seconds']:6.1f} MB/s), "
                    f"peak RSS {found['peak'] / 2**20:6.1f} MiB"
                )
                path.unlink()
        single = None
        if "runs" not in args.skip:
            loose = scratch / "loose"
            loose.mkdir()
            for number, body in enumerate(pages):
                (loose / f"page-{number:05d}.html").write_bytes(body)
            warc = scratch / "warc"
            warc.mkdir()
            write_warc(warc / "CC-NEWS-20260213083000-00000.warc.gz", pages, gzip_records=True)
            results = {}
            for label, root in (("files", loose), ("warc", warc)):
                results[label] = run = run_pipeline(root, args.workers, scratch=scratch)
                print(
                    f"run {label:<5} {run.units} units in {run.seconds:6.1f}s "
                    f"({run.units / run.seconds:5.1f} units/s; start-up {run.start_up}s, then "
                    f"{run.rate} units/s), cpu {run.cpu_seconds:6.1f}s, peak RSS parent "
                    f"{run.parent_peak / 2**20:.0f} MiB, worker {run.worker_peak / 2**20:.0f} MiB"
                )
            files, warc_run = results["files"], results["warc"]
            print(
                f"WARC rate / files rate: {files.seconds / warc_run.seconds:.2f} (wall), "
                f"{(warc_run.rate or 0) / (files.rate or 1):.2f} (after start-up)"
            )
            single = files if args.workers == 1 else None
        if "bare" not in args.skip:
            seconds = bare_extraction_seconds(pages)
            print(
                f"bare_extraction(with_metadata=True) alone: {seconds:.1f} cpu s "
                f"({len(pages) / seconds:.1f} pages/s)"
            )
            if single is not None:
                print(
                    f"whole run on one worker / bare_extraction alone: "
                    f"{single.cpu_seconds / seconds:.2f} (cpu), {single.seconds / seconds:.2f} "
                    "(wall)"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
