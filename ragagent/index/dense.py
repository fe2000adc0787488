"""Dense retrieval: FAISS over L2-normalised embeddings with inner product (cosine similarity).

``flat`` (``IndexFlatIP``, exact) is the default; ``hnsw`` (``IndexHNSWFlat`` with the inner-product
metric) is selectable for large corpora. Row ``i`` of the FAISS index is chunk position ``i``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ragagent.errors import ConfigError, IndexCorruptError
from ragagent.options import DenseKind

HNSW_M = 32
HNSW_EF_SEARCH = 128


class DenseIndex:
    """A FAISS index plus the kind it was built as."""

    def __init__(self, faiss_index: Any, kind: DenseKind) -> None:
        self._index = faiss_index
        self.kind = kind

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    @classmethod
    def build(cls, vectors: np.ndarray, dimension: int, kind: str = "flat") -> DenseIndex:
        import faiss

        index: Any
        if kind == "flat":
            index = faiss.IndexFlatIP(dimension)
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            raise ConfigError(f"unknown dense index kind {kind!r} (use 'flat' or 'hnsw')")
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index, kind)  # type: ignore[arg-type]

    def vectors(self) -> np.ndarray:
        """All stored vectors in position order (used to carry embeddings over on re-ingest)."""
        if self.size == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.asarray(self._index.reconstruct_n(0, self.size), dtype=np.float32)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        if self.size == 0 or k <= 0:
            return []
        scores, ids = self._index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), min(k, self.size))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str) -> DenseIndex:
        import faiss

        try:
            index: Any = faiss.read_index(str(path))
        except RuntimeError as exc:  # FAISS reports unreadable files as RuntimeError
            raise IndexCorruptError(f"FAISS index {path} cannot be read: {exc}") from exc
        if kind == "hnsw":
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index, kind)  # type: ignore[arg-type]
