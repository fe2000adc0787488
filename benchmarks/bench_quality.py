"""Retrieval quality, ragagent vs LangChain: nDCG@10 and recall@100 on SciFact and HotpotQA.

    python benchmarks/bench_quality.py [--quick] [--scifact-index DIR]

Both sides search the same chunks (ragagent's Chunker, 1000/125 characters) with the same model. ragagent
searches its own index (built with its defaults if missing: MiniLM truncating at 128 tokens, bm25s, convex
fusion). LangChain gets the model as it ships (256-token limit): the chunk texts are embedded once that way
and cached, and its FAISS store is built with ``FAISS.from_embeddings``. Queries are embedded once (they are
shorter than 128 tokens, so both settings give the same vectors). Documents are ranked by their best chunk
(MaxP) on both sides, scored by the same metric code. LangChain's ``BM25Retriever`` is shown with its default
whitespace tokeniser and with ragagent's tokeniser (lowercase, stopwords, Snowball stemming); the Ensemble uses
weights 0.5/0.5 and c=60 over 100 candidates per retriever.
Building a missing index or embedding the chunks for LangChain takes minutes here (SciFact: ~15k chunks).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from _common import (
    CACHE,
    CachedEmbedder,
    CachedLcEmbeddings,
    cached_vectors,
    dataset,
    index_of,
    machine_info,
    queries_with_vectors,
    scifact_index_dir,
    table,
)

from ragagent.evaluation import Query, doc_id_of, ndcg_at_k, read_qrels, recall_at_k
from ragagent.evaluation.retrieval import evaluate_mode
from ragagent.index import Index, SearchOptions
from ragagent.index.tokenize import Tokenizer

DEPTH = 100
_TOKENIZER = Tokenizer()


def ragagent_tokenize(text: str) -> list[str]:
    """ragagent's default BM25 tokeniser as a LangChain ``preprocess_func`` (module level: picklable)."""
    return _TOKENIZER.tokenize([text])[0]


def score_lists(ranked: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]) -> tuple[float, float]:
    """Mean (nDCG@10, recall@100) over queries, given each query's ranked document ids."""
    n = max(len(ranked), 1)
    ndcg = sum(ndcg_at_k(docs, qrels.get(q, {}), 10) for q, docs in ranked.items()) / n
    recall = sum(recall_at_k(docs, qrels.get(q, {}), 100) for q, docs in ranked.items()) / n
    return ndcg, recall


def maxp(sources: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(doc_id_of(s) for s in sources))


def langchain_side(name: str, index: Index, queries: Sequence[Query], qvecs: Any) -> dict[str, Any]:
    """LangChain retrievers over the same chunks and vectors as ``index``."""
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS

    rows = list(index.store.iter_chunks())
    texts = [c.text for _, _, c in rows]
    metas = [{"source": c.span.source, "pos": pos} for pos, _, c in rows]
    vectors = cached_vectors(f"{name}-chunks-max256", texts, max_tokens=256)  # the model as LangChain gets it
    store = FAISS.from_embeddings(list(zip(texts, vectors.tolist(), strict=True)),
                                  CachedLcEmbeddings([q.text for q in queries], qvecs), metadatas=metas)
    dense = store.as_retriever(search_kwargs={"k": DEPTH})
    bm25_split = BM25Retriever.from_texts(texts, metadatas=metas, k=DEPTH)
    bm25_ours = BM25Retriever.from_texts(texts, metadatas=metas, k=DEPTH, preprocess_func=ragagent_tokenize)
    return {
        "dense (FAISS)": dense,
        "sparse (BM25Retriever, whitespace split)": bm25_split,
        "sparse (BM25Retriever, ragagent tokeniser)": bm25_ours,
        "hybrid (Ensemble, whitespace BM25)": EnsembleRetriever(retrievers=[bm25_split, dense], weights=[0.5, 0.5],
                                                                id_key="pos"),
        "hybrid (Ensemble, ragagent-tokenised BM25)": EnsembleRetriever(retrievers=[bm25_ours, dense],
                                                                        weights=[0.5, 0.5], id_key="pos"),
    }


def run_langchain(retriever: Any, queries: Sequence[Query]) -> dict[str, list[str]]:
    return {q.id: maxp([d.metadata["source"] for d in retriever.invoke(q.text)]) for q in queries}


def evaluate(name: str, index_dir: Path, limit: int | None) -> list[tuple[str, str, float, float]]:
    data = dataset(name)
    index_of(data / "corpus.jsonl", index_dir).close()  # builds it once if missing
    qrels = read_qrels(data / "qrels" / "test.tsv")
    all_queries, all_qvecs = queries_with_vectors(name)
    keep = [i for i, q in enumerate(all_queries) if q.id in qrels][:limit]
    queries, qvecs = [all_queries[i] for i in keep], all_qvecs[keep]
    ours = Index.open(index_dir, embedder=CachedEmbedder([q.text for q in queries], qvecs), verify=False)
    rows: list[tuple[str, str, float, float]] = []
    runs: list[tuple[str, Callable[[], tuple[float, float]]]] = [
        (f"ragagent {mode}" + (" (default options)" if mode == "hybrid" else ""),
         lambda m=mode: _ours(ours, queries, qrels, m)) for mode in ("dense", "sparse", "hybrid")
    ]
    runs.append(("ragagent hybrid (RRF k=60)",
                 lambda: _ours(ours, queries, qrels, "hybrid", SearchOptions(fusion="rrf"))))
    for label, retriever in langchain_side(name, ours, queries, qvecs).items():
        runs.append((f"LangChain {label}", lambda r=retriever: score_lists(run_langchain(r, queries), qrels)))
    for label, fn in runs:
        ndcg, recall = fn()
        rows.append((name, label, ndcg, recall))
        print(f"  {name:8s} {label:50s} nDCG@10 {ndcg:.3f}  recall@100 {recall:.3f}", flush=True)
    return rows


def _ours(index: Index, queries: Sequence[Query], qrels: Mapping[str, Mapping[str, int]], mode: str,
          options: SearchOptions = SearchOptions()) -> tuple[float, float]:
    s = evaluate_mode(index, queries, qrels, mode, options, depth=DEPTH)  # type: ignore[arg-type]
    return s.ndcg_at_10, s.recall_at_100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="first 100 queries of each dataset")
    parser.add_argument("--scifact-index", help="an existing ragagent SciFact index (chunk 1000/125, MiniLM)")
    args = parser.parse_args()
    limit = 100 if args.quick else None
    print(machine_info())
    rows = evaluate("scifact", scifact_index_dir(args.scifact_index), limit)
    rows += evaluate("hotpotqa", CACHE / "hotpotqa-c1000", limit)
    print(table(["dataset", "system", "nDCG@10", "recall@100"], rows))
    out = CACHE / "results" / "quality.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
