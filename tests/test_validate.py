"""The output contract: JSON Schemas, the Arrow schema derived from them, validation."""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import pytest
from conftest import sample_article

from newsclean.config import Settings, SettingsError
from newsclean.record import Rejected
from newsclean.rows import article_record, quarantine_record, to_arrow
from newsclean.validate import (
    ARTICLE,
    QUARANTINE,
    arrow_schema,
    file_schema,
    load_schema,
    schema_dir,
    validation_error,
)

DAY = date(2026, 2, 13)


def test_schemas_are_valid_draft_2020_12() -> None:
    from jsonschema import Draft202012Validator

    for name in (ARTICLE, QUARANTINE):
        schema = load_schema(name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(schema)


def test_arrow_schema_is_derived_from_every_json_schema_property() -> None:
    for name in (ARTICLE, QUARANTINE):
        properties = json.loads((schema_dir() / f"{name}.schema.json").read_text())["properties"]
        assert arrow_schema(name).names == list(properties)
        assert "ingest_date" not in file_schema(name).names


def test_arrow_types() -> None:
    schema = arrow_schema(ARTICLE)
    assert schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("ingest_date").type == pa.date32()
    assert schema.field("word_count").type == pa.int64()
    assert schema.field("authors").type == pa.list_(pa.string())
    assert schema.field("repairs").type == pa.list_(
        pa.struct(
            [
                pa.field("kind", pa.string(), False),
                pa.field("before", pa.string(), False),
                pa.field("after", pa.string(), False),
            ]
        )
    )
    assert not schema.field("id").nullable and schema.field("title").nullable
    assert arrow_schema(QUARANTINE).field("payload").type == pa.binary()
    assert schema.metadata[b"newsclean.schema_version"] == b"1.1.0"
    assert schema.field("duplicate_of").type == pa.string()
    assert schema.field("duplicate_of").nullable
    assert schema.field("similarity").type == pa.float64()
    assert not schema.field("story_id").nullable


def test_valid_article_record_round_trips_to_arrow() -> None:
    record = article_record(sample_article(), ingest_date=DAY, pipeline_version="1.0")
    assert validation_error(record, ARTICLE) is None
    assert record["word_count"] == 4
    table = to_arrow([record], ARTICLE)
    assert table.schema == file_schema(ARTICLE)
    row = table.to_pylist()[0]
    assert row["repairs"] == [{"kind": "encoding", "before": "Itâ€™s", "after": "It’s"}]
    assert row["published_at"].isoformat() == "2026-02-13T15:40:15+00:00"


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"text": ""}, "text"),
        ({"id": "not-an-id"}, "id"),
        ({"language": "English"}, "language"),
        ({"published_at": "13 Feb 2026"}, "published_at"),
        ({"source_format": "pdf"}, "source_format"),
    ],
)
def test_invalid_article_records_name_the_field(changes: dict, where: str) -> None:
    record = article_record(sample_article(**changes), ingest_date=DAY, pipeline_version="1.0")
    error = validation_error(record, ARTICLE)
    assert error is not None and error.startswith(where)


def test_unknown_fields_are_invalid() -> None:
    record = article_record(sample_article(), ingest_date=DAY, pipeline_version="1.0")
    record["extra"] = 1
    assert "extra" in validation_error(record, ARTICLE)


def test_quarantine_record_caps_payload_and_validates() -> None:
    rejected = Rejected(
        "raw/x.html", "html", "extract", "extract.no_content", "nothing", b"x" * 100
    )
    record = quarantine_record(rejected, ingest_date=DAY, pipeline_version="1.0", payload_cap=10)
    assert (
        record["payload"] == b"x" * 10
        and record["payload_size"] == 100
        and record["payload_truncated"]
    )
    assert validation_error(record, QUARANTINE) is None
    assert to_arrow([record], QUARANTINE).num_rows == 1


def test_settings_are_checked_when_built() -> None:
    assert Settings().worker_count >= 1
    with pytest.raises(SettingsError, match="unit_timeout"):
        Settings(unit_timeout=0)
    with pytest.raises(SettingsError, match="max_quarantine_share"):
        Settings(max_quarantine_share=2)
    with pytest.raises(SettingsError, match="unknown setting"):
        Settings.from_mapping({"no_such": 1})
    assert Settings.from_env(
        {"NEWSCLEAN_WORKERS": "3", "NEWSCLEAN_FIX_TYPOS": "false"}
    ) == Settings(workers=3, fix_typos=False)
    with pytest.raises(SettingsError, match="whole number"):
        Settings.from_env({"NEWSCLEAN_WORKERS": "many"})
