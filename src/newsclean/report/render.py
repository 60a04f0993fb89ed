"""The report as one self-contained HTML file: Vega-Lite charts rendered to inline SVG by
vl-convert (no script, no network), short lists of kinds as plain tables, the page filled
in by Jinja2 with autoescape on.

Every string from the data (domains, reasons, source_uri, samples) reaches the page
through Jinja2's escaping or, inside a chart, through Vega's SVG text escaping; the
page's Content-Security-Policy allows no script at all.
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from typing import Any

import jinja2
import vl_convert

from newsclean.report.drift import MIN_HISTORY, Flag, usual_range
from newsclean.report.metrics import LAG_BINS, DayMetrics

TOP_DOMAINS = 20
WIDTH = 440
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


def _svg(spec: dict[str, Any]) -> str:
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH,
        "config": {"view": {"stroke": None}, "font": "sans-serif"},
        **spec,
    }
    return vl_convert.vegalite_to_svg(spec)


@functools.cache
def warm_up() -> None:
    """Start vl-convert's JavaScript engine by drawing a tiny chart: the engine's start is
    a one-time cost of each process, most of what drawing the charts costs."""
    _bars([{"name": "warm-up", "value": 1}], value_title="count")


def start_warm_up() -> threading.Thread:
    """Warm the chart engine in a background thread (vl-convert releases the GIL while it
    draws); join the thread before the process may end. A failure is only logged: the
    report's own drawing meets it again and reports it."""
    thread = threading.Thread(target=_warm_up_quietly, name="newsclean-chart-warm-up", daemon=True)
    thread.start()
    return thread


def _warm_up_quietly() -> None:
    try:
        warm_up()
    except Exception as error:  # a warm-up never fails a run; the report says what broke
        logger.debug(
            "newsclean: the chart engine did not start (%s: %s)", type(error).__name__, error
        )


def _name_axis(sort: Any) -> dict[str, Any]:
    """The y encoding of a bar chart: one bar a name, labels up to 240 pixels."""
    return {
        "field": "name",
        "type": "nominal",
        "title": None,
        "sort": sort,
        "axis": {"labelLimit": 240},
    }


def _bars(rows: list[dict[str, Any]], *, value_title: str, ordered: bool = False) -> str:
    """Horizontal bars of `rows` (`name`, `value`), largest first unless `ordered`."""
    return _svg(
        {
            "data": {"values": rows},
            "height": {"step": 16},
            "mark": {"type": "bar", "color": "#4c78a8"},
            "encoding": {
                "y": _name_axis(None if ordered else "-x"),
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": value_title,
                    "axis": {"tickMinStep": 1},
                },
                "tooltip": [{"field": "name"}, {"field": "value", "format": ",.0f"}],
            },
        }
    )


def _bars_with_usual(rows: list[dict[str, Any]], *, value_title: str) -> str:
    """Bars of today beside a tick at the median of the earlier days and its usual range."""
    bars = {
        "mark": {"type": "bar", "color": "#4c78a8"},
        "encoding": {
            "y": _name_axis({"field": "value", "order": "descending"}),
            "x": {"field": "value", "type": "quantitative", "title": value_title},
        },
    }
    usual = {
        "transform": [{"filter": "datum.median != null"}],
        "mark": {"type": "rule", "color": "#999", "strokeWidth": 2},
        "encoding": {
            "y": {"field": "name", "type": "nominal", "sort": None},
            "x": {"field": "low", "type": "quantitative"},
            "x2": {"field": "high"},
        },
    }
    median = {
        "transform": [{"filter": "datum.median != null"}],
        "mark": {"type": "tick", "color": "#e45756", "thickness": 2},
        "encoding": {
            "y": {"field": "name", "type": "nominal", "sort": None},
            "x": {"field": "median", "type": "quantitative"},
        },
    }
    return _svg({"data": {"values": rows}, "height": {"step": 16}, "layer": [bars, usual, median]})


def _history_lines(rows: list[dict[str, Any]], *, value_title: str, share: bool) -> str:
    """One line per series over the days, today's points marked."""
    axis = {"format": ".0%"} if share else {}
    return _svg(
        {
            "data": {"values": rows},
            "height": 140,
            "encoding": {
                "x": {
                    "field": "day",
                    "type": "temporal",
                    "timeUnit": "yearmonthdate",
                    "title": None,
                    "axis": {"format": "%b %d", "tickCount": "day"},
                },
                "y": {"field": "value", "type": "quantitative", "title": value_title, "axis": axis},
                "color": {"field": "series", "type": "nominal", "title": None},
            },
            "layer": [
                {"mark": {"type": "line", "point": True}},
                {
                    "transform": [{"filter": "datum.today"}],
                    "mark": {"type": "point", "size": 120, "filled": True, "color": "#e45756"},
                },
            ],
        }
    )


def _named(values: dict[str, float], limit: int | None = None) -> list[dict[str, Any]]:
    ordered = sorted(values.items(), key=lambda item: (-item[1], item[0]))
    return [{"name": name, "value": value} for name, value in ordered[:limit]]


def charts(today: DayMetrics, earlier: list[DayMetrics]) -> list[Chart]:
    """The report's charts, in the order they are shown."""
    values = today.values
    drawn = []
    days = [*earlier, today]
    if len(days) > 1:
        drawn.append(
            Chart(
                f"The last {len(days)} published days",
                _history_lines(
                    [
                        {
                            "day": day.ingest_date.isoformat(),
                            "series": series,
                            "value": day.values.get("units", {}).get(series, 0.0),
                            "today": day is today,
                        }
                        for day in days
                        for series in ("read", "articles", "quarantined")
                    ],
                    value_title="units",
                    share=False,
                ),
            )
        )
        drawn.append(
            Chart(
                "Quarantine share by day",
                _history_lines(
                    [
                        {
                            "day": day.ingest_date.isoformat(),
                            "series": "quarantine share",
                            "value": day.values.get("quarantine_share", {}).get("", 0.0),
                            "today": day is today,
                        }
                        for day in days
                    ],
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
                f"Articles per source domain (top {TOP_DOMAINS}; red tick: median of the "
                "earlier days, grey: usual range)",
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
