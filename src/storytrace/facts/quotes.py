"""Who said what: quotations and reported speech in one article, found by plain rules.

``quotes(text, content)`` returns, in text order, the quotations of ``text``
(restricted to the ``content`` spans when given, e.g. ``clean_article(...).content``)
with their speaker. Quote marks: curly “ ” and ‘ ’, straight ", low „ and
guillemets « »; a mark written the wrong way round is read by its context
(“ after a word and before a space closes). Single quotes count only outside
double quotes and only when they close in the same paragraph; a ’ followed by
a letter is an apostrophe. Straight single quotes (') are never quote marks.

``kind`` is ``"direct"`` when nothing but attribution surrounds the quoted
words in their sentence, ``"partial"`` when the quote is a fragment of a
sentence, ``"indirect"`` for reported speech (``X said that ...``).

``how`` names the rule that found the speaker:

=================  ==================================================================
``said_after``     “…,” X said. / “…,” X, a professor at Y, said. / “…,” X told Z.
``said_inverted``  “…,” said X. / “…,” said X, a professor at Y.
``said_before``    X said, “…” / X added, “…” (attribution before the quote, comma)
``colon``          X said: “…” / X told Z on Monday: “…” / X sighed: “…” / X: “…” (a label);
                   also a paragraph opening with a quote after one ending "X issued this
                   statement:" (the subject of that sentence, after a lead-in clause if any)
``according_to``   According to X, “…” / “…,” according to X.
``pronoun``        any of the above with he/she/they/it as the subject: he and she take
                   the nearest person the sentences before are about whose gender agrees or
                   is unknown (gender: Mr./Ms., or the he/his or she/her after the person in
                   a sentence about them, with no other capitalised word between); it the
                   last organisation, they the last speaker of either kind. A sentence is
                   about the first person named before a verb, or after "said", or with an
                   apposition ("Jo Lee, a former aide to X, was"), else the first person
                   named; never a name after a preposition or determiner ("in New
                   Hampshire", "his Port Vallen plan") nor a possessive ("Velt’s")
``subject``        X “deeply regrets” the delay: a capitalised name opening the
                   sentence directly followed by a quote that starts in lower case
``said_partial``   X has said it “deeply regrets” …: the sentence opens with
                   ``X (has) said (that) (it/he/she/they/we)`` directly before the quote
``clause``         a quote inside reported speech: the subject of the last reporting verb
                   before it in its sentence (X said the plan “…”, X called it “…”; after
                   ", saying" or "but admitted" the sentence's subject); no subject there,
                   no speaker ("which critics call “…”")
``continued``      an unattributed direct quote after an attributed one in the same
                   paragraph, a later fragment of the same sentence (“a folly” and “a
                   waste”), a piece of a quote that runs on over paragraphs, or a paragraph
                   opening with an unattributed quote after a paragraph whose last quotation
                   has a speaker
``told_that``      X, an expert at Y, told Z that … (indirect)
``said_that``      X said (on Monday | in a statement) that … (indirect; also says,
                   added, noted, wrote, warned, stated, ...)
``none``           a direct quote with no attribution, or with one naming no speaker the
                   rules know ("ministry officials said"), or an unattributed quoted
                   fragment of six words or more; ``speaker`` is None
=================  ==================================================================

Reporting verbs are the speech verbs among PolNeAR's train cues (``speech_words``, in all
their forms; "went on"); quotes inside reported speech also take framing verbs ("called",
"described", "praised"). An attribution split off as a sentence of its own after “…?” or “…!”
("he said." / "Trump said on Friday.", or a longer one opening "X asked ..." / "said X ...") still
attributes the quote.

Who a speaker is (names, titles and roles, descriptions, surnames, pronouns and their antecedents) is
``facts.speakers``' job; what counts as a name or a reporting verb is ``facts.speech_words``'; where
quotations open and close is ``facts.quote_marks``'. This module finds quotations and reported speech,
and reads which rule names the speaker.

Paragraphs are those of ``storytrace.text.segment.paragraphs``, split further at single line breaks
when a line is longer than 100 characters (web copy with one line a paragraph; hard-wrapped copy stays
whole). The text before a quote is read from its own sentence's start (or from the quote before it in
that sentence). A quote whose paragraph ends before its closing mark runs to the paragraph end;
when the next paragraph opens with a quote mark (the newspaper convention for a
quotation continued over paragraphs) the pieces form one chain and every piece
gets the speaker of the first attributed piece (``how="continued"`` for the
others). Each piece is its own ``Quote``, so ``text`` never spans a paragraph
break. Quoted words exclude the marks, surrounding white space and a trailing
comma ("…in May,” the ministry said" gives "…in May"); ". ! ?" are kept.
Indirect speech ends at the sentence end, without the final punctuation.

Dropped: quoted fragments under six words with no attribution (scare quotes, titles of works);
reported speech without "that" ("The ministry said the port will ..."), whose
clause boundary plain rules cannot find reliably; indirect speech in a sentence
that already holds an attributed quote (the quote is the better evidence).

Not here: speakers named only as a bare plural ("officials said"), coordinated speakers
("X and Y said"), a first-name gender list, coreference beyond he/she/it/they, comparing quotes
across articles, any I/O or model (no spaCy: plain rules, about 2 ms of CPU an article).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from storytrace.facts.quote_marks import _Mark, _scan_paragraph
from storytrace.facts.speakers import (
    Span,
    _persons_in_text,
    _Registry,
    _resolve,
    _Speaker,
    _speaker_of,
    _with_role,
)
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
from storytrace.text.segment import paragraphs, split_paragraph


@dataclass(frozen=True)
class Quote:
    """A quotation or a piece of reported speech and who it is attributed to."""

    span: Span  # the quoted words, without the marks: [start, end) into the text given
    text: str  # text[span[0]:span[1]]
    speaker: str | None  # as named, leading "the" dropped: "Aurel Brannock", "Eskerby Port Authority", "ministry"
    speaker_span: Span | None  # where the speaker (or a pronoun's antecedent) is named
    kind: str  # "direct" | "partial" | "indirect"
    how: str  # the rule that found the speaker, see the module docstring
    role: str | None = None  # title or apposition: "a professor at Eskerby University"
    described: bool = False  # the speaker is a description ("senior ministry official"), not a name


# --- attribution rules ------------------------------------------------------------------------

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

_LINE = re.compile(r"[^\n]+")


# --- quotes -----------------------------------------------------------------------------------


@dataclass
class _Found:
    """A quote being built; becomes a ``Quote`` at the end."""

    span: Span
    kind: str
    how: str
    speaker: _Speaker | None
    chain: int  # quotation pieces run on over paragraphs share it; -1 for reported speech


def _words_span(text: str, start: int, end: int, strip_comma: bool) -> Span:
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
_MIN_UNATTRIBUTED = 6


def _names_speaker(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` opens with "X said" or "said X" ("Trump asked reporters at a rally in ...")."""
    return any(p.match(text, start, end) for p in (_AFTER_SAID, _AFTER_INVERTED))


def _attribute(
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


def _lead_in(text: str, sentence: Span, registry: _Registry) -> _Speaker | None:
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


def _indirect(text: str, start: int, end: int, registry: _Registry) -> _Found | None:
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
    c_start, c_end = _words_span(text, c_start, c_end, False)
    if c_end > c_start and text[c_end - 1] in ".!?":
        c_start, c_end = _words_span(text, c_start, c_end - 1, False)  # "… that 0 ." keeps no space
    sp = _resolve(m.group("sp"), start + m.start("sp"), registry)
    if sp is None or sp.name is None or c_end <= c_start:
        return None
    return _Found((c_start, c_end), "indirect", "pronoun" if sp.pronoun else how, _with_role(sp, m), -1)


_WRAP_WIDTH = 100  # a paragraph with a line this long is not hard-wrapped: each of its lines is a paragraph


def _unwrapped_lines(text: str, spans: list[Span]) -> list[Span]:
    """Split paragraphs at single line breaks unless they are hard-wrapped (web copy often has one line a paragraph)."""
    out: list[Span] = []
    for start, end in spans:
        lines = [m.span() for m in _LINE.finditer(text, start, end)]
        if len(lines) > 1 and any(e - s > _WRAP_WIDTH for s, e in lines):
            out += [(s, e) for s, e in lines if text[s:e].strip()]
        else:
            out.append((start, end))
    return out


def quotes(text: str, content: Sequence[Span] | None = None) -> list[Quote]:
    """Quotations and reported speech of ``text`` (inside ``content`` spans), in text order."""
    spans = _unwrapped_lines(text, paragraphs(text, content))
    scanned = [(p, split_paragraph(text, *p) or [p], _scan_paragraph(text, *p)) for p in spans]
    sentences: list[tuple[int, int, Sequence[_Mark]]] = [(s, e, m) for _, sents, m in scanned for s, e in sents]
    registry = _Registry(_persons_in_text(text, spans), text=text, sentences=sentences)
    found: list[_Found] = []
    chains = 0
    open_chain: int | None = None  # the chain of a quotation the previous paragraph left open
    last_of_previous: _Found | None = None  # the previous paragraph's last quotation
    lead_in: _Speaker | None = None  # the speaker of a previous paragraph ending "He said:"
    for (p_start, _p_end), sents, marks in scanned:
        starts = [s for s, _ in sents]
        # hosts: runs of sentences joined by quotations spanning them
        hosts: list[tuple[int, int, list[_Mark]]] = []
        for q in marks:
            s_open = max(0, bisect.bisect_right(starts, q.open) - 1)
            s_close = max(0, bisect.bisect_right(starts, max(q.end - 1, q.open)) - 1)
            if hosts and s_open <= hosts[-1][1]:
                hosts[-1][2].append(q)
                hosts[-1] = (hosts[-1][0], max(hosts[-1][1], s_close), hosts[-1][2])
            else:
                hosts.append((s_open, s_close, [q]))
        last_in_paragraph: _Found | None = None
        next_chain: int | None = None
        s_index = 0
        for h_first, h_last, h_marks in [*hosts, (len(sents), len(sents), [])]:
            while s_index < h_first:  # plain sentences before this host
                ind = _indirect(text, *sents[s_index], registry)
                if ind is not None:
                    found.append(ind)
                s_index += 1
            if not h_marks:
                break
            h_start, h_end = sents[h_first][0], sents[h_last][1]
            attributed = False
            last_in_host: _Found | None = None
            for k, q in enumerate(h_marks):
                # the text before a quote starts at its own sentence, or after the quote before it in that sentence
                s_start = starts[max(0, bisect.bisect_right(starts, q.open) - 1)]
                first_in_sentence = k == 0 or s_start > h_marks[k - 1].end
                b_start = max(h_start, s_start) if first_in_sentence else h_marks[k - 1].end + 1
                a_start = q.end + (1 if q.close is not None else 0)
                a_end = h_marks[k + 1].open if k + 1 < len(h_marks) else max(h_end, a_start)
                if k + 1 == len(h_marks) and h_last + 1 < len(sents) and not text[a_start:a_end].strip():
                    # “…?” he said. / “…!” Trump said Friday. split off as a sentence: the attribution follows
                    n_start, n_end = sents[h_last + 1]
                    n_end = min([n_end] + [m.open for m in marks if m.open > q.end])
                    short = text[n_start].islower() or n_end - n_start <= _MAX_ATTRIBUTION_SENTENCE
                    if _AFTER_GENERIC.match(text, a_start, n_end) and (short or _names_speaker(text, a_start, n_end)):
                        a_end = n_end
                w_start, w_end = _words_span(text, q.open + 1, q.end, True)
                if w_end <= w_start or not any(c.isalnum() for c in text[w_start:w_end]):
                    continue
                sp, how, before_ok, after_ok = _attribute(
                    text, (b_start, q.open), (a_start, a_end), w_start, registry, first_in_sentence
                )
                kind = "direct" if before_ok and after_ok else "partial"
                if q is marks[0] and q.open == p_start and open_chain is not None:
                    chain = open_chain
                else:
                    chain, chains = chains, chains + 1
                if q.close is None:
                    next_chain = chain
                if sp is None and q.open == p_start and lead_in is not None:  # He said: ¶ “…”
                    sp, how = lead_in, "pronoun" if lead_in.pronoun else "colon"
                if sp is None and kind == "direct":
                    prev = last_in_paragraph
                    if prev is None and q.open == p_start:  # a paragraph opening with a quote after a quoted speaker
                        prev = last_of_previous
                    if prev is not None and prev.speaker is not None and prev.speaker.name is not None:
                        sp, how = prev.speaker, "continued"
                if sp is None and kind == "partial" and k > 0 and last_in_host is not None:
                    sp, how = last_in_host.speaker, "continued"  # “a disgrace” and “a sham”: one clause
                if sp is None and kind == "partial" and len(text[w_start:w_end].split()) < _MIN_UNATTRIBUTED:
                    continue
                item = _Found((w_start, w_end), kind, how, sp, chain)
                found.append(item)
                last_in_paragraph = item
                last_in_host = item if sp is not None else last_in_host
                attributed = attributed or (sp is not None and sp.name is not None)
            if not attributed:  # reported speech in the host's sentences that start outside quotations
                inside: set[int] = set()
                for q in h_marks:
                    inside.update(range(bisect.bisect_right(starts, q.open), bisect.bisect_left(starts, q.end)))
                for s in range(h_first, h_last + 1):
                    if s not in inside:
                        ind = _indirect(text, *sents[s], registry)
                        if ind is not None:
                            found.append(ind)
            s_index = h_last + 1
        open_chain = next_chain
        last_of_previous = last_in_paragraph
        lead_in = _lead_in(text, sents[-1], registry) if not marks or marks[-1].end < sents[-1][0] else None
    _fill_chains(found)
    found.sort(key=lambda f: f.span)
    return [_to_quote(text, f) for f in found]


def _fill_chains(found: list[_Found]) -> None:
    """Give unattributed pieces of a quotation run on over paragraphs the chain's speaker."""
    first: dict[int, _Speaker] = {}
    for f in found:
        if f.chain >= 0 and f.chain not in first and f.speaker is not None and f.speaker.name is not None:
            first[f.chain] = f.speaker
    for f in found:
        if f.chain in first and (f.speaker is None or f.speaker.name is None) and f.kind == "direct":
            f.speaker, f.how = first[f.chain], "continued"


def _to_quote(text: str, f: _Found) -> Quote:
    sp = f.speaker
    return Quote(
        span=f.span,
        text=text[f.span[0] : f.span[1]],
        speaker=sp.name if sp else None,
        speaker_span=sp.span if sp else None,
        kind=f.kind,
        how=f.how,
        role=sp.role if sp else None,
        described=sp.described if sp else False,
    )
