"""The output contract: JSON Schemas in schemas/, and the Arrow schema derived from them.

`schemas/article.schema.json` and `schemas/quarantine.schema.json` are the only
place output fields are defined. The Parquet schema is derived here, so the two can
never disagree.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

ARTICLE = "article"
QUARANTINE = "quarantine"
STORY = "story"
# Hive-style partition column: it lives in the directory name, not inside the files,
# so pyarrow, pandas, Polars and Spark can all read the partitioned lake.
PARTITION_COLUMN = "ingest_date"


def schema_dir() -> Path:
    """schemas/ in the source tree, or the copy packaged inside newsclean."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schemas", here.parents[1] / "schemas"):
        if (candidate / "article.schema.json").is_file():
            return candidate
    raise FileNotFoundError("newsclean schemas not found beside the package or the source tree")


@cache
def load_schema(name: str) -> dict[str, Any]:
    with open(schema_dir() / f"{name}.schema.json", encoding="utf-8") as handle:
        return json.load(handle)


def schema_version(name: str) -> str:
    return load_schema(name)["x-schema-version"]


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def warm_up() -> None:
    """Do the one-time work of the first validation and the first Parquet batch now:
    compile the schema checks, and make pyarrow's first conversion, which imports
    pandas (about a second) when it is installed. Shards call it while workers start."""
    for name in (ARTICLE, QUARANTINE):
        _compiled_check(name)
    pa.array([], type=pa.string())


def validation_error(record: dict[str, Any], name: str) -> str | None:
    """None if the record is valid; else the first error, with the field's path.

    Every record is checked against every rule of the schema by a check compiled from
    it (`compile_check`); only a record that fails goes through jsonschema, for the
    error message (jsonschema on every record would cost more than the rest of a run).
    """
    if name == QUARANTINE:
        record = {**record, "payload": base64.b64encode(record["payload"]).decode("ascii")}
    if _compiled_check(name)(record):
        return None
    error = next(iter(_validator(name).iter_errors(record)), None)
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "(record)"
    message = error.message if len(error.message) <= 300 else error.message[:300] + "…"
    return f"{where}: {message}"


# JSON Schema keywords that only annotate: they never make a record invalid.
_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "title",
        "description",
        "examples",
        "default",
        "contentEncoding",
        "contentMediaType",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "null": lambda value: value is None,
    "boolean": lambda value: isinstance(value, bool),
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "integer": lambda value: (
        isinstance(value, int)
        and not isinstance(value, bool)
        or isinstance(value, float)
        and value.is_integer()
    ),
}
_PLAIN_TYPES: dict[str, type] = {"string": str, "null": type(None), "object": dict, "array": list}
Check = Callable[[Any], bool]


@cache
def _compiled_check(name: str) -> Check:
    from jsonschema import FormatChecker

    return compile_check(load_schema(name), FormatChecker())


def compile_check(spec: dict[str, Any], format_checker: Any) -> Check:
    """A function telling whether a value satisfies `spec`, as jsonschema decides.

    Covers the keywords newsclean's schemas use (type, enum, pattern, minLength,
    minimum, maximum, format, properties, required, additionalProperties, items) with
    jsonschema's semantics; any other keyword is an error here, so a schema can never
    gain a rule that is silently skipped.
    """
    checks: list[Check] = []
    for keyword, value in spec.items():
        if keyword in _ANNOTATIONS or keyword.startswith("x-"):
            continue
        checks.append(_keyword_check(keyword, value, spec, format_checker))
    checks = [check for check in checks if check is not _always]
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    return lambda value: all(check(value) for check in checks)


def _always(value: Any) -> bool:
    return True


def _keyword_check(keyword: str, value: Any, spec: dict[str, Any], formats: Any) -> Check:
    if keyword == "type":
        kinds = [value] if isinstance(value, str) else list(value)
        if set(kinds) <= set(_PLAIN_TYPES):  # one isinstance call: the common case
            plain = tuple(_PLAIN_TYPES[kind] for kind in kinds)
            return lambda item: isinstance(item, plain)
        tests = [_TYPES[kind] for kind in kinds]
        return lambda item: any(test(item) for test in tests)
    if keyword == "enum" and all(isinstance(option, str) for option in value):
        options = frozenset(value)
        return lambda item: isinstance(item, str) and item in options
    if keyword == "pattern":
        search = re.compile(value).search
        return lambda item: not isinstance(item, str) or search(item) is not None
    if keyword == "minLength":
        return lambda item: not isinstance(item, str) or len(item) >= value
    if keyword == "minimum":
        number = _TYPES["number"]
        return lambda item: not number(item) or item >= value
    if keyword == "maximum":
        number = _TYPES["number"]
        return lambda item: not number(item) or item <= value
    if keyword == "format":
        return lambda item: formats.conforms(item, value)
    if keyword == "required":
        names = tuple(value)
        return lambda item: not isinstance(item, dict) or all(key in item for key in names)
    if keyword == "properties":
        sub = {key: compile_check(subspec, formats) for key, subspec in value.items()}
        sub = {key: check for key, check in sub.items() if check is not _always}
        return lambda item: (
            not isinstance(item, dict)
            or all(check(item[key]) for key, check in sub.items() if key in item)
        )
    if keyword == "additionalProperties":
        if value is True:
            return _always
        if value is not False or "patternProperties" in spec:
            raise ValueError("additionalProperties other than true/false is not compiled")
        known = frozenset(spec.get("properties", ()))
        return lambda item: not isinstance(item, dict) or known.issuperset(item)
    if keyword == "items" and isinstance(value, dict):
        check = compile_check(value, formats)
        return lambda item: not isinstance(item, list) or all(check(element) for element in item)
    raise ValueError(f"JSON Schema keyword {keyword!r} is not compiled; add it to compile_check")


@cache
def arrow_schema(name: str) -> pa.Schema:
    """The Arrow schema of a record kind, derived from its JSON Schema."""
    schema = load_schema(name)
    required = set(schema.get("required", ()))
    fields = [
        pa.field(key, _arrow_type(spec), nullable=key not in required or _allows_null(spec))
        for key, spec in schema["properties"].items()
    ]
    metadata = {
        "newsclean.schema": schema["$id"],
        "newsclean.schema_version": schema["x-schema-version"],
    }
    return pa.schema(fields, metadata=metadata)


@cache
def file_schema(name: str) -> pa.Schema:
    """The schema of the Parquet files: the record's schema less the partition column."""
    schema = arrow_schema(name)
    return schema.remove(schema.get_field_index(PARTITION_COLUMN))


def _allows_null(spec: dict[str, Any]) -> bool:
    kinds = spec.get("type")
    return isinstance(kinds, list) and "null" in kinds


def _arrow_type(spec: dict[str, Any]) -> pa.DataType:
    kinds = spec.get("type")
    kind = next(k for k in kinds if k != "null") if isinstance(kinds, list) else kinds
    if spec.get("x-arrow-type") == "binary":
        return pa.binary()
    if kind == "string":
        if spec.get("format") == "date-time":
            return pa.timestamp("us", tz="UTC")
        if spec.get("format") == "date":
            return pa.date32()
        return pa.string()
    if kind == "integer":
        return pa.int64()
    if kind == "number":
        return pa.float64()
    if kind == "boolean":
        return pa.bool_()
    if kind == "array":
        return pa.list_(_arrow_type(spec["items"]))
    if kind == "object":
        required = set(spec.get("required", ()))
        return pa.struct(
            [
                pa.field(key, _arrow_type(sub), nullable=key not in required or _allows_null(sub))
                for key, sub in spec["properties"].items()
            ]
        )
    raise ValueError(f"no Arrow type for JSON Schema type {kind!r}")
