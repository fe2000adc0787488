"""Fusion: RRF against a ten-line reference, weights, dedup, convex combination."""

from __future__ import annotations

import random

import pytest

from ragagent.index.fusion import convex_combination, reciprocal_rank_fusion
from ragagent.retriever import RRF_K


def reference_rrf(lists: dict[str, list[int]], weights: dict[str, float], k: int) -> dict[int, float]:
    scores: dict[int, float] = {}
    for name, docs in lists.items():
        seen: set[int] = set()
        for rank, doc in enumerate(docs, start=1):
            if doc in seen:
                continue
            seen.add(doc)
            scores[doc] = scores.get(doc, 0.0) + weights.get(name, 1.0) / (k + rank)
    return scores


@pytest.mark.parametrize("seed", range(20))
def test_rrf_matches_reference(seed: int) -> None:
    rng = random.Random(seed)
    lists = {name: rng.sample(range(30), rng.randint(0, 20)) for name in ("dense", "sparse")}
    weights = {"dense": rng.choice([0.5, 1.0, 2.0]), "sparse": rng.choice([0.5, 1.0, 3.0])}
    k = rng.choice([0, 1, 60])
    fused = reciprocal_rank_fusion({n: [(d, 1.0) for d in ds] for n, ds in lists.items()}, weights=weights, k=k)
    expected = reference_rrf(lists, weights, k)
    assert {f.position: pytest.approx(f.score) for f in fused} == expected
    assert [f.score for f in fused] == sorted((f.score for f in fused), reverse=True)


def test_rrf_keeps_every_retriever_rank_and_score_and_dedups() -> None:
    fused = reciprocal_rank_fusion({"dense": [(7, 0.9), (3, 0.5)], "sparse": [(3, 12.0), (7, 4.0), (3, 1.0)]})
    assert len(fused) == 2
    by_pos = {f.position: f for f in fused}
    comps = {c.retriever: (c.rank, c.score) for c in by_pos[3].components}
    assert comps == {"dense": (2, 0.5), "sparse": (1, 12.0)}
    assert by_pos[3].score == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))


def test_rrf_weights_change_the_order() -> None:
    lists = {"dense": [(1, 0.9), (2, 0.8)], "sparse": [(2, 9.0), (1, 8.0)]}
    assert reciprocal_rank_fusion(lists, weights={"dense": 2.0})[0].position == 1
    assert reciprocal_rank_fusion(lists, weights={"sparse": 2.0})[0].position == 2


def test_convex_combination_normalises_each_list() -> None:
    lists = {"dense": [(1, 0.9), (2, 0.5), (3, 0.1)], "sparse": [(3, 30.0), (2, 20.0)]}
    fused = {f.position: f.score for f in convex_combination(lists, weights={"dense": 0.5, "sparse": 0.5})}
    assert fused[1] == pytest.approx(0.5 * 1.0)
    assert fused[2] == pytest.approx(0.5 * 0.5 + 0.5 * 0.0)
    assert fused[3] == pytest.approx(0.5 * 0.0 + 0.5 * 1.0)
