"""The vocabulary of attribution: regular-expression pieces and word lists for names and reporting verbs.

Names (``_NAME``: capitalised words with particles, initials and honorifics), the speaker slot of a rule
(``_SPEAKER``: a name, "the" + a name or up to three lower-case words, a description, a role before a name,
or he/she/they/it), reporting verbs (``_VERB``: the speech verbs among PolNeAR's train cues in all their
finite forms, ``_SPEECH_LEMMAS``; ``_FRAMING`` adds the -ing forms and framing verbs such as "called"), and
the word lists that tell a name from a title, an organisation, a weekday or a connector.

Not here: any rule that uses them (``facts.quotes`` finds quotations, ``facts.speakers`` resolves who is
named); no state, no I/O. Patterns are strings, or ``LazyPattern``s compiled on first use.
"""

from __future__ import annotations

import re

from storytrace.text.lazy_pattern import LazyPattern

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
# Reporting verbs: the cue words of PolNeAR's train split (bench/quality/polnear_cues.py --quoted) that report
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

# Adverbs and auxiliaries between a subject and a framing verb: X (has) called it / X never described
_CLAUSE_AUX = (
    r"(?:(?:has|have|had|was|were|is|are|will|would|did|does|been|also|later|then|again|once|however|too|still|even|"
    r"never|not|\w+ly)\s+){0,3}"
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
_WS = re.compile(r"\S+")
_SPACE = re.compile(r"\s")
