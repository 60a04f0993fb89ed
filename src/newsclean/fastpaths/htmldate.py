"""All of newsclean's use of htmldate's private parts: its date parser, warmed up early,
with dateparser's compiled patterns kept between runs.

htmldate builds dateparser's patterns for every locale (~35 MB) the first time a date
string matches no locale. newsclean.preload builds them once in the workers' server
through htmldate's private `extractors.get_external_parser`, so that workers share
them. It changes no result; without the fast path workers build them lazily, as
htmldate does.

Most of that build (~1 CPU s of ~1.2) is the `regex` module compiling some 850
patterns in Python. While the server builds them, `_served_patterns` stands in for
`regex` in the two dateparser modules that compile them: a pattern compiled by an
earlier run is rebuilt from its compiled form (what `regex` itself pickles, kept with
marshal in newsclean's cache folder, see `newsclean.derived`), and the patterns
compiled afresh are kept for the next run. A pattern is looked up by its text and
flags, so a lookup that misses only compiles it; the cache is used only with the
dateparser and `regex` versions below, and its key holds `regex`'s version.

A compiled form is code for `regex`'s matching engine, which does not check it: the
cache file carries a sha256 of its contents and is read only when that matches, so a
damaged file is compiled anew rather than run. Like Python's own `__pycache__`, the
cache folder must be writable only by the user who runs newsclean.
"""

from __future__ import annotations

import hashlib
import importlib
import marshal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: The htmldate versions this module was verified against (the pin in pyproject.toml).
VERIFIED = ("1.11.0",)
#: The versions the compiled-pattern cache was verified against; with others, dateparser
#: compiles its patterns itself.
PATTERNS_VERIFIED = {"dateparser": ("1.5.0",), "regex": ("2026.11.15",)}
# The dateparser modules that compile the per-locale patterns (each imports `regex as re`).
_COMPILING_MODULES = ("dateparser.languages.dictionary", "dateparser.languages.locale")
_NO_LOCALE = "zzz 12 1999 zzz"  # a date string no locale reads: every locale is built
Compiled = tuple[Any, ...]  # a pattern's compiled form: what `regex` pickles


def warm_dates() -> None:
    """Build dateparser's patterns for every locale, as a date matching none of them does."""
    from newsclean.fastpaths import uses_fast

    if uses_fast("htmldate"):
        from htmldate.extractors import get_external_parser

        with _served_patterns():
            get_external_parser().get_date_data(_NO_LOCALE)


class _PatternServer:
    """Stands in for the `regex` module where dateparser compiles its patterns: serves a
    pattern compiled by an earlier run from its compiled form, and records the ones it
    compiles."""

    def __init__(self, regex: Any, known: dict[tuple[str, int], Compiled]) -> None:
        self._regex = regex
        self.known = known
        self.added: dict[tuple[str, int], Compiled] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._regex, name)

    def compile(self, pattern: Any, flags: int = 0, **kwargs: Any) -> Any:
        if kwargs or not isinstance(pattern, str) or flags & self._regex.LOCALE:
            return self._regex.compile(pattern, flags, **kwargs)
        key = (pattern, int(flags))
        compiled = self.known.get(key)
        if compiled is not None:
            try:
                return restore(compiled)
            except (TypeError, ValueError, self._regex.error):
                pass  # a stale or damaged entry: compile it again
        built = self._regex.compile(pattern, flags)
        self.added[key] = built._pickled_data
        return built


def restore(compiled: Compiled) -> Any:
    """A `regex` pattern from its compiled form (as `regex` unpickles one)."""
    from regex import _regex

    return _regex.compile(*compiled)


@contextmanager
def _served_patterns() -> Iterator[None]:
    """dateparser's patterns served from (and newly compiled ones added to) the cache."""
    from newsclean.derived import cached_path, read_cached, write_cached

    modules = _compiling_modules()
    if modules is None:
        yield
        return
    import regex

    path = cached_path("dateparser-patterns", packages=PATTERNS_VERIFIED, files=[Path(__file__)])
    server = _PatternServer(regex, _checked(read_cached(path)))
    for module in modules:
        module.re = server
    try:
        yield
    finally:
        for module in modules:
            module.re = regex
    if server.added:
        contents = marshal.dumps({**server.known, **server.added})
        write_cached(path, (hashlib.sha256(contents).hexdigest(), contents))


def _checked(stored: Any) -> dict[tuple[str, int], Compiled]:
    """The patterns of a cache file whose checksum matches its contents, else none."""
    try:
        digest, contents = stored
        if hashlib.sha256(contents).hexdigest() == digest:
            patterns = marshal.loads(contents)
            if isinstance(patterns, dict):
                return patterns
    except (TypeError, ValueError, EOFError):
        pass
    return {}


def _compiling_modules() -> list[Any] | None:
    """The dateparser modules to serve patterns to; None unless the installed dateparser
    and `regex` are the verified versions and those modules compile with `regex`."""
    from importlib import metadata

    try:
        if any(metadata.version(name) not in PATTERNS_VERIFIED[name] for name in PATTERNS_VERIFIED):
            return None
        import regex

        modules = [importlib.import_module(name) for name in _COMPILING_MODULES]
    except (ImportError, metadata.PackageNotFoundError):
        return None
    if any(getattr(module, "re", None) is not regex for module in modules):
        return None
    if not hasattr(regex.compile("a"), "_pickled_data"):
        return None
    return modules


def self_check() -> None:
    """Raise `Mismatch` unless htmldate's date parser reads a date as it did when verified,
    and a pattern rebuilt from its compiled form matches as `regex.compile`'s does."""
    import regex
    from htmldate.extractors import get_external_parser

    from newsclean.fastpaths import Mismatch

    found = get_external_parser().get_date_data("12 March 2024")
    if found["date_obj"] is None or found["date_obj"].date().isoformat() != "2024-03-12":
        raise Mismatch(f"htmldate's parser read '12 March 2024' as {found!r}")
    pattern = r"(.*?(?:\G|\W|_|\d))(märz|mars|march|mar)(?=\Z|\W|_|\d)"
    flags = regex.UNICODE | regex.IGNORECASE | regex.DOTALL
    fresh = regex.compile(pattern, flags)
    rebuilt = restore(fresh._pickled_data)
    text = "am 12. MÄRZ 2024, 3 mars, 4march, Marx"
    if (rebuilt.pattern, rebuilt.flags, rebuilt.groupindex) != (
        fresh.pattern,
        fresh.flags,
        fresh.groupindex,
    ) or [m.span(2) for m in rebuilt.finditer(text)] != [m.span(2) for m in fresh.finditer(text)]:
        raise Mismatch("a regex pattern rebuilt from its compiled form matches otherwise")
