"""Sandbox latency per execution: full isolation vs the same interpreter without it.

    python benchmarks/bench_sandbox.py [--runs N]

Rows (each a fresh process per run, p50/p95 over N runs of a trivial program):
  * ``python -c pass``: the interpreter start-up alone, with the runner's flags (-I -S -B -X utf8);
  * runner, no isolation: the in-sandbox runner doing a whole run (``result = 1``) as a plain subprocess;
  * sandbox without seccomp: ``BubblewrapExecutor(seccomp=False)`` (the documented weaker mode);
  * sandbox without the host-side layers: no IPC-namespace limits and no inode-capped work dir (root
    mode only; a benchmark-only subclass, not an option);
  * full sandbox: every layer on.
Each layer's cost is the difference between the full row and the row without it; the runner row to
the full row is the whole cost of isolation.  The one-off per-process set-up (ldd over the
interpreter's libraries, the interpreter copy check, compiling the seccomp filter) is timed separately
in a fresh interpreter.  No warm pool: every run gets a fresh sandbox.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ragagent.sandbox import BubblewrapExecutor, isolation_info
from ragagent.sandbox._bwrap import PYTHON_FLAGS
from ragagent.sandbox._fds import sealed_memfd
from ragagent.sandbox._hostlayers import wait_until_blocked
from ragagent.sandbox._layout import python_layout
from ragagent.sandbox.executor import runner_source


def timed(variants: dict[str, Callable[[], object]], runs: int, warmup: int = 3) -> dict[str, list[float]]:
    """Interleaved (one run of each variant per round), so load from other processes hits all rows alike."""
    for fn in variants.values():
        for _ in range(warmup):
            fn()
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, fn in variants.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return samples


def plain_python() -> None:
    subprocess.run([python_layout().executable, *PYTHON_FLAGS, "-c", "pass"], check=True, env={})


def plain_runner() -> None:
    """The runner's whole protocol (code fd, rlimits, result fd) without any isolation."""
    code_fd = sealed_memfd("code", b"result = 1")
    read, write = os.pipe()
    limits = ["10", str(512 << 20), str(64 << 20), "64", "16", "32", "1000000"]
    try:
        argv = [python_layout().executable, *PYTHON_FLAGS, "-c", runner_source(), str(code_fd), str(write), *limits]
        proc = subprocess.Popen(argv, pass_fds=(code_fd, write), env={}, stdin=subprocess.DEVNULL)
        os.close(write)
        write = -1
        with os.fdopen(read, "rb") as channel:
            read = -1
            assert channel.read() == b'R{"value":1}'
        proc.wait()
    finally:
        for fd in (code_fd, read, write):
            if fd >= 0:
                os.close(fd)


def first_call_setup() -> float:
    """Per-process one-off cost (cached afterwards), measured in a fresh interpreter."""
    code = (
        "from ragagent.sandbox._layout import python_layout; from ragagent.sandbox._seccomp import seccomp_program\n"
        "from ragagent.sandbox._mirror import host_binds, root_mode\n"
        "import time; t = time.perf_counter(); host_binds(python_layout(), root_mode()); seccomp_program()\n"
        "print(time.perf_counter() - t)"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    return float(out.stdout.strip())


class WithoutHostLayers(BubblewrapExecutor):
    """Benchmark only: skips the root-mode IPC limits and inode-capped work dir, to price them."""

    def _setup(self, cgroup: object, unprivileged: bool, block_fd: int, pid: int) -> None:
        return None


WAIT_TIMES: list[float] = []
SETUP_TIMES: list[float] = []


class TimedSetup(BubblewrapExecutor):
    """Benchmark only: the full sandbox, timing bubblewrap's own set-up and then the host-side layers."""

    def _setup(self, cgroup: Any, unprivileged: bool, block_fd: int, pid: int) -> None:
        start = time.perf_counter()
        if unprivileged:
            wait_until_blocked(pid, block_fd, time.monotonic() + 10)
        layers = time.perf_counter()
        super()._setup(cgroup, unprivileged, block_fd, pid)
        WAIT_TIMES.append(layers - start)
        SETUP_TIMES.append(time.perf_counter() - layers)


_SYSCALL_LOOP = (
    "import os, time\nt = time.process_time()\nfor _ in range(200000):\n    os.getppid()\n"
    "result = (time.process_time() - t) / 200000 * 1e9"
)


def syscall_ns(executor: BubblewrapExecutor, runs: int = 5) -> float:
    """CPU ns per ``getppid()`` round trip from Python inside the sandbox (the filter runs on every call)."""
    return statistics.median(float(executor.run(_SYSCALL_LOOP, timeout_s=60).value) for _ in range(runs))


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown",
    )
    bwrap = subprocess.run(["bwrap", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}, Python {platform.python_version()}, {bwrap}"


def cpu_pressure() -> str:
    """Linux PSI: the share of time runnable tasks waited for a CPU (other load skews every row)."""
    try:
        some = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        return "unknown"
    return some.split()[1].replace("avg10=", "") + "% (avg10)"


def row(name: str, samples: list[float]) -> str:
    p50 = statistics.median(samples) * 1000
    p95 = statistics.quantiles(samples, n=20)[-1] * 1000 if len(samples) > 1 else p50
    return f"| {name} | {p50:.1f} | {p95:.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="runs per row (default 50)")
    args = parser.parse_args()
    info = isolation_info()
    full, no_seccomp, no_host = TimedSetup(), BubblewrapExecutor(seccomp=False), WithoutHostLayers()
    variants: dict[str, Callable[[], object]] = {
        "python -c pass (same interpreter and flags)": plain_python,
        "runner, no isolation (result = 1)": plain_runner,
        "sandbox without seccomp": lambda: no_seccomp.run("result = 1"),
    }
    if info.root_mode:
        variants["sandbox without host-side IPC/inode layers"] = lambda: no_host.run("result = 1")
    variants["full sandbox (result = 1)"] = lambda: full.run("result = 1")
    rows = timed(variants, args.runs)
    print(f"Machine: {machine()}")
    print(f"CPU pressure during the runs: {cpu_pressure()}")
    print(
        f"Layers: seccomp allowlist={info.seccomp}, root mode (bwrap as uid 65534)={info.root_mode}, "
        f"interpreter copy={info.interpreter_copy}, work dir size cap={info.tmpfs_size_cap}, "
        f"inode cap={info.work_dir_inode_cap}, IPC limits={info.ipc_limits}, oom_score_adj={info.oom_score_adj}, "
        f"cgroup={info.cgroup} ({info.cgroup_note})"
    )
    print(f"Runs per row: {args.runs}\n")
    print("| what | p50 ms | p95 ms |\n|---|---|---|")
    for name, samples in rows.items():
        print(row(name, samples))
    runner, sandbox = (
        statistics.median(rows["runner, no isolation (result = 1)"]),
        statistics.median(rows["full sandbox (result = 1)"]),
    )
    print(f"\nIsolation set-up: {1000 * (sandbox - runner):.1f} ms of the {1000 * sandbox:.1f} ms p50 "
          f"({100 * (sandbox - runner) / sandbox:.0f}%).")  # fmt: skip
    for name in rows:
        if name.startswith("sandbox without"):
            cost = sandbox - statistics.median(rows[name])
            print(f"Cost of the layer missing from '{name}': {1000 * cost:+.1f} ms p50.")
    if SETUP_TIMES:
        print(f"Inside a full run: bubblewrap's own set-up {1000 * statistics.median(WAIT_TIMES):.1f} ms p50, then "
              f"the host-side layers (oom_score_adj, IPC limits, work-dir mount) "
              f"{1000 * statistics.median(SETUP_TIMES):.1f} ms p50.")  # fmt: skip
    with_filter, without = syscall_ns(full), syscall_ns(no_seccomp)
    print(f"Seccomp allowlist per system call: {with_filter - without:+.0f} ns CPU "
          f"({with_filter:.0f} vs {without:.0f} ns per getppid() from Python).")  # fmt: skip
    print(f"One-off per-process set-up (ldd, interpreter copy check, seccomp compile; cached): "
          f"{1000 * first_call_setup():.0f} ms.")  # fmt: skip


if __name__ == "__main__":
    main()
