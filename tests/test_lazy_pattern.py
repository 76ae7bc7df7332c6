"""LazyPattern: compiled on first use, and answering as ``re.compile`` would."""

from __future__ import annotations

import re

from storytrace.facts import quotes
from storytrace.text.lazy_pattern import LazyPattern


def test_not_compiled_until_used_then_same_answers() -> None:
    source = r"(?P<who>[A-Z][a-z]+) said"
    lazy, eager = LazyPattern(source), re.compile(source)
    assert lazy._compiled is None
    text = "On Monday Ilsa said no; later Bram said yes."
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in eager.finditer(text)]
    assert lazy._compiled is not None
    for pos in range(len(text)):
        got, want = lazy.match(text, pos), eager.match(text, pos)
        assert (got and got.groupdict()) == (want and want.groupdict())
        assert (lazy.search(text, pos) or eager.search(text)).span() == (
            eager.search(text, pos) or eager.search(text)
        ).span()
    assert lazy.fullmatch("Bram said") is not None
    assert lazy.fullmatch("Bram said no") is None
    assert lazy.search(text, 0, 8) is None


def test_quote_rules_still_find_speakers() -> None:
    found = quotes.quotes("“We will rebuild the bridge by May,” Mayor Tilda Vrenn said on Tuesday.")
    assert [q.speaker for q in found] == ["Tilda Vrenn"]
