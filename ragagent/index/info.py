"""What every backend's opened index reports, besides searching: a summary, its files, its live generation.

The server (and any face) reads these instead of a backend's internals, so it serves either backend:

>>> index = open_index("milvus:sf.db")                     # doctest: +SKIP
>>> index.info().generation, [f.source for f in index.files()]   # doctest: +SKIP
>>> index.is_current()                     # doctest: +SKIP  (False after another commit: reopen to see it)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ragagent.index.backend import Embedding, FileRecord
from ragagent.retriever import DocumentRetriever


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """An opened index in a few backend-neutral fields.

    ``generation`` is opaque (compare it for equality only); ``root`` is the absolute directory source names
    are relative to (None before format 2 of the local index).
    """

    backend: str  # local, milvus-lite or milvus
    location: str  # the directory (absolute) or the milvus: spec
    generation: str
    documents: int
    chunks: int
    embedding: Embedding
    root: str | None


class Described(Protocol):
    """A summary of the generation this view shows."""

    def info(self) -> IndexInfo: ...


class FileCatalog(Protocol):
    """Every ingested file (source, sha256, size, chunk count) of the generation shown, sorted by source."""

    def files(self) -> list[FileRecord]: ...


class Versioned(Protocol):
    """Whether this view shows the generation committed in storage now (cheap enough to ask per request).

    A local view is a snapshot: False once another commit went live (reopen the index to see it). A Milvus view
    follows the live generation itself, so it is always current.
    """

    def is_current(self) -> bool: ...


class Closeable(Protocol):
    def close(self) -> None: ...


class IndexView(DocumentRetriever, Described, FileCatalog, Versioned, Closeable, Protocol):
    """What :func:`~ragagent.index.open_index` returns, whichever backend."""
