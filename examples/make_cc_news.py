"""Write the example scrapes' pages as a small CC-NEWS-style archive, for trying backfills.

    uv run python examples/make_cc_news.py OUT_DIR

For each day of examples/raw, one WARC file named as Common Crawl names CC-NEWS files
(`CC-NEWS-YYYYMMDDhhmmss-NNNNN.warc.gz`, a gzip member per record) under
OUT_DIR/YYYY/MM/: a warcinfo record, then for each HTML page of the day a request and
a response (chunked, as crawlers store them), crawled at the page's URL where it names
one. Then:

    uv run newsclean backfill --input OUT_DIR --lake LAKE --from 2026-02-13 \\
        --to 2026-02-15 --days-by warc-date
"""

from __future__ import annotations

import gzip
import io
import re
import sys
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

EXAMPLES = Path(__file__).resolve().parent / "raw"
_URL = re.compile(rb'(?:rel="canonical" href|property="og:url" content)="([^"]+)"')


def _pages(day: Path) -> list[tuple[str, bytes]]:
    pages = []
    for path in sorted(day.iterdir()):
        if path.name.endswith((".html", ".htm")):
            pages.append((path.name, path.read_bytes()))
        elif path.name.endswith(".html.gz"):
            pages.append((path.name.removesuffix(".gz"), gzip.decompress(path.read_bytes())))
    return pages


def _chunked(body: bytes, size: int = 4096) -> bytes:
    pieces = [body[start : start + size] for start in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


def write_day(day: Path, out: Path, number: int) -> Path:
    """One CC-NEWS-style WARC file of a day's HTML pages, crawled at 08:30 UTC."""
    stamp = f"{day.name}T08:30:00Z"
    name = f"CC-NEWS-{day.name.replace('-', '')}083000-{number:05d}.warc.gz"
    path = out / day.name[:4] / day.name[5:7] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        info = {"software": "newsclean examples/make_cc_news.py", "format": "WARC/1.0"}
        writer.write_record(writer.create_warcinfo_record(name, info))
        for page_name, body in _pages(day):
            found = _URL.search(body)
            url = found.group(1).decode() if found else f"https://news.example/{page_name}"
            request = StatusAndHeaders(
                "GET / HTTP/1.1", [("Host", url.split("/")[2])], is_http_request=True
            )
            response = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked")],
                protocol="HTTP/1.1",
            )
            for kind, payload, headers in (
                ("request", b"", request),
                ("response", _chunked(body), response),
            ):
                record = writer.create_warc_record(
                    url,
                    kind,
                    payload=io.BytesIO(payload),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": stamp},
                )
                writer.write_record(record)
    return path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: make_cc_news.py OUT_DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    for number, day in enumerate(sorted(EXAMPLES.iterdir())):
        print(write_day(day, out, number))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
