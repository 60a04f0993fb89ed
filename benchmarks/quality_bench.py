"""Score plain trafilatura and newsclean on the same pages, on data no model was trained on.

    .venv/bin/python benchmarks/quality_bench.py [--scrapes N] [--show-lost] [--part train]
                                                 [--words-thresholds LINE SENTENCE]
                                                 [--words-model PATH]
                                                 [--blocks-thresholds HEAD BODY]
                                                 [--blocks-model PATH]

Prints precision, recall and F1 for each of:

- Dragnet and Readability, held-out parts (benchmarks/labeled.py): the article-extraction
  benchmark's method (word 4-grams, per-page P and R averaged, F1 of the means);
- trafilatura-eval, held-out part and all pages: the snippet score of trafilatura's own
  evaluation (`with` found: TP; `without` found: FP);
- text and markdown scrapes built from the held-out gold texts (see `scrape_cases`):
  share of inserted boilerplate lines removed, body F1, story sentences lost per 100;
  once with the older pool of boilerplate (lines of the pages' text their gold lacks,
  many of them story text the gold leaves out) and once with real boilerplate
  harvested by kind from the pages' HTML (`harvest.kind_scrape_cases`), where the
  share removed is printed per kind too;

for plain `trafilatura.extract` (defaults), newsclean with the rule catalogue only
(`strip_boilerplate(..., learned=False)`), on scrapes newsclean with the rules and the
structural detectors (`classifier=False`: the default for scrapes, `scrape_detectors`)
and newsclean with the learned stage (rules, structural detectors and the learned
classifier: the default for page text, opt-in for scrapes with
`learned_boilerplate_scrapes`), then the kinds it removed and what it costs per
document: rules only, the scrapes' default and the whole stage. `--part train` scores
the training parts instead (pages not held out), the place to study a change before
the held-out figures are looked at once. newsclean's text is its extraction and
repair as the pipeline runs them (cached under .cache/); site templates, which need
many pages of one domain, are left out.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Score, fold  # noqa: E402
from harvest import harvest_pages, kind_scrape_cases  # noqa: E402
from labeled import (  # noqa: E402
    EVAL_SET,
    LABELED_SETS,
    Extracted,
    Page,
    aeb_score,
    extract_pages,
    load_set,
    page_key,
    score_scrapes,
    scrape_cases,
)

from newsclean.boilerplate import strip_boilerplate  # noqa: E402
from newsclean.boilerplate.blocks import BlocksModel, load_blocks_model  # noqa: E402
from newsclean.boilerplate.words import WordsModel, load_words_model  # noqa: E402


def _clean(article: Extracted, *, learned: bool) -> tuple[str, list]:
    if not article.text.strip():
        return "", []
    return strip_boilerplate(
        article.text,
        title=article.title,
        language=article.language,
        source="html",
        learned=learned,
    )


def _with_detectors(scrape: str) -> str:
    """A scrape as the pipeline cleans it by default: the rules and the detectors."""
    return strip_boilerplate(scrape, classifier=False)[0]


def _with_model(model_type: type, model, keyword: str, thresholds: dict[str, float]):
    """A scrape cleaned by the whole stage with `model` (a vocabulary or block model,
    passed as `keyword`) at `thresholds` for text scrapes."""
    priced = model_type(model.bias, model.weights, {"text": thresholds})
    return lambda scrape: strip_boilerplate(scrape, **{keyword: priced})[0]


def _row(name: str, precision: float, recall: float, f1: float, extra: str = "") -> str:
    return f"  {name:<28} P {precision:.4f}  R {recall:.4f}  F1 {f1:.4f}{extra}"


def score_labeled(
    set_name: str, pages: list[Page], extracted: dict[str, Extracted], kinds, part: str
):
    """AEB scores of the three systems on one part of one set's pages."""
    print(f"{set_name} {part}: {len(pages)} pages (AEB word 4-grams)")
    plain = aeb_score([(extracted[page_key(page)].plain, page.gold) for page in pages])
    rules = aeb_score([(_clean(extracted[page_key(page)], learned=False)[0], page.gold)
                       for page in pages])  # fmt: skip
    shipped_pairs = []
    for page in pages:
        text, removed = _clean(extracted[page_key(page)], learned=True)
        kinds.update(removal.kind for removal in removed)
        shipped_pairs.append((text, page.gold))
    shipped = aeb_score(shipped_pairs)
    print(_row("trafilatura (defaults)", *plain))
    print(_row("newsclean rules only", *rules))
    print(_row("newsclean", *shipped, f"  ({shipped[2] - plain[2]:+.4f} vs trafilatura)"))
    return {"plain": plain, "rules": rules, "newsclean": shipped}


def score_snippets(label: str, pages: list[Page], extracted: dict[str, Extracted]) -> None:
    """trafilatura's snippet score of the three systems."""
    scores = {"trafilatura (defaults)": Score(), "newsclean rules only": Score(),
              "newsclean": Score()}  # fmt: skip
    lost = 0
    for page in pages:
        article = extracted[page_key(page)]
        rules_text = _clean(article, learned=False)[0]
        shipped_text = _clean(article, learned=True)[0]
        snippet_page = _snippet_page(page)
        for name, output in zip(scores, (article.plain, rules_text, shipped_text), strict=True):
            scores[name].add(output, snippet_page)
        folded_rules, folded_shipped = fold(rules_text), fold(shipped_text)
        lost += sum(
            fold(snippet) in folded_rules and fold(snippet) not in folded_shipped
            for snippet in page.with_snippets
        )
    print(f"trafilatura-eval {label}: {len(pages)} pages (snippets)")
    for name, score in scores.items():
        counts = (f"  TP {score.true_positives} FN {score.false_negatives} "
                  f"FP {score.false_positives} TN {score.true_negatives}")  # fmt: skip
        print(_row(name, score.precision, score.recall, score.f1, counts))
    print(f"  with-snippets kept by the rules and lost by the shipped stage: {lost}")


def _snippet_page(page: Page):
    from corpus import EvalPage

    return EvalPage("", page.path, page.with_snippets, page.without_snippets)


def print_scrapes(
    cases: list[tuple],
    *,
    show_lost: bool,
    title: str,
    words_thresholds: list[float] | None = None,
    words_model: str | None = None,
    blocks_thresholds: list[float] | None = None,
    blocks_model: str | None = None,
) -> None:
    """Boilerplate lines removed (and per kind, for cases that name kinds), body F1 and
    story sentences lost, per system; with `words_thresholds` (line, sentence), the
    vocabulary model (the one at `words_model`, or the shipped one) at those thresholds
    too, and with `blocks_thresholds` (head, body) the block model likewise."""
    print(title)
    shipped = load_words_model()
    systems = {
        "no cleaning": lambda scrape: scrape,
        "newsclean rules only": lambda scrape: strip_boilerplate(scrape, learned=False)[0],
        "rules + detectors (default)": _with_detectors,
    }
    if shipped is not None:
        systems["stage, no vocabulary model"] = _with_model(
            WordsModel, shipped, "words_model", {"line": 2.0, "sentence": 2.0}
        )
    shipped_blocks = load_blocks_model()
    if shipped_blocks is not None:
        systems["stage, no block model"] = _with_model(
            BlocksModel, shipped_blocks, "blocks_model", {"head": 2.0, "body": 2.0}
        )
    systems["learned stage (opt-in)"] = lambda scrape: strip_boilerplate(scrape)[0]
    if words_thresholds:
        line, sentence = words_thresholds
        systems[f"vocabulary at {line}/{sentence}"] = _with_model(
            WordsModel, load_words_model(words_model), "words_model",
            {"line": line, "sentence": sentence},
        )  # fmt: skip
    if blocks_thresholds:
        head, body = blocks_thresholds
        systems[f"blocks at {head}/{body}"] = _with_model(
            BlocksModel, load_blocks_model(blocks_model), "blocks_model",
            {"head": head, "body": body},
        )  # fmt: skip
    for name, clean in systems.items():
        score = score_scrapes(cases, clean)
        extra = (
            f"  boilerplate removed {score.removed_share:.1%} ({score.removed}/{score.inserted})"
            f"  story sentences lost per 100 docs {score.lost_per_100:.2f}"
        )
        print(_row(name, score.precision, score.recall, score.f1, extra))
        if score.by_kind:
            print("    removed by kind: " + ", ".join(
                f"{kind} {removed / inserted:.1%}" for kind, (removed, inserted)
                in score.by_kind.items()))  # fmt: skip
        if show_lost and name == "learned stage (opt-in)":
            for sentence in score.lost:
                print(f"    LOST {sentence[:140]!r}")


def cost(label: str, documents: list[tuple[str, str | None, str | None, str]]) -> None:
    """CPU milliseconds per document of the stage on one core: rules only, rules and
    structural detectors (the default for scrapes), and the whole stage (the default for
    page text). `documents` holds (text, title, language, source)."""
    documents = [document for document in documents if document[0].strip()]
    if not documents:  # --scrapes 0
        return
    variants = {"rules only": {"learned": False}, "rules + detectors": {"classifier": False},
                "whole stage": {}}  # fmt: skip
    timings = {}
    for name, options in variants.items():
        for text, title, language, source in documents[:20]:  # warm the caches and model
            strip_boilerplate(text, title=title, language=language, source=source, **options)
        start = time.process_time()  # CPU time: less swayed by other processes
        for text, title, language, source in documents:
            strip_boilerplate(text, title=title, language=language, source=source, **options)
        timings[name] = (time.process_time() - start) * 1000 / len(documents)
    rules = timings["rules only"]
    print(f"cost on {len(documents)} {label}: rules only {rules:.3f} ms, " + ", ".join(
        f"{name} {timings[name]:.3f} ms (added {timings[name] - rules:.3f})"
        for name in ("rules + detectors", "whole stage")) + " per document")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scrapes", type=int, default=400, help="text scrapes to build")
    parser.add_argument("--show-lost", action="store_true", help="list story sentences lost")
    parser.add_argument(
        "--words-thresholds", type=float, nargs=2, metavar=("LINE", "SENTENCE"),
        help="also score the scrapes with the vocabulary model at these thresholds",
    )  # fmt: skip
    parser.add_argument("--words-model", help="vocabulary model file for --words-thresholds")
    parser.add_argument(
        "--blocks-thresholds", type=float, nargs=2, metavar=("HEAD", "BODY"),
        help="also score the scrapes with the block model at these thresholds",
    )  # fmt: skip
    parser.add_argument("--blocks-model", help="block model file for --blocks-thresholds")
    parser.add_argument(
        "--part",
        choices=("held-out", "train"),
        default="held-out",
        help="score the held-out parts (default) or the training parts",
    )
    args = parser.parse_args(argv)
    if args.scrapes < 0:
        parser.error("--scrapes must be zero or more")
    if args.words_thresholds and args.words_model is None and load_words_model() is None:
        parser.error("no vocabulary model is shipped: give --words-model PATH")
    if args.words_model is not None and not Path(args.words_model).is_file():
        parser.error(f"--words-model {args.words_model}: no such file")
    if args.blocks_thresholds and args.blocks_model is None and load_blocks_model() is None:
        parser.error("no block model is shipped: give --blocks-model PATH")
    if args.blocks_model is not None and not Path(args.blocks_model).is_file():
        parser.error(f"--blocks-model {args.blocks_model}: no such file")

    wanted = args.part == "held-out"
    part = "held out" if wanted else "training part"
    held: dict[str, list[Page]] = {}
    for set_name in (*LABELED_SETS, EVAL_SET):
        held[set_name] = [page for page in load_set(set_name) if page.held_out == wanted]
    if not any(held.values()):
        print("quality_bench: corpus not found under ../shared/corpus; nothing to do.",
              file=sys.stderr)  # fmt: skip
        return 2
    extracted = extract_pages([page for pages in held.values() for page in pages])
    kinds: Counter = Counter()
    for set_name in LABELED_SETS:
        if held[set_name]:
            score_labeled(set_name, held[set_name], extracted, kinds, part)
    if held[EVAL_SET]:
        score_snippets(part, held[EVAL_SET], extracted)
        every = load_set(EVAL_SET)
        score_snippets("all pages", every, extract_pages(every))
    labeled_pages = [page for set_name in LABELED_SETS for page in held[set_name]]
    pool = [page for pages in held.values() for page in pages]
    cases = scrape_cases(labeled_pages, pool, extracted, args.scrapes)
    options = {"show_lost": args.show_lost, "words_thresholds": args.words_thresholds,
               "words_model": args.words_model, "blocks_thresholds": args.blocks_thresholds,
               "blocks_model": args.blocks_model}  # fmt: skip
    print_scrapes(
        cases,
        title=f"text and markdown scrapes: {len(cases)} documents built from {part} pages "
        "(boilerplate: their lines missing from the gold)",
        **options,
    )
    harvest = harvest_pages(pool)
    kind_cases = kind_scrape_cases(labeled_pages, harvest, args.scrapes)
    blocks = sum(len(blocks) for blocks in harvest.values())
    print_scrapes(
        kind_cases,
        title=f"kind-labeled scrapes: {len(kind_cases)} documents built from {part} pages "
        f"(boilerplate: {blocks} blocks harvested by kind from their HTML)",
        **options,
    )
    print(f"kinds removed on the {part} Dragnet and Readability pages (shipped stage):")
    print("  " + ", ".join(f"{kind} {count}" for kind, count in kinds.most_common()))
    pages_text = [extracted[page_key(page)] for page in labeled_pages]
    cost(f"{part} page texts", [(a.text, a.title, a.language, "html") for a in pages_text])
    cost("scrapes", [(case[1], None, None, "text") for case in cases])
    cost("kind-labeled scrapes", [(case[1], None, None, "text") for case in kind_cases])
    return 0


if __name__ == "__main__":
    sys.exit(main())
