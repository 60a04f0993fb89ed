"""The command line as a user meets it: help, one-line errors, exit codes, `check` on
tampered days."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import newsclean

from newsclean.cli import main
from newsclean.config import Settings

DAY = "2026-03-02"
STORY = "The city council met on Tuesday evening to debate the budget for the coming year."


def one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("newsclean"), lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("raw")
    (root / "story.txt").write_text(f"A title\n{STORY}\n")
    (root / "empty.html").write_bytes(b"")
    return root


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, raw: Path) -> Path:
    lake = tmp_path_factory.mktemp("published") / "lake"
    result = newsclean(
        "run", "--input", str(raw), "--lake", str(lake), "--date", DAY, "--workers", "1"
    )
    assert result.returncode == 0, result.stderr
    assert "units read" in result.stdout
    # Two units: the summary gives the start-up time and the rate after the first unit.
    assert re.search(r" in [\d.]+s \(start-up [\d.]+s, then [\d.]+ units/s\)", result.stdout)
    return lake


@pytest.mark.parametrize("command", [(), ("run",), ("check",)])
def test_help(command: tuple[str, ...]) -> None:
    result = newsclean(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: newsclean")
    assert "--lake" in result.stdout or "COMMAND" in result.stdout


def test_check_help_describes_its_options() -> None:
    result = newsclean("check", "--help")
    assert result.returncode == 0
    assert re.search(r"--lake PATH\s+root directory of the Parquet lake", result.stdout)
    assert re.search(r"--date YYYY-MM-DD\s+the ingest date of the partition", result.stdout)
    assert "exit codes:" in result.stdout


def test_run_help_documents_workers_urls_environment_and_exit_codes() -> None:
    result = newsclean("run", "--help")
    assert result.returncode == 0
    text = result.stdout
    assert "0 (the default" in text and "one per CPU core" in text
    assert "s3://" in text and "newsclean[s3]" in text
    assert "gs://" in text and "newsclean[gcs]" in text
    # Every setting's variable, with its default, straight from Settings.
    for name, value in Settings().to_dict().items():
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        assert f"NEWSCLEAN_{name.upper()}={shown}\n" in text, name
    assert "Worker processes; 0 means one per CPU core." in text  # the field's docstring
    codes = text[text.index("exit codes:") :]
    for code in ("0", "1", "2", "3", "130"):
        assert re.search(rf"^  {code} +\w", codes, re.M), code
    assert "pipeline.error.<Type>" in codes


@pytest.mark.parametrize(
    ("url", "extra", "package"),
    [("s3://bucket/raw/2026-03-02", "s3", "s3fs"), ("gs://bucket/raw/2026-03-02", "gcs", "gcsfs")],
)
def test_a_missing_fsspec_backend_names_the_extra(
    tmp_path: Path, url: str, extra: str, package: str
) -> None:
    if importlib.util.find_spec(package) is not None:
        pytest.skip(f"{package} is installed")
    scheme = url.split("://")[0]
    result = newsclean("run", "--input", url, "--lake", str(tmp_path / "lake"), "--date", DAY)
    line = one_line_error(result, 2)
    assert (
        line
        == f"newsclean: error: install newsclean[{extra}] ({package}) to read {scheme}:// inputs"
    )
    assert not (tmp_path / "lake").exists()


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (("run", "--input", "IN", "--lake", "LAKE", "--date", "2026-13-01"), {}, "not a date"),
        (("check", "--lake", "LAKE", "--date", "yesterday"), {}, "not a date"),
        (
            ("run", "--input", "IN", "--lake", "LAKE", "--date", "2026-02-30"),
            {},
            "2026-02-30 is not a date that exists: February 2026 has 28 days",
        ),
        (
            ("check", "--lake", "LAKE", "--date", "2026-13-01"),
            {},
            "2026-13-01 is not a date that exists: there is no month 13",
        ),
        (
            ("check", "--lake", "LAKE", "--date", "2026-2-3"),
            {},
            "not a date in YYYY-MM-DD form: '2026-2-3'",
        ),
        (("run", "--lake", "LAKE", "--date", DAY), {}, "--input"),
        (
            ("run", "--input", "/no/such/input", "--lake", "LAKE", "--date", DAY),
            {},
            "does not exist",
        ),
        (
            ("run", "--input", "IN", "--lake", "LAKE", "--date", DAY, "--workers", "-1"),
            {},
            "workers",
        ),
        (
            ("run", "--input", "IN", "--lake", "LAKE", "--date", DAY, "--workers", "two"),
            {},
            "invalid int",
        ),
        (
            ("run", "--input", "IN", "--lake", "LAKE", "--date", DAY, "--unit-timeout", "0"),
            {},
            "unit_timeout",
        ),
        (
            ("run", "--input", "IN", "--lake", "LAKE", "--date", DAY),
            {"NEWSCLEAN_WORKERS": "many"},
            "workers",
        ),
        (
            ("run", "--input", "IN", "--lake", "LAKE", "--date", DAY),
            {"NEWSCLEAN_MAX_FILE_BYTES": "0"},
            "max_file_bytes",
        ),
        (("frobnicate",), {}, "invalid choice"),
        (("run", "--input", "IN", "--lake", "IN/lake", "--date", DAY), {}, "inside the input"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(
    tmp_path: Path, raw: Path, args: tuple[str, ...], env: dict[str, str], says: str
) -> None:
    named = {"IN": str(raw), "LAKE": str(tmp_path / "lake"), "IN/lake": str(raw / "lake")}
    line = one_line_error(newsclean(*(named.get(a, a) for a in args), env=env), 2)
    assert says in line
    assert not (tmp_path / "lake").exists() and not (raw / "lake").exists()


def test_lake_under_a_regular_file_exits_1_with_one_line(tmp_path: Path, raw: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    result = newsclean("run", "--input", str(raw), "--lake", str(blocker / "lake"), "--date", DAY)
    line = one_line_error(result, 1)
    assert "cannot write the lake" in line


def test_read_only_lake_exits_1_with_one_line(tmp_path: Path, raw: Path, published: Path) -> None:
    lake = tmp_path / "lake"
    shutil.copytree(published, lake)
    if subprocess.run(
        ["mount", "--bind", "-o", "ro", str(lake), str(lake)], capture_output=True
    ).returncode:
        pytest.skip("cannot make a read-only bind mount here (needs root)")
    try:
        before = sorted(str(p.relative_to(lake)) for p in lake.rglob("*"))
        result = newsclean("run", "--input", str(raw), "--lake", str(lake), "--date", "2026-03-03")
        line = one_line_error(result, 1)
        assert "cannot write the lake" in line and "Read-only" in line
        assert sorted(str(p.relative_to(lake)) for p in lake.rglob("*")) == before
    finally:
        subprocess.run(["umount", "-l", str(lake)], check=True)


def test_check_passes_on_a_whole_day(published: Path) -> None:
    result = newsclean("check", "--lake", str(published), "--date", DAY)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("OK")


def test_check_of_a_day_never_published_exits_1(tmp_path: Path) -> None:
    result = newsclean("check", "--lake", str(tmp_path), "--date", DAY)
    assert result.returncode == 1
    assert "not published" in result.stdout


def _edit_manifest(change):  # noqa: ANN001, ANN202
    def tamper(partition: Path) -> None:
        path = partition / "_manifest.json"
        manifest = json.loads(path.read_text())
        change(manifest)
        path.write_text(json.dumps(manifest))

    return tamper


def _set(*keys: str, value: object):  # noqa: ANN202
    def change(manifest: dict) -> None:
        target = manifest
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


TAMPERING = {
    "deleted part": lambda p: (p / "part-00000.parquet").unlink(),
    "extra parquet": lambda p: shutil.copy(p / "part-00000.parquet", p / "part-99999.parquet"),
    "extra other file": lambda p: (p / "notes.txt").write_text("hello"),
    "truncated part": lambda p: (p / "part-00000.parquet").write_bytes(
        (p / "part-00000.parquet").read_bytes()[:100]
    ),
    "manifest not JSON": lambda p: (p / "_manifest.json").write_text("{not json"),
    "manifest deleted": lambda p: (p / "_manifest.json").unlink(),
    "manifest read count": _edit_manifest(_set("units", "read", value=99)),
    "manifest written count": _edit_manifest(_set("units", "written", value=0)),
    "manifest without units": _edit_manifest(lambda m: m.pop("units")),
    "manifest input dropped": _edit_manifest(lambda m: m["inputs"].pop()),
    "manifest checksum": _edit_manifest(
        lambda m: m["files"]["articles"][0].update(sha256="0" * 64)
    ),
    "manifest is a list": lambda p: (p / "_manifest.json").write_text("[]"),
}


@pytest.mark.parametrize("tampering", sorted(TAMPERING))
def test_check_finds_tampering(
    tmp_path: Path, published: Path, tampering: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake"
    shutil.copytree(published, lake)
    TAMPERING[tampering](lake / "articles" / f"ingest_date={DAY}")
    # In-process (the same `main` the command runs) to keep the suite quick.
    assert main(["check", "--lake", str(lake), "--date", DAY]) == 1
    out = capsys.readouterr().out
    assert "problem" in out or "not published" in out


def test_an_unreachable_object_store_input_is_one_line(tmp_path: Path) -> None:
    """s3fs is installed (the dev group has it): a store that cannot be reached (here a
    closed port on 127.0.0.1) is one line and exit 2, never a traceback."""
    pytest.importorskip("s3fs")
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing-secret",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
    }
    result = newsclean(
        "run",
        "--input",
        "s3://bucket/raw",
        "--lake",
        str(tmp_path / "lake"),
        "--date",
        DAY,
        env=env,
    )
    line = one_line_error(result, 2)
    assert "cannot read input root s3://bucket/raw" in line
    assert "testing-secret" not in result.stderr
