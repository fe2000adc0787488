"""The host-side result parser and the in-sandbox encoder, tested without a sandbox."""

from __future__ import annotations

import json

import pytest

from ragagent.sandbox import _runner
from ragagent.sandbox._document import MAX_DEPTH, is_plain_json, parse_document


def parse(data: bytes, max_bytes: int = 1000) -> tuple[object, str | None, str | None]:
    doc = parse_document(data, max_bytes=max_bytes, overflowed=False)
    return doc.value, doc.error, doc.error_type


def test_value_and_error_documents() -> None:
    assert parse(b'{"value": [1, 2.5, "x", null, true, {"a": []}]}') == (
        [1, 2.5, "x", None, True, {"a": []}],
        None,
        None,
    )
    assert parse(b'{"error": "ZeroDivisionError: division by zero", "error_type": "ZeroDivisionError"}') == (
        None,
        "ZeroDivisionError: division by zero",
        "ZeroDivisionError",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "no result document"),
        (b"not json", "invalid result document"),
        (b'{"value": NaN}', "invalid result document"),
        (b'{"value": Infinity}', "invalid result document"),
        (b"[1, 2]", "unexpected shape"),
        (b'{"value": 1, "extra": 2}', "unexpected shape"),
        (b'{"error": 5, "error_type": "X"}', "error is not a string"),
        (b'{"value": "\xff\xfe"}', "invalid result document"),
        (b'{"value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "invalid result document"),
        (b'{"value": ' + b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1) + b"}", "nested deeper"),
        (b'{"value": "' + b"a" * 2000 + b'"}', "result too large"),
    ],
)
def test_defective_documents_become_errors(data: bytes, message: str) -> None:
    value, error, error_type = parse(data, max_bytes=1000 if b"a" * 2000 in data else 10**7)
    assert value is None
    assert error is not None and message in error
    assert error_type in {"ResultError", "ProcessExit"}


def test_overflowed_channel_is_too_large() -> None:
    doc = parse_document(b'{"value": 1}', max_bytes=100, overflowed=True)
    assert doc.error is not None and "too large" in doc.error


def test_is_plain_json_depth_boundary() -> None:
    nested: object = 1
    for _ in range(MAX_DEPTH):
        nested = [nested]
    assert is_plain_json(nested)
    assert not is_plain_json([nested])
    assert not is_plain_json({1: "int key"})


def encode(value: object) -> str:
    encoder = _runner._Encoder(max_depth=MAX_DEPTH, max_bytes=10_000)
    encoder.encode(value)
    return "".join(encoder.parts)


def test_encoder_agrees_with_json() -> None:
    value = {"a": [1, -2.5, 1e300, 'é\n"', None, True, False, (3, 4)], "": {}}
    assert json.loads(encode(value)) == json.loads(json.dumps(value))


class Sneaky(int):
    def __repr__(self) -> str:
        raise AssertionError("the encoder must not call the value's own methods")

    __str__ = __repr__


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({1, 2}, "unsupported result type set"),
        (Sneaky(3), "unsupported result type Sneaky"),
        ({Sneaky(1): 1}, "dict key of type Sneaky"),
        (float("nan"), "non-finite"),
        (b"bytes", "unsupported result type bytes"),
        ("x" * 20_000, "too large"),
    ],
    ids=["set", "int-subclass", "key-subclass", "nan", "bytes", "too-large"],
)
def test_encoder_rejects_without_calling_methods(value: object, message: str) -> None:
    with pytest.raises(_runner._Unsupported, match=message):
        encode(value)


def test_encoder_depth_matches_host_check() -> None:
    ok: object = 1
    for _ in range(MAX_DEPTH):
        ok = [ok]
    assert is_plain_json(json.loads(encode(ok)))
    with pytest.raises(_runner._Unsupported, match="nested deeper"):
        encode([ok])
    cyclic: list[object] = []
    cyclic.append(cyclic)
    with pytest.raises(_runner._Unsupported, match="nested deeper"):
        encode(cyclic)


class EvilStr(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no")


class EvilMeta(type):
    @property
    def __name__(cls) -> str:  # type: ignore[override]
        raise RuntimeError("no")


class EvilName(Exception, metaclass=EvilMeta):
    pass


def test_describe_guards_hostile_exceptions() -> None:
    assert _runner._describe(ZeroDivisionError("division by zero")) == (
        "ZeroDivisionError: division by zero",
        "ZeroDivisionError",
    )
    assert _runner._describe(EvilStr()) == ("EvilStr", "EvilStr")
    assert _runner._describe(EvilName("m")) == ("EvilName: m", "EvilName")
