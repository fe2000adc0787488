"""Ray ingestion vs the local path, and a scaling curve over 1 and 2 Ray nodes on this machine.

    nice -n 10 python benchmarks/bench_ray.py [--docs 500] [--files 8] [--runs 2] [--quick]

The first ``--docs`` SciFact abstracts are split over ``--files`` JSONL files in a temp dir (read from
../shared/data, never copied into the repo). Every run is a fresh subprocess doing one cold
``ingest_paths`` into a new index, timed end to end (model load, Ray start/connect and actor start included):

* ``local``: the local path (one process, torch on every core);
* ``ray local``: ``--ray local`` (Ray started in-process with one CPU per core: 2 embedding actors here);
* ``ray 1 node``: a ``ray start --head --num-cpus 1`` cluster (1 actor);
* ``ray 2 nodes``: that head plus ``ray start --address ... --num-cpus 1`` (2 actors, one per node).

The modes alternate within each run. Reported: median seconds, chunks/s, the embedding stage's seconds
(``report.timings["embed_s"]``: actor start and model load included) and where the chunks were embedded.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import (
    CHUNK_OVERLAP,
    CHUNK_SIZE,
    child_result,
    dataset,
    machine_info,
    median,
    print_result,
    read_jsonl,
    split_jsonl,
    table,
)

BIN = Path(sys.executable).parent
MODES = ["local", "ray local", "ray 1 node", "ray 2 nodes"]


def child(corpus: Path, address: str | None) -> None:
    from ragagent.ingest import IngestOptions, RayOptions, ingest_paths

    options = IngestOptions(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP,
                            ray=RayOptions(address) if address else None)
    with tempfile.TemporaryDirectory() as work:
        t = time.perf_counter()
        report = ingest_paths([corpus], Path(work) / "index", options=options)
        seconds = time.perf_counter() - t
    assert not report.failures, report.failures
    print_result({"seconds": seconds, "embed_s": report.timings["embed_s"], "chunks": report.chunks_total,
                  "nodes": [n.chunks for n in report.nodes]})


def spawn(corpus: Path, mode: str, address: str | None, env: dict[str, str]) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", str(corpus)] + (["--address", address] if address else [])
    result = child_result(cmd, mode, env)
    print(f"  {mode:12s} {result['seconds']:6.1f} s  {result['chunks']} chunks  embed {result['embed_s']:.1f} s  "
          f"chunks per node {result['nodes']}", flush=True)
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def ray_nodes(count: int, work: Path, env: dict[str, str]) -> Iterator[str]:
    """``count`` Ray nodes of 1 CPU on this machine (``ray start --block``, stopped by SIGTERM at the end)."""
    port = _free_port()
    started: list[subprocess.Popen[bytes]] = []
    common = ["--num-cpus", "1", "--object-store-memory", str(100 * 2**20), "--disable-usage-stats", "--block"]
    try:
        for i in range(count):
            extra = (["--head", "--port", str(port), "--include-dashboard", "false"] if i == 0
                     else ["--address", f"127.0.0.1:{port}"])
            log = work / f"node{i}.log"
            with log.open("wb") as out:
                started.append(subprocess.Popen([str(BIN / "ray"), "start", *extra, *common], env=env, stdout=out,
                                                stderr=subprocess.STDOUT))
            deadline = time.monotonic() + 120
            while "Ray runtime started" not in log.read_text(errors="replace"):
                if started[-1].poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"ray start failed: {log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.5)
        time.sleep(2)
        yield f"127.0.0.1:{port}"
    finally:
        for p in reversed(started):
            p.terminate()
        for p in started:
            p.wait(timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="150 documents, 1 run")
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--address", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.address)
        return
    n_docs, runs = (150, 1) if args.quick else (args.docs, args.runs)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "RAY_AUTH_MODE": "token"}
    env.pop("RAY_ADDRESS", None)
    env["RAY_GRACEFUL_SHUTDOWN_DRAIN_TIMEOUT_S"] = "0"  # SIGTERM stops a node at once
    print(machine_info() + f"; ray {_version('ray')}")
    records = read_jsonl(dataset("scifact") / "corpus.jsonl")[:n_docs]
    results: dict[str, list[dict[str, Any]]] = {m: [] for m in MODES}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = split_jsonl(records, Path(tmp) / "corpus", args.files)
        for run in range(runs):
            for mode in MODES if run % 2 == 0 else MODES[::-1]:
                if mode in ("local", "ray local"):
                    results[mode].append(spawn(corpus, mode, "local" if mode == "ray local" else None, env))
                else:
                    with ray_nodes(1 if mode == "ray 1 node" else 2, Path(tmp), env) as address:
                        results[mode].append(spawn(corpus, mode, address, env))
    local_s = median(r["seconds"] for r in results["local"])
    rows = []
    for mode, rs in results.items():
        secs, chunks = median(r["seconds"] for r in rs), rs[0]["chunks"]
        rows.append((mode, len(records), chunks, f"{secs:.1f}", f"{chunks / secs:.1f}",
                     f"{median(r['embed_s'] for r in rs):.1f}", f"{local_s / secs:.2f}x", json.dumps(rs[0]["nodes"])))
    print(table(["mode", "docs", "chunks", "median s", "chunks/s", "embed stage s", "vs local", "chunks per node"],
                rows))
    one, two = (median(r["seconds"] for r in results[m]) for m in ("ray 1 node", "ray 2 nodes"))
    print(f"scaling 1 -> 2 nodes: {one / two:.2f}x; per-run seconds: "
          + json.dumps({m: [round(r["seconds"], 1) for r in rs] for m, rs in results.items()}))


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "(missing)"


if __name__ == "__main__":
    main()
