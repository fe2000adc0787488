"""The hybrid index: FAISS (dense) + BM25 (sparse), fused; persisted atomically without pickle.

Ingestion (``ragagent.ingest``) writes through the backend-neutral writer API in :mod:`.backend`;
:func:`open_index` and :func:`open_writer` pick the backend from the index spec (a directory or ``milvus:``).
"""

from ragagent.index.backend import FileRecord, IndexWriter, Progress
from ragagent.index.backends import backend_name, open_index, open_writer
from ragagent.index.fusion import convex_combination, reciprocal_rank_fusion
from ragagent.index.index import Index
from ragagent.index.info import IndexInfo, IndexView
from ragagent.index.tokenize import Tokenizer
from ragagent.retriever import RRF_K, SearchOptions

__all__ = [
    "RRF_K",
    "FileRecord",
    "Index",
    "IndexInfo",
    "IndexView",
    "IndexWriter",
    "Progress",
    "SearchOptions",
    "Tokenizer",
    "backend_name",
    "convex_combination",
    "open_index",
    "open_writer",
    "reciprocal_rank_fusion",
]
