"""Align stage: sentence pairs, passages and relations between two articles."""
