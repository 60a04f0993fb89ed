"""Per-page error analysis of newsclean's page text against the labeled sets' gold.

    .venv/bin/python benchmarks/page_misses.py [--part train] [--set NAME] [--worst N]

For each page of Dragnet and Readability (the training parts unless `--part held-out`):
newsclean's precision and recall (AEB word 4-grams, `labeled.aeb_score`) beside plain
trafilatura's, the pages sorted by the F1 newsclean loses. For the `--worst` pages, the
gold lines newsclean misses and the lines it keeps that the gold lacks, each with its
cause; then the causes counted in words over the whole part:

- a missing gold line is placed by where it falls in the gold (`head`: before every gold
  line newsclean keeps, `inside`, `tail`, or `whole page` when it keeps none) and given a
  cause: `stage removed` (the extraction held it, the boilerplate stage took it),
  `dropped: <kind>` (the page's HTML holds it, the extraction did not; kind: the element
  it sits in, `element_kind`) or `not in the page` (the gold's words are nowhere in the
  page's text as written: a gold in another charset, text the labeler wrote, ...);
- an extra line is given the kind of the element it sits in.

newsclean's text is its extraction and repair as `labeled.extract_pages` caches them,
cleaned by the shipped boilerplate stage.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from labeled import (  # noqa: E402
    LABELED_SETS,
    Extracted,
    Page,
    aeb_score,
    extract_pages,
    load_set,
    ngrams,
    page_key,
    words,
)

from newsclean.boilerplate import strip_boilerplate  # noqa: E402

# A line counts as found when this share of its word 4-grams is in the other text.
FOUND_SHARE = 0.5
_HINTS = (
    ("caption", re.compile(r"caption|credit", re.I)),
    ("sidebar", re.compile(r"sidebar|related|widget|promo", re.I)),
    ("comment", re.compile(r"comment", re.I)),
    ("byline or date", re.compile(r"byline|author|dateline|\bdate|timestamp", re.I)),
    ("standfirst", re.compile(r"summary|\bdek\b|standfirst|intro|lede|teaser|subtitle|deck", re.I)),
    ("heading", re.compile(r"headline|\btitle", re.I)),
    ("quote", re.compile(r"quote", re.I)),
)
_TAG_KINDS = {
    "figure": "caption", "figcaption": "caption", "aside": "sidebar", "time": "byline or date",
    "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
    "h6": "heading", "blockquote": "quote", "li": "list", "ul": "list", "ol": "list",
    "dl": "list", "td": "table", "th": "table", "table": "table", "pre": "code",
    "code": "code", "header": "header", "footer": "footer", "nav": "navigation",
}  # fmt: skip


def element_kind(element) -> str:
    """What an element holds, read from it and its ancestors, nearest first: its tag
    (`_TAG_KINDS`) or a class or id naming a kind (`_HINTS`); `paragraph` otherwise."""
    for node in (element, *element.iterancestors()):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _TAG_KINDS:
            return _TAG_KINDS[tag]
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        for kind, pattern in _HINTS:
            if pattern.search(names):
                return kind
    return "paragraph"


def _key(text: str) -> str:
    return " ".join(words(text))


def _grams(text: str) -> Counter:
    return ngrams(words(text), 4)


def _found(line: str, grams: set) -> bool:
    wanted = _grams(line)
    return bool(wanted) and sum(gram in grams for gram in wanted) / len(wanted) >= FOUND_SHARE


@dataclass(frozen=True, slots=True)
class PageText:
    """The page's elements as (words of their text, element), outermost first."""

    elements: list

    @classmethod
    def read(cls, path: Path) -> PageText:
        from lxml import html

        try:
            tree = html.fromstring(gzip.decompress(path.read_bytes()))
        except (ValueError, OSError, TypeError):
            return cls([])
        for element in tree.iter("script", "style", "noscript"):
            element.text = ""
        return cls([
            (_key(" ".join(element.itertext())), element)
            for element in tree.iter()
            if isinstance(element.tag, str)
        ])  # fmt: skip

    def kind_of(self, line: str) -> str | None:
        """The kind of the smallest element whose text holds the line; None if none does."""
        key = _key(line)
        if not key:
            return None
        holding = [(len(text), element) for text, element in self.elements if key in text]
        if not holding:
            return None
        return element_kind(min(holding, key=lambda pair: pair[0])[1])


def page_causes(page: Page, output: str, extracted: str, page_text: PageText):
    """(missing, extra): missing gold lines as (place, cause, words, line) and extra
    output lines as (kind, words, line)."""
    output_grams, extracted_grams = set(_grams(output)), set(_grams(extracted))
    gold_lines = [line for line in page.gold.split("\n") if words(line)]
    folded_output = _key(output)
    found = [
        _found(line, output_grams) if len(words(line)) >= 4 else _key(line) in folded_output
        for line in gold_lines
    ]
    kept = [number for number, hit in enumerate(found) if hit]
    missing = []
    for number, line in enumerate(gold_lines):
        if found[number]:
            continue
        if not kept:
            place = "whole page"
        else:
            place = ("head" if number < kept[0] else "tail" if number > kept[-1]
                     else "inside")  # fmt: skip
        if len(words(line)) >= 4 and _found(line, extracted_grams):
            cause = "stage removed"
        else:
            kind = page_text.kind_of(line)
            cause = "not in the page" if kind is None else f"dropped: {kind}"
        missing.append((place, cause, len(words(line)), line))
    gold_grams = set(_grams(page.gold))
    extra = [
        (page_text.kind_of(line) or "not in the page", len(words(line)), line)
        for line in output.split("\n")
        if len(words(line)) >= 4 and not _found(line, gold_grams)
    ]
    return missing, extra


def newsclean_text(article: Extracted) -> str:
    if not article.text.strip():
        return ""
    return strip_boilerplate(article.text, title=article.title, language=article.language,
                             source="html")[0]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("train", "held-out"), default="train",
                        help="the training parts (default) or the held-out parts")  # fmt: skip
    parser.add_argument("--set", choices=LABELED_SETS, action="append", dest="sets",
                        help="a labeled set (default: both)")  # fmt: skip
    parser.add_argument("--worst", type=int, default=10, help="pages to show line by line")
    args = parser.parse_args(argv)
    if args.worst < 0:
        parser.error("--worst must be zero or more")
    wanted = args.part == "held-out"
    for set_name in args.sets or LABELED_SETS:
        pages = [page for page in load_set(set_name) if page.held_out == wanted]
        if not pages:
            print("page_misses: corpus not found under ../shared/corpus; nothing to do.",
                  file=sys.stderr)  # fmt: skip
            return 2
        extracted = extract_pages(pages)
        rows = []
        for page in pages:
            article = extracted[page_key(page)]
            output = newsclean_text(article)
            ours = aeb_score([(output, page.gold)])
            plain = aeb_score([(article.plain, page.gold)])
            rows.append((ours, plain, page, output, article.text))
        rows.sort(key=lambda row: row[0][2])
        print(f"{set_name} {args.part}: {len(pages)} pages, newsclean vs plain trafilatura")
        missing_words: Counter = Counter()
        extra_words: Counter = Counter()
        for number, (ours, plain, page, output, text) in enumerate(rows):
            missing, extra = page_causes(page, output, text, PageText.read(page.path))
            for place, cause, count, _line in missing:
                missing_words[place, cause] += count
            for kind, count, _line in extra:
                extra_words[kind] += count
            if number < args.worst:
                print(f"  {page.page_id:<40} newsclean P {ours[0]:.2f} R {ours[1]:.2f} "
                      f"F1 {ours[2]:.2f}  trafilatura P {plain[0]:.2f} R {plain[1]:.2f} "
                      f"F1 {plain[2]:.2f}")  # fmt: skip
                for place, cause, _count, line in missing[:8]:
                    print(f"    MISSING {place}, {cause}: {line[:100]!r}")
                for kind, _count, line in extra[:5]:
                    print(f"    EXTRA {kind}: {line[:100]!r}")
        total = sum(missing_words.values()) or 1
        print(f"  gold words missed, by place and cause ({total} words):")
        for (place, cause), count in missing_words.most_common(15):
            print(f"    {count:7d} {count / total:6.1%}  {place}, {cause}")
        total = sum(extra_words.values()) or 1
        print(f"  extra words kept, by the kind of element they sit in ({total} words):")
        for kind, count in extra_words.most_common(10):
            print(f"    {count:7d} {count / total:6.1%}  {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
