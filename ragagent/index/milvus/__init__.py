"""The Milvus backend: ``--index milvus:PATH.db`` (Milvus Lite, embedded) or ``milvus://HOST:PORT[/collection]``.

Needs the ``milvus`` extra (pymilvus + milvus-lite), imported on first use. :class:`MilvusIndex` is a
:class:`~ragagent.retriever.DocumentRetriever`; :func:`open_milvus_writer` an
:class:`~ragagent.index.backend.IndexWriter`, so ingestion, search, ask, chat and eval work unchanged.
"""

from ragagent.index.milvus.client import MilvusTarget
from ragagent.index.milvus.search import MilvusIndex
from ragagent.index.milvus.writer import MilvusWriter, open_milvus_writer

__all__ = ["MilvusIndex", "MilvusTarget", "MilvusWriter", "open_milvus_writer"]
