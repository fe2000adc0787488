"""The Milvus backend (Milvus Lite) beside the local FAISS + bm25s backend: SciFact quality and query latency.

    python benchmarks/bench_milvus.py [--quick] [--synthetic N] [--queries 200]

* Quality: SciFact (test qrels), nDCG@10 and recall@100 for dense, sparse and hybrid on both backends, same
  chunks (1000/125) and the same MiniLM vectors: the Milvus index is built by ``ingest_paths`` with an
  embedder answering from the local index's stored vectors, and queries use the same cached query vectors.
  Hybrid is also measured with Milvus' own rankers (``milvus-rrf``, ``milvus-weighted``).
* Latency: single-threaded, one query at a time, k=10, search only (cached query vectors), p50/p95 and
  queries/s, at the SciFact size and on the synthetic corpus (``_common.synthetic_chunks``, default 100k
  chunks) with **random unit vectors** (embedding 100k chunks with MiniLM does not fit this shared 2-core
  machine's time budget; the vectors only affect the dense side's work, not its cost).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from _common import (
    CACHE,
    CHUNK_OVERLAP,
    CHUNK_SIZE,
    CachedEmbedder,
    dataset,
    index_of,
    latency_ms,
    machine_info,
    queries_with_vectors,
    scifact_index_dir,
    synthetic_chunks,
    table,
    time_calls,
    write_jsonl,
)

from ragagent.evaluation import evaluate_mode, read_qrels
from ragagent.index import Index, open_index
from ragagent.ingest import IngestOptions, ingest_paths
from ragagent.retriever import Retriever, SearchOptions

K = 10


def build(spec: str, corpus: Path, embedder: Any, **options: Any) -> float:
    """Ingest ``corpus`` into ``spec`` unless it is there; seconds taken (0 when reused)."""
    t = time.perf_counter()
    report = ingest_paths([corpus], spec, embedder=embedder,
                          options=IngestOptions(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, **options))
    took = time.perf_counter() - t if report.committed else 0.0
    print(f"  {spec}: {report.chunks_total} chunks, {f'built in {took:.0f}s' if took else 'reused'}",
          file=sys.stderr, flush=True)
    return took


def scifact_embedder(queries: Sequence[Any], qvecs: np.ndarray) -> tuple[CachedEmbedder, int]:
    """The local SciFact index's chunk vectors and ``queries``' vectors as one embedder; and the chunk count."""
    local = index_of(dataset("scifact") / "corpus.jsonl", scifact_index_dir(None))
    rows = list(local.store.iter_chunks())
    texts, vectors = [c.text for _, _, c in rows], local.dense.vectors()
    local.close()
    return CachedEmbedder([*texts, *(q.text for q in queries)], np.concatenate([vectors, qvecs])), len(texts)


def close_all(backends: Sequence[tuple[str, Retriever]]) -> None:
    for _, index in backends:
        index.close()  # type: ignore[attr-defined]


def quality(args: argparse.Namespace) -> list[list[object]]:
    data = dataset("scifact")
    qrels = read_qrels(data / "qrels" / "test.tsv")
    all_queries, all_qvecs = queries_with_vectors("scifact")
    keep = [i for i, q in enumerate(all_queries) if q.id in qrels][:100 if args.quick else None]
    queries, qvecs = [all_queries[i] for i in keep], all_qvecs[keep]
    cache, _ = scifact_embedder(queries, qvecs)
    spec = f"milvus:{CACHE / 'scifact-c1000-milvus.db'}"
    build(spec, data / "corpus.jsonl", cache)
    out: list[list[object]] = []
    backends: list[tuple[str, Retriever]] = [("local (FAISS + bm25s)", Index.open(scifact_index_dir(None),
                                                                                  embedder=cache, verify=False)),
                                             ("Milvus Lite", open_index(spec, embedder=cache))]
    for name, index in backends:
        runs = [(m, SearchOptions()) for m in ("dense", "sparse", "hybrid")]
        runs.append(("hybrid", SearchOptions(fusion="rrf")))
        if name == "Milvus Lite":
            runs += [("hybrid", SearchOptions(fusion="milvus-rrf")),
                     ("hybrid", SearchOptions(fusion="milvus-weighted"))]
        for mode, options in runs:
            s = evaluate_mode(index, queries, qrels, mode, options)  # type: ignore[arg-type]
            label = mode if mode != "hybrid" else f"hybrid ({options.fusion})"
            out.append([name, label, f"{s.ndcg_at_10:.3f}", f"{s.recall_at_100:.3f}", len(queries)])
            print(f"  {name:24s} {label:26s} nDCG@10 {s.ndcg_at_10:.3f} recall@100 {s.recall_at_100:.3f}", flush=True)
    close_all(backends)
    return out


def latency(name: str, backends: Sequence[tuple[str, Retriever]], queries: Sequence[str]) -> list[list[object]]:
    out: list[list[object]] = []
    for backend, index in backends:
        for mode in ("sparse", "dense", "hybrid"):
            samples = time_calls(lambda q, m=mode, i=index: i.retrieve(q, k=K, mode=m), queries)
            p50, p95 = latency_ms(samples)
            out.append([name, backend, mode, f"{p50:.1f}", f"{p95:.1f}", f"{len(samples) / sum(samples):.0f}"])
            print(f"  {name} {backend:28s} {mode:7s} p50 {p50:7.1f} ms p95 {p95:7.1f} ms", flush=True)
    return out


def scifact_latency(args: argparse.Namespace) -> list[list[object]]:
    queries, qvecs = queries_with_vectors("scifact")
    queries, qvecs = queries[:args.queries], qvecs[:args.queries]
    cache, n_chunks = scifact_embedder(queries, qvecs)
    backends: list[tuple[str, Retriever]] = [
        ("local (FAISS flat + bm25s)", Index.open(scifact_index_dir(None), embedder=cache, verify=False)),
        ("Milvus Lite (FLAT)", open_index(f"milvus:{CACHE / 'scifact-c1000-milvus.db'}", embedder=cache)),
    ]
    try:
        return latency(f"SciFact ({n_chunks} chunks)", backends, [q.text for q in queries])
    finally:
        close_all(backends)


def synthetic_latency(args: argparse.Namespace) -> list[list[object]]:
    n = args.synthetic
    texts = synthetic_chunks(n)
    rng = np.random.default_rng(0)
    queries, _ = queries_with_vectors("scifact")
    qtexts = [q.text for q in queries[:args.queries]]
    vectors = rng.standard_normal((n + len(qtexts), 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    cache = CachedEmbedder([*texts, *qtexts], vectors)
    backends: list[tuple[str, Retriever]] = []
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = write_jsonl(Path(tmp) / "synthetic.jsonl", ({"_id": str(i), "text": t} for i, t in enumerate(texts)))
        for label, spec, kind in [("local (FAISS flat + bm25s)", str(CACHE / f"synthetic-{n}-random-flat"), "flat"),
                                  ("local (FAISS hnsw + bm25s)", str(CACHE / f"synthetic-{n}-random-hnsw"), "hnsw"),
                                  ("Milvus Lite (auto: HNSW)", f"milvus:{CACHE / f'synthetic-{n}-random.db'}", None)]:
            build(spec, jsonl, cache, **({"dense_kind": kind} if kind else {}))
            backends.append((label, open_index(spec, embedder=cache, verify=False)))
    try:
        return latency(f"synthetic ({n} chunks, random vectors)", backends, qtexts)
    finally:
        close_all(backends)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 SciFact queries, 20k synthetic chunks")
    parser.add_argument("--synthetic", type=int, default=100_000, help="synthetic corpus size (chunks)")
    parser.add_argument("--queries", type=int, default=200, help="queries timed per row")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: quality,scifact,synthetic")
    args = parser.parse_args()
    if args.quick:
        args.synthetic = min(args.synthetic, 20_000)
    print(machine_info())
    skip = set(args.skip.split(","))
    results: dict[str, Any] = {}
    if "quality" not in skip:
        results["quality"] = quality(args)
        print(table(["backend", "mode", "nDCG@10", "recall@100", "queries"], results["quality"]))
    timed = []
    if "scifact" not in skip:
        timed += scifact_latency(args)
    if "synthetic" not in skip:
        timed += synthetic_latency(args)
    if timed:
        results["latency"] = timed
        print(table(["corpus", "backend", "mode", "p50 ms", "p95 ms", "q/s"], timed))
    out = CACHE / "results" / "milvus.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
