"""Story facts on the seeds and on made-up pairs: agreements after normalisation, discrepancies, quotes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storytrace.align.compare import prepare
from storytrace.align.relation import LexicalRelations
from storytrace.model import Article
from storytrace.pipeline import compare_facts, compare_story

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def facts_of(articles: list[Article]) -> dict[str, Any]:
    members = [prepare(a) for a in articles]
    return compare_facts(members, compare_story(members, LexicalRelations()))


@pytest.fixture(scope="module")
def seed_facts() -> dict[str, Any]:
    if not (SEEDS / "gold.json").is_file():
        pytest.skip(f"{SEEDS} not found")
    arts = [Article(id=p.name, text=p.read_text("utf-8"), published="2024-06-17") for p in sorted(SEEDS.glob("*.txt"))]
    return facts_of(arts)


def test_seed_agreements_after_normalisation(seed_facts: dict[str, Any]) -> None:
    import json

    gold = json.loads((SEEDS / "gold.json").read_text("utf-8"))["facts"]["agreements_after_normalisation"]
    agreed = {a["value"]: a for a in seed_facts["agree"]}
    for item in gold:
        resolved = item["resolved"]
        hit = agreed.get(resolved) or agreed.get(f"{resolved}..{resolved}")
        within = [a for a in seed_facts["agree"] if a["kind"] == "date within" and a["value"].startswith(resolved)]
        assert hit is not None or within, f"{item['fact']}: {resolved} not agreed"
        cited = (hit or within[0])["cites"]
        assert len({c["article"] for c in cited}) == 2


def test_seed_discrepancies(seed_facts: dict[str, Any]) -> None:
    wording = [d for d in seed_facts["differ"] if d["kind"] == "quote wording"]
    assert any(d["a_text"] == "Head of State Affairs" and d["b_text"] == "Chairman of State Affairs" for d in wording)
    only_b = [d for d in seed_facts["differ"] if d["kind"].startswith("detail only in 002")]
    assert any(d.get("b_text") == "Monday" for d in only_b)  # "the Kremlin said on Monday"
    assert not any("DPRK" in (d.get("a_text", "") + d.get("b_text", "")) for d in wording)  # one entity's two names


def test_seed_quotes_with_speakers(seed_facts: dict[str, Any]) -> None:
    import json

    gold = json.loads((SEEDS / "gold.json").read_text("utf-8"))["facts"]["quotes"]
    found = seed_facts["quotes"]
    for g in gold:
        assert any(
            q["article"] == g["article"] and q["text"].startswith(g["starts"]) and q["speaker"] == g["speaker"]
            for q in found
        ), g


def test_every_citation_points_at_its_text(seed_facts: dict[str, Any]) -> None:
    texts = {p.name: p.read_text("utf-8") for p in SEEDS.glob("*.txt")}
    for item in seed_facts["agree"]:
        for c in item["cites"]:
            assert texts[c["article"]][c["span"][0] : c["span"][1]] == c["text"]
    for d in seed_facts["differ"]:
        for side in ("a", "b"):
            if f"{side}_span" in d:
                s, e = d[f"{side}_span"]
                assert texts[d[side]][s:e] == d[f"{side}_text"]


WIRE = (
    "ESKERBY (Meridian Wire) - Floodwater swept away part of the Saltmarsh Bridge on Monday, killing three people, "
    "the fire service said. Transport Minister Aurel Brannock said the crossing would reopen on June 20."
)
COPY = (
    "Floodwater swept away part of the Saltmarsh Bridge on Monday, killing five people, the fire service said. "
    "Transport Minister Aurel Brannock said the crossing would reopen on June 24."
)


def test_a_changed_count_and_a_changed_date_are_differences() -> None:
    facts = facts_of(
        [
            Article(id="wire", text=WIRE, published="2024-06-03T09:00:00", kind="agency", source="Meridian Wire"),
            Article(id="copy", text=COPY, published="2024-06-03T11:00:00"),
        ]
    )
    kinds = {(d["kind"], d.get("a_text"), d.get("b_text")) for d in facts["differ"]}
    assert ("number", "three people", "five people") in kinds
    assert ("date", "June 20", "June 24") in kinds
    assert any(a["kind"] == "date" and a["value"] == "2024-06-03" for a in facts["agree"])  # "on Monday" in both


def test_compare_json_reports_the_seed_discrepancy_without_the_entity_model(tmp_path: Path) -> None:
    if not (SEEDS / "gold.json").is_file():
        pytest.skip(f"{SEEDS} not found")
    from storytrace.align.compare import compare
    from storytrace.report.documents import comparison_json

    a, b = (Article(id=p.stem, text=p.read_text("utf-8"), published="2024-06-17") for p in sorted(SEEDS.glob("*.txt")))
    facts = comparison_json(compare(a, b))["facts"]
    wording = [(d["a_text"], d["b_text"]) for d in facts["differ"] if d["kind"] == "quote wording"]
    assert wording == [("Head of State Affairs", "Chairman of State Affairs")]  # "DPRK" is the same entity
    assert any(x["value"] == "2024-06-19..2024-06-20" for x in facts["agree"])  # June 19-20 = Wednesday and Thursday
