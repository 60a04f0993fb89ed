"""A day: shards of raw files cleaned into staged parts, then published as a whole.

    raw files -> shards (`clean_shard`: the pipeline's stages in worker processes, a
    spool, the site-template stage, staged Parquet parts) -> `publish_day` (story
    clustering of the whole day, manifest, atomic swap of the day's partitions,
    template history and story signatures)

Airflow maps `clean_shard` over its workers and then calls `publish_day`; `run_day`
does both for the command line. What a shard stages: articles and quarantine parts,
its input records (one per file), its site-template observations and a result.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import pickle
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, nullcontext
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow.parquet as pq

from newsclean import delta, fastpaths
from newsclean.boilerplate import TemplateProfile
from newsclean.config import Settings
from newsclean.lake import (
    ARTICLE,
    QUARANTINE,
    STORY,
    TABLE_DIRS,
    PartWriter,
    describe_part,
    lake_root,
    partition_dir,
    publish_partitions,
    read_json,
    read_manifest,
    recover,
    restore_version,
    shard_dir,
    staging_dir,
    write_json_atomic,
)
from newsclean.pipeline import (
    INTERNAL_ERROR,
    PIPELINE_VERSION,
    Prepared,
    prepare_unit,
    record_of,
    strip_templates,
)
from newsclean.readers import InputFile, InputRootError, iter_inputs, read_input
from newsclean.record import Article, RawUnit, Rejected
from newsclean.report.source import LakeSource
from newsclean.rows import quarantine_record
from newsclean.stories import Preread, keep_signatures, label_staged, save_published_signatures
from newsclean.stories.store import (
    FeatureWriter,
    Labeled,
    features_path,
    signatures_path,
)
from newsclean.validate import schema_version, validation_error, warm_up
from newsclean.workers import INLINE_FILES, small_input

SHARD_RESULT = "shard.json"
SHARD_INPUTS = "inputs.jsonl"  # a shard's input records, one JSON object a line
logger = logging.getLogger(__name__)
Progress = Callable[[int], None]


class EmptyInputError(InputRootError):
    """A run found no raw file, and publishing would replace the day with an empty one."""


def internal_errors(manifest: dict[str, Any]) -> int:
    """How many units of a day hit an unexpected error inside newsclean (each one is
    quarantined as `pipeline.error.<Type>`): a bug to report, not bad input."""
    return sum(
        count
        for reason, count in manifest["quarantined_by_reason"].items()
        if reason.startswith(INTERNAL_ERROR)
    )


def plan_shards(input_root: str, *, shard_size: int) -> list[list[str]]:
    """The raw files under input_root in a stable order, grouped `shard_size` files a shard."""
    if shard_size <= 0:
        raise ValueError(f"shard_size must be positive, got {shard_size}")
    files = [file.uri for file in iter_inputs(input_root)]
    return [files[start : start + shard_size] for start in range(0, len(files), shard_size)]


def clean_shard(
    files: list[str],
    *,
    input_root: str,
    lake: str,
    ingest_date: date,
    shard_id: str,
    settings: Settings,
    progress: Progress | None = None,
    lake_format: str | None = None,
    staged_copy: Path | None = None,
    preread: Preread | None = None,
) -> dict[str, Any]:
    """Clean some raw files into staged article and quarantine parts. Idempotent.

    A second call with the same arguments replaces the staged parts. Returns a
    JSON-serialisable summary. `lake_format` as in `newsclean.delta.lake_format`.
    `staged_copy`: on a Delta lake, a local folder where the shard is staged and kept
    after its upload, for a `publish_day` on this machine given the
    same folder to read rather than fetch back. With it, this process also loads what
    that publish needs while the workers clean (`_start_warm_up`). `preread`: a
    `stories.Preread` this process's `publish_day` of the day is given, which starts
    reading the shard's articles for the day's labelling once it is staged.
    """
    selected = set(files)
    inputs = [file for file in iter_inputs(input_root) if file.uri in selected]
    missing = selected - {file.uri for file in inputs}
    if missing:
        raise FileNotFoundError(f"input file(s) not found: {', '.join(sorted(missing)[:5])}")
    return _stage_shard(
        inputs,
        lake,
        ingest_date,
        shard_id,
        settings,
        progress,
        lake_format,
        inline=small_input(inputs),
        staged_copy=staged_copy,
        warm=staged_copy is not None,
        preread=preread,
    )


def _stage_shard(
    inputs: Iterable[InputFile],
    lake: str,
    ingest_date: date,
    shard_id: str,
    settings: Settings,
    progress: Progress | None,
    lake_format: str | None = None,
    *,
    inline: bool = False,
    staged_copy: Path | None = None,
    warm: bool = False,
    preread: Preread | None = None,
) -> dict[str, Any]:
    """Clean the inputs into the shard's staging folder, on the lake's own storage.

    `inline`: clean in this process, without the workers (a small input); `staged_copy`
    and `preread` as in `clean_shard`; `warm`: this process publishes the day next, and
    loads what the publish needs while the workers clean (not when cleaning inline)."""
    warm = warm and not inline
    if delta.lake_format(lake, lake_format) == delta.DELTA:
        result = _stage_shard_remote(
            inputs,
            delta.DeltaLake(lake),
            ingest_date,
            shard_id,
            settings,
            progress,
            inline,
            staged_copy,
            warm,
        )
        if preread is not None and staged_copy is not None:  # read where it is kept
            preread.read_parts(_shard_parts(staged_copy, ingest_date, shard_id))
        return result
    root = lake_root(lake)
    with _warmed(warm):
        result = _stage_shard_local(
            inputs, root, ingest_date, shard_id, settings, progress, inline=inline
        )
    if preread is not None:
        preread.read_parts(_shard_parts(root, ingest_date, shard_id))
    return result


def _shard_parts(root: Path, ingest_date: date, shard_id: str, kind: str = ARTICLE) -> list[Path]:
    """A staged shard's part files of one kind under root."""
    return sorted((shard_dir(root, ingest_date, shard_id) / TABLE_DIRS[kind]).glob("*.parquet"))


def _stage_shard_remote(
    inputs: Iterable[InputFile],
    lake: delta.DeltaLake,
    ingest_date: date,
    shard_id: str,
    settings: Settings,
    progress: Progress | None,
    inline: bool,
    staged_copy: Path | None = None,
    warm: bool = False,
) -> dict[str, Any]:
    """Clean on this machine's disk, with the lake's template history copied in, then
    upload the staged shard to the lake, where any machine can publish it; in
    `staged_copy`, if given, the shard stays (`DeltaLake.upload_shard(keep=True)`).
    `warm` as in `_stage_shard`."""
    scratch = (
        tempfile.TemporaryDirectory(prefix="newsclean-shard-")
        if staged_copy is None
        else nullcontext(str(staged_copy))
    )
    with scratch as folder:
        root = Path(folder)
        window = range(settings.template_window_days, 0, -1)
        lake.fetch_profiles((ingest_date - timedelta(days=days) for days in window), root)
        # Started once this thread has made the lake's filesystem (and imported its
        # library), and joined before its next storage call: see `_start_warm_up`.
        with _warmed(warm, lake):
            result = _stage_shard_local(
                inputs, root, ingest_date, shard_id, settings, progress, inline=inline
            )
        staged = shard_dir(root, ingest_date, shard_id)
        lake.upload_shard(staged, ingest_date, shard_id, keep=staged_copy is not None)
    return result


def _stage_shard_local(
    inputs: Iterable[InputFile],
    root: Path,
    ingest_date: date,
    shard_id: str,
    settings: Settings,
    progress: Progress | None,
    *,
    inline: bool = False,
) -> dict[str, Any]:
    """Clean the inputs into a fresh staging folder, then put it in the shard's place.

    `inline`: clean in this process, without the workers (a small input)."""
    final = shard_dir(root, ingest_date, shard_id)
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".tmp-{final.name}-", dir=final.parent))
    try:
        result = _clean_into(
            inputs, work, root, ingest_date, shard_id, settings, progress, inline=inline
        )
        write_json_atomic(work / SHARD_RESULT, result)
        shutil.rmtree(final, ignore_errors=True)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return result


def _clean_into(
    inputs: Iterable[InputFile],
    work: Path,
    lake: Path,
    ingest_date: date,
    shard_id: str,
    settings: Settings,
    progress: Progress | None,
    *,
    inline: bool = False,
) -> dict[str, Any]:
    from newsclean.workers import InlinePool, UnitPool, inline_limit_available, start_server

    started = time.perf_counter()
    # In this process a unit's time limit needs the alarm; without it, the workers.
    inline = inline and inline_limit_available()
    if not inline:
        start_server()
        warm_up()  # while the workers' server loads
    fast_paths = fastpaths.report()  # one warning line if a library is read publicly
    part = f"part-{shard_id}.parquet"
    for kind in (ARTICLE, QUARANTINE):
        (work / TABLE_DIRS[kind]).mkdir()
    quarantine = _Quarantine(work / TABLE_DIRS[QUARANTINE] / part, ingest_date, settings)
    observed = TemplateProfile()
    prepare = partial(
        prepare_unit, ingest_date=ingest_date, template_words=observed.settings.max_words
    )
    units_read = 0
    spool_path = work / "articles.spool"
    with (
        open(spool_path, "wb") as spool,
        _InputRecords(work / SHARD_INPUTS) as input_records,
        InlinePool(prepare, settings) if inline else UnitPool(prepare, settings) as pool,
    ):
        for unit, result in pool.imap(_units(inputs, settings, input_records)):
            units_read += 1
            if progress:
                progress(1)
            if isinstance(result, Rejected):
                quarantine.add(result)
                continue
            payload = _capped(unit.payload, settings.quarantine_payload_bytes)
            article = result.article
            # Every document of a domain counts towards its template, also one the
            # boilerplate stage left too short: its lines are the site's all the same.
            if result.keys is not None:
                observed.observe(article.source_domain, article.text, result.keys)
            if _too_short(article.text, settings):
                quarantine.add(_empty(article, payload))
            else:
                pickle.dump((result, payload), spool, protocol=pickle.HIGHEST_PROTOCOL)
    cleaned = time.perf_counter()
    # The profile is the one part of a run's memory that grows with its units (up to a
    # cap per domain): save it now, and merge it into the history without a copy.
    write_json_atomic(work / "templates.json", observed.to_json())
    templates = _template_history(lake, ingest_date, settings)
    if templates.domains():
        templates.merge(observed)
    else:  # merging into an empty profile would only copy it
        templates = observed
    del observed
    articles = PartWriter(
        work / TABLE_DIRS[ARTICLE] / part, ARTICLE, batch_rows=settings.batch_rows
    )
    # The story features of each article, staged beside its part for publish: computed
    # as they are written, many articles at once (the template stage may change a text).
    features = FeatureWriter(
        features_path(work / TABLE_DIRS[ARTICLE] / part), batch_rows=settings.batch_rows
    )
    for (prepared, error, keys), payload in _read_spool(spool_path):
        article = strip_templates(prepared, templates, keys, settings)
        if _too_short(article.text, settings):
            quarantine.add(_empty(article, payload))
            continue
        record = record_of(article, ingest_date)
        if article is not prepared:  # the template stage changed it: validate it again
            error = validation_error(record, ARTICLE)
        if error:
            quarantine.add(_invalid(article, error, payload))
            continue
        articles.write(record)
        features.write(record["id"], article.title, article.text, article.language)
    articles.close()
    features.close()
    quarantine.close()
    spool_path.unlink()
    return {
        "shard_id": shard_id,
        "ingest_date": ingest_date.isoformat(),
        "input_files": input_records.files,
        "read": units_read,
        "written": articles.rows,
        "quarantined": dict(sorted(quarantine.reasons.items())),
        "fast_paths": fast_paths,
        # Wall seconds: reading to boilerplate in the workers, then templates to Parquet.
        "seconds": {"clean": cleaned - started, "write": time.perf_counter() - cleaned},
        **(
            {"warc_records": dict(sorted(input_records.skipped.items()))}
            if input_records.skipped
            else {}
        ),
    }


class _InputRecords:
    """A shard's input records (one per file: uri, relative, size, sha256, units, and
    for an archive `warc_records`: its records that are not units, by kind), written
    to a JSON Lines file as each file is read instead of kept in memory."""

    def __init__(self, path: Path) -> None:
        self._handle = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed by __exit__
        self.files = 0
        self.skipped: Counter[str] = Counter()

    def __enter__(self) -> _InputRecords:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._handle.close()

    def add(self, entry: dict[str, Any]) -> None:
        self._handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True))
        self._handle.write("\n")
        self.files += 1


def _units(
    inputs: Iterable[InputFile], settings: Settings, records: _InputRecords
) -> Iterator[RawUnit | Rejected]:
    for file in inputs:
        read = read_input(file, settings)
        count = 0
        for unit in read:
            count += 1
            yield unit
        entry = {
            "uri": file.uri,
            "relative": file.relative,
            "size": file.size,
            "sha256": read.sha256,
            "units": count,
        }
        if read.skipped:
            entry["warc_records"] = dict(sorted(read.skipped.items()))
            records.skipped.update(read.skipped)
        records.add(entry)


def _read_inputs(shard: Path, result: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The input records of a staged shard, in the order its files were read."""
    if "inputs" in result:  # staged by a version that kept them in the shard result
        yield from result["inputs"]
        return
    with open(shard / SHARD_INPUTS, encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def _too_short(text: str, settings: Settings) -> bool:
    least = max(settings.min_words, 1)
    return len(text.split(None, least)) < least  # stops after `least` words


def _capped(payload: bytes | str, cap: int) -> bytes | str:
    return payload if len(payload) <= cap else payload[: cap + 1]


def _read_spool(path: Path) -> Iterator[tuple[Prepared, bytes | str]]:
    with open(path, "rb") as spool:
        while True:
            try:
                yield pickle.load(spool)
            except EOFError:
                return


class _Quarantine:
    """Validates rejections into quarantine rows and counts them by reason."""

    def __init__(self, path: Path, ingest_date: date, settings: Settings) -> None:
        self.writer = PartWriter(path, QUARANTINE, batch_rows=settings.batch_rows)
        self.reasons: Counter[str] = Counter()
        self._ingest_date = ingest_date
        self._cap = settings.quarantine_payload_bytes

    def add(self, rejected: Rejected) -> None:
        record = quarantine_record(
            rejected,
            ingest_date=self._ingest_date,
            pipeline_version=PIPELINE_VERSION,
            payload_cap=self._cap,
        )
        error = validation_error(record, QUARANTINE)
        if error:  # a rejection must never be lost: keep it, with the schema error as reason
            record.update(
                stage="validate",
                reason="validate.quarantine_invalid",
                detail=error,
                source_format=str(record["source_format"]) or "unknown",
                source_uri=record["source_uri"] or "(unknown)",
            )
        self.reasons[record["reason"]] += 1
        self.writer.write(record)

    def close(self) -> None:
        self.writer.close()


def publish_day(
    lake: str,
    ingest_date: date,
    shard_ids: list[str],
    *,
    settings: Settings,
    with_inputs: bool = True,
    allow_empty: bool = False,
    input_fingerprint: str | None = None,
    lake_format: str | None = None,
    staged_copy: Path | None = None,
    preread: Preread | None = None,
) -> dict[str, Any]:
    """Publish the staged shards of a day as its partitions, atomically, with a manifest.

    Publishing the same shards twice gives the same partitions. The staged shards are
    removed once published; publishing again after that returns the live manifest
    if it was made from the same shards. Returns the manifest; without `with_inputs`,
    its per-file "inputs" list (as long as the day has files) is left out of the
    returned copy and only counted, in "input_files". The published manifest always
    has it. Shards that read no file at all are refused (`EmptyInputError`, the
    published day untouched) unless `allow_empty`; the manifest of such a day says so.
    The day it replaces is kept for `restore_day` (`settings.keep_versions` of a
    Parquet lake; every version of a Delta lake until it is vacuumed).
    `input_fingerprint` (see `newsclean.backfill`) is kept in the manifest. The day is
    labeled with near-duplicates and stories against the days before it and gets its
    report, in either lake format. `staged_copy`: the folder `clean_shard` kept its
    shards in on this machine (a Delta lake's staged files found there as the lake holds
    them are read there, the others fetched). `preread`: what this process read ahead
    for the labelling while the day was cleaned (`clean_shard(preread=)`), used where
    its files are unchanged.
    """
    started = time.perf_counter()
    shard_ids = sorted(shard_ids)
    if delta.lake_format(lake, lake_format) == delta.DELTA:
        return _publish_delta(
            delta.DeltaLake(lake),
            ingest_date,
            shard_ids,
            settings,
            with_inputs,
            allow_empty,
            input_fingerprint,
            staged_copy,
            preread,
        )
    root = lake_root(lake)
    recover(root, ingest_date)
    try:
        staged = _staged_day(
            root,
            ingest_date,
            shard_ids,
            settings,
            allow_empty,
            input_fingerprint=input_fingerprint,
            label_stories=True,
            preread=preread,
        )
    except _NotStaged:
        published = _published_from(read_manifest(root, ingest_date), shard_ids, with_inputs)
        if published is not None:
            return published
        raise
    publish_partitions(
        root,
        ingest_date,
        staged.parts,
        staged.manifest,
        staged.inputs,
        keep_versions=settings.keep_versions,
    )
    manifest = _returned(staged, with_inputs)
    _save_template_day(root, ingest_date, shard_ids)
    if staged.labeled is not None:
        keep_signatures(root, ingest_date, staged.labeled.signatures)
    for shard_id in shard_ids:
        shutil.rmtree(shard_dir(root, ingest_date, shard_id), ignore_errors=True)
    shutil.rmtree(staging_dir(root, ingest_date) / "stories", ignore_errors=True)
    _write_report(root, ingest_date, _timings(staged.results, started))
    return manifest


def _publish_delta(
    lake: delta.DeltaLake,
    ingest_date: date,
    shard_ids: list[str],
    settings: Settings,
    with_inputs: bool,
    allow_empty: bool,
    input_fingerprint: str | None,
    staged_copy: Path | None = None,
    preread: Preread | None = None,
) -> dict[str, Any]:
    """Publish staged shards from the lake's storage, whichever machines staged them
    (those staged here, kept in `staged_copy`, read there):
    the day labeled with stories against the signatures of the days before it, one
    commit per table, the manifest row last; then the day's signatures, its template
    profile and its report, and the day's staging removed."""
    from newsclean.report.source import DeltaSource

    started = time.perf_counter()
    warming: threading.Thread | None = None
    try:
        with (
            tempfile.TemporaryDirectory(prefix="newsclean-publish-") as scratch,
            delta.DayCommit(lake, ingest_date) as commit,  # opens the tables meanwhile
        ):
            # The report's libraries load while the shards download: started once the
            # storage libraries the download needs are imported (`DayCommit`), so that
            # a fresh process (Airflow's publish task) does not import both at once.
            warming = _start_warm_up()
            root = Path(scratch)
            window = range(settings.story_window_days, 0, -1)
            earlier = [ingest_date - timedelta(days=days) for days in window]
            signatures = commit.background(
                lake.fetch_profiles, earlier, root, delta.SIGNATURES, ".parquet"
            )
            missing, files = lake.staged_files(ingest_date, shard_ids, root, staged_copy)
            if missing:
                live = lake.live(ingest_date)
                manifest = None if live is None else live["manifest"]
                published = _published_from(manifest, shard_ids, with_inputs)
                if published is not None:
                    return published
                raise FileNotFoundError(
                    f"shard {missing[0]} of {ingest_date} is not staged in the lake"
                )
            lake.fetch(files)
            # The template profile kept after the commit, as compact JSON (it is read by
            # newsclean only, and encodes ten times faster).
            templates = commit.background(_template_day_json, root, ingest_date, shard_ids)
            signatures.result()
            staged = _staged_day(
                root,
                ingest_date,
                shard_ids,
                settings,
                allow_empty,
                input_fingerprint=input_fingerprint,
                label_stories=True,
                ready=commit,  # each final part is uploaded while the rest is labeled
                keep_inputs=True,
                preread=preread,
            )
            committed = commit.background(commit.commit, staged.manifest, staged.inputs())
            if staged.labeled is not None:  # while the tables commit
                staged.labeled.write_signatures()
            row = committed.result()
            manifest = _returned(staged, with_inputs)

            # Beside the report: the day's signatures and template profile kept, the
            # tables' logs checkpointed when due, and then the staging removed.
            kept = [commit.background(lake.write_profile, templates.result(), ingest_date)]
            if staged.labeled is not None:
                signatures_file = staged.labeled.signatures
                kept.append(
                    commit.background(
                        lake.save_profile, signatures_file, ingest_date, delta.SIGNATURES
                    )
                )
            checkpointed = commit.background(commit.checkpoint)

            def remove_staging() -> None:
                """Only once the profiles are kept: a publish retried after this finds
                the day published and does not write them."""
                for future in kept:
                    future.result()
                lake.remove_staging(ingest_date)

            removed = commit.background(remove_staging)
            timings = _timings(staged.results, started)
            # The day's figures are read from the parts just committed, not fetched back.
            published = DeltaSource(
                lake, published=(ingest_date, staged.parts), live=row, manifests=commit.manifests()
            )
            _write_report(published, ingest_date, timings)
            removed.result()
            checkpointed.result()
    finally:
        if warming is not None:
            warming.join()
    return manifest


def _timings(results: list[dict[str, Any]], started: float) -> dict[str, float]:
    """The seconds per stage of a day's shards, and of its publish (begun at `started`)."""
    timings: Counter[str] = Counter()
    for result in results:
        timings.update(result.get("seconds", {}))
    timings["publish"] = time.perf_counter() - started
    return dict(timings)


class _NotStaged(FileNotFoundError):
    """A shard of the day has no staged result."""


class _Staged(NamedTuple):
    """A day's staged shards, ready to publish: its manifest (without the inputs list),
    its part files by kind, its input records, how many input files it read, the shards'
    results and the day's story labels (None when not labeled)."""

    manifest: dict[str, Any]
    parts: dict[str, list[Path]]
    inputs: Callable[[], Iterator[dict[str, Any]]]
    files: int
    results: list[dict[str, Any]]
    labeled: Labeled | None


def _staged_day(
    root: Path,
    ingest_date: date,
    shard_ids: list[str],
    settings: Settings,
    allow_empty: bool,
    *,
    input_fingerprint: str | None = None,
    label_stories: bool = False,
    ready: delta.DayCommit | None = None,
    keep_inputs: bool = False,
    preread: Preread | None = None,
) -> _Staged:
    """Read the staged shards of a day under root and build its manifest; with
    `label_stories`, label its articles against the story signatures kept under root.
    `ready` is given each part file as soon as it is final, and told when a kind has
    no more (`DayCommit.add`, `DayCommit.complete`), and the day's story signatures
    are left for the caller to write (`Labeled.write_signatures`); with `keep_inputs`,
    the input records are read once and kept in memory. `preread` as in `publish_day`."""
    results = []
    for shard_id in shard_ids:
        path = shard_dir(root, ingest_date, shard_id) / SHARD_RESULT
        if not path.exists():
            raise _NotStaged(f"shard {shard_id} of {ingest_date} is not staged: {path}")
        results.append(read_json(path))
    files = sum(_input_files(result) for result in results)
    if not files and not allow_empty:
        raise EmptyInputError(
            f"the staged shards of {ingest_date} read no raw file: "
            "refusing to replace the published day with an empty one"
        )

    def staged_parts(kind: str) -> list[Path]:
        found = (_shard_parts(root, ingest_date, shard_id, kind) for shard_id in shard_ids)
        return sorted(itertools.chain.from_iterable(found))

    def read_inputs() -> Iterator[dict[str, Any]]:
        for shard_id, result in zip(shard_ids, results, strict=True):
            yield from _read_inputs(shard_dir(root, ingest_date, shard_id), result)

    # Kept inputs are read, and encoded for the run id, while the day is labeled, beside
    # a publish's storage calls.
    reading = (
        ready.background(_encoded_inputs, read_inputs())
        if keep_inputs and ready is not None
        else None
    )
    parts = {ARTICLE: staged_parts(ARTICLE), QUARANTINE: staged_parts(QUARANTINE)}
    # A part final before the manifest is made is described (rows, digest) meanwhile.
    described: dict[Path, Future[dict[str, Any]]] = {}

    def add(kind: str, path: Path) -> None:
        if ready is not None:
            described[path] = ready.background(describe_part, path)
            ready.add(kind, path)

    final = (QUARANTINE,) if label_stories else (QUARANTINE, ARTICLE)
    for kind in final if ready is not None else ():
        for path in parts[kind]:
            add(kind, path)
        ready.complete(kind)
    labeled = None
    if label_stories:
        # Clustering needs the whole day and the days before it: it runs here, on the
        # staged parts of all shards, and the labeled parts are what is published.
        labeled = label_staged(
            root,
            ingest_date,
            parts[ARTICLE],
            staging_dir(root, ingest_date) / "stories",
            settings,
            written=None if ready is None else partial(add, ARTICLE),
            signatures=ready is None,  # else written while the tables commit
            preread=preread,
        )
        parts[ARTICLE] = labeled.article_parts
        parts[STORY] = labeled.story_parts
        if ready is not None:
            ready.complete(ARTICLE)
            for path in parts[STORY]:
                add(STORY, path)
            ready.complete(STORY)

    encoded: bytes | None = None
    if reading is not None:
        kept, encoded = reading.result()
    else:
        kept = list(read_inputs()) if keep_inputs else None

    def inputs() -> Iterator[dict[str, Any]]:
        return iter(kept) if kept is not None else read_inputs()

    manifest = _manifest(
        ingest_date,
        shard_ids,
        results,
        parts,
        settings,
        inputs,
        empty_on_purpose=not files,
        stories=labeled.summary if labeled is not None else None,
        input_fingerprint=input_fingerprint,
        described={path: future.result() for path, future in described.items()},
        encoded_inputs=encoded,
    )
    return _Staged(manifest, parts, inputs, files, results, labeled)


def _returned(staged: _Staged, with_inputs: bool) -> dict[str, Any]:
    """The manifest publish_day returns: with its inputs list, or with their count."""
    if with_inputs:
        return {**staged.manifest, "inputs": list(staged.inputs())}
    return _without_inputs(staged.manifest, staged.files)


def _write_report(
    lake: Path | delta.DeltaLake | LakeSource, ingest_date: date, timings: dict[str, float] | None
) -> None:
    """Write the published day's report; a failure is one warning, never a failed publish."""
    from newsclean.report import write_report

    try:
        write_report(lake, ingest_date, timings=timings)
    except Exception as error:  # the day is published, whatever the report does
        logger.warning(
            "newsclean: the report of %s was not written (%s: %s); the day is published",
            ingest_date,
            type(error).__name__,
            error,
        )


def _input_files(result: dict[str, Any]) -> int:
    return len(result["inputs"]) if "inputs" in result else int(result["input_files"])


def _published_from(
    live: dict[str, Any] | None, shard_ids: list[str], with_inputs: bool
) -> dict[str, Any] | None:
    """The live manifest (as a publish returns it) when the day is already published
    from these shards, as after a retried publish whose staging is gone; else None."""
    if not live or live.get("shards") != shard_ids:
        return None
    return live if with_inputs else _without_inputs(live, len(live["inputs"]))


def _without_inputs(manifest: dict[str, Any], files: int) -> dict[str, Any]:
    summary = {key: value for key, value in manifest.items() if key != "inputs"}
    summary["input_files"] = files
    return summary


def _manifest(
    ingest_date: date,
    shard_ids: list[str],
    results: list[dict[str, Any]],
    parts: dict[str, list[Path]],
    settings: Settings,
    inputs: Callable[[], Iterable[dict[str, Any]]],
    *,
    empty_on_purpose: bool = False,
    stories: dict[str, Any] | None = None,
    input_fingerprint: str | None = None,
    described: dict[Path, dict[str, Any]] | None = None,
    encoded_inputs: bytes | None = None,
) -> dict[str, Any]:
    """The day's manifest without its "inputs" list, which `inputs()` streams.
    `described`: part files already described (`describe_part`), by path;
    `encoded_inputs`: the inputs as the run id hashes them (`_encoded_inputs`), when
    they were encoded already."""
    known = described or {}
    reasons: Counter[str] = Counter()
    for result in results:
        reasons.update(result["quarantined"])
    manifest: dict[str, Any] = {
        "ingest_date": ingest_date.isoformat(),
        "pipeline_version": PIPELINE_VERSION,
        "schema_versions": {kind: schema_version(kind) for kind in (ARTICLE, QUARANTINE, STORY)},
        "shards": shard_ids,
        "units": {
            "read": sum(result["read"] for result in results),
            "written": sum(result["written"] for result in results),
            "quarantined": sum(reasons.values()),
        },
        "quarantined_by_reason": dict(sorted(reasons.items())),
        "files": {
            TABLE_DIRS[kind]: [
                known[path] if path in known else describe_part(path) for path in parts[kind]
            ]
            for kind in parts
        },
        "settings": settings.to_dict(),
        "fast_paths": fastpaths.merged(result.get("fast_paths") for result in results),
    }
    skipped: Counter[str] = Counter()
    for result in results:
        skipped.update(result.get("warc_records", {}))
    if skipped:  # archive records that are not units (request, metadata, images), by kind
        manifest["warc_records"] = dict(sorted(skipped.items()))
    if input_fingerprint:
        manifest["input_fingerprint"] = input_fingerprint
    if empty_on_purpose:  # published with allow_empty: no raw file was found
        manifest["empty_on_purpose"] = True
    if stories is not None:  # stories, near-duplicates and the signature days used
        manifest["stories"] = stories
    if encoded_inputs is not None:
        manifest["run_id"] = _fingerprint(manifest, (), encoded_inputs)[:16]
    else:
        manifest["run_id"] = _fingerprint(manifest, inputs())[:16]
    return manifest


def _fingerprint(
    manifest: dict[str, Any], inputs: Iterable[dict[str, Any]], encoded: bytes = b""
) -> str:
    """sha256 of the manifest (without run_id), then of its input records one by one
    (`_encoded_input`; `encoded`: records encoded already, hashed first): a day of
    100,000 inputs streamed from its shards would otherwise build its whole text (tens
    of MB) in memory."""
    digest = hashlib.sha256()
    rest = {key: value for key, value in manifest.items() if key not in ("inputs", "run_id")}
    digest.update(repr(sorted(rest.items())).encode("utf-8"))
    digest.update(encoded)
    for entry in inputs:
        digest.update(_encoded_input(entry))
    return digest.hexdigest()


def _encoded_input(entry: dict[str, Any]) -> bytes:
    """An input record as the run id hashes it."""
    return b"\0" + repr(sorted(entry.items())).encode("utf-8")


def _encoded_inputs(
    entries: Iterable[dict[str, Any]],
) -> tuple[list[dict[str, Any]], bytes]:
    """Input records kept in memory (a Delta publish's), and their encoding for the run
    id (`_fingerprint`), about as large as their text: made beside the labelling."""
    kept = list(entries)
    return kept, b"".join(_encoded_input(entry) for entry in kept)


def _template_history(lake: Path, ingest_date: date, settings: Settings) -> TemplateProfile:
    """Template statistics of the days before ingest_date, within the window.

    Only earlier days count, so re-running a day sees the same history and gives the
    same rows.
    """
    profile = TemplateProfile()
    directory = lake / "_profiles" / "templates"
    for offset in range(settings.template_window_days, 0, -1):
        path = directory / f"{(ingest_date - timedelta(days=offset)).isoformat()}.json"
        if path.exists():
            try:
                profile.merge(TemplateProfile.from_json(read_json(path)))
            except (ValueError, KeyError, TypeError):
                continue
    return profile


def _template_day_json(lake: Path, ingest_date: date, shard_ids: list[str]) -> bytes:
    """The day's template profile as compact JSON (a Delta lake's, read by newsclean
    only: it encodes ten times faster than indented)."""
    day = _template_day(lake, ingest_date, shard_ids)
    return json.dumps(day, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _template_day(lake: Path, ingest_date: date, shard_ids: list[str]) -> dict[str, Any]:
    """The day's template profile: the statistics of its staged shards, merged."""
    day = TemplateProfile()
    for shard_id in shard_ids:
        path = shard_dir(lake, ingest_date, shard_id) / "templates.json"
        if path.exists():
            day.merge(TemplateProfile.from_json(read_json(path)))
    return day.to_json()


def _save_template_day(lake: Path, ingest_date: date, shard_ids: list[str]) -> None:
    path = _profile_path(lake, ingest_date)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, _template_day(lake, ingest_date, shard_ids))


def _profile_path(lake: Path, ingest_date: date) -> Path:
    return lake / "_profiles" / "templates" / f"{ingest_date.isoformat()}.json"


@contextmanager
def _warmed(warm: bool, lake: delta.DeltaLake | None = None) -> Iterator[None]:
    """With `warm`, load what the publish needs (`_start_warm_up`) while the body runs,
    and join that thread after it."""
    warming = _start_warm_up(lake) if warm else None
    try:
        yield
    finally:
        if warming is not None:
            warming.join()


def _start_warm_up(lake: delta.DeltaLake | None = None) -> threading.Thread:
    """Load in a background thread what this process's publish needs and would otherwise
    load first: the report's chart and page engines and pyarrow's dataset API (which
    imports pandas: about a CPU second in a fresh process) and, given a Delta lake, its
    storage libraries and filesystem (`delta.import_libraries`). Started while the
    workers clean (the process itself mostly waits then) or as a publish fetches its
    shards; a failure is only logged (`_warm_up`). Join the thread before this process
    next imports what it imports (two threads importing one package for the first time
    at once can deadlock on its modules' locks) and before the process may end."""
    thread = threading.Thread(
        target=_warm_up, args=(lake,), name="newsclean-publish-warm-up", daemon=True
    )
    thread.start()
    return thread


def _warm_up(lake: delta.DeltaLake | None) -> None:
    """`_start_warm_up`'s work. It never fails a run: what it could not load, the
    publish loads again and meets the error there, where it is reported."""
    try:
        if lake is not None:
            delta.import_libraries(lake)
        import pyarrow.dataset  # noqa: F401  (behind pq.read_table: small parts merged)

        from newsclean.report.render import warm_up

        warm_up()
    except Exception as error:  # a warm-up is a cache: only logged
        logger.info(
            "newsclean: the publish warm-up stopped (%s: %s); the publish loads it itself",
            type(error).__name__,
            error,
        )


def run_day(
    input_root: str,
    lake: str,
    ingest_date: date,
    settings: Settings,
    *,
    progress: Progress | None = None,
    with_inputs: bool = True,
    allow_empty: bool = False,
    files: Iterable[InputFile] | None = None,
    input_fingerprint: str | None = None,
    lake_format: str | None = None,
) -> dict[str, Any]:
    """Clean every raw file under input_root (or only `files`, found under it) as the
    partition of ingest_date.

    An input root with no raw file is refused before anything is staged
    (`EmptyInputError`) unless `allow_empty`. Returns the manifest (see `publish_day`
    for `with_inputs` and `input_fingerprint`).
    """
    # iter_inputs fails now on a missing or unreadable root
    inputs = iter(files) if files is not None else iter_inputs(input_root)
    head = list(itertools.islice(inputs, INLINE_FILES + 1))
    if not head and not allow_empty:
        raise EmptyInputError(f"no raw file under {input_root}")
    inline = small_input(head)
    # What the publish needs is loaded while the day is cleaned (`_stage_shard(warm=)`);
    # for a small input, the report's libraries once it is cleaned, so that loading
    # them does not come before the first unit (a Delta publish loads them itself, after
    # its storage libraries: two threads must not import one package at once).
    warming = None
    is_delta = delta.lake_format(lake, lake_format) == delta.DELTA
    # While the workers clean, this process reads what the labelling needs that is fixed
    # by then: a local lake's window of earlier days now, the shard once it is staged.
    preread = None if inline else Preread(ingest_date, settings.batch_rows)
    try:
        if preread is not None and not is_delta:
            preread.read_window(lake_root(lake), settings.story_window_days)
        # A Delta lake's shard stays on this disk after its upload: the publish reads it
        # here, as the lake holds it, rather than fetching it back.
        keeping = (
            tempfile.TemporaryDirectory(prefix="newsclean-day-") if is_delta else nullcontext()
        )
        with keeping as scratch:
            kept = Path(scratch) if scratch is not None else None
            _stage_shard(
                itertools.chain(head, inputs),
                lake,
                ingest_date,
                "00000",
                settings,
                progress,
                lake_format,
                inline=inline,
                staged_copy=kept,
                warm=True,
                preread=preread,
            )
            if inline and kept is None:  # a Delta publish starts its own (`_publish_delta`)
                warming = _start_warm_up()
            return publish_day(
                lake,
                ingest_date,
                ["00000"],
                settings=settings,
                with_inputs=with_inputs,
                allow_empty=allow_empty,
                input_fingerprint=input_fingerprint,
                lake_format=lake_format,
                staged_copy=kept,
                preread=preread,
            )
    finally:
        if warming is not None:
            warming.join()
        if preread is not None:
            preread.close()


def restore_day(
    lake: str,
    ingest_date: date,
    run_id: str | None = None,
    *,
    settings: Settings,
    lake_format: str | None = None,
) -> dict[str, Any]:
    """Publish a kept earlier version of a day back (the newest without run_id): a
    Parquet lake's kept version with its story signatures, its report written again
    (without timings: those of its run are not kept); a Delta lake's by time travel,
    with its signatures and report the same way."""
    if delta.lake_format(lake, lake_format) == delta.DELTA:
        store = delta.DeltaLake(lake)
        manifest = store.restore(ingest_date, run_id)
        _restore_delta_signatures(store, ingest_date, settings)
        _write_report(store, ingest_date, None)
        return manifest
    root = lake_root(lake)
    manifest = restore_version(root, ingest_date, run_id, keep_versions=settings.keep_versions)
    save_published_signatures(root, ingest_date, settings.batch_rows)
    _write_report(root, ingest_date, None)
    return manifest


def _restore_delta_signatures(lake: delta.DeltaLake, ingest_date: date, settings: Settings) -> None:
    """Write a restored Delta day's signatures again from its live article rows, as a
    Parquet lake's are from its partition (none if its rows carry no labels)."""
    with tempfile.TemporaryDirectory(prefix="newsclean-restore-") as scratch:
        root = Path(scratch)
        part = partition_dir(root, ARTICLE, ingest_date) / "part-restored.parquet"
        part.parent.mkdir(parents=True)
        pq.write_table(lake.read_day(ingest_date, ARTICLE), part)
        if save_published_signatures(root, ingest_date, settings.batch_rows):
            lake.save_profile(signatures_path(root, ingest_date), ingest_date, delta.SIGNATURES)
        else:
            lake.remove_profile(ingest_date, delta.SIGNATURES, ".parquet")


def _empty(article: Article, payload: bytes | str) -> Rejected:
    return Rejected(
        article.source_uri,
        article.source_format,
        "boilerplate",
        "clean.empty",
        "no story text left after extraction and cleaning",
        payload,
    )


def _invalid(article: Article, error: str, payload: bytes | str) -> Rejected:
    return Rejected(
        article.source_uri,
        article.source_format,
        "validate",
        "validate.invalid",
        error,
        payload,
    )
