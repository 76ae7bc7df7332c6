"""Running the web UI: the listening socket, bound before the server starts, and uvicorn on it.

Binding here first turns a port in use, a privileged port or an address that is
not this machine's into one line naming the address (uvicorn would log its own
error and exit 3); the bound socket is then handed to uvicorn, so nothing can
take the port in between.

Not here: the application (``web.app``); flags and messages (``cli``).
"""

from __future__ import annotations

import errno
import socket

import uvicorn
from fastapi import FastAPI

from storytrace.errors import BadInput

_BIND_PROBLEMS = {
    errno.EADDRINUSE: "address already in use (is another server running? --port picks another)",
    errno.EACCES: "permission denied (ports below 1024 need privileges; --port picks another)",
    errno.EADDRNOTAVAIL: "not an address of this machine (--host picks another)",
}


def address_text(host: str, port: int) -> str:
    """``host:port``, an IPv6 address in brackets (``[::1]:8000``)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` (as uvicorn binds it); BadInput naming the address if it cannot be."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a server just stopped leaves TIME_WAIT behind
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if isinstance(e, socket.gaierror):
            problem = "unknown host name (--host takes an address or a name of this machine)"
        else:
            problem = _BIND_PROBLEMS.get(e.errno or 0, e.strerror or str(e))
        raise BadInput(address_text(host, port), problem) from None
    return sock


def run(app: FastAPI, sock: socket.socket) -> None:
    """Serve ``app`` on the bound ``sock`` until interrupted (uvicorn, warnings and errors logged)."""
    host, port = sock.getsockname()[:2]
    uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning")).run(sockets=[sock])
