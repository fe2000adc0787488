"""Host-side measurements for the escape tests: memory during a run, the host's own kernel calls, processes.

Everything here observes the host from outside the sandbox; nothing trusts what the program reports.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ragagent.sandbox.executor import runner_source

GiB = 1 << 30


def meminfo() -> dict[str, int]:
    """/proc/meminfo in bytes."""
    out = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        name, _, rest = line.partition(":")
        out[name] = int(rest.split()[0]) * 1024
    return out


@dataclass
class MemoryWatch:
    """The largest drop of MemAvailable and the largest rise of Shmem + Slab seen while sampling."""

    base: dict[str, int] = field(default_factory=meminfo)
    available_drop: int = 0
    kernel_rise: int = 0

    def sample(self) -> None:
        now = meminfo()
        self.available_drop = max(self.available_drop, self.base["MemAvailable"] - now["MemAvailable"])
        held = (now["Shmem"] + now["Slab"]) - (self.base["Shmem"] + self.base["Slab"])
        self.kernel_rise = max(self.kernel_rise, held)


@contextmanager
def watching_memory(period_s: float = 0.02) -> Iterator[MemoryWatch]:
    watch = MemoryWatch()
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(period_s):
            watch.sample()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield watch
    finally:
        stop.set()
        thread.join()
        watch.sample()


def in_background(fn: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    """Run ``fn`` in a thread; its return value lands in the list."""
    out: list[object] = []
    thread = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    thread.start()
    return thread, out


def token() -> str:
    """A process name (``comm``, 15 chars max) a test program gives itself, to find its processes."""
    return "rgx" + uuid.uuid4().hex[:12]


def processes_named(name: str) -> list[int]:
    return [pid for pid in _pids() if _read(pid, "comm").strip() == name]


def sandbox_processes() -> list[int]:
    """Our own descendants whose command line carries the runner (bubblewrap and everything inside).

    Only descendants: other processes on a shared machine may run sandboxes too.
    """
    marker = runner_source()[-300:]
    parents = {pid: _parent(pid) for pid in _pids()}
    mine = {os.getpid()}
    changed = True
    while changed:
        found = {pid for pid, parent in parents.items() if parent in mine} - mine
        mine |= found
        changed = bool(found)
    return [pid for pid in mine if marker in _read(pid, "cmdline")]


def _parent(pid: int) -> int:
    stat = _read(pid, "stat")
    return int(stat.rpartition(")")[2].split()[1]) if stat else -1


def status_field(pid: int, name: str) -> str:
    for line in _read(pid, "status").splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    return ""


def _pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def _read(pid: int, name: str) -> str:
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


def host_kernel_calls() -> dict[str, bool]:
    """The host's own inotify, POSIX timer, message queue and AIO calls: does each succeed right now?"""
    libc = ctypes.CDLL(None, use_errno=True)
    results = {}
    fd = libc.inotify_init1(0)
    results["inotify_init"] = fd >= 0
    if fd >= 0:
        os.close(fd)
    timer = ctypes.c_void_p()
    ok = libc.timer_create(1, None, ctypes.byref(timer)) == 0  # CLOCK_MONOTONIC, default SIGALRM event
    results["timer_create"] = ok
    if ok:
        libc.timer_delete(timer)
    name = f"/ragagent-probe-{uuid.uuid4().hex[:8]}".encode()
    rt = ctypes.CDLL("librt.so.1", use_errno=True)
    rt.mq_open.restype = ctypes.c_int
    mq = rt.mq_open(name, os.O_CREAT | os.O_RDWR, 0o600, None)
    results["mq_open"] = mq >= 0
    if mq >= 0:
        rt.mq_close(mq)
        rt.mq_unlink(name)
    ctx = ctypes.c_ulong(0)
    ok = libc.syscall(206, 8, ctypes.byref(ctx)) == 0  # io_setup(8, &ctx)
    results["io_setup"] = ok
    if ok:
        libc.syscall(207, ctx)  # io_destroy
    return results


def wait_for(predicate: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
