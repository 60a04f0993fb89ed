"""Records cross process boundaries: pickling must give back an equal record."""

import pickle

import pytest

from newsclean.record import Article, RawUnit, Rejected, Removal, Repair

RECORDS = [
    RawUnit(
        "in/a.jsonl#2", "a.jsonl#2", "jsonl", "html", b"<p>x</p>", {"url": "https://a.example/"}
    ),
    RawUnit("in/b.txt", "b.txt", "text", "text", "plain text"),
    Article(
        "0" * 32,
        "in/b.txt",
        "text",
        "Story.",
        title="Title",
        authors=("A. Writer", "B. Writer"),
        categories=("World",),
        removed=(Removal("share", "Share this"),),
        repairs=(Repair("mojibake", "â€™", "’"),),
    ),
    Article("1" * 32, "in/c.md", "markdown", "Only text."),
    Rejected("in/d.html", "html", "extract", "extract.no_content", "no main text", b"<html/>"),
    Rejected("in/e.txt", "text", "read", "read.empty"),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda record: type(record).__name__)
def test_pickle_round_trip_gives_an_equal_record(record):
    for protocol in (pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL):
        copy = pickle.loads(pickle.dumps(record, protocol=protocol))
        assert copy == record
        assert type(copy) is type(record)


def test_white_space_is_squeezed_one_way() -> None:
    from newsclean.text import paragraphs, squeeze

    assert squeeze("  a \t b\u00a0\n c  ") == "a b c"
    assert squeeze("") == ""
    assert paragraphs(["  one  two ", "", " \t ", "three"]) == ["one two", "three"]
