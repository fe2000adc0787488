"""Writing one new generation (SQLite store, FAISS, BM25) into a staging dir and committing it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ragagent.index.dense import DenseIndex
from ragagent.index.index import DENSE_FILE, SPARSE_DIR, STORE_FILE
from ragagent.index.manifest import FORMAT_VERSION, Counts, EmbeddingInfo, Manifest, SparseInfo
from ragagent.index.sparse import BM25_B, BM25_K1, BM25S_METHOD, Bm25sIndex
from ragagent.index.storage import commit, hash_tree, new_staging_dir
from ragagent.index.store import FileRecord, write_store
from ragagent.index.tokenize import Tokenizer
from ragagent.types import Chunk

if TYPE_CHECKING:
    from ragagent.index.builder import Progress
    from ragagent.index.options import IngestOptions


@dataclass(frozen=True, slots=True)
class NewGeneration:
    """The full contents of the next generation: chunks (with their file) and vectors in position order."""

    chunks: Sequence[tuple[str, Chunk]]
    vectors: np.ndarray
    files: Sequence[FileRecord]
    dimension: int
    model_name: str
    root: str  # the absolute directory every file source is relative to


def write_generation(directory: Path, gen: NewGeneration, opts: IngestOptions, progress: Progress) -> Manifest:
    staging, name = new_staging_dir(directory)
    tokenizer = Tokenizer(stopwords=opts.stopwords, stemmer=opts.stemmer)
    write_store(staging / STORE_FILE, gen.files, gen.chunks)
    progress.update("write", 1, 3)
    DenseIndex.build(gen.vectors, gen.dimension, str(opts.dense_kind)).save(staging / DENSE_FILE)
    progress.update("write", 2, 3)
    if opts.bm25_engine == "bm25s":
        (staging / SPARSE_DIR).mkdir()
        Bm25sIndex.build(tokenizer.tokenize([c.text for _, c in gen.chunks])).save(staging / SPARSE_DIR)
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        generation=name,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        embedding=EmbeddingInfo(model=gen.model_name, dimension=gen.dimension),
        dense_kind=str(opts.dense_kind),
        sparse=SparseInfo(
            engine=str(opts.bm25_engine), method=BM25S_METHOD if opts.bm25_engine == "bm25s" else "okapi",
            k1=BM25_K1, b=BM25_B, **tokenizer.to_dict(),
        ),
        chunk_size=opts.chunking().chunk_size,
        chunk_overlap=opts.chunking().chunk_overlap,
        counts=Counts(files=len(gen.files), chunks=len(gen.chunks)),
        file_hashes=hash_tree(staging),
        root=gen.root,
        sources=tuple(sorted(f.source for f in gen.files)),
    )
    commit(directory, staging, manifest)
    progress.update("write", 3, 3)
    return manifest
