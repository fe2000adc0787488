"""Test doubles that behave like the real boundaries: a scripted LLM and a hash embedder."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from ragagent.llm.base import Completion, GenerationSettings, Prompt, PromptStyle, prompt_text
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
