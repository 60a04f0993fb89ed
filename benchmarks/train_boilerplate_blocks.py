"""Train the block model of the learned boilerplate stage, validated leave one set out.

    uv run --group train python benchmarks/train_boilerplate_blocks.py [--out PATH] [--metrics PATH]

Data (benchmarks/labeled.py, benchmarks/harvest.py; none of it is in the repository):
the training parts of Dragnet, Readability and trafilatura-eval, their validation fifth
kept apart for choosing thresholds. Examples are candidate blocks
(`newsclean.boilerplate.blocks.candidate_blocks`) of kind-labeled scrapes
(`harvest.kind_scrape_cases`: a gold text with blocks harvested by kind from other
pages' HTML around it and inside it) as the stage without the block model leaves them:
a block all of whose lines were inserted is boilerplate; one that holds a story line
is story (a story subheading with its paragraphs, a list inside the story, a
headline, an inserted block with the story's byline: removing it would take story). So
the model learns from harvested blocks against story runs of the gold, in the places
the stage meets them. The held-out ~30 % of every set is never read.

A logistic regression over each block's terms (`blocks.block_terms`) is fitted, and its
two thresholds for text scrapes ("head" and "body") chosen on kind-labeled scrapes of
the validation fifth: the best body F1 above the stage without the layer, with more
boilerplate removed, no more story sentences lost, and no negative golden case changed
(`negative.json` and the detectors' `*.negative.json`).

Leave one set out first: for each set S, a model is fitted on the other sets' training
pages, its thresholds chosen on their validation pages, and it is scored on kind-labeled
scrapes whose boilerplate is S's harvest and on the older scrapes
(`labeled.scrape_cases`) whose boilerplate is S's lines missing from the gold. The model
ships (into the package) only if, on every set, it removes more of the harvested
boilerplate than the stage without it, at a body F1 not lower and with no more story
sentences lost, and loses no more story sentences than the stage on the older scrapes.
Page text is never given to it (its "html" thresholds are off), so the page figures do
not move.

Deterministic: fixed seeds, sorted inputs. A model that does not ship is written to
.cache/boilerplate-blocks.json (git-ignored), and none is left in the package.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harvest import harvest_pages  # noqa: E402
from labeled import (  # noqa: E402
    Page,
    extract_pages,
    load_set,
    page_key,
    score_scrapes,
)
from train_boilerplate import NEGATIVE_CASES, SEED  # noqa: E402
from train_boilerplate_words import (  # noqa: E402
    CHECK_SCRAPES,
    CHOICE_SCRAPES,
    DISABLED,
    SETS,
    _kind_scrapes,
    _scrapes,
    _summary,
    _validation,
    search_thresholds,
)

from newsclean.boilerplate import strip_boilerplate  # noqa: E402
from newsclean.boilerplate.blocks import (  # noqa: E402
    BLOCKS_FILE,
    BLOCKS_VERSION,
    BlocksModel,
    block_terms,
    candidate_blocks,
)

HEAD_THRESHOLDS = (0.5, 0.7, 0.85, 0.95, 0.99, DISABLED)
BODY_THRESHOLDS = (0.7, 0.85, 0.95, 0.99, DISABLED)
MIN_DOCUMENTS = 3  # a term kept must occur in this many training scrapes
C = 1.0  # inverse L2 strength
MIN_WEIGHT = 0.01  # smaller weights are left out of the file
SCRAPES = 3000  # training scrapes
REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "src" / "newsclean" / "data" / BLOCKS_FILE
UNSHIPPED_OUT = REPO / ".cache" / BLOCKS_FILE
DEFAULT_METRICS = REPO / "docs" / "boilerplate-blocks-metrics.json"
STRUCTURE_NEGATIVES = REPO / "tests" / "cases" / "boilerplate" / "structure"
OFF = BlocksModel(bias=0.0, weights={}, thresholds={"text": {"head": 2.0, "body": 2.0}})


def labeled_blocks(cases: list) -> list[tuple[str, list[str], int]]:
    """(scrape key, terms, 1 for boilerplate / 0 for story) of each candidate block of
    each scrape as the stage without the block model leaves it (module docstring)."""
    examples = []
    for number, (key, scrape, _gold, inserted, story, *_kinds) in enumerate(cases):
        text, _removed = strip_boilerplate(scrape, blocks_model=OFF)
        lines = [line for line in text.split("\n") if line.strip()]
        boilerplate, storied = set(inserted), set(story)
        for block in candidate_blocks(lines):
            head = [lines[index] for index in block.head]
            body = [lines[index] for index in block.body]
            if all(line in boilerplate for line in head + body):
                label = 1
            elif any(line in storied for line in head + body):
                label = 0  # removing it would take story lines
            else:
                continue  # a line neither inserted nor story (a rule's leftover)
            examples.append((f"{number}-{key}", block_terms(lines, block), label))
    return examples


def fit(examples: list[tuple[str, list[str], int]]) -> tuple[float, dict[str, float]]:
    """A logistic regression over the blocks' terms: (bias, weight of each term kept)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    seen: dict[str, set[str]] = defaultdict(set)
    for key, terms, _label in examples:
        for term in terms:
            seen[term].add(key)
    vocabulary = sorted(term for term, keys in seen.items() if len(keys) >= MIN_DOCUMENTS)
    index = {term: position for position, term in enumerate(vocabulary)}
    columns, pointers, labels = [], [0], []
    for _key, terms, label in examples:
        columns.extend(index[term] for term in terms if term in index)
        pointers.append(len(columns))
        labels.append(label)
    matrix = csr_matrix(
        (np.ones(len(columns)), columns, pointers), shape=(len(examples), len(vocabulary))
    )
    model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=SEED)
    model.fit(matrix, np.asarray(labels))
    kept = {
        term: round(float(weight), 4)
        for term, weight in zip(vocabulary, model.coef_[0], strict=True)
        if abs(weight) >= MIN_WEIGHT
    }
    print(f"  fitted on {len(examples)} blocks ({sum(labels) / len(labels):.1%} boilerplate), "
          f"{len(vocabulary)} terms, {len(kept)} kept")  # fmt: skip
    return round(float(model.intercept_[0]), 4), kept


def with_thresholds(bias: float, weights: dict[str, float], head: float, body: float):
    thresholds = {"html": {"head": DISABLED, "body": DISABLED},
                  "text": {"head": head, "body": body}}  # fmt: skip
    return BlocksModel(bias=bias, weights=weights, thresholds=thresholds)


def _write(path: Path, model: BlocksModel) -> None:
    """The model's file: version, bias, thresholds and weights (sorted), compact."""
    model_json = {"version": BLOCKS_VERSION, "bias": model.bias, "thresholds": model.thresholds,
                  "weights": dict(sorted(model.weights.items()))}  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model_json, separators=(",", ":"), ensure_ascii=False) + "\n",
                    encoding="utf-8")  # fmt: skip


def baselines(cases: list) -> dict:
    """The rules alone, and the stage without the block model."""
    rules = score_scrapes(cases, lambda scrape: strip_boilerplate(scrape, learned=False)[0])
    stage = score_scrapes(cases, lambda scrape: strip_boilerplate(scrape, blocks_model=OFF)[0])
    return {"rules": _summary(rules), "stage": _summary(stage)}


def score_with(cases: list, model: BlocksModel) -> dict:
    return _summary(
        score_scrapes(cases, lambda scrape: strip_boilerplate(scrape, blocks_model=model)[0])
    )


def negative_texts() -> list[tuple[str, str | None]]:
    """(text, language) of every negative golden case: `negative.json` and the
    structural detectors' `*.negative.json`."""
    texts = [(case["input"], case.get("language"))
             for case in json.loads(NEGATIVE_CASES.read_text(encoding="utf-8"))]  # fmt: skip
    for path in sorted(STRUCTURE_NEGATIVES.glob("*.negative.json")):
        texts += [("\n".join(case["lines"]), None)
                  for case in json.loads(path.read_text(encoding="utf-8"))]  # fmt: skip
    return texts


def negative_cases_kept(model: BlocksModel) -> bool:
    """Every negative golden case comes out as the stage without the model leaves it."""
    for text, language in negative_texts():
        for options in ({}, {"language": language}):
            with_model = strip_boilerplate(text, blocks_model=model, **options)[0]
            if with_model != strip_boilerplate(text, blocks_model=OFF, **options)[0]:
                return False
    return True


def choose(bias: float, weights: dict[str, float], cases: list) -> tuple[dict, list[dict]]:
    """The thresholds `search_thresholds` chooses on `cases` against the stage without
    the block model, with the better pairs that changed a negative case; (DISABLED,
    DISABLED) when none beats the stage."""
    base = baselines(cases)
    chosen, rejected, grid = search_thresholds(
        ("head", "body"),
        (HEAD_THRESHOLDS, BODY_THRESHOLDS),
        base["stage"],
        lambda head, body: score_with(cases, with_thresholds(bias, weights, head, body)),
        lambda head, body: negative_cases_kept(with_thresholds(bias, weights, head, body)),
    )
    head, body = chosen or (DISABLED, DISABLED)
    return {"head": head, "body": body, **base, "negative_changed": rejected}, grid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--metrics", type=Path, default=DEFAULT_METRICS)
    parser.add_argument("--skip-folds", action="store_true", help="no leave-one-set-out")
    parser.add_argument(
        "--folds",
        nargs="+",
        choices=SETS,
        default=list(SETS),
        help="the sets left out in turn (a model validated on fewer ships not)",
    )
    parser.add_argument(
        "--no-final", action="store_true", help="the folds only: no model fitted on every set"
    )
    args = parser.parse_args(argv)

    pages = {name: [page for page in load_set(name) if not page.held_out] for name in SETS}
    if not any(pages.values()):
        print("train_boilerplate_blocks: corpus not found under ../shared/corpus.",
              file=sys.stderr)  # fmt: skip
        return 2
    every = [page for name in SETS for page in pages[name]]
    extracted = extract_pages(every)
    harvest = harvest_pages(every)
    fitting = {name: [p for p in pages[name] if not _validation(p)] for name in SETS}
    checking = {name: [p for p in pages[name] if _validation(p)] for name in SETS}
    report: dict = {"seed": SEED, "C": C, "min_documents": MIN_DOCUMENTS,
                    "min_weight": MIN_WEIGHT, "scrapes": SCRAPES, "folds": {}}  # fmt: skip

    def harvest_of(chosen: list[Page]) -> dict:
        return {page_key(page): harvest[page_key(page)] for page in chosen}

    def train_on(names: tuple[str, ...]) -> tuple[float, dict[str, float], dict]:
        golds = [p for name in names for p in fitting[name] if p.gold is not None]
        pool = harvest_of([p for name in names for p in fitting[name]])
        bias, weights = fit(labeled_blocks(_kind_scrapes(golds, pool, SCRAPES, SEED)))
        check_golds = [p for name in names for p in checking[name] if p.gold is not None]
        check_pool = harvest_of([p for name in names for p in checking[name]])
        cases = _kind_scrapes(check_golds, check_pool, CHOICE_SCRAPES, SEED)
        chosen, grid = choose(bias, weights, cases)
        return bias, weights, {"chosen": chosen, "grid": grid}

    # A model not validated on every set left out is not shipped.
    ships = not args.skip_folds and set(args.folds) == set(SETS)
    if not args.skip_folds:
        for left_out in args.folds:
            names = tuple(name for name in SETS if name != left_out)
            print(f"fold: train on {', '.join(names)}; test on {left_out}", flush=True)
            bias, weights, choice = train_on(names)
            chosen = choice["chosen"]
            golds = [p for p in checking[left_out] if p.gold is not None] or [
                p for name in names for p in checking[name] if p.gold is not None
            ]
            model = with_thresholds(bias, weights, chosen["head"], chosen["body"])
            # Each fold's model, for reading what it does (git-ignored, never shipped).
            _write(UNSHIPPED_OUT.with_name(f"boilerplate-blocks-{left_out}.json"), model)
            cases = _kind_scrapes(golds, harvest_of(pages[left_out]), CHECK_SCRAPES, SEED)
            test = baselines(cases)
            test["blocks"] = score_with(cases, model)
            older = _scrapes(golds, pages[left_out], extracted, CHECK_SCRAPES, SEED)
            test_older = baselines(older)
            test_older["blocks"] = score_with(older, model)
            blocks, stage = test["blocks"], test["stage"]
            beats = (blocks["removed"] > stage["removed"] and blocks["f1"] >= stage["f1"]
                     and blocks["lost_per_100"] <= stage["lost_per_100"]
                     and test_older["blocks"]["lost_per_100"]
                     <= test_older["stage"]["lost_per_100"])  # fmt: skip
            ships = ships and beats
            report["folds"][left_out] = {"thresholds": chosen, "validation_grid": choice["grid"],
                                         "test": test, "test_older_scrapes": test_older,
                                         "beats": beats}  # fmt: skip
            args.metrics.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
            print(f"  thresholds head {chosen['head']} body {chosen['body']}; test: "
                  + "; ".join(f"{name} {json.dumps(value)}" for name, value in test.items())
                  + "; older scrapes: "
                  + "; ".join(f"{name} {json.dumps(value)}" for name, value in test_older.items())
                  + f"; beats the stage: {beats}", flush=True)  # fmt: skip

    if args.no_final:
        return 0
    print("final: train on every set", flush=True)
    bias, weights, choice = train_on(SETS)
    chosen = choice["chosen"]
    thresholds = (chosen["head"], chosen["body"]) if ships else (DISABLED, DISABLED)
    print(f"  validation: thresholds head {chosen['head']} body {chosen['body']}, "
          f"rules {chosen['rules']}, stage {chosen['stage']}; ships: {ships}")  # fmt: skip
    report["final"] = {"thresholds": chosen, "validation_grid": choice["grid"], "ships": ships,
                       "terms": len(weights)}  # fmt: skip
    if not ships and args.out == DEFAULT_OUT:
        # Only a model that beats the stage on every set goes into the package.
        DEFAULT_OUT.unlink(missing_ok=True)
        args.out = UNSHIPPED_OUT
    _write(args.out, with_thresholds(bias, weights, *thresholds))
    args.metrics.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes) and {args.metrics}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
