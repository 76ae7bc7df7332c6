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
from storytrace.align.derivation import load_derivation_model, quote_spans, text_features
from storytrace.align.features import SentenceSpace
from storytrace.align.match import align_sentences
from storytrace.align.passages import joined_passages
from storytrace.align.relation import RelationScorer
from storytrace.clean import BUILTIN_AGENCIES, Agency, clean_article
from storytrace.isolation import StageProblem, attempt
from storytrace.model import DERIVATIONS, REUSE_RELATIONS, Alignment, Article, Cleaned, Comparison, Sentence, Span
from storytrace.published import parse_published
from storytrace.semantic import Embedder
from storytrace.semantic.embed import model_kind
from storytrace.semantic.static import STATIC_COSINE_FLOOR
from storytrace.text.segment import sentences
from storytrace.text.tokens import alnum_mask

# Derivation from coverage, as METER labels it (Gaizauskas et al. 2001): an
# article wholly derived from a source is mostly covered by reused passages; a
# partially derived one reuses some passages. Chosen by a grid search on METER
# dev, 5 folds grouped by story, one (copy, source) pair per article as the
# pipeline has it (bench/meter.py, "best" rows; the grid of bench/derivation.py):
# with copied runs found on the words (issue 26) coverage runs higher, and every
# fold picked 0.74-0.76 and 0.03-0.04 (0.60/0.08 before, on sentence alignments).
WHOLLY_DERIVED_MIN_COVERAGE = 0.74
PARTIALLY_DERIVED_MIN_COVERAGE = 0.04
# A copied passage this long (characters outside quotation marks) makes a text at least partially derived,
# whatever its length: a 600-character passage inside a long document is reuse (issue 26, PAN 2013's
# long host documents). Chosen on METER dev and the PAN development pairs (bench/meter.py, bench/pan.py).
ABSOLUTE_REUSE_CHARS = 300
COMPILATION_CREDITS = frozenset({"Agencies"})  # credits that name no single wire ("By Agencies.")
# Two articles tell the same story when their story score reaches this: best
# mean F1 over METER newspaper-PA pairs and Giveme5W1H dev pairs in the sweep of
# bench/derivation.py (0.12-0.14 depending on the sample; different-story pairs
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
        return compare_prepared(pa, pb, space, rows_a, rows_b, scorer or default_scorer(model_kind(embedder)))

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
) -> Comparison:
    """Compare two prepared articles whose sentences are ``rows_a``/``rows_b`` of ``space``.

    ``candidates`` are the sentence pairs worth scoring (default: ``candidates.candidate_pairs``);
    ``doc_cosine`` the two articles' summed-vector cosine, when the caller computed it for a whole story;
    ``memo`` the derivation model's answers kept from earlier runs; ``alignments`` the two articles'
    passages when the caller aligned them already (``match.align_planned``, a story's pairs at once).
    """
    if alignments is None:
        alignments = align_sentences(space, rows_a, rows_b, pa.sentences, pb.sentences, scorer, candidates)
    alignments = passages_of(pa, pb, alignments)
    a_cov = coverage(pa, [u.a_span for al in alignments if al.relation in REUSE_RELATIONS for u in al.units])
    b_cov = coverage(pb, [u.b_span for al in alignments if al.relation in REUSE_RELATIONS for u in al.units])
    score = story_score(space, rows_a, rows_b, alignments, doc_cosine)
    shares_text = any(al.relation != "related" for al in alignments)
    reused = [al for al in alignments if al.relation in REUSE_RELATIONS]
    return Comparison(
        a=pa.article,
        b=pb.article,
        a_clean=pa.clean,
        b_clean=pb.clean,
        alignments=tuple(alignments),
        story_score=round(score, 3),
        same_story=score >= SAME_STORY_MIN_SCORE,
        a_covered_by_b=round(a_cov, 3),
        b_covered_by_a=round(b_cov, 3),
        b_from_a=derivation(pb, pa, b_cov, shares_text, memo, longest_copied(pb, [al.units for al in reused], "b")),
        a_from_b=derivation(pa, pb, a_cov, shares_text, memo, longest_copied(pa, [al.units for al in reused], "a")),
        only_in_a=_unaligned(pa.sentences, [set(u.a_sentences) for al in alignments for u in al.units]),
        only_in_b=_unaligned(pb.sentences, [set(u.b_sentences) for al in alignments for u in al.units]),
    )


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
    covered: float,
    shares_text: bool = True,
    memo: DerivationMemo | None = None,
    longest: int = 0,
) -> str:
    """METER-style derivation of ``copy`` from ``source``, given the copy's share covered by reuse.

    A text cannot derive from one published after it, nor a wire's own copy
    (its dateline or byline credits an agency; or it is ``kind: agency``) from
    a text that does not carry that credit: undated, the credit says which way
    the copy went. A copied passage of ``ABSOLUTE_REUSE_CHARS`` characters or
    more (``longest``, quotations aside: two reports quote the same speaker)
    makes the copy at least partially derived, however long the rest of it is.
    Otherwise the trained
    METER classifier decides from the two cleaned texts (``align.derivation``),
    unless the coverage rule finds the copy more derived: the classifier sees
    words only, and a machine-translated copy keeps few of them while its
    aligned passages (paraphrase) cover it whole. bench/meter.py prints both
    and their combination on METER. Where the aligner found nothing but
    "related" sentences (``shares_text`` false) the two texts share no
    statement, and the classifier is not asked. With ``memo``, an answer it
    gave before on the same two texts is taken from there.
    """
    if _published_after(source.article, copy.article) or _own_wire_copy(copy, source):
        return "non_derived"
    by_coverage = derivation_by_coverage(covered)
    if by_coverage == DERIVATIONS[-1] and longest >= ABSOLUTE_REUSE_CHARS:
        by_coverage = DERIVATIONS[1]
    if not shares_text or by_coverage == DERIVATIONS[0]:
        return by_coverage  # nothing shared to show the model; or already the most derived the model could say
    copy_text, source_text = content_text(copy), content_text(source)
    by_model = model_derivation(copy_text, source_text) if memo is None else memo.answer(copy_text, source_text)
    return min(by_model, by_coverage, key=DERIVATIONS.index)


def wire_credits(prepared: Prepared) -> frozenset[str]:
    """The agencies whose copy this article is: credited in its dateline or byline, or its own source if an agency.

    "By Agencies" names no wire: it marks a compilation of wire copy, which derives from them.
    """
    credited = {c.agency for c in prepared.clean.credits if c.how in ("dateline", "byline")} - COMPILATION_CREDITS
    if prepared.article.kind == "agency" and prepared.article.source:
        credited.add(prepared.article.source)
    return frozenset(credited)


def _own_wire_copy(copy: Prepared, source: Prepared) -> bool:
    """True when ``copy`` is a wire's own copy and ``source`` carries none of its wires' credits."""
    wires = wire_credits(copy)
    return bool(wires) and not wires & wire_credits(source)


def longest_copied(prepared: Prepared, passages: Sequence[Sequence[Alignment]], side: str) -> int:
    """Characters of the longest reused passage on ``side`` ("a" or "b") of ``prepared``, quotations left out.

    Each passage counts the characters of its pieces of evidence (``Alignment.units``) that lie outside
    quotation marks.
    """
    if not passages:
        return 0
    text = prepared.article.text
    quoted = quoted_mask(text)
    longest = 0
    for units in passages:
        inside = np.zeros(len(text), dtype=bool)
        for u in units:
            start, end = u.a_span if side == "a" else u.b_span
            inside[start:end] = True
        longest = max(longest, int((inside & ~quoted).sum()))
    return longest


@lru_cache(maxsize=256)
def quoted_mask(text: str) -> np.ndarray:
    """The characters of ``text`` inside quotation marks (``derivation.quote_spans``; cached, read only)."""
    mask = np.zeros(len(text), dtype=bool)
    for start, end in quote_spans(text):
        mask[start:end] = True
    mask.flags.writeable = False
    return mask


def model_derivation(copy_text: str, source_text: str) -> str:
    """The trained METER classifier's derivation of ``copy_text`` from ``source_text`` (cleaned contents)."""
    return load_derivation_model().predict(text_features(copy_text, [source_text]))


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

    def answer(self, copy_text: str, source_text: str) -> str:
        """``model_derivation`` of the two texts, asked only if no answer is known."""
        key = self.key(text_digest(copy_text), text_digest(source_text))
        found = self.known.get(key) or self.new.get(key)
        if found is None:
            found = self.new[key] = model_derivation(copy_text, source_text)
        return found


def derivation_by_coverage(covered: float) -> str:
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


def _published_after(first: Article, second: Article) -> bool:
    """True when both dates are known and ``first`` was published strictly after ``second``."""
    t1, t2 = parse_time(first.published), parse_time(second.published)
    return t1 is not None and t2 is not None and t1 > t2


parse_time = parse_published
"""An ISO 8601 date or date-time as a naive UTC datetime, or None: ``storytrace.published.parse_published``."""


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
