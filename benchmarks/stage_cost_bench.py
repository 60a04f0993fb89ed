"""CPU time of the boilerplate stage per unit, for comparing two versions of the code.

    .venv/bin/python benchmarks/stage_cost_bench.py [--part train] [--scrapes N] [--rounds N]

On the training parts (the default), in one process: the Dragnet and Readability page
texts (as `"html"`), the older text and markdown scrapes and the kind-labeled scrapes
(as `"text"`, the learned stage on), each priced as `words_cost_bench.py` prices a
pass: every cache of the boilerplate package cleared first, `time.process_time` around
the pass. Prints the median CPU milliseconds per unit of `--rounds` passes, rules alone,
the rules and the structural detectors (`classifier=False`), and the whole stage. To
compare the code of two commits, run it under each in turn, alternating (A B A B ...),
with `PYTHONPATH=<the other commit's export>/src` for the one that is not this
checkout, and read the ratios of the medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harvest import harvest_pages, kind_scrape_cases  # noqa: E402
from labeled import (  # noqa: E402
    EVAL_SET,
    LABELED_SETS,
    extract_pages,
    load_set,
    page_key,
    scrape_cases,
)
from words_cost_bench import clear_caches  # noqa: E402

from newsclean.boilerplate import strip_boilerplate  # noqa: E402

# What each priced pass runs: the rules alone, the rules and the structural detectors
# (the classifier and the models off), the whole stage.
MODES = {
    "rules alone": {"learned": False},
    "detectors": {"learned": True, "classifier": False},
    "stage": {"learned": True},
}


def one_pass(units: list[tuple[str, dict]], mode: dict) -> float:
    """CPU milliseconds per unit of the stage over `units` (text, options) run as
    `mode` says (one of MODES), caches cleared first."""
    clear_caches()
    start = time.process_time()
    for text, options in units:
        strip_boilerplate(text, **mode, **options)
    return (time.process_time() - start) * 1000 / len(units)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("train", "held-out"), default="train")
    parser.add_argument("--scrapes", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3, help="passes of each set")
    args = parser.parse_args(argv)
    if args.scrapes < 1 or args.rounds < 1:
        parser.error("--scrapes and --rounds must be at least 1")
    wanted = args.part == "held-out"
    pool = [page for name in (*LABELED_SETS, EVAL_SET) for page in load_set(name)
            if page.held_out == wanted]  # fmt: skip
    if not pool:
        print("stage_cost_bench: corpus not found under ../shared/corpus.", file=sys.stderr)
        return 2
    golds = [page for page in pool if page.gold is not None]
    extracted = extract_pages(pool)
    page_texts = [
        (article.text, {"title": article.title, "language": article.language, "source": "html"})
        for article in (extracted[page_key(page)] for page in golds)
        if article.text.strip()
    ]
    older = scrape_cases(golds, pool, extracted, args.scrapes)
    kind_labeled = kind_scrape_cases(golds, harvest_pages(pool), args.scrapes)
    sets = {
        "page texts": page_texts,
        "older scrapes": [(case[1], {"source": "text"}) for case in older],
        "kind-labeled scrapes": [(case[1], {"source": "text"}) for case in kind_labeled],
    }
    print(f"CPU ms per unit, median of {args.rounds} passes ({args.part} part):")
    for name, units in sets.items():
        for label, mode in MODES.items():
            values = [one_pass(units, mode) for _ in range(args.rounds)]
            passes = ", ".join(f"{value:.3f}" for value in values)
            print(f"  {name:<21} {label:<11} {statistics.median(values):.3f}  ({passes})"
                  f"  n={len(units)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
