"""Train the vocabulary model of the learned boilerplate stage, validated across sets.

    uv run --group train python benchmarks/train_boilerplate_words.py [--out PATH] [--metrics PATH]

Data (benchmarks/labeled.py, benchmarks/harvest.py; none of it is in the repository):
the training parts of Dragnet, Readability and trafilatura-eval. Boilerplate is real
boilerplate labeled by kind, harvested from the pages' HTML (`harvest.harvest_pages`:
blocks whose class, id, role or aria-label say nav, related, newsletter, comments, bio,
share, podcast, promo, footer or header, that share no text with the page's gold). Story
is the lines of the pages' own text that their gold holds (or that hold a `with`
snippet). Both are read twice: as lines of their own, and inside text and markdown
scrapes (`harvest.kind_scrape_cases`: a gold text with harvested blocks of other pages
around it), as the stage sees them after the rule catalogue. The held-out ~30 % of every
set is never read.

A logistic regression over each line's terms (`newsclean.boilerplate.words.line_terms`)
is fitted, and its two thresholds for text scrapes ("line" and "sentence") chosen on
kind-labeled scrapes of the validation fifth of the training pages: the best body F1
above the shipped stage's without it, with more boilerplate removed, no more story
sentences lost, and no negative golden case changed.

Domain shift is measured first, leave one set out: for each set S, a model is fitted on
the other sets' training pages (their harvest, story lines and scrapes), its thresholds
chosen on the other sets' validation pages, and it is scored on kind-labeled scrapes
whose boilerplate is S's harvest, and on the older scrapes (`labeled.scrape_cases`) whose
boilerplate is S's lines missing from the gold. The model ships (thresholds at or below
1) only if, on every set, it removes more of the harvested boilerplate than the stage
without it, at a higher body F1 and with no more story sentences lost, and loses no more
story sentences than the stage on the older scrapes. Page text is never given to it
(its "html" thresholds are off), so the page figures do not move.

Deterministic: fixed seeds, sorted inputs. A model that does not ship is written to
.cache/boilerplate-words.json (git-ignored) instead, and none is left in the package.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harvest import harvest_pages, kind_scrape_cases  # noqa: E402
from labeled import (  # noqa: E402
    EVAL_SET,
    LABELED_SETS,
    Page,
    extract_pages,
    page_key,
    rule_labels,
    score_scrapes,
    scrape_cases,
)
from train_boilerplate import (  # noqa: E402
    NEGATIVE_CASES,
    SEED,
    training_arguments,
    training_pages,
    validation_page,
)

from newsclean.boilerplate import strip_boilerplate  # noqa: E402
from newsclean.boilerplate.structure import is_prose  # noqa: E402
from newsclean.boilerplate.words import (  # noqa: E402
    WORDS_FILE,
    WORDS_VERSION,
    WordsModel,
    line_terms,
)

SETS = (*LABELED_SETS, EVAL_SET)
DISABLED = 1.01
LINE_THRESHOLDS = (0.7, 0.85, 0.95, 0.98, 0.99, DISABLED)
SENTENCE_THRESHOLDS = (0.9, 0.95, 0.98, 0.99, 0.995, DISABLED)
# Harvested kinds whose prose paragraphs are readers' comments or other stories'
# teasers: story text by their words, told apart from it only by where they stand. The
# model does not learn from those paragraphs (their short lines it does).
READER_KINDS = frozenset({"comments", "related"})
MIN_DOCUMENTS = 3  # a term kept must occur in this many training documents
C = 1.0  # inverse L2 strength
MIN_WEIGHT = 0.01  # smaller weights are left out of the file
SCRAPES = 1500
CHOICE_SCRAPES = 200  # validation scrapes the thresholds are chosen on
CHECK_SCRAPES = 300  # scrapes of the left-out set
REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "src" / "newsclean" / "data" / WORDS_FILE
# Where a model that does not ship is written (git-ignored), for words_cost_bench and
# quality_bench's --words-model.
UNSHIPPED_OUT = REPO / ".cache" / WORDS_FILE
DEFAULT_METRICS = REPO / "docs" / "boilerplate-words-metrics.json"


def _validation(page: Page) -> bool:
    return validation_page(page.set_name, page.page_id)


def _scrapes(golds: list[Page], pool: list[Page], extracted, count: int, seed: int) -> list:
    """At least `count` scrapes (or none without golds and pool): `scrape_cases` with
    seed after seed, since it uses each gold text once."""
    if not (golds and pool):
        return []
    return _enough(
        lambda wanted, at: scrape_cases(golds, pool, extracted, wanted, seed=at), count, seed
    )


def _enough(build: Callable[[int, int], list], count: int, seed: int) -> list:
    """`count` cases of `build(wanted, seed)` called with seed after seed (a build uses
    each gold text once); fewer if a call gives none."""
    cases: list = []
    while len(cases) < count:
        found = build(count - len(cases), seed)
        if not found:
            break
        cases += found
        seed += 1
    return cases[:count]


def story_of_pages(pages: list[Page], extracted) -> list[tuple[str, list[tuple[str, bool]]]]:
    """(document key, [(line, True)]) of each page's text after the rules: its story
    lines only. The lines its gold lacks are not read as boilerplate: many of them are
    story text the gold leaves out (docs/boilerplate.md, "Sixth round, scrapes")."""
    documents = []
    for page in pages:
        found = rule_labels(page, extracted[page_key(page)])
        if found is not None:
            documents.append((page_key(page), [(line, True) for line, story in found[1] if story]))
    return documents


def harvest_of_pages(pages: list[Page], harvest) -> list[tuple[str, list[tuple[str, bool]]]]:
    """(document key, [(line, False)]) of each page's harvested boilerplate."""
    documents = []
    for page in pages:
        lines = [line for block in harvest[page_key(page)] for line in block.lines
                 if block.kind not in READER_KINDS or not is_prose(line)]  # fmt: skip
        if lines:
            documents.append((f"harvest-{page_key(page)}", [(line, False) for line in lines]))
    return documents


def _kind_scrapes(golds: list[Page], harvest, count: int, seed: int) -> list:
    """At least `count` kind-labeled scrapes (or none without golds or harvest): with seed
    after seed, since `kind_scrape_cases` uses each gold text once."""
    if not (golds and any(harvest.values())):
        return []
    return _enough(
        lambda wanted, at: kind_scrape_cases(golds, harvest, wanted, seed=at), count, seed
    )


def lines_of_scrapes(cases: list) -> list[tuple[str, list[tuple[str, bool]]]]:
    """(document key, [(line, is story)]) of each scrape after the rules (without the
    prose paragraphs of READER_KINDS in kind-labeled scrapes)."""
    documents = []
    for number, (key, scrape, _gold, inserted, story, *kinds) in enumerate(cases):
        text, _removed = strip_boilerplate(scrape, learned=False)
        skipped = {line for line, kind in zip(inserted, kinds[0], strict=True)
                   if kind in READER_KINDS and is_prose(line)} if kinds else set()  # fmt: skip
        labels = {line: False for line in inserted if line not in skipped}
        labels.update({line: True for line in story})
        labeled = [(line, labels[line]) for line in text.split("\n") if line in labels]
        documents.append((f"scrape-{number}-{key}", labeled))
    return documents


def fit(documents: list[tuple[str, list[tuple[str, bool]]]]) -> tuple[float, dict[str, float]]:
    """A logistic regression over the lines' terms: (bias, weight of each term kept)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    seen: dict[str, set[str]] = defaultdict(set)
    rows = []
    for key, labeled in documents:
        for line, story in labeled:
            terms = line_terms(line)
            for term in terms:
                seen[term].add(key)
            rows.append((terms, 0 if story else 1, 1.0 + math.log1p(len(line.split()))))
    vocabulary = sorted(term for term, keys in seen.items() if len(keys) >= MIN_DOCUMENTS)
    index = {term: position for position, term in enumerate(vocabulary)}
    columns, pointers, labels, weights = [], [0], [], []
    for terms, label, weight in rows:
        columns.extend(index[term] for term in terms if term in index)
        pointers.append(len(columns))
        labels.append(label)
        weights.append(weight)
    values = np.ones(len(columns))
    matrix = csr_matrix((values, columns, pointers), shape=(len(rows), len(vocabulary)))
    # Classes weighted alike: most training lines are story, and the thresholds are
    # chosen on validation scrapes anyway.
    model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=SEED)
    model.fit(matrix, np.asarray(labels), sample_weight=np.asarray(weights))
    coefficients = model.coef_[0]
    kept = {
        term: round(float(weight), 4)
        for term, weight in zip(vocabulary, coefficients, strict=True)
        if abs(weight) >= MIN_WEIGHT
    }
    print(f"  fitted on {len(rows)} lines ({sum(labels) / len(labels):.1%} boilerplate), "
          f"{len(vocabulary)} terms, {len(kept)} kept")  # fmt: skip
    return round(float(model.intercept_[0]), 4), kept


def with_thresholds(bias: float, weights: dict[str, float], line: float, sentence: float):
    thresholds = {"html": {"line": DISABLED, "sentence": DISABLED},
                  "text": {"line": line, "sentence": sentence}}  # fmt: skip
    return WordsModel(bias=bias, weights=weights, thresholds=thresholds)


def _summary(score) -> dict:
    summary = {
        "removed": round(score.removed_share, 4),
        "f1": round(score.f1, 4),
        "lost_per_100": round(score.lost_per_100, 2),
        "documents": score.documents,
    }
    if score.by_kind:
        summary["by_kind"] = {
            kind: round(removed / inserted, 4)
            for kind, (removed, inserted) in score.by_kind.items()
        }
    return summary


def baselines(cases: list) -> dict:
    """The rules alone, and the stage without the vocabulary model."""
    off = with_thresholds(0.0, {}, DISABLED, DISABLED)
    rules = score_scrapes(cases, lambda scrape: strip_boilerplate(scrape, learned=False)[0])
    stage = score_scrapes(
        cases, lambda scrape: strip_boilerplate(scrape, learned=True, words_model=off)[0]
    )
    return {"rules": _summary(rules), "stage": _summary(stage)}


def score_with(cases: list, model: WordsModel) -> dict:
    return _summary(score_scrapes(
        cases, lambda scrape: strip_boilerplate(scrape, learned=True, words_model=model)[0]
    ))  # fmt: skip


def negative_cases_kept(model: WordsModel) -> bool:
    """The negative golden cases come out as the stage without the model leaves them."""
    off = with_thresholds(0.0, {}, DISABLED, DISABLED)
    for case in json.loads(NEGATIVE_CASES.read_text(encoding="utf-8")):
        for options in ({}, {"language": case.get("language")}):
            with_model = strip_boilerplate(case["input"], words_model=model, **options)[0]
            without = strip_boilerplate(case["input"], words_model=off, **options)[0]
            if with_model != without:
                return False
    return True


def search_thresholds(
    names: tuple[str, str],
    axes: tuple[tuple[float, ...], tuple[float, ...]],
    stage: dict,
    score: Callable[[float, float], dict],
    negatives_kept: Callable[[float, float], bool],
) -> tuple[tuple[float, float] | None, list[list[float]], list[dict]]:
    """The grid of a model's two thresholds (`names`, each over its axis; both off is no
    model) scored by `score`, and the pair of best body F1 among those that lose no more
    story sentences than `stage`, remove more boilerplate and change no negative case
    (ties: more removed, then the higher first threshold): (that pair or None, the
    better pairs that changed a negative case, the grid)."""
    first, second = names
    grid = []
    for one in axes[0]:
        for two in axes[1]:
            if one > 1 and two > 1:
                continue
            grid.append({first: one, second: two, **score(one, two)})
    allowed = [
        point for point in grid
        if point["lost_per_100"] <= stage["lost_per_100"] and point["f1"] > stage["f1"]
        and point["removed"] > stage["removed"]
    ]  # fmt: skip
    allowed.sort(key=lambda point: (-point["f1"], -point["removed"], -point[first]))
    rejected = []
    for point in allowed:
        if negatives_kept(point[first], point[second]):
            return (point[first], point[second]), rejected, grid
        rejected.append([point[first], point[second]])
    return None, rejected, grid


def choose(bias: float, weights: dict[str, float], cases: list) -> tuple[dict, list[dict]]:
    """The thresholds `search_thresholds` chooses on `cases` against the stage without
    the model; (DISABLED, DISABLED) when none beats the stage's F1."""
    base = baselines(cases)
    chosen, _rejected, grid = search_thresholds(
        ("line", "sentence"),
        (LINE_THRESHOLDS, SENTENCE_THRESHOLDS),
        base["stage"],
        lambda line, sentence: score_with(cases, with_thresholds(bias, weights, line, sentence)),
        lambda line, sentence: negative_cases_kept(with_thresholds(bias, weights, line, sentence)),
    )
    line, sentence = chosen or (DISABLED, DISABLED)
    return {"line": line, "sentence": sentence, **base}, grid


def main(argv: list[str] | None = None) -> int:
    args = training_arguments(argv, __doc__.split("\n")[0], DEFAULT_OUT, DEFAULT_METRICS)
    pages = training_pages("train_boilerplate_words")
    if pages is None:
        return 2
    extracted = extract_pages([page for name in SETS for page in pages[name]])
    harvest = harvest_pages([page for name in SETS for page in pages[name]])
    fitting = {name: [p for p in pages[name] if not _validation(p)] for name in SETS}
    checking = {name: [p for p in pages[name] if _validation(p)] for name in SETS}
    page_lines = {name: story_of_pages(fitting[name], extracted)
                  + harvest_of_pages(fitting[name], harvest) for name in SETS}  # fmt: skip
    report: dict = {"seed": SEED, "C": C, "min_documents": MIN_DOCUMENTS,
                    "min_weight": MIN_WEIGHT, "folds": {}}  # fmt: skip

    def harvest_of(chosen: list[Page]) -> dict:
        return {page_key(page): harvest[page_key(page)] for page in chosen}

    def train_on(names: tuple[str, ...]) -> tuple[float, dict[str, float], dict]:
        golds = [p for name in names for p in fitting[name] if p.gold is not None]
        pool = harvest_of([p for name in names for p in fitting[name]])
        documents = [doc for name in names for doc in page_lines[name]]
        documents += lines_of_scrapes(_kind_scrapes(golds, pool, SCRAPES, SEED))
        bias, weights = fit(documents)
        check_golds = [p for name in names for p in checking[name] if p.gold is not None]
        check_pool = harvest_of([p for name in names for p in checking[name]])
        cases = _kind_scrapes(check_golds, check_pool, CHOICE_SCRAPES, SEED)
        chosen, grid = choose(bias, weights, cases)
        return bias, weights, {"chosen": chosen, "grid": grid}

    ships = not args.skip_folds  # a model not validated across sets is not shipped
    if not args.skip_folds:
        for left_out in SETS:
            names = tuple(name for name in SETS if name != left_out)
            print(f"fold: train on {', '.join(names)}; test on {left_out}")
            bias, weights, choice = train_on(names)
            chosen = choice["chosen"]
            golds = [p for p in checking[left_out] if p.gold is not None] or [
                p for name in names for p in checking[name] if p.gold is not None
            ]
            model = with_thresholds(bias, weights, chosen["line"], chosen["sentence"])
            cases = _kind_scrapes(golds, harvest_of(pages[left_out]), CHECK_SCRAPES, SEED)
            test = baselines(cases)
            test["words"] = score_with(cases, model)
            older = _scrapes(golds, pages[left_out], extracted, CHECK_SCRAPES, SEED)
            test_older = baselines(older)
            test_older["words"] = score_with(older, model)
            words, stage = test["words"], test["stage"]
            beats = (words["removed"] > stage["removed"] and words["f1"] > stage["f1"]
                     and words["lost_per_100"] <= stage["lost_per_100"]
                     and test_older["words"]["lost_per_100"]
                     <= test_older["stage"]["lost_per_100"])  # fmt: skip
            ships = ships and beats
            report["folds"][left_out] = {"thresholds": chosen, "validation_grid": choice["grid"],
                                         "test": test, "test_older_scrapes": test_older,
                                         "beats": beats}  # fmt: skip
            args.metrics.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
            print(f"  thresholds line {chosen['line']} sentence {chosen['sentence']}; test: "
                  + "; ".join(f"{name} {json.dumps(value)}" for name, value in test.items())
                  + "; older scrapes: "
                  + "; ".join(f"{name} {json.dumps(value)}" for name, value in test_older.items())
                  + f"; beats the stage: {beats}")  # fmt: skip

    print("final: train on every set")
    bias, weights, choice = train_on(SETS)
    chosen = choice["chosen"]
    thresholds = (chosen["line"], chosen["sentence"]) if ships else (DISABLED, DISABLED)
    print(f"  validation: thresholds line {chosen['line']} sentence {chosen['sentence']}, "
          f"rules {chosen['rules']}, stage {chosen['stage']}; ships: {ships}")  # fmt: skip
    model_json = {
        "version": WORDS_VERSION,
        "bias": bias,
        "thresholds": {"html": {"line": DISABLED, "sentence": DISABLED},
                       "text": {"line": thresholds[0], "sentence": thresholds[1]}},
        "weights": dict(sorted(weights.items())),
    }  # fmt: skip
    report["final"] = {"thresholds": chosen, "validation_grid": choice["grid"], "ships": ships,
                       "terms": len(weights)}  # fmt: skip
    if not ships and args.out == DEFAULT_OUT:
        # Only a model that beats the stage on every set goes into the package.
        DEFAULT_OUT.unlink(missing_ok=True)
        args.out = UNSHIPPED_OUT
        args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model_json, separators=(",", ":"), ensure_ascii=False) + "\n",
                        encoding="utf-8")  # fmt: skip
    args.metrics.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes) and {args.metrics}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
