"""The backend-neutral writer API the ingestion pipeline commits through (local backend)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ragagent.errors import IndexLockedError
from ragagent.index import Index, open_writer
from ragagent.index.backend import Change, Embedding, FileRecord, IndexSettings, NoProgress
from ragagent.ingest import IngestOptions, ingest_paths
from ragagent.types import Chunk, Span
from tests.fakes import HashEmbedder


def test_a_new_index_has_an_empty_state(tmp_path: Path) -> None:
    with open_writer(tmp_path / "idx") as writer:
        state = writer.state
    assert state.settings is None and state.embedding is None and dict(state.files) == {} and state.root is None


def test_state_records_settings_hashes_and_root(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("Alpha beta gamma. " * 20, encoding="utf-8")
    ingest_paths([tmp_path / "docs"], tmp_path / "idx", embedder=HashEmbedder(),
                 options=IngestOptions(chunk_size=120, chunk_overlap=10))
    with open_writer(tmp_path / "idx") as writer:
        state = writer.state
        with pytest.raises(IndexLockedError), open_writer(tmp_path / "idx"):
            pass  # one writer at a time
    assert state.settings is not None and (state.settings.chunk_size, state.settings.chunk_overlap) == (120, 10)
    assert list(state.files) == ["a.txt"] and state.files["a.txt"].n_chunks > 1
    assert state.root == str((tmp_path / "docs").resolve()) and state.sources == ("a.txt",)


def test_commit_replaces_and_renames_atomically(tmp_path: Path) -> None:
    """A Change drops replaced files, renames kept ones (new span sources and ids) and adds new chunks."""
    (tmp_path / "docs").mkdir()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "docs" / name).write_text(f"{name} holds some words about lighthouses.", encoding="utf-8")
    embedder = HashEmbedder()
    ingest_paths([tmp_path / "docs"], tmp_path / "idx", embedder=embedder)
    text = "A brand new file."
    chunk = Chunk.create(text, Span("new/c.txt", None, 0, len(text)))
    with open_writer(tmp_path / "idx") as writer:
        settings = writer.state.settings
        assert isinstance(settings, IndexSettings)
        done = writer.commit(Change(
            settings=settings, embedding=Embedding(embedder.model_name, embedder.dimension), root="/",
            files=[FileRecord("new/c.txt", "0" * 64, len(text), 1)], chunks=[("new/c.txt", chunk)],
            vectors=np.asarray(embedder.embed_documents([text]), dtype=np.float32),
            replaced=frozenset({"docs/a.txt"}), renames={"a.txt": "docs/a.txt", "b.txt": "docs/b.txt"},
        ), NoProgress())
    assert (done.chunks_removed, done.chunks_total) == (1, 2)
    index = Index.open(tmp_path / "idx", embedder=embedder)
    try:
        assert sorted(index.store.files()) == ["docs/b.txt", "new/c.txt"]
        assert [c.span.source for c in index.source_chunks("docs/b.txt")] == ["docs/b.txt"]
        assert index.source_chunks("b.txt") == []
    finally:
        index.close()
