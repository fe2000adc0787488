"""Host-side parsing of the sandbox's result document: size check, ``json.loads``, type and depth check.

The document is untrusted bytes (the code inside can write anything to the channel).  It is only ever
decoded as JSON; nothing is unpickled, evaluated or asked for its ``str()``.  Non-finite numbers
(``NaN``, ``Infinity``, or ``1e999`` which would overflow to inf) anywhere in it make it invalid.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from ragagent.types import JSONValue

MAX_DEPTH = 32
MAX_MESSAGE = 4000
_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True, slots=True)
class Document:
    """The validated content of a result document."""

    value: JSONValue = None
    error: str | None = None
    error_type: str | None = None


def parse_document(data: bytes, *, max_bytes: int, overflowed: bool) -> Document:
    """Validate the bytes after the start marker; any defect becomes an error the model can see."""
    if overflowed or len(data) > max_bytes:
        return _invalid(f"result too large (> {max_bytes} bytes)")
    if not data:
        return _invalid("no result document (the process exited early)", "ProcessExit")
    try:
        doc = json.loads(data.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as e:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return _invalid(f"invalid result document ({type(e).__name__})")
    if type(doc) is not dict or not set(doc) <= {"value", "error", "error_type"}:
        return _invalid("invalid result document (unexpected shape)")
    return _checked(doc)


def _checked(doc: dict[str, JSONValue]) -> Document:
    error, error_type = doc.get("error"), doc.get("error_type")
    if error is not None or error_type is not None:
        if type(error) is not str or type(error_type) is not str:
            return _invalid("invalid result document (error is not a string)")
        return Document(error=error[:MAX_MESSAGE], error_type=error_type[:200])
    value = doc.get("value")
    if not is_plain_json(value):
        return _invalid(f"result nested deeper than {MAX_DEPTH} or not plain JSON")
    return Document(value=value)


def is_plain_json(value: JSONValue, max_depth: int = MAX_DEPTH) -> bool:
    """Exact-type and depth check, iterative so hostile nesting cannot exhaust the host's stack."""
    stack: list[tuple[JSONValue, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        kind = type(item)
        if kind in _SCALARS:
            continue
        if depth >= max_depth or kind not in (list, dict):
            return False
        if kind is dict:
            if any(type(k) is not str for k in item):
                return False
            item = list(item.values())
        stack.extend((child, depth + 1) for child in item)
    return True


def _reject_constant(name: str) -> JSONValue:
    raise ValueError(f"non-finite number {name}")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # e.g. a literal 1e999, which float() reads as inf
        raise ValueError(f"non-finite number {text[:40]}")
    return number


def _invalid(message: str, error_type: str = "ResultError") -> Document:
    return Document(error=message, error_type=error_type)
