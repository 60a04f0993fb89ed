"""Tests for the repair stage: golden cases as data, plus inline properties."""

import functools
import itertools
import json
import re
from pathlib import Path

import ftfy
import pytest
from ftfy.badness import BADNESS_RE, is_bad
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsclean import encoding, typos
from newsclean.fastpaths import ftfy as fast_ftfy
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


# --- fast paths: ftfy is skipped only where it would change nothing ----------------------

_FAST_PATH_TEXTS = [
    "Tom &amp; Jerry &eacute;t&eacute;",  # ASCII with entities
    "line one\r\nline two\rline three",  # carriage returns
    "Größe und Maße — für „alle“, naïve Café déjà vu",  # correct non-ASCII text
    "привет мир, καλημέρα κόσμε",  # correct Cyrillic and Greek: adjacent non-ASCII
    "Toyotaâ€™s car",
    "first line\nÃ la carte",  # ftfy's `^Ã ` pattern, on a line that is not the first
    "Ã la carte\nsecond line",
    "a cœur and Œuvre",
    "Ã©t&eacute; and Ã\xa0 la",
    "Crockerâ„¢ and é¡” and ß“",
    "\x1b[31mred\x1b[0m text",
    "price 5 \x80 and \x9d",
    "Cafe\u0301 and a lone \ud83d surrogate",
    "Ð¿Ñ€Ð¸Ð²ÐµÑ‚",
    "the 5 Â° corner and Â© 2024",
]


def _without_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line and every run of suspect words goes to ftfy (no line cached by the fast path)."""
    monkeypatch.setattr(encoding, "_lines_holding", lambda pattern, text: encoding._lines_of(text))
    monkeypatch.setattr(encoding, "_ftfy_keeps", lambda text: False)
    monkeypatch.setattr(encoding, "_fix_line", functools.lru_cache(encoding._fix_line.__wrapped__))
    monkeypatch.setattr(encoding, "_fix_run", functools.lru_cache(encoding._fix_run.__wrapped__))
    monkeypatch.setattr(fast_ftfy, "fix_text", ftfy.fix_text)


@pytest.mark.parametrize("text", _FAST_PATH_TEXTS)
def test_fast_path_repairs_as_the_full_path_does(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = fix_encoding(text)
    _without_fast_path(monkeypatch)
    assert fix_encoding(text) == fast


_FAST_PATH_PIECES = [
    *_PIECES, "Ã ", "Â ", "ü", "ß", "ö", "œ", "Œ", "€", "™", "°", "©", "„", "“", "Ð¿", "пр",
    "\x1b[1m", "\x80", "\ud83d", "é¡”", "â€", "×²", "ГўВЂВ.",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FAST_PATH_PIECES), max_size=30).map("".join))
def test_fast_path_repairs_any_mix_as_the_full_path_does(text: str) -> None:
    fast = fix_encoding(text)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _without_fast_path(monkeypatch)
        assert fix_encoding(text) == fast


@pytest.mark.parametrize(
    "text",
    ["Ã ", "xÃ ", "a Ã b", "Ã¼ber", "für", "Größe", "naïve", "cœur", "Â© 2024", "“quoted”",
     "привет", "ГўВЂВ.a", "x" * 50 + "Ã¼" + "y" * 50, "Ã" + " " * 20],
)  # fmt: skip
def test_is_bad_agrees_with_ftfy(text: str) -> None:
    assert fast_ftfy._is_bad_around_hints(text) == is_bad(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_FAST_PATH_PIECES), max_size=30).map("".join))
def test_is_bad_agrees_with_ftfy_on_any_mix(text: str) -> None:
    assert fast_ftfy._is_bad_around_hints(text) == is_bad(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_FAST_PATH_PIECES), max_size=30).map("".join))
@example("\x80é\n’")  # ftfy fixes line by line: the steps are taken on one line only
def test_ftfys_steps_taken_here_fix_any_mix_as_ftfy_does(text: str) -> None:
    for line in text.split("\n"):
        assert fast_ftfy._fix_in_steps(line, encoding.FTFY_CONFIG) == ftfy.fix_text(
            line, encoding.FTFY_CONFIG
        )
    assert fast_ftfy.fix_text(text, encoding.FTFY_CONFIG) == ftfy.fix_text(
        text, encoding.FTFY_CONFIG
    )


@pytest.mark.parametrize("text", _FAST_PATH_TEXTS)
def test_ftfys_steps_taken_here_fix_each_line_as_ftfy_does(text: str) -> None:
    for line in text.split("\n"):
        assert fast_ftfy.fix_text(line, encoding.FTFY_CONFIG) == ftfy.fix_text(
            line, encoding.FTFY_CONFIG
        )


def test_every_match_of_ftfys_heuristic_holds_what_the_cheap_scan_finds() -> None:
    """The claim `MAYBE_BAD` and `BADNESS_WIDTH` rest on, checked on ftfy's pattern:
    each alternative has two adjacent non-ASCII characters or one of `MAYBE_BAD`'s."""
    parsed = re._parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)  # no public parser
    assert parsed.getwidth()[1] <= fast_ftfy.BADNESS_WIDTH
    [(branch_op, (_, alternatives))] = parsed.data
    assert branch_op is re._constants.BRANCH
    for alternative in alternatives:
        chars = [_chars_of(op, value) for op, value in alternative.data]
        non_ascii = [bool(c) and all(ord(char) > 0x7F for char in c) for c in chars]
        adjacent = any(a and b for a, b in itertools.pairwise(non_ascii))
        single = any(c and all(fast_ftfy.MAYBE_BAD.fullmatch(char) for char in c) for c in chars)
        assert adjacent or single, alternative


def _chars_of(op: object, value: object) -> set[str]:
    """The characters one item of a parsed pattern matches, or an empty set if unsure."""
    constants = re._constants
    if op is constants.LITERAL:
        return {chr(value)}
    if op is not constants.IN:
        return set()
    chars: set[str] = set()
    for item_op, item_value in value:
        if item_op is constants.LITERAL:
            chars.add(chr(item_value))
        elif item_op is constants.RANGE:
            chars.update(map(chr, range(item_value[0], item_value[1] + 1)))
        else:
            return set()  # a negated set or a category may match ASCII
    return chars


def test_typos_are_fixed_when_the_language_is_empty_and_detected() -> None:
    text = "The minister said we recieve the plan thisweek, as the government promised."
    assert repair_text(text, language="")[0] == repair_text(text)[0]
    assert "receive" in repair_text(text, language="")[0]


def test_long_and_short_runs_of_mojibake_are_repaired_alike() -> None:
    short = "Die GrÃ¶ÃŸe der StraÃŸe"
    long = " ".join([short] * 20)  # one run longer than the cached length
    assert len(long) > encoding._CACHED_RUN_LENGTH
    assert fix_encoding(short)[0] == "Die Größe der Straße"
    assert fix_encoding(long)[0] == " ".join(["Die Größe der Straße"] * 20)


def test_long_and_short_lines_are_repaired_alike() -> None:
    line = "Die GrÃ¶ÃŸe der StraÃŸe und ein Café"
    long = " ".join([line] * 40)  # a line longer than the cached length
    assert len(long) > encoding._CACHED_LINE_LENGTH
    assert fix_encoding(line)[0] == fix_encoding(line)[0] == "Die Größe der Straße und ein Café"
    assert fix_encoding(long)[0] == " ".join(["Die Größe der Straße und ein Café"] * 40)


@pytest.mark.parametrize(
    "line", ["Größe und Maße", "привет мир, καλημέρα κόσμε", "plain ASCII", "“quoted” – ok"]
)
def test_a_correct_line_comes_back_as_it_is(line: str) -> None:
    assert encoding._fix_line(line) is line
    assert fix_encoding(f"{line}\n{line}") == (f"{line}\n{line}", [])


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("recieve it", ["recieve"]),  # at the start of the text
        ("it recieve", ["recieve"]),  # at the end
        ("a—thisweek, (ofthe) “word”", ["thisweek", "ofthe", "word"]),
        ("Recieve don'trecieve recieve2 _recieve recieve’s ÿrecieve", []),
        ("ab abc abcd", ["abcd"]),
    ],
)
def test_typo_candidates_are_whole_plain_lowercase_words(text: str, candidates: list[str]) -> None:
    assert typos._TYPO_CANDIDATE.findall(" " + text) == candidates


@pytest.mark.parametrize("language", ["en", "de"])
@given(
    st.lists(
        st.sampled_from(["thisweek", "größer", "Haus", "ofthe", "und", "x2", "’s", "a—b"])
        | st.sampled_from([" ", "\n", ", ", ". ", "—", "'", "\u00a0"])
        | st.text(alphabet="abßäÉ\n -'’", max_size=8),
        max_size=20,
    ).map("".join)
)
@settings(max_examples=200, deadline=None)
def test_candidates_by_line_are_the_texts_candidates_with_their_first_line(
    language: str, text: str
) -> None:
    """The foreign-line check finds the candidates line by line: the same words as one
    search of the whole text, each at the start of the first line it is a word in."""
    sound = typos._lexicon(language).sound
    first_lines = typos._unknown_candidates_by_line(text, language, sound)
    assert first_lines.keys() == typos._unknown_candidates(text, language, sound)
    for word, line_start in first_lines.items():
        assert line_start == 0 or text[line_start - 1] == "\n"
        line = text[line_start:].split("\n", 1)[0]
        assert word in typos._unknown_candidates(line, language, sound)
        assert word not in typos._unknown_candidates(text[:line_start], language, sound)


_SCANNER_PIECES = (
    st.sampled_from(["thisweek", "größer", "Haus", "ofthe", "und", "zusammen", "będzie"])
    | st.sampled_from(["i.e", "u.k", "x2", "’s", "a—b", "Łódź", "ªbcd", "µabc", "abc²", "a_b"])
    | st.sampled_from(["'word'", "‘zitat’", "l'homme", "don’t", "Über", "_abc", "ǆabc", "ⅻabc"])
    | st.sampled_from([" ", "\n", ", ", ". ", "(", ")", "„", "“", "«", "…", "\u00a0", "\t"])
    | st.text(alphabet="abcßäøÿāŁſªµº²_É\n -'’‘.,(1Жж中\u0301", max_size=8)
)


@given(st.lists(_SCANNER_PIECES, max_size=40).map("".join))
@example("'quoted' words, (here) and d'un «mot» … über_all 2abc")
@example("Ein Satz. " * 60 + "und dann, noch l'un mehr wörter " * 9)  # (split in rounds)
@settings(max_examples=300, deadline=None)
def test_line_sample_read_chunk_by_chunk_is_the_patterns_first_words(line: str) -> None:
    """A line's sample for the foreign-line check: its first lowercase `_ANY_LINE_WORD`
    words, as many as `FOREIGN_LINE_SAMPLE`."""
    words = [word for word in typos._ANY_LINE_WORD.findall(line) if word.islower()]
    assert typos._line_sample(line) == words[: typos.FOREIGN_LINE_SAMPLE]


def test_controls_are_found_in_the_utf8_bytes_as_by_the_character_class() -> None:
    """`_holds_control` agrees with `_CONTROL` on every character up to U+0800, on lone
    surrogates and on characters whose UTF-8 holds bytes \\x80-\\x9f (`ł`, `—`, emoji)."""
    from newsclean import encoding

    samples = [chr(code) for code in range(0x800)] + ["\ud800", "\udfff", "ł", "—", "😀", "Ÿ"]
    for char in samples:
        for text in (char, f"a{char}", f"{char}b", f"ä{char}€", f"x\n{char}\n"):
            assert encoding._holds_control(text) == bool(encoding._CONTROL.search(text)), repr(text)


_GERMAN = (
    "Das Schutzgebiet erstrecktsich über mehrere Kilometer entlang der Küste, "
    "und die Besucher kommen jedes Jahr in großer Zahl dorthin."
)


def test_run_together_words_are_split_in_the_detected_language() -> None:
    fixed, repairs = repair_text(_GERMAN)
    assert "erstreckt sich über" in fixed
    assert repairs == [Repair("run_together", "erstrecktsich", "erstreckt sich")]


def test_no_typos_leaves_other_languages_alone_too() -> None:
    assert repair_text(_GERMAN, language="de", fix_typos=False) == (_GERMAN, [])


def test_a_language_without_a_lexicon_is_left_alone() -> None:
    assert repair_text(_GERMAN, language="ja") == (_GERMAN, [])


def test_an_english_paragraph_in_a_german_text_is_left_alone() -> None:
    english = "The minister said we could not wearmasks in the building during the day."
    fixed, repairs = repair_text(f"{_GERMAN}\n{english}", language="de")
    assert fixed.split("\n")[1] == english
    assert [repair.before for repair in repairs] == ["erstrecktsich"]


def test_sharp_s_is_looked_up_as_wordfreq_keys_it_and_kept() -> None:
    text = "Die Stadt plant einemgroßen Park am Fluss, sagte die Bürgermeisterin gestern."
    assert repair_text(text, language="de")[0] == text.replace("einemgroßen", "einem großen")


@pytest.mark.parametrize(
    ("language", "word"),
    [
        ("de", "sieden"),  # a word, though it reads as `sie den`
        ("de", "nachreichte"),  # a particle verb
        ("de", "kippender"),  # an inflected participle, not `kippen der`
        ("de", "zuschaltete"),  # `zu` before a verb form that is no infinitive
        ("nl", "dooreen"),  # a word, though it reads as `door een`
        ("pl", "niewypełniona"),  # `nie` is written joined to participles
        ("id", "dibuatkan"),  # an affixed form
    ],
)
def test_words_that_read_as_two_are_kept(language: str, word: str) -> None:
    assert typos._fix_word(word, language) == (word, None)


@pytest.mark.parametrize(
    ("language", "word", "split"),
    [
        ("de", "zumerken", "zu merken"),  # `zu` before an infinitive
        ("de", "undder", "und der"),  # two function words wordfreq has seen joined
        ("es", "delgobierno", "del gobierno"),
        ("nl", "tebetalen", "te betalen"),
    ],
)
def test_words_run_together_in_other_languages_are_split(
    language: str, word: str, split: str
) -> None:
    assert typos._fix_word(word, language) == (split, "run_together")


def test_settings_name_the_typo_languages_newsclean_can_fix() -> None:
    from newsclean import config, typos
    from newsclean.config import Settings, SettingsError

    assert set(config.TYPO_LANGUAGES) == set(typos.TYPO_LANGUAGES)
    assert Settings().typo_language_codes == ("en",)
    assert set(Settings(typo_languages="all").typo_language_codes) == set(typos.TYPO_LANGUAGES)
    assert Settings(typo_languages="en, de").typo_language_codes == ("en", "de")
    with pytest.raises(SettingsError, match="no typo repair for xx"):
        Settings(typo_languages="en,xx")


def test_a_language_left_out_of_the_typo_languages_is_not_fixed() -> None:
    text = "Die Brücke erstrecktsich über den Fluss und wurde im Jahr gebaut."
    fixed, repairs = repair_text(text, language="de")
    assert "erstreckt sich" in fixed and repairs
    assert repair_text(text, language="de", languages=("en",)) == (text, [])


def test_lexicons_load_on_request_once_per_process() -> None:
    typos._other_lexicon.cache_clear()
    typos.load_lexicons(["de", "fr"])
    assert typos._other_lexicon.cache_info().currsize == 2
    loaded = typos._other_lexicon("de")
    typos.load_lexicons(["de"])
    assert typos._other_lexicon("de") is loaded
    assert typos._other_lexicon.cache_info().currsize == 2


@pytest.mark.parametrize("language", ["de", "es"])
def test_trie_cuts_equal_a_lookup_per_cut(language: str) -> None:
    zipf = typos._other_lexicon(language).zipf
    words = ["erstrecktsich", "zuden", "branchenweiter", "delgobierno", "quantidadeenorme"]
    words += ["parasiempre", "undder", "abcdefgh", "ab", "sichselbst", "größeren"]
    for word in words:
        expected = [
            (word[:cut], word[cut:], zipf.get(word[:cut]), zipf.get(word[cut:]))
            for cut in range(2, len(word) - 1)
            if word[:cut] in zipf and word[cut:] in zipf
        ]
        assert zipf.cuts(word, 2) == expected, word
    assert [cut[:2] for cut in typos._other_lexicon("de").zipf.cuts("erstrecktsich", 2)] == [
        ("erstreckt", "sich")
    ]


@pytest.mark.parametrize(
    ("word", "verb"),
    [
        ("sagen", True),  # `sagend` is known
        ("bastelt", True),  # `basteln`
        ("versendet", True),  # `versenden`
        ("getrocknet", True),  # a participle's shape
        ("angebunden", True),  # a particle, then a participle's shape
        ("wählbaren", True),  # an adjective made from `wählen`
        ("seinem", False),
        ("kleines", False),
        ("welcher", False),
        ("asiatischen", False),
    ],
)
def test_german_verb_forms(word: str, verb: bool) -> None:
    assert typos._is_verb_form(word, typos._other_lexicon("de")) is verb


@pytest.mark.parametrize(
    ("word", "declined"),
    [
        ("fatales", True),  # `fatal`, `fatale`, `fatalen`, `fataler`
        ("ambivalentes", True),
        ("verschiedenen", True),
        ("schicken", False),  # a verb: `schickt`
        ("kleiden", False),  # `kleidet`
        ("kuchen", False),  # a noun: no `kuch`
        ("gestern", False),
    ],
)
def test_german_declined_adjectives(word: str, declined: bool) -> None:
    assert typos._is_declined_adjective(word, typos._other_lexicon("de").zipf) is declined


@pytest.mark.parametrize(
    ("word", "infinitive"),
    [
        ("investieren", True),  # `investiert`
        ("verwässern", True),  # `verwässert`
        ("arbeiten", True),  # `arbeitet`
        ("westlichen", False),  # `westlicht` is noise
        ("kunden", False),
        ("genau", False),
    ],
)
def test_german_infinitives(word: str, infinitive: bool) -> None:
    assert typos._is_infinitive(word, typos._other_lexicon("de")) is infinitive


@pytest.mark.parametrize(
    ("word", "left", "form"),
    [
        ("branchenweiter", "branchen", True),  # `branchenweit`
        ("nachreichte", "nach", True),  # `nachreichen`
        ("weiterempfiehlt", "weiter", True),  # `weiterempfehlen` starts so
        ("mitseinem", "mit", False),
        ("erstrecktsich", "erstreckt", False),
        ("mussteer", "musste", False),  # `mussten` is `musste` + `n`: not past the left half
    ],
)
def test_german_forms_of_known_words(word: str, left: str, form: bool) -> None:
    lexicon = typos._other_lexicon("de")
    assert typos._is_word_form(word, left, typos._INFLECTIONS["de"], lexicon.zipf) is form


@pytest.mark.parametrize(
    ("word", "finite"),
    [
        ("sagt", True),  # `sagst`, `sagen`
        ("bietet", True),  # `bietest`, `bieten`
        ("gut", False),  # no verb (`gust` is noise)
        ("bestellt", False),  # `be-`: also the participle (`bestelltes`)
        ("kopiert", False),  # `-iert`: also the participle
        ("wiederholt", False),  # a listed particle first: may be the participle
        ("sagte", False),  # not in `-t`
    ],
)
def test_german_finite_verbs(word: str, finite: bool) -> None:
    assert typos._is_finite_verb(word, typos._other_lexicon("de")) is finite


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("});", True),
        ("item = {", True),
        ("int count;", True),  # few words
        ("total = thevalue + sumof(items);", True),
        ("executive vice president, Europe, and mobile worldwide;", False),
        ("la coordination, le comité de grève, etc. ;", False),
    ],
)
def test_a_trailing_semicolon_makes_code_only_with_code_around_it(line: str, code: bool) -> None:
    assert typos._looks_like_code(line) is code


def test_split_bench_reviews_name_a_text_a_part_and_a_reason() -> None:
    """Each join of the source that split_bench leaves out of its reviewed figure is an
    English or other split of one token, reviewed on a named text with a reason."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    from split_bench import REVIEWED, reviewed_source_joins

    entries = json.loads(REVIEWED.read_text(encoding="utf-8"))
    assert len(reviewed_source_joins(REVIEWED)) == len(entries)  # no edit listed twice
    for entry in entries:
        assert entry["part"] in ("tuning", "held-out")
        assert entry["reason"] and entry["text"]
        assert " " in entry["after"] and " " not in entry["before"]


def test_a_long_foreign_line_is_fixed_in_its_language_and_its_verdict_not_kept() -> None:
    """Verdicts on recurring lines are kept for lines up to a bound only (memory), and a
    longer line is judged the same way."""
    english = (
        "One of the speakers said: this is the first time that wecan talk about our common"
        " future, and then she thanked everyone for coming. "
        + "The committee discussed housing, transport, schools and the budget for next year. "
        * 25
    )
    text = (
        "Die Versammlung fand am Dienstag im Rathaus statt, und die Leute kamen von überall.\n"
        + english
        + "\nDanach sprach der Bürgermeister lange über die neue Brücke."
    )
    assert len(english) > typos.FOREIGN_LINE_CACHED_MAX_CHARS
    kept_before = typos._recurring_line_language.cache_info().currsize
    fixed, repairs = repair_text(text, language="de")
    assert "first time that we can talk" in fixed
    assert [(r.before, r.after) for r in repairs] == [("wecan", "we can")]
    assert typos._recurring_line_language.cache_info().currsize == kept_before


def _band_words(lexicon: typos.Lexicon) -> list[str]:
    """The words of four letters or more that `_is_settled` may judge."""
    if lexicon.language == "en":
        items = ((word, round(zipf * 100)) for word, zipf in lexicon.zipf.items())
    else:
        items = lexicon.zipf.items_in_hundredths()
    low, high = round(typos.SETTLED_MIN_ZIPF * 100), round(typos.JOINED_WORD_ZIPF * 100)
    return sorted(word for word, frequency in items if low <= frequency < high and len(word) >= 4)


@pytest.mark.parametrize("language", ["de", "pl", "es", "en"])
def test_settled_words_are_those_the_rules_never_split(language: str) -> None:
    """The words judged when a lexicon is built (`_is_settled`) are judged as the rules
    judge them at a text: a sample of the band's words, and its unsettled ones."""
    import random

    lexicon = typos._lexicon(language)
    band = _band_words(lexicon)
    sample = random.Random(7).sample(band, 2000) + sorted(lexicon.unsettled)[:300]
    compounds = language in typos.COMPOUND_LANGUAGES
    for word in sample:
        if language == "en":
            splittable = typos._split_run_together(word, lexicon) is not None or bool(
                typos._english_text_cuts(word, lexicon)
            )
        else:
            splittable = typos._split_in_language(
                word, lexicon, compounds=compounds
            ) is not None or bool(typos._text_cuts(word, lexicon))
        assert typos._is_settled(word, lexicon) is not splittable, word


def test_settled_words_change_no_repair(monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts of band words, unsettled ones among them written both run together and apart,
    are repaired alike with the words judged at the text instead."""
    import random

    rng = random.Random(11)
    texts = []
    for language in ("de", "pl", "es", "fr", "en"):
        lexicon = typos._lexicon(language)
        unsettled = sorted(word for word in lexicon.unsettled if word.isalpha())
        band = [word for word in _band_words(lexicon) if typos._is_settled(word, lexicon)]
        settled = rng.sample(band, 40)
        common = rng.sample(sorted(word for word in lexicon.sound if len(word) >= 4), 60)
        for word in rng.sample(unsettled, 30):
            if language == "en":
                readings = typos._english_text_cuts(word, lexicon)
            else:
                readings = typos._text_cuts(word, lexicon)
            apart = " ".join(readings[0]) if readings else ""
            words = rng.sample(common, 8) + rng.sample(settled, 3)
            rng.shuffle(words)
            texts.append((language, f"{' '.join(words[:5])} {word} {' '.join(words[5:])} {apart}."))
    repaired = [typos.fix_typos(text, language) for language, text in texts]
    assert any(repairs for _text, repairs in repaired[:120])
    assert any(repairs for _text, repairs in repaired[120:])  # (English)
    monkeypatch.setattr(typos, "_is_settled", lambda folded, lexicon: False)
    typos._fix_word.cache_clear()
    typos._text_readings.cache_clear()
    try:
        assert [typos.fix_typos(text, language) for language, text in texts] == repaired
    finally:
        typos._fix_word.cache_clear()
        typos._text_readings.cache_clear()


def test_loading_a_lexicon_builds_what_its_rules_build_at_first_use() -> None:
    """`load_lexicons` (run by the workers' forkserver) leaves no per-language structure
    for a worker to build again after each recycling: the function words' tries and the
    English set of common words for the one-edit checks."""
    typos._function_word_tries.cache_clear()
    typos._near_word_targets.cache_clear()
    typos.load_lexicons(("en", "de"))
    assert typos._function_word_tries.cache_info().currsize == 2
    assert typos._near_word_targets.cache_info().currsize == 1
    hits = typos._function_word_tries.cache_info().hits
    typos.fix_typos("Sie gingen gesternindie Stadt und kauften Brot und Milch.", "de")
    typos.fix_typos("They went to the market andbought bread and milk today.", "en")
    assert typos._function_word_tries.cache_info().currsize == 2
    assert typos._function_word_tries.cache_info().hits > hits
    assert typos._near_word_targets.cache_info().currsize == 1


@pytest.mark.parametrize(
    ("word", "derived"),
    [
        ("completely", True),  # complete + ly
        ("unbearably", True),  # unbearable, its `le` taken off
        ("eroded", True),  # erode + d
        ("shopping", True),  # shop, its consonant doubled
        ("flickering", True),
        ("belly", False),  # `bel` is under four letters, and `belle` takes no `-ly`
        ("gently", True),  # gentle
        ("string", False),  # `str` is under four letters
        ("hundred", False),
        ("window", False),
    ],
)
def test_english_derived_forms(word: str, derived: bool) -> None:
    assert typos._is_derived_form(word, typos._lexicon("en").zipf) is derived


def test_function_words_are_barren_on_the_side_they_build_no_words() -> None:
    lexicon = typos.Lexicon(
        zipf={"theory": 4.0, "thermal": 4.0, "therapy": 4.0, "whichever": 3.0, "bathe": 3.0},
        misspellings={},
        sound=frozenset(),
        never_split=frozenset(),
        prefixes=frozenset(),
        suffixes=frozenset(),
        function_words=frozenset({"the", "which"}),
    )
    barren = set(typos._count_built_words(lexicon))
    assert ("the", "left") not in barren  # theory, thermal, therapy
    assert ("the", "right") in barren  # bathe is under three letters longer
    assert ("which", "left") in barren  # whichever alone
    assert ("which", "right") in barren


_CAPITAL_JOIN_PIECES = [
    "die",
    "Erdbeeren",
    "aB",
    "ß",
    "Ü",
    "ä",
    " ",
    "\n",
    "„",
    "“",
    "–",
    "ж",
    "[",
    "@",
    ".",
    "-",
    "7",
    "'",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CAPITAL_JOIN_PIECES), max_size=20).map("".join))
def test_capital_joins_are_the_capital_join_tokens_of_any_text(text: str) -> None:
    # The search maps each character to one byte (beyond Latin-1 too): the tokens and
    # their offsets must be those a search for the token at every character finds.
    found = [(match.span(), match[0]) for match in typos._capital_joins(text)]
    expected = [(match.span(), match[0]) for match in typos._CAPITAL_JOIN.finditer(text)]
    assert found == expected


def test_capital_joins_after_characters_beyond_latin_1_keep_their_offsets() -> None:
    text = "„Wir sind“ – gesagt einDer Druck, жdasHaus"
    assert [match[0] for match in typos._capital_joins(text)] == ["einDer"]
    assert [match.span() for match in typos._capital_joins(text)] == [(20, 26)]


def test_a_split_its_context_confirms_is_made_only_where_the_context_is() -> None:
    text = (
        "The robot moves with a feellike precision.\n"
        "The new stadium will feellike a second home.\n"
        "They say we\ufffdllbe fine, but llbe is no word here."
    )
    fixed, repairs = typos.fix_typos(text, "en")
    assert fixed == (
        "The robot moves with a feellike precision.\n"
        "The new stadium will feel like a second home.\n"
        "They say we\ufffdll be fine, but llbe is no word here."
    )
    assert [(repair.before, repair.after) for repair in repairs] == [
        ("feellike", "feel like"),
        ("llbe", "ll be"),
    ]


@pytest.mark.parametrize(
    ("word", "reading"),
    [
        ("llbe", ("apostrophe", "ll be")),
        ("somethinglike", ("object", "something like")),
        ("bycamperslo", ("byline", "by camperslo")),
        ("kokopuffsays", ("signature", "kokopuff says")),
        ("amon", ("after_i", "am on")),
        ("byre", None),  # a word
        ("lifelike", None),  # known at Zipf 2.75
        ("amass", None),  # `ass` follows no `am`
    ],
)
def test_english_readings_for_the_context(word: str, reading: tuple[str, str] | None) -> None:
    assert typos._split_in_context(word) == reading


def test_english_accidental_joins_are_codespell_joins_of_two_common_words() -> None:
    lexicon = typos._lexicon("en")
    assert {"aswell", "eachother", "noone", "upto"} <= lexicon.joins
    assert lexicon.misspellings["aswell"] == "as well"
    assert "aswell" not in lexicon.sound  # (a candidate, though wordfreq knows it)
    for join in lexicon.joins:
        halves = lexicon.misspellings[join].split(" ")
        assert "".join(halves) == join
        assert min(lexicon.zipf[half] for half in halves) >= typos.ACCIDENTAL_JOIN_HALF_MIN_ZIPF
        assert lexicon.zipf.get(join, 0.0) <= typos.ACCIDENTAL_JOIN_MAX_ZIPF
    words = {"tome", "alot", "workin", "everyday", "cannot", "into", "onto", "maybe", "anyway"}
    assert not words & lexicon.joins
    assert "aboutit" not in lexicon.joins  # French (`aboutir`)
    assert typos._fix_word("incase") == ("in case", "misspelling")  # (as before)
    assert typos._fix_word("aswell") == ("as well", "run_together")
