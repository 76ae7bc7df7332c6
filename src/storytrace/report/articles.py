"""The view of each article a story shows (``ArticleView``), read leniently from the document's article objects.

The articles' objects (``meta``: metadata, boilerplate spans, why the clusterer placed them) stay JSON
mappings, read by ``readers``: they are not part of ``model.StoryResult``. The story's own parts come typed.

What it does: an article's label (its outlet), metadata, text and boilerplate spans, its
provenance role and why the clusterer put it in its story, in one line; the view of a wire
credited but not in the corpus; a story's article ids; publication order for display.

What it does not do: mark passages in the text (``pairs``, ``fact_tables``) or lay anything out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from storytrace.model import Provenance, ProvenanceNode, StoryResult
from storytrace.naming import outlet_of_record
from storytrace.published import sort_key
from storytrace.report.readers import as_list, as_mapping, as_strs, as_text
from storytrace.report.views import ArticleView


def article_view(aid: str, meta: Mapping[str, Any], texts: Mapping[str, str], role: str) -> ArticleView:
    """Build the view of article ``aid``; works with no metadata at all."""
    source = as_text(meta.get("source"))
    return ArticleView(
        id=aid,
        label=outlet_of_record({"id": aid, **meta}),
        source=source,
        title=as_text(meta.get("title")),
        published=as_text(meta.get("published")),
        authors=as_strs(meta.get("authors")),
        credited=as_strs(meta.get("credited")),
        agency=meta.get("kind") == "agency",
        role=role,
        text=as_text(texts.get(aid)),
        boiler=as_list(meta.get("boilerplate_spans")),
        joined=joined_text(as_mapping(meta.get("joined"))),
    )


def joined_text(reason: Mapping[str, Any]) -> str:
    """Why the clusterer put an article in its story, in one line (``model.JoinReason`` as JSON)."""
    how = reason.get("how")
    if how == "copy":
        return f"a copy of {as_text(reason.get('copy_of'))}"
    if how == "opened":
        return "opened the story"
    if how != "joined":
        return ""
    parts = ["joined"]
    if isinstance(reason.get("score"), (int, float)):
        parts[0] += f" at {reason['score']:.0%}"
    if terms := as_strs(reason.get("terms")):
        parts.append("shares " + ", ".join(terms))
    if names := as_strs(reason.get("names")):
        parts.append("names " + ", ".join(names))
    gap = reason.get("gap_days")
    if isinstance(gap, (int, float)):
        parts.append(f"{gap:.1f} days after the story's latest" if gap >= 0 else f"{-gap:.1f} days before its latest")
    return "; ".join(parts)


def by_publication(views: list[ArticleView]) -> list[ArticleView]:
    """Sort articles by publication date, undated ones last, ties in given order."""
    return sorted(views, key=lambda v: sort_key(v.published))


def absent_view(node_id: str, node: ProvenanceNode | None) -> ArticleView:
    """The view of a wire credited but not in the corpus: a node with a name and no text."""
    name = (node.label if node else "") or node_id.removeprefix("agency:")
    note = (node.note if node else "") or "credited, not in this corpus"
    return ArticleView(node_id, f"{name} ({note})", name, "", "", [], [], True, "absent", "", [])


def story_ids(story: StoryResult, meta: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """List the story's article ids; if it lists none, the articles naming the story."""
    ids = [aid for aid in story.articles if aid]
    return ids or [aid for aid, m in meta.items() if story.id and m.get("story") == story.id]


def article_viewer(
    meta: Mapping[str, Mapping[str, Any]], texts: Mapping[str, str], prov: Provenance
) -> Callable[[str], ArticleView]:
    """Make a memoised ``id -> ArticleView`` for one story, provenance role filled in."""
    roots = set(prov.roots)
    derived = {e.copy for e in prov.edges}
    cache_: dict[str, ArticleView] = {}

    def view(aid: str) -> ArticleView:
        if aid not in cache_:
            role = "root" if aid in roots else "derived" if aid in derived else ""
            cache_[aid] = article_view(aid, meta.get(aid, {}), texts, role)
        return cache_[aid]

    return view
