"""The Parquet lake: staged shard parts, and atomic publication of a day's partitions.

Layout under LAKE:

    articles/ingest_date=YYYY-MM-DD/part-<shard>.parquet, _manifest.json
    quarantine/ingest_date=YYYY-MM-DD/part-<shard>.parquet, _manifest.json
    stories/ingest_date=YYYY-MM-DD/part-stories.parquet, _manifest.json
    _staging/ingest_date=YYYY-MM-DD/...   private to newsclean
    _versions/ingest_date=YYYY-MM-DD/<run_id>/{articles,quarantine}/
                                          replaced versions of the day, for `restore`
    _profiles/...                         per-domain template statistics, and the
                                          story signatures of each day (docs/stories.md)

A run never writes into a visible partition. Shards are written to staging; the
publish step assembles the new partition directories beside the old ones and swaps
each in with one atomic rename (Linux renameat2 RENAME_EXCHANGE). A journal makes
the two swaps (articles, quarantine) roll forward after a crash, so the next run or
check completes a publish that a kill interrupted. The partitions a publish replaces
are kept under `_versions/` (the last `keep_versions` of each day), and
`restore_version` publishes one of them back the same way.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newsclean.validate import (
    ARTICLE,
    PARTITION_COLUMN,
    QUARANTINE,
    STORY,
    arrow_schema,
    file_schema,
)

KINDS = (ARTICLE, QUARANTINE, STORY)
TABLE_DIRS = {ARTICLE: "articles", QUARANTINE: "quarantine", STORY: "stories"}
MANIFEST = "_manifest.json"
JOURNAL = "publish.json"
VERSION = "version.json"  # in a kept version's folder: its run_id and when it was replaced
_MANIFEST_TAIL = 64 * 1024  # bytes read from a manifest's end to find its run_id
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class LakeError(OSError):
    """The lake cannot be written or read as expected."""


def lake_root(lake: str) -> Path:
    """The lake as a local path; object-store URIs are not writable yet."""
    if "://" in lake and not lake.startswith("file://"):
        raise LakeError(f"only local lakes can be written for now, got {lake!r}")
    return Path(lake.removeprefix("file://"))


def partition_dir(lake: Path, kind: str, ingest_date: date) -> Path:
    return lake / TABLE_DIRS[kind] / f"ingest_date={ingest_date.isoformat()}"


def staging_dir(lake: Path, ingest_date: date) -> Path:
    return lake / "_staging" / f"ingest_date={ingest_date.isoformat()}"


def shard_dir(lake: Path, ingest_date: date, shard_id: str) -> Path:
    return staging_dir(lake, ingest_date) / f"shard-{shard_id}"


def versions_dir(lake: Path, ingest_date: date) -> Path:
    """Where the replaced versions of a day are kept, one folder per run_id."""
    return lake / "_versions" / f"ingest_date={ingest_date.isoformat()}"


class PartWriter:
    """Streams records of one kind into a zstd Parquet file, one row group per batch."""

    def __init__(self, path: Path, kind: str, *, batch_rows: int) -> None:
        self.path = path
        self.kind = kind
        self.rows = 0
        self._batch_rows = batch_rows
        self._pending: list[dict[str, Any]] = []
        self._writer: pq.ParquetWriter | None = None

    def write(self, record: dict[str, Any]) -> None:
        self._pending.append(record)
        if len(self._pending) >= self._batch_rows:
            self._flush()

    def _flush(self) -> None:
        from newsclean.rows import to_arrow

        if not self._pending:
            return
        self._write_group(to_arrow(self._pending, self.kind))
        self._pending = []

    def write_table(self, table: pa.Table) -> None:
        """Add rows already in the file schema, in row groups of `batch_rows` as `write`
        makes them."""
        self._flush()
        for start in range(0, table.num_rows, self._batch_rows):
            self._write_group(table.slice(start, self._batch_rows))

    def _write_group(self, table: pa.Table) -> None:
        if self._writer is None:
            self._writer = pq.ParquetWriter(
                self.path, file_schema(self.kind), compression="zstd", write_statistics=True
            )
        self._writer.write_table(table, row_group_size=self._batch_rows)
        self.rows += table.num_rows

    def close(self) -> None:
        """Flush and close; a writer that saw no rows leaves no file."""
        self._flush()
        if self._writer is not None:
            self._writer.close()
            _fsync_path(self.path)

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self.path.unlink(missing_ok=True)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so that readers see the old file or the new one, never a torn one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        # One write: json.dump would make a write call per token.
        handle.write(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_path(path.parent)


InputRecords = Callable[[], Iterable[dict[str, Any]]]
_INPUTS_KEY = '\n  "inputs": []'
_RUN_ID = re.compile(r'\n  "run_id": "([0-9a-f]*)",?\n')


def write_manifest_atomic(path: Path, manifest: dict[str, Any], inputs: InputRecords) -> None:
    """Write a manifest as `write_json_atomic` would, its "inputs" list streamed from `inputs`.

    A day of many files has as many input records: they go from `inputs()` to the file
    one at a time, never all in memory. The bytes equal those of
    `write_json_atomic(path, {**manifest, "inputs": list(inputs())})`.
    """
    head = json.dumps({**manifest, "inputs": []}, indent=2, sort_keys=True, ensure_ascii=False)
    before, marker, after = head.partition(_INPUTS_KEY)
    if not marker:
        raise ValueError("manifest text has no top-level inputs list")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(before)
        handle.write('\n  "inputs": [')
        separator = "\n    "
        wrote = False
        for entry in inputs():
            text = json.dumps(entry, indent=2, sort_keys=True, ensure_ascii=False)
            handle.write(separator)
            handle.write(text.replace("\n", "\n    "))  # JSON strings hold no raw newline
            separator = ",\n    "
            wrote = True
        handle.write("\n  ]" if wrote else "]")
        handle.write(after)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_path(path.parent)


def read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def replace_dir(source: Path, target: Path) -> None:
    """Put directory `source` at `target` atomically; the old target ends at `source`.

    Uses renameat2(RENAME_EXCHANGE) where the kernel and filesystem allow it; else a
    rename aside and a rename in (a moment with no target, never a mix).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.rename(source, target)
        _fsync_path(target.parent)
        return
    if _exchange(source, target):
        _fsync_path(target.parent)
        return
    aside = source.with_name(source.name + ".old")
    shutil.rmtree(aside, ignore_errors=True)
    os.rename(target, aside)
    os.rename(source, target)
    os.rename(aside, source)
    _fsync_path(target.parent)


def _exchange(first: Path, second: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, f"cannot swap {first} and {second}: {os.strerror(code)}")


def _fsync_path(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def publish_partitions(
    lake: Path,
    ingest_date: date,
    parts: dict[str, list[Path]],
    manifest: dict[str, Any],
    inputs: InputRecords | None = None,
    *,
    keep_versions: int = 0,
) -> None:
    """Publish the day's articles and quarantine partitions from staged part files.

    `parts` maps a record kind to the staged files to publish (named part-*.parquet
    in the partition). The manifest is written into both partitions; with `inputs`,
    its "inputs" list is streamed from there (see `write_manifest_atomic`). The
    partitions replaced are kept under `_versions/`, the newest `keep_versions` of them.
    """
    staging = staging_dir(lake, ingest_date)
    recover(lake, ingest_date)
    pairs = []
    for kind in KINDS:
        assembled = _assembly_dir(staging, kind)
        for source in parts.get(kind, []):
            _link_or_copy(source, assembled / source.name)
        if inputs is None:
            write_json_atomic(assembled / MANIFEST, manifest)
        else:
            write_manifest_atomic(assembled / MANIFEST, manifest, inputs)
        pairs.append((assembled, partition_dir(lake, kind, ingest_date)))
    _swap_in(lake, ingest_date, manifest["run_id"], pairs, keep_versions)


def _assembly_dir(staging: Path, kind: str) -> Path:
    """A fresh, empty folder in staging where the new partition of `kind` is assembled."""
    assembled = staging / f"publish-{TABLE_DIRS[kind]}"
    shutil.rmtree(assembled, ignore_errors=True)
    assembled.mkdir(parents=True)
    return assembled


def _swap_in(
    lake: Path, ingest_date: date, run_id: str, pairs: list[tuple[Path, Path]], keep: int
) -> None:
    """Journal, then swap the assembled folders in as the day's partitions."""
    staging = staging_dir(lake, ingest_date)
    write_json_atomic(
        staging / JOURNAL,
        {
            "run_id": run_id,
            "pairs": [[str(a), str(b)] for a, b in pairs],
            "versions": str(versions_dir(lake, ingest_date)),
            "keep_versions": keep,
        },
    )
    _roll_forward(staging / JOURNAL)
    remove_abandoned(staging)


def kept_versions(lake: Path, ingest_date: date) -> list[dict[str, Any]]:
    """The kept versions of a day, newest replaced first: the `version.json` of each
    (run_id, replaced_at, replaced_by) with its manifest's unit counts."""
    found = []
    for path in versions_dir(lake, ingest_date).glob(f"*/{VERSION}"):
        try:
            version = read_json(path)
            manifest = read_json(path.parent / TABLE_DIRS[ARTICLE] / MANIFEST)
        except (OSError, ValueError):
            continue  # half-kept: a publish that was killed keeps it on its next roll
        found.append({**version, "units": manifest.get("units", {}), "path": str(path.parent)})
    return sorted(found, key=lambda version: version["replaced_at"], reverse=True)


def restore_version(
    lake: Path, ingest_date: date, run_id: str | None = None, *, keep_versions: int = 0
) -> dict[str, Any]:
    """Publish a kept version of a day back, atomically; the newest one without run_id.

    The version replaced by the restore is kept in turn. Returns the restored manifest.
    """
    recover(lake, ingest_date)
    versions = kept_versions(lake, ingest_date)
    chosen = next(
        (version for version in versions if run_id is None or version["run_id"] == run_id), None
    )
    if chosen is None:
        have = ", ".join(version["run_id"] for version in versions) or "none"
        wanted = f"version {run_id}" if run_id else "a kept version"
        raise LakeError(f"no {wanted} of {ingest_date} in the lake (kept: {have})")
    kept = Path(chosen["path"])
    staging = staging_dir(lake, ingest_date)
    pairs = []
    for kind in KINDS:
        assembled = _assembly_dir(staging, kind)
        if not (kept / TABLE_DIRS[kind]).is_dir():  # kept before the table existed
            continue
        for source in sorted((kept / TABLE_DIRS[kind]).iterdir()):
            _link_or_copy(source, assembled / source.name)
        pairs.append((assembled, partition_dir(lake, kind, ingest_date)))
    # The version restored counts among those kept until it is live; the one it
    # replaces is kept even when keep_versions is 0, so a restore never loses a day.
    keep = max(keep_versions, 1)
    _swap_in(lake, ingest_date, chosen["run_id"], pairs, keep + 1)
    shutil.rmtree(kept, ignore_errors=True)  # it is the live day now
    _prune_versions(versions_dir(lake, ingest_date), keep)
    return read_json(partition_dir(lake, ARTICLE, ingest_date) / MANIFEST)


def remove_abandoned(staging: Path) -> None:
    """Remove what killed runs left in a day's staging: shard work folders, temp files.

    Called once the day is published, when no shard of it can still be running.
    """
    for path in staging.glob(".*"):
        if path.is_dir() and path.name.startswith(".tmp-"):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)


def recover(lake: Path, ingest_date: date) -> bool:
    """Complete a publish that was interrupted; True if there was one to complete."""
    journal = staging_dir(lake, ingest_date) / JOURNAL
    if not journal.exists():
        return False
    _roll_forward(journal)
    return True


def _roll_forward(journal: Path) -> None:
    plan = read_json(journal)
    run_id = plan["run_id"]
    for assembled_name, target_name in plan["pairs"]:
        assembled, target = Path(assembled_name), Path(target_name)
        if _manifest_run_id(target) == run_id:
            continue
        if _manifest_run_id(assembled) != run_id:
            raise LakeError(f"publish journal {journal} names {assembled}, which is incomplete")
        replace_dir(assembled, target)
    keep = int(plan.get("keep_versions", 0))
    if keep:  # the swaps left each replaced partition where its new one was assembled
        for assembled_name, target_name in plan["pairs"]:
            _keep_version(Path(assembled_name), Path(target_name).parent.name, plan)
    journal.unlink()
    _fsync_path(journal.parent)
    for assembled_name, _target in plan["pairs"]:
        shutil.rmtree(assembled_name, ignore_errors=True)
    if keep:
        _prune_versions(Path(plan["versions"]), keep)


def _keep_version(replaced: Path, table_dir: str, plan: dict[str, Any]) -> None:
    """Move a replaced partition into the day's kept versions, under its own run_id."""
    replaced_id = _manifest_run_id(replaced)
    if replaced_id is None or replaced_id == plan["run_id"]:
        return  # nothing was replaced (a first publish), or this part is already kept
    folder = Path(plan["versions"]) / replaced_id
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / VERSION).exists():
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        version = {"run_id": replaced_id, "replaced_at": stamp, "replaced_by": plan["run_id"]}
        write_json_atomic(folder / VERSION, version)
    shutil.rmtree(folder / table_dir, ignore_errors=True)
    os.rename(replaced, folder / table_dir)
    _fsync_path(folder)


def _prune_versions(directory: Path, keep: int) -> None:
    """Remove all but the `keep` most recently replaced versions of a day."""
    stamps = []
    for folder in directory.iterdir() if directory.is_dir() else ():
        try:
            stamps.append((read_json(folder / VERSION)["replaced_at"], folder))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    for _stamp, folder in sorted(stamps, reverse=True)[keep:]:
        shutil.rmtree(folder, ignore_errors=True)


def _manifest_run_id(directory: Path) -> str | None:
    """The run_id of the manifest in directory, None if it has none or cannot be read.

    Keys are written sorted, so run_id is among the last lines: a complete manifest
    is recognised by its tail, without parsing a day's thousands of input records.
    """
    path = directory / MANIFEST
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - _MANIFEST_TAIL))
            tail = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return None
    found = list(_RUN_ID.finditer(tail))
    if tail.endswith("}\n") and len(found) == 1 and size > _MANIFEST_TAIL:
        return found[0].group(1)
    try:  # small, or not in the form this module writes: read it whole
        return read_json(path).get("run_id")
    except (OSError, ValueError, AttributeError):
        return None


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def read_manifest(lake: Path, ingest_date: date, kind: str = ARTICLE) -> dict[str, Any] | None:
    path = partition_dir(lake, kind, ingest_date) / MANIFEST
    try:
        return read_json(path)
    except FileNotFoundError:
        return None


def partition_files(lake: Path, ingest_date: date, kind: str) -> list[Path]:
    directory = partition_dir(lake, kind, ingest_date)
    return sorted(directory.glob("*.parquet")) if directory.is_dir() else []


def read_part(path: Path, kind: str, ingest_date: date) -> pa.Table:
    """One part file, with the partition column added back from its directory."""
    table = pq.read_table(path, schema=file_schema(kind))
    column = pa.array([ingest_date] * table.num_rows, type=pa.date32())
    schema = arrow_schema(kind)
    index = schema.get_field_index(PARTITION_COLUMN)
    return table.add_column(index, schema.field(index), column)


def read_partition(lake: Path, ingest_date: date, kind: str) -> pa.Table:
    """All rows of one published partition, as one Arrow table of the record schema."""
    files = partition_files(lake, ingest_date, kind)
    if not files:
        return arrow_schema(kind).empty_table()
    return pa.concat_tables(read_part(path, kind, ingest_date) for path in files)


def describe_part(path: Path) -> dict[str, Any]:
    """Name, rows and digest of a part file, as a manifest lists it."""
    return {
        "name": path.name,
        "rows": pq.ParquetFile(path).metadata.num_rows,
        "sha256": file_sha256(path),
    }
