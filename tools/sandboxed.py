"""The ``python`` tool: model-written code runs in the OS-level sandbox, never in this process.

>>> from ragagent.sandbox import BubblewrapExecutor
>>> python = python_tool(BubblewrapExecutor(), timeout_s=10.0)   # doctest: +SKIP
>>> python.run("print(6 * 7)")                                   # doctest: +SKIP
'42'
"""

from __future__ import annotations

import json

from ragagent.errors import ToolError
from ragagent.options import SANDBOX_LIMITS
from ragagent.sandbox.base import ExecResult, Executor

from .base import Tool
from .decorator import tool

MAX_OUTPUT_CHARS = 2000


def python_tool(executor: Executor, *, timeout_s: float = SANDBOX_LIMITS.timeout_s,
                memory_mb: int = SANDBOX_LIMITS.memory_mb) -> Tool:
    """Run code with ``executor``; the observation is stdout plus the value, or the error."""

    @tool(name="python")
    def python(code: str) -> str:
        """Run Python code in an isolated sandbox (no network, no files). print() results or assign them to result.

        Args:
            code: The Python program.
        """
        return describe(executor.run(code, timeout_s=timeout_s, memory_mb=memory_mb), timeout_s)

    return python


def describe(result: ExecResult, timeout_s: float) -> str:
    """The observation for one run; a failed run raises ToolError carrying what was printed."""
    parts = [_cap(result.stdout.rstrip())] if result.stdout.strip() else []
    if result.value is not None:
        parts.append("result = " + _cap(json.dumps(result.value, ensure_ascii=False)))
    if result.timed_out:
        raise ToolError("\n".join([*parts, f"the code timed out after {timeout_s:g} s"]))
    if result.error is not None:
        raise ToolError("\n".join([*parts, result.error]))
    return "\n".join(parts) or "(no output: print() the answer or assign it to result)"


def _cap(text: str) -> str:
    if len(text) <= MAX_OUTPUT_CHARS:
        return text
    return text[:MAX_OUTPUT_CHARS] + f"… ({len(text) - MAX_OUTPUT_CHARS} more characters)"
