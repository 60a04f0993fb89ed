"""Benchmark near-duplicate and story labels on copies made from real corpus texts.

    .venv/bin/python benchmarks/stories_bench.py [--corpus ../shared/corpus/labeled]
        [--part test|tune|all] [--sets labeled,eval] [--limit N] [--show] [--one-at-a-time]
        [--digest] [--review-candidates FILE]

Originals (`load_originals`) are real articles of at least MIN_WORDS words after their
headline: the gold texts of `labeled/dragnet` and `labeled/readability` (first line the
headline, English), and the pages of `trafilatura-eval` that have a headline (their text
as trafilatura extracts it, their language as newsclean detects it; most are German).
Each original gets one to three copies, each with one or two edits of the kinds a day
of news scrapes is full of: site boilerplate added before and after, the lead paragraph
trimmed, another headline, a wire prefix "(AP) —". All of them, shuffled, are labeled
as one day by newsclean's own features and clustering (an empty window before it).

- Near-duplicates: recall is the share of copies whose true Jaccard similarity of word
  5-grams to their original is >= 0.8 that are labeled duplicate_of their original's
  canonical copy; precision is the share of duplicate_of labels that point inside the
  article's own family (original and copies).
- Distinct articles inside one topic (`topic_pairs`): pairs of originals whose headlines
  share a rare word or which share two heavy story words; the share that got one
  story_id, raw; over the pairs whose distinct label survived the blind review
  (BLIND_REVIEW: every pair whose texts' TF-IDF cosine is at least REVIEW_CUT, judged
  before the clusterer ran); and with the post-hoc verdicts of earlier rounds too
  (REVIEWED_SAME_STORY). All three are printed, always.
- Cost: milliseconds per article, wall and CPU, of the features (as a shard stages
  them: FEATURE_BATCH articles a call; `--one-at-a-time`: one a call) and of the
  clustering (publish), one process.

Targets (issue 23): recall >= 0.97, precision >= 0.99, wrong merges < 0.5 % of pairs
inside one topic, <= 0.3 ms per article. Tuning uses the `tune` part (pages, or for
trafilatura-eval sites, whose name's sha1 starts with a digit 0-7); the `test` part is
the rest, and the figures to report. `--sets labeled` gives the originals of the
benchmark before 2026-12-07's sixth round but for the briefs of 60-119 words.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsclean.stories.cluster import Compared, canonical_order, label_day
from newsclean.stories.features import (
    FEATURE_BATCH,
    MAX_ZIPF,
    TermTable,
    article_features,
    batch_features,
    rarities,
    story_terms,
    words,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "labeled"
SEED = 23
DAY_START = 1_770_940_800  # 2026-02-13T00:00:00Z
BOILERPLATE = [
    "Share this article on Facebook Twitter LinkedIn Email Print",
    "Sign up for our daily newsletter to get the top stories delivered to your inbox.",
    "Advertisement",
    "Copyright 2026 The Associated Press. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed.",
    "Related: More coverage from our newsroom",
    "Follow us on social media for breaking news and updates.",
    "Comments are closed for this story.",
    "Home | News | World | Business | Sport | Contact us",
]
MIN_WORDS = 60
"""Originals have at least this many words after the headline: news briefs included."""
EDITS = ("boilerplate", "trim_lead", "headline", "wire_prefix")
REVIEW_CUT = 0.35
"""Topic pairs whose texts' TF-IDF cosine (`text_cosines`) is at least this were reviewed
blind (`BLIND_REVIEW`)."""


def in_part(name: str, part: str) -> bool:
    """Whether the page (or site) `name` is in `part`: `tune` when the sha1 of its name
    starts with a digit 0-7, `test` otherwise."""
    digest = hashlib.sha1(name.encode()).hexdigest()
    return part == "all" or (digest[0] in "01234567") == (part == "tune")


def load_originals(corpus: Path, part: str, limit: int | None, sets: Sequence[str]) -> list[dict]:
    """The part's originals: `labeled` gives the gold texts of Dragnet and Readability
    (first line the headline, English); `eval` gives the trafilatura-eval pages with a
    headline, their text as trafilatura extracts it and their language as newsclean
    detects it (`labeled.extract_pages`, cached under .cache/). Eval pages are split by
    site, so that one site's pages (its template, its headline suffix) are on one side."""
    originals = []
    if "labeled" in sets:
        for name in ("dragnet", "readability"):
            path = corpus / name / "gold.json"
            if not path.exists():
                continue
            gold = json.loads(path.read_text(encoding="utf-8"))
            for key in sorted(gold):
                lines = [line.strip() for line in gold[key].splitlines() if line.strip()]
                if len(lines) < 3:
                    continue
                title, text = lines[0], "\n".join(lines[1:])
                if len(text.split()) < MIN_WORDS or not in_part(f"{name}/{key}", part):
                    continue
                digest = hashlib.sha1(f"{name}/{key}".encode()).hexdigest()
                originals.append(
                    {"id": digest[:32], "key": f"{name}/{key}", "title": title,
                     "text": text, "language": "en"}
                )  # fmt: skip
    if "eval" in sets:
        originals.extend(_eval_originals(part))
    originals.sort(key=lambda article: article["id"])
    return originals[:limit] if limit else originals


def _eval_originals(part: str) -> list[dict]:
    from labeled import EVAL_SET, extract_pages, load_set, split_id

    pages = [
        page for page in load_set(EVAL_SET)
        if in_part(f"{EVAL_SET}/{split_id(EVAL_SET, page.page_id)}", part)
    ]  # fmt: skip
    extracted = extract_pages(pages, workers=2)
    originals = []
    for page in pages:
        found = extracted[f"{EVAL_SET}:{page.page_id}"]
        text = "\n".join(line.strip() for line in found.plain.splitlines() if line.strip())
        if not found.title or len(text.split()) < MIN_WORDS:
            continue
        key = f"{EVAL_SET}/{page.page_id}"
        originals.append(
            {"id": hashlib.sha1(key.encode()).hexdigest()[:32], "key": key,
             "title": found.title.strip(), "text": text, "language": found.language or "en"}
        )  # fmt: skip
    return originals


# The blind review (2026-12-07): every topic pair whose texts' TF-IDF cosine is at least
# REVIEW_CUT (`--review-candidates`: 25 pairs on tune, 30 on test), listed before the
# clusterer ran and judged by reading both texts, without knowing which pairs it merges.
# One story: both report the same specific happening (an event, an announcement, a
# release) as their subject, from two outlets or as a notice and its reminder. Two
# stories: anything else, however alike (issues of a series, posts of one blog, one
# site's items sharing its boilerplate, two features on one news peg). Not articles:
# test pages of one placeholder text. Only "two stories" keeps the pair's distinct label.
ONE_STORY, TWO_STORIES, NOT_ARTICLES = "one story", "two stories", "not articles"
REVIEW_FOLDER = Path(__file__).resolve().parent / "stories_review"
BLIND_REVIEW = {
    frozenset(entry["pair"]): (entry["verdict"], entry["reason"])
    for entry in json.loads((REVIEW_FOLDER / "verdicts.json").read_text(encoding="utf-8"))
}
"""The blind verdicts by pair (`stories_review/verdicts.json`: part, pair, verdict,
reason), judged from the lists `--review-candidates` wrote (`candidates-<part>.json`)."""


# Reviews of earlier rounds, made after seeing which pairs merged (post hoc, so biased
# towards merged pairs): pairs a reader found to tell one story. Where the blind review
# judged a pair too, its verdict replaced the post-hoc one (and the lists' other pairs,
# 'Dark Knight' arrests, Michael Freeman's live event, Peugeot iOn / Citroen C-Zero,
# Sally Ride, DirectX 11.1, Amelia Earhart, one story, and the two distinct pairs of
# REVIEWED_DISTINCT, a weekly series and one blog's posts, two stories, were all judged
# blind alike). This pair's TF-IDF cosine is under REVIEW_CUT.
REVIEWED_SAME_STORY = frozenset(
    frozenset(pair)
    for pair in [
        ("dragnet/R457", "dragnet/R651"),  # FDA approves Xeljanz (report, FDA release)
    ]
)


def _blind(by_id: dict[str, dict], first: str, second: str) -> tuple[str, str] | None:
    return BLIND_REVIEW.get(frozenset((by_id[first]["key"], by_id[second]["key"])))


def _relabeled(by_id: dict[str, dict], first: str, second: str) -> bool:
    """Whether the blind review took the pair's distinct label away."""
    verdict = _blind(by_id, first, second)
    return verdict is not None and verdict[0] != TWO_STORIES


def _reviewed(by_id: dict[str, dict], first: str, second: str) -> bool:
    """Whether a review, blind or post hoc, found the pair to be no two distinct stories."""
    pair = frozenset((by_id[first]["key"], by_id[second]["key"]))
    return _relabeled(by_id, first, second) or pair in REVIEWED_SAME_STORY


def _review(by_id: dict[str, dict], first: str, second: str) -> str:
    verdict = _blind(by_id, first, second)
    if verdict is not None:
        return f"(blind: {verdict[0]}: {verdict[1]})"
    if frozenset((by_id[first]["key"], by_id[second]["key"])) in REVIEWED_SAME_STORY:
        return "(post hoc: one story)"
    return "(not reviewed)"


def make_copy(original: dict, rng: random.Random, number: int) -> tuple[dict, list[str]]:
    edits = rng.sample(EDITS, rng.choice((1, 2)))
    title, paragraphs = original["title"], original["text"].split("\n")
    if "trim_lead" in edits and len(paragraphs) > 3:
        paragraphs = paragraphs[1:]
    elif "trim_lead" in edits:
        first = paragraphs[0].split(". ", 1)
        paragraphs = [first[-1], *paragraphs[1:]]
    if "wire_prefix" in edits:
        paragraphs[0] = "(AP) — " + paragraphs[0]
    if "boilerplate" in edits:
        paragraphs = [rng.choice(BOILERPLATE), *paragraphs, *rng.sample(BOILERPLATE, 2)]
    if "headline" in edits:
        title = "UPDATE: " + " ".join(reversed(title.split()))
    digest = hashlib.sha1(f"{original['id']}/{number}".encode()).hexdigest()
    copy = {"id": digest, "title": title, "text": "\n".join(paragraphs)}
    return {**copy, "language": original["language"]}, edits


def jaccard(first: str, second: str) -> float:
    def shingles(text: str) -> set[tuple[str, ...]]:
        tokens = words(text)
        return {tuple(tokens[i : i + 5]) for i in range(max(1, len(tokens) - 4))}

    a, b = shingles(first), shingles(second)
    return len(a & b) / len(a | b) if a | b else 1.0


def label(
    articles: list[dict], *, one_at_a_time: bool = False
) -> tuple[dict[str, tuple], dict[str, float]]:
    """Labels by id, and the milliseconds per article (wall and CPU) of the features and
    of the clustering (what publish does). The features are computed as a shard stages
    them: in the order the articles come, FEATURE_BATCH at a time (`batch_features`);
    with `one_at_a_time`, one `article_features` call an article (as the workers
    computed them before)."""
    for language in dict.fromkeys(a["language"] for a in articles):  # load the rarity tables
        article_features("warm", "up the word frequencies", language)
    clock = (time.perf_counter(), time.process_time())
    if one_at_a_time:
        computed = [article_features(a["title"], a["text"], a["language"]) for a in articles]
        matrix = np.stack([f.signature for f in computed])
        terms = TermTable.of([f.terms for f in computed])
    else:
        batch = batch_features(
            [a["title"] for a in articles],
            [a["text"] for a in articles],
            [a["language"] for a in articles],
        )
        matrix, terms = batch.signatures, batch.term_table()
    featured = (time.perf_counter(), time.process_time())
    order = np.asarray(
        canonical_order([a["id"] for a in articles], [a["time"] for a in articles]),
        dtype=np.int64,
    )
    ordered = [articles[i] for i in order]
    labels = label_day(
        Compared.empty(),
        [a["id"] for a in ordered],
        np.asarray([a["time"] for a in ordered], dtype=np.int64),
        matrix[order],
        terms.take(order),
        duplicate_threshold=0.8,
        story_hours=72.0,
    )
    ended = (time.perf_counter(), time.process_time())
    found = {
        a["id"]: (lab.duplicate_of, lab.similarity, lab.story_id)
        for a, lab in zip(ordered, labels, strict=True)
    }
    per = 1000 / max(len(articles), 1)
    return found, {
        "features": (featured[0] - clock[0]) * per,
        "features_cpu": (featured[1] - clock[1]) * per,
        "clustering": (ended[0] - featured[0]) * per,
        "clustering_cpu": (ended[1] - featured[1]) * per,
    }


def features_digest(articles: list[dict]) -> str:
    """A sha256 of every array of the articles' features (signatures, story words and
    weights, headline words, stated days, with their offsets), computed FEATURE_BATCH at
    a time as a shard stages them: equal digests, equal staged features."""
    digest = hashlib.sha256()
    for start in range(0, len(articles), FEATURE_BATCH):
        chunk = articles[start : start + FEATURE_BATCH]
        batch = batch_features(
            [a["title"] for a in chunk], [a["text"] for a in chunk], [a["language"] for a in chunk]
        )
        for array in batch:
            digest.update(f"{array.dtype}{array.shape}".encode())
            digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _zipf(word: str, language: str) -> float:
    """wordfreq's Zipf frequency of a word; for a language whose tokenizer wordfreq would
    import from an extra package (Chinese, Japanese: not installed), the one newsclean's
    rarity table gives (MAX_ZIPF for a common word, which is then not rare)."""
    import wordfreq

    try:
        return wordfreq.zipf_frequency(word, language)
    except ModuleNotFoundError:
        return MAX_ZIPF - float(rarities([word], language)[0])


def topic_pairs(originals: list[dict]) -> tuple[list[tuple[str, str]], int]:
    """Pairs of distinct originals on one topic: their headlines share a rare word
    (wordfreq Zipf < 4), or they share at least two of their eight heaviest story words
    (the pairs the clusterer looks at hardest). Pairs that are copies in the corpus
    itself (5-gram Jaccard >= 0.5, or the same headline) are left out and counted."""

    by_word: dict[object, list[str]] = defaultdict(list)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for article in originals:
        for word in set(words(article["title"])):
            if len(word) > 3 and not word.isdigit() and _zipf(word, article["language"]) < 4:
                by_word[("title", word)].append(article["id"])
        for term in story_terms(article["title"], article["text"], article["language"]).terms[:8]:
            by_word[term].append(article["id"])
    pairs = set()
    for key, ids in by_word.items():
        if len(ids) > 50:
            continue
        for pair in itertools.combinations(sorted(ids), 2):
            if isinstance(key, tuple):
                pairs.add(pair)
            else:
                shared[pair] += 1
    pairs.update(pair for pair, count in shared.items() if count >= 2)
    by_id = {article["id"]: article for article in originals}
    distinct = [
        (a, b)
        for a, b in sorted(pairs)
        if by_id[a]["title"] != by_id[b]["title"]
        and jaccard(by_id[a]["text"], by_id[b]["text"]) < 0.5
    ]
    return distinct, len(pairs) - len(distinct)


def text_cosines(
    originals: list[dict], pairs: list[tuple[str, str]]
) -> dict[tuple[str, str], float]:
    """The TF-IDF cosine of each pair's texts (headline and whole text): a measure of
    how alike two texts are that owes nothing to the clusterer (its IDF is the part's
    own: ln((1 + n) / (1 + df)) over the n originals, so that a word of every text
    weighs nothing; a count c weighs 1 + ln c; no word list, no lead, no anchors)."""
    counts = {a["id"]: Counter(words(f"{a['title'] or ''}\n{a['text']}")) for a in originals}
    frequency = Counter(word for found in counts.values() for word in found)
    total = len(counts)
    idf = {word: math.log((1 + total) / (1 + df)) for word, df in frequency.items()}
    vectors = {}
    for article_id, found in counts.items():
        vector = {word: (1 + math.log(count)) * idf[word] for word, count in found.items()}
        norm = math.sqrt(sum(weight * weight for weight in vector.values())) or 1.0
        vectors[article_id] = {word: weight / norm for word, weight in vector.items()}

    def cosine(first: dict[str, float], second: dict[str, float]) -> float:
        if len(second) < len(first):
            first, second = second, first
        return sum(weight * second.get(word, 0.0) for word, weight in first.items())

    return {(a, b): cosine(vectors[a], vectors[b]) for a, b in pairs}


def review_candidates(originals: list[dict]) -> list[dict]:
    """The topic pairs whose texts' TF-IDF cosine is at least REVIEW_CUT, most alike
    first: the pairs reviewed blind (`BLIND_REVIEW`). Chosen without the clusterer."""
    pairs, _ = topic_pairs(originals)
    by_id = {article["id"]: article for article in originals}
    cosines = text_cosines(originals, pairs)
    chosen = sorted((pair for pair in pairs if cosines[pair] >= REVIEW_CUT), key=cosines.get)
    return [
        {"pair": sorted((by_id[a]["key"], by_id[b]["key"])), "cosine": round(cosines[(a, b)], 4)}
        for a, b in reversed(chosen)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--part", choices=("test", "tune", "all"), default="test")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument(
        "--sets",
        default="labeled,eval",
        help="originals from: labeled (Dragnet, Readability gold), eval (trafilatura-eval)",
    )
    parser.add_argument("--show", action="store_true", help="print misses and wrong merges")
    parser.add_argument(
        "--digest",
        action="store_true",
        help="print a sha256 of the features of the part's articles (as a shard stages them)",
    )
    parser.add_argument(
        "--review-candidates",
        type=Path,
        metavar="FILE",
        help="write the part's pairs to review blind (JSON, no labels) to FILE and stop",
    )
    parser.add_argument(
        "--one-at-a-time",
        action="store_true",
        help="compute the features one article a call, not FEATURE_BATCH at a time",
    )
    args = parser.parse_args(argv)
    sets = args.sets.split(",")
    if not sets or set(sets) - {"labeled", "eval"}:
        parser.error(f"--sets takes labeled, eval or both, comma-separated, not {args.sets!r}")
    originals = load_originals(args.corpus, args.part, args.limit, sets)
    if not originals:
        print(f"no corpus texts under {args.corpus}", file=sys.stderr)
        return 2
    if args.review_candidates:  # before anything is labeled: the review is blind
        candidates = review_candidates(originals)
        lines = ",\n".join(json.dumps(candidate) for candidate in candidates)
        args.review_candidates.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
        print(f"{len(candidates)} pairs to review written to {args.review_candidates}")
        return 0
    rng = random.Random(SEED)
    articles, families, copies = [], {}, []
    for original in originals:
        original = {**original, "time": DAY_START + rng.randrange(0, 20 * 3600)}
        articles.append(original)
        families[original["id"]] = original["id"]
        for number in range(rng.choice((1, 2, 3))):
            copy, edits = make_copy(original, rng, number)
            copy["time"] = original["time"] + rng.randrange(60, 4 * 3600)
            articles.append(copy)
            families[copy["id"]] = original["id"]
            copies.append((copy, original, edits, jaccard(copy["text"], original["text"])))
    rng.shuffle(articles)
    if args.digest:
        print(f"features of {len(articles)} articles: sha256 {features_digest(articles)}")
        return 0
    labels, cost = label(articles, one_at_a_time=args.one_at_a_time)

    def canonical(article_id: str) -> str:
        duplicate_of = labels[article_id][0]
        return duplicate_of if duplicate_of is not None else article_id

    by_id = {a["id"]: a for a in articles}
    eligible = [entry for entry in copies if entry[3] >= 0.8]
    found = [c for c, o, _, _ in eligible if labels[c["id"]][0] == canonical(o["id"])]
    claimed = [(i, lab[0]) for i, lab in labels.items() if lab[0] is not None]
    # The corpus holds copies of its own (test pages of one template): a label between
    # two families is right when the texts are near-duplicates all the same.
    right = [
        (i, d)
        for i, d in claimed
        if families[i] == families[d] or jaccard(by_id[i]["text"], by_id[d]["text"]) >= 0.8
    ]
    across = [(i, d) for i, d in claimed if families[i] != families[d]]
    pairs, copies_in_corpus = topic_pairs(originals)
    merged = [(a, b) for a, b in pairs if labels[a][2] == labels[b][2]]
    blind = [(a, b) for a, b in pairs if _blind(by_id, a, b) is not None]
    relabeled = [(a, b) for a, b in blind if _relabeled(by_id, a, b)]
    wrong_blind = [(a, b) for a, b in merged if not _relabeled(by_id, a, b)]
    reviewed = [(a, b) for a, b in pairs if _reviewed(by_id, a, b)]
    wrong = [(a, b) for a, b in merged if not _reviewed(by_id, a, b)]
    by_edit = defaultdict(lambda: [0, 0])
    for copy, original, edits, _similar in eligible:
        for edit in edits:
            by_edit[edit][0] += 1
            by_edit[edit][1] += labels[copy["id"]][0] == canonical(original["id"])
    story_of_copy = sum(labels[c["id"]][2] == labels[o["id"]][2] for c, o, _, _ in copies)
    print(
        f"part {args.part}: {len(originals)} originals, {len(copies)} copies, "
        f"{len(eligible)} copies with Jaccard >= 0.8"
    )
    print(
        f"near-duplicate recall    {len(found) / max(len(eligible), 1):.4f}"
        f"  ({len(found)}/{len(eligible)})"
    )
    print(
        f"near-duplicate precision {len(right) / max(len(claimed), 1):.4f}"
        f"  ({len(right)}/{len(claimed)}; {len(across)} labels join two originals)"
    )
    for edit, (total, hits) in sorted(by_edit.items()):
        print(f"  recall with {edit:<12} {hits / max(total, 1):.4f}  ({hits}/{total})")
    print(f"copies in their original's story {story_of_copy / max(len(copies), 1):.4f}")
    print(
        f"distinct pairs inside one topic merged {len(merged) / max(len(pairs), 1):.4%}"
        f"  ({len(merged)}/{len(pairs)}; {copies_in_corpus} pairs of corpus copies left out)"
    )
    verdicts = Counter(_blind(by_id, a, b)[0] for a, b in relabeled)
    distinct = len(pairs) - len(relabeled)
    print(
        f"  distinct after the blind review {len(wrong_blind) / max(distinct, 1):.4%}"
        f"  ({len(wrong_blind)}/{distinct}; {len(blind)} pairs with text cosine >= "
        f"{REVIEW_CUT} reviewed blind, {len(relabeled)} relabeled: "
        f"{verdicts[ONE_STORY]} one story, {verdicts[NOT_ARTICLES]} not articles)"
    )
    distinct = len(pairs) - len(reviewed)
    print(
        f"  the same, post-hoc reviews too  {len(wrong) / max(distinct, 1):.4%}"
        f"  ({len(wrong)}/{distinct}; {len(reviewed) - len(relabeled)} more pairs a"
        " reader found one story after seeing them merged)"
    )
    from_eval = [
        pair for pair in pairs
        if any(by_id[side]["key"].startswith("trafilatura-eval") for side in pair)
    ]  # fmt: skip
    print(
        f"  pairs by source: {len(pairs) - len(from_eval)} labeled "
        f"({sum(pair in merged for pair in pairs) - sum(pair in merged for pair in from_eval)}"
        f" merged), {len(from_eval)} with a trafilatura-eval page"
        f" ({sum(pair in merged for pair in from_eval)} merged)"
    )
    words_each = sum(len(a["text"].split()) for a in articles) / len(articles)
    print(
        f"cost per article (one process, {words_each:.0f} words on average), wall (CPU): "
        f"features {cost['features']:.3f} ms ({cost['features_cpu']:.3f} ms, "
        + ("one at a time" if args.one_at_a_time else f"{FEATURE_BATCH} at a time")
        + f", in the shards), clustering {cost['clustering']:.3f} ms "
        f"({cost['clustering_cpu']:.3f} ms, in publish)"
    )
    if args.show:
        for i, d in claimed:
            if (i, d) not in right:
                print(
                    "WRONG",
                    round(jaccard(by_id[i]["text"], by_id[d]["text"]), 3),
                    labels[i][1],
                    by_id[i]["title"][:50],
                    "|",
                    by_id[d]["title"][:50],
                )
        for copy, original, edits, similar in eligible:
            if labels[copy["id"]][0] != canonical(original["id"]):
                print("MISS", edits, round(similar, 3), labels[copy["id"]], original["title"][:60])
        for a, b in merged:
            print(
                "MERGED",
                by_id[a]["key"],
                by_id[b]["key"],
                by_id[a]["title"][:50],
                "|",
                by_id[b]["title"][:50],
                _review(by_id, a, b),
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
