"""Quote extraction: one fictional case per rule, the real seeds, and robustness."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.clean import clean_article
from storytrace.facts.quotes import Quote, quotes
from storytrace.model import Article
from support.paths import SEEDS


def check_invariants(text: str, found: list[Quote]) -> None:
    for q in found:
        assert 0 <= q.span[0] < q.span[1] <= len(text)
        assert text[q.span[0] : q.span[1]] == q.text
        assert q.text == q.text.strip()
        assert q.kind in ("direct", "partial", "indirect")
        if q.speaker_span is not None:
            assert 0 <= q.speaker_span[0] < q.speaker_span[1] <= len(text)
        if q.kind == "indirect":
            assert q.speaker is not None


def only(text: str) -> Quote:
    found = quotes(text)
    check_invariants(text, found)
    assert len(found) == 1, found
    return found[0]


def expect(text: str, quoted: str, speaker: str | None, kind: str, how: str) -> Quote:
    q = only(text)
    start = text.index(quoted)
    assert (q.text, q.span) == (quoted, (start, start + len(quoted)))
    assert (q.speaker, q.kind, q.how) == (speaker, kind, how)
    if speaker is not None:
        assert q.speaker_span is not None
        assert " ".join(text[q.speaker_span[0] : q.speaker_span[1]].split()) == speaker
    return q


# --- attribution after the quote ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted", "speaker", "how"),
    [
        # “…,” X said.  (the comma inside the marks is not part of the quoted words)
        ("“The harbour will reopen in May,” Aurel Brannock said.", "The harbour will reopen in May",
         "Aurel Brannock", "said_after"),
        # “…,” X told <outlet>.
        ("“We are not worried,” Aurel Brannock told Meridian Wire.", "We are not worried",
         "Aurel Brannock", "said_after"),
        # “…,” the <Name> said on Monday.  ("the" is dropped)
        ("“Ferries resume at dawn,” the Eskerby Port Authority said on Monday.", "Ferries resume at dawn",
         "Eskerby Port Authority", "said_after"),
        # “…,” the <common noun> said.
        ("“Ferries resume at dawn,” the ministry said.", "Ferries resume at dawn", "ministry", "said_after"),
        # “…,” said X.
        ("“Ferries resume at dawn,” said Leif-Ola Marrow-Quist.", "Ferries resume at dawn",
         "Leif-Ola Marrow-Quist", "said_inverted"),
        # “…,” said the <noun phrase> in a statement.
        ("“Ferries resume at dawn,” said the harbour board in a statement.", "Ferries resume at dawn",
         "harbour board", "said_inverted"),
        # initials
        ("“Ferries resume at dawn,” J. R. Teller wrote.", "Ferries resume at dawn", "J. R. Teller", "said_after"),
        # “…,” according to X.
        ("“Ferries resume at dawn,” according to the Eskerby Port Authority.", "Ferries resume at dawn",
         "Eskerby Port Authority", "according_to"),
        # multi-sentence quote: one quote, inner sentence ends kept
        ("“First the quay. Then the cranes. Then the ferries,” Aurel Brannock said.",
         "First the quay. Then the cranes. Then the ferries", "Aurel Brannock", "said_after"),
        # British comma outside the marks
        ("“Ferries resume at dawn”, Aurel Brannock warned.", "Ferries resume at dawn", "Aurel Brannock",
         "said_after"),
    ],
)  # fmt: skip
def test_attribution_after_the_quote(text: str, quoted: str, speaker: str, how: str) -> None:
    expect(text, quoted, speaker, "direct", how)


def test_apposition_goes_into_role_not_speaker() -> None:
    q = expect(
        "“Ferries resume at dawn,” Aurel Brannock, a professor at Eskerby University, said on Monday.",
        "Ferries resume at dawn", "Aurel Brannock", "direct", "said_after",
    )  # fmt: skip
    assert q.role == "a professor at Eskerby University"
    q = expect(
        "“Ferries resume at dawn,” said Aurel Brannock, the mayor of Eskerby.",
        "Ferries resume at dawn", "Aurel Brannock", "direct", "said_inverted",
    )  # fmt: skip
    assert q.role == "the mayor of Eskerby"


def test_titles_and_affiliations_go_into_role() -> None:
    q = expect("Foreign Minister Aurel Brannock said: “We are ready.”", "We are ready.", "Aurel Brannock", "direct",
               "colon")  # fmt: skip
    assert q.role == "Foreign Minister"
    q = expect("Eskerby Mayor Aurel Brannock said: “We are ready.”", "We are ready.", "Aurel Brannock", "direct",
               "colon")  # fmt: skip
    assert q.role == "Eskerby Mayor"
    q = expect("Aurel Brannock of Meridian Wire said: “We are ready.”", "We are ready.", "Aurel Brannock", "direct",
               "colon")  # fmt: skip
    assert q.role == "of Meridian Wire"
    # "of" inside an organisation's name stays in the name, and an organisation keeps its first word
    expect("“We are ready,” the Ministry of Harbours said.", "We are ready", "Ministry of Harbours", "direct",
           "said_after")  # fmt: skip
    expect("“We are ready,” Foreign Ministry officials said.", "We are ready", None, "direct", "none")


# --- attribution before the quote ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted", "speaker", "how"),
    [
        ("Aurel Brannock said: “The harbour will reopen in May.”", "The harbour will reopen in May.",
         "Aurel Brannock", "colon"),
        ("Aurel Brannock told Meridian Wire on Monday: “The harbour will reopen.”", "The harbour will reopen.",
         "Aurel Brannock", "colon"),
        ("Aurel Brannock said, “The harbour will reopen in May.”", "The harbour will reopen in May.",
         "Aurel Brannock", "said_before"),
        ("On Monday, Aurel Brannock noted, “The harbour will reopen.”", "The harbour will reopen.",
         "Aurel Brannock", "said_before"),
        ("But Aurel Brannock stated: “The harbour will reopen.”", "The harbour will reopen.", "Aurel Brannock",
         "colon"),
        ("According to Aurel Brannock, “the harbour will reopen in May.”", "the harbour will reopen in May.",
         "Aurel Brannock", "according_to"),
    ],
)  # fmt: skip
def test_attribution_before_the_quote(text: str, quoted: str, speaker: str, how: str) -> None:
    expect(text, quoted, speaker, "direct", how)


def test_apposition_before_a_colon() -> None:
    q = expect("Aurel Brannock, who chairs the Eskerby council, said: “We are ready.”", "We are ready.",
               "Aurel Brannock", "direct", "colon")  # fmt: skip
    assert q.role == "who chairs the Eskerby council"


def test_interrupted_quote_gives_two_direct_pieces() -> None:
    text = "“We are ready,” Aurel Brannock said, “and the ferries will follow.”"
    found = quotes(text)
    check_invariants(text, found)
    assert [(q.text, q.speaker, q.kind, q.how) for q in found] == [
        ("We are ready", "Aurel Brannock", "direct", "said_after"),
        ("and the ferries will follow.", "Aurel Brannock", "direct", "said_before"),
    ]


# --- pronouns and surnames ----------------------------------------------------------------------


def test_he_added_takes_the_last_person_speaker() -> None:
    text = (
        "“Ferries resume at dawn,” said Aurel Brannock, a professor in Eskerby.\n"
        "The Eskerby Port Authority said that the quay was safe.\n"
        "He added, “The cranes come next.”"
    )
    found = quotes(text)
    check_invariants(text, found)
    q = found[-1]
    assert (q.text, q.speaker, q.kind, q.how) == ("The cranes come next.", "Aurel Brannock", "direct", "pronoun")
    assert q.speaker_span == (text.index("Aurel"), text.index("Aurel") + len("Aurel Brannock"))


def test_she_said_after_the_quote() -> None:
    text = "Aurel Brannock told Meridian Wire that the quay was safe. “The cranes come next,” she said."
    found = quotes(text)
    check_invariants(text, found)
    assert [(q.speaker, q.kind, q.how) for q in found] == [
        ("Aurel Brannock", "indirect", "told_that"),
        ("Aurel Brannock", "direct", "pronoun"),
    ]


def test_it_said_takes_the_last_organisation_and_they_the_last_speaker() -> None:
    text = (
        "“We are ready,” the Eskerby Port Authority said.\n"
        "“So are we,” Aurel Brannock said.\n"
        "“Work starts today,” it said.\n"
        "“And ends in May,” they said."
    )
    found = quotes(text)
    check_invariants(text, found)
    assert [(q.speaker, q.how) for q in found] == [
        ("Eskerby Port Authority", "said_after"),
        ("Aurel Brannock", "said_after"),
        ("Eskerby Port Authority", "pronoun"),
        ("Eskerby Port Authority", "pronoun"),
    ]


def test_pronoun_without_antecedent_keeps_the_quote_without_speaker() -> None:
    expect("“We are ready,” he said.", "We are ready", None, "direct", "pronoun")


def test_surname_is_expanded_to_the_full_name_named_earlier() -> None:
    text = "Aurel Brannock, the harbour master, arrived early.\n“We are ready,” Brannock said. “Go,” he added."
    found = quotes(text)
    check_invariants(text, found)
    assert [(q.text, q.speaker, q.how) for q in found] == [
        ("We are ready", "Aurel Brannock", "said_after"),
        ("Go", "Aurel Brannock", "pronoun"),
    ]
    assert found[0].speaker_span == (0, len("Aurel Brannock"))
    # never named in full: kept as written, and "Mr." is a title
    expect("“It is late,” said Mr. Teller.", "It is late", "Teller", "direct", "said_inverted")


# --- partial quotes -----------------------------------------------------------------------------


def test_partial_quote_with_the_speaker_as_subject() -> None:
    # the quoted words are the verb phrase of the name opening the sentence
    expect("Eskerby “deeply regrets” the delay, Meridian Wire reported.", "deeply regrets", "Eskerby", "partial",
           "subject")  # fmt: skip
    expect("The Eskerby Port Authority “regrets” the delay.", "regrets", "Eskerby Port Authority", "partial",
           "subject")  # fmt: skip


def test_partial_quote_after_said_it() -> None:
    expect("Eskerby has said it “deeply regrets” the delay and will pay.", "deeply regrets", "Eskerby", "partial",
           "said_partial")  # fmt: skip
    expect("Aurel Brannock said “we are ready” on Monday.", "we are ready", "Aurel Brannock", "partial",
           "said_partial")  # fmt: skip


def test_partial_quote_with_attribution_after_it() -> None:
    expect("The plan is “dead on arrival,” Aurel Brannock said.", "dead on arrival", "Aurel Brannock", "partial",
           "said_after")  # fmt: skip


def test_unattributed_fragments_are_dropped() -> None:
    assert quotes("The film “Eskerby Nights” opens today.") == []
    assert quotes("The delay was “regrettable” to some.") == []
    # the subject rule needs a quote starting in lower case
    assert quotes("Aurel Brannock “The Quay” is a novel.") == []


# --- indirect speech ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "clause", "speaker", "how"),
    [
        ("Aurel Brannock told Meridian Wire that the harbour would reopen in May.",
         "the harbour would reopen in May", "Aurel Brannock", "told_that"),
        ("The ministry said on Monday that the harbour would reopen in May.", "the harbour would reopen in May",
         "ministry", "said_that"),
        ("The Eskerby Port Authority warned that ferries could be late.", "ferries could be late",
         "Eskerby Port Authority", "said_that"),
        ("According to Meridian Wire, the harbour will reopen in May.", "the harbour will reopen in May",
         "Meridian Wire", "according_to"),
        ("The harbour will reopen in May, according to Aurel Brannock.", "The harbour will reopen in May",
         "Aurel Brannock", "according_to"),
    ],
)  # fmt: skip
def test_indirect_speech(text: str, clause: str, speaker: str, how: str) -> None:
    expect(text, clause, speaker, "indirect", how)


def test_indirect_with_apposition_and_surname() -> None:
    text = (
        "Aurel Brannock, an expert at Eskerby University, told Meridian Wire that the quay was safe.\n"
        "Brannock added that the cranes were not."
    )
    found = quotes(text)
    check_invariants(text, found)
    assert [(q.text, q.speaker, q.how, q.role) for q in found] == [
        ("the quay was safe", "Aurel Brannock", "told_that", "an expert at Eskerby University"),
        ("the cranes were not", "Aurel Brannock", "said_that", None),
    ]


def test_indirect_rules_stay_narrow() -> None:
    # no "that": the clause boundary is not guessed
    assert quotes("Aurel Brannock said the harbour would reopen in May.") == []
    # "according to" data is no speaker
    assert quotes("According to the latest figures, the harbour is busy.") == []
    # a sentence with an attributed quote gives the quote only
    found = quotes("Aurel Brannock said that “the quay is safe.”")
    assert [(q.kind, q.how) for q in found] == [("partial", "said_partial")]
    # a quote without attribution does not stop reported speech around it
    text = "Aurel Brannock said that the plan, which critics call “a folly,” would fail."
    expect(text, "the plan, which critics call “a folly,” would fail", "Aurel Brannock", "indirect", "said_that")


# --- continuation -------------------------------------------------------------------------------


def test_unattributed_quote_after_an_attributed_one_in_the_same_paragraph() -> None:
    text = "“We are ready,” Aurel Brannock said. “The ferries will follow.”\n\nNo one replied.\n\n“Nobody knows.”"
    found = quotes(text)
    check_invariants(text, found)
    assert [(q.text, q.speaker, q.how) for q in found] == [
        ("We are ready", "Aurel Brannock", "said_after"),
        ("The ferries will follow.", "Aurel Brannock", "continued"),
        ("Nobody knows.", None, "none"),  # a paragraph after one without quotes: no guess
    ]


def test_quote_running_on_over_paragraphs_attribution_first() -> None:
    text = "Aurel Brannock said: “We are ready.\n\n“The ferries will follow.”"
    found = quotes(text)
    check_invariants(text, found)
    assert [(q.text, q.speaker, q.kind, q.how) for q in found] == [
        ("We are ready.", "Aurel Brannock", "direct", "colon"),
        ("The ferries will follow.", "Aurel Brannock", "direct", "continued"),
    ]


def test_quote_running_on_over_paragraphs_attribution_last() -> None:
    text = "“We are ready.\n\n“The ferries will follow,” Aurel Brannock said."
    found = quotes(text)
    check_invariants(text, found)
    assert [(q.text, q.speaker, q.how) for q in found] == [
        ("We are ready.", "Aurel Brannock", "continued"),
        ("The ferries will follow", "Aurel Brannock", "said_after"),
    ]


def test_unclosed_quote_runs_to_the_paragraph_end() -> None:
    text = "Aurel Brannock said: “We are ready. The ferries follow.\n\nThe harbour is quiet."
    expect(text, "We are ready. The ferries follow.", "Aurel Brannock", "direct", "colon")


# --- quote marks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ('"We are ready," Aurel Brannock said.', "We are ready"),
        ("‘We’re ready,’ Aurel Brannock said.", "We’re ready"),
        ("«We are ready», Aurel Brannock said.", "We are ready"),
        ("„We are ready“, Aurel Brannock said.", "We are ready"),
        ("”We are ready,” Aurel Brannock said.", "We are ready"),  # opening mark the wrong way round
        ("“We are ready,“ Aurel Brannock said.", "We are ready"),  # closing mark the wrong way round
        ("‘He told me “never”,’ Aurel Brannock said.", "He told me “never”"),  # nested quotes stay inside
    ],
)
def test_quote_marks(text: str, quoted: str) -> None:
    expect(text, quoted, "Aurel Brannock", "direct", "said_after")


def test_content_spans_limit_the_search() -> None:
    text = "“We are ready,” Aurel Brannock said.\n“Email us,” said Meridian Wire."
    first_line = (0, text.index("\n"))
    assert [q.speaker for q in quotes(text, [first_line])] == ["Aurel Brannock"]
    assert [q.speaker for q in quotes(text)] == ["Aurel Brannock", "Meridian Wire"]


# --- robustness ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", " ", "“", "”", '"', "‘", "’", "” ” “ “", "“”", "“ ,”", "He said:", "“a", "a”", "\n\n“\n\n”", "’s"]
)
def test_degenerate_input(text: str) -> None:
    check_invariants(text, quotes(text))


ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))
PROSE = st.lists(
    st.sampled_from(
        ["“", "”", '"', "‘", "’", "„", "«", "»", ",", ".", ":", "said", "told", "that", "he", "it", "the",
         "Aurel", "Brannock", "Meridian", "Wire", "according", "to", "ministry", "We", "are", "ready", "\n",
         "\n\n", "added,", "Mr.", "of", "Eskerby’s", "J.", "“We", "ready,”", "ready.”"]
    ),
    max_size=60,
).map(" ".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=ALPHABET, max_size=300), PROSE))
def test_spans_always_quote_the_text(text: str) -> None:
    check_invariants(text, quotes(text))


# --- the seeds ----------------------------------------------------------------------------------


def _norm(speaker: str | None) -> str:
    s = (speaker or "").lower().strip()
    return s[4:] if s.startswith("the ") else s


def test_seed_gold_quotes_are_found() -> None:
    gold_path = SEEDS / "gold.json"
    if not gold_path.exists():
        pytest.skip("../shared/seeds is absent")
    gold = json.loads(gold_path.read_text("utf-8"))["facts"]["quotes"]
    missing: list[dict[str, str]] = []
    extra: list[str] = []
    for name in sorted({g["article"] for g in gold}):
        text = (SEEDS / name).read_text("utf-8")
        found = quotes(text, clean_article(Article(id=name, text=text)).content)
        check_invariants(text, found)
        wanted = [g for g in gold if g["article"] == name]
        matched: set[int] = set()
        for g in wanted:
            hits = [
                i
                for i, q in enumerate(found)
                if q.text.startswith(g["starts"]) and _norm(q.speaker) == _norm(g["speaker"])
            ]
            hit = hits[0] if hits else None
            if hit is None:
                missing.append(g)
            else:
                matched.add(hit)
        extra += [
            f"{name}: {q.kind}/{q.how} {q.speaker!r}: {q.text[:60]!r}" for i, q in enumerate(found) if i not in matched
        ]
    print(f"\n{len(gold) - len(missing)}/{len(gold)} gold quotes found; {len(extra)} extra:")
    for line in extra:
        print("  ", line)
    assert not missing, missing


# --- issue 29: forms seen in news attribution ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted", "speaker", "how"),
    [
        # reporting verbs beyond "said" (the list comes from PolNeAR's train cues)
        ("“Is the quay safe?” Aurel Brannock asked.", "Is the quay safe?", "Aurel Brannock", "said_after"),
        ("“Ferries resume at dawn,” Aurel Brannock tweeted.", "Ferries resume at dawn", "Aurel Brannock",
         "said_after"),
        ("“Not yet,” Aurel Brannock responded.", "Not yet", "Aurel Brannock", "said_after"),
        ("“We are ready,” Aurel Brannock told reporters.", "We are ready", "Aurel Brannock", "said_after"),
        ("“We are ready,” Aurel Brannock went on.", "We are ready", "Aurel Brannock", "said_after"),
        # a quote ending in ? or ! with the attribution split off as a sentence of its own
        ("“Who pays for the cranes?” Aurel Brannock said on Friday.", "Who pays for the cranes?",
         "Aurel Brannock", "said_after"),
        ("“Never again!” Aurel Brannock said.", "Never again!", "Aurel Brannock", "said_after"),
        # a parenthesis after the name
        ("“We are ready,” Sen. Aurel Brannock (D-Esk.) said.", "We are ready", "Aurel Brannock", "said_after"),
        ("“We are ready,” said Sen. Aurel Brannock (D-Esk.) in an interview.", "We are ready",
         "Aurel Brannock", "said_inverted"),
    ],
)  # fmt: skip
def test_more_reporting_forms(text: str, quoted: str, speaker: str, how: str) -> None:
    expect(text, quoted, speaker, "direct", how)


@pytest.mark.parametrize(
    ("text", "speaker", "role"),
    [
        ("“We are ready,” harbour board attorney Aurel Brannock said.", "Aurel Brannock", "harbour board attorney"),
        ("“We are ready,” said Eskerby harbour master Aurel Brannock.", "Aurel Brannock", "Eskerby harbour master"),
        ("“We are ready,” Meridian Wire’s Aurel Brannock wrote.", "Aurel Brannock", "Meridian Wire’s"),
    ],
)
def test_lower_case_roles_before_a_name_go_into_role(text: str, speaker: str, role: str) -> None:
    q = only(text)
    assert (q.speaker, q.role, q.described) == (speaker, role, False)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“We are ready,” a senior harbour official said.", "senior harbour official"),
        ("“We are ready,” said one Eskerby ferry captain.", "Eskerby ferry captain"),
        ("“We are ready,” said a source close to the harbour board, who asked not to be named.",
         "source close to the harbour board"),
    ],
)  # fmt: skip
def test_descriptions_are_speakers_marked_described(text: str, speaker: str) -> None:
    q = only(text)
    assert (q.speaker, q.described) == (speaker, True)


def test_bare_titles_are_never_speakers() -> None:
    for text in ("“We are ready,” said Sen.", "“We are ready,” Rev. said.", "“We are ready,” said the Rev."):
        found = quotes(text)
        check_invariants(text, found)
        assert all(q.speaker not in ("Sen", "Sen.", "Rev", "Rev.") for q in found), found


@pytest.mark.parametrize(
    ("text", "quoted", "speaker"),
    [
        # the quote is a fragment of reported speech: the reporting clause's subject said it
        ("Aurel Brannock said the plan “leaves the harbour without a single crane.”",
         "leaves the harbour without a single crane.", "Aurel Brannock"),
        ("Aurel Brannock called the delay “a disgrace” on Monday.", "a disgrace", "Aurel Brannock"),
        ("Aurel Brannock told Meridian Wire that the quay was “perfectly safe.”", "perfectly safe.",
         "Aurel Brannock"),
        # a verb sharing the sentence's subject
        ("Aurel Brannock defended the board, but admitted “one or two mistakes.”", "one or two mistakes.",
         "Aurel Brannock"),
    ],
)  # fmt: skip
def test_partial_quotes_inside_reported_speech(text: str, quoted: str, speaker: str) -> None:
    expect(text, quoted, speaker, "partial", "clause")


def test_fragments_of_one_clause_share_its_speaker() -> None:
    text = "Aurel Brannock called the plan “a folly” and “a waste of public money.”"
    found = quotes(text)
    check_invariants(text, found)
    assert [(q.text, q.speaker) for q in found] == [
        ("a folly", "Aurel Brannock"),
        ("a waste of public money.", "Aurel Brannock"),
    ]


def test_a_quoted_fragment_after_another_subject_is_not_the_first_speakers() -> None:
    # "critics call" governs the quote: its subject names nobody, so nobody is guessed
    text = "Aurel Brannock said that the plan, which critics call “a folly,” would fail."
    assert all(q.speaker != "Aurel Brannock" or q.kind == "indirect" for q in quotes(text))


@pytest.mark.parametrize(
    ("text", "quoted", "speaker"),
    [
        ("Aurel Brannock sighed: “We waited ten years.”", "We waited ten years.", "Aurel Brannock"),
        ("Aurel Brannock: “We waited ten years.”", "We waited ten years.", "Aurel Brannock"),
        ("More from Aurel Brannock: “We waited ten years.”", "We waited ten years.", "Aurel Brannock"),
    ],
)
def test_colon_and_label_forms(text: str, quoted: str, speaker: str) -> None:
    expect(text, quoted, speaker, "direct", "colon")


def test_pronouns_take_the_nearest_person_of_their_gender() -> None:
    text = (
        "Mara Velt, the harbour master, met Aurel Brannock on Monday. She said her crews were ready.\n"
        "Aurel Brannock spoke later, and his office confirmed the date.\n"
        "“We waited ten years,” she said.\n"
        "“And we will wait no longer,” he said."
    )
    found = [q for q in quotes(text) if q.kind != "indirect"]
    check_invariants(text, found)
    assert [(q.text, q.speaker, q.how) for q in found] == [
        ("We waited ten years", "Mara Velt", "pronoun"),
        ("And we will wait no longer", "Aurel Brannock", "pronoun"),
    ]


def test_honorifics_give_the_gender() -> None:
    text = "Ms. Velt arrived first. Mr. Brannock came later.\n“The quay is ours,” she said."
    q = [q for q in quotes(text) if q.kind != "indirect"][-1]
    assert (q.speaker, q.how) == ("Velt", "pronoun")


def test_long_unattributed_fragments_are_kept_short_ones_dropped() -> None:
    assert quotes("The sign read “the harbour will stay closed until the cranes are fixed” all week.")
    assert quotes("The delay was “regrettable” to some.") == []


POLNEAR = SEEDS.parent / "data" / "polnear" / "articles.jsonl"


def test_polnear_train_sample_keeps_spans_valid_and_finds_quotes() -> None:
    if not POLNEAR.exists():
        pytest.skip("../shared/data/polnear is absent")
    found_any = 0
    with POLNEAR.open(encoding="utf-8") as f:
        for line, _ in zip(f, range(40), strict=False):
            article = json.loads(line)
            if article["split"] != "train":
                continue
            found = quotes(article["text"])
            check_invariants(article["text"], found)
            found_any += sum(q.kind != "indirect" for q in found)
    assert found_any > 40


# --- second pass on speakers --------------------------------------------------------------------


def speakers(text: str) -> list[tuple[str, str | None, str]]:
    found = quotes(text)
    check_invariants(text, found)
    return [(q.text, q.speaker, q.kind) for q in found]


def test_a_quote_after_an_attribution_sentence_reads_only_its_own_sentence() -> None:
    text = "“Why is the ferry late?” Aurel Brannock asked the harbour board. “What does this say about the timetable?”"
    assert speakers(text) == [
        ("Why is the ferry late?", "Aurel Brannock", "direct"),
        ("What does this say about the timetable?", "Aurel Brannock", "direct"),
    ]


def test_a_short_sentence_after_a_question_is_an_attribution_only_with_a_speech_verb() -> None:
    text = "Aurel Brannock spoke first. “Who pays for the pier?”\nSeveral councillors, including Sen. Vell Tarro."
    assert speakers(text)[0][2] == "direct"


def test_single_line_breaks_separate_paragraphs_in_web_copy() -> None:
    line = "The harbour board met on Tuesday in the old customs house to discuss the state of the northern pier."
    text = f"{line}\n“We will rebuild the pier,” Aurel Brannock said.\n“It will take a year.”\n{line}"
    assert speakers(text)[1] == ("It will take a year.", "Aurel Brannock", "direct")


def test_a_paragraph_opening_with_a_quote_continues_the_previous_paragraphs_speaker() -> None:
    text = (
        "“The pier is safe,” Aurel Brannock said at the harbour.\n\n"
        "“We inspected every beam last spring.”\n\n"
        "The board did not reply.\n\n"
        "“Nobody asked us,” a fisherman complained."
    )
    assert [s for _, s, _ in speakers(text)] == ["Aurel Brannock", "Aurel Brannock", "fisherman"]


def test_a_paragraph_opening_with_a_quote_after_one_without_quotes_gets_no_speaker() -> None:
    text = "“The pier is safe,” Aurel Brannock said.\n\nThe board did not reply.\n\n“Nobody asked us at all, not once.”"
    assert speakers(text)[-1][1] is None


def pronoun_speaker(text: str) -> str | None:
    found = [q for q in quotes(text) if q.kind != "indirect"]
    check_invariants(text, found)
    assert found[-1].how == "pronoun"
    return found[-1].speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # a she/her after another name in the sentence says nothing of the first person's gender
        (
            "Tomas Rell said the delay helped Mara Velt, who does not need her old allies.\n“It was luck,” he said.",
            "Tomas Rell",
        ),
        # a name after "said" is the sentence's subject
        (
            "The plan helped Mara Velt and Ilse Dorn, said Tomas Rell, the port engineer.\n“We are on time,” he said.",
            "Tomas Rell",
        ),
        # a name after a preposition or a determiner is no subject
        ("Tomas Rell spoke first.\nThen there is his Port Vallen plan.\n“It is cheap,” he said.", "Tomas Rell"),
        ("Tomas Rell spoke first.\nAs for Pell Harbour, nothing changed.\n“It is cheap,” he said.", "Tomas Rell"),
        # a possessive is no subject
        ("Tomas Rell spoke first.\nMara Velt’s plan won no praise.\n“It is cheap,” he said.", "Tomas Rell"),
        # the first name with an apposition is the subject, not a name inside the apposition
        (
            "Mara Velt, a former aide to Sen. Tomas Rell was among the first to speak.\n“It is late,” she said.",
            "Mara Velt",
        ),
        # a verb between two names is no role bridge ("Brannock told Meridian Wire"), unlike "Brannock aide Jo Lee"
        (
            "Tomas Rell met Ilse Dorn.\nBrannock told Meridian Wire that the pier was late.\n“It is cheap,” he said.",
            "Brannock",
        ),
        # a one-word name with an apposition is a person
        ("Tomas Rell met Ilse Dorn.\nVelt, who was honoured last year, spoke next.\n“It is late,” she said.", "Velt"),
    ],
)
def test_who_a_sentence_is_about(text: str, speaker: str) -> None:
    assert pronoun_speaker(text) == speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“Is the pier safe?” Aurel Brannock pressed.", "Aurel Brannock"),
        ("“The pier is a relic,” opined the Eskerby Courier.", "Eskerby Courier"),
        ("“Nobody asked us,” reacted Aurel Brannock.", "Aurel Brannock"),
        ("As the harbour master Aurel Brannock put it, “the tide decides.”", "Aurel Brannock"),
    ],
)
def test_more_train_cue_verbs(text: str, speaker: str) -> None:
    assert [q.speaker for q in quotes(text) if q.kind != "indirect"] == [speaker]


def test_a_long_attribution_sentence_after_a_question_still_attributes_it() -> None:
    text = "“Who pays for the pier?” Aurel Brannock asked reporters at the harbour office late on Tuesday evening."
    assert speakers(text) == [("Who pays for the pier?", "Aurel Brannock", "direct")]


def test_a_paragraph_ending_in_a_colon_introduces_the_next_paragraphs_quote() -> None:
    text = (
        "After the storm, harbour master Aurel Brannock issued the following statement:\n\n"
        "“The pier will stay closed until the engineers have inspected every beam.”"
    )
    found = quotes(text)
    check_invariants(text, found)
    assert [(q.speaker, q.how) for q in found] == [("Aurel Brannock", "colon")]


@pytest.mark.parametrize(
    ("text", "speaker", "role"),
    [
        # a possessive role, then the name between commas
        ("“We will win,” Brannock’s campaign manager, Mara Velt, said.", "Mara Velt", "Brannock’s campaign manager"),
        # an apposition holding commas of its own
        (
            "“Both scare me,” Ilse Dorn, 30, of Pell, Esk., who was among those polled, said in an interview.",
            "Ilse Dorn",
            "30, of Pell, Esk., who was among those polled",
        ),
    ],
)
def test_roles_with_commas(text: str, speaker: str, role: str) -> None:
    q = only(text)
    assert (q.speaker, q.role, q.how) == (speaker, role, "said_after")


def test_a_lead_in_clause_then_as_before_the_speaker() -> None:
    text = "But at the time, as port engineer Aurel Brannock said, “the tide decides.”"
    assert [q.speaker for q in quotes(text) if q.kind != "indirect"] == ["Aurel Brannock"]


def test_a_weekday_is_never_a_speaker() -> None:
    text = "Aurel Brannock spoke on Thursday, saying the pier was “a folly from the start.”"
    assert [q.speaker for q in quotes(text) if q.kind != "indirect"] == ["Aurel Brannock"]


@pytest.mark.parametrize(
    "text",
    ["“The tide decides,” Aurel Brannock pointed out.", "“The tide decides,” Aurel Brannock elaborated."],
)
def test_point_out_and_elaborate_report_speech(text: str) -> None:
    assert [q.speaker for q in quotes(text)] == ["Aurel Brannock"]
