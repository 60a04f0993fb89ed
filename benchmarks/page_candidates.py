"""Candidate changes to newsclean's page text, scored on the labeled sets' training parts.

    .venv/bin/python benchmarks/page_candidates.py [--part train] [--dragnet-step 3]

Each candidate is scored with AEB word 4-grams (`labeled.aeb_score`) on Readability's
pages and every `--dragnet-step`-th Dragnet page of the chosen part, beside newsclean as
shipped (its extraction and repair as `labeled.extract_pages` caches them, cleaned by
the boilerplate stage) and plain trafilatura:

- the stage's removals by kind: newsclean's text with every removal of one kind put
  back in place (what each kind of removal gains or costs on pages);
- trafilatura's `baseline` (its fallback extractor) in place of the shipped extraction
  where it holds at least `containment` of the shipped text's 4-grams and has between
  `low` and `high` times its words, cleaned by the stage; and the per-page oracle
  (the better of the two on each page, which no page signal gives);
- a standfirst put back: where a visible element of the page's body holds the page's
  description (`trafilatura.extract_metadata`) as written, 40 characters or more, and
  the extraction holds under half of its 4-grams, that text as the first line;
- with `--captions`, an HTML5 figure's caption kept: each `<figcaption>`'s text set as a
  paragraph after its `<figure>` (which trafilatura drops without images) before the
  page is extracted as newsclean does, on the pages that hold one, trafilatura-eval's
  training part (snippet score) too.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from labeled import (  # noqa: E402
    EVAL_SET,
    LABELED_SETS,
    Extracted,
    aeb_score,
    extract_pages,
    load_set,
    ngrams,
    page_key,
    words,
)

from newsclean.boilerplate import strip_boilerplate  # noqa: E402
from newsclean.text import paragraphs  # noqa: E402

BASELINE_GRID = [  # (low, high, containment)
    (low, high, containment)
    for low in (1.0, 1.05)
    for high in (1.1, 1.15, 1.2, 1.3)
    for containment in (0.9, 0.98)
]
STANDFIRST_CHARACTERS = 40
_SKIPPED = frozenset(("script", "style", "noscript", "meta", "template"))


def page_alternatives(path: str) -> tuple[str, str | None]:
    """trafilatura's `baseline` text of the page, and the text of the first visible body
    element that holds the page's description as written (None when none does)."""
    from trafilatura import baseline, extract_metadata
    from trafilatura.utils import load_html

    page = gzip.decompress(Path(path).read_bytes())
    _tree, baseline_text, _length = baseline(page)
    tree = load_html(page)
    if tree is None:
        return baseline_text, None
    metadata = extract_metadata(tree)
    description = " ".join((metadata.description or "").split()) if metadata else ""
    body = tree.find("body")
    if body is None or len(description) < STANDFIRST_CHARACTERS:
        return baseline_text, None
    for element in body.iter():
        if isinstance(element.tag, str) and element.tag not in _SKIPPED:
            if " ".join(" ".join(element.itertext()).split()) == description:
                return baseline_text, description
    return baseline_text, None


def newsclean_extraction(page: bytes, *, captions: bool) -> Extracted:
    """The page as `labeled.extract_pages` has it (newsclean's extraction and repair),
    parsed and written back by lxml first, with each figure's caption set as a
    paragraph after it where `captions`."""
    from lxml import etree, html

    from newsclean.config import Settings
    from newsclean.extract import extract_unit
    from newsclean.pipeline import repair_article
    from newsclean.record import RawUnit, Rejected

    tree = html.fromstring(page)
    for figure in list(tree.iter("figure")) if captions else ():
        caption = figure.find(".//figcaption")
        text = " ".join(" ".join(caption.itertext()).split()) if caption is not None else ""
        if text:
            paragraph = etree.Element("p")
            paragraph.text, paragraph.tail, figure.tail = text, figure.tail, None
            figure.addnext(paragraph)
    page = html.tostring(tree, encoding="utf-8")
    settings = Settings(workers=1)
    article = extract_unit(RawUnit("page.html", "page.html", "html", "html", page), settings)
    if isinstance(article, Rejected):
        return Extracted("", None, None, "")
    article = repair_article(article, settings)
    return Extracted(article.text, article.title, article.language, "")


def both_extractions(path: str) -> tuple[Extracted, Extracted]:
    page = gzip.decompress(Path(path).read_bytes())
    return (newsclean_extraction(page, captions=False),
            newsclean_extraction(page, captions=True))  # fmt: skip


def score_captions(workers: int, part: str) -> None:
    """newsclean's page text with and without the figure captions kept, on the pages
    of each set's part that hold a `<figcaption>` (the other pages are unchanged)."""
    from corpus import Score
    from quality_bench import _snippet_page

    wanted = part == "held-out"
    for set_name in (*LABELED_SETS, EVAL_SET):
        pages = [page for page in load_set(set_name) if page.held_out == wanted]
        pages = [page for page in pages
                 if b"<figcaption" in gzip.decompress(page.path.read_bytes()).lower()]  # fmt: skip
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(both_extractions, [str(page.path) for page in pages]))
        outputs = [[cleaned(article.text, article)[0] for article in pair] for pair in results]
        if set_name == EVAL_SET:
            scores = [Score(), Score()]
            for page, pair in zip(pages, outputs, strict=True):
                for score, output in zip(scores, pair, strict=True):
                    score.add(output, _snippet_page(page))
            figures = [f"{score.f1:.4f} ({score.false_negatives} with lost, "
                       f"{score.false_positives} without kept)" for score in scores]  # fmt: skip
        else:
            golds = [page.gold for page in pages]
            scores = [
                _f1([(pair[which], gold) for pair, gold in zip(outputs, golds, strict=True)])
                for which in (0, 1)
            ]
            figures = [f"{f1:.4f}" for f1 in scores]
        print(f"{set_name} {part}, {len(pages)} pages with a figcaption: "
              f"as shipped {figures[0]}, captions kept {figures[1]}")  # fmt: skip


def cleaned(text: str, article: Extracted) -> tuple[str, list]:
    """The stage's output on `text` and its removals."""
    text = "\n".join(paragraphs(text.splitlines()))
    if not text.strip():
        return "", []
    output, removed = strip_boilerplate(
        text, title=article.title, language=article.language, source="html"
    )[:2]
    return output, removed


def _grams(text: str) -> set:
    return set(ngrams(words(text), 4))


def _f1(pairs: list[tuple[str, str]]) -> float:
    return aeb_score(pairs)[2]


def kinds_restored(rows: list[dict]) -> list[tuple[str, int, float]]:
    """(kind, lines removed, F1 with that kind's removals put back), most lines first."""
    for row in rows:
        by_line: dict[str, list[str]] = defaultdict(list)
        for removal in row["removed"]:
            for line in removal.text.split("\n"):
                by_line[line].append(removal.kind)
        row["lines"] = []
        for line in row["article"].text.split("\n"):
            kinds = by_line.get(line)
            row["lines"].append((line, kinds.pop(0) if kinds else None))
    counts = Counter(kind for row in rows for _line, kind in row["lines"] if kind)
    restored = []
    for kind, count in counts.most_common():
        pairs = [
            ("\n".join(line for line, k in row["lines"] if k in (None, kind)), row["gold"])
            for row in rows
        ]
        restored.append((kind, count, _f1(pairs)))
    return restored


def _oracle(rows: list[dict]) -> float:
    """F1 with the better of the shipped and the baseline text on each page."""
    pairs = []
    for row in rows:
        texts = (row["output"], row["baseline_output"])
        best = max(texts, key=lambda text, gold=row["gold"]: _f1([(text, gold)]))
        pairs.append((best, row["gold"]))
    return _f1(pairs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("train", "held-out"), default="train")
    parser.add_argument("--dragnet-step", type=int, default=3, help="every n-th Dragnet page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--captions", action="store_true",
                        help="score keeping figure captions instead")  # fmt: skip
    args = parser.parse_args(argv)
    if args.captions:
        score_captions(args.workers, args.part)
        return 0
    wanted = args.part == "held-out"
    for set_name in LABELED_SETS:
        step = args.dragnet_step if set_name == "dragnet" else 1
        pages = [page for page in load_set(set_name) if page.held_out == wanted][::step]
        if not pages:
            print("page_candidates: corpus not found; nothing to do.", file=sys.stderr)
            return 2
        extracted = extract_pages(pages)
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            alternatives = list(
                pool.map(page_alternatives, [str(page.path) for page in pages], chunksize=8)
            )
        rows = []
        for page, (baseline_text, standfirst) in zip(pages, alternatives, strict=True):
            article = extracted[page_key(page)]
            output, removed = cleaned(article.text, article)
            rows.append({
                "gold": page.gold, "article": article, "output": output, "removed": removed,
                "baseline": baseline_text, "baseline_output": cleaned(baseline_text, article)[0],
                "standfirst": standfirst,
            })  # fmt: skip
        shipped = _f1([(row["output"], row["gold"]) for row in rows])
        print(f"{set_name} {args.part}: {len(pages)} pages")
        print(f"  newsclean {shipped:.4f}  plain trafilatura "
              f"{_f1([(row['article'].plain, row['gold']) for row in rows]):.4f}  "
              f"extraction without the stage "
              f"{_f1([(row['article'].text, row['gold']) for row in rows]):.4f}")  # fmt: skip
        for kind, count, f1 in kinds_restored(rows):
            print(f"  {kind:12s} removals put back ({count:4d} lines): {f1:.4f} "
                  f"({f1 - shipped:+.4f})")  # fmt: skip
        baseline_alone = _f1([(row["baseline_output"], row["gold"]) for row in rows])
        print(f"  baseline alone {baseline_alone:.4f}  oracle shipped/baseline {_oracle(rows):.4f}")
        for low, high, containment in BASELINE_GRID:
            pairs, switched = [], 0
            for row in rows:
                ours, theirs = len(words(row["article"].text)), len(words(row["baseline"]))
                held = _grams(row["article"].text)
                share = len(held & _grams(row["baseline"])) / len(held) if held else 0.0
                use = ours > 0 and low <= theirs / ours <= high and share >= containment
                switched += use
                pairs.append((row["baseline_output"] if use else row["output"], row["gold"]))
            print(f"  baseline where {low}-{high}x the words, holding >= {containment}: "
                  f"{_f1(pairs):.4f} ({switched} pages)")  # fmt: skip
        pairs, added, better, worse = [], 0, 0, 0
        for row in rows:
            standfirst, output = row["standfirst"], row["output"]
            if standfirst and output.strip():
                wanted_grams = _grams(standfirst)
                if wanted_grams and len(wanted_grams & _grams(row["article"].text)) < (
                    0.5 * len(wanted_grams)
                ):
                    output, added = f"{standfirst}\n{output}", added + 1
                    change = _f1([(output, row["gold"])]) - _f1([(row["output"], row["gold"])])
                    better, worse = better + (change > 0), worse + (change < 0)
            pairs.append((output, row["gold"]))
        print(f"  standfirst put back: {_f1(pairs):.4f} ({added} pages: {better} better, "
              f"{worse} worse)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
