"""Escape attempts (see escapes.py): each must leave no host-visible effect.

After every attempt: no canary file exists on the host (host /tmp, pytest's tmp dir, the repo, the
stdlib), the planted secret appears nowhere in the result, a sentinel host process is alive, host
TCP/UDP/unix listeners got nothing, the host's hostname is unchanged, and no sandbox process is left.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ragagent.sandbox import BubblewrapExecutor, ExecResult
from ragagent.sandbox.executor import runner_source
from tests.sandbox.escapes import ESCAPES, Escape

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
STDLIB_CANARY = Path(os.__file__).resolve().parent / "ragagent_canary.py"


@dataclass
class Host:
    """What the sandbox must not touch, and the probes that tell if it did."""

    tmp_path: Path
    token: str
    sentinel: subprocess.Popen[bytes]
    listeners: dict[str, socket.socket]
    hostname: str

    @property
    def secret(self) -> str:
        return f"s3cr3t-{self.token}"

    @property
    def canaries(self) -> list[Path]:
        return [
            self.tmp_path / "canary",
            Path(f"/tmp/ragagent-canary-{self.token}"),
            REPO / f".ragagent-canary-{self.token}",
            STDLIB_CANARY,
        ]

    def render(self, code: str) -> str:
        tokens = {
            "@CANARY@": str(self.canaries[0]),
            "@TMP_CANARY@": str(self.canaries[1]),
            "@REPO_CANARY@": str(self.canaries[2]),
            "@REPO@": str(REPO),
            "@VISIBLE@": str(self.tmp_path / "visible.txt"),
            "@TCP_PORT@": str(self.listeners["tcp"].getsockname()[1]),
            "@UDP_PORT@": str(self.listeners["udp"].getsockname()[1]),
            "@UNIX_PATH@": str(self.tmp_path / "host.sock"),
            "@ABSTRACT@": f"ragagent-{self.token}",
            "@SENTINEL_PID@": str(self.sentinel.pid),
            "@HOST_PID@": str(os.getpid()),
        }
        for token, value in tokens.items():
            code = code.replace(token, value)
        return code

    def assert_contained(self, result: ExecResult) -> None:
        for canary in self.canaries:
            assert not canary.exists(), f"{canary} was written on the host"
        seen = "\n".join([result.stdout, result.stderr, result.error or "", json.dumps(result.value)])
        assert self.secret not in seen
        assert self.sentinel.poll() is None, "the sentinel host process was killed"
        reached = [name for name, listener in self.listeners.items() if _received(name, listener)]
        assert not reached, f"host listeners were reached: {reached}"
        assert socket.gethostname() == self.hostname
        assert_no_sandbox_processes()


def _received(name: str, listener: socket.socket) -> bool:
    try:
        if name == "udp":
            listener.recvfrom(1)
        else:
            listener.accept()[0].close()
    except BlockingIOError:
        return False
    return True


def assert_no_sandbox_processes(wait_s: float = 3.0) -> None:
    """No process is still running the runner (its source is in the command line of every sandbox process)."""
    marker = runner_source()[-300:].encode()
    deadline = time.monotonic() + wait_s
    while (left := _processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"sandbox processes survived the run: {left}"


def _processes_with(marker: bytes) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                continue  # exited meanwhile
    return pids


@pytest.fixture
def host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Host]:
    token = uuid.uuid4().hex[:12]
    monkeypatch.setenv("RAGAGENT_TEST_SECRET", f"s3cr3t-{token}")
    (tmp_path / "visible.txt").write_text(f"s3cr3t-{token}")
    listeners = {
        "tcp": socket.create_server(("127.0.0.1", 0)),
        "udp": socket.socket(socket.AF_INET, socket.SOCK_DGRAM),
        "unix": socket.socket(socket.AF_UNIX),
        "abstract": socket.socket(socket.AF_UNIX),
    }
    listeners["udp"].bind(("127.0.0.1", 0))
    listeners["unix"].bind(str(tmp_path / "host.sock"))
    listeners["abstract"].bind(f"\0ragagent-{token}")
    for name in ("unix", "abstract"):
        listeners[name].listen()
    for listener in listeners.values():
        listener.setblocking(False)
    sentinel = subprocess.Popen(["sleep", "300"])
    try:
        yield Host(tmp_path, token, sentinel, listeners, socket.gethostname())
    finally:
        sentinel.kill()
        sentinel.wait()
        for listener in listeners.values():
            listener.close()


@pytest.mark.parametrize("escape", ESCAPES, ids=[e.name for e in ESCAPES])
def test_escape_is_contained(executor: BubblewrapExecutor, host: Host, escape: Escape) -> None:
    result = executor.run(host.render(escape.code), timeout_s=escape.timeout_s, memory_mb=128)
    host.assert_contained(result)
    assert escape.check(result), result


def test_enough_distinct_escapes() -> None:
    assert len({e.name for e in ESCAPES}) == len(ESCAPES) >= 30
    assert len({e.code for e in ESCAPES}) == len(ESCAPES)


def test_the_checks_detect_effects_on_the_host(host: Host) -> None:
    # The same checks, against code run WITHOUT a sandbox, must fail: they are not vacuous.
    def unsandboxed(code: str) -> ExecResult:
        out = subprocess.run(["python3", "-c", host.render(code)], capture_output=True, text=True, timeout=10)
        return ExecResult(stdout=out.stdout, stderr=out.stderr)

    with pytest.raises(AssertionError, match="written on the host"):
        host.assert_contained(unsandboxed('open("@TMP_CANARY@", "w").write("x")'))
    host.canaries[1].unlink()
    with pytest.raises(AssertionError):
        host.assert_contained(unsandboxed('import os\nprint(os.environ["RAGAGENT_TEST_SECRET"])'))
    with pytest.raises(AssertionError, match="listeners were reached"):
        host.assert_contained(unsandboxed("import socket\nsocket.create_connection(('127.0.0.1', @TCP_PORT@))"))
