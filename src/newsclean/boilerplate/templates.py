"""Site templates: lines that repeat across many documents of one source domain.

Such lines are template text even when no rule names them. Counts are document
frequencies of hashed short lines, capped per domain, so memory stays bounded with the
number of documents; the profile is persisted as JSON and grows over runs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsclean.boilerplate.lines import edge_flags, fold, is_prose, word_count
from newsclean.record import Removal

# ---------------------------------------------------------------------------
# Site templates learned across documents


def _line_key(line: str) -> str:
    """A short stable hash of a line's folded form, digits masked."""
    folded = re.sub(r"\d", "0", fold(line))
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class TemplateSettings:
    """Thresholds for calling a line site template.

    A line is template when it is short (`max_words`), its domain has at least
    `min_documents` documents observed, the line occurs in at least `min_count`
    of them and in at least `min_share` of them, and it stands in the head or tail
    run of non-prose lines (or is not prose at all). `max_lines_per_domain` bounds
    memory: when exceeded, the rarest hashes are pruned.
    """

    max_words: int = 16
    min_documents: int = 5
    min_count: float = 3.0
    min_share: float = 0.4
    max_lines_per_domain: int = 20_000

    def __post_init__(self) -> None:
        if self.max_words < 1 or self.min_documents < 1 or self.min_count < 1:
            raise ValueError("template thresholds must be positive")
        if not 0 < self.min_share <= 1:
            raise ValueError("min_share must be in (0, 1]")
        if self.max_lines_per_domain < 100:
            raise ValueError("max_lines_per_domain must be at least 100")


@dataclass
class _DomainCounts:
    documents: float = 0.0
    lines: dict[str, float] = field(default_factory=dict)


class TemplateProfile:
    """Per-domain line statistics; observe all documents of a run, then strip.

    Counts are document frequencies of hashed short lines. A stored profile can be
    loaded with `from_json`, aged with `decay`, and extended by this run's `observe`
    calls (or combined with `merge`), so the profile grows over runs and works on
    small days too.
    """

    def __init__(self, settings: TemplateSettings | None = None) -> None:
        self.settings = settings or TemplateSettings()
        self._domains: dict[str, _DomainCounts] = {}

    # -- learning ----------------------------------------------------------------

    def observe(self, domain: str | None, text: str) -> None:
        """Count each distinct short line of one document for its domain."""
        if not domain:
            return
        counts = self._domains.setdefault(domain, _DomainCounts())
        counts.documents += 1
        for key in {_line_key(line) for line in self._candidates(text)}:
            counts.lines[key] = counts.lines.get(key, 0.0) + 1
        if len(counts.lines) > self.settings.max_lines_per_domain:
            self._prune(counts)

    def _candidates(self, text: str) -> Iterable[str]:
        for line in text.split("\n"):
            if line.strip() and word_count(line) <= self.settings.max_words:
                yield line

    def _prune(self, counts: _DomainCounts) -> None:
        keep = self.settings.max_lines_per_domain // 2
        ranked = sorted(counts.lines.items(), key=lambda item: item[1], reverse=True)
        counts.lines = dict(ranked[:keep])

    def decay(self, factor: float) -> None:
        """Age all counts by `factor` (0..1], so old templates fade out over runs."""
        if not 0 < factor <= 1:
            raise ValueError("decay factor must be in (0, 1]")
        for counts in self._domains.values():
            counts.documents *= factor
            counts.lines = {
                key: value * factor for key, value in counts.lines.items() if value * factor >= 0.5
            }

    def merge(self, other: TemplateProfile) -> None:
        """Add another profile's counts (e.g. from a parallel shard) to this one."""
        for domain, theirs in other._domains.items():
            ours = self._domains.setdefault(domain, _DomainCounts())
            ours.documents += theirs.documents
            for key, value in theirs.lines.items():
                ours.lines[key] = ours.lines.get(key, 0.0) + value
            if len(ours.lines) > self.settings.max_lines_per_domain:
                self._prune(ours)

    # -- applying ----------------------------------------------------------------

    def is_template(self, domain: str | None, line: str) -> bool:
        """Whether a line is frequent enough in its domain to be template text."""
        counts = self._domains.get(domain or "")
        if counts is None or counts.documents < self.settings.min_documents:
            return False
        if not line.strip() or word_count(line) > self.settings.max_words:
            return False
        seen = counts.lines.get(_line_key(line), 0.0)
        return (
            seen >= self.settings.min_count and seen >= self.settings.min_share * counts.documents
        )

    def strip(self, domain: str | None, text: str) -> tuple[str, list[Removal]]:
        """Remove lines that are template text for `domain`; kind "template"."""
        lines = text.split("\n")
        edge = edge_flags(lines, [False] * len(lines))
        kept: list[str] = []
        removed: list[Removal] = []
        for index, line in enumerate(lines):
            if self.is_template(domain, line) and (edge[index] or not is_prose(line)):
                removed.append(Removal("template", line))
            else:
                kept.append(line)
        return "\n".join(kept).strip("\n"), removed

    # -- persistence -------------------------------------------------------------

    def to_json(self) -> dict:
        """A JSON-ready dict; counts are rounded to keep the stored file small."""
        return {
            "version": 1,
            "domains": {
                domain: {
                    "documents": round(counts.documents, 3),
                    "lines": {key: round(value, 3) for key, value in counts.lines.items()},
                }
                for domain, counts in sorted(self._domains.items())
            },
        }

    @classmethod
    def from_json(cls, data: dict, settings: TemplateSettings | None = None) -> TemplateProfile:
        """Load a profile written by `to_json`."""
        if data.get("version") != 1:
            raise ValueError(f"unsupported template profile version: {data.get('version')!r}")
        profile = cls(settings)
        for domain, stored in data.get("domains", {}).items():
            profile._domains[domain] = _DomainCounts(
                documents=float(stored["documents"]),
                lines={key: float(value) for key, value in stored["lines"].items()},
            )
        return profile

    def domains(self) -> list[str]:
        """The domains with observed documents."""
        return sorted(self._domains)
