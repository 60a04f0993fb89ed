"""The day report: metrics from a published day, drift against earlier days, an escaped
self-contained page, written after every publish and by `newsclean report`."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsclean.config import Settings
from newsclean.day import restore_day, run_day
from newsclean.lake import read_manifest
from newsclean.report import NotPublishedError, render, report_path, write_report
from newsclean.report.drift import MIN_HISTORY, find_drift, usual_range
from newsclean.report.metrics import (
    METRICS_SCHEMA,
    UNKNOWN,
    DayMetrics,
    day_metrics,
    lag_bins,
    load_metrics,
    metrics_path,
)
from newsclean.report.render import render_html

DAY = date(2026, 3, 9)
SETTINGS = Settings(workers=1)
HOSTILE = "<script>alert(1)</script>"
HOSTILE_ATTRIBUTE = '"><img src=x onerror=alert(2)>'
# Markup a file name can carry (no slash): an empty file of each name is quarantined.
HOSTILE_NAMES = ("<script>alert(3)", '"><img src=x onerror=alert(4)>')
STORY = (
    "The harbour authority approved a new ferry timetable after a long public hearing "
    "that ran late into the evening."
)


def newsclean(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsclean.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
    )


def raw_day(root: Path, stories: int, *, hostile: bool = False) -> Path:
    """A day of plain-text stories, a JSON Lines file with a bad record, and (hostile)
    empty files whose names carry markup meant to run in the report."""
    root.mkdir(parents=True, exist_ok=True)
    for index in range(stories):
        (root / f"story-{index}.txt").write_text(f"Headline {index}\n{STORY}\n")
    (root / "feed.jsonl").write_text('{"text": "cut short\n')  # read.bad_json
    if hostile:
        for name in HOSTILE_NAMES:
            (root / f"{name}.html").write_text("")  # read.empty
    return root


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    return tmp_path / "lake"


def publish(tmp_path: Path, lake: Path, day: date, stories: int, **options: bool) -> dict:
    raw = raw_day(tmp_path / f"raw-{day.isoformat()}", stories, **options)
    return run_day(str(raw), str(lake), day, SETTINGS)


# Metrics


def test_a_publish_writes_the_report_and_the_metrics_of_its_run(tmp_path: Path, lake: Path) -> None:
    manifest = publish(tmp_path, lake, DAY, 3)
    page = report_path(lake, DAY).read_text(encoding="utf-8")
    assert "newsclean report · 2026-03-09" in page
    # Charts for distributions; the short lists of kinds as tables, drawn by no chart.
    for title in ("Articles per source domain", "Word count", "Publish-date lag"):
        assert f'<figure class="chart"><h2>{title}' in page
    assert page.count("<svg") == 3
    assert '<section class="kind"><h2>Quarantine by reason</h2>' in page
    assert '<td>read.bad_json</td><td class="n">1</td><td class="n">100.0%</td>' in page
    assert '<section class="kind"><h2>Language mix</h2>' in page

    table = pq.read_table(metrics_path(lake, DAY))
    assert table.schema.equals(METRICS_SCHEMA)
    stored = load_metrics(lake, DAY)
    assert stored is not None and stored.run_id == manifest["run_id"]
    assert stored.values["units"] == {
        "files": 4.0,
        "read": float(manifest["units"]["read"]),
        "articles": 3.0,
        "quarantined": 1.0,
    }
    assert stored.values["quarantine_reason"] == {"read.bad_json": 1.0}
    assert stored.get("quarantine_share") == pytest.approx(0.25)
    assert sum(stored.values["domain_articles"].values()) == 3.0
    assert sum(stored.values["language"].values()) == 3.0
    assert sum(stored.values["word_count_bin"].values()) == 3.0
    assert sum(stored.values["lag_bin"].values()) == 3.0
    assert set(stored.values["stage_seconds"]) == {"clean", "write", "publish"}
    assert all(seconds > 0 for seconds in stored.values["stage_seconds"].values())
    assert stored.values["stage_rate"]["clean"] > 0


def test_lag_bins_count_whole_days_before_the_ingest_date() -> None:
    stamps = pa.chunked_array(
        [
            [
                "2026-03-10T01:00:00Z",  # after the ingest day: future
                "2026-03-09T23:59:00Z",  # same day
                "2026-03-09T00:00:00Z",  # same day
                "2026-03-08T12:00:00Z",  # 1 day
                "2026-03-02T00:00:00Z",  # 7 days
                "2026-02-01T00:00:00Z",  # over 30 days
                None,
            ]
        ],
        type=pa.string(),
    ).cast(pa.timestamp("us", tz="UTC"))
    assert lag_bins(stamps, DAY) == {
        "future": 1.0,
        "same day": 2.0,
        "1 day": 1.0,
        "2-7 days": 1.0,
        "8-30 days": 0.0,
        "over 30 days": 1.0,
        UNKNOWN: 1.0,
    }


def test_duplicates_and_stories_are_counted_when_the_columns_exist(tmp_path: Path) -> None:
    """Parts of a later schema with duplicate_of and story_id are read; without them the
    figures are simply absent (every other test)."""
    partition = tmp_path / "articles" / f"ingest_date={DAY.isoformat()}"
    partition.mkdir(parents=True)
    removal = pa.struct([("kind", pa.string()), ("text", pa.string())])
    repair = pa.struct([("kind", pa.string()), ("before", pa.string()), ("after", pa.string())])
    table = pa.table(
        {
            "source_uri": ["a", "b", "c"],
            "source_domain": ["x.org", "x.org", None],
            "language": ["en", None, "de"],
            "word_count": [10, 120, 900],
            "published_at": pa.array([None, None, None], pa.timestamp("us", tz="UTC")),
            "removed": pa.array([[{"kind": "share", "text": "Share"}], [], []], pa.list_(removal)),
            "repairs": pa.array([[], [], []], pa.list_(repair)),
            "duplicate_of": [None, "a", "a"],
            "story_id": ["s1", "s1", "s2"],
        }
    )
    pq.write_table(table, partition / "part-00000.parquet")
    manifest = {"run_id": "r", "units": {"read": 3, "written": 3, "quarantined": 0}}
    metrics = day_metrics(tmp_path, DAY, manifest)
    assert metrics.values["duplicates"] == {"duplicates": 2.0, "stories": 2.0}
    assert metrics.values["domain_articles"] == {"x.org": 2.0, UNKNOWN: 1.0}
    assert metrics.values["removed_chars_domain"] == {"x.org": 5.0}
    assert metrics.removal_samples == {"share": [{"source_uri": "a", "text": "Share"}]}
    assert "repair_kind" not in metrics.values


# Drift


def _day(offset: int, *, share: float, domains: dict[str, float]) -> DayMetrics:
    metrics = DayMetrics(DAY - timedelta(days=offset), f"run{offset}")
    articles = sum(domains.values())
    metrics.values["units"] = {"read": 100.0, "articles": articles, "quarantined": share * 100}
    metrics.values["quarantine_share"][""] = share
    metrics.values["domain_articles"] = dict(domains)
    return metrics


def test_usual_range_is_median_and_mad_with_a_floor() -> None:
    assert usual_range([1.0, 2.0], share=False) is None  # too little history
    median, low, high = usual_range([100.0, 102.0, 98.0, 100.0, 140.0], share=False)
    assert median == 100.0
    # MAD 2 -> 3.5 * 1.4826 * 2 = 10.4, narrower than the floor of 25% of the median
    assert (low, high) == (75.0, 125.0)
    median, low, high = usual_range([0.10, 0.10, 0.10], share=True)
    assert (low, high) == pytest.approx((0.05, 0.15))


def test_drift_flags_the_figures_far_from_their_usual_range() -> None:
    domains = {"steady.example": 40.0, "gone.example": 30.0}
    earlier = [_day(offset, share=0.1, domains=domains) for offset in range(7, 0, -1)]
    today = _day(0, share=0.45, domains={"steady.example": 41.0, "new.example": 3.0})
    flags = {flag.label: flag for flag in find_drift(today, earlier)}
    assert "quarantine share" in flags
    assert flags["quarantine share"].describe().startswith("quarantine share: 45.0%, above")
    assert "articles from gone.example" in flags  # a source that sent nothing
    assert flags["articles from gone.example"].value == 0.0
    assert "articles from steady.example" not in flags
    assert "articles from new.example" not in flags  # new and small: within the floor


def test_a_day_like_the_others_raises_no_flag_and_short_history_none() -> None:
    domains = {"steady.example": 40.0}
    earlier = [_day(offset, share=0.1, domains=domains) for offset in range(5, 0, -1)]
    assert find_drift(_day(0, share=0.11, domains={"steady.example": 38.0}), earlier) == []
    wild = _day(0, share=0.9, domains={})
    assert find_drift(wild, earlier[: MIN_HISTORY - 1]) == []


def test_the_look_here_list_leads_the_page() -> None:
    domains = {"steady.example": 40.0}
    earlier = [_day(offset, share=0.1, domains=domains) for offset in range(5, 0, -1)]
    today = _day(0, share=0.5, domains=domains)
    page = render_html(
        today, earlier, find_drift(today, earlier), days=30, generated_by="newsclean test"
    )
    look = page.index('id="look-here"')
    assert "quarantine share: 50.0%, above" in page[look:]
    assert look < page.index("<svg")


# Charts


def _drawn(title: str, today: DayMetrics, earlier: list[DayMetrics]) -> str:
    return next(
        chart.svg for chart in render.charts(today, earlier) if chart.title.startswith(title)
    )


def _labels(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_axes_have_round_ticks_whole_counts_and_whole_percents() -> None:
    assert render._ticks(0.0) == [0, 1]
    assert render._ticks(2.0) == [0, 1, 2]
    assert render._ticks(9.0) == [0, 2, 4, 6, 8, 10]
    assert render._ticks(80.0) == list(range(0, 81, 20))
    assert render._ticks(12_345.0) == list(range(0, 15_001, 5_000))
    shares = render._ticks(0.3, 0.01)
    assert [round(share * 100) for share in shares] == [0, 5, 10, 15, 20, 25, 30]
    today = _day(0, share=0.1, domains={"one.example": 1.0, "two.example": 2.0})
    labels = _labels(_drawn("Articles per source domain", today, []))
    assert ["0", "1", "2"] == [label for label in labels if label[:1].isdigit()]
    earlier = [_day(offset, share=0.1, domains={}) for offset in range(3, 0, -1)]
    labels = _labels(_drawn("Quarantine share", _day(0, share=0.3, domains={}), earlier))
    assert [label for label in labels if label.endswith("%")] == [
        f"{percent}%" for percent in range(0, 31, 5)
    ]


def test_charts_are_inline_svg_that_carries_no_script() -> None:
    domains = {"steady.example": 40.0}
    earlier = [_day(offset, share=0.1, domains=domains) for offset in range(5, 0, -1)]
    drawn = render.charts(_day(0, share=0.2, domains=domains), earlier)
    assert len(drawn) == 3  # two of history, domains
    for chart in drawn:
        assert chart.svg.startswith("<svg") and chart.svg.endswith("</svg>")
        assert "<script" not in chart.svg and "window.pygal" not in chart.svg


def test_the_domain_chart_shows_the_usual_range_once_there_is_history() -> None:
    earlier = [
        _day(offset, share=0.1, domains={"steady.example": 40.0}) for offset in range(5, 0, -1)
    ]
    today = _day(0, share=0.1, domains={"steady.example": 12.0})
    with_history = _drawn("Articles per source domain", today, earlier)
    assert with_history.count('class="ci"') == 1  # the whisker over 30-50
    assert "median of the earlier days; whisker: usual range" in _labels(with_history)
    assert "50" in _labels(with_history)  # the axis reaches the range's top
    alone = _drawn("Articles per source domain", today, earlier[: MIN_HISTORY - 1])
    assert 'class="ci"' not in alone
    assert "median of the earlier days; whisker: usual range" not in _labels(alone)


def test_a_name_wider_than_the_chart_is_cut_and_drawn_at_once() -> None:
    """pygal lays out a horizontal bar chart for ever when a name is wider than the chart:
    drawn in a child process, time- and memory-bound, so that a regression fails."""
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))\n"
        "from newsclean.report import render\n"
        "name = 'x' * 300 + '.example'\n"
        "rows = [{'name': name, 'value': 3.0, 'median': 2.0, 'low': 0.0, 'high': 7.0}]\n"
        "sys.stdout.write(render._bars(rows, value_title='articles'))\n"
        "sys.stdout.write(render._bars_with_usual(rows, value_title='articles'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    labels = _labels(result.stdout)
    cut = "x" * (render.LABEL_CHARS - 1) + "…"
    assert labels.count(cut) == 2
    assert "x" * render.LABEL_CHARS not in result.stdout


def test_today_is_the_larger_point_of_each_history_line() -> None:
    earlier = [_day(offset, share=0.1, domains={}) for offset in range(3, 0, -1)]
    units = _drawn("The last 4 published days", _day(0, share=0.3, domains={}), earlier)
    radii = re.findall(r'<circle[^>]* r="([0-9.]+)"', units)
    assert radii.count(str(render.TODAY_DOT)) == 3  # read, articles, quarantined
    assert len(radii) == 12


# Hostile input


def test_hostile_input_reaches_the_page_escaped(tmp_path: Path, lake: Path) -> None:
    publish(tmp_path, lake, DAY, 2, hostile=True)
    page = report_path(lake, DAY).read_text(encoding="utf-8")
    assert "<script" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(3).html" in page  # the empty files' source_uri
    assert "&#34;&gt;&lt;img src=x onerror=alert(4)&gt;.html" in page
    assert "default-src 'none'" in page  # and no script would run anyway


def test_chart_labels_and_samples_from_the_data_are_escaped() -> None:
    today = _day(0, share=0.1, domains={HOSTILE: 3.0, HOSTILE_ATTRIBUTE: 2.0})
    today.values["quarantine_reason"] = {HOSTILE: 10.0}
    today.quarantine_samples = {HOSTILE: [{"source_uri": HOSTILE_ATTRIBUTE, "text": HOSTILE}]}
    today.removal_samples = {HOSTILE: [{"source_uri": HOSTILE, "text": HOSTILE_ATTRIBUTE}]}
    page = render_html(today, [], [], days=30, generated_by="newsclean test")
    assert "<script" not in page
    assert "<img" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4  # chart, samples
    assert page.count("&#34;&gt;&lt;img src=x onerror=alert(2)&gt;") == 2  # samples


# Publishing and the command line


def test_a_report_error_is_one_warning_and_the_day_stays_published(
    tmp_path: Path, lake: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **options: object) -> Path:
        raise RuntimeError("no space left for charts")

    monkeypatch.setattr("newsclean.report.write_report", broken)
    with caplog.at_level(logging.WARNING, logger="newsclean"):
        manifest = publish(tmp_path, lake, DAY, 2)
    assert read_manifest(lake, DAY)["run_id"] == manifest["run_id"]
    assert not report_path(lake, DAY).exists()
    warnings = [record.getMessage() for record in caplog.records]
    assert warnings == [
        "newsclean: the report of 2026-03-09 was not written "
        "(RuntimeError: no space left for charts); the day is published"
    ]


def test_the_report_draws_earlier_days_and_keeps_their_metrics(tmp_path: Path, lake: Path) -> None:
    for offset, stories in ((3, 12), (2, 12), (1, 12)):
        publish(tmp_path, lake, DAY - timedelta(days=offset), stories)
    metrics_path(lake, DAY - timedelta(days=2)).unlink()  # as if published before reports
    publish(tmp_path, lake, DAY, 1)
    page = report_path(lake, DAY).read_text(encoding="utf-8")
    assert "compared with 3 earlier published day(s) of the last 30" in page
    assert "The last 4 published days" in page
    assert "articles written: 1.0, below its usual 7.0–17 (median 12)" in page
    assert metrics_path(lake, DAY - timedelta(days=2)).is_file()  # computed again, saved


def test_a_restored_day_gets_the_report_of_its_restored_run(tmp_path: Path, lake: Path) -> None:
    first = publish(tmp_path, lake, DAY, 2)
    second = run_day(str(raw_day(tmp_path / "raw-again", 5)), str(lake), DAY, SETTINGS)
    assert f"run {second['run_id']}" in report_path(lake, DAY).read_text(encoding="utf-8")
    restore_day(str(lake), DAY, first["run_id"], settings=SETTINGS)
    page = report_path(lake, DAY).read_text(encoding="utf-8")
    assert f"run {first['run_id']}" in page
    assert "Not recorded for this run" in page  # the restored run's timings are not kept
    stored = load_metrics(lake, DAY)
    assert stored.run_id == first["run_id"] and stored.values["units"]["articles"] == 2.0


def test_report_command_writes_the_page_where_asked(tmp_path: Path, lake: Path) -> None:
    publish(tmp_path, lake, DAY, 2)
    out = tmp_path / "out" / "day.html"
    result = newsclean("report", "--lake", str(lake), "--date", "2026-03-09", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    assert "newsclean report · 2026-03-09" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--date", "2026-03-10"), 1, "2026-03-10 is not published in"),
        (("--date", "2026-03-09", "--days", "0"), 2, "not a whole number of 1 or more: '0'"),
        (("--date", "yesterday"), 2, "not a date in YYYY-MM-DD form"),
    ],
)
def test_report_command_bad_arguments_give_one_line(
    tmp_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    result = newsclean("report", "--lake", str(tmp_path / "lake"), *args)
    assert result.returncode == code
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_report_command_that_cannot_write_gives_one_line(tmp_path: Path, lake: Path) -> None:
    publish(tmp_path, lake, DAY, 1)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = newsclean(
        "report", "--lake", str(lake), "--date", "2026-03-09", "--out", str(blocker / "r.html")
    )
    assert result.returncode == 1
    assert result.stderr.startswith("newsclean: error: cannot write the report: ")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_an_unreadable_metrics_table_is_computed_again(tmp_path: Path, lake: Path) -> None:
    earlier = DAY - timedelta(days=1)
    publish(tmp_path, lake, earlier, 2)
    metrics_path(lake, earlier).write_bytes(b"not parquet")
    publish(tmp_path, lake, DAY, 1)
    assert "compared with 1 earlier published day(s)" in report_path(lake, DAY).read_text(
        encoding="utf-8"
    )
    assert load_metrics(lake, earlier).values["units"]["articles"] == 2.0


def test_a_run_warms_the_chart_engine_in_the_background(
    tmp_path: Path, lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    monkeypatch.setattr(render, "warm_up", lambda: threads.append(threading.current_thread().name))
    monkeypatch.setattr("newsclean.day._write_report", lambda *arguments: None)  # it warms up too
    publish(tmp_path, lake, DAY, 2)
    assert threads == ["newsclean-publish-warm-up"]


def test_a_warm_up_that_fails_fails_neither_the_run_nor_its_report(
    tmp_path: Path, lake: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("no engine")

    monkeypatch.setattr(render, "warm_up", broken)
    with caplog.at_level(logging.INFO, logger="newsclean.day"):
        manifest = publish(tmp_path, lake, DAY, 2)
    assert read_manifest(lake, DAY)["run_id"] == manifest["run_id"]  # published
    assert "<svg" in report_path(lake, DAY).read_text(encoding="utf-8")
    assert "the publish warm-up stopped (RuntimeError: no engine)" in caplog.text


def test_write_report_of_a_day_not_published_says_so(tmp_path: Path) -> None:
    with pytest.raises(NotPublishedError, match="is not published"):
        write_report(tmp_path, DAY)


def test_the_run_summary_prints_the_report_path(tmp_path: Path, lake: Path) -> None:
    raw = raw_day(tmp_path / "raw", 2)
    result = newsclean(
        "run", "--input", str(raw), "--lake", str(lake), "--date", "2026-03-09", "--workers", "1"
    )
    assert result.returncode == 0, result.stderr
    assert f"  report                   -> {report_path(str(lake), DAY)}" in result.stdout


# In a real browser

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium() -> object:
    """Headless Chromium (Debian's package, which scripts/test installs when missing)."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).is_file():
        pytest.skip("no Chromium at /usr/bin/chromium: scripts/install-browser installs it (root)")
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        except Error as error:
            pytest.skip(f"Chromium at {executable} does not start headless: {error}")
        yield browser
        browser.close()


def test_the_report_renders_in_chromium_and_runs_nothing_from_the_data(
    tmp_path: Path, lake: Path, chromium: object
) -> None:
    for offset in (3, 2, 1):
        publish(tmp_path, lake, DAY - timedelta(days=offset), 6)
    publish(tmp_path, lake, DAY, 2, hostile=True)
    page = chromium.new_page()
    messages: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(report_path(lake, DAY).as_uri())
    page.wait_for_load_state("load")

    assert page.title() == "newsclean 2026-03-09"
    charts = page.locator("figure.chart")
    assert charts.count() == 5  # two of history, domains, word count, lag
    assert page.locator("section.kind table").count() == 2  # quarantine reasons, languages
    assert page.locator("figure.chart svg").count() == charts.count()
    assert page.locator("figure.chart svg .mark-rect path, figure.chart svg path").count() > 0
    assert "Look here" in page.locator("#look-here").inner_text()
    for summary in page.locator("summary").all():  # open the evidence
        summary.click()
    body = page.locator("body").inner_text()
    for name in HOSTILE_NAMES:
        assert f"{name}.html" in body  # shown as text
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0
    assert dialogs == []
    assert messages == []
    page.close()
