"""Compare two articles: aligned passages, reuse coverage, derivation, what only one has.

``prepare`` cleans and segments an article once; ``compare_prepared`` aligns
two prepared articles inside a shared ``SentenceSpace`` (two articles, or a
whole story, so that IDF weights reflect the story). ``compare`` does both for
a lone pair.

Not here: reading files (``ingest``), story grouping (``cluster``), output
formats (``report``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from storytrace.align.classifier import default_scorer
from storytrace.align.copy import content_tokens, copied_passages
from storytrace.align.derivation import text_features
from storytrace.align.derivation_model import load_derivation_model
from storytrace.align.features import SentenceSpace
from storytrace.align.match import align_sentences
from storytrace.align.passages import joined_passages
from storytrace.align.quoted import quote_spans
from storytrace.align.relation import RelationScorer
from storytrace.clean import BUILTIN_AGENCIES, Agency, clean_article
from storytrace.isolation import attempt
from storytrace.model import (
    DERIVATIONS,
    REUSE_RELATIONS,
    Alignment,
    Article,
    Cleaned,
    Comparison,
    CopyEvidence,
    Derivation,
    Order,
    Sentence,
    Span,
    StageProblem,
    as_derivation,
)
from storytrace.semantic import Embedder
from storytrace.semantic.embed import model_kind
from storytrace.semantic.static import STATIC_COSINE_FLOOR
from storytrace.text.segment import sentences
from storytrace.text.tokens import alnum_mask
from storytrace.trace.precedence import as_given, order, witness

# Derivation from coverage, as METER labels it (Gaizauskas et al. 2001): an
# article wholly derived from a source is mostly covered by reused passages; a
# partially derived one reuses some passages. Chosen by a grid search on METER
# dev, 5 folds grouped by story, one (copy, source) pair per article as the
# pipeline has it (bench/quality/meter.py, "best" rows; the grid of bench/quality/derivation.py):
# with copied runs found on the words (issue 26) coverage runs higher, and every
# fold picked 0.74-0.76 and 0.03-0.04 (0.60/0.08 before, on sentence alignments).
WHOLLY_DERIVED_MIN_COVERAGE = 0.74
PARTIALLY_DERIVED_MIN_COVERAGE = 0.04
# A copied passage this long (characters outside quotation marks) makes a text at least partially derived,
# whatever its length: a 600-character passage inside a long document is reuse (issue 26, PAN 2013's
# long host documents). Chosen on METER dev and the PAN development pairs (bench/quality/meter.py,
# bench/quality/pan.py).
ABSOLUTE_REUSE_CHARS = 300
# The relations that keep the source's wording: a run of them is copied text, where a paraphrase may be two
# reporters telling the same facts (METER's non-derived articles paraphrase PA's facts in runs of 300+ characters).
WORDED_RELATIONS = frozenset(("verbatim", "near_verbatim"))
# Orders (``trace.precedence``) that only guess the direction: in a story, a pair ordered so is derived on
# evidence of copying alone (``derivation``'s ``weak_order``).
WEAK_ORDERS = frozenset(("containment", "material"))
# Two articles tell the same story when their story score reaches this: best
# mean F1 over METER newspaper-PA pairs and Giveme5W1H dev pairs in the sweep of
# bench/quality/derivation.py (0.12-0.14 depending on the sample; different-story pairs
# have a 90th percentile near 0.10).
SAME_STORY_MIN_SCORE = 0.14


@dataclass(frozen=True)
class Prepared:
    """An article cleaned and split into sentences; ``problems``: the stages that failed on it (see ``prepare``)."""

    article: Article
    clean: Cleaned
    sentences: tuple[Sentence, ...]
    problems: tuple[StageProblem, ...] = ()


def prepare(article: Article, agencies: Sequence[Agency] = BUILTIN_AGENCIES) -> Prepared:
    """Clean and segment one article.

    A failure costs the article alone: cleaning that fails leaves the whole
    text as content (nothing split off), segmenting that fails leaves no
    sentences (nothing to align); either is kept in ``problems``.
    """
    problems: list[StageProblem] = []
    ids = [article.id]
    cleaned = attempt("clean", ids, lambda: clean_article(article, agencies), lambda: uncleaned(article), problems)
    found = attempt("segment", ids, lambda: tuple(sentences(article.text, cleaned.content)), _no_sentences, problems)
    return Prepared(article, cleaned, found, tuple(problems))


def _no_sentences() -> tuple[Sentence, ...]:
    return ()


def uncleaned(article: Article) -> Cleaned:
    """What ``clean_article`` gives when nothing is split off: the whole text is content."""
    content = ((0, len(article.text)),) if article.text else ()
    return Cleaned(authors=(), byline_span=None, dateline_span=None, dateline_places=(), credits=(), boilerplate=(),
                   content=content)  # fmt: skip


def compare(
    a: Article,
    b: Article,
    agencies: Sequence[Agency] = BUILTIN_AGENCIES,
    scorer: RelationScorer | None = None,
    embedder: Embedder | None = None,
    problems: list[StageProblem] | None = None,
) -> Comparison:
    """Compare two articles on their own (IDF fitted on their two texts).

    With an ``embedder`` the sentences also carry embeddings (semantic layer);
    without, the comparison runs on lexical features alone. With ``problems``,
    a stage that fails is recorded there and the comparison holds what
    succeeded (``isolation``): an alignment that fails leaves the two articles
    unaligned (``unaligned``); without, the failure is raised.
    """
    pa, pb = prepare(a, agencies), prepare(b, agencies)

    def compared() -> Comparison:
        space = sentence_space([pa, pb], embedder)
        rows_a = list(range(len(pa.sentences)))
        rows_b = list(range(len(pa.sentences), len(pa.sentences) + len(pb.sentences)))
        return compare_prepared(pa, pb, space, rows_a, rows_b, scorer or default_scorer(model_kind(embedder)),
                                named_in_order=True)  # fmt: skip

    if problems is None:
        return compared()
    problems.extend((*pa.problems, *pb.problems))
    return attempt("align", [a.id, b.id], compared, lambda: unaligned(pa, pb), problems)


def unaligned(pa: Prepared, pb: Prepared) -> Comparison:
    """The comparison of two articles that could not be aligned: nothing shared, every sentence its own."""
    return Comparison(
        a=pa.article, b=pb.article, a_clean=pa.clean, b_clean=pb.clean, alignments=(), story_score=0.0,
        same_story=False, a_covered_by_b=0.0, b_covered_by_a=0.0, b_from_a=DERIVATIONS[-1], a_from_b=DERIVATIONS[-1],
        only_in_a=_unaligned(pa.sentences, []), only_in_b=_unaligned(pb.sentences, []),
    )  # fmt: skip


def sentence_space(members: Sequence[Prepared], embedder: Embedder | None = None) -> SentenceSpace:
    """One ``SentenceSpace`` over the sentences of ``members``, in order, with embeddings if given."""
    texts = [s.text for p in members for s in p.sentences]
    space = SentenceSpace(texts, embedder.encode(texts) if embedder is not None else None)
    if model_kind(embedder) == "static":
        space.embed_floor = STATIC_COSINE_FLOOR
    return space


def compare_prepared(
    pa: Prepared,
    pb: Prepared,
    space: SentenceSpace,
    rows_a: Sequence[int],
    rows_b: Sequence[int],
    scorer: RelationScorer,
    candidates: Sequence[tuple[int, int]] | None = None,
    doc_cosine: float | None = None,
    memo: DerivationMemo | None = None,
    alignments: Sequence[Alignment] | None = None,
    named_in_order: bool = False,
) -> Comparison:
    """Compare two prepared articles whose sentences are ``rows_a``/``rows_b`` of ``space``.

    ``candidates`` are the sentence pairs worth scoring (default: ``candidates.candidate_pairs``);
    ``doc_cosine`` the two articles' summed-vector cosine, when the caller computed it for a whole story;
    ``memo`` the derivation model's answers kept from earlier runs; ``alignments`` the two articles'
    passages when the caller aligned them already (``match.align_planned``, a story's pairs at once).
    ``named_in_order``: a person named ``pa`` first (``compare A B``); where no rule orders the two,
    ``pa`` is taken for the source (``precedence.as_given``).
    """
    if alignments is None:
        alignments = align_sentences(space, rows_a, rows_b, pa.sentences, pb.sentences, scorer, candidates)
    alignments = passages_of(pa, pb, alignments)
    reused = [al.units for al in alignments if al.relation in REUSE_RELATIONS]
    a_ev, b_ev = copy_evidence(pa, reused, "a"), copy_evidence(pb, reused, "b")
    score = story_score(space, rows_a, rows_b, alignments, doc_cosine)
    shares_text = any(al.relation != "related" for al in alignments)
    first = order(witness(pa.article, pa.clean), witness(pb.article, pb.clean), a_ev.covered, b_ev.covered,
                  a_ev.own, b_ev.own)  # fmt: skip
    if named_in_order:
        known = all(p.article.source for p in (pa, pb))
        first = as_given(first, pa.article.id, known)
    b_from_a, a_from_b, confidence = _directed(pa, pb, first, (a_ev, b_ev), shares_text, memo, named_in_order)
    return Comparison(
        a=pa.article,
        b=pb.article,
        a_clean=pa.clean,
        b_clean=pb.clean,
        alignments=tuple(alignments),
        story_score=round(score, 3),
        same_story=score >= SAME_STORY_MIN_SCORE,
        a_covered_by_b=round(a_ev.covered, 3),
        b_covered_by_a=round(b_ev.covered, 3),
        b_from_a=b_from_a,
        a_from_b=a_from_b,
        only_in_a=_unaligned(pa.sentences, [set(u.a_sentences) for al in alignments for u in al.units]),
        only_in_b=_unaligned(pb.sentences, [set(u.b_sentences) for al in alignments for u in al.units]),
        a_evidence=a_ev,
        b_evidence=b_ev,
        order=first,
        confidence=None if confidence is None else round(confidence, 3),
    )


def _directed(
    pa: Prepared,
    pb: Prepared,
    first: Order,
    evidence: tuple[CopyEvidence, CopyEvidence],
    shares_text: bool,
    memo: DerivationMemo | None,
    named_in_order: bool,
) -> tuple[Derivation, Derivation, float | None]:
    """``b_from_a``, ``a_from_b`` and the confidence of the one that may be derived (``evidence``: a's, b's)."""
    a_ev, b_ev = evidence
    # One direction at most: only the text the order names as the source can have been copied from.
    b_from_a = a_from_b = DERIVATIONS[-1]
    confidence: float | None = None
    weak = first.rule in WEAK_ORDERS and not named_in_order
    if first.source == pa.article.id:
        b_from_a, confidence = derivation(pb, pa, b_ev, shares_text, memo, weak)
    elif first.source == pb.article.id:
        a_from_b, confidence = derivation(pa, pb, a_ev, shares_text, memo, weak)
    return b_from_a, a_from_b, confidence


def passages_of(pa: Prepared, pb: Prepared, aligned: Sequence[Alignment]) -> list[Alignment]:
    """The two articles' passages: their copied runs (``copy``) joined with their aligned sentences (``passages``)."""
    a_text, b_text = pa.article.text, pb.article.text
    copies = copied_passages(
        a_text, content_tokens(a_text, pa.clean.content), b_text, content_tokens(b_text, pb.clean.content)
    )
    return joined_passages(copies, aligned, pa.sentences, pb.sentences, a_text, b_text)


def coverage(prepared: Prepared, spans: Sequence[Span]) -> float:
    """Share of the article's content characters (letters and digits) inside ``spans``."""
    text = prepared.article.text
    if not len(text) or not spans:
        return 0.0
    visible = visible_content(text, prepared.clean.content)
    total = int(visible.sum())
    covered = np.zeros(len(text), dtype=bool)
    for start, end in spans:
        covered[start:end] = True
    return float((visible & covered).sum()) / total if total else 0.0


@lru_cache(maxsize=256)
def visible_content(text: str, content: tuple[Span, ...]) -> np.ndarray:
    """The letters and digits of ``text`` inside its content spans (cached: a story asks per pair)."""
    inside = np.zeros(len(text), dtype=bool)
    for start, end in content:
        inside[start:end] = True
    visible: np.ndarray = inside & alnum_mask(text)
    visible.flags.writeable = False
    return visible


def derivation(
    copy: Prepared,
    source: Prepared,
    evidence: CopyEvidence,
    shares_text: bool = True,
    memo: DerivationMemo | None = None,
    weak_order: bool = False,
) -> tuple[Derivation, float | None]:
    """METER-style derivation of ``copy`` from ``source``, the source being known (``trace.precedence.order``).

    Returns the label and the model's calibrated probability that ``copy``
    derives from ``source`` at all (``DerivationModel.confidence``; None when
    the two share no statement and the model is not asked).

    The trained METER classifier (``align.derivation``) decides from the two
    cleaned texts, but for two kinds of evidence of copying in ``evidence``
    (the copy's side of the comparison): reused passages that cover
    ``WHOLLY_DERIVED_MIN_COVERAGE`` of the copy make it wholly derived (the
    classifier sees words, and a machine-translated copy keeps few of them
    while its paraphrased passages cover it whole); a verbatim or
    near-verbatim run of ``ABSOLUTE_REUSE_CHARS`` characters outside
    quotation marks makes it at least partially derived, however long the
    rest (two reports that quote one speaker, or tell the same facts in their
    own words, have not copied each other: a paraphrase run does not count).

    ``weak_order``: the direction is only a guess (``WEAK_ORDERS``: which text
    holds more of the other, or of its own), among a story's articles of one
    day. The classifier learned whether an article derives from a wire it is
    known to have had; on two outlets' reports of one event it finds
    "derived" in what they both took from the event. There only the evidence
    of copying above derives. ``compare`` of two named texts does not set it.

    Where the aligner found nothing but "related" sentences (``shares_text``
    false) the two texts share no statement, and the classifier is not
    asked. With ``memo``, an answer it gave before on the same two texts is
    taken from there. bench/quality/meter.py and bench/quality/meter_trace.py score the rules on METER.
    """
    if not shares_text:
        return DERIVATIONS[-1], None  # nothing shared to show the model
    copy_text, source_text = content_text(copy), content_text(source)
    asked = model_derivation if memo is None else memo.answer
    by_model, confidence = asked(copy_text, source_text)
    return decided(by_model, evidence.covered, evidence.longest_worded, weak_order), confidence


def decided(by_model: str, covered: float, longest_worded: int, weak_order: bool = False) -> Derivation:
    """``derivation``'s label from the classifier's and the copy's evidence (its docstring says why).

    ``covered``: the copy's share inside reused passages; ``longest_worded``: its longest verbatim or
    near-verbatim run outside quotations, in characters.
    """
    model_label = as_derivation(by_model)
    if covered >= WHOLLY_DERIVED_MIN_COVERAGE:
        return DERIVATIONS[0]
    if longest_worded >= ABSOLUTE_REUSE_CHARS:
        return min(model_label, DERIVATIONS[1], key=DERIVATIONS.index)
    if weak_order:
        return DERIVATIONS[-1]
    return model_label


def copy_evidence(prepared: Prepared, passages: Sequence[Sequence[Alignment]], side: str) -> CopyEvidence:
    """What ``prepared`` (side "a" or "b" of the pair) shows of copying: see ``model.CopyEvidence``.

    ``passages``: the reused passages, each as its pieces of evidence (``Alignment.units``).
    """
    text = prepared.article.text
    visible = visible_content(text, prepared.clean.content)
    total = int(visible.sum())
    if not passages or not total:
        return CopyEvidence(0.0, 0.0, 0, len(passages), total, total)
    outside = ~quoted_mask(text)
    covered = np.zeros(len(text), dtype=bool)
    longest = longest_worded = 0
    for units in passages:
        inside = np.zeros(len(text), dtype=bool)
        worded = np.zeros(len(text), dtype=bool)
        for u in units:
            start, end = u.a_span if side == "a" else u.b_span
            inside[start:end] = True
            if u.relation in WORDED_RELATIONS:
                worded[start:end] = True
        longest = max(longest, int((inside & outside).sum()))
        longest_worded = max(longest_worded, int((worded & outside).sum()))
        covered |= inside
    narrative_total = int((visible & outside).sum())
    reused = int((visible & covered).sum())
    narrative = int((visible & covered & outside).sum()) / narrative_total if narrative_total else 0.0
    return CopyEvidence(
        reused / total, round(narrative, 3), longest, len(passages), total - reused, total, longest_worded
    )


@lru_cache(maxsize=256)
def quoted_mask(text: str) -> np.ndarray:
    """The characters of ``text`` inside quotation marks (``quoted.quote_spans``; cached, read only)."""
    mask = np.zeros(len(text), dtype=bool)
    for start, end in quote_spans(text):
        mask[start:end] = True
    mask.flags.writeable = False
    return mask


def model_derivation(copy_text: str, source_text: str) -> tuple[str, float | None]:
    """The trained METER classifier's derivation of ``copy_text`` from ``source_text`` (cleaned contents).

    With the calibrated probability that it derives at all (``DerivationModel.confidence``).
    """
    model = load_derivation_model()
    features = text_features(copy_text, [source_text])
    return model.predict(features), model.confidence(features)


def text_digest(text: str) -> bytes:
    """A digest of one text, for ``DerivationMemo.key``."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass
class DerivationMemo:
    """The derivation model's answers by what it read: the two cleaned texts (and ``salt``: its settings).

    The model reads nothing else, so an answer found here is the one it would
    give again. ``known`` holds answers kept from earlier runs; ``new`` those
    asked since, for the caller to keep (the pipeline keeps them in the store).
    """

    salt: str = ""
    known: dict[str, str] = field(default_factory=dict)
    new: dict[str, str] = field(default_factory=dict)

    def key(self, copy_digest: bytes, source_digest: bytes) -> str:
        """The key of an answer, from the ``text_digest`` of the copy's and the source's cleaned texts."""
        return hashlib.blake2b(self.salt.encode("utf-8") + copy_digest + source_digest, digest_size=16).hexdigest()

    def answer(self, copy_text: str, source_text: str) -> tuple[str, float | None]:
        """``model_derivation`` of the two texts, asked only if no answer is known.

        An answer is kept as its label and confidence in one string ("partially_derived 0.8312").
        """
        key = self.key(text_digest(copy_text), text_digest(source_text))
        found = self.known.get(key) or self.new.get(key)
        if found is None:
            label, confidence = model_derivation(copy_text, source_text)
            found = self.new[key] = label if confidence is None else f"{label} {confidence:.4f}"
        label, _, confidence_text = found.partition(" ")
        return label, float(confidence_text) if confidence_text else None


def derivation_by_coverage(covered: float) -> Derivation:
    """The foundation's rule: derivation from the covered share alone (kept for comparison)."""
    if covered >= WHOLLY_DERIVED_MIN_COVERAGE:
        return "wholly_derived"
    if covered >= PARTIALLY_DERIVED_MIN_COVERAGE:
        return "partially_derived"
    return "non_derived"


def content_text(prepared: Prepared) -> str:
    """The cleaned content of an article, its content spans as paragraphs."""
    text = prepared.article.text
    return "\n\n".join(text[a:b] for a, b in prepared.clean.content)


def story_score(
    space: SentenceSpace,
    rows_a: Sequence[int],
    rows_b: Sequence[int],
    alignments: Sequence[Alignment],
    doc_cosine: float | None = None,
) -> float:
    """How likely two articles report one story: the larger of document cosine and aligned share."""
    doc_cos = space.summed_cosine(rows_a, rows_b) if doc_cosine is None else doc_cosine
    strong = [al for al in alignments if al.relation != "related"]
    shorter = min(len(rows_a), len(rows_b))
    aligned = sum(min(len(u.a_sentences), len(u.b_sentences)) for al in strong for u in al.units)
    return max(doc_cos, aligned / shorter if shorter else 0.0)


def _unaligned(sents: Sequence[Sentence], used: list[set[int]]) -> tuple[Span, ...]:
    taken = set().union(*used) if used else set()
    return tuple((s.start, s.end) for k, s in enumerate(sents) if k not in taken)
