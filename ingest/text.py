"""Decoding bytes to text: UTF-8 first, a stated fallback otherwise, binary content refused."""

from __future__ import annotations

from ragagent.errors import IngestError

_FALLBACK_ENCODING = "cp1252"
_BINARY_CONTROL_RATIO = 0.10


def looks_binary(data: bytes) -> bool:
    """True for NUL bytes or many control characters in the first 8 KiB."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > _BINARY_CONTROL_RATIO


def decode_text(data: bytes, path: str) -> tuple[str, list[str]]:
    """Decode ``data``; returns the text and warnings. Raises IngestError for binary content."""
    if looks_binary(data):
        raise IngestError(path, "binary content behind a text extension")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        warning = f"not valid UTF-8 (byte {exc.start}); decoded as {_FALLBACK_ENCODING} with replacement"
        return data.decode(_FALLBACK_ENCODING, errors="replace"), [warning]
