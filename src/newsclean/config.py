"""Settings: one immutable, documented object, checked when it is built."""

from __future__ import annotations

import ast
import inspect
import os
from dataclasses import asdict, dataclass, fields
from typing import Any

MiB = 1024 * 1024


# The structural boilerplate detectors (`boilerplate.structure.DETECTORS`), named here so
# that settings are checked without loading the cleaning code.
BOILERPLATE_DETECTORS = (
    "comment_threads",
    "table_debris",
    "headline_runs",
    "menu_runs",
    "promos",
    "head_before_title",
    "author_bios",
    "tail_after_story",
    "comment_lines",
    "bio_lines",
)
# The languages newsclean.typos can fix (its TYPO_LANGUAGES; a test keeps them equal).
TYPO_LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "nl", "id", "pl", "sv", "da", "nb", "ca")


class SettingsError(ValueError):
    """A setting has a value newsclean cannot run with."""


@dataclass(frozen=True, slots=True)
class Settings:
    """How a run reads, cleans and writes. Every value has a sane default.

    Limits protect a run from hostile input: a unit over a limit ends in quarantine
    with the limit named in the reason, and the run goes on.
    """

    max_file_bytes: int = 64 * MiB
    """Largest raw file read (compressed size for .gz). Larger files are quarantined."""

    max_decompressed_bytes: int = 64 * MiB
    """Largest decompressed size of a .gz input; reading stops there (gzip bombs)."""

    max_unit_bytes: int = 16 * MiB
    """Largest single unit (a page, a JSON Lines record) handed to extraction.

    Real news pages are well under 2 MiB; a 50 MiB page takes trafilatura minutes and
    over a gigabyte, so larger units are quarantined unread (`read.too_large`)."""

    max_front_matter_bytes: int = 64 * 1024
    """Largest YAML front matter parsed; larger front matter is treated as broken."""

    unit_timeout: float = 60.0
    """Seconds one unit may take in extraction and cleaning before it is killed."""

    worker_memory_bytes: int = 4096 * MiB
    """Address-space limit of each worker process (0 = no limit)."""

    workers: int = 0
    """Worker processes; 0 means one per CPU core."""

    batch_rows: int = 1000
    """Rows per Parquet row group; bounds the memory of the writer."""

    quarantine_payload_bytes: int = 256 * 1024
    """How much of a rejected unit's raw payload is kept in the quarantine row."""

    fix_typos: bool = True
    """Split run-together words and fix known misspellings (encoding repair always runs)."""

    remove_boilerplate: bool = True
    """Strip share bars, widgets, promos, bios and site templates from the text."""

    typo_languages: str = "en"
    """Languages whose run-together words are split, comma-separated wordfreq codes, or
    "all" (docs/repair.md: en, de, fr, es, pt, it, nl, id, pl, sv, da, nb, ca). English
    only by default: with every language on, the repair stage still takes over its
    0.5 ms per unit on German-heavy days, and recall outside English is 74-89 %
    (docs/repair.md). The lexicons themselves are small (1-13 MB a language)."""

    learned_boilerplate: bool = True
    """Also run the structural detectors and the learned line classifier after the rules
    on text extracted from pages (docs/boilerplate.md): on held-out pages they lose no
    story text the rules keep and add about 0.4 ms a page. On text and markdown scrapes
    the detectors run too (`scrape_detectors`), the classifier only when asked
    (`learned_boilerplate_scrapes`). Off: the rule catalogue alone, for every unit."""

    scrape_detectors: bool = True
    """Run the structural detectors (`boilerplate_detectors`) on text and markdown
    scrapes too (with `learned_boilerplate`). On held-out scrapes they remove more
    boilerplate than the rules alone (29.6 % -> 38.9 % of the kind-labeled benchmark's
    lines) with no more story sentences lost, for about a quarter more than the rules'
    own cost (docs/boilerplate.md, "Ninth round")."""

    learned_boilerplate_scrapes: bool = False
    """Run the learned classifier on text and markdown scrapes too (with
    `learned_boilerplate`). On held-out kind-labeled scrapes it removes more again
    (51.3 % -> 66.0 % of the boilerplate lines, body F1 0.9332 -> 0.9355) with no more
    story lost, but it still adds about 1.8 M instructions a scrape (about a third more
    than the rules and the detectors), against a budget of about 1 M: off by default until
    that is paid for (docs/boilerplate.md, "Eleventh round")."""

    boilerplate_detectors: str = ",".join(BOILERPLATE_DETECTORS)
    """The structural boilerplate detectors that run, comma-separated (docs/boilerplate.md):
    comment_threads, table_debris, headline_runs, menu_runs, promos,
    head_before_title, author_bios, tail_after_story, comment_lines, bio_lines; all of
    them by default. comment_threads runs on page text only, headline_runs,
    head_before_title, tail_after_story, comment_lines and bio_lines on text and
    markdown scrapes only."""

    template_window_days: int = 30
    """Days of earlier per-domain template statistics a run may use."""

    min_words: int = 1
    """Articles with fewer words than this are quarantined as empty."""

    max_quarantine_share: float = 0.5
    """Share of a day's units in quarantine above which a scheduled run fails."""

    keep_versions: int = 3
    """Replaced versions of each published day kept for `newsclean restore` (0 = none)."""

    story_window_days: int = 7
    """Days of earlier article signatures a day is clustered against (docs/stories.md)."""

    duplicate_threshold: float = 0.8
    """Least estimated Jaccard similarity of word 5-grams for a near-duplicate."""

    story_hours: float = 72.0
    """Most hours between two articles' publication times for them to join one story."""

    def __post_init__(self) -> None:
        for name in (
            "max_file_bytes",
            "max_decompressed_bytes",
            "max_unit_bytes",
            "max_front_matter_bytes",
            "batch_rows",
        ):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be positive, got {getattr(self, name)}")
        for name in (
            "workers",
            "worker_memory_bytes",
            "quarantine_payload_bytes",
            "min_words",
            "keep_versions",
        ):
            if getattr(self, name) < 0:
                raise SettingsError(f"{name} must be zero or more, got {getattr(self, name)}")
        unknown_languages = sorted(set(self.typo_language_codes) - set(TYPO_LANGUAGES))
        if unknown_languages:
            raise SettingsError(
                f"typo_languages: no typo repair for {', '.join(unknown_languages)}; "
                f"known: {', '.join(TYPO_LANGUAGES)} or all"
            )
        unknown = sorted(set(self.detector_names) - set(BOILERPLATE_DETECTORS))
        if unknown:
            raise SettingsError(
                f"boilerplate_detectors: unknown detector(s) {', '.join(unknown)}; "
                f"known: {', '.join(BOILERPLATE_DETECTORS)}"
            )
        if self.template_window_days < 0:
            raise SettingsError("template_window_days must be zero or more")
        if self.story_window_days < 0:
            raise SettingsError("story_window_days must be zero or more")
        if not 0.0 < self.duplicate_threshold <= 1.0:
            raise SettingsError(
                f"duplicate_threshold must be above 0 and at most 1, got {self.duplicate_threshold}"
            )
        if not self.story_hours >= 0:
            raise SettingsError(f"story_hours must be zero or more, got {self.story_hours}")
        if not self.unit_timeout > 0:
            raise SettingsError(f"unit_timeout must be positive, got {self.unit_timeout}")
        if not 0.0 <= self.max_quarantine_share <= 1.0:
            raise SettingsError(
                f"max_quarantine_share must be between 0 and 1, got {self.max_quarantine_share}"
            )

    @property
    def typo_language_codes(self) -> tuple[str, ...]:
        """The languages of `typo_languages` ("all": every one newsclean can fix)."""
        if self.typo_languages.strip().lower() == "all":
            return TYPO_LANGUAGES
        return tuple(code.strip() for code in self.typo_languages.split(",") if code.strip())

    @property
    def detector_names(self) -> tuple[str, ...]:
        """The names in `boilerplate_detectors`."""
        return tuple(name.strip() for name in self.boilerplate_detectors.split(",") if name.strip())

    @property
    def worker_count(self) -> int:
        """The number of worker processes this run uses."""
        return self.workers or os.cpu_count() or 1

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed, checked again."""
        return Settings(**{**asdict(self), **changes})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Settings:
        """Build settings from strings or values (environment, DAG params), checked."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(unknown)}")
        converted = {}
        for name, raw in values.items():
            default = known[name].default
            try:
                converted[name] = _coerce(raw, type(default))
            except ValueError as error:
                raise SettingsError(f"{name}: {error}") from None
        return cls(**converted)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Settings from NEWSCLEAN_<NAME> environment variables, e.g. NEWSCLEAN_WORKERS=4."""
        environ = os.environ if environ is None else environ
        prefix = ENV_PREFIX
        names = {f.name for f in fields(cls)}
        values = {
            key[len(prefix) :].lower(): value
            for key, value in environ.items()
            if key.startswith(prefix) and key[len(prefix) :].lower() in names
        }
        return cls.from_mapping(values)


ENV_PREFIX = "NEWSCLEAN_"


def setting_docs() -> list[tuple[str, Any, str]]:
    """Each setting's environment variable, default and the first line of its docstring.

    The docstrings are read from this module's source, so help text never drifts from
    the documented fields; without the source the descriptions are left empty.
    """
    try:
        tree = ast.parse(inspect.getsource(Settings))
    except (OSError, TypeError):
        tree = None
    docs: dict[str, str] = {}
    body = tree.body[0].body if tree is not None else []
    for statement, following in zip(body, body[1:], strict=False):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.target.id] = following.value.value.strip().splitlines()[0]
    return [
        (ENV_PREFIX + field.name.upper(), field.default, docs.get(field.name, ""))
        for field in fields(Settings)
    ]


def _coerce(raw: Any, kind: type) -> Any:
    if not isinstance(raw, str):
        return kind(raw)
    text = raw.strip()
    if kind is bool:
        lowered = text.lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"expected true or false, got {raw!r}")
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"expected a whole number, got {raw!r}") from None
    if kind is float:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a number, got {raw!r}") from None
    return text
