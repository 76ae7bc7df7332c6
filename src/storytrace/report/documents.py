"""Shape results as the JSON documents of CONTRACT.md: ``compare --json`` and the articles of ``stories.json``.

Everything the contract names is written with its name and type; extra fields
(``kind``, ``outlet``: the name the article's outlet is shown under, ``naming.outlet_name``; ``origin``,
``boilerplate_spans``, ``credits``, ``pairs``, ``why``) extend it.

Not here: computing anything; a story object of ``stories.json`` (``codec.story``); HTML (``report.render``).
"""

from __future__ import annotations

from typing import Any

from storytrace.codec.facts import facts_to_json
from storytrace.isolation import attempt
from storytrace.model import Alignment, Article, Cleaned, Comparison, StageProblem
from storytrace.model_facts import Brief, FactCheck
from storytrace.naming import outlet_name

NO_BRIEF = Brief()


def article_meta(article: Article, cleaned: Cleaned, story: str | None = None) -> dict[str, Any]:
    """The article object of the contract, with its clean-stage metadata."""
    text = article.text
    meta: dict[str, Any] = {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "authors": list(cleaned.authors),
        "published": article.published,
        "credited": list(cleaned.credited),
        "boilerplate": [text[s:e] for s, e in cleaned.boilerplate],
    }
    if story is not None:
        meta["story"] = story
    meta.update(
        kind=article.kind,
        outlet=outlet_name(article),
        url=article.url,
        origin=article.origin,
        boilerplate_spans=[list(s) for s in cleaned.boilerplate],
        byline_span=list(cleaned.byline_span) if cleaned.byline_span else None,
        dateline_span=list(cleaned.dateline_span) if cleaned.dateline_span else None,
        dateline_places=list(cleaned.dateline_places),
        credits=[{"agency": c.agency, "how": c.how, "span": list(c.span)} for c in cleaned.credits],
    )
    return meta


def alignment_json(al: Alignment, a: Article, b: Article) -> dict[str, Any]:
    """One aligned passage pair of ``compare --json``, with its texts (a story's: ``codec.story``)."""
    out: dict[str, Any] = {}
    out.update(
        a_span=list(al.a_span),
        b_span=list(al.b_span),
        a_text=a.text[al.a_span[0] : al.a_span[1]],
        b_text=b.text[al.b_span[0] : al.b_span[1]],
        relation=al.relation,
        score=al.score,
    )
    if al.parts:  # the evidence a passage was joined from (``align.passages``): spans and relations, no texts
        out["parts"] = [
            {"a_span": list(u.a_span), "b_span": list(u.b_span), "relation": u.relation, "score": u.score}
            for u in al.parts
        ]
    return out


def comparison_json(c: Comparison, problems: list[StageProblem] | None = None) -> dict[str, Any]:
    """The ``compare --json`` document.

    With ``problems`` (those of the comparison so far), facts that cannot be
    compared are left empty and recorded there too, and the document carries
    ``problems`` when there are any; without, a failure is raised.
    """
    if problems is None:
        facts = _pair_facts(c)
    else:
        facts = attempt("facts", [c.a.id, c.b.id], lambda: _pair_facts(c), FactCheck, problems)
    document = {
        "a": article_meta(c.a, c.a_clean),
        "b": article_meta(c.b, c.b_clean),
        "same_story": c.same_story,
        "story_score": c.story_score,
        "alignments": [alignment_json(al, c.a, c.b) for al in c.alignments],
        "reuse": {"a_covered_by_b": c.a_covered_by_b, "b_covered_by_a": c.b_covered_by_a},
        "derivation": {"b_from_a": c.b_from_a, "a_from_b": c.a_from_b},
        "order": order_json(c),
        "only_in_a": [c.a.text[s:e] for s, e in c.only_in_a],
        "only_in_b": [c.b.text[s:e] for s, e in c.only_in_b],
        "facts": facts_to_json(facts),
    }
    if problems:
        document["problems"] = [p.as_json() for p in problems]
    return document


def order_json(c: Comparison) -> dict[str, Any]:
    """Which of the two is the source (``trace.precedence``): ``"a"``, ``"b"`` or None, the rule and why."""
    from storytrace.trace.reasons import edge_reason

    side = {c.a.id: "a", c.b.id: "b"}.get(c.order.source or "")
    return {"source": side, "rule": c.order.rule, "detail": c.order.detail, "why": edge_reason(c.order)}


def _pair_facts(c: Comparison) -> FactCheck:
    """``agree``/``differ`` of two compared articles (dates resolved against each one's ``published``)."""
    from storytrace.align.compare import prepare
    from storytrace.facts.article_facts import article_facts
    from storytrace.facts.story import pair_facts

    a, b = prepare(c.a), prepare(c.b)
    return pair_facts(article_facts(a), article_facts(b), c)
