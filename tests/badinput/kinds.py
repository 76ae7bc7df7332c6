"""The bad-input suite of issue 8: each kind writes its files into a folder and says what ingest must do.

Nothing here is committed data: every file is written at test time, the 50 MB
article and the million-line JSON Lines file included. Each kind puts its bad
files beside a good article (``good.txt``), so each case also checks that what
is valid is stored. A kind returns a :class:`Case`: the paths to give
``storytrace ingest``, the stderr lines it must print (exactly those, one each),
the articles it must store (id -> exact text), its exit status and a bound on
the peak RSS of the process.

``KINDS`` maps each kind's name to its writer; docs/reliability.md lists them.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

GOOD_TEXT = (
    "ESKERBY (Meridian Wire) – A section of the Saltmarsh Bridge collapsed into the flooded River Velm on Monday, "
    "killing three people, the city's fire service said.\n"
    "The mayor said the crossing would stay closed until engineers had inspected the remaining spans."
)
EXTRA_RSS_MB = 150
"""Bound on the peak RSS of a kind's ingest above that of an ingest of one good article (~240 MB of imports)."""
MB = 1_000_000
MIB = 1 << 20


@dataclass
class Case:
    """What ``storytrace ingest PATHS --db DB --lexical`` must do with a kind's files.

    Attributes:
        paths: given on the command line.
        lines: the stderr lines, each without the ``storytrace: `` prefix; a line
            printed must start with one of them, and each must be printed once.
        stored: id -> exact stored text (None: any text) of articles that must be stored.
        only: True if the store must hold exactly ``stored`` and nothing else.
        exit_code: the expected exit status.
        max_extra_rss_mb: bound on the process's peak RSS above that of an ingest of the good article alone.
        unprivileged: run without the power to read past file permissions (root has it).
        db: the store to use (None: a fresh one in the folder).
        count: how many articles the store must hold (None: not checked).
        cleanup: a tree too deep for ``shutil.rmtree`` (and so for pytest's clean-up), removed after the run.

    """

    paths: list[Path]
    lines: list[str]
    stored: dict[str, str | None]
    only: bool = True
    exit_code: int = 1
    max_extra_rss_mb: int = EXTRA_RSS_MB
    unprivileged: bool = False
    db: Path | None = None
    count: int | None = None
    cleanup: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)


KINDS: dict[str, Callable[[Path], Case]] = {}


def kind(name: str) -> Callable[[Callable[[Path], Case]], Callable[[Path], Case]]:
    """Register a kind's writer under ``name``."""

    def register(fn: Callable[[Path], Case]) -> Callable[[Path], Case]:
        KINDS[name] = fn
        return fn

    return register


def write(path: Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8) to ``path``, making folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def good(folder: Path) -> dict[str, str | None]:
    """Write the good article beside the bad ones; what it stores."""
    write(folder / "good.txt", GOOD_TEXT)
    return {"good": GOOD_TEXT}


def jsonl(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def story(n: int) -> str:
    return f"Record {n}: the council of Dunmarrow approved flood defences worth {n} million drav on Tuesday."


E_EMPTY = "empty file: no article text"
E_BINARY = "binary data, not text (is it an image or an archive?)"
E_CP1252 = "not valid UTF-8 throughout; the bytes that are not UTF-8 read as Windows-1252 (cp1252)"
E_GZIP = "truncated or corrupt gzip"
E_BOMB = "decompresses to over 200 times its compressed size (a gzip bomb?); stopped reading past 64 MiB"
E_DEEP_HTML = "HTML nested more than 255 elements deep (the parser's limit); not read, as its text would be cut short"
E_ENTITIES = (
    "feed declares XML entities in its DOCTYPE (<!ENTITY ...>); not read, as expanding them "
    "can blow up (billion laughs) or read local files: remove the declarations"
)


@kind("empty file")
def empty(folder: Path) -> Case:
    files = [write(folder / "empty.txt", b""), write(folder / "empty.jsonl", b""), write(folder / "empty.html", b"")]
    return Case([folder], [f"{p}: {E_EMPTY}" for p in sorted(files)], good(folder))


@kind("whitespace only")
def whitespace(folder: Path) -> Case:
    files = [
        write(folder / "blank.txt", b" \n\t\r\n \x0c  "),
        write(folder / "blank.jsonl", b"\n\n   \r\n\t\n"),
        write(folder / "bom-only.txt", b"\xef\xbb\xbf \n"),
    ]
    return Case([folder], [f"{p}: {E_EMPTY}" for p in sorted(files)], good(folder))


@kind("binary data")
def binary(folder: Path) -> Case:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 40
    zip_ = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + random.Random(8).randbytes(4000)
    files = [write(folder / "photo.txt", png), write(folder / "archive.jsonl", zip_), write(folder / "x.rss", png)]
    return Case([folder], [f"{p}: {E_BINARY}" for p in sorted(files)], good(folder))


@kind("truncated gzip")
def truncated_gzip(folder: Path) -> Case:
    body = gzip.compress(jsonl(*({"id": f"r{n}", "text": story(n)} for n in range(2000))).encode())
    cut_jsonl = write(folder / "cut.jsonl.gz", body[: len(body) * 3 // 5])
    text = gzip.compress((GOOD_TEXT + "\n").encode() * 200)
    cut_txt = write(folder / "cut.txt.gz", text[: len(text) // 2])
    empty_gz = write(folder / "zero.txt.gz", b"")
    stored = good(folder) | {"r0": story(0), "r1": story(1)}  # records before the cut are stored
    lines = [f"{cut_jsonl}: {E_GZIP}", f"{cut_txt}: {E_GZIP}", f"{empty_gz}: {E_EMPTY}"]
    return Case([folder], lines, stored, only=False)


def bomb(size: int, byte: bytes = b"\x00") -> bytes:
    """A gzip stream of ``size`` bytes ``byte``, built from 64 MiB members (multi-member gzip) in under a second."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    member = packer.compress(byte * (64 * MIB)) + packer.flush()
    return member * (size // (64 * MIB))


@kind("gzip bomb")
def gzip_bomb(folder: Path) -> Case:
    zeros = bomb(4 << 30)  # 4 GiB of zeros in about 4 MB
    txt = write(folder / "bomb.txt.gz", zeros)
    first = gzip.compress(jsonl({"id": "b1", "text": "A record before the bomb."}).encode())
    lines_ = write(folder / "bomb.jsonl.gz", first + bomb(4 << 30, b" "))  # then one endless line of spaces
    doc = write(folder / "bomb.json.gz", zeros)
    lines = [
        f"{doc}: {E_BOMB}",
        f"{lines_}: {E_BOMB}",
        f"{txt}: decompressed size over the limit for one article (10 MiB); skipped",
    ]
    return Case([folder], lines, good(folder) | {"b1": "A record before the bomb."})


@kind("invalid UTF-8")
def invalid_utf8(folder: Path) -> Case:
    bad = write(
        folder / "mixed.txt", b"Officials in Eskerby said \xe2\x80\x9cno\xe2\x80\x9d, then \xff\xfe\xfd nothing more."
    )
    recs = write(
        folder / "recs.jsonl", b'{"id": "u1", "text": "fine \xc3\xa9"}\n{"id": "u2", "text": "bad \xc0\xaf here"}\n'
    )
    stored = good(folder) | {
        "mixed": "Officials in Eskerby said “no”, then ÿþý nothing more.",  # the UTF-8 kept
        "u1": "fine é",
        "u2": "bad À¯ here",
    }
    return Case([folder], [f"{bad}: {E_CP1252}", f"{recs}: {E_CP1252}"], stored)


@kind("UTF-16 with BOM")
def utf16_bom(folder: Path) -> Case:
    text = "Zürich – “quoted” 一 text\nsecond line"
    write(folder / "le.txt", text.encode("utf-16"))  # BOM + little-endian
    records = jsonl({"id": "be1", "text": text + " (BE)"}, {"id": "be2", "text": "two"})
    write(folder / "be.jsonl", b"\xfe\xff" + records.encode("utf-16-be"))
    write(folder / "u32.txt", (text + " (UTF-32)").encode("utf-32"))
    broken = write(folder / "broken.txt", b"\xff\xfe" + "cut ".encode("utf-16-le") + b"\x00\xd8")  # lone surrogate
    stored = good(folder) | {"le": text, "be1": text + " (BE)", "be2": "two", "u32": text + " (UTF-32)"}
    return Case([folder], [f"{broken}: not valid UTF-16 despite its byte-order mark"], stored)


@kind("UTF-16 without BOM")
def utf16_no_bom(folder: Path) -> Case:
    text = "Eskerby – “quoted” text with the 一 character, " * 8
    write(folder / "le.txt", text.encode("utf-16-le"))
    write(folder / "be.jsonl", jsonl({"id": "be1", "text": "BE " + text}).encode("utf-16-be"))
    cut = write(folder / "cut.txt", ("Cut " + text).encode("utf-16-le")[:-1])  # odd byte count: cut short
    stored = good(folder) | {"le": text, "be1": "BE " + text}
    problem = "binary data, or broken UTF-16 without a byte-order mark (not valid UTF-16-LE: truncated data)"
    return Case([folder], [f"{cut}: {problem}"], stored)


@kind("Windows-1252")
def windows_1252(folder: Path) -> Case:
    txt = write(folder / "legacy.txt", b"\x93Quoted\x94 \x80 5 \x96 caf\xe9 \x85")
    body = b"Caf\xe9 owners in Eskerby said \x93prices rose\x94 again this week. " * 5
    page = write(folder / "page.html", b"<html><body><article><p>" + body + b"</p></article></body></html>")
    stored = good(folder) | {"legacy": "“Quoted” € 5 – café …", "page": None}
    return Case(
        [folder], [f"{txt}: {E_CP1252}", f"{page}: {E_CP1252}"], stored, extra={"contains": {"page": "Café owners"}}
    )


@kind("NUL bytes")
def nul_bytes(folder: Path) -> Case:
    txt = write(folder / "nul.txt", b"The bridge\x00 fell\x00 on Monday.\x00\n")
    recs = write(folder / "nul.jsonl", b'{"id": "n1", "text": "fine"}\n{"id": "n2", "text": "raw \x00 nul"}\n')
    stored = good(folder) | {"nul": "The bridge\ufffd fell\ufffd on Monday.\ufffd\n", "n1": "fine"}
    lines = [
        f"{recs}:2: not valid JSON (Invalid control character at line 1 column 27)",
        f"{txt}: 3 NUL bytes (binary zeros) in the text; read as U+FFFD",
    ]
    return Case([folder], lines, stored)


@kind("50 MB article")
def huge_article(folder: Path) -> Case:
    chunk = (GOOD_TEXT.replace("\n", " ") + " ") * 1000
    with open(folder / "huge.txt", "w", encoding="utf-8") as fh:
        while fh.tell() < 50 * MB:
            fh.write(chunk)
    with open(folder / "huge.jsonl", "w", encoding="utf-8") as fh:
        fh.write(jsonl({"id": "h1", "text": "Before the big one."}))
        fh.write('{"id": "h2", "text": "')
        while fh.tell() < 50 * MB:
            fh.write(chunk)
        fh.write('"}\n')
        fh.write(jsonl({"id": "h3", "text": "After the big one."}))
    stored = good(folder) | {"h1": "Before the big one.", "h3": "After the big one."}
    lines = [
        f"{folder / 'huge.jsonl'}:2: line over the limit for one record (10 MiB); skipped",
        f"{folder / 'huge.txt'}: file size over the limit for one article (10 MiB); skipped",
    ]
    return Case([folder], lines, stored, max_extra_rss_mb=60)  # the 100 MB are never held


MILLION = 1_000_000
DISTINCT = 1000  # a million distinct articles would spend ~20 min placing them in stories; reading is the same
BROKEN = {  # line number -> the line written there, and what is said about it
    1: ("{not json", "not valid JSON (Expecting property name enclosed in double quotes at line 1 column 2)"),
    77_777: ('{"id": "x"}', "record has neither 'text' nor 'html'"),
    500_000: ("[1, 2]", "record is not a JSON object (it is a list)"),
    999_999: ('{"id": 5, "text": 7}', "'text' must be a string, not a number"),
    MILLION: ('{"id": "cut", "text": "no end', "not valid JSON (Unterminated string starting at line 1 column 23)"),
}


@kind("1-million-line JSONL")
def million_lines(folder: Path) -> Case:
    path = folder / "million.jsonl"
    texts = [json.dumps({"id": f"m{n}", "text": story(n)}) for n in range(DISTINCT)]
    with open(path, "w", encoding="utf-8") as fh:
        block: list[str] = []
        for lineno in range(1, MILLION + 1):
            broken = BROKEN.get(lineno)
            block.append(broken[0] if broken else texts[lineno % DISTINCT])
            if len(block) == 100_000:
                fh.write("\n".join(block) + "\n")
                block = []
        fh.write("\n".join(block))  # the last line, cut short, has no newline
    stored: dict[str, str | None] = {f"m{n}": story(n) for n in range(DISTINCT)} | good(folder)
    lines = [f"{path}:{lineno}: {problem}" for lineno, (_, problem) in sorted(BROKEN.items())]
    summary = f"{DISTINCT + 1} added, {MILLION - len(BROKEN) - DISTINCT} already stored"
    return Case(
        [folder], lines, stored, max_extra_rss_mb=EXTRA_RSS_MB, extra={"size": path.stat().st_size, "summary": summary}
    )


@kind("JSON with wrong types")
def wrong_types(folder: Path) -> Case:
    doc = write(
        folder / "types.json",
        json.dumps(
            [
                {"id": 1.5, "text": "t"},
                {"id": "t1", "text": ["a", "list"]},
                {"id": "t2", "text": "ok", "authors": "Jane Doe"},
                {"id": "t3", "text": "ok", "published": 20240617},
                {"id": "t4", "text": "Typed right."},
                "just a string",
            ]
        ),
    )
    recs = write(
        folder / "types.jsonl",
        jsonl({"id": True, "text": "x"}, {"id": "t5", "html": {"a": 1}}, {"id": "t6", "text": "Fine too."}),
    )
    lines = [
        f"{doc}[0]: 'id' must be a string or an integer, not a number",
        f"{doc}[1]: 'text' must be a string, not a list",
        f"{doc}[2]: 'authors' must be a list of strings, not a string",
        f"{doc}[3]: 'published' must be a string, not a number; stored without a date",
        f"{doc}[5]: record is not a JSON object (it is a string)",
        f"{recs}:1: 'id' must be a string or an integer, not true/false",
        f"{recs}:2: 'html' must be a string, not an object",
    ]
    return Case([folder], lines, good(folder) | {"t3": "ok", "t4": "Typed right.", "t6": "Fine too."})


@kind("duplicate ids, different texts")
def duplicate_ids(folder: Path) -> Case:
    recs = write(
        folder / "dups.jsonl", jsonl({"id": "d1", "text": "The first text."}, {"id": "d1", "text": "Another text."})
    )
    again = write(folder / "later" / "d1.txt", "A third text under the same id.")
    write(folder / "later" / "same.jsonl", jsonl({"id": "d1", "text": "The first text."}))  # same id, same text: fine
    tail = "not overwritten: give it another id"
    lines = [
        f"{recs}:2: id 'd1' is already stored with a different text (from {recs}:1); {tail}",
        f"{again}: id 'd1' is already stored with a different text (from {recs}:1); {tail}",
    ]
    return Case([folder], lines, good(folder) | {"d1": "The first text."})


def deep_html(depth: int) -> str:
    return (
        "<html><body><p>A paragraph before the deep part, long enough to count as article text here.</p>"
        + "<div>" * depth + "<p>Deep inside.</p>" + "</div>" * depth + "</body></html>"
    )  # fmt: skip


@kind("HTML nested 10,000 deep")
def deep_nesting(folder: Path) -> Case:
    page = write(folder / "deep.html", deep_html(10_000))
    recs = write(folder / "pages.jsonl", jsonl({"id": "p1", "html": deep_html(10_000)}))
    return Case([folder], [f"{page}: {E_DEEP_HTML}", f"{recs}:1: {E_DEEP_HTML}"], good(folder))


MALFORMED_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Velm Wire</title>
<item><guid>urn:velm:1</guid><title>Good entry</title><description>The first entry reads fine.</description>
<pubDate>Mon, 17 Jun 2024 08:30:00 GMT</pubDate></item>
<item><guid>urn:velm:2</guid><title>No text at all</title></item>
<item><guid>urn:velm:3</guid><pubDate>not a date at all</pubDate>
<description>A third entry &amp; an odd date.</description></item>
<item><guid>urn:velm:4</guid><description>Broken & unescaped <b>markup</description></item>
</channel></rss>
"""


@kind("RSS with malformed entries")
def malformed_rss(folder: Path) -> Case:
    feed = write(folder / "wire.rss", MALFORMED_RSS)
    notfeed = write(folder / "catalog.xml", '<?xml version="1.0"?><catalog><book>Not news</book></catalog>')
    stored = good(folder) | {
        "urn:velm:1": "The first entry reads fine.",
        "urn:velm:3": "A third entry & an odd date.",
        "urn:velm:4": "Broken & unescaped markup",
    }
    lines = [
        f"{notfeed}: not an RSS/Atom feed",
        f"{feed}: malformed feed (not well-formed (invalid token)); read what could be read",
        f"{feed} entry 2: feed entry has no text (no content, summary or description)",
    ]
    return Case([folder], lines, stored)


@kind("XML entity expansion in a feed")
def xml_entities(folder: Path) -> Case:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "' + (f"&lol{i - 1};" if i > 1 else "&lol;") * 10 + '">' for i in range(1, 10)
    )
    laughs = write(
        folder / "laughs.rss",
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel><title>T</title>'
        "<item><guid>l1</guid><description>&lol9;</description></item></channel></rss>",
    )
    xxe = write(
        folder / "xxe.atom",
        '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x1</id><content>&x;</content></entry></feed>',
    )
    return Case([folder], [f"{laughs}: {E_ENTITIES}", f"{xxe}: {E_ENTITIES}"], good(folder))


@kind("symbolic link cycle")
def symlink_cycle(folder: Path) -> Case:
    write(folder / "sub" / "inner.txt", "An article inside the looping folder.")
    (folder / "sub" / "back").symlink_to(folder, target_is_directory=True)
    (folder / "twin").symlink_to(folder / "sub", target_is_directory=True)  # the same folder again: read once
    (folder / "self.txt").symlink_to(folder / "self.txt")
    lines = [
        f"{folder / 'self.txt'}: symbolic link loop",
        f"{folder / 'sub' / 'back'}: symbolic link loop (leads back to a folder being read); skipped",
    ]
    return Case([folder], lines, good(folder) | {"inner": "An article inside the looping folder."})


@kind("unreadable file")
def unreadable(folder: Path) -> Case:
    secret = write(folder / "secret.txt", "Nobody may read this.")
    locked = write(folder / "locked" / "inside.txt", "Nor this.").parent
    secret.chmod(0)
    locked.chmod(0)
    lines = [f"{locked}: permission denied", f"{secret}: permission denied"]
    return Case([folder], lines, good(folder), unprivileged=True)


ODD_NAMES = {  # file name -> the id it is stored under
    "with space.txt": "with space",
    'quote\'s "double".txt': 'quote\'s "double"',
    "émoji 📰.txt": "émoji 📰",
    "-starts-with-dash.txt": "-starts-with-dash",
    "tab\there.txt": "tab\there",
    "new\nline.txt": "new\nline",
    "\u202eevil.txt": "\u202eevil",
}


@kind("odd file names")
def odd_names(folder: Path) -> Case:
    stored = good(folder)
    for number, (name, article_id) in enumerate(ODD_NAMES.items()):
        write(folder / name, f"Article number {number} under an odd name.")
        stored[article_id] = f"Article number {number} under an odd name."
    latin1 = os.path.join(os.fsencode(folder), b"caf\xe9.txt")  # not UTF-8: shown and stored as caf\xe9
    with open(latin1, "wb") as fh:
        fh.write(b"Article under a Latin-1 file name.")
    stored["caf\\xe9"] = "Article under a Latin-1 file name."
    write(folder / "empty\nname.txt", b"")
    with open(os.path.join(os.fsencode(folder), b"bin\xff\n.txt"), "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    lines = [f"{folder}/bin\\xff\\n.txt: {E_BINARY}", f"{folder}/empty\\nname.txt: {E_EMPTY}"]
    return Case([folder], lines, stored)


@kind("folders nested 1,500 deep")
def deep_folders(folder: Path) -> Case:
    bottom = folder
    for _ in range(1500):  # one at a time: Path.mkdir(parents=True) itself recurses too deeply here
        bottom = bottom / "d"
        bottom.mkdir()
    write(bottom / "bottom.txt", "The article at the bottom of the folders.")
    broken = write(bottom / "broken.jsonl", "{oops\n")
    lines = [f"{broken}:1: not valid JSON (Expecting property name enclosed in double quotes at line 1 column 2)"]
    stored = good(folder) | {"bottom": "The article at the bottom of the folders."}
    return Case([folder], lines, stored, cleanup=folder / "d")


def remove_tree(top: Path) -> None:
    """Remove a folder tree however deep, bottom up, without recursion (``shutil.rmtree`` recurses)."""
    folders = [os.fspath(top)]
    for folder in folders:  # grows as it goes: every folder of the tree, parents first
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                else:
                    os.unlink(entry.path)
    for folder in reversed(folders):
        os.rmdir(folder)


@kind("not a regular file (named pipe)")
def named_pipe(folder: Path) -> Case:
    os.mkfifo(folder / "pipe.txt")  # opening it would wait for a writer forever
    return Case([folder], [f"{folder / 'pipe.txt'}: not a regular file (a pipe, socket or device?)"], good(folder))


@kind("unpaired surrogates in JSON")
def surrogates(folder: Path) -> Case:
    recs = write(
        folder / "sur.jsonl",
        '{"id": "s1", "text": "bad \\ud800 here"}\n{"id": "s2\\udc80", "text": "x"}\n'
        '{"id": "s3", "text": "a real pair \\ud83d\\udcf0"}\n',
    )
    lines = [
        f"{recs}:1: 'text' is not valid Unicode (unpaired surrogate \\ud800 at character 4)",
        f"{recs}:2: 'id' is not valid Unicode (unpaired surrogate \\udc80 at character 2)",
    ]
    return Case([folder], lines, good(folder) | {"s3": "a real pair 📰"})


@kind("JSON nested too deeply")
def deep_json(folder: Path) -> Case:
    doc = write(folder / "deep.json", "[" * 100_000 + "]" * 100_000)
    recs = write(folder / "deep.jsonl", '{"id": "j1", "text": "Shallow."}\n' + "[" * 100_000 + "\n")
    lines = [f"{doc}: not valid JSON (nested too deeply)", f"{recs}:2: not valid JSON (nested too deeply)"]
    return Case([folder], lines, good(folder) | {"j1": "Shallow."})


@kind("truncated JSON document")
def truncated_json(folder: Path) -> Case:
    whole = json.dumps([{"id": f"c{n}", "text": story(n)} for n in range(5)])
    doc = write(folder / "cut.json", whole[: len(whole) // 2])  # the column depends on the cut: a prefix is checked
    stored = good(folder) | {"c0": story(0), "c1": story(1)}  # the records before the cut (streamed)
    return Case([folder], [f"{doc}: not valid JSON (Unterminated string starting at line 1 column "], stored)


@kind("store file is not a database")
def store_not_db(folder: Path) -> Case:
    db = write(folder / "notes.db", "These are notes, not a SQLite database.\n" * 100)
    good(folder)
    return Case([folder / "good.txt"], [f"{db}: cannot open the store: file is not a database"], {}, db=db)


# --- issue 25 -------------------------------------------------------------------------------


@kind("CR-only line ends (old Mac)")
def cr_only(folder: Path) -> Case:
    """A JSON Lines file over the 10 MiB line limit whose lines end in a lone CR, and a CR-only .txt."""
    distinct = [
        {"id": f"mac{n}", "text": story(n) + " " + "Padding words to make the line longer. " * 25} for n in range(50)
    ]
    with open(folder / "mac.jsonl", "wb") as fh:
        while fh.tell() < 11 * MIB:  # read as one 11 MiB line before: refused over the limit
            fh.write("".join(json.dumps(r) + "\r" for r in distinct).encode())
    text = "ESKERBY - The bridge reopened on Friday.\r\rThe mayor cut the ribbon.\r"
    write(folder / "mac.txt", text.encode())
    stored = good(folder) | {str(r["id"]): str(r["text"]) for r in distinct} | {"mac": text.replace("\r", "\n")}
    return Case([folder], [], stored, exit_code=0)


@kind("BOM mid-file (two files concatenated)")
def bom_mid_file(folder: Path) -> Case:
    one = "\ufeff" + jsonl({"id": "cat1", "text": "First file, line one."}, {"id": "cat2", "text": "First file, two."})
    two = "\ufeff" + jsonl({"id": "cat3", "text": "Second file, line one."})
    write(folder / "joined.jsonl", (one + two).encode("utf-8"))
    stored = good(folder) | {
        "cat1": "First file, line one.",
        "cat2": "First file, two.",
        "cat3": "Second file, line one.",
    }
    return Case([folder], [], stored, exit_code=0)


@kind("file name of only spaces")
def blank_name(folder: Path) -> Case:
    blank = write(folder / "   .txt", "An article under a name of spaces.")
    return Case([folder], [f"{blank}: a file name of only spaces gives no id; rename it"], good(folder))


@kind("bad published dates")
def bad_published(folder: Path) -> Case:
    records = [
        {"id": "p1", "text": "Dated right.", "published": "2024-06-17"},
        {"id": "p2", "text": "A month that is not.", "published": "2024-13"},
        {"id": "p3", "text": "A day that is not.", "published": "2024-02-30"},
        {"id": "p4", "text": "Words for a date.", "published": "last Tuesday"},
    ]
    recs = write(folder / "dates.jsonl", jsonl(*records))
    head, tail = "'published' is not an ISO 8601 date or date-time", "; stored without a date"
    lines = [
        f"{recs}:2: {head} ('2024-13': no month 13){tail}",
        f"{recs}:3: {head} ('2024-02-30': day is out of range for month){tail}",
        f"{recs}:4: {head} ('last Tuesday'){tail}",
    ]
    return Case([folder], lines, good(folder) | {str(r["id"]): str(r["text"]) for r in records})


EDGE_DATES = ("0001-01-01", "9999-12-31T23:00:00-05:00", "0001-01-01T03:00:00+05:00", "0000")


@kind("dates at the calendar's edges")
def edge_dates(folder: Path) -> Case:
    records = [{"id": f"edge{n}", "text": f"{story(n)} Edge {n}.", "published": p} for n, p in enumerate(EDGE_DATES)]
    inside = [{"id": "in1", "text": "At the first year.", "published": "1000-01-01T00:00:00+14:00"},
              {"id": "in2", "text": "At the last year.", "published": "9000-12-31T23:59:59-23:59"}]  # fmt: skip
    recs = write(folder / "edges.jsonl", jsonl(*records, *inside))
    lines = [
        f"{recs}:{n}: 'published' is outside the years 1000-9000 ({p!r}); stored without a date"
        for n, p in enumerate(EDGE_DATES, 1)
    ]
    stored = good(folder) | {str(r["id"]): str(r["text"]) for r in [*records, *inside]}
    return Case([folder], lines, stored)


def laughs(prolog: str) -> str:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "' + (f"&lol{i - 1};" if i > 1 else "&lol;") * 10 + '">' for i in range(1, 10)
    )
    return (
        prolog.replace("ENTITIES", entities)
        + '<rss version="2.0"><channel><title>T</title><item><guid>l1</guid><description>&lol9;</description>'
        "</item></channel></rss>"
    )


@kind("XML entities hidden from a fixed window")
def hidden_entities(folder: Path) -> Case:
    """Each way the 64 KiB window check of issue 8 was bypassed: padding, a ']' in a comment, UTF-16/32."""
    feeds = {
        "padded.rss": laughs('<?xml version="1.0"?>' + " " * 70_000 + "<!DOCTYPE rss [ENTITIES]>").encode(),
        "comment.rss": laughs('<?xml version="1.0"?><!DOCTYPE rss [<!-- ] > -->ENTITIES]>').encode(),
        "le.rss": laughs('<?xml version="1.0" encoding="utf-16"?><!DOCTYPE rss [ENTITIES]>').encode("utf-16"),
        "be.rss": b"\xfe\xff"
        + laughs('<?xml version="1.0" encoding="utf-16"?><!DOCTYPE rss [ENTITIES]>').encode("utf-16-be"),
        "u32.rss": laughs('<?xml version="1.0" encoding="utf-32"?><!DOCTYPE rss [ENTITIES]>').encode("utf-32"),
    }
    paths = [write(folder / name, data) for name, data in feeds.items()]
    return Case([folder], [f"{p}: {E_ENTITIES}" for p in sorted(paths)], good(folder))


def tiny(n: int) -> str:
    return f"Note {n}: the ferry ran late."


@kind("60 MB JSON list")
def big_json_list(folder: Path) -> Case:
    """A 60 MB ``.json`` list of a million tiny records (1,000 distinct, repeated): streamed, not loaded whole."""
    distinct = [json.dumps({"id": f"j{n}", "text": tiny(n)}) for n in range(DISTINCT)]
    with open(folder / "big.json", "w", encoding="utf-8") as fh:
        fh.write("[")
        count = 0
        while fh.tell() < 60 * MB:
            fh.write(",".join(distinct) + ",")
            count += DISTINCT
        fh.write(distinct[0] + "]")
    stored: dict[str, str | None] = {f"j{n}": tiny(n) for n in range(DISTINCT)} | good(folder)
    summary = f"{DISTINCT + 1} added, {count - DISTINCT + 1} already stored"
    # the text and its bytes (120 MB) while it is decoded; the ingest's million ids (~35 MB) besides
    return Case([folder], [], stored, exit_code=0, max_extra_rss_mb=200, extra={"summary": summary})
