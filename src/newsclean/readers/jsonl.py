"""JSON Lines scrapes: one page per line, with `url` and `html` or `text`."""

from __future__ import annotations

import json
from typing import Any

# Known keys, first match wins; the values stay raw until extraction normalises them.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "url": ("url", "canonical_url", "link", "source_url"),
    "title": ("title", "headline"),
    "published": (
        "published",
        "published_at",
        "date_published",
        "datePublished",
        "date",
        "pubdate",
    ),
    "authors": ("authors", "author", "byline", "creator"),
    "language": ("language", "lang"),
    "site_name": ("site_name", "sitename", "publisher"),
    # Scrapers disagree on `source` (a URL, a site, an author); extraction decides.
    "source": ("source",),
    "description": ("description", "summary", "excerpt"),
    "categories": ("categories", "category", "section"),
    "tags": ("tags", "keywords"),
}
HTML_KEYS = ("html", "raw_html", "content_html", "page")
TEXT_KEYS = ("text", "content", "body", "markdown", "article")


def known_fields(record: dict[str, Any]) -> dict[str, Any]:
    """Map a scraper's keys (JSON Lines, front matter) to newsclean's field names."""
    fields: dict[str, Any] = {}
    for name, aliases in FIELD_ALIASES.items():
        for key in aliases:
            if record.get(key) not in (None, "", []):
                fields[name] = record[key]
                break
    return fields


class BadRecord(ValueError):
    """A JSON Lines record that cannot become a unit."""


def parse_record(line: str) -> tuple[str, str, dict[str, Any]]:
    """Parse one JSON Lines record into (content_kind, content, fields).

    content_kind is "html" or "text"; raises BadRecord with a reason code and
    message when the line is not a JSON object with content.
    """
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as error:
        raise BadRecord("read.bad_json", f"not valid JSON: {error}") from None
    if not isinstance(record, dict):
        raise BadRecord("read.bad_json", f"expected a JSON object, got {type(record).__name__}")
    fields = known_fields(record)
    for key in HTML_KEYS:
        if isinstance(record.get(key), str) and record[key].strip():
            return "html", record[key], fields
    for key in TEXT_KEYS:
        if isinstance(record.get(key), str) and record[key].strip():
            return "text", record[key], fields
    raise BadRecord("read.no_content", "record has no non-empty html or text field")
