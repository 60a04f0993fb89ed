"""Helpers to run the newsclean DAG under a throwaway Airflow 3 home in tests.

Every Airflow command runs in a subprocess with its own AIRFLOW_HOME (SQLite), so tests
never touch a developer's Airflow and leave nothing running behind them.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DAGS_FOLDER = REPO / "dags"
DAG_FILE = DAGS_FOLDER / "newsclean_daily.py"
DAG_ID = "newsclean_daily"
EXAMPLE_RAW = REPO / "examples" / "raw"
EXAMPLE_DAYS = ("2026-02-13", "2026-02-14", "2026-02-15")
AIRFLOW = str(Path(sys.executable).with_name("airflow"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def airflow_env(
    home: Path, *, raw_root: Path, lake: Path, port: int | None = None
) -> dict[str, str]:
    """Environment for an isolated Airflow 3: SQLite under `home`, our dags/ only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}?timeout=60",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "NEWSCLEAN_RAW_ROOT": str(raw_root),
            "NEWSCLEAN_LAKE": str(lake),
            # One cleaning process per shard task: the executor already runs tasks side by side.
            "NEWSCLEAN_WORKERS": "1",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH", "")) if p
            ),
        }
    )
    if port is not None:
        env["AIRFLOW__API__PORT"] = str(port)
        env["AIRFLOW__API__BASE_URL"] = f"http://127.0.0.1:{port}"
        env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = f"http://127.0.0.1:{port}/execution/"
    return env


def run_airflow(
    args: list[str], env: dict[str, str], *, timeout: float = 300, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run one `airflow` CLI command to completion, raising with its output on failure."""
    result = subprocess.run(
        [AIRFLOW, *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"airflow {' '.join(args)} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
        )
    return result


def migrate(env: dict[str, str]) -> None:
    """Create the throwaway metadata database."""
    run_airflow(["db", "migrate"], env)


def run_dag_test(
    env: dict[str, str],
    ingest_date: str,
    *,
    run_conf: dict[str, Any] | None = None,
    timeout: float = 600,
) -> dict[str, Any]:
    """Run `dag.test()` for the data interval that starts on `ingest_date`.

    Returns the run's state, each task's state (mapped tasks: the worst), the number of
    mapped clean_shard instances, the extras of the asset events the run emitted and
    the run's combined output.

    For a manual run Airflow 3 infers the interval that *ends* at the logical date, so the
    logical date of day D's interval is D + 1 day at midnight UTC.
    """
    script = f"""
import datetime, json
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder={str(DAG_FILE)!r})
assert not bag.import_errors, bag.import_errors
dag = bag.get_dag({DAG_ID!r})
day = datetime.date.fromisoformat({ingest_date!r})
end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), datetime.UTC)
run = dag.test(logical_date=end, run_conf={run_conf!r})
assert run.data_interval_start.date() == day, run.data_interval_start
task_states = {{}}
mapped = 0
for ti in run.get_task_instances():
    state = str(ti.state)
    if task_states.get(ti.task_id) not in (None, "success") and state == "success":
        continue
    task_states[ti.task_id] = state
    mapped += ti.task_id == "clean_shard"
from airflow.models.asset import AssetEvent
from airflow.utils.session import create_session
with create_session() as session:
    extras = [event.extra for event in session.query(AssetEvent).filter(
        AssetEvent.source_run_id == run.run_id, AssetEvent.source_dag_id == dag.dag_id)]
print("DAG_RUN=" + json.dumps({{"state": str(run.state), "task_states": task_states,
                                "mapped": mapped, "asset_extras": extras}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=timeout
    )
    for line in result.stdout.splitlines():
        if line.startswith("DAG_RUN="):
            run = json.loads(line.removeprefix("DAG_RUN="))
            run["output"] = result.stdout + result.stderr
            return run
    raise AssertionError(
        f"dag.test() did not finish (exit {result.returncode})\n"
        f"--- stdout\n{result.stdout[-6000:]}\n--- stderr\n{result.stderr[-6000:]}"
    )


class Service:
    """A long-running Airflow component in its own process group, stopped by PID."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [AIRFLOW, *args],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, grace: float = 20) -> None:
        """SIGTERM the whole process group (workers included), SIGKILL what outlives it."""
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        # Children (task supervisors, gunicorn/uvicorn workers) may outlive the leader.
        _signal_group(self.process.pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(timeout=10)
        self._log.close()

    def tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def wait_for(
    what: str, predicate: Callable[[], Any], *, timeout: float, interval: float = 2
) -> Any:
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def api_is_up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=5):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def api_token(port: int) -> str:
    """A JWT from the SimpleAuthManager (all-admins mode hands one out without a password)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/token", timeout=30) as response:
        return json.load(response)["access_token"]


def api_get(port: int, path: str, token: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v2/{path.lstrip('/')}",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def list_runs(env: dict[str, str]) -> list[dict[str, Any]]:
    """This DAG's runs as the CLI reports them (run_id, state, logical_date, …)."""
    result = run_airflow(["dags", "list-runs", DAG_ID, "-o", "json"], env, timeout=120)
    text = result.stdout.strip()
    start = text.find("[")
    return json.loads(text[start:]) if start >= 0 else []


def read_partition(lake: Path, ingest_date: str) -> list[dict[str, Any]]:
    """Rows of one published articles partition, sorted by id, read back with DuckDB."""
    import duckdb

    pattern = lake / "articles" / f"ingest_date={ingest_date}" / "*.parquet"
    relation = duckdb.sql(f"select * from read_parquet('{pattern}')")
    rows = [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]
    key = "id" if rows and "id" in rows[0] else None
    return sorted(rows, key=lambda row: str(row[key] if key else row))


def read_manifest(lake: Path, table: str, ingest_date: str) -> dict[str, Any]:
    path = lake / table / f"ingest_date={ingest_date}" / "_manifest.json"
    return json.loads(path.read_text())


def task_errors(home: Path, limit: int = 12) -> str:
    """The error events of every task attempt logged under `home`, to explain a failed run."""
    lines = []
    for path in sorted((home / "logs").glob("dag_id=*/run_id=*/task_id=*/**/*.log")):
        for raw in path.read_text(errors="replace").splitlines():
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if event.get("level") in ("error", "critical"):
                detail = event.get("error_detail") or ""
                where = path.relative_to(home / "logs")
                lines.append(f"{where}: {event.get('event')} {str(detail)[-600:]}")
    return "\n".join(lines[-limit:]) or "(no task errors logged)"
