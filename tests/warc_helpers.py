"""Build WARC and ARC files for tests with warcio's own writer (ARC by hand: warcio
reads ARC but does not write it)."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def chunked(body: bytes, size: int = 37) -> bytes:
    """`body` in HTTP/1.1 chunked framing."""
    pieces = [body[start : start + size] for start in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


class Archive:
    """A WARC file being written: add records, then `close()`."""

    def __init__(self, path: Path, *, gzip_records: bool = True) -> None:
        self.path = path
        self._handle = open(path, "wb")  # noqa: SIM115 - closed by close()
        self._writer = WARCWriter(self._handle, gzip=gzip_records)

    def response(
        self,
        url: str,
        body: bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        date: str = "2026-02-13T08:30:00Z",
        status: str = "200 OK",
        chunk: bool = False,
        chunk_size: int = 37,
        gzip_body: bool = False,
    ) -> None:
        headers = [("Content-Type", content_type)]
        if gzip_body:
            body = gzip.compress(body)
            headers.append(("Content-Encoding", "gzip"))
        if chunk:
            body = chunked(body, chunk_size)
            headers.append(("Transfer-Encoding", "chunked"))
        else:
            headers.append(("Content-Length", str(len(body))))
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        self._write(url, "response", body, http_headers=http, date=date)

    def resource(self, url: str, body: bytes, content_type: str, date: str) -> None:
        self._write(url, "resource", body, warc_content_type=content_type, date=date)

    def request(self, url: str, date: str = "2026-02-13T08:30:00Z") -> None:
        http = StatusAndHeaders(
            "GET / HTTP/1.1", [("Host", "example.com")], protocol="HTTP/1.1", is_http_request=True
        )
        self._write(url, "request", b"", http_headers=http, date=date)

    def metadata(self, url: str, date: str = "2026-02-13T08:30:00Z") -> None:
        self._write(
            url,
            "metadata",
            b"via: crawler\n",
            warc_content_type="application/warc-fields",
            date=date,
        )

    def warcinfo(self) -> None:
        record = self._writer.create_warcinfo_record(self.path.name, {"software": "tests"})
        self._writer.write_record(record)

    def _write(self, url: str, kind: str, body: bytes, *, date: str, **options: object) -> None:
        record = self._writer.create_warc_record(
            url,
            kind,
            payload=io.BytesIO(body),
            warc_headers_dict={"WARC-Date": date},
            **options,
        )
        self._writer.write_record(record)

    def close(self) -> Path:
        self._handle.close()
        return self.path


def page(title: str, paragraphs: Iterable[str], *, charset: str | None = None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        f"<!doctype html><html><head>{meta}<title>{title}</title></head><body><article>"
        f"<h1>{title}</h1>{body}</article></body></html>"
    )


STORY = [
    "The harbour board voted on Tuesday to rebuild the old pier before the winter storms "
    "return, after two seasons of delays and a long argument over the cost of the work.",
    "Engineers said the new deck would stand a metre higher than the old one and would "
    "carry the ferry traffic that now waits at the far end of the bay every morning.",
    "Local fishermen welcomed the decision but asked the board to keep the slipway open "
    "while the work goes on, so that the smaller boats can still land their catch.",
]


def write_arc(path: Path, records: list[tuple[str, str, bytes]]) -> Path:
    """An ARC v1 file of (url, 14-digit date, HTTP response) records."""
    version = b"1 0 newsclean tests\nURL IP-address Archive-date Content-type Archive-length\n"
    header = b"filedesc://%s 0.0.0.0 20260213080000 text/plain %d\n" % (
        path.name.encode(),
        len(version),
    )
    out = [header + version + b"\n"]
    for url, date, response in records:
        line = b"%s 192.0.2.1 %s text/html %d\n" % (url.encode(), date.encode(), len(response))
        out.append(line + response + b"\n")
    path.write_bytes(b"".join(out))
    return path
