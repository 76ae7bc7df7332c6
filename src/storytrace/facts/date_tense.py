"""The tense of the clause or sentence around a date expression, and the sentence bounds it reads.

What it does: :class:`Context` holds the text being scanned and its publication date, and tells the
tense ("future", "past" or None) of the words around an expression, for the rules that need it
(weekdays, dates, months and quarters without a year, "in N years").

Tense is the tense of the event's own clause: the stretch of the sentence between punctuation and
clause words ("that", "which", "when", "and", ...) around the expression, its nearest cue before or
after it. An infinitive between a cue and the expression hides the cue ("subpoenaed him to testify
on Feb. 10": the testimony's date), except an intent right before its "to" ("planned to leave on
Thursday": future). When the clause has no cue, the sentence decides as before: the nearest cue
before the expression, else after it. Future cues: will, shall, 'll, won't, would, should, must,
might, may (not before "have"), next (not "next to"), upcoming, scheduled, planned and planning
(before the expression), expected, tomorrow; "be" after "to" or a modal; "due" after a form of
"be"; plan(s), intend(s), aim(s), going, set, ready, likely, and verbs of intent (decided, agreed,
promised, vowed, hoped, wanted, ...) before "to" when they precede the expression. Past cues: said,
was, were, had, did, been, told, ago, yesterday, earlier, previously, last, common irregular past
forms (met, held, took, ...) and lower-case words ending in "-ed" (a short list of non-verbs like
"hundred", "indeed" excepted). A participle right after a form of "be" ("will be held", "was held")
or a verb of state ("would remain closed") defers to that auxiliary. Present tense decides nothing.
Sentences end at every line break, and at . ! ? … followed by a capital or digit except after an
initial ("U.S."), a title (Mr, Dr, Sen, Gen, ...), "vs" or a month abbreviation. An expression that
modifies a noun ("the Aug. 7 blasts") takes the noun's time, not its clause's (:func:`attributive_tense`).

Not here: finding expressions (``facts.dates``), choosing a year from a tense
(``facts.date_calendar``), any language other than English.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import date

_FUTURE_CUES = frozenset(
    {
        "will", "shall", "won't", "won’t", "would", "next", "upcoming", "due", "scheduled", "planned",
        "planning", "slated", "expected", "tomorrow", "should", "must", "might",
    }
)  # fmt: skip
# Future only before "to" ("plans to visit", "decided to admit", "going to"): the event is the
# infinitive's, still ahead of the verb; "the plan", "has been going" are not future.
_FUTURE_BEFORE_TO = frozenset(
    {
        "going", "plan", "plans", "intend", "intends", "intended", "aim", "aims", "set", "decided", "decide",
        "decides", "agreed", "agree", "agrees", "promised", "promise", "promises", "pledged", "vowed", "vow",
        "threatened", "threaten", "hope", "hopes", "hoped", "want", "wants", "wanted", "proposed", "offered",
        "ready", "prepared", "preparing", "likely",
    }
)  # fmt: skip
_PLAIN_FUTURE = frozenset({"going", "set", "plan", "plans", "intend", "intends", "aim", "aims", "ready", "likely"})
# Future before the expression ("planned a rally on Saturday"), a participle after it ("a hastily planned trip").
_INTENT_FUTURE = frozenset({"planned", "planning"})
_NOT_INFINITIVE = frozenset(
    {
        "the", "a", "an", "his", "her", "its", "their", "our", "my", "your", "this", "that", "these", "those",
        "him", "them", "us", "me", "it", "some", "all", "each", "every", "about", "around", "more", "less",
    }
)  # fmt: skip
# "be" is future only after these ("to be held", "will be"); "could be located" is not.
_BEFORE_FUTURE_BE = frozenset({"to", "will", "shall", "would", "should", "must", "might", "may"})
# Modals that are future unless followed by "have" ("might come", not "might have come").
_MODALS = frozenset({"should", "must", "might", "may"})
_PAST_CUES = frozenset(
    {
        "said", "was", "were", "had", "did", "been", "told", "ago", "yesterday", "earlier", "previously",
        "last", "met", "went", "came", "took", "gave", "made", "held", "left", "won", "lost", "saw",
        "began", "fell", "rose", "spoke", "wrote", "sent", "found", "struck", "broke", "ran", "shot",
        "led", "brought", "bought", "thought", "fought", "caught", "taught", "sought", "kept", "felt",
        "paid", "sold", "stood", "became", "got", "drove", "flew", "grew", "knew", "threw", "withdrew",
        "chose", "froze", "stole", "woke", "wore", "tore", "arose", "hung", "meant", "heard", "built",
        "spent", "lent", "slept", "fled", "fed", "shook", "stuck", "swung", "dug", "sank", "swore",
        "overtook", "undertook", "forgot", "hid", "ate", "drank", "sang", "rang", "didn't", "didn’t",
        "wasn't", "wasn’t", "weren't", "weren’t", "hadn't", "hadn’t",
    }
)  # fmt: skip
_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "our", "this", "that", "'s", "’s"})
_PASSIVE_AUX = frozenset({"be", "been", "being", "is", "are", "am", "was", "were"})
# Verbs that, like "be", take a participle as a state ("would remain closed until April 20"): the state is no past
# event, so the cue is the verb's own tense or a modal before it.
_STATE_VERBS = frozenset({"remain", "remains", "stay", "stays", "seem", "seems", "become", "becomes", "look", "looks"})
_NOT_ED_VERBS = frozenset(
    {
        "need", "indeed", "speed", "seed", "feed", "breed", "greed", "creed", "weed", "deed", "heed",
        "proceed", "exceed", "succeed", "steed", "reed", "tweed", "bleed", "bed", "red", "shed", "wed",
        "hundred", "sacred", "naked", "wicked", "embed", "shred", "sled", "kindred", "rugged",
    }
)  # fmt: skip
_LOOK_BACK = frozenset(
    {"first", "last", "time", "ever", "since", "not", "never", "no", "nothing", "none", "most", "least"}
)
_SUPERLATIVES = frozenset(
    {
        "highest", "lowest", "biggest", "largest", "smallest", "worst", "best", "strongest", "weakest",
        "fastest", "slowest", "hottest", "coldest", "warmest", "longest", "shortest", "greatest",
        "oldest", "latest", "deepest", "widest", "sharpest", "steepest", "closest", "toughest",
    }
)  # fmt: skip

# Starts with its character class (no leading look-behind) so the engine can skip ahead fast.
_SENTENCE_END = re.compile(
    r"[.!?…](?<!\b[A-Z].)(?<!\b(?:Mr|Ms|Dr|St|vs|Lt|Mt|Ft|Jr|Sr|No)\.)"
    r"(?<!\b(?:Mrs|Gen|Sen|Rep|Gov|Col|Sgt|Rev|Jan|Feb|Mar|Apr|Aug|Sep|Oct|Nov|Dec)\.)(?<!\b(?:Capt|Prof|Sept)\.)"
    r"[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+"
)
_P_NOUN_AFTER = re.compile(r"\s+[a-z]")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_CLAUSE_BREAK = re.compile(
    r"[,;:()\[\]\"“”—–]|``|''|\s-\s|\b(?:that|which|who|whom|whose|where|when|while|because|although|though|"
    r"whereas|unless|if|but|and|or)\b"
)


class Context:
    """The text being scanned, the publication date and lazily found sentence ends."""

    __slots__ = ("text", "pub", "_ends")

    def __init__(self, text: str, pub: date | None) -> None:
        self.text = text
        self.pub = pub
        self._ends: list[int] | None = None

    def sentence(self, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
        """Bounds of the sentence around [start, end), kept inside the region [lo, hi)."""
        if self._ends is None:
            self._ends = [m.end() for m in _SENTENCE_END.finditer(self.text)]
        ends = self._ends
        i = bisect_right(ends, start)
        s = ends[i - 1] if i else 0
        j = bisect_left(ends, end)
        e = ends[j] if j < len(ends) else len(self.text)
        return max(s, lo), min(e, hi)

    def tense(self, start: int, end: int, lo: int, hi: int) -> str | None:
        """'future', 'past' or None, from the nearest tense cue in the sentence around [start, end)."""
        s, e = self.sentence(start, end, lo, hi)
        before = _WORD.findall(self.text, s, start)
        for i in range(len(before) - 1, -1, -1):
            t = _word_tense(before, i)
            if t is not None:
                return t
        after = _WORD.findall(self.text, end, e)
        for i in range(len(after)):
            t = _word_tense(after, i, intent=False)
            if t is not None:
                return t
        return None

    def event_tense(self, start: int, end: int, lo: int, hi: int) -> tuple[str | None, bool]:
        """The tense of the clause holding [start, end) and True when a cue is in that clause.

        The clause is the stretch of the sentence between punctuation and clause words
        ("that", "which", "when", "and", ...) around the expression; its nearest cue, before
        or after, wins (before on a tie). Without a cue there, the sentence decides
        (:meth:`tense`) and the second value is False: the tense is then likely a reporting
        verb's ("said it will redeem the notes on Oct. 31"), not the event's.
        """
        s, e = self.sentence(start, end, lo, hi)
        cs = s
        for m in _CLAUSE_BREAK.finditer(self.text, s, start):
            cs = m.end()
        br = _CLAUSE_BREAK.search(self.text, end, e)
        ce = br.start() if br else e
        before = _WORD.findall(self.text, cs, start)
        after = _WORD.findall(self.text, end, ce)
        near_before = _cue_before(before)
        near_after = next(((k, t) for k in range(len(after)) if (t := _word_tense(after, k, intent=False))), None)
        if near_before and (near_after is None or near_before[0] <= near_after[0]):
            return near_before[1], True
        if near_after:
            return near_after[1], True
        return self.tense(start, end, lo, hi), False

    def looks_back(self, start: int, lo: int, hi: int) -> bool:
        """Whether a "first"/superlative/negation cue precedes ``start`` in its sentence."""
        s, _ = self.sentence(start, start, lo, hi)
        for w in _WORD.findall(self.text, s, start)[-8:]:
            low = w.lower()
            if low in _LOOK_BACK or low in _SUPERLATIVES or low.endswith(("iest", "n't", "n’t")):
                return True
        return False


def _cue_before(words: list[str]) -> tuple[int, str] | None:
    """The nearest tense cue in ``words`` (which end where the expression starts) and its distance.

    An infinitive in between ("subpoenaed him to testify on Feb. 10") hides the cues before
    it, the date being the infinitive's, except a cue of intent right before its "to"
    ("planned to leave on Thursday": future).
    """
    for k in range(len(words) - 1, -1, -1):
        if words[k].lower() == "to" and k + 1 < len(words) and _infinitive(words[k + 1]):
            return (len(words) - k, "future") if k > 0 and _word_tense(words, k - 1) == "future" else None
        if (t := _word_tense(words, k)) is not None:
            return len(words) - 1 - k, t
    return None


def _infinitive(word: str) -> bool:
    return word.islower() and word not in _NOT_INFINITIVE


def _word_tense(words: list[str], i: int, *, intent: bool = True) -> str | None:
    """The tense word ``i`` of ``words`` signals; ``intent``: "plans to", "vowed to" count as future."""
    word = words[i]
    low = word.lower()
    nxt = words[i + 1].lower() if i + 1 < len(words) else ""
    if low in _FUTURE_BEFORE_TO and (intent or low in _PLAIN_FUTURE):
        return "future" if nxt == "to" else None
    if low == "due":  # "is due to", not "cancelled due to rain"
        return "future" if i > 0 and words[i - 1].lower() in ("is", "are", "am", "be", "was", "were") else None
    if low == "be":
        return "future" if i > 0 and words[i - 1].lower() in _BEFORE_FUTURE_BE else None
    if low == "next" and nxt == "to":  # "next to the embassy": a place
        return None
    if low in _MODALS:
        return None if nxt == "have" or word == "May" else "future"
    if (low in _FUTURE_CUES and (intent or low not in _INTENT_FUTURE)) or low.endswith(("'ll", "’ll")):
        return "future"
    participle = low in _PAST_CUES or (
        word.islower() and len(low) > 3 and low.endswith("ed") and low not in _NOT_ED_VERBS
    )
    if not participle:
        return None
    if low not in _PASSIVE_AUX and i > 0 and words[i - 1].lower() in _PASSIVE_AUX | _STATE_VERBS:
        return None  # "will be held", "was held", "would remain closed": the auxiliary decides
    return "past"


def attributive_tense(ctx: Context, span: tuple[int, int], lo: int, hi: int) -> tuple[str | None, bool]:
    """The event tense of an expression; never its clause's own when it modifies a noun.

    "the Aug. 7 blasts killed", "the Jan. 14 deadline", "the March accession": the date
    belongs to the noun, not to the clause's verb.
    """
    tense = ctx.event_tense(span[0], span[1], lo, hi)
    before = ctx.text[max(lo, span[0] - 6) : span[0]].lower().split()
    if before and before[-1] in _DETERMINERS and _P_NOUN_AFTER.match(ctx.text, span[1], hi):
        return tense[0], False
    return tense
