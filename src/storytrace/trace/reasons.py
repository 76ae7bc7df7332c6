"""The words of why: a passage's and an edge's ``why``, from the ``Order`` that decided the pair.

Not here: deciding the order (``trace.precedence``), the chains of copies a passage's reason may name
(``trace.passages``).
"""

from __future__ import annotations

from storytrace.model import (
    Order,
)


def passage_reason(o: Order) -> str:
    """Why a passage comes from the source ``o`` names, as a passage's ``why``."""
    return {
        "wire": f"credited agency copy ({o.detail}) holds it",
        "credited": f"credited agency copy ({o.detail}) holds it",
        "earlier": "earliest article that holds it",
        "agency": f"agency copy holds it ({o.detail})",
        "containment": f"contained in the source ({o.detail})",
        "material": f"the source holds more of its own ({o.detail})",
    }.get(o.rule, f"same source, order unknown ({o.detail})")


def edge_reason(o: Order) -> str:
    """Why an edge points from ``o``'s source, as an edge's ``why``."""
    return {
        "wire": f"credited agency copy ({o.detail}) is the source",
        "credited": f"credited agency copy ({o.detail}) is the source",
        "earlier": "published earlier",
        "agency": "agency copy is the source",
        "containment": "the copy is contained in the source",
        "material": "the source holds more of its own; the copy adds less than it takes",
        "given": f"no rule orders them ({o.detail})",
        "siblings": f"copies of one wire ({o.detail}): neither is the other's source",
    }.get(o.rule, f"same source, order unknown ({o.detail})")
