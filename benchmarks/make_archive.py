"""Build a large mixed raw archive from the dev corpus, for throughput and memory runs.

    .venv/bin/python benchmarks/make_archive.py --units 100000 --out /tmp/archive

Each unit is derived from one corpus page (html/*.html.gz): the page itself (HTML,
sometimes gzipped), its paragraphs as plain text, as markdown with YAML front matter,
or as records of a JSON Lines file (text records, and some HTML records). The mix and
every choice come from a seeded generator, so the same arguments give the same archive.
Sites are spread over a fixed number of synthetic domains, as a news archive has a few
hundred sources. Do not commit the archive.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import lxml.html

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "trafilatura-eval"
# Share of units per kind; JSON Lines records make up the rest.
MIX = {"html": 0.05, "text": 0.35, "markdown": 0.30}
JSONL_RECORDS = (20, 200)  # records per JSON Lines file, drawn in this range
JSONL_HTML_SHARE = 0.02  # share of JSON Lines records that carry HTML
DOMAINS = 300
_BLOCKS = ("p", "h1", "h2", "h3", "li", "blockquote")


@dataclass(frozen=True, slots=True)
class Page:
    """What a corpus page gives the archive: its HTML, title and text paragraphs."""

    html: bytes
    title: str
    paragraphs: tuple[str, ...]


def load_corpus(corpus: Path) -> list[Page]:
    """The corpus pages with at least three paragraphs, in file-name order."""
    pages = []
    for path in sorted((corpus / "html").glob("*.html.gz")):
        raw = gzip.decompress(path.read_bytes())
        try:
            tree = lxml.html.fromstring(raw)
        except (ValueError, lxml.etree.ParserError):
            continue
        title = " ".join((tree.findtext(".//title") or "").split())
        paragraphs = []
        for element in tree.iter(*_BLOCKS):
            text = " ".join(element.text_content().split())
            if len(text.split()) >= 4:
                paragraphs.append(text)
        if len(paragraphs) >= 3:
            pages.append(Page(raw, title or paragraphs[0][:80], tuple(paragraphs)))
    return pages


class ArchiveBuilder:
    """Writes units into a day folder, deterministically from `seed`."""

    def __init__(self, pages: list[Page], out: Path, seed: int) -> None:
        self.pages = pages
        self.out = out
        self.random = random.Random(seed)
        self.counts = {"html": 0, "text": 0, "markdown": 0, "jsonl": 0, "files": 0}

    def _story(self) -> tuple[int, Page, list[str], str, str]:
        index = self.random.randrange(len(self.pages))
        page = self.pages[index]
        paragraphs = list(page.paragraphs)
        start = self.random.randrange(max(1, len(paragraphs) // 4))
        paragraphs = paragraphs[start : start + self.random.randint(3, 60)]
        domain = f"news{index % DOMAINS:03d}.example"
        url = f"https://www.{domain}/{self.random.getrandbits(48):012x}"
        return index, page, paragraphs, domain, url

    def _write(self, name: str, data: bytes, *, gzipped: bool) -> None:
        folder = self.out / f"{self.counts['files'] // 1000:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        if gzipped:
            data, name = gzip.compress(data, compresslevel=6, mtime=0), name + ".gz"
        (folder / name).write_bytes(data)
        self.counts["files"] += 1

    def html(self) -> None:
        index, page, _paragraphs, _domain, _url = self._story()
        self._write(
            f"{self.counts['files']:07d}.html", page.html, gzipped=self.random.random() < 0.5
        )
        self.counts["html"] += 1

    def text(self) -> None:
        _index, page, paragraphs, _domain, url = self._story()
        body = "\n\n".join([page.title, *paragraphs, f"Source: {url}"]) + "\n"
        self._write(
            f"{self.counts['files']:07d}.txt", body.encode(), gzipped=self.random.random() < 0.2
        )
        self.counts["text"] += 1

    def markdown(self) -> None:
        _index, page, paragraphs, _domain, url = self._story()
        front = {
            "title": page.title,
            "url": url,
            "author": f"Reporter {self.random.randrange(500)}",
            "date": f"2026-02-{self.random.randint(1, 28):02d}"
            f"T{self.random.randint(0, 23):02d}:00:00Z",
        }
        lines = ["---", *(f"{key}: {json.dumps(value)}" for key, value in front.items()), "---", ""]
        lines += [f"# {page.title}", ""]
        for number, paragraph in enumerate(paragraphs):
            if number % 5 == 2:
                words = paragraph.split(" ")
                paragraph = f"[{words[0]}]({url}/ref{number}) " + " ".join(words[1:])
            lines += [paragraph, ""]
        body = "\n".join(lines)
        self._write(
            f"{self.counts['files']:07d}.md", body.encode(), gzipped=self.random.random() < 0.2
        )
        self.counts["markdown"] += 1

    def jsonl(self, records: int) -> None:
        lines = []
        for _ in range(records):
            _index, page, paragraphs, _domain, url = self._story()
            record = {
                "url": url,
                "title": page.title,
                "published": f"2026-02-{self.random.randint(1, 28):02d}",
            }
            if self.random.random() < JSONL_HTML_SHARE:
                record["html"] = page.html.decode("utf-8", errors="replace")
            else:
                record["text"] = "\n\n".join(paragraphs)
            lines.append(json.dumps(record, ensure_ascii=False))
        body = ("\n".join(lines) + "\n").encode()
        self._write(f"{self.counts['files']:07d}.jsonl", body, gzipped=self.random.random() < 0.5)
        self.counts["jsonl"] += records


def build(pages: list[Page], out: Path, units: int, seed: int) -> dict[str, int]:
    """Write `units` units under `out`; returns the count of each kind and of files."""
    builder = ArchiveBuilder(pages, out, seed)
    made = 0
    kinds = list(MIX) + ["jsonl"]
    # A JSON Lines pick writes many units, so it is picked that much less often.
    weights = list(MIX.values()) + [(1 - sum(MIX.values())) / (sum(JSONL_RECORDS) / 2)]
    while made < units:
        kind = builder.random.choices(kinds, weights)[0]
        if kind == "jsonl":
            records = min(units - made, builder.random.randint(*JSONL_RECORDS))
            builder.jsonl(records)
            made += records
        else:
            getattr(builder, kind)()
            made += 1
    return builder.counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=100_000, help="units to write")
    parser.add_argument("--out", type=Path, required=True, help="empty or new folder")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    if not (args.corpus / "html").is_dir():
        print(f"corpus not found at {args.corpus} (need html/*.html.gz); nothing to build")
        return 0
    if args.out.exists() and any(args.out.iterdir()):
        print(f"{args.out} is not empty; choose a new folder", file=sys.stderr)
        return 2
    pages = load_corpus(args.corpus)
    counts = build(pages, args.out, args.units, args.seed)
    print(json.dumps({"out": str(args.out), "units": args.units, **counts}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
