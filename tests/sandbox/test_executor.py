"""Normal behaviour of the bubblewrap executor: values, errors, output, limits, freshness."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from ragagent.sandbox import BubblewrapExecutor, ExecResult, Executor, isolation_info, run
from ragagent.sandbox._bwrap import SANDBOX_ENV

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("def solution():\n    return 6 * 7", 42),
        ("result = 2.5", 2.5),
        ("x = 1", None),
        ("result = 1\ndef solution():\n    return 2", 2),
        ("result = (1, [2, (3,)], {'k': None, 'b': True})", [1, [2, [3]], {"k": None, "b": True}]),
        ("result = 'héllo ✓ \\x00'", "héllo ✓ \x00"),
    ],
    ids=["solution", "result-var", "nothing", "solution-wins", "nested-tuples", "unicode"],
)
def test_values(executor: BubblewrapExecutor, code: str, value: object) -> None:
    result = executor.run(code)
    assert result.error is None, result.stderr
    assert result.value == value
    assert result.ok and result.exit_code == 0 and not result.timed_out


def test_exception_is_a_value(executor: BubblewrapExecutor) -> None:
    result = executor.run("print('before')\ndef solution():\n    return 1 / 0")
    assert result.error == "ZeroDivisionError: division by zero"
    assert result.error_type == "Exception"  # the host's kind; the program's own report is in error
    assert result.value is None and not result.ok
    assert result.stdout == "before\n"
    assert "Traceback" in result.stderr and "<solution>" in result.stderr


def test_syntax_error_names_the_line(executor: BubblewrapExecutor) -> None:
    result = executor.run("x = 1\ndef solution(:\n    return x")
    assert result.error_type == "Exception"
    assert result.error is not None and result.error.startswith("SyntaxError") and "line 2" in result.error


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("result = {1, 2}", "unsupported result type set"),
        ("result = float('nan')", "non-finite"),
        ("result = {1: 'a'}", "dict key of type int"),
        ("result = object()", "unsupported result type object"),
    ],
)
def test_unsupported_values(executor: BubblewrapExecutor, code: str, message: str) -> None:
    result = executor.run(code)
    assert result.error_type == "ResultError"
    assert result.error is not None and message in result.error


def test_int_too_long_to_print_is_an_error(executor: BubblewrapExecutor) -> None:
    result = executor.run("result = 10 ** 5000")
    assert result.error_type == "Exception" and result.error is not None and result.error.startswith("ValueError")


def test_timeout_keeps_output_printed_before(executor: BubblewrapExecutor) -> None:
    result = executor.run("print('started')\nwhile True:\n    pass", timeout_s=1.0)
    assert result.timed_out and result.error_type == "TimeoutError"
    assert result.stdout == "started\n"
    assert 1.0 <= result.duration_s < 2.5


def test_memory_limit(executor: BubblewrapExecutor) -> None:
    result = executor.run("x = bytearray(400 * 2**20)", memory_mb=128)
    assert result.error is not None and result.error.startswith("MemoryError")
    assert result.memory_exceeded is isolation_info().cgroup  # only the host's cgroup counters may set it
    assert executor.run("x = bytearray(40 * 2**20)\nresult = len(x)", memory_mb=128).value == 40 * 2**20


def test_work_dir_is_private_writable_and_fresh(executor: BubblewrapExecutor) -> None:
    first = executor.run(
        "import os\nopen('note.txt', 'w').write('hi')\nresult = [os.getcwd(), open('/tmp/note.txt').read()]"
    )
    assert first.value == ["/tmp", "hi"]
    second = executor.run("import os\nresult = os.listdir('.')")
    assert second.value == []


def test_clean_environment_and_empty_stdin(executor: BubblewrapExecutor) -> None:
    result = executor.run("import os, sys\nresult = [sorted(os.environ), sys.stdin.read()]")
    assert result.value == [sorted([*SANDBOX_ENV, "PWD"]), ""]


@pytest.mark.parametrize("memory_mb", [128, 256])
def test_threads_do_not_use_up_the_address_space(executor: BubblewrapExecutor, memory_mb: int) -> None:
    # glibc's per-thread malloc arenas reserve 64 MiB of address space each; RLIMIT_AS counts them.
    code = (
        "import threading\nev = threading.Event()\n"
        "ts = [threading.Thread(target=ev.wait) for _ in range(4)]\n[t.start() for t in ts]\n"
        "x = bytearray(32 << 20)\nev.set()\n[t.join() for t in ts]\nresult = len(x)"
    )
    result = executor.run(code, memory_mb=memory_mb)
    assert result.error is None and result.value == 32 << 20


def test_runs_as_unprivileged_user_with_seccomp(executor: BubblewrapExecutor) -> None:
    code = "import os\nstatus = dict(l.split(':', 1) for l in open('/proc/self/status'))\n"
    code += "result = [os.getuid(), os.getgid()] + [status[k].strip() for k in ('CapEff', 'Seccomp', 'NoNewPrivs')]"
    uid, gid, cap_eff, seccomp_mode, no_new_privs = executor.run(code).value
    assert (uid, gid, int(cap_eff, 16), no_new_privs) == (65534, 65534, 0, "1")
    assert seccomp_mode == ("2" if isolation_info().seccomp else "0")


def test_output_is_capped() -> None:
    small = BubblewrapExecutor(max_output_bytes=1000)
    result = small.run("print('x' * 5000)\nimport sys\nsys.stderr.write('y' * 3000)\nresult = 1")
    assert result.value == 1
    assert result.stdout.startswith("x" * 1000) and "4001 more bytes truncated" in result.stdout
    assert "2000 more bytes truncated" in result.stderr


def test_result_size_is_capped() -> None:
    result = BubblewrapExecutor(max_result_bytes=1000).run("result = 'a' * 5000")
    assert result.error_type == "ResultError" and result.error is not None and "too large" in result.error


def test_concurrent_runs_do_not_mix(executor: BubblewrapExecutor) -> None:
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda n: executor.run(f"print({n})\nresult = {n} * 2"), range(8)))
    assert [r.value for r in results] == [n * 2 for n in range(8)]
    assert [r.stdout for r in results] == [f"{n}\n" for n in range(8)]


def test_module_level_run_and_protocol(executor: BubblewrapExecutor) -> None:
    assert isinstance(executor, Executor)
    assert run("result = 3", timeout_s=5.0, memory_mb=128).value == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        ExecResult().value = 1  # type: ignore[misc]


def test_standard_id_mapping_when_not_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # The path taken by non-root users: bubblewrap maps uid 65534 itself and disables nested user namespaces.
    monkeypatch.setattr("ragagent.sandbox.executor.root_mode", lambda: False)
    code = "import ctypes, os\nresult = [os.getuid(), ctypes.CDLL(None).unshare(0x10000000)]"
    assert BubblewrapExecutor(seccomp=False).run(code).value == [65534, -1]


def test_only_stdio_and_the_result_channel_are_open(executor: BubblewrapExecutor) -> None:
    result = executor.run("import os\nresult = sorted(int(fd) for fd in os.listdir('/proc/self/fd'))")
    assert len(result.value) == 5  # 0, 1, 2, the result pipe, and the fd listdir itself holds
    assert result.value[:3] == [0, 1, 2]
