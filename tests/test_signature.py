"""Files that are not text are told by their signature and quarantined whole.

Every binary file is made here (no committed binaries): real ones where Python writes
them (zip, docx, tar, gzip, wav, SQLite, Parquet), headers as their formats define
them otherwise. A whole day goes through `run_day`: each binary file must end as
exactly one quarantine row with a stable reason and its type in `detail`, beside
text files that must still become articles.
"""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import struct
import tarfile
import wave
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from random import Random

import pytest
from conftest import EXAMPLES, corpus_or_skip
from hypothesis import given
from hypothesis import strategies as st

from newsclean.config import Settings
from newsclean.day import run_day
from newsclean.lake import read_partition
from newsclean.readers import discover, read_units
from newsclean.readers.signature import detect_binary_type
from newsclean.record import RawUnit, Rejected
from newsclean.validate import ARTICLE, QUARANTINE

DAY = date(2026, 3, 2)
STORY = (
    "The harbour board voted on Monday to rebuild the north pier before the winter storms. "
    "Fishermen said the old pier had been unsafe for years and welcomed the decision. "
)


def minimal_pdf() -> bytes:
    """A small valid PDF of one empty page: all ASCII, like the 649-byte one of the issue."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length 44 >>\nstream\nBT /F1 24 Tf 72 700 Td (Hello) Tj ET\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
            "word/document.xml": f'<?xml version="1.0"?><w:document>{STORY}</w:document>',
        }
    )


def _tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        story = STORY.encode()
        info = tarfile.TarInfo("story.txt")
        info.size = len(story)
        archive.addfile(info, io.BytesIO(story))
    return buffer.getvalue()


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(bytes(1600))
    return buffer.getvalue()


def _pe() -> bytes:
    header = bytearray(512)
    header[:2] = b"MZ"
    header[0x3C:0x40] = struct.pack("<I", 0x80)  # e_lfanew: where the PE header starts
    header[0x80:0x86] = b"PE\x00\x00\x4c\x01"  # PE signature, i386
    return bytes(header)


def _sqlite(path: Path) -> None:
    with sqlite3.connect(path) as database:
        database.execute("create table story (title text, body text)")
        database.execute("insert into story values (?, ?)", ("Pier", STORY))
    database.close()


def _parquet(path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"title": ["Pier"], "body": [STORY]}), path)


HEADERS = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes.fromhex("00000010000000100802000000"),
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
    "7z": b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(24),
    "rar": b"Rar!\x1a\x07\x01\x00" + bytes(24),
    "ole2": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    + bytes(16)
    + b"\x3e\x00\x03\x00\xfe\xff"
    + bytes(482),
    "elf": b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(44),
    "mach-o": b"\xcf\xfa\xed\xfe\x07\x00\x00\x01\x03\x00\x00\x00\x02\x00\x00\x00" + bytes(16),
    "mp3": b"ID3\x03\x00\x00\x00\x00\x00\x0a" + bytes(10) + b"\xff\xfb\x90\x64" + bytes(413),
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08mdat",
    "ogg": b"OggS\x00\x02" + bytes(8) + b"\x01\x00\x00\x00" + bytes(8) + b"\x01\x1e\x01vorbis",
    "woff2": b"wOF2\x00\x01\x00\x00\x00\x00\x01\x00\x00\x0a" + bytes(34),
    "ttf": b"\x00\x01\x00\x00\x00\x0a\x00\x80\x00\x03\x00\x20" + b"cmap" + bytes(12),
}


def _bytes(data: bytes) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(data)

    return make


# (file name, how to make it, reason, the start of `detail`)
BINARY_FILES: list[tuple[str, Callable[[Path], None], str, str]] = [
    ("report.pdf", _bytes(minimal_pdf()), "read.unsupported_type", "pdf (application/pdf)"),
    ("report-named.txt", _bytes(minimal_pdf()), "read.unsupported_type", "pdf (application/pdf)"),
    ("image.html", _bytes(HEADERS["png"]), "read.unsupported_type", "png (image/png)"),
    ("photo.jpg", _bytes(HEADERS["jpg"]), "read.unsupported_type", "jpg (image/jpeg)"),
    (
        "archive.zip",
        _bytes(_zip({"story.txt": STORY})),
        "read.unsupported_type",
        "zip (application/zip)",
    ),
    (
        "letter.docx",
        _bytes(_docx()),
        "read.unsupported_type",
        "docx (application/vnd.openxmlformats-officedocument.wordprocessingml.document)",
    ),
    ("legacy.doc", _bytes(HEADERS["ole2"]), "read.unsupported_type", "ole2 office document"),
    ("bundle.tar", _bytes(_tar()), "read.unsupported_type", "tar (application/x-tar)"),
    (
        "bundle.tar.gz",
        _bytes(gzip.compress(_tar(), mtime=0)),
        "read.unsupported_type",
        "tar (application/x-tar) inside gzip",
    ),
    (
        "report-packed.txt",
        _bytes(gzip.compress(minimal_pdf(), mtime=0)),
        "read.unsupported_type",
        "pdf (application/pdf) inside gzip",
    ),
    ("packed.7z", _bytes(HEADERS["7z"]), "read.unsupported_type", "7z (application/x-7z"),
    ("packed.rar", _bytes(HEADERS["rar"]), "read.unsupported_type", "rar (application/x-rar"),
    ("tool", _bytes(HEADERS["elf"]), "read.unsupported_type", "elf (application/x-executable)"),
    ("tool.exe", _bytes(_pe()), "read.unsupported_type", "exe (application/x-msdownload)"),
    ("tool.html", _bytes(HEADERS["mach-o"]), "read.unsupported_type", "mach-o ("),
    ("song.mp3", _bytes(HEADERS["mp3"]), "read.unsupported_type", "mp3 (audio/mpeg)"),
    ("clip.mp4", _bytes(HEADERS["mp4"]), "read.unsupported_type", "mp4 (video/mp4)"),
    ("sound.wav", _bytes(_wav()), "read.unsupported_type", "wav (audio/x-wav)"),
    ("sound.ogg", _bytes(HEADERS["ogg"]), "read.unsupported_type", "ogg (audio/ogg)"),
    ("font.woff2", _bytes(HEADERS["woff2"]), "read.unsupported_type", "woff2 ("),
    ("font.ttf", _bytes(HEADERS["ttf"]), "read.unsupported_type", "ttf ("),
    ("news.sqlite", _sqlite, "read.unsupported_type", "sqlite (application/x-sqlite3)"),
    ("part-0.parquet", _parquet, "read.unsupported_type", "parquet ("),
    (
        "plain.html.gz",
        _bytes(f"<html><body><p>{STORY}</p></body></html>".encode()),
        "read.not_gzip",
        "named .gz but holds text, not gzip",
    ),
    (
        "zipped.html.gz",
        _bytes(_zip({"page.html": STORY})),
        "read.not_gzip",
        "named .gz but holds zip (application/zip), not gzip",
    ),
    (
        "junk.jsonl",
        _bytes(Random(3).randbytes(8192) + b"\n" + Random(4).randbytes(8192)),
        "read.binary",
        "named JSON Lines but not text",
    ),
    ("image.jsonl", _bytes(HEADERS["png"]), "read.unsupported_type", "png (image/png)"),
]

# Text whose first letters are those of a signature, and text packed in gzip under a
# name that does not say so: all must still be read as before.
TEXT_FILES: dict[str, bytes] = {
    "mz.txt": f"MZ and the harbour\n{STORY}".encode(),
    "id3.txt": f"ID3 tags explained\n{STORY}".encode(),
    "gif.txt": f"GIF89a turns forty\n{STORY}".encode(),
    "par1.md": f"PAR1 of the season\n\n{STORY}".encode(),
    "pdf-talk.txt": f"%PDF-1.4 is older than you think\n{STORY}".encode(),
    "sqlite.txt": f"SQLite format 3 explained\n{STORY}".encode(),
    "page.html": f"<!DOCTYPE html><html><body><p>{STORY}</p></body></html>".encode(),
    "packed-page.html": gzip.compress(
        f"<html><body><p>{STORY}</p></body></html>".encode(), mtime=0
    ),
    "utf16.txt": f"Zürich pier\n{STORY}".encode("utf-16"),
    "feed.jsonl": json.dumps({"url": "https://news.example/pier", "text": STORY}).encode(),
}


@pytest.fixture(scope="module")
def signature_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("signature")
    raw, lake = base / "raw", base / "lake"
    raw.mkdir()
    for name, make, _reason, _detail in BINARY_FILES:
        make(raw / name)
    for name, data in TEXT_FILES.items():
        (raw / name).write_bytes(data)
    run_day(str(raw), str(lake), DAY, Settings(workers=1))
    return raw, lake


def _rows(lake: Path, raw: Path, kind: str) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for row in read_partition(lake, DAY, kind).to_pylist():
        name = row["source_uri"].removeprefix(f"{raw}/").split("#")[0]
        rows.setdefault(name, []).append(row)
    return rows


@pytest.mark.parametrize(
    ("name", "reason", "detail"),
    [(name, reason, detail) for name, _make, reason, detail in BINARY_FILES],
)
def test_a_file_that_is_not_text_ends_as_one_quarantine_row(
    signature_run: tuple[Path, Path], name: str, reason: str, detail: str
) -> None:
    raw, lake = signature_run
    assert name not in _rows(lake, raw, ARTICLE)
    [row] = _rows(lake, raw, QUARANTINE)[name]
    assert (row["stage"], row["reason"]) == ("read", reason)
    assert row["detail"].startswith(detail), row["detail"]
    if "inside gzip" not in detail:  # the file is kept as it was found
        assert row["payload"] == (raw / name).read_bytes()[: len(row["payload"])]
        assert row["payload_size"] == (raw / name).stat().st_size


def test_text_beside_binary_files_is_read_as_before(signature_run: tuple[Path, Path]) -> None:
    raw, lake = signature_run
    articles = _rows(lake, raw, ARTICLE)
    assert sorted(name for name in articles if name in TEXT_FILES) == sorted(TEXT_FILES)
    assert not set(TEXT_FILES) & set(_rows(lake, raw, QUARANTINE))
    assert articles["mz.txt"][0]["title"] == "MZ and the harbour"
    assert articles["pdf-talk.txt"][0]["title"] == "%PDF-1.4 is older than you think"
    assert articles["utf16.txt"][0]["title"] == "Zürich pier"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (minimal_pdf(), "pdf (application/pdf)"),
        (b"%PDF-1.7\r\n%\xe2\xe3\xcf\xd3\r\n1 0 obj", "pdf (application/pdf)"),
        (HEADERS["png"], "png (image/png)"),
        (b"GIF89a\x10\x00\x10\x00\x80\x00\x00", "gif (image/gif)"),
        (gzip.compress(b"a page", mtime=0), "gz (application/gzip)"),
        (b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + bytes(24), "mach-o (application/x-mach-binary)"),
        (b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + bytes(24), "class (application/java-vm)"),
        (
            b"PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00",
            "parquet (application/vnd.apache.parquet)",
        ),
    ],
)
def test_signatures_name_the_type(head: bytes, expected: str) -> None:
    assert detect_binary_type(head) == expected


@pytest.mark.parametrize(
    "text",
    [
        b"MZ is the name of a band.\nIt played here.\n",
        b"ID3 tags were discussed at length.\n",
        b"PK and friends went out\n",
        b"Rar! said the lion\n",
        b"OggS is not a word\n",
        b"OTTO went to the market\n",
        b"wOFF wOF2\n",
        b"%PDF-1.4 is a version of the format\n",
        b"%PDF-1.4",  # no line after it: a title, not a file
        b"{\\rtf1 a story}\n",
        b"%!PS-Adobe-3.0 is how PostScript begins\n",
        b'<?xml version="1.0"?><rss><channel><title>Feed</title></channel></rss>',
        b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
        b'{"url": "https://news.example/a", "text": "A story."}\n',
        "\ufeffA story with a byte-order mark".encode(),
        "Ünïcode story in UTF-16 with its mark".encode("utf-16"),
        "\xffû cp1252 letters that look like an MP3 frame".encode("cp1252"),
        "A story in UTF-16 without its mark".encode("utf-16-le"),
        b"BMW recalls cars\n" + b"x" * 300 + b"\x00 a stray NUL further on",
        b"MZ and the band\n" + b"y" * 300 + b"\x01\x07 stray controls",
    ],
)
def test_text_is_never_named_a_type(text: bytes) -> None:
    assert detect_binary_type(text) is None


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1))
def test_text_without_control_characters_is_never_named_a_type(text: str) -> None:
    if not text.startswith("%PDF-"):
        assert detect_binary_type(text.encode()) is None


def test_example_files_are_all_read_as_text() -> None:
    files = discover(str(EXAMPLES))
    assert files
    for file in files:
        for unit in read_units(file, Settings()):
            if isinstance(unit, Rejected):
                assert unit.reason not in {"read.unsupported_type", "read.not_gzip"}, unit
                assert unit.reason != "read.binary", unit


def test_corpus_pages_are_never_named_a_type() -> None:
    """The 990 real pages of the development corpus, each inflated, and read as pages."""
    html = corpus_or_skip() / "html"
    pages = sorted(html.glob("*.gz"))
    assert len(pages) >= 990
    named = {}
    for path in pages:
        found = detect_binary_type(gzip.decompress(path.read_bytes()))
        if found:
            named[path.name] = found
    assert named == {}
    files = discover(str(html))  # one page's name starts with '_': skipped, as designed
    assert len(files) >= len(pages) - 1
    for file in files:
        [unit] = read_units(file, Settings())
        assert isinstance(unit, RawUnit), unit
