"""The bubblewrap executor: one fresh, fully isolated interpreter per run.

>>> result = BubblewrapExecutor().run("def solution():\\n    return 6 * 7")  # doctest: +SKIP
>>> result.value, result.error  # doctest: +SKIP
(42, None)

Layers, outside in: bubblewrap namespaces (user, mount, pid, net, ipc, uts, cgroup) started by an
unprivileged host user (uid 65534 when we are root) with read-only binds of only the base interpreter,
its stdlib and shared libraries; a private tmpfs work dir capped in bytes (and inodes in root mode); a
default-deny seccomp allowlist (required: without libseccomp the executor fails closed unless
``seccomp=False`` is chosen explicitly); every rlimit set by the runner; small IPC-namespace limits and
``oom_score_adj`` 1000 set by the host; an optional per-run cgroup; a wall-clock kill of the whole PID
namespace by the host, and teardown before ``run`` returns; a size- and depth-capped JSON result
channel; capped stdout/stderr; text made encodable.  ``isolation_info()`` says which are active.
"""

from __future__ import annotations

import functools
import math
import signal
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ragagent.options import SANDBOX_LIMITS, SandboxLimits
from ragagent.sandbox._bwrap import bwrap_argv, resolve_bwrap
from ragagent.sandbox._cgroup import RunCgroup, delegated_parent
from ragagent.sandbox._document import MAX_DEPTH, parse_document
from ragagent.sandbox._fail import unavailable
from ragagent.sandbox._fds import FdSet, sealed_memfd
from ragagent.sandbox._hostlayers import WorkDir, apply_root_layers, set_oom_score_adj, wait_until_blocked
from ragagent.sandbox._layout import python_layout
from ragagent.sandbox._mirror import SANDBOX_ID, host_binds, root_mode
from ragagent.sandbox._process import SETUP_TIMEOUT_S, CappedBuffer, Collected, Spawn, run_collect
from ragagent.sandbox._seccomp import seccomp_program
from ragagent.sandbox._text import clean, clean_value, decode
from ragagent.sandbox.base import ExecResult

_MiB = 1 << 20
_INTERPRETER_MB = 64  # cgroup headroom over the rlimit: the interpreter's own pages, page tables, kernel memory
NO_SECCOMP = (
    "pyseccomp/libseccomp is not available, so the syscall allowlist cannot be installed "
    "(pip install pyseccomp and apt-get install libseccomp2; or pass seccomp=False to accept the weaker mode)"
)


@dataclass(frozen=True, slots=True)
class BubblewrapExecutor:
    """Runs Python code in a fresh bubblewrap sandbox per call; fails closed when isolation is unavailable.

    Thread-safe (it holds only settings); every call builds and tears down its own sandbox.

    >>> executor = BubblewrapExecutor(disk_mb=16, max_output_bytes=4096)
    >>> executor.run("print('hi'); result = [1, (2, 3)]").value  # doctest: +SKIP
    [1, [2, 3]]
    """

    bwrap: str | None = None  # path or name of the bubblewrap binary (None: ``bwrap`` on PATH)
    disk_mb: int = 64  # size of the private tmpfs work dir, and the largest file the code may write
    work_dir_inodes: int = 4096  # files + dirs in the work dir (enforced in root mode, see _hostlayers)
    max_output_bytes: int = 64 * 1024  # kept from each of stdout and stderr
    max_result_bytes: int = 1_000_000
    max_processes: int = 16  # RLIMIT_NPROC, counted in the sandbox's own user namespace (threads count)
    max_open_files: int = 64
    allow_subprocesses: bool = False  # fork/vfork; each child has its own RLIMIT_AS (a cgroup bounds the sum)
    # False is the documented weaker mode: no syscall allowlist (SysV/POSIX IPC, AIO, memfds, inotify,
    # file locks, new syscalls are then reachable, bounded only by the other layers)
    seccomp: bool = True
    cgroup_parent: str | None = None  # a delegated cgroup v2 dir (default: $RAGAGENT_SANDBOX_CGROUP)

    def run(self, code: str, *, timeout_s: float = SANDBOX_LIMITS.timeout_s,
            memory_mb: int = SANDBOX_LIMITS.memory_mb) -> ExecResult:
        """Run ``code`` (defining ``solution()`` or setting ``result``) and describe what happened."""
        SandboxLimits(timeout_s, memory_mb)  # ConfigError for limits no run could keep
        bwrap = resolve_bwrap(self.bwrap)
        if bwrap is None:
            raise unavailable(f"bubblewrap not found ({self.bwrap or 'bwrap'} is not installed or not on PATH)")
        program = seccomp_program(self.allow_subprocesses) if self.seccomp else None
        if self.seccomp and program is None:
            raise unavailable(NO_SECCOMP)
        parent = delegated_parent(self.cgroup_parent)
        cgroup = None
        if parent is not None:
            limit = (memory_mb + self.disk_mb + _INTERPRETER_MB) * _MiB
            cgroup = RunCgroup.create(parent, limit, self.max_processes + 4)
        try:
            collected = self._launch(bwrap, code, program, cgroup, timeout_s, memory_mb)
            memory_exceeded = cgroup is not None and cgroup.memory_exceeded()
        finally:
            if cgroup is not None:
                cgroup.remove()
        return self._result(collected, timeout_s, memory_exceeded)

    def _launch(
        self, bwrap: str, code: str, program: bytes | None, cgroup: RunCgroup | None, timeout_s: float, memory_mb: int
    ) -> Collected:
        unprivileged = root_mode()  # root starts bubblewrap as uid 65534
        layout = python_layout()
        binds, masked = host_binds(layout, unprivileged)
        fds = FdSet()
        try:
            result_read, result_write = fds.pipe()
            info_read, info_write = fds.pipe()
            block_read, block_write = fds.pipe(child_reads=True)
            code_fd = fds.child(sealed_memfd("code", code.encode("utf-8", "replace")))
            seccomp_fd = None if program is None else fds.child(sealed_memfd("seccomp", program))
            argv = bwrap_argv(
                bwrap,
                layout,
                binds,
                masked,
                work_dir="premounted" if unprivileged else "tmpfs",
                tmpfs_bytes=self.disk_mb * _MiB,
                seccomp_fd=seccomp_fd,
                handshake_fds=(info_write, block_read),
                command=[
                    "-c",
                    runner_source(),
                    *map(str, [code_fd, result_write, *self._limits(timeout_s, memory_mb)]),
                ],
            )
            spawn = Spawn(argv, fds.hand_over(), info_read, block_write, SANDBOX_ID if unprivileged else None)
            caps = (self.max_output_bytes, self.max_output_bytes, self.max_result_bytes + 1)  # +1: start marker
            setup = functools.partial(self._setup, cgroup, unprivileged, block_read)
            return run_collect(spawn, result_read=result_read, caps=caps, timeout_s=timeout_s, setup=setup)
        finally:
            fds.close()

    def _setup(self, cgroup: RunCgroup | None, unprivileged: bool, block_fd: int, pid: int) -> None:
        """Host-side layers on the blocked sandbox init ``pid`` (see ``_hostlayers``)."""
        if unprivileged:
            wait_until_blocked(pid, block_fd, time.monotonic() + SETUP_TIMEOUT_S)
            set_oom_score_adj(pid)  # the runner also raises its own; as root we can set the init's too
            apply_root_layers(pid, WorkDir(self.disk_mb * _MiB, self.work_dir_inodes))
        if cgroup is not None:
            cgroup.add(pid)

    def _limits(self, timeout_s: float, memory_mb: int) -> list[int]:
        """The runner's rlimits and caps, in the order ``_runner.main`` unpacks them."""
        cpu_s = math.ceil(timeout_s) + 1  # a backstop only: the host's wall-clock kill comes first
        memory, disk = memory_mb * _MiB, self.disk_mb * _MiB
        return [cpu_s, memory, disk, self.max_open_files, self.max_processes, MAX_DEPTH, self.max_result_bytes]

    def _result(self, collected: Collected, timeout_s: float, memory_exceeded: bool) -> ExecResult:
        """Facts the host observed come first; the program's document is read last and trusted least."""
        (stdout, n_out), (stderr, n_err) = _text(collected.stdout), _text(collected.stderr)
        if collected.setup_error is not None:
            raise unavailable(f"{collected.setup_error} ({_last_line(stderr)})")
        base = ExecResult(
            stdout=stdout,
            stderr=stderr,
            duration_s=collected.duration_s,
            exit_code=collected.returncode,
            memory_exceeded=memory_exceeded,
            replaced_chars=n_out + n_err,
            teardown_complete=collected.teardown_complete,
        )
        if collected.timed_out:
            timeout = f"TimeoutError: execution exceeded the {timeout_s:g} s time limit"
            return replace(base, error=timeout, error_type="TimeoutError", timed_out=True)
        channel = collected.channel.data()
        if channel[:1] != b"R":  # the runner never started: bubblewrap or the interpreter failed
            raise unavailable(f"the sandbox did not start (exit code {collected.returncode}: {_last_line(stderr)})")
        killed_by = _signal_name(collected.returncode)
        if killed_by is not None:  # whatever it wrote before dying is discarded
            return replace(base, error=f"Signal: the process was killed by {killed_by}", error_type="Signal")
        doc = parse_document(channel[1:], max_bytes=self.max_result_bytes, overflowed=collected.channel.dropped > 0)
        value, n_value = clean_value(doc.value)
        error, n_error = clean(doc.error) if doc.error is not None else (None, 0)
        if doc.error_type == "ProcessExit":
            error = f"ProcessExit: the process exited without a result (exit code {collected.returncode})"
        kind = None if error is None else doc.error_type if doc.error_type in _HOST_KINDS else "Exception"
        return replace(
            base, value=value, error=error, error_type=kind, replaced_chars=base.replaced_chars + n_value + n_error
        )


_HOST_KINDS = ("ResultError", "ProcessExit")  # set by parse_document or the runner's encoder; the rest is "Exception"


def run(
    code: str, *, timeout_s: float = SANDBOX_LIMITS.timeout_s, memory_mb: int = SANDBOX_LIMITS.memory_mb,
    executor: BubblewrapExecutor | None = None
) -> ExecResult:
    """Run ``code`` in a fresh sandbox (see :class:`BubblewrapExecutor`)."""
    return (executor or BubblewrapExecutor()).run(code, timeout_s=timeout_s, memory_mb=memory_mb)


@functools.cache
def runner_source() -> str:
    """Source of the in-sandbox runner, passed with ``python -c`` (no file of ours is bound inside)."""
    return Path(__file__).with_name("_runner.py").read_text(encoding="utf-8")


def _last_line(text: str) -> str:
    return (text.strip().splitlines() or ["no message"])[-1][:300]  # the error itself, not "Traceback ..."


def _text(buffer: CappedBuffer) -> tuple[str, int]:
    text, replaced = decode(buffer.data())
    return (text + f"\n[... {buffer.dropped} more bytes truncated]" if buffer.dropped else text), replaced


def _signal_name(returncode: int | None) -> str | None:
    """bubblewrap exits with 128 + N when the program died by signal N (negative: bubblewrap itself was)."""
    if returncode is None or not (returncode < 0 or 128 < returncode < 128 + 65):
        return None
    number = -returncode if returncode < 0 else returncode - 128
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
