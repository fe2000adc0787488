"""The backend contract: ingest, incremental re-ingest, prune, rebuild, provenance, bad input, reopening and a
killed commit, run against every backend through the same pipeline and ``open_index``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ragagent.errors import ConfigError, IndexNotFoundError, NothingToIngestError
from ragagent.index import IndexView, open_index
from ragagent.index.backend import FileRecord
from ragagent.ingest import IngestOptions, ingest_paths
from ragagent.retriever import SearchOptions
from ragagent.types import SearchMode
from tests.fakes import HashEmbedder
from tests.index.backends import BACKENDS, spec_for
from tests.index.retriever_contract import CHUNK_OVERLAP, CHUNK_SIZE, DOCS

REPO = Path(__file__).resolve().parents[2]
OPTIONS = IngestOptions(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
MODES: tuple[SearchMode, ...] = ("hybrid", "dense", "sparse")


@pytest.fixture(params=BACKENDS)
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return spec_for(request.param, tmp_path)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    for name, text in DOCS.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def opened(spec: str) -> Iterator[IndexView]:
    index = open_index(spec, embedder=HashEmbedder())
    try:
        yield index
    finally:
        index.close()


def snapshot(spec: str) -> dict[str, list[tuple[str, str, int, int]]]:
    """Every mode's ranked (chunk id, source, start, end) for a few queries, every match: what a reader sees."""
    out = {}
    for index in opened(spec):
        for mode in MODES:
            for query in ("lighthouse keeper", "honey bees", "tides moon lava"):
                out[f"{mode}:{query}"] = [(h.chunk.id, h.chunk.span.source, h.chunk.span.start, h.chunk.span.end)
                                          for h in index.retrieve(query, k=50, mode=mode)]
    return out


def test_ingest_then_search_with_exact_provenance(spec: str, docs: Path) -> None:
    report = ingest_paths([docs], spec, embedder=HashEmbedder(), options=OPTIONS)
    assert report.committed and sorted(report.files_added) == sorted(DOCS) and report.chunks_total > len(DOCS)
    for index in opened(spec):
        for mode in MODES:
            hits = index.retrieve("lighthouse clockwork lens", k=50, mode=mode)
            assert hits and all(DOCS[h.chunk.span.source][h.chunk.span.start:h.chunk.span.end] == h.chunk.text
                                for h in hits)
        assert len(index) == report.chunks_total  # type: ignore[arg-type]  # __len__ is no part of the protocol


def test_info_files_and_the_live_generation(spec: str, docs: Path, tmp_path: Path) -> None:
    """What a server reads from either backend: a summary, the files, and whether a newer commit went live."""
    first = ingest_paths([docs], spec, embedder=HashEmbedder(), options=OPTIONS)
    for index in opened(spec):
        info = index.info()
        assert (info.documents, info.chunks, info.embedding.model) == (len(DOCS), first.chunks_total,
                                                                       HashEmbedder().model_name)
        assert info.backend == ("milvus-lite" if spec.startswith("milvus:") else "local")
        assert info.root == str(docs.resolve()) and info.generation and index.is_current()
        files = index.files()
        assert [f.source for f in files] == sorted(DOCS) and all(isinstance(f, FileRecord) for f in files)
        assert sum(f.n_chunks for f in files) == first.chunks_total and all(len(f.sha256) == 64 for f in files)
        (docs / "owls.txt").write_text("Barn owls hunt voles at dusk over the meadow.", encoding="utf-8")
        ingest_paths([docs], spec, embedder=HashEmbedder())  # another writer commits while the view is open
        live = spec.startswith("milvus:")
        assert index.is_current() is live
        if live:  # a Milvus view follows the live generation itself
            assert index.info().generation != info.generation and index.info().documents == len(DOCS) + 1
            assert "owls.txt" in [f.source for f in index.files()]
            assert index.retrieve("barn owls voles", k=1)[0].chunk.span.source == "owls.txt"
        else:  # a snapshot (a directory index): unchanged until reopened
            assert index.info() == info and [f.source for f in index.files()] == sorted(DOCS)
    for index in opened(spec):
        assert index.is_current() and index.info().documents == len(DOCS) + 1
        assert index.info().generation != info.generation


def test_incremental_skips_unchanged_and_replaces_changed(spec: str, docs: Path) -> None:
    first = ingest_paths([docs], spec, embedder=HashEmbedder(), options=OPTIONS)
    again = ingest_paths([docs], spec, embedder=HashEmbedder())
    assert (again.committed, again.files_unchanged, again.chunks_total) == (False, len(DOCS), first.chunks_total)
    (docs / "bees.txt").write_text("Bumblebees buzz-pollinate tomatoes in greenhouses.", encoding="utf-8")
    changed = ingest_paths([docs], spec, embedder=HashEmbedder())
    assert changed.files_changed == ("bees.txt",) and changed.files_unchanged == len(DOCS) - 1
    assert (changed.chunks_removed, changed.chunks_added, changed.chunks_total) == (1, 1, first.chunks_total)
    for index in opened(spec):
        assert [c.text for c in index.source_chunks("bees.txt")] == [(docs / "bees.txt").read_text()]
        assert index.retrieve("waggle dance", k=3, mode="sparse") == [] or all(
            "waggle" not in h.chunk.text for h in index.retrieve("waggle dance", k=3, mode="sparse"))
        assert index.retrieve("bumblebees tomatoes", k=1, mode="sparse")[0].chunk.span.source == "bees.txt"


def test_prune_removes_files_not_found(spec: str, docs: Path) -> None:
    first = ingest_paths([docs], spec, embedder=HashEmbedder(), options=OPTIONS)
    (docs / "volcano.md").unlink()
    kept = ingest_paths([docs], spec, embedder=HashEmbedder())
    assert kept.files_removed == () and kept.chunks_total == first.chunks_total  # without --prune: kept
    pruned = ingest_paths([docs], spec, embedder=HashEmbedder(), options=IngestOptions(prune=True))
    assert pruned.files_removed == ("volcano.md",) and pruned.chunks_total == first.chunks_total - 1
    for index in opened(spec):
        assert index.source_chunks("volcano.md") == []
        assert all(h.chunk.span.source != "volcano.md" for h in index.retrieve("basaltic lava", k=10))


def test_a_widened_root_renames_stored_sources(spec: str, docs: Path, tmp_path: Path) -> None:
    ingest_paths([docs], spec, embedder=HashEmbedder(), options=OPTIONS)
    other = tmp_path / "more"
    other.mkdir()
    (other / "owls.txt").write_text("Barn owls hunt voles by sound alone.", encoding="utf-8")
    report = ingest_paths([docs, other], spec, embedder=HashEmbedder())
    assert report.files_added == ("more/owls.txt",) and report.chunks_removed == 0
    for index in opened(spec):
        chunks = index.source_chunks("docs/lighthouse.txt")
        assert chunks and index.source_chunks("lighthouse.txt") == []
        assert all(c.text == DOCS["lighthouse.txt"][c.span.start:c.span.end] for c in chunks)
        assert index.retrieve("barn owls voles", k=1, mode="sparse")[0].chunk.span.source == "more/owls.txt"


def test_rebuild_from_recorded_sources(spec: str, docs: Path) -> None:
    first = ingest_paths([docs], spec, embedder=HashEmbedder(), options=OPTIONS)
    before = snapshot(spec)
    report = ingest_paths([], spec, embedder=HashEmbedder(), options=IngestOptions(rebuild=True))
    assert report.rebuilt and report.chunks_total == first.chunks_total
    assert snapshot(spec) == before


def test_reopen_in_a_new_process_sees_the_same_index(spec: str, docs: Path) -> None:
    ingest_paths([docs], spec, embedder=HashEmbedder(), options=OPTIONS)
    code = ("import json, sys; from tests.index.test_backend_contract import snapshot; "
            "print(json.dumps(snapshot(sys.argv[1])))")
    out = subprocess.run([sys.executable, "-c", code, spec], cwd=REPO, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300)
    import json

    assert {k: [tuple(x) for x in v] for k, v in json.loads(out.stdout.splitlines()[-1]).items()} == snapshot(spec)


@pytest.mark.parametrize("fusion", ["convex", "rrf"])
def test_hybrid_fusion_components(spec: str, docs: Path, fusion: str) -> None:
    ingest_paths([docs], spec, embedder=HashEmbedder(), options=OPTIONS)
    for index in opened(spec):
        hits = index.retrieve("waggle dance of honey bees", k=3, options=SearchOptions(fusion=fusion))  # type: ignore[arg-type]
        assert hits[0].chunk.span.source == "bees.txt"
        assert {c.retriever for c in hits[0].components} == {"dense", "sparse"}


def test_bad_input_is_a_one_line_error_and_changes_nothing(spec: str, docs: Path, tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError):
        open_index(spec, embedder=HashEmbedder())
    ingest_paths([docs], spec, embedder=HashEmbedder(), options=OPTIONS)
    before = snapshot(spec)
    with pytest.raises(NothingToIngestError, match="missing"):
        ingest_paths([tmp_path / "missing"], spec, embedder=HashEmbedder())
    with pytest.raises(ConfigError, match="chunk-size=200, not 300"):
        ingest_paths([docs], spec, embedder=HashEmbedder(), options=IngestOptions(chunk_size=300))
    for index in opened(spec):
        with pytest.raises(ConfigError, match="k must be at least 1"):
            index.retrieve("bees", k=0)
    assert snapshot(spec) == before


KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from ragagent.ingest import ingest_paths
    from tests.fakes import HashEmbedder

    docs, spec, marker = sys.argv[1:4]

    class StopMidCommit:  # rows are written, the commit has not gone live: wait here to be killed
        def update(self, stage, done, total):
            if (stage, done) == ("write", 2):
                Path(marker).touch()
                time.sleep(120)

    ingest_paths([docs], spec, embedder=HashEmbedder(), progress=StopMidCommit())
""")


def test_a_killed_commit_leaves_the_previous_state_usable(spec: str, docs: Path, tmp_path: Path) -> None:
    first = ingest_paths([docs], spec, embedder=HashEmbedder(), options=OPTIONS)
    before = snapshot(spec)
    (docs / "lighthouse.txt").write_text("The lighthouse was automated in 1990.", encoding="utf-8")
    (docs / "owls.txt").write_text("Barn owls hunt voles by sound alone.", encoding="utf-8")
    marker = tmp_path / "mid-commit"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(docs), spec, str(marker)], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, "the writer exited before the kill point"
            assert time.monotonic() < deadline, "the writer never reached the kill point"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert snapshot(spec) == before  # the previous state, whole
    again = ingest_paths([docs], spec, embedder=HashEmbedder())  # the next writer cleans up and commits
    assert sorted(again.files_changed) == ["lighthouse.txt"] and again.files_added == ("owls.txt",)
    assert again.chunks_total == first.chunks_total - (len(DOCS["lighthouse.txt"]) // CHUNK_SIZE + 1) + 2
    for index in opened(spec):
        assert [c.text for c in index.source_chunks("lighthouse.txt")] == ["The lighthouse was automated in 1990."]


def test_dense_kinds_per_backend(spec: str, docs: Path) -> None:
    """``auto`` (FLAT below 50k chunks, HNSW above) is Milvus' default; a directory index is flat or hnsw."""
    auto = IngestOptions(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, dense_kind="auto")
    if spec.startswith("milvus:"):
        ingest_paths([docs], spec, embedder=HashEmbedder(), options=auto)
        for index in opened(spec):
            assert index.describe()["dense_index"] == "FLAT"  # type: ignore[attr-defined]
    else:
        with pytest.raises(ConfigError, match="'auto' is not available for this index"):
            ingest_paths([docs], spec, embedder=HashEmbedder(), options=auto)
