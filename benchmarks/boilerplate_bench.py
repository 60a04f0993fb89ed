"""Benchmark the boilerplate stage on trafilatura's evaluation pages.

    uv run python benchmarks/boilerplate_bench.py [--corpus ../shared/corpus/trafilatura-eval]
                                                  [--limit N] [--show-fp] [--show-lost]

On the same pages, in one process, it scores plain `trafilatura.extract(html)` (defaults)
and the newsclean path, the way trafilatura's evaluation does: a `with` snippet found in
the output is a true positive, a `without` snippet found is a false positive.

Targets: newsclean leaves at most half the `without` snippets plain trafilatura leaves,
and loses at most 0.5% of the `with` snippets plain trafilatura keeps.

Extraction output is cached under `.cache/` (keyed by trafilatura version and options),
so iterating on rules re-runs only the cheap cleaning step.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CACHE_DIR, DEFAULT_CORPUS, CorpusMissing, EvalPage, Score, fold, load_pages

# The extraction options newsclean recommends for extract.py (see the report in
# the module docstring of newsclean.boilerplate and the issue thread).
NEWSCLEAN_OPTIONS: dict[str, object] = {
    "include_comments": False,
}
FP_TARGET = 0.5  # newsclean may leave at most this share of plain trafilatura's FPs
TP_LOSS_TARGET = 0.005  # and lose at most this share of the with-snippets it keeps


def _extract_one(job: tuple[str, dict[str, object]]) -> tuple[str | None, str | None]:
    import trafilatura

    path, options = job
    page = EvalPage(url="", path=Path(path), with_snippets=(), without_snippets=())
    html = page.html()
    if options.get("bare"):
        document = trafilatura.bare_extraction(
            html, **{key: value for key, value in options.items() if key != "bare"}
        )
        if document is None:
            return None, None
        return document.text, document.title
    return trafilatura.extract(html, **options), None


def extract_all(
    pages: list[EvalPage], options: dict[str, object], workers: int
) -> dict[str, tuple[str | None, str | None]]:
    """Extract every page with `options`, reusing the on-disk cache."""
    import trafilatura

    key = json.dumps({"version": trafilatura.__version__, **options}, sort_keys=True)
    cache_path = CACHE_DIR / f"extract-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"
    cached: dict[str, list] = {}
    if cache_path.is_file():
        cached = json.loads(cache_path.read_text(encoding="utf-8"))
    missing = [page for page in pages if page.path.name not in cached]
    if missing:
        jobs = [(str(page.path), options) for page in missing]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for page, result in zip(missing, pool.map(_extract_one, jobs, chunksize=4)):
                cached[page.path.name] = list(result)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        cache_path.write_text(json.dumps(cached), encoding="utf-8")
    return {page.path.name: tuple(cached[page.path.name]) for page in pages}  # type: ignore[misc]


def _domain(url: str) -> str:
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or url.split("/")[0]
    return host.removeprefix("www.")


def newsclean_outputs(pages: list[EvalPage], workers: int) -> dict[str, str | None]:
    """The newsclean path: extraction with our options, rule stage, then site templates."""
    from newsclean.boilerplate import TemplateProfile, strip_boilerplate

    extracted = extract_all(pages, {"bare": True, **NEWSCLEAN_OPTIONS}, workers)
    stripped: dict[str, str | None] = {}
    profile = TemplateProfile()
    for page in pages:
        text, title = extracted[page.path.name]
        if text is None:
            stripped[page.path.name] = None
            continue
        cleaned, _ = strip_boilerplate(text, title=title)
        stripped[page.path.name] = cleaned
        profile.observe(_domain(page.url), cleaned)
    outputs: dict[str, str | None] = {}
    for page in pages:
        text = stripped[page.path.name]
        outputs[page.path.name] = (
            None if text is None else profile.strip(_domain(page.url), text)[0]
        )
    return outputs


def _score(pages: list[EvalPage], outputs: dict[str, str | None]) -> Score:
    score = Score()
    for page in pages:
        score.add(outputs[page.path.name], page)
    return score


def _line(name: str, score: Score) -> str:
    return (
        f"{name:<22} TP {score.true_positives:5d}  FN {score.false_negatives:5d}  "
        f"FP {score.false_positives:5d}  TN {score.true_negatives:5d}  "
        f"P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}"
    )


def _lost_with(
    pages: list[EvalPage], baseline: dict[str, str | None], candidate: dict[str, str | None]
) -> list[tuple[EvalPage, str]]:
    lost = []
    for page in pages:
        before = fold(baseline[page.path.name] or "")
        after = fold(candidate[page.path.name] or "")
        for snippet in page.with_snippets:
            if fold(snippet) in before and fold(snippet) not in after:
                lost.append((page, snippet))
    return lost


def _left_without(pages: list[EvalPage], outputs: dict[str, str | None]) -> list:
    left = []
    for page in pages:
        text = outputs[page.path.name] or ""
        for snippet in page.without_snippets:
            if fold(snippet) in fold(text):
                left.append((page, snippet, text))
    return left


def _context(text: str, snippet: str) -> str:
    for line in text.split("\n"):
        if fold(snippet) in fold(line):
            return line[:160]
    return "(spans lines)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show-fp", action="store_true", help="list without-snippets left")
    parser.add_argument("--show-lost", action="store_true", help="list with-snippets lost")
    args = parser.parse_args(argv)

    try:
        pages = load_pages(args.corpus)
    except CorpusMissing as error:
        print(f"boilerplate_bench: {error}; nothing to do.", file=sys.stderr)
        return 2
    if args.limit:
        pages = pages[: args.limit]

    plain = {name: text for name, (text, _) in extract_all(pages, {}, args.workers).items()}
    runner: Callable[[list[EvalPage], int], dict[str, str | None]] = newsclean_outputs
    ours = runner(pages, args.workers)

    plain_score, our_score = _score(pages, plain), _score(pages, ours)
    lost = _lost_with(pages, plain, ours)
    print(f"pages: {len(pages)}  newsclean extraction options: {NEWSCLEAN_OPTIONS}")
    print(_line("trafilatura (defaults)", plain_score))
    print(_line("newsclean", our_score))
    fp_ratio = our_score.false_positives / max(plain_score.false_positives, 1)
    loss_ratio = len(lost) / max(plain_score.true_positives, 1)
    print(
        f"without left: {our_score.false_positives}/{plain_score.false_positives} = "
        f"{fp_ratio:.3f} (target <= {FP_TARGET}) {'OK' if fp_ratio <= FP_TARGET else 'SHORT'}"
    )
    print(
        f"with lost (kept by trafilatura, dropped by newsclean): {len(lost)}/"
        f"{plain_score.true_positives} = {loss_ratio:.4f} (target <= {TP_LOSS_TARGET}) "
        f"{'OK' if loss_ratio <= TP_LOSS_TARGET else 'SHORT'}"
    )
    if args.show_lost:
        for page, snippet in lost:
            print(
                f"LOST {page.url}\n     {snippet!r}\n     {_context(plain[page.path.name] or '', snippet)!r}"
            )
    if args.show_fp:
        for page, snippet, text in _left_without(pages, ours):
            print(f"LEFT {page.url}\n     {snippet!r}\n     {_context(text, snippet)!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
