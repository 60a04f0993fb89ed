"""Load the development corpus (trafilatura's evaluation pages) for benchmarks.

The corpus is `evaldata.json` (URL -> {file, with, without}) beside `html/*.html.gz`.
The html file names are hashes that match neither evaldata's `file` names nor any hash
of name or URL, so pages are matched to entries by content: each page's text is folded
and the entry goes to the page holding most of its `with` snippets. The mapping is
cached under `.cache/` (git-ignored) because building it reads every page.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import lxml.html

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "trafilatura-eval"
CACHE_DIR = REPO_ROOT / ".cache"


class CorpusMissing(Exception):
    """The corpus directory or its evaldata.json is absent."""


@dataclass(frozen=True, slots=True)
class EvalPage:
    """One annotated page: its URL, HTML and the snippets it must and must not yield."""

    url: str
    path: Path
    with_snippets: tuple[str, ...]
    without_snippets: tuple[str, ...]

    def html(self) -> bytes:
        """The page's raw HTML bytes (extractors detect the encoding themselves)."""
        return gzip.decompress(self.path.read_bytes())


def fold(text: str) -> str:
    """Whitespace folded to single spaces, as trafilatura's evaluation does."""
    return " ".join(text.split())


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(raw).best()
        return str(best) if best is not None else raw.decode("cp1252", errors="replace")


def _page_text(path: Path) -> str:
    markup = _decode(gzip.decompress(path.read_bytes()))
    try:
        tree = lxml.html.fromstring(markup)
    except (ValueError, lxml.etree.ParserError):
        return fold(markup).casefold()
    for element in tree.iter("script", "style"):
        element.text = ""
    return fold(tree.text_content()).casefold()


def _corpus_key(corpus: Path) -> str:
    names = sorted(path.name for path in (corpus / "html").glob("*.gz"))
    evaldata = (corpus / "evaldata.json").read_bytes()
    digest = hashlib.sha256("\n".join(names).encode() + evaldata).hexdigest()
    return digest[:16]


def _build_mapping(corpus: Path, entries: dict[str, dict]) -> dict[str, str]:
    """Map each URL of evaldata to an html file name, by snippet containment."""
    paths = sorted((corpus / "html").glob("*.gz"))
    texts = [_page_text(path) for path in paths]
    starts: list[int] = []
    offset = 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    haystack = "\x00".join(texts)

    mapping: dict[str, str] = {}
    for url, entry in entries.items():
        snippets = [fold(snippet).casefold() for snippet in entry.get("with", [])]
        snippets = [snippet for snippet in snippets if snippet]
        if not snippets:
            continue
        candidates: set[int] = set()
        for anchor in sorted(snippets, key=len, reverse=True)[:3]:
            position = haystack.find(anchor)
            while position != -1:
                candidates.add(bisect.bisect_right(starts, position) - 1)
                position = haystack.find(anchor, position + 1)
        if not candidates:
            continue
        domain = re.sub(r"^https?://(www\.)?", "", url).split("/")[0].casefold()

        def score(index: int, snippets: list[str] = snippets, domain: str = domain) -> tuple:
            text = texts[index]
            return (sum(snippet in text for snippet in snippets), domain in text)

        best = max(sorted(candidates), key=score)
        mapping[url] = paths[best].name
    return mapping


def load_pages(corpus: Path = DEFAULT_CORPUS) -> list[EvalPage]:
    """The annotated pages of the corpus that could be matched to an html file."""
    evaldata_path = corpus / "evaldata.json"
    if not evaldata_path.is_file() or not (corpus / "html").is_dir():
        raise CorpusMissing(f"corpus not found at {corpus} (need evaldata.json and html/)")
    entries: dict[str, dict] = json.loads(evaldata_path.read_text(encoding="utf-8"))

    cache_path = CACHE_DIR / f"corpus-map-{_corpus_key(corpus)}.json"
    if cache_path.is_file():
        mapping = json.loads(cache_path.read_text(encoding="utf-8"))
    else:
        mapping = _build_mapping(corpus, entries)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        cache_path.write_text(json.dumps(mapping, indent=0, sort_keys=True), encoding="utf-8")

    pages = []
    for url, name in sorted(mapping.items()):
        entry = entries[url]
        pages.append(
            EvalPage(
                url=url,
                path=corpus / "html" / name,
                with_snippets=tuple(entry.get("with", [])),
                without_snippets=tuple(entry.get("without", [])),
            )
        )
    return pages


@dataclass
class Score:
    """Snippet counts as trafilatura's evaluation keeps them."""

    true_positives: int = 0
    false_negatives: int = 0
    false_positives: int = 0
    true_negatives: int = 0

    def add(self, output: str | None, page: EvalPage) -> None:
        """Score one output against its page's snippets (None counts as empty)."""
        folded = fold(output or "")
        for snippet in page.with_snippets:
            if fold(snippet) in folded:
                self.true_positives += 1
            else:
                self.false_negatives += 1
        for snippet in page.without_snippets:
            if fold(snippet) in folded:
                self.false_positives += 1
            else:
                self.true_negatives += 1

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0
