"""Benchmark the boilerplate stage on trafilatura's evaluation pages.

    .venv/bin/python benchmarks/boilerplate_bench.py [--corpus ../shared/corpus/trafilatura-eval]
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

from corpus import (  # noqa: E402
    CACHE_DIR,
    DEFAULT_CORPUS,
    CorpusMissing,
    EvalPage,
    Score,
    fold,
    load_pages,
)

# Extraction options of the rules-only path. The pipeline's own options live in
# newsclean.extract (TRAFILATURA_OPTIONS); this mirrors them when that module exists.
FALLBACK_OPTIONS: dict[str, object] = {"include_comments": False}
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
            results = pool.map(_extract_one, jobs, chunksize=4)
            for page, result in zip(missing, results, strict=True):
                cached[page.path.name] = list(result)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        cache_path.write_text(json.dumps(cached), encoding="utf-8")
    return {page.path.name: tuple(cached[page.path.name]) for page in pages}  # type: ignore[misc]


def _domain(url: str) -> str:
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or url.split("/")[0]
    return host.removeprefix("www.")


def extraction_options() -> dict[str, object]:
    """The pipeline's trafilatura options if newsclean.extract defines them."""
    try:
        from newsclean.extract import TRAFILATURA_OPTIONS
    except ImportError:
        return dict(FALLBACK_OPTIONS)
    return {key: value for key, value in TRAFILATURA_OPTIONS.items() if key != "with_metadata"}


def _with_templates(
    pages: list[EvalPage], texts: dict[str, str | None], domains: dict[str, str | None]
) -> dict[str, str | None]:
    """Observe every text of the run, then strip site templates, as the pipeline does."""
    from newsclean.boilerplate import TemplateProfile

    profile = TemplateProfile()
    for page in pages:
        text = texts[page.path.name]
        if text:
            profile.observe(domains[page.path.name], text)
    outputs: dict[str, str | None] = {}
    for page in pages:
        text = texts[page.path.name]
        outputs[page.path.name] = profile.strip(domains[page.path.name], text)[0] if text else None
    return outputs


def rules_only_outputs(pages: list[EvalPage], workers: int) -> dict[str, str | None]:
    """Cached extraction with the pipeline's options, then the rule stage and templates."""
    from newsclean.boilerplate import strip_boilerplate

    extracted = extract_all(pages, {"bare": True, **extraction_options()}, workers)
    texts: dict[str, str | None] = {}
    for page in pages:
        text, title = extracted[page.path.name]
        texts[page.path.name] = (
            strip_boilerplate(text, title=title, source="html")[0] if text else None
        )
    return _with_templates(pages, texts, {page.path.name: _domain(page.url) for page in pages})


def _clean_one(job: tuple[str, str, str]) -> tuple[str | None, str | None]:
    from newsclean.config import Settings
    from newsclean.pipeline import clean_unit
    from newsclean.record import Article, RawUnit

    path, name, url = job
    page = EvalPage(url=url, path=Path(path), with_snippets=(), without_snippets=())
    unit = RawUnit(
        source_uri=path,
        relative_uri=name,
        source_format="html",
        content_format="html",
        payload=page.html(),
        fields={"url": url},
    )
    result = clean_unit(unit, Settings())
    if isinstance(result, Article):
        return result.text, result.source_domain
    return None, None


def pipeline_outputs(pages: list[EvalPage], workers: int) -> dict[str, str | None]:
    """The real pipeline: `clean_unit` per page, then the run's site templates."""
    jobs = [(str(page.path), page.path.name, page.url) for page in pages]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_clean_one, jobs, chunksize=4))
    texts = {page.path.name: text for page, (text, _) in zip(pages, results, strict=True)}
    domains = {page.path.name: domain for page, (_, domain) in zip(pages, results, strict=True)}
    return _with_templates(pages, texts, domains)


def _pipeline_available() -> bool:
    try:
        from newsclean.pipeline import clean_unit  # noqa: F401
    except ImportError:
        return False
    return True


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
    parser.add_argument(
        "--rules-only",
        action="store_true",
        help="skip repair: cached extraction, then the boilerplate stage (fast, for iterating)",
    )
    args = parser.parse_args(argv)

    try:
        pages = load_pages(args.corpus)
    except CorpusMissing as error:
        print(f"boilerplate_bench: {error}; nothing to do.", file=sys.stderr)
        return 2
    if args.limit:
        pages = pages[: args.limit]

    plain = {name: text for name, (text, _) in extract_all(pages, {}, args.workers).items()}
    runner: Callable[[list[EvalPage], int], dict[str, str | None]]
    if args.rules_only or not _pipeline_available():
        runner, path = rules_only_outputs, f"extraction {extraction_options()} + boilerplate"
    else:
        runner, path = pipeline_outputs, "newsclean.pipeline.clean_unit + site templates"
    ours = runner(pages, args.workers)

    plain_score, our_score = _score(pages, plain), _score(pages, ours)
    lost = _lost_with(pages, plain, ours)
    print(f"pages: {len(pages)}  newsclean path: {path}")
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
            context = _context(plain[page.path.name] or "", snippet)
            print(f"LOST {page.url}\n     {snippet!r}\n     {context!r}")
    if args.show_fp:
        for page, snippet, text in _left_without(pages, ours):
            print(f"LEFT {page.url}\n     {snippet!r}\n     {_context(text, snippet)!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
