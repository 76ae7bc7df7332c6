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
quotations open and close is ``facts.quote_marks``'; which rule of the table names a quotation's speaker,
and reported speech in a sentence, ``facts.attribution``'s. This module walks the paragraphs: it finds
each quotation's sentence and the text around it, chains pieces over paragraphs and carries a speaker
to an unattributed quotation after an attributed one.

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
from dataclasses import dataclass, field

from storytrace.facts.attribution import (
    MIN_UNATTRIBUTED,
    FoundQuote,
    attribute,
    attributes_split_off,
    colon_lead_in,
    indirect,
    words_span,
)
from storytrace.facts.quote_marks import _Mark, _scan_paragraph
from storytrace.facts.speakers import Span, _persons_in_text, _Registry, _Speaker
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


_LINE = re.compile(r"[^\n]+")


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


_Host = tuple[int, int, list[_Mark]]  # first and last sentence of a run joined by quotations, its quotations


@dataclass(frozen=True)
class _Paragraph:
    """One paragraph being read: where it starts, its sentences and their starts, its quotations."""

    start: int
    sents: list[Span]
    starts: list[int]
    marks: list[_Mark]


@dataclass
class _Reading:
    """What reading a text's paragraphs in order carries from one quotation and paragraph to the next."""

    text: str
    registry: _Registry
    found: list[FoundQuote] = field(default_factory=list)
    chains: int = 0
    open_chain: int | None = None  # the chain of a quotation the previous paragraph left open
    last_of_previous: FoundQuote | None = None  # the previous paragraph's last quotation
    lead_in: _Speaker | None = None  # the speaker of a previous paragraph ending "He said:"
    last_in_paragraph: FoundQuote | None = None  # this paragraph's last quotation yet
    next_chain: int | None = None  # the chain this paragraph leaves open


def quotes(text: str, content: Sequence[Span] | None = None) -> list[Quote]:
    """Quotations and reported speech of ``text`` (inside ``content`` spans), in text order."""
    spans = _unwrapped_lines(text, paragraphs(text, content))
    scanned = [(p, split_paragraph(text, *p) or [p], _scan_paragraph(text, *p)) for p in spans]
    sentences: list[tuple[int, int, Sequence[_Mark]]] = [(s, e, m) for _, sents, m in scanned for s, e in sents]
    reading = _Reading(text, _Registry(_persons_in_text(text, spans), text=text, sentences=sentences))
    for (p_start, _p_end), sents, marks in scanned:
        _read_paragraph(reading, _Paragraph(p_start, sents, [s for s, _ in sents], marks))
    found = reading.found
    _fill_chains(found)
    found.sort(key=lambda f: f.span)
    return [_to_quote(text, f) for f in found]


def _hosts(marks: list[_Mark], starts: list[int]) -> list[_Host]:
    """Runs of sentences joined by quotations spanning them, each with its quotations."""
    hosts: list[_Host] = []
    for q in marks:
        s_open = max(0, bisect.bisect_right(starts, q.open) - 1)
        s_close = max(0, bisect.bisect_right(starts, max(q.end - 1, q.open)) - 1)
        if hosts and s_open <= hosts[-1][1]:
            hosts[-1][2].append(q)
            hosts[-1] = (hosts[-1][0], max(hosts[-1][1], s_close), hosts[-1][2])
        else:
            hosts.append((s_open, s_close, [q]))
    return hosts


def _read_paragraph(r: _Reading, p: _Paragraph) -> None:
    """The quotations of one paragraph, and reported speech in its sentences outside them."""
    text, sents = r.text, p.sents
    r.last_in_paragraph = None
    r.next_chain = None
    s_index = 0
    for h_first, h_last, h_marks in [*_hosts(p.marks, p.starts), (len(sents), len(sents), [])]:
        while s_index < h_first:  # plain sentences before this host
            ind = indirect(text, *sents[s_index], r.registry)
            if ind is not None:
                r.found.append(ind)
            s_index += 1
        if not h_marks:
            break
        _read_host(r, p, (h_first, h_last, h_marks))
        s_index = h_last + 1
    r.open_chain = r.next_chain
    r.last_of_previous = r.last_in_paragraph
    marks = p.marks
    r.lead_in = colon_lead_in(text, sents[-1], r.registry) if not marks or marks[-1].end < sents[-1][0] else None


def _read_host(r: _Reading, p: _Paragraph, host: _Host) -> None:
    """The quotations of one run of sentences; reported speech there when none names its speaker."""
    h_first, h_last, h_marks = host
    attributed = False
    last_in_host: FoundQuote | None = None
    for k in range(len(h_marks)):
        item = _read_quote(r, p, host, k, last_in_host)
        if item is None:
            continue
        r.found.append(item)
        r.last_in_paragraph = item
        last_in_host = item if item.speaker is not None else last_in_host
        attributed = attributed or (item.speaker is not None and item.speaker.name is not None)
    if not attributed:  # reported speech in the host's sentences that start outside quotations
        inside: set[int] = set()
        for q in h_marks:
            inside.update(range(bisect.bisect_right(p.starts, q.open), bisect.bisect_left(p.starts, q.end)))
        for s in range(h_first, h_last + 1):
            if s not in inside:
                ind = indirect(r.text, *p.sents[s], r.registry)
                if ind is not None:
                    r.found.append(ind)


def _read_quote(r: _Reading, p: _Paragraph, host: _Host, k: int, last_in_host: FoundQuote | None) -> FoundQuote | None:
    """Quotation ``k`` of ``host`` with its speaker and kind (None: no words, or a short unattributed fragment)."""
    text, q = r.text, host[2][k]
    b_start, a_start, a_end, first_in_sentence = _around(text, p, host, k)
    w_start, w_end = words_span(text, q.open + 1, q.end, True)
    if w_end <= w_start or not any(c.isalnum() for c in text[w_start:w_end]):
        return None
    sp, how, before_ok, after_ok = attribute(
        text, (b_start, q.open), (a_start, a_end), w_start, r.registry, first_in_sentence
    )
    kind = "direct" if before_ok and after_ok else "partial"
    chain = _chain_of(r, p, q)
    if sp is None:
        sp, how = _speaker_carried(r, p, q, kind, k, last_in_host, how)
    if sp is None and kind == "partial" and len(text[w_start:w_end].split()) < MIN_UNATTRIBUTED:
        return None
    return FoundQuote((w_start, w_end), kind, how, sp, chain)


def _around(text: str, p: _Paragraph, host: _Host, k: int) -> tuple[int, int, int, bool]:
    """Where the text before quotation ``k`` of ``host`` starts, where the text after it starts and ends.

    The fourth value: whether the quotation is the first of its sentence.
    """
    h_first, h_last, h_marks = host
    q = h_marks[k]
    h_start, h_end = p.sents[h_first][0], p.sents[h_last][1]
    # the text before a quote starts at its own sentence, or after the quote before it in that sentence
    s_start = p.starts[max(0, bisect.bisect_right(p.starts, q.open) - 1)]
    first_in_sentence = k == 0 or s_start > h_marks[k - 1].end
    b_start = max(h_start, s_start) if first_in_sentence else h_marks[k - 1].end + 1
    a_start = q.end + (1 if q.close is not None else 0)
    a_end = h_marks[k + 1].open if k + 1 < len(h_marks) else max(h_end, a_start)
    if k + 1 == len(h_marks) and h_last + 1 < len(p.sents) and not text[a_start:a_end].strip():
        # “…?” he said. / “…!” Trump said Friday. split off as a sentence: the attribution follows
        n_start, n_end = p.sents[h_last + 1]
        n_end = min([n_end] + [m.open for m in p.marks if m.open > q.end])
        if attributes_split_off(text, a_start, n_start, n_end):
            a_end = n_end
    return b_start, a_start, a_end, first_in_sentence


def _chain_of(r: _Reading, p: _Paragraph, q: _Mark) -> int:
    """The chain of quotation ``q``: the one the previous paragraph left open when ``q`` opens this one, else new."""
    if q is p.marks[0] and q.open == p.start and r.open_chain is not None:
        chain = r.open_chain
    else:
        chain, r.chains = r.chains, r.chains + 1
    if q.close is None:
        r.next_chain = chain
    return chain


def _speaker_carried(
    r: _Reading, p: _Paragraph, q: _Mark, kind: str, k: int, last_in_host: FoundQuote | None, how: str
) -> tuple[_Speaker | None, str]:
    """The speaker of an unattributed quotation taken from before it: a lead-in, the last quotation, its clause."""
    sp: _Speaker | None = None
    if q.open == p.start and r.lead_in is not None:  # He said: ¶ “…”
        sp, how = r.lead_in, "pronoun" if r.lead_in.pronoun else "colon"
    if sp is None and kind == "direct":
        prev = r.last_in_paragraph
        if prev is None and q.open == p.start:  # a paragraph opening with a quote after a quoted speaker
            prev = r.last_of_previous
        if prev is not None and prev.speaker is not None and prev.speaker.name is not None:
            sp, how = prev.speaker, "continued"
    if sp is None and kind == "partial" and k > 0 and last_in_host is not None:
        sp, how = last_in_host.speaker, "continued"  # “a disgrace” and “a sham”: one clause
    return sp, how


def _fill_chains(found: list[FoundQuote]) -> None:
    """Give unattributed pieces of a quotation run on over paragraphs the chain's speaker."""
    first: dict[int, _Speaker] = {}
    for f in found:
        if f.chain >= 0 and f.chain not in first and f.speaker is not None and f.speaker.name is not None:
            first[f.chain] = f.speaker
    for f in found:
        if f.chain in first and (f.speaker is None or f.speaker.name is None) and f.kind == "direct":
            f.speaker, f.how = first[f.chain], "continued"


def _to_quote(text: str, f: FoundQuote) -> Quote:
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
