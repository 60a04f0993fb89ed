"""Verify a published day: its manifest, its files, its rows and its accounting."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from newsclean import delta
from newsclean.lake import (
    KINDS,
    MANIFEST,
    TABLE_DIRS,
    file_sha256,
    lake_root,
    partition_dir,
    partition_files,
    read_json,
    read_part,
    read_partition,
    recover,
)
from newsclean.stories.store import window_ids
from newsclean.validate import ARTICLE, QUARANTINE, STORY, validation_error

STORY_KEY = "stories"  # the manifest's story summary; days published before it have none


def check_partition(
    lake: str, ingest_date: date, lake_format: str | None = None
) -> tuple[list[str], str]:
    """Problems found (empty when the day is whole) and a one-line summary."""
    if delta.lake_format(lake, lake_format) == delta.DELTA:
        return _check_delta(delta.DeltaLake(lake), ingest_date)
    root = lake_root(lake)
    recover(root, ingest_date)
    problems: list[str] = []
    manifests = {}
    for kind in KINDS:
        path = partition_dir(root, kind, ingest_date) / MANIFEST
        try:
            manifests[kind] = read_json(path)
        except FileNotFoundError:
            problems.append(f"no manifest at {path}")
        except ValueError as error:
            problems.append(f"manifest {path} is not valid JSON: {error}")
    if len(manifests) < len(KINDS):
        return problems, f"{ingest_date}: not published"
    manifest = manifests[ARTICLE]
    if manifests[QUARANTINE] != manifest:
        problems.append("the articles and quarantine manifests differ")
    if manifests[STORY] != manifest:
        problems.append("the articles and stories manifests differ")
    units = _units_of(manifest, problems)
    if units is None:
        return problems, f"{ingest_date}: manifest unreadable: {len(problems)} problem(s)"
    reasons: Counter[str] = Counter()
    seen_ids: set[str] = set()
    counts = {
        kind: _check_rows(root, ingest_date, kind, manifest, problems, reasons, seen_ids)
        for kind in KINDS
    }
    if STORY_KEY in manifest:
        try:
            _check_stories(
                read_partition(root, ingest_date, ARTICLE),
                read_partition(root, ingest_date, STORY),
                lambda days: window_ids(root, ingest_date, days),
                manifest,
                problems,
            )
        except (OSError, pa.ArrowException):
            pass  # an unreadable part is already reported, file by file
    return problems, _summary(ingest_date, manifest, units, counts, reasons, problems)


def _check_delta(lake: delta.DeltaLake, ingest_date: date) -> tuple[list[str], str]:
    """Check a day of a Delta lake: its newest manifest row, and each table's rows of
    the day at the version that row names."""
    live = lake.live(ingest_date)
    if live is None:
        return [f"no manifest row for {ingest_date} in {lake.table_uri(delta.MANIFESTS)}"], (
            f"{ingest_date}: not published"
        )
    manifest = live["manifest"]
    problems: list[str] = []
    if manifest.get("run_id") != live["run_id"]:
        problems.append(
            f"manifest row says run {live['run_id']}, its manifest {manifest.get('run_id')}"
        )
    units = _units_of(manifest, problems)
    if units is None:
        return problems, f"{ingest_date}: manifest unreadable: {len(problems)} problem(s)"
    reasons: Counter[str] = Counter()
    seen_ids: set[str] = set()
    counts = {}
    tables = {}
    for kind in delta.KINDS:
        name, version = TABLE_DIRS[kind], live[f"{TABLE_DIRS[kind]}_version"]
        tables[kind] = table = lake.read_day(ingest_date, kind, version)
        staged = sum(int(entry["rows"]) for entry in manifest["files"].get(name, []))
        if table.num_rows != staged:
            problems.append(
                f"{name} version {version} has {table.num_rows} rows of {ingest_date}, "
                f"its staged parts had {staged}"
            )
        counts[kind] = _check_records(
            table, kind, f"{name}@v{version}", problems, reasons, seen_ids
        )
    if STORY_KEY in manifest:
        _check_stories(
            tables[ARTICLE],
            tables[STORY],
            lambda days: _delta_window_ids(lake, ingest_date, days),
            manifest,
            problems,
        )
    return problems, _summary(ingest_date, manifest, units, counts, reasons, problems)


def _delta_window_ids(lake: delta.DeltaLake, ingest_date: date, days: int) -> set[str]:
    """Ids of the articles in a Delta day's signature window, read from the lake's store."""
    with tempfile.TemporaryDirectory(prefix="newsclean-check-") as scratch:
        earlier = (ingest_date - timedelta(days=offset) for offset in range(days, 0, -1))
        lake.fetch_profiles(earlier, Path(scratch), delta.SIGNATURES, ".parquet")
        return window_ids(Path(scratch), ingest_date, days)


def _summary(
    ingest_date: date,
    manifest: dict[str, Any],
    units: dict[str, int],
    counts: dict[str, int],
    reasons: Counter[str],
    problems: list[str],
) -> str:
    """Compare the rows counted with the manifest's; the day's one-line summary."""
    if counts[ARTICLE] != units["written"]:
        problems.append(f"{counts[ARTICLE]} article rows, manifest says {units['written']}")
    if counts[QUARANTINE] != units["quarantined"]:
        problems.append(
            f"{counts[QUARANTINE]} quarantine rows, manifest says {units['quarantined']}"
        )
    if dict(reasons) != manifest["quarantined_by_reason"]:
        problems.append(
            f"quarantine rows by reason {dict(sorted(reasons.items()))} differ from the manifest's "
            f"{manifest['quarantined_by_reason']}"
        )
    return (
        f"{ingest_date}: read {units['read']}, written {counts[ARTICLE]}, "
        f"quarantined {counts[QUARANTINE]}: "
        + ("OK" if not problems else f"{len(problems)} problem(s)")
    )


def _units_of(manifest: dict[str, Any], problems: list[str]) -> dict[str, int] | None:
    """The manifest's unit counts once its arithmetic is checked; None (and a problem)
    if it is too incomplete or malformed to check."""
    try:
        return _check_manifest(manifest, problems)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        problems.append(f"manifest is incomplete or malformed: {type(error).__name__}: {error}")
        return None


def _check_manifest(manifest: dict[str, Any], problems: list[str]) -> dict[str, int]:
    """Check the manifest's own arithmetic; returns its unit counts."""
    units = manifest["units"]
    if units["read"] != units["written"] + units["quarantined"]:
        problems.append(
            f"read {units['read']} != written {units['written']}"
            f" + quarantined {units['quarantined']}"
        )
    if sum(manifest["quarantined_by_reason"].values()) != units["quarantined"]:
        problems.append("quarantined_by_reason does not add up to the quarantined count")
    input_units = sum(entry["units"] for entry in manifest["inputs"])
    if input_units != units["read"]:
        problems.append(
            f"inputs account for {input_units} units, manifest says {units['read']} read"
        )
    for entry in manifest["inputs"]:
        # An archive of only non-unit records (request, metadata, images) is accounted
        # for by its `warc_records` counts instead.
        if entry["units"] < 1 and not entry.get("warc_records"):
            problems.append(f"input {entry['uri']!r} produced no unit")
    uris = [entry["uri"] for entry in manifest["inputs"]]
    if len(set(uris)) != len(uris):
        problems.append("an input is listed twice in the manifest")
    for kind in KINDS:
        for entry in manifest["files"].get(TABLE_DIRS[kind], []):
            int(entry["rows"]), str(entry["sha256"]), str(entry["name"])
    return units


def _check_rows(
    root: Any,
    ingest_date: date,
    kind: str,
    manifest: dict[str, Any],
    problems: list[str],
    reasons: Counter[str],
    seen_ids: set[str],
) -> int:
    listed = {entry["name"]: entry for entry in manifest["files"].get(TABLE_DIRS[kind], [])}
    directory = partition_dir(root, kind, ingest_date)
    found = {path.name: path for path in partition_files(root, ingest_date, kind)}
    for name in sorted(set(listed) ^ set(found)):
        where = (
            "in the manifest but missing" if name in listed else "present but not in the manifest"
        )
        problems.append(f"{TABLE_DIRS[kind]}/{name} is {where}")
    # Anything else in a partition breaks readers that list the directory (pandas, Spark).
    for path in sorted(directory.iterdir()):
        if path.name != MANIFEST and path.name not in found:
            problems.append(f"{TABLE_DIRS[kind]}/{path.name} does not belong in the partition")
    rows = 0
    for name, path in sorted(found.items()):
        entry = listed.get(name)
        if entry and file_sha256(path) != entry["sha256"]:
            problems.append(f"{TABLE_DIRS[kind]}/{name} does not match its manifest checksum")
        try:
            table = read_part(path, kind, ingest_date)
        except Exception as error:  # any unreadable file is a problem to report, not a crash
            problems.append(f"{TABLE_DIRS[kind]}/{name} cannot be read: {error}")
            continue
        if entry and entry["rows"] != table.num_rows:
            problems.append(
                f"{TABLE_DIRS[kind]}/{name} has {table.num_rows} rows,"
                f" manifest says {entry['rows']}"
            )
        rows += _check_records(
            table, kind, f"{TABLE_DIRS[kind]}/{name}", problems, reasons, seen_ids
        )
    return rows


def _check_records(
    table: Any,
    kind: str,
    where: str,
    problems: list[str],
    reasons: Counter[str],
    seen_ids: set[str],
) -> int:
    """Validate each row against the schema, count quarantine reasons and find duplicate
    article ids; returns the rows seen."""
    rows = 0
    for record in table.to_pylist():
        rows += 1
        if kind == QUARANTINE:
            reasons[record["reason"]] += 1
        error = validation_error(_as_json(record), kind)
        if error:
            problems.append(f"{where} row {rows}: {error}")
        if kind == ARTICLE:
            if record["id"] in seen_ids:
                problems.append(f"duplicate article id {record['id']}")
            seen_ids.add(record["id"])
    return rows


def _check_stories(
    articles: pa.Table,
    stories: pa.Table,
    window_ids: Callable[[int], set[str]],
    manifest: dict[str, Any],
    problems: list[str],
) -> None:
    """Near-duplicate and story labels agree with the day, its window (the article ids
    of the signature files of that many days before it) and its stories table."""
    ids = set(articles.column("id").to_pylist())
    window: set[str] | None = None
    members: Counter[str] = Counter()
    for record in articles.select(["id", "duplicate_of", "similarity", "story_id"]).to_pylist():
        members[record["story_id"]] += 1
        if (record["duplicate_of"] is None) != (record["similarity"] is None):
            problems.append(f"article {record['id']}: duplicate_of and similarity disagree")
        target = record["duplicate_of"]
        if target is None or target in ids:
            continue
        if window is None:
            window = window_ids(int(manifest["settings"].get("story_window_days", 0)))
        if target not in window:
            problems.append(
                f"article {record['id']}: duplicate_of {target} is neither in the day "
                "nor in its signature window"
            )
    listed = dict(
        zip(
            stories.column("story_id").to_pylist(),
            stories.column("articles").to_pylist(),
            strict=True,
        )
    )
    if listed != dict(members):
        problems.append("the stories table does not count the day's articles by story_id")
    if stories.num_rows != manifest[STORY_KEY]["stories"]:
        problems.append(
            f"{stories.num_rows} story rows, manifest says {manifest[STORY_KEY]['stories']}"
        )


def _as_json(record: dict[str, Any]) -> dict[str, Any]:
    converted = dict(record)
    for key, value in record.items():
        if hasattr(value, "hour"):
            converted[key] = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif hasattr(value, "isoformat"):
            converted[key] = value.isoformat()
    return converted
