"""The one exception tree of ragagent.

Every error ragagent raises on purpose derives from :class:`RagAgentError`::

    RagAgentError
    ├── ConfigError            bad argument, option or setting (a user mistake)
    │   └── EncoderUnavailableError  the fast (ONNX) encoder cannot serve this model; callers fall back
    ├── IngestError            a file could not be loaded or chunked (carries ``path`` and ``reason``)
    │   └── NothingToIngestError   the paths hold nothing that could be ingested
    ├── IngestAbortedError     strict ingestion met failures; the index was left untouched
    ├── IndexUnusableError     the index on disk cannot be used
    │   ├── IndexNotFoundError     no index at that directory
    │   ├── IndexCorruptError      a file is missing, truncated or tampered with
    │   ├── IndexLockedError       another writer holds the lock
    │   ├── LegacyIndexError       an old-format index whose sources cannot be located (rebuild it)
    │   ├── SourceNotFoundError    no document of that name is in the index
    │   └── EmbeddingMismatchError the index was built with another embedding model
    ├── LLMError               the language model could not be reached or used
    │   ├── ProviderNotInstalledError  the pip extra is missing
    │   ├── MissingCredentialsError    the API key variable is unset
    │   ├── ModelFileError             a local model file is corrupted or not the pinned model
    │   └── LLMConnectionError         the server did not answer
    ├── SandboxError           isolation is unavailable or broke (never a model's own failure)
    │   └── SandboxUnavailableError
    └── ToolError              a tool failed in a way the model should see (an observation)

Model-caused failures (bad code, a failing tool call, an unparsable action) are values that the
orchestrator shows the model; only the classes above reach the caller.  Bugs propagate unchanged.
"""

from __future__ import annotations

from pathlib import Path


class RagAgentError(Exception):
    """Root of every error ragagent raises on purpose."""


class ConfigError(RagAgentError):
    """A bad argument, option or setting."""


class EncoderUnavailableError(ConfigError):
    """The ONNX query encoder cannot be used (no verified export, or onnxruntime/tokenizers missing)."""


class IngestError(RagAgentError):
    """A file could not be ingested; names the file and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class NothingToIngestError(IngestError):
    """Nothing under the given paths could be ingested (missing, empty, filtered out or all failed)."""


class IndexUnusableError(RagAgentError):
    """The index on disk cannot be used."""


class IndexNotFoundError(IndexUnusableError):
    """No index exists at the given directory."""


class IndexCorruptError(IndexUnusableError):
    """An index file is missing, truncated or does not match the manifest."""


class IndexLockedError(IndexUnusableError):
    """Another process is writing the index."""


class LegacyIndexError(IndexUnusableError):
    """An index written before source roots were recorded, whose files are not under the paths given."""


class SourceNotFoundError(IndexUnusableError):
    """No document (source) of that name is in the index."""


class EmbeddingMismatchError(IndexUnusableError):
    """The index was built with a different embedding model."""


class LLMError(RagAgentError):
    """The language model could not be reached or used."""


class ProviderNotInstalledError(LLMError):
    """The LangChain integration package (a pip extra) for a provider is missing."""


class MissingCredentialsError(LLMError):
    """The API key environment variable of a provider is not set."""


class ModelFileError(LLMError):
    """A local model file (or one of its parts) is corrupted, truncated or not the model that was pinned."""


class LLMConnectionError(LLMError):
    """The model server did not answer."""


class SandboxError(RagAgentError):
    """The sandbox itself failed (infrastructure, not the executed code)."""


class SandboxUnavailableError(SandboxError):
    """OS-level isolation (bubblewrap, namespaces) is not available; ragagent fails closed."""


class ToolError(RagAgentError):
    """Raised by a tool to report a failure the model should see as an observation."""


class IngestAbortedError(RagAgentError):
    """``strict`` ingestion stopped at the first failures; the index was not touched."""

    def __init__(self, failures: list[tuple[str, str]]) -> None:
        self.failures = failures
        first = "; ".join(f"{src}: {why}" for src, why in failures[:3])
        more = f" (+{len(failures) - 3} more)" if len(failures) > 3 else ""
        super().__init__(f"strict mode: {len(failures)} file(s) failed, index unchanged: {first}{more}")
