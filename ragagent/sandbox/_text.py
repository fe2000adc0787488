"""Text that crosses the boundary: always encodable, with a count of what had to be replaced.

The sandbox can send invalid UTF-8 on stdout/stderr and lone surrogates (``"\\ud800"`` escapes) in the
result document; the host's own UTF-8 encoders (``--json`` output, a local model's prompt) would raise
on them.  Each such code point becomes U+FFFD and is counted in ``ExecResult.replaced_chars``.
"""

from __future__ import annotations

import re

from ragagent.types import JSONValue

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> tuple[str, int]:
    """``text`` with every lone surrogate replaced, and how many there were."""
    return _SURROGATE.subn(REPLACEMENT, text)


def decode(data: bytes) -> tuple[str, int]:
    """UTF-8 bytes as text; each undecodable byte becomes U+FFFD (counted)."""
    return clean(data.decode("utf-8", "surrogateescape"))


def clean_value(value: JSONValue) -> tuple[JSONValue, int]:
    """A plain-JSON value with every string (keys included) cleaned; recursion is bounded by MAX_DEPTH."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        items = [clean_value(item) for item in value]
        return [item for item, _ in items], sum(n for _, n in items)
    if isinstance(value, dict):
        total, out = 0, {}
        for key, item in value.items():
            new_key, n_key = clean(key)
            new_item, n_item = clean_value(item)
            out[new_key] = new_item
            total += n_key + n_item
        return out, total
    return value, 0
