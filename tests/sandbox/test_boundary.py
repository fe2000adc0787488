"""The boundary: what comes back is plain finite JSON and encodable text, and host facts are the host's own."""

from __future__ import annotations

import json

import pytest

from ragagent.cli.render import visible
from ragagent.sandbox import BubblewrapExecutor, ExecResult

pytestmark = pytest.mark.integration

# Find the runner's result fd (a frame walk) and write a document of our choosing to it.
_FORGE = """
import os, sys
frame = sys._getframe()
while frame is not None and "result_fd" not in frame.f_locals:
    frame = frame.f_back
os.write(frame.f_locals["result_fd"], @DOC@)
"""


def forge(doc: bytes, then: str = "os._exit(0)") -> str:
    return _FORGE.replace("@DOC@", repr(doc)) + then


def encodable(result: ExecResult) -> bool:
    """The host's own encoders (the --json output, a local model's prompt) accept every field."""
    fields = [result.stdout, result.stderr, result.error or "", result.error_type or ""]
    text = "\n".join(fields) + json.dumps(result.value, ensure_ascii=False, allow_nan=False)
    text.encode("utf-8")
    return True


@pytest.mark.parametrize("literal", [b"1e999", b"-1e999", b"[1, 2e400]", b'{"a": {"b": 1E+999}}'])
def test_non_finite_numbers_anywhere_are_rejected(executor: BubblewrapExecutor, literal: bytes) -> None:
    result = executor.run(forge(b'{"value": ' + literal + b"}"))
    assert result.error_type == "ResultError" and result.value is None
    assert result.error is not None and "invalid result document" in result.error
    assert encodable(result)


@pytest.mark.parametrize(
    ("code", "field", "replaced"),
    [
        ('def solution():\n    return "\\ud800"', "value", 1),
        ('result = {"k\\udfff": ["a\\ud800b", "\\udc00"]}', "value", 3),
        ('raise ValueError("bad \\udcff")', "error", 1),
        ("import os\nos.write(1, b'\\xff\\xfe ok')\nresult = 1", "stdout", 2),
        ("import os\nos.write(2, b'\\xc3')\nresult = 1", "stderr", 1),
    ],
)
def test_unencodable_text_is_replaced_and_counted(
    executor: BubblewrapExecutor, code: str, field: str, replaced: int
) -> None:
    result = executor.run(code)
    assert encodable(result)
    assert result.replaced_chars == replaced
    assert "\ufffd" in json.dumps(getattr(result, field), ensure_ascii=False)


def test_forged_error_type_sets_no_host_fact(executor: BubblewrapExecutor) -> None:
    doc = b'{"error": "MemoryError: forged", "error_type": "MemoryError"}'
    result = executor.run(forge(doc))
    assert not result.memory_exceeded and not result.timed_out
    assert result.error_type == "Exception" and result.error == "MemoryError: forged"
    for claimed in (b"TimeoutError", b"Signal"):
        forged = executor.run(forge(b'{"error": "x", "error_type": "' + claimed + b'"}'))
        assert forged.error_type == "Exception" and not forged.timed_out


def test_a_result_followed_by_a_crash_is_discarded(executor: BubblewrapExecutor) -> None:
    result = executor.run(forge(b'{"value": 42}', then="import ctypes\nctypes.string_at(0)"))
    assert result.value is None and result.error_type == "Signal"
    assert result.error is not None and "SIGSEGV" in result.error
    killed = executor.run(forge(b'{"value": 42}', then="import signal\nos.kill(os.getpid(), signal.SIGKILL)"))
    assert killed.value is None and killed.error_type == "Signal" and "SIGKILL" in (killed.error or "")


def test_terminal_controls_arrive_as_data_and_are_shown_visibly(executor: BubblewrapExecutor) -> None:
    code = "print('\\x1b]52;c;aGk=\\x07 \\r\\u202e')\nraise ValueError('\\x1b[2J')"
    result = executor.run(code)
    assert "\x1b]52" in result.stdout  # the program's output is kept as it was...
    shown = visible(result.stdout + (result.error or ""))
    assert not any(c in shown for c in "\x1b\x07\r\u202e")  # ...and never interpreted by the terminal
