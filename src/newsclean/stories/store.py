"""Clustering a day at publish: read its staged article parts (and the features the
workers computed for them) and the signatures of the days before it, label the
articles, and write the labeled parts, the day's `stories` table and the day's
signatures.

A shard stages beside each article part `story_features/<part name>`: per article, in
the part's row order, its id, MinHash signature and story words, computed by the shard
as it writes the part (`FeatureWriter`, many articles at once), so that publish compares
features and never tokenises a text. A part without that file (staged by an earlier version, or a
published partition) has its features computed from its texts, which gives the same.

Signatures live in LAKE/_profiles/stories/<day>.parquet, one row per article of the
day: id, story_id, time, whether it is a canonical copy, its MinHash signature (copies
have none: nothing is compared against them) and its weighted distinctive words.

Both files carry the version of the features they hold (`features.FEATURES_VERSION`)
in their schema's metadata. Features of another version do not compare with these (other
word hashes, other signatures): a window day whose file holds another version is left
out, as if it had not run, and a staged features file of another version is computed
again from the texts.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsclean.config import Settings
from newsclean.lake import PartWriter, partition_files
from newsclean.parquet_columns import replace_columns
from newsclean.stories.cluster import Compared, Label, canonical_order, label_day
from newsclean.stories.features import (
    FEATURE_BATCH,
    FEATURES_VERSION,
    NUM_PERM,
    FeatureBatch,
    TermTable,
    batch_features,
)
from newsclean.validate import ARTICLE, STORY, file_schema

SIGNATURES = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("story_id", pa.string(), nullable=False),
        pa.field("time", pa.int64(), nullable=False),
        pa.field("canonical", pa.bool_(), nullable=False),
        pa.field("signature", pa.list_(pa.uint32(), NUM_PERM)),
        pa.field("terms", pa.list_(pa.int64()), nullable=False),
        pa.field("weights", pa.list_(pa.float32()), nullable=False),
        pa.field("title_terms", pa.list_(pa.int64()), nullable=False),
        pa.field("stated_day", pa.int32(), nullable=False),
    ],
    metadata={"newsclean.signatures": FEATURES_VERSION},
)
FEATURES = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("signature", pa.list_(pa.uint32(), NUM_PERM), nullable=False),
        pa.field("terms", pa.list_(pa.int64()), nullable=False),
        pa.field("weights", pa.list_(pa.float32()), nullable=False),
        pa.field("title_terms", pa.list_(pa.int64()), nullable=False),
        pa.field("stated_day", pa.int32(), nullable=False),
    ],
    metadata={"newsclean.story_features": FEATURES_VERSION},
)
DICTIONARY_COLUMNS = ["story_id"]
"""The only column of a signatures or features file that Parquet dictionary-encodes:
a story's id repeats over its articles. Ids, MinHash values and word hashes hardly
repeat: building and dropping a dictionary for them doubled the signatures' write
(docs/performance.md, "Delta publish, eleventh round")."""
FEATURES_DIR = "story_features"
STORIES_PART = "part-stories.parquet"
_COLUMNS = ["id", "title", "text", "published_at", "language", "source_domain"]
_TEXT_COLUMNS = {"text", "language"}
_LABEL_COLUMNS = ["duplicate_of", "similarity", "story_id"]
RELABEL_THREADS = 4  # at most this many parts are labeled at once

logger = logging.getLogger(__name__)


def signatures_dir(lake: Path) -> Path:
    return lake / "_profiles" / "stories"


def signatures_path(lake: Path, day: date) -> Path:
    return signatures_dir(lake) / f"{day.isoformat()}.parquet"


def _current_version(path: Path, schema: pa.Schema) -> bool:
    """Whether the Parquet file at `path` holds features of this version (the version
    `schema`'s metadata names). Raises OSError or ArrowException when it cannot be read."""
    ((key, version),) = schema.metadata.items()
    found = pq.read_schema(path).metadata or {}
    return found.get(key) == version


def read_columns(path: Path, schema: pa.Schema, names: list[str] | None = None) -> pa.Table:
    """The columns `names` (default: all) of `schema` in a Parquet file, typed as `schema`
    types them. Through ParquetFile, not read_table: the dataset API imports pandas
    (~0.4 CPU s), which a publish would wait for. Raises ValueError when a column is
    missing, OSError or ArrowException when the file cannot be read."""
    wanted = pa.schema([schema.field(name) for name in names or schema.names])
    return pq.ParquetFile(path).read(columns=wanted.names).cast(wanted)


def features_path(part: Path) -> Path:
    """Where a staged article part's features are: SHARD/story_features/<part name>."""
    return part.parent.parent / FEATURES_DIR / part.name


class FeatureWriter:
    """Computes and streams the features of a staged article part, in its row order, to
    its `features_path`: FEATURE_BATCH articles at a time (`batch_features`), so that
    at most that many texts wait in memory, in row groups of `batch_rows`. A writer that
    saw no article leaves no file."""

    def __init__(self, path: Path, *, batch_rows: int) -> None:
        self.path = path
        self._batch_rows = batch_rows
        self._ids: list[str] = []
        self._titles: list[str | None] = []
        self._texts: list[str] = []
        self._languages: list[str | None] = []
        self._computed: list[FeatureBatch] = []
        self._writer: pq.ParquetWriter | None = None

    def write(self, article_id: str, title: str | None, text: str, language: str | None) -> None:
        """Add an article by its published title, text and language."""
        self._ids.append(article_id)
        self._titles.append(title)
        self._texts.append(text)
        self._languages.append(language)
        if len(self._texts) >= FEATURE_BATCH:
            self._compute()
        if len(self._ids) >= self._batch_rows:
            self._flush()

    def _compute(self) -> None:
        if self._texts:
            self._computed.append(batch_features(self._titles, self._texts, self._languages))
            self._titles, self._texts, self._languages = [], [], []

    def _flush(self) -> None:
        self._compute()
        if not self._ids:
            return
        features = FeatureBatch.concat(self._computed)
        table = pa.table(
            {
                "id": pa.array(self._ids, pa.string()),
                "signature": _signature_array(features.signatures),
                **_terms_columns(features.term_table()),
            },
            schema=FEATURES,
        )
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(
                self.path, FEATURES, compression="zstd", use_dictionary=DICTIONARY_COLUMNS
            )
        self._writer.write_table(table, row_group_size=self._batch_rows)
        self._ids, self._computed = [], []

    def close(self) -> None:
        self._flush()
        if self._writer is not None:
            self._writer.close()


def _staged_features(part: Path) -> tuple[np.ndarray, TermTable] | None:
    """The worker-computed features of a staged part, when its file holds exactly the
    part's articles in its order; None otherwise (they are computed from the texts)."""
    path = features_path(part)
    if not path.exists():
        return None
    try:
        if not _current_version(path, FEATURES):
            return None
        table = read_columns(path, FEATURES)
        part_ids = pq.ParquetFile(part).read(columns=["id"]).column("id")
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None
    if not table.column("id").equals(part_ids):
        return None
    matrix = table.column("signature").combine_chunks().flatten().to_numpy()
    return matrix.astype(np.uint32).reshape(-1, NUM_PERM), _term_table(table)


@dataclass(frozen=True, slots=True)
class Articles:
    """What clustering needs of some articles: their ids, times, signatures, terms,
    titles and domains, and the labels of published ones."""

    ids: list[str]
    times: np.ndarray
    signatures: np.ndarray
    terms: TermTable
    titles: list[str | None]
    domains: list[str | None]
    labels: list[Label] | None = None


@dataclass(frozen=True, slots=True)
class DayArticles(Articles):
    """A day's articles, in canonical order."""


def article_time(published_at: datetime | None, ingest_date: date) -> int:
    """Seconds since the epoch: the publication time, or the start of the ingest day."""
    if published_at is None:
        return int(
            datetime(ingest_date.year, ingest_date.month, ingest_date.day, tzinfo=UTC).timestamp()
        )
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    return int(published_at.timestamp())


def article_times(published_at: pa.Array | pa.ChunkedArray, ingest_date: date) -> np.ndarray:
    """`article_time` of a column of publication times, at once (whole seconds, truncated
    as int() truncates a POSIX timestamp)."""
    micros = published_at.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    missing = article_time(None, ingest_date) * 1_000_000
    values = pc.fill_null(micros, missing).to_numpy(zero_copy_only=False)
    return np.trunc(values / 1_000_000).astype(np.int64)


Stamp = tuple[tuple[int, ...] | None, ...]
"""The identity of files read ahead (`part_stamp`, `window_stamp`)."""


@dataclass(frozen=True, slots=True)
class PartArticles(Articles):
    """One article part's articles, in the part's row order: `read_part_articles`'
    result, kept by a `Preread` until the day is published. `stamp` names the files it
    was read from (`part_stamp`)."""

    stamp: Stamp = field(kw_only=True)


def _identity(path: Path) -> tuple[int, ...] | None:
    """A file's device, inode, size and modification time; None when it is not there."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


def part_stamp(part: Path) -> Stamp:
    """The identity of an article part and of its staged features file (`_identity`):
    a part read earlier
    is used at publish only if both are still these files (a kept shard linked into a
    publish's folder keeps its inode). Raises OSError when the part cannot be seen."""

    return (_identity(part), _identity(features_path(part)))


def read_part_articles(
    part: Path, ingest_date: date, batch_rows: int, *, labeled: bool = False
) -> PartArticles:
    """The features of one part's articles in its row order: the staged ones the
    workers computed (`features_path`), else computed from the texts batch by batch.
    With `labeled`, also the labels the part carries (a published part)."""
    stamp = part_stamp(part)
    staged = None if labeled else _staged_features(part)
    columns_read = [name for name in _COLUMNS if staged is None or name not in _TEXT_COLUMNS] + (
        _LABEL_COLUMNS if labeled else []
    )
    ids: list[str] = []
    times: list[np.ndarray] = []
    rows: list[np.ndarray] = [] if staged is None else [staged[0]]
    tables: list[TermTable] = [] if staged is None else [staged[1]]
    titles: list[str | None] = []
    domains: list[str | None] = []
    labels: list[Label] = []
    for batch in pq.ParquetFile(part).iter_batches(batch_size=batch_rows, columns=columns_read):
        batch_titles = batch.column("title").to_pylist()
        if staged is None:
            computed = batch_features(
                batch_titles,
                batch.column("text").to_pylist(),
                batch.column("language").to_pylist(),
            )
            rows.append(computed.signatures)
            tables.append(computed.term_table())
        ids.extend(batch.column("id").to_pylist())
        times.append(article_times(batch.column("published_at"), ingest_date))
        titles.extend(batch_titles)
        domains.extend(batch.column("source_domain").to_pylist())
        if labeled:
            labels.extend(
                Label(*values)
                for values in zip(
                    *(batch.column(name).to_pylist() for name in _LABEL_COLUMNS), strict=True
                )
            )
    return PartArticles(
        ids=ids,
        times=np.concatenate(times) if times else np.zeros(0, dtype=np.int64),
        signatures=np.concatenate(rows) if rows else np.zeros((0, NUM_PERM), dtype=np.uint32),
        terms=TermTable.concat(tables),
        titles=titles,
        domains=domains,
        labels=labels if labeled else None,
        stamp=stamp,
    )


def read_day_articles(
    parts: Sequence[Path],
    ingest_date: date,
    batch_rows: int,
    *,
    labeled: bool = False,
    preread: Mapping[Stamp, PartArticles] | None = None,
) -> DayArticles:
    """The features of the articles in part files, in canonical order
    (`read_part_articles` of each; the texts of a whole day are never in memory at
    once). With `labeled`, also the labels the parts carry (published parts). A part
    whose files are in `preread` (by `part_stamp`: the same files, read earlier) is not
    read again."""
    read: list[PartArticles] = []
    for part in parts:
        earlier = None if not preread or labeled else preread.get(part_stamp(part))
        if earlier is not None:
            read.append(earlier)
        else:
            read.append(read_part_articles(part, ingest_date, batch_rows, labeled=labeled))
    ids = [article_id for found in read for article_id in found.ids]
    titles = [title for found in read for title in found.titles]
    domains = [domain for found in read for domain in found.domains]
    all_times = (
        np.concatenate([found.times for found in read]) if read else np.zeros(0, dtype=np.int64)
    )
    order = canonical_order(ids, all_times.tolist())
    matrix = (
        np.concatenate([found.signatures for found in read])
        if read
        else np.zeros((0, NUM_PERM), dtype=np.uint32)
    )
    labels = [label for found in read for label in found.labels or []]
    return DayArticles(
        ids=[ids[i] for i in order],
        times=all_times[order] if order else all_times,
        signatures=matrix[order] if order else matrix,
        terms=TermTable.concat([found.terms for found in read]).take(
            np.asarray(order, dtype=np.int64)
        ),
        titles=[titles[i] for i in order],
        domains=[domains[i] for i in order],
        labels=[labels[i] for i in order] if labeled else None,
    )


def save_published_signatures(lake: Path, ingest_date: date, batch_rows: int) -> bool:
    """Write a published day's signature file again from its article partition, with
    the labels its rows carry (after `restore`, so the window matches the live day).
    False, and no file, when the partition has no labels (published before them)."""
    path = signatures_path(lake, ingest_date)
    try:
        day = read_day_articles(
            partition_files(lake, ingest_date, ARTICLE), ingest_date, batch_rows, labeled=True
        )
    except (KeyError, ValueError, pa.ArrowException):
        path.unlink(missing_ok=True)
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _write_signatures(temporary, day, day.labels or [])
    os.replace(temporary, path)
    return True


def read_window(lake: Path, ingest_date: date, days: int) -> tuple[Compared, list[str]]:
    """The signatures of the `days` days before ingest_date that are in the lake, oldest
    first, and the days read. Only earlier days count, so a re-run sees the same window;
    a day whose file cannot be read, or holds features of another version, is left
    out, as if it had not run."""
    read: list[str] = []

    def tables() -> Iterator[pa.Table]:
        for offset in range(days, 0, -1):
            day = ingest_date - timedelta(days=offset)
            path = signatures_path(lake, day)
            if not path.exists():
                continue
            try:
                if not _current_version(path, SIGNATURES):
                    continue
                table = read_columns(path, SIGNATURES)
            except (OSError, ValueError, pa.ArrowException):
                continue
            read.append(day.isoformat())
            yield table

    return _compared(tables()), read


def window_stamp(lake: Path, ingest_date: date, days: int) -> Stamp:
    """The identity of the window's signature files (`_identity`; None for a day without
    one): a window read earlier is used only if it is still this."""

    return tuple(
        _identity(signatures_path(lake, ingest_date - timedelta(days=offset)))
        for offset in range(days, 0, -1)
    )


class Preread:
    """What labelling a day needs and what is fixed before the day is published, read in
    one background thread of the publishing process while its workers clean: the
    signature window of a local lake (only earlier days count) and each staged article
    part's ids, times, titles, domains and features (`read_part_articles`; no text) as
    soon as its shard is staged. `label_staged` takes what is here only where the files
    are still those read (`part_stamp`, `window_stamp`); a read that failed, or files
    that changed, are read again at publish. Holds at most the day's features, which
    the publish holds anyway, until `label_staged` takes it. Close it (or use it as a
    context manager) when done."""

    def __init__(self, ingest_date: date, batch_rows: int) -> None:
        self.ingest_date = ingest_date
        self._batch_rows = batch_rows
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="newsclean-preread")
        self._parts: list[Future[PartArticles]] = []
        self._window: tuple[Path, int, Future[tuple[Stamp, Compared, list[str]]]] | None = None

    def __enter__(self) -> Preread:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def read_window(self, lake: Path, days: int) -> None:
        """Start reading the window of `days` days of a local lake."""

        def read() -> tuple[Stamp, Compared, list[str]]:
            stamp = window_stamp(lake, self.ingest_date, days)
            return (stamp, *read_window(lake, self.ingest_date, days))

        self._window = (lake, days, self._pool.submit(read))

    def read_parts(self, parts: Iterable[Path]) -> None:
        """Start reading staged article parts (a shard's, once it is staged)."""
        for part in parts:
            self._parts.append(
                self._pool.submit(read_part_articles, part, self.ingest_date, self._batch_rows)
            )

    def parts(self) -> dict[Stamp, PartArticles]:
        """The parts read, by `part_stamp`, once every read started has ended. Handed
        over: this keeps no reference to them (the day's features are not held twice)."""
        futures, self._parts = self._parts, []
        found = {}
        for future in futures:
            read = _succeeded(future, "a staged part")
            if read is not None and read.stamp[0] is not None:
                found[read.stamp] = read
        return found

    def window(self, lake: Path, days: int) -> tuple[Compared, list[str]] | None:
        """The window of `lake`, as `read_window` gives it, if it was read here and its
        files are unchanged; else None. Handed over, as `parts`."""
        started, self._window = self._window, None
        if started is None or started[:2] != (lake, days):
            return None
        read = _succeeded(started[2], "the signature window")
        if read is None or read[0] != window_stamp(lake, self.ingest_date, days):
            return None
        return read[1], read[2]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _succeeded(future: Future[Any], what: str) -> Any:
    """A pre-read's result, or None (logged) when it failed: then it is read again."""
    try:
        return future.result()
    except Exception as error:  # a pre-read is a cache: the publish reads it itself
        logger.info(
            "newsclean: reading %s ahead failed (%s: %s); the publish reads it",
            what,
            type(error).__name__,
            error,
        )
        return None


def _compared(tables: Iterable[pa.Table]) -> Compared:
    """The window as numpy arrays, converted one day at a time."""
    ids: list[str] = []
    story_ids: list[str] = []
    times, canonical, matrices, terms = [], [], [], []
    for table in tables:
        ids.extend(table.column("id").to_pylist())
        story_ids.extend(table.column("story_id").to_pylist())
        times.append(table.column("time").to_numpy().astype(np.int64))
        flags = table.column("canonical").to_numpy().astype(bool)
        canonical.append(flags)
        kept = table.column("signature").filter(pa.array(flags)).combine_chunks()
        matrices.append(kept.flatten().to_numpy().astype(np.uint32).reshape(-1, NUM_PERM))
        terms.append(_term_table(table))
    if not ids:
        return Compared.empty()
    return Compared(
        ids=ids,
        times=np.concatenate(times),
        story_ids=story_ids,
        canonical=np.concatenate(canonical),
        signatures=np.concatenate(matrices),
        terms=TermTable.concat(terms),
    )


def _term_table(table: pa.Table) -> TermTable:
    """The story words of a signature or features table."""
    words, offsets = _flat(table.column("terms"), np.int64)
    weights, _ = _flat(table.column("weights"), np.float32)
    title, title_offsets = _flat(table.column("title_terms"), np.int64)
    days = table.column("stated_day").to_numpy().astype(np.int32)
    return TermTable(words, weights, offsets, title, title_offsets, days)


def _flat(column: pa.ChunkedArray, dtype: type) -> tuple[np.ndarray, np.ndarray]:
    array = column.combine_chunks()
    values = array.flatten().to_numpy(zero_copy_only=False).astype(dtype)
    lengths = array.value_lengths().to_numpy(zero_copy_only=False)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths)
    return values, offsets


@dataclass(frozen=True, slots=True)
class Labeled:
    """What clustering a day left in staging, ready to publish: the labeled parts, the
    stories part and where the day's signatures are (`write_signatures` puts them there
    when `label_staged` did not)."""

    article_parts: list[Path]
    story_parts: list[Path]
    signatures: Path
    summary: dict[str, Any]
    day: DayArticles
    labels: list[Label]

    def write_signatures(self) -> Path:
        """Write the day's signatures file; returns its path."""
        _write_signatures(self.signatures, self.day, self.labels)
        return self.signatures


def label_staged(
    lake: Path,
    ingest_date: date,
    parts: Sequence[Path],
    work: Path,
    settings: Settings,
    written: Callable[[Path], None] | None = None,
    *,
    signatures: bool = True,
    preread: Preread | None = None,
) -> Labeled:
    """Cluster the day's staged article parts against the window and write, under
    `work`, the labeled parts (same names), the stories part and (unless not
    `signatures`: then `Labeled.write_signatures` does it later) the day's signatures.
    `written` is told of each labeled part as soon as it is complete (a Delta publish
    uploads it while the others are written, and writes the signatures while its tables
    commit: they are needed only after). What `preread` read ahead and is unchanged is
    not read again."""
    if preread is not None and preread.ingest_date != ingest_date:
        preread = None
    day = read_day_articles(
        parts,
        ingest_date,
        settings.batch_rows,
        preread=preread.parts() if preread is not None else None,
    )
    earlier = None if preread is None else preread.window(lake, settings.story_window_days)
    past, window = earlier or read_window(lake, ingest_date, settings.story_window_days)
    labels = label_day(
        past,
        day.ids,
        day.times,
        day.signatures,
        day.terms,
        duplicate_threshold=settings.duplicate_threshold,
        story_hours=settings.story_hours,
    )
    by_id = dict(zip(day.ids, labels, strict=True))
    shutil.rmtree(work, ignore_errors=True)  # what an interrupted publish left
    (work / "articles").mkdir(parents=True)
    (work / "stories").mkdir(parents=True)
    stories = work / "stories" / STORIES_PART
    signatures_file = work / "signatures.parquet"
    # The parts are copied, and then the signatures written, a few at once (Parquet
    # decodes and compresses outside the GIL) while this thread writes the stories.
    threads = max(1, min(len(parts), settings.worker_count, RELABEL_THREADS))
    with ThreadPoolExecutor(threads, thread_name_prefix="newsclean-relabel") as pool:
        copies = [
            pool.submit(_relabel, part, work / "articles" / part.name, by_id, settings)
            for part in parts
        ]
        signed = (
            pool.submit(_write_signatures, signatures_file, day, labels) if signatures else None
        )
        count = _write_stories(stories, ingest_date, day, labels, past, settings)
        for copy in as_completed(copies):
            if written is not None:
                written(copy.result())
        labeled = [copy.result() for copy in copies]
        if signed is not None:
            signed.result()
    summary = {
        "stories": count,
        "near_duplicates": sum(label.duplicate_of is not None for label in labels),
        "window": window,
    }
    return Labeled(labeled, [stories] if count else [], signatures_file, summary, day, labels)


def keep_signatures(lake: Path, ingest_date: date, staged: Path) -> None:
    """Put a published day's signatures where the days after it read them."""
    directory = signatures_dir(lake)
    directory.mkdir(parents=True, exist_ok=True)
    os.replace(staged, signatures_path(lake, ingest_date))


def _relabel(source: Path, target: Path, labels: dict[str, Label], settings: Settings) -> Path:
    """Copy a staged article part with its duplicate_of, similarity and story_id set:
    only those columns are written again when the part has the article file schema
    (`replace_columns`), else every column is."""
    schema = file_schema(ARTICLE)
    if pq.read_schema(source).equals(schema):
        ids = pq.ParquetFile(source).read(columns=["id"]).column("id")
        columns = _label_columns([labels[i] for i in ids.to_pylist()])
        if replace_columns(source, target, columns) and _patched_as_asked(target, ids, columns):
            return target
    reader = pq.ParquetFile(source)
    with pq.ParquetWriter(target, schema, compression="zstd", write_statistics=True) as writer:
        for batch in reader.iter_batches(batch_size=settings.batch_rows):
            table = pa.Table.from_batches([batch]).cast(schema)
            found = [labels[article_id] for article_id in table.column("id").to_pylist()]
            for name, values in _label_columns(found).items():
                index = schema.get_field_index(name)
                table = table.set_column(index, schema.field(index), values)
            writer.write_table(table, row_group_size=settings.batch_rows)
    return target


def _patched_as_asked(target: Path, ids: pa.ChunkedArray, columns: dict[str, pa.Array]) -> bool:
    """Whether pyarrow reads the patched part back with the staged ids and the new label
    columns (a cheap check of `replace_columns`' footer, on the columns it touched and
    the one that keys them); a part that fails it is rewritten whole."""
    try:
        found = read_columns(target, file_schema(ARTICLE), ["id", *columns])
    except (OSError, ValueError, pa.ArrowException) as error:
        logger.warning("patched part %s unreadable (%s): rewriting it whole", target.name, error)
        return False
    if found.column("id").equals(ids) and all(
        found.column(name).combine_chunks().equals(values) for name, values in columns.items()
    ):
        return True
    logger.warning("patched part %s reads back other values: rewriting it whole", target.name)
    return False


def _label_columns(labels: Sequence[Label]) -> dict[str, pa.Array]:
    """The label columns of articles, as the article schema types them."""
    return {
        "duplicate_of": pa.array([label.duplicate_of for label in labels], pa.string()),
        "similarity": pa.array([label.similarity for label in labels], pa.float64()),
        "story_id": pa.array([label.story_id for label in labels], pa.string()),
    }


def _write_stories(
    path: Path,
    ingest_date: date,
    day: DayArticles,
    labels: Sequence[Label],
    past: Compared,
    settings: Settings,
) -> int:
    """One row per story with articles in the day, in the order of their first article;
    returns the row count. The day's articles are in canonical order (earliest first),
    so a story's first article of the day is its earliest."""
    story_index: dict[str, int] = {}
    members = np.fromiter(
        (story_index.setdefault(label.story_id, len(story_index)) for label in labels),
        dtype=np.int64,
        count=len(labels),
    )
    count = len(story_index)
    firsts = np.unique(members, return_index=True)[1]  # each story's first article
    last_seen = np.full(count, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last_seen, members, day.times)
    duplicates = np.bincount(
        members,
        weights=[label.duplicate_of is not None for label in labels],
        minlength=count,
    )
    first_seen = day.times[firsts] if count else np.zeros(0, dtype=np.int64)
    for story_id, started in _story_starts(past, story_index).items():
        at = story_index[story_id]
        first_seen[at] = min(started, first_seen[at])
    domains: list[set[str]] = [set() for _ in range(count)]
    titles: list[str | None] = [None] * count
    for member, domain, title in zip(members.tolist(), day.domains, day.titles, strict=True):
        if domain:
            domains[member].add(domain)
        if title and titles[member] is None:
            titles[member] = title
    schema = file_schema(STORY)
    table = pa.table(
        {
            "story_id": pa.array(list(story_index), pa.string()),
            "first_seen": _timestamps(first_seen, schema.field("first_seen").type),
            "last_seen": _timestamps(last_seen, schema.field("last_seen").type),
            "articles": pa.array(np.bincount(members, minlength=count), pa.int64()),
            "duplicates": pa.array(duplicates.astype(np.int64), pa.int64()),
            "domains": pa.array([sorted(found) for found in domains], pa.list_(pa.string())),
            "title": pa.array(titles, pa.string()),
        },
        schema=schema,
    )
    writer = PartWriter(path, STORY, batch_rows=settings.batch_rows)
    writer.write_table(table)
    writer.close()
    return writer.rows


def _story_starts(past: Compared, stories: dict[str, int]) -> dict[str, int]:
    """The time of the first article of each story that began in the window."""
    started: dict[str, int] = {}
    for story_id, time in zip(past.story_ids, past.times.tolist(), strict=True):
        if story_id in stories and (story_id not in started or time < started[story_id]):
            started[story_id] = time
    return started


def _timestamps(seconds: np.ndarray, kind: pa.DataType) -> pa.Array:
    """Whole seconds since the epoch as a timestamp column of the stories schema."""
    return pa.array(seconds.astype("datetime64[s]"), pa.timestamp("s", tz="UTC")).cast(kind)


def _write_signatures(path: Path, day: DayArticles, labels: Sequence[Label]) -> None:
    pq.write_table(
        _signature_table(day, labels), path, compression="zstd", use_dictionary=DICTIONARY_COLUMNS
    )


def _signature_table(day: DayArticles, labels: Sequence[Label]) -> pa.Table:
    canonical = [label.duplicate_of is None for label in labels]
    return pa.table(
        {
            "id": pa.array(day.ids, pa.string()),
            "story_id": pa.array([label.story_id for label in labels], pa.string()),
            "time": pa.array(day.times, pa.int64()),
            "canonical": pa.array(canonical, pa.bool_()),
            # Copies keep no signature: nothing is compared against them.
            "signature": _signature_array(day.signatures, mask=np.logical_not(canonical)),
            **_terms_columns(day.terms),
        },
        schema=SIGNATURES,
    )


def _signature_array(matrix: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    flat = pa.array(matrix.reshape(-1), type=pa.uint32())
    if mask is None:
        return pa.FixedSizeListArray.from_arrays(flat, NUM_PERM)
    return pa.FixedSizeListArray.from_arrays(flat, NUM_PERM, mask=pa.array(mask))


def _terms_columns(terms: TermTable) -> dict[str, pa.Array]:
    """The story-word columns of a signature or features table."""
    return {
        "terms": pa.ListArray.from_arrays(
            pa.array(terms.term_offsets, pa.int32()), pa.array(terms.terms, pa.int64())
        ),
        "weights": pa.ListArray.from_arrays(
            pa.array(terms.term_offsets, pa.int32()), pa.array(terms.weights, pa.float32())
        ),
        "title_terms": pa.ListArray.from_arrays(
            pa.array(terms.title_offsets, pa.int32()), pa.array(terms.title, pa.int64())
        ),
        "stated_day": pa.array(terms.days, pa.int32()),
    }


def window_ids(lake: Path, ingest_date: date, days: int) -> set[str]:
    """Ids of the articles in the signature window of a day (for `check`)."""
    found: set[str] = set()
    for offset in range(days, 0, -1):
        path = signatures_path(lake, ingest_date - timedelta(days=offset))
        if path.exists():
            try:
                found.update(pq.read_table(path, columns=["id"]).column("id").to_pylist())
            except (OSError, pa.ArrowException):
                continue
    return found
