"""Each isolation layer on its own: the allowlist, rlimits, IPC limits, user namespaces, the stdlib view."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ragagent.errors import SandboxUnavailableError
from ragagent.sandbox import BubblewrapExecutor, isolation_info
from ragagent.sandbox._hostlayers import IPC_LIMITS

pytestmark = pytest.mark.integration

_SYSCALLS = """
import ctypes, socket
libc = ctypes.CDLL(None, use_errno=True)
def call(*args):
    ret = libc.syscall(*args)
    return [ret, ctypes.get_errno()]
out = {
    "io_setup": call(206, 8, ctypes.byref(ctypes.c_ulong(0))),
    "shmget": call(29, 0, 4096, 0o1000 | 0o600),
    "mq_open": call(240, b"/q", 0o100 | 2, 0o600, None),
    "memfd_secret": call(447, 0),
    "listmount": call(458, 0, 0, 0, 0),
    "unassigned": call(1000),
    "inotify_init1": call(294, 0),
    "timer_create": call(222, 1, None, ctypes.byref(ctypes.c_void_p())),
    "unshare_user": call(272, 0x10000000),
}
try:
    socket.socketpair(socket.AF_INET)
    out["socketpair_inet"] = "allowed"
except OSError as e:
    out["socketpair_inet"] = e.errno
result = out
"""


def test_unlisted_calls_are_refused(executor: BubblewrapExecutor) -> None:
    result = executor.run(_SYSCALLS)
    assert result.error is None, result.stderr
    value = result.value
    assert value.pop("socketpair_inet") == 1
    assert value == {name: [-1, 1] for name in value}, value  # every one: -1 with EPERM


def test_executor_fails_closed_without_the_allowlist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ragagent.sandbox.executor.seccomp_program", lambda *_: None)
    with pytest.raises(SandboxUnavailableError, match="seccomp=False"):
        BubblewrapExecutor().run("result = 1")
    weaker = BubblewrapExecutor(seccomp=False).run("status = open('/proc/self/status').read()\nresult = status")
    assert "Seccomp:\t0" in weaker.value  # the explicitly chosen weaker mode runs without the filter


def test_nested_user_namespaces_are_refused_without_seccomp_too() -> None:
    # The second layer (bubblewrap's --disable-userns), alone: the filter is off.
    code = (
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nresult = [libc.unshare(0x10000000), libc.unshare(0)]"
    )
    assert BubblewrapExecutor(seccomp=False).run(code).value == [-1, 0]


def test_every_rlimit_is_set(executor: BubblewrapExecutor) -> None:
    code = "import resource\nresult = {n: list(resource.getrlimit(getattr(resource, n))) for n in dir(resource)"
    code += " if n.startswith('RLIMIT_')}\nresult['RLIMIT_LOCKS'] = list(resource.getrlimit(10))"
    limits = executor.run(code, timeout_s=3.0, memory_mb=128).value
    assert all(soft == hard and soft >= 0 for soft, hard in limits.values()), limits  # none unlimited/inherited
    expected = {"RLIMIT_SIGPENDING": 64, "RLIMIT_MSGQUEUE": 0, "RLIMIT_MEMLOCK": 0, "RLIMIT_RTPRIO": 0,
                "RLIMIT_NICE": 0, "RLIMIT_STACK": 8 << 20, "RLIMIT_NPROC": 16, "RLIMIT_CORE": 0,
                "RLIMIT_AS": 128 << 20, "RLIMIT_NOFILE": 64, "RLIMIT_CPU": 4, "RLIMIT_LOCKS": 0}  # fmt: skip
    assert {name: limits[name][0] for name in expected} == expected


def test_ipc_namespace_limits(executor: BubblewrapExecutor) -> None:
    host_before = Path("/proc/sys/kernel/shmmax").read_text()
    code = "result = {n: int(open('/proc/sys/' + n).read()) for n in " + repr(sorted(IPC_LIMITS)) + "}"
    seen = executor.run(code).value
    assert Path("/proc/sys/kernel/shmmax").read_text() == host_before  # the host's own are untouched
    if isolation_info().ipc_limits:
        assert seen == IPC_LIMITS
    else:  # without root the calls themselves are refused by the allowlist (test_unlisted_calls_are_refused)
        assert isolation_info().seccomp


def test_stdlib_is_no_live_view_of_host_files(executor: BubblewrapExecutor) -> None:
    code = """
import ctypes, fcntl, os, struct
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(os.__file__, os.O_RDONLY)
out = [libc.inotify_init1(0), libc.flock(fd, 1)]
for cmd, arg in ((fcntl.F_SETLK, struct.pack("hhqqi", fcntl.F_RDLCK, 0, 0, 0, 0)), (1026, 0)):  # lock, F_NOTIFY
    try:
        fcntl.fcntl(fd, cmd, arg)
        out.append("allowed")
    except OSError as e:
        out.append(e.errno)
st = os.stat(os.__file__)
result = [out, [st.st_dev, st.st_ino]]
"""
    denied, (dev, ino) = executor.run(code).value
    assert denied == [-1, -1, 1, 1]
    host = os.stat(Path(isolation_info().python).parents[1] / "lib" / Path(os.__file__).parent.name / "os.py")
    if isolation_info().interpreter_copy:  # root mode: a read-only copy, not the host's files
        assert (dev, ino) != (host.st_dev, host.st_ino)


def test_isolation_info_names_every_layer() -> None:
    info = isolation_info()
    assert info.seccomp and info.oom_score_adj == 1000
    assert info.work_dir_inode_cap == info.ipc_limits == info.root_mode == (os.geteuid() == 0)
    assert info.cgroup_note  # where the run's cgroup lives, or why there is none


def test_subprocesses_only_when_allowed() -> None:
    code = "import os\npid = os.fork()\nif pid == 0:\n    os._exit(7)\nresult = os.waitpid(pid, 0)[1] >> 8"
    assert BubblewrapExecutor(allow_subprocesses=True).run(code).value == 7
    denied = BubblewrapExecutor().run(code)
    assert denied.error is not None and denied.error.startswith("PermissionError")
