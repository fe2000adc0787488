"""Decoding bytes to text: UTF-8 (stray bytes replaced one by one), a detected legacy encoding only for
files that are not UTF-8 at all, binary content refused.

* A byte-order mark picks the encoding (UTF-8, UTF-16, UTF-32) and is dropped.
* Valid UTF-8 decodes as is.
* Mostly-UTF-8 text (at least as many valid multi-byte sequences as invalid bytes) keeps its UTF-8:
  each invalid byte becomes one U+FFFD and the warning says how many there were. One stray byte
  never turns "Café" into "CafÃ©".
* Anything else is a legacy encoding, detected with charset-normalizer (cp1252 when it has no
  opinion, ranks it as clean as its pick, or there are under 8 non-ASCII bytes to judge by), with a
  warning naming the encoding.

>>> decode_text("Café".encode() + b"\\xff", "a.txt")
('Café\\ufffd', ['1 invalid UTF-8 byte replaced with U+FFFD (first at byte 5)'])
"""

from __future__ import annotations

import codecs

from ragagent.errors import IngestError

_FALLBACK_ENCODING = "cp1252"
_BINARY_CONTROL_RATIO = 0.10
_MIN_EVIDENCE_BYTES = 8
_PER_BYTE = "ragagent-replace-per-byte"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _replace_per_byte(error: UnicodeError) -> tuple[str, int]:
    """One U+FFFD for every invalid byte (Python's own "replace" may use one for several)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return "\ufffd" * (error.end - error.start), error.end


codecs.register_error(_PER_BYTE, _replace_per_byte)


def looks_binary(data: bytes) -> bool:
    """True for NUL bytes or many control characters in the first 8 KiB."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > _BINARY_CONTROL_RATIO


def decode_text(data: bytes, path: str) -> tuple[str, list[str]]:
    """Decode ``data``; returns the text and warnings. Raises IngestError for binary content."""
    skipped = 0
    if data.startswith(codecs.BOM_UTF8):
        data, skipped = data[len(codecs.BOM_UTF8):], len(codecs.BOM_UTF8)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).removeprefix("\ufeff"), []
            except UnicodeDecodeError:
                break  # a BOM followed by garbage: judge the bytes below
    if looks_binary(data):
        raise IngestError(path, "binary content behind a text extension")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        first = exc.start + skipped
    text = data.decode("utf-8", errors=_PER_BYTE)
    invalid = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")  # minus real U+FFFDs
    multibyte = sum(1 for ch in text if ord(ch) > 127) - invalid
    counted = f"{invalid} invalid UTF-8 byte{'' if invalid == 1 else 's'}"
    if multibyte >= invalid:
        return text, [f"{counted} replaced with U+FFFD (first at byte {first})"]
    encoding = _detect_legacy(data)
    return data.decode(encoding, errors="replace"), [
        f"not UTF-8 ({counted}, first at byte {first}, no valid multi-byte text); decoded as {encoding} (detected)"
    ]


def _detect_legacy(data: bytes) -> str:
    """charset-normalizer's pick; among equally clean candidates, cp1252 (the commonest legacy encoding)."""
    from charset_normalizer import from_bytes

    if sum(1 for b in data if b > 127) < _MIN_EVIDENCE_BYTES and _decodes(data, _FALLBACK_ENCODING):
        return _FALLBACK_ENCODING  # too few non-ASCII bytes for any detector to judge
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return _FALLBACK_ENCODING
    cleanest = min(m.chaos for m in matches)
    tied = {m.encoding for m in matches if m.chaos <= cleanest}
    if _FALLBACK_ENCODING in tied or best.encoding.replace("-", "_").lower() in ("utf_8", "ascii"):
        return _FALLBACK_ENCODING
    return str(best.encoding)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True
