"""Throughput and memory of newsclean against the cost floor, plain trafilatura.

    .venv/bin/python benchmarks/perf_bench.py [--pages 300] [--workers N] [--archive DIR ...]
                                           [--single-too] [--skip stages|runs|pages]

One run, on the same corpus pages, in the same process:
  1. plain `trafilatura.extract(page)` (defaults): the cost floor, pages/s; and
     `trafilatura.bare_extraction` with newsclean's options (metadata on, comments
     off), to tell trafilatura's metadata cost from what newsclean adds;
  2. newsclean's stages one by one in this process (read, extract, repair,
     boilerplate, templates, validate, write), seconds per stage;
  3. the whole pipeline (`newsclean run`, as a subprocess) with one worker and with
     `--workers` workers: pages/s, ratio to plain trafilatura, speed-up, peak memory
     (max RSS of the parent and of the largest worker, sampled). Each run also
     reports, from its summary, its start-up (until the first unit is cleaned:
     imports, models, the workers' server) and its rate after that; the speed-up
     is given for both the wall time and that rate.
With `--archive DIR` (built by benchmarks/make_archive.py), the whole pipeline also
runs on each archive (and with one worker too, given `--single-too`), and the stages
are timed on its text and markdown units.
Exits cleanly with a message when the corpus is absent. Timings are noisy on a
shared machine: compare ratios from one run, and note the load printed at the top.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "trafilatura-eval"
DAY = date(2026, 2, 13)
STAGES = ("read", "extract", "repair", "boilerplate", "templates", "validate", "write")
MiB = 1024 * 1024


# ---------------------------------------------------------------------------
# Whole runs, as a subprocess, with their peak memory


@dataclass
class RunResult:
    """One `newsclean run`: wall seconds, units, and peak RSS (sampled) of its processes."""

    seconds: float
    cpu_seconds: float
    units: int
    written: int
    parent_peak: int
    server_peak: int
    worker_peak: int
    tree_peak: int
    start_up: float | None  # seconds until the first unit was cleaned (from the summary)
    rate: float | None  # units per second after the first
    cpu_by_role: dict[str, float] = field(default_factory=dict)  # parent, forkserver, workers

    def describe(self) -> str:
        pace = (
            f" (start-up {self.start_up:.1f}s, then {self.rate:.1f} units/s)"
            if self.rate is not None
            else ""
        )
        return (
            f"{self.units} units in {self.seconds:.1f}s{pace} = "
            f"{self.units / self.seconds:.1f} units/s, "
            f"{self.cpu_seconds:.1f} CPU s = {self.units / self.cpu_seconds:.1f} units per CPU s; "
            f"peak RSS: parent {self.parent_peak / MiB:.0f} MiB, forkserver "
            f"{self.server_peak / MiB:.0f} MiB, largest worker {self.worker_peak / MiB:.0f} MiB, "
            f"all processes together (PSS) {self.tree_peak / MiB:.0f} MiB"
            + (
                "; CPU s by process: "
                + ", ".join(f"{role} {seconds:.1f}" for role, seconds in self.cpu_by_role.items())
                if self.cpu_by_role
                else ""
            )
        )


def run_pipeline(input_root: Path, workers: int, *, scratch: Path) -> RunResult:
    """`newsclean run` on input_root in a fresh lake, sampling the RSS of its processes.

    Workers are children of the forkserver, itself a child of the parent; the RSS of
    each is sampled every 0.1 s (pages shared with the forkserver count in each), and
    every second the sum of their PSS (shared pages split between the processes
    sharing them).
    """
    import psutil

    lake = Path(tempfile.mkdtemp(prefix="lake-", dir=scratch))
    command = [
        sys.executable,
        "-c",
        "import sys; from newsclean.cli import main; sys.exit(main())",
        "run",
        "--input",
        str(input_root),
        "--lake",
        str(lake),
        "--date",
        DAY.isoformat(),
        "--workers",
        str(workers),
    ]
    started = time.perf_counter()
    # Files, not pipes: wait4 cannot block on them. stdout gets the run's summary.
    summary, errors = tempfile.TemporaryFile(dir=scratch), tempfile.TemporaryFile(dir=scratch)
    process = subprocess.Popen(command, stdout=summary, stderr=errors)
    cpu: dict[int, float] = {}  # CPU seconds of each process of the run, last seen
    roles: dict[int, str] = {process.pid: "parent"}  # the forkserver's children: workers
    peaks = {"parent": 0, "server": 0, "worker": 0, "tree": 0}
    done = threading.Event()

    def sample() -> None:
        root = psutil.Process(process.pid)
        samples = 0
        while not done.is_set():
            samples += 1
            try:
                parent = root.memory_info().rss
                tree = 0
                # PSS (shared pages counted once) reads /proc/PID/smaps: ~3 CPU ms a
                # process, enough to slow a run on a small machine: once a second after
                # the first 15 s.
                every = _PSS_EVERY if samples > _PSS_DENSE else _PSS_EVERY_DENSE
                with_pss = samples % every == 1
                for each in [root, *root.children(recursive=True)]:
                    times = each.cpu_times()
                    cpu[each.pid] = times.user + times.system
                    if with_pss:
                        tree += each.memory_full_info().pss
                for child in root.children():
                    server = child.memory_info().rss
                    roles.setdefault(child.pid, "forkserver")
                    grandchildren = child.children(recursive=True)
                    roles.update((grand.pid, "workers") for grand in grandchildren)
                    workers = [grand.memory_info().rss for grand in grandchildren]
                    peaks["server"] = max(peaks["server"], server)
                    peaks["worker"] = max([peaks["worker"], *workers])
                peaks["parent"] = max(peaks["parent"], parent)
                peaks["tree"] = max(peaks["tree"], tree)
            except psutil.Error:
                pass
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    errors.seek(0)
    stderr = errors.read()
    errors.close()
    summary.seek(0)
    pace = _PACE.search(summary.read().decode(errors="replace"))
    summary.close()
    # The kernel's count covers the parent and the children it reaped (the forkserver,
    # and through it the workers); the samples cover processes it may not have reaped.
    cpu_seconds = max(usage.ru_utime + usage.ru_stime, sum(cpu.values()))
    by_role: Counter[str] = Counter()
    for pid, used in cpu.items():
        by_role[roles.get(pid, "other")] += used
    if process.returncode != 0:
        message = stderr.decode(errors="replace")[-2000:]
        raise RuntimeError(f"newsclean run failed ({process.returncode}): {message}")
    manifest = json.loads(
        (lake / "articles" / f"ingest_date={DAY.isoformat()}" / "_manifest.json").read_text()
    )
    shutil.rmtree(lake, ignore_errors=True)
    return RunResult(
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        units=manifest["units"]["read"],
        written=manifest["units"]["written"],
        parent_peak=peaks["parent"],
        server_peak=peaks["server"],
        worker_peak=peaks["worker"],
        tree_peak=peaks["tree"],
        start_up=float(pace[1]) if pace else None,
        rate=float(pace[2]) if pace else None,
        cpu_by_role=dict(by_role),
    )


_PSS_EVERY = 10  # RSS samples (0.1 s apart) per PSS sample
# ...but every 0.3 s in a run's first 15 s: a short run (1,000 units: ~4 s) has its peak
# between a few samples, and one a second missed it by up to 70 MiB (396-469 MiB seen).
_PSS_DENSE, _PSS_EVERY_DENSE = 150, 3


# The pace in `newsclean run`'s summary: "... in 36.1s (start-up 9.6s, then 38.7 units/s)"
_PACE = re.compile(r"\(start-up ([\d.]+)s, then ([\d.]+) units/s\)")


def _speed_up(single: RunResult, parallel: RunResult, workers: int) -> str:
    line = f"  speed-up with {workers} workers: {single.seconds / parallel.seconds:.2f}x wall time"
    if single.rate and parallel.rate:
        line += f", {parallel.rate / single.rate:.2f}x units/s after the start-up"
    return line


# ---------------------------------------------------------------------------
# The stages one by one, in this process


@dataclass
class StageTimes:
    """Seconds spent per stage over some units, and plain trafilatura on the same pages."""

    units: int = 0
    articles: int = 0
    plain: float = 0.0
    same_options: float = 0.0  # trafilatura.bare_extraction with newsclean's options
    warm_up: float = 0.0
    seconds: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> float:
        return sum(self.seconds.values())

    def describe(self) -> str:
        lines = []
        if self.plain:
            lines.append(
                f"  plain trafilatura.extract: {self.units / self.plain:7.1f} pages per CPU s"
                f"  ({self.plain:.2f} CPU s)"
            )
        if self.same_options:
            lines.append(
                f"  trafilatura with newsclean's options (metadata, no comments):"
                f" {self.units / self.same_options:7.1f} pages per CPU s"
                f"  ({self.same_options:.2f} CPU s, {self.same_options / self.plain:.2f}x plain)"
            )
        lines.append(
            f"  newsclean stages in-process: {self.units / self.total:7.1f} units per CPU s"
            f"  ({self.total:.2f} CPU s, {self.articles} articles)"
            + (f"  ratio to plain {self.total / self.plain:.2f}x" if self.plain else "")
            + (
                f", to trafilatura with the same options {self.total / self.same_options:.2f}x"
                if self.same_options
                else ""
            )
        )
        for stage in STAGES:
            seconds = self.seconds[stage]
            share = seconds / self.total if self.total else 0.0
            lines.append(
                f"    {stage:<12}{seconds:8.2f}s {1000 * seconds / max(self.units, 1):8.2f} ms/unit"
                f" {share:6.1%}"
            )
        lines.append(f"  (not counted: first unit, with imports and models, {self.warm_up:.2f}s)")
        return "\n".join(lines)


def time_stages(
    input_root: Path, *, limit: int | None, scratch: Path, plain: bool, keep: Any = None
) -> StageTimes:
    """Each stage of the pipeline, timed unit by unit, in this process (one core).

    With `plain`, each HTML page is also given to `trafilatura.extract` right before
    newsclean sees it, so both share the same moment's machine load.
    """
    import trafilatura

    from newsclean.boilerplate import TemplateProfile
    from newsclean.config import Settings
    from newsclean.day import _too_short
    from newsclean.extract import TRAFILATURA_OPTIONS, extract_unit
    from newsclean.lake import PartWriter
    from newsclean.pipeline import PIPELINE_VERSION, repair_article, strip_article
    from newsclean.readers import discover, read_file
    from newsclean.record import Rejected
    from newsclean.rows import article_record
    from newsclean.validate import ARTICLE, validation_error

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    settings = replace(Settings.from_env(), workers=1)  # NEWSCLEAN_TYPO_LANGUAGES etc.
    times = StageTimes()
    clock = time.process_time  # CPU seconds: on a shared machine, steadier than wall time
    articles = []
    started = clock()
    _warm_up(discover(str(input_root)), settings, keep)
    times.warm_up = clock() - started
    for file in discover(str(input_root)):
        started = clock()
        _digest, units = read_file(file, settings)
        units = list(units)
        times.seconds["read"] += clock() - started
        for unit in units:
            if isinstance(unit, Rejected) or (keep and not keep(unit)):
                continue
            times.units += 1
            if plain:
                page = unit.payload
                started = clock()
                trafilatura.extract(page)
                times.plain += clock() - started
                # What newsclean asks of trafilatura: the same extraction with metadata.
                started = clock()
                trafilatura.bare_extraction(page, **TRAFILATURA_OPTIONS)
                times.same_options += clock() - started
            started = clock()
            article = extract_unit(unit, settings)
            extracted = clock()
            times.seconds["extract"] += extracted - started
            if isinstance(article, Rejected):
                continue
            article = repair_article(article, settings)
            repaired = clock()
            times.seconds["repair"] += repaired - extracted
            article = strip_article(article, settings)
            times.seconds["boilerplate"] += clock() - repaired
            if not _too_short(article.text, settings):
                articles.append(article)
            if limit and times.units >= limit:
                break
        if limit and times.units >= limit:
            break
    started = clock()
    templates = TemplateProfile()
    for article in articles:
        templates.observe(article.source_domain, article.text)
    stripped = []
    for article in articles:
        text, removed = templates.strip(article.source_domain, article.text)
        if removed:
            article = article.evolve(text=text, removed=article.removed + tuple(removed))
        stripped.append(article)
    times.seconds["templates"] += clock() - started
    started = clock()
    records = []
    for article in stripped:
        record = article_record(article, ingest_date=DAY, pipeline_version=PIPELINE_VERSION)
        if validation_error(record, ARTICLE) is None:
            records.append(record)
    times.seconds["validate"] += clock() - started
    started = clock()
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        writer = PartWriter(Path(folder) / "part.parquet", ARTICLE, batch_rows=settings.batch_rows)
        for record in records:
            writer.write(record)
        writer.close()
    times.seconds["write"] += clock() - started
    times.articles = len(records)
    return times


def _warm_up(files: list[Any], settings: Any, keep: Any) -> None:
    """Run one unit through every stage untimed: imports, dictionaries and models load.

    The whole pipeline does the same once per run, in the forkserver (newsclean.preload,
    which also builds justext's stoplist and dateparser's patterns).
    """
    import trafilatura

    import newsclean.preload  # noqa: F401 - warms lazy caches on import
    from newsclean.lake import PartWriter
    from newsclean.pipeline import PIPELINE_VERSION, clean_unit
    from newsclean.readers import read_file
    from newsclean.record import Rejected
    from newsclean.rows import article_record
    from newsclean.validate import ARTICLE, validation_error

    for file in files:
        for unit in read_file(file, settings)[1]:
            if isinstance(unit, Rejected) or (keep and not keep(unit)):
                continue
            if unit.content_format == "html":
                trafilatura.extract(unit.payload)
            article = clean_unit(unit, settings)
            if isinstance(article, Rejected):
                continue
            record = article_record(article, ingest_date=DAY, pipeline_version=PIPELINE_VERSION)
            validation_error(record, ARTICLE)
            with tempfile.TemporaryDirectory() as folder:
                writer = PartWriter(Path(folder) / "part.parquet", ARTICLE, batch_rows=10)
                writer.write(record)
                writer.close()
            return


def _page_folder(corpus: Path, pages: int, scratch: Path) -> Path:
    """The first `pages` corpus pages, inflated, as one day's raw input.

    The corpus stores its pages gzipped; inflated here, plain trafilatura and newsclean
    start from the same HTML bytes, and newsclean's read stage is reading, not gunzip.
    """
    folder = Path(tempfile.mkdtemp(prefix="pages-", dir=scratch))
    for path in sorted((corpus / "html").glob("*.html.gz"))[:pages]:
        with gzip.open(path) as page:
            (folder / path.name.removesuffix(".gz")).write_bytes(page.read())
    return folder


def _load() -> str:
    try:
        one, five, _fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def _measure_pages(pages: Path, args: argparse.Namespace) -> None:
    """Stage timings and whole runs (1 and N workers) on the corpus pages."""
    if "stages" not in args.skip:
        print(f"\n== {args.pages} corpus pages, stage by stage, one core", flush=True)
        times = time_stages(pages, limit=None, scratch=args.scratch, plain=True)
        print(times.describe(), flush=True)
    if "runs" not in args.skip:
        print(f"\n== {args.pages} corpus pages, whole pipeline (newsclean run)", flush=True)
        single = run_pipeline(pages, 1, scratch=args.scratch)
        print(f"  1 worker:  {single.describe()}", flush=True)
        if "stages" not in args.skip:
            ratio = single.cpu_seconds / times.plain
            print(
                f"  1 worker vs plain trafilatura: {ratio:.2f}x the CPU time (all processes,"
                " start-up included)",
                flush=True,
            )
        if args.workers > 1:
            parallel = run_pipeline(pages, args.workers, scratch=args.scratch)
            print(f"  {args.workers} workers: {parallel.describe()}", flush=True)
            print(_speed_up(single, parallel, args.workers), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=300, help="corpus pages to use (max 990)")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="workers of the parallel run (default: one per core)",
    )
    parser.add_argument(
        "--archive",
        type=Path,
        action="append",
        default=[],
        help="also run on this archive (make_archive.py); may repeat",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=2000,
        help="text and markdown units of the archive timed stage by stage",
    )
    parser.add_argument(
        "--single-too",
        action="store_true",
        help="also run each archive with one worker, for the speed-up of --workers",
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument(
        "--skip",
        choices=("stages", "runs", "pages"),
        action="append",
        default=[],
        help="skip the stage-by-stage timings, the whole runs, or the corpus pages (archives only)",
    )
    args = parser.parse_args(argv)
    if "pages" not in args.skip and not (args.corpus / "html").is_dir():
        print(f"corpus not found at {args.corpus} (need html/*.html.gz); nothing to measure")
        return 0
    args.scratch.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {_load()}", flush=True)
    if "pages" not in args.skip:
        pages = _page_folder(args.corpus, args.pages, args.scratch)
        try:
            _measure_pages(pages, args)
        finally:
            shutil.rmtree(pages, ignore_errors=True)
    for archive in args.archive:
        if "stages" not in args.skip:
            print(
                f"\n== {archive}: {args.sample} text and markdown units, stage by stage, one core",
                flush=True,
            )
            times = time_stages(
                archive,
                limit=args.sample,
                scratch=args.scratch,
                plain=False,
                keep=lambda unit: unit.content_format != "html",
            )
            print(times.describe(), flush=True)
        if "runs" not in args.skip:
            print(f"\n== {archive}: whole pipeline", flush=True)
            run = run_pipeline(archive, args.workers, scratch=args.scratch)
            print(f"  {args.workers} workers: {run.describe()}", flush=True)
            if args.single_too and args.workers > 1:
                single = run_pipeline(archive, 1, scratch=args.scratch)
                print(f"  1 worker:  {single.describe()}", flush=True)
                print(_speed_up(single, run, args.workers), flush=True)
    print(f"\nload average at end: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
