"""Trace stage: provenance, who copied whom inside a story."""
