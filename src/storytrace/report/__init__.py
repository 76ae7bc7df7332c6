"""The self-contained HTML report that ``storytrace analyze`` writes next to ``stories.json``.

``render_report`` turns a ``stories.json`` document (plus the articles' texts) into the
report's files: an index (``report.html``) with search, sort and filters, and one page per
story (``stories/NAME.html``), each with inline CSS and JavaScript; ``segments`` is the pure
span-splitting helper it uses to highlight aligned passages. Not here: writing files,
running any analysis.
"""

from storytrace.report.highlight import segments
from storytrace.report.site import INDEX, PAGES, Report, render_report

__all__ = ["INDEX", "PAGES", "Report", "render_report", "segments"]
