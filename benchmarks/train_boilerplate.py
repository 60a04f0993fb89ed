"""Train the learned boilerplate classifier and write it into the package.

    uv run --group train python benchmarks/train_boilerplate.py [--out PATH] [--metrics PATH]

Data (see benchmarks/labeled.py; none of it is in the repository): the training part of
Dragnet and of Readability's test pages, each line of newsclean's text labeled story or
boilerplate against the gold text, and the training part of trafilatura-eval, lines
holding a `with` snippet (story) or a `without` one (boilerplate). The held-out ~30 % of
every set is never read here. Lines are taken as the classifier sees them: after the
rule catalogue has removed what it names; prose lines, which it never scores, are
context only.

Of the training pages, a fixed fifth (by hash of page id) is kept for choosing the model
and its threshold: the network or the logistic regression, and the threshold, that give
the best AEB F1 on those pages while losing at most STORY_LOSS of their story words.

Deterministic: fixed seeds, sorted inputs. Writes the model (JSON, a few hundred KB at
most) and a metrics JSON beside it.
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

from labeled import (  # noqa: E402
    EVAL_SET,
    LABELED_SETS,
    aeb_score,
    extract_pages,
    line_labels,
    load_set,
    page_key,
    rule_labels,
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
    learned_removals,
    model_from_json,
)

SEED = 19
DISABLED = 1.01  # a threshold no probability reaches
HIDDEN = 24
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


SCRAPES = 1500  # synthetic text scrapes built from the training pages
PROSE = FEATURE_NAMES.index("prose")


def collect(stops: dict[str, list[str]]) -> dict[str, list]:
    """Feature rows, labels, weights and page keys of every training line, and the
    documents (lines and gold) that model choice is scored on."""
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

    training: list = []
    extracted: dict = {}
    for set_name in (*LABELED_SETS, EVAL_SET):
        pages = [page for page in load_set(set_name) if not page.held_out]
        extracted.update(extract_pages(pages))
        training += pages
        for page in pages:
            key = page_key(page)
            article = extracted[key]
            found = rule_labels(page, article)
            if found is not None:
                add(key, found[0], article.language, dict(found[1]), page.gold)
    gold_pages = [page for page in training if page.gold is not None]
    for key, scrape, gold, inserted, story in scrape_cases(
        gold_pages, training, extracted, SCRAPES, seed=SEED
    ):
        text, _removed = strip_boilerplate(scrape, learned=False)
        labeled = {line: False for line in inserted}
        labeled.update({line: True for line in story})
        add(f"scrape-{key}", text, None, labeled, gold)
    return data


def to_json(scaler, classifier, thresholds: dict[str, float], stops: dict[str, list[str]]) -> dict:
    """The model file's content."""
    if hasattr(classifier, "coefs_"):
        layers = [
            {"weights": weights.tolist(), "bias": bias.tolist()}
            for weights, bias in zip(classifier.coefs_, classifier.intercepts_, strict=True)
        ]
    else:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--metrics", type=Path, default=DEFAULT_METRICS)
    args = parser.parse_args(argv)

    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    stops = stop_words()
    data = collect(stops)
    rows = np.asarray(data["rows"], dtype=np.float64)
    labels = np.asarray(data["labels"])
    weights = np.asarray(data["weights"])
    is_validation = np.asarray([validation_page(*key.split(":", 1)) for key in data["pages"]])
    print(f"lines: {len(labels)} ({labels.mean():.1%} boilerplate), "
          f"validation lines: {is_validation.sum()}")  # fmt: skip
    validation = {source: [] for source in SOURCES}
    for doc in data["documents"]:
        if validation_page(*doc["key"].split(":", 1)):
            validation["text" if doc["key"].startswith("scrape-") else "html"].append(doc)

    scaler = StandardScaler().fit(rows[~is_validation])
    train_x, train_y = scaler.transform(rows[~is_validation]), labels[~is_validation]
    logistic = LogisticRegression(max_iter=2000, C=1.0, random_state=SEED)
    logistic.fit(train_x, train_y, sample_weight=weights[~is_validation])
    network = MLPClassifier(
        hidden_layer_sizes=(HIDDEN,), activation="tanh", alpha=1e-3, max_iter=400,
        early_stopping=True, random_state=SEED,
    )  # fmt: skip
    network.fit(train_x, train_y)

    report: dict = {"seed": SEED, "lines": int(len(labels)),
                    "boilerplate_share": float(labels.mean()),
                    "validation_documents": {k: len(v) for k, v in validation.items()}}  # fmt: skip
    best = None
    for name, classifier in (("logistic", logistic), ("network", network)):
        model_json = to_json(scaler, classifier, {}, stops)
        floor = negative_floor(model_json)
        report.setdefault(name, {})["negative_floor"] = floor
        chosen = {}
        for source, docs in validation.items():
            scores = validation_scores(model_json, docs)
            rules_only = validation_scores(model_json, docs, [DISABLED])[0]
            chosen[source] = choose_threshold(scores, rules_only, STORY_LOSS[source], floor)
            report.setdefault(name, {})[source] = {
                "rules_only": rules_only, "chosen": chosen[source], "validation": scores
            }  # fmt: skip
            print(f"{name} {source}: rules only F1 {rules_only['f1']:.4f}; threshold "
                  f"{chosen[source]['threshold']} F1 {chosen[source]['f1']:.4f} "
                  f"story lost {chosen[source]['story_lost']:.4f}")  # fmt: skip
        gain = sum(chosen[source]["f1"] for source in SOURCES)
        if best is None or gain > best[2]:
            best = (name, classifier, gain, {s: chosen[s]["threshold"] for s in SOURCES})
    name, classifier, _gain, thresholds = best
    # The chosen kind of model, refitted on all training lines (validation ones too).
    scaler = StandardScaler().fit(rows)
    fit_options = {"sample_weight": weights} if name == "logistic" else {}
    classifier.fit(scaler.transform(rows), labels, **fit_options)
    model_json = to_json(scaler, classifier, thresholds, stops)
    # The refitted model scores the negative cases anew: a threshold at or below its
    # floor moves up to the next candidate above it.
    floor = negative_floor(model_json)
    for source in SOURCES:
        if thresholds[source] <= floor:
            thresholds[source] = min((t for t in THRESHOLDS if t > floor), default=DISABLED)
    model_json = to_json(scaler, classifier, thresholds, stops)
    report["refitted_negative_floor"] = floor
    args.out.write_text(json.dumps(model_json, separators=(",", ":")) + "\n", encoding="utf-8")
    report["chosen"] = {"model": name, "thresholds": thresholds}
    args.metrics.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes, {name}, thresholds "
          f"{thresholds}) and {args.metrics}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
