"""OS-level sandbox for model-written Python: a fresh bubblewrap-isolated interpreter per run.

>>> from ragagent.sandbox import run
>>> run("def solution():\\n    return 1 / 0").error  # doctest: +SKIP
'ZeroDivisionError: division by zero'

Model-caused failures (syntax errors, exceptions, timeouts, memory) come back in :class:`ExecResult`;
only infrastructure failures raise :class:`~ragagent.errors.SandboxError`, and a machine without
bubblewrap, user namespaces or libseccomp raises :class:`~ragagent.errors.SandboxUnavailableError`
(fail closed; the seccomp layer is given up only explicitly, ``BubblewrapExecutor(seccomp=False)``).
:func:`isolation_info` lists the active layers.
"""

from __future__ import annotations

from ragagent.sandbox.availability import IsolationInfo, check_available, isolation_info
from ragagent.sandbox.base import ExecResult, Executor
from ragagent.sandbox.executor import BubblewrapExecutor, run

__all__ = [
    "BubblewrapExecutor",
    "ExecResult",
    "Executor",
    "IsolationInfo",
    "check_available",
    "isolation_info",
    "run",
]
