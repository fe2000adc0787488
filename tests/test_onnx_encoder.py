"""The ONNX query encoder: parity with sentence-transformers (vectors and hits), the cache, and the fallback."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from ragagent import embeddings
from ragagent.embeddings import EncoderFallbackWarning, SentenceTransformerEmbedder, query_embedder
from ragagent.errors import ConfigError, EncoderUnavailableError
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from ragagent.onnx_encoder import META_FILE, ExportInfo, OnnxEmbedder, cache_root, export_dir, fingerprint

REPO = Path(__file__).resolve().parents[1]
# Not the export's own verification sample: other texts, lengths and languages.
PARITY_TEXTS = [
    "How does PAL run the programs a model writes?",
    "sandboxed code execution",
    "BM25 saturates term frequency with k1 and normalises length with b.",
    "Qu'est-ce que la génération augmentée par récupération ?",
    "1997 2001 2017 2022",
    "ReAct " * 200,  # truncated at 128 tokens on both sides
    "\tTabs\tand\nnewlines\n",
    "LoRA: low-rank adaptation of large language models freezes the pretrained weights.",
]


@pytest.fixture(scope="module")
def onnx() -> OnnxEmbedder:
    embedder = query_embedder(backend="onnx")  # exports into the user cache on first use (as `make setup` does)
    assert isinstance(embedder, OnnxEmbedder)
    return embedder


@pytest.fixture(scope="module")
def torch_embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


@pytest.mark.integration
def test_vectors_match_sentence_transformers(onnx: OnnxEmbedder, torch_embedder: SentenceTransformerEmbedder) -> None:
    reference = torch_embedder.embed_documents(PARITY_TEXTS)
    batched = onnx.embed_documents(PARITY_TEXTS)
    single = np.stack([onnx.embed_query(t) for t in PARITY_TEXTS])
    for vectors in (batched, single):
        assert vectors.dtype == np.float32 and vectors.shape == reference.shape
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        assert np.min(np.sum(vectors * reference, axis=1)) >= 0.9999
    assert onnx.max_seq_length == 128 and onnx.model_name == "all-MiniLM-L6-v2" and onnx.dimension == 384
    info = ExportInfo.read(export_dir(Path(embeddings.resolve_model_path("all-MiniLM-L6-v2"))))
    assert info.verified and info.min_cosine >= 0.9999 and not info.error


@pytest.mark.integration
def test_hybrid_hits_are_identical(onnx: OnnxEmbedder, torch_embedder: SentenceTransformerEmbedder,
                                   tmp_path: Path) -> None:
    ingest_paths([REPO / "examples" / "corpus"], tmp_path / "idx", embedder=torch_embedder)
    fast = Index.open(tmp_path / "idx")  # the default query encoder
    slow = Index.open(tmp_path / "idx", embedder=torch_embedder)
    assert isinstance(fast.embedder, OnnxEmbedder)
    queries = ["what is react", "When was the transformer architecture introduced?", "Who proposed PAL?",
               "how are RAG systems evaluated", "low-rank adaptation", "sandbox", *PARITY_TEXTS]
    for query in queries:
        for mode in ("hybrid", "dense"):
            a, b = fast.search(query, k=8, mode=mode), slow.search(query, k=8, mode=mode)  # type: ignore[arg-type]
            assert [h.chunk.id for h in a] == [h.chunk.id for h in b], query
            assert np.allclose([h.score for h in a], [h.score for h in b], atol=1e-4)


def test_fingerprint_is_remembered_per_file_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAGAGENT_CACHE", str(tmp_path / "cache"))
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"weights-1")
    (model / "tokenizer.json").write_text("{}")
    first = fingerprint(model)
    assert fingerprint(model) == first and len(list(cache_root().glob("fingerprint-*.json"))) == 1
    (model / "model.safetensors").write_bytes(b"weights-2!")  # new size: hashed again
    assert fingerprint(model) != first
    assert export_dir(model).name.startswith("v1-") and export_dir(model).parent == tmp_path / "cache" / "encoders"
    (model / "model.safetensors").unlink()
    with pytest.raises(EncoderUnavailableError, match="no model weights"):
        fingerprint(model)


def _fake_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **meta: object) -> Path:
    monkeypatch.setenv("RAGAGENT_CACHE", str(tmp_path / "cache"))
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"weights")
    monkeypatch.setattr(embeddings, "resolve_model_path", lambda name: str(model))
    embeddings._onnx_embedder.cache_clear()
    directory = export_dir(model)
    directory.mkdir(parents=True)
    base = {"model_name": "m", "dimension": 4, "max_seq_length": 16, "lowercase": False, "verified": True,
            "min_cosine": 1.0, "samples": 3, "error": ""}
    (directory / META_FILE).write_text(json.dumps({**base, **meta}))
    return directory


def test_unverified_export_is_refused_and_auto_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_export(tmp_path, monkeypatch, verified=False, min_cosine=0.93)
    with pytest.raises(EncoderUnavailableError, match=r"did not match sentence-transformers \(min cosine 0.930000\)"):
        query_embedder("m", backend="onnx")
    fallback = object()
    monkeypatch.setattr(embeddings, "SentenceTransformerEmbedder", lambda name, **kw: fallback)
    with pytest.warns(EncoderFallbackWarning, match="fast query encoder unavailable"):
        assert query_embedder("m") is fallback
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert query_embedder("m", backend="torch") is fallback  # no warning when torch is asked for


def test_a_failed_export_is_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = _fake_export(tmp_path, monkeypatch, verified=False, error="RuntimeError: exporter broke")
    with pytest.raises(EncoderUnavailableError, match=f"export failed .*exporter broke.*delete {directory}"):
        OnnxEmbedder.load("m")


def test_missing_export_without_permission_to_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAGAGENT_CACHE", str(tmp_path / "cache"))
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"weights")
    monkeypatch.setattr(embeddings, "resolve_model_path", lambda name: str(model))
    with pytest.raises(EncoderUnavailableError, match="no ONNX export"):
        OnnxEmbedder.load("m", export=False)
    assert not any(p.name.startswith("v1-") for p in (tmp_path / "cache" / "encoders").iterdir())


def test_unknown_backend_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown query encoder backend 'gpu'"):
        query_embedder(backend="gpu")  # type: ignore[arg-type]
