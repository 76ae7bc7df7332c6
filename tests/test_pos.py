"""Parts of speech from the attribute ruler's own rules in one pass (``facts.pos``): the ruler's answers, token for
token, at a fraction of its cost."""

import pytest
import spacy

from storytrace.facts import entities
from storytrace.facts.pos import PosRules, UnsupportedRule

TEXT = (
    "There were 14 people injured when the Saltmarsh Bridge collapsed, Fire Commander Tomas Wendle said. "
    "“Nothing could have prepared us,” he told reporters in Eskerby, although that was not what anyone expected. "
    "Officials said the crossing would remain closed until April 20; all of it must be inspected, and that takes time. "
    "Y'all gonna see it's done, said Mara Quill, 41, who is n't from Kestria but whose brother lives there."
)


def test_the_rules_give_every_token_the_part_of_speech_the_ruler_gives() -> None:
    with_ruler = spacy.load(entities.MODEL_PACKAGE, exclude=list(entities.EXCLUDED_PIPES))
    expected = [(t.text, t.pos_) for t in with_ruler(TEXT)]
    step = entities.tag_parts_of_speech()
    assert isinstance(step, PosRules)  # the packaged model's rules are all of forms the pass reads
    got = [(t.text, t.pos_) for t in step(entities.load_model()(TEXT))]
    assert got == expected
    assert entities.POS_RULER not in entities.load_model().pipe_names  # loaded, not run


def test_the_last_matching_rule_wins_and_conditions_on_the_token_before_hold() -> None:
    nlp = spacy.blank("en")
    doc = nlp("there is a dog")
    for token, tag, dep in zip(doc, ["EX", "VBZ", "DT", "NN"], ["expl", "ROOT", "det", "attr"], strict=True):
        token.tag_, token.dep_ = tag, dep
    rules = PosRules(
        [
            {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN"}},
            {"patterns": [[{"TAG": "VBZ"}]], "attrs": {"POS": "AUX"}},
            {"patterns": [[{"DEP": "expl"}, {"LOWER": {"IN": ["is", "was"]}}]], "attrs": {"POS": "VERB"}, "index": 1},
            {"patterns": [[{"TAG": {"IN": ["DT"]}, "DEP": {"NOT_IN": ["det"]}}]], "attrs": {"POS": "PRON"}},
            {"patterns": [[{"TAG": "NN", "LOWER": "dog"}]], "attrs": {"POS": "PROPN"}},
            {"patterns": [[{"TAG": "NN"}]], "attrs": {"LEMMA": "x"}},  # sets no part of speech
        ]
    )
    assert [rules.pos_of(t) for t in doc] == [None, "VERB", None, "PROPN"]


@pytest.mark.parametrize(
    "pattern",
    [
        {"patterns": [[{"TAG": "NN", "SHAPE": "Xxxx"}]], "attrs": {"POS": "NOUN"}},
        {"patterns": [[{"LOWER": {"REGEX": "^x"}}]], "attrs": {"POS": "NOUN"}},
        {"patterns": [[{"TAG": "NN"}, {"TAG": "NN"}, {"TAG": "NN"}]], "attrs": {"POS": "NOUN"}, "index": 2},
    ],
)
def test_a_rule_of_another_form_is_refused(pattern: dict[str, object]) -> None:
    with pytest.raises(UnsupportedRule):
        PosRules([pattern])
