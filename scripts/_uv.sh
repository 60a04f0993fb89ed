# Sourced by the scripts: find uv, installing it with pip if the machine has only Python.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if command -v uv >/dev/null 2>&1; then
  UV=(uv)
else
  if ! python3 -m uv --version >/dev/null 2>&1; then
    echo "installing uv with pip (one time)..." >&2
    python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
  fi
  UV=(python3 -m uv)
fi
# Byte-compile at install: with PYTHONDONTWRITEBYTECODE set (common in containers and
# CI) every process would otherwise compile pyarrow, trafilatura and Airflow from source
# at each start (seconds per process: parent, forkserver, scheduler, every task).
"${UV[@]}" sync --frozen --quiet --compile-bytecode
"${UV[@]}" run --frozen --quiet python -m compileall -q -j 0 src dags >/dev/null
