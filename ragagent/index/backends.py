"""Choosing a backend from an index spec: a directory (FAISS + bm25s, the default) or ``milvus:...``.

* ``PATH`` — a local index directory (:class:`~ragagent.index.Index`);
* ``milvus:PATH.db`` — a Milvus Lite file (embedded Milvus);
* ``milvus://HOST:PORT[/collection]`` — a Milvus server or cluster (token from ``$RAGAGENT_MILVUS_TOKEN``).

>>> backend_name("milvus:sf.db"), backend_name(".ragagent")
('milvus', 'local')
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from ragagent.embeddings import Embedder
from ragagent.index.backend import IndexWriter
from ragagent.index.info import IndexView
from ragagent.options import QueryBackend

MILVUS_PREFIX = "milvus:"
BackendName = Literal["local", "milvus"]


def backend_name(spec: str | Path) -> BackendName:
    return "milvus" if isinstance(spec, str) and spec.startswith(MILVUS_PREFIX) else "local"


@contextlib.contextmanager
def open_writer(spec: str | Path, *, rebuild: bool = False) -> Iterator[IndexWriter]:
    """The index's single writer (created if missing); ``rebuild``: nothing of the old state is carried over."""
    if backend_name(spec) == "milvus":
        from ragagent.index.milvus import open_milvus_writer

        with open_milvus_writer(str(spec), rebuild=rebuild) as milvus_writer:
            yield milvus_writer
        return
    from ragagent.index.writer import open_local_writer

    with open_local_writer(Path(spec), rebuild=rebuild) as local_writer:
        yield local_writer


def open_index(spec: str | Path, *, embedder: Embedder | None = None, verify: bool = True,
               query_encoder: QueryBackend | None = None) -> IndexView:
    """Open an index for search and lookup: a :class:`~ragagent.retriever.DocumentRetriever` that also reports
    its :meth:`~ragagent.index.info.IndexView.info`, files and committed generation (see :mod:`.info`)."""
    if backend_name(spec) == "milvus":
        from ragagent.index.milvus import MilvusIndex

        return MilvusIndex.open(str(spec), embedder=embedder, query_encoder=query_encoder)
    from ragagent.index.index import Index

    return Index.open(spec, embedder=embedder, verify=verify, query_encoder=query_encoder)

