"""The bubblewrap executor: one fresh, fully isolated interpreter per run.

>>> result = BubblewrapExecutor().run("def solution():\\n    return 6 * 7")  # doctest: +SKIP
>>> result.value, result.error  # doctest: +SKIP
(42, None)

Layers, outside in: bubblewrap namespaces (user, mount, pid, net, ipc, uts, cgroup) with read-only binds
of only the base interpreter, its stdlib and shared libraries; a size-capped private tmpfs as the work
dir; uid 65534 without capabilities (as host uid 65534 when we are root, see ``_userns``); a seccomp
filter when libseccomp is available; rlimits set by the runner; a wall-clock kill of the process tree by
the host; a size- and depth-capped JSON result channel; capped stdout/stderr.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ragagent.errors import ConfigError
from ragagent.sandbox._bwrap import bwrap_argv, resolve_bwrap
from ragagent.sandbox._document import MAX_DEPTH, parse_document
from ragagent.sandbox._fail import unavailable
from ragagent.sandbox._fds import FdSet, sealed_memfd
from ragagent.sandbox._layout import python_layout
from ragagent.sandbox._process import CappedBuffer, Collected, run_collect
from ragagent.sandbox._seccomp import seccomp_program
from ragagent.sandbox._userns import SANDBOX_ID, map_sandbox_ids, root_mode
from ragagent.sandbox.base import ExecResult

_MiB = 1 << 20


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
    max_output_bytes: int = 64 * 1024  # kept from each of stdout and stderr
    max_result_bytes: int = 1_000_000
    max_processes: int = 16  # RLIMIT_NPROC, counted in the sandbox's own user namespace (threads count)
    max_open_files: int = 64
    seccomp: bool = True  # apply the seccomp layer when libseccomp is available

    def run(self, code: str, *, timeout_s: float = 5.0, memory_mb: int = 256) -> ExecResult:
        """Run ``code`` (defining ``solution()`` or setting ``result``) and describe what happened."""
        _validate(timeout_s, memory_mb)
        bwrap = resolve_bwrap(self.bwrap)
        if bwrap is None:
            raise unavailable(f"bubblewrap not found ({self.bwrap or 'bwrap'} is not installed or not on PATH)")
        fds = FdSet()
        try:
            result_read, result_write = fds.pipe()
            code_fd = fds.child(sealed_memfd("code", code.encode("utf-8", "replace")))
            argv, handshake = self._command(bwrap, fds, [code_fd, result_write], timeout_s, memory_mb)
            caps = (self.max_output_bytes, self.max_output_bytes, self.max_result_bytes + 1)  # +1: start marker
            collected = run_collect(
                argv,
                result_read=result_read,
                pass_fds=fds.hand_over(),
                caps=caps,
                timeout_s=timeout_s,
                handshake=handshake,
            )
        finally:
            fds.close()
        return self._result(collected, timeout_s)

    def _command(
        self, bwrap: str, fds: FdSet, io_fds: list[int], timeout_s: float, memory_mb: int
    ) -> tuple[list[str], Callable[[float], None] | None]:
        """The bubblewrap argv (opening the seccomp and user-namespace fds in ``fds``) and the root-mode handshake."""
        program = seccomp_program() if self.seccomp else None
        seccomp_fd = None if program is None else fds.child(sealed_memfd("seccomp", program))
        userns_fds, handshake = _user_namespace(fds)
        runner_args = [*io_fds, SANDBOX_ID if userns_fds else -1, *self._limits(timeout_s, memory_mb)]
        argv = bwrap_argv(
            bwrap,
            python_layout(),
            tmpfs_bytes=self.disk_mb * _MiB,
            seccomp_fd=seccomp_fd,
            userns_fds=userns_fds,
            command=["-c", runner_source(), *map(str, runner_args)],
        )
        return argv, handshake

    def _limits(self, timeout_s: float, memory_mb: int) -> list[int]:
        """The runner's rlimits and caps, in the order ``_runner.main`` unpacks them."""
        cpu_s = math.ceil(timeout_s) + 1  # a backstop only: the host's wall-clock kill comes first
        memory, disk = memory_mb * _MiB, self.disk_mb * _MiB
        return [cpu_s, memory, disk, self.max_open_files, self.max_processes, MAX_DEPTH, self.max_result_bytes]

    def _result(self, collected: Collected, timeout_s: float) -> ExecResult:
        stdout, stderr = _text(collected.stdout), _text(collected.stderr)
        if collected.setup_error is not None:
            raise unavailable(f"{collected.setup_error} ({_last_line(stderr)})")
        base = ExecResult(stdout=stdout, stderr=stderr, duration_s=collected.duration_s, exit_code=collected.returncode)
        if collected.timed_out:
            timeout = f"TimeoutError: execution exceeded the {timeout_s:g} s time limit"
            return replace(base, error=timeout, error_type="TimeoutError", timed_out=True)
        channel = collected.channel.data()
        if channel[:1] != b"R":  # the runner never started: bubblewrap or the interpreter failed
            raise unavailable(f"the sandbox did not start (exit code {collected.returncode}: {_last_line(stderr)})")
        doc = parse_document(channel[1:], max_bytes=self.max_result_bytes, overflowed=collected.channel.dropped > 0)
        error = doc.error
        if doc.error_type == "ProcessExit":
            error = f"ProcessExit: the process exited without a result (exit code {collected.returncode})"
        return replace(
            base,
            value=doc.value,
            error=error,
            error_type=doc.error_type,
            memory_exceeded=doc.error_type == "MemoryError",
        )


def run(
    code: str, *, timeout_s: float = 5.0, memory_mb: int = 256, executor: BubblewrapExecutor | None = None
) -> ExecResult:
    """Run ``code`` in a fresh sandbox (see :class:`BubblewrapExecutor`)."""
    return (executor or BubblewrapExecutor()).run(code, timeout_s=timeout_s, memory_mb=memory_mb)


@functools.cache
def runner_source() -> str:
    """Source of the in-sandbox runner, passed with ``python -c`` (no file of ours is bound inside)."""
    return Path(__file__).with_name("_runner.py").read_text(encoding="utf-8")


def _user_namespace(fds: FdSet) -> tuple[tuple[int, int] | None, Callable[[float], None] | None]:
    """Root mode: the ``(block_read, info_write)`` fds for bubblewrap and the handshake that maps the ids."""
    if not root_mode():
        return None, None
    info_read, info_write = fds.pipe()
    block_read, block_write = fds.pipe(child_reads=True)
    return (block_read, info_write), functools.partial(map_sandbox_ids, info_read, block_write)


def _validate(timeout_s: float, memory_mb: int) -> None:
    if not (math.isfinite(timeout_s) and timeout_s > 0):
        raise ConfigError(f"timeout_s must be a positive number of seconds, got {timeout_s!r}")
    if memory_mb < 32:
        raise ConfigError(f"memory_mb must be at least 32 (the interpreter needs it), got {memory_mb!r}")


def _last_line(text: str) -> str:
    return (text.strip().splitlines() or ["no message"])[-1][:300]  # the error itself, not "Traceback ..."


def _text(buffer: CappedBuffer) -> str:
    text = buffer.data().decode("utf-8", "replace")
    return text + f"\n[... {buffer.dropped} more bytes truncated]" if buffer.dropped else text
