"""How found mentions are written as a story's typed facts (``model_facts``).

What it does: a mention as a citation (:func:`cite_text`, :func:`cite`) or as what one side said
(:func:`said`), a difference between two sides of a comparison (:func:`differ_item`), a number's
value as ``agree`` items write it (:func:`number_value`), and the quote, date and number facts of
``stories.json``.

Not here: deciding what agrees or differs (``facts.agreement``, ``facts.differ``), the JSON
(``codec.facts``). Pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence

from storytrace.facts.article_facts import ArticleFacts
from storytrace.facts.dates import DateMention
from storytrace.facts.fact_spans import Span, by_id
from storytrace.facts.numbers import NumberMention
from storytrace.facts.quotes import Quote
from storytrace.model import Comparison
from storytrace.model_facts import Cite, DateFact, Difference, DifferKind, NumberFact, QuoteFact, Said, Sides


def differ_item(kind: DifferKind, what: str, c: Comparison, a_span: Span | None, b_span: Span | None) -> Difference:
    """A ``differ`` item of ``kind`` between the two sides of ``c``, each side's words at its span (if any)."""
    a_said = None if a_span is None else said(c.a.text, a_span)
    b_said = None if b_span is None else said(c.b.text, b_span)
    return Difference(kind, what, Sides(c.a.id, c.b.id, a_said, b_said))


def said(text: str, span: Span) -> Said:
    """The words of ``text`` at ``span``."""
    return Said(span, text[span[0] : span[1]])


def number_value(n: NumberMention) -> str:
    """A number's value and unit as ``agree`` and ``differ`` items write it ("14 injured", "2.5 km")."""
    value = int(n.value) if float(n.value).is_integer() else n.value
    return f"{value} {n.unit}".strip()


def cite_text(article: str, mention: DateMention | NumberMention) -> Cite:
    """A citation of ``mention`` in ``article``."""
    return Cite(article, mention.span, mention.text)


def cite(facts: Sequence[ArticleFacts], article: str, span: Span) -> Cite:
    """A citation of ``span`` of ``article``, its words read from the article's text."""
    text = by_id(facts)[article].prepared.article.text
    return Cite(article, span, text[span[0] : span[1]])


def quote_fact(article: str, q: Quote) -> QuoteFact:
    """A quote of ``article`` as a story's fact."""
    return QuoteFact(article, q.span, q.text, q.speaker, q.speaker_span, q.role, q.kind)


def date_fact(article: str, d: DateMention) -> DateFact:
    """A date of ``article`` as a story's fact."""
    return DateFact(article, d.span, d.text, d.start, d.end, d.granularity, d.rule)


def number_fact(article: str, n: NumberMention) -> NumberFact:
    """A number of ``article`` as a story's fact."""
    return NumberFact(article, n.span, n.text, n.value, n.unit)
