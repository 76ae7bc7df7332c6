"""How an analysis runs: its models, whether it renders the report as it goes, how many processes, what it tells.

One object passed down the cascade (``analyze`` → ``analyze_articles`` → ``analyze_stories``) in place of the
same five parameters at every level. What an analysis works on (paths, articles, the store, what a helper
found ahead) stays a parameter of each function.

Not here: the settings a story's kept analysis depends on (``keys``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storytrace.align.classifier import default_scorer
from storytrace.align.relation import RelationScorer
from storytrace.pipeline.times import Progress, StageTimes, no_progress
from storytrace.semantic import Embedder
from storytrace.semantic.embed import model_kind


@dataclass(frozen=True)
class AnalysisOptions:
    """The models, rendering, processes and instruments of one analysis; every field has a working default."""

    embedder: Embedder | None = None  # sentence vectors; None: lexical features only
    scorer: RelationScorer | None = None  # the passages' relation model; None: the default for ``embedder``
    render: bool = False  # render each story's report page as it is analysed (``build_report`` then finds it)
    workers: int | None = None  # processes sharing the stories; None: ``workers.default_workers()``
    progress: Progress = no_progress  # told (stage, done, total) as the work goes
    times: StageTimes = field(default_factory=StageTimes)  # the seconds each stage took, added to as it goes

    def relation_scorer(self) -> RelationScorer:
        """The relation model: the one given, else the default for the embedder."""
        return self.scorer if self.scorer is not None else default_scorer(model_kind(self.embedder))
