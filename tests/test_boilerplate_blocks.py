"""The block model of the learned boilerplate stage: how a text is cut into candidate
blocks, the terms a block is read by, its file, and what the stage does with it."""

from __future__ import annotations

import json

import pytest
from boilerplate_helpers import STORY, STORY_2

from newsclean.boilerplate import strip_boilerplate
from newsclean.boilerplate.blocks import (
    BLOCKS_VERSION,
    MAX_BODY,
    MAX_TRIM,
    Block,
    BlocksModel,
    BlocksModelError,
    block_removals,
    block_terms,
    blocks_model_from_json,
    candidate_blocks,
    load_blocks_model,
)
from newsclean.boilerplate.learned import block_guards, removable

STORY_3 = (
    "The works are the first on the bridge since it opened in 1911, and engineers say "
    "its piers will need more attention within a decade."
)
BIO = (
    "Before joining the paper she spent ten years on the transport desk of a news agency "
    "in Lisbon and wrote two books on trams."
)
MENU = ["World news", "Business news", "Sport results", "Local weather"]


def _cut(lines: list[str], taken: list[bool] | None = None) -> list[tuple]:
    """(head lines, body lines, place, gap, edge) of each candidate, in order."""
    return [
        ([lines[i] for i in block.head], [lines[i] for i in block.body], block.place,
         block.gap, block.edge)
        for block in candidate_blocks(lines, taken)
    ]  # fmt: skip


def test_runs_around_the_core_are_candidates_and_the_core_is_never_one() -> None:
    lines = [*MENU, STORY, STORY_2, STORY_3, "Share this", "Tweet"]
    found = _cut(lines)
    assert (MENU, [], "before", 0, True) == found[0]
    assert (["Share this", "Tweet"], [], "after", 0, True) in found
    for head, body, *_ in found:
        assert not {STORY, STORY_2, STORY_3} & set(head + body)


def test_a_run_beside_the_core_gives_lines_back_to_it() -> None:
    # A headline and a byline stand between an inserted menu and the story.
    lines = [*MENU, "Bridge to close for two years", STORY, STORY_2]
    heads = [head for head, *_ in _cut(lines)]
    assert heads[0] == [*MENU, "Bridge to close for two years"]
    assert heads[1:] == [[*MENU, "Bridge to close for two years"][:n] for n in (4, 3, 2, 1)]
    assert len(heads) == 1 + MAX_TRIM
    # After the core it gives back its first lines (a credit under the story).
    lines = [STORY, STORY_2, "Additional reporting by Jane Doe", "Share this", "Tweet"]
    heads = [head for head, *_ in _cut(lines)]
    assert heads == [lines[2:], lines[3:], lines[4:]]


def test_a_heading_goes_with_its_body_and_a_subheading_alone_is_no_candidate() -> None:
    lines = [STORY, STORY_2, STORY_3, "About the author", BIO, "Follow her on X"]
    found = _cut(lines)
    assert (["About the author"], [BIO], "after", 0, False) in found
    assert all(head != ["About the author"] or body for head, body, *_ in found)
    # A subheading before the story's core is no candidate; after it, only with its
    # body (the model then reads the subheading and its paragraphs together).
    assert _cut([STORY, "The cost", STORY_2, STORY_3]) == []
    lines = [STORY + " " + STORY_3, "The cost", STORY_2, STORY_3]
    assert _cut(lines) == [(["The cost"], [STORY_2, STORY_3], "after", 0, True)]


def test_a_long_run_of_prose_is_no_body() -> None:
    body = [STORY_2, STORY_3, BIO][: MAX_BODY + 1]
    lines = [STORY + " " + STORY_3, "The cost", *body, "Share this"]
    assert all(not found_body for _head, found_body, *_ in _cut(lines))
    lines = [STORY + " " + STORY_3, "The cost", *body[:MAX_BODY], "Share this"]
    assert any(found_body == body[:MAX_BODY] for _head, found_body, *_ in _cut(lines))


def test_the_core_is_the_longest_run_of_prose() -> None:
    lines = [BIO, "Share this", "Tweet", STORY, STORY_2, STORY_3]
    found = _cut(lines)
    assert found[0][:3] == (["Share this", "Tweet"], [], "before")
    assert found[0][3] == 0  # right before the core
    lines = [STORY, STORY_2, STORY_3, "Share this", "Tweet", BIO, "Email", "Print"]
    assert (["Email", "Print"], [], "after", 1, True) in _cut(lines)


def test_taken_lines_are_read_as_gone_and_no_prose_means_no_candidate() -> None:
    lines = [STORY, "Share this", STORY_2, STORY_3]
    assert _cut(lines, [False, True, False, False]) == []
    assert candidate_blocks(MENU) == []
    assert candidate_blocks([]) == []


def test_block_terms_read_the_lines_the_heading_and_the_shape() -> None:
    lines = [STORY, STORY_2, "About the author", BIO]
    block = Block((2,), (3,), "after", 0, True, 0)
    terms = block_terms(lines, block)
    assert "about" in terms and "^about" in terms and "^about the" in terms
    assert "agency" in terms and "body:#prose" in terms  # the body's words and marks
    assert {"#b:lines:0", "#b:body:1", "#b:place:after", "#b:gap:0", "#b:edge:after"} <= set(terms)
    assert len(terms) == len(set(terms))
    assert "^agency" not in terms and "#b:body:0" not in terms


def _model(head: float = 0.8, body: float = 0.9) -> BlocksModel:
    """A model that knows a menu's, a share bar's and a bio's words, nothing else."""
    weights = {"world": 2.0, "business": 2.0, "sport": 2.0, "share": 4.0, "tweet": 3.0,
               "^about": 3.0, "^our": 3.0, "news agency": 4.0,
               "#b:place:after": 0.5}  # fmt: skip
    return BlocksModel(bias=-3.0, weights=weights,
                       thresholds={"text": {"head": head, "body": body}})  # fmt: skip


def _going(lines: list[str], model: BlocksModel) -> list[bool]:
    guards = block_guards(lines, removable(lines))
    found = block_removals(lines, [False] * len(lines), guards, model=model, source="text")
    return [probability is not None for probability in found]


def test_the_largest_candidate_of_a_run_at_its_threshold_goes() -> None:
    lines = [*MENU, "Bridge to close for two years", STORY, STORY_2]
    # The whole run (with the headline) scores as high as the menu alone here, so it
    # goes whole; a model that knows headlines' words gives the headline back.
    assert _going(lines, _model()) == [True] * 5 + [False] * 2
    model = _model()
    model.weights["bridge"] = -6.0
    assert _going(lines, model) == [True] * 4 + [False] * 3


def test_a_bio_goes_with_its_heading_at_the_body_threshold() -> None:
    lines = [STORY, STORY_2, STORY_3, "About the author", BIO]
    assert _going(lines, _model(body=0.9)) == [False] * 3 + [True, True]
    assert _going(lines, _model(body=1.01)) == [False] * 5
    assert _going([STORY, STORY_2, STORY_3, "The cost", STORY], _model(body=0.5)) == [False] * 5


def test_model_file_of_another_version_or_shape_is_refused(tmp_path) -> None:
    good = {"version": BLOCKS_VERSION, "bias": -1.0, "weights": {"a": 1.0},
            "thresholds": {"text": {"head": 0.5, "body": 0.9}}}  # fmt: skip
    assert blocks_model_from_json(good).threshold("html", "head") == 0.5  # falls back to text
    with pytest.raises(BlocksModelError, match="version"):
        blocks_model_from_json({**good, "version": BLOCKS_VERSION + 1})
    with pytest.raises(BlocksModelError, match="malformed"):
        blocks_model_from_json({key: value for key, value in good.items() if key != "bias"})
    with pytest.raises(BlocksModelError, match="'head' and 'body'"):
        blocks_model_from_json({**good, "thresholds": {"text": {"head": 0.5}}})
    path = tmp_path / "blocks.json"
    path.write_text(json.dumps(good))
    assert load_blocks_model(str(path)).weights == {"a": 1.0}


def test_stage_records_the_block_s_removals_as_learned() -> None:
    text = "\n".join([STORY, STORY_2, STORY_3, "Our correspondent", BIO])
    kept, removed = strip_boilerplate(text, blocks_model=_model())  # no rule names them
    assert kept == "\n".join([STORY, STORY_2, STORY_3])
    assert [(r.kind, r.text) for r in removed] == [("learned", "Our correspondent"),
                                                   ("learned", BIO)]  # fmt: skip
    assert 0.9 <= removed[0].confidence == removed[1].confidence <= 1


def test_classifier_off_or_page_text_leaves_the_block_model_off() -> None:
    text = "\n".join([STORY, STORY_2, STORY_3, "Our correspondent", BIO])
    assert strip_boilerplate(text, blocks_model=_model(), classifier=False) == (text, [])
    pages_off = BlocksModel(_model().bias, _model().weights,
                            {"html": {"head": 1.01, "body": 1.01},
                             "text": {"head": 0.8, "body": 0.9}})  # fmt: skip
    assert strip_boilerplate(text, source="html", blocks_model=pages_off)[0] == text
    assert strip_boilerplate(text, source="text", blocks_model=pages_off)[0] != text


def test_block_guards_keep_code_facts_and_full_sentences_out_of_blocks() -> None:
    lines = [STORY, "World news", "Home", "Born: in Lisbon", "Died: in Porto",
             "result = compute(value);", "Your email address will not be published.",
             STORY_2]  # fmt: skip
    assert block_guards(lines, removable(lines)) == [True, True, False, None, None, None,
                                                     None, True]  # fmt: skip


def test_no_block_takes_a_full_sentence_or_a_lone_line() -> None:
    sentence = "The bridge will reopen in the spring of 2027."  # six words or more, a mark
    lines = [STORY, STORY_2, STORY_3, "Share this story", sentence]
    assert _going(lines, _model(head=0.5)) == [False] * 5
    lines = [STORY, STORY_2, STORY_3, "Share this story"]
    assert _going(lines, _model(head=0.5)) == [False] * 4  # one line: the line models' call
    lines = [STORY, STORY_2, STORY_3, "Share this story", "Tweet this story"]
    assert _going(lines, _model(head=0.5)) == [False] * 3 + [True, True]
