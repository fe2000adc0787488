"""The writer API every index backend offers to the ingestion pipeline (``ragagent.ingest``).

The pipeline never knows which backend it writes to: it opens an :class:`IndexWriter` with
:func:`ragagent.index.open_writer`, reads the committed :class:`IndexState` (settings, file records, the
source root), works out what changed, and hands the backend one :class:`Change`, which the backend commits
atomically: after a crash at any point the index shows either the previous state or the new one.

>>> with open_writer(".ragagent") as writer:                 # doctest: +SKIP
...     known = writer.state.files                           # source -> FileRecord (sha256, size, chunks)
...     writer.commit(change, progress)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from ragagent.errors import EmbeddingMismatchError
from ragagent.types import Chunk


class Progress(Protocol):
    """Receives progress: ``stage`` is load, chunk, embed or write."""

    def update(self, stage: str, done: int, total: int) -> None: ...


class NoProgress:
    """A :class:`Progress` that shows nothing."""

    def update(self, stage: str, done: int, total: int) -> None:
        pass


@dataclass(frozen=True, slots=True)
class FileRecord:
    """An ingested file: its source name, content hash, size and chunk count."""

    source: str
    sha256: str
    size: int
    n_chunks: int


@dataclass(frozen=True, slots=True)
class IndexSettings:
    """What an index is built with; fixed for its lifetime (a rebuild may change it)."""

    chunk_size: int
    chunk_overlap: int
    embedding_model: str
    dense_kind: str
    bm25_engine: str
    stopwords: str | None = "en"
    stemmer: str | None = "english"


@dataclass(frozen=True, slots=True)
class Embedding:
    """The embedding model an index was built with."""

    model: str
    dimension: int


@dataclass(frozen=True, slots=True)
class IndexState:
    """The committed state a writer found. Empty (``settings`` None) for a new index.

    ``files`` is empty when the writer was opened to rebuild (nothing is carried over); ``root`` is the
    absolute directory source names are relative to (None for a new or a format-1 index) and ``sources``
    the files last ingested (what a rebuild without paths reads).
    """

    settings: IndexSettings | None = None
    embedding: Embedding | None = None
    files: Mapping[str, FileRecord] = field(default_factory=dict)
    root: str | None = None
    sources: tuple[str, ...] = ()
    location: str = ""  # how errors name the index
    dense_kinds: tuple[str, ...] = ("flat", "hnsw")  # what this backend can build; the first is its default


@dataclass(frozen=True, slots=True)
class Change:
    """One commit: stored files to drop, stored files to rename, and new files with their chunks and vectors.

    ``renames`` (old name -> new name) apply to the stored files that stay; ``replaced`` uses the new names
    and lists files whose chunks go (changed or pruned). ``chunks`` are (file, chunk) with their rows in
    ``vectors``. With ``fresh`` nothing of the previous state is kept (a rebuild).
    """

    settings: IndexSettings
    embedding: Embedding
    root: str
    files: Sequence[FileRecord]
    chunks: Sequence[tuple[str, Chunk]]
    vectors: np.ndarray
    replaced: frozenset[str] = frozenset()
    renames: Mapping[str, str] = field(default_factory=dict)
    fresh: bool = False


@dataclass(frozen=True, slots=True)
class Committed:
    """What a commit did: chunks removed (replaced or pruned) and the chunk total afterwards."""

    chunks_removed: int
    chunks_total: int


class IndexWriter(Protocol):
    """A backend opened for writing (the single writer): its committed state and an atomic commit."""

    @property
    def state(self) -> IndexState: ...

    def commit(self, change: Change, progress: Progress) -> Committed: ...


def check_embedding(model_name: str, dimension: int, want: Embedding, location: str) -> None:
    """An :class:`EmbeddingMismatchError` unless the model matches the one the index was built with."""
    if model_name != want.model or dimension != want.dimension:
        raise EmbeddingMismatchError(
            f"index {location} was built with embedding model {want.model!r} (dimension {want.dimension}), "
            f"not {model_name!r} (dimension {dimension}); use the same model or a new index"
        )


def rename_chunk_source(file: str, span_source: str, renames: Mapping[str, str]) -> str:
    """A chunk's span source once its ``file`` was renamed (``file.jsonl#id`` keeps its ``#id``)."""
    if file not in renames or not span_source.startswith(file):
        return span_source
    return renames[file] + span_source[len(file):]


def renamed_chunk(chunk: Chunk, file: str, renames: Mapping[str, str]) -> Chunk:
    """``chunk`` with its span source renamed along with its file (a new id: ids hash the source)."""
    source = rename_chunk_source(file, chunk.span.source, renames)
    if source == chunk.span.source:
        return chunk
    return Chunk.create(chunk.text, replace(chunk.span, source=source), title=chunk.title)


def empty_vectors(dimension: int) -> np.ndarray:
    return np.zeros((0, dimension), dtype=np.float32)


__all__ = ["Change", "Committed", "Embedding", "FileRecord", "IndexSettings", "IndexState", "IndexWriter",
           "Progress", "check_embedding", "rename_chunk_source", "renamed_chunk"]
