"""Why run-together words are missed: every join split_bench makes and the repair leaves,
with the reason the splitter refused it, counted by reason per language.

    .venv/bin/python benchmarks/split_misses.py [--part tuning] [--languages de,es]
                                             [--seed 20] [--list]

The texts, the part and the joins are split_bench's (same seed, same order, so the same
joins); only the damaged texts are repaired. The reasons follow the rules of
`newsclean.typos` in their order (see docs/repair.md, "Method"): the first rule that
refuses the join's reading is its reason. A join split at another cut is `wrong cut`;
one the word rules split but the text's context kept (a name, a repeated term, a line
that is no prose or not in the text's language) is `context: …`.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from repair_bench import compare  # noqa: E402
from split_bench import (  # noqa: E402
    add_text_arguments,
    corpus_texts,
    join_pairs,
    no_corpus,
    texts_by_language,
)

from newsclean import typos  # noqa: E402
from newsclean.repair import repair_text  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_text_arguments(parser, default_part="tuning")
    parser.add_argument("--list", action="store_true", help="print every missed join")
    args = parser.parse_args()

    texts = corpus_texts(args.corpus)
    if not texts:
        return no_corpus("split_misses", args.corpus)
    by_language = texts_by_language(texts, args.part)
    rng = random.Random(args.seed)
    wanted = set(args.languages.split(",")) if args.languages else None
    for code in sorted(by_language, key=lambda code: -len(by_language[code])):
        reasons: Counter = Counter()
        listed = []
        for name, text in by_language[code][: args.per_language]:
            damaged, damages = join_pairs(text, code, rng)  # (the rng advances for all)
            if wanted is not None and code not in wanted:
                continue
            repaired, _repairs = repair_text(damaged, language=code)
            missed, _stray = compare(text, repaired, damages)
            for damage in sorted(missed, key=lambda damage: damage.start):
                pair = text[damage.start : damage.end]
                left, right = pair.split(" ")
                reason = refusal(left, right, code, damaged)
                reasons[reason.split(" (")[0]] += 1
                listed.append(f"  {code} {pair!r}: {reason}  [{name}]")
        if wanted is not None and code not in wanted:
            continue
        total = sum(reasons.values())
        print(f"{code}: {total} missed")
        for reason, count in reasons.most_common():
            print(f"  {count:5d}  {reason}")
        if args.list:
            print("\n".join(listed))
    return 0


def refusal(left: str, right: str, code: str, text: str) -> str:
    """Why the join of `left` and `right` in `text` (of language `code`) was not split."""
    word = left + right
    fixed, kind = typos._fix_word(word, code)
    if kind == "run_together":
        if fixed.casefold() != f"{left} {right}".casefold():
            return f"wrong cut ({fixed})"
        return "context: " + _context_refusal(word, fixed, code, text)
    if kind == "misspelling":
        return f"read as a misspelling ({fixed})"
    if code == "en":
        return _english_refusal(left, right)
    return _other_refusal(left.casefold(), right.casefold(), code)


def _context_refusal(word: str, fixed: str, code: str, text: str) -> str:
    evidence = typos._TextEvidence(text)
    lexicon = typos._lexicon(code)
    if typos._written_as_name(word, evidence):
        return "written with a capital elsewhere"
    if not typos._has_function_word(fixed, lexicon):
        if not typos._content_split_fits_text(word, fixed, evidence):
            return "two content words written twice or more"
    start = text.find(word)
    line_start = typos._line_start(text, start)
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    verdict = typos._line_verdict(line, {word: None}, code)
    if not verdict.language:
        return "line not in the text's language (or code)"
    if verdict.alone:
        return "alone on its line / byline"
    if not verdict.prose and not typos._has_function_word(fixed, lexicon):
        return "two content words in a line that is no prose"
    return "chunk, name or grammar guard"


def _english_refusal(left: str, right: str) -> str:
    lexicon = typos._lexicon("en")
    zipf = lexicon.zipf
    word = left + right
    joined = zipf.get(word, 0.0)
    if word in lexicon.never_split:
        return "listed never_split"
    if not typos._common(left, zipf) or not typos._common(right, zipf):
        return "half too rare"
    if joined:
        return "known token: margin"
    return "other (English rules)"


def _other_refusal(left: str, right: str, code: str) -> str:
    lexicon = typos._lexicon(code)
    zipf = lexicon.zipf
    word = left + right
    compounds = code in typos.COMPOUND_LANGUAGES
    joined = zipf.get(word, 0.0)
    function_words = lexicon.function_words
    left_zipf, right_zipf = zipf.get(left, 0.0), zipf.get(right, 0.0)
    left_function, right_function = left in function_words, right in function_words
    shape = (
        "two function words"
        if left_function and right_function
        else "function word + word"
        if left_function or right_function
        else "two content words"
    )
    if word in lexicon.never_split:
        return "listed never_split"
    if len(word) == 4:
        return "four letters"
    if not left_zipf or not right_zipf:
        return f"a half unknown to wordfreq ({shape})"
    if compounds and joined >= typos.COMPOUND_KNOWN_MIN_ZIPF:
        return f"compound language: token known >= 3.0 ({shape}, {joined})"
    if compounds and not typos._ends_in_function_word(word, function_words):
        return f"compound language: two content words, {_content_refusal(left, right, lexicon)}"
    content_pair = not left_function and not right_function
    if compounds and not joined and content_pair:
        return f"compound language: two content words, {_content_refusal(left, right, lexicon)}"
    if not typos._reading_allowed(left, right, left_zipf, right_zipf, lexicon, joined, compounds):
        return _disallowed(left, right, left_zipf, right_zipf, lexicon, joined, compounds, shape)
    allowed, plausible = [], []
    for cut_left, cut_right, cut_left_zipf, cut_right_zipf in zipf.cuts(word, 2):
        reading = (cut_left_zipf + cut_right_zipf, cut_left, cut_right)
        if typos._reading_allowed(
            cut_left, cut_right, cut_left_zipf, cut_right_zipf, lexicon, joined, compounds
        ):
            allowed.append(reading)
        elif typos._is_common_other(cut_left, cut_left_zipf) and typos._is_common_other(
            cut_right, cut_right_zipf
        ):
            plausible.append(reading)
    best = max(allowed)
    if best[1] != left:
        return f"another reading scores higher ({shape}: {best[1]} {best[2]})"
    rivals = [reading for reading in allowed + plausible if reading is not best]
    if rivals and best[0] - max(rivals)[0] < typos.SPLIT_MIN_LEAD:
        rival = max(rivals)
        return f"margin to a rival reading ({shape}: {rival[1]} {rival[2]})"
    if joined:
        return f"known token: margin ({shape}, token {joined}, halves {best[0]:.2f})"
    if not left_function and not right_function:
        return f"two content words: sum too low ({best[0]:.2f})"
    if compounds and not joined:
        return f"compound content rules ({shape})"
    return "stability / text evidence"


def _disallowed(left, right, left_zipf, right_zipf, lexicon, joined, compounds, shape) -> str:
    endings = typos._INFLECTIONS.get(lexicon.language)
    if endings and typos._is_word_form(left + right, left, endings, lexicon.zipf):
        return f"reads as a form of a known word ({shape})"
    both_function = shape == "two function words"
    if (
        not both_function
        and left in lexicon.prefixes
        and not typos._beside_particle_allowed(left + right, left, lexicon)
    ):
        return f"left half a listed prefix ({shape}: {left})"
    if (
        not both_function
        and right in lexicon.suffixes
        and not typos._beside_ending_allowed(left, right, lexicon)
    ):
        return f"right half a listed ending ({shape}: {right})"
    common = typos._is_common_other
    if joined:
        if compounds:
            return f"compound language: known token, not two function words ({shape})"
        return f"known token, a half too rare ({shape})"
    if shape == "function word + word":
        other = right if left in lexicon.function_words else left
        if len(other) < typos.FUNCTION_PARTNER_MIN_LENGTH:
            return "function word beside a word of 2-3 letters"
        return f"function word beside a rare word ({shape}: {min(left_zipf, right_zipf)})"
    if compounds:
        return "compound language: two content words"
    if not common(left, left_zipf) or not common(right, right_zipf):
        return "two content words: a half too rare"
    return f"not allowed ({shape})"


def _content_refusal(left: str, right: str, lexicon) -> str:
    if lexicon.language not in typos._INFLECTIONS:
        return "no rule outside German"
    if not typos._is_common_other(left, lexicon.zipf.get(left, 0)) or not typos._is_common_other(
        right, lexicon.zipf.get(right, 0)
    ):
        return "a half too rare"
    if min(len(left), len(right)) < typos.COMPOUND_CONTENT_MIN_LENGTH:
        return "a half under 4 letters"
    if left in lexicon.prefixes or right in lexicon.suffixes:
        return "listed particle or ending"
    if typos._is_word_form(left + right, left, typos._INFLECTIONS["de"], lexicon.zipf):
        return "form of a known word"
    family = lexicon.zipf.compound_family(left, right, typos.COMPOUND_FAMILY_MAX)
    if family >= typos.COMPOUND_FAMILY_MAX:
        return "productive halves"
    halves = lexicon.zipf.get(left, 0.0) + lexicon.zipf.get(right, 0.0)
    if halves < typos.COMPOUND_CONTENT_MIN_SUM and family > typos.COMPOUND_BARREN_FAMILY_MAX:
        return f"sum too low for halves that build words (sum {halves:.2f}, family {family})"
    return "margin to a rival reading"


if __name__ == "__main__":
    sys.exit(main())
