"""Data newsclean derives from its dependencies, kept on disk between runs.

Some tables take seconds to build and depend only on what is installed: the English
lexicon (newsclean.typos) is computed from wordfreq's and codespell's lists in about
1.5 CPU seconds, which every run paid in the workers' forkserver before its first
unit. `load_or_build` keeps such a table in the user's cache directory, under a key
that changes with anything it was built from (the versions of the packages, the
source files and data files given), and loads it in about a tenth of the time.

The cache directory is $NEWSCLEAN_CACHE_DIR, else $XDG_CACHE_HOME/newsclean, else
~/.cache/newsclean. Values are stored with `marshal` (plain containers of str, int,
float: nothing in a cache file can run code). A cache that cannot be read or written
is skipped: it costs time, never a result.

Each upgrade of newsclean or of a package a table is built from writes the table under
a new key, and the old file is never read again. So a file in use is marked as used (its
modification time moved to now when it is read, at most once a day), and writing a
table removes its older files (the same name, another key) that no process has used for
`STALE_AFTER_DAYS` days: another installation that still reads its own version keeps it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

_FORMAT = b"newsclean-derived-1"

#: A cached file no process has read or written for this many days is removed when
#: another version of the same table is written.
STALE_AFTER_DAYS = 14
_DAY = 86_400.0


def cache_dir() -> Path:
    """Where derived tables are kept (see the module docstring)."""
    configured = os.environ.get("NEWSCLEAN_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsclean"


def load_or_build(
    name: str,
    build: Callable[[], Any],
    *,
    packages: Iterable[str],
    files: Iterable[Any],
    extra: str = "",
) -> Any:
    """`build()`, or the value a previous call with the same inputs stored.

    `packages` are distribution names whose installed versions the value depends on;
    `files` are paths (or importlib.resources traversables) whose bytes it depends on;
    `extra`, anything else it depends on, as text. The value must be marshal-able.
    """
    path = cached_path(name, packages=packages, files=files, extra=extra)
    value = read_cached(path)
    if value is None:
        value = build()
        write_cached(path, value)
    return value


def cached_path(
    name: str, *, packages: Iterable[str], files: Iterable[Any], extra: str = ""
) -> Path:
    """Where the value `name` built from these inputs is kept (see `load_or_build`)."""
    return cache_dir() / f"{name}-{_key(name, packages, files, extra)[:24]}.marshal"


def read_cached(path: Path) -> Any:
    """The value stored at `path`, or None if there is none that can be read."""
    try:
        data = path.read_bytes()
        if data.startswith(_FORMAT):
            value = marshal.loads(data[len(_FORMAT) :])
            _mark_used(path)
            return value
    except (OSError, EOFError, ValueError, TypeError):
        pass
    return None


def _mark_used(path: Path) -> None:
    """Move the file's modification time to now, if it is a day old or more."""
    try:
        now = time.time()
        if now - path.stat().st_mtime >= _DAY:
            os.utime(path, (now, now))
    except OSError:
        pass


def _remove_stale_versions(path: Path) -> None:
    """Remove the files of the table at `path` built from other inputs (another key)
    that no process has used for `STALE_AFTER_DAYS` days."""
    name = path.name.rsplit("-", 1)[0]
    oldest = time.time() - STALE_AFTER_DAYS * _DAY
    for other in path.parent.glob(f"{name}-*.marshal"):
        if other == path or other.name.rsplit("-", 1)[0] != name:
            continue  # the new file, or a table whose name goes on ("lexicon-trie-de")
        try:
            if other.stat().st_mtime < oldest:
                other.unlink()
        except OSError:
            pass


def _key(name: str, packages: Iterable[str], files: Iterable[Any], extra: str = "") -> str:
    # marshal's format belongs to the Python version: another one writes its own file.
    python = f"{sys.implementation.cache_tag}-marshal{marshal.version}"
    digest = hashlib.sha256(_FORMAT + name.encode() + python.encode())
    for package in packages:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"\0{package}={version}".encode())
    for file in files:
        digest.update(b"\0")
        digest.update(file.read_bytes())
    if extra:
        digest.update(b"\0" + extra.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def write_cached(path: Path, value: Any) -> None:
    """Write atomically (a concurrent reader sees the old file or the whole new one)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_FORMAT + marshal.dumps(value))
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        return
    _remove_stale_versions(path)
