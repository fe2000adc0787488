"""The executor contract: one ``run`` method that returns an :class:`ExecResult` value.

Everything the executed code can cause (a syntax error, an exception, a timeout, running out of
memory, printing too much) is described by the result; only a broken or missing sandbox raises
(:class:`~ragagent.errors.SandboxError`).

>>> class Constant:
...     def run(self, code, *, timeout_s=10.0, memory_mb=256):
...         return ExecResult(value=42)
>>> isinstance(Constant(), Executor)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ragagent.options import SANDBOX_LIMITS
from ragagent.types import JSONValue


@dataclass(frozen=True, slots=True)
class ExecResult:
    """What one sandboxed run produced.

    ``value`` is plain JSON (None, bool, int, float, str, list, dict with str keys): the return value
    of ``solution()`` if the code defines it, else the variable ``result``, else None.
    ``error`` is ``"Type: message"`` (e.g. ``"ZeroDivisionError: division by zero"``, as the program
    reported it) or None.  ``error_type``, ``timed_out`` and ``memory_exceeded`` are the host's own
    observations, never the program's claims: ``error_type`` is one of ``"TimeoutError"`` (the host's
    deadline), ``"Signal"`` (the process died by a signal; anything it wrote before is discarded),
    ``"ProcessExit"`` (it exited without a result), ``"ResultError"`` (the result could not be accepted)
    or ``"Exception"`` (the program reported an exception, described in ``error``).
    ``memory_exceeded`` is True when the run's cgroup hit its memory limit (only with a delegated cgroup;
    without one, a MemoryError under the address-space rlimit shows only in ``error``).
    ``replaced_chars`` counts undecodable bytes and lone surrogates replaced by U+FFFD in the text fields
    and the value, which are therefore always UTF-8 encodable.  ``teardown_complete`` is False only if the
    sandbox's processes could not be reaped within the teardown bound (see ``_process``).
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
    replaced_chars: int = 0
    teardown_complete: bool = True

    @property
    def ok(self) -> bool:
        """True when the code ran to completion without an error."""
        return self.error is None and not self.timed_out


@runtime_checkable
class Executor(Protocol):
    """Runs untrusted Python code and describes what happened; never executes it in the host."""

    def run(self, code: str, *, timeout_s: float = SANDBOX_LIMITS.timeout_s,
            memory_mb: int = SANDBOX_LIMITS.memory_mb) -> ExecResult: ...
