"""An entity made of merged mentions: its canonical name, its label and the roles stated next to it.

What it does: :func:`entity_of` names a group of mentions by its longest full form (not an acronym;
mixed case before capitals, then the form written most often, then the first), labels it by the
labels its mentions' words or contexts decided (``entity_names.head_label``, a decided mention),
else by the labels of its full names, else spaCy's most frequent label (ties go to PERSON, GPE,
ORG, LOC, NORP, FAC in that order), and keeps the distinct roles stated next to it, by article.

Not here: which mentions are one entity (``facts.entity_merge``), finding mentions (``facts.entities``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storytrace.facts.entities import Mention
from storytrace.facts.entity_names import acronym_letters, head_label, name_key

_LABEL_PRIORITY = ("PERSON", "GPE", "ORG", "LOC", "NORP", "FAC")


@dataclass(frozen=True)
class Entity:
    """Mentions of one person, organisation or place across the articles of a story."""

    name: str  # canonical: the longest full form seen (not an acronym, mixed case before capitals)
    label: str  # the most frequent label of its mentions
    mentions: tuple[Mention, ...]
    variants: tuple[str, ...]  # distinct surface forms merged, the name included, by first use
    possible_variants: tuple[str, ...]  # names of other entities that look like transliterations of this one
    roles: tuple[tuple[str, tuple[str, ...]], ...]  # (article, distinct roles stated there)

    def roles_in(self, article: str) -> tuple[str, ...]:
        """Roles stated next to this entity in ``article``."""
        return dict(self.roles).get(article, ())


def _majority_label(labels: Iterable[str]) -> str:
    counts = Counter(labels)
    best = max(counts.values())
    tied = [label for label in counts if counts[label] == best]
    return min(tied, key=lambda x: _LABEL_PRIORITY.index(x) if x in _LABEL_PRIORITY else len(_LABEL_PRIORITY))


def with_possible(ent: Entity, possible: tuple[str, ...]) -> Entity:
    """``ent`` with the names of other entities that look like its transliterations."""
    return Entity(ent.name, ent.label, ent.mentions, ent.variants, possible, ent.roles)


def entity_of(idx: list[int], mentions: Sequence[Mention]) -> Entity:
    """The entity of ``mentions`` at positions ``idx``: its name, label, forms and roles by article."""
    ms = tuple(mentions[i] for i in idx)
    counts = Counter(m.text for m in ms)
    forms = list(dict.fromkeys(m.text for m in ms))
    is_acronym = {f: acronym_letters(f) is not None and " " not in f for f in forms}
    name = max(forms, key=lambda f: (not is_acronym[f], len(f), not f.isupper(), counts[f], -forms.index(f)))
    roles: dict[str, list[str]] = {}
    for m in ms:
        if m.role:
            bucket = roles.setdefault(m.article, [])
            if m.role not in bucket:
                bucket.append(m.role)
    return Entity(
        name=name,
        label=entity_label(ms),
        mentions=ms,
        variants=tuple(forms),
        possible_variants=(),
        roles=tuple((a, tuple(r)) for a, r in roles.items()),
    )


def entity_label(ms: Sequence[Mention]) -> str:
    """The label most mentions' words or contexts decided, else spaCy's most frequent label.

    "River Velm" decides for "the Velm" (an organisation to spaCy), however often "the Velm" is written. Without
    a decided label, the labels of full names (several words) count when there are any: spaCy tags a lone
    surname or short name less surely ("Corvane" a person, "Corvane Appliances" an organisation).
    """
    decided = [lab for m in ms if (lab := _decided_label(m))]
    if decided:
        return _majority_label(decided)
    full = [m.label for m in ms if len(name_key(m.text)) > 1]
    return _majority_label(full or [m.label for m in ms])


def _decided_label(m: Mention) -> str | None:
    if m.decided:
        return m.label
    by_head = head_label(m.text)
    return m.label if by_head == "LOC" and m.label == "GPE" else by_head
