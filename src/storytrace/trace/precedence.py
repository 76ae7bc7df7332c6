"""Which of two articles that share text is the source: one rule, for derivation and the provenance graph alike.

``order(x, y)`` decides, in this order (issue 27, "one direction"):

1. **siblings**: both are copies of one wire (their datelines or bylines
   credit it), neither is the wire's own item: copies of the same source, not
   parent and child, whatever their dates;
2. **wire**: one is a copy of a wire (its dateline or byline credits it) and the
   other is that wire's own item (of kind ``agency``, or its source names the
   wire): the wire's item is the source, whatever the dates say (a wire
   re-issues an item with a later time stamp; the credit says where the text came from);
3. **earlier**: both dated, and one first by ``published.which_first`` (on
   different days, or at different times when both carry one; a date alone is
   a day, neither before nor after a time within it): the earlier is the source;
4. **credited**: one credits a wire anywhere else ("told Reuters", "By
   Agencies") whose copy the other is, and is no copy of that wire itself: the
   wire copy is the source;
5. **agency**: one is of kind ``agency`` (a wire item), the other not;
6. **containment**: the copy is the text more of which the other covers
   (by ``CONTAINMENT_MARGIN``): it is contained in its source;
7. **material**: the source holds more content of its own that the other
   lacks (by ``MATERIAL_MARGIN`` characters): a copy adds less than it takes;
8. otherwise **unknown**: the same text, no way to tell which came first; never
   decided by id. ``as_given`` turns an unknown order into the order a person
   named the two texts in (``compare A B``: A, as ``diff old new``), rule
   ``given``, as it does siblings whose outlets are unknown; a story's graph
   never does (nobody named its articles in order).

Not here: what is shared (``align``), the graph built on these orders
(``trace.provenance``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytrace.clean import BUILTIN_AGENCIES
from storytrace.clean.agencies import find_agency
from storytrace.model import Article, Cleaned, Order
from storytrace.published import which_first

# Containment must differ by this much to decide a direction without dates.
CONTAINMENT_MARGIN = 0.05
# One text must hold this many more content characters the other lacks to be taken for the source.
MATERIAL_MARGIN = 200
# The generic credit "By Agencies": any wire copy can be the one meant; it makes no article a wire's copy.
ANY_AGENCY = "agencies"
UNNAMED_AGENCY = "(unnamed agency)"


@dataclass(frozen=True)
class Witness:
    """What precedence reads of one article: its dates, kind, the wires it is a copy of, the agencies it credits."""

    id: str
    published: str | None
    kind: str
    wires: frozenset[str]  # lower-case names of the agencies it is a copy of (empty: an outlet's own article)
    own_wires: frozenset[str]  # those it is the agency's own item of (kind agency, or its source names it)
    credited: tuple[str, ...]  # every agency it credits, anywhere in it


def witness(article: Article, cleaned: Cleaned) -> Witness:
    """The ``Witness`` of an article and its clean-stage metadata."""
    own = _own_wires(article, cleaned)
    by_credit = {c.agency.lower() for c in cleaned.credits if c.how in ("dateline", "byline")} - {ANY_AGENCY}
    wires = own | by_credit
    if article.kind == "agency" and not wires:
        wires = own = frozenset({UNNAMED_AGENCY})
    return Witness(article.id, article.published, article.kind, frozenset(wires), own, cleaned.credited)


def _own_wires(article: Article, cleaned: Cleaned) -> frozenset[str]:
    """The agencies this article is an item of: its ``source`` names a known agency, or it is of kind ``agency``."""
    names: set[str] = set()
    source = (article.source or "").strip()
    if source:
        stem = re.sub(r"^(?:https?://)?(?:www\.)?|(?:\.[a-z]{2,})+/?$", "", source.lower())
        found = [a for c in (source, stem, stem.title(), stem.upper()) if (a := find_agency(c, BUILTIN_AGENCIES))]
        if found or article.kind == "agency":
            names.update(a.lower() for a in found)
            names.update((source.lower(), stem))
    if article.kind == "agency":
        names.update(c.agency.lower() for c in cleaned.credits if c.how in ("dateline", "byline"))
    names -= {"", ANY_AGENCY}
    return frozenset(names)


def is_copy_of(w: Witness, agency: str) -> bool:
    """Whether ``w`` is a copy of ``agency`` ("Agencies": of any wire)."""
    return bool(w.wires) if agency.lower() == ANY_AGENCY else agency.lower() in w.wires


def order(
    x: Witness, y: Witness, x_covered_by_y: float = 0.0, y_covered_by_x: float = 0.0, x_own: int = 0, y_own: int = 0
) -> Order:
    """Which of ``x`` and ``y`` is the source of the text they share (the module docstring's rules).

    ``x_covered_by_y``: the share of ``x``'s content the shared passages cover; ``x_own``: the content
    characters of ``x`` the other does not share.
    """
    shared_wire = sorted((x.wires & y.wires) - x.own_wires - y.own_wires)
    if shared_wire:
        return Order(None, "siblings", _named(shared_wire[0], x))
    for copy, wire in ((x, y), (y, x)):
        taken = sorted((copy.wires - copy.own_wires) & wire.own_wires)
        if taken:
            return Order(wire.id, "wire", _named(taken[0], copy))
    when = which_first(x.published, y.published)
    if when in (-1, 1):
        return Order(x.id if when == -1 else y.id, "earlier")
    for copy, wire in ((x, y), (y, x)):
        for agency in sorted(copy.credited, key=lambda a: a.lower() == ANY_AGENCY):  # named wires first
            if is_copy_of(wire, agency) and not is_copy_of(copy, agency):
                return Order(wire.id, "credited", agency)
    context = "same date" if when == 0 else "no dates"
    if (x.kind == "agency") != (y.kind == "agency"):
        return Order(x.id if x.kind == "agency" else y.id, "agency", context)
    if abs(x_covered_by_y - y_covered_by_x) >= CONTAINMENT_MARGIN:
        return Order(y.id if x_covered_by_y > y_covered_by_x else x.id, "containment", context)
    if abs(x_own - y_own) >= MATERIAL_MARGIN:
        return Order(x.id if x_own > y_own else y.id, "material", context)
    return Order(None, "unknown", context)


def as_given(found: Order, first: str, outlets_known: bool) -> Order:
    """``found``, or where no rule orders the pair, ``first`` (the text a person named first) as the source.

    Two texts that both credit a wire are siblings only if their outlets are
    known: without a source or kind, either may be the wire's own item
    (a Reuters story carries "(Reuters)" in its dateline as its copies do).
    """
    if found.rule == "unknown":
        return Order(first, "given", f"{found.detail}; the first text named is taken for the source".lstrip("; "))
    if found.rule == "siblings" and not outlets_known:
        detail = f"both credit {found.detail}, outlets unknown; the first text named is taken for the source"
        return Order(first, "given", detail)
    return found


def _named(agency: str, w: Witness) -> str:
    """An agency's name as ``w`` credits it (witnesses compare names in lower case)."""
    return next((name for name in w.credited if name.lower() == agency), agency)
