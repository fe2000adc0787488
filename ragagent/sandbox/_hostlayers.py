"""Layers the host applies to a sandbox while bubblewrap waits on ``--block-fd``, before any code runs.

* ``oom_score_adj`` 1000 on the namespace's init (inherited by every process it starts): under memory
  pressure the kernel kills the sandbox before any host process.
* Root mode only (it needs CAP_SYS_ADMIN over the sandbox's namespaces, which root has and a plain user
  has not): small SysV shm/msg and POSIX mqueue limits in the sandbox's own IPC namespace, and the work
  dir as a tmpfs capped in bytes *and* inodes (``nr_inodes``), mounted on the sandbox's (empty, not yet
  entered) ``/tmp`` once bubblewrap has finished its set-up and waits to exec the interpreter.  Both are
  done from a short-lived thread that enters only those namespaces (``unshare(CLONE_FS)`` first, so the
  process's own root and cwd are untouched), with the thread's own uid switched to the namespaces' owner
  (raw syscalls: other threads keep theirs), and both are verified: the limits are read back, the mount
  is checked with ``statvfs``.  Nothing in the host's own namespaces is changed.
"""

from __future__ import annotations

import ctypes
import functools
import os
import threading
import time
from dataclasses import dataclass

from ragagent.errors import SandboxError
from ragagent.sandbox._mirror import SANDBOX_ID

_CLONE_FS, _CLONE_NEWNS, _CLONE_NEWIPC = 0x00000200, 0x00020000, 0x08000000
_MS_NOSUID, _MS_NODEV = 0x2, 0x4
_SYS_SETRESUID, _SYS_SETFSUID, _SYS_SETFSGID = 117, 122, 123  # x86_64
WORKDIR = "/tmp"
OOM_SCORE_ADJ = 1000
# per IPC namespace: SysV shm (bytes, pages, segments), SysV msg (bytes, queue bytes, queues), POSIX mqueue
IPC_LIMITS = {
    "kernel/shmmax": 1 << 20,
    "kernel/shmall": 256,
    "kernel/shmmni": 16,
    "kernel/msgmax": 8192,
    "kernel/msgmnb": 16384,
    "kernel/msgmni": 16,
    "fs/mqueue/queues_max": 4,
    "fs/mqueue/msg_max": 10,
    "fs/mqueue/msgsize_max": 8192,
}


@dataclass(frozen=True, slots=True)
class WorkDir:
    """The work dir's caps: bytes and inodes."""

    size_bytes: int
    inodes: int


def set_oom_score_adj(pid: int) -> None:
    try:
        with open(f"/proc/{pid}/oom_score_adj", "w", encoding="ascii") as f:
            f.write(str(OOM_SCORE_ADJ))
    except OSError as e:
        raise SandboxError(f"cannot set oom_score_adj of the sandbox: {e}") from e


def wait_until_blocked(pid: int, block_fd: int, deadline: float) -> None:
    """Wait until bubblewrap's set-up is done: ``pid`` sits in ``read(block_fd)`` (``/proc/PID/syscall``).

    ``--info-fd`` reports the pid right after clone, while the child still builds the namespaces.
    """
    expected = f"0 {block_fd:#x} "  # syscall 0 (read) on the block fd
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/syscall", encoding="ascii") as f:
                if f.read().startswith(expected):
                    return
        except OSError as e:
            raise SandboxError(f"the sandbox exited during set-up ({e})") from e
        time.sleep(0.0005)
    raise SandboxError("bubblewrap did not finish its set-up in time")


def apply_root_layers(pid: int, work_dir: WorkDir) -> None:
    """IPC limits and the inode-capped work dir for the sandbox whose init is ``pid`` (root mode)."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            _in_namespaces(pid, work_dir)
        except BaseException as e:
            errors.append(e)

    thread = threading.Thread(target=target, name="ragagent-sandbox-setup")
    thread.start()
    thread.join()
    if errors:
        raise SandboxError(f"cannot apply the host-side sandbox limits: {errors[0]}") from errors[0]


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _in_namespaces(pid: int, work_dir: WorkDir) -> None:
    libc = _libc()
    _check(libc.unshare(_CLONE_FS), "unshare(CLONE_FS)")  # this thread's root/cwd become its own
    own_ipc = os.readlink("/proc/thread-self/ns/ipc")
    _enter(pid, "ipc", _CLONE_NEWIPC)
    if os.readlink("/proc/thread-self/ns/ipc") in (own_ipc, ""):
        raise SandboxError("did not enter the sandbox's IPC namespace")  # never touch the host's limits
    owner = owner_gid = SANDBOX_ID  # bubblewrap runs as this host uid: it owns the sandbox's namespaces
    _check(libc.syscall(_SYS_SETRESUID, -1, owner, -1), "setresuid")  # this thread only (a raw syscall)
    try:
        for name, value in IPC_LIMITS.items():
            with open(f"/proc/sys/{name}", "w", encoding="ascii") as f:
                f.write(str(value))
            with open(f"/proc/sys/{name}", encoding="ascii") as f:
                if int(f.read()) != value:
                    raise SandboxError(f"{name} was not set in the sandbox's IPC namespace")
    finally:
        _check(libc.syscall(_SYS_SETRESUID, -1, 0, -1), "setresuid")
    _enter(pid, "mnt", _CLONE_NEWNS)
    # files on bubblewrap's tmpfs must be owned by a uid mapped in the sandbox (this thread only)
    libc.syscall(_SYS_SETFSUID, owner)
    libc.syscall(_SYS_SETFSGID, owner_gid)
    target = WORKDIR  # bubblewrap has pivoted: this mount namespace's root is the sandbox's root
    if not os.path.isdir(target) or os.path.exists("/etc"):
        raise SandboxError(f"the sandbox's {target} is not where expected")
    options = f"size={work_dir.size_bytes},nr_inodes={work_dir.inodes},mode=1777".encode()
    _check(libc.mount(b"tmpfs", target.encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV, options), "mount")
    if os.statvfs(target).f_files != work_dir.inodes:
        raise SandboxError("the work dir's inode cap was not applied")


def _enter(pid: int, kind: str, flag: int) -> None:
    fd = os.open(f"/proc/{pid}/ns/{kind}", os.O_RDONLY | os.O_CLOEXEC)
    try:
        _check(_libc().setns(fd, flag), f"setns({kind})")
    finally:
        os.close(fd)
