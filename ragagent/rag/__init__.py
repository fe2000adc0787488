"""RAG mode: retrieval, prompt packing, generation and claim-level citation checking.

Modules: ``answer`` (RagRun, answer_rag), ``prompt``, ``citations`` (CitationVerifier), ``support`` and
``lexical``/``judges`` (the SupportChecker implementations), ``terms``, ``streaming`` (sentence-wise streaming).
The names below load their modules on first use, so importing one submodule (say ``rag.support``) does not
import the index or the models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ragagent import _lazy

if TYPE_CHECKING:
    from ragagent.options import RagOptions
    from ragagent.rag.answer import RagRun, answer_rag
    from ragagent.rag.citations import CitationVerifier
    from ragagent.rag.judges import VERIFY_WITH, AllOf, EmbeddingChecker, LlmJudgeChecker, index_rarity, make_checker
    from ragagent.rag.lexical import LexicalChecker
    from ragagent.rag.support import CorpusRarity, Rarity, Support, SupportChecker

_LAZY = {
    "RagOptions": "ragagent.options",
    "RagRun": "ragagent.rag.answer",
    "answer_rag": "ragagent.rag.answer",
    "CitationVerifier": "ragagent.rag.citations",
    "VERIFY_WITH": "ragagent.rag.judges",
    "AllOf": "ragagent.rag.judges",
    "EmbeddingChecker": "ragagent.rag.judges",
    "LlmJudgeChecker": "ragagent.rag.judges",
    "index_rarity": "ragagent.rag.judges",
    "make_checker": "ragagent.rag.judges",
    "LexicalChecker": "ragagent.rag.lexical",
    "CorpusRarity": "ragagent.rag.support",
    "Rarity": "ragagent.rag.support",
    "Support": "ragagent.rag.support",
    "SupportChecker": "ragagent.rag.support",
}

__all__ = [
    "VERIFY_WITH",
    "AllOf",
    "CitationVerifier",
    "CorpusRarity",
    "EmbeddingChecker",
    "LexicalChecker",
    "LlmJudgeChecker",
    "RagOptions",
    "RagRun",
    "Rarity",
    "Support",
    "SupportChecker",
    "answer_rag",
    "index_rarity",
    "make_checker",
]

__getattr__ = _lazy.lazy_attributes(__name__, _LAZY, globals())
