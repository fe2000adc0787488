"""Running ``ragagent serve`` as a subprocess on a free loopback port, for the SDK and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def ragagent_serve(index: Path, llm: str, log: Path, *extra: str, env: dict[str, str] | None = None,
                   timeout_s: float = 120) -> Iterator[Served]:
    """``ragagent serve`` on a free port; waits for /healthz; stops it (and shows its log on failure)."""
    port = free_port()
    command = [sys.executable, "-m", "ragagent", "serve", "--index", str(index), "--port", str(port),
               "--llm", llm, *extra]
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
                   "OMP_WAIT_POLICY": "PASSIVE", **(env or {})}
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=environment)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                raise AssertionError(f"ragagent serve exited with {process.returncode}: {log.read_text()}")
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"ragagent serve did not start in {timeout_s} s: {log.read_text()}")
            time.sleep(0.2)
        yield Served(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
