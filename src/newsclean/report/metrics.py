"""A day's metrics, from its published partitions and manifest, and their history.

The metrics of a day are one small long table (`ingest_date, run_id, metric, key,
value`) kept at `LAKE/_metrics/ingest_date=D/metrics.parquet`: a row per figure, e.g.
(`domain_articles`, `example.org`, 42.0). The report draws them and compares them with
the same rows of earlier days. Samples (a few rows per quarantine reason and removal
kind) are read from the partitions when a report is drawn and are not kept here.

Columns are read with pyarrow, only those a figure needs (and of `repairs` only the
kinds), so a day of 100,000 units is read in well under a second.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsclean.report.source import LakeSource, source_of
from newsclean.validate import ARTICLE, QUARANTINE

METRICS_DIR = "_metrics"
METRICS_FILE = "metrics.parquet"
METRICS_SCHEMA = pa.schema(
    [
        pa.field("ingest_date", pa.date32(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("metric", pa.string(), nullable=False),
        pa.field("key", pa.string(), nullable=False),
        pa.field("value", pa.float64(), nullable=False),
    ]
)
UNKNOWN = "(unknown)"
# Word-count bins: lower bounds, the last bin open.
WORD_BINS = (1, 50, 100, 200, 400, 800, 1600, 3200)
# Publish-date lag bins, in whole days between published_at and the ingest date.
LAG_BINS = ("future", "same day", "1 day", "2-7 days", "8-30 days", "over 30 days", UNKNOWN)
SAMPLES = 3  # samples kept per quarantine reason and per removal kind
SAMPLE_CHARS = 300  # a sample's text is cut to this many characters
_SAMPLE_COLUMNS = ["source_uri", "reason", "detail"]


@dataclass
class DayMetrics:
    """A day's figures: `values[metric][key] -> value`, and samples as evidence."""

    ingest_date: date
    run_id: str
    values: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    quarantine_samples: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    removal_samples: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def get(self, metric: str, key: str = "") -> float | None:
        return self.values.get(metric, {}).get(key)

    def table(self) -> pa.Table:
        """The long table of the figures (no samples)."""
        rows = [
            (metric, key, float(value))
            for metric, keyed in sorted(self.values.items())
            for key, value in sorted(keyed.items())
        ]
        return pa.Table.from_pydict(
            {
                "ingest_date": [self.ingest_date] * len(rows),
                "run_id": [self.run_id] * len(rows),
                "metric": [row[0] for row in rows],
                "key": [row[1] for row in rows],
                "value": [row[2] for row in rows],
            },
            schema=METRICS_SCHEMA,
        )

    @classmethod
    def from_table(cls, table: pa.Table) -> DayMetrics:
        columns = table.to_pydict()
        day = columns["ingest_date"][0] if columns["ingest_date"] else date.min
        metrics = cls(day, columns["run_id"][0] if columns["run_id"] else "")
        for metric, key, value in zip(
            columns["metric"], columns["key"], columns["value"], strict=True
        ):
            metrics.values[metric][key] = value
        return metrics


def metrics_path(root: Path, ingest_date: date) -> Path:
    """Where a local Parquet lake keeps the metrics of a day."""
    return root / metrics_file(ingest_date)


def metrics_file(ingest_date: date) -> str:
    """The metrics file of a day, relative to the lake's root."""
    return f"{METRICS_DIR}/ingest_date={ingest_date.isoformat()}/{METRICS_FILE}"


def save_metrics(lake: Path | LakeSource, metrics: DayMetrics) -> str:
    """Write the day's metrics table, replacing any earlier one; returns where it is."""
    buffer = io.BytesIO()
    pq.write_table(metrics.table(), buffer, compression="zstd")
    return source_of(lake).write_file(metrics_file(metrics.ingest_date), buffer.getvalue())


def load_metrics(lake: Path | LakeSource, ingest_date: date) -> DayMetrics | None:
    """The stored metrics of a day, or None when there are none (or they are unreadable)."""
    data = source_of(lake).read_file(metrics_file(ingest_date))
    if data is None:
        return None
    try:
        # ParquetFile, not read_table: the dataset API would import pandas (~0.3 s).
        table = (
            pq.ParquetFile(pa.BufferReader(data))
            .read()
            .select(METRICS_SCHEMA.names)
            .cast(METRICS_SCHEMA)
        )
    except (OSError, KeyError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return DayMetrics.from_table(table) if table.num_rows else None


def day_metrics(
    lake: Path | LakeSource,
    ingest_date: date,
    manifest: dict[str, Any],
    *,
    timings: dict[str, float] | None = None,
) -> DayMetrics:
    """Compute a published day's figures and samples from its manifest and partitions.

    `timings` (seconds per stage of the run that published it) are kept as given: they
    cannot be read back from the lake.
    """
    source = source_of(lake)
    metrics = DayMetrics(ingest_date, str(manifest.get("run_id", "")))
    units = manifest.get("units", {})
    read = float(units.get("read", 0))
    values = metrics.values
    values["units"] = {
        "files": float(_input_files(manifest)),
        "read": read,
        "articles": float(units.get("written", 0)),
        "quarantined": float(units.get("quarantined", 0)),
    }
    values["quarantine_share"][""] = values["units"]["quarantined"] / read if read else 0.0
    for reason, count in manifest.get("quarantined_by_reason", {}).items():
        values["quarantine_reason"][reason] = float(count)
    _article_metrics(metrics, source, ingest_date)
    _quarantine_samples(metrics, source.rows(ingest_date, QUARANTINE, _SAMPLE_COLUMNS))
    for stage, seconds in (timings or {}).items():
        values["stage_seconds"][stage] = float(seconds)
        if seconds > 0:
            values["stage_rate"][stage] = read / seconds
    return metrics


def _input_files(manifest: dict[str, Any]) -> int:
    if "inputs" in manifest:
        return len(manifest["inputs"])
    return int(manifest.get("input_files", 0))


def _counts(array: pa.Array | pa.ChunkedArray) -> dict[str, float]:
    counted = pc.value_counts(pc.fill_null(array, UNKNOWN))
    return {
        str(value): float(count)
        for value, count in zip(
            counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True
        )
    }


def _article_metrics(metrics: DayMetrics, source: LakeSource, ingest_date: date) -> None:
    table = source.rows(
        ingest_date,
        ARTICLE,
        [
            "source_uri",
            "source_domain",
            "language",
            "word_count",
            "published_at",
            "removed",
            "repairs.list.element.kind",
            "duplicate_of",
            "story_id",
        ],
    )
    if table is None or table.num_rows == 0:
        return
    values = metrics.values
    values["domain_articles"] = _counts(table["source_domain"])
    values["language"] = _counts(table["language"])
    words = table["word_count"].to_numpy()
    edges = np.array([*WORD_BINS, np.iinfo(np.int64).max])
    histogram, _ = np.histogram(words, bins=edges)
    for low, high, count in zip(WORD_BINS, [*WORD_BINS[1:], None], histogram, strict=True):
        values["word_count_bin"][_word_bin(low, high)] = float(count)
    values["word_count"]["median"] = float(np.median(words))
    values["lag_bin"] = lag_bins(table["published_at"], ingest_date)
    _removals(metrics, table)
    repairs = pc.list_flatten(table["repairs"])
    if len(repairs):
        values["repair_kind"] = _counts(pc.struct_field(repairs, "kind"))
    if "duplicate_of" in table.column_names:
        values["duplicates"]["duplicates"] = float(
            table.num_rows - table["duplicate_of"].null_count
        )
    if "story_id" in table.column_names:
        stories = pc.drop_null(table["story_id"])
        values["duplicates"]["stories"] = float(len(pc.unique(stories)))


def _word_bin(low: int, high: int | None) -> str:
    return f"{low}-{high - 1}" if high is not None else f"{low}+"


def lag_bins(published_at: pa.ChunkedArray, ingest_date: date) -> dict[str, float]:
    """Articles by whole days between publication and the ingest date."""
    stamps = published_at.cast(pa.timestamp("us")).to_numpy(zero_copy_only=False)
    known = ~np.isnat(stamps)
    # Whole UTC days from the publication's day to the ingest date (0: the same day).
    lag = np.datetime64(ingest_date.isoformat(), "D") - stamps[known].astype("datetime64[D]")
    lag = lag.astype(np.int64)
    counts = {
        "future": int(np.sum(lag < 0)),
        "same day": int(np.sum(lag == 0)),
        "1 day": int(np.sum(lag == 1)),
        "2-7 days": int(np.sum((lag >= 2) & (lag <= 7))),
        "8-30 days": int(np.sum((lag >= 8) & (lag <= 30))),
        "over 30 days": int(np.sum(lag > 30)),
        UNKNOWN: int(np.sum(~known)),
    }
    return {name: float(counts[name]) for name in LAG_BINS}


def _removals(metrics: DayMetrics, table: pa.Table) -> None:
    """Removals by kind (count and characters), characters removed by domain, samples."""
    removed = table["removed"].combine_chunks()
    flat = pc.list_flatten(removed)
    if not len(flat):
        return
    parents = pc.list_parent_indices(removed)
    kinds = pc.struct_field(flat, "kind")
    texts = pc.struct_field(flat, "text")
    domains = pc.fill_null(pc.take(table["source_domain"], parents), UNKNOWN)
    removals = pa.Table.from_pydict(
        {"kind": kinds, "domain": domains, "chars": pc.utf8_length(texts), "row": parents}
    )
    by_kind = removals.group_by("kind").aggregate([("chars", "sum"), ("chars", "count")])
    for kind, chars, count in zip(
        by_kind["kind"].to_pylist(),
        by_kind["chars_sum"].to_pylist(),
        by_kind["chars_count"].to_pylist(),
        strict=True,
    ):
        metrics.values["removed_kind"][kind] = float(count)
        metrics.values["removed_chars_kind"][kind] = float(chars)
    by_domain = removals.group_by("domain").aggregate([("chars", "sum")])
    metrics.values["removed_chars_domain"] = {
        domain: float(chars)
        for domain, chars in zip(
            by_domain["domain"].to_pylist(), by_domain["chars_sum"].to_pylist(), strict=True
        )
    }
    uris = table["source_uri"]
    for kind in sorted(metrics.values["removed_kind"]):
        where = pc.equal(kinds, kind)
        rows = pc.filter(parents, where)[:SAMPLES].to_pylist()
        cut = pc.filter(texts, where)[:SAMPLES].to_pylist()
        metrics.removal_samples[kind] = [
            {"source_uri": uris[row].as_py(), "text": _cut(text)}
            for row, text in zip(rows, cut, strict=True)
        ]


def _quarantine_samples(metrics: DayMetrics, table: pa.Table | None) -> None:
    if table is None or table.num_rows == 0:
        return
    for reason in sorted(set(table["reason"].to_pylist())):
        chosen = table.filter(pc.equal(table["reason"], reason)).slice(0, SAMPLES)
        metrics.quarantine_samples[reason] = [
            {"source_uri": uri, "text": _cut(detail)}
            for uri, detail in zip(
                chosen["source_uri"].to_pylist(), chosen["detail"].to_pylist(), strict=True
            )
        ]


def _cut(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1] + "…"


def history(lake: Path | LakeSource, ingest_date: date, days: int) -> list[DayMetrics]:
    """The figures of the published days among the `days` before ingest_date, oldest first.

    A published day without a metrics table of its live run (published before there
    were any, or restored since) has its figures computed now and saved, without timings.
    """
    source = source_of(lake)
    found = []
    runs = source.run_ids(ingest_date - timedelta(days=days), ingest_date - timedelta(days=1))
    for day, run_id in sorted(runs.items()):
        stored = load_metrics(source, day)
        if stored is None or stored.run_id != run_id:
            manifest = source.manifest(day)
            if manifest is None:  # replaced since the run ids were read
                continue
            stored = day_metrics(source, day, manifest)
            save_metrics(source, stored)
        found.append(stored)
    return found


def stored_timings(lake: Path | LakeSource, ingest_date: date, run_id: str) -> dict[str, float]:
    """The stage timings kept for the day's run `run_id` (none for another run)."""
    stored = load_metrics(lake, ingest_date)
    if stored is None or stored.run_id != run_id:
        return {}
    return dict(stored.values.get("stage_seconds", {}))
