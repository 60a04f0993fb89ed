"""Train the learned boilerplate classifier, validated across sets, and write it into the package.

    uv run --group train python benchmarks/train_boilerplate.py [--out PATH] [--metrics PATH]
                                                                [--skip-folds]

Data (see benchmarks/labeled.py and benchmarks/harvest.py; none of it is in the
repository): the training part of Dragnet and of Readability's test pages, each line of
newsclean's text labeled story or boilerplate against the gold text; the training part
of trafilatura-eval, lines holding a `with` snippet (story) or a `without` one
(boilerplate); text and markdown scrapes of the training gold texts with lines the gold
lacks inserted (`labeled.scrape_cases`); and kind-labeled scrapes of them with real
boilerplate harvested by kind from the training pages' HTML inserted
(`harvest.kind_scrape_cases`), labeled by construction. The held-out ~30 % of every set
is never read here. Lines are taken as the classifier sees them: after the rule
catalogue has removed what it names; prose lines, which it never scores, are context
only.

A logistic regression (scored in Python, its scaling folded into its coefficients) over
`features.FEATURE_NAMES`. Of the training pages, a fixed fifth (by hash of page id) is
kept for choosing the thresholds: for page text the AEB F1 of the classifier alone on
those pages (at most STORY_LOSS of their story words lost, and better than the rules by
MIN_GAIN, or off); for scrapes the body F1 of the whole stage on kind-labeled scrapes of
those pages, among thresholds that remove more than the stage without the classifier
and lose no more story sentences. Both lie above the highest probability the model gives
a line of the negative golden cases.

Validated leave one set out first (unless --skip-folds): for each set S of Dragnet,
Readability and trafilatura-eval, a model is fitted on the other sets' training pages
and scrapes built of them alone, its scrape threshold chosen on their validation fifth,
and it is scored on kind-labeled and older scrapes whose boilerplate comes from S (gold
texts of S's validation fifth, or the others' for trafilatura-eval, which has none),
against the stage without the classifier (the scrapes' default).

Deterministic: fixed seeds, sorted inputs. Writes the model (JSON, a few tens of KB) and
a metrics JSON beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harvest import harvest_pages, kind_scrape_cases  # noqa: E402
from labeled import (  # noqa: E402
    EVAL_SET,
    LABELED_SETS,
    Page,
    aeb_score,
    extract_pages,
    line_labels,
    load_set,
    page_key,
    rule_labels,
    score_scrapes,
    scrape_cases,
    split_id,
)

from newsclean.boilerplate import strip_boilerplate  # noqa: E402
from newsclean.boilerplate.features import (  # noqa: E402
    FEATURE_NAMES,
    document_features,
    line_features,
)
from newsclean.boilerplate.learned import (  # noqa: E402
    MODEL_FILE,
    MODEL_VERSION,
    Model,
    learned_removals,
    model_from_json,
)

SEED = 19
DISABLED = 1.01  # a threshold no probability reaches
SETS = (*LABELED_SETS, EVAL_SET)
# The largest share of validation story words a threshold may remove, per kind of text:
# extracted page text is mostly story already, a scrape is not.
STORY_LOSS = {"html": 0.002, "text": 0.01}
SOURCES = ("html", "text")
MIN_GAIN = 0.002  # F1 over the rules alone that the classifier must add to be used
LONG_THRESHOLD = DISABLED  # the classifier never removes a prose paragraph
SINGLE_THRESHOLD = 0.9  # and a line whose neighbours stay
LANGUAGES = (
    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "da", "nb", "fi", "cs", "sk",
    "ru", "uk", "tr", "ro", "hu", "ca", "el", "id", "bg", "sl",
)  # fmt: skip
STOP_WORDS_PER_LANGUAGE = 100
REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "src" / "newsclean" / "data" / MODEL_FILE
DEFAULT_METRICS = REPO / "docs" / "boilerplate-model-metrics.json"
# Hand-written texts the stage must leave unchanged (tests/test_boilerplate.py): a
# threshold at which the classifier would take a line of one is never chosen.
NEGATIVE_CASES = REPO / "tests" / "cases" / "boilerplate" / "negative.json"


def validation_page(set_name: str, page_id: str) -> bool:
    """A fixed fifth of the training pages, for model choice and threshold."""
    set_name = set_name.removeprefix("scrape-")
    page_id = split_id(set_name, page_id)
    digest = hashlib.sha256(f"validation:{set_name}:{page_id}".encode()).digest()
    return digest[0] < 52


def stop_words() -> dict[str, list[str]]:
    """wordfreq's commonest words of each language."""
    import wordfreq

    return {
        language: sorted(wordfreq.top_n_list(language, STOP_WORDS_PER_LANGUAGE))
        for language in LANGUAGES
    }


SCRAPES = 1500  # synthetic text scrapes built from the training pages, of each pool
CHOICE_SCRAPES = 200  # kind-labeled validation scrapes the scrape threshold is chosen on
CHECK_SCRAPES = 300  # scrapes of a left-out set
PROSE = FEATURE_NAMES.index("prose")


def collect(
    stops: dict[str, list[str]], pages: list[Page], extracted: dict, harvest: dict
) -> dict[str, list]:
    """Feature rows, labels, weights and page keys of every training line of `pages`
    (their own text, and older and kind-labeled scrapes built of them alone), and the
    documents (lines and gold) that the page-text threshold is chosen on."""
    sets = {name: set(stops[name]) for name in stops}
    data: dict[str, list] = {"rows": [], "labels": [], "weights": [], "pages": [],
                             "documents": []}  # fmt: skip

    def add(key: str, text: str, language: str | None, labeled: dict[str, bool], gold: str | None):
        lines = [line for line in text.split("\n") if line.strip()]
        if not lines or not labeled:
            return
        language = language if language in sets else "en"
        features = document_features([line_features(line, sets[language]) for line in lines])
        for line, row in zip(lines, features, strict=True):
            if line in labeled and row[PROSE] == 0.0:  # prose lines are never scored
                data["rows"].append(row)
                data["labels"].append(0 if labeled[line] else 1)
                data["weights"].append(1.0 + math.log1p(len(line.split())))
                data["pages"].append(key)
        if gold is not None:
            data["documents"].append({"key": key, "lines": lines, "language": language,
                                      "gold": gold})  # fmt: skip

    for page in pages:
        key = page_key(page)
        article = extracted[key]
        found = rule_labels(page, article)
        if found is not None:
            add(key, found[0], article.language, dict(found[1]), page.gold)
    gold_pages = [page for page in pages if page.gold is not None]
    pool = {page_key(page): harvest[page_key(page)] for page in pages}
    for kind, cases in (
        ("scrape", scrape_cases(gold_pages, pages, extracted, SCRAPES, seed=SEED)),
        ("kinds", kind_scrape_cases(gold_pages, pool, SCRAPES, seed=SEED)),
    ):
        for key, scrape, gold, inserted, story, *_kinds in cases:
            text, _removed = strip_boilerplate(scrape, learned=False)
            labeled = {line: False for line in inserted}
            labeled.update({line: True for line in story})
            # Only the older scrapes are read for the page-text threshold's documents.
            add(f"{kind}-{key}", text, None, labeled, gold if kind == "scrape" else None)
    return data


def to_json(scaler, classifier, thresholds: dict[str, float], stops: dict[str, list[str]]) -> dict:
    """The model file's content."""
    layers = [{"weights": classifier.coef_.T.tolist(), "bias": classifier.intercept_.tolist()}]
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    return {
        "version": MODEL_VERSION,
        "kind": type(classifier).__name__,
        "features": list(FEATURE_NAMES),
        "mean": [round(value, 8) for value in scaler.mean_.tolist()],
        "scale": [round(value, 8) for value in scale.tolist()],
        "layers": _rounded(layers),
        "thresholds": {source: thresholds.get(source, DISABLED) for source in SOURCES},
        "long_threshold": LONG_THRESHOLD,
        "single_threshold": SINGLE_THRESHOLD,
        "stop_words": stops,
        "default_language": "en",
    }


def _rounded(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    return value


THRESHOLDS = tuple(round(0.5 + 0.025 * step, 3) for step in range(20))


def validation_scores(
    model_json: dict, documents: list[dict], thresholds: tuple[float, ...] | list = THRESHOLDS
) -> list[dict]:
    """AEB F1 and story words lost on the validation documents, per threshold (the
    classifier alone on text the rules have cleaned)."""
    model = model_from_json(model_json)
    probabilities = [model.probabilities(doc["lines"], doc["language"]) for doc in documents]
    results = []
    for threshold in thresholds:
        pairs = []
        lost = story = 0
        for doc, probs in zip(documents, probabilities, strict=True):
            kept = []
            labels = dict(line_labels("\n".join(doc["lines"]), doc["gold"]))
            going = learned_removals(doc["lines"], probs, threshold=threshold, model=model)
            for line, remove in zip(doc["lines"], going, strict=True):
                words = len(line.split())
                if labels.get(line):
                    story += words
                    lost += words if remove else 0
                if not remove:
                    kept.append(line)
            pairs.append(("\n".join(kept), doc["gold"]))
        precision, recall, f1 = aeb_score(pairs)
        results.append({"threshold": threshold, "precision": precision, "recall": recall,
                        "f1": f1, "story_lost": lost / max(story, 1)})  # fmt: skip
    return results


def negative_floor(model_json: dict) -> float:
    """The highest probability the model gives a line of the negative golden cases, as
    the classifier reads them (after the rules): a usable threshold lies above it."""
    model = model_from_json(model_json)
    cases = json.loads(NEGATIVE_CASES.read_text(encoding="utf-8"))
    highest = 0.0
    for case in cases:
        for source in SOURCES:
            text, _removed = strip_boilerplate(case["input"], source=source, learned=False)
            lines = [line for line in text.split("\n") if line.strip()]
            probabilities = model.probabilities(lines, case.get("language"))
            going = learned_removals(lines, probabilities, threshold=0.0, model=model)
            highest = max([highest, *(p for p, g in zip(probabilities, going, strict=True) if g)])
    return highest


def choose_threshold(
    scores: list[dict], rules_only: dict, story_loss: float, floor: float = 0.0
) -> dict:
    """The threshold of best F1 among those above `floor` losing at most `story_loss` of
    the story words; disabled (above 1) unless it beats the rules alone."""
    allowed = [
        score
        for score in scores
        if score["story_lost"] <= story_loss and score["threshold"] > floor
    ]
    best = max(allowed, key=lambda score: (score["f1"], score["threshold"]), default=None)
    if best is None or best["f1"] <= rules_only["f1"] + MIN_GAIN:
        return {**rules_only, "threshold": DISABLED}
    return best


SCRAPE_THRESHOLDS = tuple(round(0.3 + 0.05 * step, 2) for step in range(14))


def stage_score(cases: list, model: Model | None) -> dict:
    """Boilerplate removed, body F1 and story sentences lost of the stage on scrapes:
    with `model` as the classifier, or without a classifier (None)."""
    if model is None:
        score = score_scrapes(cases, lambda scrape: strip_boilerplate(scrape, classifier=False)[0])
    else:
        score = score_scrapes(cases, lambda scrape: strip_boilerplate(scrape, model=model)[0])
    return {"removed": round(score.removed_share, 4), "f1": round(score.f1, 4),
            "lost_per_100": round(score.lost_per_100, 2), "documents": score.documents}  # fmt: skip


def with_threshold(model_json: dict, source: str, threshold: float) -> Model:
    return model_from_json({**model_json, "thresholds": {**model_json["thresholds"],
                                                         source: threshold}})  # fmt: skip


def choose_scrape_threshold(model_json: dict, cases: list, floor: float) -> dict:
    """The scrape threshold of best body F1 on `cases` (kind-labeled validation scrapes)
    above `floor`, among those that remove more than the stage without the classifier and
    lose no more story sentences; DISABLED when none does."""
    stage = stage_score(cases, None)
    grid = [{"threshold": threshold, **stage_score(cases, with_threshold(model_json, "text",
                                                                         threshold))}
            for threshold in SCRAPE_THRESHOLDS if threshold > floor]  # fmt: skip
    allowed = [
        point
        for point in grid
        if point["removed"] > stage["removed"]
        and point["lost_per_100"] <= stage["lost_per_100"]
        and point["f1"] > stage["f1"]
    ]
    best = max(allowed, key=lambda point: (point["f1"], point["removed"]), default=None)
    return {"threshold": best["threshold"] if best else DISABLED, "stage": stage, "grid": grid}


def fit(rows: np.ndarray, labels: np.ndarray, weights: np.ndarray):
    """A scaler and a logistic regression fitted on the rows."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(rows)
    logistic = LogisticRegression(max_iter=2000, C=1.0, random_state=SEED)
    logistic.fit(scaler.transform(rows), labels, sample_weight=weights)
    return scaler, logistic


def arrays(data: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows, labels, weights, and which rows are of validation pages."""
    rows = np.asarray(data["rows"], dtype=np.float64)
    labels = np.asarray(data["labels"])
    weights = np.asarray(data["weights"])
    is_validation = np.asarray([validation_page(*_page_of(key).split(":", 1))
                                for key in data["pages"]])  # fmt: skip
    return rows, labels, weights, is_validation


def _page_of(key: str) -> str:
    """The page key of a training document's key ("kinds-dragnet:12" -> "dragnet:12")."""
    return key.split("-", 1)[1] if key.startswith(("scrape-", "kinds-")) else key


def training_arguments(
    argv: list[str] | None, description: str, out: Path, metrics: Path
) -> argparse.Namespace:
    """A training script's command line: --out, --metrics and --skip-folds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument("--metrics", type=Path, default=metrics)
    parser.add_argument("--skip-folds", action="store_true", help="no leave-one-set-out")
    return parser.parse_args(argv)


def training_pages(script: str) -> dict[str, list[Page]] | None:
    """The pages of each set that are not held out; None, with a line on stderr, when
    the corpus is absent."""
    pages = {name: [page for page in load_set(name) if not page.held_out] for name in SETS}
    if not any(pages.values()):
        print(f"{script}: corpus not found under ../shared/corpus.", file=sys.stderr)
        return None
    return pages


def main(argv: list[str] | None = None) -> int:
    args = training_arguments(argv, __doc__.split("\n")[0], DEFAULT_OUT, DEFAULT_METRICS)
    pages = training_pages("train_boilerplate")
    if pages is None:
        return 2
    every = [page for name in SETS for page in pages[name]]
    extracted = extract_pages(every)
    harvest = harvest_pages(every)
    stops = stop_words()
    report: dict = {"seed": SEED, "features": list(FEATURE_NAMES), "folds": {}}

    def train_on(names: tuple[str, ...]) -> tuple[dict, dict, dict]:
        """A model fitted on the training pages of `names` (their validation fifth left
        out), with its thresholds chosen on that fifth: (model JSON, choice, data)."""
        chosen_pages = [page for name in names for page in pages[name]]
        data = collect(stops, chosen_pages, extracted, harvest)
        rows, labels, weights, is_validation = arrays(data)
        print(f"  lines: {len(labels)} ({labels.mean():.1%} boilerplate), "
              f"validation lines: {is_validation.sum()}")  # fmt: skip
        scaler, logistic = fit(rows[~is_validation], labels[~is_validation],
                               weights[~is_validation])  # fmt: skip
        model_json = to_json(scaler, logistic, {}, stops)
        floor = negative_floor(model_json)
        checking = [page for page in chosen_pages if validation_page(page.set_name, page.page_id)]
        golds = [page for page in checking if page.gold is not None]
        pool = {page_key(page): harvest[page_key(page)] for page in checking}
        cases = kind_scrape_cases(golds, pool, CHOICE_SCRAPES, seed=SEED)
        text = choose_scrape_threshold(model_json, cases, floor)
        documents = [doc for doc in data["documents"]
                     if not doc["key"].startswith("scrape-")
                     and validation_page(*_page_of(doc["key"]).split(":", 1))]  # fmt: skip
        scores = validation_scores(model_json, documents)
        rules_only = validation_scores(model_json, documents, [DISABLED])[0]
        html = choose_threshold(scores, rules_only, STORY_LOSS["html"], floor)
        choice = {"negative_floor": floor, "text": text,
                  "html": {"rules_only": rules_only, "chosen": html}}  # fmt: skip
        thresholds = {"html": html["threshold"], "text": text["threshold"]}
        print(f"  thresholds {thresholds} (negative floor {floor:.3f}); validation scrapes: "
              f"stage without the classifier {text['stage']}")  # fmt: skip
        return to_json(scaler, logistic, thresholds, stops), choice, data

    if not args.skip_folds:
        for left_out in SETS:
            names = tuple(name for name in SETS if name != left_out)
            print(f"fold: train on {', '.join(names)}; test on {left_out}")
            model_json, choice, _data = train_on(names)
            model = model_from_json(model_json)
            checking = [page for page in pages[left_out]
                        if validation_page(page.set_name, page.page_id)]  # fmt: skip
            golds = [page for page in checking if page.gold is not None] or [
                page for name in names for page in pages[name]
                if page.gold is not None and validation_page(page.set_name, page.page_id)
            ]  # fmt: skip
            pool = {page_key(page): harvest[page_key(page)] for page in pages[left_out]}
            kind_cases = kind_scrape_cases(golds, pool, CHECK_SCRAPES, seed=SEED)
            older = scrape_cases(golds, pages[left_out], extracted, CHECK_SCRAPES, seed=SEED)
            test = {
                "kind_labeled": {"default": stage_score(kind_cases, None),
                                 "classifier": stage_score(kind_cases, model)},
                "older": {"default": stage_score(older, None),
                          "classifier": stage_score(older, model)},
            }  # fmt: skip
            report["folds"][left_out] = {"thresholds": model_json["thresholds"],
                                         "choice": choice, "test": test}  # fmt: skip
            print("  test: " + json.dumps(test))
            args.metrics.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")

    print("final: train on every set")
    model_json, choice, data = train_on(SETS)
    thresholds = dict(model_json["thresholds"])
    # Refitted on all training lines (validation ones too), the thresholds kept; one at
    # or below the refitted model's negative floor moves up to the next above it.
    rows, labels, weights, _is_validation = arrays(data)
    scaler, logistic = fit(rows, labels, weights)
    model_json = to_json(scaler, logistic, thresholds, stops)
    floor = negative_floor(model_json)
    for source, grid in (("html", THRESHOLDS), ("text", SCRAPE_THRESHOLDS)):
        if thresholds[source] <= floor:
            thresholds[source] = min((t for t in grid if t > floor), default=DISABLED)
    model_json = to_json(scaler, logistic, thresholds, stops)
    report["final"] = {"choice": choice, "refitted_negative_floor": floor,
                       "thresholds": thresholds, "lines": int(len(labels)),
                       "boilerplate_share": float(labels.mean())}  # fmt: skip
    args.out.write_text(json.dumps(model_json, separators=(",", ":")) + "\n", encoding="utf-8")
    args.metrics.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes, thresholds {thresholds}) "
          f"and {args.metrics}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
