"""The host names the web UI answers to: the guard against DNS rebinding.

A page on a name its owner points at 127.0.0.1 (DNS rebinding) talks to a local
server as if it were its own site: the browser's same-origin rules see one
origin, and sends the attacker's host name in ``Host``. So the server answers
only requests whose ``Host`` names it: the loopback names, the address it is
bound to, and the names the user allowed (``serve --allow-host``).
:func:`host_of` reads a ``Host`` header or an origin's authority;
:class:`AllowedHosts` is the set to check it against.

Not here: the middleware that refuses requests (``web.middleware``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

from storytrace.errors import UsageError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
"""Always allowed: a browser can only reach them on this machine."""

# A Host header (RFC 9110 uri-host [":" port]): a bracketed IPv6 literal, or a name or IPv4 address.
_AUTHORITY = re.compile(r"(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9._-]+))(?::(?P<port>[0-9]{1,5}))?")


def host_of(authority: str) -> str | None:
    """The host of a ``Host`` header or an origin's ``host[:port]``, normalised; None if it is not one.

    Names are lower-cased without a final dot; IP addresses are written the one way
    :mod:`ipaddress` writes them (``[0:0::1]:8000`` gives ``::1``).
    """
    found = _AUTHORITY.fullmatch(authority.strip())
    if found is None:
        return None
    if found["ipv6"] is not None:
        try:
            return str(ipaddress.IPv6Address(found["ipv6"]))
        except ValueError:
            return None
    name = found["name"].lower().rstrip(".")
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name or None


def _name_of(value: str) -> str:
    """An allowed host as the user wrote it (``name``, ``name:port``, ``::1``, ``[::1]:8000``), normalised."""
    text = value.strip()
    if text.count(":") > 1 and not text.startswith("["):
        text = f"[{text}]"  # a bare IPv6 address
    host = host_of(text)
    if host is None:
        raise UsageError("--allow-host", f"'{value}' is not a host name or an IP address")
    return host


@dataclass(frozen=True)
class AllowedHosts:
    """The host names the server answers to."""

    names: frozenset[str]

    @classmethod
    def of(cls, names: Iterable[str] = ()) -> AllowedHosts:
        """The loopback names and ``names`` (the bound address, ``--allow-host``); UsageError for a bad one."""
        return cls(frozenset(_name_of(n) for n in (*LOOPBACK_NAMES, *names)))

    def allows(self, authority: str | None) -> bool:
        """True if ``authority`` (a ``Host`` header, an origin's ``host[:port]``) names this server, on any port."""
        return authority is not None and host_of(authority) in self.names
