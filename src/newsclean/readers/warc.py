"""WARC and ARC archives (plain, or gzip with one member per record), read with warcio.

A `response`, `resource` or `conversion` record with an HTML or text payload becomes a
unit: its body de-chunked and decompressed (`content_stream`), its `url` the
`WARC-Target-URI`, its `fetched_at` the `WARC-Date` (UTC), its WARC-Record-ID and
WARC-Payload-Digest kept, and its `source_uri` `FILE#OFFSET`, the byte offset of the
record in the file as stored, from which `record_at` reads that one record again.
Every other record (warcinfo, request, metadata, revisit, a response that is an image
or a redirect) is counted by kind in `ArchiveRead.skipped`, which the day's manifest
keeps. A truncated record, a file gzipped as a whole and damaged framing become
quarantine rows. The file is streamed: one record's body (capped) is in memory at a time.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

from newsclean.config import Settings
from newsclean.record import RawUnit, Rejected

ARCHIVE_NAMES = (".warc", ".warc.gz", ".arc", ".arc.gz")
UNIT_RECORDS = frozenset({"response", "resource", "conversion"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml+html"})
_TEXT_TYPES = frozenset({"text/plain", "text/markdown"})
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.\-]{1,40})", re.I)
_BLOCK = 1 << 20
_HEAD = 4096  # bytes of a file looked at to tell that it is an archive


def is_archive_name(name: str) -> bool:
    """Whether a file name says WARC or ARC (`.warc`, `.warc.gz`, `.arc`, `.arc.gz`)."""
    return name.lower().endswith(ARCHIVE_NAMES)


def looks_like_archive(head: bytes) -> bool:
    """Whether the (inflated) first bytes of a file are a WARC or ARC record header
    (blank lines before it allowed)."""
    return head.lstrip(b"\r\n").startswith((b"WARC/", b"filedesc://"))


class _HashingReader:
    """A read-only file that hashes what is read through it and counts its position
    (warcio asks `tell()` for record offsets). `head`, the file's first bytes already
    read from `handle`, is served first."""

    def __init__(self, handle: IO[bytes], head: bytes = b"") -> None:
        self._handle = handle
        self._head = head
        self._digest = hashlib.sha256()
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                block = self._head + self._handle.read()
                self._head = b""
            else:
                block, self._head = self._head[:size], self._head[size:]
        else:
            block = self._handle.read(size)
        self._digest.update(block)
        self._position += len(block)
        return block

    def tell(self) -> int:
        return self._position

    def finish(self) -> str:
        """Hash the rest of the file (after a damaged record) and return the sha256."""
        for block in iter(lambda: self._handle.read(_BLOCK), b""):
            self._digest.update(block)
        return self._digest.hexdigest()


class ArchiveRead:
    """The units of one archive, and once they are all read, its sha256 and the records
    that did not become units, counted by kind (e.g. `request`, `response:image/png`)."""

    def __init__(self, uri: str, relative: str, handle: IO[bytes], settings: Settings) -> None:
        self.sha256 = ""
        self.skipped: Counter[str] = Counter()
        self._uri = uri
        self._relative = relative
        self._handle = handle
        self._settings = settings

    def __iter__(self) -> Iterator[RawUnit | Rejected]:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        head = self._handle.read(_HEAD)
        reader = _HashingReader(self._handle, head)
        records = ArchiveIterator(reader, arc2warc=True)
        offset = 0
        seen = 0
        try:
            if head.strip() and not looks_like_archive(inflated_head(head)):
                yield self._rejected(
                    0,
                    "read.warc_damaged",
                    "named as a WARC/ARC file but does not start with a record header",
                    head,
                )
                return
            for record in records:
                seen += 1
                offset = records.offset
                yield from self._record(record, offset)
                records.read_to_end()
                offset = records.offset  # where the next record starts
        except ArchiveLoadFailed as error:
            yield self._damaged(error, offset)
        except (OSError, EOFError, ValueError) as error:  # zlib and framing errors
            yield self._rejected(
                offset, "read.warc_damaged", f"record framing damaged: {error}", b""
            )
        else:
            if not seen:
                yield self._rejected(0, "read.empty", "archive holds no record", b"")
        finally:
            self.sha256 = reader.finish()
            self._handle.close()

    def _record(self, record: Any, offset: int) -> Iterator[RawUnit | Rejected]:
        kind = record.rec_type
        if kind not in UNIT_RECORDS:
            self.skipped[kind] += 1
            return
        status = record.http_headers.get_statuscode() if record.http_headers else None
        if status and not status.startswith("2"):
            self.skipped[f"{kind}:http-{status}"] += 1
            return
        content_type = _content_type(record)
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type in _HTML_TYPES:
            content_format = "html"
        elif media_type in _TEXT_TYPES:
            content_format = "text"
        else:
            self.skipped[f"{kind}:{media_type or 'no-content-type'}"] += 1
            return
        cap = self._settings.max_unit_bytes
        body = record.content_stream().read(cap + 1)
        if len(body) > cap:
            yield self._rejected(
                offset, "read.too_large", f"record larger than max_unit_bytes={cap}", body
            )
            return
        if record.raw_stream.limit > 0:  # the block ended before its Content-Length
            detail = (
                f"record ends {record.raw_stream.limit} bytes short of its Content-Length "
                "(a truncated file)"
            )
            yield self._rejected(offset, "read.warc_truncated", detail, body)
            return
        if not body.strip():
            yield self._rejected(offset, "read.empty", f"{kind} record has no payload", body)
            return
        headers = record.rec_headers
        fields = {
            "url": headers.get_header("WARC-Target-URI"),
            "fetched_at": _utc(headers.get_header("WARC-Date")),
            "warc_record_id": headers.get_header("WARC-Record-ID"),
            "payload_digest": headers.get_header("WARC-Payload-Digest"),
            "charset": _charset(content_type),
        }
        yield RawUnit(
            source_uri=f"{self._uri}#{offset}",
            relative_uri=f"{self._relative}#{offset}",
            source_format="warc",
            content_format=content_format,  # type: ignore[arg-type]
            payload=body,
            fields={name: value for name, value in fields.items() if value},
        )

    def _damaged(self, error: Exception, offset: int) -> Rejected:
        message = " ".join(str(error).split())
        if "non-chunked gzip" in message:
            return self._rejected(
                offset,
                "read.warc_whole_gzip",
                "the file is gzipped as a whole, not one gzip member per record: records "
                "after this offset cannot be located (fix: `warcio recompress IN OUT`)",
                b"",
            )
        return self._rejected(offset, "read.warc_damaged", message[:1000], b"")

    def _rejected(self, offset: int, reason: str, detail: str, payload: bytes) -> Rejected:
        return Rejected(f"{self._uri}#{offset}", "warc", "read", reason, detail, payload)


def inflated_head(head: bytes) -> bytes:
    """The start of a file's first bytes, inflated if they are gzip (b"" if that fails)."""
    if not head.startswith(b"\x1f\x8b"):
        return head
    try:
        return zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(head, 64)
    except zlib.error:
        return b""


def _content_type(record: Any) -> str:
    """The payload's media type: the HTTP header of a response, the WARC header of a
    resource or conversion record."""
    if record.http_headers is not None:
        value = record.http_headers.get_header("Content-Type")
        if value is not None:
            return value
    if record.rec_type != "response":
        return record.rec_headers.get_header("Content-Type") or ""
    return ""


def _charset(content_type: str) -> str | None:
    match = _CHARSET.search(content_type)
    return match.group(1).lower() if match else None


def _utc(value: str | None) -> str | None:
    """A WARC-Date (`2026-02-13T08:00:00Z`, maybe with fractions) as ISO 8601 UTC seconds."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_at(path: str, offset: int, *, cap: int = 64 << 20) -> tuple[dict[str, str], bytes]:
    """The WARC headers and the payload (de-chunked, decompressed, at most `cap` bytes)
    of the one record at `offset` of an archive: a unit's `source_uri` is `path#offset`."""
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as handle:
        handle.seek(offset)
        for record in ArchiveIterator(handle, arc2warc=True):
            return dict(record.rec_headers.headers), record.content_stream().read(cap)
    raise ValueError(f"no record at offset {offset} of {path}")


def first_date(handle: IO[bytes], *, look_at: int = 16) -> str | None:
    """The WARC-Date (ISO 8601 UTC) of an archive's first response, resource or
    conversion record among its first `look_at` records, else of its first dated record:
    a crawler's warcinfo record may be written when the file is, not when it crawled."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    fallback = None
    try:
        for seen, record in enumerate(ArchiveIterator(handle, arc2warc=True), start=1):
            found = _utc(record.rec_headers.get_header("WARC-Date"))
            if found and record.rec_type in UNIT_RECORDS:
                return found
            fallback = fallback or found
            if seen >= look_at:
                break
    except (ArchiveLoadFailed, OSError, EOFError, ValueError):
        pass
    return fallback
