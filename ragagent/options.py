"""Plain option types and the one home of every default (bottom layer: imports only errors and types).

Settings (``ragagent.config``), the modes, the sandbox, ingestion and the CLI all read their defaults here, so
``eval pal`` and ``ask --mode pal`` cannot drift apart. The README's defaults table lists these values.

>>> generation_for("pal").max_tokens == MODE_MAX_TOKENS["pal"]
True
>>> SANDBOX_LIMITS.memory_mb
256
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from ragagent.errors import ConfigError
from ragagent.types import SearchMode

AskMode = Literal["auto", "rag", "pal", "react"]
DenseKind = Literal["flat", "hnsw", "auto"]  # auto (Milvus only): flat below 50k chunks, hnsw above
Bm25Engine = Literal["bm25s", "rank-bm25"]
VerifyWith = Literal["lexical", "embedding", "llm"]  # how citations are checked (ragagent.rag.judges)
QueryBackend = Literal["auto", "onnx", "torch"]  # what embeds queries (ragagent.embeddings)


@dataclass(frozen=True, slots=True)
class GenerationSettings:
    """Sampling settings passed to every call (None = the backend's default)."""

    temperature: float = 0.0
    top_p: float | None = None
    top_k: int | None = None
    max_tokens: int = 256
    repeat_penalty: float | None = None
    seed: int | None = 0


# New tokens per answer when max_tokens is not set: a cited RAG answer of up to three sentences, a PAL program
# (Qwen2.5-Coder-1.5B: mean 77, longest 232 tokens on 100 GSM8K problems, BENCHMARKS.md), one ReAct Thought/Action turn.
MODE_MAX_TOKENS = {"rag": 192, "pal": 384, "react": 256}
# What every mode samples with unless told otherwise (greedy, a mild repetition penalty, a fixed seed).
DEFAULT_GENERATION = GenerationSettings(temperature=0.0, max_tokens=256, repeat_penalty=1.1, seed=0)


def generation_for(mode: str, base: GenerationSettings = DEFAULT_GENERATION) -> GenerationSettings:
    """``base`` with ``mode``'s default ``max_tokens`` (unknown modes keep the base's)."""
    return replace(base, max_tokens=MODE_MAX_TOKENS.get(mode, base.max_tokens))


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    """Per-run limits of the sandbox: wall-clock seconds and address space per process in MiB."""

    timeout_s: float = 10.0
    memory_mb: int = 256

    def __post_init__(self) -> None:  # every executor checks its limits here (tests/sandbox/executor_contract.py)
        if not (math.isfinite(self.timeout_s) and self.timeout_s > 0):
            raise ConfigError(f"timeout_s must be a positive number of seconds, got {self.timeout_s!r}")
        if self.memory_mb < 32:
            raise ConfigError(f"memory_mb must be at least 32 (the interpreter needs it), got {self.memory_mb!r}")


SANDBOX_LIMITS = SandboxLimits()

# Chunking: characters per chunk and overlap (BENCHMARKS.md, "Tuning").
CHUNK_SIZE = 1000
CHUNK_OVERLAP = 150

# Passages retrieved per question (RAG's context, `search` hits).
TOP_K = 5

# Characters of each passage a ReAct ``search`` observation shows (the rest is reachable with ``lookup``):
# enough for a typical encyclopedia lead paragraph (HotpotQA's median is 487), ~150 tokens, so four passages
# per search and several searches fit a 4096-token context (BENCHMARKS.md, "Local models").
SEARCH_PASSAGE_CHARS = 600

# RAG and the ``search`` tool show up to this many documents named by title in their top passages, in place of
# their last hits (ragagent.links; 0 = off): HotpotQA dev, both supporting paragraphs among 5 passages 61% -> 78%
# (a second link: 80%, for one more retrieved hit displaced; BENCHMARKS.md).
FOLLOW_LINKS = 1

# The RAG relevance floor: below both, the model is not asked at all.
MIN_DENSE_SIMILARITY = 0.25
MIN_TERM_COVERAGE = 0.5


@dataclass(frozen=True, slots=True)
class RagOptions:
    """Retrieval depth and the relevance floor below which the model is not asked at all.

    A hit is relevant when its dense cosine similarity is at least ``min_dense_similarity`` or it
    contains at least ``min_term_coverage`` of the query's content terms (after stopwords/stemming).
    """

    k: int = TOP_K
    search_mode: SearchMode = "hybrid"
    min_dense_similarity: float = MIN_DENSE_SIMILARITY
    min_term_coverage: float = MIN_TERM_COVERAGE
    attribute: bool = True  # cite uncited sentences that a shown passage supports (origin="attributed")
    correct: bool = True  # move a citation its sentence does not support to the shown passage that does
    follow_links: int = FOLLOW_LINKS  # documents named (by title) in the top passages, shown in place of the last


# Where ragagent keeps what it builds once per machine (assembled models, ONNX encoders, prompt states).
CACHE_ENV = "RAGAGENT_CACHE"


def cache_dir(kind: str) -> Path:
    """``$RAGAGENT_CACHE/<kind>``, or ``~/.cache/ragagent/<kind>``."""
    root = os.environ.get(CACHE_ENV)
    return (Path(root).expanduser() if root else Path.home() / ".cache" / "ragagent") / kind
