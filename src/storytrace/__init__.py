"""storytrace: which articles tell the same story, who copied whom, where sources differ."""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
