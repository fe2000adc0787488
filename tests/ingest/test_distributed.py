"""Ingestion on a real (local, 2-CPU) Ray cluster against the local path: same chunks, spans, vectors, hits."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from ragagent.cli import EXIT_PARTIAL, app
from ragagent.index import Index
from ragagent.ingest import FoundFile, IngestOptions, IngestReport, RayOptions, ingest_paths
from ragagent.ingest.distributed import needs_work
from tests.conftest import make_pdf
from tests.fakes import HashEmbedder

ON_RAY = IngestOptions(ray=RayOptions("auto"))  # joins the session's cluster (ray_cluster fixture)


def _corpus(root: Path) -> Path:
    root.mkdir()
    topics = ["retrieval", "embeddings", "clusters", "citations", "sandboxes"]
    for i, topic in enumerate(topics):
        paragraphs = [f"Section {j} on {topic}. " + f"{topic.capitalize()} matter for grounded answers; " * (4 + j)
                      for j in range(6)]
        (root / f"{topic}.md").write_text(f"# {topic}\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
        (root / "sub").mkdir(exist_ok=True)
        (root / "sub" / f"note{i}.txt").write_text(f"A short note about {topic} number {i}.", encoding="utf-8")
    records = [{"_id": f"r{i}", "title": f"Record {i}", "text": f"Ray Data maps batches over actors, record {i}."}
               for i in range(12)]
    records.append(records[0])  # a duplicate record: its chunk is skipped with a warning on both paths
    (root / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    (root / "report.pdf").write_bytes(make_pdf(["First page about retrieval.", "Second page about clusters."]))
    return root


def _stored(index_dir: Path) -> tuple[list[tuple[str, Any]], dict[str, Any], np.ndarray]:
    index = Index.open(index_dir)
    try:
        chunks = [(file, chunk) for _, file, chunk in index.store.iter_chunks()]
        return chunks, index.store.files(), index.dense.vectors()
    finally:
        index.close()


def _work(report: IngestReport) -> tuple[int, int]:
    return sum(n.files for n in report.nodes), sum(n.chunks for n in report.nodes)


def test_needs_work_hashes_only_known_files(tmp_path: Path) -> None:
    for name, text in [("same.txt", "same"), ("changed.txt", "new text"), ("new.txt", "new")]:
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "gone.txt").write_text("x", encoding="utf-8")
    found = [FoundFile(tmp_path / n, n, tmp_path) for n in ["same.txt", "changed.txt", "new.txt", "gone.txt"]]
    (tmp_path / "gone.txt").unlink()  # vanished between discovery and the check: a per-file failure
    known = {"same.txt": hashlib.sha256(b"same").hexdigest(), "changed.txt": "0" * 64, "gone.txt": "0" * 64}
    todo, unchanged, failures = needs_work(found, known, max_bytes=2**20)
    assert [f.source for f in todo] == ["changed.txt", "new.txt"]
    assert unchanged == {"same.txt"}
    assert [(f.source, f.reason.startswith("cannot read")) for f in failures] == [("gone.txt", True)]


@pytest.mark.integration
def test_ray_ingest_matches_local(ray_cluster: ModuleType, tmp_path: Path) -> None:
    """The real model on both paths: identical chunk ids, spans and hits; vectors equal to float tolerance."""
    corpus = _corpus(tmp_path / "corpus")
    local = ingest_paths([corpus], tmp_path / "local")
    distributed = ingest_paths([corpus], tmp_path / "ray", options=ON_RAY)
    assert ray_cluster.is_initialized()  # the caller's cluster is used and left running
    local_chunks, local_files, local_vectors = _stored(tmp_path / "local")
    ray_chunks, ray_files, ray_vectors = _stored(tmp_path / "ray")
    assert len(local_chunks) >= 25
    assert [(f, c.id, c.span, c.text, c.title) for f, c in ray_chunks] == \
           [(f, c.id, c.span, c.text, c.title) for f, c in local_chunks]
    assert ray_files == local_files
    cosine = np.sum(local_vectors * ray_vectors, axis=1)
    assert cosine.min() >= 0.9999
    assert (distributed.failures, distributed.warnings) == (local.failures, local.warnings)
    assert any("duplicate chunk skipped" in w for w in distributed.warnings)
    assert (distributed.chunks_added, distributed.files_added) == (local.chunks_added, local.files_added)
    assert _work(distributed) == (len(distributed.files_added), distributed.chunks_added)
    assert local.nodes == ()
    a, b = Index.open(tmp_path / "local"), Index.open(tmp_path / "ray")
    for query in ["grounded answers about clusters", "record 7 actors", "second page"]:
        for mode in ("hybrid", "dense", "sparse"):
            hits_a, hits_b = a.search(query, k=5, mode=mode), b.search(query, k=5, mode=mode)
            assert [h.chunk.id for h in hits_a] == [h.chunk.id for h in hits_b], (query, mode)


@pytest.mark.integration
def test_incremental_prune_and_failures_on_ray(ray_cluster: ModuleType, tmp_path: Path) -> None:
    """Re-ingest under Ray: unchanged files skipped, changed replaced, new added, pruned removed, failures per file
    -- each report and the stored state equal to the same steps on the local path."""
    corpus = _corpus(tmp_path / "corpus")
    embedder = HashEmbedder()  # shipped to the actors (fast); the real model is compared above
    reports: dict[str, list[IngestReport]] = {"local": [], "ray": []}
    steps = [
        lambda: None,
        lambda: (corpus / "retrieval.md").write_text("# retrieval\n\nRewritten entirely.", encoding="utf-8"),
        lambda: ((corpus / "sub" / "note0.txt").unlink(), (corpus / "new.txt").write_text("Brand new.")),
        lambda: ((corpus / "empty.txt").write_bytes(b""), (corpus / "clusters.md").write_text("Changed.")),
    ]
    snapshots: dict[str, list[Any]] = {"local": [], "ray": []}
    for step in steps:
        step()
        for name, options in [("local", IngestOptions(prune=True)), ("ray", IngestOptions(prune=True, ray=ON_RAY.ray))]:
            reports[name].append(ingest_paths([corpus], tmp_path / name, options=options, embedder=embedder))
            snapshots[name].append(_stored(tmp_path / name)[:2])
    for local, distributed in zip(reports["local"], reports["ray"], strict=True):
        fields = ("files_added", "files_changed", "files_unchanged", "files_removed", "chunks_added",
                  "chunks_removed", "chunks_total", "failures", "warnings", "committed")
        assert {f: getattr(distributed, f) for f in fields} == {f: getattr(local, f) for f in fields}
    first, changed, pruned, partial = reports["ray"]
    assert changed.files_changed == ("retrieval.md",) and changed.files_unchanged == len(first.files_added) - 1
    assert _work(changed) == (1, changed.chunks_added)  # only the changed file went to the cluster
    assert pruned.files_removed == ("sub/note0.txt",) and pruned.files_added == ("new.txt",)
    assert partial.partial and [f.source for f in partial.failures] == ["empty.txt"]
    assert snapshots["ray"] == snapshots["local"]
    rebuilt = ingest_paths([], tmp_path / "ray", options=IngestOptions(rebuild=True, ray=ON_RAY.ray),
                           embedder=embedder)  # from the recorded sources, on Ray
    assert rebuilt.rebuilt and rebuilt.chunks_total == reports["ray"][-1].chunks_total
    chunks, files, _ = _stored(tmp_path / "ray")
    local_chunks, local_files = snapshots["local"][-1]
    assert files == local_files  # the same files, and the same chunks (in the rebuild's file order)
    assert sorted(chunks, key=lambda fc: fc[1].id) == sorted(local_chunks, key=lambda fc: fc[1].id)


@pytest.mark.integration
def test_cli_ray_partial_exit_code(ray_cluster: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(tmp_path / "corpus")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really")

    def hash_ingest(paths: Any, index_dir: Any, **kwargs: Any) -> IngestReport:
        return ingest_paths(paths, index_dir, embedder=HashEmbedder(), **kwargs)

    monkeypatch.setattr("ragagent.ingest.ingest_paths", hash_ingest)
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--index", str(tmp_path / "idx"), "--ray", "auto"])
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "failed: broken.pdf" in result.stderr
    assert "ray: 1 node(s)" in result.stdout and "chunks embedded" in result.stdout
