"""The self-contained HTML report that ``storytrace analyze`` writes next to ``stories.json``.

``render_report`` turns a ``stories.json`` document (plus the articles' texts) into one
HTML page with inline CSS and JavaScript; ``segments`` is the pure span-splitting helper
it uses to highlight aligned passages. Not here: writing files, running any analysis.
"""

from storytrace.report.html import render_report, segments

__all__ = ["render_report", "segments"]
