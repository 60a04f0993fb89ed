"""Command line: `newsclean run` cleans a day into the lake, `newsclean check` verifies it,
`newsclean restore` puts a replaced version of a day back, `newsclean backfill` runs a
range of days from an archive."""

from __future__ import annotations

import argparse
import calendar
import re
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from newsclean import __version__
from newsclean.config import Settings, SettingsError, setting_docs

EXIT_INTERNAL_ERRORS = 3  # the day was published, but some units hit a newsclean bug


class UsageError(Exception):
    """A bad argument: reported in one line, exit code 2."""


_DATE_FORM = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _date(value: str) -> date:
    """A YYYY-MM-DD argument; a well-formed day that is not in the calendar says so."""
    form = _DATE_FORM.fullmatch(value)
    if form is None:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}")
    year, month, day = (int(part) for part in form.groups())
    if year == 0:
        why = "there is no year 0"
    elif not 1 <= month <= 12:
        why = f"there is no month {month}"
    elif not 1 <= day <= (days := calendar.monthrange(year, month)[1]):
        why = f"{calendar.month_name[month]} {year} has {days} days"
    else:
        return date(year, month, day)
    raise argparse.ArgumentTypeError(f"{value} is not a date that exists: {why}")


class _Parser(argparse.ArgumentParser):
    """Reports a bad argument in one line (and exit code 2), not a usage block.

    `epilog_from` builds the epilog only when help is shown, so a run never pays for it.
    """

    def __init__(self, *args: Any, epilog_from: Callable[[], str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.epilog_from = epilog_from

    def format_help(self) -> str:
        if self.epilog_from is not None and self.epilog is None:
            self.epilog = self.epilog_from()
        return super().format_help()

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _Formatter(argparse.HelpFormatter):
    """Wraps one-paragraph descriptions; keeps an epilog's lines (a text with line breaks)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" not in text:
            return super()._fill_text(text, width, indent)
        return "".join(indent + line for line in text.splitlines(keepends=True))


RUN_EXIT_CODES = """\
exit codes:
  0    the day was published
  1    the lake cannot be written or read
  2    a bad argument or setting, an input root that cannot be read, or an empty input
       refused
  3    some units hit an internal error: they are quarantined as pipeline.error.<Type>
       and the day is still published
  130  interrupted (Ctrl-C); the published lake is unchanged
"""


def _run_epilog() -> str:
    """`run --help` after the options: workers, input URLs, environment, exit codes."""
    lines = [
        "workers:",
        "  --workers N cleans with N worker processes; 0 (the default, also",
        "  NEWSCLEAN_WORKERS=0) means one per CPU core. Units are always cleaned in worker",
        "  processes, so a unit past --unit-timeout is killed and quarantined.",
        "",
        "input URLs:",
        "  --input may be an fsspec URL: s3://bucket/raw/2026-02-13 needs newsclean[s3] (s3fs),",
        "  gs://bucket/raw/2026-02-13 needs newsclean[gcs] (gcsfs); credentials are found the",
        "  way those libraries find them. --lake is a local or mounted POSIX path.",
        "",
        "environment (NEWSCLEAN_<SETTING>; the options above win over them):",
    ]
    for variable, default, doc in setting_docs():
        shown = str(default).lower() if isinstance(default, bool) else default
        lines.append(f"  {variable}={shown}")
        if doc:
            lines.append(f"      {doc}")
    lines += [
        "  NEWSCLEAN_CACHE_DIR",
        "      Where the English lexicon built on the first run is kept",
        "      (default: $XDG_CACHE_HOME/newsclean or ~/.cache/newsclean).",
        "",
        RUN_EXIT_CODES,
    ]
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="newsclean",
        description="Turn a day of raw news scrapes into clean, validated article records "
        "in a Parquet lake.",
    )
    parser.add_argument("--version", action="version", version=f"newsclean {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    run = commands.add_parser(
        "run",
        help="clean a directory of raw scrapes into the lake partition of one day",
        description="Read every raw scrape under --input (HTML, .gz, plain text, markdown, "
        "JSON Lines), clean it, and publish LAKE/articles/ingest_date=DATE and "
        "LAKE/quarantine/ingest_date=DATE atomically. Re-running a date replaces it.",
        epilog_from=_run_epilog,
        formatter_class=_Formatter,
    )
    run.add_argument(
        "--input", required=True, metavar="PATH", help="directory (or file) of raw scrapes"
    )
    _add_lake_and_day(run, "the ingest date: the partition this run owns")
    run.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes; 0 (the default) means one per CPU core",
    )
    run.add_argument(
        "--unit-timeout",
        type=float,
        metavar="SECONDS",
        help="time limit per unit before it is quarantined (default: 60)",
    )
    run.add_argument(
        "--no-typos",
        action="store_true",
        help="do not split run-together words or fix misspellings",
    )
    run.add_argument(
        "--keep-boilerplate",
        action="store_true",
        help="do not strip boilerplate (share bars, promos, bios, templates)",
    )
    run.add_argument(
        "--allow-empty",
        action="store_true",
        help="publish an empty day when the input holds no raw file (without it such a run "
        "is refused and the published day stays as it is); the manifest says so",
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    _add_lake_format(run)

    check = commands.add_parser(
        "check",
        help="verify a published partition against its manifest and the schemas",
        description="Verify that read == written + quarantined, every row is valid against "
        "the schema, files match the manifest and every input is accounted for. "
        "Exits non-zero on any gap.",
        epilog="exit codes:\n  0  the day is whole\n  1  a gap (each printed as a problem) "
        "or a lake that cannot be read\n  2  a bad argument\n",
        formatter_class=_Formatter,
    )
    _add_lake_and_day(check, "the ingest date of the partition to verify")
    _add_lake_format(check)

    restore = commands.add_parser(
        "restore",
        help="put a replaced version of a published day back",
        description="A run that replaces a published day keeps the version it replaced under "
        "LAKE/_versions/ (the last NEWSCLEAN_KEEP_VERSIONS, default 3, of each day). restore "
        "publishes one of them back atomically, and keeps the version it replaces in turn.",
    )
    _add_lake_and_day(restore, "the day to restore")
    restore.add_argument(
        "--run-id",
        metavar="RUN_ID",
        help="the kept version to restore, by the run_id of its manifest (default: the "
        "version replaced most recently)",
    )
    restore.add_argument(
        "--list", action="store_true", help="list the kept versions of the day and exit"
    )
    _add_lake_format(restore)

    report = commands.add_parser(
        "report",
        help="write the HTML report of a published day",
        description="Write a self-contained HTML page of a published day: its funnel, "
        "sources, languages, word counts, removals, repairs, publish-date lag and run "
        "time, beside the earlier days, with a 'look here' list of figures outside their "
        "usual range and samples of its quarantine and removals. Every publish writes it "
        "to LAKE/_reports/ingest_date=DATE/report.html (a Delta lake's too, in its own "
        "store); this command writes it again.",
    )
    _add_lake_and_day(report, "the published day")
    report.add_argument(
        "--days",
        type=_positive,
        default=30,
        metavar="N",
        help="earlier days to compare with (default: 30)",
    )
    report.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="where to write the page (default: LAKE/_reports/ingest_date=DATE/report.html)",
    )
    _add_lake_format(report)

    backfill = commands.add_parser(
        "backfill",
        help="clean a range of days from an archive, in date order, resuming where it stopped",
        description="Run each day from --from to --to in date order, as `run` would, from "
        "ROOT/YYYY-MM-DD/ folders (--days-by folders) or from the WARC/ARC files under ROOT, "
        "each assigned to the UTC day of its first response's WARC-Date (--days-by warc-date). "
        "A day already published from the same inputs and settings is skipped (--redo runs it "
        "again), so a killed backfill resumes; a day that fails is reported and the rest go "
        "on; the exit code is 1 if any day failed.",
    )
    backfill.add_argument("--input", required=True, metavar="ROOT", help="root of the archive")
    backfill.add_argument("--lake", required=True, metavar="PATH", help="root of the lake")
    backfill.add_argument(
        "--from", dest="first", required=True, type=_date, metavar="YYYY-MM-DD", help="first day"
    )
    backfill.add_argument(
        "--to", dest="last", required=True, type=_date, metavar="YYYY-MM-DD", help="last day"
    )
    backfill.add_argument(
        "--days-by",
        choices=("folders", "warc-date"),
        default="folders",
        help="how inputs are assigned to days (default: folders)",
    )
    backfill.add_argument(
        "--redo", action="store_true", help="run days already published from the same inputs"
    )
    backfill.add_argument(
        "--workers", type=int, metavar="N", help="worker processes (default: one per CPU core)"
    )
    backfill.add_argument("--quiet", action="store_true", help="only the summary")
    return parser


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of 1 or more: {value!r}")
    return number


def _add_lake_and_day(command: argparse.ArgumentParser, day_help: str) -> None:
    """--lake and --date, which every command about one day of a lake takes."""
    command.add_argument(
        "--lake",
        required=True,
        metavar="PATH",
        help="root directory of the Parquet lake (or a Delta lake's path or URI)",
    )
    command.add_argument("--date", required=True, type=_date, metavar="YYYY-MM-DD", help=day_help)


def _add_lake_format(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--lake-format",
        choices=("parquet", "delta"),
        help="the lake's table format (default: $NEWSCLEAN_LAKE_FORMAT, else delta for an "
        "s3://, gs:// or az:// lake or a local lake of Delta tables, else parquet)",
    )


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "run":
            return _run(arguments)
        if arguments.command == "restore":
            return _restore(arguments)
        if arguments.command == "report":
            return _report(arguments)
        if arguments.command == "backfill":
            return _backfill(arguments)
        return _check(arguments)
    except (UsageError, SettingsError) as error:
        print(f"newsclean: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsclean: interrupted; the published lake is unchanged", file=sys.stderr)
        return 130


def _settings(arguments: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    changes = {}
    if arguments.workers is not None:
        changes["workers"] = arguments.workers
    if getattr(arguments, "unit_timeout", None) is not None:
        changes["unit_timeout"] = arguments.unit_timeout
    if getattr(arguments, "no_typos", False):
        changes["fix_typos"] = False
    if getattr(arguments, "keep_boilerplate", False):
        changes["remove_boilerplate"] = False
    return settings.replace(**changes) if changes else settings


def _run(arguments: argparse.Namespace) -> int:
    from newsclean.workers import start_server

    settings = _settings(arguments)
    if "://" not in arguments.input and "://" not in arguments.lake:
        source, lake = Path(arguments.input).resolve(), Path(arguments.lake).resolve()
        if lake == source or source in lake.parents:
            raise UsageError(
                f"the lake {arguments.lake} is inside the input {arguments.input}: "
                "a run would read its own output"
            )
    if ("://" in arguments.input or Path(arguments.input).exists()) and not _small(
        arguments.input
    ):  # else: an error, no run; or a small input, cleaned without the workers
        start_server()  # its warm-up overlaps this process's imports (~0.3 s) from here on
    from newsclean.day import EmptyInputError, internal_errors, run_day
    from newsclean.lake import LakeError
    from newsclean.readers import InputRootError

    bar = None
    if not arguments.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(desc="cleaning", unit=" units", file=sys.stderr, dynamic_ncols=True)
    clock = _Clock(bar.update if bar is not None else None)
    try:
        manifest = run_day(
            arguments.input,
            arguments.lake,
            arguments.date,
            settings,
            progress=clock.units_done,
            with_inputs=False,  # the summary counts the files; the published manifest lists them
            allow_empty=arguments.allow_empty,
            lake_format=arguments.lake_format,
        )
    except EmptyInputError as error:
        raise UsageError(
            f"{error}: refusing to replace {arguments.date} with an empty day "
            "(the published day is unchanged; --allow-empty publishes an empty day)"
        ) from None
    except InputRootError as error:
        raise UsageError(str(error)) from None
    except (LakeError, OSError) as error:
        return _storage_error("cannot write the lake", error)
    finally:
        if bar is not None:
            bar.close()
    if not arguments.quiet:
        _print_summary(manifest, arguments.lake, clock, arguments.lake_format)
    failed = internal_errors(manifest)
    if failed:
        print(
            f"newsclean: error: {failed} unit(s) hit an internal error and were quarantined as "
            f"pipeline.error.*: the day is published, but this is a newsclean bug; "
            f"see their detail in the quarantine (exit code {EXIT_INTERNAL_ERRORS})",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERRORS
    return 0


def _storage_error(doing: str, error: Exception) -> int:
    """Print one line for a storage error ("cannot read the lake: PATH: reason"); exit 1."""
    detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    where = f": {error.filename}" if getattr(error, "filename", None) else ""
    print(f"newsclean: error: {doing}{where}: {detail}", file=sys.stderr)
    return 1


def _small(input_root: str) -> bool:
    """Whether the input is small enough to clean without the workers (see
    `newsclean.workers.small_input`); an unreadable root is left to the run to report."""
    from itertools import islice

    from newsclean.readers import InputRootError, iter_inputs
    from newsclean.workers import INLINE_FILES, small_input

    if "://" in input_root:
        return False  # small inputs are local files
    try:
        return small_input(islice(iter_inputs(input_root), INLINE_FILES + 1))
    except (InputRootError, OSError):
        return False


class _Clock:
    """Times a run: when it started, when its first and its last unit were cleaned."""

    def __init__(self, progress: Callable[[int], object] | None) -> None:
        self.started = time.monotonic()
        self.first: float | None = None
        self.last = self.started
        self._progress = progress

    def units_done(self, count: int) -> None:
        self.last = time.monotonic()
        if self.first is None:
            self.first = self.last
        if self._progress is not None:
            self._progress(count)

    def pace(self, units: int) -> str | None:
        """'start-up S s, then R units/s': the time to the first unit (loading the
        libraries and models, starting the workers), then the rate of the rest."""
        if self.first is None or units < 2 or self.last <= self.first:
            return None
        rate = (units - 1) / (self.last - self.first)
        return f"start-up {self.first - self.started:.1f}s, then {rate:.1f} units/s"


def _print_summary(
    manifest: dict, lake: str, clock: _Clock, lake_format: str | None = None
) -> None:
    from newsclean import delta
    from newsclean.lake import partition_dir
    from newsclean.report import published_report
    from newsclean.validate import ARTICLE, QUARANTINE

    units = manifest["units"]
    day = manifest["ingest_date"]
    pace = clock.pace(units["read"])
    is_delta = delta.lake_format(lake, lake_format) == delta.DELTA

    def partition(kind: str) -> str:
        if is_delta:
            return f"{delta.DeltaLake(lake).table_uri(kind)} (Delta, ingest_date={day})"
        return str(partition_dir(Path(lake), kind, date.fromisoformat(day)))

    lines = [
        f"newsclean {manifest['pipeline_version']}: {day} in "
        f"{time.monotonic() - clock.started:.1f}s" + (f" ({pace})" if pace else ""),
        f"  files read     {manifest['input_files']:>8}",
        f"  units read     {units['read']:>8}",
        f"  articles       {units['written']:>8}  -> {partition(ARTICLE)}",
        f"  quarantined    {units['quarantined']:>8}  -> {partition(QUARANTINE)}",
    ]
    for reason, count in sorted(manifest["quarantined_by_reason"].items(), key=lambda kv: -kv[1]):
        lines.append(f"    {reason:<28}{count:>6}")
    if manifest.get("empty_on_purpose"):
        lines.append("  no raw file was found: an empty day was published (--allow-empty)")
    if "stories" in manifest:
        from newsclean.validate import STORY

        stories = manifest["stories"]
        lines.append(f"  stories        {stories['stories']:>8}  -> {partition(STORY)}")
        lines.append(f"  near-duplicates{stories['near_duplicates']:>8}  (labeled, kept)")
    report = published_report(lake, date.fromisoformat(day), lake_format)
    if report is not None:
        lines.append(f"  report                   -> {report}")
    print("\n".join(lines))


def _report(arguments: argparse.Namespace) -> int:
    from newsclean.lake import LakeError
    from newsclean.report import NotPublishedError, write_report

    try:
        path = write_report(
            arguments.lake,
            arguments.date,
            days=arguments.days,
            out=arguments.out,
            lake_format=arguments.lake_format,
        )
    except (NotPublishedError, LakeError) as error:
        print(f"newsclean: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        return _storage_error("cannot write the report", error)
    print(path)
    return 0


def _backfill(arguments: argparse.Namespace) -> int:
    from newsclean.backfill import DayOutcome, Pace, backfill
    from newsclean.readers import InputRootError

    settings = _settings(arguments)
    if arguments.last < arguments.first:
        raise UsageError(f"--to {arguments.last} is before --from {arguments.first}")

    def report(outcome: DayOutcome, pace: Pace) -> None:
        if arguments.quiet:
            return
        rate = f"{pace.rate:.1f} units/s" if pace.rate else "rate unknown"
        eta = f"ETA {_duration(pace.eta)}" if pace.eta is not None else "ETA unknown"
        detail = f": {outcome.detail}" if outcome.detail else ""
        print(
            f"[{pace.done}/{pace.days}] {outcome.ingest_date} {outcome.status}, "
            f"{outcome.units} units in {outcome.seconds:.1f}s{detail} | "
            f"{pace.units} units cleaned, {rate}, {eta}",
            file=sys.stderr,
            flush=True,
        )

    try:
        outcomes = backfill(
            arguments.input,
            arguments.lake,
            arguments.first,
            arguments.last,
            settings,
            by=arguments.days_by,
            redo=arguments.redo,
            report=report,
        )
    except InputRootError as error:
        raise UsageError(str(error)) from None
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    units = sum(outcome.units for outcome in outcomes if outcome.status == "published")
    seconds = sum(outcome.seconds for outcome in outcomes)
    print(
        f"newsclean backfill {arguments.first}..{arguments.last} in {seconds:.1f}s: "
        f"{len(outcomes)} days: "
        + ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        + f"; {units} units cleaned"
    )
    failed = [outcome for outcome in outcomes if outcome.status == "failed"]
    for outcome in failed:
        print(f"  failed {outcome.ingest_date}: {outcome.detail}")
    return 1 if failed else 0


def _duration(seconds: float) -> str:
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}"


def _restore(arguments: argparse.Namespace) -> int:
    from newsclean.day import restore_day
    from newsclean.lake import LakeError

    try:
        return _restore_or_list(arguments, restore_day)
    except LakeError as error:
        print(f"newsclean: error: {error}", file=sys.stderr)
        return 1


def _restore_or_list(arguments: argparse.Namespace, restore_day: Callable[..., dict]) -> int:
    from newsclean import delta
    from newsclean.lake import kept_versions, lake_root

    if arguments.list:
        if delta.lake_format(arguments.lake, arguments.lake_format) == delta.DELTA:
            versions = delta.DeltaLake(arguments.lake).kept_versions(arguments.date)
        else:
            versions = kept_versions(lake_root(arguments.lake), arguments.date)
        if not versions:
            print(f"{arguments.date}: no kept version")
        for version in versions:
            units = version["units"]
            print(
                f"{version['run_id']}  replaced {version['replaced_at']}  "
                f"read {units.get('read')}, written {units.get('written')}, "
                f"quarantined {units.get('quarantined')}"
            )
        return 0
    manifest = restore_day(
        arguments.lake,
        arguments.date,
        arguments.run_id,
        settings=Settings.from_env(),
        lake_format=arguments.lake_format,
    )
    units = manifest["units"]
    print(
        f"{arguments.date}: restored version {manifest['run_id']} (read {units['read']}, "
        f"written {units['written']}, quarantined {units['quarantined']})"
    )
    return 0


def _check(arguments: argparse.Namespace) -> int:
    from newsclean.check import check_partition

    try:
        problems, summary = check_partition(arguments.lake, arguments.date, arguments.lake_format)
    except OSError as error:
        return _storage_error("cannot read the lake", error)
    print(summary)
    for problem in problems:
        print(f"  problem: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
