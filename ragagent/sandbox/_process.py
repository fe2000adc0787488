"""Start the sandbox process, read its three output channels concurrently with caps, enforce the deadline.

The three pipes (stdout, stderr, result channel) are multiplexed with ``selectors`` in this thread, so a
sandbox that floods one pipe while we wait on another cannot deadlock us, and a flood costs only the
bytes we keep (the rest is read and dropped).  At the deadline the whole process group of bubblewrap is
SIGKILLed; bubblewrap's ``--die-with-parent`` and the PID namespace take everything inside down with it.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ragagent.errors import SandboxError
from ragagent.sandbox._fail import unavailable


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


SETUP_TIMEOUT_S = 10.0


def run_collect(
    argv: Sequence[str],
    *,
    result_read: int,
    pass_fds: Sequence[int],
    caps: tuple[int, int, int],
    timeout_s: float,
    handshake: Callable[[float], None] | None = None,
) -> Collected:
    """Run ``argv`` (bubblewrap) with stdin=/dev/null and a clean host env; collect outputs until exit or deadline.

    ``pass_fds`` are the child's ends of the pipes/memfds and are closed here right after the spawn.
    ``handshake(deadline)`` runs once the process exists (root mode writes the id maps there); if it
    raises :class:`SandboxError` the process is killed and the message is kept in ``setup_error``.
    """
    start = time.monotonic()
    try:
        proc = _spawn(argv, pass_fds)
    finally:
        for fd in pass_fds:
            os.close(fd)
    assert proc.stdout is not None and proc.stderr is not None  # PIPE was requested
    setup_error = None
    if handshake is not None:
        try:
            handshake(start + SETUP_TIMEOUT_S)
        except SandboxError as e:
            setup_error = str(e)
            _kill_tree(proc)  # then drain bubblewrap's stderr below, for the error message
    buffers = {proc.stdout.fileno(): CappedBuffer(caps[0]), proc.stderr.fileno(): CappedBuffer(caps[1])}
    buffers[result_read] = CappedBuffer(caps[2])
    try:
        timed_out = not _pump(buffers, start + timeout_s)
        if not timed_out:
            timed_out = _wait(proc, start + timeout_s)
    finally:
        _kill_tree(proc)
        proc.stdout.close()
        proc.stderr.close()
    out, err, channel = buffers.values()
    return Collected(out, err, channel, timed_out, proc.returncode, time.monotonic() - start, setup_error)


def _spawn(argv: Sequence[str], pass_fds: Sequence[int]) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=tuple(pass_fds),
            close_fds=True,
            start_new_session=True,  # its own process group, so the deadline kill reaches every helper
            env={},  # bubblewrap's own environment is readable inside as /proc/1/environ: keep it empty
        )
    except FileNotFoundError as e:
        raise unavailable(f"cannot start bubblewrap ({e})") from e
    except OSError as e:
        raise SandboxError(f"cannot start the sandbox process: {e}") from e


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


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
