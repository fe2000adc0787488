"""Test doubles that behave like the real boundaries: a scripted LLM, a hash embedder, a scripted executor."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ragagent.llm.base import Completion, GenerationSettings, Prompt, PromptStyle, prompt_text
from ragagent.options import SANDBOX_LIMITS, SandboxLimits
from ragagent.sandbox.base import ExecResult
from ragagent.types import Usage


class ScriptExhaustedError(AssertionError):
    """The scripted LLM was called more times than its script allows."""


@dataclass
class Call:
    prompt: Prompt
    stop: tuple[str, ...]
    settings: GenerationSettings | None


@dataclass
class ScriptedLLM:
    """Returns scripted replies in order, records every call, raises when the script runs out.

    A reply may be a string or a function of the prompt (as text). Like a real model, the text is cut at the
    first stop sequence. ``prompt_style="chat"`` makes it an instruct model: the modes send conversations.
    """

    script: list[str | Callable[[str], str]]
    calls: list[Call] = field(default_factory=list)
    prompt_style: PromptStyle = "completion"

    def complete(
        self, prompt: Prompt, *, stop: Sequence[str] = (), settings: GenerationSettings | None = None
    ) -> Completion:
        self.calls.append(Call(prompt, tuple(stop), settings))
        if len(self.calls) > len(self.script):
            raise ScriptExhaustedError(f"scripted LLM called {len(self.calls)} times; script has {len(self.script)}")
        reply = self.script[len(self.calls) - 1]
        text = reply(prompt_text(prompt)) if callable(reply) else reply
        cut = [text.index(s) for s in stop if s and s in text]
        if cut:
            text = text[: min(cut)]
        usage = Usage(len(prompt_text(prompt).split()), len(text.split()), 1)
        return Completion(text=text, usage=usage, finish_reason="stop")

    def stream(
        self, prompt: Prompt, *, stop: Sequence[str] = (), settings: GenerationSettings | None = None
    ) -> Iterator[str]:
        text = self.complete(prompt, stop=stop, settings=settings).text
        yield from re.findall(r"\S+\s*|\s+", text)


@dataclass
class HashEmbedder:
    """Deterministic bag-of-words embeddings (hashed tokens), normalised; for unit tests only."""

    dimension: int = 64
    model_name: str = "hash-embedder"

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text])[0]

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for token in re.findall(r"\w+", text.lower()):
                h = int(hashlib.md5(token.encode()).hexdigest(), 16)
                out[i, h % self.dimension] += 1.0 if (h >> 64) % 2 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


class UnscriptedProgramError(AssertionError):
    """The fake executor was asked to run a program its script has no result for."""


@dataclass
class FakeExecutor:
    """An :class:`~ragagent.sandbox.Executor` that runs nothing: it returns scripted results and records each call.

    ``results`` is one :class:`ExecResult` for every program, or a mapping from program text to its result
    (another program fails the test). Limits are checked as the real sandbox checks them. It is held to the
    executor contract (tests/sandbox/executor_contract.py) that the real ``BubblewrapExecutor`` passes.
    """

    results: ExecResult | Mapping[str, ExecResult] = field(default_factory=ExecResult)
    calls: list[tuple[str, float, int]] = field(default_factory=list)  # (code, timeout_s, memory_mb)

    def run(self, code: str, *, timeout_s: float = SANDBOX_LIMITS.timeout_s,
            memory_mb: int = SANDBOX_LIMITS.memory_mb) -> ExecResult:
        SandboxLimits(timeout_s, memory_mb)
        self.calls.append((code, timeout_s, memory_mb))
        if isinstance(self.results, ExecResult):
            return self.results
        if code not in self.results:
            raise UnscriptedProgramError(f"no scripted result for the program {code!r}")
        return self.results[code]
