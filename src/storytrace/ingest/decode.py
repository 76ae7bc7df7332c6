"""Turn the bytes of an input file into text, the way ``open()`` would.

Does: byte-order marks (UTF-8, UTF-16, UTF-32), BOM-less UTF-16 sniffing,
the cp1252 fallback for the bytes of a file that are not UTF-8, universal newlines,
spotting binary data or empty files, and stray NUL bytes in text (read as
U+FFFD, one character for one, so offsets into the text stay those of the file).

Does not: read files, parse formats, or guess encodings beyond the above
(HTML charset declarations are handled in :mod:`storytrace.ingest.html`).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from storytrace.errors import E_BINARY, E_EMPTY

SNIFF_BYTES = 8192
"""How much of the start of a file is examined for binary data."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1a\x1b")
_CONTROL_BYTES = bytes(b for b in range(256) if (b < 32 and b not in _TEXT_CONTROLS) or b == 0x7F)
NUL_REPLACEMENT = "\ufffd"
"""What a NUL in text is read as: the replacement character, so no offset moves."""


def _cp1252_table() -> dict[int, str]:
    """Map Latin-1 code points 0x80-0x9F to their cp1252 characters (where defined)."""
    table: dict[int, str] = {}
    for byte in range(0x80, 0xA0):
        try:
            table[byte] = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            table[byte] = chr(byte)  # undefined in cp1252: keep the Latin-1 reading
    return table


_CP1252 = _cp1252_table()


@dataclass(frozen=True)
class Decoded:
    """The outcome of decoding a file: its text, or why there is none.

    Attributes:
        text: the decoded text with universal newlines, or None when unusable.
        problem: why ``text`` is None (a message for :class:`InputProblem`).
        fallback: True when some bytes were not UTF-8 (and were read as cp1252).
        nuls: how many NUL characters of the text were read as U+FFFD.

    """

    text: str | None
    problem: str | None = None
    fallback: bool = False
    nuls: int = 0


def bom_encoding(head: bytes) -> str | None:
    """Return the codec named by a byte-order mark at the start of ``head``, if any."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def utf16_without_bom(head: bytes) -> str | None:
    """Guess BOM-less UTF-16 from NUL bytes that (nearly) all sit at even or all at odd offsets.

    Nearly: a character such as U+4E00 or U+2500 puts its NUL on the other side.
    """
    even, odd = head[0::2], head[1::2]
    if not even or not odd:
        return None
    if odd.count(0) >= 0.3 * len(odd) and even.count(0) <= 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.3 * len(even) and odd.count(0) <= 0.05 * len(odd):
        return "utf-16-be"
    return None


def looks_binary(head: bytes) -> bool:
    """Return True if ``head`` (the start of a UTF-8/8-bit file) is not text.

    Binary means more than 30% control bytes other than the usual whitespace
    ones, or NUL bytes in data that is not otherwise UTF-8 text with at most 5%
    control bytes (stray NULs in such text are read as U+FFFD and reported).
    """
    if b"\x00" not in head:
        return _control_share(head) > 0.3
    rest = head.replace(b"\x00", b"")
    return not rest.strip() or not _is_utf8(rest) or _control_share(rest) > 0.05


def _control_share(data: bytes) -> float:
    """Share of control bytes (other than whitespace, ESC and SUB) in ``data``."""
    return (len(data) - len(data.translate(None, _CONTROL_BYTES))) / max(len(data), 1)


def _is_utf8(head: bytes) -> bool:
    """True if ``head`` is UTF-8, allowing a character cut off at its end."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data" and exc.start >= len(head) - 3
    return True


def replace_nuls(text: str) -> tuple[str, int]:
    """``text`` with each NUL read as U+FFFD, and how many there were."""
    count = text.count("\x00")
    return (text.replace("\x00", NUL_REPLACEMENT), count) if count else (text, 0)


def cp1252(data: bytes) -> str:
    """Decode ``data`` as cp1252; the five bytes cp1252 leaves undefined read as Latin-1."""
    return data.decode("latin-1").translate(_CP1252)


def _cp1252_errors(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the bytes that are not UTF-8 read as cp1252, one character each."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return cp1252(exc.object[exc.start : exc.end]), exc.end


codecs.register_error("storytrace-cp1252", _cp1252_errors)


def utf8_else_cp1252(data: bytes) -> tuple[str, bool]:
    """Decode ``data`` as UTF-8, each byte that is not UTF-8 as cp1252; True if there was any.

    A file that mixes UTF-8 with Windows-1252 (pasted together from two sources)
    keeps its UTF-8 characters; a file wholly in cp1252 reads as it would in cp1252.
    """
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", "storytrace-cp1252"), True


def universal_newlines(text: str) -> str:
    r"""Turn ``\r\n`` and lone ``\r`` into ``\n``, as text-mode ``open()`` does."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sniff_problem(data: bytes) -> str | None:
    """Return E_EMPTY or E_BINARY for data that is no text at all, else None (nothing decoded)."""
    head = data[:SNIFF_BYTES]
    if bom_encoding(head) is None and utf16_without_bom(head) is None:
        if not head.strip() and not data.strip():
            return E_EMPTY
        if looks_binary(head):
            return E_BINARY
    return None


def decode(data: bytes) -> Decoded:
    """Decode a whole file's bytes to text as ``open(path, encoding="utf-8")`` would.

    A UTF-8 BOM is dropped; UTF-16/UTF-32 are read when a BOM (or the NUL
    pattern of BOM-less UTF-16) says so; bytes that are not UTF-8 are read as
    cp1252 and flagged with ``fallback``.

    Args:
        data: the file's bytes.

    Returns:
        The text (newlines normalised) or the problem that prevents reading it.

    """
    head = data[:SNIFF_BYTES]
    encoding = bom_encoding(head) or utf16_without_bom(head)
    if encoding is None and looks_binary(head):
        return Decoded(None, E_BINARY)
    decoded = _decode_with(data, encoding)
    if decoded.text is None:
        return decoded
    text, nuls = replace_nuls(decoded.text)
    if not text.strip():
        return Decoded(None, E_EMPTY)
    return Decoded(text, fallback=decoded.fallback, nuls=nuls)


def _decode_with(data: bytes, encoding: str | None) -> Decoded:
    """Decode with a sniffed ``encoding``, or UTF-8 falling back to cp1252."""
    if encoding is not None and encoding != "utf-8-sig":
        try:
            text = data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            if encoding.endswith(("le", "be")):  # only guessed from NUL bytes: binary, or broken UTF-16
                reason = f"not valid {encoding.upper()}: {exc.reason}"
                return Decoded(None, f"binary data, or broken UTF-16 without a byte-order mark ({reason})")
            return Decoded(None, f"not valid {encoding.upper()} despite its byte-order mark")
        return Decoded(universal_newlines(text))
    text, fallback = utf8_else_cp1252(data.removeprefix(codecs.BOM_UTF8))
    return Decoded(universal_newlines(text), fallback=fallback)
