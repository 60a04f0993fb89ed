"""Imported once by the workers' forkserver, before it forks any worker.

Importing this module decides which fast paths the workers use (newsclean.fastpaths:
the versions and self-checks), then loads what cleaning otherwise loads lazily in
every worker: the modules, the word lists and the language model (by cleaning a small
text unit and a small page), the typo-repair lexicons the settings name, the boilerplate
classifier's model files, the boilerplate rules' needle scans, trafilatura's merged
justext stoplist (~25 MB, built the first time a page needs justext without a known
language) and dateparser's per-locale patterns (~35 MB, built the first time a date
string matches no locale: about 1 CPU second, a fifth of it once an earlier run has
kept their compiled form, see newsclean.fastpaths.htmldate). Workers forked from the
server start with all of it, shared copy-on-write, instead of each building its own
copy when a page first needs it; workers are recycled every 1,000 units
(newsclean.workers), so this is paid once per run rather than once per worker. It
changes no result: these are caches.

Last, the garbage collector is told to leave all of it alone (`gc.freeze`): a full
collection in a worker would otherwise write to every inherited object and so copy
the pages it shares with the server.
"""

from __future__ import annotations

import gc

from newsclean.boilerplate.blocks import load_blocks_model
from newsclean.boilerplate.learned import load_model
from newsclean.boilerplate.rules import warm_needle_scans
from newsclean.boilerplate.words import load_words_model
from newsclean.config import Settings
from newsclean.fastpaths import decisions, uses_fast
from newsclean.fastpaths.htmldate import warm_dates
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


def warm_lexicons() -> None:
    """The typo-repair lexicons of the languages the environment's settings name
    (`NEWSCLEAN_TYPO_LANGUAGES`; a few MB each, shared by the workers). Settings given
    another way leave the other languages to load in each worker (20-120 ms each)."""
    from newsclean.typos import load_lexicons

    load_lexicons(Settings.from_env().typo_language_codes)


def warm_stoplist() -> None:
    """trafilatura's justext stoplist, where this run uses trafilatura's fast path."""
    if uses_fast("trafilatura"):
        from newsclean.fastpaths.trafilatura import warm_stoplist as build

        build()


for _warm in (
    decisions,
    warm_up,
    warm_lexicons,
    load_model,
    load_words_model,
    load_blocks_model,
    warm_needle_scans,
    warm_stoplist,
    warm_dates,
):
    try:
        _warm()
    except Exception:  # noqa: BLE001 - a failed warm-up only means workers load lazily
        pass
gc.collect()
gc.freeze()
