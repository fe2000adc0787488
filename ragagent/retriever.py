"""What the modes need from an index: the :class:`Retriever` protocol and its search options.

RAG, ReAct, the tools, evaluation and the CLI depend on these protocols, never on a backend's internals,
so the FAISS + BM25 :class:`~ragagent.index.Index` and any other backend are interchangeable. A backend is
held to ``tests/index/retriever_contract.py``.

>>> def top_sources(retriever: Retriever, query: str) -> list[str]:
...     return [hit.chunk.span.source for hit in retriever.retrieve(query, k=3)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, get_args, runtime_checkable

from ragagent.errors import ConfigError
from ragagent.types import Chunk, Hit, SearchMode

Fusion = Literal["rrf", "convex", "milvus-rrf", "milvus-weighted"]  # milvus-*: Milvus' own rankers
DEFAULT_FUSION: Fusion = "convex"
RRF_K = 60  # the constant of Cormack et al. (2009)
SEARCH_MODES: tuple[SearchMode, ...] = ("hybrid", "dense", "sparse")


@dataclass(frozen=True, slots=True)
class SearchOptions:
    """How hybrid search fuses: method, RRF constant, per-retriever weights and fetch depth.

    The default is the min-max normalised convex combination with equal weights over the top 100 of
    each retriever: on SciFact it scores nDCG@10 0.721 vs 0.708 for RRF (k=60), and on HotpotQA
    0.816 vs 0.800 (paired 95% interval of the gain +0.006..+0.026); see BENCHMARKS.md.
    RRF (``fusion="rrf"``) stays available for retrievers whose scores are not comparable. A Milvus index
    also takes ``milvus-rrf`` and ``milvus-weighted`` (fused by Milvus' own rankers, server-side).
    """

    fusion: Fusion = DEFAULT_FUSION
    rrf_k: int = RRF_K
    dense_weight: float = 1.0
    sparse_weight: float = 1.0
    fetch_k: int = 100  # candidates taken from each retriever before fusion

    def __post_init__(self) -> None:
        if self.fusion not in get_args(Fusion):
            raise ConfigError(f"unknown fusion {self.fusion!r} (use convex, rrf, milvus-rrf or milvus-weighted)")
        if self.rrf_k < 0 or self.fetch_k < 1:
            raise ConfigError("rrf_k must be >= 0 and fetch_k >= 1")
        if self.dense_weight < 0 or self.sparse_weight < 0:
            raise ConfigError("fusion weights must be >= 0")


def check_query(k: int, mode: str) -> None:
    """The argument checks every backend makes before searching (a :class:`ConfigError` naming the value)."""
    if k < 1:
        raise ConfigError(f"k must be at least 1, got {k}")
    if mode not in SEARCH_MODES:
        raise ConfigError(f"unknown search mode {mode!r} (use hybrid, dense or sparse)")


@runtime_checkable
class Retriever(Protocol):
    """Ranked chunks for a query.

    At most ``k`` hits, ranks 1..n, scores non-increasing; every hit carries each retriever's own rank and
    score in ``components`` (``dense`` and/or ``sparse``) and the chunk's exact provenance. ``k < 1`` or an
    unknown ``mode`` raise :class:`~ragagent.errors.ConfigError`.
    """

    def retrieve(
        self, query: str, k: int = 10, mode: SearchMode = "hybrid", options: SearchOptions | None = None
    ) -> list[Hit]: ...


@runtime_checkable
class SourceReader(Protocol):
    """Every chunk of one source (a document), in document order; empty for an unknown source.

    What ReAct's ``lookup`` reads: the sentences of the document a search opened.
    """

    def source_chunks(self, source: str) -> list[Chunk]: ...


@runtime_checkable
class TitledSources(Protocol):
    """The title of every titled document (a JSONL record's title, an HTML ``<title>``) and its sources.

    What RAG's link following (:mod:`ragagent.links`) looks for in a passage: a mention of another
    document by its title.
    """

    def titled_sources(self) -> dict[str, tuple[str, ...]]: ...


@runtime_checkable
class TermAnalyzer(Protocol):
    """The terms a backend's sparse retriever sees in ``text`` (its tokeniser: case, stopwords, stemming).

    What RAG's relevance floor compares question and passage by, so "covers the question's terms" means
    the same as it does to the BM25 side of the backend.
    """

    def terms(self, text: str) -> list[str]: ...


@runtime_checkable
class DocumentRetriever(Retriever, SourceReader, Protocol):
    """A backend that both searches and reads whole sources (what ReAct's search + lookup tools need)."""
