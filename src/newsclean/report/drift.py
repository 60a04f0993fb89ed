"""Drift: is a figure of today within the usual range of the days before it?

The usual range of a figure is its median over the earlier days, give or take
`TOLERANCE` scaled median absolute deviations (the modified z-score of Iglewicz and
Hoaglin, robust to the odd bad day), never narrower than a floor: a share may move by
`SHARE_FLOOR` and a count by `RELATIVE_FLOOR` of its median (at least `COUNT_FLOOR`)
without being flagged, so a steady history with a MAD of zero does not flag noise.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from newsclean.report.metrics import DayMetrics

TOLERANCE = 3.5
MAD_SCALE = 1.4826  # MAD of a normal distribution -> its standard deviation
SHARE_FLOOR = 0.05
RELATIVE_FLOOR = 0.25
COUNT_FLOOR = 5.0
MIN_HISTORY = 3  # fewer earlier days than this: no usual range yet


@dataclass(frozen=True, slots=True)
class Flag:
    """A figure of today outside its usual range."""

    label: str
    value: float
    median: float
    low: float
    high: float
    share: bool  # a share (shown as a percentage), else a count or amount

    def describe(self) -> str:
        direction = "above" if self.value > self.high else "below"
        return (
            f"{self.label}: {_show(self.value, self.share)}, {direction} its usual "
            f"{_show(self.low, self.share)}–{_show(self.high, self.share)} "
            f"(median {_show(self.median, self.share)})"
        )


def _show(value: float, share: bool) -> str:
    return f"{value:.1%}" if share else f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"


def usual_range(values: list[float], *, share: bool) -> tuple[float, float, float] | None:
    """(median, low, high) of the values, or None when there are too few of them."""
    if len(values) < MIN_HISTORY:
        return None
    median = statistics.median(values)
    mad = statistics.median(abs(value - median) for value in values)
    floor = SHARE_FLOOR if share else max(COUNT_FLOOR, RELATIVE_FLOOR * abs(median))
    spread = max(TOLERANCE * MAD_SCALE * mad, floor)
    return median, max(median - spread, 0.0), median + spread


def _watched(metrics: DayMetrics) -> dict[tuple[str, str], tuple[float, str, bool]]:
    """The figures compared with history, by (metric, key): (value, label, share)."""
    values = metrics.values
    read = values.get("units", {}).get("read", 0.0)
    articles = values.get("units", {}).get("articles", 0.0)
    watched: dict[tuple[str, str], tuple[float, str, bool]] = {}
    for key, label in (
        ("read", "units read"),
        ("articles", "articles written"),
        ("quarantined", "units quarantined"),
    ):
        watched[("units", key)] = (values.get("units", {}).get(key, 0.0), label, False)
    watched[("quarantine_share", "")] = (
        values.get("quarantine_share", {}).get("", 0.0),
        "quarantine share",
        True,
    )
    for reason, count in values.get("quarantine_reason", {}).items():
        watched[("quarantine_reason", reason)] = (
            count / read if read else 0.0,
            f"share quarantined as {reason}",
            True,
        )
    for domain, count in values.get("domain_articles", {}).items():
        watched[("domain_articles", domain)] = (count, f"articles from {domain}", False)
    for language, count in values.get("language", {}).items():
        watched[("language", language)] = (
            count / articles if articles else 0.0,
            f"share of articles in language {language}",
            True,
        )
    for metric, name in (("removed_kind", "removals"), ("repair_kind", "repairs")):
        for kind, count in values.get(metric, {}).items():
            watched[(metric, kind)] = (
                count / articles if articles else 0.0,
                f"{name} of kind {kind} per article",
                False,
            )
    if "median" in values.get("word_count", {}):
        watched[("word_count", "median")] = (
            values["word_count"]["median"],
            "median word count",
            False,
        )
    if "clean" in values.get("stage_rate", {}):  # the other stages are mostly fixed costs
        watched[("stage_rate", "clean")] = (
            values["stage_rate"]["clean"],
            "units/s cleaned (stage clean)",
            False,
        )
    return watched


def find_drift(today: DayMetrics, earlier: list[DayMetrics]) -> list[Flag]:
    """Today's figures outside their usual range over the earlier days, largest first.

    A figure of an earlier day that is absent counts as zero (a domain that sent
    nothing); figures absent from every earlier day are not judged.
    """
    if len(earlier) < MIN_HISTORY:
        return []
    now = _watched(today)
    before = [_watched(metrics) for metrics in earlier]
    keys = set(now) | {key for day in before for key in day}
    flags = []
    for key in sorted(keys):
        label, share = next((day[key][1], day[key][2]) for day in [now, *before] if key in day)
        if key[0] == "stage_rate" and key not in now:
            continue  # a run without timings says nothing about its speed
        if key[0] == "stage_rate":  # only the earlier runs that were timed
            past = [day[key][0] for day in before if key in day]
        else:
            past = [day[key][0] if key in day else 0.0 for day in before]
        value = now[key][0] if key in now else 0.0
        usual = usual_range(past, share=share)
        if usual is None:
            continue
        median, low, high = usual
        if not low <= value <= high:
            flags.append(Flag(label, value, median, low, high, share))
    flags.sort(key=lambda flag: -abs(flag.value - flag.median) / max(flag.high - flag.low, 1e-9))
    return flags
