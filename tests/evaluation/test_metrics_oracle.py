"""Our BEIR metrics against trec_eval's own implementation (pytrec_eval) on a small, awkward run."""

from __future__ import annotations

import pytest
import pytrec_eval

from ragagent.evaluation.metrics import mrr_at_k, ndcg_at_k, recall_at_k

QRELS: dict[str, dict[str, int]] = {
    "q1": {"d1": 1, "d4": 2, "d9": 1},          # graded relevance, one relevant doc never retrieved
    "q2": {"d2": 1},                             # single relevant doc at rank 3
    "q3": {"d7": 1, "d8": 1, "d0": 0},           # a judged-non-relevant doc retrieved first
    "q4": {"d5": 1},                             # nothing relevant retrieved
}
RANKED: dict[str, list[str]] = {
    "q1": ["d4", "d3", "d1", "d2", "d5", "d6", "d10", "d11", "d12", "d13", "d9"],  # d9 below the cut-off
    "q2": ["d1", "d3", "d2", "d4"],
    "q3": ["d0", "d8", "d6", "d7"],
    "q4": ["d1", "d2", "d3"],
}


def _trec_run(cut: int | None = None) -> dict[str, dict[str, float]]:
    # trec_eval ranks by score, descending; give strictly decreasing scores in our order.
    return {q: {d: float(100 - i) for i, d in enumerate(docs[:cut])} for q, docs in RANKED.items()}


@pytest.fixture(scope="module")
def oracle() -> dict[str, dict[str, float]]:
    evaluator = pytrec_eval.RelevanceEvaluator(QRELS, {"ndcg_cut.10", "recall.10", "recall.100"})
    result: dict[str, dict[str, float]] = evaluator.evaluate(_trec_run())
    mrr = pytrec_eval.RelevanceEvaluator(QRELS, {"recip_rank"}).evaluate(_trec_run(cut=10))
    for q in result:
        result[q]["recip_rank_10"] = mrr[q]["recip_rank"]
    return result


@pytest.mark.parametrize("query", sorted(QRELS))
def test_ndcg_at_10_matches_trec_eval(query: str, oracle: dict[str, dict[str, float]]) -> None:
    assert ndcg_at_k(RANKED[query], QRELS[query], 10) == pytest.approx(oracle[query]["ndcg_cut_10"], abs=1e-9)


@pytest.mark.parametrize("query", sorted(QRELS))
@pytest.mark.parametrize("k", [10, 100])
def test_recall_matches_trec_eval(query: str, k: int, oracle: dict[str, dict[str, float]]) -> None:
    assert recall_at_k(RANKED[query], QRELS[query], k) == pytest.approx(oracle[query][f"recall_{k}"], abs=1e-9)


@pytest.mark.parametrize("query", sorted(QRELS))
def test_mrr_at_10_matches_trec_eval(query: str, oracle: dict[str, dict[str, float]]) -> None:
    assert mrr_at_k(RANKED[query], QRELS[query], 10) == pytest.approx(oracle[query]["recip_rank_10"], abs=1e-9)


def test_the_run_is_not_trivial(oracle: dict[str, dict[str, float]]) -> None:
    values = {round(oracle[q]["ndcg_cut_10"], 6) for q in QRELS}
    assert len(values) == 4 and 0.0 in values  # four distinct scores, one query with nothing found
