"""Derivation of a copy from its source text(s): features and a trained METER classifier.

``derivation_features`` describes how much of a candidate copy comes from one
source text (or from several, taken together) in plain numbers: word n-gram
containment in both directions, Greedy String Tiling coverage, the longest
shared word run, sentence-level tiling shares and lengths (the *text*
features, computed here from the two texts alone), plus the coverages that the
sentence aligner found (the *aligner* features, passed in by the caller, who
has run ``compare``). ``DerivationModel`` loads a classifier fitted on METER
(Gaizauskas et al. 2001; ``training/train_derivation.py``) from
``align/models/derivation.json`` and labels the copy ``wholly_derived``,
``partially_derived`` or ``non_derived``. Pass the cleaned content of the
articles (what ``compare`` aligns): the shipped model was fitted on it, with
text features only, so it does not move when the aligner changes.

Not here: aligning sentences or computing the aligner coverages (``compare``),
publication-date checks (``compare.derivation``), deciding which article is
the source, and training (``training/train_derivation.py``). The model file is
plain JSON (scaler and logistic-regression coefficients, or tree dumps), read
without scikit-learn.
"""

from __future__ import annotations

import bisect
import heapq
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from storytrace.model import DERIVATIONS, NO_EVIDENCE, RELATIONS, CopyEvidence, Span
from storytrace.text.segment import sentences
from storytrace.text.tokens import normal_words

MODEL_FILE = Path(__file__).resolve().parent / "models" / "derivation.json"
MODEL_FORMAT = "storytrace-derivation/1"
NGRAM_SIZES = (1, 2, 3, 4, 5)
# Greedy String Tiling minimum match lengths in words: 3 finds short reused
# phrases, 6 only clearly copied runs (Clough et al. 2002 used 3-5 on METER).
GST_SHORT = 3
GST_LONG = 6
# Source places of one gram that start runs in Greedy String Tiling. Every place of a gram in the copy meets
# every place in the source: a gram repeated r times in both costs r², and a long repetitive text holds many
# (two 2,500-sentence articles: 3.6 s, four times that at twice the length). A gram repeated more often
# starts no run; its runs start at their first rarer gram, a few words shorter. News articles repeat no gram
# so often: METER's features are unchanged (its most repeated, in 18 PA versions of a story taken together:
# 30 times).
GST_MAX_REPEATS = 32

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

# Between two source texts in one token list, so that no n-gram or tile crosses them.
_SEPARATOR = "\x00"

Tile = tuple[int, int, int]  # start in the copy, start in the source, length in words


# ---------------------------------------------------------------- features


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
        for start, end, inside in _pieces(sent.start, sent.end, quotes, starts):
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
            source.append(_SEPARATOR)
        source.extend(_source_words(text))
    source_words = sum(1 for w in source if w != _SEPARATOR)

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


def ngrams(words: Sequence[str], n: int) -> set[tuple[str, ...]]:
    """The distinct word n-grams of ``words`` (none crosses a source separator)."""
    grams = {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    return {g for g in grams if _SEPARATOR not in g} if _SEPARATOR in words else grams


def containment(a: Set[tuple[str, ...]], b: Set[tuple[str, ...]]) -> float:
    """Share of the n-grams of ``a`` also in ``b`` (Broder 1997); 0 when ``a`` has none."""
    return len(a & b) / len(a) if a else 0.0


def greedy_string_tiling(
    copy: Sequence[str], source: Sequence[str], min_match: int, index: Mapping[tuple[str, ...], list[int]] | None = None
) -> list[Tile]:
    """Greedy String Tiling (Wise 1993): non-overlapping shared word runs, longest first.

    Repeatedly takes the longest run of words common to ``copy`` and
    ``source`` that uses no word already tiled on either side, until none of
    at least ``min_match`` words is left. Instead of rescanning after each tile
    (Wise's running Karp-Rabin version), every maximal common run is found
    once from an index of the source's ``min_match``-grams and kept in a
    max-heap; a run that a newer tile has partly taken is split into its
    untouched pieces and pushed back. Any common run of untiled words lies in
    one original maximal run, so this finds the same tiles (but for runs that
    begin with a gram repeated over ``GST_MAX_REPEATS`` times in the source,
    found from their first rarer gram on). Returns
    ``(copy_start, source_start, length)`` in tiling order. ``index`` may
    pass ``gram_index(source, min_match)``, already built.
    """
    k = min_match
    if k < 1 or len(copy) < k or len(source) < k:
        return []
    if index is None:
        index = gram_index(source, k)
    heap: list[tuple[int, int, int]] = []
    for i in range(len(copy) - k + 1):
        starts = index.get(tuple(copy[i : i + k]), ())
        if len(starts) > GST_MAX_REPEATS:
            continue  # a gram repeated this often starts no run: its runs start at their first rarer gram
        for j in starts:
            if _seeded_before(copy, source, i, j, k, index):
                continue  # not the first place its run can start
            n = k
            while i + n < len(copy) and j + n < len(source) and copy[i + n] == source[j + n]:
                n += 1
            heap.append((-n, i, j))
    heapq.heapify(heap)
    copy_free = [w != _SEPARATOR for w in copy]
    source_free = [w != _SEPARATOR for w in source]
    tiles: list[Tile] = []
    while heap:
        neg, i, j = heapq.heappop(heap)
        n = -neg
        free = [copy_free[i + t] and source_free[j + t] for t in range(n)]
        if all(free):
            tiles.append((i, j, n))
            for t in range(n):
                copy_free[i + t] = source_free[j + t] = False
            continue
        start = None
        for t in range(n + 1):
            if t < n and free[t]:
                start = t if start is None else start
            elif start is not None:
                if t - start >= k:
                    heapq.heappush(heap, (start - t, i + start, j + start))
                start = None
    return tiles


def _seeded_before(
    copy: Sequence[str], source: Sequence[str], i: int, j: int, k: int, index: Mapping[tuple[str, ...], list[int]]
) -> bool:
    """Whether the common run through copy ``i`` and source ``j`` starts a run at an earlier place.

    It does when it extends to the left and the gram there starts runs (is not
    repeated over ``GST_MAX_REPEATS`` times); past a repeated gram, look further left.
    """
    t = 1
    while i - t >= 0 and j - t >= 0 and copy[i - t] == source[j - t]:
        if len(index.get(tuple(copy[i - t : i - t + k]), ())) <= GST_MAX_REPEATS:
            return True
        t += 1
    return False


def longer_tiles(tiles: Sequence[Tile], min_match: int) -> list[Tile]:
    """``greedy_string_tiling`` at ``min_match`` words, from its tiles at a smaller minimum.

    Tiling takes the longest run first, and a run cut by a tile goes back
    shorter: every tile of at least ``min_match`` words is placed before any
    shorter one is, against the same tiles, whatever the smaller minimum. So
    the tiling at ``min_match`` is those tiles, in the same order, and one
    tiling serves both sizes (exactly so when no gram of either size is
    repeated over ``GST_MAX_REPEATS`` times in the source).
    """
    return [t for t in tiles if t[2] >= min_match]


def gram_index(words: Sequence[str], k: int) -> dict[tuple[str, ...], list[int]]:
    """Where each ``k``-gram of ``words`` starts."""
    index: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(words) - k + 1):
        index.setdefault(tuple(words[j : j + k]), []).append(j)
    return index


@lru_cache(maxsize=1024)
def _source_index(text: str, k: int) -> dict[tuple[str, ...], list[int]]:
    """``gram_index`` of one source text's words (cached, as ``_source_grams``; read, never changed)."""
    return gram_index(_source_words(text), k)


def longest_common_run(
    copy: Sequence[str],
    source: Sequence[str],
    tiles: Sequence[Tile] | None = None,
    grams: Mapping[int, tuple[Set[tuple[str, ...]], Set[tuple[str, ...]]]] | None = None,
) -> int:
    """Length in words of the longest run shared by ``copy`` and ``source``.

    ``tiles`` may pass their Greedy String Tiling at ``GST_SHORT`` words, already computed: its first
    tile is the longest common run. ``grams`` may give the two texts' ``ngrams`` by size, already computed.
    """
    if tiles is None:
        tiles = greedy_string_tiling(copy, source, GST_SHORT)
    if tiles:
        return tiles[0][2]
    for k in range(GST_SHORT - 1, 0, -1):
        copy_grams, source_grams = grams[k] if grams and k in grams else (ngrams(copy, k), ngrams(source, k))
        if copy_grams & source_grams:
            return k
    return 0


def tile_order(tiles: Sequence[Tile]) -> float:
    """Share of tiles, taken in copy order, that start after the previous tile in the source too.

    A copy that follows its source keeps the source's order (1.0); shared
    phrases picked up independently come in any order. 0.5 with under two tiles.
    """
    starts = [j for _, j, _ in sorted(tiles)]
    if len(starts) < 2:
        return 0.5
    return sum(b > a for a, b in zip(starts, starts[1:], strict=False)) / (len(starts) - 1)


# Quotation marks: straight, curly, low (German „…“), guillemets and CJK corner brackets, PA's ``...''
# and `...'. A mark closes a quotation opened by any mark of its family (double, single, angle, corner),
# whichever way round it is written: real text mixes them (“…" or »…«). A straight or single mark opens
# before a word and closes after one; between two letters it is an apostrophe (don't, rock ’n’ roll).
_QUOTE_FAMILY = {
    **dict.fromkeys(('"', "“", "”", "„", "‟", "``", "''"), "double"),
    **dict.fromkeys(("'", "‘", "’", "‚", "‛", "`"), "single"),
    **dict.fromkeys(("«", "»", "‹", "›"), "angle"),
    **dict.fromkeys(("「", "」", "『", "』"), "corner"),
}
# Marks that are written one way only in practice, whatever stands around them (CJK text has no spaces).
_FIXED_ROLE = {"``": "open", "''": "close", "「": "open", "『": "open", "」": "close", "』": "close"}
# A mark with nothing but spaces around it takes the role it usually has.
_OPENS_ALONE = frozenset(("“", "„", "‟", "‚", "‛", "«", "‹"))
_CLOSES_ALONE = frozenset(("”", "»", "›"))
_NEVER_OPENS = frozenset(("’",))  # the apostrophe's own character: ’90s, ’n’ are elisions, not quotations
_QUOTE = re.compile("``|''|[" + re.escape("".join(m for m in _QUOTE_FAMILY if len(m) == 1)) + "]")
_PARAGRAPH = re.compile(r"\n\s*\n")


def quote_spans(text: str) -> list[Span]:
    """Spans of ``text`` inside quotation marks (outermost only); an unclosed quote ends with its paragraph."""
    out: list[Span] = []
    ends = [m.start() for m in _PARAGRAPH.finditer(text)] + [len(text)]
    opened: tuple[int, str] | None = None
    for m in _QUOTE.finditer(text):
        if opened is not None and (end := ends[bisect.bisect_right(ends, opened[0])]) <= m.start():
            out.append((opened[0], end))  # its paragraph ended before this mark
            opened = None
        mark, role = m.group(0), _quote_role(text, m.start(), m.end())
        if opened is None and role == "open":
            opened = (m.end(), mark)
        elif opened is not None and role == "close" and _closes(opened[1], mark):
            out.append((opened[0], m.start()))
            opened = None
    if opened is not None:
        out.append((opened[0], ends[bisect.bisect_left(ends, opened[0])]))
    return [(a, b) for a, b in out if b > a]


def _quote_role(text: str, start: int, end: int) -> str:
    """``open``, ``close`` or ``none`` (an apostrophe, or a mark between two spaces).

    The context decides first (a mark after a word and before a space closes, whichever way it is
    written: „…“ closes with “); a mark between two spaces takes its own usual role.
    """
    mark = text[start:end]
    if mark in _FIXED_ROLE:
        return _FIXED_ROLE[mark]
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if _wordish(before) and _wordish(after):
        return "none"  # an apostrophe: don't, O'Neill
    if _wordish(after) and not _wordish(before) and before not in ".,!?;:":
        return "none" if mark in _NEVER_OPENS else "open"
    if (_wordish(before) or before in ".,!?;:") and not _wordish(after):
        return "close"
    return "open" if mark in _OPENS_ALONE else "close" if mark in _CLOSES_ALONE else "none"


def _wordish(ch: str) -> bool:
    return ch.isalnum()


def _closes(opening: str, mark: str) -> bool:
    """Whether ``mark`` can close a quotation that ``opening`` opened: any two marks of one family."""
    return _QUOTE_FAMILY[opening] == _QUOTE_FAMILY[mark]


def _pieces(start: int, end: int, spans: Sequence[Span], starts: Sequence[int]) -> list[tuple[int, int, bool]]:
    """``[start, end)`` cut at the borders of ``spans``: (start, end, inside a span).

    ``spans`` are in order and apart (``quote_spans``), ``starts`` their starts: only those near are read.
    """
    k = max(0, bisect.bisect_right(starts, start) - 1)
    near = []
    while k < len(spans) and spans[k][0] < end:
        if spans[k][1] > start:
            near.append(spans[k])
        k += 1
    spans = near
    cuts = sorted({start, end, *(p for a, b in spans for p in (a, b) if start < p < end)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        mid = a
        out.append((a, b, any(x <= mid < y for x, y in spans)))
    return out


def _marks(size: int, runs: Iterable[tuple[int, int]]) -> list[bool]:
    marked = [False] * size
    for start, n in runs:
        marked[start : start + n] = [True] * n
    return marked


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class _Head:
    """One fitted classifier: a linear model over standardised features, or additive trees."""

    classes: tuple[str, ...]
    kind: str
    params: Mapping[str, Any]

    def scores(self, x: Sequence[float]) -> list[float]:
        """Raw decision scores: one per class, or one (for ``classes[1]``) when there are two classes."""
        if self.kind == "linear":
            z = [(v - m) / s for v, m, s in zip(x, self.params["mean"], self.params["scale"], strict=True)]
            return [
                b + sum(c * v for c, v in zip(row, z, strict=True))
                for row, b in zip(self.params["coef"], self.params["intercept"], strict=True)
            ]
        if self.kind == "trees":
            out = [float(v) for v in self.params["init"]]
            rate = float(self.params["learning_rate"])
            for tree in self.params["trees"]:
                out[tree["output"]] += rate * _tree_value(tree, x)
            return out
        raise ValueError(f"unknown model kind {self.kind!r}")

    def predict(self, x: Sequence[float]) -> str:
        """The class with the highest score."""
        s = self.scores(x)
        if len(s) == 1:
            return self.classes[1] if s[0] > 0 else self.classes[0]
        return self.classes[max(range(len(s)), key=s.__getitem__)]


def _tree_value(tree: Mapping[str, Any], x: Sequence[float]) -> float:
    node = 0
    left, right = tree["left"], tree["right"]
    while left[node] >= 0:
        node = left[node] if x[tree["feature"][node]] <= tree["threshold"][node] else right[node]
    return float(tree["value"][node])


@dataclass(frozen=True)
class DerivationModel:
    """A fitted METER derivation classifier read from JSON.

    ``predict`` gives the three-way label; ``derived`` says whether the copy
    derives from the source at all, with the dedicated binary model when the
    file has one.
    """

    version: str
    features: tuple[str, ...]
    three_way: _Head
    binary: _Head | None
    meta: Mapping[str, Any]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DerivationModel:
        """A model from the parsed JSON of a model file."""
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a {MODEL_FORMAT} model: format {data.get('format')!r}")
        features = tuple(str(f) for f in data["features"])
        three_way = _head(data["three_way"], len(features))
        if set(three_way.classes) != set(DERIVATIONS):
            raise ValueError(f"three-way classes {three_way.classes} are not {DERIVATIONS}")
        binary = _head(data["binary"], len(features)) if data.get("binary") else None
        meta = {k: v for k, v in data.items() if k not in ("three_way", "binary")}
        return cls(str(data["version"]), features, three_way, binary, meta)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> DerivationModel:
        """A model from a JSON file."""
        with path.open(encoding="utf-8") as f:
            return cls.from_dict(json.load(f))

    @property
    def uses_aligner(self) -> bool:
        """Whether any input feature comes from the aligner (``ALIGNER_FEATURES``)."""
        return any(f in ALIGNER_FEATURES for f in self.features)

    def vector(self, features: Mapping[str, float]) -> list[float]:
        """The model's inputs in its order; raises ValueError naming any that are missing."""
        absent = [f for f in self.features if f not in features]
        if absent:
            raise ValueError(f"missing derivation features: {', '.join(absent)}")
        return [float(features[f]) for f in self.features]

    def predict(self, features: Mapping[str, float]) -> str:
        """``wholly_derived``, ``partially_derived`` or ``non_derived``."""
        return self.three_way.predict(self.vector(features))

    def confidence(self, features: Mapping[str, float]) -> float | None:
        """The calibrated probability that the copy derives from the source at all (None: the file has none).

        The binary model's score, mapped to a probability by the logistic
        (Platt) fit of ``calibration`` on out-of-fold scores of the training
        corpus (training/train_derivation.py), so that of the pairs given 0.8
        about four in five were derived there.
        """
        calibration = self.meta.get("calibration")
        if self.binary is None or not calibration:
            return None
        scores = self.binary.scores(self.vector(features))
        if len(scores) == 1:
            score = scores[0] if self.binary.classes[1] == "derived" else -scores[0]
        else:
            score = scores[self.binary.classes.index("derived")] - scores[self.binary.classes.index("non_derived")]
        z = float(calibration["slope"]) * score + float(calibration["intercept"])
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def derived(self, features: Mapping[str, float]) -> bool:
        """Whether the copy is wholly or partially derived from the source."""
        x = self.vector(features)
        if self.binary is not None:
            return self.binary.predict(x) != "non_derived"
        return self.three_way.predict(x) != "non_derived"


def _head(data: Mapping[str, Any], n_features: int) -> _Head:
    head = _Head(tuple(str(c) for c in data["classes"]), str(data["kind"]), data["params"])
    if head.kind == "linear":
        sizes = {len(head.params["mean"]), len(head.params["scale"]), *(len(r) for r in head.params["coef"])}
        if sizes != {n_features}:
            raise ValueError(f"linear model sizes {sorted(sizes)} do not match {n_features} features")
    elif head.kind == "trees":
        if any(f >= n_features for t in head.params["trees"] for f in t["feature"]):
            raise ValueError("a tree uses a feature index beyond the feature list")
    else:
        raise ValueError(f"unknown model kind {head.kind!r}")
    return head


@lru_cache(maxsize=1)
def load_derivation_model() -> DerivationModel:
    """The shipped model (``align/models/derivation.json``), loaded once."""
    return DerivationModel.load(MODEL_FILE)
