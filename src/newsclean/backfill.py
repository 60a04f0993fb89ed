"""Backfill: a range of days from an archive, in date order, each published like a run.

Days come from `ROOT/YYYY-MM-DD/` folders (`by="folders"`), or from WARC/ARC files
anywhere under ROOT, each assigned whole to the UTC day of the WARC-Date of its first
response record (`by="warc-date"`, see `newsclean.readers.warc.first_date`). A day
is skipped when its published manifest carries the same `input_fingerprint` (its
inputs' names, sizes and modification times, the settings that change output and the
pipeline version), unless `redo`; so a backfill killed midway resumes at the first
day it had not published (a day killed while running is run again: publishing is
atomic). A day that fails is reported and the rest go on.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from newsclean.config import Settings
from newsclean.readers import InputFile, InputRootError, iter_inputs, open_root
from newsclean.readers.warc import first_date, is_archive_name

DaysBy = Literal["folders", "warc-date"]
DAYS_BY: tuple[str, ...] = ("folders", "warc-date")
# Settings that change how fast a run goes, not what it writes.
_RUNTIME_SETTINGS = frozenset({"workers", "unit_timeout", "keep_versions", "batch_rows"})


@dataclass(frozen=True, slots=True)
class PlannedDay:
    """One day of a backfill: its date, the root its inputs are named under, its files."""

    ingest_date: date
    root: str
    files: tuple[InputFile, ...]

    @property
    def size(self) -> int:
        return sum(file.size for file in self.files)


@dataclass(slots=True)
class DayOutcome:
    """What a backfill did with one day: `published`, `skipped` (already published from
    the same inputs and settings), `no-input`, or `failed` (with the error in `detail`)."""

    ingest_date: date
    status: str
    units: int = 0
    seconds: float = 0.0
    detail: str = ""
    manifest: dict[str, Any] = field(default_factory=dict)


def plan_days(root: str, first: date, last: date, *, by: DaysBy = "folders") -> list[PlannedDay]:
    """The days from `first` to `last` (inclusive), in date order, with their inputs.

    Raises InputRootError when ROOT is missing or unreadable; a day without inputs is
    planned with none."""
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    if by not in DAYS_BY:
        raise ValueError(f"days by {by!r}: choose one of {', '.join(DAYS_BY)}")
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    if by == "warc-date":
        assigned = archives_by_day(root)
        return [PlannedDay(day, root, tuple(assigned.get(day, ()))) for day in days]
    fs, base = open_root(root)
    if not fs.isdir(base):
        raise InputRootError(f"input root is not a folder: {root}")
    planned = []
    for day in days:
        folder = "/".join([root.rstrip("/"), day.isoformat()])
        files = tuple(iter_inputs(folder)) if fs.isdir(f"{base.rstrip('/')}/{day}") else ()
        planned.append(PlannedDay(day, folder, files))
    return planned


def archives_by_day(root: str) -> dict[date, list[InputFile]]:
    """The WARC/ARC files under root (by name), by the UTC day of their first response.

    A file whose first record has no readable date is left out (reported by the caller
    as unassigned); files that are not archives are left out too."""
    assigned: dict[date, list[InputFile]] = {}
    for file in iter_inputs(root):
        if not is_archive_name(file.relative):
            continue
        found = _first_date(file)
        if found is not None:
            assigned.setdefault(date.fromisoformat(found[:10]), []).append(file)
    return assigned


def _first_date(file: InputFile) -> str | None:
    try:
        if "://" in file.path:
            fs, path = open_root(file.path)
            with fs.open(path, "rb") as handle:
                return first_date(handle)
        with open(file.path, "rb") as handle:
            return first_date(handle)
    except OSError:
        return None


def input_fingerprint(day: PlannedDay, settings: Settings) -> str:
    """sha256 of what a day's output depends on: the pipeline version, the settings that
    change output, and each input's relative name, size and modification time."""
    from newsclean.pipeline import PIPELINE_VERSION

    digest = hashlib.sha256()
    output_settings = {
        name: value for name, value in settings.to_dict().items() if name not in _RUNTIME_SETTINGS
    }
    digest.update(json.dumps([PIPELINE_VERSION, output_settings], sort_keys=True).encode())
    for file in day.files:
        entry = [file.relative, file.size, _modified(file)]
        digest.update(b"\0" + json.dumps(entry).encode("utf-8", errors="surrogateescape"))
    return digest.hexdigest()


def _modified(file: InputFile) -> Any:
    if "://" in file.path:
        fs, path = open_root(file.path)
        info = fs.info(path)
        return info.get("ETag") or info.get("mtime") or info.get("LastModified")
    try:
        return os.stat(file.path).st_mtime_ns
    except OSError:
        return None


Report = Callable[[DayOutcome, "Pace"], None]


class Pace:
    """A backfill's progress: days done, units cleaned, the rate, the time left (by the
    input bytes still to read at the rate so far)."""

    def __init__(self, days: list[PlannedDay]) -> None:
        self.started = time.monotonic()
        self.days = len(days)
        self.done = 0
        self.units = 0
        self.bytes_left = sum(day.size for day in days)
        self._bytes_done = 0
        self._busy = 0.0  # seconds spent running days (not skipping them)

    def finish(self, day: PlannedDay, outcome: DayOutcome) -> None:
        self.done += 1
        self.bytes_left -= day.size
        if outcome.status in ("published", "failed"):
            self.units += outcome.units
            self._bytes_done += day.size
            self._busy += outcome.seconds

    @property
    def rate(self) -> float | None:
        """Units a second over the days run so far."""
        return self.units / self._busy if self._busy > 0 and self.units else None

    @property
    def eta(self) -> float | None:
        """Seconds left, if any day has been run yet."""
        if not self._bytes_done or self._busy <= 0:
            return None
        return self.bytes_left / (self._bytes_done / self._busy)


def backfill(
    root: str,
    lake: str,
    first: date,
    last: date,
    settings: Settings,
    *,
    by: DaysBy = "folders",
    redo: bool = False,
    report: Report | None = None,
) -> list[DayOutcome]:
    """Run every day from `first` to `last` in date order; the outcome of each.

    Never raises for one day: a day that fails is an outcome with the error named.
    Raises InputRootError (ROOT missing) and ValueError (bad range) before any day."""
    from newsclean.day import internal_errors, run_day
    from newsclean.lake import lake_root, read_manifest

    days = plan_days(root, first, last, by=by)
    pace = Pace(days)
    outcomes = []
    for day in days:
        started = time.monotonic()
        outcome = DayOutcome(day.ingest_date, "no-input")
        if day.files:
            fingerprint = input_fingerprint(day, settings)
            published = _published(lake_root(lake), day.ingest_date, read_manifest)
            same = published.get("input_fingerprint") == fingerprint
            # A day published with internal errors is run again: it may be fixed now.
            if not redo and same and not internal_errors(published):
                outcome = DayOutcome(
                    day.ingest_date, "skipped", published["units"]["read"], manifest=published
                )
            else:
                outcome = _run(day, lake, settings, fingerprint, run_day, internal_errors)
        outcome.seconds = time.monotonic() - started
        pace.finish(day, outcome)
        if report is not None:
            report(outcome, pace)
        outcomes.append(outcome)
    return outcomes


def _published(
    root: Any, ingest_date: date, read_manifest: Callable[..., dict[str, Any] | None]
) -> dict[str, Any]:
    """The day's published manifest; empty when there is none or it cannot be read
    (the day then runs, and publishing replaces it)."""
    try:
        return read_manifest(root, ingest_date) or {}
    except (OSError, ValueError):
        return {}


def _run(
    day: PlannedDay,
    lake: str,
    settings: Settings,
    fingerprint: str,
    run_day: Callable[..., dict[str, Any]],
    internal_errors: Callable[[dict[str, Any]], int],
) -> DayOutcome:
    try:
        manifest = run_day(
            day.root,
            lake,
            day.ingest_date,
            settings,
            with_inputs=False,
            files=day.files,
            input_fingerprint=fingerprint,
        )
    except Exception as error:  # the one place a day's failure becomes its outcome
        return DayOutcome(day.ingest_date, "failed", detail=f"{type(error).__name__}: {error}")
    failed = internal_errors(manifest)
    detail = f"{failed} unit(s) hit an internal error (pipeline.error.*)" if failed else ""
    return DayOutcome(
        day.ingest_date,
        "failed" if failed else "published",
        manifest["units"]["read"],
        detail=detail,
        manifest=manifest,
    )
