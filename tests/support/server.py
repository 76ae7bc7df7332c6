"""A local `storytrace serve` for the load benchmark and the browser tests: demo store, free port, start, stop.

Shared by ``bench/speed/serve_load.py``, ``tests/e2e/conftest.py`` and the web tests. Not a product
module: the server itself is ``storytrace.web``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from support.paths import EXAMPLES, ROOT


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_demo_store(db: Path) -> float:
    """Analyse examples/ into the SQLite store ``db`` (lexical only, no model); the seconds it took."""
    from storytrace.pipeline import analyze
    from storytrace.store import Store

    start = time.perf_counter()
    with Store(db) as store:
        analyze([EXAMPLES], store)
    return time.perf_counter() - start


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`storytrace serve --db DB --port PORT` of this interpreter's environment, lexical only, output to ``log``."""
    script = Path(sys.executable).with_name("storytrace")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "storytrace"]
    with log.open("wb") as sink:
        return subprocess.Popen(
            [*command, "serve", "--db", str(db), "--port", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "STORYTRACE_LEXICAL_ONLY": "1"},
            cwd=ROOT,
        )


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60.0) -> float:
    """Poll ``url`` until it answers (below 500); the seconds it took. RuntimeError with the log otherwise."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"storytrace serve exited with {proc.returncode}:\n{log.read_text('utf-8', 'replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return time.perf_counter() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"storytrace serve did not answer {url} in {timeout:.0f} s:\n{log.read_text('utf-8', 'replace')}"
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End the server process (SIGTERM, then SIGKILL after 10 s)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
