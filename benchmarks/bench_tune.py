"""Tuning ragagent's hybrid search: fusion method and constants, fetch depth, BM25 tokenisation, HNSW.

    python benchmarks/bench_tune.py [--quick] [--scifact-index /tmp/sf1000] [--hnsw]

Quality sweeps (nDCG@10 / recall@100, MaxP over 1000/125-character chunks) on SciFact and, as a check
that a choice is not fitted to one dataset, on HotpotQA. Dense and BM25 result lists are computed once
per query (depth 1000, from the index's stored MiniLM vectors and query vectors embedded once) and then
fused with ragagent's own fusion functions, so a sweep costs seconds; the default row matches
``Index.search``. Tokenisation variants rebuild only the bm25s index (the vectors do not change).
``--hnsw``: FAISS flat vs HNSW (M=32) at 100k synthetic chunks, recall@10 against flat and queries/s
for several efSearch values.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from _common import (
    CACHE,
    cached_vectors,
    dataset,
    index_of,
    machine_info,
    queries_with_vectors,
    scifact_index_dir,
    table,
)

from ragagent.evaluation import doc_id_of, ndcg_at_k, read_qrels, recall_at_k
from ragagent.index.dense import DenseIndex
from ragagent.index.fusion import convex_combination, reciprocal_rank_fusion
from ragagent.index.sparse import Bm25sIndex
from ragagent.index.tokenize import Tokenizer

DEEP = 1000
DEFAULT_TOKENIZER = Tokenizer()
Ranked = list[tuple[int, float]]


class Lists:
    """Per-query dense and sparse rankings (depth 1000) over one index, plus position → document id."""

    def __init__(self, name: str, index_dir: Path, limit: int | None) -> None:
        data = dataset(name)
        self.name = name
        index = index_of(data / "corpus.jsonl", index_dir)
        self.qrels = read_qrels(data / "qrels" / "test.tsv")
        queries, qvecs = queries_with_vectors(name)
        keep = [i for i, q in enumerate(queries) if q.id in self.qrels][:limit]
        self.queries = [queries[i] for i in keep]
        rows = list(index.store.iter_chunks())
        self.doc_of = [doc_id_of(c.span.source) for _, _, c in rows]
        self.texts = [c.text for _, _, c in rows]
        self.qvecs = qvecs[keep]
        self.dense = [index.dense.search(qvecs[i], DEEP) for i in keep]
        self.sparse: dict[str, list[Ranked]] = {}
        index.close()

    def bm25(self, tokenizer: Tokenizer) -> list[Ranked]:
        key = json.dumps(tokenizer.to_dict(), sort_keys=True)
        if key not in self.sparse:
            model = Bm25sIndex.build(tokenizer.tokenize(self.texts))
            self.sparse[key] = [model.search(toks, DEEP)
                                for toks in tokenizer.tokenize([q.text for q in self.queries])]
        return self.sparse[key]

    def per_query(self, ranked: Sequence[Sequence[int]]) -> np.ndarray:
        """Per-query (nDCG@10, recall@100) of chunk-position rankings (top 100 chunks, MaxP to documents)."""
        out = []
        for q, positions in zip(self.queries, ranked, strict=True):
            docs = list(dict.fromkeys(self.doc_of[p] for p in positions[:100]))
            judged = self.qrels.get(q.id, {})
            out.append((ndcg_at_k(docs, judged, 10), recall_at_k(docs, judged, 100)))
        return np.asarray(out)

    def score(self, ranked: Sequence[Sequence[int]]) -> tuple[float, float]:
        ndcg, recall = self.per_query(ranked).mean(axis=0)
        return float(ndcg), float(recall)

    def fused(self, fusion: str, *, w_dense: float = 0.5, rrf_k: int = 60, fetch: int = 100,
              tokenizer: Tokenizer = DEFAULT_TOKENIZER) -> tuple[float, float]:
        return self.score(self.fused_rankings(fusion, w_dense=w_dense, rrf_k=rrf_k, fetch=fetch, tokenizer=tokenizer))

    def fused_rankings(self, fusion: str, *, w_dense: float = 0.5, rrf_k: int = 60, fetch: int = 100,
                       tokenizer: Tokenizer = DEFAULT_TOKENIZER) -> list[list[int]]:
        out = []
        for dense, sparse in zip(self.dense, self.bm25(tokenizer), strict=True):
            lists = {"dense": dense[:fetch], "sparse": sparse[:fetch]}
            weights = {"dense": w_dense, "sparse": 1 - w_dense}
            if fusion == "rrf":
                f = reciprocal_rank_fusion(lists, weights=weights, k=rrf_k)
            else:
                f = convex_combination(lists, weights=weights)
            out.append([x.position for x in f])
        return out

    def single(self, which: str, tokenizer: Tokenizer = DEFAULT_TOKENIZER) -> tuple[float, float]:
        lists = self.dense if which == "dense" else self.bm25(tokenizer)
        return self.score([[p for p, _ in r] for r in lists])


def sweep(sets: Sequence[Lists]) -> dict[str, list[tuple[Any, ...]]]:
    weights = (0.3, 0.4, 0.5, 0.6, 0.7)
    fusion: list[tuple[str, Any]] = [(f"rrf k={k} w_dense={w}", lambda s, k=k, w=w: s.fused("rrf", rrf_k=k, w_dense=w))
                                     for k in (1, 10, 30, 60, 100) for w in weights]
    fusion += [(f"convex w_dense={w}", lambda s, w=w: s.fused("convex", w_dense=w)) for w in weights]
    fetch: list[tuple[str, Any]] = [
        (f"fetch_k={f} {label}", lambda s, f=f, kw=kw: s.fused(fetch=f, **kw))
        for f in (10, 20, 50, 100, 200, 1000)
        for label, kw in (("rrf k=60", {"fusion": "rrf", "rrf_k": 60}), ("rrf k=10", {"fusion": "rrf", "rrf_k": 10}),
                          ("convex", {"fusion": "convex"}))
    ]
    tokenisation: list[tuple[str, Any]] = []
    for stop in ("en", None):
        for stem in ("english", None):
            tok, name = Tokenizer(stopwords=stop, stemmer=stem), f"stopwords={stop} stemmer={stem}"
            tokenisation += [(f"{name}: sparse", lambda s, t=tok: s.single("sparse", t)),
                             (f"{name}: rrf 60", lambda s, t=tok: s.fused("rrf", tokenizer=t)),
                             (f"{name}: convex", lambda s, t=tok: s.fused("convex", tokenizer=t))]
    baselines: list[tuple[str, Any]] = [("dense only", lambda s: s.single("dense")),
                                        ("sparse only", lambda s: s.single("sparse"))]
    return {name: sweep_rows(sets, specs) for name, specs in
            (("baselines", baselines), ("fusion", fusion), ("fetch", fetch), ("tokenisation", tokenisation))}


def truncation(sets: Sequence[Lists], max_tokens: int) -> list[tuple[Any, ...]]:
    """Dense and hybrid quality when chunks are embedded truncated at ``max_tokens`` (queries unchanged)."""
    full = [s.dense for s in sets]
    for s in sets:
        vectors = cached_vectors(f"{s.name}-chunks-max{max_tokens}", s.texts, max_tokens=max_tokens)
        dense = DenseIndex.build(vectors, vectors.shape[1], "flat")
        s.dense = [dense.search(q, DEEP) for q in s.qvecs]
    out = sweep_rows(sets, [(f"max {max_tokens} tokens: dense only", lambda s: s.single("dense")),
                            (f"max {max_tokens} tokens: rrf 60", lambda s: s.fused("rrf")),
                            (f"max {max_tokens} tokens: convex", lambda s: s.fused("convex"))])
    for s, lists in zip(sets, full, strict=True):
        s.dense = lists
    return out


def sweep_rows(sets: Sequence[Lists], specs: Sequence[tuple[str, Any]]) -> list[tuple[Any, ...]]:
    rows = []
    for label, fn in specs:
        cells = [x for s in sets for x in fn(s)]
        print("  " + label.ljust(44) + "  ".join(f"{x:.3f}" for x in cells), flush=True)
        rows.append((label, *cells))
    return rows


def paired(sets: Sequence[Lists], a: dict[str, Any], b: dict[str, Any], label: str) -> tuple[Any, ...]:
    """Mean per-query nDCG@10 difference (a - b) with a 95% paired-bootstrap interval, per dataset."""
    cells: list[Any] = [label]
    rng = np.random.default_rng(0)
    for s in sets:
        diff = s.per_query(s.fused_rankings(**a))[:, 0] - s.per_query(s.fused_rankings(**b))[:, 0]
        means = [diff[rng.integers(len(diff), size=len(diff))].mean() for _ in range(2000)]
        cells.append(f"{diff.mean():+.4f} [{np.percentile(means, 2.5):+.4f}, {np.percentile(means, 97.5):+.4f}]")
    print("  " + " | ".join(cells), flush=True)
    return tuple(cells)


def hnsw_sweep(n: int, quick: bool) -> list[tuple[Any, ...]]:
    from _common import synthetic_vectors

    _, vectors = synthetic_vectors(n)
    _, qvecs = queries_with_vectors("scifact")
    qvecs = qvecs[:100 if quick else 300]
    t = time.perf_counter()
    flat = DenseIndex.build(vectors, vectors.shape[1], "flat")
    rows: list[tuple[Any, ...]] = [("flat", "-", f"{time.perf_counter() - t:.1f}", *_dense_speed(flat, flat, qvecs))]
    t = time.perf_counter()
    hnsw = DenseIndex.build(vectors, vectors.shape[1], "hnsw")
    build = f"{time.perf_counter() - t:.1f}"
    for ef in (16, 32, 64, 128, 256):
        hnsw._index.hnsw.efSearch = ef
        rows.append(("hnsw M=32", ef, build, *_dense_speed(hnsw, flat, qvecs)))
        print("  " + " | ".join(map(str, rows[-1])), flush=True)
    return rows


def _dense_speed(index: DenseIndex, exact: DenseIndex, qvecs: np.ndarray) -> tuple[str, str, str]:
    times, recall = [], 0.0
    for q in qvecs:
        t = time.perf_counter()
        got = index.search(q, 10)
        times.append(time.perf_counter() - t)
        truth = exact.search(q, 10)
        cutoff = truth[-1][1] - 1e-6  # score-based recall: ties at the cut-off count as found
        recall += sum(1 for _, s in got if s >= cutoff) / len(truth)
    return f"{np.percentile(times, 50) * 1e3:.2f}", f"{len(times) / sum(times):.0f}", f"{recall / len(qvecs):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="first 100 queries; HNSW at 20k")
    parser.add_argument("--scifact-index", help="an existing ragagent SciFact index (chunk 1000/125, MiniLM)")
    parser.add_argument("--hnsw", action="store_true", help="also FAISS flat vs HNSW at 100k synthetic chunks")
    parser.add_argument("--truncate", type=int, metavar="TOKENS",
                        help="also re-embed every chunk truncated at TOKENS (slow once, cached) and score it")
    args = parser.parse_args()
    limit = 100 if args.quick else None
    print(machine_info())
    sets = [Lists("scifact", scifact_index_dir(args.scifact_index), limit),
            Lists("hotpotqa", CACHE / "hotpotqa-c1000", limit)]
    print("  columns: SciFact nDCG@10, recall@100, HotpotQA nDCG@10, recall@100")
    results: dict[str, Any] = sweep(sets)
    headers = ["setting", "SciFact nDCG@10", "SciFact R@100", "HotpotQA nDCG@10", "HotpotQA R@100"]
    for name, rows in results.items():
        print(f"\n### {name}\n" + table(headers, rows))
    convex, rrf60 = {"fusion": "convex"}, {"fusion": "rrf", "rrf_k": 60}
    results["paired"] = [
        paired(sets, convex, rrf60, "convex 0.5/0.5 minus rrf k=60"),
        paired(sets, {"fusion": "rrf", "rrf_k": 10}, rrf60, "rrf k=10 minus rrf k=60"),
        paired(sets, {"fusion": "convex", "fetch": 200}, convex, "convex fetch_k=200 minus fetch_k=100"),
    ]
    print("\n### paired differences in nDCG@10 (95% bootstrap interval)\n"
          + table(["comparison", "SciFact", "HotpotQA"], results["paired"]))
    if args.truncate:
        results["truncation"] = truncation(sets, args.truncate)
        print("\n### truncation\n" + table(headers, results["truncation"]))
    if args.hnsw:
        results["hnsw"] = hnsw_sweep(20_000 if args.quick else 100_000, args.quick)
        print("\n### hnsw\n" + table(["dense index", "efSearch", "build s", "p50 ms", "q/s", "recall@10 vs flat"],
                                     results["hnsw"]))
    out = CACHE / "results" / ("tune-quick.json" if args.quick else "tune.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
