"""Hostile input through the real pipeline: every file ends as articles or quarantine rows.

The corpus is generated here (no committed binaries): empty files, binary junk, bad
and lying charsets, deep and huge HTML, a 10 MB line, NUL bytes, a real gzip bomb,
malformed JSON Lines, YAML bombs, a page that hangs extraction, odd file names, FIFOs
and dangling links. `run_day` runs over it; each file's outcome, the accounting and
`newsclean check` are asserted. NEWSCLEAN_HEAVY_TESTS=1 uses the full sizes (a 10 MB
line, a 10 GiB bomb); `benchmarks/hostile_bench.py` times each case.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from newsclean.check import check_partition
from newsclean.config import MiB, Settings
from newsclean.day import run_day
from newsclean.lake import read_partition
from newsclean.readers import discover, read_units
from newsclean.record import Article, RawUnit, Rejected
from newsclean.validate import ARTICLE, QUARANTINE
from newsclean.workers import UnitPool

DAY = date(2026, 3, 1)
HEAVY = os.environ.get("NEWSCLEAN_HEAVY_TESTS") == "1"
ARTICLE_OUTCOME = "article"
STORY = (
    "The city council met on Tuesday evening to debate the budget for the coming year. "
    "Members argued for hours about the cost of repairing the old bridge over the river. "
)


def _page(body: str, *, head: str = "", title: str = "Council debates the budget") -> str:
    paragraphs = "".join(f"<p>{body} {STORY}</p>\n" for _ in range(4))
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>"
        f"<article><h1>{title}</h1>\n{paragraphs}</article></body></html>"
    )


def _gzip_bomb(gibibytes: int) -> bytes:
    """A real bomb: gzip members of 64 MiB of zeros each (~64 KB compressed apiece)."""
    member = gzip.compress(bytes(64 * MiB), compresslevel=9)
    return member * (16 * gibibytes)


def _yaml_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]")
    return (
        "---\ntitle: Laughs\n" + "\n".join(lines) + "\n---\n" + f"# Laughs\n\n{STORY}\n\n{STORY}\n"
    )


@dataclass(frozen=True)
class Case:
    """One hostile input: its file name, how to make it, and the outcome per unit."""

    name: str
    make: Callable[[Path], None]
    expected: tuple[str, ...]  # one entry per unit: "article" or a quarantine reason
    what: str


def _write(data: bytes | str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return make


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dangling(path: Path) -> None:
    os.symlink(path.parent / "no-such-target", path)


def _device(path: Path) -> None:
    os.symlink("/dev/zero", path)


def _huge(size: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        paragraph = f"<p>{STORY}</p>\n".encode()
        with open(path, "wb") as handle:
            handle.write(b"<!DOCTYPE html><html><body><article>")
            for _ in range(size // len(paragraph) + 1):
                handle.write(paragraph)
            handle.write(b"</article></body></html>")

    return make


def _bomb(gibibytes: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(_gzip_bomb(gibibytes))

    return make


def hostile_cases(*, heavy: bool = HEAVY) -> list[Case]:
    """The corpus. `heavy` uses the full sizes of the issue (slower, more memory)."""
    junk = random.Random(7).randbytes(64 * 1024)
    long_line = b"Title of a one-line dump\n" + (
        STORY.encode() * ((10 if heavy else 2) * MiB // len(STORY))
    )
    nul_text = "Title with controls\n" + (STORY + "\x00\x07\x1b ") * 20
    nested_json = '{"url": "http://x.example/deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    jsonl = "\n".join(
        [
            json.dumps({"url": "https://news.example/a", "title": "Good one", "text": STORY}),
            '{"url": "https://news.example/b", "text": ',  # cut off mid-record
            "[1, 2, 3]",
            '{"url": "https://news.example/c"}',
            "\x00\x01\x02 not json",
            nested_json,
            json.dumps(
                {
                    "url": "https://news.example/d",
                    "title": "Good two",
                    "html": _page("Second good record."),
                }
            ),
        ]
    )
    return [
        Case("empty.html", _write(b""), ("read.empty",), "empty file"),
        Case("blank.txt", _write(b" \n\t\r\n  \n"), ("read.empty",), "only whitespace"),
        Case("junk.html", _write(junk), ("read.binary",), "64 KiB of random bytes named .html"),
        Case(
            "png-named.txt",
            _write(b"\x89PNG\r\n\x1a\n" + junk[:4096]),
            ("read.unsupported_type",),
            "a PNG header and binary named .txt",
        ),
        Case(
            "invalid-utf8.txt",
            _write(f"Broken bytes\n{STORY}".encode() + b"\xff\xfe\xc3(" + STORY.encode()),
            (ARTICLE_OUTCOME,),
            "UTF-8 with invalid sequences",
        ),
        Case(
            "latin1-declared.html",
            _write(
                _page("Le café de la gare", head='<meta charset="iso-8859-1">').encode("latin-1")
            ),
            (ARTICLE_OUTCOME,),
            "latin-1 bytes, declared",
        ),
        Case(
            "cp1252-undeclared.html",
            _write(_page("It’s “quoted” – café").encode("cp1252")),
            (ARTICLE_OUTCOME,),
            "cp1252 bytes, no charset",
        ),
        Case(
            "lying-charset.html",
            _write(_page("Gérard’s café", head='<meta charset="utf-8">').encode("cp1252")),
            (ARTICLE_OUTCOME,),
            "cp1252 bytes declared as UTF-8",
        ),
        Case(
            "utf16-bom.html",
            _write(_page("Zürich").encode("utf-16")),
            (ARTICLE_OUTCOME,),
            "UTF-16 with a BOM",
        ),
        Case(
            "utf16-bom.txt",
            _write(f"Zürich title\n{STORY}".encode("utf-16")),
            (ARTICLE_OUTCOME,),
            "UTF-16 text with a BOM",
        ),
        Case(
            "deep.html",
            _write(
                "<html><body>" + "<div>" * 100_000 + STORY + "</div>" * 100_000 + "</body></html>"
            ),
            ("extract.no_content",),
            "HTML nested 100,000 elements deep",
        ),
        Case(
            "huge.html", _huge(50 * MiB), ("read.too_large",), "a 50 MB page (over max_unit_bytes)"
        ),
        Case(
            "long-line.txt",
            _write(long_line),
            (ARTICLE_OUTCOME,),
            f"a line of {len(long_line) // MiB} MB",
        ),
        Case(
            "nul-controls.txt",
            _write(nul_text),
            (ARTICLE_OUTCOME,),
            "NUL bytes and control characters",
        ),
        Case(
            "mostly-nul.txt",
            _write(b"Title\n" + b"\x00\x01" * 5000),
            ("read.binary",),
            "mostly NUL and control bytes",
        ),
        Case(
            "bomb.html.gz",
            _bomb(10 if heavy else 1),
            ("read.gzip_too_large",),
            f"gzip that expands to {10 if heavy else 1} GiB",
        ),
        Case(
            "damaged.html.gz",
            _write(b"\x1f\x8b\x08\x00" + junk[:2048]),
            ("read.bad_gzip",),
            "gzip magic, then junk",
        ),
        Case(
            "truncated.html.gz",
            _write(gzip.compress(_page("Cut short").encode())[:200]),
            ("read.bad_gzip",),
            "gzip cut off",
        ),
        Case(
            "mixed.jsonl",
            _write(jsonl),
            (
                ARTICLE_OUTCOME,
                "read.bad_json",
                "read.bad_json",
                "read.no_content",
                "read.bad_json",
                "read.bad_json",
                ARTICLE_OUTCOME,
            ),
            "malformed JSON Lines among good ones",
        ),
        Case(
            "broken-front-matter.md",
            _write(f"---\ntitle: [unclosed\n  - : :\n---\n# Heading\n\n{STORY}\n"),
            (ARTICLE_OUTCOME,),
            "broken YAML front matter",
        ),
        Case(
            "yaml-bomb.md",
            _write(_yaml_bomb()),
            (ARTICLE_OUTCOME,),
            "YAML anchors and aliases (laughs)",
        ),
        Case(
            "big-front-matter.md",
            _write("---\ntitle: Big\nnotes: '" + "x" * 200_000 + f"'\n---\n# Big\n\n{STORY}\n"),
            (ARTICLE_OUTCOME,),
            "front matter over max_front_matter_bytes",
        ),
        Case(
            "deep-quotes.md",
            _write("# Quotes\n\n" + ">" * 50_000 + " " + STORY + "\n"),
            (ARTICLE_OUTCOME,),
            "50,000 nested markdown block quotes",
        ),
        Case(
            "script-only.html",
            _write(
                "<html><head><script>"
                + "var x = 1;" * 1000
                + "</script></head><body></body></html>"
            ),
            ("extract.no_content",),
            "a page with no text",
        ),
        Case(
            "hang.html",
            _write(
                "<html><body><article>"
                + "<p>word and another word here.</p>" * 200_000
                + "</article></body></html>"
            ),
            ("extract.timeout",),
            "200,000 sibling <p>: extraction hangs in lxml",
        ),
        Case(
            "name with spaces 'single' \"double\".txt",
            _write(f"Odd name\n{STORY}"),
            (ARTICLE_OUTCOME,),
            "spaces and quotes in the name",
        ),
        Case(
            "new\nline.txt",
            _write(f"Newline name\n{STORY}"),
            (ARTICLE_OUTCOME,),
            "a newline in the name",
        ),
        Case(
            "ünïcødé 新闻 ☃.html",
            _write(_page("Unicode name")),
            (ARTICLE_OUTCOME,),
            "non-ASCII name",
        ),
        Case(
            os.fsdecode(b"latin1-\xe9t\xe9.txt"),
            _write(f"Undecodable name\n{STORY}"),
            (ARTICLE_OUTCOME,),
            "a name that is not UTF-8",
        ),
        Case(
            "a::b?c#d.txt",
            _write(f"URL-like name\n{STORY}"),
            (ARTICLE_OUTCOME,),
            "'::', '?' and '#' in the name",
        ),
        Case(
            "part-00000.parquet",
            _write(f"Looks like a part\n{STORY}"),
            (ARTICLE_OUTCOME,),
            "named like an output part",
        ),
        Case(
            "ingest_date=1999-01-01/x.txt",
            _write(f"Looks like a partition\n{STORY}"),
            (ARTICLE_OUTCOME,),
            "in a folder named like a partition",
        ),
        Case("fifo.html", _fifo, ("read.not_a_file",), "a FIFO named .html (must not block)"),
        Case("device.html", _device, ("read.not_a_file",), "a link to /dev/zero"),
        Case("dangling.html", _dangling, ("read.unreadable",), "a dangling symbolic link"),
    ]


def build_corpus(root: Path, cases: list[Case]) -> dict[str, Case]:
    """Write every case under `root`; returns the cases by their relative name."""
    root.mkdir(parents=True, exist_ok=True)
    for case in cases:
        path = root / case.name
        path.parent.mkdir(parents=True, exist_ok=True)
        case.make(path)
    return {case.name: case for case in cases}


def hostile_settings(**changes: object) -> Settings:
    """Defaults, but a unit time limit short enough that the hanging page ends soon."""
    return Settings(workers=2, unit_timeout=20.0).replace(**changes)


def _escaped(name: str) -> str:
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _outcomes(lake: Path, raw: Path) -> dict[str, list[tuple[str, str]]]:
    """For each input file (relative name), its units' outcomes, in unit order."""
    prefix = str(raw) + "/"
    found: dict[str, list[tuple[int, str]]] = {}
    for kind, label in ((ARTICLE, None), (QUARANTINE, "reason")):
        for row in read_partition(lake, DAY, kind).to_pylist():
            relative, number = row["source_uri"].removeprefix(prefix), "0"
            if row["source_format"] == "jsonl" and "#" in relative:
                relative, _, number = relative.rpartition("#")
            outcome = ARTICLE_OUTCOME if label is None else row[label]
            found.setdefault(relative, []).append((int(number), outcome))
    return {name: [outcome for _n, outcome in sorted(units)] for name, units in found.items()}


@pytest.fixture(scope="module")
def hostile_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, dict[str, Case], dict]:
    base = tmp_path_factory.mktemp("hostile")
    raw, lake = base / "raw", base / "lake"
    cases = build_corpus(raw, hostile_cases())
    manifest = run_day(str(raw), str(lake), DAY, hostile_settings())
    return raw, lake, cases, manifest


def test_every_hostile_file_ends_as_expected(
    hostile_run: tuple[Path, Path, dict[str, Case], dict],
) -> None:
    raw, lake, cases, _manifest = hostile_run
    outcomes = _outcomes(lake, raw)
    expected = {_escaped(name): list(case.expected) for name, case in cases.items()}
    assert outcomes == expected


def test_hostile_run_accounts_for_every_unit(
    hostile_run: tuple[Path, Path, dict[str, Case], dict],
) -> None:
    raw, lake, cases, manifest = hostile_run
    units = manifest["units"]
    assert units["read"] == units["written"] + units["quarantined"]
    assert units["read"] == sum(len(case.expected) for case in cases.values())
    assert {entry["relative"] for entry in manifest["inputs"]} == {_escaped(name) for name in cases}
    want = Counter(
        outcome
        for case in cases.values()
        for outcome in case.expected
        if outcome != ARTICLE_OUTCOME
    )
    assert manifest["quarantined_by_reason"] == dict(want)
    problems, summary = check_partition(str(lake), DAY)
    assert problems == [], summary


def test_input_names_do_not_steer_output(
    hostile_run: tuple[Path, Path, dict[str, Case], dict],
) -> None:
    _raw, lake, _cases, _manifest = hostile_run
    written = sorted(str(path.relative_to(lake)) for path in lake.rglob("*") if path.is_file())
    day = f"ingest_date={DAY.isoformat()}"
    assert written == [
        f"_metrics/{day}/metrics.parquet",
        f"_profiles/stories/{DAY.isoformat()}.parquet",
        f"_profiles/templates/{DAY.isoformat()}.json",
        f"_reports/{day}/report.html",
        f"articles/{day}/_manifest.json",
        f"articles/{day}/part-00000.parquet",
        f"quarantine/{day}/_manifest.json",
        f"quarantine/{day}/part-00000.parquet",
        f"stories/{day}/_manifest.json",
        f"stories/{day}/part-stories.parquet",
    ]


def test_hostile_text_is_clean(hostile_run: tuple[Path, Path, dict[str, Case], dict]) -> None:
    raw, lake, _cases, _manifest = hostile_run
    rows = {
        row["source_uri"].removeprefix(str(raw) + "/"): row
        for row in read_partition(lake, DAY, ARTICLE).to_pylist()
    }
    assert "café" in rows["latin1-declared.html"]["text"]
    assert "“quoted”" in rows["cp1252-undeclared.html"]["text"]
    assert "Gérard’s café" in rows["lying-charset.html"]["text"]
    assert "Zürich" in rows["utf16-bom.html"]["text"]
    assert "Zürich title" == rows["utf16-bom.txt"]["title"]
    for row in rows.values():
        assert not any(ch in row["text"] for ch in "\x00\x07\x1b\ufffd\ufeff"), row["source_uri"]
    assert rows["yaml-bomb.md"]["removed"][0]["kind"] == "front_matter"
    assert rows["broken-front-matter.md"]["removed"][0]["kind"] == "front_matter"


def test_gzip_bomb_stops_at_the_cap_with_bounded_memory(tmp_path: Path) -> None:
    """Reading a 1 GiB bomb under a 4 MiB cap inflates about 4 MiB, not the gigabyte."""
    import psutil

    (tmp_path / "bomb.html.gz").write_bytes(_gzip_bomb(1))
    settings = Settings(max_decompressed_bytes=4 * MiB)
    process = psutil.Process()
    before = process.memory_info().rss
    [file] = discover(str(tmp_path))
    [unit] = list(read_units(file, settings))
    assert isinstance(unit, Rejected) and unit.reason == "read.gzip_too_large"
    # Inflating the whole gigabyte would take a gigabyte; the cap does not.
    assert process.memory_info().rss - before < 256 * MiB


# A test-only work function for UnitPool: hangs or dies on marked units.
def _misbehave(unit: RawUnit, settings: Settings) -> Article | Rejected:
    marker = unit.payload if isinstance(unit.payload, str) else unit.payload.decode()
    if marker == "hang":
        while True:
            time.sleep(1)
    if marker == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if marker == "exit":
        os._exit(3)
    return Article(
        id=unit.source_uri, source_uri=unit.source_uri, source_format="text", text=marker
    )


def test_pool_replaces_hung_and_dead_workers() -> None:
    markers = ["ok-1", "hang", "ok-2", "die", "ok-3", "exit", "ok-4"]
    units = [RawUnit(f"u{n}", f"u{n}", "text", "text", marker) for n, marker in enumerate(markers)]
    with UnitPool(_misbehave, Settings(unit_timeout=2.0), processes=2) as pool:
        results = list(pool.imap(units))
    assert [unit.source_uri for unit, _result in results] == [unit.source_uri for unit in units]
    outcomes = [r.text if isinstance(r, Article) else r.reason for _u, r in results]
    assert outcomes == [
        "ok-1",
        "extract.timeout",
        "ok-2",
        "pipeline.worker_died",
        "ok-3",
        "pipeline.worker_died",
        "ok-4",
    ]


def test_time_limit_holds_inside_lxml() -> None:
    """200,000 sibling <p> keep lxml and trafilatura busy for minutes; the limit stops them."""
    from newsclean.pipeline import clean_unit

    page = (
        b"<html><body><article>"
        + b"<p>word and another word here.</p>" * 200_000
        + b"</article></body></html>"
    )
    units = [
        RawUnit("hang.html", "hang.html", "html", "html", page),
        RawUnit("ok.txt", "ok.txt", "text", "text", f"Fine\n{STORY}"),
    ]
    with UnitPool(clean_unit, Settings(unit_timeout=3.0), processes=1) as pool:
        results = [result for _unit, result in pool.imap(units)]
    assert isinstance(results[0], Rejected) and results[0].reason == "extract.timeout"
    assert isinstance(results[1], Article)


def test_manifest_hash_covers_all_of_an_oversized_file(tmp_path: Path) -> None:
    import hashlib

    from newsclean.readers import read_file

    data = random.Random(5).randbytes(3 * MiB + 17)
    (tmp_path / "big.txt").write_bytes(data)
    [file] = discover(str(tmp_path))
    digest, units = read_file(file, Settings(max_file_bytes=1 * MiB))
    assert digest == hashlib.sha256(data).hexdigest()
    assert [unit.reason for unit in units] == ["read.too_large"]  # type: ignore[union-attr]
