"""Shared fixtures: the repository's example scrapes and the optional dev corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

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
