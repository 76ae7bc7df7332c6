"""Plain dataclasses shared by every pipeline stage.

Each stage takes these and returns them (or new ones) enriched; none of them
knows about SQLite, files or the CLI. Spans are ``(start, end)`` offsets in
Unicode code points into ``Article.text`` exactly as given, so
``article.text[start:end]`` is always the quoted text.

Not here: any behaviour beyond trivial derived properties.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from storytrace.model_facts import Brief, StoryFacts

Span = tuple[int, int]

# What two aligned passages share, from the closest to the loosest (``align.relation``).
Relation = Literal["verbatim", "near_verbatim", "paraphrase", "same_fact", "related"]
# How much of a text derives from another, METER's three classes (``align.derivation``).
Derivation = Literal["wholly_derived", "partially_derived", "non_derived"]
# Why one of two texts is taken as the source of what they share (``Order.rule``, ``EdgeEvidence.rule``).
OrderRule = Literal[
    "siblings", "wire", "earlier", "credited", "agency", "containment", "material", "unknown", "given", "credit"
]
# What a node of the provenance graph stands for.
NodeKind = Literal["article", "absent_source"]

RELATIONS: tuple[Relation, ...] = get_args(Relation)
REUSE_RELATIONS: frozenset[Relation] = frozenset({"verbatim", "near_verbatim", "paraphrase"})
DERIVATIONS: tuple[Derivation, ...] = get_args(Derivation)


def as_relation(value: str) -> Relation:
    """``value`` as a ``Relation``; a label no model or rule gives is an error, not a new relation."""
    if value not in RELATIONS:
        raise ValueError(f"not a relation: {value!r}")
    return value  # checked against the Literal's values just above: mypy narrows ``in`` on a tuple of literals


def as_derivation(value: str) -> Derivation:
    """``value`` as a ``Derivation``; a label outside METER's three classes is an error."""
    if value not in DERIVATIONS:
        raise ValueError(f"not a derivation: {value!r}")
    return value  # checked against the Literal's values just above: mypy narrows ``in`` on a tuple of literals


def story_name(number: int) -> str:
    """A story's id from its number in the store (0 for the first story the store opened): ``s1``, ``s2``, ….

    The number never changes once given, so neither does the id: a link to ``/stories/s4`` keeps naming the
    same story however many stories are added or grow past it.
    """
    return f"s{number + 1}"


def relation_family(relation: str) -> str:
    """``reuse`` for verbatim, near_verbatim and paraphrase; the relation itself otherwise."""
    return "reuse" if relation in REUSE_RELATIONS else relation


@dataclass(frozen=True)
class Article:
    """One news article as read from input; ``text`` is kept exactly as given."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    language: str = "en"
    authors: tuple[str, ...] = ()
    kind: str = "article"
    origin: str | None = None

    @property
    def content_hash(self) -> str:
        """Hash of what makes two records the same article (text, title, source, date)."""
        h = hashlib.sha256()
        for part in (self.text, self.title or "", self.source or "", self.published or ""):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        return h.hexdigest()


@dataclass(frozen=True)
class InputProblem:
    """A record or file that could not be read; the rest of the input goes on."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


@dataclass(frozen=True)
class Credit:
    """An agency credited by the article: in its dateline, byline or body."""

    agency: str
    how: str  # "dateline" | "byline" | "in_text"
    span: Span


@dataclass(frozen=True)
class Cleaned:
    """What the clean stage splits off an article, and the content that is left."""

    authors: tuple[str, ...]
    byline_span: Span | None
    dateline_span: Span | None
    dateline_places: tuple[str, ...]
    credits: tuple[Credit, ...]
    boilerplate: tuple[Span, ...]
    content: tuple[Span, ...]  # the article's own text, boilerplate/byline/dateline removed

    @property
    def credited(self) -> tuple[str, ...]:
        """Distinct credited agency names, in order of first credit."""
        seen: dict[str, None] = {}
        for c in self.credits:
            seen.setdefault(c.agency, None)
        return tuple(seen)


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article's content, with its offsets and paragraph index."""

    start: int
    end: int
    paragraph: int
    text: str


@dataclass(frozen=True)
class Alignment:
    """Two aligned passages of articles ``a`` and ``b`` and how they relate.

    A passage joined from several pieces of evidence (copied runs, aligned
    sentences: ``align.passages``) keeps them in ``parts``, each an alignment of
    its own, for the report and for what is measured piece by piece (coverage,
    the facts each side states).
    """

    a_span: Span
    b_span: Span
    relation: Relation
    score: float
    a_sentences: tuple[int, ...] = ()
    b_sentences: tuple[int, ...] = ()
    parts: tuple[Alignment, ...] = ()

    @property
    def units(self) -> tuple[Alignment, ...]:
        """The pieces of evidence of this passage: its parts, or the passage itself when it has none."""
        return self.parts or (self,)


@dataclass(frozen=True)
class CopyEvidence:
    """What one article of a pair shows of copying from the other (its side of ``Comparison``).

    Counted over the content's letters and digits (boilerplate, byline and dateline aside) and the reused
    passages' pieces of evidence (``Alignment.units``). Quotations are left out of ``narrative`` and
    ``longest``: two reports that quote one speaker have not copied each other.
    """

    covered: float  # share of the content inside reused passages (verbatim, near_verbatim, paraphrase)
    narrative: float  # the same, of the content outside quotation marks
    longest: int  # characters of the longest reused passage outside quotation marks
    passages: int  # reused passages
    own: int  # content characters the other article does not share
    content: int = 0  # content characters (letters and digits) in all
    longest_worded: int = 0  # characters of the longest verbatim or near-verbatim run outside quotation marks


NO_EVIDENCE = CopyEvidence(0.0, 0.0, 0, 0, 0)


@dataclass(frozen=True)
class JoinReason:
    """Why the streaming clusterer put an article where it did, as it decided it (``cluster.stream``).

    ``how``: ``joined`` an open story, ``opened`` a new one, or went with the ``copy`` of a text already placed
    (``copy_of``). ``score`` is the join model's probability for the story joined (for ``opened``: for the best
    candidate it turned down; None when there was none); ``terms`` and ``names`` the story's terms and names
    it shares most strongly (stems, heaviest first); ``gap_days`` the time since the story's latest article.
    """

    how: str
    score: float | None = None
    terms: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    gap_days: float | None = None
    copy_of: str | None = None

    def as_json(self) -> dict[str, object]:
        """The reason as it is kept and shown: only the fields that hold something."""
        out: dict[str, object] = {"how": self.how}
        if self.score is not None:
            out["score"] = round(self.score, 3)
        if self.terms:
            out["terms"] = list(self.terms)
        if self.names:
            out["names"] = list(self.names)
        if self.gap_days is not None:
            out["gap_days"] = round(self.gap_days, 2)
        if self.copy_of is not None:
            out["copy_of"] = self.copy_of
        return out

    @staticmethod
    def from_json(data: dict[str, object]) -> JoinReason:
        """A reason ``as_json`` wrote."""
        score, gap, terms, names = data.get("score"), data.get("gap_days"), data.get("terms"), data.get("names")
        return JoinReason(
            how=str(data.get("how", "")),
            score=float(score) if isinstance(score, (int, float)) else None,
            terms=tuple(str(t) for t in terms) if isinstance(terms, list) else (),
            names=tuple(str(t) for t in names) if isinstance(names, list) else (),
            gap_days=float(gap) if isinstance(gap, (int, float)) else None,
            copy_of=str(data["copy_of"]) if data.get("copy_of") is not None else None,
        )


@dataclass(frozen=True)
class Order:
    """Which of two articles holding the same text is the source (``trace.precedence``), and by which rule.

    ``source`` is None for copies of one wire (``siblings``) and when no rule tells (``unknown``).
    """

    source: str | None
    rule: OrderRule  # siblings | wire | earlier | credited | agency | containment | material | unknown | given
    detail: str = ""  # the agency, or "same date" / "no dates"


UNORDERED = Order(None, "unknown", "")


@dataclass(frozen=True)
class Comparison:
    """Everything ``compare`` finds between two articles."""

    a: Article
    b: Article
    a_clean: Cleaned
    b_clean: Cleaned
    alignments: tuple[Alignment, ...]
    story_score: float
    same_story: bool
    a_covered_by_b: float
    b_covered_by_a: float
    b_from_a: Derivation
    a_from_b: Derivation
    only_in_a: tuple[Span, ...]
    only_in_b: tuple[Span, ...]
    a_evidence: CopyEvidence = NO_EVIDENCE
    b_evidence: CopyEvidence = NO_EVIDENCE
    order: Order = UNORDERED  # which of the two is the source of what they share: derivation follows it
    # the derivation model's calibrated probability that the copy the order names derives from its source
    confidence: float | None = None


# ---------------------------------------------------------------- provenance (``trace.provenance``)


@dataclass(frozen=True)
class ProvenanceNode:
    """A node of a story's provenance graph: an article, or a wire credited but not in the corpus."""

    id: str  # the article's id; "agency:NAME" for a wire not in the corpus
    kind: NodeKind  # article | absent_source
    label: str  # the article's outlet (or id), or the wire's name
    note: str = ""  # "credited, not in this corpus" for an absent source


@dataclass(frozen=True)
class EdgeEvidence:
    """Why an edge points from its source to its copy: the rule that ordered them and what the copy shows."""

    rule: OrderRule  # the ``Order`` rule: wire | earlier | credited | agency | containment | material | credit
    detail: str  # the agency, or the dates' context
    passages: int  # reused passages the copy shares with the source
    longest: int  # characters of the longest, quotations left out
    narrative: float  # share of the copy's content outside quotations that is reused
    source_published: str | None
    copy_published: str | None
    credits: tuple[str, ...]  # the agencies the copy credits


@dataclass(frozen=True)
class ProvenanceEdge:
    """Reuse from ``source`` to ``copy`` (a node id each), its share of the copy, why, and how sure."""

    source: str
    copy: str
    share: float | None  # the share of the copy's content reused; None for a wire not in the corpus
    why: str
    confidence: float | None  # the derivation model's probability that the copy derives from the source
    evidence: EdgeEvidence | None = None


@dataclass(frozen=True)
class PassageSource:
    """A reused passage of ``article`` and where it likely comes from.

    ``span`` is ``[start, end)`` in ``article``'s text; ``source`` is the id of
    the source article and ``source_span`` the matching text there, or both
    None when the passage is first here (its ``why`` says whether it is the
    original, a copy of a wire not in the corpus, or of an unknown order).
    ``relation`` is the weakest relation on the way to the source (verbatim,
    near_verbatim, paraphrase); for an original passage, the strongest
    relation of its copies.
    """

    article: str
    span: tuple[int, int]
    source: str | None
    source_span: tuple[int, int] | None
    relation: Relation
    why: str


@dataclass(frozen=True)
class OutletShare:
    """Of an outlet's content characters: the share original, and the shares reused from each other outlet."""

    outlet: str
    original: float
    reused_from: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Provenance:
    """A story's provenance: its graph (nodes, edges, roots), the source of each passage, outlets' originality."""

    nodes: tuple[ProvenanceNode, ...] = ()
    edges: tuple[ProvenanceEdge, ...] = ()  # between articles, source to copy
    credited: tuple[ProvenanceEdge, ...] = ()  # from a wire not in the corpus to its copies
    roots: tuple[str, ...] = ()  # articles that copy from no other article of the story
    passages: tuple[PassageSource, ...] = ()
    outlets: tuple[OutletShare, ...] = ()


# ---------------------------------------------------------------- a story's results (``pipeline.story``)

# A story's problem line names at most this many of its articles.
NAMED_ARTICLES = 4


@dataclass(frozen=True)
class StageProblem:
    """A stage that failed for some articles: which stage, which articles, what error."""

    stage: str  # clean, segment, cluster, align, trace, facts, document, report
    articles: tuple[str, ...]
    error: str  # "KeyError: '’'", one line

    def as_json(self) -> dict[str, Any]:
        """The problem as a story's ``problems`` entry in ``stories.json``."""
        return {"stage": self.stage, "articles": list(self.articles), "error": self.error}

    def line(self, story_id: str) -> str:
        """What the user reads: ``story s12 (articles a, b): align failed: KeyError: '’'``."""
        named = f" ({articles_text(self.articles)})" if self.articles else ""
        return f"story {story_id}{named}: {self.stage} failed: {self.error}"


def articles_text(ids: Sequence[str]) -> str:
    """``articles a, b, c, d, …`` (at most ``NAMED_ARTICLES`` named) or ``article a``."""
    if len(ids) == 1:
        return f"article {ids[0]}"
    named = ", ".join(ids[:NAMED_ARTICLES])
    return f"articles {named}{', …' if len(ids) > NAMED_ARTICLES else ''}"


@dataclass(frozen=True)
class PassagePart:
    """A piece a passage was joined from (``align.passages``): spans and relation, no texts."""

    a_span: Span
    b_span: Span
    relation: Relation
    score: float


@dataclass(frozen=True)
class StoryPassage:
    """An aligned passage pair of a story: the two articles, the spans, their texts, relation and score."""

    a: str
    b: str
    a_span: Span
    b_span: Span
    a_text: str
    b_text: str
    relation: Relation
    score: float
    parts: tuple[PassagePart, ...] = ()


@dataclass(frozen=True)
class PairSummary:
    """One compared article pair of a story: how alike, how much of each the other covers, the derivation."""

    a: str
    b: str
    story_score: float
    a_covered_by_b: float
    b_covered_by_a: float
    b_from_a: Derivation
    a_from_b: Derivation


@dataclass(frozen=True)
class StoryResult:
    """What the analysis of one story gives (``stories.json``'s story object; ``codec.story`` writes and reads it).

    ``articles`` in the story's order (publication, then id); ``alignments`` every passage pair of every pair
    compared; ``problems`` the stages that failed for some of its articles (``isolation``).
    """

    id: str
    title: str
    articles: tuple[str, ...]
    first_published: str | None
    alignments: tuple[StoryPassage, ...] = ()
    provenance: Provenance = field(default_factory=Provenance)
    facts: StoryFacts = field(default_factory=StoryFacts)
    brief: Brief = field(default_factory=Brief)
    pairs: tuple[PairSummary, ...] = ()
    problems: tuple[StageProblem, ...] = ()
