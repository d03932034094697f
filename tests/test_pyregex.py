"""Python regexes rewritten for RE2 keep Python's ``re.search`` verdict on every value, or
are not rewritten at all (GX then runs the expectation)."""

from __future__ import annotations

import re

import duckdb
import pytest

from pipeline.sql.pyregex import to_re2

PATTERNS = [
    r"^\d{5}$", r"\w+", r"\s", r"\S", r"\W", r"\D", r"x$", r"^(a|b)$", r"[^a]", r"[\d\s]",
    r"[^\w]", "é", r"^[A-Z][a-zé-]*$", r"a.b", r"(?s)a.b", r"(?x) a b ", r"^$", "",
    r"a{2,3}?", r"(?:ab)+c", r"a$|b", r"(a$)", r"^\d+(\.\d+)?$", r"\Aab\Z", r".*", r"(?s).*",
    r"[\]\\-]", r"\u00e9", r"\x41", r"^(?P<x>a)$", r"[^\s\S]", r"[\s\S]", r"\n$", r"a{0}b",
    r"[^\x00-\x7f]", r"^.{3,}$", r"b*?", r"(a|)+",
]  # fmt: skip
VALUES = [
    "12345", "١٢٣٤٥", "x\n", "x", "a", "b", "a\nb", "é", "e\u0301", "\u00a0", "\x1c", "ab",
    "a b", "Éa", "", "\n", "aab", "aaab", "abab", "ababc", "foo", "_", "ß", "ǅ", "A", "-",
    "]", "\\", "12.5", "٣.٥", "\u2028", "ab\n", "AB", "\t", "𝟘", "日本",
]  # fmt: skip
UNTRANSLATABLE = [
    r"(?=a)", r"(?<!a)b", r"(a)\1", r"\bfoo", r"(?i)abc", r"a(?i:b)", r"a$b", r"a++",
    r"(?>a)", r"[[:alpha:]]", r"[a-z&&b]", r"(?m)^a", r"a{1001}", r"(", 3,
]  # fmt: skip


@pytest.fixture(scope="module")
def con():
    return duckdb.connect()


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_rewritten_regex_finds_what_python_finds(con, pattern):
    translated = to_re2(pattern)
    assert translated is not None
    found = [
        con.execute("SELECT regexp_matches(?, ?)", [value, translated]).fetchone()[0]
        for value in VALUES
    ]
    assert found == [re.search(pattern, value) is not None for value in VALUES]


@pytest.mark.parametrize("pattern", UNTRANSLATABLE)
def test_what_re2_cannot_say_exactly_is_not_rewritten(pattern):
    assert to_re2(pattern) is None
