"""Which rule names a quotation's speaker: the attribution patterns around a quote, and reported speech.

What it does: given the text before and after a quotation (its sentence up to the quote, the text up
to the next quote or the end of its host), :func:`attribute` tries the rules the ``how`` table of
:mod:`storytrace.facts.quotes` lists, in order (after the quote: "X said", "said X", "according to
X"; before it: "X said:" / "X added,", "According to X,"; a subject before a lower-case fragment;
"X has said it ..."; the last reporting clause in the sentence; a label or a sentence ending in a
colon), and says whether the text on each side is attribution only (a ``direct`` quote) or more (a
``partial`` one). :func:`indirect` finds reported speech in a sentence ("X said that ...", "X told
Z that ...", "According to X, ..."). Attribution whose speaker no rule names ("a ministry spokesman
said") still marks the quote whole.

Not here: where quotations open and close (``facts.quote_marks``), walking paragraphs, chains and
continued quotes (``facts.quotes``), who a named speaker is (``facts.speakers``), the vocabulary of
names and reporting verbs (``facts.speech_words``). No state, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytrace.facts.speakers import Span, _Registry, _resolve, _Speaker, _speaker_of, _with_role
from storytrace.facts.speech_words import (
    _AUX,
    _CLAUSE_AUX,
    _FRAMING,
    _LEADIN,
    _LEADING_NOISE,
    _NAME,
    _NAMED,
    _ROLE,
    _SPEAKER,
    _VERB,
    _WHEN,
)
from storytrace.text.lazy_pattern import LazyPattern

# After a closing mark: “…,” X said / “…,” X, a professor, said / “…,” he told Z.
_AFTER_SAID = LazyPattern(rf"[\s,]*{_SPEAKER}{_ROLE},?\s+{_AUX}{_VERB}\b")
# After a closing mark: “…,” said X / “…,” said X, a professor at Y.
_SPEAKER_END = rf"(?=\s*(?:[,.;:!?()]|$)|\s+{_WHEN}|\s+(?:who|whose|which|that|as|while|when)\b)"
_AFTER_INVERTED = LazyPattern(rf"[\s,]*{_VERB}\s+{_SPEAKER}{_SPEAKER_END}(?:\s*,\s*(?P<role>[^,;.“”\"«»„]{{1,150}}))?")
_AFTER_ACCORDING = LazyPattern(rf"[\s,]*according\s+to\s+{_SPEAKER}{_SPEAKER_END}")
# Before an opening mark (whole text between sentence start and the mark): X said: / X added,
_BEFORE_SAID = LazyPattern(
    rf"[\s,]*{_LEADIN}??{_SPEAKER}{_ROLE}\s+{_AUX}{_VERB}(?:\s+(?P<obj>[^,:;“”\"«»„]{{1,60}}?))?\s*(?P<punct>[:,])\s*"
)
_BEFORE_ACCORDING = LazyPattern(rf"[\s,]*{_LEADIN}??[Aa]ccording\s+to\s+{_SPEAKER}{_ROLE}\s*,?\s*")
# Partial quotes: Eskerby “deeply regrets” / Eskerby has said it “deeply regrets”
_BEFORE_SUBJECT = LazyPattern(rf"\s*{_LEADIN}??{_NAMED}\s*")
_BEFORE_SAID_PARTIAL = LazyPattern(
    rf"[\s,]*{_LEADIN}??{_SPEAKER}{_ROLE}\s+{_AUX}{_VERB}(?:\s+that)?(?:\s+(?:it|he|she|they|we))?\s*"
)
# A reporting clause anywhere before a quote in its sentence: X (has) called it “…” / X told Y that it was “…”
_CLAUSE = LazyPattern(rf"(?<![\w’'\-]){_SPEAKER}{_ROLE},?\s+{_CLAUSE_AUX}{_FRAMING}\b")
_FRAMING_WORD = LazyPattern(rf"\b{_FRAMING}\b")
_LABEL = LazyPattern(rf"(?:^|[.—–-]\s*|\s(?:from|by)\s+)(?P<sp>{_NAME})(?:\s*\([^()]{{1,40}}\))?\s*:\s*$")
_SENTENCE_SUBJECT = LazyPattern(rf"[\s,]*{_LEADIN}??{_SPEAKER}{_ROLE}\s")
_NO_SUBJECT = re.compile(r"(?:,|\b(?:and|but|then|yet))\s+(?:\w+ly\s+)?$")  # a verb sharing the sentence's subject
_NOUN_BEFORE = re.compile(r"\b(?:the|a|an|his|her|its|their|our|my|your|this|that|these|those|whose)\s+$", re.I)
# Reported speech: X told Z that ... / X said on Monday that ...
_INDIRECT = LazyPattern(
    rf"\s*{_LEADIN}??{_SPEAKER}{_ROLE}\s+{_AUX}"
    rf"(?:(?P<told>told|tells)\s+[^,;:“”\"«»„.]{{1,60}}?|{_VERB}(?:\s+{_WHEN})?),?\s+that\s+(?=\S)"
)
# Attribution whose speaker no rule names ("a ministry spokesman said"): the quote is still whole.
_AFTER_GENERIC = LazyPattern(rf"[\s,]*[^“”\"«»„.;:!?]{{0,80}}?\b{_VERB}\b")
_BEFORE_GENERIC = LazyPattern(rf"[^“”\"«»„]{{0,80}}?\b{_VERB}\b[^“”\"«»„:,]{{0,60}}[:,]\s*")
_ACCORDING_LEAD = LazyPattern(rf"\s*[Aa]ccording\s+to\s+{_NAMED}\s*,\s*(?=\S)")
_ACCORDING_TRAIL = LazyPattern(
    rf",\s*according\s+to\s+{_NAMED}\b(?:\s*,\s*(?P<role>[^.;“”\"«»„]{{1,150}}))?\s*[.!?]?\s*$"
)


@dataclass
class FoundQuote:
    """A quote being built; becomes a ``Quote`` at the end."""

    span: Span
    kind: str
    how: str
    speaker: _Speaker | None
    chain: int  # quotation pieces run on over paragraphs share it; -1 for reported speech


def words_span(text: str, start: int, end: int, strip_comma: bool) -> Span:
    """``[start, end)`` without white space at either end (and a trailing comma when ``strip_comma``)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or (strip_comma and text[end - 1] == ",")):
        end -= 1
    return start, end


_AFTER_RULES = ((_AFTER_SAID, "said_after"), (_AFTER_INVERTED, "said_inverted"), (_AFTER_ACCORDING, "according_to"))
_BEFORE_RULES = ((_BEFORE_SAID, "said_before"), (_BEFORE_ACCORDING, "according_to"))
_MAX_BEFORE = 300  # longer text before a quote is no attribution
_MAX_ATTRIBUTION_SENTENCE = 60  # "Trump said at a rally in Ohio." after “…?”; a longer sentence says more
# An unattributed quoted fragment this long is a quotation (PolNeAR train: 95 % of 4-8 word ones are attributed
# contents, 56 % of one-word ones); shorter ones are scare quotes and titles as often as not.
MIN_UNATTRIBUTED = 6


def _names_speaker(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` opens with "X said" or "said X" ("Trump asked reporters at a rally in ...")."""
    return any(p.match(text, start, end) for p in (_AFTER_SAID, _AFTER_INVERTED))


def attributes_split_off(text: str, start: int, n_start: int, n_end: int) -> bool:
    """Whether the sentence ``[n_start, n_end)`` after a quote ending its own sentence attributes it.

    "“…?” he said." / "“…!” Trump said Friday.": a short sentence of attribution, or a longer one that
    opens with "X said" or "said X" (read from ``start``, the end of the quote).
    """
    short = text[n_start].islower() or n_end - n_start <= _MAX_ATTRIBUTION_SENTENCE
    return bool(_AFTER_GENERIC.match(text, start, n_end)) and (short or _names_speaker(text, start, n_end))


def attribute(
    text: str, before: Span, after: Span, quote_start: int, registry: _Registry, first_in_sentence: bool
) -> tuple[_Speaker | None, str, bool, bool]:
    """(speaker, how, before_is_attribution, after_is_attribution) for one quotation."""
    b_text = text[before[0] : before[1]]
    a_text = text[after[0] : after[1]]
    before_ok = not b_text.strip(" \t\n\r\u00a0,—–-(")
    after_ok = not a_text.strip(" \t\n\r\u00a0,.;:!?—–-)")
    sp: _Speaker | None = None
    how = "none"
    for pattern, rule in _AFTER_RULES:
        sp = _speaker_of(pattern.match(a_text), after[0], registry)
        if sp is not None:
            how, after_ok = rule, True
            break
    if len(b_text) <= _MAX_BEFORE:
        for pattern, rule in _BEFORE_RULES:
            m = pattern.fullmatch(b_text)
            if m is None:
                continue
            before_ok = True
            if sp is None:
                sp = _speaker_of(m, before[0], registry)
                how = "colon" if rule == "said_before" and m.group("punct") == ":" else rule
            if sp is not None:
                break
    after_ok = after_ok or _AFTER_GENERIC.match(a_text) is not None
    before_ok = before_ok or (len(b_text) <= _MAX_BEFORE and _BEFORE_GENERIC.fullmatch(b_text) is not None)
    if sp is None and not before_ok and len(b_text) <= _MAX_BEFORE:
        if text[quote_start].islower():
            sp = _speaker_of(_BEFORE_SUBJECT.fullmatch(b_text), before[0], registry)
            sp, how = (sp, "subject") if sp is not None and not sp.pronoun else (None, how)
        if sp is None:
            sp, how = _speaker_of(_BEFORE_SAID_PARTIAL.fullmatch(b_text), before[0], registry), "said_partial"
    if sp is None and len(b_text) <= _MAX_BEFORE:
        sp, how = _clause_speaker(b_text, before[0], registry, first_in_sentence), "clause"
    if sp is None and len(b_text) <= _MAX_BEFORE and b_text.rstrip().endswith(":"):
        sp, before_ok = _colon_speaker(b_text, before[0], registry, first_in_sentence), True
        how = "colon"
    if sp is None:
        return None, "none", before_ok, after_ok
    return sp, ("pronoun" if sp.pronoun else how), before_ok, after_ok


def _colon_speaker(b_text: str, offset: int, registry: _Registry, first_in_sentence: bool) -> _Speaker | None:
    """A name label ("Hillary Clinton: “…”") or the subject of a sentence ending in a colon ("He sighed: “…”")."""
    m = _LABEL.search(b_text)
    if m is not None:
        return _speaker_of(m, offset, registry)
    sp = _sentence_subject(b_text, offset, registry) if first_in_sentence else None
    return sp if sp is not None and not sp.described else None


def _sentence_subject(b_text: str, offset: int, registry: _Registry) -> _Speaker | None:
    """The speaker opening a sentence, after a lead-in clause if needed ("After the storm, Jo Lee said ...")."""
    sp = _speaker_of(_SENTENCE_SUBJECT.match(b_text), offset, registry)
    comma = b_text.find(", ", 0, 62)
    if sp is None and comma > 0:
        sp = _speaker_of(_SENTENCE_SUBJECT.match(b_text, comma + 1), offset, registry)
    return sp


def colon_lead_in(text: str, sentence: Span, registry: _Registry) -> _Speaker | None:
    """The speaker of a paragraph's last sentence when it ends in a colon ("Trump issued the following statement:")."""
    s, e = sentence
    if not text[s:e].rstrip().endswith(":"):
        return None
    return _colon_speaker(text[s:e], s, registry, True)


def _clause_speaker(b_text: str, offset: int, registry: _Registry, at_sentence_start: bool) -> _Speaker | None:
    """The subject of the last reporting clause of ``b_text`` (X called it / X told Y that it was) naming a speaker."""
    verbs = [
        m for m in _FRAMING_WORD.finditer(b_text) if not _NOUN_BEFORE.search(b_text, max(0, m.start() - 12), m.start())
    ]
    if not verbs:
        return None
    last = verbs[-1]  # "which critics call “a folly”": the last verb's subject or nobody
    for m in _CLAUSE.finditer(b_text):
        if m.end() == last.end():
            sp = _speaker_of(m, offset, registry)
            if sp is not None or m.group("sp").split()[-1] not in _LEADING_NOISE:
                return sp
            break  # "X said Thursday, saying “…”": the sentence's subject below
    if at_sentence_start and _NO_SUBJECT.search(b_text, 0, last.start()):
        # "She defended it, but admitted “…”", "X rejected it, saying that “…”": the sentence's subject
        return _sentence_subject(b_text, offset, registry)
    return None


def indirect(text: str, start: int, end: int, registry: _Registry) -> FoundQuote | None:
    """Reported speech in the sentence ``text[start:end]``."""
    sentence = text[start:end]
    m = _INDIRECT.match(sentence)
    if m:
        how, c_start, c_end = ("told_that" if m.group("told") else "said_that"), start + m.end(), end
    else:
        m = _ACCORDING_LEAD.match(sentence)
        if m:
            how, c_start, c_end = "according_to", start + m.end(), end
        else:
            cut = sentence.rfind(", according to ")
            m = _ACCORDING_TRAIL.match(sentence, cut) if cut > 0 else None
            if m is None:
                return None
            how, c_start, c_end = "according_to", start, start + cut
    c_start, c_end = words_span(text, c_start, c_end, False)
    if c_end > c_start and text[c_end - 1] in ".!?":
        c_start, c_end = words_span(text, c_start, c_end - 1, False)  # "… that 0 ." keeps no space
    sp = _resolve(m.group("sp"), start + m.start("sp"), registry)
    if sp is None or sp.name is None or c_end <= c_start:
        return None
    return FoundQuote((c_start, c_end), "indirect", "pronoun" if sp.pronoun else how, _with_role(sp, m), -1)
