import json
from pathlib import Path

from storytrace.clean import agencies_with, clean_article
from storytrace.model import Article


def clean(text: str, **kw: object):
    return clean_article(Article(id="x", text=text), **kw)  # type: ignore[arg-type]


def test_seed_metadata_matches_gold(seeds) -> None:
    a_path, b_path = seeds
    gold = json.loads((a_path.parent / "gold.json").read_text("utf-8"))["articles"]
    for path in (a_path, b_path):
        text = path.read_text("utf-8")
        g = gold[path.name]
        c = clean(text)
        assert sorted(c.authors) == sorted(g["authors"])
        assert g["credited_agency"] in c.credited
        assert [text[s:e] for s, e in c.boilerplate] == g["boilerplate"]
        assert list(c.dateline_places) == g["dateline_places"]
        for cited in g.get("cites_agencies", []):
            assert cited in c.credited


def test_bylines() -> None:
    cases = [
        # "Written by" with two names
        ("Written by Ann Lee and Bo Chan\nBody text here.", ("Ann Lee", "Bo Chan"), ()),
        # "By" with a name and an agency
        ("By Maria Gonzalez, Reuters\nBody text.", ("Maria Gonzalez",), ("Reuters",)),
        # "By Agencies." credits agencies and names nobody
        ("Body text.\nBy Agencies.", (), ("Agencies",)),
        # a sentence starting with "By" is not a byline
        ("By the end of the day, prices had fallen sharply across the region.", (), ()),
    ]
    for text, authors, credited in cases:
        c = clean(text)
        assert c.authors == authors, text
        assert c.credited == credited, text


def test_datelines() -> None:
    cases = [
        ("MOSCOW/SEOUL (Reuters) – Putin will visit.", ("MOSCOW", "SEOUL"), ("Reuters",)),
        ("BERLIN (AP) - A ship struck a bridge.", ("BERLIN",), ("The Associated Press",)),
        ("SALVADOR, Feb 26 - Showers continued.", ("SALVADOR",), ()),
        ("Nothing like a dateline - here.", (), ()),
    ]
    for text, places, credited in cases:
        c = clean(text)
        assert c.dateline_places == places, text
        assert c.credited == credited, text
        if places:  # the dateline is not content
            assert text[c.content[0][0] :].startswith(text.split("- ", 1)[-1].split("– ", 1)[-1][:5])


def test_in_text_credits_and_corpus_agencies() -> None:
    text = "An expert told The Associated Press news agency that talks failed.\nThe Meridian Wire reported it first."
    assert clean(text).credited == ("The Associated Press",)
    assert clean(text, agencies=agencies_with(["Meridian Wire"])).credited == ("The Associated Press", "Meridian Wire")


def test_boilerplate_lines_and_prose() -> None:
    text = (
        "The council met on Monday.\n"
        "Follow us on Twitter for updates.\n"
        "Subscribe to our newsletter\n"
        "Send your news tips to desk@paper.example or call +00 123 4567\n"
        "The spokesman said people could email the council to complain about the closures, and many did."
    )
    c = clean(text)
    lines = [text[s:e] for s, e in c.boilerplate]
    assert lines == [
        "Follow us on Twitter for updates.",
        "Subscribe to our newsletter",
        "Send your news tips to desk@paper.example or call +00 123 4567",
    ]
    content = " ".join(text[s:e] for s, e in c.content)
    assert "The spokesman said" in content and "Follow us" not in content


def test_wire_feed_markup() -> None:
    # a Press Association item: typed rules, a slug line, a byline wrapped in control characters
    rule = "  " + "-" * 72
    text = f"{rule}\n\n{rule}\n  16:54 01/03/00: Page 1 (ZSM) COURTS Smith\n{rule}\n"
    text += "HEADLINE IN CAPITALS<\n\x19By Jane Roe, PA News<\n\x19A man was cleared by a jury today.<\n"
    c = clean(text)
    assert c.authors == ("Jane Roe",)
    assert c.credited == ("Press Association",)
    assert [text[s:e] for s, e in c.boilerplate] == [rule, rule, rule]


def test_the_boilerplate_screen_passes_every_line_the_patterns_match() -> None:
    """``_may_be_boilerplate`` only saves time: it rules out no line that ``_BOILERPLATE`` matches."""
    from storytrace.clean import rules

    matching = [
        "Follow us on Twitter for updates.",
        "LIKE US on Facebook",
        "ſend your news tips to desk@paper.example or call +00 123 4567",  # a long s folds to "s", as re's IGNORECASE
        "E-MAIL us your stories: tips@paper.example",
        "WhatsApp the newsroom",
        "Related stories",
        "© 2026 The Tamsel Courier",
        "All Rights Reserved.",
        "The post Bridge reopens appeared first on Tamsel Daily.",
        "(Additional reporting by Wenna Loyd)",
        "Editing by Ola Brand",
        "-=-=-=-=-",
        "  *****  ",
        "Download our app",
    ]
    prose = ["The council met on Monday.", "Rescue teams searched the water through the night."]
    for line in matching:
        assert rules._BOILERPLATE.search(line), line
        assert rules._may_be_boilerplate(line), line
    for line in prose:
        assert not rules._may_be_boilerplate(line)
    # Every line of the demo corpus: the screen passes each line the patterns match.
    corpus = Path(__file__).resolve().parents[1] / "examples" / "corpus"
    files = [path for path in sorted(corpus.rglob("*")) if path.is_file()]
    lines = [line for path in files for line in path.read_text("utf-8", errors="replace").split("\n")]
    assert len(lines) > 100
    assert all(rules._may_be_boilerplate(line) for line in lines if rules._BOILERPLATE.search(line))
