"""The hybrid index: FAISS (dense) + BM25 (sparse), fused; persisted atomically without pickle."""

from ragagent.index.builder import IngestReport, Progress, ingest_paths
from ragagent.index.fusion import convex_combination, reciprocal_rank_fusion
from ragagent.index.index import Index
from ragagent.index.options import IngestOptions
from ragagent.index.tokenize import Tokenizer
from ragagent.retriever import RRF_K, SearchOptions

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
