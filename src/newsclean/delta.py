"""The Delta Lake lake: a day published by one commit per table, on object storage or disk.

Layout under LAKE (a local path or an `s3://`, `gs://`, `az://` URI):

    articles/    Delta table, partitioned by ingest_date (story labels filled at publish)
    quarantine/  Delta table, partitioned by ingest_date
    stories/     Delta table, partitioned by ingest_date: one row per story of the day
    manifests/   Delta table: one row per publish (ingest_date, run_id, published_at,
                 articles_version, quarantine_version, stories_version, manifest
                 JSON), committed last
    _staging/ingest_date=YYYY-MM-DD/shard-<id>/   staged shard folders, any worker's
    _profiles/templates/YYYY-MM-DD.json           per-domain template statistics
    _profiles/stories/YYYY-MM-DD.parquet          the day's story signatures
    _metrics/, _reports/                          the day's report and its figures

A shard task cleans its files on the worker's disk, then uploads its folder to the lake's
`_staging/` (its `shard.json` last, so a half-uploaded shard is never taken; a retry
replaces it). Publishing fetches the staged shards and labels them; meanwhile
(`DayCommit`) the tables are opened (created empty on a new lake) and each final part
file is uploaded under a new name. Then each table's day is replaced by one commit (add
actions for the uploaded files, removes for the day's old ones; the three tables at
once), and the manifest row naming their versions is appended last. newsclean's
readers (`check`, `restore`, `read_day`) start from the newest manifest row of the day
and read each table at the version it names, so they see the old day or the new one,
never a mix, even when a publish was killed between its commits. `restore` is time
travel: it republishes the rows of an earlier version as a new commit.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newsclean.lake import TABLE_DIRS, LakeError, shard_dir
from newsclean.validate import ARTICLE, PARTITION_COLUMN, QUARANTINE, STORY, arrow_schema

PARQUET, DELTA = "parquet", "delta"
FORMATS = (PARQUET, DELTA)
OBJECT_STORE_SCHEMES = ("s3", "s3a", "gs", "gcs", "az", "abfs", "abfss")
MANIFESTS = "manifests"
SIGNATURES = "stories"  # the day files of story signatures: _profiles/stories/D.parquet
SHARD_RESULT = "shard.json"
SMALL_PART = 4 * 1024 * 1024  # smaller part files are merged before a commit (bytes)
IO_THREADS = 4  # a publish's concurrent storage calls (uploads, table opens, commits)
CHECKPOINT_EVERY = 10  # a table's log is checkpointed at every this many versions
STALE_STAGING = timedelta(days=2)  # staging untouched this long belongs to no live run
STORAGE_OPTIONS_ENV = "NEWSCLEAN_STORAGE_OPTIONS"
LAKE_FORMAT_ENV = "NEWSCLEAN_LAKE_FORMAT"

logger = logging.getLogger(__name__)

# Environment variables whose values are secrets: never printed, logged or recorded.
SECRET_ENV = (
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_KEY",
    "AZURE_STORAGE_CLIENT_SECRET",
    "AZURE_STORAGE_SAS_KEY",
    "AZURE_STORAGE_SAS_TOKEN",
    "AZURE_STORAGE_CONNECTION_STRING",
    "GOOGLE_SERVICE_ACCOUNT_KEY",
)
_SECRET_WORDS = ("secret", "token", "key", "password", "sas", "connection_string")

MANIFEST_SCHEMA = pa.schema(
    [
        pa.field(PARTITION_COLUMN, pa.date32(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("published_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("articles_version", pa.int64(), nullable=False),
        pa.field("quarantine_version", pa.int64(), nullable=False),
        pa.field("manifest", pa.string(), nullable=False),
        # Null in the rows of lakes published before stories were labeled.
        pa.field("stories_version", pa.int64(), nullable=True),
    ]
)

# The tables of a Delta lake, committed in this order before the manifest row.
KINDS = (ARTICLE, QUARANTINE, STORY)


def scheme(lake: str) -> str | None:
    """The URI scheme of a lake ('s3', 'gs', ...), None for a local path."""
    head, separator, _rest = lake.partition("://")
    return head.lower() if separator and head.lower() != "file" else None


def lake_format(lake: str, requested: str | None = None) -> str:
    """The lake's table format: `requested`, else $NEWSCLEAN_LAKE_FORMAT, else Delta for
    an object-store URI or a local lake that already holds Delta tables, else Parquet."""
    requested = requested or os.environ.get(LAKE_FORMAT_ENV) or None
    if requested is not None and requested not in FORMATS:
        raise LakeError(f"unknown lake format {requested!r} (expected parquet or delta)")
    found = scheme(lake)
    if found is not None and found not in OBJECT_STORE_SCHEMES:
        raise LakeError(f"unsupported lake URI scheme {found!r} (use s3://, gs:// or az://)")
    if found is not None:
        if requested == PARQUET:
            raise LakeError(
                "a Parquet lake must be a local path: object stores have no atomic rename, "
                "use --lake-format delta"
            )
        return DELTA
    if requested is not None:
        return requested
    local = Path(lake.removeprefix("file://"))
    return DELTA if (local / TABLE_DIRS[ARTICLE] / "_delta_log").is_dir() else PARQUET


def storage_options(environ: dict[str, str] | None = None) -> dict[str, str]:
    """Storage options given as a JSON object in $NEWSCLEAN_STORAGE_OPTIONS (delta-rs
    keys such as `aws_endpoint_url`); the standard AWS_*, GOOGLE_* and AZURE_* variables
    are read by the storage libraries themselves."""
    environ = os.environ if environ is None else environ
    text = environ.get(STORAGE_OPTIONS_ENV, "").strip()
    if not text:
        return {}
    try:
        options = json.loads(text)
    except ValueError:
        raise LakeError(f"{STORAGE_OPTIONS_ENV} is not a JSON object") from None
    if not isinstance(options, dict):
        raise LakeError(f"{STORAGE_OPTIONS_ENV} is not a JSON object")
    return {str(key).lower(): str(value) for key, value in options.items()}


def secrets(options: dict[str, str] | None = None) -> list[str]:
    """The secret values in the environment and the storage options, longest first."""
    options = storage_options() if options is None else options
    values = [os.environ.get(name, "") for name in SECRET_ENV]
    values += [
        value for key, value in options.items() if any(word in key for word in _SECRET_WORDS)
    ]
    return sorted({value for value in values if len(value) >= 4}, key=len, reverse=True)


def redact(text: str, options: dict[str, str] | None = None) -> str:
    """`text` with every secret value replaced by '***'."""
    for value in secrets(options):
        text = text.replace(value, "***")
    return text


class DeltaLake:
    """A lake of Delta tables at a local path or object-store URI."""

    def __init__(self, lake: str, options: dict[str, str] | None = None) -> None:
        if "@" in lake.partition("://")[2].partition("/")[0]:
            raise LakeError("put credentials in the environment, not in the lake URI")
        local = scheme(lake) is None
        self.root = str(Path(lake.removeprefix("file://")).resolve()) if local else lake
        self.root = self.root.rstrip("/")
        self.options = storage_options() if options is None else options
        self._fs: Any = None

    def __repr__(self) -> str:
        return f"DeltaLake({self.root!r})"

    def uri(self, *parts: str) -> str:
        return "/".join([self.root, *parts])

    def table_uri(self, kind: str) -> str:
        return self.uri(TABLE_DIRS.get(kind, kind))

    @property
    def fs(self) -> Any:
        """The lake's fsspec filesystem, for staging and template profiles."""
        if self._fs is None:
            import fsspec

            if scheme(self.root) is None:
                self._fs = fsspec.filesystem("file", auto_mkdir=True)
            else:
                options = _fsspec_options(self.options)
                self._fs, _path = fsspec.core.url_to_fs(self.root, **options)
        return self._fs

    def _path(self, *parts: str) -> str:
        """A path inside the lake as the fsspec filesystem names it."""
        return self.fs._strip_protocol(self.uri(*parts))

    # -- staging ---------------------------------------------------------------------

    def staging(self, ingest_date: date, shard_id: str | None = None) -> str:
        day = f"ingest_date={ingest_date.isoformat()}"
        return self._path("_staging", day, *([f"shard-{shard_id}"] if shard_id else []))

    def upload_shard(
        self, folder: Path, ingest_date: date, shard_id: str, *, keep: bool = False
    ) -> None:
        """Put a staged shard folder into the lake's staging, replacing an earlier attempt;
        its result file goes last, so publishing never takes a half-uploaded shard. With
        `keep`, the folder stays for a publish on this machine, with a record of what was
        uploaded (`kept_record`) that lets it read the files here, not fetch them."""
        target = self.staging(ingest_date, shard_id)
        record = kept_record(folder)
        record.unlink(missing_ok=True)
        self._guard(self._remove, target)
        files = sorted(path for path in folder.rglob("*") if path.is_file())
        last = [path for path in files if path.name == SHARD_RESULT]
        for path in [path for path in files if path.name != SHARD_RESULT] + last:
            destination = f"{target}/{path.relative_to(folder).as_posix()}"
            self._guard(self.fs.put_file, str(path), destination)
        if keep:
            listed = self._guard(self.fs.find, target, detail=True)
            uploaded = {}
            for path in files:
                relative = path.relative_to(folder).as_posix()
                info = listed.get(f"{target}/{relative}")
                stat = path.stat()
                if info is not None and info.get("size") == stat.st_size:
                    tag = _object_tag(info)
                    if tag is not None:
                        uploaded[relative] = [tag, stat.st_size, stat.st_mtime_ns]
            record.write_text(json.dumps(uploaded), encoding="utf-8")

    def staged_files(
        self, ingest_date: date, shard_ids: list[str], root: Path, kept: Path | None = None
    ) -> tuple[list[str], dict[str, Path]]:
        """The day's staged shard files, each with its place in the shard's staging folder
        under root, from one listing of the day's staging; and the shards not completely
        staged (then no file). With `kept` (a folder where this machine staged shards,
        `upload_shard(keep=True)`), a file kept there whose record matches the listed
        object (its tag and size) and is unchanged on disk is linked into its place and
        left out: only the others are to be fetched."""
        day = self.staging(ingest_date)
        staged = self._guard(self.fs.find, day, detail=True)  # {} when nothing is staged
        files: dict[str, list[str]] = {shard_id: [] for shard_id in shard_ids}
        for path in staged:  # one listing of the day's staging, not one per shard
            shard_id = path[len(day) :].lstrip("/").partition("/")[0].removeprefix("shard-")
            if shard_id in files:
                files[shard_id].append(path)
        missing = [
            shard_id
            for shard_id in shard_ids
            if f"{self.staging(ingest_date, shard_id)}/{SHARD_RESULT}" not in files[shard_id]
        ]
        if missing:
            return missing, {}
        places = {}
        for shard_id in shard_ids:
            source = self.staging(ingest_date, shard_id)
            local = shard_dir(root, ingest_date, shard_id)
            copy = None if kept is None else shard_dir(kept, ingest_date, shard_id)
            record = {} if copy is None else _read_record(kept_record(copy))
            for path in files[shard_id]:
                relative = path[len(source) :].lstrip("/")
                place = local / relative
                if copy is None or not _linked(
                    copy / relative, place, record.get(relative), staged[path]
                ):
                    places[path] = place
        return [], places

    def fetch(self, files: dict[str, Path]) -> None:
        """Copy files of the lake (as `staged_files` names them) to their local places,
        all at once."""
        if not files:
            return
        for local in files.values():
            local.parent.mkdir(parents=True, exist_ok=True)
        self._guard(self.fs.get, list(files), [str(local) for local in files.values()])

    def remove_staging(self, ingest_date: date) -> None:
        """Remove a published day's staged shards (no shard of it can still be needed),
        and stale staging of other days."""
        self._guard(self._remove, self.staging(ingest_date))
        self.remove_stale_staging()

    def remove_stale_staging(self, older_than: timedelta = STALE_STAGING) -> list[str]:
        """Remove staged shard folders of any day not written for `older_than`: what runs
        that were never published left behind. Returns the folders removed."""
        root = self._path("_staging")
        if not self._guard(self.fs.exists, root):
            return []
        newest: dict[str, datetime] = {}
        for path, info in self._guard(self.fs.find, root, detail=True).items():
            folder = "/".join(path.split("/")[: root.count("/") + 3])  # .../ingest_date=D/shard-X
            written = _modified(info)
            if folder not in newest or written > newest[folder]:
                newest[folder] = written
        limit = datetime.now(UTC) - older_than
        stale = sorted(folder for folder, written in newest.items() if written < limit)
        for folder in stale:
            self._guard(self._remove, folder)
        return stale

    def _remove(self, path: str) -> None:
        if self.fs.exists(path):
            self.fs.rm(path, recursive=True)

    # -- profiles (template statistics, story signatures), metrics, reports ------------

    def fetch_profiles(
        self, days: Iterable[date], folder: Path, profile: str = "templates", suffix: str = ".json"
    ) -> None:
        """Copy the day files of `days` that exist under _profiles/<profile>/ into the same
        place under folder (what a worker or a publish needs of the days before)."""
        target = folder / "_profiles" / profile
        target.mkdir(parents=True, exist_ok=True)
        names = {
            self._path("_profiles", profile, f"{day.isoformat()}{suffix}"): day for day in days
        }
        if not names:
            return
        # One listing of the profile's folder, then one concurrent GET per day that has
        # a file (asking for each day's file by name costs a HEAD each, and a listing
        # each for the missing ones).
        present = self._guard(self.fs.find, self._path("_profiles", profile))
        wanted = sorted(path for path in present if path in names)
        if wanted:
            local = [str(target / f"{names[path].isoformat()}{suffix}") for path in wanted]
            self._guard(self.fs.get, wanted, local)

    def save_profile(self, path: Path, ingest_date: date, profile: str = "templates") -> None:
        """Put a day's file into _profiles/<profile>/, named by the day (its suffix kept)."""
        name = f"{ingest_date.isoformat()}{path.suffix}"
        self._guard(self.fs.put_file, str(path), self._path("_profiles", profile, name))

    def write_profile(
        self, data: bytes, ingest_date: date, profile: str = "templates", suffix: str = ".json"
    ) -> None:
        """Put a day's file of `data` into _profiles/<profile>/ (one PUT)."""
        path = self._path("_profiles", profile, f"{ingest_date.isoformat()}{suffix}")
        self._guard(self.fs.pipe_file, path, data)

    def remove_profile(self, ingest_date: date, profile: str, suffix: str) -> None:
        self._guard(self._remove, self._path("_profiles", profile, f"{ingest_date}{suffix}"))

    def exists(self, relative: str) -> bool:
        """Whether a file is under the lake's root."""
        return bool(self._guard(self.fs.exists, self._path(relative)))

    def read_bytes(self, relative: str) -> bytes | None:
        """A file under the lake's root, None if it is missing."""

        def read(path: str) -> bytes | None:
            try:
                return self.fs.cat_file(path)
            except FileNotFoundError:
                return None

        return self._guard(read, self._path(relative))

    def write_bytes(self, relative: str, data: bytes) -> str:
        """Write a file under the lake's root (one PUT on an object store); returns its
        path or URI."""
        self._guard(self.fs.pipe_file, self._path(relative), data)
        return self.uri(relative)

    # -- tables ------------------------------------------------------------------------

    def publish(
        self,
        ingest_date: date,
        parts: dict[str, list[Path]],
        manifest: dict[str, Any],
        inputs: Iterable[dict[str, Any]],
    ) -> dict[str, int]:
        """Commit the day: one partition overwrite per table, then the manifest row.

        Each table's commit adds the day's part files as they are (uploaded into the
        table's partition folder first), so the rows are not encoded a second time.
        Returns the table versions the manifest names.
        """
        with DayCommit(self, ingest_date) as commit:
            for kind in KINDS:
                for path in parts.get(kind, []):
                    commit.add(kind, path)
            row = commit.commit(manifest, inputs)
        return {kind: row[f"{TABLE_DIRS[kind]}_version"] for kind in KINDS}

    def _table_or_create(self, kind: str) -> Any:
        """The table of a kind, created empty (partitioned by ingest_date) if it is not
        there yet."""
        from deltalake import DeltaTable
        from deltalake.exceptions import TableNotFoundError

        try:
            return self._table(kind)
        except TableNotFoundError:
            return self._guard(
                DeltaTable.create,
                self.table_uri(kind),
                schema=arrow_schema(kind),
                mode="ignore",  # another publish may have created it meanwhile
                partition_by=[PARTITION_COLUMN],
                storage_options=self.options or None,
            )

    def _table_or_none(self, kind: str) -> Any:
        """The table of a kind, None if it is not there yet."""
        from deltalake.exceptions import TableNotFoundError

        try:
            return self._table(kind)
        except TableNotFoundError:
            return None

    def _overwrite_day(
        self, kind: str, ingest_date: date, batches: Iterator[pa.RecordBatch]
    ) -> int:
        from deltalake import WriterProperties, write_deltalake
        from deltalake.exceptions import TableNotFoundError

        try:  # written through the opened table, which then knows its new version
            table = self._table(kind)
        except TableNotFoundError:
            table = None
        reader = pa.RecordBatchReader.from_batches(arrow_schema(kind), batches)
        self._guard(
            write_deltalake,
            table if table is not None else self.table_uri(kind),
            reader,
            partition_by=[PARTITION_COLUMN],
            mode="overwrite",
            predicate=f"{PARTITION_COLUMN} = '{ingest_date.isoformat()}'",
            storage_options=None if table is not None else self.options or None,
            writer_properties=WriterProperties(compression="ZSTD"),
        )
        return (table if table is not None else self._table(kind)).version()

    def _append_manifest(
        self,
        ingest_date: date,
        manifest: dict[str, Any],
        versions: dict[str, int],
        table: Any = None,
        *,
        encoded: str | None = None,
        refreshed: bool = False,
    ) -> dict[str, Any]:
        """Append the day's manifest row (through `table`, the opened manifests table, if
        given: brought up to date first unless `refreshed`; the manifest as `encoded` by
        `_manifest_json`, if given); returns the row as `live` reads it back."""
        from deltalake import write_deltalake

        row = {
            PARTITION_COLUMN: [ingest_date],
            "run_id": [manifest["run_id"]],
            "published_at": [datetime.now(UTC)],
            **{f"{TABLE_DIRS[kind]}_version": [versions[kind]] for kind in KINDS},
            "manifest": [encoded if encoded is not None else _manifest_json(manifest)],
        }
        if table is not None and not refreshed:
            self._guard(table.update_incremental)
        self._guard(
            write_deltalake,
            table if table is not None else self.table_uri(MANIFESTS),
            pa.table(row, schema=MANIFEST_SCHEMA),
            partition_by=[PARTITION_COLUMN],
            mode="append",
            schema_mode="merge",  # a manifests table from before stories_version
            storage_options=None if table is not None else self.options or None,
        )
        return {**{key: values[0] for key, values in row.items()}, "manifest": manifest}

    def _table(self, kind: str, version: int | None = None) -> Any:
        from deltalake import DeltaTable

        return self._guard(
            DeltaTable, self.table_uri(kind), version=version, storage_options=self.options or None
        )

    def publishes(self, ingest_date: date) -> list[dict[str, Any]]:
        """The day's manifest rows, newest publish first (empty if it was never published)."""
        from deltalake.exceptions import TableNotFoundError

        try:
            table = self._table(MANIFESTS)
        except TableNotFoundError:
            return []
        rows = self._guard(_read_days, table, ingest_date, ingest_date).to_pylist()
        for row in rows:
            row.setdefault("stories_version", None)
        # Each publish of a day commits its tables after the one before it did, so the
        # table versions order the publishes without trusting the machines' clocks.
        return sorted(
            rows,
            key=lambda row: (row["articles_version"], row["quarantine_version"]),
            reverse=True,
        )

    def live_runs(self, first: date, last: date, table: Any = None) -> dict[date, str]:
        """The run_id of each day from first to last that is published, in one read of
        the manifests table (without the manifests themselves); through `table`, the
        manifests table as a publish left it, if given (not opened again)."""
        from deltalake.exceptions import TableNotFoundError

        try:
            table = table if table is not None else self._table(MANIFESTS)
        except TableNotFoundError:
            return {}
        columns = [PARTITION_COLUMN, "run_id", "articles_version", "quarantine_version"]
        rows = self._guard(_read_days, table, first, last, columns).to_pylist()
        newest: dict[date, tuple[int, int, str]] = {}
        for row in rows:  # ordered as `publishes` orders them
            key = (row["articles_version"], row["quarantine_version"], row["run_id"])
            if row[PARTITION_COLUMN] not in newest or key > newest[row[PARTITION_COLUMN]]:
                newest[row[PARTITION_COLUMN]] = key
        return {found: key[2] for found, key in newest.items()}

    def live(self, ingest_date: date) -> dict[str, Any] | None:
        """The newest manifest row of the day, its manifest parsed; None if unpublished."""
        rows = self.publishes(ingest_date)
        if not rows:
            return None
        return {**rows[0], "manifest": json.loads(rows[0]["manifest"])}

    def read_day(
        self,
        ingest_date: date,
        kind: str,
        version: int | None = None,
        *,
        columns: list[str] | None = None,
    ) -> pa.Table:
        """The rows of one day at a table version (default: the one its live manifest
        names), in the record schema (only `columns`, if given). A day published
        without a table of this kind (stories, before they were labeled) has no rows."""
        if version is None:
            live = self.live(ingest_date)
            version = None if live is None else live[f"{TABLE_DIRS[kind]}_version"]
        if version is None:
            return conform(arrow_schema(kind).empty_table(), kind, columns)
        table = self._table(kind, version)
        rows = self._guard(_read_days, table, ingest_date, ingest_date, columns)
        return conform(rows, kind, columns)

    def kept_versions(self, ingest_date: date) -> list[dict[str, Any]]:
        """Earlier publishes of the day that `restore` can bring back, newest first."""
        rows = self.publishes(ingest_date)
        live = rows[0]["run_id"] if rows else None
        found: dict[str, dict[str, Any]] = {}
        for row in rows[1:]:
            if row["run_id"] != live and row["run_id"] not in found:
                manifest = json.loads(row["manifest"])
                found[row["run_id"]] = {
                    "run_id": row["run_id"],
                    "replaced_at": row["published_at"].strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "units": manifest.get("units", {}),
                    "versions": {kind: row[f"{TABLE_DIRS[kind]}_version"] for kind in KINDS},
                }
        return list(found.values())

    def restore(self, ingest_date: date, run_id: str | None = None) -> dict[str, Any]:
        """Publish an earlier version of the day back (time travel); the newest kept
        one without run_id. Returns its manifest."""
        versions = self.kept_versions(ingest_date)
        chosen = next((v for v in versions if run_id is None or v["run_id"] == run_id), None)
        if chosen is None:
            have = ", ".join(version["run_id"] for version in versions) or "none"
            wanted = f"version {run_id}" if run_id else "a kept version"
            raise LakeError(f"no {wanted} of {ingest_date} in the lake (kept: {have})")
        manifest = next(
            json.loads(row["manifest"])
            for row in self.publishes(ingest_date)
            if row["run_id"] == chosen["run_id"]
        )
        new_versions = {}
        for kind in KINDS:
            version = chosen["versions"][kind]
            if version is None:  # published before the lake had this table: no rows
                old = conform(arrow_schema(kind).empty_table(), kind)
            else:
                old = self.read_day(ingest_date, kind, version)
            new_versions[kind] = self._overwrite_day(kind, ingest_date, iter(old.to_batches()))
        self._append_manifest(ingest_date, manifest, new_versions)
        return manifest

    def _guard(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        """Call a storage function; its failures become LakeErrors with secrets removed."""
        from deltalake.exceptions import TableNotFoundError

        try:
            return function(*args, **kwargs)
        except TableNotFoundError:
            raise
        except _storage_errors() as error:
            message = redact(f"{type(error).__name__}: {error}", self.options)
            raise LakeError(f"lake {redact(self.root, self.options)}: {message}") from None


class DayCommit:
    """One publish of a day's tables, its storage calls made in the background.

    The tables are opened when it starts (and created empty if they are not there yet,
    while the day is fetched and labeled, not after), and each part file is uploaded into
    its table's partition folder, under a new name, as soon as it is added (while the day
    is still being labeled; small ones merged first, when their kind is complete);
    `commit` then replaces the day's partition of each table, one commit per table (the
    three at once), and appends the manifest row last. A publish stopped before its
    manifest row leaves files, empty tables or table versions no manifest names
    (`vacuum` removes the files), so readers keep seeing the old day (or none).
    """

    def __init__(self, lake: DeltaLake, ingest_date: date) -> None:
        import_libraries(lake)
        self.lake = lake
        self.ingest_date = ingest_date
        self._batch = uuid.uuid4().hex
        # IO_THREADS more than the table opens below: `background` calls made now (the
        # story window's fetch, the template statistics' merge) do not wait for them.
        self._pool = ThreadPoolExecutor(
            IO_THREADS + len(KINDS) + 1, thread_name_prefix="newsclean-publish"
        )
        # Opened (or created empty) now: a lake's first publish does not create its
        # tables one round trip before each commit. Readers find a day through the
        # manifests table only, so empty tables show them nothing new.
        self._tables = {kind: self._pool.submit(lake._table_or_create, kind) for kind in KINDS}
        self._manifests = self._pool.submit(lake._table_or_none, MANIFESTS)
        self._uploads: dict[str, list[tuple[Any, Future[None]]]] = {kind: [] for kind in KINDS}
        self._small: dict[str, list[Path]] = {kind: [] for kind in KINDS}
        self._merging: list[Future[None]] = []
        self._committed: dict[str, Any] = {}  # the tables as this publish committed them

    def __enter__(self) -> DayCommit:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def background(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """Run one more call (a profile's upload, say) beside the publish's own."""
        return self._pool.submit(function, *args)

    def add(self, kind: str, path: Path) -> None:
        """A final part file of the day: uploaded now, or, under SMALL_PART bytes, written
        together with the kind's other small parts when the kind is complete."""
        if path.stat().st_size < SMALL_PART:
            self._small[kind].append(path)
        else:
            self._upload(kind, path)

    def complete(self, kind: str) -> None:
        """No more parts of `kind` come: its small parts are merged and uploaded now, in
        the background (`commit` does it for a kind not completed)."""
        small, self._small[kind] = self._small[kind], []
        if small:
            self._merging.append(self._pool.submit(self._upload_merged, kind, small))

    def _upload_merged(self, kind: str, small: list[Path]) -> None:
        for path in _merged_small_parts(small):
            self._upload(kind, path)

    def _upload(self, kind: str, path: Path) -> None:
        from deltalake.transaction import AddAction

        rows = pq.ParquetFile(path).metadata.num_rows
        if not rows:
            return  # no empty files in the table
        day = self.ingest_date.isoformat()
        index = len(self._uploads[kind])
        name = f"{PARTITION_COLUMN}={day}/part-{index:05d}-{self._batch}.zstd.parquet"
        action = AddAction(
            path=name,
            size=path.stat().st_size,
            partition_values={PARTITION_COLUMN: day},
            modification_time=int(datetime.now(UTC).timestamp() * 1000),
            data_change=True,
            stats=json.dumps({"numRecords": rows}),
        )
        remote = self.lake._path(TABLE_DIRS[kind], name)
        upload = self._pool.submit(self.lake._guard, self.lake.fs.put_file, str(path), remote)
        self._uploads[kind].append((action, upload))

    def commit(self, manifest: dict[str, Any], inputs: Iterable[dict[str, Any]]) -> dict[str, Any]:
        """Replace the day in every table, then append the manifest row naming their
        versions; returns that row as `DeltaLake.live` reads it."""
        for kind in KINDS:
            self.complete(kind)
        for merging in self._merging:
            merging.result()
        # Queued after every upload: each waits for its own table's files only.
        commits = {kind: self._pool.submit(self._commit, kind) for kind in KINDS}
        # While the tables commit: the manifests table brought up to date and the row's
        # manifest encoded (neither depends on the versions the row names).
        table = self._manifests.result()
        if table is not None:
            self.lake._guard(table.update_incremental)
        manifest = {**manifest, "inputs": list(inputs)}
        encoded = _manifest_json(manifest)
        versions = {kind: future.result() for kind, future in commits.items()}
        return self.lake._append_manifest(
            self.ingest_date, manifest, versions, table=table, encoded=encoded, refreshed=True
        )

    def manifests(self) -> Any:
        """The manifests table as this publish opened it and appended to (None if the
        table was created by the append): the day's report reads it rather than open
        it again."""
        return self._manifests.result()

    def _commit(self, kind: str) -> int:
        """Replace the day's partition of a table with its uploaded files, in one commit;
        returns its version."""
        from deltalake import DeltaTable

        table = self._tables[kind].result()
        actions = []
        for action, upload in self._uploads[kind]:
            upload.result()
            actions.append(action)
        day = self.ingest_date.isoformat()
        guard = self.lake._guard
        guard(table.update_incremental)  # the files it replaces are those of now
        guard(
            DeltaTable.create_write_transaction,
            table,
            actions,
            mode="overwrite",
            schema=table.schema(),
            partition_by=[PARTITION_COLUMN],
            partition_filters=[(PARTITION_COLUMN, "=", day)],
        )
        guard(table.update_incremental)  # the transaction leaves it at its old version
        self._committed[kind] = table
        return table.version()

    def checkpoint(self) -> list[str]:
        """After the commit: checkpoint the log of each table (the manifests one too)
        that this publish brought to a multiple of CHECKPOINT_EVERY versions, so that
        opening a table reads fewer than that many commit files (delta-rs's own default
        is one checkpoint every 100). Returns the tables checkpointed; a checkpoint that
        fails is only logged (the day is published; the next one may write it)."""
        tables = dict(self._committed)
        manifests = self.manifests()
        if manifests is not None:
            tables[MANIFESTS] = manifests
        done = []
        for name, table in tables.items():
            version = table.version()
            if version <= 0 or version % CHECKPOINT_EVERY:
                continue
            try:
                self.lake._guard(table.create_checkpoint)
            except LakeError as error:
                logger.warning(
                    "newsclean: no checkpoint of %s at version %d (%s)", name, version, error
                )
                continue
            done.append(name)
        return done


def _manifest_json(manifest: dict[str, Any]) -> str:
    """A manifest as its row in the manifests table holds it."""
    return json.dumps(manifest, sort_keys=True, ensure_ascii=False)


def _read_days(table: Any, first: date, last: date, columns: list[str] | None = None) -> pa.Table:
    """The rows of a Delta table from day `first` to day `last` (only `columns`, if given).

    Read by deltalake's own query engine, in Rust. A pyarrow dataset of the table
    (`to_pyarrow_dataset`) reads through a Python filesystem from Arrow's threads, and a
    process that had read one aborted now and then as the interpreter shut down
    ("terminate called without an active exception": 7 in 300 runs of a process that
    reads a day as `check` does, on a loaded machine; none in 300 read this way).
    """
    from deltalake import QueryBuilder

    selected = ", ".join(f'"{column}"' for column in columns) if columns else "*"
    query = (
        f'SELECT {selected} FROM day WHERE "{PARTITION_COLUMN}" '
        f"BETWEEN DATE '{first.isoformat()}' AND DATE '{last.isoformat()}'"
    )
    return pa.table(QueryBuilder().register("day", table).execute(query))


def kept_record(folder: Path) -> Path:
    """Where `upload_shard(keep=True)` records what it put of a shard folder: beside the
    folder, never inside it (so it is not uploaded with it)."""
    return folder.with_name(f".{folder.name}.uploaded.json")


def _read_record(path: Path) -> dict[str, Any]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _object_tag(info: dict[str, Any]) -> str | None:
    """What tells one stored object from another of the same name: its ETag (S3, GCS,
    Azure), or a local file's modification time; None when the listing has neither."""
    tag = info.get("ETag") or info.get("etag") or info.get("mtime")
    return None if tag is None else str(tag)


def _linked(copy: Path, place: Path, recorded: Any, listed: dict[str, Any]) -> bool:
    """Link a kept copy of a staged file into its place, if it is what the lake holds:
    recorded by this machine's upload of the object now listed (same tag and size) and
    not changed since. False (nothing linked) otherwise, or if it cannot be linked."""
    if not isinstance(recorded, list) or len(recorded) != 3:
        return False
    tag, size, modified = recorded
    if tag != _object_tag(listed) or size != listed.get("size"):
        return False
    try:
        stat = copy.stat()
        if (stat.st_size, stat.st_mtime_ns) != (size, modified):
            return False
        place.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(copy, place)
        except OSError:  # another file system: copied instead
            shutil.copyfile(copy, place)
    except OSError:
        return False
    return True


def _modified(info: dict[str, Any]) -> datetime:
    """When an fsspec entry was last written (s3fs: LastModified, local: mtime)."""
    stamp = info.get("LastModified") or info.get("mtime") or info.get("updated") or 0
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    if isinstance(stamp, str):
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return datetime.fromtimestamp(float(stamp), UTC)


def import_libraries(lake: DeltaLake) -> None:
    """Import the libraries a publish's storage calls import, and make the lake's
    filesystem. `DayCommit` calls it before its pool starts: threads importing one
    package for the first time at once can deadlock on its modules' locks
    (`_DeadlockError` from deltalake's __init__ and its exceptions module, seen in a
    fresh publishing process). A run's warm-up (`newsclean.day`) calls it while the
    day is cleaned."""
    import deltalake  # noqa: F401
    import deltalake.exceptions  # noqa: F401
    import deltalake.transaction  # noqa: F401

    _storage_errors()
    lake.fs  # noqa: B018  (the filesystem and its library, made once, here)


def _storage_errors() -> tuple[type[BaseException], ...]:
    """What the storage libraries raise when the store refuses or cannot be reached."""
    from deltalake.exceptions import DeltaError

    errors: list[type[BaseException]] = [DeltaError, OSError, ValueError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # no S3 support installed
        pass
    else:
        errors += [BotoCoreError, ClientError]
    return tuple(errors)


def _merged_small_parts(paths: list[Path]) -> list[Path]:
    """The part files to commit: those of SMALL_PART bytes or more as they are, the
    smaller ones (a shard's quarantine, the parts of many small shards) written together
    into files of about SMALL_PART bytes each, beside the first of them, so a day does
    not leave a small file per shard in the table."""
    large = [path for path in paths if path.stat().st_size >= SMALL_PART]
    small = [path for path in paths if path.stat().st_size < SMALL_PART]
    if len(small) < 2:
        return paths
    merged: list[Path] = []
    group: list[Path] = []
    for path in [*small, None]:
        full = sum(part.stat().st_size for part in group) >= SMALL_PART
        if group and (path is None or full):
            target = group[0].with_name(f"merged-{len(merged):05d}.parquet")
            schema = pq.ParquetFile(group[0]).schema_arrow
            with pq.ParquetWriter(target, schema, compression="zstd") as writer:
                for part in group:
                    writer.write_table(pq.read_table(part, schema=schema))
            merged.append(target)
            group = []
        if path is not None:
            group.append(path)
    return large + merged


def conform(table: pa.Table, kind: str, columns: list[str] | None = None) -> pa.Table:
    """A table read from Delta in the record schema, or its `columns` (Delta drops
    Arrow's field names of list items and the nullability of nested fields)."""
    full = arrow_schema(kind)
    schema = full if columns is None else pa.schema([full.field(name) for name in columns])
    return pa.table(
        [table.column(name).cast(schema.field(name).type) for name in schema.names],
        schema=schema,
    )


def _fsspec_options(options: dict[str, str]) -> dict[str, Any]:
    """fsspec (s3fs) arguments from delta-rs style storage options."""
    names = {
        "aws_access_key_id": "key",
        "access_key_id": "key",
        "aws_secret_access_key": "secret",
        "secret_access_key": "secret",
        "aws_session_token": "token",
        "session_token": "token",
        "aws_endpoint_url": "endpoint_url",
        "aws_endpoint": "endpoint_url",
        "endpoint_url": "endpoint_url",
        "endpoint": "endpoint_url",
    }
    converted: dict[str, Any] = {}
    for key, value in options.items():
        if key in names:
            converted[names[key]] = value
        elif key in ("aws_region", "region"):
            converted.setdefault("client_kwargs", {})["region_name"] = value
        elif key in ("aws_allow_http", "allow_http"):
            continue  # s3fs follows the endpoint's scheme
        else:
            converted[key] = value
    return converted
