"""The data behind the web UI: the latest analysis of a store, searchable, and the one writer.

``Library`` holds an immutable :class:`Snapshot` of the store's latest saved
analysis (the ``stories.json`` document) with indexes for the pages, and
replaces it whole after each write, so readers never see half an update.
Writes (ingesting articles, re-analysing) run one at a time under a lock, in
whatever worker thread calls them; each opens its own :class:`Store`
connection, as SQLite connections stay in the thread that made them, and holds
the store's writer lock (:meth:`Store.writer`) as ``ingest`` and ``analyze``
do, waiting for another process's writer only briefly (:class:`StoreBusy`).
A story whose analysis raises is held back: the rest is analysed and shown,
the upload that met it is told why, and later uploads go on without it.

Not here: HTTP, HTML (``web.routes``, ``web.views``); any analysis logic (``pipeline``).
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import logging
import os
import re
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storytrace.codec.story import problems_from_json
from storytrace.errors import BadInput, StoreBusy
from storytrace.ingest import classify, read_paths, record_to_article
from storytrace.ingest.formats import SINGLE_ARTICLE_SUFFIXES, upload_words
from storytrace.ingest.paths import FileKind
from storytrace.ingest.records import surrogate_problem
from storytrace.isolation import debugging, error_text
from storytrace.model import Article, InputProblem
from storytrace.naming import outlet_of_record
from storytrace.pipeline import AnalysisOptions, analyze_articles, assign_stories, latest_document, outline_of
from storytrace.published import sort_key
from storytrace.semantic import CachedEmbedder
from storytrace.store import Store
from storytrace.store.lock import WRITER_WAIT_SECONDS
from storytrace.web.form import ArticleFields

NO_FIELDS = ArticleFields()

log = logging.getLogger(__name__)

PAGE_SIZE = 20
SORTS = ("size", "recent", "outlets")
MAX_ID_CHARS = 80  # a pasted article's id made from its title is cut to this many characters
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
"""Largest decompressed size of a gzipped upload: ten times the upload limit, well above what text compresses to.

Beyond it the upload is refused before more is unpacked. Without this cap a 2.4 MB gzip of repeated text
unpacked to the readers' 1 GiB cap of the time, taking 9 s and 1.3 GB of memory per upload (at 9fab5f8).
"""
WEB_WRITER_WAIT_SECONDS = 5.0
"""How long an upload waits for another process's writer (``storytrace ingest``/``analyze``) before a 503."""


@dataclass(frozen=True)
class StorySummary:
    """One row of the story list, with what search and sorting need."""

    id: str
    title: str
    articles: int
    outlets: list[str]
    first_published: str | None
    last_published: str | None
    haystack: str  # lower-cased titles, texts and entity names, for search


@dataclass(frozen=True)
class Snapshot:
    """An analysis document and its indexes; replaced whole, never changed."""

    document: dict[str, Any]
    stories: dict[str, dict[str, Any]]
    articles: dict[str, dict[str, Any]]
    summaries: list[StorySummary]

    @classmethod
    def empty(cls) -> Snapshot:
        """The snapshot of a store with nothing analysed."""
        return cls({"articles": [], "stories": []}, {}, {}, [])

    @classmethod
    def of(cls, document: dict[str, Any], texts: Mapping[str, str]) -> Snapshot:
        """Index ``document``; ``texts`` (article id to text) feed the search."""
        stories = {str(s["id"]): s for s in document.get("stories", []) if isinstance(s, dict) and "id" in s}
        articles = {str(a["id"]): a for a in document.get("articles", []) if isinstance(a, dict) and "id" in a}
        summaries = [_summary(s, articles, texts) for s in stories.values()]
        return cls(document, stories, articles, summaries)


def _summary(story: dict[str, Any], articles: Mapping[str, dict[str, Any]], texts: Mapping[str, str]) -> StorySummary:
    ids = [str(i) for i in story.get("articles", [])]
    metas = [articles.get(i, {}) for i in ids]
    outlets = list(dict.fromkeys(outlet_of_record({"id": i, **m}) for i, m in zip(ids, metas, strict=True)))
    dates = sorted((str(m["published"]) for m in metas if m.get("published")), key=when)
    entities = [str(e.get("name", "")) for e in story.get("facts", {}).get("entities", []) if isinstance(e, dict)]
    words = [str(story.get("title") or ""), *(str(m.get("title") or "") for m in metas)]
    words += [texts.get(i, "") for i in ids] + entities + outlets
    return StorySummary(
        id=str(story["id"]),
        title=str(story.get("title") or ""),
        articles=len(ids),
        outlets=outlets,
        first_published=story.get("first_published") or (dates[0] if dates else None),
        last_published=dates[-1] if dates else None,
        haystack="\n".join(words).casefold(),
    )


when = sort_key
"""Sort key of a publication date (``storytrace.published.sort_key``): instants by time, other values, none."""


@dataclass(frozen=True)
class Listing:
    """One page of the story list."""

    items: list[StorySummary]
    total: int
    page: int
    pages: int
    q: str
    sort: str


def list_stories(summaries: Sequence[StorySummary], q: str = "", sort: str = "size", page: int = 1) -> Listing:
    """Filter by the words of ``q`` (all must occur), sort, and cut page ``page`` (1-based)."""
    words = q.casefold().split()
    found = [s for s in summaries if all(w in s.haystack for w in words)]
    sort = sort if sort in SORTS else "size"
    if sort == "recent":
        found.sort(key=lambda s: (when(s.last_published)[0], -when(s.last_published)[1], -s.articles, s.id))
    elif sort == "outlets":
        found.sort(key=lambda s: (-len(s.outlets), -s.articles, when(s.first_published), s.id))
    else:
        found.sort(key=lambda s: (-s.articles, when(s.first_published), s.id))
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    return Listing(found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], len(found), page, pages, q, sort)


@dataclass(frozen=True)
class Placed:
    """Where an ingest put its (first) article, and what went wrong analysing its story (one line each)."""

    article: str
    story: str | None  # None: stored, but its story is not shown (see ``problems``)
    new_story: bool
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # what the input lost (a date dropped, a record refused) or changed, one line each


@dataclass(frozen=True)
class Held:
    """A story left out of the analysis because analysing it raised: why, and its members then."""

    error: str
    members: frozenset[str]


@dataclass
class Library:
    """The store behind the UI: its latest analysis (``snapshot``) and the one writer."""

    db: Path
    embedder: CachedEmbedder | None = None
    writer_wait: float = WEB_WRITER_WAIT_SECONDS
    snapshot: Snapshot = field(default_factory=Snapshot.empty)
    placements: dict[str, bool] = field(default_factory=dict)  # article id -> opened a new story
    held: dict[int, Held] = field(default_factory=dict)  # story (as stored) -> why it is left out
    ready: threading.Event = field(default_factory=threading.Event)
    failure: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def store(self) -> Iterator[Store]:
        """A connection to the store for the calling thread (closed afterwards)."""
        with Store(self.db) as store:
            yield store

    @contextmanager
    def writing(self, wait: float | None = None) -> Iterator[Store]:
        """The store, for this server's one writer, holding the writer lock that ``ingest`` and ``analyze`` take.

        Another process's writer is waited for ``wait`` seconds (default :attr:`writer_wait`), then
        :class:`StoreBusy` says who holds the store, in one line.
        """
        with self._lock, self.store() as store, ExitStack() as held:
            try:
                held.enter_context(store.writer(timeout=self.writer_wait if wait is None else wait))
            except StoreBusy:
                pid = _writer_pid(self.db)
                holder = f" (pid {pid})" if pid else ""
                message = f"another storytrace writer{holder} is using the store; try again when it ends"
                raise StoreBusy(str(self.db), message) from None
            yield store

    def load(self) -> bool:
        """Load the latest saved analysis; True if it covers the store (no analysis needed)."""
        with self.store() as store:
            document = latest_document(store)
            stored = store.count()
            if document is None:
                if stored == 0:
                    self.ready.set()
                return stored == 0
            texts = _texts(store, document)
        self.snapshot = Snapshot.of(document, texts)
        self.ready.set()
        return len(self.snapshot.articles) >= stored

    def analyse(self) -> None:
        """Analyse every stored article (re-using kept story results) and save the document.

        At start-up: another process's writer is waited for as long as the CLI waits.
        """
        try:
            with self.writing(WRITER_WAIT_SECONDS) as store:
                self._analyse(store)
        except Exception as e:  # noqa: BLE001 - shown on every page instead of a dead server
            self.failure = error_text(e)
            raise
        finally:
            self.ready.set()

    def _analyse(self, store: Store) -> dict[str, int]:
        """Assign stories, analyse, save and publish the new snapshot (caller holds the lock).

        If the analysis raises, the stories of articles new since the last snapshot are
        tried one by one, those that fail are held back (:meth:`_hold_failing`) and the
        rest is analysed again.
        """
        with self._embedder_on(store):
            story_of = assign_stories(store, self.embedder)
            articles, touched = self._to_analyse(list(store.articles()), story_of)
            try:
                analysed = analyze_articles(
                    articles, AnalysisOptions(embedder=self.embedder), story_of=story_of, store=store
                )
            except Exception:
                if debugging() or not self._hold_failing(articles, story_of, touched):
                    raise
                articles = [a for a in articles if story_of[a.id] not in self.held]
                analysed = analyze_articles(
                    articles, AnalysisOptions(embedder=self.embedder), story_of=story_of, store=store
                )
            store.save_analysis(outline_of(analysed, [a.id for a in articles]))
            document = analysed.document()
        self.snapshot = Snapshot.of(document, {a.id: a.text for a in articles})
        self.failure = None
        return story_of

    @contextmanager
    def _embedder_on(self, store: Store) -> Iterator[None]:
        """The embedder caches its vectors in ``store`` while the block runs."""
        if self.embedder is not None:
            self.embedder.store = store
        try:
            yield
        finally:
            if self.embedder is not None:
                self.embedder.store = None

    def _to_analyse(self, stored: list[Article], story_of: Mapping[str, int]) -> tuple[list[Article], set[int]]:
        """The articles to analyse, and the stories of those new since the last snapshot.

        A story held back stays out until an article joins it; then it is tried again.
        """
        shown = set(self.snapshot.articles).union(*(h.members for h in self.held.values()))
        touched = {story_of[a.id] for a in stored if a.id not in shown}
        for label in touched:
            self.held.pop(label, None)
        return [a for a in stored if story_of[a.id] not in self.held], touched

    def _hold_failing(self, articles: Sequence[Article], story_of: dict[str, int], touched: set[int]) -> bool:
        """Analyse each story of ``touched`` alone (nothing saved); hold back those that raise. True if any did."""
        members: dict[int, list[Article]] = {}
        for a in articles:
            if story_of[a.id] in touched:
                members.setdefault(story_of[a.id], []).append(a)
        found = False
        for label, group in members.items():
            try:
                analyze_articles(group, AnalysisOptions(embedder=self.embedder), story_of=story_of)
            except Exception as e:  # noqa: BLE001 - the story is held back and the error said to the uploader
                self.held[label] = Held(error_text(e), frozenset(a.id for a in group))
                log.warning("the story of %r is left out: its analysis failed: %s", group[0].id, error_text(e))
                found = True
        return found

    def ingest(self, articles: Sequence[Article | InputProblem]) -> Placed:
        """Store ``articles``, place them in stories, re-analyse; where the first one went.

        Raises BadInput when nothing could be stored (the first problem named),
        StoreBusy when another process's writer kept the store.
        """
        with self.writing() as store:
            return self._ingest(store, articles)

    def paste(self, text: str, fields: ArticleFields) -> Placed:
        """Ingest a pasted text with the form's ``fields`` (see :func:`pasted_article` for its id)."""
        with self.writing() as store:

            def stored_text(aid: str) -> str | None:
                found = store.get(aid)
                return found.text if found is not None else None

            record = pasted_article(text, fields, stored_text)
            return self._ingest(store, [record])

    def _ingest(self, store: Store, articles: Sequence[Article | InputProblem]) -> Placed:
        ids = [a.id for a in articles if isinstance(a, Article)]
        before = set(store.story_assignments().values())
        report = store.add(articles)
        problems = report.problems  # the input's, which ``add`` passes on, and the conflicts it met
        conflicts = set(report.conflicts)
        kept = [report.duplicates.get(i, i) for i in ids if i not in conflicts]
        if not kept:
            first = problems[0] if problems else InputProblem("input", "no article found")
            raise BadInput(first.where, first.problem)
        first_id = kept[0]
        notes = tuple(str(p) for p in problems) + tuple(
            f"'{aid}' is stored with the same text; updated its {'; '.join(changes)}"
            for aid, changes in report.updated.items()
        )
        return dataclasses.replace(self._placed(store, first_id, before), notes=notes)

    def _placed(self, store: Store, first_id: str, before: set[int]) -> Placed:
        """Re-analyse the store; where ``first_id`` went (``before``: the stories there were)."""
        try:
            story_of = self._analyse(store)
        except Exception as e:  # noqa: BLE001 - the article is stored: say so, and why it is not shown
            if debugging():
                raise
            log.warning("%r is stored, but the analysis failed: %s", first_id, error_text(e))
            line = f"'{first_id}' is stored, but the analysis failed ({error_text(e)}); the pages show the one before"
            return Placed(first_id, None, False, (line,))
        new = story_of.get(first_id) not in before
        self.placements[first_id] = new
        held = self.held.get(story_of.get(first_id, -1))
        if held is not None:
            line = (
                f"'{first_id}' is stored, but the analysis of its story failed ({held.error}); "
                "that story is left out of the pages, the others are shown"
            )
            return Placed(first_id, None, new, (line,))
        story = str(self.snapshot.articles.get(first_id, {}).get("story") or "")
        return Placed(first_id, story, new, _story_problems(self.snapshot.stories.get(story, {})))


def _story_problems(story: Mapping[str, Any]) -> tuple[str, ...]:
    """The stages the analysis recorded as failed in a story (its ``problems``), a line each, as the CLI says them."""
    return tuple(p.line(str(story.get("id", ""))) for p in problems_from_json(story.get("problems")))


def _writer_pid(db: Path) -> str:
    """The pid the holder of the writer lock wrote into ``DB.lock`` (see :meth:`Store.writer`), or ""."""
    try:
        pid = Path(f"{db}.lock").read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return pid if pid.isdigit() else ""


def _texts(store: Store, document: Mapping[str, Any]) -> dict[str, str]:
    ids = [str(a["id"]) for a in document.get("articles", []) if isinstance(a, dict) and "id" in a]
    return {a.id: a.text for a in store.articles(ids)}


# --- turning request input into articles -------------------------------------------------


def unicode_problem(fields: Mapping[str, str | None]) -> str | None:
    r"""The first of ``fields`` (name to value) that is not valid Unicode, said as the readers say it; or None.

    JSON's ``\ud800`` escapes give strings with unpaired surrogates, which cannot be hashed,
    stored or shown: they are refused before anything else is done with the request.
    """
    for name, value in fields.items():
        if value and (problem := surrogate_problem(name, value)) is not None:
            return problem
    return None


def slug(text: str) -> str:
    """A URL-friendly id from a title: lower-case words joined by hyphens."""
    return re.sub(r"[^\w]+", "-", text.casefold()).strip("-_")[:MAX_ID_CHARS].strip("-_")


def pasted_article(
    text: str, fields: ArticleFields = NO_FIELDS, stored_text: Callable[[str], str | None] | None = None
) -> Article | InputProblem:
    """A pasted text with the form's ``fields`` as an article record, validated as any JSON record is.

    Its id is the fields' if given, else the title's slug, else a hash of the
    text; a slug already stored with another text (``stored_text`` looks ids
    up) gets the hash appended.
    """
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()  # checked below
    article_id = fields.id
    if not article_id:
        article_id = slug(fields.title) or f"paste-{digest}"
        if stored_text is not None and stored_text(article_id) not in (None, text):
            article_id = f"{article_id}-{digest}"
    # an empty text stays, to be named as such ("'text' is empty", not "no 'text'")
    return record_to_article({**fields.record(), "id": article_id, "text": text}, "pasted text")


def uploaded_articles(data: bytes, filename: str, fields: ArticleFields = NO_FIELDS) -> list[Article | InputProblem]:
    """The articles of an uploaded file, read by the extension of ``filename``.

    The bytes go to a temporary file whose name this function makes up (only the
    extension is taken from ``filename``), a gzipped upload unpacked first, up to
    :data:`MAX_UNPACKED_BYTES`; a single ``.txt``/``.html`` article
    gets the form's id, else the upload's base name, and the form's other
    fields where the file has none (``ArticleFields.fill``).
    """
    kind = classify(filename or "")
    if kind is None:
        return [InputProblem(filename or "upload", f"not a readable file type ({upload_words()})")]
    where = f"upload {os.path.basename(filename)}"
    with tempfile.TemporaryDirectory(prefix="storytrace-upload-") as folder:
        path = _saved(data, Path(folder), kind)
        if isinstance(path, str):
            return [InputProblem(where, path)]
        items = list(read_paths([path], published=fields.published or None))
    out: list[Article | InputProblem] = []
    single = kind.suffix in SINGLE_ARTICLE_SUFFIXES
    for item in items:
        if isinstance(item, InputProblem):
            out.append(InputProblem(where, item.problem))
            continue
        item = dataclasses.replace(item, origin=where)
        if single:
            digest = hashlib.blake2b(item.text.encode("utf-8"), digest_size=6).hexdigest()
            item = fields.fill(dataclasses.replace(item, id=kind.stem.strip() or f"upload-{digest}"))
        out.append(item)
    return out


def _saved(data: bytes, folder: Path, kind: FileKind) -> Path | str:
    """The upload as a file in ``folder``, gzip unpacked up to :data:`MAX_UNPACKED_BYTES`; or the problem."""
    path = folder / ("upload" + kind.suffix)
    if kind.gz:
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb") as stream, path.open("wb") as out:
                written = 0
                while chunk := stream.read(1 << 20):
                    written += len(chunk)
                    if written > MAX_UNPACKED_BYTES:
                        return f"unpacks to more than the limit of {MAX_UNPACKED_BYTES // 2**20} MB"
                    out.write(chunk)
            return path
        except (OSError, EOFError, zlib.error):
            path = folder / ("upload" + kind.suffix + ".gz")  # not gzip after all: the reader says what is wrong
    path.write_bytes(data)
    return path
