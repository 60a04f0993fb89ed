"""The vocabulary model of the learned boilerplate stage: the terms it reads, its file,
and where it may take a full sentence (outside the story's run of prose only)."""

from __future__ import annotations

import json

import pytest
from boilerplate_helpers import STORY, STORY_2

from newsclean.boilerplate import strip_boilerplate
from newsclean.boilerplate.learned import removable, word_removals
from newsclean.boilerplate.words import (
    MAX_WORDS,
    WORDS_VERSION,
    WordsModel,
    WordsModelError,
    line_terms,
    load_words_model,
    words_model_from_json,
)

FORM = "Your email address will not be published."
SIGN_UP = "Sign up for our weekly newsletter to get the best stories in your inbox."


def _model(line: float = 0.6, sentence: float = 0.9) -> WordsModel:
    """A model that knows a comment form's and a newsletter's words, nothing else."""
    weights = {"email address": 3.0, "published": 2.5, "newsletter": 5.0, "inbox": 2.0,
               "post comment": 6.0, "your": 0.5}  # fmt: skip
    return WordsModel(bias=-2.0, weights=weights,
                      thresholds={"text": {"line": line, "sentence": sentence}})  # fmt: skip


def test_line_terms_are_words_pairs_and_shape_marks() -> None:
    terms = line_terms("- [Listen](https://example.org/1) to our Podcast, 24/7")
    assert terms[:3] == ["#words:6-8", "#list", "#link"]
    assert "listen" in terms and "podcast" in terms and "Podcast" not in terms
    assert "our podcast" in terms and "0 0" in terms  # digits read as "0"
    assert len(terms) == len(set(terms))
    assert "#sentence" in line_terms(FORM) and "#end:mark" in line_terms(FORM)
    assert "#prose" in line_terms(STORY)


def test_line_terms_read_the_first_words_only() -> None:
    line = " ".join(f"w{chr(97 + n % 26)}{chr(97 + n // 26)}" for n in range(MAX_WORDS + 10))
    words = [term for term in line_terms(line) if not term.startswith("#") and " " not in term]
    assert len(words) == MAX_WORDS
    assert "#words:25+" in line_terms(line)


def test_probability_is_the_logistic_of_the_summed_weights() -> None:
    model = _model()
    assert model.probability("Post comment") == pytest.approx(1 / (1 + 2.718281828459045**-4.0))
    assert model.probability(STORY) == pytest.approx(1 / (1 + 2.718281828459045**2.0))


def test_model_file_of_another_version_or_shape_is_refused() -> None:
    good = {"version": WORDS_VERSION, "bias": -1.0, "weights": {"a": 1.0},
            "thresholds": {"text": {"line": 0.5, "sentence": 0.9}}}  # fmt: skip
    assert words_model_from_json(good).threshold("html", "line") == 0.5  # falls back to text
    with pytest.raises(WordsModelError, match="version"):
        words_model_from_json({**good, "version": WORDS_VERSION + 1})
    with pytest.raises(WordsModelError, match="malformed"):
        words_model_from_json({key: value for key, value in good.items() if key != "bias"})
    with pytest.raises(WordsModelError, match="'line' and 'sentence'"):
        words_model_from_json({**good, "thresholds": {"text": {"line": 0.5}}})


def test_without_a_shipped_model_the_layer_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsclean.boilerplate import learned

    monkeypatch.setattr(learned, "load_words_model", lambda: None)
    text = "\n".join([STORY, STORY_2, FORM])
    off = _model(line=1.01, sentence=1.01)
    assert strip_boilerplate(text) == strip_boilerplate(text, words_model=off)
    assert FORM in strip_boilerplate(text)[0]


def test_model_from_a_path(tmp_path) -> None:
    path = tmp_path / "words.json"
    path.write_text(json.dumps({"version": WORDS_VERSION, "bias": 0.0, "weights": {},
                                "thresholds": {"text": {"line": 2, "sentence": 2}}}))  # fmt: skip
    model = load_words_model(str(path))
    assert model is not None and model.weights == {}


def _removals(lines: list[str], model: WordsModel) -> list[bool]:
    found = word_removals(lines, removable(lines), [False] * len(lines), words=model,
                          source="text")  # fmt: skip
    return [probability is not None for probability in found]


def test_full_sentences_go_only_outside_the_story() -> None:
    lines = [SIGN_UP, "Daily Briefing", STORY, FORM, STORY_2, "Leave a Reply", FORM,
             "Post Comment"]  # fmt: skip
    assert _removals(lines, _model()) == [True, False, False, False, False, False, True, True]


def test_a_paragraph_that_follows_on_from_the_story_stays() -> None:
    # With no other line between, a sentence the model would take reads as the story's
    # own first or last paragraph.
    assert _removals([SIGN_UP, STORY, STORY_2, FORM], _model()) == [False] * 4
    lines = [SIGN_UP, STORY, STORY_2, "Leave a Reply", FORM]
    assert _removals(lines, _model()) == [False, False, False, False, True]


def test_a_lone_line_inside_the_story_stays() -> None:
    # "Post Comment" (p 0.98) and "Leave your email address" (p 0.82) alike: alone
    # between two paragraphs (a subheading's place) a line stays, a run of two goes.
    assert _removals([STORY, "Post Comment", STORY_2], _model()) == [False] * 3
    lines = [STORY, "Post Comment", "Leave your email address", STORY_2]
    assert _removals(lines, _model()) == [False, True, True, False]
    # Beside a line another layer takes, it goes too.
    found = word_removals([STORY, "Share this", "Post Comment", STORY_2],
                          [False, False, True, False], [False, True, False, False],
                          words=_model(), source="text")  # fmt: skip
    assert [probability is not None for probability in found] == [False, False, True, False]


def test_the_line_before_the_first_paragraph_stays() -> None:
    # A headline stands there: the model reads it as a related story's.
    assert _removals(["Post Comment", STORY, STORY_2], _model()) == [False] * 3
    lines = ["Post Comment", "Leave your email address", STORY, STORY_2, "Post Comment"]
    assert _removals(lines, _model()) == [True, False, False, False, True]


def test_nothing_goes_where_the_model_would_take_every_paragraph() -> None:
    lines = [SIGN_UP, SIGN_UP + " It is free.", "Post Comment"]
    assert _removals(lines, _model()) == [False, False, False]


def test_each_kind_of_line_has_its_threshold() -> None:
    lines = [STORY, STORY_2, "Leave a Reply", FORM, "Post Comment"]
    # FORM (a full sentence, p 0.98) and "Post Comment" (p 0.98) at the thresholds.
    assert _removals(lines, _model(line=0.99, sentence=0.9)) == [False] * 3 + [True, False]
    assert _removals(lines, _model(line=0.6, sentence=0.99)) == [False] * 4 + [True]
    assert _removals(lines, _model(line=1.01, sentence=1.01)) == [False] * 5


def test_stage_records_the_model_s_removals_as_learned() -> None:
    text = "\n".join([STORY, STORY_2, "What readers say", FORM])  # no rule takes the heading
    kept, removed = strip_boilerplate(text, words_model=_model())
    assert kept == f"{STORY}\n{STORY_2}\nWhat readers say"
    assert [(r.kind, r.text) for r in removed] == [("learned", FORM)]
    assert removed[0].confidence == round(_model().probability(FORM), 3)


def test_classifier_off_turns_the_vocabulary_model_off() -> None:
    text = "\n".join([STORY, STORY_2, FORM])
    assert strip_boilerplate(text, words_model=_model(), classifier=False) == (text, [])
    assert strip_boilerplate(text, words_model=_model(), learned=False) == (text, [])


def test_page_text_uses_its_own_thresholds() -> None:
    off_for_pages = WordsModel(
        bias=_model().bias,
        weights=_model().weights,
        thresholds={"html": {"line": 1.01, "sentence": 1.01},
                    "text": {"line": 0.6, "sentence": 0.9}},
    )  # fmt: skip
    text = "\n".join([STORY, STORY_2, "What readers say", FORM])
    assert strip_boilerplate(text, source="html", words_model=off_for_pages)[0] == text
    assert strip_boilerplate(text, source="text", words_model=off_for_pages)[0] != text
