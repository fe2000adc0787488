"""The hybrid index: FAISS (dense) + BM25 (sparse), fused; persisted atomically without pickle."""

from ragagent.index.builder import IngestReport, Progress, ingest_paths
from ragagent.index.fusion import RRF_K, convex_combination, reciprocal_rank_fusion
from ragagent.index.index import Index, SearchOptions
from ragagent.index.options import IngestOptions
from ragagent.index.tokenize import Tokenizer

__all__ = [
    "RRF_K",
    "Index",
    "IngestOptions",
    "IngestReport",
    "Progress",
    "SearchOptions",
    "Tokenizer",
    "convex_combination",
    "ingest_paths",
    "reciprocal_rank_fusion",
]
