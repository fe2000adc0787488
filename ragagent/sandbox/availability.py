"""Is isolation available here, and which layers are active?  Both fail closed.

>>> check_available()  # doctest: +SKIP
>>> isolation_info().seccomp  # doctest: +SKIP
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ragagent.errors import SandboxError, SandboxUnavailableError
from ragagent.sandbox._bwrap import resolve_bwrap, supports_tmpfs_size
from ragagent.sandbox._fail import unavailable
from ragagent.sandbox._layout import python_layout
from ragagent.sandbox._seccomp import seccomp_program
from ragagent.sandbox._userns import root_mode
from ragagent.sandbox.executor import BubblewrapExecutor


@dataclass(frozen=True, slots=True)
class IsolationInfo:
    """Which layers a run gets on this machine (for logs, diagnostics and the benchmark)."""

    bwrap: str
    python: str
    tmpfs_size_cap: bool  # bubblewrap >= 0.5 caps the work dir; otherwise only RLIMIT_FSIZE applies
    seccomp: bool  # libseccomp found: the syscall filter is applied
    root_mode: bool  # we are root: ids are mapped so the code runs as host uid 65534, not host root


def check_available(bwrap: str | None = None) -> None:
    """Raise :class:`SandboxUnavailableError` (saying how to enable isolation) unless a sandbox run works here."""
    path = resolve_bwrap(bwrap)
    if path is None:
        raise unavailable(f"bubblewrap not found ({bwrap or 'bwrap'} is not installed or not on PATH)")
    _probe(path)


def isolation_info(bwrap: str | None = None) -> IsolationInfo:
    """Describe the active layers; raises like :func:`check_available`."""
    check_available(bwrap)
    path = resolve_bwrap(bwrap) or ""
    return IsolationInfo(
        bwrap=path,
        python=python_layout().executable,
        tmpfs_size_cap=supports_tmpfs_size(path),
        seccomp=seccomp_program() is not None,
        root_mode=root_mode(),
    )


@functools.cache
def _probe(bwrap: str) -> None:
    # functools.cache keeps only successes (an exception is not cached): a failing check probes again
    try:
        result = BubblewrapExecutor(bwrap=bwrap).run("result = 6 * 7", timeout_s=20.0)
    except SandboxUnavailableError:
        raise
    except SandboxError as e:
        raise unavailable(str(e)) from e
    if result.value != 42:
        raise unavailable(f"a probe run failed ({result.error or 'wrong value'})")
