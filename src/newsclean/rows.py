"""Records as rows: an `Article` or a `Rejected` shaped as its JSON Schema record, and
records as Arrow tables of the lake's file schema."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from newsclean.record import Article, Rejected, Removal
from newsclean.validate import file_schema


def article_record(article: Article, *, ingest_date: date, pipeline_version: str) -> dict[str, Any]:
    """The article as a JSON-Schema-shaped dict (dates as ISO strings)."""
    return {
        "id": article.id,
        "source_uri": article.source_uri,
        "source_format": article.source_format,
        "url": article.url,
        "source_domain": article.source_domain,
        "title": article.title,
        "authors": list(article.authors),
        "published_at": article.published_at,
        "language": article.language,
        "site_name": article.site_name,
        "description": article.description,
        "categories": list(article.categories),
        "tags": list(article.tags),
        **_text_fields(article.text),
        "removed": _removals(article.removed),
        "repairs": [
            {"kind": r.kind, "before": r.before, "after": r.after} for r in article.repairs
        ],
        "fetched_at": article.fetched_at,
        "warc_record_id": article.warc_record_id,
        "payload_digest": article.payload_digest,
        # Until the day is clustered at publish (newsclean.stories), every article is
        # its own canonical copy and its own story.
        "duplicate_of": None,
        "similarity": None,
        "story_id": article.id,
        "ingest_date": ingest_date.isoformat(),
        "pipeline_version": pipeline_version,
    }


def _text_fields(text: str) -> dict[str, Any]:
    return {
        "text": text,
        "word_count": len(text.split()),
        "content_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }


def _removals(removed: Iterable[Removal]) -> list[dict[str, Any]]:
    return [{"kind": r.kind, "text": r.text, "confidence": r.confidence} for r in removed]


def quarantine_record(
    rejected: Rejected, *, ingest_date: date, pipeline_version: str, payload_cap: int
) -> dict[str, Any]:
    """The rejection as a JSON-Schema-shaped dict; the payload kept up to payload_cap bytes."""
    payload = rejected.payload
    raw = payload.encode("utf-8", errors="surrogateescape") if isinstance(payload, str) else payload
    return {
        "source_uri": rejected.source_uri,
        "source_format": rejected.source_format,
        "stage": rejected.stage,
        "reason": rejected.reason,
        "detail": rejected.detail,
        "payload": bytes(raw[:payload_cap]),
        "payload_size": len(raw),
        "payload_truncated": len(raw) > payload_cap,
        "ingest_date": ingest_date.isoformat(),
        "pipeline_version": pipeline_version,
    }


def to_arrow(records: list[dict[str, Any]], name: str) -> pa.Table:
    """Records (as validated) to an Arrow table of the file schema (no partition column)."""
    schema = file_schema(name)
    columns = {}
    for field in schema:
        values = [record[field.name] for record in records]
        if pa.types.is_timestamp(field.type):
            values = [
                None if v is None else datetime.fromisoformat(v.replace("Z", "+00:00"))
                for v in values
            ]
        elif pa.types.is_date32(field.type):
            values = [None if v is None else date.fromisoformat(v) for v in values]
        columns[field.name] = pa.array(values, type=field.type)
    return pa.Table.from_pydict(columns, schema=schema)
