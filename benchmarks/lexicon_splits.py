"""How many of a language's rare words the run-together rules would split if they were
unknown: a measure of a rule's false edits that needs no corpus text.

    .venv/bin/python benchmarks/lexicon_splits.py --language de [--low 1.0] [--high 3.0]
                                               [--out splits.tsv]

A text's unknown tokens are mostly rare words, names and compounds, seldom joins. The
words wordfreq knows at Zipf `--low` to `--high` (five letters or more, lowercase
letters only) stand in for them: each is hidden from the lexicon in turn (as if
wordfreq lacked it) and given to the language's splitter (`_split_run_together` in
English, `_split_in_language` on the lexicon's trie elsewhere). Printed: how many are
split, of how many. Many such
words are themselves accidents of others' scraping (`undder`), so the figure is no
false-edit rate; compare it between two versions of the rules (`--out` writes each
split, `word<TAB>split<TAB>zipf`, for a diff): what a new rule adds there is what it
would split in text that holds those words.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsclean import typos


class HiddenWord:
    """A language's `WordZipf` (English's dict) that does not know one word."""

    def __init__(self, zipf: typos.WordZipf | dict[str, float], hidden: str) -> None:
        self.zipf, self.hidden = zipf, hidden

    def get(self, word: str, default: float | None = None) -> float | None:
        return default if word == self.hidden else self.zipf.get(word, default)

    def __getitem__(self, word: str) -> float:
        if word == self.hidden:
            raise KeyError(word)
        return self.zipf[word]

    def __contains__(self, word: str) -> bool:
        return word != self.hidden and word in self.zipf

    def cuts(self, word: str, shortest: int) -> list[tuple[str, str, float, float]]:
        return self.zipf.cuts(word, shortest)  # (the halves are shorter than the word)

    def starts_word(self, prefix: str, min_zipf: float) -> bool:
        zipf = self.zipf
        return any(
            zipf._values[key] / 100 >= min_zipf
            for word, key in zipf._trie.iteritems(prefix)
            if word != self.hidden
        )

    def compound_family(self, left: str, right: str, enough: int) -> int:
        return self.zipf.compound_family(left, right, enough)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", required=True, choices=sorted(typos.TYPO_LANGUAGES))
    parser.add_argument("--low", type=float, default=1.0)
    parser.add_argument("--high", type=float, default=3.0)
    parser.add_argument("--out", type=Path, help="write each split here (TSV)")
    args = parser.parse_args()
    if args.low >= args.high:
        print("lexicon_splits: --low must be below --high", file=sys.stderr)
        return 2

    lexicon = typos._lexicon(args.language)
    zipf = lexicon.zipf
    compounds = args.language in typos.COMPOUND_LANGUAGES
    if isinstance(zipf, dict):
        items = zipf.items()
    else:
        items = ((word, hundredths / 100) for word, hundredths in zipf.items_in_hundredths())
    words = [
        (word, frequency)
        for word, frequency in items
        if args.low <= frequency < args.high
        and len(word) >= 5
        and word.isalpha()
        and word.islower()
    ]
    splits = []
    for word, frequency in words:
        hidden = lexicon._replace(zipf=HiddenWord(zipf, word))
        if args.language == "en":
            split = typos._split_run_together(word, hidden)
        else:
            split = typos._split_in_language(word, hidden, compounds=compounds)
        if split:
            splits.append((word, split, frequency))
    share = len(splits) / len(words) if words else 0.0
    print(
        f"{args.language}: {len(words):,} words at Zipf {args.low}-{args.high}, "
        f"{len(splits):,} split ({share:.2%})"
    )
    if args.out:
        rows = (f"{word}\t{split}\t{frequency}" for word, split, frequency in splits)
        args.out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
