"""Lexical similarity of sentences: vectors for a group of sentences and pair features.

A ``SentenceSpace`` holds the sentences of the articles being compared (two
articles, or every article of a story) with word-stem and character n-gram
TF-IDF vectors fitted on that group, so that words common to the whole story
("Putin", "visit") weigh less than the rare words a copied sentence shares.
``anchor_matrix`` marks each sentence's rare terms, the anchors from which
``candidates`` finds the pairs worth scoring. ``pair_features`` describes one
sentence pair by overlap, order and number agreement for the relation rules.

Not here: choosing which pairs align (``match``) or naming the relation
(``relation``). The embedding cosine comes from ``semantic``: a space given
sentence vectors passes it on in ``PairFeatures.embed_cos``.
"""

from __future__ import annotations

import difflib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain, islice

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from scipy import sparse

from storytrace.text.tokens import name_stems, normal_words, numbers, stems_of

# Up to this many sentences a space keeps dense all-pairs similarity matrices (3 x 32 MB at most).
DENSE_MAX_SENTENCES = 2000
# Sentences whose character n-grams are counted at a time (``term_counts``).
COUNT_CHUNK = 4096
# Pairs scored at once: each holds both sentences' rows (some 300 character n-grams each, 384 floats of
# embedding), so a long text's 100,000 candidate pairs at once took some 900 MB.
PAIR_CHUNK = 8192
# MiniLM's cosine below which a sentence pair is not ranked on its embeddings (``match.semantic_similarity``).
SEMANTIC_FLOOR = 0.45
# The rare terms of a space, anchors of its candidate pairs (``anchor_matrix``, ``candidates``).
ANCHOR_MIN_DF = 3
ANCHOR_DF_SHARE = 0.02
# The share rule's most sentences for a rare term: a term in d sentences gives up to d² pairs, so a share of
# a long text's sentences would give pairs growing with the square of its length. 40 is the share at 2,000
# sentences, below which a story is scored whole (``pipeline``): stories of many articles keep their 2 x
# articles, and long articles' terms stay rare.
ANCHOR_MAX_SHARE_DF = 40


@dataclass(frozen=True)
class SentenceInfo:
    """Token views of one sentence used by every feature."""

    text: str
    words: tuple[str, ...]
    stems: tuple[str, ...]
    numbers: frozenset[str]
    names: frozenset[str]  # stems of capitalised words after the first word, and numbers
    negations: int  # "not", "no", "never", "n't"... (a flipped statement differs in their parity)

    # Views computed on first use and kept (a sentence meets many partners in a story).
    @cached_property
    def stem_set(self) -> frozenset[str]:
        """The distinct stems."""
        return frozenset(self.stems)

    @cached_property
    def char_counts(self) -> Counter[str]:
        """Counts of the character n-grams (``char_ngrams``)."""
        return Counter(char_ngrams(self.words))

    @cached_property
    def char_norm(self) -> float:
        """Euclidean norm of ``char_counts``."""
        return _norm(self.char_counts)

    @cached_property
    def bigrams(self) -> frozenset[tuple[str, str]]:
        """The distinct word bigrams."""
        return frozenset(zip(self.words, self.words[1:], strict=False))

    @cached_property
    def joined(self) -> str:
        """The words joined by spaces."""
        return " ".join(self.words)


@dataclass(frozen=True)
class PairFeatures:
    """How alike two sentences are, feature by feature (all in [0, 1] unless noted)."""

    word_cos: float
    char_cos: float
    dice: float
    containment: float  # IDF-weighted share of the shorter sentence's stems found in the other
    weighted_dice: float  # IDF-weighted Dice of the two stem sets
    sequence: float  # difflib ratio of the two word sequences (order-aware)
    length_ratio: float
    numbers_shared: int
    numbers_conflict: bool  # both state numbers and share none
    anchors: int  # shared names or numbers that few sentences of the group contain
    identical: bool  # same words once case, quotes and punctuation are set aside
    # Pair-local features for the relation classifier (no statistics of the group):
    local_char_cos: float = 0.0  # cosine of character 3-5-gram counts
    bigram_dice: float = 0.0  # Dice of word bigrams
    plain_containment: float = 0.0  # share of the shorter sentence's content stems in the other
    edit_ratio: float = 0.0  # 1 - normalised Levenshtein distance of the normalised texts
    token_set: float = 0.0  # rapidfuzz token-set ratio / 100
    names_jaccard: float = 0.0
    names_unshared: int = 0  # names (and numbers) found in one sentence only
    numbers_unshared: int = 0
    negation_mismatch: bool = False
    word_count_min: int = 0  # words in the shorter sentence
    unshared_max: int = 0  # content stems found in one sentence only: the larger side's count
    unshared_min: int = 0  # ... and the smaller side's
    embed_cos: float | None = None  # cosine of the sentence embeddings, when the semantic layer runs

    @property
    def similarity(self) -> float:
        """The score used to rank candidate pairs."""
        return 0.4 * self.word_cos + 0.3 * self.char_cos + 0.3 * self.weighted_dice


_NEGATIONS = frozenset({"not", "no", "never", "nor", "none", "nobody", "nothing", "neither", "without", "t"})


def describe(text: str) -> SentenceInfo:
    """Token views of one sentence."""
    nums = frozenset(numbers(text))
    words = normal_words(text)
    negations = sum(1 for w in words if w in _NEGATIONS)
    return SentenceInfo(text, tuple(words), tuple(stems_of(words)), nums, name_stems(text) | nums, negations)


class SentenceSpace:
    """TF-IDF vectors and IDF weights fitted on one group of sentences."""

    def __init__(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> None:
        self.infos = [describe(t) for t in texts]
        self.embeddings = embeddings  # unit rows, one per sentence, or None (lexical only)
        self.embed_floor = SEMANTIC_FLOOR  # the embedder's own (``compare.sentence_space`` sets it)
        self.word_vectors = tfidf(Counter(i.stems) for i in self.infos)
        # Counted here and dropped: 300-odd n-grams a sentence take 4.5 KB as a Counter, 3.6 KB as a matrix row.
        self.char_vectors = tfidf_of_count_chunks(count_chunks(Counter(char_ngrams(i.words)) for i in self.infos))
        self.df = Counter(s for info in self.infos for s in set(info.stems) | info.names)
        n = max(1, len(self.infos))
        self.idf = {s: math.log((1 + n) / (1 + c)) + 1.0 for s, c in self.df.items()}
        self.anchor_max_df = 2  # raised by callers that put more than two articles in one space
        self.stem_sets = _weighted_stem_matrix(self.infos, self.idf)
        self._anchors: sparse.csr_matrix | None = None
        self._dense: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._local_char: np.ndarray | None = None  # count cosines (``local_char_cos``), with ``_dense``

    def precompute_similarities(self) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Dense all-pairs (similarity, word cosine, char cosine) matrices, or None for a large space.

        A story's pairs then read their sentence scores from three matrices
        computed by three sparse products, instead of slicing the sparse
        vectors pair by pair. Above ``DENSE_MAX_SENTENCES`` sentences (32 MB a
        matrix) nothing is computed and pairs are scored from the vectors.
        """
        n = len(self.infos)
        if self._dense is None and 0 < n <= DENSE_MAX_SENTENCES:
            w = (self.word_vectors @ self.word_vectors.T).toarray()
            ch = (self.char_vectors @ self.char_vectors.T).toarray()
            present = (self.stem_sets > 0).astype(float)
            shared = (self.stem_sets @ present.T).toarray()
            totals = np.asarray(self.stem_sets.sum(axis=1)).ravel()
            total = totals[:, None] + totals[None, :]
            wdice = np.divide(2 * shared, total, out=np.zeros_like(shared), where=total > 0)
            self._dense = (0.4 * w + 0.3 * ch + 0.3 * wdice, w, ch)
            # ``_char_cosine`` of every pair: integer dot products (exact in floats) over the same norms.
            counts = self._char_counts()
            dots = (counts @ counts.T).toarray()
            norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
            outer = np.outer(norms, norms)
            self._local_char = np.divide(dots, outer, out=np.zeros_like(dots), where=outer != 0)
        return self._dense

    def anchor_index(self) -> sparse.csr_matrix:
        """Sentences x rare terms (``anchor_matrix``), built once."""
        if self._anchors is None:
            self._anchors = anchor_matrix(self)
        return self._anchors

    def pair_similarity(self, rows: Sequence[int], cols: Sequence[int]) -> tuple[np.ndarray, ...]:
        """Combined similarity, word cosine and char cosine of the pairs (rows[k], cols[k])."""
        if not rows:
            empty = np.zeros(0)
            return empty, empty, empty
        if self._dense is not None:
            sim, w_all, ch_all = self._dense
            return sim[rows, cols], w_all[rows, cols], ch_all[rows, cols]
        parts = [
            self._sparse_pair_similarity(rows[k : k + PAIR_CHUNK], cols[k : k + PAIR_CHUNK])
            for k in range(0, len(rows), PAIR_CHUNK)
        ]
        return tuple(np.concatenate(part) for part in zip(*parts, strict=True))

    def _sparse_pair_similarity(self, rows: Sequence[int], cols: Sequence[int]) -> tuple[np.ndarray, ...]:
        r, c = list(rows), list(cols)
        w = np.asarray(self.word_vectors[r].multiply(self.word_vectors[c]).sum(axis=1)).ravel()
        ch = np.asarray(self.char_vectors[r].multiply(self.char_vectors[c]).sum(axis=1)).ravel()
        sa, sb = self.stem_sets[r], self.stem_sets[c]
        shared = np.asarray(sa.multiply(sb > 0).sum(axis=1)).ravel()
        total = np.asarray(sa.sum(axis=1)).ravel() + np.asarray(sb.sum(axis=1)).ravel()
        wdice = np.divide(2 * shared, total, out=np.zeros_like(shared, dtype=float), where=total > 0)
        return 0.4 * w + 0.3 * ch + 0.3 * wdice, w, ch

    def pair_embed_cos(self, rows: Sequence[int], cols: Sequence[int]) -> np.ndarray | None:
        """Embedding cosines of the pairs (rows[k], cols[k]), or None without embeddings."""
        if self.embeddings is None:
            return None
        vectors = self.embeddings
        parts = [
            np.sum(vectors[list(rows[k : k + PAIR_CHUNK])] * vectors[list(cols[k : k + PAIR_CHUNK])], axis=1)
            for k in range(0, len(rows), PAIR_CHUNK)
        ]
        return np.asarray(np.concatenate(parts), dtype=float) if parts else np.zeros(0)

    def group_cosines(self, offsets: Sequence[int], chars: bool = False) -> np.ndarray:
        """``summed_cosine`` of every two groups of consecutive rows (group g: ``offsets[g]:offsets[g + 1]``)."""
        vectors = self.char_vectors if chars else self.word_vectors
        bounds = np.asarray(offsets)
        owner = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
        member = sparse.csr_matrix((np.ones(len(owner)), (owner, np.arange(len(owner)))), (len(bounds) - 1, len(owner)))
        summed = (member @ vectors).tocsr()
        norms = np.sqrt(np.asarray(summed.multiply(summed).sum(axis=1)).ravel())
        gram = (summed @ summed.T).toarray()
        denom = norms[:, None] * norms[None, :]
        out: np.ndarray = np.divide(gram, denom, out=np.zeros_like(gram), where=denom > 0)
        return out

    def summed_cosine(self, rows_a: Sequence[int], rows_b: Sequence[int], chars: bool = False) -> float:
        """Cosine of the summed word (or character n-gram) vectors of two groups of sentences."""
        if not rows_a or not rows_b:
            return 0.0
        if self._dense is not None:  # the vectors are unit rows: their sums' products are sums of cosines
            gram = self._dense[2 if chars else 1]
            a, b = list(rows_a), list(rows_b)
            norm2 = float(gram[np.ix_(a, a)].sum() * gram[np.ix_(b, b)].sum())
            return float(gram[np.ix_(a, b)].sum()) / math.sqrt(norm2) if norm2 > 0 else 0.0
        vectors = self.char_vectors if chars else self.word_vectors
        va = np.asarray(vectors[list(rows_a)].sum(axis=0)).ravel()
        vb = np.asarray(vectors[list(rows_b)].sum(axis=0)).ravel()
        norm = float(np.linalg.norm(va) * np.linalg.norm(vb))
        return float(va @ vb) / norm if norm else 0.0

    def features(self, i: int, j: int, word_cos: float, char_cos: float) -> PairFeatures:
        """All pair features of sentences ``i`` and ``j`` given their cosines."""
        embed_cos = self.embed_cos(i, j)
        local = float(self._local_char[i, j]) if self._local_char is not None else self._count_cosine(i, j)
        shared = self.infos[i].names & self.infos[j].names
        anchors = sum(1 for s in shared if self.df.get(s, 0) <= self.anchor_max_df)
        return pair_features(self.infos[i], self.infos[j], word_cos, char_cos, self.idf, embed_cos, local, anchors)

    def _char_counts(self) -> sparse.csr_matrix:
        """The sentences' character n-gram counts (``term_counts``), counted anew: the space keeps none."""
        return term_counts(Counter(char_ngrams(info.words)) for info in self.infos)

    def _count_cosine(self, i: int, j: int) -> float:
        """``_char_cosine`` of sentences ``i`` and ``j``, their n-grams counted anew."""
        x, y = (Counter(char_ngrams(self.infos[k].words)) for k in (i, j))
        return _cosine_of_counts(x, y, _norm(x), _norm(y))

    def embed_cos(self, i: int, j: int) -> float | None:
        """Embedding cosine of sentences ``i`` and ``j``, or None without embeddings."""
        if self.embeddings is None:
            return None
        return float(self.embeddings[i] @ self.embeddings[j])

    def embed_group_cos(self, rows_a: Sequence[int], rows_b: Sequence[int]) -> float | None:
        """Embedding cosine of the mean vectors of two groups of sentences (a joined passage)."""
        if self.embeddings is None or not rows_a or not rows_b:
            return None
        va = self.embeddings[list(rows_a)].sum(axis=0)
        vb = self.embeddings[list(rows_b)].sum(axis=0)
        norm = float(np.linalg.norm(va) * np.linalg.norm(vb))
        return float(va @ vb) / norm if norm else 0.0


def anchor_matrix(space: SentenceSpace) -> sparse.csr_matrix:
    """Sentences x rare terms of the space (1 where the sentence has the term)."""
    n = len(space.infos)
    max_df = max(ANCHOR_MIN_DF, min(int(ANCHOR_DF_SHARE * n), ANCHOR_MAX_SHARE_DF), 2 * space.anchor_max_df)
    column: dict[str, int] = {}
    rows, cols = [], []
    for r, info in enumerate(space.infos):
        for term in set(info.stems) | info.names:
            if space.df.get(term, 0) <= max_df:
                rows.append(r)
                cols.append(column.setdefault(term, len(column)))
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(1, len(column))))


def _weighted_stem_matrix(infos: list[SentenceInfo], idf: dict[str, float]) -> sparse.csr_matrix:
    """Rows: sentences; columns: stems; value: the stem's IDF where the sentence has it."""
    column: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for r, info in enumerate(infos):
        for s in set(info.stems):
            rows.append(r)
            cols.append(column.setdefault(s, len(column)))
            vals.append(idf.get(s, 1.0))
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(infos), max(1, len(column))))


def char_ngrams(words: Sequence[str], sizes: tuple[int, ...] = (3, 4, 5)) -> list[str]:
    """Character n-grams inside word boundaries (each word padded with spaces), as "char_wb" does."""
    return list(chain.from_iterable(_word_ngrams(word, sizes) for word in words))


@lru_cache(maxsize=1 << 16)
def _word_ngrams(word: str, sizes: tuple[int, ...]) -> tuple[str, ...]:
    """The character n-grams of one word (kept: a story repeats its words in many sentences)."""
    padded = f" {word} "
    out: list[str] = []
    for n in sizes:
        if len(padded) <= n:
            out.append(padded)
            break
        out.extend([padded[i : i + n] for i in range(len(padded) - n + 1)])
    return tuple(out)


def term_counts(docs: Iterable[Sequence[str] | Counter[str]]) -> sparse.csr_matrix:
    """Raw term counts (rows: documents; columns: terms in order of first use)."""
    parts = count_chunks(docs)
    return sparse.csr_matrix(sparse.vstack(parts, format="csr")) if len(parts) > 1 else parts[0]


def count_chunks(docs: Iterable[Sequence[str] | Counter[str]]) -> list[sparse.csr_matrix]:
    """``term_counts`` as consecutive blocks of ``COUNT_CHUNK`` rows (all as wide as the whole; at least one).

    Only one block's Counters are held at a time (a long story's 200,000
    sentences took 900 MB of them); the blocks stacked are the matrix that
    counting them all at once gives.
    """
    column: dict[str, int] = {}
    parts: list[sparse.csr_matrix] = []
    left = iter(docs)
    while chunk := list(islice(left, COUNT_CHUNK)):
        bags = [doc if isinstance(doc, Counter) else Counter(doc) for doc in chunk]
        for term in chain.from_iterable(bags):
            column.setdefault(term, len(column))
        cols = np.fromiter(map(column.__getitem__, chain.from_iterable(bags)), dtype=np.int64)
        counts = np.fromiter(chain.from_iterable(bag.values() for bag in bags), dtype=float, count=len(cols))
        rows = np.repeat(np.arange(len(bags)), [len(bag) for bag in bags])
        parts.append(sparse.csr_matrix((counts, (rows, cols)), shape=(len(bags), max(1, len(column)))))
    width = max(1, len(column))
    if not parts:
        return [sparse.csr_matrix((0, width))]
    return [sparse.csr_matrix((p.data, p.indices, p.indptr), shape=(p.shape[0], width)) for p in parts]


def tfidf(docs: Iterable[Sequence[str] | Counter[str]]) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows (sublinear tf, smoothed idf) of tokenised (or already counted) documents."""
    return tfidf_of_counts(term_counts(docs))


def tfidf_of_counts(raw: sparse.csr_matrix) -> sparse.csr_matrix:
    """``tfidf`` of a raw count matrix from ``term_counts``."""
    return tfidf_of_count_chunks([raw])


def tfidf_of_count_chunks(parts: list[sparse.csr_matrix]) -> sparse.csr_matrix:
    """``tfidf_of_counts`` of the blocks of ``count_chunks`` stacked, each block dropped from ``parts`` once used.

    The weights are the same row for row (each row's are computed from the
    row and the document frequencies alone), without the whole count matrix
    and its several weighted copies held at once.
    """
    n = sum(p.shape[0] for p in parts)
    width = parts[0].shape[1]
    if sum(p.nnz for p in parts) == 0:
        return sparse.csr_matrix((n, width))
    df = sum(np.bincount(p.indices, minlength=width) for p in parts)
    idf = np.log((1 + n) / (1 + df)) + 1.0
    done = []
    while parts:
        done.append(_weighted_rows(parts.pop(0), idf))
    return sparse.csr_matrix(sparse.vstack(done, format="csr")) if len(done) > 1 else done[0]


def _weighted_rows(raw: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    coo = raw.tocoo()
    col_arr, counts, rows = coo.col, coo.data, coo.row
    values = (1.0 + np.log(counts)) * idf[col_arr]
    matrix = sparse.csr_matrix((values, (rows, col_arr)), shape=raw.shape)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def pair_features(
    a: SentenceInfo,
    b: SentenceInfo,
    word_cos: float,
    char_cos: float,
    idf: dict[str, float],
    embed_cos: float | None = None,
    local_char_cos: float | None = None,
    anchors: int | None = None,
) -> PairFeatures:
    """Features of one sentence pair; ``idf`` weighs stems (missing stems weigh 1).

    ``local_char_cos`` is ``_char_cosine`` of the two, when the caller has it already; ``anchors`` the
    shared names the caller counts as rare in its group (default: every shared name).
    """
    sa, sb = a.stem_set, b.stem_set
    shared = sa & sb
    wa = sum(idf.get(s, 1.0) for s in sa)
    wb = sum(idf.get(s, 1.0) for s in sb)
    ws = sum(idf.get(s, 1.0) for s in shared)
    na, nb = len(a.words), len(b.words)
    return PairFeatures(
        word_cos=float(word_cos),
        char_cos=float(char_cos),
        dice=2 * len(shared) / (len(sa) + len(sb)) if sa or sb else 0.0,
        containment=ws / min(wa, wb) if wa and wb else 0.0,
        weighted_dice=2 * ws / (wa + wb) if wa + wb else 0.0,
        # difflib's ratio of identical sequences is 2n / 2n = 1.0 (and 1.0 for two empty ones): not computed.
        sequence=1.0 if a.words == b.words else difflib.SequenceMatcher(None, a.words, b.words, autojunk=False).ratio(),
        length_ratio=min(na, nb) / max(na, nb) if na and nb else 0.0,
        numbers_shared=len(a.numbers & b.numbers),
        numbers_conflict=bool(a.numbers and b.numbers and not a.numbers & b.numbers),
        identical=a.words == b.words and bool(a.words),
        anchors=len(a.names & b.names) if anchors is None else anchors,
        local_char_cos=_char_cosine(a, b) if local_char_cos is None else local_char_cos,
        bigram_dice=_dice(a.bigrams, b.bigrams),
        plain_containment=len(shared) / min(len(sa), len(sb)) if sa and sb else 0.0,
        edit_ratio=Levenshtein.normalized_similarity(a.joined, b.joined),
        token_set=fuzz.token_set_ratio(a.joined, b.joined) / 100.0,
        names_jaccard=_jaccard(a.names, b.names),
        names_unshared=len(a.names ^ b.names),
        numbers_unshared=len(a.numbers ^ b.numbers),
        negation_mismatch=(a.negations % 2) != (b.negations % 2),
        word_count_min=min(na, nb),
        unshared_max=max(len(sa - sb), len(sb - sa)),
        unshared_min=min(len(sa - sb), len(sb - sa)),
        embed_cos=embed_cos,
    )


def _char_cosine(a: SentenceInfo, b: SentenceInfo) -> float:
    """``count_cosine`` of the two sentences' character n-gram counts, from their kept counts and norms."""
    return _cosine_of_counts(a.char_counts, b.char_counts, a.char_norm, b.char_norm)


def _cosine_of_counts(x: Counter[str], y: Counter[str], norm_x: float, norm_y: float) -> float:
    if len(x) > len(y):
        x, y = y, x
    dot = sum(v * y.get(k, 0) for k, v in x.items())
    norm = norm_x * norm_y
    return dot / norm if norm else 0.0


def _norm(counts: Counter[str]) -> float:
    """Euclidean norm of ``counts``, as ``SentenceInfo.char_norm`` computes it."""
    return math.sqrt(sum(v * v for v in counts.values()))


def _dice(x: AbstractSet[object], y: AbstractSet[object]) -> float:
    return 2 * len(x & y) / (len(x) + len(y)) if x or y else 0.0


def _jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    return len(x & y) / len(x | y) if x or y else 0.0


def count_cosine(x: Counter[str], y: Counter[str]) -> float:
    """Cosine of two bags of terms."""
    dot = sum(v * y.get(k, 0) for k, v in x.items())
    norm = math.sqrt(sum(v * v for v in x.values()) * sum(v * v for v in y.values()))
    return dot / norm if norm else 0.0
