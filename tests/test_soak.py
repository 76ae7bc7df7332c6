"""Soak on real text: ``storytrace analyze``, ``compare`` and ``pairs`` over the shared corpora never break.

Each corpus of ``../shared/data`` (``STORYTRACE_SHARED_DATA`` overrides the folder)
is turned into contract records (id, text, title, source, published, kind,
authors) in JSON Lines under the test's temporary folder, and the real command
runs on them in a subprocess with its default settings (the static sentence
embedder). A run passes when it exits 0 with no "internal error" on stderr, its
``stories.json`` is strict JSON (no NaN or Infinity) listing every distinct
article, no story carries ``problems`` (a stage that failed for it), every span
in the document (alignments, provenance passages, facts, credits, bylines)
lies inside its article's text and quotes it as the document states, and the
report renders every story. A corpus whose data is absent is skipped.

Corpora: every Giveme5W1H and METER text (METER's Press Association copy as
agency records), the PolNeAR and TempEval-3 articles, the first 2,000 non-empty
Reuters-21578 bodies, and a fixed sample of PAN 2013 pairs, each pair in its own
file and 60 days from the next, so that its two texts can form a story of their
own; the SemEval-2022 task 8 English articles (scraped, boilerplate left in) and
the UCI News Aggregator headlines (one-line, undated articles). The Reuters
bodies also run twice on one store, the folder grown between the runs.
``compare --json`` runs on a sample of PAN pairs, ``pairs`` on every MSRP and
STS-B pair. ``pytest -s`` shows each run's figures (texts, stories, seconds).

All of it is marked ``slow``: run it alone with ``pytest -q -s tests/test_soak.py``.
Not here: any judgement of the results' quality (tests/test_quality_gate.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from document_spans import span_errors
from report_files import written
from support.paths import DATA

pytestmark = pytest.mark.slow

REUTERS_BODIES = 2000
PAN_EVERY = 4  # the analysed PAN sample: every 4th pair (59 of 236)
PAN_COMPARE_EVERY = 12  # compare --json on every 12th pair (20 of 236)
RUN_TIMEOUT = 900  # seconds for one command: far above what any corpus takes

Record = dict[str, Any]


def read_jsonl(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def need(*names: str) -> list[Path]:
    """The corpus files ``names`` under the data folder; skips the test if one is absent."""
    paths = [DATA / name for name in names]
    for path in paths:
        if not path.is_file():
            pytest.skip(f"{path} not found")
    return paths


def record(rid: str, text: str, **meta: Any) -> Record:
    """A contract record: the id and text, and each metadata field that has a value."""
    return {"id": rid, "text": text, **{k: v for k, v in meta.items() if v not in (None, "", [])}}


def meter_date(value: str) -> str | None:
    """METER's ``dd.mm.yy`` (1999-2000) as an ISO date."""
    try:
        day, month, year = (int(part) for part in value.split("."))
    except ValueError:
        return None
    return date(year + (1900 if year >= 50 else 2000), month, day).isoformat()


def reuters_date(value: str) -> str | None:
    """Reuters-21578's ``26-FEB-1987 15:01:01.79`` as ISO 8601."""
    try:
        return datetime.strptime(value.strip().split(".")[0], "%d-%b-%Y %H:%M:%S").isoformat()
    except ValueError:
        return None


def giveme() -> dict[str, list[Record]]:
    (path,) = need("giveme5w1h-newscluster/news_cluster.jsonl")
    rows = [
        record(
            str(r["id"]),
            r.get("text") or "",
            title=r.get("title"),
            source=r.get("source_domain"),
            published=r.get("date_publish"),
            authors=r.get("authors"),
        )  # fmt: skip
        for r in read_jsonl(path)
    ]
    return {"giveme.jsonl": rows}


def meter() -> dict[str, list[Record]]:
    papers, pa = need("meter/newspaper_articles.jsonl", "meter/pa_sources.jsonl")
    agency = [
        record(r["id"], r["text"], source="Press Association", published=meter_date(r["date"]), kind="agency")
        for r in read_jsonl(pa)
    ]
    own = [
        record(r["id"], r["text"], source=r.get("newspaper"), published=meter_date(r["date"]))
        for r in read_jsonl(papers)
    ]
    return {"pa.jsonl": agency, "newspapers.jsonl": own}


def polnear() -> dict[str, list[Record]]:
    (path,) = need("polnear/articles.jsonl")
    rows = [
        record(r["id"], r["text"], title=r.get("title"), source=r.get("source"), published=r.get("published"))
        for r in read_jsonl(path)
    ]
    return {"polnear.jsonl": rows}


def tempeval() -> dict[str, list[Record]]:
    (path,) = need("tempeval3-aquaint/documents.jsonl")
    rows = [record(r["id"], r["text"], title=r.get("title"), published=r.get("dct")) for r in read_jsonl(path)]
    return {"tempeval.jsonl": rows}


def reuters() -> dict[str, list[Record]]:
    if not (DATA / "reuters21578").is_dir():
        pytest.skip(f"{DATA / 'reuters21578'} not found")
    rows: list[Record] = []
    for shard in sorted((DATA / "reuters21578").glob("reuters21578-*.jsonl")):
        for r in read_jsonl(shard):
            if len(rows) == REUTERS_BODIES:
                return {"reuters.jsonl": rows}
            if r.get("body"):
                rows.append(
                    record(
                        f"reuters-{r['newid']}",
                        r["body"],
                        title=r.get("title"),
                        source="Reuters",
                        published=reuters_date(r.get("date") or ""),
                        kind="agency",
                    )  # fmt: skip
                )
    return {"reuters.jsonl": rows}


def pan_pairs(every: int) -> list[Record]:
    (path,) = need("pan13-text-alignment/pairs.jsonl")
    return list(read_jsonl(path))[::every]


def pan_articles(pair: Record, day: date) -> list[Record]:
    """A PAN pair's two texts as articles of the same day, named after the pair (a text recurs in several)."""
    return [
        record(f"{pair['id']}/{side}", pair[f"{side}_text"], title=pair[f"{side}_id"], published=day.isoformat())
        for side in ("source", "suspicious")
    ]


def pan() -> dict[str, list[Record]]:
    start = date(2013, 1, 1)
    return {
        f"pan-{n:03d}.jsonl": pan_articles(pair, start + timedelta(days=60 * n))
        for n, pair in enumerate(pan_pairs(PAN_EVERY))
    }


def semeval() -> dict[str, list[Record]]:
    (path,) = need("semeval2022-task8-en-sample/pairs_en.jsonl")
    rows = [
        record(f"semeval-{r['row']}-{k}", r[f"text_{k}"], title=r.get(f"title_{k}"))
        for r in read_jsonl(path)
        for k in (1, 2)
        if r.get(f"text_{k}")
    ]
    return {"semeval.jsonl": rows}


def headlines() -> dict[str, list[Record]]:
    """UCI News Aggregator headlines as articles of one line each, undated."""
    (path,) = need("uci-news-aggregator-sample/headlines.jsonl")
    rows = [
        record(f"uci-{r['id']}", r["title"], source=r.get("publisher"), url=r.get("url"))
        for r in read_jsonl(path)
        if r.get("title")
    ]
    return {"headlines.jsonl": rows}


CORPORA: dict[str, Callable[[], dict[str, list[Record]]]] = {
    "giveme5w1h": giveme,
    "meter": meter,
    "polnear": polnear,
    "tempeval3": tempeval,
    "reuters": reuters,
    "pan13": pan,
    "semeval2022": semeval,
    "uci_headlines": headlines,
}


def write_jsonl(path: Path, rows: list[Record]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def storytrace(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command, as a user runs it, with the default settings."""
    env = {k: v for k, v in os.environ.items() if k not in ("STORYTRACE_EMBEDDER", "STORYTRACE_DEBUG")}
    return subprocess.run(
        [sys.executable, "-m", "storytrace", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=RUN_TIMEOUT,
    )  # fmt: skip


def not_json(constant: str) -> None:
    raise AssertionError(f"{constant} in the output: not JSON (RFC 8259)")


def assert_clean_exit(run: subprocess.CompletedProcess[str], what: str) -> None:
    assert "internal error" not in run.stderr, f"{what}: {run.stderr}"
    assert run.returncode == 0, f"{what}: exit {run.returncode}\n{run.stderr}"


def analyze(inputs: dict[str, list[Record]], tmp_path: Path, label: str) -> None:
    """``storytrace analyze`` on ``inputs`` written into ``tmp_path/in`` (the store in ``tmp_path/out``); the checks."""
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name, rows in inputs.items():
        write_jsonl(folder / name, rows)
    texts = {row["id"]: row["text"] for rows in inputs.values() for row in rows}
    started = time.perf_counter()
    run = storytrace("analyze", folder, "--out", tmp_path / "out", cwd=tmp_path)
    seconds = time.perf_counter() - started
    assert_clean_exit(run, f"analyze {label}")
    doc = json.loads((tmp_path / "out" / "stories.json").read_text(encoding="utf-8"), parse_constant=not_json)
    stories = doc["stories"]
    print(f"\nsoak {label}: {len(texts):,} texts, {len(doc['articles']):,} articles, {len(stories):,} stories, "
          f"{sum(len(s.get('alignments', [])) for s in stories):,} alignments, {seconds:.1f} s")  # fmt: skip
    # Records with the same text, title, source and date are one article, stored (and listed) once.
    contents = {tuple(row.get(k) for k in ("text", "title", "source", "published")) for row in rows_of(inputs)}
    assert {a["id"] for a in doc["articles"]} <= texts.keys() and len(doc["articles"]) == len(contents)
    troubled = {s["id"]: s["problems"] for s in stories if s.get("problems")}
    assert not troubled, troubled
    bad_spans = [line for a in doc["articles"] for line in span_errors(a, texts, a["id"], a["id"])]
    bad_spans += [line for s in stories for line in span_errors(s, texts, None, s["id"])]
    assert not bad_spans, bad_spans[:20]
    report = written(tmp_path / "out")
    assert report.count('<section class="card story"') == len(stories)
    assert "could not be shown" not in report  # a story the report failed to render


def rows_of(inputs: dict[str, list[Record]]) -> Iterator[Record]:
    for rows in inputs.values():
        yield from rows


@pytest.mark.parametrize("corpus", list(CORPORA))
def test_analyze_real_corpus(corpus: str, tmp_path: Path) -> None:
    analyze(CORPORA[corpus](), tmp_path, corpus)


def test_analyze_a_grown_folder_again(tmp_path: Path) -> None:
    """A second run on the same store over the folder grown (stories kept, the stream resumed, new ones added)."""
    grown = reuters()
    first = {name: rows[: len(rows) * 3 // 4] for name, rows in grown.items()}
    analyze(first, tmp_path, "reuters, first three quarters")
    analyze(grown, tmp_path, "reuters, grown to all, same store")


def test_compare_json_on_pan_pairs(tmp_path: Path) -> None:
    pairs = pan_pairs(PAN_COMPARE_EVERY)

    def one(n: int) -> tuple[list[Record], subprocess.CompletedProcess[str]]:
        sides = pan_articles(pairs[n], date(2013, 1, 1))
        paths = [tmp_path / f"{n:03d}-{side}.json" for side in ("a", "b")]
        for path, article in zip(paths, sides, strict=True):
            path.write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
        return sides, storytrace("compare", *paths, "--json", cwd=tmp_path)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:  # two at a time: the machine has two cores
        runs = list(pool.map(one, range(len(pairs))))
    seconds = time.perf_counter() - started
    aligned = 0
    for (a, b), run in runs:
        assert_clean_exit(run, f"compare {a['id']} {b['id']}")
        doc = json.loads(run.stdout, parse_constant=not_json)
        assert {"a", "b", "alignments", "derivation", "facts"} <= doc.keys()
        # each alignment's a_span and b_span index the two texts as given (named "a" and "b" here)
        alignments = [{**al, "a": "a", "b": "b"} for al in doc["alignments"]]
        bad = list(span_errors(alignments, {"a": a["text"], "b": b["text"]}, path=a["id"]))
        assert not bad, bad[:20]
        aligned += len(alignments)
    print(f"\nsoak compare --json: {len(runs)} PAN pairs, {aligned:,} alignments, {seconds:.1f} s")


def sentence_pairs() -> list[Record]:
    msrp, stsb = DATA / "msrp" / "msrp_train.jsonl", DATA / "stsb" / "stsb_news.jsonl"
    if not (msrp.is_file() or stsb.is_file()):
        pytest.skip(f"neither {msrp} nor {stsb} found")
    rows = []
    for name, path in (("msrp", msrp), ("stsb", stsb)):
        if path.is_file():
            rows += [
                {"id": f"{name}-{n}", "a": r["sentence1"], "b": r["sentence2"]} for n, r in enumerate(read_jsonl(path))
            ]
    return rows


def test_pairs_on_msrp_and_stsb(tmp_path: Path) -> None:
    rows = sentence_pairs()
    write_jsonl(tmp_path / "pairs.jsonl", rows)
    started = time.perf_counter()
    run = storytrace("pairs", tmp_path / "pairs.jsonl", "--out", tmp_path / "verdicts.jsonl", cwd=tmp_path)
    print(f"\nsoak pairs: {len(rows):,} MSRP and STS-B pairs, {time.perf_counter() - started:.1f} s")
    assert_clean_exit(run, "pairs")
    lines = (tmp_path / "verdicts.jsonl").read_text(encoding="utf-8").splitlines()
    verdicts = [json.loads(line, parse_constant=not_json) for line in lines]
    assert [v["id"] for v in verdicts] == [r["id"] for r in rows]
    assert all(v["relation"] and isinstance(v["paraphrase"], bool) for v in verdicts)
