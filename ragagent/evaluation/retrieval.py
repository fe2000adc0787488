"""Retrieval evaluation of any :class:`~ragagent.retriever.Retriever` against BEIR judgements, per search mode.

Chunks are mapped to their document and a document takes its best-ranked chunk's place (MaxP), so
chunked and unchunked corpora are scored the same way.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ragagent.evaluation.beir import Query, doc_id_of
from ragagent.evaluation.metrics import mrr_at_k, ndcg_at_k, recall_at_k
from ragagent.retriever import Retriever, SearchOptions
from ragagent.types import Hit, SearchMode


@dataclass(frozen=True, slots=True)
class RetrievalScores:
    mode: str
    queries: int
    ndcg_at_10: float
    recall_at_10: float
    recall_at_100: float
    mrr_at_10: float
    seconds: float


def ranked_doc_ids(hits: Sequence[Hit]) -> list[str]:
    seen: dict[str, None] = {}
    for h in hits:
        seen.setdefault(doc_id_of(h.chunk.span.source), None)
    return list(seen)


def evaluate_mode(retriever: Retriever, queries: Sequence[Query], qrels: Mapping[str, Mapping[str, int]],
                  mode: SearchMode, options: SearchOptions = SearchOptions(), depth: int = 100) -> RetrievalScores:
    started = time.perf_counter()
    totals = [0.0, 0.0, 0.0, 0.0]
    for q in queries:
        ranked = ranked_doc_ids(retriever.retrieve(q.text, k=depth, mode=mode, options=options))
        judged = qrels.get(q.id, {})
        for i, value in enumerate((ndcg_at_k(ranked, judged, 10), recall_at_k(ranked, judged, 10),
                                   recall_at_k(ranked, judged, 100), mrr_at_k(ranked, judged, 10))):
            totals[i] += value
    n = max(len(queries), 1)
    return RetrievalScores(mode, len(queries), totals[0] / n, totals[1] / n, totals[2] / n, totals[3] / n,
                           time.perf_counter() - started)
