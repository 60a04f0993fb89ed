"""Where a report reads a published day and keeps its metrics and page.

A local Parquet lake is read from its partition folders; a Delta lake (local or on
object storage) from its manifests table and from each table at the version the day's
live manifest row names, its metrics and pages kept in the lake's own store. Both speak
the same small interface, so the metrics and the page do not care which lake they are in.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from newsclean import delta
from newsclean.lake import TABLE_DIRS, lake_root, partition_files, read_manifest


class LakeSource(Protocol):
    """A lake as the report sees it."""

    def manifest(self, ingest_date: date) -> dict[str, Any] | None:
        """The live manifest of a day, None if it is not published."""

    def run_ids(self, first: date, last: date) -> dict[date, str]:
        """The live run_id of each published day from first to last."""

    def rows(self, ingest_date: date, kind: str, columns: list[str]) -> pa.Table | None:
        """The given columns of a published day's rows (nested ones as `a.list.element.b`
        where the format can prune them); None when the day has no part of that kind."""

    def read_file(self, relative: str) -> bytes | None:
        """A file under the lake's root (POSIX relative path), None if it is missing."""

    def write_file(self, relative: str, data: bytes) -> str:
        """Replace a file under the lake's root with `data`; returns where it is."""


class ParquetSource:
    """A local Hive-partitioned Parquet lake."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def manifest(self, ingest_date: date) -> dict[str, Any] | None:
        return read_manifest(self.root, ingest_date)

    def run_ids(self, first: date, last: date) -> dict[date, str]:
        found = {}
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            manifest = read_manifest(self.root, day)
            if manifest is not None:
                found[day] = str(manifest.get("run_id", ""))
        return found

    def rows(self, ingest_date: date, kind: str, columns: list[str]) -> pa.Table | None:
        return read_parts(partition_files(self.root, ingest_date, kind), columns)

    def read_file(self, relative: str) -> bytes | None:
        try:
            return (self.root / relative).read_bytes()
        except FileNotFoundError:
            return None

    def write_file(self, relative: str, data: bytes) -> str:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
        return str(path)


def read_parts(parts: list[Path], columns: list[str]) -> pa.Table | None:
    """The given columns of local part files (those a part has), None without parts."""
    tables = []
    for part in parts:
        handle = pq.ParquetFile(part)
        present = set(handle.schema_arrow.names)
        wanted = [column for column in columns if column.split(".")[0] in present]
        tables.append(handle.read(columns=wanted))
    if not tables:
        return None
    return pa.concat_tables(tables, promote_options="default")


class DeltaSource:
    """A Delta lake: each day read at the table versions its live manifest row names.

    `published`: the local part files, by kind, of a day this process has just
    published, read instead of the same rows in the lake; `live`: that day's manifest
    row as it was appended (as `DeltaLake.live` gives it), not read back; `manifests`:
    the manifests table that publish appended to, read instead of opening it again."""

    def __init__(
        self,
        lake: delta.DeltaLake,
        published: tuple[date, dict[str, list[Path]]] | None = None,
        live: dict[str, Any] | None = None,
        manifests: Any = None,
    ) -> None:
        self.lake = lake
        self._live: dict[date, dict[str, Any] | None] = {}
        self._published = published
        self._manifests = manifests
        if published is not None and live is not None:
            self._live[published[0]] = live

    def _row(self, ingest_date: date) -> dict[str, Any] | None:
        if ingest_date not in self._live:
            self._live[ingest_date] = self.lake.live(ingest_date)
        return self._live[ingest_date]

    def manifest(self, ingest_date: date) -> dict[str, Any] | None:
        row = self._row(ingest_date)
        return None if row is None else row["manifest"]

    def run_ids(self, first: date, last: date) -> dict[date, str]:
        return self.lake.live_runs(first, last, self._manifests)

    def rows(self, ingest_date: date, kind: str, columns: list[str]) -> pa.Table | None:
        if self._published is not None and self._published[0] == ingest_date:
            return read_parts(self._published[1].get(kind, []), columns)
        row = self._row(ingest_date)
        version = None if row is None else row.get(f"{TABLE_DIRS[kind]}_version")
        if version is None:
            return None
        top = list(dict.fromkeys(column.split(".")[0] for column in columns))
        return self.lake.read_day(ingest_date, kind, version, columns=top)

    def read_file(self, relative: str) -> bytes | None:
        return self.lake.read_bytes(relative)

    def write_file(self, relative: str, data: bytes) -> str:
        return self.lake.write_bytes(relative, data)


def source_of(
    lake: str | Path | LakeSource | delta.DeltaLake, lake_format: str | None = None
) -> LakeSource:
    """The report's view of a lake given as a path or URI (its format found as
    `newsclean.delta.lake_format` finds it), a local root, a DeltaLake or a source."""
    if isinstance(lake, delta.DeltaLake):
        return DeltaSource(lake)
    if isinstance(lake, Path):
        return ParquetSource(lake)
    if isinstance(lake, str):
        if delta.lake_format(lake, lake_format) == delta.DELTA:
            return DeltaSource(delta.DeltaLake(lake))
        return ParquetSource(lake_root(lake))
    return lake
