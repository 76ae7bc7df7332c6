"""The features of a copy's derivation from its source text(s), as plain numbers for the METER classifier.

``derivation_features`` describes how much of a candidate copy comes from one
source text (or from several, taken together) in plain numbers: word n-gram
containment in both directions, Greedy String Tiling coverage (``align.tiling``), the longest
shared word run, sentence-level tiling shares and lengths, the shares inside quotations
(``align.quoted``) (the *text*
features, computed here from the two texts alone), plus the coverages that the
sentence aligner found (the *aligner* features, passed in by the caller, who
has run ``compare``). Pass the cleaned content of the
articles (what ``compare`` aligns): the shipped model (``align.derivation_model``) was fitted on it, with
text features only, so it does not move when the aligner changes.

Not here: the classifier (``align.derivation_model``), aligning sentences or computing the aligner coverages
(``compare``), publication-date checks (``compare.derivation``), deciding which article is
the source, and training (``training/train_derivation.py``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence, Set
from functools import lru_cache

from storytrace.align.quoted import pieces, quote_spans
from storytrace.align.tiling import (
    GST_LONG,
    GST_SHORT,
    SEPARATOR,
    containment,
    gram_index,
    greedy_string_tiling,
    longer_tiles,
    longest_common_run,
    ngrams,
    tile_order,
)
from storytrace.model import NO_EVIDENCE, RELATIONS, CopyEvidence
from storytrace.text.segment import sentences
from storytrace.text.tokens import normal_words

NGRAM_SIZES = (1, 2, 3, 4, 5)


TEXT_FEATURES: tuple[str, ...] = (
    *(f"contain_{n}" for n in NGRAM_SIZES),
    *(f"rcontain_{n}" for n in NGRAM_SIZES),
    f"gst{GST_SHORT}",
    f"gst{GST_LONG}",
    f"gst{GST_SHORT}_source",
    f"gst{GST_SHORT}_mean_tile",
    "longest_run",
    "longest_run_share",
    "sentences_tiled_50",
    "sentences_tiled_80",
    "sentences_untiled",
    "lead_tiled",
    "quoted_share",
    f"gst{GST_SHORT}_quoted",
    f"gst{GST_SHORT}_unquoted",
    "tile_order",
    "length_ratio",
    "copy_words",
)
# The copy's side of a comparison (``model.CopyEvidence``): what the aligner's passages show of copying.
EVIDENCE_FEATURES: tuple[str, ...] = (
    "reuse_coverage",
    "reuse_narrative",
    "reuse_longest_share",
    "reuse_longest_log",
    "reuse_worded_log",
    "reuse_passages_log",
)
ALIGNER_FEATURES: tuple[str, ...] = (*EVIDENCE_FEATURES, *(f"coverage_{r}" for r in RELATIONS))
ALL_FEATURES: tuple[str, ...] = TEXT_FEATURES + ALIGNER_FEATURES
EVIDENCE_SET: tuple[str, ...] = TEXT_FEATURES + EVIDENCE_FEATURES  # what a live comparison can give the model


def derivation_features(
    copy_text: str,
    source_texts: Sequence[str],
    reuse_coverage: float | None = None,
    relation_coverage: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """The text features of ``copy_text`` against ``source_texts`` taken together, plus the aligner's.

    ``reuse_coverage`` is the share of the copy covered by reused passages
    (verbatim, near_verbatim, paraphrase alignments); ``relation_coverage`` the
    share covered by each relation (missing relations count 0). Leave both None
    for the text features alone.
    """
    out = text_features(copy_text, source_texts)
    if reuse_coverage is not None or relation_coverage is not None:
        out.update(aligner_features(reuse_coverage or 0.0, relation_coverage or {}))
    return out


def evidence_features(evidence: CopyEvidence) -> dict[str, float]:
    """The copy's evidence of copying under its feature names (``EVIDENCE_FEATURES``).

    ``reuse_narrative`` is the reused share of the copy's words outside
    quotation marks (two reports quoting one speaker have not copied each
    other); lengths enter as logarithms, shares of the copy's content as they are.
    """
    return {
        "reuse_coverage": float(evidence.covered),
        "reuse_narrative": float(evidence.narrative),
        "reuse_longest_share": evidence.longest / evidence.content if evidence.content else 0.0,
        "reuse_longest_log": math.log1p(evidence.longest),
        "reuse_worded_log": math.log1p(evidence.longest_worded),
        "reuse_passages_log": math.log1p(evidence.passages),
    }


def aligner_features(
    reuse_coverage: float, relation_coverage: Mapping[str, float], evidence: CopyEvidence | None = None
) -> dict[str, float]:
    """The aligner's features: ``evidence_features`` and the coverage of each relation (``coverage_<relation>``).

    Without ``evidence``, the evidence features other than ``reuse_coverage`` are 0.
    """
    out = evidence_features(evidence if evidence is not None else NO_EVIDENCE)
    out["reuse_coverage"] = float(reuse_coverage)
    for relation in RELATIONS:
        out[f"coverage_{relation}"] = float(relation_coverage.get(relation, 0.0))
    return out


@lru_cache(maxsize=512)
def _copy_words(copy_text: str) -> tuple[tuple[tuple[str, ...], ...], tuple[bool, ...]]:
    """The copy's words sentence by sentence, and whether each word is inside a quotation.

    Cached: in a story, every article is the copy of every pair it is in.
    """
    copy_sentences: list[tuple[str, ...]] = []
    quoted: list[bool] = []
    quotes = quote_spans(copy_text)
    starts = [a for a, _ in quotes]
    for sent in sentences(copy_text):
        words: list[str] = []
        for start, end, inside in pieces(sent.start, sent.end, quotes, starts):
            piece = normal_words(copy_text[start:end])
            words.extend(piece)
            quoted.extend([inside] * len(piece))
        copy_sentences.append(tuple(words))
    return tuple(copy_sentences), tuple(quoted)


@lru_cache(maxsize=512)
def _source_words(text: str) -> tuple[str, ...]:
    """The words of a source text (cached, as ``_copy_words``)."""
    return tuple(normal_words(text))


def text_features(copy_text: str, source_texts: Sequence[str]) -> dict[str, float]:
    """Features of the copy against the sources computed from the two texts alone (see ``TEXT_FEATURES``)."""
    copy_sentences, quoted = _copy_words(copy_text)
    copy = [w for words in copy_sentences for w in words]
    source: list[str] = []
    for k, text in enumerate(source_texts):
        if k:
            source.append(SEPARATOR)
        source.extend(_source_words(text))
    source_words = sum(1 for w in source if w != SEPARATOR)

    out: dict[str, float] = {}
    grams: dict[int, tuple[Set[tuple[str, ...]], Set[tuple[str, ...]]]] = {}  # by size: the copy's, the sources'
    for n in NGRAM_SIZES:
        copy_grams = _copy_grams(copy_text, n)
        source_grams = _source_grams(source_texts[0], n) if len(source_texts) == 1 else ngrams(source, n)
        grams[n] = copy_grams, source_grams
        out[f"contain_{n}"] = containment(copy_grams, source_grams)
        out[f"rcontain_{n}"] = containment(source_grams, copy_grams)

    one = source_texts[0] if len(source_texts) == 1 else None
    short = greedy_string_tiling(copy, source, GST_SHORT, _source_index(one, GST_SHORT) if one else None)
    long = longer_tiles(short, GST_LONG)  # the tiling at GST_LONG words, read off the one at GST_SHORT
    copy_marked = _marks(len(copy), ((i, n) for i, _, n in short))
    tiled_short = sum(n for _, _, n in short)
    out[f"gst{GST_SHORT}"] = tiled_short / len(copy) if copy else 0.0
    out[f"gst{GST_LONG}"] = sum(n for _, _, n in long) / len(copy) if copy else 0.0
    out[f"gst{GST_SHORT}_source"] = tiled_short / source_words if source_words else 0.0
    out[f"gst{GST_SHORT}_mean_tile"] = math.log1p(tiled_short / len(short)) if short else 0.0

    run = longest_common_run(copy, source, short, grams)
    out["longest_run"] = math.log1p(run)
    out["longest_run_share"] = run / len(copy) if copy else 0.0

    shares: list[float] = []
    pos = 0
    for words in copy_sentences:
        if words:
            shares.append(sum(copy_marked[pos : pos + len(words)]) / len(words))
        pos += len(words)
    out["sentences_tiled_50"] = _share(s >= 0.5 for s in shares)
    out["sentences_tiled_80"] = _share(s >= 0.8 for s in shares)
    out["sentences_untiled"] = _share(s < 0.2 for s in shares)
    lead = sum(len(words) for words in copy_sentences[:2])
    out["lead_tiled"] = sum(copy_marked[:lead]) / lead if lead else 0.0

    n_quoted = sum(quoted)
    out["quoted_share"] = n_quoted / len(copy) if copy else 0.0
    tiled_quoted = sum(m and q for m, q in zip(copy_marked, quoted, strict=True))
    out[f"gst{GST_SHORT}_quoted"] = tiled_quoted / n_quoted if n_quoted else 0.0
    unquoted = len(copy) - n_quoted
    out[f"gst{GST_SHORT}_unquoted"] = (tiled_short - tiled_quoted) / unquoted if unquoted else 0.0
    out["tile_order"] = tile_order(short)

    out["length_ratio"] = math.log((len(copy) + 1) / (source_words + 1))
    out["copy_words"] = math.log1p(len(copy))
    return out


@lru_cache(maxsize=2048)
def _copy_grams(copy_text: str, n: int) -> frozenset[tuple[str, ...]]:
    """The n-grams of a copy text (cached: in a story every article is the copy of each of its pairs)."""
    copy_sentences, _ = _copy_words(copy_text)
    return frozenset(ngrams([w for words in copy_sentences for w in words], n))


@lru_cache(maxsize=2048)
def _source_grams(text: str, n: int) -> frozenset[tuple[str, ...]]:
    """The n-grams of one source text (cached, as ``_copy_grams``)."""
    return frozenset(ngrams(_source_words(text), n))


@lru_cache(maxsize=1024)
def _source_index(text: str, k: int) -> dict[tuple[str, ...], list[int]]:
    """``gram_index`` of one source text's words (cached, as ``_source_grams``; read, never changed)."""
    return gram_index(_source_words(text), k)


def _marks(size: int, runs: Iterable[tuple[int, int]]) -> list[bool]:
    marked = [False] * size
    for start, n in runs:
        marked[start : start + n] = [True] * n
    return marked


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0
