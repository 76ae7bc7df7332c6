"""A story's brief: what most outlets carry, where they differ, what one outlet alone adds, each line cited.

The brief is picked, never written: every line is words of the sources.

1. **carried**: the statements two or more outlets carry. Two articles'
   sentences are one statement when a passage aligned as ``verbatim``,
   ``near_verbatim``, ``paraphrase`` or ``same_fact`` holds both and each is
   the other's best match in it (most shared content words); statements
   join through shared sentences. A statement is shown in its earliest
   wording (the first article of the story's order that has it), with the
   outlets that carry it; the statements most outlets carry come first, then
   by where they are in the story's order.
2. **differ**: the story's contradictions (``facts`` ``differ``, in its
   order), each as the two wordings side by side.
3. **only**: per outlet, its sentences no article of another outlet aligns
   to, preferring a voice no other outlet quotes, names no other outlet
   mentions, and numbers or dates; one sentence per outlet in turn, the
   best first.

Sections are capped (``DIFFER_MAX``, ``ONLY_MAX``, ``CARRIED_MAX``) so that
the brief has ``BRIEF_MAX`` lines at most and, when the story gives enough,
``BRIEF_MIN`` at least. A story told by one outlet has no brief.

Not here: finding the passages or facts (``align``, ``facts.story``), the
brief's JSON (``codec.brief``), showing it (``report``, ``web``, ``cli``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storytrace.align.compare import Prepared
from storytrace.model import REUSE_RELATIONS, Comparison
from storytrace.model_facts import Brief, BriefKind, BriefLine, Cite, Difference, Said, Span, StoryFacts
from storytrace.naming import outlet_name
from storytrace.text.tokens import best_matches, content_stems

# How the brief's sections are headed wherever it is shown (report, web UI, terminal), in their order.
BRIEF_HEADINGS: dict[BriefKind, str] = {
    "carried": "What most outlets carry",
    "differ": "Where they differ",
    "only": "What only one outlet adds",
}
# A passage of these relations carries the same statement in both articles ("related" does not).
CARRIED_RELATIONS = REUSE_RELATIONS | {"same_fact"}
BRIEF_MAX = 10  # lines of a brief at most
BRIEF_MIN = 5  # lines a brief is filled up to with more of what one outlet adds, when there is more
CARRIED_MAX = 6
DIFFER_MAX = 3
ONLY_MAX = 3
MIN_WORDS = 5  # a shorter sentence ("He declined.") says too little out of its context
NEW_VOICE = 3  # the weight of a quote by someone no other outlet quotes, in what one outlet adds
NEW_NAMES_MAX = 3  # names no other outlet mentions counted at most, one point each


@dataclass(frozen=True)
class Source:
    """An article as the brief reads it: its id, its outlet and its content sentences (in text order)."""

    article: str
    outlet: str
    sentences: tuple[Said, ...]


@dataclass(frozen=True)
class Link:
    """Two articles' passages that state the same thing (one of ``CARRIED_RELATIONS``)."""

    a: str
    b: str
    a_span: Span
    b_span: Span


Key = tuple[int, int]  # (the article's place in the story's order, the sentence's place in the article)


def brief_of(members: Sequence[Prepared], comparisons: Iterable[Comparison], facts: StoryFacts) -> Brief:
    """The brief of a story of ``members`` (in the story's order), aligned as ``comparisons``, with ``facts``."""
    return story_brief([source_of(p) for p in members], links_of(comparisons), facts)


def source_of(prepared: Prepared) -> Source:
    """An article as the brief reads it: its outlet (``naming.outlet_name``) and content sentences."""
    text = prepared.article.text
    said = tuple(Said((s.start, s.end), text[s.start : s.end]) for s in prepared.sentences)
    return Source(prepared.article.id, outlet_name(prepared.article), said)


def links_of(comparisons: Iterable[Comparison]) -> list[Link]:
    """The carried passages of a story's comparisons: each passage's parts of a carried relation, or itself."""
    out: list[Link] = []
    for c in comparisons:
        for al in c.alignments:
            if al.relation not in CARRIED_RELATIONS:
                continue
            units = [p for p in al.parts if p.relation in CARRIED_RELATIONS] or [al]
            out.extend(Link(c.a.id, c.b.id, u.a_span, u.b_span) for u in units)
    return out


def story_brief(sources: Sequence[Source], links: Sequence[Link], facts: StoryFacts) -> Brief:
    """The brief of a story whose articles are ``sources`` (in the story's order)."""
    if len({s.outlet for s in sources}) < 2:
        return Brief()
    story = _Story(sources)
    statements = _statements(story, links)
    carried = [_carried_line(story, keys) for keys in statements if len(story.outlets(keys)) > 1]
    differ = [_differ_line(story, d) for d in facts.check.differ[:DIFFER_MAX]]
    only = _only_lines(story, _linked(story, links), facts)
    n_only = min(len(only), max(ONLY_MAX, BRIEF_MIN - min(len(carried), CARRIED_MAX) - len(differ)))
    n_carried = min(len(carried), CARRIED_MAX, BRIEF_MAX - len(differ) - n_only)
    return Brief((*carried[:n_carried], *differ, *only[:n_only]))


class _Story:
    """The sources of a story, looked up by article id and by sentence."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self.sources = list(sources)
        self.place = {s.article: k for k, s in enumerate(sources)}
        self.starts = [[x.span[0] for x in s.sentences] for s in sources]

    def said(self, key: Key) -> Said:
        return self.sources[key[0]].sentences[key[1]]

    def outlet(self, key: Key) -> str:
        return self.sources[key[0]].outlet

    def outlets(self, keys: Iterable[Key]) -> list[str]:
        """The distinct outlets of ``keys``, in the story's order."""
        return list(dict.fromkeys(self.outlet(k) for k in sorted(keys)))

    def cite(self, key: Key) -> Cite:
        said = self.said(key)
        return Cite(self.sources[key[0]].article, said.span, said.text)

    def within(self, article: str, span: Span) -> list[Key]:
        """The sentences of ``article`` that ``span`` holds (at least half of each), or the one it lies in."""
        k = self.place.get(article)
        if k is None:
            return []
        sentences = self.sources[k].sentences
        first = max(bisect_right(self.starts[k], span[0]) - 1, 0)
        found = []
        for j in range(first, len(sentences)):
            start, end = sentences[j].span
            if start >= span[1]:
                break
            shared = min(end, span[1]) - max(start, span[0])
            if shared > 0 and 2 * shared >= min(end - start, span[1] - span[0]):
                found.append((k, j))
        return found


# --- 1. what several outlets carry -------------------------------------------------------


def _statements(story: _Story, links: Sequence[Link]) -> list[list[Key]]:
    """The sentences that state one thing, joined across articles; in the order the brief lists them.

    Most outlets first, then by the earliest wording's place (article in the story's order, then sentence).
    """
    parent: dict[Key, Key] = {}

    def root(k: Key) -> Key:
        while parent.get(k, k) != k:
            k = parent[k]
        return k

    for link in links:
        for x, y in _matched(story, link):
            parent.setdefault(x, x)
            parent.setdefault(y, y)
            rx, ry = root(x), root(y)
            if rx != ry:
                parent[max(rx, ry)] = min(rx, ry)
    groups: dict[Key, list[Key]] = {}
    for k in parent:
        groups.setdefault(root(k), []).append(k)
    found = [sorted(keys) for keys in groups.values()]
    found = [keys for keys in found if _words(story.said(keys[0]).text) >= MIN_WORDS]
    return sorted(found, key=lambda keys: (-len(story.outlets(keys)), keys[0]))


def _matched(story: _Story, link: Link) -> list[tuple[Key, Key]]:
    """The sentence pairs of a carried passage: each sentence with its best match on the other side."""
    xs, ys = story.within(link.a, link.a_span), story.within(link.b, link.b_span)
    if not xs or not ys:
        return []
    if len(xs) == len(ys) == 1:
        return [(xs[0], ys[0])]
    stems = [[frozenset(content_stems(story.said(k).text)) for k in side] for side in (xs, ys)]
    return [(xs[i], ys[j]) for i, j in best_matches(stems[0], stems[1])]


def _carried_line(story: _Story, keys: list[Key]) -> BriefLine:
    """A statement in its earliest wording, with every outlet carrying it and each article's sentences cited."""
    return BriefLine("carried", story.said(keys[0]).text, tuple(story.outlets(keys)), tuple(map(story.cite, keys)))


# --- 2. where they differ ----------------------------------------------------------------


def _differ_line(story: _Story, d: Difference) -> BriefLine:
    """A contradiction: what it is about, and each side's words (``Number of injured: A has “14”; B has “41”``)."""
    sides = [(d.sides.a, d.sides.a_said, d.values[0] if d.values else ""),
             (d.sides.b, d.sides.b_said, d.values[1] if d.values else "")]  # fmt: skip
    shown = [f"{_outlet_of(story, aid)} {_has(said, value)}" for aid, said, value in sides]
    what = d.what[:1].upper() + d.what[1:]
    cites = [Cite(aid, said.span, said.text) for aid, said, _ in sides if said is not None]
    for r in d.repeats:
        cites += [Cite(aid, said.span, said.text) for aid, said in ((r.a, r.a_said), (r.b, r.b_said)) if said]
    articles = [d.sides.a, d.sides.b, *(aid for r in d.repeats for aid in (r.a, r.b))]
    outlets = tuple(dict.fromkeys(_outlet_of(story, aid) for aid in articles))
    return BriefLine("differ", f"{what}: {'; '.join(shown)}.", outlets, tuple(dict.fromkeys(cites)))


def _has(said: Said | None, value: str) -> str:
    if said is not None:
        return f"has “{said.text}”"
    return f"has {value}" if value else "does not say"


def _outlet_of(story: _Story, article: str) -> str:
    k = story.place.get(article)
    return story.sources[k].outlet if k is not None else article


# --- 3. what one outlet alone adds -------------------------------------------------------


def _linked(story: _Story, links: Sequence[Link]) -> set[Key]:
    """The sentences a carried passage shares with an article of another outlet."""
    out: set[Key] = set()
    for link in links:
        a, b = story.place.get(link.a), story.place.get(link.b)
        if a is None or b is None or story.sources[a].outlet == story.sources[b].outlet:
            continue
        out.update(story.within(link.a, link.a_span))
        out.update(story.within(link.b, link.b_span))
    return out


def _only_lines(story: _Story, linked: set[Key], facts: StoryFacts) -> list[BriefLine]:
    """What each outlet alone says, best first, the outlets taking turns (each one's best, then the next)."""
    marks = _Marks(story, facts)
    by_outlet: dict[str, list[tuple[int, Key]]] = {}
    for k, source in enumerate(story.sources):
        for j, said in enumerate(source.sentences):
            if (k, j) in linked or _words(said.text) < MIN_WORDS:
                continue
            score = marks.score(k, said.span)
            if score > 0:
                by_outlet.setdefault(source.outlet, []).append((score, (k, j)))
    ranked = [sorted(found, key=lambda sk: (-sk[0], sk[1])) for found in by_outlet.values()]
    turns = sorted(
        ((turn, -score, key) for found in ranked for turn, (score, key) in enumerate(found)),
    )
    return [BriefLine("only", story.said(key).text, (story.outlet(key),), (story.cite(key),)) for _, _, key in turns]


class _Marks:
    """Where each article quotes someone, names something, or states a number or date, and whether it is new.

    New: a speaker no article of another outlet quotes (by the last capitalised
    word of the name), a name no article of another outlet mentions.
    """

    def __init__(self, story: _Story, facts: StoryFacts) -> None:
        outlet = {s.article: s.outlet for s in story.sources}
        self.story = story
        speakers: dict[str, set[str]] = {}  # speaker's last name word -> outlets quoting them
        for q in facts.quotes:
            if (name := _surname(q.speaker)) and q.article in outlet:
                speakers.setdefault(name, set()).add(outlet[q.article])
        self.quotes: dict[str, list[tuple[Span, bool]]] = {}
        for q in facts.quotes:
            name = _surname(q.speaker)
            new = bool(name) and speakers.get(name, set()) == {outlet.get(q.article)}
            self.quotes.setdefault(q.article, []).append((q.span, new))
        self.names: dict[str, list[tuple[Span, str]]] = {}
        for e in facts.entities:
            if len({outlet.get(a) for a, _ in e.articles}) == 1:
                for m in e.mentions:
                    self.names.setdefault(m.article, []).append((m.span, e.name))
        self.values: dict[str, list[Span]] = {}
        for article, span in [(n.article, n.span) for n in facts.numbers] + [(d.article, d.span) for d in facts.dates]:
            self.values.setdefault(article, []).append(span)

    def score(self, k: int, span: Span) -> int:
        """How much a sentence of the ``k``-th article adds: a new voice, new names, a number or date; 0: nothing."""
        article = self.story.sources[k].article
        quoted = [new for q, new in self.quotes.get(article, ()) if _overlap(q, span)]
        names = {name for m, name in self.names.get(article, ()) if _overlap(m, span)}
        value = any(_overlap(v, span) for v in self.values.get(article, ()))
        voice = NEW_VOICE if any(quoted) else 1 if quoted else 0
        return voice + min(len(names), NEW_NAMES_MAX) + int(value)


def _surname(speaker: str | None) -> str:
    """The last capitalised word of a speaker's name, lower-cased ("" for "he" or none)."""
    words = [w for w in (speaker or "").replace("’", "'").split() if w[:1].isupper()]
    return words[-1].split("'")[0].lower() if words else ""


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _words(text: str) -> int:
    return len(text.split())


def outlets_text(outlets: Sequence[str]) -> str:
    """Outlets as a reader reads them: "A", "A and B", "A, B and C"."""
    if len(outlets) < 2:
        return "".join(outlets)
    return f"{', '.join(outlets[:-1])} and {outlets[-1]}"
