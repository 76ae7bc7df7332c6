"""The report of an analysis and the files a run writes: ``stories.json``, the story pages, ``report.html``.

Not here: rendering a page (``report``), writing a file whole or not at all (``storytrace.outputs``).
"""

from __future__ import annotations

from pathlib import Path

from storytrace.model import StageProblem
from storytrace.outputs import OutputError, remove_others, write_atomically, write_if_changed
from storytrace.pipeline.document import Analysis
from storytrace.report import manifest
from storytrace.report.site import INDEX, PAGES, PageStory, Report, render_site
from storytrace.store import Store


def build_report(
    analysis: Analysis,
    store: Store | None = None,
    generated: str | None = None,
    problems: list[str] | None = None,
    out_dir: Path | None = None,
) -> Report:
    """The HTML report of ``analysis``: its index and a page per story, in memory (``write_outputs`` writes them).

    With ``store``, each story's rendering is kept there under its signature: a story whose signature is
    kept (same members, texts and code) is not rendered again, nor its JSON read, and the report is the
    same as rendered whole (``report.site.render_site`` puts it together as bytes). ``problems`` gets a
    line for each story that could not be rendered (its page says so). With ``store`` and ``out_dir``
    (where ``write_outputs`` will write), a page that the manifest there says was written from the same
    inputs, and whose file is as it was written, is not built (``Report.kept``).
    """
    page = [PageStory(o.id, o.key if store is not None else None, o.load) for o in analysis.stories]
    failed: list[tuple[str, StageProblem]] = []
    unchanged = manifest.intact(out_dir) if store is not None and out_dir is not None else None
    report = render_site(
        page,
        analysis.texts,
        len(analysis.texts),
        generated=generated,
        cache=store,
        problems=failed,
        unchanged=unchanged,
    )
    if problems is not None:
        problems.extend(p.line(story_id) for story_id, p in failed)
    return report


def write_outputs(analysis: Analysis, report: Report, out_dir: Path) -> None:
    """Write ``OUT/stories.json`` (one article or story per line), the story pages and ``OUT/report.html``.

    Each file is replaced whole or not at all (``outputs.write_atomically``); the folders are made if need be.
    A story page that holds the bytes it would get is left as it is, and pages of stories the report no longer
    has are removed: a re-run writes the pages of the stories that changed (and of their neighbours), the
    index and ``stories.json``. The pages are written before the index and the old pages removed after it, so
    that the index on disk only ever links to pages that are there. The report's ``kept`` pages are left as
    they are on disk. Then the page manifest (``manifest``) records every page's signature and file stamp.
    """
    pages = out_dir / PAGES
    for folder in (out_dir, pages):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = (error.strerror or str(error)).lower()
            raise OutputError(str(folder), f"cannot make the output folder: {reason}") from None
    write_atomically(out_dir / "stories.json", analysis.document_utf8)
    for path, data in report.pages.items():
        write_if_changed(out_dir / path, data)
    write_atomically(out_dir / INDEX, report.index)
    current = [*report.pages, *report.kept]
    remove_others(pages, {Path(path).name for path in current}, suffix=".html")
    manifest.write(out_dir, report.signatures, current)
