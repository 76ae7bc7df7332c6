"""Who a quotation's speaker is: names, titles and roles, descriptions, surnames and pronouns resolved.

Speakers are capitalised name sequences (hyphens, apostrophes, initials,
particles such as "de", "van", "bin", and "of" inside organisation names),
"the" + a name ("the Eskerby Port Authority" gives ``Eskerby Port Authority``) or "the" + up to three lower
case words ("the ministry" gives ``ministry``). A leading "the" is dropped;
white space inside a name is collapsed. A title before a person's name
("Foreign Minister Aurel Brannock"), role words before it, lower case or possessive
("harbour board attorney Aurel Brannock", "Meridian Wire’s Aurel Brannock", "Meridian Wire’s chief
editor, Aurel Brannock,"), a parenthesis after it ("(D-Esk.)") and an apposition after it ("X, a
professor at Y, said", "X, 30, of Pell, Esk., said") go into
``role``, not ``speaker``; a title alone ("Sen.", "Rev.") is no speaker. A description
("a senior harbour official said", "said one ferry captain", "the harbour board said") is
the speaker without its determiner, with ``described`` set. A surname alone ("Brannock")
is expanded to the full name of a person named earlier in the article (as a
speaker or anywhere else); ``speaker_span`` then points at that full mention, as
it points at the antecedent of a pronoun. Any other single word ("Eskerby",
"Meridian") counts as an organisation, which is what "it" refers back to.

``_resolve`` turns the words a rule of ``facts.quotes`` found in the speaker slot into a ``_Speaker``,
keeping in a ``_Registry`` (one per article) the speakers named so far: the last person, the last
organisation and the persons by surname. He and she take the nearest person the sentences before are
about whose gender agrees or is unknown (``_Topics``: a sentence is about the first person named before
a verb, or after "said", or with an apposition, else the first person named, never a name after a
preposition or determiner nor a possessive; gender from Mr./Ms. or the he/his or she/her after the
person in a sentence about them); it takes the last organisation, they the last speaker of either kind.

Not here: finding quotations or the rules that point at a speaker (``facts.quotes``), the vocabulary of
names and verbs (``facts.speech_words``), a first-name gender list, coreference beyond he/she/it/they,
any I/O or model.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from storytrace.facts.quote_marks import _Mark
from storytrace.facts.speech_words import (
    _CLAUSE_AUX,
    _CONNECTORS,
    _DENY,
    _FRAMING,
    _LEADING_NOISE,
    _NAME,
    _NAME_RE,
    _NOT_A_NAME_YET,
    _ORG_WORDS,
    _PARTICLE,
    _PRONOUNS,
    _SPACE,
    _TITLE_WORDS,
    _VERB,
    _WS,
)
from storytrace.text.lazy_pattern import LazyPattern

Span = tuple[int, int]

_Word = tuple[str, int, int]  # a word and its offsets


@dataclass
class _Registry:
    """Speakers named so far in the article, for pronouns and surnames."""

    persons_in_text: dict[str, tuple[str, Span]]  # surname -> first full mention of a person in the article
    by_surname: dict[str, tuple[str, Span]] = field(default_factory=dict)
    last_person: tuple[str, Span] | None = None
    last_org: tuple[str, Span] | None = None
    last_any: tuple[str, Span] | None = None
    text: str = ""
    sentences: list[tuple[int, int, Sequence[_Mark]]] = field(default_factory=list)  # with their paragraph's marks
    topics: _Topics | None = None  # who he and she can refer to: built from ``sentences`` when first needed

    def about(self) -> _Topics:
        """Who each sentence is about (``_Topics``), computed once, on the first he or she."""
        if self.topics is None:
            self.topics = _topics(self.text, self.sentences, self.persons_in_text)
        return self.topics


@dataclass(frozen=True)
class _Speaker:
    name: str | None
    span: Span | None
    role: str | None
    pronoun: bool
    described: bool = False  # a description ("State Department official"), not a name


@dataclass(frozen=True)
class _Name:
    """A name split into the name proper, its title or "of ..." tail, and whether "the" preceded it."""

    words: list[_Word]
    role: str | None
    the: bool
    titled: bool

    @property
    def text(self) -> str:
        return " ".join(w for w, _, _ in self.words)

    @property
    def span(self) -> Span:
        return self.words[0][1], self.words[-1][2]

    @property
    def is_org(self) -> bool:
        return self.the or any(w in _ORG_WORDS for w, _, _ in self.words)


def _split_name(words: list[_Word], skip: frozenset[str] = frozenset()) -> _Name | None:
    """Drop connectors, "the", a title and an "of ..." tail from a capitalised word sequence."""
    while len(words) > 1 and (words[0][0] in _CONNECTORS or words[0][0] in skip):
        words = words[1:]
    the = words[0][0].lower() == "the"
    if the:
        words = words[1:]
    if not words or words[0][0] in _DENY or words[0][0].lower() in _PRONOUNS:
        return None
    role_parts: list[str] = []
    tail: str | None = None
    for k in range(1, len(words)):  # "Aurel Brannock of Meridian Wire": "of" only inside organisation names
        if words[k][0] in ("of", "for") and words[k - 1][0] not in _ORG_WORDS | _TITLE_WORDS:
            tail = " ".join(w for w, _, _ in words[k:])
            words = words[:k]
            break
    titled = False
    if not the:
        last_title = max((k for k, w in enumerate(words) if w[0] in _TITLE_WORDS), default=-1)
        rest = words[last_title + 1 :]
        if 0 <= last_title < len(words) - 1 and not any(w in _ORG_WORDS for w, _, _ in rest):
            role_parts.append(" ".join(w for w, _, _ in words[: last_title + 1]))
            words = rest
            titled = True
    if tail:
        role_parts.append(tail)
    return _Name(words, ", ".join(role_parts) or None, the, titled)


def _persons_in_text(text: str, spans: Sequence[Span]) -> dict[str, tuple[str, Span]]:
    """Surname -> first mention of a person by two or more names ("Aurel Brannock"), anywhere in ``spans``."""
    out: dict[str, tuple[str, Span]] = {}
    for start, end in spans:
        for m in _NAME_RE.finditer(text, start, end):
            if not _SPACE.search(m.group()):
                continue  # one word: no full name
            words = [(w.group(), m.start() + w.start(), m.start() + w.end()) for w in _WS.finditer(m.group())]
            name = _split_name(words, _LEADING_NOISE)
            if name is not None and len(name.words) > 1 and not name.is_org:
                out.setdefault(name.words[-1][0], (name.text, name.span))
    return out


_DETERMINERS = frozenset("a an one another this some several many two three".split())
_ROLE_NOISE = frozenset("and but then so as while when because also even".split())
_PARTICLES = frozenset(_PARTICLE[3:-1].split("|"))
_BARE_TITLES = frozenset(
    w + dot
    for w in "Mr Mrs Ms Dr Prof Sen Sens Rep Reps Gov Gen Col Lt Sgt Capt St Rev Hon Fr".split()
    for dot in ("", ".")
)


def _resolve(raw: str, start: int, registry: _Registry) -> _Speaker | None:
    """The speaker named by ``raw`` (found at ``start``), or None when it is no speaker at all."""
    words = [(m.group(), start + m.start(), start + m.end()) for m in _WS.finditer(raw)]
    if not words:
        return None
    if len(words) == 1 and words[0][0].lower() in _PRONOUNS:
        return _pronoun(words[0][0].lower(), words[0][1], registry)
    first = words[0][0].lower()
    if first in _DETERMINERS or (first == "the" and any(w[0][:1].islower() for w in words[1:])):
        return _described(words[1:], first == "the", registry)
    role, words = _role_words(words)
    name = _split_name(words)
    if name is None or all(w in _BARE_TITLES or w in _LEADING_NOISE for w, _, _ in name.words):
        return None  # "Sen.", "Thursday"
    entry = (name.text, name.span)
    is_org = name.is_org
    if len(name.words) == 1 and not name.the:
        full = registry.by_surname.get(name.text) or registry.persons_in_text.get(name.text)
        if full is not None and full[1][0] < name.span[0]:
            entry, is_org = full, False
        elif not name.titled and not role:
            is_org = True  # a place, agency or company: "Eskerby", "Meridian"
    if is_org:
        registry.last_org = entry
    else:
        registry.last_person = entry
        if len(name.words) > 1:
            registry.by_surname[name.words[-1][0]] = entry
    registry.last_any = entry
    roles = [r for r in (role, name.role) if r]
    return _Speaker(entry[0], entry[1], ", ".join(roles) or None, False)


def _pronoun(p: str, at: int, registry: _Registry) -> _Speaker:
    """The referent of a pronoun subject.

    He and she: the nearest person of that gender (``_Topics``), else the last person speaker; it: the last
    organisation; they: the last speaker of either kind.
    """
    ref = registry.last_person if p in ("he", "she") else registry.last_org if p == "it" else registry.last_any
    if p in ("he", "she"):
        ref = registry.about().referent("m" if p == "he" else "f", at) or ref
    registry.last_any = ref or registry.last_any  # the referent is now the latest one mentioned
    return _Speaker(ref[0] if ref else None, ref[1] if ref else None, None, True)


def _described(words: list[_Word], the: bool, registry: _Registry) -> _Speaker | None:
    """A speaker named by a description ("a State Department official"): the words after the determiner."""
    if not words:
        return None
    entry = (" ".join(w for w, _, _ in words), (words[0][1], words[-1][2]))
    if the:  # "the ministry", "the campaign": what "it" refers back to
        registry.last_org = entry
        registry.last_any = entry
    return _Speaker(entry[0], entry[1], None, False, described=True)


def _role_words(words: list[_Word]) -> tuple[str | None, list[_Word]]:
    """Role words before a name ("Trump attorney" + "Alan Garten"): up to the last lower-case or possessive word."""
    cut = -1
    for k, (w, _, _) in enumerate(words[:-1]):
        if (w[:1].islower() and w not in _PARTICLES) or w.endswith(("’s", "'s")):
            cut = k
    if cut < 0:
        return None, words
    role = words[: cut + 1]
    while role and role[0][0].lower() in _ROLE_NOISE:
        role = role[1:]
    return " ".join(w for w, _, _ in role).rstrip(",") or None, words[cut + 1 :]


# --- who he and she refer to -----------------------------------------------------------------

_GENDERED = {"he": "m", "his": "m", "him": "m", "himself": "m", "she": "f", "her": "f", "hers": "f", "herself": "f"}
_HONORIFIC = {"Mr.": "m", "Mr": "m", "Mrs.": "f", "Mrs": "f", "Ms.": "f", "Ms": "f", "Miss": "f"}
_SUBJECT_SCAN = LazyPattern(rf"(?<![\w’'\-])(?:(?P<pr>[Hh]e|[Ss]he)\b|{_NAME})")
_GENDER_SCAN = LazyPattern(r"(?<![\w’'\-])(?:[Hh]e|[Hh]is|[Hh]im|[Hh]imself|[Ss]he|[Hh]er|[Hh]ers|[Hh]erself)\b")
_VERB_AFTER = LazyPattern(rf"\s*(?:,[^,“”\"«»„]{{1,150}}?,\s*)?{_CLAUSE_AUX}{_FRAMING}\b")
_ANY_VERB_AFTER = re.compile(
    r"\s+(?:(?:also|then|later|again|never|\w+ly)\s+)?(?:[a-z]+ed|was|is|has|had|did|does|will|would|says|"
    r"made|took|went|got|came|gave|thought|felt|knew|became|began|kept|left|won|lost|ran|met|held|spoke)\b"
)
_OTHER_NAME = re.compile(r"\b(?!I\b)[A-Z][a-z]")  # a capitalised word: another name, maybe
_PREPOSITIONS = frozenset(
    "in on at from to of for by with about against into over under near after before since than between".split()
)
_OBJECT_BEFORE = re.compile(
    r"(?<![\w’'])(?:the|a|an|his|her|its|their|our|my|your|in|on|at|from|to|of|for|by|with|about|against|into|"
    r"over|under|near|than|between)\s+$"
)
_SAID_BEFORE = LazyPattern(rf"\b{_VERB}\s+$")  # "…,” said Jo Lee": Jo Lee is the subject
_APPOSITION = re.compile(r",\s+(?:a|an|the|who|whose)\s")  # "Jo Lee, a former aide to X, was"
_POSSESSIVE = re.compile(r"[’']s?(?=\s)")
_BRIDGE = LazyPattern(rf"(?:[’']s)?\s+(?:[a-z][\w\-]*\s+){{1,3}}(?={_NAME})")
_BRIDGE_STOP = frozenset(
    """a an the and or but to of in on at for with from by as that who which whose is was are were has have had
    will would can could should may might did does do not also then when while after before said says""".split()
)


@dataclass
class _Topics:
    """The person each sentence is about (its first subject outside quotations), with genders learnt from the text.

    A sentence opening with he or she adds nobody: its referent stays the latest. A person's gender is the one
    of an honorific (Mr., Ms.) or of the first he/his or she/her after the person in the sentence they open.
    """

    starts: list[int] = field(default_factory=list)
    people: list[tuple[str, Span]] = field(default_factory=list)
    votes: dict[str, list[int]] = field(default_factory=dict)  # name -> [male, female] evidence

    def gender(self, name: str) -> str | None:
        m, f = self.votes.get(name, (0, 0))
        return "m" if m > f else "f" if f > m else None

    def referent(self, gender: str, at: int) -> tuple[str, Span] | None:
        """The nearest person named before ``at`` whose gender is ``gender`` or unknown."""
        for k in range(bisect.bisect_left(self.starts, at) - 1, -1, -1):
            if self.gender(self.people[k][0]) in (gender, None):
                return self.people[k]
        return None

    def vote(self, name: str, gender: str) -> None:
        self.votes.setdefault(name, [0, 0])[0 if gender == "m" else 1] += 1


def _outside(marks: Sequence[_Mark], i: int) -> bool:
    return not any(q.open <= i <= q.end for q in marks)


_Entry = tuple[str, Span]  # a name and where it is written
_Person = tuple[_Entry, str | None, int]  # a person, the gender of an honorific, the end of the mention


def _topic_of(text: str, s: int, e: int, marks: Sequence[_Mark], persons: dict[str, _Entry]) -> _Person | None:
    """(person, honorific gender, end of the mention) of the sentence ``text[s:e]``, or None.

    The first person named before a verb ("Jo Lee also railed", "Jo Lee, an aide, said") is the subject;
    else the first person named, unless a pronoun or an organisation comes first.
    """
    first: _Person | None = None
    blocked = False
    for m in _SUBJECT_SCAN.finditer(text, s, e):
        if not _outside(marks, m.start()):
            continue
        if m.group("pr"):
            blocked = True
            continue
        found = _person_at(text, m, e, persons)
        if found is None:
            continue
        if isinstance(found, str):  # an organisation
            blocked = True
            continue
        if _VERB_AFTER.match(text, m.end(), e) or _ANY_VERB_AFTER.match(text, m.end(), e):
            return found
        if _SAID_BEFORE.search(text, max(s, m.start() - 20), m.start()):
            return found
        if first is None and not blocked:
            if _APPOSITION.match(text, m.end(), e):
                return found
            first = found
    return first


def _person_at(text: str, m: re.Match[str], e: int, persons: dict[str, _Entry]) -> _Person | str | None:
    """The person a name match names ((entry, honorific gender, end)), "org", or None (not a person)."""
    if _OBJECT_BEFORE.search(text, max(0, m.start() - 12), m.start()):
        return None  # "in New Hampshire", "his New Hampshire lead": no subject
    bridge = _BRIDGE.match(text, m.end(), e)  # "McConnell spokesman Don Stewart", "Sanders’s aide Jo Lee"
    if bridge and not _BRIDGE_STOP & set(bridge.group().split()):
        if not (_VERB_AFTER.match(text, m.end(), e) or _ANY_VERB_AFTER.match(text, m.end(), e)):
            return None
    words = [(w.group(), m.start() + w.start(), m.start() + w.end()) for w in _WS.finditer(m.group())]
    while words and (words[0][0] in _NOT_A_NAME_YET or words[0][0][:1].islower()):
        if words[0][0].lower() in _PREPOSITIONS:
            return None  # "In Eskerby", "As for Perez"
        words = words[1:]  # "Former", "And": not a name yet
    name = _split_name(words, _LEADING_NOISE) if words else None
    if name is None or _POSSESSIVE.match(text, m.end()) or words[-1][0].endswith(("’s", "'s")):
        return None
    if name.is_org:
        return "org"
    entry = (name.text, name.span)
    if len(name.words) == 1:
        full = persons.get(name.text)
        if full is not None:
            entry = full
        elif not (name.titled or _VERB_AFTER.match(text, m.end(), e) or _APPOSITION.match(text, m.end(), e)):
            return None  # a place or a word opening the sentence
    honorific = next((_HONORIFIC[w] for w, _, _ in words if w in _HONORIFIC), None)
    return entry, honorific, m.end()


def _topics(
    text: str, sentences: Sequence[tuple[int, int, Sequence[_Mark]]], persons: dict[str, tuple[str, Span]]
) -> _Topics:
    """The ``_Topics`` of the sentences (each with the quotation marks of its paragraph)."""
    out = _Topics()
    for s, e, marks in sentences:
        found = _topic_of(text, s, e, marks, persons)
        if found is None:
            continue
        entry, honorific, end = found
        out.starts.append(entry[1][0] if entry[1][0] >= s else end)
        out.people.append(entry)
        if honorific:
            out.vote(entry[0], honorific)
        g = next((g for g in _GENDER_SCAN.finditer(text, end, e) if _outside(marks, g.start())), None)
        if g is not None and not _OTHER_NAME.search(text, end, g.start()):  # "X said Clinton ... her": not X's
            out.vote(entry[0], _GENDERED[g.group().lower()])
    return out


# --- a rule's match as a speaker ----------------------------------------------------------------


def _with_role(sp: _Speaker, m: re.Match[str]) -> _Speaker:
    role = m.groupdict().get("role")
    role = role.strip() if role else None
    if not role:
        return sp
    return _Speaker(sp.name, sp.span, f"{sp.role}, {role}" if sp.role else role, sp.pronoun, sp.described)


def _speaker_of(m: re.Match[str] | None, offset: int, registry: _Registry) -> _Speaker | None:
    """The speaker a rule's match names (``offset``: where the matched string starts in the text)."""
    if m is None:
        return None
    sp = _resolve(m.group("sp"), offset + m.start("sp"), registry)
    return _with_role(sp, m) if sp is not None else None
