"""Typed text becomes quoted terms, and highlighting escapes before it marks."""

import pytest

from forum.errors import InvalidAction
from forum.search.query import MAX_QUERY_LENGTH, MAX_TERMS, highlight, parse_query, snippet


def test_words_become_lowercase_quoted_terms():
    query = parse_query("Relapse  Plan")
    assert query.parts == (("relapse",), ("plan",))
    assert query.fts5() == '"relapse" "plan"'
    assert query.tsquery() == "('relapse') & ('plan')"


def test_quoted_words_stay_a_phrase():
    query = parse_query('"bad day" craving')
    assert query.parts == (("bad", "day"), ("craving",))
    assert query.fts5() == '"bad day" "craving"'
    assert query.tsquery() == "('bad' <-> 'day') & ('craving')"


@pytest.mark.parametrize(
    "raw",
    [
        "body:x",
        "NEAR(a b, 2)",
        "x*",
        '"unclosed',
        "(a OR b) AND NOT c",
        "'; DROP TABLE post; --",
        "a & !b | c <-> d:*",
        "^start",
        "{col1 col2}: x",
        "a\\b",
        "+-x",
    ],  # fmt: skip
)
def test_query_syntax_is_only_punctuation(raw):
    query = parse_query(raw)
    for part in query.parts:
        for word in part:
            assert word.isalnum(), word
    assert all(ch.isalnum() or ch in ' "' for ch in query.fts5())


def test_operator_words_are_dropped_but_lowercase_words_kept():
    assert parse_query("cats AND dogs OR not mice").parts == (("cats",), ("dogs",), ("not",), ("mice",))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Type a word"),
        ("   ", "Type a word"),
        ("*** ::: ()", "punctuation on its own"),
        ("x" * (MAX_QUERY_LENGTH + 1), "up to 200 characters"),
        (" ".join(f"w{i}" for i in range(MAX_TERMS + 1)), f"up to {MAX_TERMS} words"),
    ],
)
def test_unusable_queries_say_why(raw, message):
    with pytest.raises(InvalidAction, match=message):
        parse_query(raw)


def test_highlight_escapes_before_marking():
    html = str(highlight("<b>relapse</b> & <script>relapsing</script>", parse_query("relapse")))
    assert html == ("&lt;b&gt;<mark>relapse</mark>&lt;/b&gt; &amp; &lt;script&gt;<mark>relapsing</mark>&lt;/script&gt;")


def test_highlight_marks_a_word_only_at_its_start():
    assert str(highlight("plan, planning, explain", parse_query("plan"))) == (
        "<mark>plan</mark>, <mark>planning</mark>, explain"
    )


def test_snippet_centres_on_a_late_match():
    body = "filler " * 100 + "the craving passed " + "after " * 50
    html = str(snippet(body, parse_query("craving")))
    assert "<mark>craving</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html) < 320


def test_snippet_without_a_match_shows_the_start():
    assert str(snippet("A short **note**.", parse_query("absent"))) == "A short note."
