"""Benchmark run-together word repair per language, on real text joined at random.

    .venv/bin/python benchmarks/split_bench.py [--corpus ../shared/corpus] [--part held-out]
                                            [--per-language N] [--seed S] [--show]
                                            [--capitalised]

Texts are the main text of the trafilatura-eval pages (extracted with trafilatura) and
the gold texts of labeled/dragnet and labeled/readability, grouped by their detected
language. A fixed third of the texts (by a hash of their name) is held out: tune on
`--part tuning`, report on `--part held-out`. In each text, random adjacent pairs of
plain lowercase words are joined (pairs whose join is itself a common word of the
language, such as `some time`, are not); the text is repaired with `repair_text` and
compared with the original. Printed per language: joins fixed; edits on the undamaged
text, per 10,000 words, raw and reviewed; edits away from the joins in the damaged text;
the repair cost per text unit on one core; and the memory of the loaded lexicons.

Some edits of the undamaged text fix a join the source itself had (`isyour`,
`canregister`): a reader reviewed them in context and listed them in
`split_bench_reviewed.json`, each with the text, the part and a reason. The raw figure
counts every edit of undamaged text as false; the reviewed one leaves out those listed
for that text (`source/10k` is their rate): a text nobody reviewed counts all its edits.
`--show` prints every edit of undamaged text with its text and context, a listed one
marked `SOURCE`, so that new ones can be reviewed. `--capitalised` also joins a lowercase
word to a capitalised one in languages that capitalise their nouns (`die Erdbeeren` ->
`dieErdbeeren`, German); the joins then differ from a run without it.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from repair_bench import Damage, compare  # noqa: E402

from newsclean.language import detect_language  # noqa: E402
from newsclean.repair import fix_encoding, repair_text  # noqa: E402
from newsclean.typos import _CAPITALISED_NOUNS, TYPO_LANGUAGES, _typo_language  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
CACHE = REPO_ROOT / ".cache" / "split_bench_texts.json"
REVIEWED = Path(__file__).resolve().parent / "split_bench_reviewed.json"
JOIN_RATE = 0.02  # share of eligible adjacent word pairs joined
JOINED_WORD_ZIPF = 3.5  # pairs that join into a word this common are not damage
HELD_OUT_SHARE = 3  # one text in this many is held out of tuning
MIN_TEXT_CHARS = 500
RECALL_TARGET = 0.95
FALSE_EDITS_TARGET = 1.0  # per 10,000 words of undamaged text
COST_TARGET_MS = 0.5  # per text unit
#: Edits of undamaged text that count as false: splits. Encoding repairs and English
#: misspellings (many genuine in these texts) are repair_bench's to count.
TYPO_KINDS = frozenset({"run_together"})

# Plain lowercase words with plain neighbours, in any alphabet.
_PAIR = re.compile(r"(?<![\w@#/.'’-])([^\W\d_]{2,}) ([^\W\d_]{2,})(?![\w@/'’-])")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_text_arguments(parser, default_part="held-out")
    parser.add_argument("--show", action="store_true", help="list misses and false edits")
    parser.add_argument(
        "--capitalised",
        action="store_true",
        help="also join a lowercase word to a capitalised one where nouns are capitalised",
    )
    args = parser.parse_args()

    texts = corpus_texts(args.corpus)
    if not texts:
        return no_corpus("split_bench", args.corpus)
    reviewed = reviewed_source_joins(REVIEWED)
    by_language = texts_by_language(texts, args.part)
    if args.languages:
        wanted = args.languages.split(",")
        by_language = {code: pairs for code, pairs in by_language.items() if code in wanted}
    rng = random.Random(args.seed)
    rss_before = _rss_mb()
    for code in sorted(by_language):
        repair_text("warm up the lexicon of this language", language=code)
    rss_after = _rss_mb()

    print(
        f"part: {args.part}; languages without corpus text: "
        + ", ".join(sorted(TYPO_LANGUAGES - by_language.keys()))
    )
    header = (
        "lang  texts   words  joins fixed  recall  false/10k  reviewed  source/10k"
        "  stray/10k  ms/unit   MB/s"
    )
    print(header)
    totals = Counter()
    shown: list[str] = []
    for code in sorted(by_language, key=lambda code: -len(by_language[code])):
        texts = by_language[code][: args.per_language]
        row = measure(code, texts, rng, shown, reviewed, capitalised=args.capitalised)
        totals.update(row)
        print_row(code, row)
    print_row("all", totals)
    print(
        f"lexicons loaded: {rss_after - rss_before:.0f} MB of RSS for {len(by_language)} "
        f"languages (max RSS {rss_after:.0f} MB)"
    )
    print(
        f"targets: recall >= {RECALL_TARGET:.0%}, false edits <= {FALSE_EDITS_TARGET} per 10k "
        f"words, <= {COST_TARGET_MS} ms per unit; false/10k is raw, reviewed leaves out "
        f"the {len(reviewed)} joins of the source listed in {REVIEWED.name}"
    )
    if args.show:
        print("\n".join(shown))
    return 0


def no_corpus(program: str, corpus: Path) -> int:
    """Say that there is no corpus to measure on; the exit status (none is an error)."""
    print(f"{program}: no corpus at {corpus}; nothing to do")
    return 0


def add_text_arguments(parser: argparse.ArgumentParser, *, default_part: str) -> None:
    """The options that choose the texts and their joins (shared with split_misses)."""
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--part", choices=("held-out", "tuning", "all"), default=default_part)
    parser.add_argument("--per-language", type=int, default=300, help="texts per language")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--languages", help="comma-separated codes (default: all)")


def texts_by_language(
    texts: dict[str, tuple[str | None, str]], part: str
) -> dict[str, list[tuple[str, str]]]:
    """The (name, text) pairs of `part` by the language their typos are fixed in, in
    order of name, each text's encoding repaired (encoding repairs are repair_bench's)."""
    by_language: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(texts):
        if not in_part(name, part):
            continue
        text = fix_encoding(texts[name][1])[0]
        code = _typo_language(detect_language(text))
        if code is not None:
            by_language.setdefault(code, []).append((name, text))
    return by_language


def measure(
    code: str,
    texts: list[tuple[str, str]],
    rng: random.Random,
    shown: list[str],
    reviewed: dict[tuple[str, str, str, str], str],
    *,
    capitalised: bool = False,
) -> Counter:
    """Joins made and fixed, edits of undamaged text (raw, and those a reader found to fix
    a join of the source: `reviewed`) and time for one language's (name, text) pairs
    (`capitalised`: see `join_pairs`)."""
    row = Counter(texts=len(texts))
    for name, text in texts:
        row["words"] += len(text.split())
        started = time.perf_counter()
        _fixed, repairs = repair_text(text, language=code)
        row["seconds"] += time.perf_counter() - started
        row["units"] += 1
        row["bytes"] += len(text.encode("utf-8"))
        repairs = [repair for repair in repairs if repair.kind in TYPO_KINDS]
        row["false"] += len(repairs)
        for repair in repairs:
            source_join = (code, name, repair.before, repair.after) in reviewed
            row["source"] += source_join
            label = "SOURCE" if source_join else "FALSE"
            shown.append(
                f"  {code} {label} {repair.before!r} -> {repair.after!r}"
                f"  [{name}] {_context(text, repair.before)!r}"
            )

        damaged, damages = join_pairs(text, code, rng, capitalised=capitalised)
        started = time.perf_counter()
        repaired, _repairs = repair_text(damaged, language=code)
        row["seconds"] += time.perf_counter() - started
        row["units"] += 1
        row["bytes"] += len(damaged.encode("utf-8"))
        missed, stray = compare(text, repaired, damages)
        row["joins"] += len(damages)
        row["fixed"] += len(damages) - len(missed)
        row["stray"] += len(stray)
        shown += [f"  {code} MISSED {text[d.start : d.end]!r}" for d in missed]
        shown += [f"  {code} STRAY {before!r} -> {after!r}" for before, after in stray]
    return row


def print_row(code: str, row: Counter) -> None:
    recall = row["fixed"] / row["joins"] if row["joins"] else 0.0
    per_10k = 10_000 / row["words"] if row["words"] else 0.0
    cost = 1000 * row["seconds"] / row["units"] if row["units"] else 0.0
    speed = row["bytes"] / 1e6 / row["seconds"] if row["seconds"] else 0.0
    genuine = row["false"] - row["source"]
    print(
        f"{code:<4} {row['texts']:>6} {row['words']:>7} {row['joins']:>6} {row['fixed']:>5}"
        f"  {recall:6.1%}  {row['false'] * per_10k:9.2f}  {genuine * per_10k:8.2f}"
        f"  {row['source'] * per_10k:10.2f}  {row['stray'] * per_10k:9.2f}"
        f"  {cost:7.3f}  {speed:5.2f}"
    )


def reviewed_source_joins(path: Path) -> dict[tuple[str, str, str, str], str]:
    """(language, text name, before, after) -> reason, for each edit of undamaged text
    that a reader found, in that text, to fix a join the source itself had (a text not
    reviewed counts all its edits as false)."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    return {
        (entry["language"], entry["text"], entry["before"], entry["after"]): entry["reason"]
        for entry in entries
    }


def _context(text: str, word: str, width: int = 60) -> str:
    """The first whole-word occurrence of `word` in `text`, with `width` characters
    either side."""
    match = re.search(rf"(?<![\w'’]){re.escape(word)}(?![\w'’])", text)
    start = match.start() if match else max(0, text.find(word))
    return text[max(0, start - width) : start + len(word) + width]


def in_part(name: str, part: str) -> bool:
    """Whether the text called `name` belongs to `part` (a fixed third is held out)."""
    if part == "all":
        return True
    held_out = hashlib.sha256(name.encode()).digest()[0] % HELD_OUT_SHARE == 0
    return held_out == (part == "held-out")


def join_pairs(
    text: str, code: str, rng: random.Random, *, capitalised: bool = False
) -> tuple[str, list[Damage]]:
    """The text with random adjacent lowercase word pairs joined, and the joined spots;
    with `capitalised`, in a language that capitalises its nouns, also pairs of a
    lowercase word and a capitalised one (`die Erdbeeren` -> `dieErdbeeren`)."""
    from wordfreq import zipf_frequency

    pieces, damages, cursor = [], [], 0
    capitalised = capitalised and code in _CAPITALISED_NOUNS
    for match in _PAIR.finditer(text):
        first, second = match[1], match[2]
        if match.start() < cursor:
            continue
        if not (first + second).islower() and not (
            capitalised and first.islower() and second.istitle()
        ):
            continue
        if rng.random() >= JOIN_RATE:
            continue
        if zipf_frequency(first + second, code) >= JOINED_WORD_ZIPF:
            continue
        pieces += [text[cursor : match.start()], first + second]
        damages.append(Damage("run_together", match.start(), match.end()))
        cursor = match.end() + 1  # a space after the pair keeps joins apart
        pieces.append(text[match.end() : cursor])
    pieces.append(text[cursor:])
    return "".join(pieces), damages


def corpus_texts(corpus: Path) -> dict[str, tuple[str | None, str]]:
    """Name -> (detected language, text) for every long enough text, cached on disk."""
    if CACHE.exists():
        return json.loads(CACHE.read_text(encoding="utf-8"))
    pages = sorted((corpus / "trafilatura-eval" / "html").glob("*.gz"))
    if not pages:
        return {}
    import trafilatura

    texts: dict[str, tuple[str | None, str]] = {}
    for page in pages:
        text = trafilatura.extract(gzip.decompress(page.read_bytes()))
        if text and len(text) > MIN_TEXT_CHARS:
            texts[f"trafilatura-eval/{page.name}"] = (detect_language(text), text)
    for gold in sorted((corpus / "labeled").glob("*/gold.json")):
        for key, text in json.loads(gold.read_text(encoding="utf-8")).items():
            if text and len(text) > MIN_TEXT_CHARS:
                texts[f"{gold.parent.name}/{key}"] = (detect_language(text), text)
    CACHE.parent.mkdir(exist_ok=True)
    CACHE.write_text(json.dumps(texts), encoding="utf-8")
    return texts


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main())
