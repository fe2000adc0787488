"""Source identity: distinct files are never merged, names do not depend on the working directory,
old (format 1) indexes are migrated or asked to be rebuilt."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ragagent.errors import LegacyIndexError
from ragagent.index import Index
from ragagent.ingest import IngestOptions, ingest_paths
from tests.fakes import HashEmbedder

_PART = st.sampled_from(["a", "b", "docs", "report", "notes", "x y", "café"])
_RELPATH = st.lists(_PART, min_size=1, max_size=4).map(lambda parts: "/".join(parts) + ".txt")


def _stored(index_dir: Path) -> dict[str, str]:
    index = Index.open(index_dir)
    try:
        return {name: record.sha256 for name, record in index.store.files().items()}
    finally:
        index.close()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(_RELPATH, min_size=1, max_size=6, unique=True), split=st.integers(0, 3))
def test_distinct_nested_files_are_all_kept_and_reingest_from_elsewhere_changes_nothing(
    files: list[str], split: int
) -> None:
    """Any set of distinct files from nested directories, given as a mix of directories and files, is
    kept whole; ingesting the same paths again from another working directory changes nothing."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        for i, rel in enumerate(files):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(f"document number {i} called {rel}")
        # Give some files directly and the rest through their top-level directory.
        direct, via_dirs = files[: split], files[split:]
        args = [root / rel for rel in direct] + sorted({root / rel.split("/")[0] if "/" in rel else root / rel
                                                        for rel in via_dirs})
        index_dir = Path(tmp) / "index"
        report = ingest_paths(args, index_dir, embedder=HashEmbedder())
        stored = _stored(index_dir)
        assert len(stored) == len(files) and report.failures == ()
        index = Index.open(index_dir)
        texts = {c.text for _, _, c in index.store.iter_chunks()}
        index.close()
        assert texts == {f"document number {i} called {rel}" for i, rel in enumerate(files)}
        elsewhere = Path(tmp) / "elsewhere"
        elsewhere.mkdir()
        cwd = os.getcwd()
        os.chdir(elsewhere)
        try:
            again = ingest_paths([os.path.relpath(a, elsewhere) for a in args], index_dir, embedder=HashEmbedder())
        finally:
            os.chdir(cwd)
        assert (again.files_added, again.files_changed, again.committed) == ((), (), False)
        assert again.files_unchanged == len(files) and _stored(index_dir) == stored


def test_a_subdirectory_reingested_keeps_its_names(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("alpha")
    (root / "sub" / "b.txt").write_text("beta")
    ingest_paths([root], tmp_path / "i", embedder=HashEmbedder())
    report = ingest_paths([root / "sub"], tmp_path / "i", embedder=HashEmbedder())
    assert report.files_unchanged == 1 and not report.committed
    assert set(_stored(tmp_path / "i")) == {"a.txt", "sub/b.txt"}


def test_symlinked_duplicates_are_one_file(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.txt").write_text("alpha")
    (root / "link.txt").symlink_to(root / "a.txt")
    report = ingest_paths([root], tmp_path / "i", embedder=HashEmbedder())
    assert report.files_seen == 1


def _make_format_1(index_dir: Path) -> None:
    """Rewrite a manifest as an older ragagent wrote it: format 1, no root, no sources."""
    path = index_dir / "manifest.json"
    data = json.loads(path.read_text())
    data["format_version"] = 1
    del data["root"], data["sources"]
    path.write_text(json.dumps(data))


def test_format_1_index_is_migrated_when_its_files_are_found(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.txt").write_text("alpha")
    ingest_paths([root], tmp_path / "i", embedder=HashEmbedder())
    _make_format_1(tmp_path / "i")
    assert Index.open(tmp_path / "i").manifest.root is None  # still readable
    report = ingest_paths([root], tmp_path / "i", embedder=HashEmbedder())
    assert report.files_unchanged == 1 and report.committed  # committed: the root is now recorded
    manifest = Index.open(tmp_path / "i").manifest
    assert manifest.format_version == 2 and manifest.root == str(root.resolve()) and manifest.sources == ("a.txt",)


def test_format_1_index_is_migrated_from_a_subdirectory(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("alpha")
    (root / "sub" / "b.txt").write_text("beta")
    ingest_paths([root], tmp_path / "i", embedder=HashEmbedder())
    _make_format_1(tmp_path / "i")
    report = ingest_paths([root / "sub"], tmp_path / "i", embedder=HashEmbedder())
    assert report.files_unchanged == 1 and report.files_added == ()
    assert set(_stored(tmp_path / "i")) == {"a.txt", "sub/b.txt"}


def test_format_1_index_with_unfindable_files_asks_for_a_rebuild(tmp_path: Path) -> None:
    root, other = tmp_path / "docs", tmp_path / "other"
    root.mkdir()
    other.mkdir()
    (root / "a.txt").write_text("alpha")
    (other / "b.txt").write_text("beta")
    ingest_paths([root], tmp_path / "i", embedder=HashEmbedder())
    _make_format_1(tmp_path / "i")
    with pytest.raises(LegacyIndexError, match=r"--rebuild"):
        ingest_paths([other], tmp_path / "i", embedder=HashEmbedder())
    report = ingest_paths([root, other], tmp_path / "i", embedder=HashEmbedder(),
                          options=IngestOptions(rebuild=True))
    assert set(_stored(tmp_path / "i")) == {"docs/a.txt", "other/b.txt"} and report.rebuilt
