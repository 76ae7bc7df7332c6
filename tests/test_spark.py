"""The Spark engine (``storytrace batch``) against the in-process pipeline, on ``local[2]``.

One SparkSession for the module. The demo corpus goes through every stage
once (from Parquet); the Giveme5W1H dev half (skipped where ``../shared/data``
is absent) and a file with bad records go through the first stages. The
replay of the streaming clusterer is also checked without Spark.
Skipped without pyspark, pyarrow, pandas or Java; ``-m "not slow"`` leaves it out.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java (java on PATH or JAVA_HOME)", allow_module_level=True)

from typer.testing import CliRunner  # noqa: E402

from conftest import EXAMPLES  # noqa: E402
from storytrace.align.compare import Prepared  # noqa: E402
from storytrace.cli import app  # noqa: E402
from storytrace.cluster.dedup import DuplicateIndex  # noqa: E402
from storytrace.cluster.grouping import content_words  # noqa: E402
from storytrace.cluster.stream import BATCH, stream_labels  # noqa: E402
from storytrace.ingest import read_paths  # noqa: E402
from storytrace.model import Article  # noqa: E402
from storytrace.pipeline import analyze_articles  # noqa: E402
from storytrace.published import order_key, published_seconds  # noqa: E402
from storytrace.spark.batch import BatchOptions  # noqa: E402
from storytrace.spark.features import (  # noqa: E402
    article_row,
    article_vectors,
    distinct_terms,
    prepare_row,
    stream_terms,
    to_frame,
)  # noqa: E402
from storytrace.spark.frames import LITERAL_MAX, looked_up, partition_keys, spark_hash, with_index  # noqa: E402
from storytrace.spark.replay import ReplayRow, replay  # noqa: E402
from storytrace.spark.run import run_batch  # noqa: E402
from storytrace.spark.session import session  # noqa: E402
from storytrace.spark.stories import ROW_SCHEMA  # noqa: E402
from support.data import DEFAULT_DATA, GIVEME_FILE, load_giveme, missing, reuters_by_date  # noqa: E402
from support.paths import REUTERS  # noqa: E402
from support.scoring import score  # noqa: E402

pytestmark = pytest.mark.slow
runner = CliRunner()


def demo_articles() -> list[Article]:
    return [a for a in read_paths([EXAMPLES / "corpus"]) if isinstance(a, Article)]


def records(articles: list[Article]) -> list[dict[str, Any]]:
    rows = [article_row(a) for a in articles]
    for row in rows:
        row.pop("origin")
    return rows


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def b3_f1(got: dict[str, str], expected: dict[str, Any]) -> float:
    ids = sorted(expected)
    return score([got[i] for i in ids], [expected[i] for i in ids]).b3_f1


def assignments(out: Path) -> dict[str, str]:
    table = pd.read_parquet(out / "stages" / "cluster" / "assignments")
    return dict(zip(table["id"], table["story"], strict=True))


@pytest.fixture(scope="module")
def spark():
    conf = {"spark.sql.shuffle.partitions": "4", "spark.ui.enabled": "false"}
    with session(master="local[2]", conf=conf) as started:
        yield started


@pytest.fixture(scope="module")
def demo_run(spark, tmp_path_factory: pytest.TempPathFactory):
    """The demo corpus as a Parquet file, through every stage."""
    folder = tmp_path_factory.mktemp("demo")
    source = folder / "demo.parquet"
    pd.DataFrame(records(demo_articles())).to_parquet(source)
    out = folder / "out"
    result = run_batch(spark, BatchOptions(input=str(source), out=str(out)))
    return source, out, result


# --- without Spark: the replay decides what the in-process stream decides ----------------------


def in_stream_order(articles: list[Article]) -> tuple[list[Prepared], tuple[str, ...]]:
    """The articles cleaned as the batch cleans them, in publication order (input order on ties)."""
    arts = sorted(articles, key=lambda a: order_key(a.published))  # sorted() is stable: input order on ties
    sources = tuple(sorted({a.source for a in arts if a.kind == "agency" and a.source}))
    return [prepare_row(article_row(a), sources) for a in arts], sources


def replay_rows(articles: list[Article]) -> tuple[list[ReplayRow], list[float]]:
    """What the clean, dedup and cluster stages give the replay, computed plainly in one process."""
    prepared, _ = in_stream_order(articles)
    arts = [p.article for p in prepared]
    index = DuplicateIndex()
    df: Counter[str] = Counter()
    rows = []
    for k, p in enumerate(prepared):
        words = content_words(p)
        index.add_words([(p.article.id, words, p.article.published)])
        hits = index.hits_of.get(p.article.id) or []
        terms = stream_terms(p, words)
        df.update(terms.doc_terms)
        frequencies = {t: df[t] for t in {*terms.doc_terms, *terms.title_terms, *terms.name_terms}}
        parent = next((j for j, q in enumerate(arts[:k]) if q.id == hits[0]), None) if hits else None
        vectors = article_vectors(terms, frequencies, k + 1)
        rows.append(
            ReplayRow(k, p.article.id, p.article.published, vectors, parent, hits[0] if hits else None,
                      distinct=frozenset(distinct_terms(vectors, frequencies, k + 1)))
        )  # fmt: skip
    n = len(arts)
    ends = [published_seconds(arts[min(n - 1, (c + 1) * BATCH - 1)].published) for c in range((n + BATCH - 1) // BATCH)]
    return rows, ends


def followed(pointers: dict[int, int]) -> dict[int, int]:
    out = {}
    for k in pointers:
        root = k
        while pointers[root] != root:
            root = pointers[root]
        out[k] = root
    return out


def test_replay_on_ready_vectors_is_the_streaming_clusterer() -> None:
    articles = demo_articles()
    rows, ends = replay_rows(articles)
    pointers = {a.position: a.pointer for a in replay(rows, ends)}
    expected = stream_labels(in_stream_order(articles)[0])
    got = [pointers[k] for k in range(len(rows))]
    assert score(got, expected).b3_f1 == 1.0
    assert len(set(got)) == len(set(expected)) == 4


def test_a_slice_replayed_after_a_warm_up_points_into_the_earlier_slice() -> None:
    rows, ends = replay_rows(demo_articles())
    cut = len(rows) // 2
    first = {a.position: a.pointer for a in replay(rows[:cut], ends)}
    warm = [
        ReplayRow(r.position, r.key, r.published, r.vectors, r.parent, r.parent_key, own=False, distinct=r.distinct)
        for r in rows[:cut]
    ]
    second = {a.position: a.pointer for a in replay(warm + rows[cut:], ends)}
    assert set(second) == set(range(cut, len(rows)))  # warm-up rows are not assigned again
    assert any(p < cut for p in second.values())  # stories of the first slice continue in the second
    exact = {a.position: a.pointer for a in replay(rows, ends)}
    got = followed({**first, **second})
    # The warm-up holds everything before the cut, so the slices together decide as one pass does.
    assert score([got[k] for k in range(len(rows))], [exact[k] for k in range(len(rows))]).b3_f1 == 1.0


# --- the frame tools, against Spark ------------------------------------------------------------


def test_spark_hash_and_partition_keys_are_sparks(spark) -> None:
    from pyspark.sql import functions as F

    ids = [0, 1, -1, 42, 2**31, -(2**31) - 1, 2**62 + 12345, -(2**63), 2**63 - 1, *range(1000, 1200)]
    table = spark.createDataFrame([(i,) for i in ids], "id long")
    assert spark_hash(np.array(ids)).tolist() == [r[0] for r in table.select(F.hash("id")).collect()]
    for n in (1, 2, 7, 64):
        keys = partition_keys(n)
        searched = spark.range(0, 16 * n).groupBy(F.pmod(F.hash("id"), F.lit(n)).alias("p")).agg(F.min("id"))
        assert keys == [int(r[1]) for r in sorted(searched.collect())]  # the keys Spark's search found
        dealt = spark.createDataFrame(list(enumerate(keys)), "p int, k long").repartition(n, "k")
        assert dealt.where(F.col("p") != F.spark_partition_id()).count() == 0  # each key lands in its partition


def test_with_index_numbers_the_rows_in_order_and_sums_columns(spark) -> None:
    from pyspark.sql import functions as F

    shuffled = spark.range(0, 1000).select(((F.col("id") * 7919) % 1000).alias("k"), (F.col("id") % 3).alias("w"))
    indexed = with_index(shuffled, ["k"], "i", 5, sums=["w"])
    rows = indexed.frame.orderBy("i").collect()
    assert [r["i"] for r in rows] == [r["k"] for r in rows] == list(range(1000))
    assert indexed.rows == 1000 and indexed.sums == {"w": sum(i % 3 for i in range(1000))}


def test_a_lookup_is_the_same_in_the_plan_and_broadcast(spark) -> None:
    from pyspark.sql import functions as F

    rows = spark.range(0, 3 * LITERAL_MAX).select(F.col("id"), (F.col("id") % (2 * LITERAL_MAX)).cast("int").alias("i"))
    for size in (LITERAL_MAX, 2 * LITERAL_MAX):  # a literal array, then a broadcast table
        values = [7 * k - 3 for k in range(size)]
        got = looked_up(rows.where(F.col("i") < size), "i", values, "v").select("i", "v").collect()
        assert got and all(r["v"] == values[r["i"]] for r in got)


# --- the demo corpus through every stage ------------------------------------------------------


def test_demo_stories_are_those_of_the_in_process_pipeline(demo_run) -> None:
    _, out, result = demo_run
    assert [s.status for s in result.stages] == ["done"] * 5
    expected = analyze_articles(demo_articles()).document()
    stories = read_jsonl(out / "stories.jsonl")
    lines = read_jsonl(out / "articles.jsonl")
    got = {line["id"]: line["story"] for line in lines}
    assert b3_f1(got, {a["id"]: a["story"] for a in expected["articles"]}) >= 0.99
    assert [line["id"] for line in lines] == [a.id for a in demo_articles()]  # input order
    assert [s["id"] for s in stories] == [s["id"] for s in expected["stories"]]
    for mine, theirs in zip(stories, expected["stories"], strict=True):
        assert mine["articles"] == theirs["articles"]
        assert mine["alignments"] == theirs["alignments"]
        assert mine == theirs  # provenance and facts too


def test_demo_tables_hold_what_the_stories_hold(demo_run) -> None:
    _, out, _ = demo_run
    stories = read_jsonl(out / "stories.jsonl")
    alignments = pd.read_parquet(out / "tables" / "alignments")
    edges = pd.read_parquet(out / "tables" / "edges")
    articles = pd.read_parquet(out / "tables" / "articles")
    assert len(alignments) == sum(len(s["alignments"]) for s in stories) > 0
    assert len(edges) == sum(len(s["provenance"]["edges"]) for s in stories) > 0
    assert dict(zip(articles["id"], articles["story"], strict=True)) == {
        a: s["id"] for s in stories for a in s["articles"]
    }
    first = stories[0]["alignments"][0]
    row = alignments[(alignments["a"] == first["a"]) & (alignments["b"] == first["b"])].iloc[0]
    assert [row["a_start"], row["a_end"], row["relation"]] == [*first["a_span"], first["relation"]]


def test_demo_copies_found_by_the_dedup_stage_are_those_of_the_duplicate_index(demo_run) -> None:
    _, out, _ = demo_run
    parents = pd.read_parquet(out / "stages" / "dedup" / "parents")
    positions = pd.read_parquet(out / "stages" / "clean" / "articles", columns=["id", "position"])
    id_of = dict(zip(positions["position"], positions["id"], strict=True))
    got = {id_of[p]: q for p, q in zip(parents["position"], parents["parent_id"], strict=True)}
    rows, _ = replay_rows(demo_articles())
    expected = {r.key: r.parent_key for r in rows if r.parent_key is not None}
    assert got == expected and got  # the demo's verbatim reprints


def test_document_frequencies_over_several_blocks_are_those_of_one(spark, demo_run) -> None:
    from storytrace.spark.cluster import frequencies_at_arrival

    _, out, _ = demo_run
    articles = spark.read.parquet(str(out / "stages" / "clean" / "articles"))
    count = articles.count()

    def frequencies(block: int) -> dict[int, dict[str, int]]:
        rows = frequencies_at_arrival(articles, count, block).collect()
        return {r["position"]: dict(r["df"]) for r in rows}

    one = frequencies(count)
    assert one == frequencies(4) and len(one) == count  # blocks of 4 positions: the earlier blocks' counts added


def test_a_second_run_skips_every_stage(spark, demo_run) -> None:
    source, out, _ = demo_run
    before = (out / "stories.jsonl").read_bytes()
    again = run_batch(spark, BatchOptions(input=str(source), out=str(out)))
    assert [s.status for s in again.stages] == ["skipped"] * 5
    assert again.figures("cluster")["stories"] == 4  # the figures come back from the markers
    assert (out / "stories.jsonl").read_bytes() == before


def test_time_slices_with_a_full_warm_up_give_the_exact_partition(spark, demo_run, tmp_path: Path) -> None:
    source, out, _ = demo_run
    sliced = tmp_path / "sliced"
    for stage in ("clean", "dedup"):  # done before: the sliced run skips them
        shutil.copytree(out / "stages" / stage, sliced / "stages" / stage)
    options = BatchOptions(input=str(source), out=str(sliced), stop_after="cluster", slice_articles=5, warmup_days=60)
    result = run_batch(spark, options)
    assert [s.status for s in result.stages] == ["skipped", "skipped", "done"]
    assert result.figures("cluster")["slices"] == 3
    assert b3_f1(assignments(sliced), assignments(out)) == 1.0


# --- Giveme5W1H dev ---------------------------------------------------------------------------


def test_giveme_stories_are_those_of_the_in_process_clusterer(spark, tmp_path: Path) -> None:
    if missing(DEFAULT_DATA, GIVEME_FILE) is not None:
        pytest.skip(f"{DEFAULT_DATA / GIVEME_FILE} not found")
    articles = [item.article for item in load_giveme(DEFAULT_DATA)]
    source = write_jsonl(tmp_path / "giveme.jsonl", records(articles))
    result = run_batch(spark, BatchOptions(input=str(source), out=str(tmp_path / "out"), stop_after="cluster"))
    assert result.figures("clean")["articles"] == len(articles)
    expected = stream_labels([prepare_row(article_row(a), ()) for a in articles])
    got = assignments(tmp_path / "out")
    f1 = b3_f1(got, {a.id: label for a, label in zip(articles, expected, strict=True)})
    print(f"Giveme5W1H dev, Spark against in-process: B3-F1 {f1:.4f}")
    assert f1 == 1.0
    # The same stories, ids included, as `storytrace cluster --lexical` gives (issue 28: one clusterer).
    clustered = CliRunner().invoke(app, ["cluster", str(source), "--lexical"])
    assert clustered.exit_code == 0, clustered.output
    assert got == {row["id"]: row["story"] for row in map(json.loads, clustered.stdout.splitlines())}


def test_reuters_stories_are_those_of_cluster(spark, tmp_path: Path) -> None:
    """2,000 Reuters bodies: Spark gives every article the story, id included, `storytrace cluster --lexical` gives."""

    if not any(REUTERS.glob("reuters21578-*.jsonl")):
        pytest.skip(f"{REUTERS} not found")
    source = write_jsonl(tmp_path / "reuters.jsonl", records(reuters_by_date(2000)))
    run_batch(spark, BatchOptions(input=str(source), out=str(tmp_path / "out"), stop_after="cluster"))
    clustered = CliRunner().invoke(app, ["cluster", str(source), "--lexical"])
    assert clustered.exit_code == 0, clustered.output
    expected = {row["id"]: row["story"] for row in map(json.loads, clustered.stdout.splitlines())}
    assert assignments(tmp_path / "out") == expected


# --- the command ------------------------------------------------------------------------------


def test_bad_records_are_named_and_the_rest_goes_on(spark, tmp_path: Path) -> None:
    good = records(demo_articles())[:3]
    clash = {**good[0], "text": "Another text under the same id."}
    edge = {"id": "edge", "text": "The Velm ferry ran on time all week, its owners said.", "published": "0001-01-01"}
    lines = [json.dumps(good[0]), "not json", json.dumps({"text": "no id"}), "", json.dumps(good[1]),
             json.dumps(clash), json.dumps(good[2]), json.dumps(edge)]  # fmt: skip
    source = tmp_path / "mixed.jsonl"
    source.write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(source), "--out", str(out), "--stop-after", "clean"])
    assert result.exit_code == 1, result.output
    problems = [line for line in result.stderr.splitlines() if line.startswith("storytrace: ")]
    assert problems[0].startswith(f"storytrace: {source}:2: not valid JSON")
    assert problems[1] == f"storytrace: {source}:3: record has no 'id'"
    assert problems[2].startswith(f"storytrace: {source}:6: id '{good[0]['id']}' is already used by {source}:1")
    assert problems[3] == (
        f"storytrace: {source}:8: 'published' is outside the years 1000-9000 ('0001-01-01'); stored without a date"
    )
    assert len(problems) == 4
    assert "4 articles" in result.stdout  # the record with the bad date is kept, without it
    assert len(read_jsonl(out / "problems.jsonl")) == 4


def test_a_missing_input_is_one_line_and_status_1(tmp_path: Path) -> None:
    missing_file = tmp_path / "nowhere.jsonl"
    result = runner.invoke(app, ["batch", str(missing_file), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"storytrace: {missing_file}: no such file or folder"


def test_only_the_spark_engine_and_known_stages_are_accepted(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", records(demo_articles())[:1])
    local = runner.invoke(app, ["batch", "--engine", "local", str(source)])
    assert local.exit_code == 2 and "--engine" in local.stderr
    stage = runner.invoke(app, ["batch", str(source), "--stop-after", "align"])
    assert stage.exit_code == 2 and "clean, dedup, cluster, analyze, write" in stage.stderr
    conf = runner.invoke(app, ["batch", str(source), "--conf", "spark.executor.memory"])
    assert conf.exit_code == 2 and "key=value" in conf.stderr


def test_adaptive_execution_is_off_on_one_machine_and_left_to_spark_on_a_cluster() -> None:
    from storytrace.spark.session import settings

    assert settings("local[2]", {}, False)["spark.sql.adaptive.enabled"] == "false"
    assert settings("local[2]", {}, False)["spark.sql.shuffle.partitions"] == "4"
    assert "spark.sql.adaptive.enabled" not in settings("yarn", {}, False)
    on = settings("local[2]", {"spark.sql.adaptive.enabled": "true"}, False)  # --conf wins
    assert on["spark.sql.adaptive.enabled"] == "true"


def test_a_story_that_fails_is_one_story_with_its_problem_not_a_failed_job(monkeypatch: pytest.MonkeyPatch) -> None:
    from storytrace.spark import stories as spark_stories

    rows = [
        {**r, "story": "s3", "rank": 0}
        for r in records([a for a in demo_articles() if a.id.startswith("s2-")])  # the kettle story's three articles
    ]

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("’")

    whole = spark_stories.story_rows(rows, ())
    assert not [r for r in whole if r["kind"] == "problem"]
    monkeypatch.setattr(spark_stories, "analyze_story", failing)
    broken = spark_stories.story_rows(rows, ())
    (story,) = [json.loads(r["json"]) for r in broken if r["kind"] == "story"]
    assert story["id"] == "s3" and sorted(story["articles"]) == sorted(r["id"] for r in rows)
    assert story["problems"] == [{"stage": "story", "articles": [r["id"] for r in rows], "error": "KeyError: '’'"}]
    assert [r["json"] for r in broken if r["kind"] == "problem"] == [
        f"story s3 (articles {', '.join(r['id'] for r in rows)}): story failed: KeyError: '’'"
    ]
    to_frame(broken, ROW_SCHEMA)  # the rows fit the stage's schema
