"""CPU time the vocabulary model (or the block model) adds to the learned boilerplate
stage on text scrapes.

    .venv/bin/python benchmarks/words_cost_bench.py [--scrapes N] [--rounds N]
                                                    [--line P --sentence P] [--model PATH]
                                                    [--kind-labeled]
    .venv/bin/python benchmarks/words_cost_bench.py --layer blocks [--head P --body P]
                                                    [--model PATH] [--kind-labeled] ...

On the held-out scrapes of `quality_bench.py` (`labeled.scrape_cases`, or with
`--kind-labeled` `harvest.kind_scrape_cases`), in one process,
passes of the stage with the shipped vocabulary model and with it switched off (its
thresholds above 1: the code path of the stage before it) alternate, A B B A ..., each
pass over every scrape with every cache of the boilerplate package cleared first, so
each pass reads every line anew. Prints each variant's median CPU milliseconds per
scrape (`time.process_time`), what the model adds, and the rules alone for scale.
`--model` names the model file (by default the shipped one; none is shipped now: the
training script leaves its model in .cache/boilerplate-words.json), `--line` and
`--sentence` its thresholds for scrapes (by default the file's). With `--layer blocks`
the block model (`blocks.py`) is priced the same way: `--model` names its file (by
default the shipped one; the training script leaves an unshipped one in
.cache/boilerplate-blocks.json), `--head` and `--body` its thresholds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harvest import harvest_pages, kind_scrape_cases  # noqa: E402
from labeled import EVAL_SET, LABELED_SETS, extract_pages, load_set, scrape_cases  # noqa: E402

from newsclean.boilerplate import (  # noqa: E402
    blocks,
    features,
    learned,
    lines,
    rules,
    strip,
    strip_boilerplate,
    structure,
    words,
)
from newsclean.boilerplate.blocks import BlocksModel, load_blocks_model  # noqa: E402
from newsclean.boilerplate.words import WordsModel, load_words_model  # noqa: E402

CACHED_MODULES = (blocks, features, learned, lines, rules, strip, structure, words)


def clear_caches() -> None:
    """Every `lru_cache` of the boilerplate stage's modules (the model files stay)."""
    for module in CACHED_MODULES:
        for name, value in vars(module).items():
            if hasattr(value, "cache_clear") and not name.startswith("load_"):
                value.cache_clear()


def one_pass(texts: list[str], **options) -> float:
    """CPU milliseconds per text of the stage over `texts`, caches cleared first."""
    clear_caches()
    start = time.process_time()
    for text in texts:
        strip_boilerplate(text, **options)
    return (time.process_time() - start) * 1000 / len(texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scrapes", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=4, help="passes of each variant")
    parser.add_argument("--line", type=float, help="the model's line threshold for scrapes")
    parser.add_argument("--sentence", type=float, help="its full-sentence threshold")
    parser.add_argument("--model", help="the model file (default: the shipped one)")
    parser.add_argument(
        "--layer",
        choices=("words", "blocks"),
        default="words",
        help="the layer priced: the vocabulary model or the block model",
    )
    parser.add_argument("--head", type=float, help="the block model's head threshold")
    parser.add_argument("--body", type=float, help="its head-with-body threshold")
    parser.add_argument(
        "--kind-labeled", action="store_true", help="price the kind-labeled scrapes (by kind)"
    )
    args = parser.parse_args(argv)
    if args.model is not None and not Path(args.model).is_file():
        parser.error(f"--model {args.model}: no such file")
    load = load_words_model if args.layer == "words" else load_blocks_model
    shipped = load(args.model)
    if shipped is None:
        parser.error(f"no {args.layer} model is shipped: give --model PATH")
    if args.scrapes < 1 or args.rounds < 1:
        parser.error("--scrapes and --rounds must be at least 1")
    held = [page for name in (*LABELED_SETS, EVAL_SET) for page in load_set(name) if page.held_out]
    if not held:
        print("words_cost_bench: corpus not found under ../shared/corpus.", file=sys.stderr)
        return 2
    golds = [page for page in held if page.gold is not None]
    if args.kind_labeled:
        cases = kind_scrape_cases(golds, harvest_pages(held), args.scrapes)
    else:
        cases = scrape_cases(golds, held, extract_pages(held), args.scrapes)
    texts = [case[1] for case in cases]
    if args.layer == "words":
        off = WordsModel(bias=shipped.bias, weights=shipped.weights,
                         thresholds={"text": {"line": 2.0, "sentence": 2.0}})  # fmt: skip
        line = shipped.threshold("text", "line") if args.line is None else args.line
        sentence = (shipped.threshold("text", "sentence") if args.sentence is None
                    else args.sentence)  # fmt: skip
        priced = WordsModel(bias=shipped.bias, weights=shipped.weights,
                            thresholds={"text": {"line": line, "sentence": sentence}})  # fmt: skip
        setting = f"thresholds line {line} sentence {sentence}"
        variants = {"without the model": {"words_model": off},
                    "with the model": {"words_model": priced}}  # fmt: skip
    else:
        off = BlocksModel(bias=shipped.bias, weights=shipped.weights,
                          thresholds={"text": {"head": 2.0, "body": 2.0}})  # fmt: skip
        head = shipped.threshold("text", "head") if args.head is None else args.head
        body = shipped.threshold("text", "body") if args.body is None else args.body
        priced = BlocksModel(bias=shipped.bias, weights=shipped.weights,
                             thresholds={"text": {"head": head, "body": body}})  # fmt: skip
        setting = f"block model, thresholds head {head} body {body}"
        variants = {"without the model": {"blocks_model": off},
                    "with the model": {"blocks_model": priced}}  # fmt: skip
    timings: dict[str, list[float]] = {name: [] for name in variants}
    timings["rules only"] = []
    for round_number in range(args.rounds):
        order = list(variants) if round_number % 2 == 0 else list(reversed(variants))
        for name in order:
            timings[name].append(one_pass(texts, **variants[name]))
        timings["rules only"].append(one_pass(texts, learned=False))
    medians = {name: statistics.median(values) for name, values in timings.items()}
    which = "held-out kind-labeled" if args.kind_labeled else "held-out"
    print(f"{len(texts)} {which} scrapes, {args.rounds} passes each, {setting}; "
          "CPU ms per scrape:")  # fmt: skip
    for name, values in timings.items():
        print(
            f"  {name:<18} median {medians[name]:.3f}  ("
            + ", ".join(f"{value:.3f}" for value in values)
            + ")"
        )
    added = medians["with the model"] - medians["without the model"]
    ratio = medians["with the model"] / medians["without the model"]
    print(f"  the model adds {added:.3f} ms a scrape (x{ratio:.3f} the stage without it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
