"""Command line: `newsclean run` cleans a day into the lake, `newsclean check` verifies it,
`newsclean restore` puts a replaced version of a day back."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import NoReturn

from newsclean import __version__
from newsclean.config import Settings, SettingsError

EXIT_INTERNAL_ERRORS = 3  # the day was published, but some units hit a newsclean bug


class UsageError(Exception):
    """A bad argument: reported in one line, exit code 2."""


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}") from None


class _Parser(argparse.ArgumentParser):
    """Reports a bad argument in one line (and exit code 2), not a usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


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
    )
    run.add_argument(
        "--input", required=True, metavar="PATH", help="directory (or file) of raw scrapes"
    )
    run.add_argument(
        "--lake", required=True, metavar="PATH", help="root directory of the Parquet lake"
    )
    run.add_argument(
        "--date",
        required=True,
        type=_date,
        metavar="YYYY-MM-DD",
        help="the ingest date: the partition this run owns",
    )
    run.add_argument(
        "--workers", type=int, metavar="N", help="worker processes (default: one per CPU core)"
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
    )
    check.add_argument("--lake", required=True, metavar="PATH")
    check.add_argument("--date", required=True, type=_date, metavar="YYYY-MM-DD")
    _add_lake_format(check)

    restore = commands.add_parser(
        "restore",
        help="put a replaced version of a published day back",
        description="A run that replaces a published day keeps the version it replaced under "
        "LAKE/_versions/ (the last NEWSCLEAN_KEEP_VERSIONS, default 3, of each day). restore "
        "publishes one of them back atomically, and keeps the version it replaces in turn.",
    )
    restore.add_argument("--lake", required=True, metavar="PATH", help="root of the lake")
    restore.add_argument(
        "--date", required=True, type=_date, metavar="YYYY-MM-DD", help="the day to restore"
    )
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
    return parser


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
    if arguments.unit_timeout is not None:
        changes["unit_timeout"] = arguments.unit_timeout
    if arguments.no_typos:
        changes["fix_typos"] = False
    if arguments.keep_boilerplate:
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
    if "://" in arguments.input or Path(arguments.input).exists():  # else: an error, no run
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
        detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        where = f": {error.filename}" if getattr(error, "filename", None) else ""
        print(f"newsclean: error: cannot write the lake{where}: {detail}", file=sys.stderr)
        return 1
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


def _print_summary(manifest: dict, lake: str, clock: _Clock, lake_format: str | None) -> None:
    from newsclean import delta
    from newsclean.lake import partition_dir
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
    print("\n".join(lines))


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
        detail = error.strerror if error.strerror else str(error)
        where = f": {error.filename}" if error.filename else ""
        print(f"newsclean: error: cannot read the lake{where}: {detail}", file=sys.stderr)
        return 1
    print(summary)
    for problem in problems:
        print(f"  problem: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
