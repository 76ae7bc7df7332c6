"""Cluster stage: group articles into stories."""

from storytrace.cluster.grouping import group_articles

__all__ = ["group_articles"]
