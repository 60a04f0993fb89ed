"""All of newsclean's use of htmldate's private parts: its date parser, warmed up early.

htmldate builds dateparser's patterns for every locale (~35 MB, about 3 CPU seconds)
the first time a date string matches no locale. newsclean.preload builds them once in
the workers' server through htmldate's private `extractors.get_external_parser`, so
that workers share them. It changes no result; without the fast path workers build
them lazily, as htmldate does.
"""

from __future__ import annotations

#: The htmldate versions this module was verified against (the pin in pyproject.toml).
VERIFIED = ("1.11.0",)


def warm_dates() -> None:
    """Build dateparser's patterns for every locale, as a date matching none of them does."""
    from newsclean.fastpaths import uses_fast

    if uses_fast("htmldate"):
        from htmldate.extractors import get_external_parser

        get_external_parser().get_date_data("zzz 12 1999 zzz")


def self_check() -> None:
    """Raise `Mismatch` unless htmldate's date parser reads a date as it did when verified."""
    from htmldate.extractors import get_external_parser

    from newsclean.fastpaths import Mismatch

    found = get_external_parser().get_date_data("12 March 2024")
    if found["date_obj"] is None or found["date_obj"].date().isoformat() != "2024-03-12":
        raise Mismatch(f"htmldate's parser read '12 March 2024' as {found!r}")
