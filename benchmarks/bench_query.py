"""Query latency and throughput, ragagent vs LangChain: sparse, dense and hybrid, search only.

    python benchmarks/bench_query.py [--quick] [--scifact-index /tmp/sf1000] [--runs 3]

Corpora: SciFact (ragagent's index, 1000/125-character chunks) and a synthetic corpus of 100k short
chunks recombined from SciFact sentences (``--quick``: 20k), every vector computed by MiniLM once and cached.
Queries are the SciFact claims, embedded once up front by the same model: the dense and hybrid rows time
search only (ragagent through a cache-backed ``Embedder`` passed to ``Index.open``; LangChain through
``similarity_search_by_vector`` and, for the Ensemble, a FAISS retriever whose ``Embeddings`` answers from
the same cache). Query-embedding time is measured on its own. Pairs, same chunks, same vectors, k=10:

* sparse: ``Index.search(mode="sparse")`` (bm25s) vs ``BM25Retriever`` (rank-bm25), same tokeniser;
* dense: ``Index.search(mode="dense")`` (FAISS flat) vs ``FAISS.similarity_search_by_vector`` (FAISS flat);
* hybrid: ``Index.search(mode="hybrid")`` (default options: 100 candidates per retriever, fused) vs
  ``EnsembleRetriever`` (weights 0.5/0.5, c=60, both retrievers k=100), top 10 taken.

Single-threaded callers, one query at a time; ragagent's times include fetching the chunks from SQLite,
LangChain's include building ``Document`` objects. Each run interleaves the two sides; the table shows the
median over runs of p50/p95 latency and queries/s. ``--hnsw`` adds ragagent's HNSW dense index.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from _common import (
    CACHE,
    CachedEmbedder,
    CachedLcEmbeddings,
    LcEmbeddings,
    dataset,
    index_of,
    latency_ms,
    machine_info,
    median,
    queries_with_vectors,
    scifact_index_dir,
    synthetic_vectors,
    table,
    time_calls,
    write_jsonl,
)
from bench_quality import ragagent_tokenize

from ragagent.index import Index
from ragagent.ingest import IngestOptions, ingest_paths

K, FETCH = 10, 100


def synthetic_index(n: int, kind: str, qtexts: Sequence[str], qvecs: np.ndarray) -> tuple[Index, list[str], Any]:
    """ragagent's index over the synthetic corpus (built once via ``ingest_paths`` with cached vectors)."""
    texts, vectors = synthetic_vectors(n)
    directory = CACHE / f"synthetic-{n}-{kind}"
    cache = CachedEmbedder([*texts, *qtexts], np.concatenate([vectors, qvecs]))
    if not (directory / "manifest.json").exists():
        with tempfile.TemporaryDirectory() as tmp:
            jsonl = write_jsonl(Path(tmp) / "synthetic.jsonl",
                                ({"_id": str(i), "text": t} for i, t in enumerate(texts)))
            ingest_paths([jsonl], directory, embedder=cache,
                         options=IngestOptions(chunk_size=1000, chunk_overlap=125, dense_kind=kind))  # type: ignore[arg-type]
    return Index.open(directory, embedder=cache, verify=False), texts, vectors


def langchain_side(texts: Sequence[str], vectors: np.ndarray, qtexts: Sequence[str],
                   qvecs: np.ndarray) -> dict[str, Callable[[str], object]]:
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS

    metas = [{"pos": i} for i in range(len(texts))]
    store = FAISS.from_embeddings(list(zip(texts, vectors.tolist(), strict=True)), CachedLcEmbeddings(qtexts, qvecs),
                                  metadatas=metas)
    bm25 = BM25Retriever.from_texts(texts, metadatas=metas, k=K, preprocess_func=ragagent_tokenize)
    bm25_deep = BM25Retriever.from_texts(texts, metadatas=metas, k=FETCH, preprocess_func=ragagent_tokenize)
    bm25_deep.vectorizer = bm25.vectorizer  # same model, deeper cut-off: no second build
    ensemble = EnsembleRetriever(retrievers=[bm25_deep, store.as_retriever(search_kwargs={"k": FETCH})],
                                 weights=[0.5, 0.5], id_key="pos")
    qvec = {t: v.tolist() for t, v in zip(qtexts, qvecs, strict=True)}
    return {
        "sparse": bm25.invoke,
        "dense": lambda q: store.similarity_search_by_vector(qvec[q], k=K),
        "hybrid": lambda q: ensemble.invoke(q)[:K],
    }


def ragagent_side(index: Index) -> dict[str, Callable[[str], object]]:
    return {mode: (lambda q, m=mode: index.search(q, k=K, mode=m)) for mode in ("sparse", "dense", "hybrid")}


def compare(corpus: str, ours: dict[str, Callable[[str], object]], theirs: dict[str, Callable[[str], object]],
            queries: Sequence[str], runs: int) -> list[tuple[object, ...]]:
    rows = []
    for mode in ours:
        samples: dict[str, list[tuple[float, float, float]]] = {"ours": [], "lc": []}
        for run in range(runs):
            order = [("ours", ours[mode]), ("lc", theirs[mode])] if run % 2 == 0 else \
                [("lc", theirs[mode]), ("ours", ours[mode])]
            for side, fn in order:
                s = time_calls(fn, queries)
                samples[side].append((*latency_ms(s), len(s) / sum(s)))
        o = [median(x[i] for x in samples["ours"]) for i in range(3)]
        t = [median(x[i] for x in samples["lc"]) for i in range(3)]
        rows.append((corpus, mode, f"{o[0]:.2f} / {o[1]:.2f}", f"{t[0]:.2f} / {t[1]:.2f}",
                     f"{o[2]:.0f}", f"{t[2]:.1f}", f"{o[2] / t[2]:.1f}x"))
        print("  " + " | ".join(map(str, rows[-1])), flush=True)
    return rows


def query_embedding(queries: Sequence[str], runs: int) -> list[tuple[object, ...]]:
    from _common import ragagent_embedder, st_model

    ours = ragagent_embedder()
    theirs = LcEmbeddings(st_model())  # the model as LangChain gets it (256-token limit; queries are shorter)
    rows = []
    for label, fn in (("ragagent SentenceTransformerEmbedder.embed_query", ours.embed_query),
                      ("LangChain Embeddings.embed_query (same model)", theirs.embed_query)):
        per_run = [latency_ms(time_calls(fn, queries)) for _ in range(runs)]
        rows.append((label, f"{median(p for p, _ in per_run):.1f}", f"{median(p for _, p in per_run):.1f}"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20k synthetic chunks, 50 queries, 1 run")
    parser.add_argument("--scifact-index", help="an existing ragagent SciFact index (chunk 1000/125, MiniLM)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=100, help="queries per run (SciFact claims)")
    parser.add_argument("--hnsw", action="store_true", help="also time ragagent with an HNSW dense index")
    args = parser.parse_args()
    runs, nq, n_synth = (1, 50, 20_000) if args.quick else (args.runs, args.queries, 100_000)
    print(machine_info())
    data = dataset("scifact")
    query_objs, all_qvecs = queries_with_vectors("scifact")
    all_queries = [q.text for q in query_objs]
    queries = all_queries[:nq]

    rows = []
    index = index_of(data / "corpus.jsonl", scifact_index_dir(args.scifact_index))
    sf = Index.open(index.directory, embedder=CachedEmbedder(all_queries, all_qvecs), verify=False)
    chunks = [c.text for _, _, c in sf.store.iter_chunks()]
    rows += compare(f"SciFact ({len(sf):,} chunks)", ragagent_side(sf),
                    langchain_side(chunks, sf.dense.vectors(), all_queries, all_qvecs), queries, runs)

    syn, texts, vectors = synthetic_index(n_synth, "flat", all_queries, all_qvecs)
    theirs = langchain_side(texts, vectors, all_queries, all_qvecs)
    rows += compare(f"synthetic ({n_synth:,} chunks)", ragagent_side(syn), theirs, queries, runs)
    if args.hnsw:
        hnsw, _, _ = synthetic_index(n_synth, "hnsw", all_queries, all_qvecs)
        ours = {"dense": ragagent_side(hnsw)["dense"], "hybrid": ragagent_side(hnsw)["hybrid"]}
        rows += compare(f"synthetic ({n_synth:,}), ragagent HNSW", ours, theirs, queries, runs)

    print(table(["corpus", "mode", "ragagent p50 / p95 ms", "LangChain p50 / p95 ms", "ragagent q/s",
                 "LangChain q/s", "ratio (q/s)"], rows))
    emb = query_embedding(queries, runs)
    print(table(["query embedding (MiniLM, one query at a time)", "p50 ms", "p95 ms"], emb))
    out = CACHE / "results" / ("query-quick.json" if args.quick else "query.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"search": rows, "embedding": emb}, indent=1))


if __name__ == "__main__":
    main()
