"""Verify a published day: its manifest, its files, its rows and its accounting."""

from __future__ import annotations

from datetime import date
from typing import Any

from newsclean.lake import (
    KINDS,
    TABLE_DIRS,
    file_sha256,
    lake_root,
    partition_dir,
    partition_files,
    read_json,
    read_part,
    recover,
)
from newsclean.validate import ARTICLE, QUARANTINE, validation_error


def check_partition(lake: str, ingest_date: date) -> tuple[list[str], str]:
    """Problems found (empty when the day is whole) and a one-line summary."""
    root = lake_root(lake)
    recover(root, ingest_date)
    problems: list[str] = []
    manifests = {}
    for kind in KINDS:
        path = partition_dir(root, kind, ingest_date) / "_manifest.json"
        try:
            manifests[kind] = read_json(path)
        except FileNotFoundError:
            problems.append(f"no manifest at {path}")
        except ValueError as error:
            problems.append(f"manifest {path} is not valid JSON: {error}")
    if len(manifests) < len(KINDS):
        return problems, f"{ingest_date}: not published"
    manifest = manifests[ARTICLE]
    if manifests[QUARANTINE].get("run_id") != manifest.get("run_id"):
        problems.append("articles and quarantine partitions come from different runs")
    units = manifest["units"]
    if units["read"] != units["written"] + units["quarantined"]:
        problems.append(
            f"read {units['read']} != written {units['written']} + quarantined {units['quarantined']}"
        )
    input_units = sum(entry.get("units", 0) for entry in manifest["inputs"])
    if input_units != units["read"]:
        problems.append(f"inputs account for {input_units} units, manifest says {units['read']} read")
    for entry in manifest["inputs"]:
        if entry.get("units", 0) < 1:
            problems.append(f"input {entry['uri']} produced no unit")
    counts = {kind: _check_rows(root, ingest_date, kind, manifest, problems) for kind in KINDS}
    if counts[ARTICLE] != units["written"]:
        problems.append(f"{counts[ARTICLE]} article rows, manifest says {units['written']}")
    if counts[QUARANTINE] != units["quarantined"]:
        problems.append(f"{counts[QUARANTINE]} quarantine rows, manifest says {units['quarantined']}")
    summary = (
        f"{ingest_date}: read {units['read']}, written {counts[ARTICLE]}, "
        f"quarantined {counts[QUARANTINE]}: " + ("OK" if not problems else f"{len(problems)} problem(s)")
    )
    return problems, summary


def _check_rows(
    root: Any, ingest_date: date, kind: str, manifest: dict[str, Any], problems: list[str]
) -> int:
    listed = {entry["name"]: entry for entry in manifest["files"].get(TABLE_DIRS[kind], [])}
    found = {path.name: path for path in partition_files(root, ingest_date, kind)}
    for name in sorted(set(listed) ^ set(found)):
        where = "in the manifest but missing" if name in listed else "present but not in the manifest"
        problems.append(f"{TABLE_DIRS[kind]}/{name} is {where}")
    rows = 0
    seen_ids: set[str] = set()
    for name, path in sorted(found.items()):
        entry = listed.get(name)
        if entry and file_sha256(path) != entry["sha256"]:
            problems.append(f"{TABLE_DIRS[kind]}/{name} does not match its manifest checksum")
        try:
            table = read_part(path, kind, ingest_date)
        except Exception as error:  # any unreadable file is a problem to report, not a crash
            problems.append(f"{TABLE_DIRS[kind]}/{name} cannot be read: {error}")
            continue
        for record in table.to_pylist():
            rows += 1
            error = validation_error(_as_json(record), kind)
            if error:
                problems.append(f"{TABLE_DIRS[kind]}/{name} row {rows}: {error}")
            if kind == ARTICLE:
                if record["id"] in seen_ids:
                    problems.append(f"duplicate article id {record['id']}")
                seen_ids.add(record["id"])
    return rows


def _as_json(record: dict[str, Any]) -> dict[str, Any]:
    converted = dict(record)
    for key, value in record.items():
        if hasattr(value, "isoformat") and key == "published_at":
            converted[key] = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif hasattr(value, "isoformat"):
            converted[key] = value.isoformat()
    return converted
