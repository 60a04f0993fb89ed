"""CPU cost of the repair stage's typo layer on an archive's text units, one core.

    .venv/bin/python benchmarks/typo_cost_bench.py --archive /tmp/archive-1k
                                                [--languages en|all|en,de] [--passes 2]
                                                [--typos-only]

The archive (benchmarks/make_archive.py) is read and extracted once, as the pipeline
does, and the articles' text and language are kept in `.cache/` for later runs. Each
pass then repairs every text with `repair_text` (encoding and typos, as the repair
stage does) and is timed in CPU seconds (`time.process_time`); the first pass meets
every word for the first time, later passes find the verdicts cached. Printed per
pass: ms per text unit. Also printed: a digest of the repaired texts and their
repairs, so that two versions of the code can be shown to give the same output.
Compare versions by alternating runs (A, B, A, B) in one session: the machine is
shared, and only ratios of runs close in time mean much.

`--typos-only` repairs the encoding before the passes and times the typo layer
(`fix_typos`) alone. For instruction counts, run it under valgrind with `--passes 1` and
with `--passes 0` (everything loaded, nothing repaired) and subtract.

`--recycle N` times the repair stage as a run does: this process is warmed as the
workers' forkserver is (it imports `newsclean.preload`, with `NEWSCLEAN_TYPO_LANGUAGES`
set from `--languages`), then forks a worker for each N units in turn (the workers are
recycled every 1,000 units, `newsclean.workers.RECYCLE_UNITS`), each repairing its units
once with what it inherited and nothing it judged before. Printed: ms per text unit over
all the units, and the slowest worker's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE = REPO_ROOT / ".cache"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--languages", default="all", help="en, all, or codes: en,de")
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--typos-only", action="store_true", help="time fix_typos alone")
    parser.add_argument("--recycle", type=int, default=0, help="units per forked worker")
    args = parser.parse_args(argv)
    if not args.archive.is_dir():
        print(f"typo_cost_bench: no archive at {args.archive}", file=sys.stderr)
        return 2
    if args.passes < 0:
        print("typo_cost_bench: --passes must be 0 or more", file=sys.stderr)
        return 2
    if args.recycle < 0:
        print("typo_cost_bench: --recycle must be 0 or more", file=sys.stderr)
        return 2
    if args.recycle:
        os.environ["NEWSCLEAN_TYPO_LANGUAGES"] = args.languages

    from newsclean.repair import fix_encoding, repair_text
    from newsclean.typos import TYPO_LANGUAGES, fix_typos, load_lexicons

    if args.languages == "all":
        languages = TYPO_LANGUAGES
    else:
        languages = frozenset(args.languages.split(","))
        if not languages <= TYPO_LANGUAGES:
            unknown = ", ".join(sorted(languages - TYPO_LANGUAGES))
            print(f"typo_cost_bench: no typo repair for {unknown}", file=sys.stderr)
            return 2
    articles = archive_articles(args.archive)
    load_lexicons(languages)
    if args.typos_only:
        articles = [(fix_encoding(text)[0], language) for text, language in articles]
        repair = fix_typos
    else:
        repair = repair_text
    print(f"{len(articles)} text units, languages: {','.join(sorted(languages))}")
    if args.recycle:
        return recycled_run(articles, args.recycle, repair, languages)
    digest = hashlib.sha256()
    for number in range(1, args.passes + 1):
        seconds = 0.0
        for text, language in articles:
            started = time.process_time()
            fixed, repairs = repair(text, language=language, languages=languages)
            seconds += time.process_time() - started
            if number == 1:
                digest.update(fixed.encode())
                digest.update(repr(repairs).encode())
        per_unit = 1000 * seconds / max(1, len(articles))
        print(f"pass {number}: {per_unit:.3f} ms CPU per text unit")
    print(f"output digest: {digest.hexdigest()[:16]}")
    return 0


def recycled_run(
    articles: list[tuple[str, str | None]], per_worker: int, repair: Callable, languages
) -> int:
    """Repair `articles` in workers forked from this process (warmed as the forkserver
    is), `per_worker` units each; print the CPU cost per unit and the output digest."""
    import newsclean.preload  # noqa: F401 - warms this process and freezes the collector

    digest = hashlib.sha256()
    worker_costs = []
    for first in range(0, len(articles), per_worker):
        chunk = articles[first : first + per_worker]
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: repair its units, send back CPU seconds and a digest
            os.close(reader)
            seconds, worker_digest = 0.0, hashlib.sha256()
            for text, language in chunk:
                started = time.process_time()
                fixed, repairs = repair(text, language=language, languages=languages)
                seconds += time.process_time() - started
                worker_digest.update(fixed.encode())
                worker_digest.update(repr(repairs).encode())
            os.write(writer, json.dumps([seconds, worker_digest.hexdigest()]).encode())
            os._exit(0)
        os.close(writer)
        with os.fdopen(reader, "rb") as answer:
            seconds, worker_digest = json.loads(answer.read())
        os.waitpid(pid, 0)
        worker_costs.append((seconds, len(chunk)))
        digest.update(worker_digest.encode())
    total = sum(seconds for seconds, _ in worker_costs)
    slowest = max(1000 * seconds / units for seconds, units in worker_costs)
    print(
        f"{len(worker_costs)} workers of {per_worker} units: "
        f"{1000 * total / max(1, len(articles)):.3f} ms CPU per text unit "
        f"(slowest worker {slowest:.3f})"
    )
    print(f"output digest: {digest.hexdigest()[:16]}")
    return 0


def archive_articles(archive: Path) -> list[tuple[str, str | None]]:
    """(text, language) of each article the archive's units extract to, cached on disk."""
    files = sorted(path for path in archive.rglob("*") if path.is_file())
    key = hashlib.sha256()
    for path in files:
        key.update(f"{path}:{path.stat().st_size}:{path.stat().st_mtime_ns}".encode())
    cache = CACHE / f"typo_cost_{key.hexdigest()[:16]}.json"
    if cache.exists():
        return [tuple(pair) for pair in json.loads(cache.read_text(encoding="utf-8"))]

    from newsclean.config import Settings
    from newsclean.extract import extract_unit
    from newsclean.readers import discover, read_file
    from newsclean.record import Rejected

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    settings = replace(Settings.from_env(), workers=1)
    articles = []
    for file in discover(str(archive)):
        _digest, units = read_file(file, settings)
        for unit in units:
            if isinstance(unit, Rejected):
                continue
            article = extract_unit(unit, settings)
            if not isinstance(article, Rejected):
                articles.append((article.text, article.language))
    CACHE.mkdir(exist_ok=True)
    cache.write_text(json.dumps(articles), encoding="utf-8")
    return articles


if __name__ == "__main__":
    sys.exit(main())
