"""Site templates: lines that repeat across many documents of one source domain.

Such lines are template text even when no rule names them ("Example Gazette",
"Follow the Gazette on Mastodon"). The profile counts, per domain, in how many
documents each short line occurs. Only a hash of the line is kept, each domain keeps
at most `max_lines_per_domain` hashes and the profile at most `max_domains` domains,
so memory stays bounded however many documents pass. The profile is persisted as
JSON and grows over runs (`merge` a stored profile, optionally `decay` it first), so
it works on small days too.

Stored form (`to_json`):

    {"version": 1,
     "domains": {"example.com": {"documents": 412.0, "lines": {"<16 hex>": 398.0, ...}}}}
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from newsclean.boilerplate.lines import bounded_word_count, edge_flags, fold, is_prose
from newsclean.record import Removal

PROFILE_VERSION = 1
_DIGITS = re.compile(r"\d")


def _story_key(lines: list[str]) -> str | None:
    """A fingerprint of a document's story: its longest line, if that line is prose."""
    longest = max(lines, key=len, default="")
    if not is_prose(longest):
        return None
    return hashlib.blake2b(fold(longest).encode("utf-8"), digest_size=8).hexdigest()


def line_key(line: str) -> str:
    """A short stable hash of a line's folded form, digits masked ("© 2025" = "© 2026")."""
    folded = _DIGITS.sub("0", fold(line))
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=8).hexdigest()


class DocumentKeys(NamedTuple):
    """What the profile reads of one text, computed once (in a worker, away from the
    process that keeps the profile): its story fingerprint; for each of its lines, the
    line's key if the line is short enough to be template, else None; and the keys of
    the short lines an earlier stage already removed from the document."""

    story: str | None
    lines: tuple[str | None, ...]
    removed: tuple[str, ...] = ()


def document_keys(text: str, max_words: int, removed: Iterable[str] = ()) -> DocumentKeys:
    """The keys of `text` for a profile whose settings have this `max_words`; `removed`
    are the blocks an earlier stage took from the document (the boilerplate stage's)."""
    lines = text.split("\n")
    keys = tuple(_short_line_key(line, max_words) for line in lines)
    removed_keys = (
        _short_line_key(line, max_words) for block in removed for line in block.split("\n")
    )
    return DocumentKeys(_story_key(lines), keys, tuple(key for key in removed_keys if key))


def _short_line_key(line: str, max_words: int) -> str | None:
    """The line's key if it is a short line (not blank, at most max_words), else None."""
    if line.strip() and bounded_word_count(line, max_words) <= max_words:
        return line_key(line)
    return None


@dataclass(frozen=True, slots=True)
class TemplateSettings:
    """Thresholds for calling a line site template; checked when built.

    max_words: only lines this short are counted or removed; story paragraphs never are.
    min_documents: a domain needs this many observed documents before any line goes.
    min_count: a line must occur in at least this many of the domain's documents ...
    min_share: ... and in at least this share of them.
    max_lines_per_domain: hashes kept per domain; beyond it the rarest half is pruned.
    max_domains: domains kept; beyond it the domains with fewest documents are pruned.
    max_stories_per_domain: story fingerprints remembered per domain to skip duplicates.
    """

    max_words: int = 16
    min_documents: int = 5
    min_count: float = 3.0
    min_share: float = 0.4
    max_lines_per_domain: int = 5_000
    max_domains: int = 20_000
    max_stories_per_domain: int = 2_000

    def __post_init__(self) -> None:
        if self.max_words < 1 or self.min_documents < 1 or self.min_count < 1:
            raise ValueError("template thresholds max_words, min_documents, min_count must be >= 1")
        if not 0 < self.min_share <= 1:
            raise ValueError(f"min_share must be in (0, 1], got {self.min_share}")
        if self.max_lines_per_domain < 100 or self.max_domains < 1:
            raise ValueError("max_lines_per_domain must be >= 100 and max_domains >= 1")
        if self.max_stories_per_domain < 0:
            raise ValueError("max_stories_per_domain must be >= 0")


@dataclass
class _DomainCounts:
    documents: float = 0.0
    lines: dict[str, float] = field(default_factory=dict)
    # Fingerprints of the stories seen in this run (not persisted): a story scraped
    # twice must not make its own subheadings look like template.
    stories: dict[str, None] = field(default_factory=dict)


class TemplateProfile:
    """Per-domain line statistics; observe all documents of a run, then strip."""

    def __init__(self, settings: TemplateSettings | None = None) -> None:
        self.settings = settings or TemplateSettings()
        self._domains: dict[str, _DomainCounts] = {}

    # -- learning ----------------------------------------------------------------

    def observe(self, domain: str | None, text: str, keys: DocumentKeys | None = None) -> None:
        """Count each distinct short line of one document for its domain.

        A document whose story was already observed in this run (the same longest
        paragraph: a re-scrape, an updated version) is not counted again. `keys`, if
        given, are `self.keys(text)` computed beforehand; the lines they hold as removed
        by an earlier stage count as the document's lines, so a site's repeated lines
        are counted in every document that has them, whichever stage took them out.
        """
        if not domain:
            return
        counts = self._domain(domain)
        story, lines, removed = keys or self.keys(text)
        if story is not None:
            if story in counts.stories:
                return
            counts.stories[story] = None
            if len(counts.stories) > self.settings.max_stories_per_domain:
                del counts.stories[next(iter(counts.stories))]
        counts.documents += 1
        for key in (set(lines) | set(removed)) - {None}:
            counts.lines[key] = counts.lines.get(key, 0.0) + 1
        self._bound(counts)

    def keys(self, text: str) -> DocumentKeys:
        """The keys `observe` and `strip` read of a text, under this profile's settings."""
        return document_keys(text, self.settings.max_words)

    def merge(self, other: TemplateProfile) -> None:
        """Add another profile's counts (a stored day, a parallel shard) to this one."""
        for domain, theirs in other._domains.items():
            ours = self._domain(domain)
            ours.documents += theirs.documents
            for key, value in theirs.lines.items():
                ours.lines[key] = ours.lines.get(key, 0.0) + value
            self._bound(ours)

    def decay(self, factor: float) -> None:
        """Age all counts by `factor` in (0, 1], so templates a site dropped fade out."""
        if not 0 < factor <= 1:
            raise ValueError(f"decay factor must be in (0, 1], got {factor}")
        for counts in self._domains.values():
            counts.documents *= factor
            counts.lines = {
                key: value * factor for key, value in counts.lines.items() if value * factor >= 0.5
            }

    def _domain(self, domain: str) -> _DomainCounts:
        counts = self._domains.get(domain)
        if counts is None:
            if len(self._domains) >= self.settings.max_domains:
                self._prune_domains()
            counts = self._domains[domain] = _DomainCounts()
        return counts

    def _bound(self, counts: _DomainCounts) -> None:
        limit = self.settings.max_lines_per_domain
        if len(counts.lines) > limit:
            ranked = sorted(counts.lines.items(), key=lambda item: item[1], reverse=True)
            counts.lines = dict(ranked[: limit // 2])

    def _prune_domains(self) -> None:
        ranked = sorted(self._domains.items(), key=lambda item: item[1].documents, reverse=True)
        self._domains = dict(ranked[: self.settings.max_domains // 2])

    # -- applying ----------------------------------------------------------------

    def is_template(self, domain: str | None, line: str) -> bool:
        """Whether a line is short and frequent enough in its domain to be template."""
        counts = self._domains.get(domain or "")
        if counts is None or counts.documents < self.settings.min_documents:
            return False
        return self._frequent(counts, _short_line_key(line, self.settings.max_words))

    def _frequent(self, counts: _DomainCounts, key: str | None) -> bool:
        """`is_template` once the domain has enough documents, from the line's key
        (None: not a short line)."""
        if key is None:
            return False
        settings = self.settings
        seen = counts.lines.get(key, 0.0)
        return seen >= settings.min_count and seen >= settings.min_share * counts.documents

    def strip(
        self, domain: str | None, text: str, keys: DocumentKeys | None = None
    ) -> tuple[str, list[Removal]]:
        """Remove template lines of `domain` from one text; each goes as kind "template".

        A template line that reads as a sentence is removed only in the head or tail
        run of the text, never between story paragraphs. `keys`, if given, are
        `self.keys(text)` computed beforehand.
        """
        counts = self._domains.get(domain) if domain is not None else None
        if counts is None or counts.documents < self.settings.min_documents:
            return text, []  # no line of the domain is template (yet)
        template = [self._frequent(counts, key) for key in (keys or self.keys(text)).lines]
        if not any(template):
            return text, []
        lines = text.split("\n")
        prose = [is_prose(line) for line in lines]
        edge = edge_flags(prose, template)
        kept: list[str] = []
        removed: list[Removal] = []
        for index, line in enumerate(lines):
            if template[index] and (edge[index] or not prose[index]):
                removed.append(Removal("template", line))
            else:
                kept.append(line)
        if not removed:
            return text, []
        return "\n".join(kept).strip("\n"), removed

    # -- persistence -------------------------------------------------------------

    def to_json(self) -> dict:
        """A JSON-ready dict (see the module docstring); counts rounded to 3 places."""
        return {
            "version": PROFILE_VERSION,
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
        """Load a profile written by `to_json`; a foreign version is a ValueError."""
        if data.get("version") != PROFILE_VERSION:
            raise ValueError(f"unsupported template profile version: {data.get('version')!r}")
        profile = cls(settings)
        for domain, stored in data.get("domains", {}).items():
            counts = profile._domain(domain)
            counts.documents = float(stored["documents"])
            counts.lines = {key: float(value) for key, value in stored["lines"].items()}
            profile._bound(counts)
        return profile

    def domains(self) -> list[str]:
        """The domains with observed documents."""
        return sorted(self._domains)
