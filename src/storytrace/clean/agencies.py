"""Known news agencies and the ways articles name them.

Each agency has a canonical name and a regular expression for its aliases. A
corpus may add agencies of its own (the ``source`` of every record of kind
``agency``), so fictional or regional wires are recognised too.

Not here: deciding whether a mention is a credit (see ``clean.rules``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from storytrace.model import Article


@dataclass(frozen=True)
class Agency:
    """A wire agency: canonical name and a compiled pattern for its aliases."""

    name: str
    pattern: re.Pattern[str]
    short_forms: tuple[str, ...] = ()  # accepted alone in a dateline or byline ("(AP)"), not searched in text
    aliases: str = ""  # the alias regex inside ``pattern`` (no boundaries), for ``mention_screen``


def _agency(name: str, alias_regex: str, *short_forms: str) -> Agency:
    return Agency(name, re.compile(rf"(?<![\w-])(?:{alias_regex})(?![\w-])"), short_forms, alias_regex)


@functools.lru_cache(maxsize=64)
def mention_screen(agencies: tuple[Agency, ...]) -> re.Pattern[str]:
    """One pattern that matches wherever any of ``agencies`` may be named (a superset: no boundaries).

    Searching it once is much cheaper than searching every agency's pattern,
    and a text it does not match names none of them.
    """
    parts = [a.aliases or a.pattern.pattern for a in agencies]
    return re.compile("|".join(f"(?:{p})" for p in parts) or r"(?!)")


BUILTIN_AGENCIES: tuple[Agency, ...] = (
    _agency("Reuters", r"Reuters|REUTERS"),
    _agency("The Associated Press", r"(?:[Tt]he )?Associated Press|A\.P\.|\(AP\)", "AP"),
    _agency("AFP", r"AFP|Agence France[- ]Presse"),
    _agency("KCNA", r"KCNA|Korean Central News Agency"),
    _agency("Yonhap", r"Yonhap"),
    _agency("Xinhua", r"Xinhua"),
    _agency("TASS", r"TASS|ITAR-TASS"),
    _agency("RIA Novosti", r"RIA Novosti|RIA"),
    _agency("Interfax", r"Interfax"),
    _agency("dpa", r"dpa|Deutsche Presse-Agentur"),
    _agency("ANSA", r"ANSA"),
    _agency("EFE", r"EFE"),
    _agency("Kyodo", r"Kyodo"),
    _agency("Bloomberg", r"Bloomberg News"),
    _agency("Press Association", r"Press Association|PA News|PA Media"),
    _agency("UPI", r"UPI|United Press International"),
    _agency("ANI", r"ANI"),
    _agency("PTI", r"PTI|Press Trust of India"),
    _agency("Agencies", r"[Aa]gencies|AGENCIES"),
)


def agencies_with(extra_names: Iterable[str]) -> tuple[Agency, ...]:
    """The built-in agencies plus the given corpus agency names (matched literally)."""
    known = {a.name.lower() for a in BUILTIN_AGENCIES}
    extra = [_agency(name, re.escape(name)) for name in sorted(set(extra_names)) if name and name.lower() not in known]
    return BUILTIN_AGENCIES + tuple(extra)


def agencies_of(articles: Iterable[Article]) -> tuple[Agency, ...]:
    """The agencies a set of articles credits: the built-in wires and the sources of its articles of kind ``agency``.

    The one rule for it: the pipeline applies it to a corpus, provenance to a story.
    """
    return agencies_with(a.source for a in articles if a.kind == "agency" and a.source)


def find_agency(text: str, agencies: Iterable[Agency]) -> str | None:
    """The canonical name of the first agency whose alias matches all of ``text``."""
    stripped = text.strip(" .,;:()[]")
    for agency in agencies:
        if agency.pattern.fullmatch(stripped) or stripped in agency.short_forms:
            return agency.name
    return None
