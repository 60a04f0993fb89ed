"""The compiled schema check agrees with jsonschema on valid and broken records."""

from __future__ import annotations

import base64
import itertools
from datetime import date
from typing import Any

import pytest
from conftest import sample_article
from jsonschema import Draft202012Validator, FormatChecker

from newsclean.record import Rejected
from newsclean.rows import article_record, quarantine_record
from newsclean.validate import ARTICLE, QUARANTINE, compile_check, load_schema

DAY = date(2026, 2, 13)
ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    3.0,
    2.5,
    "",
    "x",
    "en",
    "EN",
    "2026-02-13",
    "2026-02-30",
    "2026-02-13T15:40:15Z",
    "2026-02-13T15:40:15",
    "0123456789abcdef0123456789abcdef",
    "a" * 64,
    "0" * 64,
    [],
    ["a"],
    [""],
    [1],
    ("a",),
    {},
    {"kind": "x", "text": "y"},
    [{"kind": "x", "text": "y"}],
    [{"kind": "x"}],
    [{"kind": "x", "text": "y", "z": 1}],
    [{"kind": "x", "text": "y", "confidence": 0.5}],
    [{"kind": "x", "text": "y", "confidence": None}],
    [{"kind": "x", "text": "y", "confidence": 1.5}],
    [{"kind": "x", "text": "y", "confidence": -0.1}],
    [{"kind": "x", "text": "y", "confidence": "0.5"}],
    [{"kind": "x", "before": "a", "after": "b"}],
    "html",
    "pdf",
    "extract",
    b"bytes",
]


def _article_record() -> dict[str, Any]:
    return article_record(sample_article(), ingest_date=DAY, pipeline_version="1.0")


def _quarantine_record() -> dict[str, Any]:
    rejected = Rejected("raw/x.html", "html", "extract", "extract.no_content", "nothing", b"xyz")
    record = quarantine_record(rejected, ingest_date=DAY, pipeline_version="1.0", payload_cap=10)
    return {**record, "payload": base64.b64encode(record["payload"]).decode("ascii")}


def _variants(record: dict[str, Any]) -> list[dict[str, Any]]:
    variants = [record, {**record, "extra": 1}]
    for key in record:
        variants.append({k: v for k, v in record.items() if k != key})
        variants.extend({**record, key: value} for value in ODD_VALUES)
    for first, second in itertools.combinations(list(record)[:6], 2):
        variants.append({**record, first: None, second: 3.0})
    return variants


@pytest.mark.parametrize(
    "kind, make", [(ARTICLE, _article_record), (QUARANTINE, _quarantine_record)]
)
def test_compiled_check_agrees_with_jsonschema(kind: str, make: Any) -> None:
    schema = load_schema(kind)
    checker = FormatChecker()
    reference = Draft202012Validator(schema, format_checker=checker)
    compiled = compile_check(schema, checker)
    variants = _variants(make())
    assert compiled(variants[0]) and reference.is_valid(variants[0])
    for variant in variants:
        assert compiled(variant) == reference.is_valid(variant), variant


def test_unknown_keywords_are_refused_not_skipped() -> None:
    with pytest.raises(ValueError, match="maxLength"):
        compile_check({"type": "string", "maxLength": 3}, FormatChecker())
