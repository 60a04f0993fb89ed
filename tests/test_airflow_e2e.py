"""newsclean_daily under a real Airflow 3: api-server, dag-processor and scheduler
(LocalExecutor, SQLite) in a throwaway AIRFLOW_HOME, on 127.0.0.1.

Backfills the three bundled example days, checks the three partitions, backfills the same
days again (reprocessing completed runs) and checks that nothing changed.
"""

from __future__ import annotations

import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from airflow_helpers import (
    DAG_ID,
    EXAMPLE_DAYS,
    EXAMPLE_RAW,
    Service,
    airflow_env,
    api_get,
    api_is_up,
    api_token,
    free_port,
    migrate,
    read_manifest,
    read_partition,
    run_airflow,
    task_errors,
    wait_for,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not EXAMPLE_RAW.is_dir(), reason="examples/raw is not bundled yet"),
]

RUN_TIMEOUT = 360  # seconds for one backfill of three days to finish


class Airflow:
    """A running Airflow 3 deployment for one test: its env, port and services."""

    def __init__(
        self, env: dict[str, str], port: int, services: list[Service], log_dir: Path
    ) -> None:
        self.env = env
        self.port = port
        self.services = services
        self.log_dir = log_dir
        self._schedulers = 0
        self._token: str | None = None

    def start_scheduler(self) -> None:
        self._schedulers += 1
        name = f"scheduler-{self._schedulers}"
        args = ["scheduler", "--skip-serve-logs"]
        self.services.append(Service(name, args, self.env, self.log_dir))

    def stop_scheduler(self) -> None:
        for service in [s for s in self.services if s.name.startswith("scheduler")]:
            service.stop()
            self.services.remove(service)

    def get(self, path: str) -> dict[str, Any]:
        """GET from the REST API; a slow answer (a busy machine, SQLite) is asked again."""
        for attempt in range(4):
            try:
                self._token = self._token or api_token(self.port)
                return api_get(self.port, path, self._token)
            except urllib.error.HTTPError:
                raise
            except (TimeoutError, urllib.error.URLError, ConnectionError):
                if attempt == 3:
                    raise
                time.sleep(3)
        raise AssertionError("unreachable")

    def check_alive(self) -> None:
        for service in self.services:
            assert service.alive(), f"{service.name} died:\n{service.tail()}"

    def logs(self) -> str:
        services = "\n".join(f"=== {s.name}\n{s.tail(1500)}" for s in self.services)
        return f"{services}\n=== task errors\n{task_errors(Path(self.env['AIRFLOW_HOME']))}"


@pytest.fixture
def airflow(tmp_path: Path) -> Iterator[Airflow]:
    port = free_port()
    env = airflow_env(tmp_path / "home", raw_root=EXAMPLE_RAW, lake=tmp_path / "lake", port=port)
    migrate(env)
    services: list[Service] = []
    try:
        for name, args in (
            ("api-server", ["api-server", "-H", "127.0.0.1", "-p", str(port)]),
            ("dag-processor", ["dag-processor"]),
        ):
            services.append(Service(name, args, env, tmp_path))
        # The scheduler starts once a backfill is created (see _backfill).
        deployment = Airflow(env, port, services, tmp_path)
        wait_for("the api-server", lambda: deployment.check_alive() or api_is_up(port), timeout=120)
        yield deployment
    finally:
        for service in reversed(services):
            service.stop()


def _backfill(airflow: Airflow, *extra: str) -> None:
    """`airflow backfill create` over the example days, one day at a time.

    Created while no scheduler runs. With SQLite, a running scheduler may hold the
    write lock: the CLI then fails with "database is locked" and Airflow deletes the
    partial backfill's runs, which a scheduler working on one of them does not survive
    (StaleDataError on dag_run). Should the lock still be lost (a slow dag-processor),
    let the partial backfill finish and create the whole backfill again (re-running a
    day is idempotent, and days still run in order).
    """
    args = ["backfill", "create", "--dag-id", DAG_ID, "--from-date", EXAMPLE_DAYS[0]]
    args += ["--to-date", EXAMPLE_DAYS[-1], "--max-active-runs", "1", *extra]
    for _ in range(5):
        result = run_airflow(args, airflow.env, timeout=120, check=False)
        if result.returncode == 0:
            return
        if "database is locked" not in result.stderr + result.stdout:
            break
        airflow.start_scheduler()
        wait_for("a partial backfill", lambda: _backfills_done(airflow), timeout=RUN_TIMEOUT)
        airflow.stop_scheduler()
        if "--reprocess-behavior" not in extra:
            args += ["--reprocess-behavior", "completed"]
    raise AssertionError(f"airflow backfill create failed:\n{result.stderr[-3000:]}")


def _backfills_done(airflow: Airflow) -> bool:
    """True once every backfill of the DAG has completed (or none exists).

    Fails at once when a backfill task fails or waits for a retry, rather than sitting
    out the retry delays.
    """
    airflow.check_alive()
    troubled = airflow.get(
        f"dags/{DAG_ID}/dagRuns/~/taskInstances?state=failed&state=up_for_retry&limit=100"
    )["task_instances"]
    troubled = [ti for ti in troubled if ti["dag_run_id"].startswith("backfill__")]
    if troubled:
        names = [f"{ti['dag_run_id']}/{ti['task_id']}[{ti['map_index']}]" for ti in troubled]
        raise AssertionError(f"backfill tasks failed: {names}\n{airflow.logs()}")
    backfills = airflow.get(f"backfills?dag_id={DAG_ID}")["backfills"]
    return all(backfill["completed_at"] for backfill in backfills)


def _example_runs(airflow: Airflow) -> dict[str, dict[str, Any]]:
    """The DAG's runs whose data interval starts on an example day, by that day."""
    runs = {}
    for run in airflow.get(f"dags/{DAG_ID}/dagRuns?limit=100")["dag_runs"]:
        day = str(run["data_interval_start"])[:10]
        if day in EXAMPLE_DAYS:
            runs[day] = run
    return runs


def _dag_registered(airflow: Airflow) -> bool:
    airflow.check_alive()
    try:
        return airflow.get(f"dags/{DAG_ID}")["dag_id"] == DAG_ID
    except urllib.error.HTTPError:
        return False


def _lake_state(lake: Path) -> dict[str, Any]:
    """Every example partition's rows and manifest counts."""
    state = {}
    for day in EXAMPLE_DAYS:
        manifest = read_manifest(lake, "articles", day)
        state[day] = {
            "rows": read_partition(lake, day),
            "units": manifest["units"],
            "files": sorted(p.name for p in (lake / "articles" / f"ingest_date={day}").iterdir()),
        }
    return state


def test_backfill_three_days_then_again_changes_nothing(airflow: Airflow) -> None:
    lake = Path(airflow.env["NEWSCLEAN_LAKE"])
    started = time.monotonic()

    wait_for(
        "the dag-processor to register the DAG",
        lambda: _dag_registered(airflow),
        timeout=120,
    )
    run_airflow(["dags", "unpause", DAG_ID], airflow.env)

    _backfill(airflow)
    airflow.start_scheduler()
    try:
        wait_for("the first backfill", lambda: _backfills_done(airflow), timeout=RUN_TIMEOUT)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{airflow.logs()}") from None
    runs = _example_runs(airflow)
    assert sorted(runs) == list(EXAMPLE_DAYS)
    assert {day: run["state"] for day, run in runs.items()} == dict.fromkeys(
        EXAMPLE_DAYS, "success"
    ), airflow.logs()
    first = _lake_state(lake)
    for day in EXAMPLE_DAYS:
        rows = first[day]["rows"]
        assert rows, f"no articles published for {day}"
        assert len(rows) == first[day]["units"]["written"]
        assert len({row["id"] for row in rows}) == len(rows), f"duplicate ids on {day}"
    all_ids = [row["id"] for day in EXAMPLE_DAYS for row in first[day]["rows"]]
    assert len(set(all_ids)) == len(all_ids), "an article landed in two partitions"

    # The same three days again: completed runs are cleared and re-run in place.
    airflow.stop_scheduler()
    _backfill(airflow, "--reprocess-behavior", "completed")
    airflow.start_scheduler()
    try:
        wait_for("the second backfill", lambda: _backfills_done(airflow), timeout=RUN_TIMEOUT)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{airflow.logs()}") from None
    rerun = _example_runs(airflow)
    assert {day: run["state"] for day, run in rerun.items()} == dict.fromkeys(
        EXAMPLE_DAYS, "success"
    )
    for day in EXAMPLE_DAYS:
        assert rerun[day]["dag_run_id"] == runs[day]["dag_run_id"]
        assert rerun[day]["end_date"] != runs[day]["end_date"], f"{day} was not re-run"
    assert _lake_state(lake) == first, "re-running the backfill changed the lake"

    # catchup=False: unpausing scheduled only the latest interval, a day without raw input,
    # which must fail rather than succeed empty.
    all_runs = airflow.get(f"dags/{DAG_ID}/dagRuns?limit=100")["dag_runs"]
    scheduled = [r for r in all_runs if r["run_type"] == "scheduled"]
    assert all(r["state"] != "success" for r in scheduled), scheduled
    print(f"e2e wall time after start-up: {time.monotonic() - started:.0f}s")
