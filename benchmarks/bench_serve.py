"""HTTP overhead of ``ragagent serve``: ``GET /v1/search`` at concurrency 1, 8 and 32 vs ``Index.search`` in process.

    python benchmarks/bench_serve.py [--index DIR] [--queries-from scifact] [--requests 300] [--mode hybrid] [--k 10]

The server is a ``ragagent serve`` subprocess on a free loopback port; the client is this process (one async
httpx client, ``c`` requests in flight). Queries are the SciFact claims, each embedded by the server as a user
query would be (the ONNX query encoder, same as in process). Reported: queries/s, p50/p95/p99 latency, errors
(must be 0). The in-process baseline calls ``Index.search`` on the same index and queries, from 1 thread and
from 8 threads (before and after the server runs, so the two never compete); the ratio column divides the
1-thread in-process rate (both runs pooled) by each row's rate.
Default index: the SciFact index the other benchmarks build (``/tmp/ragagent-bench/scifact-c1000``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from _common import dataset, index_of, machine_info, percentile, scifact_index_dir, table

CONCURRENCY = (1, 8, 32)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(index: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    process = subprocess.Popen([sys.executable, "-m", "ragagent", "serve", "--index", str(index), "--port",
                                str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"ragagent serve exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    sys.exit("ragagent serve did not start in 120 s")


async def run_http(url: str, queries: Sequence[str], concurrency: int, mode: str, k: int
                   ) -> tuple[float, list[float], int]:
    """(wall seconds, per-request latencies, errors) for all ``queries`` with ``concurrency`` in flight."""
    latencies: list[float] = []
    errors = 0
    todo = iter(queries)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:
        async def worker() -> None:
            nonlocal errors
            for q in todo:
                t = time.perf_counter()
                try:
                    r = await client.get("/v1/search", params={"q": q, "k": k, "mode": mode})
                    ok = r.status_code == 200 and len(r.json()["hits"]) > 0
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t)
                errors += not ok

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, latencies, errors


def run_in_process(index_dir: Path, queries: Sequence[str], threads: int, mode: str, k: int
                   ) -> tuple[float, list[float]]:
    from ragagent.index import Index

    index = Index.open(index_dir, verify=False)
    for q in queries[:10]:
        index.search(q, k=k, mode=mode)  # type: ignore[arg-type]
    latencies: list[float] = []

    def one(q: str) -> None:
        t = time.perf_counter()
        index.search(q, k=k, mode=mode)  # type: ignore[arg-type]
        latencies.append(time.perf_counter() - t)

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, queries))
    return time.perf_counter() - started, latencies


def row(name: str, wall: float, latencies: list[float], errors: int | str, base_qps: float | None) -> list[object]:
    qps = len(latencies) / wall
    ms = [percentile(latencies, p) * 1e3 for p in (50, 95, 99)]
    ratio = f"{base_qps / qps:.2f}x" if base_qps else "-"
    return [name, f"{qps:.1f}", f"{ms[0]:.1f}", f"{ms[1]:.1f}", f"{ms[2]:.1f}", errors, ratio]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", help="index directory (default: the SciFact benchmark index)")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--mode", default="hybrid", choices=["hybrid", "dense", "sparse"])
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--queries-from", default="scifact", help="dataset whose queries.jsonl is used")
    args = parser.parse_args()
    from ragagent.evaluation import read_queries

    index_dir = Path(args.index) if args.index else scifact_index_dir(None)
    if not args.index:
        index_of(dataset("scifact"), index_dir)  # built once if missing
    claims = [q.text for q in read_queries(dataset(args.queries_from) / "queries.jsonl")]
    queries = [claims[i % len(claims)] for i in range(args.requests)]
    print(machine_info())
    print(f"index {index_dir}, {len(queries)} requests per row, mode {args.mode}, k={args.k}\n")

    first_wall, first_lat = run_in_process(index_dir, queries, 1, args.mode, args.k)  # and again after the server
    process, url = start_server(index_dir)
    try:
        asyncio.run(run_http(url, claims[:20], 4, args.mode, args.k))  # warm-up: encoder, FAISS, pools
        http = {c: asyncio.run(run_http(url, queries, c, args.mode, args.k)) for c in CONCURRENCY}
    finally:
        process.terminate()
        process.wait(timeout=30)
    one_wall, one_lat = run_in_process(index_dir, queries, 1, args.mode, args.k)
    eight_wall, eight_lat = run_in_process(index_dir, queries, 8, args.mode, args.k)
    base = (len(first_lat) + len(one_lat)) / (first_wall + one_wall)  # before and after: the load drifts
    rows = [row("in process, 1 thread (before)", first_wall, first_lat, "-", base),
            row("in process, 1 thread (after)", one_wall, one_lat, "-", base),
            row("in process, 8 threads", eight_wall, eight_lat, "-", base)]
    rows += [row(f"HTTP, concurrency {c}", wall, lat, err, base) for c, (wall, lat, err) in http.items()]
    print(table(["caller", "q/s", "p50 ms", "p95 ms", "p99 ms", "errors", "in-process q/s ÷ this"], rows))
    if any(err for _, _, err in http.values()):
        sys.exit("errors: some requests failed")


if __name__ == "__main__":
    main()
