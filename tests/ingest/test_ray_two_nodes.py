"""Two Ray nodes on this machine (``ray start`` twice, 1 CPU each): the embedding actors run on both.

The nodes are started without the offline settings; the driver (``ragagent ingest --ray HOST:PORT``) passes
them to its workers (runtime_env), which a probe task on each node confirms. Both nodes are stopped at the end,
whatever happens (SIGTERM to each ``ray start --block``, which stops the processes it started).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ragagent.ingest.ray_cluster import WORKER_ENV
from tests.ingest.conftest import import_ray_or_skip

BIN = Path(sys.executable).parent
PROBE = """
import json, os, sys
import ray
from ragagent.ingest import RayOptions
from ragagent.ingest.ray_cluster import RaySession
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

@ray.remote(num_cpus=1)
def offline() -> str:
    return os.environ.get("HF_HUB_OFFLINE", "unset")

with RaySession(RayOptions(sys.argv[1])) as session:
    r = session.ray()
    nodes = [n["NodeID"] for n in r.nodes() if n["Alive"]]
    pinned = [offline.options(scheduling_strategy=NodeAffinitySchedulingStrategy(n, soft=False)).remote()
              for n in nodes]
    print(json.dumps(dict(zip(nodes, r.get(pinned)))))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(log: Path, text: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise AssertionError(f"ray start exited ({process.returncode}): {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.5)
    raise AssertionError(f"ray start did not report {text!r} in {timeout} s")


@pytest.fixture
def two_nodes(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    import_ray_or_skip()
    port = _free_port()
    node_env = {k: v for k, v in os.environ.items() if k not in WORKER_ENV and k != "RAY_ADDRESS"}
    node_env["RAY_AUTH_MODE"] = "token"  # both nodes and the driver read the token from ~/.ray
    node_env["RAY_GRACEFUL_SHUTDOWN_DRAIN_TIMEOUT_S"] = "0"  # SIGTERM stops a node at once (no Serve to drain)
    common = ["--num-cpus", "1", "--object-store-memory", str(100 * 2**20), "--disable-usage-stats", "--block"]
    started: list[subprocess.Popen[bytes]] = []
    try:
        for i, extra in enumerate([["--head", "--port", str(port), "--include-dashboard", "false"],
                                   ["--address", f"127.0.0.1:{port}"]]):
            log = tmp_path / f"node{i}.log"
            with log.open("wb") as out:
                started.append(subprocess.Popen([str(BIN / "ray"), "start", *extra, *common], env=node_env,
                                                stdout=out, stderr=subprocess.STDOUT))
            _wait_for(log, "Ray runtime started", started[-1])
        time.sleep(2)  # the second raylet registers with the head
        yield f"127.0.0.1:{port}", {**node_env, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    finally:
        for process in reversed(started):  # the worker node first: the head then has nothing left to drain
            process.terminate()
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


@pytest.mark.integration
def test_embedding_runs_on_both_nodes(two_nodes: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    address, env = two_nodes
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = [{"_id": str(i), "text": f"Claim {i}: distributed embedding on node actors, batch {i % 7}."}
               for i in range(320)]
    (corpus / "claims.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    (corpus / "notes.txt").write_text("Notes on a two-node Ray cluster.", encoding="utf-8")
    (corpus / "empty.md").write_bytes(b"")  # a per-file failure: exit 3, the rest ingested
    done = subprocess.run([str(BIN / "ragagent"), "ingest", str(corpus), "--index", str(tmp_path / "idx"),
                           "--ray", address], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "failed: empty.md" in done.stderr
    assert "ray: 2 node(s)" in done.stdout, done.stdout
    embedded = [int(n) for n in re.findall(r"(\d+) chunks embedded", done.stdout)]
    assert len(embedded) == 2 and min(embedded) > 0 and sum(embedded) == 321, done.stdout

    probe = subprocess.run([str(BIN / "python"), "-c", PROBE, address], env=env, capture_output=True, text=True,
                           timeout=300)
    assert probe.returncode == 0, probe.stderr
    offline = json.loads(probe.stdout.strip().splitlines()[-1])
    assert len(offline) == 2 and set(offline.values()) == {"1"}  # the nodes were started without it
