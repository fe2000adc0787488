"""Index load time and size on disk, ragagent vs LangChain.

    python benchmarks/bench_load.py [--quick] [--scifact-index /tmp/sf1000] [--runs 5]

ragagent: ``Index.open`` of a committed index directory (SQLite chunk store, FAISS ``write_index``,
bm25s arrays loaded with ``allow_pickle=False``, manifest), with and without checksum verification.
LangChain, from the same chunks and vectors: ``FAISS.save_local`` / ``FAISS.load_local(...,
allow_dangerous_deserialization=True)`` (the docstore is a pickle, so loading it can run arbitrary code)
plus ``BM25Retriever``, which has no persistence of its own: it is pickled whole (rank-bm25 model and
documents). Loads run in this process with the libraries imported and the files in the page cache;
median over ``--runs`` interleaved runs.
"""

from __future__ import annotations

import argparse
import pickle
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from _common import (
    CachedLcEmbeddings,
    dataset,
    index_of,
    machine_info,
    median,
    queries_with_vectors,
    scifact_index_dir,
    table,
)
from bench_quality import ragagent_tokenize
from bench_query import synthetic_index

from ragagent.index import Index

NO_QUERIES = CachedLcEmbeddings([], np.zeros((0, 384), dtype=np.float32))  # loading needs an Embeddings


def size_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def save_langchain(index: Index, out: Path) -> None:
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS

    rows = list(index.store.iter_chunks())
    texts = [c.text for _, _, c in rows]
    metas = [{"source": c.span.source} for _, _, c in rows]
    store = FAISS.from_embeddings(list(zip(texts, index.dense.vectors().tolist(), strict=True)), NO_QUERIES,
                                  metadatas=metas)
    store.save_local(str(out / "faiss"))
    bm25 = BM25Retriever.from_texts(texts, metadatas=metas, preprocess_func=ragagent_tokenize)
    (out / "bm25.pkl").write_bytes(pickle.dumps(bm25))


def load_langchain(out: Path) -> object:
    from langchain_community.vectorstores import FAISS

    store = FAISS.load_local(str(out / "faiss"), NO_QUERIES, allow_dangerous_deserialization=True)
    bm25 = pickle.loads((out / "bm25.pkl").read_bytes())
    return store, bm25


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def compare(label: str, index: Index, runs: int) -> list[tuple[object, ...]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        save_langchain(index, out)
        samples: dict[str, list[float]] = {"verify": [], "noverify": [], "lc": []}
        for _ in range(runs):
            samples["verify"].append(timed(lambda: Index.open(index.directory).close()))
            samples["noverify"].append(timed(lambda: Index.open(index.directory, verify=False).close()))
            samples["lc"].append(timed(lambda: load_langchain(out)))
        lc_size = size_mib(out)
    ours_size = size_mib(index.directory)
    lc = median(samples["lc"])
    rows: list[tuple[object, ...]] = [
        (label, "ragagent Index.open (checksums verified)", f"{median(samples['verify']) * 1e3:.0f}",
         f"{lc / median(samples['verify']):.2f}x", f"{ours_size:.1f}"),
        (label, "ragagent Index.open(verify=False)", f"{median(samples['noverify']) * 1e3:.0f}",
         f"{lc / median(samples['noverify']):.2f}x", f"{ours_size:.1f}"),
        (label, "LangChain FAISS.load_local + pickle.load(BM25Retriever)", f"{lc * 1e3:.0f}", "1.00x",
         f"{lc_size:.1f}"),
    ]
    for row in rows:
        print("  " + " | ".join(map(str, row)), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20k synthetic chunks, 2 runs")
    parser.add_argument("--scifact-index", help="an existing ragagent SciFact index (chunk 1000/125, MiniLM)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs, n_synth = (2, 20_000) if args.quick else (args.runs, 100_000)
    print(machine_info())
    sf = index_of(dataset("scifact") / "corpus.jsonl", scifact_index_dir(args.scifact_index))
    rows = compare(f"SciFact ({len(sf):,} chunks)", sf, runs)
    queries, qvecs = queries_with_vectors("scifact")
    syn, _, _ = synthetic_index(n_synth, "flat", [q.text for q in queries], qvecs)
    rows += compare(f"synthetic ({n_synth:,} chunks)", syn, runs)
    print(table(["corpus", "loader", "median load ms", "speed-up vs LangChain", "size on disk MiB"], rows))


if __name__ == "__main__":
    main()
