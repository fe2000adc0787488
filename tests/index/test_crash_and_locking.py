"""Killing a writer mid-ingest leaves the previous index loadable; two writers never interleave."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ragagent.errors import IndexLockedError
from ragagent.index import Index
from ragagent.ingest import ingest_paths
from tests.fakes import HashEmbedder

REPO = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from ragagent.ingest import ingest_paths
    from tests.fakes import HashEmbedder

    docs, index_dir, marker, phase = sys.argv[1:5]

    class SlowEmbedder(HashEmbedder):
        def embed_documents(self, texts):
            if phase == "embed":
                Path(marker).touch()
                time.sleep(120)
            return super().embed_documents(texts)

    if phase == "commit":
        real_replace = os.replace
        def stalled_replace(src, dst):
            if str(dst).endswith("manifest.json"):
                Path(marker).touch()
                time.sleep(120)
            return real_replace(src, dst)
        os.replace = stalled_replace

    ingest_paths([docs], index_dir, embedder=SlowEmbedder())
""")


def _start_writer(docs: Path, index_dir: Path, marker: Path, phase: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(docs), str(index_dir), str(marker), phase],
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, "writer exited before reaching the kill point"
        assert time.monotonic() < deadline, "writer never reached the kill point"
        time.sleep(0.05)
    return proc


def _docs(tmp_path: Path, n: int) -> Path:
    root = tmp_path / "docs"
    root.mkdir(exist_ok=True)
    for i in range(n):
        (root / f"doc{i}.txt").write_text(f"Document number {i} talks about topic{i} and retrieval.")
    return root


@pytest.mark.parametrize("phase", ["embed", "commit"])
def test_kill_mid_ingest_leaves_previous_index_loadable(tmp_path: Path, phase: str) -> None:
    embedder = HashEmbedder()
    docs = _docs(tmp_path, 3)
    index_dir = tmp_path / "idx"
    ingest_paths([docs], index_dir, embedder=embedder)
    before = sorted(c.id for _, _, c in Index.open(index_dir, embedder=embedder).store.iter_chunks())
    _docs(tmp_path, 8)  # five new files for the doomed writer
    proc = _start_writer(docs, index_dir, tmp_path / "marker", phase)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    reopened = Index.open(index_dir, embedder=embedder)
    assert sorted(c.id for _, _, c in reopened.store.iter_chunks()) == before
    assert reopened.search("topic1 retrieval", k=1)[0].chunk.span.source == "doc1.txt"
    # The lock died with the writer; the next writer cleans up and commits everything.
    report = ingest_paths([docs], index_dir, embedder=embedder)
    assert report.files_added == tuple(f"doc{i}.txt" for i in range(3, 8))
    assert not [p for p in index_dir.iterdir() if p.name.startswith(".tmp-")]
    assert len([p for p in index_dir.iterdir() if p.name.startswith("gen-")]) == 1


def test_concurrent_writer_gets_clear_error(tmp_path: Path) -> None:
    docs = _docs(tmp_path, 2)
    index_dir = tmp_path / "idx"
    proc = _start_writer(docs, index_dir, tmp_path / "marker", "embed")
    try:
        with pytest.raises(IndexLockedError, match=f"pid {proc.pid}"):
            ingest_paths([docs], index_dir, embedder=HashEmbedder())
    finally:
        proc.kill()
        proc.wait(timeout=10)
