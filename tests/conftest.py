"""Shared fixtures: the repository's example scrapes and the optional dev corpus."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsclean.record import Article, Removal, Repair

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "raw"
SEEDS_DAY = EXAMPLES / "2026-02-13"
CORPUS = REPO.parent / "shared" / "corpus" / "trafilatura-eval"


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    return tmp_path / "lake"


def corpus_or_skip() -> Path:
    if not (CORPUS / "evaldata.json").is_file():
        pytest.skip("development corpus ../shared/corpus is absent")
    return CORPUS


def sample_article(**changes: object) -> Article:
    """A small valid article for schema and record tests."""
    article = Article(
        id="0123456789abcdef0123456789abcdef",
        source_uri="raw/a.html",
        source_format="html",
        text="A story.\nSecond paragraph.",
        title="Title",
        url="https://example.org/a",
        source_domain="example.org",
        authors=("Jo Doe",),
        published_at="2026-02-13T15:40:15Z",
        language="en",
        removed=(Removal("share", "Share this"),),
        repairs=(Repair("encoding", "Itâ€™s", "It’s"),),
    )
    return article.evolve(**changes)


def newsclean(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`newsclean ARGS` in a fresh interpreter, as a user runs it (env added to ours)."""
    return subprocess.run(
        [sys.executable, "-m", "newsclean.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
