"""WARC and ARC input: every record ends as a unit, a quarantine row or a manifest count.

Archives are built in the tests with warcio's writer (ARC by hand)."""

from __future__ import annotations

import gzip
import hashlib
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import EXAMPLES
from warc_helpers import STORY, Archive, page, write_arc

from newsclean.check import check_partition
from newsclean.config import Settings
from newsclean.day import run_day
from newsclean.readers import discover, read_input
from newsclean.readers.decode import decode_bytes
from newsclean.readers.warc import record_at
from newsclean.record import RawUnit, Rejected

SETTINGS = Settings(workers=1)
DAY = date(2026, 2, 13)


def _read(path: Path, settings: Settings = SETTINGS):
    [file] = discover(str(path))
    read = read_input(file, settings)
    return read, list(read)


def test_response_is_dechunked_decompressed_and_located(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "crawl.warc.gz")
    archive.warcinfo()
    archive.request("https://news.example/pier")
    body = page("Pier to be rebuilt", STORY).encode()
    archive.response("https://news.example/pier", body, chunk=True, gzip_body=True)
    archive.metadata("https://news.example/pier")
    read, units = _read(archive.close())

    [unit] = units
    assert isinstance(unit, RawUnit)
    assert unit.payload == body  # no chunk sizes, no gzip bytes
    assert unit.source_format == "warc" and unit.content_format == "html"
    assert unit.fields["url"] == "https://news.example/pier"
    assert unit.fields["fetched_at"] == "2026-02-13T08:30:00Z"
    assert unit.fields["warc_record_id"].startswith("<urn:uuid:")
    assert unit.fields["payload_digest"].startswith("sha1:")
    path, _, offset = unit.source_uri.rpartition("#")
    assert path == str(tmp_path / "crawl.warc.gz") and int(offset) > 0
    headers, again = record_at(path, int(offset))
    assert again == body
    assert headers["WARC-Record-ID"] == unit.fields["warc_record_id"]
    assert read.skipped == {"warcinfo": 1, "request": 1, "metadata": 1}
    assert read.sha256 == hashlib.sha256(archive.path.read_bytes()).hexdigest()


@pytest.mark.parametrize("gzip_records", [True, False])
def test_non_units_are_counted_and_a_truncated_record_is_quarantined(
    tmp_path: Path, gzip_records: bool
) -> None:
    archive = Archive(tmp_path / "crawl.warc", gzip_records=gzip_records)
    archive.response(
        "https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), content_type="image/png"
    )
    archive.response("https://news.example/old", b"moved", status="301 Moved Permanently")
    archive.resource(
        "https://news.example/notes.txt",
        "\n".join(["Harbour notes", *STORY]).encode(),
        "text/plain",
        "2026-02-13T09:00:00Z",
    )
    archive.response("https://news.example/last", page("Last page", STORY).encode())
    path = archive.close()
    path.write_bytes(path.read_bytes()[:-40])  # the crawl died while writing the last record

    read, units = _read(path)
    assert read.skipped == {"response:image/png": 1, "response:http-301": 1}
    resource, truncated = units
    assert isinstance(resource, RawUnit) and resource.content_format == "text"
    assert resource.fields["fetched_at"] == "2026-02-13T09:00:00Z"
    assert isinstance(truncated, Rejected) and truncated.reason == "read.warc_truncated"
    assert truncated.source_uri.startswith(str(path) + "#")


def test_a_file_gzipped_as_a_whole_is_quarantined_after_its_first_record(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "plain.warc", gzip_records=False)
    for name in ("one", "two", "three"):
        archive.response(f"https://news.example/{name}", page(name, STORY).encode())
    plain = archive.close()
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()

    _read_, units = _read(whole)
    assert isinstance(units[0], RawUnit)
    assert isinstance(units[-1], Rejected) and units[-1].reason == "read.warc_whole_gzip"
    assert "warcio recompress" in units[-1].detail


def test_arc_records_become_units(tmp_path: Path) -> None:
    html = page("Ferry timetable changes", STORY).encode()
    response = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + html
    path = write_arc(
        tmp_path / "old.arc", [("http://news.example/ferry", "20060213101500", response)]
    )
    read, units = _read(path)
    [unit] = units
    assert isinstance(unit, RawUnit) and unit.payload == html
    assert unit.fields["url"] == "http://news.example/ferry"
    assert unit.fields["fetched_at"] == "2006-02-13T10:15:00Z"


def test_an_archive_is_told_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "capture.bin")
    archive.response("https://news.example/pier", page("Pier", STORY).encode())
    _read_, units = _read(archive.close())
    assert [type(unit) for unit in units] == [RawUnit]


def test_an_empty_archive_is_one_quarantine_row(tmp_path: Path) -> None:
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(b"")
    _read_, units = _read(path)
    assert [unit.reason for unit in units] == ["read.empty"]


def test_the_http_charset_wins_over_the_page_and_detection() -> None:
    text = "Съезд партии прошёл в Москве"
    raw = page("Новости", [text], charset="windows-1251").encode("koi8-r")
    decoded, encoding = decode_bytes(raw, html=True, declared="koi8-r")
    assert encoding == "koi8-r" and text in decoded
    # Without the header, the page's (wrong) meta is believed: the same bytes differ.
    assert text not in decode_bytes(raw, html=True)[0]
    # A "latin-1" header over valid UTF-8 is the usual lie: UTF-8 wins.
    utf8 = "Café déjà vu".encode()
    assert decode_bytes(utf8, declared="iso-8859-1") == ("Café déjà vu", "utf-8")


def test_a_day_of_archives_is_accounted_for_and_checks(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    archive = Archive(raw / "crawl.warc.gz")
    archive.warcinfo()
    archive.request("https://news.example/pier")
    archive.response("https://news.example/pier", page("Pier to be rebuilt", STORY).encode())
    archive.response(
        "https://news.example/logo.png", b"\x89PNG" + bytes(64), content_type="image/png"
    )
    archive.close()
    only_requests = Archive(raw / "requests.warc.gz")
    only_requests.request("https://news.example/a")
    only_requests.close()
    lake = tmp_path / "lake"

    manifest = run_day(str(raw), str(lake), DAY, SETTINGS)
    assert manifest["units"] == {"read": 1, "written": 1, "quarantined": 0}
    assert manifest["warc_records"] == {"request": 2, "response:image/png": 1, "warcinfo": 1}
    by_name = {entry["relative"]: entry for entry in manifest["inputs"]}
    assert by_name["requests.warc.gz"]["units"] == 0
    assert by_name["requests.warc.gz"]["warc_records"] == {"request": 1}
    problems, _summary = check_partition(str(lake), DAY)
    assert problems == []
    [row] = pq.read_table(lake / "articles").to_pylist()
    assert row["source_format"] == "warc"
    assert row["url"] == "https://news.example/pier"
    assert row["fetched_at"].isoformat() == "2026-02-13T08:30:00+00:00"
    assert row["payload_digest"].startswith("sha1:")
    assert row["warc_record_id"].startswith("<urn:uuid:")


def _example_pages() -> dict[str, bytes]:
    """The example HTML pages (gzip ones inflated), by file name."""
    pages = {}
    for path in sorted(EXAMPLES.glob("*/*")):
        if path.name.endswith((".html", ".htm")):
            pages[path.name] = path.read_bytes()
        elif path.name.endswith(".html.gz"):
            pages[path.name.removesuffix(".gz")] = gzip.decompress(path.read_bytes())
    return pages


def _rows(root: Path, lake: Path) -> tuple[dict[str, dict], list[str]]:
    run_day(str(root), str(lake), DAY, SETTINGS)
    articles = pq.read_table(lake / "articles").to_pylist()
    quarantine = pq.read_table(lake / "quarantine").to_pylist()
    by_page = {row["source_uri"].rsplit("/", 1)[-1]: row for row in articles}
    return by_page, sorted(row["reason"] for row in quarantine)


def test_a_warc_of_the_example_pages_gives_the_same_articles_as_the_files(tmp_path: Path) -> None:
    pages = _example_pages()
    loose = tmp_path / "loose"
    loose.mkdir()
    for name, body in pages.items():
        (loose / name).write_bytes(body)
    as_files, rejected_files = _rows(loose, tmp_path / "lake-files")

    # Crawled at the page's own URL where it names one (as CC-NEWS records it).
    targets = {
        name: (as_files[name]["url"] if name in as_files else None)
        or f"https://archive.example/{name}"
        for name in pages
    }
    warc_dir = tmp_path / "warc"
    warc_dir.mkdir()
    archive = Archive(warc_dir / "pages.warc.gz")
    for name, body in pages.items():
        archive.response(targets[name], body, chunk=True)
    archive.close()
    as_warc_rows, rejected_warc = _rows(warc_dir, tmp_path / "lake-warc")
    by_url = {row["url"]: row for row in as_warc_rows.values()}
    as_warc = {name: by_url[targets[name]] for name in as_files}

    assert rejected_files == rejected_warc
    assert len(as_warc_rows) == len(as_files) >= 4
    same = ["title", "text", "authors", "published_at", "language", "description"]
    same += ["categories", "tags", "removed", "repairs"]
    for name, row in as_files.items():
        warc_row = as_warc[name]
        assert {key: row[key] for key in same} == {key: warc_row[key] for key in same}, name
        if row["url"]:  # the page named its URL: the same URL, domain and site name
            assert (row["url"], row["source_domain"], row["site_name"]) == (
                warc_row["url"],
                warc_row["source_domain"],
                warc_row["site_name"],
            )
        else:  # the crawl adds the URL the file did not have
            assert warc_row["url"] == targets[name]
        assert row["fetched_at"] is None and row["warc_record_id"] is None
        assert warc_row["fetched_at"].isoformat() == "2026-02-13T08:30:00+00:00"
        assert warc_row["warc_record_id"] and warc_row["payload_digest"]
        path, _, offset = warc_row["source_uri"].rpartition("#")
        assert record_at(path, int(offset))[1] == pages[name]


@pytest.mark.parametrize("gzip_records", [True, False])
def test_damaged_framing_keeps_the_records_before_it(tmp_path: Path, gzip_records: bool) -> None:
    archive = Archive(tmp_path / "crawl.warc", gzip_records=gzip_records)
    archive.response("https://news.example/pier", page("Pier", STORY).encode())
    path = archive.close()
    good = path.read_bytes()
    path.write_bytes(good + b"NOT A RECORD\r\njunk\r\n\r\n" + good)
    read, units = _read(path)
    assert isinstance(units[0], RawUnit)
    assert isinstance(units[1], Rejected) and units[1].reason == "read.warc_damaged"
    assert units[1].source_uri == f"{path}#{len(good)}"
    assert read.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_page_named_as_an_archive_is_one_quarantine_row(tmp_path: Path) -> None:
    path = tmp_path / "page.warc"
    path.write_text(page("Not an archive", STORY))
    _read_, units = _read(path)
    assert [unit.reason for unit in units] == ["read.warc_damaged"]
