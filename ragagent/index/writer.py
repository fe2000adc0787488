"""The local backend's writer: a new generation (SQLite store, FAISS, BM25) staged, then committed atomically.

Stored chunks that stay are carried over (with their vectors) from the live generation; the generation is
written to a staging directory and becomes live when the manifest is replaced (see :mod:`.atomic`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ragagent.index.atomic import commit, hash_tree, new_staging_dir, remove_stale, writer_lock
from ragagent.index.backend import (
    Change,
    Committed,
    Embedding,
    FileRecord,
    IndexSettings,
    IndexState,
    Progress,
    empty_vectors,
    renamed_chunk,
)
from ragagent.index.chunk_store import write_store
from ragagent.index.dense import DenseIndex
from ragagent.index.index import DENSE_FILE, SPARSE_DIR, STORE_FILE, Index
from ragagent.index.manifest import (
    FORMAT_VERSION,
    MANIFEST,
    Counts,
    EmbeddingInfo,
    Manifest,
    SparseInfo,
    readable_manifest,
)
from ragagent.index.sparse import BM25_B, BM25_K1, BM25S_METHOD, Bm25sIndex
from ragagent.index.tokenize import Tokenizer
from ragagent.types import Chunk


@contextlib.contextmanager
def open_local_writer(directory: Path, *, rebuild: bool = False) -> Iterator[LocalWriter]:
    """The directory's writer (holding its lock); ``rebuild`` reads only the manifest, even a damaged index's."""
    with writer_lock(directory):
        if rebuild:
            remove_stale(directory, None, generations=False)  # the damaged generation stays until the commit
            yield LocalWriter(directory, None, readable_manifest(directory))
            return
        previous = Index.open(directory) if (directory / MANIFEST).exists() else None
        remove_stale(directory, previous.manifest.generation if previous else None)
        try:
            yield LocalWriter(directory, previous, previous.manifest if previous else None)
        finally:
            if previous is not None:
                previous.close()


def state_of(manifest: Manifest | None, files: dict[str, FileRecord], location: str) -> IndexState:
    if manifest is None:
        return IndexState(location=location)
    settings = IndexSettings(
        chunk_size=manifest.chunk_size, chunk_overlap=manifest.chunk_overlap, embedding_model=manifest.embedding.model,
        dense_kind=manifest.dense_kind, bm25_engine=manifest.sparse.engine, stopwords=manifest.sparse.stopwords,
        stemmer=manifest.sparse.stemmer,
    )
    return IndexState(settings=settings, embedding=Embedding(manifest.embedding.model, manifest.embedding.dimension),
                      files=files, root=manifest.root, sources=manifest.sources, location=location)


class LocalWriter:
    """The FAISS + bm25s directory backend as an :class:`~ragagent.index.backend.IndexWriter`."""

    def __init__(self, directory: Path, previous: Index | None, manifest: Manifest | None) -> None:
        self.directory = directory
        self._previous = previous
        self._state = state_of(manifest, previous.store.files() if previous else {}, str(directory))

    @property
    def state(self) -> IndexState:
        return self._state

    def commit(self, change: Change, progress: Progress) -> Committed:
        previous = None if change.fresh else self._previous
        chunks, files, vectors, removed = carry_over(previous, change.replaced, change.renames)
        all_vectors = np.concatenate([vectors, change.vectors]) if len(vectors) else change.vectors
        manifest = write_generation(self.directory, [*chunks, *change.chunks], all_vectors,
                                    [*files, *change.files], change, progress)
        remove_stale(self.directory, manifest.generation)
        return Committed(chunks_removed=removed, chunks_total=manifest.counts.chunks)


def carry_over(previous: Index | None, replaced: frozenset[str], names: Mapping[str, str]
               ) -> tuple[list[tuple[str, Chunk]], list[FileRecord], np.ndarray, int]:
    """Chunks, file records and vectors of the previous generation that stay (renamed if the root widened)."""
    if previous is None:
        return [], [], np.zeros((0, 0), dtype=np.float32), 0
    keep_pos: list[int] = []
    chunks: list[tuple[str, Chunk]] = []
    removed = 0
    for pos, file, chunk in previous.store.iter_chunks():
        name = names.get(file, file)
        if name in replaced:
            removed += 1
        else:
            keep_pos.append(pos)
            chunks.append((name, renamed_chunk(chunk, file, names)))
    files = [FileRecord(names.get(s, s), r.sha256, r.size, r.n_chunks) for s, r in previous.store.files().items()
             if names.get(s, s) not in replaced]
    vectors = previous.dense.vectors()[keep_pos] if keep_pos else empty_vectors(previous.dense.dimension)
    return chunks, files, vectors, removed


def write_generation(directory: Path, chunks: Sequence[tuple[str, Chunk]], vectors: np.ndarray,
                     files: Sequence[FileRecord], change: Change, progress: Progress) -> Manifest:
    settings: IndexSettings = change.settings
    staging, name = new_staging_dir(directory)
    tokenizer = Tokenizer(stopwords=settings.stopwords, stemmer=settings.stemmer)
    write_store(staging / STORE_FILE, files, chunks)
    progress.update("write", 1, 3)
    DenseIndex.build(vectors, change.embedding.dimension, settings.dense_kind).save(staging / DENSE_FILE)
    progress.update("write", 2, 3)
    if settings.bm25_engine == "bm25s":
        (staging / SPARSE_DIR).mkdir()
        Bm25sIndex.build(tokenizer.tokenize([c.text for _, c in chunks])).save(staging / SPARSE_DIR)
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        generation=name,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        embedding=EmbeddingInfo(model=change.embedding.model, dimension=change.embedding.dimension),
        dense_kind=settings.dense_kind,
        sparse=SparseInfo(
            engine=settings.bm25_engine, method=BM25S_METHOD if settings.bm25_engine == "bm25s" else "okapi",
            k1=BM25_K1, b=BM25_B, **tokenizer.to_dict(),
        ),
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        counts=Counts(files=len(files), chunks=len(chunks)),
        file_hashes=hash_tree(staging),
        root=change.root,
        sources=tuple(sorted(f.source for f in files)),
    )
    commit(directory, staging, manifest)
    progress.update("write", 3, 3)
    return manifest
