"""A local S3-compatible server for tests and benchmarks: moto's standalone server on
127.0.0.1, started on a free port and stopped by its process id."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SECRET = "newsclean-test-secret-7Q2xK9"
"""The secret access key the tests hand the server: it must never be printed or stored."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def s3_server(timeout: float = 30.0, log: Path | None = None) -> Iterator[dict[str, str]]:
    """Run moto's server; yields the environment that points AWS clients at it (with
    its process id in MOTO_PID, which is no AWS setting). With `log`, the server's
    request log (one line a request) is written to that file.

    Raises RuntimeError if it does not answer within `timeout` seconds.
    """
    port = free_port()
    output = subprocess.DEVNULL if log is None else open(log, "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=output,
        stderr=output,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"moto server exited with {process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not answer on port {port}") from None
                time.sleep(0.1)
        yield {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_ALLOW_HTTP": "true",
            "AWS_ACCESS_KEY_ID": "newsclean-test",
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "MOTO_PID": str(process.pid),
        }
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        if log is not None:
            output.close()


def make_bucket(environment: dict[str, str], bucket: str) -> None:
    """Create a bucket on the server."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=environment["AWS_ENDPOINT_URL"],
        aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
        region_name=environment["AWS_REGION"],
    )
    client.create_bucket(Bucket=bucket)
