"""What a program can take from the host: memory, per-user kernel budgets, time after ``run()`` returns.

Each test runs a hostile program (the second red team's attacks, scaled up to aim at 3 GiB) and asserts a
host-visible measure: MemAvailable and Shmem+Slab sampled by the host during the run, the host's own
``inotify_init``/``timer_create``/``mq_open``/``io_setup`` during the run, the host's process table after
``run()`` returns.  The machine is shared, so memory bounds are 1 GiB: far above what a contained run can
hold (128 MiB of address space + a 64 MiB work dir) and far below what the attacks got before (1.5-2.5 GiB).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ragagent.sandbox import BubblewrapExecutor, ExecResult, isolation_info
from tests.sandbox.hostprobe import (
    GiB,
    host_kernel_calls,
    in_background,
    processes_named,
    sandbox_processes,
    status_field,
    token,
    wait_for,
    watching_memory,
)

pytestmark = pytest.mark.integration

SHM = """
import ctypes, time
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
held = 0
for _ in range(24):  # 24 x 128 MiB: SysV segments written, then detached (they stay allocated)
    sid = libc.shmget(0, 128 << 20, 0o1000 | 0o600)
    if sid < 0:
        break
    addr = libc.shmat(sid, None, 0)
    if addr is None or addr == ctypes.c_void_p(-1).value:
        break
    ctypes.memset(addr, 1, 128 << 20)
    libc.shmdt(ctypes.c_void_p(addr))
    held += 128
print("held MiB", held, flush=True)
time.sleep(30)
"""

MEMFD = """
import os, socket, time
a, b = socket.socketpair()
held = 0
for i in range(48):  # 48 x 64 MiB memfds, parked in a unix socket to get around the open-file limit
    try:
        fd = os.memfd_create(f"m{i}")
        os.posix_fallocate(fd, 0, 64 << 20)
        socket.send_fds(a, [b"x"], [fd])
        os.close(fd)
    except OSError:
        break
    held += 64
print("held MiB", held, flush=True)
time.sleep(30)
"""

FILES = """
import os, time
start, made, big = time.monotonic(), 0, 0
for d in ("/tmp", "/dev/shm", "/dev"):  # empty files cost kernel memory (inodes), not bytes
    try:
        while time.monotonic() - start < 2.0:
            open(f"{d}/f{made}", "w").close()
            made += 1
    except OSError:
        pass
for d in ("/tmp", "/dev/shm"):
    for i in range(100):
        try:
            with open(f"{d}/big{i}", "wb") as f:
                f.write(b"x" * (32 << 20))
            big += 32
        except OSError:
            break
print("files", made, "MiB", big, flush=True)
time.sleep(30)
"""

FORK = """
import os, time
kids = 0
for _ in range(16):  # children at 200 MiB each
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        x = bytearray(200 << 20)
        time.sleep(30)
        os._exit(0)
    kids += 1
print("children", kids, flush=True)
time.sleep(30)
"""

ATTACKS = {"sysv-shm": SHM, "memfd-in-socket": MEMFD, "files-and-inodes": FILES, "fork-children": FORK}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_host_memory_stays_bounded(executor: BubblewrapExecutor, name: str) -> None:
    if name == "files-and-inodes" and not isolation_info().work_dir_inode_cap:
        # Known gap, reported by isolation_info(): only root can mount the inode-capped work dir.
        pytest.xfail("the work dir's inode cap needs root mode; run the suite as root to check it")
    comm = token()
    code = f'open("/proc/self/comm", "w").write("{comm}")\n' + ATTACKS[name]
    with watching_memory() as watch:
        result = executor.run(code, timeout_s=4.0, memory_mb=128)
    assert result.timed_out, result  # it held what it got until the deadline
    assert watch.available_drop < GiB, f"host MemAvailable dropped {watch.available_drop / GiB:.2f} GiB"
    assert watch.kernel_rise < GiB, f"host Shmem+Slab rose {watch.kernel_rise / GiB:.2f} GiB"
    assert processes_named(comm) == []  # and nothing of it is left


def test_attacks_get_nothing_past_the_layers(executor: BubblewrapExecutor) -> None:
    # The programs' own reports (ours, honest): what each layer let through.
    def report(code: str) -> str:
        return executor.run(code.replace("time.sleep(30)", ""), timeout_s=10.0, memory_mb=128).stdout

    assert report(SHM) == "held MiB 0\n"  # shmget is not in the allowlist
    assert report(MEMFD) == "held MiB 0\n"  # neither is memfd_create
    assert report(FORK) == "children 0\n"  # nor fork
    files, made, _, big = report(FILES).split()
    assert files == "files" and int(big) <= 64  # /dev and /dev/shm are read-only; the work dir is 64 MiB
    if isolation_info().work_dir_inode_cap:
        assert int(made) < 4096


KERNEL_BUDGETS = """
import ctypes, os, signal, time
libc = ctypes.CDLL(None, use_errno=True)
got = {}
n = 0
while n < 100000 and libc.inotify_init1(0) >= 0:
    n += 1
got["inotify"] = n
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGRTMIN])
n = 0
while n < 100000:
    try:
        os.kill(os.getpid(), signal.SIGRTMIN)  # queued real-time signals: the pending-signal budget
    except OSError:
        break
    n += 1
got["sigpending"] = n
timer, n = ctypes.c_void_p(), 0
while n < 100000 and libc.timer_create(1, None, ctypes.byref(timer)) == 0:
    n += 1
got["timers"] = n
n = 0
while n < 1000 and libc.mq_open(f"/q{n}".encode(), os.O_CREAT | os.O_RDWR, 0o600, None) >= 0:
    n += 1
got["mqueues"] = n
ctx, n = ctypes.c_ulong(0), 0
while n < 10000 and libc.syscall(206, 4096, ctypes.byref(ctx)) == 0:
    ctx, n = ctypes.c_ulong(0), n + 1
got["aio"] = n
print(got, flush=True)
time.sleep(30)
"""


def test_host_kernel_calls_work_during_a_hostile_run(executor: BubblewrapExecutor) -> None:
    assert all(host_kernel_calls().values())  # the probe itself works here
    comm = token()
    code = f'open("/proc/self/comm", "w").write("{comm}")\n' + KERNEL_BUDGETS
    thread, out = in_background(lambda: executor.run(code, timeout_s=4.0, memory_mb=128))
    assert wait_for(lambda: bool(processes_named(comm)), 5.0)
    wait_for(lambda: not thread.is_alive(), 1.5)  # let it exhaust what it can
    during = host_kernel_calls()
    thread.join()
    assert thread is not None and out
    result = out[0]
    assert isinstance(result, ExecResult) and result.timed_out
    assert during == dict.fromkeys(during, True), during


def test_nothing_outlives_a_timed_out_run(executor: BubblewrapExecutor) -> None:
    name = token()
    code = f"""
import os, threading, time
open("/proc/self/comm", "w").write("{name}")
for i in range(3000):
    open(f"/tmp/f{{i}}", "w").close()
def spin():
    while True:
        pass
for _ in range(4):
    threading.Thread(target=spin, daemon=True).start()
x = bytearray(64 << 20)
time.sleep(60)
"""
    thread, out = in_background(lambda: executor.run(code, timeout_s=2.0, memory_mb=128))
    assert wait_for(lambda: bool(processes_named(name)), 5.0), "the program never started"
    thread.join()
    # No grace period: the moment run() has returned, nothing of the sandbox may exist.
    assert processes_named(name) == []
    result = out[0]
    assert isinstance(result, ExecResult) and result.timed_out and result.teardown_complete


def test_sandbox_processes_are_unprivileged_and_first_for_the_oom_killer(executor: BubblewrapExecutor) -> None:
    name = token()
    code = f'open("/proc/self/comm", "w").write("{name}")\nimport time\ntime.sleep(2)\nresult = 1'
    thread, out = in_background(lambda: executor.run(code, timeout_s=5.0))
    assert wait_for(lambda: bool(processes_named(name)), 5.0)
    program = processes_named(name)
    everything = sandbox_processes()  # bubblewrap and all it started
    adj = [Path(f"/proc/{pid}/oom_score_adj").read_text().strip() for pid in program]
    uids = {status_field(pid, "Uid") for pid in everything}
    thread.join()
    assert adj == ["1000"] * len(program) and program
    if isolation_info().root_mode:  # nothing of the sandbox runs as host root, bubblewrap included
        assert uids == {"65534\t65534\t65534\t65534"}, uids
    assert out and isinstance(out[0], ExecResult) and out[0].value == 1


def test_the_memory_watch_sees_what_the_attack_took_unsandboxed() -> None:
    # The same memfd attack at 1.5 GiB as a plain process: the host-side measure must catch it.
    code = MEMFD.replace("range(48)", "range(24)").replace("time.sleep(30)", "time.sleep(0.5)")
    with watching_memory() as watch:
        subprocess.run([sys.executable, "-I", "-c", code], timeout=60, check=True, capture_output=True)
    assert watch.kernel_rise > GiB and watch.available_drop > GiB
