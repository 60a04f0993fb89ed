"""
### newsclean_daily

Cleans one day of raw news scrapes into the lake, one data interval at a time.

For the interval starting at midnight UTC of day **D** the DAG

1. `resolve_config` – settles raw root, lake, shard size and quarantine threshold
   (DAG params, else Airflow Variables, else environment);
2. `list_shards` – lists `RAW_ROOT/D/…` and groups the files into shards; a missing day
   directory or an empty one fails here, loudly (never a silent empty success). A day
   may hold WARC/ARC files (e.g. CC-NEWS): each is read record by record, like any file;
3. `clean_shard` – one mapped task per shard, each writing its own staged part, so
   any number of workers can share a day;
4. `publish_day` – labels the whole day's articles with near-duplicates and story ids
   against the story signatures of the days before it (`newsclean.stories`, inside
   publish: it needs every shard), then swaps `LAKE/articles/ingest_date=D/`,
   `LAKE/quarantine/ingest_date=D/` and `LAKE/stories/ingest_date=D/` into place
   atomically, with `_manifest.json`, keeps the day's story signatures, and writes the
   day's HTML report, `LAKE/_reports/ingest_date=D/report.html` (a Delta lake, e.g. on
   `s3://`: the same labels, one commit per table, then the day's manifest row, and the
   report in the lake's store);
5. `check_quarantine_share` – fails the run if more than the allowed share of units was
   quarantined (after publishing, so the quarantine is there to inspect); when the day
   passes it emits the `newsclean_articles` asset that downstream DAGs schedule on, the
   report's path in the event's extra.

Every task is idempotent: retry any task, re-run or backfill any day again, and the
partition ends the same. The DAG only wires tasks: cleaning lives in `newsclean.pipeline`
and `newsclean.day`.
See `docs/airflow.md` for configuration and operations.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from typing import Any

from airflow.sdk import (
    Asset,
    CronDataIntervalTimetable,
    Param,
    Variable,
    dag,
    get_current_context,
    task,
)
from airflow.sdk.exceptions import AirflowFailException

ARTICLES = Asset(name="newsclean_articles", uri="x-newsclean://lake/articles")

# Each setting: DAG param name -> (Airflow Variable, environment variable, built-in default).
# A param left at null falls back to the Variable, then the environment, then the default.
CONFIG_SOURCES: dict[str, tuple[str, str, Any]] = {
    "raw_root": ("newsclean_raw_root", "NEWSCLEAN_RAW_ROOT", None),
    "lake": ("newsclean_lake", "NEWSCLEAN_LAKE", None),
    "shard_size": ("newsclean_shard_size", "NEWSCLEAN_SHARD_SIZE", 200),
    "max_quarantine_share": (
        "newsclean_max_quarantine_share",
        "NEWSCLEAN_MAX_QUARANTINE_SHARE",
        0.5,
    ),
}


def _ingest_date(data_interval_start: datetime) -> date:
    """The partition a run writes: the UTC day its data interval starts on."""
    return data_interval_start.astimezone(UTC).date()


def _join(root: str, *parts: str) -> str:
    """Join path parts with '/', for local paths and fsspec URLs alike."""
    return "/".join([root.rstrip("/"), *parts])


@dag(
    dag_id="newsclean_daily",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    # Day D cleans with the template profiles and clusters stories against the story
    # signatures published for the days before it, so days run in date order; the
    # parallelism is across the shards of a day.
    max_active_runs=1,
    default_args={
        "owner": "newsclean",
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
    },
    tags=["newsclean", "etl", "news"],
    doc_md=__doc__,
    params={
        "raw_root": Param(
            None,
            type=["null", "string"],
            description="Root of raw scrapes, one YYYY-MM-DD folder per day "
            "(null: Variable newsclean_raw_root, else $NEWSCLEAN_RAW_ROOT).",
        ),
        "lake": Param(
            None,
            type=["null", "string"],
            description="Lake root the day is published under "
            "(null: Variable newsclean_lake, else $NEWSCLEAN_LAKE).",
        ),
        "shard_size": Param(
            None,
            type=["null", "integer"],
            minimum=1,
            description="Raw files per mapped clean task "
            "(null: Variable newsclean_shard_size, else $NEWSCLEAN_SHARD_SIZE, else 200).",
        ),
        "max_quarantine_share": Param(
            None,
            type=["null", "number"],
            minimum=0,
            maximum=1,
            description="Fail the day when more than this share of units is quarantined "
            "(null: Variable newsclean_max_quarantine_share, "
            "else $NEWSCLEAN_MAX_QUARANTINE_SHARE, else 0.5).",
        ),
    },
)
def newsclean_daily() -> None:
    @task
    def resolve_config(params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Settle every setting once per run, so all mapped shards see the same values."""
        from newsclean.config import Settings, SettingsError

        params = params or {}
        config: dict[str, Any] = {}
        for name, (variable, env_var, default) in CONFIG_SOURCES.items():
            value = params.get(name)
            if value is None:
                value = Variable.get(variable, default=None)
            if value is None:
                value = os.environ.get(env_var) or default
            if value is None:
                raise AirflowFailException(
                    f"newsclean: no {name} configured; set the DAG param {name!r}, "
                    f"the Airflow Variable {variable!r} or the environment variable {env_var}"
                )
            config[name] = value
        try:
            config["shard_size"] = int(config["shard_size"])
            config["max_quarantine_share"] = float(config["max_quarantine_share"])
        except ValueError as error:
            raise AirflowFailException(f"newsclean: bad setting: {error}") from error
        if config["shard_size"] < 1:
            raise AirflowFailException(
                f"newsclean: shard_size must be 1 or more, got {config['shard_size']}"
            )
        try:
            # Other library settings come from NEWSCLEAN_<NAME>; checked here, at start-up.
            settings = Settings.from_env().replace(
                max_quarantine_share=config["max_quarantine_share"]
            )
        except SettingsError as error:
            raise AirflowFailException(f"newsclean: bad setting: {error}") from error
        config["settings"] = settings.to_dict()
        from newsclean.delta import lake_format
        from newsclean.lake import LakeError

        try:  # Delta for an object-store lake or NEWSCLEAN_LAKE_FORMAT=delta, else Parquet
            config["lake_format"] = lake_format(config["lake"])
        except LakeError as error:
            raise AirflowFailException(f"newsclean: bad lake: {error}") from error
        return config

    @task
    def list_shards(
        config: dict[str, Any], data_interval_start: datetime | None = None
    ) -> list[dict[str, Any]]:
        """List the day's raw files and group them into shards; no input is an error."""
        from newsclean.day import plan_shards

        ingest_date = _ingest_date(data_interval_start)
        day_root = _join(config["raw_root"], ingest_date.isoformat())
        try:
            shards = plan_shards(day_root, shard_size=config["shard_size"])
        except OSError as error:  # missing or unreadable day: retrying will not help
            raise AirflowFailException(
                f"newsclean: no raw input for {ingest_date}: {day_root}: {error}"
            ) from error
        if not shards:
            raise AirflowFailException(
                f"newsclean: no raw input for {ingest_date}: {day_root} holds no files"
            )
        return [{"shard_id": f"{index:05d}", "files": files} for index, files in enumerate(shards)]

    @task(map_index_template="{{ shard_id }}")
    def clean_shard(
        shard: dict[str, Any],
        config: dict[str, Any],
        data_interval_start: datetime | None = None,
    ) -> dict[str, Any]:
        """Clean one shard into its own staged part (overwritten on retry)."""
        from newsclean.config import Settings
        from newsclean.day import clean_shard as clean

        get_current_context()["shard_id"] = shard["shard_id"]  # type: ignore[typeddict-unknown-key]
        ingest_date = _ingest_date(data_interval_start)
        return clean(
            shard["files"],
            input_root=_join(config["raw_root"], ingest_date.isoformat()),
            lake=config["lake"],
            ingest_date=ingest_date,
            shard_id=shard["shard_id"],
            settings=Settings.from_mapping(config["settings"]),
            lake_format=config.get("lake_format"),
        )

    @task
    def publish_day(
        config: dict[str, Any],
        shards: list[dict[str, Any]],
        reports: list[dict[str, Any]],
        data_interval_start: datetime | None = None,
    ) -> dict[str, Any]:
        """Label near-duplicates and stories over all shards, then publish the day's
        articles, quarantine and stories atomically, with its manifest."""
        from newsclean.config import Settings
        from newsclean.day import publish_day as publish

        shard_ids = [shard["shard_id"] for shard in shards]
        # A slice fetches all mapped results in one request; iterating the lazy sequence
        # asks for one item past the end, which the Task SDK logs as an `XCom not found` error.
        cleaned = sorted(report["shard_id"] for report in reports[:])
        if cleaned != sorted(shard_ids):
            raise AirflowFailException(
                f"newsclean: cleaned shards {cleaned} differ from planned shards {shard_ids}"
            )
        return publish(
            config["lake"],
            _ingest_date(data_interval_start),
            shard_ids,
            settings=Settings.from_mapping(config["settings"]),
            # The per-file input list stays in the lake's manifest, out of the XCom.
            with_inputs=False,
            lake_format=config.get("lake_format"),
        )

    @task(outlets=[ARTICLES])
    def check_quarantine_share(
        config: dict[str, Any],
        manifest: dict[str, Any],
        data_interval_start: datetime | None = None,
    ) -> float:
        """Fail the day (already published) if too much of it went to quarantine, or if
        any unit hit an internal error (a newsclean bug, not bad input)."""
        from newsclean.day import internal_errors
        from newsclean.report import published_report

        failed = internal_errors(manifest)
        if failed:
            raise AirflowFailException(
                f"newsclean: {failed} unit(s) hit an internal error (quarantined as "
                "pipeline.error.*); the day is published, with their detail in its quarantine"
            )
        units = manifest["units"]
        share = units["quarantined"] / units["read"] if units["read"] else 0.0
        limit = config["max_quarantine_share"]
        if share > limit:
            raise AirflowFailException(
                f"newsclean: {units['quarantined']} of {units['read']} units quarantined "
                f"({share:.1%} > {limit:.1%}) by reason {manifest.get('quarantined_by_reason')}; "
                "the partition and its quarantine are published for inspection"
            )
        ingest_date = _ingest_date(data_interval_start)
        report = published_report(config["lake"], ingest_date, config.get("lake_format"))
        get_current_context()["outlet_events"][ARTICLES].extra = {
            "ingest_date": ingest_date.isoformat(),
            "lake": config["lake"],
            "units": units,
            "report": report,
            "stories": manifest.get("stories"),
        }
        return share

    config = resolve_config()
    shards = list_shards(config)
    reports = clean_shard.partial(config=config).expand(shard=shards)
    manifest = publish_day(config, shards, reports)
    check_quarantine_share(config, manifest)


newsclean_daily()
