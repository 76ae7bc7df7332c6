"""Group a small corpus (up to a few thousand articles) into stories, offline.

Each article becomes a TF-IDF vector of its content stems plus its title's
stems (the title counted twice), fitted on the corpus; articles are joined by
average-link agglomerative clustering on cosine distance, cut at a distance
tuned on Giveme5W1H dev (``bench/quality/cluster_quality.py``). Articles published
further apart than a time window never share a story.

The cost is quadratic in the number of articles (a dense distance matrix):
fine for a folder, not for millions. The streaming clusterer of a later issue
replaces it for large inputs.

Not here: near-duplicate collapse, alignment.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storytrace.align.compare import Prepared
from storytrace.published import published_seconds
from storytrace.text.tokens import content_stems, normal_words, stems_of

# Average-link cut: articles (or groups) whose mean cosine similarity is below
# 1 - this value stay apart. Tuned on Giveme5W1H dev (bench/quality/cluster_quality.py).
STORY_MAX_DISTANCE = 0.85
# Two articles more than this many days apart are never one story.
STORY_TIME_WINDOW_DAYS = 30.0
# Terms found in more documents than this are template words of the corpus, not of
# a story ("shr", "net", "revs" in wire earnings reports): they are left out, so
# that hundreds of templated items do not merge into one story.
TEMPLATE_TERM_MIN_DOCS = 100  # B3-F1 on Giveme5W1H and METER dev unchanged; 25 or 50 cost 0.5-3 points
TEMPLATE_TERM_SHARE = 0.05


def story_document(prepared: Prepared) -> str:
    """The words that represent an article for grouping: content stems and the title twice."""
    return story_document_of(content_words(prepared), prepared.article.title)


def content_words(prepared: Prepared) -> list[str]:
    """The normalised words of an article's cleaned content."""
    text = prepared.article.text
    return normal_words(" ".join(text[s:e] for s, e in prepared.clean.content))


def story_document_of(body_words: list[str], title: str | None) -> str:
    """``story_document`` from the content's normalised words and the title."""
    return " ".join(stems_of(body_words) + 2 * content_stems(title or ""))


def similarity_matrix(prepared: Sequence[Prepared]) -> np.ndarray:
    """Cosine similarity of every article pair (zero across the time window)."""
    # Imported here: scikit-learn takes 1.4 s to import (it brings pandas and scipy.stats), and the streaming
    # path of ``analyze``, which imports this module for its term functions, never calls this.
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [story_document(p) for p in prepared]
    if not any(docs):
        return np.eye(len(docs))
    max_docs = max(TEMPLATE_TERM_MIN_DOCS, int(TEMPLATE_TERM_SHARE * len(docs)))
    try:
        vectors = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, max_df=max_docs).fit_transform(docs)
    except ValueError:  # every term is a template term
        vectors = TfidfVectorizer(analyzer=str.split, sublinear_tf=True).fit_transform(docs)
    sim = np.asarray((vectors @ vectors.T).toarray())
    seconds = np.array([published_seconds(p.article.published) for p in prepared])
    gap = np.abs(seconds[:, None] - seconds[None, :])
    sim[gap > STORY_TIME_WINDOW_DAYS * 86400] = 0.0  # NaN gaps (no date) compare False
    return sim


def group_articles(prepared: Sequence[Prepared], max_distance: float = STORY_MAX_DISTANCE) -> list[list[int]]:
    """Stories as lists of indices into ``prepared``, each list in input order."""
    n = len(prepared)
    if n == 0:
        return []
    if n == 1:
        return [[0]]
    # Imported here, as scikit-learn is: scipy's clustering and distance modules take 0.15 s to import.
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    sim = similarity_matrix(prepared)
    dist = np.clip(1.0 - sim, 0.0, 1.0)
    np.fill_diagonal(dist, 0.0)
    labels = fcluster(linkage(squareform(dist, checks=False), method="average"), t=max_distance, criterion="distance")
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    return sorted(groups.values(), key=lambda g: g[0])
