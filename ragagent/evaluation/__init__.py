"""Evaluation: BEIR retrieval metrics, answer quality for RAG, accuracy for PAL."""

from ragagent.evaluation.beir import Query, doc_id_of, read_qrels, read_queries
from ragagent.evaluation.metrics import mrr_at_k, ndcg_at_k, recall_at_k
from ragagent.evaluation.retrieval import RetrievalScores, evaluate_mode

__all__ = ["Query", "RetrievalScores", "doc_id_of", "evaluate_mode", "mrr_at_k", "ndcg_at_k", "read_qrels",
           "read_queries", "recall_at_k"]
