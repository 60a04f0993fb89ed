"""A published day's report: one self-contained HTML page an operator opens in a browser.

    manifest + partitions -> metrics (saved under LAKE/_metrics/) -> drift against the
    earlier days -> charts and evidence -> LAKE/_reports/ingest_date=D/report.html

`write_report` is called after every publish (and by `newsclean report`); see
docs/report.md for what the page shows.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from newsclean.lake import lake_root, read_manifest

REPORTS_DIR = "_reports"
REPORT_FILE = "report.html"
DEFAULT_DAYS = 30


class NotPublishedError(LookupError):
    """The day asked for has no published partition in the lake."""


def report_path(lake: str | Path, ingest_date: date) -> Path:
    """Where the report of a day is published with it."""
    root = lake_root(lake) if isinstance(lake, str) else lake
    return root / REPORTS_DIR / f"ingest_date={ingest_date.isoformat()}" / REPORT_FILE


def write_report(
    lake: str | Path,
    ingest_date: date,
    *,
    days: int = DEFAULT_DAYS,
    out: Path | None = None,
    timings: dict[str, float] | None = None,
) -> Path:
    """Write the day's report (to `out`, else beside the day) and save its metrics.

    `timings` are the seconds per stage of the run that just published the day; without
    them, those kept in the metrics table for the same run are used. Returns the path.
    """
    from newsclean import __version__
    from newsclean.report.drift import find_drift
    from newsclean.report.metrics import day_metrics, history, save_metrics, stored_timings
    from newsclean.report.render import render_html

    if days < 1:
        raise ValueError(f"days must be 1 or more, got {days}")
    root = lake_root(lake) if isinstance(lake, str) else lake
    manifest = read_manifest(root, ingest_date)
    if manifest is None:
        raise NotPublishedError(f"{ingest_date} is not published in {root}")
    if timings is None:
        timings = stored_timings(root, ingest_date, str(manifest.get("run_id", "")))
    today = day_metrics(root, ingest_date, manifest, timings=timings)
    save_metrics(root, today)
    earlier = history(root, ingest_date, days)
    flags = find_drift(today, earlier)
    page = render_html(today, earlier, flags, days=days, generated_by=f"newsclean {__version__}")
    target = out if out is not None else report_path(root, ingest_date)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, target)
    return target
