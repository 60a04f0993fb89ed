"""The day an article says it was written: a full date in its headline or dateline.

Two articles whose own dates are further apart than a story stays open (`story_hours`)
tell two stories, however alike their words: the issues of a weekly series under one
headline template ("... - November 1, 2012", "... - November 8, 2012"), two posts of one
blog whose bylines carry the author and the date. Publication times say the same when
the page gives them; a stated date says it also for pages that give none (their time is
the start of the ingest day), such as an archive scraped in one day.

Only where a date says when the article was written is looked at: the headline, and
the text's first line when it is short (a dateline or byline, "By Jane Doe, 14 November
2010", "Posted: Thursday, April 21, 2022"). A lead sentence often names other days (the
day of the event, an anniversary) and is left out. Only full dates count (day, month
and year, in ISO, day.month.year, or with a month's name in English, German, French or
Spanish): a day without its year, or 03/04/2012, is read as no date.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np

UNDATED = -(1 << 31)
"""`stated_day` of an article that states no date (it never disagrees with a date)."""
DATELINE_CHARACTERS = 100
"""A first line of the text at most this long is a dateline or byline; a longer one is
the lead and is not read for a date."""

_MONTH_NAMES = (
    "january jan januar janvier enero ene",
    "february feb februar février fevrier févr febrero",
    "march mar märz maerz mars marzo",
    "april apr avril avr abril abr",
    "may mai mayo",
    "june jun juni juin junio",
    "july jul juli juillet juil julio",
    "august aug août aout agosto ago",
    "september sep sept septembre septiembre",
    "october oct oktober okt octobre octubre",
    "november nov novembre noviembre",
    "december dec dezember dez décembre decembre déc diciembre dic",
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split()}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_SUFFIX = r"(?:st|nd|rd|th|er|\.)?"
# Each pattern names its groups year, month (a number) or name (a month's name), and day.
_DATES = re.compile(
    "|".join(
        [
            r"\b(?P<y1>\d{4})-(?P<m1>\d{1,2})-(?P<d1>\d{1,2})\b",
            r"\b(?P<d2>\d{1,2})\.(?P<m2>\d{1,2})\.(?P<y2>\d{4})\b",
            rf"\b(?P<n3>{_MONTH})\.?\s+(?P<d3>\d{{1,2}}){_DAY_SUFFIX},?\s+(?P<y3>\d{{4}})\b",
            rf"\b(?P<d4>\d{{1,2}}){_DAY_SUFFIX}\s+(?:de\s+)?(?P<n4>{_MONTH})\.?,?\s+"
            r"(?:de\s+)?(?P<y4>\d{4})\b",
        ]
    ),
    re.IGNORECASE,
)
_YEAR = re.compile(r"\d{4}")
_SPACE = re.compile(r"\s*")
_EPOCH = date(1970, 1, 1).toordinal()


def stated_day(title: str | None, text: str) -> int:
    """Days since 1970-01-01 of the first valid full date in the headline, else in the
    text's first line when it is a dateline (at most DATELINE_CHARACTERS long); UNDATED
    when neither states one."""
    start = _SPACE.match(text).end()
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    dateline = text[start:end] if end - start <= DATELINE_CHARACTERS else ""
    for place in (title or "", dateline):
        if not _YEAR.search(place):  # every full date has a year: most places have none
            continue
        for found in _DATES.finditer(place):
            day = _day(found)
            if day is not None:
                return day
    return UNDATED


def _day(found: re.Match[str]) -> int | None:
    parts = {name[0]: value for name, value in found.groupdict().items() if value is not None}
    month = _MONTHS[parts["n"].lower()] if "n" in parts else int(parts["m"])
    try:
        return date(int(parts["y"]), month, int(parts["d"])).toordinal() - _EPOCH
    except ValueError:  # 31 February, month 13: not a date
        return None


def days_apart(first: np.ndarray, second: np.ndarray, story_hours: float) -> np.ndarray:
    """For pairs of stated days, whether they say the articles were written more than
    `story_hours` apart: even the end of the earlier day and the start of the later one
    are (time zones aside). False where either is UNDATED."""
    first, second = np.asarray(first, dtype=np.int64), np.asarray(second, dtype=np.int64)
    dated = (first != UNDATED) & (second != UNDATED)
    return dated & ((np.abs(first - second) - 1) * 24 >= story_hours)
