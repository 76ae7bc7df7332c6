"""The main job, stage by stage: ingest, clean, group, align, trace, document.

``analyze`` runs the cascade

1. ingest   read the inputs and store them (idempotent, transactional);
2. clean    split bylines, datelines, credits, boilerplate off each article;
3. segment  paragraphs and sentences with offsets;
4. cluster  assign new articles to stories (the streaming clusterer, resumed
            from the assignments kept in the store: earlier ones never move);
5. align    compare every pair of articles inside each story;
6. trace    the reuse graph of each story;
7. document the ``stories.json`` document (the report renders it).

Each stage is a pure function of the previous stage's dataclasses; this
package only wires them, keeps what can be re-used in the store (story
assignments, the clusterer's per-article features, each story's analysis
under a signature of its members and settings), and reports progress through
a callback.

The package's modules: ``cascade`` (``analyze``: the stages wired), ``ingesting`` (stage 1), ``replay``
(stage 4 over a store), ``workers`` and ``story`` (stages 5-7), ``reuse`` and ``keys`` (what is kept and
re-used), ``document`` (the ``stories.json`` text and what the store keeps of it), ``outputs`` (the report and
the files), ``times`` (progress and time per stage). Their public entry points are named here.


Not here: command-line parsing and printing (``cli``), HTML (``report``), which pairs of a story are aligned
(``align.policy``).
"""

from storytrace.pipeline.cascade import analyze, analyze_articles, member_order, prepare_all
from storytrace.pipeline.document import (
    AnalysedText,
    Analysis,
    StoryOutline,
    latest_document,
    latest_signatures,
    latest_story,
    outline_of,
)
from storytrace.pipeline.ingesting import ingest, ingest_report
from storytrace.pipeline.options import AnalysisOptions
from storytrace.pipeline.outputs import build_report, write_outputs
from storytrace.pipeline.replay import assign_stories
from storytrace.pipeline.story import analyze_story, compare_facts
from storytrace.pipeline.times import Progress, StageTimes
from storytrace.pipeline.workers import analyze_stories, default_workers

__all__ = [
    "AnalysedText",
    "AnalysisOptions",
    "Analysis",
    "Progress",
    "StageTimes",
    "StoryOutline",
    "analyze",
    "analyze_articles",
    "analyze_stories",
    "analyze_story",
    "assign_stories",
    "build_report",
    "compare_facts",
    "default_workers",
    "ingest",
    "ingest_report",
    "latest_document",
    "latest_signatures",
    "latest_story",
    "member_order",
    "outline_of",
    "prepare_all",
    "write_outputs",
]
