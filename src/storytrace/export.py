"""Tables of an analysis for a spreadsheet or a newsroom's own tools: passages, provenance edges, facts, stories.

Each export is a flat table, one typed frozen row per

* ``alignments``: aligned passage pair (story, both articles and outlets, relation, both spans and texts);
* ``edges``: provenance edge, source to copy (a wire credited but not in the corpus is a source of kind
  ``credited``), with its share, confidence and evidence;
* ``facts``: cited fact: each citation of a value the outlets ``agree`` on, each side of a contradiction
  (``differ``, its repeats in reprints included) and each statement only one outlet carries (``unique``);
  the rows of one agreement or contradiction share its ``item`` number;
* ``stories``: story (title, articles, outlets, first and last publication, counts).

Rows are built from a ``stories.json`` document as read back from the store, leniently: a field missing or
of another type comes out empty, never an error. They are written as CSV (strings that a spreadsheet would
run as a formula are neutralised: article text is untrusted), JSON Lines (values exactly as stored) or
Parquet (with pyarrow, which the ``spark`` extra installs).

Not here: reading the store (``pipeline.latest_document``), files and HTTP (``cli``, ``web.routes.exports``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, get_type_hints

from storytrace.codec import read
from storytrace.codec.facts import check_from_json
from storytrace.errors import UsageError
from storytrace.model import relation_family
from storytrace.model_facts import Cite, Difference, FactCheck
from storytrace.naming import alignment_counts, outlet_of_record
from storytrace.published import parse_published, sort_key

Document = Mapping[str, Any]


@dataclass(frozen=True)
class AlignmentRow:
    """An aligned passage pair: spans are ``[start, end)`` code points into each article's text."""

    story: str
    a: str
    b: str
    a_outlet: str
    b_outlet: str
    relation: str  # verbatim | near_verbatim | paraphrase | same_fact | related
    family: str  # reuse (the first three) | same_fact | related
    score: float | None
    a_start: int | None
    a_end: int | None
    b_start: int | None
    b_end: int | None
    a_text: str
    b_text: str


@dataclass(frozen=True)
class EdgeRow:
    """A provenance edge: ``copy`` reuses ``source`` (an article, or ``agency:NAME`` for a credited wire)."""

    story: str
    source: str
    copy: str
    source_outlet: str
    copy_outlet: str
    kind: str  # article | credited (a wire credited by the copy, not in the corpus)
    share: float | None  # share of the copy's content reused from the source
    confidence: float | None  # the derivation model's probability that the copy derives from the source
    rule: str  # what ordered the two: wire | earlier | credited | agency | containment | material | credit
    detail: str
    passages: int | None  # reused passages the copy shares with the source
    longest: int | None  # characters of the longest, quotations left out
    why: str


@dataclass(frozen=True)
class FactRow:
    """One citation of a fact: where ``article`` states ``value``, and how it compares with the other outlets."""

    story: str
    status: str  # agree | differ | unique
    item: int  # the agreement's, contradiction's or statement's number in the story, per status
    kind: str  # date | number | quote | name | … ; "statement" for a unique one
    what: str  # what a contradiction is about ("number of injured"); empty otherwise
    value: str
    article: str
    outlet: str
    start: int | None
    end: int | None
    text: str


@dataclass(frozen=True)
class StoryRow:
    """A story and its counts: ``passages`` and ``related`` as ``naming.count_passages`` counts them."""

    story: str
    title: str
    articles: int
    outlets: int
    outlet_names: str  # "; "-separated, in the order of the story's articles
    article_ids: str  # "; "-separated
    first_published: str | None
    last_published: str | None
    passages: int
    related: int
    edges: int
    agree: int
    differ: int
    unique: int
    problems: int


Row = AlignmentRow | EdgeRow | FactRow | StoryRow


@dataclass(frozen=True)
class Export:
    """One table: its row type and how its rows come from a document."""

    name: str
    row_type: type[Any]
    rows: Callable[[Document], Iterator[Any]]

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names, in order: the row type's fields."""
        return tuple(f.name for f in fields(self.row_type))


FORMATS = ("csv", "jsonl", "parquet")


# --- reading the document ----------------------------------------------------------------


def _stories(document: Document) -> list[Mapping[str, Any]]:
    return read.mappings(document.get("stories"))


def outlets_of(document: Document) -> dict[str, str]:
    """Each article's outlet (``naming.outlet_of_record``), by article id."""
    return {read.text(a.get("id")): outlet_of_record(a) for a in read.mappings(document.get("articles"))}


def _start_end(value: object) -> tuple[int | None, int | None]:
    span = read.span(value)
    return span if span is not None else (None, None)


def _float(value: object) -> float | None:
    number = read.number(value)
    return float(number) if number is not None else None


def _int(value: object) -> int | None:
    return value if type(value) is int else None


# --- alignments --------------------------------------------------------------------------


def alignment_rows(document: Document) -> Iterator[AlignmentRow]:
    """One row per aligned passage pair of every story."""
    outlets = outlets_of(document)
    for story in _stories(document):
        story_id = read.text(story.get("id"))
        for al in read.mappings(story.get("alignments")):
            a, b, relation = read.text(al.get("a")), read.text(al.get("b")), read.text(al.get("relation"))
            yield AlignmentRow(
                story_id, a, b, outlets.get(a, ""), outlets.get(b, ""), relation, relation_family(relation),
                _float(al.get("score")), *_start_end(al.get("a_span")), *_start_end(al.get("b_span")),
                read.text(al.get("a_text")), read.text(al.get("b_text")),
            )  # fmt: skip


# --- provenance edges --------------------------------------------------------------------


def edge_rows(document: Document) -> Iterator[EdgeRow]:
    """One row per provenance edge of every story: between articles, then from credited wires."""
    outlets = outlets_of(document)
    for story in _stories(document):
        story_id = read.text(story.get("id"))
        provenance = read.mapping(story.get("provenance"))
        labels = {read.text(n.get("id")): read.text(n.get("label")) for n in read.mappings(provenance.get("nodes"))}
        for kind, key in (("article", "edges"), ("credited", "credited")):
            for edge in read.mappings(provenance.get(key)):
                yield _edge_row(story_id, kind, edge, {**labels, **outlets})


def _edge_row(story: str, kind: str, edge: Mapping[str, Any], outlets: Mapping[str, str]) -> EdgeRow:
    source, copy = read.text(edge.get("from")), read.text(edge.get("to"))
    evidence = read.mapping(edge.get("evidence"))
    return EdgeRow(
        story, source, copy, outlets.get(source, ""), outlets.get(copy, ""), kind, _float(edge.get("share")),
        _float(edge.get("confidence")), read.text(evidence.get("rule")), read.text(evidence.get("detail")),
        _int(evidence.get("passages")), _int(evidence.get("longest")), read.text(edge.get("why")),
    )  # fmt: skip


# --- facts -------------------------------------------------------------------------------


def fact_rows(document: Document) -> Iterator[FactRow]:
    """One row per citation of every story's agreements, contradictions and unique statements."""
    outlets = outlets_of(document)
    for story in _stories(document):
        story_id = read.text(story.get("id"))
        check = check_from_json(story.get("facts"))
        yield from _story_fact_rows(story_id, check, outlets)


def _story_fact_rows(story: str, check: FactCheck, outlets: Mapping[str, str]) -> Iterator[FactRow]:
    def row(status: str, item: int, kind: str, what: str, value: str, cite: Cite | None, article: str) -> FactRow:
        start, end = cite.span if cite is not None else (None, None)
        text = cite.text if cite is not None else ""
        return FactRow(story, status, item, kind, what, value, article, outlets.get(article, ""), start, end, text)

    for n, agreement in enumerate(check.agree, start=1):
        for cited in agreement.cites:
            yield row("agree", n, agreement.kind, "", agreement.value, cited, cited.article)
    for n, difference in enumerate(check.differ, start=1):
        for value, article, side in _difference_cites(difference):
            yield row("differ", n, difference.kind, difference.what, value, side, article)
    statements = ((u.article, r) for u in check.unique for r in u.rows)
    for n, (article, s) in enumerate(statements, start=1):
        yield row("unique", n, "statement", "", s.text, Cite(article, s.span, s.text), article)


def _difference_cites(d: Difference) -> Iterator[tuple[str, str, Cite | None]]:
    """Each side of a contradiction and of its repeats: the value it states, its article and words (if known).

    A side cited twice (a reprint repeating the contradiction with a third article) is given once.
    """
    a_value, b_value = d.values if d.values is not None else ("", "")
    seen: set[tuple[str, tuple[int, int] | None]] = set()
    for sides in (d.sides, *d.repeats):
        for article, said, value in ((sides.a, sides.a_said, a_value), (sides.b, sides.b_said, b_value)):
            cite = Cite(article, said.span, said.text) if said is not None else None
            key = (article, cite.span if cite is not None else None)
            if key not in seen:
                seen.add(key)
                yield value or (cite.text if cite is not None else ""), article, cite


# --- stories -----------------------------------------------------------------------------


def story_rows(document: Document) -> Iterator[StoryRow]:
    """One row per story, in the document's order."""
    articles = {read.text(a.get("id")): a for a in read.mappings(document.get("articles"))}
    for story in _stories(document):
        yield _story_row(story, articles)


def _story_row(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> StoryRow:
    ids = [read.text(i) for i in read.items(story.get("articles"))]
    outlets = list(dict.fromkeys(outlet_of_record({"id": i, **articles.get(i, {})}) for i in ids))
    first, last = _first_and_last([articles.get(i, {}).get("published") for i in ids])
    counts = alignment_counts(story.get("alignments"))
    provenance = read.mapping(story.get("provenance"))
    check = check_from_json(story.get("facts"))
    return StoryRow(
        read.text(story.get("id")), read.text(story.get("title")), len(ids), len(outlets), "; ".join(outlets),
        "; ".join(ids), first, last, counts.passages, counts.related,
        len(read.items(provenance.get("edges"))), len(check.agree), len(check.differ),
        sum(len(u.rows) for u in check.unique), len(read.items(story.get("problems"))),
    )  # fmt: skip


def _first_and_last(published: Iterable[object]) -> tuple[str | None, str | None]:
    """The earliest and latest publication dates, as written (dates that do not parse left out)."""
    dated = sorted((v for v in published if isinstance(v, str) and parse_published(v) is not None), key=sort_key)
    return (dated[0], dated[-1]) if dated else (None, None)


EXPORTS: dict[str, Export] = {
    e.name: e
    for e in (
        Export("alignments", AlignmentRow, alignment_rows),
        Export("edges", EdgeRow, edge_rows),
        Export("facts", FactRow, fact_rows),
        Export("stories", StoryRow, story_rows),
    )
}


def export_named(name: str) -> Export:
    """The export called ``name``; an unknown name is a usage error naming the ones there are."""
    found = EXPORTS.get(name)
    if found is None:
        raise UsageError("--what", f"'{name}' is not an export; choose one of {', '.join(EXPORTS)}")
    return found


# --- writing -----------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula


def csv_cell(value: object) -> object:
    """A value as a CSV cell: a string a spreadsheet would run as a formula gets a leading ``'``; None is empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(export: Export, rows: Iterable[Any]) -> Iterator[str]:
    """The CSV text of ``rows``, a header line first, one line (or quoted record) at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells: Iterable[object]) -> str:
        writer.writerow(cells)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(export.columns)
    for row in rows:
        yield line(csv_cell(v) for v in _values(row))


def jsonl_lines(rows: Iterable[Any]) -> Iterator[str]:
    """One JSON object per row and line, values exactly as stored."""
    for row in rows:
        yield json.dumps(asdict(row), ensure_ascii=False) + "\n"


def text_lines(export: Export, fmt: str, document: Document) -> Iterator[str]:
    """The export of ``document`` as ``fmt`` (csv or jsonl), line by line."""
    rows = export.rows(document)
    return csv_lines(export, rows) if fmt == "csv" else jsonl_lines(rows)


def _values(row: Any) -> tuple[object, ...]:
    return tuple(getattr(row, f.name) for f in fields(row))


PARQUET_EXTRA = "spark"


class NeedsExtra(UsageError):
    """An output format needs a package only an extra installs."""


def check_format(name: str) -> None:
    """Refuse a format that is not one of ``FORMATS``, or Parquet without pyarrow, naming what to do."""
    if name not in FORMATS:
        raise UsageError("--format", f"'{name}' is not a format; choose one of {', '.join(FORMATS)}")
    if name == "parquet":
        _pyarrow()


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401 - the writer, a submodule of its own
    except ImportError:
        raise NeedsExtra(
            "--format parquet", f"needs pyarrow: pip install 'storytrace[{PARQUET_EXTRA}]' (or use csv or jsonl)"
        ) from None
    return pyarrow


def parquet_bytes(export: Export, rows: Iterable[Any]) -> bytes:
    """The rows as a Parquet file, with a column type per field (pyarrow, from the ``spark`` extra)."""
    pa = _pyarrow()
    types = {str: pa.string(), int: pa.int64(), float: pa.float64()}
    hints = get_type_hints(export.row_type)
    schema = pa.schema([(name, types[_base(hints[name])]) for name in export.columns])
    columns: dict[str, list[object]] = {name: [] for name in export.columns}
    for row in rows:
        for name, value in zip(export.columns, _values(row), strict=True):
            columns[name].append(value)
    sink = io.BytesIO()
    pa.parquet.write_table(pa.table(columns, schema=schema), sink)
    return sink.getvalue()


def _base(hint: Any) -> type[Any]:
    """``str`` of ``str | None`` (the one type a column holds)."""
    args = [a for a in getattr(hint, "__args__", (hint,)) if a is not type(None)]
    base: type[Any] = args[0]
    return base
