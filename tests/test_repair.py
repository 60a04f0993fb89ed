"""Tests for the repair stage: golden cases as data, plus inline properties."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsclean.record import Repair
from newsclean.repair import fix_encoding, repair_text

CASES = Path(__file__).parent / "cases" / "repair"
POSITIVE = json.loads((CASES / "positive.json").read_text(encoding="utf-8"))
NEGATIVE = json.loads((CASES / "negative.json").read_text(encoding="utf-8"))
KNOWN_FAILURES = json.loads((CASES / "known_failures.json").read_text(encoding="utf-8"))


def _case_id(case: dict) -> str:
    return (case.get("original") or case.get("text"))[:40]


@pytest.mark.parametrize("case", POSITIVE, ids=_case_id)
def test_positive_case_is_repaired(case: dict) -> None:
    fixed, repairs = repair_text(case["original"], language=case.get("language"))
    assert fixed == case["fixed"]
    assert sorted({repair.kind for repair in repairs}) == sorted(case["kinds"])


@pytest.mark.parametrize("case", POSITIVE, ids=_case_id)
def test_repair_is_idempotent(case: dict) -> None:
    once, _ = repair_text(case["original"], language=case.get("language"))
    twice, repairs = repair_text(once, language=case.get("language"))
    assert twice == once
    assert repairs == []


@pytest.mark.parametrize("case", NEGATIVE, ids=_case_id)
def test_negative_case_is_untouched(case: dict) -> None:
    assert repair_text(case["text"], language=case.get("language")) == (case["text"], [])


@pytest.mark.parametrize("case", KNOWN_FAILURES, ids=_case_id)
@pytest.mark.xfail(strict=True, reason="known limitation, see the case's note")
def test_known_failure(case: dict) -> None:
    fixed, _ = repair_text(case["original"], language=case.get("language"))
    assert fixed == case["fixed"]


def test_encoding_repair_records_the_word_not_the_text() -> None:
    text = "A long sentence before. Toyotaâ€™s car. A long sentence after."
    fixed, repairs = fix_encoding(text)
    assert fixed == "A long sentence before. Toyota’s car. A long sentence after."
    assert repairs == [Repair("encoding", "Toyotaâ€™s", "Toyota’s")]


def test_entities_are_recorded_one_by_one() -> None:
    assert fix_encoding("Tom &amp; Jerry &eacute;t&eacute;")[1] == [
        Repair("entity", "&amp;", "&"),
        Repair("entity", "&eacute;t&eacute;", "été"),
    ]


def test_unknown_entity_is_kept() -> None:
    assert fix_encoding("AT&T; R&D; &notit; &bogus;") == ("AT&T; R&D; &notit; &bogus;", [])


def test_fix_encoding_never_fixes_typos() -> None:
    assert fix_encoding("we recieve it thisweek") == ("we recieve it thisweek", [])


def test_typo_fixing_can_be_turned_off() -> None:
    text = "we recieve it thisweek &amp; more"
    assert repair_text(text, language="en", fix_typos=False) == (
        "we recieve it thisweek & more",
        [Repair("entity", "&amp;", "&")],
    )


def test_typos_are_fixed_only_in_supported_languages() -> None:
    assert repair_text("we recieve it thisweek", language="de") == ("we recieve it thisweek", [])
    assert repair_text("we recieve it thisweek", language="en-US")[0] == "we receive it this week"


def test_zero_width_joiner_between_latin_letters_is_removed() -> None:
    assert fix_encoding("sur\u200cveil\u200dlance") == (
        "surveillance",
        [Repair("invisible", "sur\u200cveil\u200dlance", "surveillance")],
    )


def test_zero_width_space_stays_between_thai_words() -> None:
    text = "ภาษา\u200bไทย"
    assert fix_encoding(text) == (text, [])


def test_nfc_not_nfkc() -> None:
    assert fix_encoding("Cafe\u0301 80 m²") == (
        "Café 80 m²",
        [Repair("encoding", "Cafe\u0301", "Café")],
    )


def test_words_with_capitals_digits_or_apostrophes_are_never_split() -> None:
    text = "Thisweek thisweek2 thisweek's"
    assert repair_text(text, language="en") == (text, [])


def test_hyphenated_parts_are_fixed_separately() -> None:
    assert repair_text("a goverment-run plan", language="en")[0] == "a government-run plan"


_PIECES = [
    *"ab \n\t.,'’“”—–-&;#",
    "ofthe", "especially", "greath", "this", "week", "recieve", "&amp;", "&rsquo;",
    "â€™", "Ã©", "Â", "\u00ad", "\u200b", "\u200c", "\u200d", "\x07", "\r", "\x9d",
    "é", "e\u0301", "m²", "👨", "ی", "ภ", "\ufeff", "http://", "@",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_repair_is_idempotent_on_any_mix_of_damage(text: str) -> None:
    once, _ = repair_text(text, language="en")
    assert repair_text(once, language="en") == (once, [])


def test_function_word_beside_a_rarer_word_is_split_but_not_twice() -> None:
    assert repair_text("andofthe", language="en") == ("andofthe", [])


def test_a_foreign_paragraph_in_an_english_text_is_left_alone() -> None:
    english = "The minister said the goverment would publish the plan thisweek."
    german = "Die Werte sind unter dem Durchschnitt, das Ergebnis ist negativ und nicht positiv."
    fixed, repairs = repair_text(f"{english}\n{german}", language="en")
    assert fixed.split("\n") == [
        "The minister said the government would publish the plan this week.",
        german,
    ]
    assert [repair.kind for repair in repairs] == ["misspelling", "run_together"]


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\t", "a", "1234", "—"])
def test_trivial_text_is_returned_as_is(text: str) -> None:
    assert repair_text(text) == (text, [])


def test_a_change_in_an_unspaced_script_is_recorded_with_a_little_context() -> None:
    text = (
        "这是一个很长的中文句子，没有空格，" * 3
        + "零\u200b宽"
        + "空格出现在中间，后面还有很多文字。" * 3
    )
    fixed, repairs = fix_encoding(text)
    assert fixed == text.replace("\u200b", "")
    [repair] = repairs
    assert repair.kind == "invisible"
    assert "零\u200b宽" in repair.before and len(repair.before) < 40
    assert repair.before.replace("\u200b", "") == repair.after
