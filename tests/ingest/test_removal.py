"""remove_sources: a new generation without the source; the rest keeps its chunks and vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ragagent.errors import ConfigError, SourceNotFoundError
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from ragagent.ingest.removal import remove_sources
from tests.fakes import HashEmbedder


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("Apples grow in orchards on the northern hills.\n")
    (docs / "b.md").write_text("Basalt columns line the coast near the harbour.\n")
    (docs / "c.md").write_text("Copper roofs turn green as they weather.\n")
    ingest_paths([docs], tmp_path / "idx", embedder=HashEmbedder())
    return tmp_path / "idx"


def test_remove_one_source(index_dir: Path) -> None:
    before = Index.open(index_dir, embedder=HashEmbedder())
    kept_vectors = {c.id: before.dense.vectors()[pos] for pos, f, c in before.store.iter_chunks() if f != "b.md"}
    report = remove_sources(index_dir, ["b.md"])
    assert report.removed == ("b.md",) and report.chunks_removed == 1 and report.chunks_total == 2
    after = Index.open(index_dir, embedder=HashEmbedder())
    assert set(after.store.files()) == {"a.md", "c.md"} and after.manifest.generation != before.manifest.generation
    assert all(h.chunk.span.source != "b.md" for h in after.search("basalt columns coast harbour", k=3))
    for pos, _, chunk in after.store.iter_chunks():  # carried over, not re-embedded
        assert np.array_equal(after.dense.vectors()[pos], kept_vectors[chunk.id])
    assert before.search("basalt", k=1, mode="sparse")[0].chunk.span.source == "b.md"  # readers keep the old one


def test_unknown_source_leaves_the_index_alone(index_dir: Path) -> None:
    generation = Index.open(index_dir, embedder=HashEmbedder()).manifest.generation
    with pytest.raises(SourceNotFoundError, match=r"nope\.md"):
        remove_sources(index_dir, ["a.md", "nope.md"])
    after = Index.open(index_dir, embedder=HashEmbedder())
    assert after.manifest.generation == generation and len(after.store.files()) == 3


def test_the_last_source_stays(index_dir: Path) -> None:
    remove_sources(index_dir, ["a.md", "b.md"])
    with pytest.raises(ConfigError, match="only document"):
        remove_sources(index_dir, ["c.md"])
    assert set(Index.open(index_dir, embedder=HashEmbedder()).store.files()) == {"c.md"}
