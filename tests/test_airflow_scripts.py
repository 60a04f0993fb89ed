"""scripts/airflow-local and scripts/airflow-backfill as an operator meets them: a user
mistake is one line and a non-zero exit, never a traceback; a SQLite lock is retried
without a word.

Every process a test starts leads its own process group and is stopped by its id.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest
from airflow_helpers import AIRFLOW, DAG_ID, EXAMPLE_RAW, REPO, airflow_env, migrate, run_airflow

AIRFLOW_LOCAL = REPO / "scripts" / "airflow-local"
AIRFLOW_BACKFILL = REPO / "scripts" / "airflow-backfill"


def run_script(
    args: list[str], env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run a script to completion in its own process group; whatever is left is killed."""
    process = subprocess.Popen(
        args,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # SIGTERM first: scripts/airflow-local's trap then stops the components it started.
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        raise
    finally:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def one_line(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def sourced(body: str) -> str:
    """A bash script that has the functions of scripts/airflow-local (sourced, not run)."""
    return f"source {AIRFLOW_LOCAL}\n{body}"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["2026-02-15", "2026-02-13"],
            "FROM 2026-02-15 is after TO 2026-02-13: give the earlier day first",
        ),
        (["2026-02-30", "2026-03-01"], "FROM 2026-02-30 is not a date that exists"),
        (["2026-02-13", "tomorrow"], "TO 'tomorrow' is not a date in YYYY-MM-DD form"),
        (
            ["2026-02-13"],
            "usage: scripts/airflow-backfill FROM TO [airflow backfill create options]",
        ),
    ],
)
def test_a_bad_backfill_range_is_one_line_and_exit_2(args: list[str], says: str) -> None:
    line = one_line(run_script([str(AIRFLOW_BACKFILL), *args], timeout=60), 2)
    assert line == f"scripts/airflow-backfill: {says}"


def test_a_busy_port_is_named_with_the_way_to_pick_another() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_script([str(AIRFLOW_LOCAL)], env={"AIRFLOW_PORT": str(port)}, timeout=120)
    line = one_line(result, 1)
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert f"AIRFLOW_PORT={port + 1} scripts/airflow-local" in line
    assert "started" not in result.stdout, "no Airflow component may start"


def test_a_port_that_is_not_a_number_is_one_line_and_exit_2() -> None:
    line = one_line(run_script([str(AIRFLOW_LOCAL)], env={"AIRFLOW_PORT": "http"}), 2)
    assert "AIRFLOW_PORT=http is not a port number" in line


def test_database_is_locked_is_retried_without_a_word(tmp_path: Path) -> None:
    """An airflow command that meets the SQLite lock twice, then succeeds."""
    calls = tmp_path / "calls"
    body = f"""
airflow() {{
    echo call >>{calls}
    if [[ $(wc -l <{calls}) -lt 3 ]]; then
        echo "sqlite3.OperationalError: database is locked" >&2
        return 1
    fi
    echo unpaused
}}
sleep() {{ :; }}
airflow_quietly dags unpause {DAG_ID}
echo "$airflow_output"
"""
    result = run_script(["bash", "-c", sourced(body)])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == "unpaused\n"
    assert calls.read_text().count("call") == 3


def test_a_lock_that_stays_is_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "logs").mkdir(parents=True)
    (home / "airflow.db").write_bytes(b"")
    body = f"""
AIRFLOW_HOME={home}
airflow() {{ echo "sqlite3.OperationalError: database is locked" >&2; return 1; }}
sleep() {{ :; }}
backfill 2026-02-13 2026-02-15
"""
    line = one_line(run_script(["bash", "-c", sourced(body)]), 1)
    assert "the Airflow database stayed locked; try again in a minute" in line


@pytest.mark.skipif(not EXAMPLE_RAW.is_dir(), reason="examples/raw is not bundled yet")
def test_a_backfill_while_another_runs_is_one_line(tmp_path: Path) -> None:
    """Against a real (throwaway) Airflow database: no scheduler runs, so the first
    backfill stays active and the second is refused."""
    home = tmp_path / "home"
    env = airflow_env(home, raw_root=EXAMPLE_RAW, lake=tmp_path / "lake")
    migrate(env)
    run_airflow(["dags", "reserialize"], env)
    body = f"""
export AIRFLOW_HOME={home}
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN={env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]!r}
airflow() {{ {AIRFLOW} "$@"; }}
backfill "$@"
"""
    script = ["bash", "-c", sourced(body), "bash", "2026-02-13", "2026-02-15"]
    first = run_script(script, env=env, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"backfill of {DAG_ID} 2026-02-13..2026-02-15 created" in first.stdout

    line = one_line(run_script(script, env=env, timeout=300), 1)
    assert f"a backfill of {DAG_ID} is already running (one at a time)" in line
    assert "run this again" in line
    assert "AlreadyRunningBackfill" in (home / "logs" / "backfill-create.log").read_text()
