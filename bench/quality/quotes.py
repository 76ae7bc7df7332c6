"""Score storytrace's quote extraction (``storytrace.facts.quotes``) on PolNeAR, with a quote regex beside it.

Run: ``PYTHONPATH=src .venv/bin/python bench/quality/quotes.py [--data DIR] [--split dev|train|all] [--show N]``.
Reads ``polnear/articles.jsonl`` from ``../shared/data`` (see its SOURCE.md); prints a message and exits 0
when it is absent. Rules are tuned on ``train`` only; the targets are on ``dev``. Deterministic;
about half a minute for both splits.

Definitions (each used once, in ``score``):

* letters: the letters and digits of a span. Every overlap is counted in letters, so quote marks,
  spaces and punctuation never decide a match.
* quotations: the ``Quote`` items of kind ``direct`` or ``partial`` (reported speech, ``indirect``,
  is not scored here).
* a gold attribution's quoted letters: the letters of its content (its ``parts`` when given) that lie
  between a pair of double quotation marks, the marks paired in order within a paragraph (straight or
  curly; a ” after a space or opening a paragraph opens; an opening curly mark while a quotation is open
  restarts it; a quotation still open at the paragraph end runs to it). Attributions whose quoted
  letters come out empty (a mispaired mark) are left out and counted as ``unpaired``.
* found: a gold attribution is found when the quotations cover at least half of its quoted letters.
  "fully quoted statements found" counts gold ``quoted == "direct"``, "partial quotes found" gold
  ``quoted == "mixed"``.
* its speaker: the speaker of the quotation holding most of its quoted letters.
* speaker right: the predicted speaker's last word occurs, as a word, in the gold source text (case
  ignored). A gold source that is a third-person pronoun (he, she, they, it, who, ...) is first
  replaced by the source of the most recent earlier non-pronoun gold attribution in the same paragraph
  (no line break between the two sources), of any cue ("Jo Lee, a delegate, criticized the law. “…,” she
  said."); with none there, by the most recent earlier non-pronoun source whose cue holds a speech word
  (``SPEECH_WORDS``): who the annotators would mean, without gender or coreference. When that source is
  itself a description (a determiner or lower-case word first, a lower-case word last: "the retired
  neurosurgeon", "the Texas senator"), the name it stands for is accepted too: the speech source before it.
  Gold sources that are null or first/second person (I, we, you) are not scored for
  the speaker, nor pronouns with no such earlier attribution.
* precision: a quotation is right when at least half of its letters lie in the content of some gold
  attribution, of any quoted type.

The baseline is a plain regex: a double-quoted span directly followed by ``X said`` / ``said X`` or
preceded by ``X said,`` / ``X said:`` (X a capitalised name of up to four words, or he/she), with
pronouns left as they are.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, read_jsonl
from storytrace.clean import clean_article
from storytrace.facts.quotes import quotes
from storytrace.model import Article

POLNEAR = Path("polnear") / "articles.jsonl"
THIRD_PERSON = frozenset("he she they it him her his its their them who whom which that".split())
FIRST_SECOND = frozenset("i me my we us our you your".split())
SPEECH_WORDS = frozenset(
    """said says say saying told tells tell telling added adds asked asks wrote writes according explained
    explains noted notes stated states argued argues insisted insists declared declares replied replies
    responded responds tweeted tweets claimed claims warned warns announced announces recalled recalls
    acknowledged acknowledges remarked joked quipped continued continues testified testifies admitted
    admits conceded concedes suggested suggests pointed shouted yelled cried urged urges""".split()
)
TARGETS = {"direct": 0.92, "speaker": 0.85, "pronoun": 0.70, "precision": 0.95, "partial": 0.70}

Span = tuple[int, int]
Found = tuple[Span, str | None]  # a quotation's span and its speaker


# --- gold ------------------------------------------------------------------------------------------


def letters(text: str, spans: Iterable[Span]) -> set[int]:
    """Offsets of the letters and digits in ``spans``."""
    return {i for s, e in spans for i in range(s, e) if text[i].isalnum()}


def quoted_regions(text: str) -> list[Span]:
    """Spans between paired double quotation marks, paired in order within each paragraph."""
    out: list[Span] = []
    for para in re.finditer(r"[^\n]+", text):
        opened: int | None = None
        for m in re.finditer(r"[“”\"]", para.group()):
            i, ch = para.start() + m.start(), m.group()
            if opened is None:
                if ch != "”" or m.start() == 0 or text[i - 1].isspace():
                    opened = i
            elif ch == "“":
                opened = i
            else:
                out.append((opened + 1, i))
                opened = None
        if opened is not None:
            out.append((opened + 1, para.end()))
    return out


def content_spans(att: dict[str, Any]) -> list[Span]:
    content = att["content"]
    return [tuple(p) for p in content["parts"]] if content.get("parts") else [tuple(content["span"])]  # type: ignore[misc]


def first_word(source: str) -> str:
    return source.strip().split()[0].lower().strip(".,") if source.strip() else ""


def is_pronoun(source: str) -> bool:
    return len(source.split()) == 1 and first_word(source) in THIRD_PERSON | FIRST_SECOND


DETERMINERS = frozenset("the a an one another some this that these those his her their its".split())


def is_description(source: str) -> bool:
    """A source naming nobody ("the retired neurosurgeon", "the Texas senator").

    A determiner or lower-case word first and a lower-case word last; "Clinton" or "his wife, Jane," is a name.
    """
    words = source.split()
    opens = bool(words) and (words[0][:1].islower() or words[0].lower() in DETERMINERS)
    return opens and len(words) > 1 and words[-1].strip(",.")[:1].islower()


def resolved_sources(text: str, atts: Sequence[dict[str, Any]]) -> list[str | None]:
    """Each attribution's gold source with third-person pronouns replaced as the module docstring says."""
    resolved: dict[int, str | None] = {}
    last: str | None = None  # the latest speech source, with the named one before it if it is a description
    near: tuple[str, int] | None = None  # the latest source of any cue, and where it ends
    for k in sorted(range(len(atts)), key=lambda k: (atts[k]["source"] or atts[k]["content"])["span"][0]):
        att = atts[k]
        source = att["source"]["text"] if att["source"] else None
        cue = (att["cue"] or {}).get("text", "").lower()
        if source is None or (is_pronoun(source) and first_word(source) in FIRST_SECOND):
            resolved[k] = None
        elif is_pronoun(source):
            same_paragraph = near is not None and "\n" not in text[near[1] : att["source"]["span"][0]]
            resolved[k] = near[0] if near is not None and same_paragraph else last
        else:
            resolved[k] = source
            entry = f"{source} | {last}" if is_description(source) and last else source
            near = (entry, att["source"]["span"][1])
            if SPEECH_WORDS & set(re.findall(r"[a-z]+", cue)):
                last = entry
    return [resolved[k] for k in range(len(atts))]


def speaker_right(predicted: str | None, gold: str) -> bool:
    if not predicted or not predicted.split():
        return False
    last = predicted.split()[-1].lower().strip(".,’'")
    return re.search(rf"(?<!\w){re.escape(last)}(?!\w)", gold.lower()) is not None


# --- systems ---------------------------------------------------------------------------------------


def storytrace_quotes(text: str) -> list[Found]:
    content = list(clean_article(Article(id="polnear", text=text)).content)
    return [(q.span, q.speaker) for q in quotes(text, content) if q.kind in ("direct", "partial")]


_B_NAME = r"(?:[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,3}|he|she|He|She)"
_B_QUOTE = r"[“\"](?P<q>[^“”\"\n]+)[”\"]"
_B_AFTER = re.compile(rf"{_B_QUOTE}\s*,?\s*(?:(?P<a>{_B_NAME})\s+(?:said|says)\b|(?:said|says)\s+(?P<b>{_B_NAME}))")
_B_BEFORE = re.compile(rf"(?P<c>{_B_NAME})\s+(?:said|says)\s*[,:]\s*{_B_QUOTE}")


def baseline_quotes(text: str) -> list[Found]:
    found: dict[Span, str | None] = {}
    for pattern in (_B_AFTER, _B_BEFORE):
        for m in pattern.finditer(text):
            speaker = next((m.group(g) for g in ("a", "b", "c") if g in m.groupdict() and m.group(g)), None)
            found.setdefault(m.span("q"), speaker)
    return sorted(found.items())


# --- scoring ---------------------------------------------------------------------------------------


@dataclass
class Ratio:
    """A count of hits out of a count of cases."""

    hit: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.hit += ok
        self.total += 1

    def __str__(self) -> str:
        return f"{self.hit / self.total:.3f} ({self.hit}/{self.total})" if self.total else "n/a"

    @property
    def value(self) -> float:
        return self.hit / self.total if self.total else 0.0


@dataclass
class Scores:
    """The measures of one system on one split."""

    direct: Ratio = field(default_factory=Ratio)
    speaker: Ratio = field(default_factory=Ratio)
    pronoun: Ratio = field(default_factory=Ratio)
    precision: Ratio = field(default_factory=Ratio)
    partial: Ratio = field(default_factory=Ratio)
    partial_speaker: Ratio = field(default_factory=Ratio)
    unpaired: int = 0
    misses: list[str] = field(default_factory=list)


def score(article: dict[str, Any], found: list[Found], s: Scores) -> None:
    text = article["text"]
    atts = article["attributions"]
    regions = quoted_regions(text)
    q_letters = [letters(text, [span]) for span, _ in found]
    covered = set().union(*q_letters) if q_letters else set()
    resolved = resolved_sources(text, atts)
    for att, gold_speaker in zip(atts, resolved, strict=True):
        if att["quoted"] == "none":
            continue
        content = letters(text, content_spans(att))
        wanted = content & letters(text, regions)
        if not wanted:
            s.unpaired += 1
            continue
        ok = len(wanted & covered) * 2 >= len(wanted)
        (s.direct if att["quoted"] == "direct" else s.partial).add(ok)
        if not ok:
            s.misses.append(f"{att['quoted']} miss {article['id']} {att['content']['span']}")
            continue
        if gold_speaker is None:
            continue
        best = max(range(len(found)), key=lambda k: len(q_letters[k] & wanted))
        right = speaker_right(found[best][1], gold_speaker)
        if att["quoted"] == "mixed":
            s.partial_speaker.add(right)
            continue
        s.speaker.add(right)
        if is_pronoun(att["source"]["text"]):
            s.pronoun.add(right)
        if not right:
            s.misses.append(
                f"speaker {article['id']} {att['content']['span']} gold={att['source']['text']!r}"
                f"->{gold_speaker!r} got={found[best][1]!r}"
            )
    gold = letters(text, [p for att in atts for p in content_spans(att)])
    for (span, _), ql in zip(found, q_letters, strict=True):
        if ql:
            s.precision.add(len(ql & gold) * 2 >= len(ql))
            if len(ql & gold) * 2 < len(ql):
                s.misses.append(f"extra {article['id']} {span} {text[span[0] : span[1]][:70]!r}")


def run(articles: list[dict[str, Any]], system: Callable[[str], list[Found]]) -> tuple[Scores, float]:
    s = Scores()
    t0 = time.perf_counter()
    for article in articles:
        score(article, system(article["text"]), s)
    return s, time.perf_counter() - t0


def report(split: str, n: int, ours: Scores, base: Scores, seconds: float, show_targets: bool) -> None:
    print(f"\n== PolNeAR {split}: {n} articles (storytrace {seconds:.1f} s) ==")
    print(f"{'measure':34} {'storytrace':>22} {'regex baseline':>22}  target")
    rows = [
        ("fully quoted statements found", "direct"),
        ("speaker right (of those found)", "speaker"),
        ("  pronoun speakers", "pronoun"),
        ("precision of quotations", "precision"),
        ("partial quotes found", "partial"),
        ("  speaker right (partial)", "partial_speaker"),
    ]
    for label, key in rows:
        mine: Ratio = getattr(ours, key)
        theirs: Ratio = getattr(base, key)
        target = TARGETS.get(key)
        verdict = ""
        if show_targets and target is not None:
            verdict = f">= {target:.2f} {'met' if mine.value >= target else 'NOT met'}"
        print(f"{label:34} {mine!s:>22} {theirs!s:>22}  {verdict}")
    print(f"gold quoted attributions left out (marks did not pair): {ours.unpaired}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder (default: %(default)s)")
    parser.add_argument("--split", choices=("dev", "train", "all"), default="all")
    parser.add_argument("--show", type=int, default=0, help="print the first N misses of storytrace per split")
    args = parser.parse_args(argv)
    path = args.data / POLNEAR
    if not path.is_file():
        print(f"bench/quality/quotes.py: {path} is absent; nothing to score (PolNeAR lives in ../shared/data).")
        return 0
    records = list(read_jsonl(path))
    for split in ("train", "dev") if args.split == "all" else (args.split,):
        articles = [r for r in records if r["split"] == split]
        ours, seconds = run(articles, storytrace_quotes)
        base, _ = run(articles, baseline_quotes)
        report(split, len(articles), ours, base, seconds, split == "dev")
        for line in ours.misses[: args.show]:
            print("  ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
