"""Near-duplicates and story clusters: every article labeled, none removed.

`features` turns an article into what it is compared by, `cluster` labels a day against
the days before it, and `store` does it at publish over the staged parts and keeps each
day's signatures in the lake. The method and its thresholds: docs/stories.md.
"""

from newsclean.stories.store import (
    Labeled,
    Preread,
    keep_signatures,
    label_staged,
    save_published_signatures,
)

__all__ = [
    "Labeled",
    "Preread",
    "keep_signatures",
    "label_staged",
    "save_published_signatures",
]
