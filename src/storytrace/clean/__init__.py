"""Clean stage: bylines, datelines, agency credits and boilerplate split off as metadata."""

from storytrace.clean.agencies import BUILTIN_AGENCIES, Agency, agencies_of, agencies_with
from storytrace.clean.rules import clean_article

__all__ = ["BUILTIN_AGENCIES", "Agency", "agencies_of", "agencies_with", "clean_article"]
