"""Fusion of ranked lists: pure functions, deduplicated by chunk position, every input kept.

Reciprocal rank fusion (Cormack et al., 2009): ``score(d) = sum_i w_i / (k + rank_i(d))`` with
1-based ranks and ``k = 60`` by default (the constant from the paper, also used by Anserini and
Elasticsearch). A list that does not contain ``d`` contributes nothing.

Convex combination: each list's scores are min-max normalised to [0, 1] over the list, then
``score(d) = sum_i w_i * norm_i(d)`` (missing = 0). Use RRF when the scores are not comparable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ragagent.errors import ConfigError
from ragagent.retriever import RRF_K, SearchOptions
from ragagent.types import RetrieverScore, SearchMode

Ranked = Sequence[tuple[int, float]]  # (position, score), best first


@dataclass(frozen=True, slots=True)
class Fused:
    position: int
    score: float
    components: tuple[RetrieverScore, ...]


def _components(lists: Mapping[str, Ranked]) -> dict[int, list[RetrieverScore]]:
    seen: dict[int, list[RetrieverScore]] = {}
    for name, ranked in lists.items():
        for rank, (pos, score) in enumerate(ranked, start=1):
            entries = seen.setdefault(pos, [])
            if all(e.retriever != name for e in entries):  # first (best) occurrence wins
                entries.append(RetrieverScore(name, rank, score))
    return seen


def _sorted(scored: dict[int, float], comps: dict[int, list[RetrieverScore]]) -> list[Fused]:
    order = sorted(scored, key=lambda p: (-scored[p], p))
    return [Fused(p, scored[p], tuple(comps[p])) for p in order]


def reciprocal_rank_fusion(
    lists: Mapping[str, Ranked], *, weights: Mapping[str, float] | None = None, k: int = RRF_K
) -> list[Fused]:
    comps = _components(lists)
    w = weights or {}
    scored = {p: sum(w.get(c.retriever, 1.0) / (k + c.rank) for c in cs) for p, cs in comps.items()}
    return _sorted(scored, comps)


def _min_max(ranked: Ranked) -> dict[int, float]:
    if not ranked:
        return {}
    scores = [s for _, s in ranked]
    lo, hi = min(scores), max(scores)
    span = hi - lo
    out: dict[int, float] = {}
    for pos, s in ranked:
        out.setdefault(pos, (s - lo) / span if span > 0 else 1.0)
    return out


def convex_combination(lists: Mapping[str, Ranked], *, weights: Mapping[str, float] | None = None) -> list[Fused]:
    comps = _components(lists)
    w = weights or {}
    normed = {name: _min_max(ranked) for name, ranked in lists.items()}
    scored = {p: sum(w.get(n, 1.0) * normed[n].get(p, 0.0) for n in lists) for p in comps}
    return _sorted(scored, comps)


def fuse(lists: Mapping[str, Ranked], mode: SearchMode, options: SearchOptions) -> list[Fused]:
    """One search mode's ranking: a single retriever's list as is, or hybrid fused as ``options`` say."""
    if mode != "hybrid":
        return [Fused(pos, score, (RetrieverScore(mode, rank, score),))
                for rank, (pos, score) in enumerate(lists.get(mode, ()), start=1)]
    weights = {"dense": options.dense_weight, "sparse": options.sparse_weight}
    if options.fusion == "rrf":
        return reciprocal_rank_fusion(lists, weights=weights, k=options.rrf_k)
    if options.fusion == "convex":
        return convex_combination(lists, weights=weights)
    raise ConfigError(f"fusion {options.fusion!r} is done by the backend (Milvus), not client-side")
