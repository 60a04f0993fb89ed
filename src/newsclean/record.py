"""The records every stage speaks: the raw unit, the article, the rejection.

A raw unit is one scraped page as read from the input (a file, one line of a JSON
Lines file, or one record of a WARC archive). Each unit ends as exactly one
`Article` or one `Rejected`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

SourceFormat = Literal["html", "text", "markdown", "jsonl", "warc"]
ContentFormat = Literal["html", "text", "markdown"]


def _reduce(record: Any) -> tuple[type, tuple[Any, ...]]:
    """Pickle a record as its constructor call.

    Records cross the process boundary twice per unit (unit to the worker, article
    back). The default pickling of frozen slotted dataclasses looks up the fields and
    sets each attribute through `object.__setattr__`, several times slower than this.
    """
    return type(record), tuple(getattr(record, name) for name in record.__slots__)


@dataclass(frozen=True, slots=True)
class Removal:
    """A block the cleaner removed from the text: its kind, the text itself, and how sure
    the cleaner was (1.0 for a rule; a learned classifier's probability otherwise)."""

    kind: str
    text: str
    confidence: float = 1.0

    __reduce__ = _reduce


@dataclass(frozen=True, slots=True)
class Repair:
    """One edit the repair stage made: its kind and the text before and after."""

    kind: str
    before: str
    after: str

    __reduce__ = _reduce


@dataclass(frozen=True, slots=True)
class RawUnit:
    """One scraped page, before extraction.

    `payload` is the raw content (HTML bytes, or text). `fields` carries metadata the
    input already provided (JSON Lines keys, YAML front matter), unvalidated.
    `source_uri` names the unit: the input file's path, with `#<n>` for the n-th
    line of a JSON Lines file and `#<offset>` for the record at that byte offset of
    a WARC file. `relative_uri` is the same relative to the input
    root, and feeds the stable article id so that a moved archive keeps its ids.
    `source_format` is how the unit arrived; `content_format` is what its payload is
    (a JSON Lines record carries HTML, text or markdown).
    """

    source_uri: str
    relative_uri: str
    source_format: SourceFormat
    content_format: ContentFormat
    payload: bytes | str
    fields: dict[str, Any] = field(default_factory=dict)
    # The sha256 digest of `payload`, when the reader has it already (a file read as
    # stored, whose digest the manifest lists), so that the article id need not hash
    # the payload again.
    payload_sha256: bytes | None = None

    __reduce__ = _reduce


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article. Optional metadata is None when the input did not say."""

    id: str
    source_uri: str
    source_format: SourceFormat
    text: str
    title: str | None = None
    url: str | None = None
    source_domain: str | None = None
    authors: tuple[str, ...] = ()
    published_at: str | None = None  # ISO 8601, UTC, e.g. 2026-02-13T15:40:15Z
    language: str | None = None
    site_name: str | None = None
    description: str | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    removed: tuple[Removal, ...] = ()
    repairs: tuple[Repair, ...] = ()
    fetched_at: str | None = None  # when it was crawled (WARC-Date), ISO 8601 UTC
    warc_record_id: str | None = None
    payload_digest: str | None = None  # WARC-Payload-Digest: an exact-duplicate key

    __reduce__ = _reduce

    def evolve(self, **changes: Any) -> Article:
        """A copy with some fields changed (articles are immutable)."""
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A unit that could not become an article: which stage, why, and details.

    `reason` is a short stable code (e.g. `extract.empty`, `read.gzip_too_large`),
    good for grouping; `detail` is a human sentence.
    """

    source_uri: str
    source_format: str
    stage: str
    reason: str
    detail: str = ""
    payload: bytes | str = b""

    __reduce__ = _reduce

    @classmethod
    def of(cls, unit: RawUnit, stage: str, reason: str, detail: str) -> Rejected:
        """The rejection of a raw unit, which keeps the unit's payload."""
        return cls(unit.source_uri, unit.source_format, stage, reason, detail, unit.payload)
