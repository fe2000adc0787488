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
from ragagent.sandbox._cgroup import delegated_parent, inactive_reason
from ragagent.sandbox._fail import unavailable
from ragagent.sandbox._hostlayers import OOM_SCORE_ADJ
from ragagent.sandbox._layout import python_layout
from ragagent.sandbox._mirror import root_mode, world_readable
from ragagent.sandbox._seccomp import seccomp_program
from ragagent.sandbox.executor import BubblewrapExecutor


@dataclass(frozen=True, slots=True)
class IsolationInfo:
    """Which layers a run gets on this machine (for logs, diagnostics and the benchmark)."""

    bwrap: str
    python: str
    tmpfs_size_cap: bool  # the work dir is capped in bytes (bubblewrap >= 0.5, or our own mount in root mode)
    seccomp: bool  # libseccomp found: the default-deny syscall allowlist is applied (else runs fail closed)
    root_mode: bool  # we are root: bubblewrap runs as host uid 65534, no sandbox uid is host root
    interpreter_copy: bool  # root mode with an interpreter uid 65534 cannot read: a read-only copy is bound
    work_dir_inode_cap: bool  # root mode: the work dir is capped in inodes too
    ipc_limits: bool  # root mode: small SysV shm/msg and mqueue limits in the sandbox's IPC namespace
    oom_score_adj: int  # always 1000: the OOM killer takes the sandbox first
    cgroup: bool  # a delegated cgroup v2 subtree is used for per-run memory.max and pids.max
    cgroup_note: str  # where it is, or why it is inactive


def check_available(bwrap: str | None = None) -> None:
    """Raise :class:`SandboxUnavailableError` (saying how to enable isolation) unless a sandbox run works here."""
    path = resolve_bwrap(bwrap)
    if path is None:
        raise unavailable(f"bubblewrap not found ({bwrap or 'bwrap'} is not installed or not on PATH)")
    _probe(path)


def isolation_info(bwrap: str | None = None, cgroup_parent: str | None = None) -> IsolationInfo:
    """Describe the active layers; raises like :func:`check_available`."""
    check_available(bwrap)
    path = resolve_bwrap(bwrap) or ""
    root, layout = root_mode(), python_layout()
    parent = delegated_parent(cgroup_parent)
    return IsolationInfo(
        bwrap=path,
        python=layout.executable,
        tmpfs_size_cap=root or supports_tmpfs_size(path),
        seccomp=seccomp_program() is not None,
        root_mode=root,
        interpreter_copy=root and not all(world_readable(p) for p in layout.binds),
        work_dir_inode_cap=root,
        ipc_limits=root,
        oom_score_adj=OOM_SCORE_ADJ,
        cgroup=parent is not None,
        cgroup_note=str(parent) if parent is not None else inactive_reason(cgroup_parent),
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
