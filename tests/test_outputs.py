"""What a run leaves behind: nothing when it read nothing, whole files or the previous ones, never a link's target.

Each case runs the command in process (``CliRunner``) on the lexical features, so faults can be injected with
``monkeypatch`` where the command meets them: a full disk while writing an output or under the store.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storytrace import outputs
from storytrace.cli import app
from storytrace.outputs import OutputError, atomic_file, write_atomically
from storytrace.store import Store

runner = CliRunner()
STORY = (
    "DUNMARROW (Northern Press Agency) – The Dunmarrow council approved a 38 million drav flood wall on Tuesday.\n"
    "Work on the wall along the River Ossel will start in May, the council said.\n"
    "Residents of the low town had asked for the wall after floods in two winters running."
)
OTHER = (
    "The Ossel Herald said residents welcomed the 38 million drav flood wall that Dunmarrow's council approved.\n"
    "Work will start in May along the River Ossel, councillors said on Tuesday."
)


@pytest.fixture(autouse=True)
def lexical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYTRACE_LEXICAL_ONLY", "1")
    monkeypatch.delenv("STORYTRACE_DEBUG", raising=False)


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def errors(result: Any) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip() and "lexical features only" not in line]


def corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "wall.txt").write_text(STORY, "utf-8")
    (folder / "herald.txt").write_text(OTHER, "utf-8")
    return folder


# --- a run that reads nothing creates nothing -------------------------------------------


def test_a_missing_input_creates_no_folder_and_no_store(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("analyze", str(tmp_path / "missing.txt"), "--out", str(out))
    assert result.exit_code == 1
    assert errors(result) == [
        f"storytrace: {tmp_path / 'missing.txt'}: no such file or folder; nothing stored or written"
    ]
    assert sorted(os.listdir(tmp_path)) == []


def test_a_folder_without_articles_creates_nothing_and_says_so(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "table.csv").write_text("a,b\n1,2\n", "utf-8")
    (notes / "readme.md").write_text("# notes\n", "utf-8")
    for command in (
        ["analyze", str(notes), "--out", str(tmp_path / "out")],
        ["ingest", str(notes), "--db", str(tmp_path / "s.db")],
    ):
        result = run(*command)
        assert result.exit_code == 1, result.output
        assert errors(result) == [
            f"storytrace: no articles in {notes}: skipped 1 .csv, 1 .md; nothing stored or written"
        ]
    assert sorted(os.listdir(tmp_path)) == ["notes"]


def test_a_run_that_reads_nothing_keeps_an_existing_store_and_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("analyze", str(corpus(tmp_path / "in")), "--out", str(out)).exit_code == 0
    before = {name: (out / name).read_bytes() for name in ("stories.json", "report.html")}
    (tmp_path / "empty").mkdir()
    result = run("analyze", str(tmp_path / "empty"), "--out", str(out))
    assert result.exit_code == 1 and "no articles" in result.stderr
    assert {name: (out / name).read_bytes() for name in before} == before
    with Store(out / "storytrace.db") as store:
        assert sorted(a.id for a in store.articles()) == ["herald", "wall"]


@pytest.mark.parametrize("command", [["serve"], ["prune"], ["compare", "A", "B"]])
def test_commands_refuse_a_store_that_does_not_exist(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "A.txt").write_text(STORY, "utf-8")
    (tmp_path / "B.txt").write_text(OTHER, "utf-8")
    args = [str(tmp_path / f"{c}.txt") if c in "AB" else c for c in command]
    result = run(*args, "--db", str(tmp_path / "typo.db"))
    assert result.exit_code == 1
    assert len(errors(result)) == 1 and "typo.db: no such store" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["A.txt", "B.txt"]


def test_compare_creates_a_store_when_told_to(tmp_path: Path) -> None:
    (tmp_path / "A.txt").write_text(STORY, "utf-8")
    (tmp_path / "B.txt").write_text(OTHER, "utf-8")
    result = run(
        "compare", str(tmp_path / "A.txt"), str(tmp_path / "B.txt"), "--db", str(tmp_path / "new.db"), "--create"
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new.db").is_file()


# --- outputs: whole or the previous ones, never through a link --------------------------


def test_a_link_planted_at_an_output_is_replaced_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", "utf-8")
    (out / "stories.json").symlink_to(victim)
    (out / "report.html").symlink_to(victim)
    result = run("analyze", str(corpus(tmp_path / "in")), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert victim.read_text("utf-8") == "keep me"
    assert not (out / "stories.json").is_symlink() and (out / "stories.json").read_bytes().startswith(b'{"articles"')
    assert not (out / "report.html").is_symlink()


def test_a_link_planted_at_the_stores_lock_is_refused_in_one_line(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", "utf-8")
    (tmp_path / "s.db.lock").symlink_to(victim)
    result = run("ingest", str(corpus(tmp_path / "in")), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 1
    assert len(errors(result)) == 1 and "s.db.lock" in result.stderr and "symbolic link" in result.stderr
    assert victim.read_text("utf-8") == "keep me"


def _full_disk_after(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make writing the output called ``name`` fail with ENOSPC halfway."""
    real = outputs.os.fdopen

    class Full:
        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def __enter__(self) -> Any:
            self.fh.__enter__()
            return self

        def __exit__(self, *exc: Any) -> Any:
            return self.fh.__exit__(*exc)

        def write(self, data: bytes) -> int:
            self.fh.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, attr: str) -> Any:
            return getattr(self.fh, attr)

    def fdopen(fd: int, mode: str) -> Any:
        fh = real(fd, mode)
        return Full(fh) if name in os.readlink(f"/proc/self/fd/{fd}") else fh

    monkeypatch.setattr(outputs.os, "fdopen", fdopen)


def test_a_full_disk_keeps_the_previous_output_and_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run("analyze", str(corpus(tmp_path / "in")), "--out", str(out)).exit_code == 0
    previous = (out / "stories.json").read_bytes()
    (tmp_path / "in" / "third.txt").write_text(STORY.replace("Tuesday", "Wednesday") + "\nMore later.", "utf-8")
    _full_disk_after(monkeypatch, "stories.json")
    result = run("analyze", str(tmp_path / "in"), "--out", str(out))
    assert result.exit_code == 1
    assert errors(result) == [
        f"storytrace: {out / 'stories.json'}: no space left on device; the previous file, if any, is unchanged"
    ]
    assert (out / "stories.json").read_bytes() == previous
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp")) == []  # no half-written leftovers


def test_atomic_file_leaves_nothing_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    write_atomically(target, b"first")
    with pytest.raises(RuntimeError), atomic_file(target) as fh:
        fh.write(b"second")
        raise RuntimeError("stop")
    assert target.read_bytes() == b"first" and sorted(os.listdir(tmp_path)) == ["t.txt"]
    with pytest.raises(OutputError, match="nowhere"):
        write_atomically(tmp_path / "nowhere" / "t.txt", b"x")


def test_a_full_disk_under_the_store_is_one_line_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: Store, *args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "add", full)
    result = run("ingest", str(corpus(tmp_path / "in")), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 1
    assert errors(result) == [
        f"storytrace: {tmp_path / 's.db'}: database or disk is full; the store keeps what it had committed"
    ]


def test_version_flag() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip()[0].isdigit()


@pytest.mark.parametrize("command", [["serve"], ["prune"], ["export", "--what", "stories"]])
def test_a_missing_default_store_names_the_one_analyze_kept(
    tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("analyze", str(corpus(tmp_path / "in")), "--out", "out").exit_code == 0
    result = run(*command)
    assert result.exit_code == 1 and len(errors(result)) == 1
    assert (
        "storytrace.db: no such store; analyze keeps its store in OUT/storytrace.db: pass --db out/storytrace.db"
        in (result.stderr)
    )


# --- the report's pages: only what changed is written, what is gone is removed ---------------


def _pages(out: Path) -> dict[str, tuple[int, int]]:
    """Each story page's inode and modification time (ns): what a rewrite changes."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted((out / "stories").iterdir())}


def test_a_rerun_writes_the_index_and_leaves_unchanged_pages_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("analyze", str(corpus(tmp_path / "in")), "--out", str(out)).exit_code == 0
    first = _pages(out)
    assert first and (out / "report.html").is_file()
    index = (out / "report.html").stat().st_ino
    assert run("analyze", str(corpus(tmp_path / "in")), "--out", str(out)).exit_code == 0
    assert _pages(out) == first  # the same files, not rewritten
    assert (out / "report.html").stat().st_ino != index  # the index is (it says when it was made)


def test_pages_of_stories_gone_are_removed_and_nothing_else(tmp_path: Path) -> None:
    from storytrace.pipeline import Analysis, write_outputs
    from storytrace.report.site import Report

    out = tmp_path / "out"
    (out / "stories" / "kept.html").mkdir(parents=True)  # a folder with a page's name: not ours to remove
    (out / "stories" / "notes.txt").write_text("mine", "utf-8")
    (out / "stories" / "s9.html").write_bytes(b"a story of an earlier run")
    victim = tmp_path / "victim.html"
    victim.write_text("keep me", "utf-8")
    (out / "stories" / "s1.html").symlink_to(victim)  # a link planted at a page's name is replaced, not followed
    report = Report(b"<!DOCTYPE html>index", {"stories/s1.html": b"one"})
    write_outputs(Analysis(b'{"articles": [], "stories": []}', {}), report, out)
    assert sorted(os.listdir(out / "stories")) == [".pages.json", "kept.html", "notes.txt", "s1.html"]
    assert (out / "stories" / "s1.html").read_bytes() == b"one" and not (out / "stories" / "s1.html").is_symlink()
    assert victim.read_text("utf-8") == "keep me"
    assert outputs.write_if_changed(out / "stories" / "s1.html", b"one") is False
    assert outputs.write_if_changed(out / "stories" / "s1.html", b"two") is True


def test_a_page_that_cannot_be_written_is_one_error_and_the_index_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run("analyze", str(corpus(tmp_path / "in")), "--out", str(out)).exit_code == 0
    index = (out / "report.html").read_bytes()
    for page in (out / "stories").iterdir():
        page.write_bytes(b"stale")  # every page must be written again
    real = outputs.write_atomically

    def full(path: Path, data: bytes) -> None:
        if path.parent.name == "stories":
            raise OutputError(str(path), "no space left on device; the previous file, if any, is unchanged")
        real(path, data)

    monkeypatch.setattr(outputs, "write_atomically", full)
    result = run("analyze", str(corpus(tmp_path / "in")), "--out", str(out))
    assert result.exit_code == 1 and len(errors(result)) == 1 and "no space left" in result.stderr
    assert (out / "report.html").read_bytes() == index  # never an index linking to pages not written


@pytest.mark.parametrize("command", [["export", "--what", "stories"], ["brief", "s1"]])
def test_commands_that_read_find_the_store_analyze_kept_by_default(
    tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("analyze", str(corpus(tmp_path / "in"))).exit_code == 0  # the default --out: storytrace-out
    result = run(*command)
    assert result.exit_code == 0, result.stderr
    assert errors(result) == [] and "s1" in result.stdout
