"""The contract every retrieval backend must pass (the FAISS + BM25 Index today; Milvus next).

Subclass :class:`RetrieverContract` in a ``Test*`` class and provide a ``backend`` fixture: a
:class:`~ragagent.retriever.DocumentRetriever` over :data:`DOCS` (each file ingested as its own source, with
chunks small enough that the long document spans several).
"""

from __future__ import annotations

from itertools import pairwise

import pytest

from ragagent.errors import ConfigError
from ragagent.retriever import DocumentRetriever, Retriever, SourceReader
from ragagent.types import Hit, SearchMode

LIGHTHOUSE = " ".join(
    f"Section {i}. The lighthouse keeper trimmed the wick and wound the clockwork of the Fresnel lens."
    for i in range(12)
)
DOCS: dict[str, str] = {
    "lighthouse.txt": LIGHTHOUSE,
    "volcano.md": "Basaltic lava from shield volcanoes flows far because it is hot and runny.",
    "bees.txt": "Honey bees communicate the direction of nectar with a waggle dance inside the hive.",
    "tides.txt": "Spring tides happen when the sun and the moon line up, twice each lunar month.",
}
CHUNK_SIZE, CHUNK_OVERLAP = 200, 0
MODES: tuple[SearchMode, ...] = ("hybrid", "dense", "sparse")


class RetrieverContract:
    def test_implements_the_protocols(self, backend: DocumentRetriever) -> None:
        assert isinstance(backend, Retriever) and isinstance(backend, SourceReader)

    @pytest.mark.parametrize("mode", MODES)
    @pytest.mark.parametrize("k", [1, 3, 50])
    def test_ranked_list_shape(self, backend: DocumentRetriever, mode: SearchMode, k: int) -> None:
        hits = backend.retrieve("lighthouse keeper lens", k=k, mode=mode)
        assert 1 <= len(hits) <= k
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert all(a.score >= b.score for a, b in pairwise(hits))
        assert len({h.chunk.id for h in hits}) == len(hits)  # no chunk twice

    @pytest.mark.parametrize("mode", MODES)
    def test_components_name_the_retrievers_used(self, backend: DocumentRetriever, mode: SearchMode) -> None:
        hits = backend.retrieve("waggle dance of honey bees", k=3, mode=mode)
        allowed = {"dense", "sparse"} if mode == "hybrid" else {mode}
        assert all({c.retriever for c in h.components} <= allowed and h.components for h in hits)
        if mode == "hybrid":
            assert {c.retriever for c in hits[0].components} == {"dense", "sparse"}

    @pytest.mark.parametrize("mode", MODES)
    def test_provenance_is_exact(self, backend: DocumentRetriever, mode: SearchMode) -> None:
        for hit in backend.retrieve("lighthouse clockwork", k=50, mode=mode):
            span = hit.chunk.span
            assert DOCS[span.source][span.start:span.end] == hit.chunk.text

    @pytest.mark.parametrize("mode", ["hybrid", "sparse"])
    @pytest.mark.parametrize(("query", "source"), [
        ("waggle dance bees", "bees.txt"), ("spring tides moon", "tides.txt"), ("basaltic lava", "volcano.md"),
    ])
    def test_finds_the_topical_document_first(
        self, backend: DocumentRetriever, mode: SearchMode, query: str, source: str
    ) -> None:
        assert backend.retrieve(query, k=3, mode=mode)[0].chunk.span.source == source

    def test_repeatable(self, backend: DocumentRetriever) -> None:
        def ids(hits: list[Hit]) -> list[str]:
            return [h.chunk.id for h in hits]

        assert ids(backend.retrieve("tides and lava", k=4)) == ids(backend.retrieve("tides and lava", k=4))

    @pytest.mark.parametrize(("k", "mode", "message"), [
        (0, "hybrid", "k must be at least 1"), (-3, "sparse", "k must be at least 1"),
        (5, "bogus", "unknown search mode 'bogus'"),
    ])
    def test_bad_arguments_are_config_errors(self, backend: DocumentRetriever, k: int, mode: str, message: str) -> None:
        with pytest.raises(ConfigError, match=message):
            backend.retrieve("bees", k=k, mode=mode)  # type: ignore[arg-type]

    def test_source_chunks_in_document_order(self, backend: DocumentRetriever) -> None:
        chunks = backend.source_chunks("lighthouse.txt")
        assert len(chunks) > 2 and all(c.span.source == "lighthouse.txt" for c in chunks)
        starts = [c.span.start for c in chunks]
        assert starts == sorted(starts) and starts[0] == 0
        assert chunks[-1].span.end == len(LIGHTHOUSE.rstrip())

    def test_source_chunks_of_unknown_source_is_empty(self, backend: DocumentRetriever) -> None:
        assert backend.source_chunks("nope.txt") == []
        assert backend.source_chunks("lighthouse") == []  # exact source, not a prefix
