"""Coarse parts of speech from the tagger's fine tags, without spaCy's attribute ruler.

The packaged English pipeline turns the tagger's fine tags into coarse parts of
speech (``PROPN``, ``VERB``, ``SCONJ``...) with an attribute ruler: some 130
rules of one token (a tag, maybe a lower-case word or a dependency; one rule
also looks at the token before) run through spaCy's general Matcher, which on
long articles cost more than the entity recogniser itself (issue 30's
profile). ``PosRules`` reads those very rules from the loaded pipeline and
applies them in one pass over the tokens, the last matching rule winning as in
the ruler, so every token gets the part of speech the ruler gives it. Only
``POS`` is assigned: lemmas and morphology, which the entity code does not
read, are not. A rule of another form raises ``UnsupportedRule`` (the caller
then runs the ruler itself).

Not here: loading the pipeline (``entities.load_model``), the entity rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_KEYS = frozenset({"TAG", "LOWER", "DEP", "IS_SPACE"})


class UnsupportedRule(ValueError):
    """A part-of-speech rule of a form ``PosRules`` does not read."""


@dataclass(frozen=True)
class Values:
    """The values an attribute may take: one of ``inside`` (None: any), none of ``outside``."""

    inside: frozenset[str] | None = None
    outside: frozenset[str] = frozenset()

    def admits(self, value: str) -> bool:
        """Whether ``value`` is allowed."""
        return (self.inside is None or value in self.inside) and value not in self.outside


ANY = Values()


@dataclass(frozen=True)
class Condition:
    """What one token of a rule must be."""

    tags: Values
    lower: Values
    deps: Values
    is_space: bool | None

    def matches(self, token: Token) -> bool:
        """Whether ``token`` meets every condition."""
        return (
            self.tags.admits(token.tag_)
            and self.lower.admits(token.lower_)
            and self.deps.admits(token.dep_)
            and (self.is_space is None or token.is_space == self.is_space)
        )


@dataclass(frozen=True)
class PosRule:
    """A rule: the token's condition, maybe the previous token's, and the part of speech it gives."""

    order: int
    token: Condition
    previous: Condition | None
    pos: str

    def matches(self, token: Token) -> bool:
        """Whether the rule applies to ``token``."""
        if not self.token.matches(token):
            return False
        if self.previous is None:
            return True
        return token.i > 0 and self.previous.matches(token.doc[token.i - 1])


def _values(value: Any, key: str) -> Values:
    if value is None:
        return ANY
    if isinstance(value, str):
        return Values(frozenset({value}))
    if isinstance(value, Mapping) and set(value) <= {"IN", "NOT_IN"}:
        inside = value.get("IN")
        return Values(None if inside is None else frozenset(inside), frozenset(value.get("NOT_IN", ())))
    raise UnsupportedRule(f"{key} {value!r}")


def _condition(token: Mapping[str, Any]) -> Condition:
    if not set(token) <= _KEYS:
        raise UnsupportedRule(f"keys {sorted(set(token) - _KEYS)}")
    tags, lower, deps = (_values(token.get(key), key) for key in ("TAG", "LOWER", "DEP"))
    return Condition(tags, lower, deps, token.get("IS_SPACE"))


def _may_have(rule: PosRule, tag: str) -> bool:
    """Whether ``rule`` can apply to a token tagged ``tag``."""
    return rule.token.tags.inside is None or tag in rule.token.tags.inside


def _rule(order: int, pattern: Sequence[Mapping[str, Any]], index: int, pos: str) -> PosRule:
    if len(pattern) == 1 and index == 0:
        return PosRule(order, _condition(pattern[0]), None, pos)
    if len(pattern) == 2 and index == 1:
        return PosRule(order, _condition(pattern[1]), _condition(pattern[0]), pos)
    raise UnsupportedRule(f"a pattern of {len(pattern)} tokens setting token {index}")


class PosRules:
    """The ruler's part-of-speech rules by tag, applied to a parsed ``Doc``."""

    def __init__(self, patterns: Sequence[Mapping[str, Any]]) -> None:
        rules = [
            _rule(order, pattern, int(entry.get("index", 0)), str(entry["attrs"]["POS"]))
            for order, entry in enumerate(patterns)
            if "POS" in entry.get("attrs", {})
            for pattern in entry["patterns"]
        ]
        named = {t for r in rules if r.token.tags.inside is not None for t in r.token.tags.inside}
        # A rule that names no tag is listed under every tag too, so that one look-up finds all a token can meet.
        self.any_tag = tuple(r for r in rules if r.token.tags.inside is None)
        self.by_tag = {t: tuple(r for r in rules if _may_have(r, t)) for t in named}

    def pos_of(self, token: Token) -> str | None:
        """The part of speech the last matching rule gives ``token`` (None when no rule matches)."""
        for rule in reversed(self.by_tag.get(token.tag_, self.any_tag)):
            if rule.matches(token):
                return rule.pos
        return None

    def __call__(self, doc: Doc) -> Doc:
        """``doc`` with its tokens' parts of speech set, as the ruler sets them."""
        for token in doc:
            pos = self.pos_of(token)
            if pos is not None:
                token.pos_ = pos
        return doc
