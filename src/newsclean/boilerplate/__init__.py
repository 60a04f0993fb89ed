"""Strip template text (widgets, promos, bios, share bars, ...) from extracted story text.

Text arrives as one paragraph per line. Two stages:

- `strip_boilerplate`: a catalogue of named rules (`catalogue.RULES`, matched by
  `rules.classify`), applied with regard to position. Most boilerplate stands at the
  head or tail of a story or as short isolated lines; a long story paragraph is never
  cut into. Then structural detectors
  (`structure.py`: related-headline runs, menus, comment threads, table-layout debris,
  promos) and a learned line classifier (`features.py`, `learned.py`) take what the
  rules do not name; a vocabulary model (`words.py`) and a block model (`blocks.py`)
  join them where a model is given or shipped (see docs/boilerplate.md).
- `TemplateProfile`: lines that repeat across many documents of one source domain are
  site template even when no rule names them. The profile is persisted and grows over
  runs, with bounded memory.

Every removed line is reported as `Removal(kind, text, confidence)`: a rule's kind
(confidence 1.0), a detector's kind, or "learned" with the classifier's probability.
"""

from importlib import import_module
from typing import Any

# Each name is imported from its module when first asked for: the site-template stage
# (`templates`) is all that the parent of a worker-path run needs, and the rules'
# catalogue compiles its ~500 regular expressions at import.
_MODULES = {
    "RULES": "catalogue",
    "Rule": "catalogue",
    "strip_boilerplate": "strip",
    "TemplateProfile": "templates",
    "TemplateSettings": "templates",
}
__all__ = ["RULES", "Rule", "TemplateProfile", "TemplateSettings", "strip_boilerplate"]


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
    globals()[name] = value
    return value
