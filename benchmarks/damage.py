"""List every story sentence the boilerplate stage removes, with what removed it.

    .venv/bin/python benchmarks/damage.py [--part train] [--scrapes N] [--summary]
                                          [--survivors N [--detectors-only]]
                                          [--gold-lines N [--detectors-only]]

On the training parts (the default; `--part held-out` only for a round's closing
check, never for tuning) it reads, in turn:

- the older text and markdown scrapes (`labeled.scrape_cases`) and the kind-labeled
  scrapes (`harvest.kind_scrape_cases`), as `quality_bench.py` builds them: a story
  sentence of the gold that the scrape holds and the output does not;
- the Dragnet and Readability page texts (newsclean's extraction and repair): a
  sentence of the gold that the page text holds and the output does not;
- the trafilatura-eval page texts: a `with` snippet the page text holds and the output
  does not.

For each one it prints where it was lost, the layer that took it (`rules`, when the
rule catalogue alone takes it too; otherwise `learned`, the detectors and classifier),
the removal's kind, for a rule removal the rule that matched the line (`RULES[i]`, its
kind and where it may act) or "extension" (a line no rule matches, taken as part of a
block, a tail run or beside removed lines), the removed line, and the gold lines around
the sentence. Then the counts by layer and rule.

With `--gold-lines N` it prints instead every line of the scrapes' story (the gold's
lines) that the stage removes, sentence or not (a dateline, a caption, a heading, a
list item): the gold words they hold, grouped by layer, kind and rule, with N samples
of each group; `--detectors-only` reads the rules and detectors alone here too.

With `--survivors N` it prints instead what the stage leaves of the kind-labeled
scrapes' boilerplate: per kind, how many inserted lines survive, their shapes (a
prose paragraph, a full sentence, a line of one to four words, a longer line) and
where they stand (head, middle, tail), and N of them drawn with a fixed seed, each
with its neighbours in the output and their kinds; `--detectors-only` reads the rules
and the structural detectors alone (`classifier=False`).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import fold  # noqa: E402
from harvest import harvest_pages, kind_scrape_cases  # noqa: E402
from labeled import (  # noqa: E402
    EVAL_SET,
    LABELED_SETS,
    Extracted,
    Page,
    extract_pages,
    load_set,
    page_key,
    scrape_cases,
    story_sentences,
)

from newsclean.boilerplate import RULES, strip_boilerplate  # noqa: E402
from newsclean.boilerplate.lines import is_prose, is_sentence, plain  # noqa: E402
from newsclean.boilerplate.rules import classify  # noqa: E402
from newsclean.record import Removal  # noqa: E402


@dataclass(frozen=True, slots=True)
class Loss:
    """One story sentence the stage removed."""

    where: str  # the benchmark and the page
    layer: str  # "rules" or "learned"
    kind: str  # the removal's kind
    rule: str  # the rule that matched the removed line, or how it was taken
    line: str  # the removed line
    sentence: str
    context: tuple[str, ...]  # the gold lines before, holding and after the sentence


def rule_name(line: str, kind: str) -> str:
    """Which rule of the catalogue matched `line` ("RULES[i] kind/where"), or how a line
    no rule matches was taken."""
    if kind == "title":
        return "title"
    rule = classify(line)
    if rule is None:
        return "extension"
    index = next(i for i, candidate in enumerate(RULES) if candidate is rule)
    return f"RULES[{index}] {rule.kind}/{rule.where}"


def _read(text: str) -> str:
    return fold("\n".join(plain(line) for line in text.split("\n")))


def _holder(removed: list[Removal], wanted: str) -> Removal | None:
    """The removal whose line holds `wanted` (folded), or else the longest one held in
    it (a sentence the text breaks over several lines)."""
    read = [(removal, _read(removal.text)) for removal in removed]
    whole = next((removal for removal, text in read if wanted in text), None)
    if whole is not None:
        return whole
    parts = [(len(text), removal) for removal, text in read if text and text in wanted]
    return max(parts, key=lambda part: part[0])[1] if parts else None


def _context(gold: str, sentence: str) -> tuple[str, ...]:
    lines = [line.strip() for line in gold.split("\n") if line.strip()]
    at = next((i for i, line in enumerate(lines) if sentence in line), None)
    return () if at is None else tuple(lines[max(at - 1, 0) : at + 2])


def losses(
    where: str,
    text: str,
    gold: str,
    wanted: list[str],
    clean: Callable[[str, bool], tuple[str, list[Removal]]],
) -> Iterator[Loss]:
    """The sentences of `wanted` that `text` holds as read and the stage removes."""
    held = _read(text)
    present = [sentence for sentence in wanted if fold(plain(sentence)) in held]
    if not present:
        return
    output, removed = clean(text, True)
    kept = _read(output)
    gone = [sentence for sentence in present if fold(plain(sentence)) not in kept]
    if not gone:
        return
    rules_kept = _read(clean(text, False)[0])
    for sentence in gone:
        folded = fold(plain(sentence))
        holder = _holder(removed, folded)
        line = holder.text if holder else ""
        kind = holder.kind if holder else "?"
        layer = "learned" if folded in rules_kept else "rules"
        yield Loss(where, layer, kind, rule_name(line, kind) if line else "?", line, sentence,
                   _context(gold, sentence))  # fmt: skip


def scrape_losses(label: str, cases: list[tuple]) -> Iterator[Loss]:
    """Story sentences lost on scrapes, as `labeled.score_scrapes` counts them."""

    def clean(text: str, learned: bool) -> tuple[str, list[Removal]]:
        return strip_boilerplate(text, learned=learned)

    for key, scrape, gold, *_rest in cases:
        yield from losses(f"{label} {key}", scrape, gold, story_sentences(gold), clean)


def page_losses(pages: list[Page], extracted: dict[str, Extracted]) -> Iterator[Loss]:
    """Gold sentences (or `with` snippets) of page texts that the stage removes."""
    for page in pages:
        article = extracted[page_key(page)]
        if not article.text.strip():
            continue

        def clean(text: str, learned: bool, article: Extracted = article):
            return strip_boilerplate(text, title=article.title, language=article.language,
                                     source="html", learned=learned)  # fmt: skip

        if page.gold is not None:
            wanted, gold = story_sentences(page.gold), page.gold
        else:
            wanted = [snippet for snippet in page.with_snippets if snippet.strip()]
            gold = "\n".join(wanted)
        yield from losses(f"page {page_key(page)}", article.text, gold, wanted, clean)


def print_gold_lines(
    label: str, cases: list[tuple], samples: int, seed: int = 7, *, classifier: bool = True
) -> None:
    """The story lines of scrapes that the stage removes and the gold words they hold,
    grouped by layer, kind and rule (`rule_name`), largest first, with `samples` lines of
    each group (`classifier=False`: the rules and detectors alone)."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    story_words = 0
    for _key, scrape, _gold, inserted, story, *_kinds in cases:
        story_words += sum(len(plain(line).split()) for line in story)
        if not story:
            continue
        inserted_lines = set(inserted)
        rules_kept = set(strip_boilerplate(scrape, learned=False)[0].split("\n"))
        for removal in strip_boilerplate(scrape, classifier=classifier)[1]:
            line = removal.text
            if line not in story or line in inserted_lines:
                continue
            layer = "learned" if line in rules_kept else "rules"
            groups.setdefault((layer, removal.kind, rule_name(line, removal.kind)), []).append(line)
    lost = sum(len(plain(line).split()) for lines in groups.values() for line in lines)
    print(f"== {label}: {sum(map(len, groups.values()))} story lines removed, {lost} of "
          f"{story_words} story words ({lost / max(story_words, 1):.2%})")  # fmt: skip
    rng = random.Random(seed)
    ranked = sorted(
        groups.items(), key=lambda item: -sum(len(plain(line).split()) for line in item[1])
    )
    for (layer, kind, rule), lines in ranked:
        words = sum(len(plain(line).split()) for line in lines)
        print(f"   {words:5d} words {len(lines):4d} lines  {layer:<8} {kind:<12} {rule}")
        for line in rng.sample(lines, min(samples, len(lines))):
            print(f"        {line[:160]!r}")


def _shape(line: str) -> str:
    text = plain(line)
    words = len(text.split())
    if is_prose(text):
        return "prose"
    if is_sentence(text):
        return "sentence"
    return f"{words} words" if words <= 4 else "longer"


def print_survivors(
    cases: list[tuple], samples: int, seed: int = 5, *, classifier: bool = True
) -> None:
    """Per kind, the inserted lines of kind-labeled scrapes that the stage keeps (with
    `classifier=False`, the rules and the structural detectors alone); each sample with
    the lines before and after it in the output, and their kind ("story" for the gold's
    lines)."""
    kept_lines: dict[str, list[tuple[str, list[str], dict[str, str]]]] = {}
    inserted: Counter = Counter()
    shapes: dict[str, Counter] = {}
    places: dict[str, Counter] = {}
    for _key, scrape, _gold, lines, story, kinds in cases:
        output = strip_boilerplate(scrape, classifier=classifier)[0].split("\n")
        kept = set(output)
        scrape_lines = scrape.split("\n")
        first = scrape_lines.index(story[0])
        last = len(scrape_lines) - 1 - scrape_lines[::-1].index(story[-1])
        labels = dict.fromkeys(story, "story") | dict(zip(lines, kinds, strict=True))
        for line, kind in zip(lines, kinds, strict=True):
            inserted[kind] += 1
            if line not in kept:
                continue
            at = scrape_lines.index(line)
            place = "head" if at < first else "tail" if at > last else "middle"
            kept_lines.setdefault(kind, []).append((line, output, labels))
            shapes.setdefault(kind, Counter())[_shape(line)] += 1
            places.setdefault(kind, Counter())[place] += 1
    rng = random.Random(seed)
    total = sum(len(lines) for lines in kept_lines.values())
    print(f"== kind-labeled scrapes: {total} of {sum(inserted.values())} inserted lines survive")
    for kind in sorted(inserted):
        survivors = kept_lines.get(kind, [])
        print(f"== {kind}: {len(survivors)} of {inserted[kind]} survive; shapes "
              + ", ".join(f"{shape} {count}" for shape, count in
                          shapes.get(kind, Counter()).most_common())
              + "; where " + ", ".join(f"{place} {count}" for place, count in
                                      places.get(kind, Counter()).most_common()))  # fmt: skip
        for line, output, labels in rng.sample(survivors, min(samples, len(survivors))):
            at = output.index(line)
            for near in range(max(at - 1, 0), min(at + 2, len(output))):
                mark = ">>" if near == at else "  "
                label = labels.get(output[near], "?")
                print(f"   {mark} {label:<12} {output[near][:150]!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scrapes", type=int, default=400, help="scrapes of each kind to build")
    parser.add_argument("--part", choices=("train", "held-out"), default="train",
                        help="the training parts (default) or the held-out ones")  # fmt: skip
    parser.add_argument("--summary", action="store_true", help="print the counts only")
    parser.add_argument("--survivors", type=int, metavar="N",
                        help="print what survives of the kind-labeled scrapes' boilerplate, "
                        "with N samples a kind and their neighbours")  # fmt: skip
    parser.add_argument("--gold-lines", type=int, metavar="N",
                        help="print the scrapes' story lines the stage removes, by rule, "
                        "with N samples a rule")  # fmt: skip
    parser.add_argument("--detectors-only", action="store_true",
                        help="with --survivors or --gold-lines: the rules and detectors alone "
                        "(classifier=False)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.scrapes < 0:
        parser.error("--scrapes must be zero or more")
    if args.survivors is not None and args.survivors < 0:
        parser.error("--survivors must be zero or more")
    if args.gold_lines is not None and args.gold_lines < 0:
        parser.error("--gold-lines must be zero or more")
    wanted = args.part == "held-out"
    parts = {name: [page for page in load_set(name) if page.held_out == wanted]
             for name in (*LABELED_SETS, EVAL_SET)}  # fmt: skip
    if not any(parts.values()):
        print("damage: corpus not found under ../shared/corpus; nothing to do.", file=sys.stderr)
        return 2
    pool = [page for pages in parts.values() for page in pages]
    labeled_pages = [page for name in LABELED_SETS for page in parts[name]]
    kind_labeled = kind_scrape_cases(labeled_pages, harvest_pages(pool), args.scrapes)
    if args.survivors is not None:
        print_survivors(kind_labeled, args.survivors, classifier=not args.detectors_only)
        return 0
    extracted = extract_pages(pool)
    older = scrape_cases(labeled_pages, pool, extracted, args.scrapes)
    if args.gold_lines is not None:
        for label, cases in (("older scrapes", older), ("kind-labeled scrapes", kind_labeled)):
            print_gold_lines(label, cases, args.gold_lines, classifier=not args.detectors_only)
        return 0
    sources = {
        "older scrapes": (len(older), scrape_losses("older", older)),
        "kind-labeled scrapes": (len(kind_labeled), scrape_losses("kind", kind_labeled)),
        "page texts": (len(pool), page_losses(pool, extracted)),
    }
    for label, (documents, found) in sources.items():
        found = list(found)
        by_layer = Counter(loss.layer for loss in found)
        by_rule = Counter((loss.layer, loss.rule) for loss in found)
        layers = ", ".join(f"{layer} {count}" for layer, count in sorted(by_layer.items()))
        per_100 = 100 * len(found) / max(documents, 1)
        print(f"== {label}: {len(found)} story sentences lost in {documents} documents "
              f"({per_100:.2f} per 100); by layer: {layers}")  # fmt: skip
        for (layer, rule), count in by_rule.most_common():
            print(f"   {count:4d}  {layer:<8} {rule}")
        if args.summary:
            continue
        for loss in found:
            print(f"-- {loss.where} | {loss.layer} | {loss.kind} | {loss.rule}")
            print(f"   LINE     {loss.line[:300]!r}")
            print(f"   SENTENCE {loss.sentence[:300]!r}")
            for line in loss.context:
                print(f"   GOLD     {line[:300]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
