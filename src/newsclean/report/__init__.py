"""A published day's report: one self-contained HTML page an operator opens in a browser.

    manifest + partitions -> metrics (saved under LAKE/_metrics/) -> drift against the
    earlier days -> charts and evidence -> LAKE/_reports/ingest_date=D/report.html

`write_report` is called after every publish (and by `newsclean report`), for a Parquet
lake and a Delta lake alike (`newsclean.report.source`); see docs/report.md for what
the page shows.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from newsclean import delta
from newsclean.lake import lake_root
from newsclean.report.source import LakeSource, source_of

REPORTS_DIR = "_reports"
REPORT_FILE = "report.html"
DEFAULT_DAYS = 30


class NotPublishedError(LookupError):
    """The day asked for has no published partition in the lake."""


def report_file(ingest_date: date) -> str:
    """The report of a day, relative to the lake's root."""
    return f"{REPORTS_DIR}/ingest_date={ingest_date.isoformat()}/{REPORT_FILE}"


def report_path(lake: str | Path, ingest_date: date) -> Path:
    """Where the report of a day of a local Parquet lake is published with it."""
    root = lake_root(lake) if isinstance(lake, str) else lake
    return root / report_file(ingest_date)


def published_report(lake: str, ingest_date: date, lake_format: str | None = None) -> str | None:
    """Where the report of a day is, in either lake format (a local path, or the URI of
    a Delta lake's object); None if it was not written."""
    if delta.lake_format(lake, lake_format) == delta.DELTA:
        store = delta.DeltaLake(lake)
        return (
            store.uri(report_file(ingest_date)) if store.exists(report_file(ingest_date)) else None
        )
    path = report_path(lake, ingest_date)
    return str(path) if path.exists() else None


def write_report(
    lake: str | Path | LakeSource | delta.DeltaLake,
    ingest_date: date,
    *,
    days: int = DEFAULT_DAYS,
    out: Path | None = None,
    timings: dict[str, float] | None = None,
    lake_format: str | None = None,
) -> str:
    """Write the day's report (to `out`, else beside the day in the lake's store) and
    save its metrics there.

    `lake` is a path or URI (its format as `newsclean.delta.lake_format` finds it, or
    `lake_format`), a local Parquet lake's root or a DeltaLake. `timings` are the
    seconds per stage of the run that just published the day; without them, those kept
    in the metrics table for the same run are used. Returns where the page is.
    """
    from newsclean import __version__
    from newsclean.report.drift import find_drift
    from newsclean.report.metrics import day_metrics, history, save_metrics, stored_timings
    from newsclean.report.render import render_html

    if days < 1:
        raise ValueError(f"days must be 1 or more, got {days}")
    source = source_of(lake, lake_format)
    manifest = source.manifest(ingest_date)
    if manifest is None:
        raise NotPublishedError(f"{ingest_date} is not published in {_name(lake)}")
    if timings is None:
        timings = stored_timings(source, ingest_date, str(manifest.get("run_id", "")))
    today = day_metrics(source, ingest_date, manifest, timings=timings)
    # The day's metrics are saved (on object storage, a PUT) while the earlier days are
    # read and the page is drawn.
    with ThreadPoolExecutor(1, thread_name_prefix="newsclean-report") as pool:
        saving = pool.submit(save_metrics, source, today)
        earlier = history(source, ingest_date, days)
        flags = find_drift(today, earlier)
        page = render_html(
            today, earlier, flags, days=days, generated_by=f"newsclean {__version__}"
        )
        saving.result()
    if out is None:
        return source.write_file(report_file(ingest_date), page.encode("utf-8"))
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, out)
    return str(out)


def _name(lake: object) -> str:
    """A lake as an error message names it (a Delta lake by its root, never a secret)."""
    root = getattr(lake, "root", None) or getattr(getattr(lake, "lake", None), "root", None)
    return delta.redact(str(root if root is not None else lake))
