"""The report as one self-contained HTML file: charts drawn to inline SVG by pygal (pure
Python, no script, no network), short lists of kinds as plain tables, the page filled in
by Jinja2 with autoescape on.

Every string from the data (domains, reasons, source_uri, samples) reaches the page
through Jinja2's escaping or, inside a chart, through the XML serializer that writes
pygal's SVG; the script pygal puts in every chart is taken out (`_without_scripts`), and
the page's Content-Security-Policy allows no script at all.
"""

from __future__ import annotations

import functools
import logging
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import jinja2
import pygal
from pygal.style import Style

from newsclean.report.drift import MIN_HISTORY, Flag, usual_range
from newsclean.report.metrics import LAG_BINS, DayMetrics

TOP_DOMAINS = 20
WIDTH = 440
BAR_STEP = 17  # pixels of height a bar chart gives each bar
PAIRED_BAR_STEP = 12  # each of a pair of bars (today, the earlier days)
LABEL_CHARS = 36  # a bar's name is cut to this many characters
TODAY_DOT = 5  # radius of today's point on a line chart (the other days': 2.5)
COLORS = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b")
USUAL_COLOR = "#b5b5b5"
logger = logging.getLogger(__name__)
_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("newsclean.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart of the report: its heading and its SVG markup."""

    title: str
    svg: str


def _without_scripts(root: Any) -> Any:
    """Take out the `<script>` pygal writes into every chart (its tooltips' settings): the
    page runs no script (an XML filter, pygal's own hook on the tree it serializes)."""
    for parent in root.iter():
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


@functools.cache
def _style(*colors: str) -> Style:
    """The report's look (a `Style` a chart only reads), series coloured in this order."""
    return Style(
        font_family="system-ui, sans-serif",
        background="white",
        plot_background="white",
        foreground="#333",
        foreground_strong="#222",
        foreground_subtle="#666",
        colors=colors,
        ci_colors=("#222",) * len(colors),
        guide_stroke_color="#ddd",
        major_guide_stroke_color="#ddd",
        guide_stroke_dasharray="0",
        major_guide_stroke_dasharray="0",
        label_font_size=11,
        major_label_font_size=11,
        legend_font_size=11,
        title_font_size=12,
        opacity="1",
        opacity_hover="0.85",
        stroke_width="1.5",
        stroke_width_hover="1.5",
    )


def _new(kind: type[Any], height: int, *colors: str, **options: Any) -> Any:
    """A pygal chart of `kind` with what every chart of the report shares, and `options`."""
    chart = kind(
        style=_style(*(colors or COLORS)),
        width=WIDTH,
        height=height,
        explicit_size=True,
        js=[],
        disable_xml_declaration=True,
        margin=4,
        margin_right=24,  # room for the last tick's label
        spacing=8,
        legend_at_bottom=True,
        legend_box_size=10,
        truncate_legend=-1,
        show_x_guides=False,
        **options,
    )
    return chart.add_xml_filter(_without_scripts)


def _ticks(top: float, unit: float = 1.0) -> list[float]:
    """Ticks from 0 to past `top` at a round step of 1, 2, 5, 10, 20, ... `unit`s, at
    most six steps: a count never shows 0.5, a share (unit 0.01) steps by whole
    percents."""
    units = top / unit
    step = 1
    while units / step > 6:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2  # 1, 2, 5, 10, 20, 50, ...
    return [tick * step * unit for tick in range((math.ceil(units / step) or 1) + 1)]


def _names(rows: list[dict[str, Any]]) -> list[str]:
    """The bars' names, bottom to top, each cut to `LABEL_CHARS`. pygal does not cut the
    names of a horizontal bar chart, and lays one out for ever (memory growing without
    bound) when a name is wider than the chart, as a long domain from the data can be."""
    return [
        name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"
        for name in (row["name"] for row in reversed(rows))  # pygal stacks bars upwards
    ]


def _counts(value: float) -> str:
    return f"{value:,.0f}"


def _percent(value: float) -> str:
    return f"{value:.0%}"


@functools.cache
def warm_up() -> None:
    """Draw a tiny chart once. pygal needs no engine started (its first chart costs what
    the next ones do, ~10 ms); importing this module loads it (~0.07 CPU s), which a run
    does while it cleans its day (`newsclean.day._start_warm_up`, in a background
    thread that only logs a failure)."""
    _bars([{"name": "warm-up", "value": 1}], value_title="count")


def _bar_height(rows: int, *, paired: bool = False) -> int:
    """Room for the axis, `rows` bars (or pairs of thinner bars) and a pair's legend."""
    return 48 + rows * (2 * PAIRED_BAR_STEP if paired else BAR_STEP) + (60 if paired else 0)


def _bars(rows: list[dict[str, Any]], *, value_title: str, ordered: bool = False) -> str:
    """Horizontal bars of `rows` (`name`, `value`), top to bottom in the rows' order
    (`ordered`: an order of its own, e.g. bins) or largest first."""
    if not ordered:
        rows = sorted(rows, key=lambda row: -row["value"])
    top = max((row["value"] for row in rows), default=0.0)
    chart = _new(
        pygal.HorizontalBar,
        _bar_height(len(rows)),
        show_legend=False,
        x_title=value_title,
        y_labels=_ticks(top),
        value_formatter=_counts,
    )
    chart.x_labels = _names(rows)
    chart.add(value_title, [row["value"] for row in reversed(rows)])
    return chart.render(is_unicode=True)


def _bars_with_usual(rows: list[dict[str, Any]], *, value_title: str) -> str:
    """Bars of today, each beside a grey bar at the median of the earlier days with a
    whisker over its usual range (when the earlier days give one)."""
    usual = any(row["median"] is not None for row in rows)
    top = max([row["value"] for row in rows] + [row["high"] or 0.0 for row in rows])
    chart = _new(
        pygal.HorizontalBar,
        _bar_height(len(rows), paired=usual),
        COLORS[0],
        USUAL_COLOR,
        show_legend=usual,
        legend_at_bottom_columns=1,
        x_title=value_title,
        y_labels=_ticks(top),
        value_formatter=_counts,
    )
    chart.x_labels = _names(rows)
    chart.add("today", [row["value"] for row in reversed(rows)])
    if usual:
        chart.add(
            "median of the earlier days; whisker: usual range",
            [
                None
                if row["median"] is None
                else {"value": row["median"], "ci": {"low": row["low"], "high": row["high"]}}
                for row in reversed(rows)
            ],
        )
    return chart.render(is_unicode=True)


def _history_lines(
    days: list[date], series: dict[str, list[float]], *, value_title: str, share: bool
) -> str:
    """One line per series over the days (the last is today, its points larger)."""
    top = max((value for values in series.values() for value in values), default=0.0)
    chart = _new(
        pygal.Line,
        150 + (22 if len(series) > 1 else 0),
        show_legend=len(series) > 1,
        legend_at_bottom_columns=len(series),
        y_title=None if share else value_title,
        value_formatter=_percent if share else _counts,
        dots_size=2.5,
        x_labels_major_count=8,
        show_minor_x_labels=False,
        y_labels=_ticks(top, 0.01 if share else 1.0),
    )
    chart.x_labels = [day.strftime("%b %d") for day in days]
    for name, values in series.items():
        chart.add(name, [*values[:-1], {"value": values[-1], "node": {"r": TODAY_DOT}}])
    return chart.render(is_unicode=True)


def _named(values: dict[str, float], limit: int | None = None) -> list[dict[str, Any]]:
    ordered = sorted(values.items(), key=lambda item: (-item[1], item[0]))
    return [{"name": name, "value": value} for name, value in ordered[:limit]]


def charts(today: DayMetrics, earlier: list[DayMetrics]) -> list[Chart]:
    """The report's charts, in the order they are shown."""
    values = today.values
    drawn = []
    days = [*earlier, today]
    if len(days) > 1:
        dates = [day.ingest_date for day in days]
        drawn.append(
            Chart(
                f"The last {len(days)} published days (today's points larger)",
                _history_lines(
                    dates,
                    {
                        series: [day.values.get("units", {}).get(series, 0.0) for day in days]
                        for series in ("read", "articles", "quarantined")
                    },
                    value_title="units",
                    share=False,
                ),
            )
        )
        drawn.append(
            Chart(
                "Quarantine share by day",
                _history_lines(
                    dates,
                    {
                        "quarantine share": [
                            day.values.get("quarantine_share", {}).get("", 0.0) for day in days
                        ]
                    },
                    value_title="share",
                    share=True,
                ),
            )
        )
    if values.get("domain_articles"):
        rows = _named(values["domain_articles"], TOP_DOMAINS)
        for row in rows:
            usual = usual_range(
                [day.values.get("domain_articles", {}).get(row["name"], 0.0) for day in earlier],
                share=False,
            )
            row["median"], row["low"], row["high"] = usual if usual else (None, None, None)
        drawn.append(
            Chart(
                f"Articles per source domain (top {TOP_DOMAINS}; grey: median of the earlier "
                "days, whisker: usual range)",
                _bars_with_usual(rows, value_title="articles"),
            )
        )
    simple = (
        ("word_count_bin", "Word count", "articles", True),
        ("removed_chars_domain", "Domains where the most was removed", "characters", False),
    )
    for metric, title, value_title, ordered in simple:
        if not values.get(metric):
            continue
        rows = (
            [{"name": name, "value": value} for name, value in values[metric].items()]
            if ordered
            else _named(values[metric], TOP_DOMAINS)
        )
        drawn.append(Chart(title, _bars(rows, value_title=value_title, ordered=ordered)))
    if values.get("lag_bin"):
        rows = [{"name": name, "value": values["lag_bin"].get(name, 0.0)} for name in LAG_BINS]
        drawn.append(
            Chart(
                "Publish-date lag (published_at to ingest date)",
                _bars(rows, value_title="articles", ordered=True),
            )
        )
    return drawn


@dataclass(frozen=True, slots=True)
class KindTable:
    """A short list of kinds as a table: each kind's count and its share of the total."""

    title: str
    unit: str
    rows: list[tuple[str, float, float]]
    more: int


def kind_tables(today: DayMetrics) -> list[KindTable]:
    """The day's short lists of kinds, largest first: a table reads them more exactly
    than a chart and costs no drawing."""
    tables = []
    for metric, title, unit in (
        ("quarantine_reason", "Quarantine by reason", "units"),
        ("language", "Language mix", "articles"),
        ("removed_kind", "Boilerplate removed, by kind", "removals"),
        ("repair_kind", "Repairs by kind", "repairs"),
    ):
        counts = today.values.get(metric, {})
        total = sum(counts.values())
        if total > 0:
            rows = [
                (row["name"], row["value"], row["value"] / total)
                for row in _named(counts, TOP_DOMAINS)
            ]
            tables.append(KindTable(title, unit, rows, len(counts) - len(rows)))
    return tables


def render_html(
    today: DayMetrics,
    earlier: list[DayMetrics],
    flags: list[Flag],
    *,
    days: int,
    generated_by: str,
) -> str:
    """The whole report page."""
    values = today.values
    units = values.get("units", {})
    template = _ENVIRONMENT.get_template("report.html.j2")
    return template.render(
        day=today.ingest_date.isoformat(),
        run_id=today.run_id,
        units={key: int(value) for key, value in units.items()},
        share=values.get("quarantine_share", {}).get("", 0.0),
        flags=[flag.describe() for flag in flags],
        history_days=[day.ingest_date.isoformat() for day in earlier],
        days=days,
        enough_history=len(earlier) >= MIN_HISTORY,
        min_history=MIN_HISTORY,
        charts=charts(today, earlier),
        kind_tables=kind_tables(today),
        duplicates={key: int(value) for key, value in values.get("duplicates", {}).items()},
        stages=[
            {
                "stage": stage,
                "seconds": seconds,
                "rate": values.get("stage_rate", {}).get(stage),
            }
            for stage, seconds in values.get("stage_seconds", {}).items()
        ],
        quarantine_samples=today.quarantine_samples,
        quarantine_counts=values.get("quarantine_reason", {}),
        removal_samples=today.removal_samples,
        removal_counts=values.get("removed_kind", {}),
        generated_by=generated_by,
    )
