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

Reporting verbs are the speech verbs among PolNeAR's train cues (``_SPEECH_LEMMAS``, in all
their forms; "went on"); quotes inside reported speech also take framing verbs ("called",
"described", "praised"). An attribution split off as a sentence of its own after “…?” or “…!”
("he said." / "Trump said on Friday.", or a longer one opening "X asked ..." / "said X ...") still
attributes the quote.

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

from storytrace.text.lazy_pattern import LazyPattern
from storytrace.text.segment import paragraphs, split_paragraph

Span = tuple[int, int]


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


# --- word classes -----------------------------------------------------------------------------

_UPPER = "[" + "".join(c for c in map(chr, range(0x41, 0x530)) if c.isupper()) + "]"
_ABBREV = r"(?:Mr|Mrs|Ms|Dr|Prof|Sen|Sens|Rep|Reps|Gov|Gen|Col|Lt|Sgt|Capt|St|Jr|Sr|Rev|Hon|Fr|Atty|Supt)\."
_NAME_WORD = rf"(?:{_ABBREV}|{_UPPER}\.(?:-?{_UPPER}\.)*|(?:(?:al|el|ad|bin|ibn)-)?{_UPPER}\w*(?:[’'\-]\w+)*)"
_PARTICLE = r"(?:de|da|del|della|di|du|van|von|der|den|ter|bin|ibn|al|el|la|le|dos|das|of|for)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+){{0,2}}{_NAME_WORD}){{0,7}}"
_LOWER_WORD = r"[a-z][a-z\-]*"
_THE_NP = rf"[Tt]he\s+(?:{_NAME}|(?:{_NAME}\s+)?(?:{_LOWER_WORD}\s+){{0,2}}?{_LOWER_WORD})"
_ANY_WORD = r"[\w\-’'.]+"
# A name after role words, lower case or possessive: "Trump attorney Alan Garten", "NBC’s Chuck Todd".
_ROLED_NAME = rf"(?:{_ANY_WORD}\s+){{0,4}}(?:[a-z][\w\-]*|{_NAME_WORD}[’']s)\s+{_NAME}"
# "Trump’s campaign manager, Jo Lee": a possessive role, a comma, the name.
_POSSESSIVE_ROLE_NAME = rf"{_NAME_WORD}[’']s\s+(?:[a-z][\w\-]*\s+){{0,3}}[a-z][\w\-]*,\s+{_NAME}"
# A description: "a State Department official", "one former campaign staffer", "the Christie supporter".
_DETERMINER = r"(?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother|[Tt]his|[Ss]ome|[Ss]everal|[Mm]any|[Tt]wo|[Tt]hree)"
_DESCRIPTION = rf"{_DETERMINER}\s+(?:{_ANY_WORD}\s+){{0,6}}?[\w\-]+"
_SPEAKER = rf"(?P<sp>{_THE_NP}|{_DESCRIPTION}|{_POSSESSIVE_ROLE_NAME}|{_ROLED_NAME}|{_NAME}|he|she|they|it)"
_NAMED = rf"(?P<sp>[Tt]he\s+{_NAME}|{_NAME})"  # capitalised names only (no "the ministry")
# Reporting verbs: the cue words of PolNeAR's train split (bench/polnear_cues.py --quoted) that report
# speech or writing, as lemmas; never read off its dev or test split. ``_forms`` conjugates them.
_SPEECH_LEMMAS = """say tell add write ask tweet continue respond reply explain state declare argue note conclude
insist interject joke quip vow promise acknowledge admit recall remark shout yell chant warn claim announce suggest
predict complain boast concede lament retort assure answer testify observe post email read pledge stress emphasize
emphasise reiterate repeat echo assert proclaim charge counter muse confirm caution report recount scoff snap sigh
thunder exclaim reason quote text reveal cite estimate promise plead demand wonder question press opine react urge
pronounce elaborate""".split()
# Verbs that report words without introducing a full quote: "He called it “a disgrace”".
_FRAMING_LEMMAS = """call describe dub label brand term deem praise criticize criticise blast accuse denounce slam
mock decry dismiss characterize characterise refer promise urge""".split()
_IRREGULAR = {
    "say": "say says said saying",
    "tell": "tell tells told telling",
    "write": "write writes wrote written writing",
    "read": "read reads reading",
    "quip": "quip quips quipped quipping",
    "admit": "admit admits admitted admitting",
    "echo": "echo echoes echoed echoing",
    "snap": "snap snaps snapped snapping",
    "label": "label labels labeled labelled labeling labelling",
    "dub": "dub dubs dubbed dubbing",
    "plead": "plead pleads pleaded pled pleading",
}


def _forms(lemmas: list[str], finite_only: bool) -> list[str]:
    """The forms of each lemma: base, -s, past and (unless ``finite_only``) -ing."""
    out: list[str] = []
    for lemma in lemmas:
        if lemma in _IRREGULAR:
            forms = _IRREGULAR[lemma].split()
        elif lemma.endswith("e"):
            forms = [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
        elif lemma.endswith("y") and lemma[-2] not in "aeiou":
            forms = [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
        elif lemma.endswith(("sh", "ch", "ss", "x")):
            forms = [lemma, lemma + "es", lemma + "ed", lemma + "ing"]
        else:
            forms = [lemma, lemma + "s", lemma + "ed", lemma + "ing"]
        out += [f for f in forms if not (finite_only and f.endswith("ing"))]
    return sorted(set(out), key=lambda f: (-len(f), f))


_PHRASAL = r"went\s+on|goes\s+on|put\s+it|puts\s+it|pointed\s+out|points\s+out"
_VERB = "(?P<verb>" + "|".join(_forms(_SPEECH_LEMMAS, True)) + rf"|{_PHRASAL})"
_FRAMING = "(?:" + "|".join(_forms(_SPEECH_LEMMAS + _FRAMING_LEMMAS, False)) + ")"
_AUX = r"(?:(?:has|have|had|will|would|also|later|then|previously|earlier|further|again|once)\s+){0,2}"
_ROLE = r"(?:\s*\([^()“”\"]{1,40}\))?(?:\s*,\s*(?P<role>[^,“”\"«»„]{1,150}?(?:,[^,“”\"«»„]{1,60}?){0,3})\s*,)?"
_LEADIN = (
    r"(?:(?:[^,“”\"«»„]{1,60},\s+)?(?:But|And|Yet|So|Still|However|Meanwhile|Now|Later|Earlier|As|as)\s+"
    r"|[^,“”\"«»„]{1,60},\s+)"
)
_WHEN = (
    r"(?:on|in|at|during|last|this|after|before|earlier|later|late|yesterday|today|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b[^,;:“”\"«»„.]{0,50}?"
)

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
_CLAUSE_AUX = (
    r"(?:(?:has|have|had|was|were|is|are|will|would|did|does|been|also|later|then|again|once|however|too|still|even|"
    r"never|not|\w+ly)\s+){0,3}"
)
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

_PRONOUNS = frozenset({"he", "she", "they", "it"})
_DENY = frozenset(
    """This That These Those There Here It’s It's What Which Who Whom Whose When Where Why How If In On At
    For As After Before A An Some Many Most All Both Each Any One Such Other Others Several No None Not
    During Since While Although Though Because Under Over With Without From By To Of I We You""".split()
)
_LEADING_NOISE = frozenset(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December""".split()
)
_CONNECTORS = frozenset("But And Yet So Still However Meanwhile Now Later Earlier Then Also".split())
_NOT_A_NAME_YET = _DENY | _CONNECTORS | _LEADING_NOISE
_TITLE_WORDS = frozenset(
    """President Vice Prime Minister Foreign Deputy Secretary Senator Sen. Representative Rep. Governor
    Gov. Mayor Dr. Mr. Mrs. Ms. Professor Prof. General Gen. Chancellor Spokesman Spokeswoman Spokesperson
    Chairman Chairwoman Chair Chief Executive Director Ambassador Judge Justice King Queen Prince Princess
    Pope Sheikh Commissioner Inspector Detective Sergeant Sgt. Captain Capt. Colonel Col. Lieutenant Lt.
    Admiral Commander Leader Speaker Premier Envoy Attorney Coach Manager Officer Sir Dame Lord Lady
    Bishop Archbishop Rabbi Imam Father State Defense Defence Interior Finance Trade Health""".split()
)
_ORG_WORDS = frozenset(
    """Ministry Department Office Agency Council Committee Commission Government Administration Kremlin
    House Party Union Nations States Republic Kingdom Bank Company Corporation Corp Corp. Inc Inc. Ltd
    Ltd. Group University College Institute Police Army Navy Force Forces Court Parliament Congress
    Senate Service Services Authority Board Bureau Embassy Organisation Organization Association
    Federation Foundation Fund News Press Post Times Wire Network Centre Center Club Team Church Hospital
    School Airlines Airways Media Assembly Cabinet Command Directorate Secretariat Alliance Coalition
    Front Movement Statement Report Presidency Palace""".split()
)

_NAME_RE = LazyPattern(rf"(?<![\w’'\-]){_NAME}")
_MARK = re.compile(r"[“”\"„«»‘’]")
_WS = re.compile(r"\S+")
_LINE = re.compile(r"[^\n]+")
_SPACE = re.compile(r"\s")
_OPEN_BEFORE = frozenset("([{—–-/ \t\n\r\u00a0")
_CLOSE_AFTER = frozenset(".,;:!?)]}—–-… \t\n\r\u00a0")


# --- scanning quote marks ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Mark:
    """One quotation as delimited by marks: ``open`` is the opening mark, ``close`` the closing one."""

    open: int
    close: int | None  # None: runs on to the paragraph end
    end: int  # the closing mark's index, or the paragraph end


def _opening_like(text: str, i: int, start: int, end: int) -> bool:
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < end else " "
    return (before in _OPEN_BEFORE or before.isspace()) and not after.isspace()


def _closing_like(text: str, i: int, start: int, end: int) -> bool:
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < end else " "
    return not before.isspace() and (after in _CLOSE_AFTER or after.isspace() or after in '“”"’‘»')


def _scan_paragraph(text: str, start: int, end: int) -> list[_Mark]:
    """Quotations of one paragraph: double quotes first, then single quotes outside them."""
    doubles: list[_Mark] = []
    opened: int | None = None
    singles_candidates: list[int] = []  # positions of ‘ and ’ outside double quotes
    for m in _MARK.finditer(text, start, end):
        i = m.start()
        ch = text[i]
        if ch in "‘’":
            if opened is None:
                singles_candidates.append(i)
            continue
        if opened is None:
            if ch in "“„«" or (ch == "”" and _opening_like(text, i, start, end)):
                opened = i
            elif ch == '"' and not (_closing_like(text, i, start, end) and not _opening_like(text, i, start, end)):
                opened = i
            continue
        if ch == "“" and _opening_like(text, i, start, end) and not _closing_like(text, i, start, end):
            continue  # an opening mark inside an open quotation: nested or a missing close; keep going
        if ch in "„«":
            continue
        doubles.append(_Mark(opened, i, i))
        opened = None
    if opened is not None:
        doubles.append(_Mark(opened, None, end))
    singles: list[_Mark] = []
    pending: int | None = None
    for i in singles_candidates:
        if text[i] == "‘":
            if _opening_like(text, i, start, end):
                pending = i
        elif pending is not None:
            after = text[i + 1] if i + 1 < end else " "
            if not after.isalnum() and not text[i - 1].isspace():
                singles.append(_Mark(pending, i, i))
                pending = None
    if not singles:
        return doubles
    merged = sorted(doubles + singles, key=lambda q: q.open)
    out: list[_Mark] = []
    for q in merged:  # drop a quotation nested inside another (‘He said “no”,’ she said.)
        if out and q.open < out[-1].end:
            continue
        out.append(q)
    return out


# --- speakers ---------------------------------------------------------------------------------


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
