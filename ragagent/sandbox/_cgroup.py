"""Optional per-run cgroup (v2): ``memory.max`` (counts shm, tmpfs and kernel memory) and ``pids.max``.

Only a subtree *delegated* to us is used: a cgroup v2 directory named by ``RAGAGENT_SANDBOX_CGROUP`` (or
the executor's ``cgroup_parent``) that we can write and whose ``cgroup.subtree_control`` already enables
``memory`` and ``pids`` for its children (e.g. ``systemd-run --user -p Delegate=yes``, or a directory an
administrator created and chowned).  We never write to any other cgroup and never change a machine
setting: a run creates ``<parent>/ragagent-<id>``, puts the sandbox's init into it, and removes it after
teardown.  Without a delegated parent the layer is inactive (see ``isolation_info()``); the rlimits, IPC
limits and the work-dir caps hold on their own.  cgroup v1 hierarchies are not used.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from ragagent.errors import SandboxError

ENV = "RAGAGENT_SANDBOX_CGROUP"
_NEEDED = {"memory", "pids"}


def delegated_parent(explicit: str | None) -> Path | None:
    """The delegated cgroup v2 parent, or None (with nothing touched) when there is none."""
    name = explicit or os.environ.get(ENV)
    if not name:
        return None
    parent = Path(name)
    try:
        enabled = set((parent / "cgroup.subtree_control").read_text().split())
    except OSError:
        return None
    if not enabled >= _NEEDED or not os.access(parent, os.W_OK):
        return None
    return parent


def inactive_reason(explicit: str | None) -> str:
    if not (explicit or os.environ.get(ENV)):
        return f"no delegated cgroup v2 subtree configured ({ENV} or cgroup_parent)"
    return "the configured cgroup is not a writable cgroup v2 dir with memory and pids enabled for children"


@dataclass(frozen=True, slots=True)
class RunCgroup:
    """One run's cgroup; created before the sandbox starts, removed after it is torn down."""

    path: Path

    @classmethod
    def create(cls, parent: Path, memory_bytes: int, max_pids: int) -> RunCgroup:
        path = parent / f"ragagent-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        try:
            path.mkdir(mode=0o755)
            (path / "memory.max").write_text(str(memory_bytes))
            if (path / "memory.swap.max").exists():
                (path / "memory.swap.max").write_text("0")
            (path / "pids.max").write_text(str(max_pids))
        except OSError as e:
            cls(path).remove()
            raise SandboxError(f"cannot create the run's cgroup {path}: {e}") from e
        return cls(path)

    def add(self, pid: int) -> None:
        try:
            (self.path / "cgroup.procs").write_text(str(pid))
        except OSError as e:
            raise SandboxError(f"cannot move the sandbox into {self.path}: {e}") from e

    def memory_exceeded(self) -> bool:
        """Did the kernel hit this cgroup's memory limit (host-side counters the code cannot forge)?"""
        try:
            lines = (self.path / "memory.events").read_text().split("\n")
        except OSError:
            return False
        events = dict(line.split() for line in lines if line.strip())
        return any(int(events.get(key, "0")) > 0 for key in ("max", "oom", "oom_kill"))

    def remove(self) -> None:
        try:
            self.path.rmdir()
        except FileNotFoundError:
            pass
        except OSError as e:
            raise SandboxError(f"cannot remove the run's cgroup {self.path}: {e}") from e
