"""Labeled pages for training and scoring boilerplate removal, with a fixed held-out split.

Sources (all under ../shared/corpus, never copied into the repository):

- `labeled/dragnet/`: 1,381 news and blog pages with gold main text (seomoz/dragnet_data);
- `labeled/readability/`: Mozilla Readability's 116 test pages with gold text;
- `trafilatura-eval/`: 990 pages with `with` / `without` snippets (adbar/trafilatura).

Split: a page is held out when the first two bytes of sha256("<set>:<page id>") read as a
number below 30 % of 65,536. The held-out part is never trained or tuned on.

Each page is extracted once, two ways, and cached under `.cache/` (git-ignored):
newsclean's text before the boilerplate stage (extract + repair, as the pipeline runs
them) with its title and language, and plain `trafilatura.extract(html)` with defaults.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CACHE_DIR, DEFAULT_CORPUS, fold, load_pages  # noqa: E402

from newsclean.boilerplate.structure import comment_threads  # noqa: E402

LABELED_ROOT = DEFAULT_CORPUS.parent / "labeled"
HELD_OUT_SHARE = 0.30
LABELED_SETS = ("dragnet", "readability")
EVAL_SET = "trafilatura-eval"
# A line is story when at least this share of its word 3-grams is found in the gold text.
STORY_SHARE = 0.5
_WORD = re.compile(r"\w+")
# Dragnet's gold holds the story, then a marker line ("!@#$%^&*() COMMENTS", with a few
# misspellings) and the page's reader comments. Dragnet scores content extraction on the
# part before the marker; newsclean removes reader comments by design.
_COMMENTS_MARKER = re.compile(r"^[!@#$%^&*() ]{3,}COMMENTS[ \t]*$", re.MULTILINE)


def split_id(set_name: str, page_id: str) -> str:
    """What the split hashes: the page id, or for trafilatura-eval the file name's first
    part (its site), so that a site's pages fall on one side of the split."""
    return page_id.split(".")[0] if set_name == EVAL_SET else page_id


def held_out(set_name: str, page_id: str) -> bool:
    """True for the fixed ~30 % of each set kept out of training and tuning."""
    digest = hashlib.sha256(f"{set_name}:{split_id(set_name, page_id)}".encode()).digest()
    return int.from_bytes(digest[:2], "big") < HELD_OUT_SHARE * 65536


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a labeled set: its html file, and its gold text or snippets."""

    set_name: str
    page_id: str
    path: Path
    gold: str | None = None
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()

    @property
    def held_out(self) -> bool:
        return held_out(self.set_name, self.page_id)


@dataclass(frozen=True, slots=True)
class Extracted:
    """A page as newsclean has it before the boilerplate stage, and as plain trafilatura
    gives it."""

    text: str
    title: str | None
    language: str | None
    plain: str


def story_gold(text: str) -> str:
    """The gold text without the reader comments that follow Dragnet's marker line."""
    marker = _COMMENTS_MARKER.search(text)
    return text[: marker.start()].rstrip() if marker else text


def gold_text(text: str) -> str:
    """A page's gold as its story: `story_gold`, with text that was decoded in the wrong
    charset undone (`ftfy.fix_encoding`). 74 of Readability's 116 gold texts, and 4 of
    Dragnet's, hold UTF-8 read as Windows-1252 ("dÃ©putÃ©s", "â€™"): without the repair
    every word with a non-ASCII letter or quote mark fails to match newsclean's text."""
    import ftfy

    return ftfy.fix_encoding(story_gold(text))


def load_set(set_name: str) -> list[Page]:
    """The pages of one set (empty when the corpus is absent)."""
    if set_name == EVAL_SET:
        if not (DEFAULT_CORPUS / "evaldata.json").is_file():
            return []
        return [
            Page(EVAL_SET, page.path.name.removesuffix(".html.gz"), page.path, None,
                 page.with_snippets, page.without_snippets)
            for page in load_pages()
        ]  # fmt: skip
    root = LABELED_ROOT / set_name
    if not (root / "gold.json").is_file():
        return []
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))
    return [
        Page(set_name, page_id, root / "html" / f"{page_id}.html.gz", gold_text(text))
        for page_id, text in sorted(gold.items())
        if (root / "html" / f"{page_id}.html.gz").is_file()
    ]


def _extract_one(path: str) -> tuple[str, str | None, str | None, str]:
    import trafilatura

    from newsclean.config import Settings
    from newsclean.extract import extract_unit
    from newsclean.pipeline import repair_article
    from newsclean.record import RawUnit, Rejected

    html = gzip.decompress(Path(path).read_bytes())
    settings = Settings(workers=1)
    article = extract_unit(RawUnit(path, Path(path).name, "html", "html", html), settings)
    text, title, language = "", None, None
    if not isinstance(article, Rejected):
        article = repair_article(article, settings)
        text, title, language = article.text, article.title, article.language
    plain = trafilatura.extract(html) or ""
    return text, title, language, plain


def extract_pages(pages: list[Page], *, workers: int = 1) -> dict[str, Extracted]:
    """Both extractions of each page, keyed by `<set>:<id>`, reusing the on-disk cache."""
    import trafilatura

    import newsclean

    key = f"{trafilatura.__version__}:{getattr(newsclean, '__version__', '')}:{extraction_source()}"
    cache_path = CACHE_DIR / f"labeled-{hashlib.sha256(key.encode()).hexdigest()[:12]}.json"
    cached = cached_page_results(
        pages, cache_path, _extract_one, lambda page: str(page.path), workers=workers
    )
    return {page_key(page): Extracted(*cached[page_key(page)]) for page in pages}


def extraction_source() -> str:
    """A digest of the newsclean source that extraction and repair run (every module
    but the later stages' packages), so that a changed extraction is not read from the
    cache of the code before it."""
    import newsclean

    root = Path(newsclean.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).parts[0] in ("boilerplate", "report", "stories"):
            continue
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def page_key(page: Page) -> str:
    return f"{page.set_name}:{page.page_id}"


def cached_page_results(
    pages: list[Page],
    cache_path: Path,
    work: Callable[[Any], Any],
    job: Callable[[Page], Any],
    *,
    workers: int,
) -> dict[str, list]:
    """`work(job(page))` of each page as a list, keyed by `page_key`: read from the JSON
    cache at `cache_path`, the pages missing there computed in a pool of `workers`
    processes and added to it."""
    cached: dict[str, list] = {}
    if cache_path.is_file():
        cached = json.loads(cache_path.read_text(encoding="utf-8"))
    missing = [page for page in pages if page_key(page) not in cached]
    if missing:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(work, [job(page) for page in missing], chunksize=8)
            for page, result in zip(missing, results, strict=True):
                cached[page_key(page)] = list(result)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        cache_path.write_text(json.dumps(cached), encoding="utf-8")
    return cached


def words(text: str) -> list[str]:
    """Word tokens (`\\w+`), lower-cased: the AEB benchmark's tokens."""
    return _WORD.findall(text.lower())


# Scripts written without spaces: each character is a token for line labels.
_LABEL_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]|[^\W\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]+"
)


def label_words(text: str) -> list[str]:
    """Word tokens for line labels: `words`, with each character of an unspaced script
    (Chinese, Japanese, Korean, Thai) a token of its own."""
    return _LABEL_TOKEN.findall(text.lower())


def ngrams(tokens: list[str], n: int) -> Counter:
    """The multiset of word n-grams (the whole token list when it is shorter than n)."""
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def line_labels(text: str, gold: str) -> Iterator[tuple[str, bool]]:
    """Each non-blank line of `text` with True when it is story: at least STORY_SHARE of
    its word 3-grams occur in the gold text (a line of under three words: all its words
    found in one gold line)."""
    gold_grams = set(ngrams(label_words(gold), 3))
    gold_lines = [set(label_words(line)) for line in gold.split("\n")]
    for line in text.split("\n"):
        if not line.strip():
            continue
        tokens = label_words(line)
        if not tokens:
            yield line, False
        elif len(tokens) < 3:
            yield line, any(set(tokens) <= gold_line for gold_line in gold_lines)
        else:
            yield line, gold_share(tokens, gold_grams) >= STORY_SHARE


def gold_share(tokens: list[str], gold_grams: set) -> float:
    """The share of the word 3-grams of `tokens` (three or more) found in `gold_grams`."""
    grams = ngrams(tokens, 3)
    return sum(count for gram, count in grams.items() if gram in gold_grams) / sum(grams.values())


def snippet_labels(text: str, page: Page) -> Iterator[tuple[str, bool]]:
    """Lines of `text` that hold a `with` snippet (story) or a `without` one (boilerplate);
    other lines are unknown and left out."""
    folded_with = [" ".join(s.split()) for s in page.with_snippets if s.strip()]
    folded_without = [" ".join(s.split()) for s in page.without_snippets if s.strip()]
    for line in text.split("\n"):
        folded = " ".join(line.split())
        if not folded:
            continue
        story = any(snippet in folded for snippet in folded_with)
        boiler = any(snippet in folded for snippet in folded_without)
        if story != boiler:
            yield line, story


def rule_labels(page: Page, article: Extracted) -> tuple[str, list[tuple[str, bool]]] | None:
    """A page's text after the rule catalogue (what the learned layers see) and its lines
    labeled story (True) or boilerplate; None for a page whose extraction is empty."""
    from newsclean.boilerplate import strip_boilerplate

    if not article.text.strip():
        return None
    text, _removed = strip_boilerplate(
        article.text, title=article.title, language=article.language, learned=False
    )
    labeled = (line_labels(text, page.gold) if page.gold is not None
               else snippet_labels(text, page))  # fmt: skip
    return text, list(labeled)


def boilerplate_blocks(pages: list[Page], extracted: dict[str, Extracted]) -> list[list[str]]:
    """Runs of boilerplate lines (up to six) as newsclean's extraction leaves them:
    lines labeled boilerplate against the gold text, or holding a `without` snippet."""
    blocks: list[list[str]] = []
    for page in pages:
        text = extracted[page_key(page)].text
        labeled = (line_labels(text, page.gold) if page.gold is not None
                   else snippet_labels(text, page))  # fmt: skip
        run: list[str] = []
        for line, story in labeled:
            if story:
                if run:
                    blocks.append(run)
                run = []
            else:
                run.append(line)
        if run:
            blocks.append(run)
    return [block[:6] for block in blocks if any(char.isalpha() for char in "".join(block))]


def markdown_line(line: str, rng: random.Random) -> str:
    """A line as a markdown scrape may have it: a short one as a list item, and one
    word in three lines a link, story and boilerplate alike."""
    if rng.random() < 1 / 3:
        words = line.split(" ")
        at = rng.randrange(len(words))
        words[at] = f"[{words[at]}](https://example.org/{rng.randrange(1000)})"
        line = " ".join(words)
    if len(line.split()) <= 12 and rng.random() < 1 / 2:
        line = f"- {line}"
    return line


def scrape_golds(pages: list[Page]) -> list[Page]:
    """The pages whose gold text a scrape is built around: three or more lines, and no
    reader-comment thread (Dragnet's gold keeps comments, which newsclean removes)."""
    return [page for page in pages if page.gold and page.gold.count("\n") >= 2
            and not any(comment_threads(page.gold.split("\n"), forums=False))]  # fmt: skip


def scrape_cases(
    pages: list[Page],
    pool: list[Page],
    extracted: dict[str, Extracted],
    count: int,
    seed: int = 19,
) -> list[tuple[str, str, str, list[str], list[str]]]:
    """Text and markdown scrapes: a gold text of `pages` with boilerplate blocks from
    the pages of `pool` (`boilerplate_blocks`) inserted before it, after it and (in a
    third of cases) between its paragraphs. Every other case is markdown
    (`markdown_line`; the first gold line a heading). Gold texts that hold a
    reader-comment thread are left out: Dragnet's gold keeps comments, which newsclean
    removes. Returns (page key, scrape, gold, inserted lines, story lines as in the
    scrape)."""
    rng = random.Random(seed)
    blocks = boilerplate_blocks(pool, extracted)
    golds = scrape_golds(pages)
    cases = []
    for number in range(min(count, len(golds))):
        case = assemble_scrape(golds[number], number, lambda: (None, rng.choice(blocks)), rng)
        cases.append(case[:5])
    return cases


def assemble_scrape(
    page: Page,
    number: int,
    pick: Callable[[], tuple[str | None, Sequence[str]]],
    rng: random.Random,
) -> tuple:
    """The `number`th scrape of a set: `page`'s gold with blocks from `pick()` (a kind
    and the block's lines) inserted before it, after it and (in a third of the scrapes)
    in its middle; every other scrape is markdown (`markdown_line`; the first gold line
    a heading). Returns (page key, scrape, gold, inserted lines, story lines as in the
    scrape, kind of each inserted line)."""
    gold_lines = [line.strip() for line in page.gold.split("\n") if line.strip()]
    markdown = number % 2 == 1
    picked = [pick() for _ in range(rng.randint(2, 5))]
    head, tail = picked[: rng.randint(1, 2)], picked[2:] or picked[1:]
    middle = [pick()] if rng.random() < 1 / 3 and len(gold_lines) > 3 else []

    def render(blocks: list) -> tuple[list[str], list]:
        lines = [line for _kind, block in blocks for line in block]
        kinds = [kind for kind, block in blocks for _line in block]
        if markdown:
            lines = [markdown_line(line, rng) for line in lines]
        return lines, kinds

    story = list(gold_lines)
    if markdown:
        story = [f"# {story[0]}"] + [markdown_line(line, rng) for line in story[1:]]
    (head_lines, head_kinds), (middle_lines, middle_kinds), (tail_lines, tail_kinds) = (
        render(head),
        render(middle),
        render(tail),
    )
    cut = len(story) // 2
    lines = head_lines + story[:cut] + middle_lines + story[cut:] + tail_lines
    inserted = head_lines + middle_lines + tail_lines
    kinds = head_kinds + middle_kinds + tail_kinds
    return page_key(page), "\n".join(lines), "\n".join(gold_lines), inserted, story, kinds


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
_SENTENCE = re.compile(r"[.!?][\"'”’»)]*$")
STORY_SENTENCE_WORDS = 6


def story_sentences(gold: str) -> list[str]:
    """The sentences of a gold text: parts of a line ending in . ! or ?, of six or more
    words (a headline, dateline or caption without a full stop is not counted)."""
    return [
        sentence
        for line in gold.split("\n")
        for sentence in _SENTENCE_SPLIT.split(line.strip())
        if len(sentence.split()) >= STORY_SENTENCE_WORDS and _SENTENCE.search(sentence)
    ]


@dataclass(frozen=True, slots=True)
class ScrapeScore:
    """How one cleaning did on text scrapes (`scrape_cases`)."""

    removed: int  # inserted boilerplate lines removed
    inserted: int
    precision: float  # AEB, against the gold texts
    recall: float
    f1: float
    lost: list[str]  # story sentences the scrape holds and the output does not
    documents: int
    # Per kind of inserted line (cases that name their lines' kinds): (removed, inserted).
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def removed_share(self) -> float:
        return self.removed / max(self.inserted, 1)

    @property
    def lost_per_100(self) -> float:
        return 100 * len(self.lost) / max(self.documents, 1)


def score_scrapes(cases: list[tuple], clean) -> ScrapeScore:
    """`clean(scrape) -> output` scored on `scrape_cases` (or `harvest.kind_scrape_cases`,
    whose cases add the kind of each inserted line): boilerplate lines removed, in all
    and per kind, body AEB scores (markdown read as plain text) and story sentences lost
    (sentences of the gold that the scrape holds as read and the output does not)."""
    from newsclean.boilerplate.lines import plain

    removed = total = 0
    pairs = []
    lost: list[str] = []
    by_kind: dict[str, list[int]] = {}
    for _key, scrape, gold, inserted, _story, *kinds in cases:
        output = clean(scrape)
        kept = set(output.split("\n"))
        total += len(inserted)
        gone = [line not in kept for line in inserted]
        removed += sum(gone)
        for kind, went in zip(kinds[0], gone, strict=True) if kinds else ():
            counts = by_kind.setdefault(kind, [0, 0])
            counts[0] += went
            counts[1] += 1
        output = "\n".join(plain(line) for line in output.split("\n"))  # markdown read
        pairs.append((output, gold))
        folded = fold(output)
        held = fold("\n".join(plain(line) for line in scrape.split("\n")))
        for sentence in story_sentences(gold):
            wanted = fold(plain(sentence))
            # A sentence the scrape itself does not hold as read is not counted.
            if wanted in held and wanted not in folded:
                lost.append(sentence)
    precision, recall, f1 = aeb_score(pairs)
    kinds = {kind: (counts[0], counts[1]) for kind, counts in sorted(by_kind.items())}
    return ScrapeScore(removed, total, precision, recall, f1, lost, len(cases), kinds)


def aeb_score(pairs: list[tuple[str, str]]) -> tuple[float, float, float]:
    """Precision, recall and F1 as the article-extraction benchmark computes them.

    `pairs` holds (output, gold) per page: word tokens, multisets of word 4-grams, per
    page tp, fp and fn normalised by their sum, precision and recall averaged over the
    pages, F1 from the two means.
    """
    precisions, recalls = [], []
    for output, gold in pairs:
        got, want = ngrams(words(output), 4), ngrams(words(gold), 4)
        tp = sum((got & want).values())
        fp = sum((got - want).values())
        fn = sum((want - got).values())
        total = tp + fp + fn
        if total == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        tp, fp, fn = tp / total, fp / total, fn / total
        precisions.append(tp / (tp + fp) if tp + fp else 0.0)
        recalls.append(tp / (tp + fn) if tp + fn else 0.0)
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


if __name__ == "__main__":  # warm the extraction cache: python benchmarks/labeled.py
    for name in (*LABELED_SETS, EVAL_SET):
        pages = load_set(name)
        extract_pages(pages)
        print(f"{name}: {len(pages)} pages, {sum(p.held_out for p in pages)} held out")
