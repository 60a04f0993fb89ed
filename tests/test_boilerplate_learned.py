"""The learned boilerplate stage: line features, the shipped model, its guards, the
structural detectors (golden cases as data), and the removals' confidence on the row.

Detector cases live in `tests/cases/boilerplate/structure/<detector>.json` (lines and
the kind expected for each) and `<detector>.negative.json` (lines none of which the
detector may claim).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from boilerplate_helpers import STORY, STORY_2

from newsclean.boilerplate import strip_boilerplate, structure
from newsclean.boilerplate.features import (
    DOCUMENT_FEATURES,
    FEATURE_NAMES,
    LINE_FEATURES,
    document_features,
    line_features,
    place_features,
)
from newsclean.boilerplate.learned import (
    MODEL_VERSION,
    Model,
    ModelError,
    learned_removals,
    load_model,
    model_from_json,
    removable,
    strip_learned,
    with_enclosed_short_lines,
)
from newsclean.boilerplate.lines import is_sentence
from newsclean.boilerplate.strip import SHIPPED_DETECTORS
from newsclean.config import BOILERPLATE_DETECTORS, Settings, SettingsError
from newsclean.pipeline import strip_article
from newsclean.record import Article, Removal
from newsclean.rows import article_record, to_arrow
from newsclean.validate import ARTICLE, validation_error

STRUCTURE_DIR = Path(__file__).parent / "cases" / "boilerplate" / "structure"
MODEL_PATH = Path(__file__).parent.parent / "src" / "newsclean" / "data" / "boilerplate-model.json"
STOP_WORDS = frozenset({"the", "a", "of", "to", "and", "in", "on", "that", "it", "was"})


def _feature(row: list[float], name: str) -> float:
    return row[FEATURE_NAMES.index(name)]


# -- features -----------------------------------------------------------------------


def test_line_features_have_one_value_per_name() -> None:
    row = line_features(STORY, STOP_WORDS)
    assert len(row) == len(LINE_FEATURES)
    assert len(document_features([row])[0]) == len(FEATURE_NAMES)
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)


def test_line_features_read_shape() -> None:
    story = line_features(STORY, STOP_WORDS)
    nav = line_features("Home | News | Sport | Business", STOP_WORDS)
    dated = line_features("Posted by: Jane Roe | 9:49pm January 08, 2008", STOP_WORDS)
    action = line_features("Subscribe to our podcast", STOP_WORDS)
    assert _feature(story, "sentence_end") == 1.0 and _feature(nav, "sentence_end") == 0.0
    assert _feature(story, "prose") == 1.0 and _feature(nav, "prose") == 0.0
    assert _feature(story, "stop_share") > _feature(nav, "stop_share") == 0.0
    assert _feature(nav, "separators") > 0 and _feature(story, "separators") == 0
    assert _feature(nav, "capitalised_share") == 1.0
    assert _feature(dated, "has_year") == 1.0 and _feature(dated, "has_clock") == 1.0
    assert _feature(story, "has_year") == 0.0
    numeric = line_features("Updated 03/12/12", STOP_WORDS)
    assert _feature(numeric, "has_year") == 1.0 and _feature(numeric, "has_clock") == 0.0
    assert _feature(line_features("Page 1 of 2025 pages? No: 12345", STOP_WORDS), "has_year") == 1.0
    assert _feature(line_features("Call 555 12345 today", STOP_WORDS), "has_year") == 0.0
    assert _feature(action, "call_to_action") == 1.0 and _feature(story, "call_to_action") == 0.0
    assert _feature(line_features("Share on Facebook", STOP_WORDS), "rule_anywhere") == 1.0
    assert _feature(line_features("3 days ago | Bridge closed", STOP_WORDS), "relative_time") == 1


def test_unspaced_scripts_count_their_words() -> None:
    line = (
        "２０２４年、東京都は新しい条例を可決し、市内のすべての公共施設で"
        "再生可能エネルギーの利用を義務付けることを決めた。"
    )
    assert _feature(line_features(line, STOP_WORDS), "prose") == 1.0


def test_document_features_read_position_and_neighbours() -> None:
    lines = [STORY, STORY_2, "Share", "Related", "Home"]
    rows = document_features([line_features(line, STOP_WORDS) for line in lines])
    first, last = rows[0], rows[-1]
    assert _feature(first, "relative_position") == 0.0 and _feature(last, "relative_position") == 1
    assert _feature(first, "present@-1") == 0.0 and _feature(first, "present@+1") == 1.0
    assert _feature(last, "present@+1") == 0.0
    assert _feature(last, "after_last_prose") == 1.0 and _feature(first, "after_last_prose") == 0
    assert _feature(rows[2], "short_run") > 0 and _feature(first, "short_run") == 0
    assert _feature(rows[1], "prose@-1") == 1.0  # the line before the second is prose
    assert _feature(rows[2], "prose@-1") == 1.0 and _feature(rows[3], "prose@-1") == 0.0
    assert len(DOCUMENT_FEATURES) == len(FEATURE_NAMES) - len(LINE_FEATURES)


# -- the shipped model ----------------------------------------------------------------


def test_shipped_model_fits_the_features() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model = model_from_json(data)
    assert data["features"] == list(FEATURE_NAMES)
    assert MODEL_PATH.stat().st_size < 1_000_000
    assert set(model.thresholds) == {"html", "text"}
    assert load_model() is load_model()  # read once per process


def test_model_of_another_version_or_other_features_is_refused() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    with pytest.raises(ModelError):
        model_from_json({**data, "version": MODEL_VERSION + 1})
    with pytest.raises(ModelError):
        model_from_json({**data, "features": data["features"][:-1]})


def test_model_scores_a_boilerplate_block_above_the_story() -> None:
    lines = [
        "Menu",
        "Sign in to your account",
        "Latest videos from our partners",
        STORY,
        STORY_2,
        "The mayor said the closure was unavoidable and thanked residents for their patience.",
        "Follow our coverage on all channels",
        "Terms of use Privacy policy Cookie settings",
        "Copyright 2026 Example Media Group",
    ]
    probabilities = load_model().probabilities(lines, "en")
    boilerplate = probabilities[:3] + probabilities[6:]
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert probabilities[3:6] == [0.0, 0.0, 0.0]  # prose is never scored
    assert sum(boilerplate) / len(boilerplate) > 0.5


# -- guards of the classifier ----------------------------------------------------------


def _model(threshold: float = 0.5) -> Model:
    model = load_model()
    return model._replace(
        thresholds={"html": threshold, "text": threshold},
        long_threshold=1.01,
        single_threshold=0.97,
    )


def test_guards_keep_prose_tables_code_facts_and_lone_tokens() -> None:
    lines = [
        STORY,
        "| North | 12,400 | 41% |",
        ">>> def total(values):",
        "- Ort: Kasberg",
        "- Zeit: 14 Uhr",
        "+81 158-23-2012",
        "http://www.example.org/petition",
        STORY_2,
    ]
    going = learned_removals(lines, [0.99] * len(lines), threshold=0.5, model=_model())
    assert going == [False] * len(lines)


def test_guards_remove_blocks_and_only_very_sure_lone_lines() -> None:
    lines = [STORY, "Sign in to comment", "Terms of use and privacy", STORY_2, "Read our policy"]
    model = _model()
    assert learned_removals(lines, [0.1, 0.8, 0.8, 0.1, 0.8], threshold=0.5, model=model) == [
        False, True, True, False, False,
    ]  # fmt: skip
    assert learned_removals(lines, [0.1, 0.8, 0.1, 0.1, 0.99], threshold=0.5, model=model) == [
        False, False, False, False, True,
    ]  # fmt: skip


def test_a_detector_s_find_is_not_scored_and_counts_as_a_neighbour_that_goes() -> None:
    lines = [STORY, "Sign in to comment", "Home | News | Sport | Weather", STORY_2]
    model = _model()
    taken = [False, False, True, False]
    # Alone at 0.8 the line stays (under the single threshold); beside a detector's
    # find it goes, as beside a line the classifier takes.
    assert learned_removals(lines, [0.0, 0.8, 0.0, 0.0], threshold=0.5, model=model) == [
        False, False, False, False,
    ]  # fmt: skip
    assert learned_removals(lines, [0.0, 0.8, 0.0, 0.0], threshold=0.5, model=model,
                            going_anyway=taken) == [False, True, False, False]  # fmt: skip
    # The guards do not ask about a detector's find (it is no candidate), but still
    # know a prose line when one is taken: a text with no other prose is left alone.
    assert removable(lines, taken) == [False, True, False, False]
    assert removable(lines) == [False, True, True, False]
    assert removable([STORY, "Sign in to comment"], [True, False]) == [False, True]
    assert removable(["Sign in to comment", "Home | News"], [False, True]) == [False, False]
    # In the stage the detectors' finds go as their kind, at the detectors' confidence.
    text, removed = strip_boilerplate("\n".join([STORY, STORY_2, *MENU]))
    assert [(removal.kind, removal.confidence) for removal in removed] == [
        ("navigation", 0.9)
    ] * len(MENU)


MENU = ["Gardens", "Ferries", "Harbour Walks", "Old Town", "Markets"]


def test_is_sentence_finds_a_full_sentence_of_six_words() -> None:
    assert is_sentence("Reblogged this on the harbour news blog.")
    assert is_sentence("Buy now: 16GB $399 (Available Nov. 13th)")  # a sentence, then more
    assert is_sentence("Was the bridge ever safe to cross at night?")
    assert not is_sentence("Share this story on Twitter")  # no full stop
    assert not is_sentence("Read more.")  # too short
    assert not is_sentence("The Harbour Book. A city in words.")  # two short ones


def test_guards_keep_full_sentences_however_sure_the_model() -> None:
    lines = [STORY, "Reblogged this on the harbour news blog.", "Terms of use and privacy",
             STORY_2, "See more of her work at example.org today."]  # fmt: skip
    going = learned_removals(lines, [0.99] * len(lines), threshold=0.5, model=_model())
    assert going == [False, False, True, False, False]


def test_headline_runs_ship_switched_on_for_scrapes_and_can_be_left_out() -> None:
    related = ["Ten ways to cross the harbour bridge", "Council votes on new ferry timetable",
               "Where to eat near the old port this summer"]  # fmt: skip
    text = "\n".join([STORY, STORY_2, *related])
    assert SHIPPED_DETECTORS == tuple(structure.DETECTORS)
    kept, removed = strip_boilerplate(text, source="text")
    assert kept == f"{STORY}\n{STORY_2}"
    assert {removal.kind for removal in removed} == {"related"}
    others = tuple(name for name in structure.DETECTORS if name != "headline_runs")
    assert strip_boilerplate(text, source="text", detectors=others)[0] == text
    # A page's text: a run of titles after the story is more often a list its gold keeps.
    assert strip_boilerplate(text, source="html")[0] == text


def test_head_before_title_runs_on_scrapes_only() -> None:
    header = ["Valley Courier", "Subscribe for 1 € a month", "Weather: 4 °C, light rain"]
    text = "\n".join([*header, "# Harbour bridge closes for two years", STORY, STORY_2])
    kept, removed = strip_boilerplate(text, classifier=False)
    assert kept == "\n".join(["# Harbour bridge closes for two years", STORY, STORY_2])
    assert [removal.kind for removal in removed] == ["header"] * 3
    # A page's extracted text starts at its story: a heading there is the story's own.
    assert strip_boilerplate(text, source="html", classifier=False)[0] == text


def test_settings_name_the_detectors_and_refuse_unknown_ones() -> None:
    assert Settings().detector_names == SHIPPED_DETECTORS
    assert set(BOILERPLATE_DETECTORS) == set(structure.DETECTORS)
    related = ["Ten ways to cross the harbour bridge", "Council votes on new ferry timetable",
               "Where to eat near the old port this summer"]  # fmt: skip
    text = "\n".join([STORY, STORY_2, *related])
    article = Article(id="0" * 32, source_uri="x", source_format="text", text=text)
    scrapes = Settings(learned_boilerplate=True, learned_boilerplate_scrapes=True)
    assert strip_article(article, scrapes).text == f"{STORY}\n{STORY_2}"
    others = ",".join(name for name in BOILERPLATE_DETECTORS if name != "headline_runs")
    assert strip_article(article, scrapes.replace(boilerplate_detectors=others)).text == text
    assert strip_article(article, scrapes.replace(boilerplate_detectors="")).text == text
    # Off: the rules alone, whatever detectors are named.
    assert strip_article(article, scrapes.replace(learned_boilerplate=False)).text == text
    with pytest.raises(SettingsError, match="unknown detector.*headlines"):
        Settings.from_mapping({"boilerplate_detectors": "promos,headlines"})


def test_classifier_can_be_switched_off_alone() -> None:
    lines = [STORY, STORY_2, "Listen to our daily podcast",
             "Available on Apple Podcasts, Spotify and everywhere else"]  # fmt: skip
    removed = strip_boilerplate("\n".join(lines), classifier=False)[1]
    assert [removal.kind for removal in removed] == ["promo", "promo"]  # the detectors run
    text = "\n".join([STORY, STORY_2, "Sign in to comment", "Terms of use and privacy"])
    # Without the classifier only the detectors' shapes go: the page's line after the
    # story's sign-off (`tail_after_story`), not the sign-off line the classifier takes.
    kept, removed = strip_boilerplate(text, classifier=False)
    assert kept == f"{STORY}\n{STORY_2}\nSign in to comment"
    assert [removal.kind for removal in removed] == ["footer"]


def test_the_model_runs_only_where_a_line_may_go(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = Model.probabilities
    monkeypatch.setattr(Model, "probabilities", lambda *args: calls.append(1) or original(*args))
    facts = "\n".join([STORY, "- Ort: Kasberg", "- Zeit: 14 Uhr", STORY_2])
    assert strip_learned(facts, model=_model(threshold=0.0)) == (facts, [])
    assert calls == []  # every line guarded: nothing scored
    strip_learned(f"{facts}\nSign in to comment", model=_model(threshold=0.0))
    assert calls


def test_scoring_some_lines_gives_them_the_probabilities_of_a_full_reading() -> None:
    lines = [STORY, "Sign in to comment", "- Ort: Kasberg", "- Zeit: 14 Uhr", STORY_2,
             "Terms of use and privacy", STORY, STORY_2, "Home | News | Sport"]  # fmt: skip
    model = load_model()
    scored = removable(lines)
    assert scored == [False, True, False, False, False, True, False, False, True]
    full = model.probabilities(lines, "en")
    some = model.probabilities(lines, "en", {}, None, scored)
    for line_scored, everything, part in zip(scored, full, some, strict=True):
        assert part == pytest.approx(everything, abs=1e-12) if line_scored else part == 0.0


_DATES = [
    "", "no date here", "2024", "© 2024 Example Media", "march 2008", "March 2008 (12)",
    "tuesday, december 6, 2026", "Tuesday, December 6th, 2026 at 10:00", "6 décembre 2026",
    "le 6 de diciembre de 2026", "3. März 2026", "12/06/2026", "2026-12-06t10:00z",
    "1.2.26", "june 3-5, 2026", "3 – 5 June 2026", "JUNE 3 - 5, 2026", "Mai 12345",
    "sept 1, 20266", "x" * 40 + " december 6, 2026 " + "y" * 40, "dec. 2026", "décembre2026",
    "wednesday, 14th of june 2026", "4 may, de 2026", "12345678 march 2020 and 2021",
    "june/2026", "june x2026", "june 20261", "june 3,2026", "may 2026-05",
    "source: https://news.example/june-20f11c1607c4", "march 1607c4 march 1607",
]  # fmt: skip


@pytest.mark.parametrize("text", _DATES)
def test_dates_are_found_near_years_as_the_date_patterns_find_them(text: str) -> None:
    from newsclean.boilerplate.catalogue import DATE
    from newsclean.boilerplate.features import holds_date

    for variant in (text, text.casefold(), text.upper()):
        assert holds_date(variant) == bool(re.search(DATE, variant)), variant
        assert holds_date(variant, structure._MONTH_DATE_ANY_CASE) == bool(
            structure._DATE_ANY_CASE.search(variant)
        ), variant


def test_place_features_are_the_line_features_a_document_reads() -> None:
    words, prose = LINE_FEATURES.index("log_words"), LINE_FEATURES.index("prose")
    for line in (STORY, "Sign in to comment", "- Ort: Kasberg"):
        full, place = line_features(line, frozenset()), place_features(line)
        assert (place[words], place[prose]) == (full[words], full[prose])


@pytest.mark.parametrize("count", [3, 40, 1100])  # 1100: beyond the looked-up values
def test_place_features_are_numpy_s_as_the_model_was_trained(count: int) -> None:
    lines = [f"Item {number} of a list of things" for number in range(count)]
    lines[count // 2] = STORY
    rows = [line_features(line, STOP_WORDS) for line in lines]
    matrix = document_features(rows)
    index = np.arange(count, dtype=np.float64)
    assert np.array_equal(matrix[:, FEATURE_NAMES.index("log_from_head")], np.log1p(index))
    assert np.array_equal(matrix[:, FEATURE_NAMES.index("log_from_tail")],
                          np.log1p(count - 1 - index))  # fmt: skip
    words = np.expm1(np.array([row[LINE_FEATURES.index("log_words")] for row in rows]))
    assert np.array_equal(matrix[:, FEATURE_NAMES.index("word_share")], words / words.sum())
    runs = matrix[:, FEATURE_NAMES.index("short_run")]
    assert runs[0] == np.log1p(np.array([count // 2], dtype=np.float64))[0]
    assert runs[count // 2] == 0.0


def test_rows_of_empty_layout_cells_are_not_kept_as_a_table() -> None:
    lines = [STORY, "| | Page 3 of 9 | |", "| | Page 4 of 9 | |", STORY_2]
    going = learned_removals(lines, [0.0, 0.8, 0.8, 0.0], threshold=0.5, model=_model())
    assert going == [False, True, True, False]


def test_no_removal_in_a_text_without_prose() -> None:
    lines = ["Repeat the chorus", "And sing it once again", "Until the morning comes"]
    assert not any(learned_removals(lines, [0.99] * 3, threshold=0.5, model=_model()))


def test_a_threshold_above_one_turns_the_classifier_off() -> None:
    lines = [STORY, "Sign in to comment", "Terms of use and privacy"]
    assert not any(learned_removals(lines, [1.0] * 3, threshold=1.01, model=_model()))


def test_learned_removals_carry_kind_and_probability() -> None:
    text = "\n".join([STORY, STORY_2, "Sign in to comment", "Terms of use and privacy"])
    kept, removed = strip_learned(text, model=_model(threshold=0.0))
    assert kept == f"{STORY}\n{STORY_2}"
    # The last line is a detector's find too (`tail_after_story`) and goes as its kind.
    assert [removal.kind for removal in removed] == ["learned", "footer"]
    assert all(0.0 <= removal.confidence <= 1.0 for removal in removed)


def test_structural_finds_are_removed_with_their_kind() -> None:
    text = "\n".join([STORY, STORY_2, "Listen to our daily podcast",
                      "Available on Apple Podcasts, Spotify and everywhere else"])  # fmt: skip
    kept, removed = strip_boilerplate(text)
    assert kept == f"{STORY}\n{STORY_2}"
    assert [removal.kind for removal in removed] == ["promo", "promo"]
    assert all(removal.confidence >= structure_confidence() for removal in removed)


def test_detectors_see_the_calls_to_action_the_rules_would_take() -> None:
    # "Get your tickets now" is a rule's promo; the block it closes is a promo by shape.
    promo = ["Example Summit, Lisbon | June 3-5, 2026", "Get your tickets now"]
    kept, removed = strip_boilerplate("\n".join([STORY, STORY_2, *promo]), source="html")
    assert kept == f"{STORY}\n{STORY_2}"
    assert [(removal.kind, removal.confidence) for removal in removed] == [
        ("promo", structure_confidence()), ("promo", 1.0),
    ]  # fmt: skip


def structure_confidence() -> float:
    from newsclean.boilerplate.learned import STRUCTURE_CONFIDENCE

    return STRUCTURE_CONFIDENCE


def test_rules_only_stage_is_the_catalogue_alone() -> None:
    text = "\n".join(["Share on Facebook", STORY, "Listen to our daily podcast",
                      "Available on Apple Podcasts, Spotify and everywhere else"])  # fmt: skip
    kept, removed = strip_boilerplate(text, learned=False)
    assert [removal.kind for removal in removed] == ["share"]
    assert all(removal.confidence == 1.0 for removal in removed)
    assert "Listen to our daily podcast" in kept


def test_pipeline_uses_the_threshold_of_the_article_source() -> None:
    model = load_model()
    assert model.thresholds["html"] > 1  # the classifier did not beat the rules on pages
    lines = [STORY, STORY_2, "Sign in to comment", "Terms of use and privacy"]
    text = "\n".join(lines)
    article = Article(id="0" * 32, source_uri="x", source_format="html", text=text)
    assert strip_article(article, Settings()).text == text
    scrapes = Settings(learned_boilerplate_scrapes=True)
    removed = strip_article(article.evolve(source_format="text"), scrapes).removed
    probabilities = model.probabilities(lines, None)
    assert min(probabilities[2:]) >= model.thresholds["text"] > max(probabilities[:2])
    assert [removal.kind for removal in removed] == ["learned", "footer"]  # tail_after_story


def test_scrapes_get_the_detectors_by_default() -> None:
    lines = [STORY, STORY_2, "Listen to our daily podcast",
             "Available on Apple Podcasts, Spotify and everywhere else"]  # fmt: skip
    article = Article(id="0" * 32, source_uri="x", source_format="text", text="\n".join(lines))
    removed = strip_article(article, Settings()).removed
    assert [removal.kind for removal in removed] == ["promo", "promo"]
    assert strip_article(article, Settings(scrape_detectors=False)).removed == ()  # rules alone
    assert strip_article(article, Settings(boilerplate_detectors="menu_runs")).removed == ()
    off = Settings(learned_boilerplate=False, learned_boilerplate_scrapes=True)
    assert strip_article(article, off).removed == ()


def test_scrapes_get_the_classifier_only_when_asked() -> None:
    lines = [STORY, STORY_2, "Sign in to comment", "Terms of use and privacy"]
    article = Article(id="0" * 32, source_uri="x", source_format="markdown", text="\n".join(lines))
    # By default the detectors alone: the page's line after the sign-off goes
    # (`tail_after_story`), the sign-off line the classifier would take stays.
    removed = strip_article(article, Settings()).removed
    assert [(removal.kind, removal.text) for removal in removed] == [
        ("footer", "Terms of use and privacy")
    ]
    for settings, kinds in (
        (Settings(learned_boilerplate_scrapes=True), ["learned", "footer"]),
        (Settings(learned_boilerplate_scrapes=True, scrape_detectors=False), ["learned"] * 2),
    ):
        removed = strip_article(article, settings).removed
        assert [removal.kind for removal in removed] == kinds
    assert strip_article(article, Settings(learned_boilerplate=False)).removed == ()


# -- structural detectors: golden cases ------------------------------------------------


def _detector_cases(negative: bool) -> list:
    suffix = ".negative.json" if negative else ".json"
    params = []
    for path in sorted(STRUCTURE_DIR.glob("*.json")):
        if path.name.endswith(".negative.json") != negative:
            continue
        detector = path.name.removesuffix(suffix)
        for case in json.loads(path.read_text(encoding="utf-8")):
            params.append(pytest.param(detector, case, id=f"{detector}: {case['name']}"))
    return params


@pytest.mark.parametrize(("detector", "case"), _detector_cases(negative=False))
def test_detector_finds_its_shape(detector: str, case: dict) -> None:
    assert getattr(structure, detector)(case["lines"]) == case["expected"]


@pytest.mark.parametrize(("detector", "case"), _detector_cases(negative=True))
def test_detector_leaves_other_shapes_alone(detector: str, case: dict) -> None:
    assert getattr(structure, detector)(case["lines"]) == [None] * len(case["lines"])


def test_table_debris_reads_only_lines_with_a_cue() -> None:
    # Every line of the golden cases (both files) whose shape `_debris_shape` finds holds
    # the cue `table_debris` looks for first; lines without one have no shape.
    cases = [param.values[1] for negative in (False, True) for param in _detector_cases(negative)]
    lines = [line for case in cases for line in case["lines"]]
    shaped = [line for line in lines if any(structure._debris_shape(line))]
    assert len(shaped) >= 10
    assert all(structure._debris_cue(line) for line in shaped)
    for line in ("Home | News", "Print / Email", "3 days ago", "March 2008", "Mai 2008 •",
                 "Posted AGO"):  # fmt: skip
        assert structure._debris_cue(line), line
    for line in ("Home News Sport", "Share this article", "THE END"):
        assert not structure._debris_cue(line), line
        assert structure._debris_shape(line) == structure._NO_SHAPE


def test_every_detector_has_positive_and_negative_cases() -> None:
    names = {path.name.split(".")[0] for path in STRUCTURE_DIR.glob("*.json")}
    assert names == set(structure.DETECTORS)
    for name in names:
        assert (STRUCTURE_DIR / f"{name}.json").is_file()
        assert (STRUCTURE_DIR / f"{name}.negative.json").is_file()


# -- the row ---------------------------------------------------------------------------


def test_removal_confidence_defaults_to_one_and_reaches_the_row() -> None:
    assert Removal("share", "Share").confidence == 1.0
    article = Article(
        id="0" * 32, source_uri="x", source_format="text", text="Story text.",
        removed=(Removal("share", "Share"), Removal("learned", "Sign in", 0.8)),
    )  # fmt: skip
    record = article_record(article, ingest_date=date(2026, 2, 13), pipeline_version="t")
    assert record["removed"][1] == {"kind": "learned", "text": "Sign in", "confidence": 0.8}
    assert validation_error(record, ARTICLE) is None
    table = to_arrow([record], ARTICLE)
    assert table.column("removed").to_pylist()[0][1]["confidence"] == 0.8


def test_rows_written_before_confidence_still_validate() -> None:
    article = Article(id="0" * 32, source_uri="x", source_format="text", text="Story text.")
    record = article_record(article, ingest_date=date(2026, 2, 13), pipeline_version="t")
    record["removed"] = [{"kind": "share", "text": "Share"}]  # schema 1.0.0's shape
    assert validation_error(record, ARTICLE) is None
    assert to_arrow([record], ARTICLE).column("removed").to_pylist()[0][0]["confidence"] is None
    record["removed"] = [{"kind": "share", "text": "Share", "confidence": 1.5}]
    assert validation_error(record, ARTICLE) is not None


# -- the benchmark's scoring and labels ---------------------------------------------------


@pytest.fixture(scope="module")
def labeled():
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    import labeled

    return labeled


def test_aeb_score_is_per_page_4gram_precision_and_recall(labeled) -> None:
    gold = "one two three four five"
    assert labeled.aeb_score([(gold, gold)]) == (1.0, 1.0, 1.0)
    # two words more: 2 of the 4 output 4-grams are the gold's 2
    precision, recall, f1 = labeled.aeb_score([("one two three four five six seven", gold)])
    assert (precision, recall) == (0.5, 1.0) and f1 == pytest.approx(2 / 3)
    # averaged over pages, then F1 of the means
    precision, recall, _ = labeled.aeb_score([(gold, gold), ("x y z w", gold)])
    assert (precision, recall) == (0.5, 0.5)


def test_gold_mojibake_is_repaired_and_clean_gold_kept(labeled) -> None:
    assert labeled.gold_text("youâ€™re here, ZÃ¡zrak jednÃ© sezony") == (
        "you’re here, Zázrak jedné sezony"
    )
    for clean in ("SÃO PAULO, Brazil", "naïve café — “quoted”", "都市"):
        assert labeled.gold_text(clean) == clean


def test_line_labels_by_share_of_3grams_in_gold(labeled) -> None:
    gold = "The council met on Tuesday to vote on the budget.\nIt passed."
    text = "The council met on Tuesday to vote.\nShare this article now\nIt passed.\n都市"
    assert list(labeled.line_labels(text, gold)) == [
        ("The council met on Tuesday to vote.", True),
        ("Share this article now", False),
        ("It passed.", True),
        ("都市", False),
    ]


def test_held_out_split_is_fixed_and_about_30_percent(labeled) -> None:
    ids = [str(number) for number in range(2000)]
    share = sum(labeled.held_out("dragnet", page_id) for page_id in ids) / len(ids)
    assert 0.27 < share < 0.33
    assert labeled.held_out("dragnet", "100") == labeled.held_out("dragnet", "100")


def test_story_sentences_are_full_sentences_of_six_words(labeled) -> None:
    gold = (
        "Bridge closed\nThe council met on Tuesday to vote. It passed.\nBy Jane Roe, March 3 2011"
    )
    assert labeled.story_sentences(gold) == ["The council met on Tuesday to vote."]


def test_gold_text_undoes_mojibake_and_cuts_the_comments(labeled) -> None:
    gold = "Les députés ont adopté le projet de loi.\nIt’s done.\n!@#$%^&*() COMMENTS\nGreat!"
    broken = gold.encode("utf-8").decode("cp1252")
    assert "dÃ©putÃ©s" in broken
    assert labeled.gold_text(broken) == "Les députés ont adopté le projet de loi.\nIt’s done."
    assert labeled.gold_text("Plain story text.") == "Plain story text."


def test_scrape_score_counts_removed_lines_and_lost_sentences(labeled) -> None:
    story = ["# The bridge", "The council met on Tuesday to vote on the bridge.", "It passed."]
    inserted = ["Share this", "- [Sign up](https://example.org/1) now"]
    scrape = "\n".join([inserted[0], *story, inserted[1]])
    gold = "The bridge\nThe council met on Tuesday to vote on the bridge.\nIt passed."
    cases = [("dragnet:1", scrape, gold, inserted, story)]
    kept_all = labeled.score_scrapes(cases, lambda text: text)
    assert (kept_all.removed, kept_all.inserted, kept_all.lost) == (0, 2, [])
    cleaned = labeled.score_scrapes(cases, lambda text: "\n".join(story))
    assert cleaned.removed_share == 1.0 and cleaned.f1 == 1.0 and cleaned.lost == []
    too_much = labeled.score_scrapes(cases, lambda text: story[0])
    assert too_much.lost == ["The council met on Tuesday to vote on the bridge."]
    assert too_much.lost_per_100 == 100.0


# -- short lines that removed lines enclose -------------------------------------------


def _removal(kind: str, text: str, confidence: float = 0.8) -> Removal:
    return Removal(kind, text, confidence)


def test_short_line_between_removed_lines_goes_with_them() -> None:
    lines = [STORY, "Subscribe to our weekly newsletter today", "Live Poll", "Vote in our poll now"]
    found = [None, _removal("learned", lines[1], 0.7), None, _removal("promo", lines[3], 0.9)]
    result = with_enclosed_short_lines(lines, found)
    assert result[2] == Removal("learned", "Live Poll", 0.7)
    assert result[0] is None


def test_short_line_at_the_edge_after_a_removed_line_goes() -> None:
    lines = [STORY, "Follow our science desk on social media", "0 recs |"]
    found = [None, _removal("learned", lines[1]), None]
    assert with_enclosed_short_lines(lines, found)[2] == Removal("learned", "0 recs |", 0.8)


def test_short_line_beside_a_kept_line_stays() -> None:
    # A subheading between story paragraphs, and one after a removed line but before a
    # kept paragraph: both stay.
    lines = [STORY, "Background", STORY_2, "Sign up for alerts from our app", "Reaction", STORY]
    found = [None, None, None, _removal("learned", lines[3]), None, None]
    assert with_enclosed_short_lines(lines, found) == found


def test_only_short_lines_are_taken_along() -> None:
    lines = [STORY, "Sign up for alerts from our app", "The council met on Tuesday.", "Share"]
    found = [None, _removal("learned", lines[1]), None, _removal("share", lines[3])]
    assert with_enclosed_short_lines(lines, found)[2] is None


def test_comment_threads_are_looked_for_in_page_text_only() -> None:
    thread = [
        "Anna K. March 3, 2011 at 4:12 pm",
        "Good news for every family in the district.",
        "Tom says: March 3, 2011 at 5:30 pm",
        "I wonder how the teachers feel about it.",
    ]
    text = "\n".join([STORY, STORY_2, *thread])
    _kept, removed = strip_learned(text, source="html", classifier=False)
    assert [removal.kind for removal in removed] == ["comments"] * 4
    kept, removed = strip_learned(text, source="text", classifier=False)
    assert kept == text and removed == []


def _numpy_probabilities(model: Model, lines: list[str]) -> list[float]:
    """P(boilerplate) of every line by the model's numpy layers, as the training
    script computes them (the scaling, then each layer)."""
    rows = [line_features(line, model.stop_words["en"]) for line in lines]
    values = (document_features(rows) - model.mean) / model.scale
    for position, (weights, bias) in enumerate(model.layers):
        values = values @ weights + bias
        if position < len(model.layers) - 1:
            values = np.tanh(values)
    prose = np.array([row[LINE_FEATURES.index("prose")] > 0 for row in rows])
    return np.where(prose, 0.0, 1.0 / (1.0 + np.exp(-values[:, 0]))).tolist()


def test_a_one_layer_model_scored_in_python_gives_numpy_s_probabilities() -> None:
    model = load_model()
    assert model.linear is not None and len(model.layers) == 1
    lines = [STORY, "Sign in to comment", "Share this: Twitter | Facebook", "- Ort: Kasberg",
             STORY_2, "Terms of use and privacy", "Read more: Ten ways to cook", STORY,
             "Home | News | Sport", "Posted 3 days ago by Ann",
             "Subscribe to our newsletter"]  # fmt: skip
    expected = _numpy_probabilities(model, lines)
    assert any(0.0 < value < 1.0 for value in expected)
    assert model.probabilities(lines, "en") == pytest.approx(expected, abs=1e-12)
    # A model of two layers has no linear form and is scored by numpy as before.
    hidden = np.full((len(FEATURE_NAMES), 3), 0.01)
    deep = model._replace(layers=((hidden, np.zeros(3)), (np.ones((3, 1)), np.zeros(1))),
                          linear=None)  # fmt: skip
    assert deep.probabilities(lines, "en") == pytest.approx(
        _numpy_probabilities(deep, lines), abs=1e-12
    )


_GUARDED_LINES = [
    "", "f(x)", "(a) b", "x (y", "a(b", "_(x)", "é(1)", "print(x) then", "call it (later)",
    "  ... x", "...x", "... ", "$ ls", "$ls", " >>> 1", "a;", "a; \t", "a;\u00a0", "}", "{ ",
    "x)(", "Ⅳ(1)", "x;\n", "\u2003... y", "Share this", "A", "ab", "ab cd", "1 2 3",
    "é à", "über die Brücke", "x" * 250 + " ab cd", "ab " + "1" * 300 + " cd", STORY,
]  # fmt: skip


# What `learned._is_code` answers, as a pattern: a prompt, a word before a parenthesis
# closing later on, or a bracket or semicolon closing the line.
_CODE = re.compile(r"^\s*(?:>>>|\.\.\.\s|\$ )|\w\([^)]*\)|[{};]\s*$")


@pytest.mark.parametrize("line", _GUARDED_LINES)
def test_code_and_wordy_guards_answer_as_their_patterns(line: str) -> None:
    from newsclean.boilerplate import learned

    assert learned._is_code(line) == bool(_CODE.search(line))
    assert learned._wordy(line) == (
        " " in line.strip() and len(learned._LETTER_WORD.findall(line, 0, 200)) >= 2
    )


@pytest.mark.parametrize(
    "text", ["", "share this", "it's a_b c-d 3.5 x__y", "tab\tand\x1cseparator", "über àlles"]
)
def test_word_tokens_are_the_word_pattern_s(text: str) -> None:
    from newsclean.boilerplate.features import _WORD, word_tokens

    assert word_tokens(text) == _WORD.findall(text)
    assert word_tokens(STORY.lower()) == _WORD.findall(STORY.lower())
