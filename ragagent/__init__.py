"""ragagent: retrieval-augmented generation and agents, small and honest about its sources.

>>> import ragagent
>>> report = ragagent.ingest_paths(["examples/corpus"], ".ragagent")   # doctest: +SKIP
>>> index = ragagent.Index.open(".ragagent")                           # doctest: +SKIP
>>> index.search("what is PAL?", k=3)                                  # doctest: +SKIP

(``ingest_paths``, ``IngestOptions`` and ``IngestReport`` live in ``ragagent.ingest``.)

Importing ragagent is cheap: the public names below load their modules on first use (PEP 562), so a
command that only searches never imports the LLM stack, and nothing imports torch until a model needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ragagent import _lazy
from ragagent.errors import (
    ConfigError,
    EmbeddingMismatchError,
    EncoderUnavailableError,
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexUnusableError,
    IngestAbortedError,
    IngestError,
    LLMConnectionError,
    LLMError,
    MissingCredentialsError,
    ModelFileError,
    ProviderNotInstalledError,
    RagAgentError,
    SandboxError,
    SandboxUnavailableError,
    ToolError,
)
from ragagent.types import Answer, AnswerStream, Chunk, Citation, Hit, RetrieverScore, Span, Step, Usage

if TYPE_CHECKING:
    from ragagent.agent import Agent
    from ragagent.chat import ChatSession
    from ragagent.config import Settings, load_settings
    from ragagent.embeddings import DEFAULT_EMBEDDING_MODEL, Embedder, SentenceTransformerEmbedder
    from ragagent.index import Index, SearchOptions
    from ragagent.ingest import IngestOptions, IngestReport, ingest_paths
    from ragagent.llm.base import LLM
    from ragagent.llm.factory import load_llm
    from ragagent.rag.citations import CitationVerifier
    from ragagent.rag.support import Support, SupportChecker
    from ragagent.retriever import Retriever
    from ragagent.sandbox.base import Executor
    from ragagent.tools import Tool, tool

_LAZY = {
    "Agent": "ragagent.agent",
    "ChatSession": "ragagent.chat",
    "Settings": "ragagent.config",
    "load_settings": "ragagent.config",
    "DEFAULT_EMBEDDING_MODEL": "ragagent.embeddings",
    "Embedder": "ragagent.embeddings",
    "SentenceTransformerEmbedder": "ragagent.embeddings",
    "Index": "ragagent.index",
    "IngestOptions": "ragagent.ingest",
    "IngestReport": "ragagent.ingest",
    "SearchOptions": "ragagent.index",
    "ingest_paths": "ragagent.ingest",
    "LLM": "ragagent.llm.base",
    "load_llm": "ragagent.llm.factory",
    "Retriever": "ragagent.retriever",
    "Executor": "ragagent.sandbox.base",
    "Tool": "ragagent.tools",
    "tool": "ragagent.tools",
    "CitationVerifier": "ragagent.rag.citations",
    "Support": "ragagent.rag.support",
    "SupportChecker": "ragagent.rag.support",
}

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "LLM",
    "Agent",
    "Answer",
    "AnswerStream",
    "ChatSession",
    "Chunk",
    "Citation",
    "CitationVerifier",
    "ConfigError",
    "Embedder",
    "EmbeddingMismatchError",
    "EncoderUnavailableError",
    "Executor",
    "Hit",
    "Index",
    "IndexCorruptError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexUnusableError",
    "IngestAbortedError",
    "IngestError",
    "IngestOptions",
    "IngestReport",
    "LLMConnectionError",
    "LLMError",
    "MissingCredentialsError",
    "ModelFileError",
    "ProviderNotInstalledError",
    "RagAgentError",
    "Retriever",
    "RetrieverScore",
    "SandboxError",
    "SandboxUnavailableError",
    "SearchOptions",
    "SentenceTransformerEmbedder",
    "Settings",
    "Span",
    "Step",
    "Support",
    "SupportChecker",
    "Tool",
    "ToolError",
    "Usage",
    "__version__",
    "ingest_paths",
    "load_llm",
    "load_settings",
    "tool",
]


__getattr__ = _lazy.lazy_attributes(__name__, _LAZY, globals())


def __dir__() -> list[str]:
    return sorted(set(__all__) | {name for name in globals() if name.startswith("_")})
