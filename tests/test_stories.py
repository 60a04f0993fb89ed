"""Near-duplicates and story clusters: golden cases, stability across runs and days,
out-of-order backfill, bounds, and the lake round trip (stories table, check)."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import re
import shutil
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import REPO, sample_article

from newsclean.check import check_partition
from newsclean.config import Settings, SettingsError
from newsclean.day import restore_day, run_day
from newsclean.lake import (
    MANIFEST,
    PartWriter,
    partition_dir,
    read_json,
    read_partition,
    write_json_atomic,
)
from newsclean.rows import article_record
from newsclean.stories import keep_signatures, label_staged, store
from newsclean.stories.cluster import Compared, _bucket_pairs, canonical_order, label_day
from newsclean.stories.dates import UNDATED, days_apart, stated_day
from newsclean.stories.features import (
    FEATURES_VERSION,
    LEAD_CHARACTERS,
    NUM_PERM,
    TERMS,
    TITLE_BOOST,
    TITLE_TERMS,
    StoryTerms,
    TermTable,
    Tokens,
    article_features,
    cosine,
    pair_scores,
    rarities,
    signature,
    signatures,
    similarity,
    story_terms,
    term_hash,
    title_overlap,
    tokenise,
    word_hashes,
    words,
)
from newsclean.stories.store import article_time, read_window, signatures_path
from newsclean.validate import ARTICLE, STORY

CASES = json.loads((REPO / "tests" / "cases" / "stories" / "day.json").read_text())["articles"]
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
DAY = date(2026, 2, 13)
SETTINGS = Settings(workers=1)


def _id(key: str) -> str:
    """A stable 32-hex article id for a case key."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _label(cases: list[dict], past: Compared | None = None) -> dict[str, tuple]:
    """Labels by case key, computed as publish does (features, canonical order)."""

    ids = [_id(case["key"]) for case in cases]
    times = [
        article_time(datetime.fromisoformat(case["published_at"].replace("Z", "+00:00")), DAY)
        for case in cases
    ]
    order = canonical_order(ids, times)
    ordered = [cases[index] for index in order]
    labels = label_day(
        past or Compared.empty(),
        [ids[index] for index in order],
        np.asarray([times[index] for index in order], dtype=np.int64),
        signatures([case["text"] for case in ordered]),
        TermTable.of([story_terms(c["title"], c["text"], "en") for c in ordered]),
        duplicate_threshold=0.8,
        story_hours=72.0,
    )
    return {
        case["key"]: (label.duplicate_of, label.similarity, label.story_id)
        for case, label in zip(ordered, labels, strict=True)
    }


def test_golden_day() -> None:
    labels = _label(CASES)
    for case in CASES:
        duplicate_of, score, story_id = labels[case["key"]]
        expected = case["expect"]
        wanted = _id(expected["duplicate_of"]) if expected["duplicate_of"] else None
        assert duplicate_of == wanted, case["key"]
        assert (score is None) == (wanted is None), case["key"]
        if score is not None:
            assert 0.8 <= score <= 1.0, case["key"]
        story = expected["same_story"] or case["key"]
        assert story_id == labels[story][2], case["key"]
    # Different stories on one topic stay apart: every case without a same_story
    # starts its own.
    starts = [case["key"] for case in CASES if case["expect"]["same_story"] is None]
    assert len({labels[key][2] for key in starts}) == len(starts)
    assert all(labels[key][2] == _id(key) for key in starts)


def test_labels_do_not_depend_on_the_order_articles_come_in() -> None:
    shuffled = CASES[:]
    random.Random(7).shuffle(shuffled)
    assert _label(shuffled) == _label(CASES)


def test_canonical_copy_is_the_earliest_ties_by_id() -> None:
    text = CASES[0]["text"]
    same_time = [
        {"key": key, "published_at": "2026-02-13T08:00:00Z", "title": "t", "text": text}
        for key in ("b", "a", "c")
    ]
    labels = _label(same_time)
    first = min(_id(key) for key in ("a", "b", "c"))
    assert {labels[key][0] for key in ("a", "b", "c")} == {None, first}
    assert all(labels[key][2] == first for key in ("a", "b", "c"))


def test_signatures_rate_copies_high_and_other_stories_low() -> None:
    rows = signatures([CASES[0]["text"], CASES[1]["text"], CASES[3]["text"], CASES[4]["text"]])
    assert rows.shape == (4, NUM_PERM) and rows.dtype == np.uint32
    assert similarity(rows[0], rows[1]) >= 0.8  # wire prefix and boilerplate
    assert similarity(rows[0], rows[2]) < 0.3  # the same story rewritten is no copy
    assert similarity(rows[0], rows[3]) < 0.1
    assert np.array_equal(
        rows, signatures([c["text"] for c in (CASES[0], CASES[1], CASES[3], CASES[4])])
    )


# Texts with what tokenising must get right: ASCII only, other scripts and marks, a
# code point beyond the first 65,536, digits of other scripts, underscores, a word cut
# by punctuation, a lone surrogate.
TOKEN_TEXTS = [
    "The council's 2024 budget: £3.5m (U.S.) for well-known roads_and_bridges.",
    "Köln's Straße — “naïve” café; İstanbul ΣΊΣΥΦΟΣ ﬁnance ½ ٣٤ 東京タワー 12:30",
    "Mathematical 𝐀𝐁𝐂 and 𠀀𠀁 words, emoji 😀 between, e\u0301cole, x\ud800y",
    "",
    "   ...   ",
]


@pytest.mark.parametrize("text", TOKEN_TEXTS)
def test_words_are_tokenised_and_hashed_as_the_regular_expression_finds_them(
    text: str,
) -> None:
    """`tokenise` finds the words of Python's `\\w+` (`words`) with numpy, and hashes
    each as `word_hashes` hashes it alone, wherever it lies in the text."""
    lowered = text.lower()
    tokens = tokenise(lowered)
    found = _found_words(tokens, lowered)
    assert found == words(text)
    assert np.array_equal(tokens.hashes, word_hashes(found))
    assert [term_hash(word) for word in found] == tokens.hashes.view(np.int64).tolist()
    shifted = tokenise("padding, " + lowered)
    assert np.array_equal(shifted.hashes[1:], tokens.hashes)


def _found_words(tokens: Tokens, lowered: str) -> list[str]:
    """The words `tokenise` found, as strings of the lower-cased text."""
    return [
        lowered[start : start + length]
        for start, length in zip(tokens.starts.tolist(), tokens.lengths.tolist(), strict=True)
    ]


@pytest.mark.parametrize("points", [range(0x10000), range(0x10000, 0x110000, 7)])
def test_words_of_every_code_point_are_lower_cased_as_str_lower_does(points: range) -> None:
    """`tokenise` lower-cases by a table (and by `str.lower` for the two code points it
    cannot map alone, and for a text beyond the first 65,536): the words of every code
    point, each inside a word and at the end of one (where a capital sigma is final),
    are those of `str.lower`."""
    text = " ".join(f"A{chr(point)}b X{chr(point)}" for point in points)
    for part in (text, text.replace("\u0130", "I").replace("\u03a3", "S")):
        tokens = tokenise(part)
        found = _found_words(tokens, part.lower())
        assert found == words(part)
        assert np.array_equal(tokens.hashes, word_hashes(found))


BATCH_TEXTS = [
    (None, "", "en"),
    ("Ένας ΤΙΤΛΟΣ", "ΟΔΟΣ ΣΊΣΥΦΟΣ στην Αθήνα 2024, ΣΑΣ λέει.", "el"),
    ("İstanbul'da", "İSTANBUL İzmir ve Ankara 12 3", "tr"),
    ("Mathematical 𝐀𝐁𝐂", "Words 😀 beyond 𠀀 the first plane, 42 of them.", "en"),
    ("", "one two", None),
    ("Köln", "Straße — “naïve” café " * 300, "de"),
    ("A headline", "word " * 3000, "zz"),
]


def test_batch_features_equal_each_articles_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """The features of articles computed together, in passes of several articles and
    languages, are those of each article computed alone, to the last bit; the passes
    split by article count and by characters (an article longer than a pass alone)."""
    from newsclean.stories import features

    articles = BATCH_TEXTS + [(case["title"], case["text"], "en") for case in CASES]
    alone = [article_features(*article) for article in articles]
    for batch, characters in ((3, 1 << 20), (256, 2000), (1, 1)):
        monkeypatch.setattr(features, "FEATURE_BATCH", batch)
        monkeypatch.setattr(features, "FEATURE_BATCH_CHARACTERS", characters)
        together = features.batch_features(*zip(*articles, strict=True))
        assert len(together.signatures) == len(articles)
        for index, expected in enumerate(alone):
            found = together.article(index)
            assert np.array_equal(found.signature, expected.signature)
            assert found.terms == expected.terms
    empty = features.batch_features([], [], [])
    assert empty.signatures.shape == (0, NUM_PERM) and len(empty.term_table()) == 0


def test_feature_writer_stages_the_features_of_the_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shard's writer computes the features of the texts it is given, a few
    articles at a time, and stages them in order in row groups of `batch_rows`."""
    from newsclean.stories import features
    from newsclean.stories.store import FEATURES, FeatureWriter

    monkeypatch.setattr(store, "FEATURE_BATCH", 2)
    path = tmp_path / "features.parquet"
    writer = FeatureWriter(path, batch_rows=3)
    for index, (title, text, language) in enumerate(BATCH_TEXTS):
        writer.write(f"id-{index}", title, text, language)
    writer.close()
    staged = pq.ParquetFile(path)
    assert [staged.metadata.row_group(i).num_rows for i in range(staged.num_row_groups)] == [
        3,
        3,
        1,
    ]
    table = pq.read_table(path, schema=FEATURES)
    assert table.column("id").to_pylist() == [f"id-{i}" for i in range(len(BATCH_TEXTS))]
    for index, row in enumerate(table.to_pylist()):
        expected = features.article_features(*BATCH_TEXTS[index])
        assert row["signature"] == expected.signature.tolist()
        assert tuple(row["terms"]) == expected.terms.terms
        assert tuple(row["title_terms"]) == expected.terms.title
        assert np.array_equal(np.float32(row["weights"]), np.float32(expected.terms.weights))
    empty = FeatureWriter(tmp_path / "none.parquet", batch_rows=3)
    empty.close()
    assert not (tmp_path / "none.parquet").exists()


def test_a_word_set_holds_exactly_its_words() -> None:
    """`WordSet` (the common words that story words are filtered by) answers as a
    set would, for slots that hold one word and slots that hold several."""
    from newsclean.stories.features import WordSet, _slots

    rng = np.random.default_rng(23)
    words = np.unique(rng.integers(0, 2**63, 5000, dtype=np.int64).view(np.uint64) * np.uint64(2))
    words = np.concatenate([word_hashes(["a", "the", "of"]), words])
    words.sort()
    found = np.concatenate([words, words + np.uint64(1), word_hashes(["an", "zebra"])])
    holds = WordSet.of(words).holds(found)
    assert holds.tolist() == [int(value) in set(words.tolist()) for value in found]
    assert np.bincount(_slots(words)).max() > 1  # slots shared by several words were tried


def test_a_rarity_table_finds_each_word_as_a_dictionary_does() -> None:
    """`RarityTable.weights` searches only the keys that share a word's top bits: it
    finds every listed word, in runs of one key and in the widest runs, at both ends of
    the table, and no unlisted one."""
    from newsclean.stories.features import MAX_ZIPF, RarityTable, _bucket_weights, _mixed

    rng = np.random.default_rng(23)
    hashes = np.unique(rng.integers(0, 2**63, 3000, dtype=np.int64).view(np.uint64) * np.uint64(2))
    keys = np.unique(
        np.concatenate(
            [
                _mixed(hashes),
                np.arange(40, dtype=np.uint64),  # one wide run of keys with top bits 0
                np.array([2**64 - 1], dtype=np.uint64),  # the greatest key
            ]
        )
    )
    buckets = rng.integers(0, 800, len(keys)).astype(np.uint16)
    common = word_hashes(["the"])
    table = RarityTable.of(keys, buckets, common)
    assert table.steps >= 6  # the run of 40 needs six halvings
    listed = dict(zip(keys.tolist(), _bucket_weights()[buckets].tolist(), strict=True))
    wanted = np.concatenate([keys, keys + np.uint64(1), keys - np.uint64(1)])
    # weights takes word hashes: undo the mixing (an odd multiplier) the keys carry
    found = wanted * np.uint64(pow(0xFF51AFD7ED558CCD, -1, 1 << 64))
    assert np.array_equal(_mixed(found), wanted)
    expected = [listed.get(key, MAX_ZIPF) for key in wanted.tolist()]
    assert table.weights(found).tolist() == expected
    empty = RarityTable.of(np.zeros(0, np.uint64), np.zeros(0, np.uint16), common)
    assert empty.weights(found[:3]).tolist() == [MAX_ZIPF] * 3


def test_words_grouped_by_article_then_hash_as_lexsort_groups_them() -> None:
    from newsclean.stories.features import _grouped_order

    rng = np.random.default_rng(5)
    article = np.sort(rng.integers(0, 40, 3000))
    hashes = rng.integers(0, 50, 3000).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    order = _grouped_order(hashes, article)
    expected = np.lexsort((hashes, article))
    assert np.array_equal(article[order], article[expected])
    assert np.array_equal(hashes[order], hashes[expected])
    assert sorted(order.tolist()) == list(range(3000))
    assert len(_grouped_order(hashes[:0], article[:0])) == 0


def test_shingles_of_words_that_trade_letters_differ() -> None:
    """A shingle's hash is no sum of its letters: words that trade letters, or the same
    words in another order, make other shingles."""
    base = signature("ab cd ef gh ij")
    assert similarity(base, signature("ac bd ef gh ij")) < 0.1
    assert similarity(base, signature("cd ab ef gh ij")) < 0.1
    assert similarity(base, signature("Ab, CD! ef gh ij")) == 1.0  # case and punctuation


def _plain_story_terms(title: str, text: str) -> tuple[list[int], list[float], list[int]]:
    """The story words as docs/stories.md states them, counted with Python's own
    tools: the words of the headline and of the first LEAD_CHARACTERS of the text."""
    headline = words(title)
    lowered = text.lower()
    lead = [m.group() for m in re.finditer(r"\w+", lowered) if m.start() < LEAD_CHARACTERS]
    counts = Counter(lead)
    for word in headline:
        counts[word] += TITLE_BOOST
    vocabulary = list(counts)
    idf = dict(zip(vocabulary, rarities(vocabulary, "en").tolist(), strict=True))
    weight = {word: idf[word] * (1 + math.log(counts[word])) for word in vocabulary}
    unsigned = {word: term_hash(word) % (1 << 64) for word in vocabulary}
    top = sorted(
        (word for word in vocabulary if idf[word] > 0),
        key=lambda word: (weight[word], unsigned[word]),
        reverse=True,
    )[:TERMS]
    norm = math.sqrt(sum(weight[word] ** 2 for word in top)) or 1.0
    distinctive = sorted((-idf[w], term_hash(w)) for w in set(headline) if idf[w] > 0)
    return (
        [term_hash(word) for word in top],
        [weight[word] / norm for word in top],
        [term for _, term in distinctive[:TITLE_TERMS]],
    )


@pytest.mark.parametrize("index", range(len(CASES)))
def test_story_terms_are_the_documented_count_of_headline_and_lead(index: int) -> None:
    case = CASES[index]
    long_text = case["text"] + " " + "Zephyrine Quillborne harbour 2026. " * 120
    for text in (case["text"], long_text):  # the second runs past the lead
        terms = story_terms(case["title"], text, "en")
        expected_terms, expected_weights, expected_title = _plain_story_terms(case["title"], text)
        assert list(terms.terms) == expected_terms
        assert list(terms.weights) == pytest.approx(expected_weights, abs=1e-6)
        assert list(terms.title) == expected_title


def test_story_terms_leave_out_common_words_and_keep_names_and_numbers() -> None:
    terms = story_terms(
        "Harlow council approves budget", "The council said 21 votes for Harlow.", "en"
    )

    assert term_hash("harlow") in terms.terms and term_hash("harlow") in terms.title
    assert term_hash("the") not in terms.terms and term_hash("said") not in terms.terms
    assert term_hash("21") in terms.terms
    assert abs(sum(w * w for w in terms.weights) - 1.0) < 1e-5


def test_articles_further_apart_than_story_hours_start_new_stories() -> None:
    first, rewrite = CASES[5], {**CASES[6], "published_at": "2026-02-20T16:05:00Z"}
    labels = _label([first, rewrite])
    assert labels[rewrite["key"]][2] == _id(rewrite["key"])


def test_a_story_stays_open_while_its_coverage_goes_on() -> None:
    """An article joins the story of an earlier canonical copy it matches when it was
    published within story_hours of that story's latest article: here a copy run on
    another site two and a half days later keeps the story open for a rewrite that
    comes four days after the first article."""
    first = CASES[5]  # ring-flock, 2026-02-13T15:40
    copy = {**first, "key": "ring-flock-syndicated", "published_at": "2026-02-16T04:00:00Z"}
    copy["text"] = "(AP) — " + first["text"]
    rewrite = {**CASES[6], "published_at": "2026-02-17T16:05:00Z"}
    labels = _label([first, copy, rewrite])
    assert labels["ring-flock-syndicated"][0] == _id("ring-flock")
    assert labels[rewrite["key"]][2] == _id("ring-flock")
    # Without the copy the story closed 72 hours after its first article.
    assert _label([first, rewrite])[rewrite["key"]][2] == _id(rewrite["key"])


def _day(year: int, month: int, day: int) -> int:
    return (date(year, month, day) - date(1970, 1, 1)).days


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("Nintendo Download - November 8, 2012", "This week's content.", _day(2012, 11, 8)),
        (
            "Hacker Monthly news",
            "By Lim Cheng Soon, 14 November 2010\nToday...",
            _day(2010, 11, 14),
        ),
        ("Release notes", "2012-11-08\nThe release.", _day(2012, 11, 8)),
        ("Posted", "Posted: Thursday, April 21st, 2022. 10:11 pm CST.", _day(2022, 4, 21)),
        ("Sitzung des Rates", "Von Anna Berg, 14. März 2021\nDer Rat...", _day(2021, 3, 14)),
        ("Rat tagt am 21.04.2022", "Der Rat tagt.", _day(2022, 4, 21)),
        ("Deuda externa", "14 de noviembre de 2010\nNicaragua...", _day(2010, 11, 14)),
        ("Le conseil", "Publié le 1er janvier 2020", _day(2020, 1, 1)),
        # The headline's date comes first; an impossible date is no date.
        ("Issue of 31 February 2012, out March 2, 2012", "", _day(2012, 3, 2)),
        # No year, a slashed date (month or day first?), a lead sentence: no date.
        ("Storm expected on November 8", "Officials said on Monday.", UNDATED),
        ("Figures of 03/04/2012", "A short line.", UNDATED),
        (
            "Moon landing remembered",
            "Fifty years after Neil Armstrong stepped onto the Moon on July 20, 1969, "
            "crowds gathered in Houston to remember the mission.",
            UNDATED,
        ),
        (None, "", UNDATED),
    ],
)
def test_stated_day_is_the_full_date_of_the_headline_or_dateline(
    title: str | None, text: str, expected: int
) -> None:
    assert stated_day(title, text) == expected


def test_stated_days_are_apart_when_even_their_nearest_hours_are_beyond_story_hours() -> None:
    first = np.array([_day(2012, 11, 1)] * 5 + [UNDATED], dtype=np.int32)
    second = np.array(
        [_day(2012, 11, d) for d in (1, 3, 4, 5, 8)] + [_day(2012, 11, 8)], dtype=np.int32
    )
    assert days_apart(first, second, 72.0).tolist() == [False, False, False, True, True, False]
    assert days_apart(second, first, 72.0).tolist() == days_apart(first, second, 72.0).tolist()
    assert days_apart(first, second, 24.0 * 7).tolist() == [False] * 6


def _series_issue(day: int, games: str) -> dict:
    return {
        "key": f"download-{day}",
        "published_at": "2026-02-13T08:00:00Z",  # an archive scraped in one day
        "title": f"Quillborne Download Highlights New Digital Content - November {day}, 2012",
        "text": f"This week's Quillborne Download includes the following featured content: "
        f"{games}. Quillborne eShop titles and Quillborne Video episodes for Zephyrine "
        "systems are available in the Quillborne eShop and on Quillborne Video.",
    }


def test_issues_of_a_series_whose_dates_are_further_apart_than_story_hours_are_two_stories() -> (
    None
):
    """A headline template with another date a week later, and the series' own words
    in both leads, is two stories however alike the words; a day later (or without the
    dates) it is one, as a story updated the next day is."""
    first = _series_issue(1, "Freakyforms Deluxe, Style Savvy Trendsetters, Fractured Soul")
    week_later = _series_issue(8, "Paper Sticker Star, Pokedex Pro, Epic Mickey Illusion")
    next_day = {**week_later, "key": "download-2", "title": week_later["title"].replace("8", "2")}
    terms = [story_terms(c["title"], c["text"], "en") for c in (first, week_later)]
    assert title_overlap(*terms) == 1.0 and cosine(*terms) >= 0.5  # alike by their words
    assert _label([first, week_later])["download-8"][2] == _id("download-8")
    assert _label([first, next_day])["download-2"][2] == _id("download-1")
    undated = [{**c, "title": c["title"].split(" - ")[0]} for c in (first, week_later)]
    assert _label(undated)["download-8"][2] == _id("download-1")


def test_a_story_updated_two_days_later_stays_one_story() -> None:
    """A rising toll: the update's dateline states a day two days later than the first
    report's, within story_hours, and its numbers are others: still one story."""
    first = {
        "key": "quake",
        "published_at": "2026-02-13T08:00:00Z",
        "title": "Earthquake in Quillborne province kills 50",
        "text": "By Anna Berg, 13 February 2026\nA magnitude 7.1 earthquake struck "
        "Quillborne province near Zephyrine on Friday, killing at least 50 people and "
        "destroying hundreds of homes in Gravenor, rescuers said.",
    }
    update = {
        "key": "quake-toll",
        "published_at": "2026-02-15T09:00:00Z",
        "title": "Quillborne earthquake death toll rises to 120",
        "text": "By Anna Berg, 15 February 2026\nThe death toll from the magnitude 7.1 "
        "earthquake in Quillborne province rose to 120 on Sunday as rescuers searched "
        "the rubble of homes in Gravenor and Zephyrine.",
    }
    assert stated_day(first["title"], first["text"]) != stated_day(update["title"], update["text"])
    assert _label([first, update])["quake-toll"][2] == _id("quake")


def test_bucket_pairs_are_bounded_per_article() -> None:
    rows = np.arange(500, dtype=np.int64)
    keys = np.zeros(500, dtype=np.uint64)  # 500 articles in one bucket
    queries, candidates = _bucket_pairs(rows, keys, first=0, limit=4, earliest=True)
    assert len(queries) <= 4 * 500
    assert set(candidates.tolist()) == {0, 1, 2, 3}
    assert np.all(candidates < queries)


def test_pairs_compared_a_few_at_a_time_give_the_same_matches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The signature and story-word pairs are compared in chunks (each array small);
    the chunk size changes no match, no similarity and no order."""
    from newsclean.stories import cluster

    rng = np.random.default_rng(5)
    originals = rng.integers(0, 2**32, size=(40, NUM_PERM), dtype=np.uint32)
    copies = originals.copy()
    changed = rng.random(copies.shape) < 0.1  # near-duplicates: about 90 % equal
    copies[changed] = rng.integers(0, 2**32, size=int(changed.sum()), dtype=np.uint32)
    day = np.concatenate([originals, copies, originals[:10]])
    cases = CASES * 4  # every story's articles four times: many word pairs
    terms = TermTable.of([story_terms(c["title"], c["text"], "en") for c in cases])
    canonical = np.ones(len(cases), dtype=bool)

    def matches() -> tuple:
        duplicates = cluster._duplicates(Compared.empty(), day, 0.5)
        stories = cluster._story_candidates(terms, canonical, 0, story_hours=72.0)
        return duplicates, stories

    whole = matches()
    assert sum(map(len, whole[0].values())) > 40 and sum(map(len, whole[1].values())) > 40
    calls = Counter()
    for name in ("_similarities", "pair_scores"):
        original = getattr(cluster, name)

        def counted(*args, original=original, name=name):
            calls[name] += 1
            return original(*args)

        monkeypatch.setattr(cluster, name, counted)
    for size in (1, 7):
        monkeypatch.setattr(cluster, "SIMILARITY_PAIRS", size)
        monkeypatch.setattr(cluster, "STORY_PAIRS", size)
        calls.clear()
        assert matches() == whole, size
        assert calls["_similarities"] > 5 and calls["pair_scores"] > 5, calls


def test_window_memory_per_article_is_bounded() -> None:
    count = 20_000
    cases = [CASES[i % len(CASES)] for i in range(200)]
    table = TermTable.of([story_terms(c["title"], c["text"], "en") for c in cases] * (count // 200))
    sigs = np.zeros((count, NUM_PERM), dtype=np.uint32)
    per_article = (table.nbytes + sigs.nbytes + 8 + 1) / count
    assert per_article < 1024, per_article


# The lake: clustering at publish over staged parts, and the signature window.


def _publish(
    lake: Path, day: date, cases: list[dict], settings: Settings = SETTINGS, *, shards: int = 1
) -> dict:
    """Stage the cases as article parts (one per shard) and cluster them as publish
    does; returns the labeled rows by key."""
    work, parts = _stage(lake, day, cases, settings, shards=shards)
    labeled = label_staged(lake, day, parts, work / "labeled", settings)
    keep_signatures(lake, day, labeled.signatures)
    rows = pq.read_table(work / "labeled" / "articles").to_pylist()
    keys = {_id(case["key"]): case["key"] for case in cases}
    return {keys[row["id"]]: (row["duplicate_of"], row["story_id"]) for row in rows}


def _stage(
    lake: Path, day: date, cases: list[dict], settings: Settings, *, shards: int = 1
) -> tuple[Path, list[Path]]:
    """Stage the cases as article parts (one per shard): the work folder and the parts."""
    work = lake / "_work" / day.isoformat()
    shutil.rmtree(work, ignore_errors=True)
    (work / "staged").mkdir(parents=True)
    parts = []
    for shard in range(shards):
        part = work / "staged" / f"part-{shard:05d}.parquet"
        writer = PartWriter(part, ARTICLE, batch_rows=settings.batch_rows)
        for case in cases[shard::shards]:
            article = sample_article(
                id=_id(case["key"]),
                title=case["title"],
                text=case["text"],
                published_at=case["published_at"],
                source_domain=case.get("domain", "example.org"),
            )
            writer.write(article_record(article, ingest_date=day, pipeline_version="test"))
        writer.close()
        parts.append(part)
    return work, parts


def _labeled_files(labeled: store.Labeled) -> dict[str, object]:
    """What a labelling wrote: the labeled parts' rows, the stories part's rows, the
    signatures file's rows and the summary."""
    return {
        "articles": [pq.read_table(part).to_pylist() for part in labeled.article_parts],
        "stories": [pq.read_table(part).to_pylist() for part in labeled.story_parts],
        "signatures": pq.read_table(labeled.write_signatures()).to_pylist(),
        "summary": labeled.summary,
    }


def _read_ahead_case(lake: Path) -> tuple[Path, list[Path], dict[str, object]]:
    """A lake with a window (the day before published) and the day staged in three
    shards: the work folder, the staged parts and what labelling reads at publish."""
    settings = Settings(workers=1, batch_rows=2)
    before = DAY - timedelta(days=1)
    _publish(lake, before, [_on(case, before) for case in CASES[: len(CASES) // 2]], settings)
    work, parts = _stage(lake, DAY, CASES, settings, shards=3)
    expected = _labeled_files(
        label_staged(lake, DAY, parts, work / "at-publish", settings, signatures=False)
    )
    assert expected["summary"]["window"] == [before.isoformat()]
    return work, parts, expected


def test_what_is_read_ahead_labels_as_what_is_read_at_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A window and parts read ahead (`Preread`) give the labels, stories and signatures
    read at publish gives, and nothing is read again at publish."""
    lake = tmp_path / "lake"
    work, parts, expected = _read_ahead_case(lake)
    settings = Settings(workers=1, batch_rows=2)
    with store.Preread(DAY, settings.batch_rows) as preread:
        preread.read_window(lake, settings.story_window_days)
        preread.read_parts(parts)
        for future in [*preread._parts, preread._window[2]]:
            future.result()  # read before the readers below are replaced

        def not_again(*args: object, **kwargs: object) -> None:
            raise AssertionError("read again at publish")

        monkeypatch.setattr(store, "read_part_articles", not_again)
        monkeypatch.setattr(store, "read_window", not_again)
        labeled = label_staged(
            lake, DAY, parts, work / "ahead", settings, signatures=False, preread=preread
        )
        assert preread.parts() == {}, "handed over, not kept"
    assert _labeled_files(labeled) == expected


def test_a_failed_or_outdated_read_ahead_is_read_at_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A pre-read that failed is logged and read at publish; a part staged again after
    it was read ahead, or a window day written since, is read again: the same labels."""
    lake = tmp_path / "lake"
    work, parts, expected = _read_ahead_case(lake)
    settings = Settings(workers=1, batch_rows=2)

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError("disk gone")

    with store.Preread(DAY, settings.batch_rows) as preread, monkeypatch.context() as patched:
        patched.setattr(store, "read_part_articles", failing)
        patched.setattr(store, "read_window", failing)
        preread.read_window(lake, settings.story_window_days)
        preread.read_parts(parts)
        caplog.set_level(logging.INFO, logger="newsclean.stories.store")
        assert preread.parts() == {} and preread.window(lake, 3) is None
    assert "reading a staged part ahead failed (OSError: disk gone)" in caplog.text
    with store.Preread(DAY, settings.batch_rows) as preread:
        preread.read_parts(parts)
        labeled = label_staged(
            lake, DAY, parts, work / "failed", settings, signatures=False, preread=preread
        )
    assert _labeled_files(labeled) == expected

    # Read ahead, then staged again with other articles and the window changed.
    with store.Preread(DAY, settings.batch_rows) as preread:
        preread.read_window(lake, settings.story_window_days)
        preread.read_parts(parts)
        for future in [*preread._parts, preread._window[2]]:
            future.result()  # read before the shards are staged again
        restaged = CASES[1:]
        other = DAY - timedelta(days=2)
        _publish(lake, other, [_on(case, other) for case in CASES[-3:]], settings)
        work, parts = _stage(lake, DAY, restaged, settings, shards=3)
        labeled = label_staged(
            lake, DAY, parts, work / "outdated", settings, signatures=False, preread=preread
        )
    fresh = label_staged(lake, DAY, parts, work / "fresh", settings, signatures=False)
    assert _labeled_files(labeled) == _labeled_files(fresh)
    assert labeled.summary["window"] == [other.isoformat(), (DAY - timedelta(days=1)).isoformat()]


def _on(case: dict, day: date) -> dict:
    return {**case, "published_at": f"{day.isoformat()}{case['published_at'][10:]}"}


def test_a_rerun_gives_the_same_ids(lake: Path) -> None:
    first = _publish(lake, DAY, CASES)
    saved = signatures_path(lake, DAY).read_bytes()
    assert _publish(lake, DAY, CASES) == first
    assert signatures_path(lake, DAY).read_bytes() == saved


def test_shards_and_batches_do_not_change_the_labels(tmp_path: Path) -> None:
    whole = _publish(tmp_path / "one", DAY, CASES)
    split = _publish(tmp_path / "three", DAY, CASES, Settings(workers=1, batch_rows=2), shards=3)
    assert split == whole
    assert (tmp_path / "one" / "_profiles").is_dir()
    assert signatures_path(tmp_path / "one", DAY).read_bytes() == (
        signatures_path(tmp_path / "three", DAY).read_bytes()
    )


def _dictionary_columns(path: Path) -> set[str]:
    """The columns of a Parquet file that hold a dictionary page in some row group."""
    metadata = pq.ParquetFile(path).metadata
    return {
        metadata.schema.column(index).path.split(".")[0]
        for group in range(metadata.num_row_groups)
        for index in range(metadata.num_columns)
        if metadata.row_group(group).column(index).has_dictionary_page
    }


def test_signature_and_feature_files_dictionary_encode_only_story_ids(tmp_path: Path) -> None:
    """Ids, MinHash values and word hashes hardly repeat: the day's signatures and a
    shard's features are written without dictionaries for them (a story id repeats),
    and read back as written."""
    from newsclean.stories.store import FEATURES, SIGNATURES, FeatureWriter, read_columns

    lake = tmp_path / "lake"
    rows = _publish(lake, DAY, CASES)
    path = signatures_path(lake, DAY)
    assert _dictionary_columns(path) == {"story_id"}
    signed = read_columns(path, SIGNATURES)
    assert sorted(signed.column("story_id").to_pylist()) == sorted(
        story_id for _, story_id in rows.values()
    )
    features = tmp_path / "features.parquet"
    writer = FeatureWriter(features, batch_rows=4)
    for index, (title, text, language) in enumerate(BATCH_TEXTS):
        writer.write(f"id-{index}", title, text, language)
    writer.close()
    assert _dictionary_columns(features) == set()
    assert read_columns(features, FEATURES).num_rows == len(BATCH_TEXTS)


def test_a_part_that_cannot_be_patched_is_labeled_by_a_full_rewrite(tmp_path: Path) -> None:
    """Relabeling writes only the label columns of a part it can patch; a part it cannot
    (here: written with page indexes) is rewritten whole, with the same rows."""
    settings = Settings(workers=1, batch_rows=3)
    _publish(tmp_path / "patched", DAY, CASES, settings)
    part = tmp_path / "patched" / "_work" / DAY.isoformat() / "staged" / "part-00000.parquet"
    indexed = tmp_path / "indexed" / "part-00000.parquet"
    indexed.parent.mkdir()
    pq.write_table(pq.read_table(part), indexed, row_group_size=3, write_page_index=True)
    labeled = label_staged(tmp_path / "lake", DAY, [indexed], tmp_path / "labeled", settings)
    patched = tmp_path / "patched" / "_work" / DAY.isoformat() / "labeled" / "articles"
    expected = pq.read_table(patched / "part-00000.parquet")
    rewritten = pq.read_table(labeled.article_parts[0])
    assert rewritten.equals(expected)
    assert expected.column("story_id") != expected.column("id")  # the labels were set
    written = pq.ParquetFile(labeled.article_parts[0]).metadata.row_group(0)
    assert written.num_rows == 3 and not written.column(0).has_offset_index  # written anew


def test_a_patch_that_reads_back_wrong_is_replaced_by_a_full_rewrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every patched part is read back (ids and label columns); one whose values are not
    the labels asked for is rewritten whole, so a footer written wrongly never lands."""
    settings = Settings(workers=1, batch_rows=3)
    _publish(tmp_path / "patched", DAY, CASES, settings)
    staged = tmp_path / "patched" / "_work" / DAY.isoformat() / "staged" / "part-00000.parquet"
    expected = pq.read_table(
        tmp_path
        / "patched"
        / "_work"
        / DAY.isoformat()
        / "labeled"
        / "articles"
        / "part-00000.parquet"
    )

    def unlabeled_copy(source: Path, target: Path, columns: dict) -> bool:
        shutil.copyfile(source, target)  # a "patch" that left the staged labels in place
        return True

    monkeypatch.setattr(store, "replace_columns", unlabeled_copy)
    labeled = label_staged(tmp_path / "lake", DAY, [staged], tmp_path / "labeled", settings)
    assert pq.read_table(labeled.article_parts[0]).equals(expected)
    assert expected.column("story_id") != expected.column("id")  # labels differ from staging


def test_a_story_keeps_its_id_across_days(lake: Path) -> None:
    day1, day2 = DAY, date(2026, 2, 14)
    first = _publish(lake, day1, [CASES[5]])
    copy = {**_on(CASES[1], day2), "key": "copy-of-day1"}
    second = _publish(lake, day2, [_on(CASES[6], day2), _on(CASES[0], day1) | {"key": "early"}])
    assert second["ring-flock-rewrite"][1] == first["ring-flock"][1] == _id("ring-flock")
    stories = pq.read_table(lake / "_work" / day2.isoformat() / "labeled" / "stories")
    ring = [row for row in stories.to_pylist() if row["story_id"] == _id("ring-flock")]
    # The story began the day before: first_seen is its first article's time.
    assert [(str(r["first_seen"]), str(r["last_seen"]), r["articles"]) for r in ring] == [
        ("2026-02-13 15:40:00+00:00", "2026-02-14 16:05:00+00:00", 1)
    ]
    third = _publish(lake, date(2026, 2, 15), [copy])
    # A copy of an article of an earlier day points at it, across days.
    assert third["copy-of-day1"][0] == _id("early")
    past, window = read_window(lake, date(2026, 2, 15), 7)
    assert window == ["2026-02-13", "2026-02-14"] and len(past) == 3


def test_the_window_is_story_window_days_long(lake: Path) -> None:
    _publish(lake, DAY, [CASES[5]])
    later = date(2026, 2, 15)
    short = Settings(workers=1, story_window_days=1, story_hours=1000)
    labels = _publish(lake, later, [_on(CASES[6], later)], short)
    assert labels["ring-flock-rewrite"][1] == _id("ring-flock-rewrite")
    long = Settings(workers=1, story_window_days=2, story_hours=1000)
    labels = _publish(lake, later, [_on(CASES[6], later)], long)
    assert labels["ring-flock-rewrite"][1] == _id("ring-flock")


def test_backfill_out_of_order_changes_no_published_day(lake: Path) -> None:
    """Documented in docs/stories.md: a day is clustered against the days before it
    that are in the lake when it runs. Backfilling an earlier day later leaves the
    published later day as it is; only re-running that later day links it."""
    day1, day2 = DAY, date(2026, 2, 14)
    later = _publish(lake, day2, [_on(CASES[6], day2)])
    assert later["ring-flock-rewrite"][1] == _id("ring-flock-rewrite")
    saved = signatures_path(lake, day2).read_bytes()
    earlier = _publish(lake, day1, [CASES[5]])
    assert earlier["ring-flock"][1] == _id("ring-flock")  # a day never looks ahead
    assert signatures_path(lake, day2).read_bytes() == saved
    rerun = _publish(lake, day2, [_on(CASES[6], day2)])
    assert rerun["ring-flock-rewrite"][1] == _id("ring-flock")


def test_unreadable_signature_day_is_left_out(lake: Path) -> None:
    _publish(lake, DAY, [CASES[5]])
    signatures_path(lake, DAY).write_bytes(b"not parquet")
    past, window = read_window(lake, date(2026, 2, 14), 7)
    assert len(past) == 0 and window == []


def _with_version(path: Path, version: str) -> None:
    """Rewrite a signature or features file as if another version had written it."""
    table = pq.read_table(path)
    ((key, _),) = [(k, v) for k, v in table.schema.metadata.items() if k.startswith(b"newsclean")]
    pq.write_table(table.replace_schema_metadata({key: version.encode()}), path)


def test_a_window_day_of_other_features_is_left_out(lake: Path) -> None:
    """Signatures of another features version (other hashes) never meet these: the day
    is left out of the window, as if it had not run, and its story is not joined."""
    day2 = date(2026, 2, 14)
    _publish(lake, DAY, [CASES[5]])
    assert read_window(lake, day2, 7)[1] == ["2026-02-13"]
    _with_version(signatures_path(lake, DAY), "1")
    past, window = read_window(lake, day2, 7)
    assert len(past) == 0 and window == []
    labels = _publish(lake, day2, [_on(CASES[6], day2)])
    assert labels["ring-flock-rewrite"][1] == _id("ring-flock-rewrite")
    # The same file with this version's mark is read again.
    _with_version(signatures_path(lake, DAY), FEATURES_VERSION)
    assert read_window(lake, day2, 7)[1] == ["2026-02-13"]


def test_story_settings_are_checked() -> None:
    with pytest.raises(SettingsError, match="duplicate_threshold"):
        Settings(duplicate_threshold=1.5)
    with pytest.raises(SettingsError, match="story_window_days"):
        Settings(story_window_days=-1)
    with pytest.raises(SettingsError, match="story_hours"):
        Settings.from_mapping({"story_hours": "-2"})


# The whole path: the seeds are one story, and the lake says so in every table.


@pytest.fixture(scope="module")
def seeds_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SHARED_SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    raw = tmp_path_factory.mktemp("raw")
    for path in sorted(SHARED_SEEDS.glob("00[02]_*")):
        shutil.copy(path, raw / path.name)
    lake = tmp_path_factory.mktemp("stories") / "lake"
    run_day(str(raw), str(lake), DAY, SETTINGS)
    return lake


def test_seeds_000_and_002_are_one_story(seeds_lake: Path) -> None:
    rows = duckdb.sql(
        f"select id, story_id, duplicate_of from read_parquet("
        f"'{seeds_lake}/articles/*/*.parquet', hive_partitioning=true)"
        " order by coalesce(published_at, ingest_date), id"
    ).fetchall()
    assert len(rows) == 2
    # The story is named by its first article: 000 gives no time, so it counts from
    # the start of the ingest day, before 002's 15:40.
    assert rows[0][1] == rows[1][1] == rows[0][0]
    assert [row[2] for row in rows] == [None, None]  # rewritten, not copied
    stories = duckdb.sql(
        f"select articles, duplicates, domains from read_parquet("
        f"'{seeds_lake}/stories/*/*.parquet', hive_partitioning=true)"
    ).fetchall()
    assert stories == [(2, 0, ["techcrunch.com"])]
    problems, _summary = check_partition(str(seeds_lake), DAY)
    assert problems == []
    manifest = read_json(partition_dir(seeds_lake, STORY, DAY) / MANIFEST)
    assert manifest["stories"] == {"stories": 1, "near_duplicates": 0, "window": []}


def test_readme_top_stories_queries_run(seeds_lake: Path) -> None:
    import pandas as pd

    top = duckdb.sql(
        f"""
        SELECT story_id, arg_min(title, first_seen) AS title,
               count(DISTINCT domain) AS outlets, sum(articles) AS articles
        FROM (SELECT *, unnest(domains) AS domain
              FROM read_parquet('{seeds_lake}/stories/*/*.parquet', hive_partitioning = true))
        GROUP BY story_id ORDER BY outlets DESC, articles DESC LIMIT 10
        """
    ).fetchall()
    assert top[0][2:] == (1, 2) and top[0][1].startswith("Amazon")
    stories = pd.read_parquet(seeds_lake / "stories")
    outlets = (
        stories.explode("domains")
        .groupby("story_id")
        .agg(title=("title", "first"), outlets=("domains", "nunique"), articles=("articles", "sum"))
        .sort_values(["outlets", "articles"], ascending=False)
    )
    assert outlets["articles"].iloc[0] == 2


def test_check_reports_a_duplicate_of_outside_the_day_and_window(
    seeds_lake: Path, tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    shutil.copytree(seeds_lake, lake)
    [part] = partition_dir(lake, ARTICLE, DAY).glob("*.parquet")
    table = pq.read_table(part)
    index = table.schema.get_field_index("duplicate_of")
    table = table.set_column(
        index, table.schema.field(index), pa.array(["f" * 32, None], type=pa.string())
    )
    pq.write_table(table, part)
    problems, _summary = check_partition(str(lake), DAY)
    assert any("is neither in the day nor in its signature window" in p for p in problems)
    assert any("duplicate_of and similarity disagree" in p for p in problems)


def test_check_reports_a_stories_table_that_miscounts(seeds_lake: Path, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    shutil.copytree(seeds_lake, lake)
    for kind in (ARTICLE, STORY):
        path = partition_dir(lake, kind, DAY) / MANIFEST
        manifest = read_json(path)
        manifest["stories"]["stories"] = 2
        write_json_atomic(path, manifest)
    problems, _summary = check_partition(str(lake), DAY)
    assert "1 story rows, manifest says 2" in problems
    assert "the articles and quarantine manifests differ" in problems
    assert "the articles and stories manifests differ" not in problems


def test_term_table_take_reorders_whole_articles() -> None:
    table = TermTable.of([story_terms(c["title"], c["text"], "en") for c in CASES[:4]])
    articles = list(table)  # weights as stored: float32
    order = np.asarray([2, 0, 3, 1])
    assert [table.take(order)[i] for i in range(4)] == [articles[i] for i in order]
    assert list(TermTable.concat([TermTable.of(articles[:1]), TermTable.of(articles[1:])])) == (
        articles
    )


def test_article_times_of_a_column_equal_each_articles_own() -> None:
    values = [
        datetime(2026, 2, 13, 9, 30, 15, 999_999, tzinfo=UTC),
        None,
        datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC),  # before the epoch
        datetime(2026, 2, 12, 23, 0, tzinfo=UTC),
        datetime(2200, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    ]
    column = pa.array(values, pa.timestamp("us", tz="UTC"))
    assert store.article_times(column, DAY).tolist() == [
        article_time(value, DAY) for value in values
    ]


def test_stories_rows_count_the_days_articles_and_start_in_the_window(tmp_path: Path) -> None:
    """One row per story in the order of its first article of the day: the window's
    start when it began there, its articles and copies, distinct domains, first headline."""
    from newsclean.stories.cluster import Label

    base = int(datetime(2026, 2, 13, tzinfo=UTC).timestamp())
    window = TermTable.of([story_terms("Old", "words of an older story", "en")])
    past = Compared(
        ["p0"],
        np.asarray([base - 3600]),
        ["s-b"],
        np.asarray([True]),
        np.zeros((1, NUM_PERM)),
        window,
    )
    day = store.DayArticles(
        ids=["a", "b", "c", "d"],
        times=np.asarray([base + 60, base + 120, base + 180, base + 240]),
        signatures=np.zeros((4, NUM_PERM), dtype=np.uint32),
        terms=TermTable.of([]),
        titles=[None, "", "B headline", "A later"],
        domains=["x.example", "y.example", None, "x.example"],
    )
    labels = [
        Label(None, None, "s-a"),
        Label(None, None, "s-b"),
        Label("b", 0.9, "s-b"),
        Label("a", 0.95, "s-a"),
    ]
    path = tmp_path / "stories.parquet"
    assert store._write_stories(path, DAY, day, labels, past, SETTINGS) == 2
    rows = pq.read_table(path).to_pylist()
    utc = [datetime.fromtimestamp(base + offset, UTC) for offset in (-3600, 60, 180, 240)]
    assert rows == [
        {
            "story_id": "s-a",
            "first_seen": utc[1],
            "last_seen": utc[3],
            "articles": 2,
            "duplicates": 1,
            "domains": ["x.example"],
            "title": "A later",
        },
        {
            "story_id": "s-b",
            "first_seen": utc[0],
            "last_seen": utc[2],
            "articles": 2,
            "duplicates": 1,
            "domains": ["y.example"],
            "title": "B headline",
        },
    ]


def test_restore_brings_the_day_signatures_back_with_it(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    settings = Settings(workers=1, keep_versions=2)
    for index, case in enumerate((CASES[0], CASES[5])):
        raw = tmp_path / f"raw-{index}"
        raw.mkdir()
        (raw / "story.md").write_text(
            f'---\ntitle: "{case["title"]}"\npublished: "{case["published_at"]}"\n---\n'
            + case["text"].replace("\n", "\n\n"),
            encoding="utf-8",
        )
        run_day(str(raw), str(lake), DAY, settings)
    later_ids = pq.read_table(signatures_path(lake, DAY)).column("id").to_pylist()
    restore_day(str(lake), DAY, settings=settings)
    live = read_partition(lake, DAY, ARTICLE).column("id").to_pylist()
    window = pq.read_table(signatures_path(lake, DAY))
    assert window.column("id").to_pylist() == live != later_ids
    assert window.column("story_id").to_pylist() == live  # each its own story


def test_pair_scores_equal_cosine_and_title_overlap_to_the_last_bit() -> None:
    articles = [story_terms(c["title"], c["text"], "en") for c in CASES]
    articles += [  # no words; no headline; a hash repeated in a headline and in the words
        StoryTerms((), (), ()),
        StoryTerms(articles[0].terms, articles[0].weights, ()),
        StoryTerms(
            articles[1].terms[:3] + articles[1].terms[:1],
            (0.25, 0.5, 0.125, 0.75),
            articles[1].title[:2] + articles[1].title[:1],
        ),
    ]
    table = TermTable.of(articles)
    stored = list(table)  # weights as the lake keeps them: float32
    pairs = np.asarray([(a, b) for a in range(len(stored)) for b in range(len(stored))])
    cosines, overlaps = pair_scores(table, pairs[:, 0], pairs[:, 1])
    for (a, b), found_cosine, found_overlap in zip(
        pairs.tolist(), cosines.tolist(), overlaps.tolist(), strict=True
    ):
        assert found_cosine == cosine(stored[a], stored[b]), (a, b)
        assert found_overlap == title_overlap(stored[a], stored[b]), (a, b)
    assert cosines.max() > 0.99 and 0 < overlaps.mean() < 1  # the cases pair alike and not


def test_anchor_arrays_are_each_articles_anchors_once() -> None:
    articles = [story_terms(c["title"], c["text"], "en") for c in CASES]
    rows, keys = TermTable.of(articles).anchor_arrays()
    found: dict[int, list[int]] = {}
    for row, key in zip(rows.tolist(), keys.tolist(), strict=True):
        found.setdefault(row, []).append(key)
    for index, article in enumerate(articles):
        assert sorted(found[index]) == sorted(article.anchors)
        assert len(article.anchors) <= 8 + 12


def test_run_summary_counts_stories_and_near_duplicates(
    seeds_lake: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsclean.cli import _Clock, _print_summary

    manifest = read_json(partition_dir(seeds_lake, ARTICLE, DAY) / MANIFEST)
    _print_summary({**manifest, "input_files": 2}, str(seeds_lake), _Clock(None))
    printed = capsys.readouterr().out
    assert f"stories               1  -> {partition_dir(seeds_lake, STORY, DAY)}" in printed
    assert "near-duplicates       0  (labeled, kept)" in printed


# Features are computed in the workers and staged beside the parts; publish only compares.


def _pages(folder: Path) -> None:
    """The day's cases as HTML pages of one site that ends every page with a line of
    its template (which the template stage strips after the workers)."""
    folder.mkdir()
    for case in CASES:
        paragraphs = "".join(f"<p>{line}</p>" for line in case["text"].split("\n"))
        (folder / f"{case['key']}.html").write_text(
            "<html lang='en'><head>"
            f"<title>{case['title']}</title>"
            f"<meta property='article:published_time' content='{case['published_at']}'>"
            f"<link rel='canonical' href='https://example.org/{case['key']}'>"
            f"</head><body><article><h1>{case['title']}</h1>{paragraphs}"
            "<p>Example Gazette: all the news of the valley, every day.</p>"
            "</article></body></html>",
            encoding="utf-8",
        )


def test_staged_features_equal_the_features_of_the_published_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsclean.day import clean_shard, publish_day
    from newsclean.lake import shard_dir
    from newsclean.stories import store
    from newsclean.stories.store import features_path, read_day_articles

    raw, lake = tmp_path / "raw", tmp_path / "lake"
    _pages(raw)
    files = sorted(str(path) for path in raw.iterdir())
    clean_shard(
        files,
        input_root=str(raw),
        lake=str(lake),
        ingest_date=DAY,
        shard_id="00000",
        settings=SETTINGS,
    )
    part = next((shard_dir(lake, DAY, "00000") / "articles").glob("*.parquet"))
    rows = pq.read_table(part).to_pylist()
    assert len(rows) == len(CASES)
    # The template stage changed texts after the workers cleaned them.
    assert all(any(r["kind"] == "template" for r in row["removed"]) for row in rows)
    staged = read_day_articles([part], DAY, 3)
    saved = features_path(part).read_bytes()
    features_path(part).unlink()
    from_texts = read_day_articles([part], DAY, 3)
    assert staged.ids == from_texts.ids
    assert np.array_equal(staged.signatures, from_texts.signatures)
    assert [staged.terms[i] for i in range(len(CASES))] == [
        from_texts.terms[i] for i in range(len(CASES))
    ]
    # Publish reads the staged features: it never tokenises a text.
    features_path(part).write_bytes(saved)

    def refused(*args: object) -> None:
        raise AssertionError("publish computed features from a text")

    monkeypatch.setattr(store, "batch_features", refused)
    manifest = publish_day(str(lake), DAY, ["00000"], settings=SETTINGS)
    assert manifest["stories"]["near_duplicates"] == 2


def test_staged_features_of_other_articles_are_not_used(tmp_path: Path) -> None:
    """A features file that does not hold exactly its part's articles, in order, is
    left aside and the features are computed from the texts."""
    from newsclean.stories.store import FeatureWriter, features_path, read_day_articles

    part = tmp_path / "shard" / "articles" / "part-00000.parquet"
    part.parent.mkdir(parents=True)
    writer = PartWriter(part, ARTICLE, batch_rows=10)
    for case in CASES[:3]:
        article = sample_article(id=_id(case["key"]), title=case["title"], text=case["text"])
        writer.write(article_record(article, ingest_date=DAY, pipeline_version="test"))
    writer.close()
    expected = read_day_articles([part], DAY, 10)
    features = FeatureWriter(features_path(part), batch_rows=10)
    for case in reversed(CASES[:3]):  # the right articles in the wrong order
        features.write(_id(case["key"]), case["title"], "other", "en")
    features.close()
    found = read_day_articles([part], DAY, 10)
    assert np.array_equal(found.signatures, expected.signatures)


def test_staged_features_of_another_version_are_computed_again(tmp_path: Path) -> None:
    """A shard staged by a version with other features has them computed from the
    texts at publish: staged features of two versions never meet in one day."""
    from newsclean.stories.store import FeatureWriter, features_path, read_day_articles

    part = tmp_path / "shard" / "articles" / "part-00000.parquet"
    part.parent.mkdir(parents=True)
    writer = PartWriter(part, ARTICLE, batch_rows=10)
    features = FeatureWriter(features_path(part), batch_rows=10)
    for case in CASES[:3]:
        article = sample_article(id=_id(case["key"]), title=case["title"], text=case["text"])
        writer.write(article_record(article, ingest_date=DAY, pipeline_version="test"))
        features.write(_id(case["key"]), case["title"], "other", "en")
    writer.close()
    features.close()
    staged = read_day_articles([part], DAY, 10)  # this version's file is read as it is
    other = article_features(CASES[0]["title"], "other", "en").signature
    assert np.array_equal(staged.signatures[staged.ids.index(_id(CASES[0]["key"]))], other)
    _with_version(features_path(part), "1")
    found = read_day_articles([part], DAY, 10)
    index = found.ids.index(_id(CASES[0]["key"]))
    assert np.array_equal(found.signatures[index], signatures([CASES[0]["text"]])[0])


def test_rarities_are_wordfreq_zipf_weights_from_a_kept_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wordfreq

    from newsclean.stories import features

    monkeypatch.setenv("NEWSCLEAN_CACHE_DIR", str(tmp_path))
    features._rarity_table.cache_clear()
    vocabulary = ["the", "council", "referendum", "zoning", "qzxvbrk", "2024", "7", "ab"]
    found = features.rarities(vocabulary, "en").tolist()
    for word, weight in zip(vocabulary[:5], found[:5], strict=True):
        zipf = wordfreq.zipf_frequency(word, "en")
        expected = 8.0 if zipf == 0 else (8.0 - zipf if zipf < 5.0 else 0.0)
        assert weight == pytest.approx(expected, abs=0.006), word
    assert found[5:] == [3.5, 0.0, 0.0]  # a number, a single digit, a short word
    assert len(list(tmp_path.glob("story-rarity-en-*"))) == 1
    # A fresh process (a new worker) reads the kept table: wordfreq's list is not decoded.
    features._rarity_table.cache_clear()
    monkeypatch.setattr(wordfreq, "get_frequency_list", None)
    assert features.rarities(vocabulary, "en").tolist() == found
    features._rarity_table.cache_clear()


def test_a_copys_own_words_join_no_other_story() -> None:
    """A copy takes its canonical copy's story, and only canonical copies are compared
    for stories: the site footer a copy carries is no evidence that another article of
    that site (with the same footer) tells its story."""
    by_key = {case["key"]: case for case in CASES}
    footer = (
        "Harlow Courier: Quillborne Media, Zephyrine House, Gravenor Street. Quillborne "
        "newsletter: Zephyrine Courier editions for Harlow, Quillborne and Gravenor readers."
    )
    budget, housing = by_key["council-budget"], by_key["council-housing"]
    copy = {
        **budget,
        "key": "budget-with-footer",
        "published_at": "2026-02-13T09:00:00Z",
        "text": f"{budget['text']}\n{footer}",
    }
    other = {**housing, "text": f"{housing['text']}\n{footer}"}
    # The other story is close to the copy (the footer's rare names), not to the original.
    terms = {c["key"]: story_terms(c["title"], c["text"], "en") for c in (budget, copy, other)}
    assert cosine(terms[other["key"]], terms[copy["key"]]) >= 0.5
    assert cosine(terms[other["key"]], terms[budget["key"]]) < 0.3
    labels = _label([budget, copy, other])
    assert labels["budget-with-footer"][0] == _id("council-budget")
    assert labels["council-housing"][2] == _id("council-housing")


def test_norwegian_rarities_are_wordfreqs_bokmal_list_without_a_warning(caplog) -> None:
    from newsclean.stories.features import _build_rarity_table

    with caplog.at_level(logging.WARNING):
        norwegian = _build_rarity_table("no")
    assert not [record for record in caplog.records if record.name.startswith("wordfreq")]
    assert norwegian == _build_rarity_table("nb")


def _stories_bench() -> ModuleType:
    """benchmarks/stories_bench.py, imported."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    import stories_bench

    return stories_bench


def test_the_blind_review_judges_every_candidate_once_with_a_reason() -> None:
    """Every pair `--review-candidates` listed has one verdict of the three, with a
    reason; no pair is judged twice, nor kept post hoc beside a blind verdict."""
    bench = _stories_bench()
    entries = json.loads((bench.REVIEW_FOLDER / "verdicts.json").read_text(encoding="utf-8"))
    assert len(entries) == len(bench.BLIND_REVIEW)
    assert {entry["verdict"] for entry in entries} <= {
        bench.ONE_STORY,
        bench.TWO_STORIES,
        bench.NOT_ARTICLES,
    }
    assert all(entry["reason"].strip() for entry in entries)
    for part in ("tune", "test"):
        listed = json.loads(
            (bench.REVIEW_FOLDER / f"candidates-{part}.json").read_text(encoding="utf-8")
        )
        assert listed and all(candidate["cosine"] >= bench.REVIEW_CUT for candidate in listed)
        judged = {frozenset(e["pair"]) for e in entries if e["part"] == part}
        assert judged == {frozenset(candidate["pair"]) for candidate in listed}
    assert not bench.REVIEWED_SAME_STORY & set(bench.BLIND_REVIEW)


def test_text_cosine_weighs_nothing_a_word_every_text_holds() -> None:
    bench = _stories_bench()
    originals = [
        {"id": "a", "title": "Harbour", "text": "the harbour flooded after the storm"},
        {"id": "b", "title": "Harbour", "text": "the harbour flooded after the storm"},
        {"id": "c", "title": "Budget", "text": "the council passed the budget"},
        {"id": "d", "title": "Orchestra", "text": "the orchestra played the symphony"},
    ]
    pairs = [("a", "b"), ("a", "c"), ("c", "d")]
    cosines = bench.text_cosines(originals, pairs)
    assert cosines[("a", "b")] == pytest.approx(1.0)
    assert cosines[("a", "c")] == 0.0  # they share only "the", which every text holds
    assert cosines[("c", "d")] == 0.0
