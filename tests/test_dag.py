"""The newsclean_daily DAG: it imports cleanly, follows Airflow 3 practice, and `dag.test()`
cleans a bundled example day into a temporary lake.

Airflow runs in subprocesses with a throwaway AIRFLOW_HOME, never in the pytest process.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from airflow_helpers import (
    DAG_FILE,
    DAG_ID,
    EXAMPLE_RAW,
    airflow_env,
    migrate,
    read_manifest,
    read_partition,
    run_airflow,
    run_dag_test,
)

HEAVY_MODULES = ("trafilatura", "pyarrow", "newsclean.pipeline", "newsclean.day", "lxml", "duckdb")
# An error-level line in Airflow's console log: structlog's `[error    ]` or logging's `ERROR`.
ERROR_LINE = re.compile(r"\[(?:error|critical)\s*\]|\b(?:ERROR|CRITICAL)\b")


def _python(script: str, env: dict[str, str]) -> dict[str, Any]:
    """Run `script` in a fresh interpreter; it prints one JSON object as its last line."""
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def home_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated throwaway Airflow home whose default lake is a temporary folder."""
    root = tmp_path_factory.mktemp("airflow")
    env = airflow_env(root / "home", raw_root=EXAMPLE_RAW, lake=root / "lake-from-env")
    migrate(env)
    return env


def test_dag_file_imports_without_heavy_modules(home_env: dict[str, str]) -> None:
    script = f"""
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("newsclean_daily_dag", {str(DAG_FILE)!r})
spec.loader.exec_module(importlib.util.module_from_spec(spec))
print(json.dumps({{"loaded": [m for m in {HEAVY_MODULES!r} if m in sys.modules]}}))
"""
    assert _python(script, home_env)["loaded"] == []


def test_dagbag_has_the_dag_with_airflow_3_practice(home_env: dict[str, str]) -> None:
    script = f"""
import json
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder={str(DAG_FILE)!r})
dag = bag.get_dag({DAG_ID!r})
print(json.dumps({{
    "errors": {{str(k): str(v) for k, v in bag.import_errors.items()}},
    "dag_ids": sorted(bag.dag_ids),
    "tags": sorted(dag.tags),
    "doc_md": dag.doc_md or "",
    "timetable": type(dag.timetable).__name__,
    "expression": dag.timetable.expression, "timezone": str(dag.timetable.timezone),
    "catchup": dag.catchup,
    "params": sorted(dag.params.keys()),
    "tasks": {{t.task_id: {{"retries": t.retries, "delay": t.retry_delay.total_seconds(),
                           "outlets": [getattr(a, "name", "") for a in t.outlets]}}
              for t in dag.tasks}},
}}))
"""
    info = _python(script, home_env)
    assert info["errors"] == {}
    assert info["dag_ids"] == [DAG_ID]
    assert {"newsclean", "etl"} <= set(info["tags"])
    assert "newsclean_daily" in info["doc_md"]
    assert info["timetable"] == "CronDataIntervalTimetable"
    assert info["expression"] == "0 0 * * *"
    assert info["timezone"] == "UTC"
    assert info["params"] == ["lake", "max_quarantine_share", "raw_root", "shard_size"]
    assert set(info["tasks"]) == {
        "resolve_config",
        "list_shards",
        "clean_shard",
        "publish_day",
        "check_quarantine_share",
    }
    for task_id, task in info["tasks"].items():
        assert task["retries"] >= 1, task_id
        assert task["delay"] > 0, task_id
    assert info["tasks"]["check_quarantine_share"]["outlets"] == ["newsclean_articles"]


def test_dag_file_passes_ruff_airflow_3_rules() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed")
    result = subprocess.run(
        [str(ruff), "check", "--select", "AIR3", str(DAG_FILE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(not EXAMPLE_RAW.is_dir(), reason="examples/raw is not bundled yet")
def test_dag_test_cleans_one_example_day(home_env: dict[str, str], tmp_path: Path) -> None:
    """Params override the environment; a Variable overrides the built-in shard size."""
    lake = tmp_path / "lake"
    run_airflow(["variables", "set", "newsclean_shard_size", "2"], home_env)
    try:
        run = run_dag_test(home_env, "2026-02-14", run_conf={"lake": str(lake)})
    finally:
        run_airflow(["variables", "delete", "newsclean_shard_size"], home_env)

    assert run["state"] == "success", run
    assert run["mapped"] >= 1
    assert not Path(home_env["NEWSCLEAN_LAKE"]).exists(), "param lake must win over env"
    rows = read_partition(lake, "2026-02-14")
    manifest = read_manifest(lake, "articles", "2026-02-14")
    assert rows, "the example day must yield articles"
    assert len(rows) == manifest["units"]["written"]
    assert len({row["id"] for row in rows}) == len(rows), "duplicate article ids"
    raw_day = str(EXAMPLE_RAW / "2026-02-14")
    assert all(raw_day in row["source_uri"] or "2026-02-14" in row["source_uri"] for row in rows)
    assert not (lake / "articles" / "ingest_date=2026-02-13").exists()
    assert not (lake / "articles" / "ingest_date=2026-02-15").exists()
    report = lake / "_reports" / "ingest_date=2026-02-14" / "report.html"
    assert report.is_file(), "publish_day writes the day's report"
    assert [extra["report"] for extra in run["asset_extras"]] == [str(report)]


@pytest.mark.skipif(not EXAMPLE_RAW.is_dir(), reason="examples/raw is not bundled yet")
def test_a_successful_run_logs_no_error_lines(home_env: dict[str, str], tmp_path: Path) -> None:
    """Operators alert on error lines: a day that succeeds must log none (publish_day once
    logged `XCom not found` for the mapped results on every run)."""
    run = run_dag_test(home_env, "2026-02-13", run_conf={"lake": str(tmp_path / "lake")})
    assert run["state"] == "success", run
    assert run["task_states"]["publish_day"] == "success"
    errors = [line for line in run["output"].splitlines() if ERROR_LINE.search(line)]
    assert errors == []


def test_dag_test_fails_loudly_on_a_day_without_input(
    home_env: dict[str, str], tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    run = run_dag_test(home_env, "2026-01-02", run_conf={"lake": str(lake)})
    assert run["state"] == "failed", run
    assert run["task_states"]["list_shards"] == "failed"
    assert "no raw input for 2026-01-02" in run["output"]
    assert not (lake / "articles" / "ingest_date=2026-01-02").exists()


@pytest.mark.skipif(not EXAMPLE_RAW.is_dir(), reason="examples/raw is not bundled yet")
def test_too_much_quarantine_fails_after_publishing(
    home_env: dict[str, str], tmp_path: Path
) -> None:
    """With a threshold of 0, a day with any quarantined unit is published, then fails."""
    lake = tmp_path / "lake"
    run = run_dag_test(
        home_env, "2026-02-14", run_conf={"lake": str(lake), "max_quarantine_share": 0.0}
    )
    manifest = read_manifest(lake, "quarantine", "2026-02-14")
    assert manifest["units"]["quarantined"] > 0, "the example day must quarantine something"
    assert run["state"] == "failed", run
    assert run["task_states"]["publish_day"] == "success"
    assert run["task_states"]["check_quarantine_share"] == "failed"
    assert "units quarantined" in run["output"]
    assert list((lake / "quarantine" / "ingest_date=2026-02-14").glob("*.parquet"))
