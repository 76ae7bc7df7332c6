"""What a story's analysis re-uses from the store per article.

The derivation model's answers on pairs of texts, and each article's facts and entity mentions, kept under a
key of the code, the agencies and the article.

Not here: whole stories kept under their signature (``keys``, ``cascade``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Mapping, Sequence

from storytrace.ahead import AheadResults, FactsFound, facts_key
from storytrace.align.compare import (
    DerivationMemo,
    Prepared,
    content_text,
    text_digest,
)
from storytrace.clean import Agency
from storytrace.codec.article_facts import KeptFacts, kept_from_text, kept_text
from storytrace.fingerprint import code_digest
from storytrace.model import Article
from storytrace.pipeline.times import StageTimes
from storytrace.store import Store


def derivation_memo(
    todo: Sequence[tuple[int, str, list[Prepared]]], settings: str, store: Store | None, times: StageTimes
) -> DerivationMemo:
    """The derivation model's answers kept in ``store`` for any ordered pair of a story to analyse.

    A story that grew is aligned again whole (its sentence space, so its
    alignments, change with its members), but the model's answer on two
    texts it read before is taken from the store.
    """
    memo = DerivationMemo(salt=settings)
    if store is None or not store.has_derivations():
        return memo
    with times.stage("store"):
        keys = []
        for _, _, members in todo:
            digests = [text_digest(content_text(p)) for p in members]
            keys += [memo.key(a, b) for a, b in itertools.permutations(digests, 2)]
        memo.known = store.derivations(keys)
    return memo


def _facts_storage_key(article: Article, agencies: str) -> str:
    """What an article's facts are kept under: the code, the agencies it is cleaned with, and ``facts_key``."""
    parts = [code_digest(), agencies, article.id, *facts_key(article)]
    return hashlib.blake2b(json.dumps(parts).encode("utf-8"), digest_size=16).hexdigest()


def kept_facts(
    todo: Sequence[tuple[int, str, list[Prepared]]],
    agencies: Sequence[Agency],
    store: Store | None,
    ahead: AheadResults,
    times: StageTimes,
) -> tuple[dict[str, str], set[str]]:
    """Put the facts and mentions ``store`` keeps for the members of the stories to analyse into ``ahead``.

    Returns each member's storage key by article id, and the members with nothing kept (for
    ``found_facts``). A story that grew is analysed again whole, but its older members' dates, numbers,
    quotes and entity mentions are read, not found again.
    """
    ahead.found.clear()
    if store is None:
        return {}, set()
    names = json.dumps(sorted(a.name for a in agencies))
    keys = {p.article.id: _facts_storage_key(p.article, names) for _, _, members in todo for p in members}
    with times.stage("store"):
        kept = store.article_facts(list(keys.values()))
    unkept = set()
    for _, _, members in todo:
        for p in members:
            text = kept.get(keys[p.article.id])
            facts = kept_from_text(text) if text is not None else None
            if facts is None:
                unkept.add(p.article.id)  # computed by the helper or later: kept at the end
                continue
            key = facts_key(p.article)
            ahead.facts.setdefault(p.article.id, FactsFound(key, facts.dates, facts.numbers, facts.quotes))
            if facts.mentions is not None:
                ahead.mentions[p.article.id] = (key, facts.mentions)
    return keys, unkept


def found_facts(ahead: AheadResults, keys: Mapping[str, str], found: set[str]) -> dict[str, str]:
    """The facts (and mentions) of the articles ``found`` in this run, as the store keeps them, by storage key."""
    out = {}
    for article_id in found & keys.keys():
        facts = ahead.facts.get(article_id)
        if facts is not None:
            mentions = ahead.mentions.get(article_id)
            kept = KeptFacts(facts.dates, facts.numbers, facts.quotes, mentions[1] if mentions else None)
            out[keys[article_id]] = kept_text(kept)
    return out
