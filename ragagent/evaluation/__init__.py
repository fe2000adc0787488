"""Evaluation: BEIR retrieval metrics, answer quality for RAG, accuracy for PAL.

Modules: ``beir`` and ``metrics`` (qrels, nDCG/recall/MRR), ``retrieval`` (a :class:`~ragagent.retriever.Retriever`
scored per search mode), ``answers`` (RAG answer quality), ``pal`` (GSM8K accuracy), ``citations`` (the
support checkers against labelled claims) and ``contrastive`` (builds those labelled claims).
"""

from ragagent.evaluation.answers import RagItem, RagScores, score_answers
from ragagent.evaluation.beir import Query, doc_id_of, read_qrels, read_queries
from ragagent.evaluation.metrics import mrr_at_k, ndcg_at_k, recall_at_k
from ragagent.evaluation.pal import PalEvalItem, PalEvalResult, evaluate_pal, extract_gsm8k_answer, numbers_match
from ragagent.evaluation.retrieval import RetrievalScores, evaluate_mode

__all__ = [
    "PalEvalItem",
    "PalEvalResult",
    "Query",
    "RagItem",
    "RagScores",
    "RetrievalScores",
    "doc_id_of",
    "evaluate_mode",
    "evaluate_pal",
    "extract_gsm8k_answer",
    "mrr_at_k",
    "ndcg_at_k",
    "numbers_match",
    "read_qrels",
    "read_queries",
    "recall_at_k",
    "score_answers",
]
