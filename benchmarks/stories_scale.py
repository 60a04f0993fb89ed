"""Memory and time of story clustering at scale: a day of N articles against a window
of D earlier days of N articles each (100,000 x 7 by default), on synthetic features.

    .venv/bin/python benchmarks/stories_scale.py [--per-day 100000] [--days 7]

The earlier days' signature files are written to a temporary lake in the format
publish keeps (`newsclean.stories.store`); the day's features are synthetic arrays of
the real shapes (a MinHash row, 24 weighted words, a headline of 6). A share of the
articles are copies of an earlier one, and stories of a few articles share words, so
LSH buckets and anchor buckets are not all singletons. Reports the peak resident
memory of reading the window and labeling the day, and the time of each step.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from newsclean.stories.cluster import Label, label_day
from newsclean.stories.features import NUM_PERM, TERMS, TermTable
from newsclean.stories.store import DayArticles, _signature_table, read_window, signatures_path

DAY = date(2026, 2, 13)
TITLE_WORDS = 6


def synthetic_day(rng: np.random.Generator, count: int, day: date, first: int) -> DayArticles:
    """`count` articles: one in five a copy of another, stories of four sharing words."""
    sigs = rng.integers(0, 2**32, size=(count, NUM_PERM), dtype=np.uint32)
    copies = rng.random(count) < 0.2
    source = rng.integers(0, count, size=count)
    sigs[copies] = sigs[source[copies]]
    terms = rng.integers(-(2**62), 2**62, size=(count, TERMS), dtype=np.int64)
    story = np.arange(count) // 4
    terms[:, :4] = (story[:, None] * 7919 + np.arange(4)) + first * 1_000_003
    weights = np.full((count, TERMS), 1 / np.sqrt(TERMS), dtype=np.float32)
    title = terms[:, :TITLE_WORDS].copy()
    start = int(time.mktime(day.timetuple()))
    offsets = np.arange(count + 1, dtype=np.int64) * TERMS
    return DayArticles(
        ids=[f"{first + i:032x}" for i in range(count)],
        times=start + np.sort(rng.integers(0, 86_400, size=count)),
        signatures=sigs,
        terms=TermTable(
            terms.reshape(-1),
            weights.reshape(-1),
            offsets,
            title.reshape(-1),
            np.arange(count + 1, dtype=np.int64) * TITLE_WORDS,
        ),
        titles=[None] * count,
        domains=[None] * count,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(23)
    with tempfile.TemporaryDirectory() as folder:
        lake = Path(folder)
        started = time.perf_counter()
        for offset in range(args.days - 1, 0, -1):
            day = DAY - timedelta(days=offset)
            past = synthetic_day(rng, args.per_day, day, offset * args.per_day)
            labels = [Label(None, None, i) for i in past.ids]
            path = signatures_path(lake, day)
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(_signature_table(past, labels), path, compression="zstd")
        today = synthetic_day(rng, args.per_day, DAY, 0)
        size = sum(p.stat().st_size for p in (lake / "_profiles" / "stories").iterdir())
        print(
            f"wrote {args.days - 1} earlier days of {args.per_day} articles "
            f"({size / 2**20:.0f} MiB of signature files) in {time.perf_counter() - started:.0f} s"
        )
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        window, _days = read_window(lake, DAY, args.days)
        read = time.perf_counter() - started
        held = window.signatures.nbytes + window.terms.nbytes + window.times.nbytes
        started = time.perf_counter()
        labels = label_day(
            window,
            today.ids,
            today.times,
            today.signatures,
            today.terms,
            duplicate_threshold=0.8,
            story_hours=72,
        )
        labeled = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    total = args.per_day * args.days
    print(
        f"window of {len(window)} articles read in {read:.1f} s; its arrays hold "
        f"{held / 2**20:.0f} MiB ({held / len(window):.0f} bytes an article)"
    )
    print(
        f"day of {args.per_day} labeled in {labeled:.1f} s "
        f"({labeled * 1000 / args.per_day:.3f} ms an article); "
        f"{sum(label.duplicate_of is not None for label in labels)} near-duplicates"
    )
    print(
        f"peak resident memory {peak / 1024:.0f} MiB ({(peak - base) / 1024:.0f} MiB over "
        f"the {base / 1024:.0f} MiB before reading the window) for {total} articles"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
