"""Start the sandbox process, read its three output channels concurrently with caps, enforce the deadline.

The three pipes (stdout, stderr, result channel) are multiplexed with ``selectors`` in this thread, so a
sandbox that floods one pipe while we wait on another cannot deadlock us, and a flood costs only the
bytes we keep (the rest is read and dropped).

Start: bubblewrap reports the host pid of the sandbox's PID-namespace init on ``--info-fd`` and waits on
``--block-fd`` while the host applies its own layers to it (``setup(pid)``: limits, work dir, cgroup).
End: the init is SIGKILLed through a pidfd (no pid-reuse race), the kernel kills every process of the
namespace and the init exits only after all of them; bubblewrap exits after reaping it.  ``run_collect``
returns only once bubblewrap has exited, so no sandbox process and no sandbox mount (the work dir) is
left -- or, past ``TEARDOWN_BOUND_S``, with ``teardown_complete=False``.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import selectors
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ragagent.errors import SandboxError
from ragagent.sandbox._fail import unavailable

SETUP_TIMEOUT_S = 10.0
TEARDOWN_BOUND_S = 30.0
_CHILD_PID = re.compile(rb'"child-pid":\s*(\d+)\D')  # \D: never take a number cut by a short read


class CappedBuffer:
    """Keeps the first ``limit`` bytes written to it and counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.chunks: list[bytes] = []
        self.kept = 0
        self.dropped = 0

    def add(self, chunk: bytes) -> None:
        room = max(0, self.limit - self.kept)
        if room:
            self.chunks.append(chunk[:room])
            self.kept += min(room, len(chunk))
        self.dropped += max(0, len(chunk) - room)

    def data(self) -> bytes:
        return b"".join(self.chunks)


@dataclass(frozen=True, slots=True)
class Collected:
    """Raw bytes and facts from one sandbox process; nothing here has been parsed or trusted yet."""

    stdout: CappedBuffer
    stderr: CappedBuffer
    channel: CappedBuffer
    timed_out: bool
    returncode: int | None
    duration_s: float
    setup_error: str | None = None
    teardown_complete: bool = True


@dataclass(frozen=True, slots=True)
class Spawn:
    """How to start bubblewrap: argv, the fds it inherits, the handshake fds, and the host uid to run as."""

    argv: Sequence[str]
    pass_fds: Sequence[int]
    info_read: int
    block_write: int
    user: int | None = None


def run_collect(
    spawn: Spawn,
    *,
    result_read: int,
    caps: tuple[int, int, int],
    timeout_s: float,
    setup: Callable[[int], None],
) -> Collected:
    """Run bubblewrap with stdin=/dev/null and a clean env; collect outputs until exit or deadline; tear down.

    ``spawn.pass_fds`` (the child's ends) are closed here right after the spawn.  ``setup(pid)`` runs
    while the sandbox is blocked; if it raises :class:`SandboxError` the sandbox is killed before any
    code runs and the message is kept in ``setup_error``.
    """
    start = time.monotonic()
    try:
        proc = _spawn(spawn)
    finally:
        for fd in spawn.pass_fds:
            os.close(fd)
    assert proc.stdout is not None and proc.stderr is not None  # PIPE was requested
    init_fd, setup_error = -1, None
    try:
        pid = _child_pid(spawn.info_read, start + SETUP_TIMEOUT_S)
        init_fd = os.pidfd_open(pid)
        setup(pid)
        os.write(spawn.block_write, b"1")
    except (SandboxError, OSError) as e:
        setup_error = str(e)
        _kill(proc, init_fd)  # before any code runs; bubblewrap's own message is still drained below
    buffers = {proc.stdout.fileno(): CappedBuffer(caps[0]), proc.stderr.fileno(): CappedBuffer(caps[1])}
    buffers[result_read] = CappedBuffer(caps[2])
    timed_out = False
    try:
        if setup_error is None:
            timed_out = not _pump(buffers, start + timeout_s) or _wait(proc, start + timeout_s)
        else:
            _pump(buffers, time.monotonic() + 1.0)  # bubblewrap's own message, for the error
        duration = time.monotonic() - start
    finally:
        complete = _teardown(proc, init_fd)
        proc.stdout.close()
        proc.stderr.close()
    out, err, channel = buffers.values()
    return Collected(out, err, channel, timed_out, proc.returncode, duration, setup_error, complete)


def _spawn(spawn: Spawn) -> subprocess.Popen[bytes]:
    argv, user = list(spawn.argv), spawn.user
    setpriv = shutil.which("setpriv") if user is not None else None
    if setpriv is not None:  # util-linux: drop to ``user`` in the exec'd helper, so Popen can still vfork
        argv = [setpriv, f"--reuid={user}", f"--regid={user}", "--clear-groups", "--", *argv]
        user = None
    try:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=tuple(spawn.pass_fds),
            close_fds=True,
            start_new_session=True,  # its own process group: a fallback kill reaches every helper
            env={},  # bubblewrap's own environment is readable inside as /proc/1/environ: keep it empty
            user=user,  # without setpriv Python forks (not vforks) to change the uid: slower, same effect
            group=user,
            extra_groups=None if user is None else [],
        )
    except (FileNotFoundError, PermissionError) as e:
        as_user = "" if spawn.user is None else f" as uid {spawn.user}"
        raise unavailable(f"cannot start bubblewrap{as_user} ({e})") from e
    except OSError as e:
        raise SandboxError(f"cannot start the sandbox process: {e}") from e


def _child_pid(info_read: int, deadline: float) -> int:
    data = b""
    while (match := _CHILD_PID.search(data)) is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([info_read], [], [], remaining)[0]:
            raise SandboxError("bubblewrap did not report its child pid in time")
        chunk = os.read(info_read, 4096)
        if not chunk:
            raise SandboxError("bubblewrap exited before creating the sandbox")
        data += chunk
    return int(match.group(1))


def _pump(buffers: dict[int, CappedBuffer], deadline: float) -> bool:
    """Read all pipes until every one is at EOF (True) or the deadline passes (False)."""
    with selectors.DefaultSelector() as selector:
        for fd in buffers:
            os.set_blocking(fd, False)
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            for key, _ in selector.select(remaining):
                with contextlib.suppress(BlockingIOError):
                    chunk = os.read(key.fd, 1 << 16)
                    if chunk:
                        buffers[key.fd].add(chunk)
                    else:
                        selector.unregister(key.fd)
    return True


def _wait(proc: subprocess.Popen[bytes], deadline: float) -> bool:
    """Wait for exit after the pipes closed; True when the deadline passed first."""
    try:
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return True
    return False


def _teardown(proc: subprocess.Popen[bytes], init_fd: int) -> bool:
    """Kill the namespace's init (and so every sandbox process), then wait for bubblewrap within the bound."""
    try:
        if init_fd >= 0:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(init_fd, signal.SIGKILL)
        else:  # no init known: bubblewrap may still wait on --block-fd
            _kill(proc, init_fd)
        try:
            proc.wait(timeout=TEARDOWN_BOUND_S)
            return True
        except subprocess.TimeoutExpired:
            _kill(proc, -1)
            proc.wait()
            return False
    finally:
        if init_fd >= 0:
            os.close(init_fd)


def _kill(proc: subprocess.Popen[bytes], init_fd: int) -> None:
    if init_fd >= 0:
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(init_fd, signal.SIGKILL)
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
