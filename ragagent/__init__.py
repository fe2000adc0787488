"""ragagent: retrieval-augmented generation and agents, small and honest about its sources.

>>> import ragagent
>>> report = ragagent.ingest_paths(["examples/corpus"], ".ragagent")   # doctest: +SKIP
>>> index = ragagent.Index.open(".ragagent")                           # doctest: +SKIP
>>> index.search("what is PAL?", k=3)                                  # doctest: +SKIP

(The ingestion function is ``ingest_paths`` because ``ragagent.ingest`` is the loaders' subpackage.)
"""

from ragagent.agent import Agent
from ragagent.config import Settings, load_settings
from ragagent.embeddings import DEFAULT_EMBEDDING_MODEL, Embedder, SentenceTransformerEmbedder
from ragagent.errors import (
    ConfigError,
    EmbeddingMismatchError,
    IndexCorruptError,
    IndexError_,
    IndexLockedError,
    IndexNotFoundError,
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
from ragagent.index import Index, IngestOptions, IngestReport, SearchOptions, ingest_paths
from ragagent.rag.citations import CitationVerifier
from ragagent.rag.support import Support, SupportChecker
from ragagent.streaming import AnswerStream
from ragagent.types import Answer, Chunk, Citation, Hit, RetrieverScore, Span, Step, Usage

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "Agent",
    "Answer",
    "AnswerStream",
    "Chunk",
    "Citation",
    "CitationVerifier",
    "ConfigError",
    "Embedder",
    "EmbeddingMismatchError",
    "Hit",
    "Index",
    "IndexCorruptError",
    "IndexError_",
    "IndexLockedError",
    "IndexNotFoundError",
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
    "ToolError",
    "Usage",
    "__version__",
    "ingest_paths",
    "load_settings",
]
