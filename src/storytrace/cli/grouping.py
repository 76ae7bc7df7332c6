"""``cluster`` (group records into stories, offline or as a stream) and ``pairs`` (the relation of sentence pairs).

Not here: the clusterers (``cluster``), the relation model (``align.classifier``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from storytrace.clean import agencies_of
from storytrace.cli.common import (
    PAIRS_BATCH,
    EmbedderOption,
    LexicalOption,
    OutLinesOption,
    app,
    db_option,
    embedder_for,
    guard,
    progress_bar,
    report_problems,
    say,
    text_sink,
)
from storytrace.cluster import group_articles
from storytrace.cluster.stream import STREAM_WINDOW_DAYS
from storytrace.errors import E_BINARY, E_CP1252, BadInput, UsageError
from storytrace.ingest import read_jsonl
from storytrace.ingest.limits import MAX_ARTICLE_BYTES, size_text
from storytrace.ingest.lines import StreamLines
from storytrace.ingest.records import not_json, surrogate_problem
from storytrace.model import Article, InputProblem, story_name
from storytrace.outputs import write_atomically
from storytrace.pipeline import (
    assign_stories,
    prepare_all,
)
from storytrace.semantic.embed import model_kind
from storytrace.store import Store
from storytrace.terminal import WordsCommand

# Above this many records the offline grouping's dense similarity matrix gets too
# big (5,000^2 floats = 200 MB): ``cluster --offline`` refuses them.
OFFLINE_MAX_ARTICLES = 5000


@app.command(cls=WordsCommand)
def cluster(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT.jsonl", help="Article records, one JSON per line.")],
    out_file: OutLinesOption = None,
    stream: Annotated[
        bool, typer.Option("--stream", help="The streaming clusterer (the default; kept for scripts).")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="Offline average-link clustering instead (at most 5,000 records).")
    ] = False,
    window_days: Annotated[
        float,
        typer.Option(
            "--window-days",
            metavar="DAYS",
            help="The horizon: stories silent this long leave the index (default 3 years; at most 20,000 stories are "
            "indexed, the least recently active leave first).",
            min=1.0,
        ),
    ] = STREAM_WINDOW_DAYS,
    lexical: LexicalOption = False,
    embedder_name: EmbedderOption = None,
) -> None:
    """Group records into stories; print {"id", "story"} per record in input order."""

    def run() -> int:
        if offline and not stream:
            return _cluster_offline(input_path, out_file)
        records: list[tuple[str, str]] = []  # (id, content hash) of each record read, in input order
        problems = 0

        def problem(p: InputProblem) -> None:
            nonlocal problems
            problems += 1
            say(str(p))

        def read() -> Iterator[Article | InputProblem]:
            for rec in read_jsonl(input_path):  # streamed, within the limits of ingest.limits
                if isinstance(rec, Article):
                    records.append((rec.id, rec.content_hash))
                yield rec

        # The very code ingest and analyze run, on a store of its own: the same records in the same order get
        # the same stories, numbered alike (s1 the first story opened), whichever command places them.
        with tempfile.TemporaryDirectory(prefix="storytrace-cluster-") as folder:
            with Store(Path(folder) / "cluster.db") as store, store.writer():
                report = store.add(read(), on_problem=problem)
                with progress_bar() as progress:
                    embedder = embedder_for(store, lexical, embedder_name)
                    story = assign_stories(store, embedder, progress, window_days=window_days)
                kept = {aid: found.content_hash for aid in report.conflicts if (found := store.get(aid)) is not None}
        lines = []
        for article_id, digest in records:
            placed = story.get(report.duplicates.get(article_id, article_id))
            if placed is not None and kept.get(article_id, digest) == digest:  # a refused record has no story
                lines.append(json.dumps({"id": article_id, "story": story_name(placed)}, ensure_ascii=False))
        _write_lines(lines, out_file)
        return 1 if problems else 0

    guard(run)


def _cluster_offline(input_path: Path, out_file: Path | None) -> int:
    """``cluster --offline``: average-link clustering of every record at once (``grouping.group_articles``)."""
    problems: list[InputProblem] = []
    articles: list[Article] = []
    for rec in read_jsonl(input_path):
        (problems if isinstance(rec, InputProblem) else articles).append(rec)  # type: ignore[arg-type]
    report_problems(problems)
    if len(articles) > OFFLINE_MAX_ARTICLES:
        raise UsageError(
            str(input_path), f"--offline takes at most {OFFLINE_MAX_ARTICLES:,} records; drop it to stream"
        )
    with progress_bar() as progress:
        prepared = prepare_all(articles, agencies_of(articles), progress=progress)
    story_of: dict[int, str] = {}
    for n, group in enumerate(group_articles(prepared), start=1):
        story_of.update((i, f"s{n}") for i in group)
    lines = [json.dumps({"id": a.id, "story": story_of[k]}, ensure_ascii=False) for k, a in enumerate(articles)]
    _write_lines(lines, out_file)
    return 1 if problems else 0


def _write_lines(lines: Sequence[str], out_file: Path | None) -> None:
    """JSON lines to ``out_file`` (written whole or not at all) or to stdout."""
    text = "\n".join(lines) + ("\n" if lines else "")
    if out_file:
        write_atomically(out_file, text.encode("utf-8"))
    else:
        sys.stdout.write(text)


@app.command(cls=WordsCommand)
def pairs(
    input_path: Annotated[str, typer.Argument(metavar="INPUT.jsonl", help='{"id", "a", "b"} per line; - for stdin.')],
    out_file: OutLinesOption = None,
    db: Annotated[
        Path | None,
        db_option("A store to keep sentence embeddings in, created if missing (default: none: kept in memory)."),
    ] = None,
    lexical: LexicalOption = False,
    embedder_name: EmbedderOption = None,
) -> None:
    """Name the relation of each text pair; print {"id", "relation", "score", "paraphrase"} per line.

    Streams: reads and writes in batches, so the input can be any size. Sentence
    embeddings are cached in the store given by --db (in memory otherwise).
    """
    from storytrace.align.classifier import TrainedRelations, embedding_model
    from storytrace.align.pairs import classify_pairs

    def run() -> int:
        bad = 0
        store = Store(db) if db is not None else None
        try:
            embedder = embedder_for(store, lexical, embedder_name)
            scorer = TrainedRelations(semantic=embedding_model(model_kind(embedder)), copy_evidence=False)
            source = sys.stdin.buffer if input_path == "-" else _open_binary(input_path)
            total = os.path.getsize(input_path) if input_path != "-" else 0
            with contextlib.ExitStack() as stack:
                sink = text_sink(out_file, stack)
                bad = _classify_lines(source, input_path, total, sink, scorer, embedder)
        finally:
            if store is not None:
                store.close()
        return 1 if bad else 0

    def _classify_lines(source: Any, input_path: str, total: int, sink: Any, scorer: Any, embedder: Any) -> int:
        bad = 0
        with source, progress_bar(total > 0) as progress:
            batch: list[tuple[str | int, str, str]] = []
            for number, item in _pair_items(source, input_path):
                if item is None:
                    bad += 1
                    continue
                batch.append(item)
                if len(batch) >= PAIRS_BATCH:
                    _write_verdicts(sink, classify_pairs(batch, scorer, embedder))
                    batch = []
                    progress("pairs", source.tell() if total else number, total)
            _write_verdicts(sink, classify_pairs(batch, scorer, embedder))
            progress("pairs", total, total)
        return bad

    guard(run)


def _open_binary(path: str) -> Any:
    try:
        return open(path, "rb")
    except OSError as e:
        raise BadInput(path, f"cannot read: {e.strerror}") from None


def _pair_items(source: Any, path: str) -> Iterator[tuple[int, tuple[str | int, str, str] | None]]:
    """``(line number, (id, a, b))`` per non-blank line of ``source`` (binary), None after saying what is wrong.

    Lines are split as they stream (:class:`StreamLines`): a line over the
    limit for one record is refused without being held, so memory stays bounded.
    """
    lines = StreamLines(iter(lambda: source.read1(1 << 20), b""), MAX_ARTICLE_BYTES)
    if lines.binary:
        raise BadInput(path, E_BINARY)
    number = 0
    try:
        for number, line in enumerate(lines, start=1):
            if line is None:
                say(f"{path}:{number}: line over the limit for one pair ({size_text(MAX_ARTICLE_BYTES)}); skipped")
                yield number, None
            elif (line := line.removeprefix("\ufeff")).strip():  # a BOM on any line: files joined together
                yield number, _pair_item(line, path, number)
    except UnicodeDecodeError as e:  # a UTF-16/32 input that breaks off
        say(f"{path}:{number + 1}: not valid {e.encoding.upper()} ({e.reason}); stopped reading there")
        yield number + 1, None
    if lines.fallback:
        say(f"{path}: {E_CP1252}")
        yield number, None


def _pair_item(line: str, path: str, number: int) -> tuple[str | int, str, str] | None:
    """``(id, a, b)`` of one input line (the id echoed as given), or None after saying what is wrong."""
    try:
        rec = json.loads(line)
    except (ValueError, RecursionError) as e:
        say(f"{path}:{number}: {not_json(e)}")
        return None
    if not isinstance(rec, dict) or not isinstance(rec.get("a"), str) or not isinstance(rec.get("b"), str):
        say(f'{path}:{number}: needs an object with text fields "a" and "b"')
        return None
    pair_id = rec.get("id", str(number))
    if not isinstance(pair_id, str | int):
        pair_id = json.dumps(pair_id)
    strings = [("a", rec["a"]), ("b", rec["b"]), *([("id", pair_id)] if isinstance(pair_id, str) else [])]
    problem = next((p for name, value in strings if (p := surrogate_problem(name, value)) is not None), None)
    if problem is not None:
        say(f"{path}:{number}: {problem}")
        return None
    return (pair_id, rec["a"], rec["b"])


def _write_verdicts(sink: Any, verdicts: Sequence[Any]) -> None:
    for v in verdicts:
        sink.write(json.dumps(v.as_json(), ensure_ascii=False) + "\n")
    sink.flush()
