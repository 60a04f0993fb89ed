"""Imported once by the workers' forkserver, before it forks any worker.

Importing this module loads what cleaning otherwise loads lazily in every worker:
the modules, the word lists and the language model (by cleaning a small text unit
and a small page). Workers forked from the server start with all of it, shared
copy-on-write. It changes no result: these are caches.

Not warmed here: dateparser's per-locale patterns, which htmldate builds the first
time a date string matches no locale (about 3 CPU seconds, once per worker that
meets such a page). Warming them would cost every run those seconds, also the many
small runs that never need them; `warm_dates` is there for callers that want it.
"""

from __future__ import annotations

from newsclean.config import Settings
from newsclean.pipeline import clean_unit
from newsclean.record import RawUnit

_STORY = (
    "The council met on Tuesday to discuss the new budget for the city's schools.\n"
    "Members said the plan would be published on 3 March 2024 after a public hearing."
)
_PAGE = (
    "<html lang='en'><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
    + "".join(f"<p>{line}</p>" for line in _STORY.split("\n")) * 3
    + "</article></body></html>"
)


def warm_up() -> None:
    """Load word lists and models into this process."""
    settings = Settings(workers=1)
    text = f"Warm-up\n{_STORY}"
    clean_unit(RawUnit("preload:text", "preload.txt", "text", "text", text), settings)
    clean_unit(RawUnit("preload:html", "preload.html", "html", "html", _PAGE.encode()), settings)


def warm_dates() -> None:
    """Build dateparser's patterns for every locale, as a date matching none of them does."""
    from htmldate.extractors import get_external_parser

    get_external_parser().get_date_data("zzz 12 1999 zzz")


try:
    warm_up()
except Exception:  # noqa: BLE001 - a failed warm-up only means workers load lazily
    pass
