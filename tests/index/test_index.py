"""The hybrid index with the hash embedder: search, persistence, incremental updates, integrity."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ragagent.errors import (
    ConfigError,
    EmbeddingMismatchError,
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IngestAbortedError,
)
from ragagent.index import Index, SearchOptions
from ragagent.index.atomic import writer_lock
from ragagent.ingest import IngestOptions, ingest_paths
from tests.fakes import HashEmbedder

DOCS = {
    "transformers.md": "The transformer architecture was introduced in 2017 in the paper Attention Is All You Need.",
    "rag.txt": "Retrieval augmented generation retrieves passages and conditions the generator on them.",
    "react.txt": "ReAct interleaves reasoning traces with actions such as search and lookup.",
    "notes/pal.md": "Program-aided language models write Python programs whose execution gives the answer.",
}

Corpus = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def built(corpus: Corpus, tmp_path: Path, embedder: HashEmbedder) -> tuple[Path, Path]:
    root = corpus(dict(DOCS))
    index_dir = tmp_path / "idx"
    report = ingest_paths([root], index_dir, embedder=embedder)
    assert report.committed and report.chunks_total == 4
    return root, index_dir


def test_search_modes_return_typed_hits_with_components(built: tuple[Path, Path], embedder: HashEmbedder) -> None:
    index = Index.open(built[1], embedder=embedder)
    hybrid = index.search("when was the transformer architecture introduced", k=2)
    assert hybrid[0].chunk.span.source == "transformers.md"
    assert [h.rank for h in hybrid] == [1, 2]
    assert {c.retriever for c in hybrid[0].components} == {"dense", "sparse"}
    sparse = index.search("lookup actions", k=3, mode="sparse")
    assert sparse[0].chunk.span.source == "react.txt" and sparse[0].retriever == "sparse"
    assert all(len(h.components) == 1 and h.components[0].retriever == "sparse" for h in sparse)
    dense = index.search("python programs execution", k=1, mode="dense")
    assert dense[0].components[0].retriever == "dense"
    convex = index.search("retrieval generator passages", k=1, options=SearchOptions(fusion="convex"))
    assert convex[0].chunk.span.source == "rag.txt"


def test_bad_search_arguments_are_config_errors(built: tuple[Path, Path], embedder: HashEmbedder) -> None:
    index = Index.open(built[1], embedder=embedder)
    with pytest.raises(ConfigError, match="k must be"):
        index.search("x", k=0)
    with pytest.raises(ConfigError, match="unknown search mode"):
        index.search("x", mode="fuzzy")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="fusion"):
        SearchOptions(fusion="max")  # type: ignore[arg-type]


def test_reingest_unchanged_changed_deleted(built: tuple[Path, Path], embedder: HashEmbedder) -> None:
    root, index_dir = built
    again = ingest_paths([root], index_dir, embedder=embedder)
    assert not again.committed and again.files_unchanged == 4
    (root / "rag.txt").write_text("RAG now talks about citations and verification of sources.")
    (root / "react.txt").unlink()
    (root / "new.txt").write_text("A brand new document about fine-tuning small models.")
    generation = json.loads((index_dir / "manifest.json").read_text())["generation"]
    report = ingest_paths([root], index_dir, embedder=embedder, options=IngestOptions(prune=True))
    assert report.files_changed == ("rag.txt",) and report.files_added == ("new.txt",)
    assert report.files_removed == ("react.txt",) and report.files_unchanged == 2
    assert report.chunks_removed == 2 and report.chunks_total == 4
    index = Index.open(index_dir, embedder=embedder)
    sources = {h.chunk.span.source for h in index.search("citations fine-tuning ReAct lookup", k=10)}
    assert sources >= {"rag.txt", "new.txt"} and "react.txt" not in sources
    assert not (index_dir / generation).exists(), "the old generation is removed after commit"
    # Kept chunks keep their vectors: dense search still finds an untouched file first.
    assert index.search("program-aided python", k=1, mode="dense")[0].chunk.span.source == "notes/pal.md"


def test_without_prune_missing_files_stay(built: tuple[Path, Path], embedder: HashEmbedder) -> None:
    root, index_dir = built
    (root / "react.txt").unlink()
    report = ingest_paths([root], index_dir, embedder=embedder)
    assert report.files_removed == () and report.chunks_total == 4


def test_partial_ingest_keeps_good_files_and_strict_touches_nothing(
    corpus: Corpus, tmp_path: Path, embedder: HashEmbedder
) -> None:
    root = corpus({"good.txt": "fine text", "empty.txt": b"", "bad.pdf": b"%PDF-1.4 junk"})
    index_dir = tmp_path / "idx"
    with pytest.raises(IngestAbortedError, match="2 file"):
        ingest_paths([root], index_dir, embedder=embedder, options=IngestOptions(strict=True))
    assert not (index_dir / "manifest.json").exists()
    report = ingest_paths([root, tmp_path / "missing"], index_dir, embedder=embedder)
    assert report.partial and report.chunks_total == 1
    assert {f.source for f in report.failures} == {"empty.txt", "bad.pdf", str(tmp_path / "missing")}


def test_embedding_model_mismatch_is_clear(built: tuple[Path, Path]) -> None:
    other = HashEmbedder(dimension=32, model_name="other-model")
    with pytest.raises(EmbeddingMismatchError, match="built with embedding model 'hash-embedder'"):
        Index.open(built[1], embedder=other)
    with pytest.raises(EmbeddingMismatchError):
        ingest_paths([built[0]], built[1], embedder=other)


def test_conflicting_chunking_on_existing_index(built: tuple[Path, Path], embedder: HashEmbedder) -> None:
    with pytest.raises(ConfigError, match="chunk-size=1000"):
        ingest_paths([built[0]], built[1], embedder=embedder, options=IngestOptions(chunk_size=300))


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="run `ragagent ingest`"):
        Index.open(tmp_path / "none")


def _generation(index_dir: Path) -> Path:
    return index_dir / json.loads((index_dir / "manifest.json").read_text())["generation"]


@pytest.mark.parametrize("target", ["chunks.sqlite", "dense.faiss", "sparse/vocab.index.json",
                                    "sparse/data.csc.index.npy"])
def test_tampered_or_truncated_files_are_detected(built: tuple[Path, Path], embedder: HashEmbedder,
                                                  target: str) -> None:
    path = _generation(built[1]) / target
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorruptError, match="checksum"):
        Index.open(built[1], embedder=embedder)


def test_pickle_payload_in_index_is_never_loaded(built: tuple[Path, Path], embedder: HashEmbedder) -> None:
    """A pickle planted as a .npy is refused (checksum), and even unverified it is read without pickle."""
    import pickle

    canary = built[1].parent / "pwned"
    payload = pickle.dumps(type("X", (), {"__reduce__": lambda self: (canary.touch, ())})())
    target = _generation(built[1]) / "sparse" / "data.csc.index.npy"
    target.write_bytes(payload)
    with pytest.raises(IndexCorruptError):
        Index.open(built[1], embedder=embedder)
    with pytest.raises(IndexCorruptError):
        Index.open(built[1], embedder=embedder, verify=False)
    assert not canary.exists()


@pytest.mark.parametrize("manifest", ["{not json", "[]", '{"format_version": 1}'])
def test_corrupt_manifest_is_a_clear_error(built: tuple[Path, Path], manifest: str) -> None:
    (built[1] / "manifest.json").write_text(manifest)
    with pytest.raises(IndexCorruptError, match=r"manifest\.json is invalid"):
        Index.open(built[1])


def test_future_format_version_is_refused(built: tuple[Path, Path]) -> None:
    data = json.loads((built[1] / "manifest.json").read_text())
    data["format_version"] = 99
    (built[1] / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(IndexCorruptError, match="format version 99"):
        Index.open(built[1])


def test_unexpected_extra_file_is_detected(built: tuple[Path, Path], embedder: HashEmbedder) -> None:
    (_generation(built[1]) / "evil.py").write_text("print('hi')")
    with pytest.raises(IndexCorruptError, match="unexpected file"):
        Index.open(built[1], embedder=embedder)


def test_second_writer_gets_a_clear_error(built: tuple[Path, Path], embedder: HashEmbedder) -> None:
    with writer_lock(built[1]), pytest.raises(IndexLockedError, match=r"being written by another process"):
        ingest_paths([built[0]], built[1], embedder=embedder)
    assert ingest_paths([built[0]], built[1], embedder=embedder).files_unchanged == 4  # lock released
