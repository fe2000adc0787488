"""Sparse retrieval: BM25 engines behind one protocol.

``bm25s`` (default) scores with a precomputed sparse matrix and persists as JSON + ``.npy`` files
loaded with ``allow_pickle=False``. ``rank-bm25`` (what LangChain's BM25Retriever uses) is kept as a
selectable engine and as the oracle in parity tests; it has no file format, so it is rebuilt from the
stored chunk texts on open.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ragagent.errors import ConfigError, IndexCorruptError
from ragagent.options import Bm25Engine

BM25_K1 = 1.5
BM25_B = 0.75


class SparseIndex(Protocol):
    """Top-k positions and BM25 scores for one tokenised query."""

    def search(self, query_tokens: Sequence[str], k: int) -> list[tuple[int, float]]: ...


def _top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    k = min(k, len(scores))
    if k <= 0:
        return []
    idx = np.argpartition(-scores, k - 1)[:k]
    idx = idx[np.lexsort((idx, -scores[idx]))]
    return [(int(i), float(scores[i])) for i in idx if scores[i] > 0]


BM25S_METHOD = "lucene"


class Bm25sIndex:
    """bm25s over pre-tokenised documents.

    The default ``lucene`` variant uses ``idf = log(1 + (N - n + 0.5) / (n + 0.5))``, which stays
    positive for terms in more than half of the documents (Robertson's idf, used by rank-bm25, goes
    to zero or below there, which empties results on small corpora). ``robertson`` is available for
    parity with rank-bm25.
    """

    def __init__(self, model: object, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, corpus_tokens: Sequence[Sequence[str]], method: str = BM25S_METHOD) -> Bm25sIndex:
        import bm25s

        model = bm25s.BM25(method=method, k1=BM25_K1, b=BM25_B)
        # An empty-token placeholder keeps documents with no tokens addressable.
        model.index([list(t) or [""] for t in corpus_tokens], show_progress=False)
        return cls(model, len(corpus_tokens))

    def search(self, query_tokens: Sequence[str], k: int) -> list[tuple[int, float]]:
        vocab: dict[str, int] = self._model.vocab_dict  # type: ignore[attr-defined]
        ids = [vocab[t] for t in query_tokens if t in vocab and t != ""]
        if not ids or self.size == 0:
            return []
        scores = self._model.get_scores_from_ids(ids)  # type: ignore[attr-defined]
        return _top_k(np.asarray(scores, dtype=np.float32), k)

    def document_frequency(self, token: str) -> int:
        """In how many documents ``token`` occurs (0 if never): the score matrix has one column per token."""
        token_id = self._model.vocab_dict.get(token) if token else None  # type: ignore[attr-defined]
        if token_id is None:
            return 0
        indptr = self._model.scores["indptr"]  # type: ignore[attr-defined]
        return int(indptr[token_id + 1] - indptr[token_id]) if token_id + 1 < len(indptr) else 0

    def save(self, directory: Path) -> None:
        self._model.save(str(directory), show_progress=False)  # type: ignore[attr-defined]

    @classmethod
    def load(cls, directory: Path, size: int) -> Bm25sIndex:
        """Read a saved bm25s index; the usual methods need no bm25s import (see :class:`SavedScores`)."""
        try:
            params = json.loads((directory / "params.index.json").read_text(encoding="utf-8"))
            if params.get("method") in ("bm25l", "bm25+"):  # these add a non-occurrence term: let bm25s score
                import bm25s

                return cls(bm25s.BM25.load(str(directory), allow_pickle=False, mmap=False, show_progress=False), size)
            return cls(SavedScores.load(directory), size)
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise IndexCorruptError(f"BM25 index in {directory} cannot be read: {exc}") from exc


class SavedScores:
    """A saved bm25s index scored with numpy alone, exactly as ``bm25s.BM25.get_scores_from_ids`` does.

    bm25s stores each term's precomputed per-document BM25 scores as a CSC matrix; a query's scores are the
    sum of its terms' columns. Importing bm25s also imports scipy and more (about a third of ``ragagent
    search``'s start-up, BENCHMARKS.md), so the query path reads bm25s's own files with ``np.load``
    (``allow_pickle=False``) and sums in the same order; building still uses bm25s, and
    ``tests/index/test_sparse.py`` checks the scores are identical.
    """

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, num_docs: int,
                 vocab: dict[str, int], dtype: str) -> None:
        self.data, self.indices, self.indptr, self.num_docs = data, indices, indptr, num_docs
        self.vocab_dict, self.dtype = vocab, dtype

    @classmethod
    def load(cls, directory: Path) -> SavedScores:
        params = json.loads((directory / "params.index.json").read_text(encoding="utf-8"))
        vocab = json.loads((directory / "vocab.index.json").read_text(encoding="utf-8"))
        data, indices, indptr = (np.load(directory / f"{name}.csc.index.npy", allow_pickle=False)
                                 for name in ("data", "indices", "indptr"))
        return cls(data, indices, indptr, int(params["num_docs"]), {str(k): int(v) for k, v in vocab.items()},
                   str(params.get("dtype", "float32")))

    @property
    def scores(self) -> dict[str, object]:
        """The matrix as ``bm25s.BM25.scores`` holds it."""
        return {"data": self.data, "indices": self.indices, "indptr": self.indptr, "num_docs": self.num_docs}

    def get_scores_from_ids(self, ids: Sequence[int]) -> np.ndarray:
        scores = np.zeros(self.num_docs, dtype=self.dtype)
        for token in ids:
            start, end = self.indptr[token], self.indptr[token + 1]
            np.add.at(scores, self.indices[start:end], self.data[start:end])
        return scores


class RankBm25Index:
    """rank-bm25's BM25Okapi over the same tokens (slow; for parity and LangChain comparison)."""

    def __init__(self, corpus_tokens: Sequence[Sequence[str]]) -> None:
        from rank_bm25 import BM25Okapi

        self.size = len(corpus_tokens)
        self._df = Counter(t for tokens in corpus_tokens for t in set(tokens))
        self._model = BM25Okapi([list(t) for t in corpus_tokens], k1=BM25_K1, b=BM25_B) if self.size else None

    def search(self, query_tokens: Sequence[str], k: int) -> list[tuple[int, float]]:
        if self._model is None or not query_tokens:
            return []
        return _top_k(np.asarray(self._model.get_scores(list(query_tokens)), dtype=np.float32), k)


    def document_frequency(self, token: str) -> int:
        return self._df.get(token, 0)


def check_engine(engine: str) -> Bm25Engine:
    if engine == "bm25s":
        return "bm25s"
    if engine == "rank-bm25":
        return "rank-bm25"
    raise ConfigError(f"unknown BM25 engine {engine!r} (use 'bm25s' or 'rank-bm25')")
