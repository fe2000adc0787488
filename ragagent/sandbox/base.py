"""The executor contract: one ``run`` method that returns an :class:`ExecResult` value.

Everything the executed code can cause (a syntax error, an exception, a timeout, running out of
memory, printing too much) is described by the result; only a broken or missing sandbox raises
(:class:`~ragagent.errors.SandboxError`).

>>> class Constant:
...     def run(self, code, *, timeout_s=5.0, memory_mb=256):
...         return ExecResult(value=42)
>>> isinstance(Constant(), Executor)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ragagent.types import JSONValue


@dataclass(frozen=True, slots=True)
class ExecResult:
    """What one sandboxed run produced.

    ``value`` is plain JSON (None, bool, int, float, str, list, dict with str keys): the return value
    of ``solution()`` if the code defines it, else the variable ``result``, else None.
    ``error`` is ``"Type: message"`` (e.g. ``"ZeroDivisionError: division by zero"``) or None.
    ``memory_exceeded`` is best-effort (the code raised MemoryError under the address-space limit).
    """

    stdout: str = ""
    stderr: str = ""
    value: JSONValue = None
    error: str | None = None
    error_type: str | None = None
    timed_out: bool = False
    memory_exceeded: bool = False
    duration_s: float = 0.0
    exit_code: int | None = None

    @property
    def ok(self) -> bool:
        """True when the code ran to completion without an error."""
        return self.error is None and not self.timed_out


@runtime_checkable
class Executor(Protocol):
    """Runs untrusted Python code and describes what happened; never executes it in the host."""

    def run(self, code: str, *, timeout_s: float = 5.0, memory_mb: int = 256) -> ExecResult: ...
